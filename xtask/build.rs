//! Records the digest of the sources this build compiles (`src/sources.rs`), which the binary
//! compares with the checkout it runs in.

#[path = "src/sources.rs"]
#[allow(dead_code)]
mod sources;

fn main() {
    let xtask =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = xtask.parent().expect("xtask is a directory of the workspace");
    for source in sources::SOURCES {
        println!("cargo::rerun-if-changed={}", root.join(source).display());
    }
    println!("cargo::rustc-env=XTASK_SOURCES_DIGEST={}", sources::digest(root));
    // Checkouts sharing a target directory share this script's OUT_DIR. When the last run was
    // another checkout's, cargo may have kept that checkout's build of codegen (its files here
    // being older): the binary then has itself rebuilt with codegen (`cargo::rerun_if_built_elsewhere`).
    let out_dir = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let marker = out_dir.join("checkout");
    let here = root.display().to_string();
    let previous = std::fs::read_to_string(&marker).ok();
    let _ = std::fs::write(&marker, &here);
    let after_another = previous.is_some_and(|previous| previous != here);
    println!("cargo::rustc-env=XTASK_BUILT_IN={here}");
    println!("cargo::rustc-env=XTASK_BUILT_AFTER_ANOTHER_CHECKOUT={}", if after_another { "yes" } else { "" });
}
