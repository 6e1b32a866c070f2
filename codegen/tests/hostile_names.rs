//! Specs that are valid but hostile to what the generator makes of them: names that would shadow
//! what the generated code relies on, types that contain themselves, replies and route tables
//! whose size the spec chooses.

use codegen::Spec;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

/// Ten thousand routes, each a literal segment (`/v1/r<i>/{id}`), and one route with a
/// parameter in that place (`/v1/{bucket}/{id}`): every literal is a value the parameter is
/// refused, listed in the routes' order. The route-shadowing check compares routes through a
/// trie of their segments, not pairwise, so this takes well under a second in release.
#[test]
fn ten_thousand_operations_are_checked_for_shadowing() {
    const N: usize = 10_000;
    let mut text = format!("{HEAD}paths:\n");
    let param = "{name: id, in: path, required: true, schema: {type: string}}";
    for i in 0..N {
        text.push_str(&format!(
            "  /v1/r{i}/{{id}}:\n    get:\n      operationId: get{i}\n      parameters: [{param}]\n      responses: {{'204': {{description: ok}}}}\n"
        ));
    }
    text.push_str(&format!(
        "  /v1/{{bucket}}/{{id}}:\n    get:\n      operationId: getAny\n      parameters: [{param}, {{name: bucket, in: path, required: true, schema: {{type: string}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    let generated = codegen::generate(Spec::from_file("hostile/scale.yaml", &text)).unwrap();
    let api = &generated.api;
    assert_eq!(api.operations.len(), N + 1);
    let any = &api.operations[N];
    let bucket = any.params.iter().find(|p| p.wire_name == "bucket").unwrap();
    let expected: Vec<(String, String)> = (0..N).map(|i| (format!("r{i}"), format!("/v1/r{i}/{{id}}"))).collect();
    assert_eq!(bucket.shadowed, expected);
    // Nothing else is shadowed: a literal route has no parameter where another has text.
    let others = api.operations[..N].iter().flat_map(|op| &op.params);
    assert!(others.clone().all(|p| p.shadowed.is_empty()));
    assert!(generated.code.contains(r#"("r9999", "/v1/r9999/{id}")"#));
}
