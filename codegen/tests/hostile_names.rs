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

/// A case of the hostile corpus (`tests/hostile/<name>`).
fn corpus(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// How many JSON values (objects, arrays, strings, numbers, ...) `value` holds.
fn values(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(values).sum(),
        serde_json::Value::Object(map) => map.values().map(values).sum(),
        _ => 0,
    }
}

/// The default reply of the first operation of `text`, and the size of the mock's source.
fn default_reply(text: &str) -> (serde_json::Value, usize) {
    let generated = codegen::generate(Spec::from_file("hostile/scale.yaml", text)).unwrap();
    let body = generated.api.operations[0].mock.body.as_ref().expect("a JSON reply");
    assert!(!body.value.documented);
    (body.value.value.clone(), generated.mock.len())
}

/// A type with forty optional properties, each the type itself: the default reply filled every
/// optional field four levels deep (40^4 objects, 28 MB of mock source). It holds a bounded
/// number of values now, the first fields filled as deep as before and the rest left out.
#[test]
fn a_default_reply_of_many_optional_self_references_is_bounded() {
    let (reply, mock_size) = default_reply(&corpus("scale--forty-optional-self-references.yaml"));
    assert!(values(&reply) <= 256, "{} values", values(&reply));
    assert!(mock_size < 64 * 1024, "{mock_size} bytes of mock source");
    // Filled depth first, as deep as a small type is filled.
    assert_eq!(reply["child00"]["child00"]["child00"]["child00"], serde_json::json!({}));
}

/// Required fields that fan out level after level have no sample of a bounded size that fills
/// them all: the reply stops at its budget, the fields past it left out, where a full one held
/// 40^4 values at four levels and exhausted memory at six.
#[test]
fn a_default_reply_of_required_fields_that_fan_out_is_bounded() {
    let (reply, mock_size) = default_reply(&corpus("scale--required-fields-fan-out.yaml"));
    assert!(values(&reply) <= 1024, "{} values", values(&reply));
    assert!(mock_size < 64 * 1024, "{mock_size} bytes of mock source");
    assert_eq!(reply["f00"]["f00"]["f00"]["f00"]["f00"]["f00"], "string");
    assert_eq!(reply.get("f39"), None);
}
