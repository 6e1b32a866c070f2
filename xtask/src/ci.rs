//! `cargo xtask test [--quick]`: every check CI runs, in order, each step saying what it checks
//! and how long it took.
//!
//! Every `cargo test` and `cargo clippy` of the workspace selects the whole workspace, so the
//! features of shared dependencies resolve the same way each time and each test binary is built
//! once per run: the fuzz and contract tests run from the build the other tests made.

use crate::areas;
use crate::cargo::{cargo, install_prism, install_vendor_sdks};
use std::time::{Duration, Instant};

/// How much `test` runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Everything CI runs.
    Full,
    /// Format, regen, clippy and the unit and loopback tests: the loop while editing.
    Quick,
}

/// The tests the quick run leaves out and the full run gives a step of its own (test target,
/// test name): the generator's fuzz test, those that run Prism, and the one that drives the
/// vendor's SDKs.
const LONG_TESTS: [(&str, &str); 5] = [
    ("fuzz", "mutated_specs_never_panic_or_hang"),
    ("contract", "every_operation_is_accepted_by_prism"),
    ("contract", "broken_requests_get_the_same_verdict_from_prism_and_the_mock"),
    ("quickstart", "the_readme_program_runs_against_prism"),
    ("vendor_sdk", "the_vendor_sdks_and_cloudbase_rs_differ_only_as_the_table_says"),
];

/// `cloudbase-api`'s TLS features; the first is a default one. The per-area checks build without
/// any, the workspace checks with the default, and each other one is checked on its own.
pub(crate) const TLS_FEATURES: [&str; 3] = ["rustls-ring", "rustls-aws-lc", "native-tls"];

/// Fuzz cases of a CI run: a sample of [`FUZZ_CASES`].
const FUZZ_CASES: u64 = 4_000;

/// The fuzz test's case count and seed for a CI run at `now`, unless the environment sets them
/// (to rerun a failure): [`FUZZ_CASES`] cases, seeded by the day (UTC), so each day's runs
/// mutate the specs differently while every run of one day, and a failure's rerun, sees the
/// same cases. The test prints the seed.
fn fuzz_sample(now: std::time::SystemTime) -> (String, String) {
    let day = now.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0);
    let given = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    (
        given("CODEGEN_FUZZ_CASES").unwrap_or_else(|| FUZZ_CASES.to_string()),
        given("CODEGEN_FUZZ_SEED").unwrap_or_else(|| day.to_string()),
    )
}

/// The crates `cargo package` must accept (the others have `publish = false`).
const PUBLISHED: &[&str] = &["cloudbase-api"];

pub(crate) fn test(scope: Scope) -> Result<(), String> {
    let started = Instant::now();
    let mut steps = Steps::default();
    let ci = [("CI", "true"), ("INSTA_UPDATE", "no")];

    // The installs wait mostly on the network and the disk: they run beside the first checks.
    let mut installs =
        (scope == Scope::Full).then(|| std::thread::spawn(|| install_prism().and_then(|()| install_vendor_sdks())));
    steps.run("formatting", &mut || cargo(&["fmt", "--all", "--check"], &[]))?;
    steps.run("generated code is up to date (regen --check)", &mut || crate::regen::regen(true))?;
    steps.run("cloudbase-api's version moved as the spec diff asks (version-check)", &mut || {
        crate::spec_diff::version_check(None)
    })?;
    steps.run("clippy, every target, -D warnings", &mut || {
        cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])
    })?;
    if let Some(installs) = installs.take() {
        let mut installs = Some(installs);
        steps.run("the pinned Prism mock server and vendor SDKs (installed beside the checks above)", &mut || {
            let installs = installs.take().ok_or("the installs were waited for already")?;
            installs.join().map_err(|_| "the install thread panicked".to_owned())?
        })?;
    }
    steps.run("unit, loopback and doc tests", &mut || {
        let mut args = vec!["test", "--workspace", "--"];
        for (_, test) in LONG_TESTS {
            args.extend(["--skip", test]);
        }
        cargo(&args, &ci)
    })?;
    if scope == Scope::Quick {
        steps.report(started.elapsed(), "quick checks");
        return Ok(());
    }
    steps.run("the fuzz, Prism contract, README program and vendor-SDK wire tests", &mut || {
        let mut args = vec!["test", "--workspace"];
        let mut targets: Vec<&str> = LONG_TESTS.iter().map(|(target, _)| *target).collect();
        targets.dedup();
        for target in targets {
            args.extend(["--test", target]);
        }
        args.extend(["--", "--nocapture"]);
        let (cases, seed) = fuzz_sample(std::time::SystemTime::now());
        let mut env = ci.to_vec();
        env.extend([("CODEGEN_FUZZ_CASES", cases.as_str()), ("CODEGEN_FUZZ_SEED", seed.as_str())]);
        cargo(&args, &env)
    })?;
    steps.run("the hostile-spec corpus built as areas, its doc tests run (cargo xtask hostile)", &mut || {
        crate::hostile::hostile()
    })?;
    steps.run("clippy for each area alone (client and mock) and each TLS choice", &mut || {
        let alone = |packages: &[&str], features: &str| {
            let mut args = vec!["clippy"];
            for package in packages {
                args.extend(["-p", package]);
            }
            args.extend(["--no-default-features", "--features", features, "--", "-D", "warnings"]);
            cargo(&args, &[])
        };
        for area in areas() {
            alone(&["cloudbase-api", "cloudbase-mock"], &format!("cloudbase-api/{area},cloudbase-mock/{area}"))?;
        }
        for tls in &TLS_FEATURES[1..] {
            alone(&["cloudbase-api"], &format!("functions,{tls}"))?;
        }
        // The crate as a dependent gets it: default features, nothing the workspace's other
        // members turn on in shared dependencies (and the dependency build the package check reuses).
        cargo(&["clippy", "-p", "cloudbase-api", "--", "-D", "warnings"], &[])
    })?;
    steps.run("rustdoc, -D warnings", &mut || {
        cargo(&["doc", "--workspace", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])
    })?;
    steps.run("cargo package of each published crate, and a build check of what it packs", &mut || {
        for krate in PUBLISHED {
            package(krate)?;
        }
        Ok(())
    })?;
    steps.report(started.elapsed(), "all checks");
    Ok(())
}

