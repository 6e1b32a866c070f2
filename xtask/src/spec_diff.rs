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
    Ok(if report.breaking() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Every vendored spec against its version at a git revision.
pub(crate) fn spec_diff_against_git(rev: &str) -> Result<ExitCode, String> {
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
        let report = codegen::review::spec_diff::diff(&old_ir, &new_ir);
        print!("{}", report.render());
        breaking += report.breaking();
    }
    Ok(if breaking > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
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
