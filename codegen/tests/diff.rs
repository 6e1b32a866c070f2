//! The spec diff: one pair of fixture specs with every kind of change (snapshot), and the
//! vendored mysqldb spec with an operation removed and an optional field made required.

use std::path::Path;

fn ir(file: &str, text: &str) -> codegen::ir::Api {
    codegen::ir_of(codegen::Spec { file, area: "fixture", text, overlays: &[] }).unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn every_kind_of_change() {
    let old = ir("old.yaml", &read("tests/diff/old.yaml"));
    let new = ir("new.yaml", &read("tests/diff/new.yaml"));
    let report = codegen::review::spec_diff::diff(&old, &new);
    insta::assert_snapshot!(report.render());
    // Nothing changed, nothing reported.
    assert!(codegen::review::spec_diff::diff(&old, &old).changes.is_empty());
}

#[test]
fn a_removed_operation_and_a_field_made_required_are_breaking() {
    let text = read("../specs/mysqldb.yaml");
    let old = ir("specs/mysqldb.yaml", &text);
    let edited = text
        .replacen("    delete:\n      tags: [Data Operations]\n      operationId: deleteRecords\n", "    x-removed:\n      operationId: deleteRecords\n", 1)
        .replacen(
            "    ErrorResponse:\n      type: object\n      description: Common CloudBase error body.\n",
            "    ErrorResponse:\n      type: object\n      required: [code]\n      description: Common CloudBase error body.\n",
            1,
        );
    assert_ne!(edited, text);
    let new = ir("specs/mysqldb.yaml", &edited);
    let report = codegen::review::spec_diff::diff(&old, &new);
    let rendered = report.render();
    assert!(rendered.contains("BREAKING operation deleteRecords removed (DELETE /v1/rdb/rest/{table}"), "{rendered}");
    // The gateway's error body was the shared runtime type; with a required code it is a struct
    // of its own (whose `code` is a `String`).
    assert!(rendered.contains("BREAKING ErrorResponse: now a struct (was a shared runtime type)"), "{rendered}");
    assert_eq!(report.breaking(), 2, "{rendered}");
}