/// `cargo package` of `krate`, then `cargo check` of the package's own files as a workspace of
/// its own, the way a dependent builds it. Cargo's own verification does that in a build of its
/// own, without the workspace's profile settings, so it rebuilt every dependency (about two
/// minutes); this check carries the profile over and reuses what the clippy step before built.
fn package(krate: &str) -> Result<(), String> {
    cargo(&["package", "-p", krate, "--allow-dirty", "--no-verify"], &[])?;
    let root = crate::cargo::workspace_root();
    let target = crate::cargo::target_dir()?;
    let packaged = newest_package(&target.join("package"), krate)?;
    let unpacked = target.join("package/check");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    }
    std::fs::create_dir_all(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(&packaged)
        .arg("-C")
        .arg(&unpacked)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("cannot unpack {}", packaged.display()));
    }
    let name = packaged.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
    let dir = unpacked.join(&name);
    let manifest_path = dir.join("Cargo.toml");
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let profiles = workspace.find("\n[profile.").map(|at| &workspace[at..]).unwrap_or_default();
    let mut manifest =
        std::fs::read_to_string(&manifest_path).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    manifest.push_str("\n[workspace]\n");
    manifest.push_str(profiles);
    std::fs::write(&manifest_path, manifest).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let manifest = manifest_path.to_string_lossy().into_owned();
    let target = target.to_string_lossy().into_owned();
    cargo(&["check", "--offline", "--manifest-path", &manifest], &[("CARGO_TARGET_DIR", &target)])
}

/// The newest `<krate>-<version>.crate` in `dir`.
fn newest_package(dir: &std::path::Path, krate: &str) -> Result<std::path::PathBuf, String> {
    let prefix = format!("{krate}-");
    std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix)
                && name.ends_with(".crate")
                && name[prefix.len()..].starts_with(|c: char| c.is_ascii_digit())
        })
        .max_by_key(|entry| entry.metadata().and_then(|m| m.modified()).ok())
        .map(|entry| entry.path())
        .ok_or_else(|| format!("`cargo package` left no {krate}-*.crate in {}", dir.display()))
}

/// The steps run so far, with how long each took.
#[derive(Default)]
struct Steps(Vec<(String, Duration)>);

impl Steps {
    fn run(&mut self, what: &str, run: &mut dyn FnMut() -> Result<(), String>) -> Result<(), String> {
        println!("\n=== {what}");
        let started = Instant::now();
        run().map_err(|e| format!("{what}: {e}"))?;
        self.0.push((what.to_owned(), started.elapsed()));
        Ok(())
    }

    fn report(&self, total: Duration, what: &str) {
        println!("\n{what} passed in {total:.0?}:");
        for (step, time) in &self.0 {
            println!("  {:>6.1}s  {step}", time.as_secs_f64());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FUZZ_CASES, fuzz_sample};
    use std::time::{Duration, UNIX_EPOCH};

    // Run under `cargo test` without the two variables set, as CI runs it.
    #[test]
    fn the_fuzz_sample_is_seeded_by_the_day() {
        if std::env::var_os("CODEGEN_FUZZ_SEED").is_some() || std::env::var_os("CODEGEN_FUZZ_CASES").is_some() {
            return;
        }
        let day = |d: u64, secs: u64| fuzz_sample(UNIX_EPOCH + Duration::from_secs(d * 86_400 + secs));
        assert_eq!(day(20_000, 0), (FUZZ_CASES.to_string(), "20000".to_owned()));
        assert_eq!(day(20_000, 86_399), day(20_000, 0), "one seed all day");
        assert_ne!(day(20_001, 0).1, day(20_000, 0).1, "another the next");
    }
}
