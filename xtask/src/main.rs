//! Project automation, as plain Rust (`cargo xtask <command>`).
//!
//! - `regen`: regenerate `cloudbase-api/src/generated/<area>.rs` and the mock's
//!   `cloudbase-mock/src/generated/<area>.rs` from every `specs/<area>.yaml`, and `cloudbase-api/src/generated/fixtures/` from the codegen test fixtures (compiled only in
//!   tests, so fixture output is checked by rustc and clippy too).
//! - `regen --check`: regenerate in memory and fail, naming each stale file.
//! - `regen --out <dir>`: write the modules of the vendored specs into `<dir>` instead, leaving
//!   the crate alone (for reviewing a generator change side by side, and for `bench`).
//! - `fuzz [--cases N] [--seed S]`: the generator's fuzz test, longer (default 200,000 cases) and
//!   in release mode.
//! - `hostile`: every case of the hostile-spec corpus (`codegen/tests/hostile/`) that generates
//!   code, mounted as an area of a copy of the workspace; `cargo test --doc` of both crates there
//!   must pass and create no file.
//! - `bench`: regen and build times beside openapi-generator and progenitor (installed under
//!   `target/bench/peers` on first use), client request overhead and SSE decoding beside
//!   hand-written reqwest + serde; one table, also written to `target/bench/report.md`.
//! - `fetch-specs`: download the published specs into `specs/` (all or nothing; overlays are the
//!   project's and stay), update `specs/README.md`, print what changed for users, and report each
//!   overlay action that no longer applies to the new upstream or that it made redundant; then run
//!   `regen`.
//! - `spec-diff <old.yaml> <new.yaml>` / `spec-diff --against-git <rev>`: what a new spec changes
//!   for users of the generated API, each change marked breaking or not, methods named as the
//!   area names them; exit code 0 when nothing is breaking, 1 when something is, 2 when the specs
//!   cannot be read. Against git, each side is read with the overlay it had; two files are both
//!   read with the area's overlay unless `--old-overlay`, `--new-overlay` or `--no-overlays` says
//!   otherwise (`--area` names the area when the file names do not). `spec-diff --overlays`: what
//!   each overlay in `specs/overlays/` changes against its upstream spec.
//! - `version-check [<rev>]`: fails when `cloudbase-api`'s version moved less from `<rev>`
//!   (default: the first parent of `HEAD`) than the spec diff against `<rev>` asks.
//! - `test`: every check CI runs, in order: formatting, `regen --check`, `version-check`, clippy with
//!   `-D warnings` (generated code included), `npm ci` of the pinned Prism mock server and
//!   vendor SDKs, all tests (`CI=true`, so insta fails on unreviewed snapshots; the contract
//!   tests run Prism, the wire test the vendor SDKs), clippy for each area's feature alone and
//!   for each TLS choice, the hostile corpus's doc tests (`hostile`), rustdoc with `-D warnings`, `cargo package` of each publishable crate. `test --quick` stops after the unit and loopback tests.
//! - `help`: the commands, one line each.

mod bench;
mod cargo;
mod ci;
mod fetch;
mod fuzz;
mod hostile;
mod regen;
mod sources;
mod spec_diff;
mod specs;

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>; `cargo xtask help` lists the commands";

/// What `cargo xtask help` prints: every command, one line each.
const HELP: &str = "\
cargo xtask <command>: the project's automation (xtask/src/<command>.rs)

  regen                      regenerate the client's and the mock's generated/ from specs/*.yaml
  regen --check              fail, naming each stale generated file, when a regen would change it
  regen --out <dir>          write the generated modules into <dir> instead (for side-by-side review)
  test                       every check CI runs (.ci/run calls exactly this): format, regen --check,
                             clippy, all tests (fuzz, Prism contract and vendor-SDK wire
                             included), the hostile corpus, clippy per area, rustdoc,
                             cargo package
  test --quick               format, regen --check, clippy and the unit and loopback tests: no fuzz,
                             no Prism, no per-area clippy, no rustdoc, no packaging
  fuzz [--cases N] [--seed S]  the generator's fuzz test, longer (default 200,000 cases), release mode
  hostile                    the hostile-spec corpus built as areas of a copy of the workspace, its
                             doc tests run: they must pass and create nothing
  bench                      regen/build times beside peer generators and request/stream overhead
                             beside hand-written reqwest + serde (target/bench/report.md)
  fetch-specs                download the published specs into specs/, then report and regen
  spec-diff <old> <new>      what a new spec changes for users, each change marked breaking or not;
                             both read with the area's overlay (--old-overlay <file>,
                             --new-overlay <file>, --no-overlays; --area <area> when the
                             file names do not say it)
  spec-diff --against-git <rev>   the same, the working tree against a git revision
  spec-diff --overlays       what each overlay in specs/overlays/ changes against its upstream spec
  version-check [<rev>]      fail when cloudbase-api's version moved less than the spec diff against
                             <rev> asks (default: HEAD's first parent)
  help                       this list
";

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
    if let Some(code) = cargo::rerun_if_built_elsewhere() {
        return code;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["regen"] => regen::regen(false).map(|()| ExitCode::SUCCESS),
        ["regen", "--check"] => regen::regen(true).map(|()| ExitCode::SUCCESS),
        ["regen", "--out", dir] => regen::regen_into(Path::new(dir)).map(|()| ExitCode::SUCCESS),
        ["test"] => ci::test(ci::Scope::Full).map(|()| ExitCode::SUCCESS),
        ["test", "--quick"] => ci::test(ci::Scope::Quick).map(|()| ExitCode::SUCCESS),
        ["fuzz", rest @ ..] => fuzz::fuzz(rest).map(|()| ExitCode::SUCCESS),
        ["hostile"] => hostile::hostile().map(|()| ExitCode::SUCCESS),
        ["spec-diff", "--against-git", rev] => spec_diff::spec_diff_against_git(rev),
        ["spec-diff", "--overlays"] => spec_diff::spec_diff_overlays(),
        ["spec-diff", rest @ ..] => spec_diff::spec_diff_files(rest),
        ["version-check"] => spec_diff::version_check(None).map(|()| ExitCode::SUCCESS),
        ["version-check", rev] => spec_diff::version_check(Some(rev)).map(|()| ExitCode::SUCCESS),
        ["fetch-specs"] => fetch::fetch_specs_command(),
        ["bench"] => cargo::target_dir()
            .and_then(|target| bench::bench(&cargo::workspace_root(), &target))
            .map(|()| ExitCode::SUCCESS),
        ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        [] => Err(format!("{USAGE}\n\n{HELP}")),
        _ => Err(format!("unknown command `{}`\n\n{HELP}", args.join(" "))),
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
