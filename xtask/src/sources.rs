//! A digest of the sources the `xtask` binary is built from, computed by the build script and,
//! when the binary runs, over the checkout it acts on: checkouts sharing a `CARGO_TARGET_DIR`
//! share the binary, and cargo, which decides by modification times, can take one checkout's
//! build as fresh for another whose sources differ.

use std::path::{Path, PathBuf};

/// The sources compiled into the binary, relative to the workspace root: xtask's and the
/// generator's manifests, build script and `src/` trees.
pub(crate) const SOURCES: [&str; 5] =
    ["xtask/Cargo.toml", "xtask/build.rs", "xtask/src", "codegen/Cargo.toml", "codegen/src"];

/// FNV-1a (64 bits) over each file's path (relative to `root`, `/`-separated) and bytes, in
/// path order; a file that cannot be read counts as absent.
pub(crate) fn digest(root: &Path) -> String {
    digest_of(root, &SOURCES)
}

/// The digest of `sources` (paths relative to `root`), as [`digest()`] takes it of all of them.
pub(crate) fn digest_of(root: &Path, sources: &[&str]) -> String {
    let mut files = Vec::new();
    for source in sources {
        collect(&root.join(source), &mut files);
    }
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        let name: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        feed(name.join("/").as_bytes());
        feed(&[0]);
        if let Ok(bytes) = std::fs::read(&file) {
            feed(&(bytes.len() as u64).to_le_bytes());
            feed(&bytes);
        }
    }
    format!("{hash:016x}")
}

/// `path` if it is a file, else every file below it.
pub(crate) fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(entries) => {
            for entry in entries.filter_map(Result::ok) {
                collect(&entry.path(), files);
            }
        }
        Err(_) if path.is_file() => files.push(path.to_path_buf()),
        Err(_) => {}
    }
}
