//! Running cargo and npm from the workspace root, and where cargo builds.

use std::path::{Path, PathBuf};
use std::time::Instant;

/// The cargo that runs this xtask (`$CARGO`), so nested builds use the same toolchain.
///
/// Without the variables `cargo run` set for this program (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`, ...): build scripts that watch them (ring's, through the `cc` crate)
/// would otherwise see them change between `cargo xtask` and the cargo it runs, and be rebuilt
/// on every step, with everything above them.
pub(crate) fn cargo_command() -> std::process::Command {
    let mut command = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(name);
        }
    }
    command
}

/// What `cargo run` sets for the program it runs, besides `CARGO` itself.
fn set_by_cargo_run(name: &str) -> bool {
    ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_", "CARGO_CRATE_", "CARGO_PRIMARY_PACKAGE"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || name == "OUT_DIR"
}

/// Runs `cargo` with `args` in the workspace root, failing with the command line if it fails.
pub(crate) fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let shown = format!("cargo {}", args.join(" "));
    println!("\n==> {shown}");
    let started = Instant::now();
    let status = cargo_command()
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    println!("<== {shown}: {} in {:.1?}", if status.success() { "ok" } else { "FAILED" }, started.elapsed());
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed")) }
}

/// Installs the pinned Prism (`tools/prism/package-lock.json`) that the contract tests run.
pub(crate) fn install_prism() -> Result<(), String> {
    npm_ci("tools/prism", "the contract tests")
}

/// Installs the pinned vendor SDKs (`tools/vendor-sdk/package-lock.json`) that the vendor-SDK wire
/// test drives.
pub(crate) fn install_vendor_sdks() -> Result<(), String> {
    npm_ci("tools/vendor-sdk", "the vendor-SDK wire test")
}

/// `npm ci --prefix <dir>`: the packages `dir`'s package-lock.json pins, for `needed_by`.
fn npm_ci(dir: &str, needed_by: &str) -> Result<(), String> {
    let shown = format!("npm ci --prefix {dir}");
    println!("\n==> {shown}");
    let started = Instant::now();
    let status = std::process::Command::new("npm")
        .args(["ci", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(workspace_root())
        .status()
        .map_err(|e| {
            format!("cannot run `{shown}` ({e}): {needed_by} need Node.js 20+ and npm (Debian: `apt-get install nodejs npm`)")
        })?;
    println!("<== {shown}: {} in {:.1?}", if status.success() { "ok" } else { "FAILED" }, started.elapsed());
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed")) }
}

/// The directory cargo builds into, as `cargo metadata` reports it: `CARGO_TARGET_DIR`,
/// `build.target-dir` in a cargo config, or `target/` in the workspace root.
pub(crate) fn target_dir() -> Result<PathBuf, String> {
    let mut metadata = cargo_command();
    metadata.current_dir(workspace_root());
    target_dir_of(metadata)
}

/// `target_directory` of `cargo metadata` run by `cargo` (a cargo command with its environment).
pub(crate) fn target_dir_of(mut cargo: std::process::Command) -> Result<PathBuf, String> {
    let output = cargo
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo metadata` failed ({})", output.status));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("`cargo metadata` printed no JSON: {e}"))?;
    metadata
        .get("target_directory")
        .and_then(serde_json::Value::as_str)
        .map(PathBuf::from)
        .ok_or_else(|| "`cargo metadata` reported no target_directory".to_owned())
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_directory_is_where_cargo_builds() {
        let mut default = cargo_command();
        default.current_dir(workspace_root()).env_remove("CARGO_TARGET_DIR").env_remove("CARGO_BUILD_TARGET_DIR");
        assert_eq!(target_dir_of(default).unwrap(), workspace_root().join("target"));

        let elsewhere = std::env::temp_dir().join("cloudbase-rs-target-elsewhere");
        let mut moved = cargo_command();
        moved.current_dir(workspace_root()).env("CARGO_TARGET_DIR", &elsewhere);
        assert_eq!(target_dir_of(moved).unwrap(), elsewhere);
    }
}
