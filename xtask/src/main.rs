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
mod cargo;
mod ci;
mod fetch;
mod fuzz;
mod regen;
mod spec_diff;
mod specs;

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask regen [--check | --out <dir>] | test | bench | fuzz [--cases N] [--seed S] | fetch-specs | spec-diff <old.yaml> <new.yaml> | spec-diff --against-git <rev> | spec-diff --overlays";

/// The areas: one per `specs/*.yaml`, each a module and a cargo feature of `cloudbase-api` that
/// must build alone (the spec directory is the only list).
fn areas() -> &'static [&'static str] {
    static AREAS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    AREAS.get_or_init(|| match specs::area_names(&cargo::workspace_root().join("specs")) {
        Ok(names) => names.into_iter().map(|name| &*Box::leak(name.into_boxed_str())).collect(),
        Err(message) => {
            eprintln!("error: {message}");
            Vec::new()
        }
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen::regen(false).map(|()| ExitCode::SUCCESS),
        ["regen", "--check"] => regen::regen(true).map(|()| ExitCode::SUCCESS),
        ["regen", "--out", dir] => regen::regen_into(Path::new(dir)).map(|()| ExitCode::SUCCESS),
        ["test"] => ci::test().map(|()| ExitCode::SUCCESS),
        ["fuzz", rest @ ..] => fuzz::fuzz(rest).map(|()| ExitCode::SUCCESS),
        ["spec-diff", "--against-git", rev] => spec_diff::spec_diff_against_git(rev),
        ["spec-diff", "--overlays"] => spec_diff::spec_diff_overlays(),
        ["spec-diff", old, new] => spec_diff::spec_diff_files(old, new),
        ["fetch-specs"] => fetch::fetch_specs_command(),
        ["bench"] => cargo::target_dir()
            .and_then(|target| bench::bench(&cargo::workspace_root(), &target))
            .map(|()| ExitCode::SUCCESS),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
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
