//! The generator refuses an operation named like a hand-written helper method
//! (`codegen::names::HELPER_METHODS`); this keeps that list equal to the helpers' source, so a
//! new helper is reserved the day it is written. Each of these entry points also has an example
//! in its rustdoc (compiled as a doc test).

use std::collections::BTreeMap;
use std::path::Path;

/// `pub fn` / `pub async fn` names of each `impl <Area>Api` block in the helper sources
/// (`src/helpers/`), by area, each with whether its doc comment has a code block.
fn helper_methods_in_source() -> BTreeMap<String, Vec<(String, bool)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/helpers");
    let mut found: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut area: Option<String> = None;
        let mut example = false;
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("///") {
                example |= trimmed.starts_with("/// ```");
                continue;
            }
            let documented = std::mem::take(&mut example);
            if trimmed.starts_with("#[") {
                example = documented;
                continue;
            }
            if let Some(rest) = line.strip_prefix("impl ") {
                let name = rest.trim_end_matches(" {").rsplit("::").next().unwrap_or_default();
                area = name.strip_suffix("Api").filter(|_| line.ends_with("Api {")).map(area_of);
            } else if line == "}" {
                area = None;
            } else if let Some(area) = &area {
                let signature = line.strip_prefix("    pub fn ").or_else(|| line.strip_prefix("    pub async fn "));
                if let Some(signature) = signature {
                    let name: String = signature.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    found.entry(area.clone()).or_default().push((name, documented));
                }
            }
        }
    }
    for methods in found.values_mut() {
        methods.sort();
    }
    found
}

/// `AiModel` -> `ai_model`.
fn area_of(pascal: &str) -> String {
    let mut out = String::new();
    for (i, c) in pascal.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn the_reserved_helper_names_are_the_helpers() {
    let in_source: BTreeMap<String, Vec<String>> = helper_methods_in_source()
        .into_iter()
        .map(|(area, methods)| (area, methods.into_iter().map(|(name, _)| name).collect()))
        .collect();
    let listed: BTreeMap<String, Vec<String>> = codegen::names::HELPER_METHODS
        .iter()
        .map(|(area, methods)| {
            let mut methods: Vec<String> = methods.iter().map(|m| m.to_string()).collect();
            methods.sort();
            (area.to_string(), methods)
        })
        .collect();
    assert_eq!(in_source, listed);
}

#[test]
fn every_helper_entry_point_has_an_example() {
    let missing: Vec<String> = helper_methods_in_source()
        .into_iter()
        .flat_map(|(area, methods)| {
            methods.into_iter().filter(|(_, example)| !example).map(move |(name, _)| format!("{area}: {name}"))
        })
        .collect();
    assert!(missing.is_empty(), "helper entry points without an example in their docs: {missing:?}");
}

/// The helper source of an area: `src/helpers/<file>.rs` and, if the helper is split,
/// every file under `src/helpers/<file>/`.
fn helper_source(area: &str) -> String {
    let file = match area {
        "functions" | "cloudrun" => "invoke",
        other => other,
    };
    let helpers = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/helpers");
    let mut text = std::fs::read_to_string(helpers.join(format!("{file}.rs"))).unwrap_or_default();
    let mut dirs = vec![helpers.join(file)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                text.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    text
}

/// The operation methods of an area's generated API struct.
fn operation_methods(area: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/generated/{area}.rs"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("    pub fn ")?.split_once("(&self) -> builders::").map(|(name, _)| name))
        .map(str::to_owned)
        .collect()
}

fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let after = text[at + word.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        before && after
    })
}

/// Each generated operation a helper is listed as built on (`codegen::names::HELPER_LINKS`, the
/// links in the operation's rustdoc) is called in its area's helper source, and each operation
/// a helper calls (`.operation()`) is listed.
#[test]
fn the_helper_links_of_the_operations_are_the_calls_of_the_helpers() {
    let mut wrong = Vec::new();
    for (area, method, _) in codegen::names::HELPER_LINKS {
        if !operation_methods(area).iter().any(|m| m == method) {
            wrong.push(format!("{area}: `{method}` is listed but is no operation"));
        } else if !mentions(&helper_source(area), method) {
            wrong.push(format!("{area}: `{method}` is listed but no helper calls it"));
        }
    }
    for (area, _) in codegen::names::HELPER_METHODS {
        // The code only: a doc example calls the helpers, not the operations.
        let source: String = helper_source(area).lines().filter(|l| !l.trim_start().starts_with("//")).collect();
        for method in operation_methods(area) {
            let listed = codegen::names::HELPER_LINKS.iter().any(|(a, m, _)| a == area && *m == method);
            if !listed && source.contains(&format!(".{method}()")) {
                wrong.push(format!("{area}: a helper calls `{method}`, which HELPER_LINKS does not list"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
