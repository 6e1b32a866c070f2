//! The vendored specs: an IR summary snapshot per spec (every decision the generator made, one
//! line each), and the operation count of each spec against the generated methods.

use std::path::{Path, PathBuf};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// A vendored spec and its overlay (`specs/overlays/<area>.yaml`), if it has one.
struct Vendored {
    file: String,
    text: String,
    overlay: Option<(String, String)>,
}

impl Vendored {
    fn overlays(&self) -> Vec<codegen::Overlay<'_>> {
        self.overlay.iter().map(|(file, text)| codegen::Overlay { file, text }).collect()
    }
}

fn load(area: &str) -> Vendored {
    let file = format!("specs/{area}.yaml");
    let text = std::fs::read_to_string(specs_dir().join(format!("{area}.yaml"))).expect("vendored spec is readable");
    let overlay_file = codegen::overlay::file_for(&file);
    let overlay_path = specs_dir().join("..").join(&overlay_file);
    let overlay = overlay_path
        .exists()
        .then(|| (overlay_file, std::fs::read_to_string(&overlay_path).expect("overlay is readable")));
    Vendored { file, text, overlay }
}

const AREAS: &[&str] =
    &["ai_model", "apis", "auth", "cloudrun", "functions", "model", "mysqldb", "nosql", "storage", "storage_pg"];

/// The snapshots below are named by area: the list is written out, and must be every spec.
#[test]
fn the_areas_are_every_vendored_spec() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut vendored: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    vendored.sort();
    assert_eq!(AREAS, vendored, "AREAS lists the specs of {}", dir.display());
}

#[test]
fn ir_summary_of_each_spec() {
    for area in AREAS {
        let spec = load(area);
        let overlays = spec.overlays();
        let api = codegen::ir_of(codegen::Spec::from_file(&spec.file, &spec.text).with_overlays(&overlays))
            .unwrap_or_else(|e| panic!("{e}"));
        insta::assert_snapshot!(format!("ir_{area}"), codegen::review::summary::summary(&api));
    }
}

/// What each overlay changes for users against the upstream spec, as `spec-diff` reports it. The
/// snapshot is the review: a `BREAKING` line there (an optional field added to a request struct
/// breaks struct literals; a typed body replaces a free-form one) is a change to the upstream
/// surface an overlay makes on purpose, and its action's description says why.
#[test]
fn what_each_overlay_changes() {
    for area in AREAS {
        let spec = load(area);
        let overlays = spec.overlays();
        if overlays.is_empty() {
            continue;
        }
        let upstream =
            codegen::ir_of(codegen::Spec::from_file(&spec.file, &spec.text)).unwrap_or_else(|e| panic!("{e}"));
        let overlaid = codegen::ir_of(codegen::Spec::from_file(&spec.file, &spec.text).with_overlays(&overlays))
            .unwrap_or_else(|e| panic!("{e}"));
        let report = codegen::review::spec_diff::diff(&upstream, &overlaid);
        insta::assert_snapshot!(format!("overlay_{area}"), report.render());
    }
}

/// Counts operations straight from the YAML (not through the generator) and the `pub fn` methods
/// of each generated API struct; they must agree, area by area (no count is written down: the
/// specs with their overlays are the count).
#[test]
fn every_operation_is_generated() {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    for area in AREAS {
        let spec = load(area);
        let overlays = spec.overlays();
        let text = codegen::load::overlaid_yaml(&spec.file, &spec.text, &overlays).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let mut in_spec = 0;
        let mut doc_lines = Vec::new();
        for (path, item) in yaml["paths"].as_mapping().unwrap() {
            for (method, operation) in item.as_mapping().unwrap() {
                let method = method.as_str().unwrap_or("");
                if METHODS.contains(&method) {
                    in_spec += 1;
                    let id = operation["operationId"].as_str().unwrap();
                    doc_lines.push(format!(
                        "    /// `{} {}` (operationId `{id}`)\n",
                        method.to_uppercase(),
                        path.as_str().unwrap()
                    ));
                }
            }
        }
        let generated =
            codegen::generate(codegen::Spec::from_file(&spec.file, &spec.text).with_overlays(&overlays)).unwrap();
        let api_struct = format!("impl {} {{", generated.api.api_struct);
        let start = generated.code.find(&api_struct).expect("the API struct has an impl block");
        let end = start + generated.code[start..].find("\n}\n").expect("the impl block ends");
        let methods = generated.code[start..end].matches("\n    pub fn ").count();
        assert_eq!(in_spec, methods, "{area}: {in_spec} operations in the spec, {methods} generated methods");
        let examples = generated.code[start..end].matches("    /// # Example\n").count();
        assert_eq!(examples, methods, "{area}: {examples} of {methods} operations have an `# Example`");
        for line in &doc_lines {
            assert_eq!(
                generated.code[start..end].matches(line.as_str()).count(),
                1,
                "{area}: no method documented as {line}"
            );
        }
    }
}

/// Generating twice gives the same bytes.
#[test]
fn output_is_deterministic() {
    for area in AREAS {
        let spec = load(area);
        let overlays = spec.overlays();
        let generate = || {
            codegen::generate(codegen::Spec::from_file(&spec.file, &spec.text).with_overlays(&overlays)).unwrap().code
        };
        let first = generate();
        assert!(first == generate(), "{area}: output differs between runs");
        let source = match &spec.overlay {
            Some((overlay, _)) => format!("specs/{area}.yaml + {overlay}"),
            None => format!("specs/{area}.yaml"),
        };
        assert!(first.starts_with(&format!("// @generated by `cargo xtask regen` from {source}; do not edit.")));
    }
}

/// `regen --check` names what differs in a stale file: operations by operationId, types by name.
#[test]
fn stale_files_are_described_by_operation_and_type() {
    let Vendored { file, text, .. } = load("functions");
    let before = codegen::generate(codegen::Spec::from_file(&file, &text)).unwrap().code;
    let edited = text
        .replace("summary: Invoke a cloud function", "summary: Invoke one cloud function")
        .replace("        requestId:\n          type: string\n          description: Request ID", "        requestId:\n          type: string\n          description: Request ID\n        hint:\n          type: string");
    let after = codegen::generate(codegen::Spec::from_file(&file, &edited)).unwrap().code;
    assert_eq!(
        codegen::review::code_diff::describe_changes(&before, &after),
        // With a field more, the error body is no longer the shared gateway type but a struct of its own
        // (which needs the serde and `ErrorBody` imports).
        ["changed: imports, operation functionsPost, type ErrorResponse, type FunctionsApi"]
    );
    assert_eq!(codegen::review::code_diff::describe_changes(&before, &before), ["only formatting or comments differ"]);
}
