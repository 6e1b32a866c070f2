//! Project automation, as plain Rust (`cargo xtask <command>`).
//!
//! - `regen`: regenerate `cloudbase-api/src/generated/<area>.rs` from every `specs/<area>.yaml`.
//! - `regen --check`: regenerate in memory and fail, naming each file, when the committed code is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask regen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen(false),
        ["regen", "--check"] => regen(true),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// The vendored specs, sorted by name so output order never depends on the file system.
fn spec_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("specs");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
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

fn regen(check: bool) -> Result<(), String> {
    let started = Instant::now();
    let root = workspace_root();
    let out_dir = root.join("cloudbase-api/src/generated");
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut outputs = Vec::new();
    for path in spec_files(&root)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let file = format!("specs/{name}");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        match codegen::generate(codegen::Spec::from_file(&file, &text)) {
            Ok(generated) => outputs.push((generated.api.area.clone(), generated.code, generated.api.operations.len())),
            Err(e) => failures.push(e.to_string()),
        }
    }
    if !failures.is_empty() {
        return Err(format!("{} spec(s) could not be generated:\n  {}", failures.len(), failures.join("\n  ")));
    }
    let mut total_operations = 0;
    for (area, code, operations) in &outputs {
        total_operations += operations;
        let target = out_dir.join(format!("{area}.rs"));
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(code.as_str()) {
            continue;
        }
        if check {
            stale.push(format!("cloudbase-api/src/generated/{area}.rs"));
        } else {
            std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
            std::fs::write(&target, code).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            println!("wrote cloudbase-api/src/generated/{area}.rs");
        }
    }
    // A generated file whose spec was removed is stale too.
    if let Ok(entries) = std::fs::read_dir(&out_dir) {
        let mut orphans: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| {
                let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                !outputs.iter().any(|(area, _, _)| area == stem)
            })
            .collect();
        orphans.sort();
        for orphan in orphans {
            let shown = format!("cloudbase-api/src/generated/{}", orphan.file_name().and_then(|n| n.to_str()).unwrap_or_default());
            if check {
                stale.push(format!("{shown} (no spec generates it)"));
            } else {
                std::fs::remove_file(&orphan).map_err(|e| format!("cannot remove {shown}: {e}"))?;
                println!("removed {shown}");
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
        "{} {} specs, {total_operations} operations in {:.0?}",
        if check { "checked" } else { "generated" },
        outputs.len(),
        started.elapsed()
    );
    Ok(())
}
