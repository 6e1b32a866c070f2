//! Project automation, as plain Rust (`cargo xtask <command>`).
//!
//! - `regen`: regenerate `cloudbase-api/src/generated/<area>.rs` from every `specs/<area>.yaml`,
//!   and `cloudbase-api/src/generated/fixtures/` from the codegen test fixtures (compiled only in
//!   tests, so fixture output is checked by rustc and clippy too).
//! - `regen --check`: regenerate in memory and fail, naming each stale file.
//! - `regen --out <dir>`: write the modules of the vendored specs into `<dir>` instead, leaving
//!   the crate alone (for reviewing a generator change side by side, and for `bench`).
//! - `fuzz [--cases N] [--seed S]`: the generator's fuzz test, longer (default 200,000 cases) and
//!   in release mode.
//! - `bench`: regen and build times beside openapi-generator and progenitor (installed under
//!   `target/bench/peers` on first use), client request overhead and SSE decoding beside
//!   hand-written reqwest + serde; one table, also written to `target/bench/report.md`.
//! - `fetch-specs`: download the published specs into `specs/` (all or nothing; overlays are the
//!   project's and stay), update `specs/README.md`, print what changed for users, and report each
//!   overlay action that no longer applies to the new upstream or that it made redundant; then run
//!   `regen`.
//! - `spec-diff <old.yaml> <new.yaml>` / `spec-diff --against-git <rev>`: what a new spec changes
//!   for users of the generated API, each change marked breaking or not; exit code 0 when nothing
//!   is breaking, 1 when something is, 2 when the specs cannot be read. Against git, each side is
//!   read with the overlay it had. `spec-diff --overlays`: what each overlay in `specs/overlays/`
//!   changes against its upstream spec.
//! - `test`: every check CI runs, in order: formatting, `regen --check`, clippy with
//!   `-D warnings` (generated code included), `npm ci` of the pinned Prism mock server, all tests
//!   (`CI=true`, so insta fails on unreviewed snapshots; the contract tests run Prism), clippy for
//!   each area's feature alone, rustdoc with `-D warnings`.

mod bench;
mod fetch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask regen [--check | --out <dir>] | test | bench | fuzz [--cases N] [--seed S] | fetch-specs | spec-diff <old.yaml> <new.yaml> | spec-diff --against-git <rev> | spec-diff --overlays";

/// The areas, each a cargo feature of `cloudbase-api` that must build alone.
const AREAS: &[&str] = &["auth", "mysqldb", "nosql", "functions", "cloudrun", "storage", "ai_model"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen(false).map(|()| ExitCode::SUCCESS),
        ["regen", "--check"] => regen(true).map(|()| ExitCode::SUCCESS),
        ["regen", "--out", dir] => regen_into(Path::new(dir)).map(|()| ExitCode::SUCCESS),
        ["test"] => test().map(|()| ExitCode::SUCCESS),
        ["fuzz", rest @ ..] => fuzz(rest).map(|()| ExitCode::SUCCESS),
        ["spec-diff", "--against-git", rev] => spec_diff_against_git(rev),
        ["spec-diff", "--overlays"] => spec_diff_overlays(),
        ["fetch-specs"] => fetch_specs(),
        ["bench"] => {
            target_dir().and_then(|target| bench::bench(&workspace_root(), &target)).map(|()| ExitCode::SUCCESS)
        }
        ["spec-diff", old, new] => spec_diff_files(old, new),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            // 1 means "breaking changes" for spec-diff; failures to run at all are 2.
            ExitCode::from(2)
        }
    }
}

