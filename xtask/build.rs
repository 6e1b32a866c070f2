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
    let codegen_sources = ["codegen/Cargo.toml", "codegen/src"];
    let codegen = sources::digest_of(root, &codegen_sources);
    let previous = std::fs::read_to_string(&marker).unwrap_or_default();
    let previous_run = std::fs::metadata(&marker).and_then(|m| m.modified()).ok();
    let _ = std::fs::write(&marker, format!("{here}\n{codegen}\n"));
    let mut previous = previous.lines();
    let (previous_root, previous_codegen) = (previous.next(), previous.next());
    // Cargo rebuilds codegen itself when one of its files here is newer than that run (a fresh
    // clone, an edit): only older files leave the other checkout's build in place, and only
    // sources that differ from those it was built from make that build another.
    let mut files = Vec::new();
    for source in codegen_sources {
        sources::collect(&root.join(source), &mut files);
    }
    let codegen_rebuilt = files.iter().any(|file| {
        let modified = std::fs::metadata(file).and_then(|m| m.modified()).ok();
        matches!((modified, previous_run), (Some(modified), Some(run)) if modified > run)
    });
    let after_another = previous_root.is_some_and(|previous| previous != here)
        && previous_codegen != Some(codegen.as_str())
        && !codegen_rebuilt;
    println!("cargo::rustc-env=XTASK_BUILT_IN={here}");
    println!("cargo::rustc-env=XTASK_BUILT_AFTER_ANOTHER_CHECKOUT={}", if after_another { "yes" } else { "" });
}
