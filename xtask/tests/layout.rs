//! CONTRIBUTING.md's Layout tree is the repository's: every path it lists exists, and every file
//! and directory inside a directory it lists with its contents (a directory followed by deeper
//! lines) is listed. A directory listed without children (`tests/`, `fixtures/`) is not looked
//! into. Ignored: each package's `Cargo.toml`; at the root, dotfiles other than `.ci`, `target`,
//! `Cargo.lock`, `README.md`, `LICENSE`, `rustfmt.toml` and `CONTRIBUTING.md` itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The checkout under test: cargo names xtask's directory when the test runs (not when it was
/// built, which may have been in another checkout sharing the target directory).
fn root() -> PathBuf {
    let xtask = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR");
    Path::new(&xtask).parent().unwrap().to_path_buf()
}

/// The tree's entries as paths from the root, and the directories whose contents it lists.
fn tree(contributing: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let section = contributing.split("\n## Layout\n").nth(1).expect("CONTRIBUTING.md has a `## Layout` section");
    let block = section.split("```\n").nth(1).expect("the Layout section has a ``` block");
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut paths = BTreeSet::new();
    let mut expanded = BTreeSet::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let indent = line.len() - line.trim_start().len();
        assert_eq!(indent % 2, 0, "odd indentation in the Layout tree: {line:?}");
        let name = line.split_whitespace().next().unwrap();
        while stack.last().is_some_and(|(depth, _)| *depth >= indent) {
            stack.pop();
        }
        if let Some((_, parent)) = stack.last() {
            expanded.insert(parent.clone());
        }
        let parent = stack.last().map(|(_, p)| p.as_str()).unwrap_or("");
        let path = format!("{parent}{name}");
        paths.insert(path.trim_end_matches('/').to_owned());
        if name.ends_with('/') {
            stack.push((indent, path));
        }
    }
    (paths, expanded.into_iter().map(|d| d.trim_end_matches('/').to_owned()).collect())
}

fn ignored_at_root(name: &str) -> bool {
    (name.starts_with('.') && name != ".ci")
        || ["target", "Cargo.toml", "Cargo.lock", "README.md", "LICENSE", "rustfmt.toml", "CONTRIBUTING.md"]
            .contains(&name)
}

/// Paths listed in the tree that do not exist, and entries of listed directories that it leaves out.
fn differences(root: &Path, contributing: &str) -> (Vec<String>, Vec<String>) {
    let (paths, expanded) = tree(contributing);
    let missing: Vec<String> = paths.iter().filter(|p| !root.join(p).exists()).cloned().collect();
    let mut unlisted = Vec::new();
    let dirs = std::iter::once(String::new()).chain(expanded);
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else { continue };
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if (dir.is_empty() && ignored_at_root(&name)) || name == "Cargo.toml" {
                continue;
            }
            let path = if dir.is_empty() { name } else { format!("{dir}/{name}") };
            if !paths.contains(&path) {
                unlisted.push(path);
            }
        }
    }
    unlisted.sort();
    (missing, unlisted)
}

#[test]
fn the_layout_tree_is_the_repository() {
    let root = root();
    let contributing = std::fs::read_to_string(root.join("CONTRIBUTING.md")).unwrap();
    let (missing, unlisted) = differences(&root, &contributing);
    assert!(missing.is_empty(), "CONTRIBUTING.md's Layout lists paths that do not exist: {missing:?}");
    assert!(unlisted.is_empty(), "CONTRIBUTING.md's Layout leaves out: {unlisted:?}");
}

/// The check can fail: a tree that drops a file, or lists one that is not there, is caught.
#[test]
fn a_stale_tree_is_caught() {
    let root = root();
    let contributing = std::fs::read_to_string(root.join("CONTRIBUTING.md")).unwrap();
    let dropped = contributing.replace("    execute.rs ", "    removed.rs ");
    assert_ne!(dropped, contributing, "the tree lists runtime/execute.rs");
    let (missing, unlisted) = differences(&root, &dropped);
    assert_eq!(missing, ["cloudbase-api/src/runtime/removed.rs"]);
    assert_eq!(unlisted, ["cloudbase-api/src/runtime/execute.rs"]);
}