/// The cargo that runs this xtask (`$CARGO`), so nested builds use the same toolchain.
fn cargo_command() -> std::process::Command {
    std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// Runs `cargo` with `args` in the workspace root, failing with the command line if it fails.
fn cargo(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
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
fn install_prism() -> Result<(), String> {
    let shown = "npm ci --prefix tools/prism";
    println!("\n==> {shown}");
    let started = Instant::now();
    let status = std::process::Command::new("npm")
        .args(["ci", "--prefix", "tools/prism", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(workspace_root())
        .status()
        .map_err(|e| {
            format!(
                "cannot run `{shown}` ({e}): the contract tests need Node.js 20+ and npm \
                 (Debian: `apt-get install nodejs npm`)"
            )
        })?;
    println!("<== {shown}: {} in {:.1?}", if status.success() { "ok" } else { "FAILED" }, started.elapsed());
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed")) }
}

fn fetch_specs() -> Result<ExitCode, String> {
    let base = std::env::var("CLOUDBASE_SPECS_URL").unwrap_or_else(|_| fetch::DEFAULT_BASE.to_owned());
    let fetched = fetch::fetch_specs(&base, &workspace_root(), &fetch::today())?;
    let mut breaking = 0;
    let mut stale_actions = 0;
    for (file, previous, text) in &fetched.specs {
        println!("== {file}");
        let new_ir = load_ir(file, text)?;
        match previous {
            Some(previous) if previous == text => println!("unchanged"),
            Some(previous) => {
                let report = codegen::diff::diff(&load_ir(file, previous)?, &new_ir);
                print!("{}", report.render());
                breaking += report.breaking();
            }
            None => println!("new spec: {} operations", new_ir.operations.len()),
        }
        stale_actions += report_overlay(file, text)?;
    }
    if stale_actions > 0 {
        println!(
            "\n{stale_actions} overlay action(s) no longer apply or are redundant: fix or remove them before regen"
        );
    }
    println!(
        "\nnext: cargo xtask regen, cargo insta review, read the generated diff, bump the version as summarized above"
    );
    Ok(if breaking > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The IR of a spec for comparing; both sides get the same area name, whatever their files are called.
fn load_ir(file: &str, text: &str) -> Result<codegen::ir::Api, String> {
    load_overlaid_ir(file, text, None)
}

/// The IR of a spec read with its overlay `(file, text)`, if it has one.
fn load_overlaid_ir(file: &str, text: &str, overlay: Option<(&str, &str)>) -> Result<codegen::ir::Api, String> {
    let overlays: Vec<codegen::Overlay> =
        overlay.map(|(file, text)| codegen::Overlay { file, text }).into_iter().collect();
    codegen::ir_of(codegen::Spec { file, area: "spec", text, overlays: &overlays }).map_err(|e| e.to_string())
}

/// After fetching: how each action of the spec's overlay fares against the new upstream text.
/// Returns how many no longer apply or are redundant.
fn report_overlay(file: &str, text: &str) -> Result<usize, String> {
    let overlay_file = codegen::overlay::file_for(file);
    let Ok(overlay_text) = std::fs::read_to_string(workspace_root().join(&overlay_file)) else { return Ok(0) };
    let overlay = codegen::Overlay { file: &overlay_file, text: &overlay_text };
    let report = codegen::overlay::report(file, text, overlay).map_err(|e| e.to_string())?;
    let mut stale = 0;
    for (index, outcome) in report.iter().enumerate() {
        match outcome {
            codegen::overlay::ActionReport::Applies => println!("{overlay_file}: actions[{index}]: still applies"),
            codegen::overlay::ActionReport::Redundant => {
                stale += 1;
                println!("{overlay_file}: actions[{index}]: REDUNDANT: the new upstream already has what it adds");
            }
            codegen::overlay::ActionReport::Fails(why) => {
                stale += 1;
                println!("{overlay_file}: actions[{index}]: NO LONGER APPLIES: {why}");
            }
        }
    }
    Ok(stale)
}

/// What each overlay changes for users against its upstream spec.
fn spec_diff_overlays() -> Result<ExitCode, String> {
    let root = workspace_root();
    for spec in read_specs(&root, SETS[0].specs)? {
        let Some((overlay_file, overlay_text)) = &spec.overlay else { continue };
        println!("== {} against {overlay_file}", spec.file);
        let upstream = load_ir(&spec.file, &spec.text)?;
        let overlaid = load_overlaid_ir(&spec.file, &spec.text, Some((overlay_file, overlay_text)))?;
        print!("{}", codegen::diff::diff(&upstream, &overlaid).render());
    }
    Ok(ExitCode::SUCCESS)
}

fn spec_diff_files(old: &str, new: &str) -> Result<ExitCode, String> {
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"));
    let old_ir = load_ir(old, &read(old)?)?;
    let new_ir = load_ir(new, &read(new)?)?;
    let report = codegen::diff::diff(&old_ir, &new_ir);
    print!("{}", report.render());
    Ok(if report.breaking() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Every vendored spec against its version at a git revision.
fn spec_diff_against_git(rev: &str) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut breaking = 0;
    for spec in read_specs(&root, SETS[0].specs)? {
        let file = &spec.file;
        println!("== {file} (against {rev})");
        let new_overlay = spec.overlay.as_ref().map(|(file, text)| (file.as_str(), text.as_str()));
        let new_ir = load_overlaid_ir(file, &spec.text, new_overlay)?;
        let Some(old_text) = git_show(&root, rev, file)? else {
            println!("new spec: {} operations", new_ir.operations.len());
            continue;
        };
        // Each side with the overlay it had.
        let overlay_file = codegen::overlay::file_for(file);
        let old_overlay = git_show(&root, rev, &overlay_file)?;
        let old_ir = load_overlaid_ir(file, &old_text, old_overlay.as_deref().map(|t| (overlay_file.as_str(), t)))
            .map_err(|e| format!("{rev}:{e}"))?;
        let report = codegen::diff::diff(&old_ir, &new_ir);
        print!("{}", report.render());
        breaking += report.breaking();
    }
    Ok(if breaking > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The text of `file` at git revision `rev`, or `None` when the revision has no such file.
fn git_show(root: &Path, rev: &str, file: &str) -> Result<Option<String>, String> {
    let shown = std::process::Command::new("git")
        .args(["show", &format!("{rev}:{file}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !shown.status.success() {
        return Ok(None);
    }
    String::from_utf8(shown.stdout).map(Some).map_err(|_| format!("{rev}:{file} is not UTF-8"))
}

fn fuzz(args: &[&str]) -> Result<(), String> {
    let mut cases = "200000".to_owned();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        .to_string();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(USAGE)?;
        match *flag {
            "--cases" => cases = value.parse::<u64>().map_err(|_| USAGE)?.to_string(),
            "--seed" => seed = value.parse::<u64>().map_err(|_| USAGE)?.to_string(),
            _ => return Err(USAGE.to_owned()),
        }
    }
    println!("fuzzing with {cases} cases, seed {seed} (rerun a failure with --seed {seed})");
    cargo(
        &["test", "--release", "-p", "codegen", "--test", "fuzz", "--", "--nocapture"],
        &[("CODEGEN_FUZZ_CASES", &cases), ("CODEGEN_FUZZ_SEED", &seed)],
    )
}

fn test() -> Result<(), String> {
    let started = Instant::now();
    cargo(&["fmt", "--all", "--check"], &[])?;
    println!("\n==> cargo xtask regen --check");
    regen(true)?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])?;
    install_prism()?;
    let ci = [("CI", "true"), ("INSTA_UPDATE", "no")];
    let skip = ["--skip", "every_operation_is_accepted_by_prism", "--skip", "mutated_specs_never_panic_or_hang"];
    cargo(&[&["test", "--workspace", "--"][..], &skip].concat(), &ci)?;
    // The fuzz test (10,000 cases) on its own, printing its count and time.
    cargo(&["test", "-p", "codegen", "--test", "fuzz", "--", "--nocapture"], &ci)?;
    // The contract test on its own, showing the operation it checked on each line.
    cargo(&["test", "-p", "cloudbase-api", "--test", "contract", "--", "--nocapture"], &ci)?;
    for area in AREAS {
        cargo(
            &["clippy", "-p", "cloudbase-api", "--no-default-features", "--features", area, "--", "-D", "warnings"],
            &[],
        )?;
    }
    cargo(&["doc", "--workspace", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    println!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// The directory cargo builds into, as `cargo metadata` reports it: `CARGO_TARGET_DIR`,
/// `build.target-dir` in a cargo config, or `target/` in the workspace root.
fn target_dir() -> Result<PathBuf, String> {
    let mut metadata = cargo_command();
    metadata.current_dir(workspace_root());
    target_dir_of(metadata)
}

/// `target_directory` of `cargo metadata` run by `cargo` (a cargo command with its environment).
fn target_dir_of(mut cargo: std::process::Command) -> Result<PathBuf, String> {
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

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// One directory of specs and where their generated modules go (paths relative to the root).
struct Set {
    specs: &'static str,
    out: &'static str,
    /// Also write a `mod.rs` declaring every module.
    module_list: bool,
}

const SETS: &[Set] = &[
    Set { specs: "specs", out: "cloudbase-api/src/generated", module_list: false },
    Set { specs: "codegen/tests/fixtures", out: "cloudbase-api/src/generated/fixtures", module_list: true },
];

/// The `.yaml` files of a directory, sorted so output never depends on the file system.
fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no specs found in {}", dir.display()));
    }
    Ok(files)
}

/// Every file regen owns (path relative to the root, expected content), with counts to report.
struct Outputs {
    files: Vec<(String, String)>,
    specs: usize,
    operations: usize,
}

/// A spec file, with the overlay that `<dir>/overlays/<same name>` holds for it, if any.
struct SpecFile {
    /// Path relative to the root, e.g. `specs/mysqldb.yaml`.
    file: String,
    text: String,
    /// `(path relative to the root, text)` of its overlay.
    overlay: Option<(String, String)>,
}

impl SpecFile {
    fn generate(&self) -> Result<codegen::Generated, String> {
        let overlays = self.overlays();
        codegen::generate(codegen::Spec::from_file(&self.file, &self.text).with_overlays(&overlays))
            .map_err(|e| e.to_string())
    }

    fn overlays(&self) -> Vec<codegen::Overlay<'_>> {
        self.overlay.iter().map(|(file, text)| codegen::Overlay { file, text }).collect()
    }
}

/// Generates each spec on a thread of its own (specs are independent), in order.
fn generate_all(specs: &[SpecFile]) -> Vec<Result<codegen::Generated, String>> {
    std::thread::scope(|scope| {
        let threads: Vec<_> = specs.iter().map(|spec| scope.spawn(move || spec.generate())).collect();
        threads
            .into_iter()
            .zip(specs)
            .map(|(thread, spec)| {
                thread.join().unwrap_or_else(|_| Err(format!("{}: the generator panicked", spec.file)))
            })
            .collect()
    })
}

/// The `.yaml` files of a directory with their text and overlays (an overlay without its spec
/// is an error: it would silently apply to nothing).
fn read_specs(root: &Path, dir: &str) -> Result<Vec<SpecFile>, String> {
    let read = |path: &Path, file: &str| std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}"));
    let overlay_dir = root.join(dir).join("overlays");
    let specs = yaml_files(&root.join(dir))?
        .into_iter()
        .map(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let file = format!("{dir}/{name}");
            let text = read(&path, &file)?;
            let overlay_file = codegen::overlay::file_for(&file);
            let overlay_path = overlay_dir.join(name);
            let overlay = match overlay_path.exists() {
                true => Some((overlay_file.clone(), read(&overlay_path, &overlay_file)?)),
                false => None,
            };
            Ok(SpecFile { file, text, overlay })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if overlay_dir.is_dir() {
        for overlay in yaml_files(&overlay_dir).unwrap_or_default() {
            let name = overlay.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !specs.iter().any(|spec| spec.file == format!("{dir}/{name}")) {
                return Err(format!("{dir}/overlays/{name}: there is no {dir}/{name} to apply it to"));
            }
        }
    }
    Ok(specs)
}

fn expected_outputs(root: &Path) -> Result<Outputs, String> {
    let mut outputs = Vec::new();
    let mut failures = Vec::new();
    let (mut specs, mut operations) = (0, 0);
    for set in SETS {
        let mut modules = Vec::new();
        for result in generate_all(&read_specs(root, set.specs)?) {
            match result {
                Ok(generated) => {
                    if set.specs == "specs" {
                        specs += 1;
                        operations += generated.api.operations.len();
                    }
                    modules.push(generated.api.area.clone());
                    outputs.push((format!("{}/{}.rs", set.out, generated.api.area), generated.code));
                }
                Err(e) => failures.push(e),
            }
        }
        if set.module_list {
            let mut list = format!("// @generated by `cargo xtask regen` from {}; do not edit.\n\n", set.specs);
            for module in &modules {
                list.push_str(&format!("pub mod {module};\n"));
            }
            outputs.push((format!("{}/mod.rs", set.out), list));
        }
    }
    if !failures.is_empty() {
        return Err(format!("{} spec(s) could not be generated:\n  {}", failures.len(), failures.join("\n  ")));
    }
    Ok(Outputs { files: outputs, specs, operations })
}

/// Generates every vendored spec into `dir/<area>.rs`.
fn regen_into(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for generated in generate_all(&read_specs(&workspace_root(), SETS[0].specs)?) {
        let generated = generated?;
        let target = dir.join(format!("{}.rs", generated.api.area));
        std::fs::write(&target, generated.code).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}

fn regen(check: bool) -> Result<(), String> {
    let started = Instant::now();
    let root = workspace_root();
    let Outputs { files: outputs, specs, operations } = expected_outputs(&root)?;
    let mut stale = Vec::new();
    for (relative, code) in &outputs {
        let target = root.join(relative);
        if std::fs::read_to_string(&target).ok().as_deref() == Some(code.as_str()) {
            continue;
        }
        if check {
            let current = std::fs::read_to_string(&target).unwrap_or_default();
            let details = if current.is_empty() {
                "missing".to_owned()
            } else {
                codegen::render::describe_changes(&current, code).join("; ")
            };
            stale.push(format!("{relative}: {details}"));
        } else {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(&target, code).map_err(|e| format!("cannot write {relative}: {e}"))?;
            println!("wrote {relative}");
        }
    }
    // A generated file whose spec was removed is stale too.
    for set in SETS {
        let Ok(entries) = std::fs::read_dir(root.join(set.out)) else { continue };
        let mut orphans: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
            .map(|e| format!("{}/{}", set.out, e.file_name().to_string_lossy()))
            .filter(|relative| !outputs.iter().any(|(owned, _)| owned == relative))
            .collect();
        orphans.sort();
        for orphan in orphans {
            if check {
                stale.push(format!("{orphan} (no spec generates it)"));
            } else {
                std::fs::remove_file(root.join(&orphan)).map_err(|e| format!("cannot remove {orphan}: {e}"))?;
                println!("removed {orphan}");
            }
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "generated code is stale; run `cargo xtask regen` and commit the result:\n  {}",
            stale.join("\n  ")
        ));
    }
    println!(
        "{} {specs} specs ({operations} operations) and the codegen fixtures in {:.0?}",
        if check { "checked" } else { "generated" },
        started.elapsed()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_that_adopted_the_overlay_makes_every_action_redundant() {
        let root = workspace_root();
        let text = std::fs::read_to_string(root.join("specs/mysqldb.yaml")).unwrap();
        let overlay_text = std::fs::read_to_string(root.join("specs/overlays/mysqldb.yaml")).unwrap();
        let overlay = codegen::Overlay { file: "specs/overlays/mysqldb.yaml", text: &overlay_text };
        let actions = codegen::overlay::report("specs/mysqldb.yaml", &text, overlay).unwrap().len();
        assert_eq!(report_overlay("specs/mysqldb.yaml", &text).unwrap(), 0, "today's upstream needs every action");
        let adopted = codegen::load::overlaid_yaml("specs/mysqldb.yaml", &text, &[overlay]).unwrap();
        assert_eq!(report_overlay("specs/mysqldb.yaml", &adopted).unwrap(), actions);
        // An upstream without `components.parameters` (nor the path-level lists): the action that
        // adds the header parameters there no longer applies.
        let renamed = text.replace("  parameters:\n", "  params:\n");
        assert!(report_overlay("specs/mysqldb.yaml", &renamed).unwrap() >= 1);
    }

    #[test]
    fn overlays_are_found_beside_their_specs_and_never_alone() {
        let root = std::env::temp_dir().join(format!("cloudbase-rs-overlays-{}", std::process::id()));
        let overlays = root.join("specs/overlays");
        std::fs::create_dir_all(&overlays).unwrap();
        std::fs::write(root.join("specs/a.yaml"), "a").unwrap();
        std::fs::write(root.join("specs/b.yaml"), "b").unwrap();
        std::fs::write(overlays.join("a.yaml"), "fixes for a").unwrap();
        let specs = read_specs(&root, "specs").unwrap();
        let found: Vec<_> = specs
            .iter()
            .map(|s| (s.file.as_str(), s.overlay.as_ref().map(|(f, t)| (f.as_str(), t.as_str()))))
            .collect();
        assert_eq!(found, [("specs/a.yaml", Some(("specs/overlays/a.yaml", "fixes for a"))), ("specs/b.yaml", None)]);
        std::fs::write(overlays.join("c.yaml"), "fixes for nothing").unwrap();
        let error = read_specs(&root, "specs").err();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(error.as_deref(), Some("specs/overlays/c.yaml: there is no specs/c.yaml to apply it to"));
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
