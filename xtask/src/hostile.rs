//! `cargo xtask hostile`: the hostile-spec corpus (`codegen/tests/hostile/`) built for real.
//!
//! `codegen`'s test `hostile.rs` checks each case's outcome and reads the generated docs the way
//! rustdoc does. This command goes the rest of the way for the cases that generate code: each
//! becomes an area of a copy of the workspace (under `target/hostile/`), mounted beside the ten
//! real ones in both `cloudbase-api` and `cloudbase-mock`, and `cargo test --doc` of both crates
//! then builds every generated module and runs every doc test. It passes when they build without
//! a warning in a hostile module, every doc test passes and no file appeared in the copy: the payloads in the corpus would write
//! `HOSTILE_RAN` beside the crate, or fail to compile, if any spec text ran.
//!
//! The copy's two crates are renamed (`hostile-cloudbase-api`, `hostile-cloudbase-mock`; their
//! library names stay), so they never share build output with the real ones, while every
//! dependency is the build the other checks already made in the same target directory.

use crate::cargo::{cargo_command, target_dir, workspace_root};
use codegen::{Overlay, Spec};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The two crates of the copy, as (directory, package name in the copy).
const CRATES: [(&str, &str); 2] =
    [("cloudbase-api", "hostile-cloudbase-api"), ("cloudbase-mock", "hostile-cloudbase-mock")];

/// The directory of the copy that is the checkout's own, linked rather than copied: the
/// generator, which the two crates depend on (for their tests). The copy shares the target
/// directory, where the copy's generator is the same build unit as the checkout's; a copy of its
/// files would leave that unit fingerprinted against the copy's files, which a later edit in
/// the checkout does not touch, so the checkout's next build would link the copy's older build.
/// Linked, the unit is built once and follows the checkout's files. (Nothing of the copy writes
/// under it.)
const LINKED: &str = "codegen";

pub(crate) fn hostile() -> Result<(), String> {
    let started = Instant::now();
    let root = workspace_root();
    let corpus = root.join("codegen/tests/hostile");
    let modules = generate(&corpus)?;
    let target = target_dir()?;
    let copy = target.join("hostile/workspace");
    if copy.exists() {
        fs::remove_dir_all(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    }
    copy_tracked(&root, &copy)?;
    rename_crates(&copy)?;
    for (area, code, mock) in &modules {
        mount(&copy.join("cloudbase-api/src/generated"), area, code, false)?;
        mount(&copy.join("cloudbase-mock/src/generated"), area, mock, true)?;
    }
    let before = files(&copy)?;
    let mut test = cargo_command();
    test.current_dir(&copy)
        .args(["test", "--doc", "--offline"])
        .args(CRATES.iter().flat_map(|(_, package)| ["-p", package]))
        .env("CARGO_TARGET_DIR", &target)
        .env("CI", "true");
    println!("==> cargo test --doc of {} hostile areas in {}", modules.len(), copy.display());
    let output = test.stderr(std::process::Stdio::piped()).output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprint!("{stderr}");
    let status = output.status;
    // The real areas are linted with -D warnings; a hostile one may not warn either.
    let warned: Vec<&str> = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("--> ") && line.contains("/generated/hostile_"))
        .collect();
    if !warned.is_empty() {
        return Err(format!("the generated code of the hostile areas warns at {}", warned.join(", ")));
    }
    let appeared: Vec<PathBuf> = files(&copy)?.difference(&before).cloned().collect();
    if !appeared.is_empty() {
        return Err(format!(
            "the doc tests of the hostile areas created files, so spec text ran: {}",
            appeared.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ));
    }
    if !status.success() {
        return Err("`cargo test --doc` of the hostile areas failed: generated code that does not build, or a doc \
                    test that fails"
            .to_owned());
    }
    println!(
        "{} hostile areas built, their doc tests passed and created nothing, in {:.0?}",
        modules.len(),
        started.elapsed()
    );
    Ok(())
}

