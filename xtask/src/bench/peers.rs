//! The generators users would otherwise pick, installed under `target/bench/peers` at pinned
//! versions, and run on the same vendored specs as ours.

use super::{Outcome, command_output, median};
use crate::areas;
use crate::cargo::cargo_command;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const OPENAPI_GENERATOR: &str = "openapi-generator-cli 7.17.0";
const OPENAPI_GENERATOR_PIP: &str = "openapi-generator-cli==7.17.0";
pub const PROGENITOR: &str = "cargo-progenitor 0.15.1";
const PROGENITOR_VERSION: &str = "0.15.1";

/// openapi-generator's command, installed into a Python virtual environment if missing. It needs
/// Java (11 or later) to run the jar the PyPI package bundles.
pub fn install_openapi_generator(peers: &Path) -> Result<PathBuf, String> {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return Err("Java is missing: install a JRE 17 (Debian: `apt-get install openjdk-17-jre-headless`)".into());
    }
    let venv = peers.join("venv");
    let cli = venv.join("bin/openapi-generator-cli");
    let pip = venv.join("bin/pip");
    let installed = command_output(Command::new(&pip).args(["show", "openapi-generator-cli"]))
        .is_ok_and(|shown| shown.contains("Version: 7.17.0"));
    if !installed {
        println!("installing {OPENAPI_GENERATOR} from PyPI into {}", venv.display());
        command_output(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .map_err(|e| format!("{e}\n(needs Python 3 with venv: `apt-get install python3-venv`)"))?;
        command_output(Command::new(&pip).args(["install", "--quiet", OPENAPI_GENERATOR_PIP]))?;
    }
    Ok(cli)
}

/// progenitor's command-line generator, built with `cargo install` if missing.
pub fn install_progenitor(peers: &Path) -> Result<PathBuf, String> {
    let root = peers.join("progenitor");
    let bin = root.join("bin/cargo-progenitor");
    if !bin.exists() {
        println!("installing {PROGENITOR} with cargo install (a few minutes, once)");
        command_output(
            cargo_command()
                .args(["install", "--quiet", "--locked", "cargo-progenitor", "--version", PROGENITOR_VERSION])
                .arg("--root")
                .arg(&root),
        )?;
    }
    Ok(bin)
}

/// Our generator as users run it: one process generating every vendored spec.
pub fn regen_ours(xtask: &Path, out: &Path, runs: usize) -> Result<Outcome, String> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        command_output(Command::new(xtask).arg("regen").arg("--out").arg(out))?;
        times.push(started.elapsed());
    }
    Ok(Outcome::Measured(median(times)))
}

/// openapi-generator's `rust` generator on every spec in one `batch` run (one JVM for all seven,
/// its fastest way), into `out/<area>/`, with a workspace around them for the build comparison.
pub fn regen_openapi_generator(root: &Path, cli: &Path, out: &Path, runs: usize) -> Result<Outcome, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut configs = Vec::new();
    for area in areas() {
        let config = out.join(format!("{area}.yaml"));
        let text = format!(
            "inputSpec: {}\ngeneratorName: rust\noutputDir: {}\nadditionalProperties:\n  packageName: {area}_openapi_generator\n",
            root.join(format!("specs/{area}.yaml")).display(),
            out.join(area).display()
        );
        std::fs::write(&config, text).map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        configs.push(config);
    }
    let members: Vec<String> = areas().iter().map(|a| format!("{a:?}")).collect();
    let workspace = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(out.join("Cargo.toml"), workspace).map_err(|e| format!("cannot write the workspace: {e}"))?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let result = command_output(Command::new(cli).args(["batch", "--clean", "--fail-fast"]).args(&configs));
        let elapsed = started.elapsed();
        if let Err(failure) = result {
            return Ok(Outcome::Failed(failure));
        }
        times.push(elapsed);
    }
    Ok(Outcome::Measured(median(times)))
}

/// progenitor on each spec; it makes one crate per spec, into `out/<area>/`.
pub fn regen_progenitor(root: &Path, bin: &Path, out: &Path, runs: usize) -> Result<Outcome, String> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut failures = Vec::new();
        for area in areas() {
            let target = out.join(area);
            let _ = std::fs::remove_dir_all(&target);
            let result = command_output(
                Command::new(bin)
                    .arg("progenitor")
                    .arg("--input")
                    .arg(root.join(format!("specs/{area}.yaml")))
                    .arg("--output")
                    .arg(&target)
                    .args(["--name", &format!("{area}-progenitor"), "--version", "0.1.0"]),
            );
            if let Err(failure) = result {
                failures.push((area, failure));
            }
        }
        if let Some((_, first)) = failures.first() {
            let areas: Vec<&str> = failures.iter().map(|(a, _)| **a).collect();
            return Ok(Outcome::Failed(format!(
                "fails on {} of {} specs ({}): {}",
                failures.len(),
                crate::areas().len(),
                areas.join(", "),
                panic_line(first)
            )));
        }
        times.push(started.elapsed());
    }
    Ok(Outcome::Measured(median(times)))
}

/// The line of a failure worth quoting: a panic's message, or else the first non-empty line.
fn panic_line(failure: &str) -> String {
    let lines: Vec<&str> = failure.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let panic = lines.iter().position(|l| l.contains("panicked at")).and_then(|i| lines.get(i + 1));
    panic.or(lines.first()).copied().unwrap_or("no output").to_owned()
}
