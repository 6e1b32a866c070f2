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
}
