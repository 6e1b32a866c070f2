//! `cargo xtask spec-diff`: what a spec change means for users of the generated API.

use crate::cargo::workspace_root;
use crate::specs::{SETS, read_specs};
use std::path::Path;
use std::process::ExitCode;

/// The IR of a spec for comparing; both sides get the same area name, whatever their files are called.
pub(crate) fn load_ir(file: &str, text: &str) -> Result<codegen::ir::Api, String> {
    load_overlaid_ir(file, text, None)
}

/// The IR of a spec read with its overlay `(file, text)`, if it has one.
pub(crate) fn load_overlaid_ir(
    file: &str,
    text: &str,
    overlay: Option<(&str, &str)>,
) -> Result<codegen::ir::Api, String> {
    let overlays: Vec<codegen::Overlay> =
        overlay.map(|(file, text)| codegen::Overlay { file, text }).into_iter().collect();
    codegen::ir_of(codegen::Spec { file, area: "spec", text, overlays: &overlays }).map_err(|e| e.to_string())
}

/// What each overlay changes for users against its upstream spec.
pub(crate) fn spec_diff_overlays() -> Result<ExitCode, String> {
    let root = workspace_root();
    for spec in read_specs(&root, SETS[0].specs)? {
        let Some((overlay_file, overlay_text)) = &spec.overlay else { continue };
        println!("== {} against {overlay_file}", spec.file);
        let upstream = load_ir(&spec.file, &spec.text)?;
        let overlaid = load_overlaid_ir(&spec.file, &spec.text, Some((overlay_file, overlay_text)))?;
        print!("{}", codegen::review::spec_diff::diff(&upstream, &overlaid).render());
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn spec_diff_files(old: &str, new: &str) -> Result<ExitCode, String> {
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"));
    let old_ir = load_ir(old, &read(old)?)?;
    let new_ir = load_ir(new, &read(new)?)?;
    let report = codegen::review::spec_diff::diff(&old_ir, &new_ir);
    print!("{}", report.render());
    print_next_version(Bump::of(&report))?;
    Ok(if report.breaking() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Every vendored spec against its version at a git revision.
pub(crate) fn spec_diff_against_git(rev: &str) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut bump = Bump::None;
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
        let report = codegen::review::spec_diff::diff(&old_ir, &new_ir);
        print!("{}", report.render());
        bump = bump.max(Bump::of(&report));
    }
    print_next_version(bump)?;
    Ok(if bump == Bump::Major { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// What a spec change asks of `cloudbase-api`'s version, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bump {
    /// Nothing users see changed.
    None,
    /// Only doc text changed.
    Patch,
    /// The API changed, compatibly.
    Minor,
    /// Something is breaking.
    Major,
}

impl Bump {
    fn of(report: &codegen::review::spec_diff::Report) -> Bump {
        if report.breaking() > 0 {
            Bump::Major
        } else if !report.changes.is_empty() {
            Bump::Minor
        } else if !report.docs.is_empty() {
            Bump::Patch
        } else {
            Bump::None
        }
    }
}

/// The version `cloudbase-api` goes to for these changes, as CONTRIBUTING.md says.
fn print_next_version(bump: Bump) -> Result<(), String> {
    let manifest = workspace_root().join("cloudbase-api/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let current = text
        .lines()
        .find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'))
        .ok_or_else(|| format!("{} has no `version = \"...\"` line", manifest.display()))?;
    match next_version(current, bump) {
        Some(next) if next != current => println!("version: cloudbase-api {current} -> {next}"),
        Some(_) => println!("version: cloudbase-api stays {current}"),
        None => return Err(format!("cloudbase-api's version `{current}` is not major.minor.patch")),
    }
    Ok(())
}

/// Cargo's semver rules: below 1.0.0 a breaking change bumps the minor and anything else the
/// patch; from 1.0.0, breaking bumps the major, additions the minor and doc changes the patch.
fn next_version(current: &str, bump: Bump) -> Option<String> {
    let mut parts = current.split('.').map(|part| part.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    Some(match (major, bump) {
        (_, Bump::None) => current.to_owned(),
        (0, Bump::Major) => format!("0.{}.0", minor + 1),
        (0, Bump::Minor | Bump::Patch) | (_, Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
        (_, Bump::Major) => format!("{}.0.0", major + 1),
        (_, Bump::Minor) => format!("{major}.{}.0", minor + 1),
    })
}

/// The text of `file` at git revision `rev`, or `None` when the revision has no such file.
pub(crate) fn git_show(root: &Path, rev: &str, file: &str) -> Result<Option<String>, String> {
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

#[cfg(test)]
mod tests {
    use super::{Bump, next_version};

    #[test]
    fn versions_follow_cargos_semver_rules() {
        assert_eq!(next_version("0.1.3", Bump::Major).as_deref(), Some("0.2.0"));
        assert_eq!(next_version("0.1.3", Bump::Minor).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("0.1.3", Bump::Patch).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("0.1.3", Bump::None).as_deref(), Some("0.1.3"));
        assert_eq!(next_version("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
        assert_eq!(next_version("1.4.2", Bump::Minor).as_deref(), Some("1.5.0"));
        assert_eq!(next_version("1.4.2", Bump::Patch).as_deref(), Some("1.4.3"));
        assert_eq!(next_version("1.4", Bump::Minor), None);
        assert_eq!(next_version("1.4.2-rc.1", Bump::Minor), None);
    }
}
