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

/// The checkout under test (cargo names xtask's directory at run time).
fn this_checkout() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).parent().unwrap().to_path_buf()
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// A checkout with this one's xtask and generator sources (those the binary was built from),
/// holding one area, `area`, whose overlay adds an operation.
fn checkout(base: &Path, area: &str) -> PathBuf {
    let root = base.join(format!("checkout-{area}"));
    for source in ["xtask/Cargo.toml", "xtask/build.rs", "xtask/src", "codegen/Cargo.toml", "codegen/src"] {
        std::fs::create_dir_all(root.join(source).parent().unwrap()).unwrap();
        copy(&this_checkout().join(source), &root.join(source));
    }
    std::fs::create_dir_all(root.join("specs/overlays")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\", \"codegen\"]\n").unwrap();
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
    // A checkout whose xtask sources differ from the binary's: it says so (and, but for the
    // variable a rebuild sets, rebuilds through cargo) rather than run another checkout's code.
    let main = second.join("xtask/src/main.rs");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("{text}// changed\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec-diff", "--overlays"])
        .current_dir(&second)
        .env_remove("CARGO_MANIFEST_DIR")
        .env("XTASK_REBUILT", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("this xtask binary was built from other sources than"), "{stderr}");
    assert!(output.stdout.is_empty(), "it ran: {}", String::from_utf8_lossy(&output.stdout));

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
