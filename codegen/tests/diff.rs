//! The spec diff: one pair of fixture specs with every kind of change (snapshot), the vendored
//! mysqldb spec with an operation removed and an optional field made required, and doc text: a
//! pair with every kind of doc change (snapshot), a doc test slipped into a vendored description,
//! what counts as code-like text, and how invisible characters are shown.

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

/// A doc change alone is a change: a code fence added to a vendored description is a doc test
/// users' `cargo test` would run, so it is the first thing the report says.
#[test]
fn a_doc_test_slipped_into_a_vendored_description_is_flagged_first() {
    let text = read("../specs/mysqldb.yaml");
    let old = ir("specs/mysqldb.yaml", &text);
    let edited = text.replacen(
        "        With `Prefer: return=representation` the deleted rows are returned.\n",
        "        With `Prefer: return=representation` the deleted rows are returned.\n\n        ```\n        std::fs::remove_dir_all(\"/\").ok();\n        ```\n",
        1,
    );
    assert_ne!(edited, text);
    let new = ir("specs/mysqldb.yaml", &edited);
    let report = codegen::review::spec_diff::diff(&old, &new);
    let rendered = report.render();
    assert!(report.changes.is_empty(), "{rendered}");
    assert_eq!(report.docs.len(), 1, "{rendered}");
    let first = rendered.lines().next().unwrap();
    assert!(first.starts_with("WARNING"), "{rendered}");
    assert!(rendered.contains("WARNING deleteRecords: description: line 4: code fence (```)"), "{rendered}");
    assert!(rendered.contains("doc      deleteRecords: description changed\n"), "{rendered}");
    assert!(rendered.contains("           + std::fs::remove_dir_all(\"/\").ok();\n"), "{rendered}");
    let summary = rendered.lines().last().unwrap();
    assert_eq!(
        summary,
        "summary: 0 breaking, 0 other, 1 doc (1 code-like); no API changes; 1 doc change: a patch version bump",
        "{rendered}"
    );
}

#[test]
fn every_kind_of_doc_change() {
    let old = ir("docs_old.yaml", &read("tests/diff/docs_old.yaml"));
    let new = ir("docs_new.yaml", &read("tests/diff/docs_new.yaml"));
    let report = codegen::review::spec_diff::diff(&old, &new);
    let rendered = report.render();
    // Warnings, then API changes, then doc changes.
    let warning = rendered.find("WARNING").expect("a warning");
    let api = rendered.find("ok       operation addedOp added").expect("the added operation");
    let doc = rendered.find("doc      ").expect("a doc change");
    assert!(warning < api && api < doc, "{rendered}");
    // An added item's docs are new text; a removed item's go with it.
    assert!(rendered.contains("doc      addedOp: description added"), "{rendered}");
    assert!(!rendered.contains("Its text goes with it."), "{rendered}");
    insta::assert_snapshot!(rendered);
}

/// Each kind of code-like text, and prose that is not.
#[test]
fn what_counts_as_code_like_text() {
    use codegen::review::doc_diff::code_like;
    for (text, expected) in [
        ("```", "line 1: code fence (```)"),
        ("ok\n  ```rust", "line 2: code fence (```)"),
        ("- ```", "line 1: code fence (```)"),
        ("* ~~~", "line 1: code fence (~~~)"),
        ("+ ````", "line 1: code fence (```)"),
        ("1. ```", "line 1: code fence (```)"),
        ("12) ~~~", "line 1: code fence (~~~)"),
        ("> ```", "line 1: code fence (```)"),
        (">> - > ~~~~", "line 1: code fence (~~~)"),
        ("text\n    let x = 1;", "line 2: indented code (4 or more spaces)"),
        ("\tlet x = 1;", "line 1: indented code (4 or more spaces)"),
        (">     let x = 1;", "line 1: indented code (4 or more spaces)"),
        ("a <b>bold</b>", "line 1: raw HTML (<b)"),
        ("</p>", "line 1: raw HTML (</)"),
        ("<!-- hidden -->", "line 1: raw HTML (<!)"),
        ("a\0b", "line 1: control character U+0000"),
        ("a\r\nb", "line 1: control character U+000D"),
        ("a\rb", "line 1: control character U+000D"),
        ("\u{1b}[31m", "line 1: control character U+001B"),
        ("a\u{85}b", "line 1: control character U+0085"),
        ("abc\u{202e}fed", "line 1: bidi control U+202E"),
        ("\u{2066}x\u{2069}", "line 1: bidi control U+2066"),
        ("one\u{2028}two", "line 1: invisible character U+2028"),
    ] {
        let found = code_like(text);
        assert!(found.iter().any(|f| f == expected), "{text:?}: {found:?}, expected {expected:?}");
    }
    for prose in [
        "Plain prose.\nTwo lines, `inline code` and ``double ticks``.",
        "a < b and 1<2, x->y, <3 hearts",
        "   three spaces are a paragraph",
        "- a list item\n  continued\n1. numbered",
        "> a quote",
        "***",
        "Inline ``` is not at a line start",
        "",
    ] {
        assert_eq!(code_like(prose), Vec::<String>::new(), "{prose:?}");
    }
}

/// Doc text and every other line of the report are shown with control, bidi and invisible
/// characters escaped: the terminal shows what the text holds, not what it pretends.
#[test]
fn invisible_characters_are_shown_escaped() {
    let old = ir("docs_old.yaml", &read("tests/diff/docs_old.yaml"));
    let mut new = old.clone();
    let op = new.operations.iter_mut().find(|o| o.id == "getItem").unwrap();
    op.description = Some("Reads\u{202e}meti eno\r\nwith\0a NUL".to_owned());
    op.path = "/items/{id}\u{2066}".to_owned();
    let report = codegen::review::spec_diff::diff(&old, &new);
    let rendered = report.render();
    assert!(
        !rendered.chars().any(|c| c != '\n' && (c.is_control() || ('\u{2000}'..='\u{206f}').contains(&c))),
        "{rendered:?}"
    );
    assert!(rendered.contains("WARNING getItem: description: line 1: bidi control U+202E; line 1: control character U+000D; line 2: control character U+0000"), "{rendered}");
    assert!(rendered.contains("           + Reads\\u{202e}meti eno\\r\n           + with\\u{0}a NUL\n"), "{rendered}");
    assert!(rendered.contains("ok       getItem: now GET /items/{id}\\u{2066} (was GET /items/{id})"), "{rendered}");
}
