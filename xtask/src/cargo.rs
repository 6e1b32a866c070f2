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

/// The root of the checkout this command acts on, found when it runs (never where the binary was
/// built: checkouts that share a `CARGO_TARGET_DIR` share the binary too).
///
/// A command that cannot find it stops here, saying why, with exit code 2.
pub(crate) fn workspace_root() -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        let current = std::env::current_dir().ok();
        find_workspace_root(manifest_dir.as_deref(), current.as_deref()).unwrap_or_else(|| {
            eprintln!(
                "error: no cloudbase-rs checkout here: run `cargo xtask` inside one (a directory whose \
                 Cargo.toml has a [workspace] table, beside xtask/Cargo.toml)"
            );
            std::process::exit(2)
        })
    })
    .clone()
}

/// When this binary was built from other sources than those of the checkout it runs in (another
/// checkout sharing the target directory built it last, and cargo, going by modification times,
/// took that build as fresh here): marks this checkout's sources changed and runs the command
/// again through `cargo run`, which rebuilds it. Returns that run's exit code, or `None` when the
/// binary is this checkout's.
pub(crate) fn rerun_if_built_elsewhere() -> Option<std::process::ExitCode> {
    let root = workspace_root();
    let stale = if crate::sources::digest(&root) != env!("XTASK_SOURCES_DIGEST") {
        format!(
            "this xtask binary was built from other sources than {}'s (another checkout sharing the target directory built it last)",
            root.display()
        )
    } else if !env!("XTASK_BUILT_AFTER_ANOTHER_CHECKOUT").is_empty() && root == Path::new(env!("XTASK_BUILT_IN")) {
        // Built here, right after another checkout's build: codegen may be that checkout's.
        format!(
            "this xtask binary was built in {} right after another checkout's, whose codegen it may hold",
            root.display()
        )
    } else {
        return None;
    };
    if std::env::var_os(REBUILT).is_some() {
        eprintln!("error: {stale}, and rebuilding did not change that: run `cargo clean -p xtask -p codegen`");
        return Some(std::process::ExitCode::from(2));
    }
    eprintln!("xtask: {stale}: rebuilding it");
    let now = std::time::SystemTime::now();
    for file in ["xtask/src/main.rs", "codegen/src/lib.rs"] {
        let touched = std::fs::File::options().append(true).open(root.join(file)).and_then(|f| f.set_modified(now));
        if let Err(e) = touched {
            eprintln!("error: {stale}, and {file} cannot be marked changed: {e}");
            return Some(std::process::ExitCode::from(2));
        }
    }
    let manifest = root.join("Cargo.toml");
    let status = cargo_command()
        .args(["run", "--quiet", "--package", "xtask", "--manifest-path"])
        .arg(&manifest)
        .arg("--")
        .args(std::env::args_os().skip(1))
        .env(REBUILT, "1")
        .status();
    Some(match status {
        Ok(status) => std::process::ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(2)),
        Err(e) => {
            eprintln!("error: cannot run cargo to rebuild xtask: {e}");
            std::process::ExitCode::from(2)
        }
    })
}

/// Set on the run that follows a rebuild, so that a binary still built elsewhere stops there.
const REBUILT: &str = "XTASK_REBUILT";

/// The workspace root: the parent of `manifest_dir` (xtask's directory as cargo sets it at run
/// time, for the workspace that cargo resolved), else the first of `current` and its ancestors
/// that is one (the binary run by hand). A root is a directory whose `Cargo.toml` has a
/// `[workspace]` table and that has `xtask/Cargo.toml`.
pub(crate) fn find_workspace_root(manifest_dir: Option<&Path>, current: Option<&Path>) -> Option<PathBuf> {
    let is_root = |dir: &Path| {
        dir.join("xtask/Cargo.toml").is_file()
            && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| {
                manifest.lines().map(str::trim).any(|line| line == "[workspace]" || line.starts_with("[workspace."))
            })
    };
    let from_cargo = manifest_dir.and_then(Path::parent).filter(|dir| is_root(dir));
    let found = from_cargo.or_else(|| current?.ancestors().find(|dir| is_root(dir)))?;
    Some(std::path::absolute(found).unwrap_or_else(|_| found.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two checkouts: each finds itself, from its root, from a directory inside it, and from the
    /// directory cargo names; a directory outside both finds neither.
    #[test]
    fn the_workspace_is_the_checkout_it_runs_in() {
        let base = std::env::temp_dir().join(format!("cloudbase-rs-roots-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let checkout = |name: &str| {
            let root = base.join(name);
            std::fs::create_dir_all(root.join("xtask")).unwrap();
            std::fs::create_dir_all(root.join("cloudbase-api/src")).unwrap();
            std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").unwrap();
            std::fs::write(root.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").unwrap();
            std::fs::write(root.join("cloudbase-api/Cargo.toml"), "[package]\nname = \"cloudbase-api\"\n").unwrap();
            root
        };
        let (a, b) = (checkout("a"), checkout("b"));
        let found = |manifest_dir: Option<&Path>, current: &Path| find_workspace_root(manifest_dir, Some(current));
        assert_eq!(found(None, &a), Some(a.clone()));
        assert_eq!(found(None, &b.join("cloudbase-api/src")), Some(b.clone()));
        assert_eq!(found(Some(&a.join("xtask")), &b), Some(a.clone()), "cargo's workspace wins");
        // A member's manifest is not a workspace's: the search goes on up to the root.
        assert_eq!(found(Some(&b.join("cloudbase-api/src")), &b.join("cloudbase-api")), Some(b.clone()));
        assert_eq!(found(None, &base), None);
        std::fs::write(a.join("Cargo.toml"), "[package]\nname = \"a\"\n").unwrap();
        assert_eq!(found(None, &a.join("cloudbase-api")), None, "no [workspace] table");
        std::fs::remove_dir_all(&base).unwrap();
    }

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