/// The client and mock module of each corpus case that generates code, with its area name
/// (`docs--tilde-fence.yaml` -> `hostile_docs_tilde_fence`).
fn generate(corpus: &Path) -> Result<Vec<(String, String, String)>, String> {
    let mut cases: Vec<PathBuf> = fs::read_dir(corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|p| p.to_string_lossy().ends_with(".yaml") && !p.to_string_lossy().ends_with(".overlay.yaml"))
        .collect();
    cases.sort();
    let mut modules = Vec::new();
    for case in cases {
        let text = fs::read_to_string(&case).map_err(|e| format!("{}: {e}", case.display()))?;
        if !text.starts_with("# expect: ok") {
            continue;
        }
        let stem = case.file_name().unwrap_or_default().to_string_lossy().trim_end_matches(".yaml").to_owned();
        let area = format!("hostile_{}", codegen::names::snake(&stem, "case"));
        let overlay_path = case.with_extension("overlay.yaml");
        let overlay_text = fs::read_to_string(&overlay_path).ok();
        let overlay_file = format!("codegen/tests/hostile/{stem}.overlay.yaml");
        let overlays: Vec<Overlay<'_>> =
            overlay_text.as_deref().map(|text| Overlay { file: &overlay_file, text }).into_iter().collect();
        let file = format!("codegen/tests/hostile/{stem}.yaml");
        let generated = codegen::generate(Spec { file: &file, area: &area, text: &text, overlays: &overlays })
            .map_err(|e| format!("a case that says `expect: ok` does not generate: {e}"))?;
        modules.push((area, generated.code, generated.mock));
    }
    Ok(modules)
}

/// Copies the files git tracks (and the working tree's version of each) from `root` to `copy`.
fn copy_tracked(root: &Path, copy: &Path) -> Result<(), String> {
    let output = std::process::Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err("`git ls-files` failed".to_owned());
    }
    fs::create_dir_all(copy).map_err(|e| format!("{}: {e}", copy.display()))?;
    let linked = link_dir(&root.join(LINKED), &copy.join(LINKED))?;
    for file in output.stdout.split(|&b| b == 0).filter(|f| !f.is_empty()) {
        let file = String::from_utf8_lossy(file);
        let (from, to) = (root.join(&*file), copy.join(&*file));
        if !from.is_file() || (linked && file.starts_with(&format!("{LINKED}/"))) {
            continue;
        }
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        fs::copy(&from, &to).map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))?;
    }
    Ok(())
}

/// Links `to` to the directory `from`; false where links cannot be made (the files are then
/// copied).
#[cfg(unix)]
fn link_dir(from: &Path, to: &Path) -> Result<bool, String> {
    std::os::unix::fs::symlink(from, to).map_err(|e| format!("{} -> {}: {e}", to.display(), from.display()))?;
    Ok(true)
}

#[cfg(not(unix))]
fn link_dir(_from: &Path, _to: &Path) -> Result<bool, String> {
    Ok(false)
}

/// Renames the copy's two crates (keeping their library names) and every dependency on them.
fn rename_crates(copy: &Path) -> Result<(), String> {
    let manifests = ["Cargo.toml", "cloudbase-api/Cargo.toml", "cloudbase-mock/Cargo.toml", "xtask/Cargo.toml"];
    for manifest in manifests {
        let path = copy.join(manifest);
        let mut text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (dir, package) in CRATES {
            let lib = dir.replace('-', "_");
            let own = format!("[package]\nname = \"{dir}\"\n");
            if text.contains(&own) {
                text = text.replace(&own, &format!("[package]\nname = \"{package}\"\n"));
                text.push_str(&format!("\n[lib]\nname = \"{lib}\"\n"));
            }
            // A dependency line `cloudbase-api = { path = ... }` keeps its key and names the package.
            let key = format!("\n{dir} = {{ ");
            text = text.replace(&key, &format!("\n{dir} = {{ package = \"{package}\", "));
        }
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Writes an area's module into a crate's `generated/` and declares it in `generated/mod.rs`
/// (with its routes in the mock's `ROUTES`, as regen lists a real area's).
fn mount(generated: &Path, area: &str, code: &str, routes: bool) -> Result<(), String> {
    fs::write(generated.join(format!("{area}.rs")), code).map_err(|e| format!("{area}: {e}"))?;
    let mod_rs = generated.join("mod.rs");
    let mut text = fs::read_to_string(&mod_rs).map_err(|e| format!("{}: {e}", mod_rs.display()))?;
    if routes {
        let list = "pub(crate) const ROUTES: &[&[&crate::runtime::Route]] = &[\n";
        let at = text.find(list).ok_or_else(|| format!("{}: no ROUTES list", mod_rs.display()))? + list.len();
        text.insert_str(at, &format!("    {area}::ROUTES,\n"));
    }
    text.push_str(&format!("\n/// A hostile-corpus case.\npub mod {area};\n"));
    fs::write(&mod_rs, text).map_err(|e| format!("{}: {e}", mod_rs.display()))
}

/// Every file under `dir`, but the build output and the lock file cargo may rewrite.
fn files(dir: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).map_err(|e| format!("{}: {e}", next.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    pending.push(path);
                }
            } else if path.file_name().is_some_and(|n| n != "Cargo.lock") {
                found.insert(path);
            }
        }
    }
    Ok(found)
}
