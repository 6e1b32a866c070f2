//! One xtask binary, two checkouts: checkouts that share a `CARGO_TARGET_DIR` share the binary
//! `cargo xtask` runs, so the binary must act on the checkout it is run in, never on the one it
//! was built in.

use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = "\
openapi: 3.0.3
info: {title: AREA, version: '1'}
paths:
  /v1/AREA/things:
    get:
      operationId: AREAListThings
      responses:
        '200': {description: ok}
";

const OVERLAY: &str = "\
overlay: 1.0.0
info: {title: an operation of AREA's, version: '1'}
actions:
  - target: $.paths
    description: An operation the published reference omits.
    update:
      /v1/AREA/versions:
        get:
          operationId: AREAListVersions
          responses:
            '200': {description: ok}
";

/// A checkout holding one area, `area`, whose overlay adds an operation.
fn checkout(base: &Path, area: &str) -> PathBuf {
    let root = base.join(format!("checkout-{area}"));
    std::fs::create_dir_all(root.join("xtask/src")).unwrap();
    std::fs::create_dir_all(root.join("specs/overlays")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").unwrap();
    std::fs::write(root.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\nversion = \"0.1.0\"\n").unwrap();
    std::fs::write(root.join(format!("specs/{area}.yaml")), SPEC.replace("AREA", area)).unwrap();
    std::fs::write(root.join(format!("specs/overlays/{area}.yaml")), OVERLAY.replace("AREA", area)).unwrap();
    root
}

/// `xtask spec-diff --overlays` run in `dir`, as `cargo xtask` runs it when `manifest_dir` is
/// set (cargo names xtask's directory) or by hand when it is not.
fn overlays_report(dir: &Path, manifest_dir: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(["spec-diff", "--overlays"]).current_dir(dir).env_remove("CARGO_MANIFEST_DIR");
    if let Some(manifest_dir) = manifest_dir {
        command.env("CARGO_MANIFEST_DIR", manifest_dir);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "xtask spec-diff --overlays in {}: {stderr}", dir.display());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_binary_acts_on_the_checkout_it_runs_in() {
    let base = std::env::temp_dir().join(format!("cloudbase-rs-checkouts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (first, second) = (checkout(&base, "first"), checkout(&base, "second"));
    let expect = |report: &str, area: &str| {
        report.starts_with(&format!("== specs/{area}.yaml against specs/overlays/{area}.yaml\n"))
            && report.contains(&format!(
                "operation {area}ListVersions added (GET /v1/{area}/versions; method list_versions())\n"
            ))
    };
    for (root, area) in [(&first, "first"), (&second, "second")] {
        // By hand, from the root and from below it; and as `cargo xtask` runs it.
        for (dir, manifest_dir) in
            [(root.clone(), None), (root.join("xtask/src"), None), (base.clone(), Some(root.join("xtask")))]
        {
            let report = overlays_report(&dir, manifest_dir.as_deref());
            assert!(expect(&report, area), "run in {} for {area}:\n{report}", dir.display());
        }
    }
    // Outside any checkout: an error saying so, not another tree.
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec-diff", "--overlays"])
        .current_dir(&base)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no cloudbase-rs checkout here"));
    std::fs::remove_dir_all(&base).unwrap();
}
