//! Clean compile times of the generated crates alone: dependencies are built first, then only the
//! crate itself is cleaned and built again, so the time is its own compile and nothing else.

use super::{Outcome, command_output, median};
use crate::areas;
use crate::cargo::cargo_command;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Builds per measure; their median is reported.
const RUNS: usize = 3;

/// A debug `cargo build` of one package of a workspace, into its own target directory, without
/// incremental compilation (a clean build reuses nothing of the crate itself).
struct Builder<'a> {
    manifest: &'a Path,
    target: &'a Path,
}

impl Builder<'_> {
    fn cargo(&self, args: &[&str]) -> Command {
        let mut command = cargo_command();
        command
            .args(args)
            .arg("--manifest-path")
            .arg(self.manifest)
            .env("CARGO_TARGET_DIR", self.target)
            .env("CARGO_INCREMENTAL", "0");
        command
    }

    /// Builds everything the package needs, failures of the package itself included.
    fn warm(&self, package: &str, features: &[&str]) {
        let _ =
            command_output(&mut self.cargo(&[&["build", "--quiet", "-p", package, "--lib"][..], features].concat()));
    }

    /// Cleans the package and times building it again; the median of [`RUNS`] builds.
    fn time(&self, package: &str, features: &[&str]) -> Result<Outcome, String> {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            command_output(&mut self.cargo(&["clean", "--quiet", "-p", package]))?;
            let started = Instant::now();
            let built = command_output(&mut self.cargo(&[&["build", "-p", package, "--lib"][..], features].concat()));
            match built {
                Ok(_) => times.push(started.elapsed()),
                Err(failure) => {
                    // cargo ends with "could not compile `x` (lib) due to N previous errors".
                    let errors = failure
                        .lines()
                        .filter(|line| line.contains("could not compile"))
                        .find_map(|line| line.split("due to ").nth(1)?.split_whitespace().next())
                        .unwrap_or("?");
                    return Ok(Outcome::Failed(format!("does not compile ({errors} errors)")));
                }
            }
        }
        Ok(Outcome::Measured(median(times)))
    }
}

/// Our crate with all features, then with each area's feature alone; by label.
pub fn ours(root: &Path, target: &Path) -> Result<Vec<(String, Outcome)>, String> {
    let manifest = root.join("Cargo.toml");
    let builder = Builder { manifest: &manifest, target };
    builder.warm("cloudbase-api", &[]);
    let mut results = vec![("all features".to_owned(), builder.time("cloudbase-api", &[])?)];
    for area in areas() {
        results.push((area.to_string(), ours_with(root, target, &[area])?));
    }
    Ok(results)
}

/// Our crate with only the given areas' features (dependencies already built by `ours`).
pub fn ours_with(root: &Path, target: &Path, areas: &[&str]) -> Result<Outcome, String> {
    let manifest = root.join("Cargo.toml");
    let builder = Builder { manifest: &manifest, target };
    let features = areas.join(",");
    builder.time("cloudbase-api", &["--no-default-features", "--features", &features])
}

/// Each crate openapi-generator made (`<generated>/<area>`, a workspace), with rustls as ours.
pub fn openapi_generator(generated: &Path, target: &Path) -> Result<Vec<(String, Outcome)>, String> {
    let manifest = generated.join("Cargo.toml");
    let builder = Builder { manifest: &manifest, target };
    let features = ["--no-default-features", "--features", "rustls-tls"];
    let mut results = Vec::new();
    for area in areas() {
        let package = format!("{area}_openapi_generator");
        builder.warm(&package, &features);
        results.push((area.to_string(), builder.time(&package, &features)?));
    }
    Ok(results)
}
