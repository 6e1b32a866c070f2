//! `cargo xtask` builds xtask with the features xtask alone resolves; the test build resolves
//! them for the whole workspace with its dev-dependencies. Every crate the two share must get
//! the same features, or a fresh clone compiles it (and all above it) twice. The feature
//! unification entries at the end of `xtask/Cargo.toml` keep them equal; this names a drift.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// `cargo tree` lines `name version features` -> the feature sets each crate version is built
/// with (one per instance: a crate built for the host and for the target can differ).
fn features(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    // At run time: the checkout under test, not the one the test was built in.
    let root = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets it")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["tree", "--locked", "--prefix", "none", "--format", "{p}|{f}"])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    let mut crates: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else { continue };
        // `name v1.2.3` or `name v1.2.3 (/path)`, then ` (*)` on repeats.
        let package: Vec<&str> = package.split_whitespace().take(2).collect();
        let features = features.trim_end_matches(" (*)").trim();
        crates.entry(package.join(" ")).or_default().insert(features.to_owned());
    }
    crates
}

#[test]
fn xtask_resolves_shared_crates_as_the_test_build_does() {
    let xtask = features(&["-p", "xtask", "-e", "features,normal,build"]);
    let tests = features(&["--workspace", "-e", "features,normal,dev,build"]);
    assert!(xtask.len() > 50, "cargo tree listed too few crates for xtask: {xtask:?}");
    let drift: Vec<String> = xtask
        .iter()
        .filter_map(|(package, features)| {
            let in_tests = tests.get(package)?;
            (in_tests != features).then(|| format!("{package}: xtask {features:?}, test build {in_tests:?}"))
        })
        .collect();
    assert!(
        drift.is_empty(),
        "these crates get other features under `cargo xtask` than under `cargo test --workspace`; \
         add them to the feature unification entries of xtask/Cargo.toml:\n{}",
        drift.join("\n")
    );
}
