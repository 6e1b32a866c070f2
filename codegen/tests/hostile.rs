//! The hostile-spec corpus: specs and overlays written to break the generator, the generated
//! crate or its docs, one file per case under `tests/hostile/`. A spec is input from outside,
//! so each case must end one of two ways, as its first line says:
//!
//! - `# expect: error <json-pointer> :: <words of the message>`: generation fails with a
//!   `codegen::Error` located there (an overlay's action as `actions[N]`);
//! - `# expect: ok`: generation succeeds, and neither generated file holds a control
//!   character (a NUL would make git show the file as binary, a CR or bidi control hides text),
//!   a doc comment rustdoc would read as raw HTML, or a doc test that names the payload
//!   identifier `HOSTILE` outside a string literal.
//!
//! `<case>.overlay.yaml` beside a case is applied to it as its overlay. A panic is a failure
//! of the case, never of the harness: every case runs and the failures are listed together.

use codegen::emit::docs;
use codegen::{Overlay, Spec};
use proc_macro2::{TokenStream, TokenTree};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a case must come to.
#[derive(Debug)]
enum Expect {
    Error { at: String, words: String },
    Ok,
}

fn expectation(case: &str, text: &str) -> Result<Expect, String> {
    let first = text.lines().next().unwrap_or_default();
    let rest =
        first.strip_prefix("# expect: ").ok_or_else(|| format!("{case}: the first line is not `# expect: ...`"))?;
    if rest.trim() == "ok" {
        return Ok(Expect::Ok);
    }
    let error =
        rest.strip_prefix("error ").ok_or_else(|| format!("{case}: `# expect: {rest}` is neither ok nor error"))?;
    let (at, words) = error.split_once(" :: ").ok_or_else(|| format!("{case}: `error <pointer> :: <words>`"))?;
    Ok(Expect::Error { at: at.trim().to_owned(), words: words.trim().to_owned() })
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml") && !p.to_string_lossy().ends_with(".overlay.yaml"))
        .collect();
    cases.sort();
    cases
}

/// Runs one case; `Err` says how it failed.
fn run(path: &Path) -> Result<(), String> {
    let case = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{case}: {e}"))?;
    let expect = expectation(&case, &text)?;
    let overlay_path = path.with_extension("overlay.yaml");
    let overlay_text = std::fs::read_to_string(&overlay_path).ok();
    let file = format!("hostile/{case}");
    let overlay_file = format!("hostile/{}", overlay_path.file_name().unwrap().to_string_lossy());
    let overlays: Vec<Overlay<'_>> =
        overlay_text.as_deref().map(|text| Overlay { file: &overlay_file, text }).into_iter().collect();
    let spec = Spec { file: &file, area: "hostile", text: &text, overlays: &overlays };
    let outcome = std::panic::catch_unwind(|| codegen::generate(spec))
        .map_err(|panic| format!("{case}: the generator panicked: {}", panic_message(&panic)))?;
    match (expect, outcome) {
        (Expect::Error { at, words }, Err(error)) => {
            let shown = error.to_string();
            let located = match error.location() {
                Some(codegen::Location::Action { index }) => format!("actions[{index}]") == at,
                _ => error.pointer() == Some(at.as_str()),
            };
            if !located || !shown.contains(&words) {
                return Err(format!("{case}: expected an error at `{at}` saying `{words}`, got: {shown}"));
            }
            Ok(())
        }
        (Expect::Error { at, .. }, Ok(_)) => Err(format!("{case}: expected an error at `{at}`, generation succeeded")),
        (Expect::Ok, Err(error)) => Err(format!("{case}: expected generated code, got: {error}")),
        (Expect::Ok, Ok(generated)) => {
            check_output(&case, "client", &generated.code)?;
            check_output(&case, "mock", &generated.mock)
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// The checks on a generated file (`which` names it in failures).
fn check_output(case: &str, which: &str, code: &str) -> Result<(), String> {
    if let Some((line, c)) =
        code.lines().enumerate().find_map(|(n, line)| line.chars().find(|&c| docs::is_hidden(c)).map(|c| (n + 1, c)))
    {
        return Err(format!("{case}: the {which} code holds {:?} on line {line}", c));
    }
    if code.contains("#[doc") || code.contains("#![doc") {
        return Err(format!("{case}: the {which} code has a doc attribute that is not a `///` comment"));
    }
    for (line, block) in doc_blocks(code) {
        let events = docs::html(&block);
        if !events.is_empty() {
            return Err(format!("{case}: the {which} doc comment at line {line} holds raw HTML {events:?}"));
        }
        for test in docs::doc_tests(&block) {
            if names_payload(&test) {
                return Err(format!(
                    "{case}: the {which} doc comment at line {line} has a doc test running spec text:\n{test}"
                ));
            }
        }
    }
    Ok(())
}

/// Each run of `///` (or `//!`) lines as the Markdown rustdoc reads, with the line it starts on.
fn doc_blocks(code: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, &str, String)> = None;
    for (n, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["///", "//!"].into_iter().find(|m| trimmed.starts_with(m) && !trimmed.starts_with("////"));
        match (marker, current.as_mut()) {
            (Some(m), Some((_, open, text))) if *open == m => {
                text.push_str(strip_doc(trimmed, m));
                text.push('\n');
            }
            (Some(m), _) => {
                blocks.extend(current.take().map(|(line, _, text)| (line, text)));
                current = Some((n + 1, m, format!("{}\n", strip_doc(trimmed, m))));
            }
            (None, _) => blocks.extend(current.take().map(|(line, _, text)| (line, text))),
        }
    }
    blocks.extend(current.map(|(line, _, text)| (line, text)));
    blocks
}

fn strip_doc<'a>(line: &'a str, marker: &str) -> &'a str {
    let rest = &line[marker.len()..];
    rest.strip_prefix(' ').unwrap_or(rest)
}

/// Whether a doc test's code names `HOSTILE` as an identifier (hidden `# ` lines included), or
/// does not tokenize at all (spec text is not the generator's code).
fn names_payload(test: &str) -> bool {
    let code: String = test
        .lines()
        .map(|line| line.strip_prefix("# ").or_else(|| (line == "#").then_some("")).unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    match TokenStream::from_str(&code) {
        Ok(tokens) => has_ident(tokens, "HOSTILE"),
        Err(_) => true,
    }
}

fn has_ident(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == name,
        TokenTree::Group(group) => has_ident(group.stream(), name),
        _ => false,
    })
}

#[test]
fn every_hostile_case_ends_as_it_says() {
    let cases = cases();
    assert!(cases.len() >= 10, "the corpus has {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|case| run(case).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The harness itself: a doc test that runs the payload is caught, one in a string literal or
/// behind `ignore` is not.
#[test]
fn the_harness_sees_a_payload_run() {
    let caught = "/// ```\n/// HOSTILE();\n/// ```\nfn f() {}\n";
    assert!(check_output("self-test", "client", caught).is_err());
    let html = "/// <img src=x onerror=alert(1)>\nfn f() {}\n";
    assert!(check_output("self-test", "client", html).is_err());
    let nul = "/// a\0b\nfn f() {}\n";
    assert!(check_output("self-test", "client", nul).is_err());
    let inert =
        "/// ```\n/// let s = \"HOSTILE()\";\n/// ```\n///\n/// ```ignore\n/// HOSTILE();\n/// ```\nfn f() {}\n";
    assert_eq!(check_output("self-test", "client", inert), Ok(()));
}
