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
