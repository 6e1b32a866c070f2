//! Broken and unsupported specs give a `codegen::Error` naming the file and the location
//! (line for YAML syntax, JSON pointer otherwise), never a panic.

use codegen::{Location, Spec};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n";

fn error_of(yaml: &str) -> codegen::Error {
    match codegen::generate(Spec::from_file("specs/broken.yaml", yaml)) {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(e) => e,
    }
}

fn spec(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

#[test]
fn yaml_syntax_errors_name_the_line() {
    let e = error_of(&spec("paths:\n  /a:\n    get: {operationId: a\n  responses: x\n"));
    assert_eq!(e.file(), "specs/broken.yaml");
    assert!(matches!(e.location(), Some(Location::Line { line: 6, .. })), "{e:?}");
    let shown = e.to_string();
    assert!(shown.starts_with("specs/broken.yaml:6:"), "{shown}");
    assert!(shown.contains("invalid YAML"), "{shown}");
}

#[test]
fn documents_that_are_not_openapi_name_the_pointer() {
    let e = error_of(&spec(
        "paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - {name: x, in: query, required: maybe, schema: {type: string}}\n      responses: {'200': {description: ok}}\n",
    ));
    assert_eq!(e.pointer(), Some("/paths/~1a/get/parameters/0/required"), "{e}");
    assert!(e.to_string().starts_with("specs/broken.yaml#/paths/~1a/get/parameters/0/required: "), "{e}");
}

#[test]
fn wrong_openapi_version() {
    let e = error_of("swagger: '2.0'\nopenapi: 2.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert_eq!(e.pointer(), Some("/openapi"), "{e}");
}

#[test]
fn dangling_refs_name_the_ref() {
    let e = error_of(&spec(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Missing'}\n",
    ));
    assert_eq!(
        e.to_string(),
        "specs/broken.yaml#/components/schemas/A/properties/b/$ref: missing $ref target `#/components/schemas/Missing`"
    );
}

#[test]
fn dangling_parameter_and_response_refs() {
    let e = error_of(&spec(
        "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{$ref: '#/components/parameters/Nope'}]\n      responses: {'200': {description: ok}}\n",
    ));
    assert_eq!(e.pointer(), Some("/paths/~1a/get/parameters/0/$ref"), "{e}");
    let e = error_of(&spec(
        "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {$ref: '#/components/responses/Nope'}}\n",
    ));
    assert_eq!(e.pointer(), Some("/paths/~1a/get/responses/200/$ref"), "{e}");
}

#[test]
fn remote_refs_are_unsupported() {
    let e = error_of(&spec("paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'other.yaml#/components/schemas/B'}\n"));
    assert!(e.message().contains("only local references"), "{e}");
    assert_eq!(e.pointer(), Some("/components/schemas/A/$ref"));
}

#[test]
fn unknown_schema_types() {
    let e = error_of(&spec(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        n: {type: strin}\n",
    ));
    assert_eq!(e.to_string(), "specs/broken.yaml#/components/schemas/A/properties/n/type: unknown schema type `strin`");
}

#[test]
fn ref_cycles_are_errors() {
    let e = error_of(&spec(
        "paths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
    ));
    assert!(e.message().contains("$ref cycle"), "{e}");
    let e = error_of(&spec(
        "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{$ref: '#/components/parameters/P'}]\n      responses: {'200': {description: ok}}\ncomponents:\n  parameters:\n    P: {$ref: '#/components/parameters/Q'}\n    Q: {$ref: '#/components/parameters/P'}\n",
    ));
    assert!(e.message().contains("cycle"), "{e}");
}

/// Each unsupported construct is an error at its pointer: an operation that cannot be generated
/// faithfully is never dropped or guessed at.
#[test]
fn unsupported_constructs() {
    let cases: &[(&str, &str, &str)] = &[
        ("paths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n", "/paths/~1a/get", "no operationId"),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{name: c, in: cookie, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/get/parameters/0/in",
            "cookie parameters",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {multipart/form-data: {schema: {type: object}}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/content/multipart~1form-data/schema",
            "needs an object schema",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object}}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded",
            "request bodies of type",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {application/json: {}, application/merge-patch+json: {}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/content/application~1merge-patch+json",
            "both json forms",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {x-any-content-type: yes please, content: {application/octet-stream: {}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/x-any-content-type",
            "must be a boolean",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {x-any-content-type: true, content: {application/json: {}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/x-any-content-type",
            "exactly one binary media type",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {tags: {type: array, items: {type: string}}}}}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/content/multipart~1form-data/schema/properties/tags",
            "form field `tags` is not a string, number, boolean or file",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}, encoding: {fiel: {contentType: image/png}}}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/fiel",
            "not a property of the form",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}, encoding: {file: {contentType: 'image/*, not a type'}}}}}\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/file/contentType",
            "not a media type a file part can be sent as",
        ),
        (
            "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {data: {type: string, format: binary}}}\n",
            "/components/schemas/A",
            "`format: binary` inside a JSON schema",
        ),
        (
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {multipart/form-data: {schema: {$ref: '#/components/schemas/F'}}}}\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/F'}}}}}\ncomponents:\n  schemas:\n    F: {type: object, properties: {name: {type: string}}}\n",
            "/paths/~1a/post/responses",
            "is a `multipart/form-data` body and also a reply",
        ),
        ("paths: {}\ncomponents:\n  schemas:\n    A: {not: {type: string}}\n", "/components/schemas/A", "`not`"),
        (
            "paths:\n  /a/{id}:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a~1{id}/get",
            "no path parameter `id`",
        ),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/get",
            "does not appear in `/a`",
        ),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      security: [{bearer: [], basic: []}]\n      responses: {'200': {description: ok}}\ncomponents:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n    basic: {type: http, scheme: basic}\n",
            "/paths/~1a/get/security/0",
            "combines several schemes",
        ),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      security: [{nope: []}]\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/get/security/0/nope",
            "not defined",
        ),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n",
            "/paths/~1b/get/operationId",
            "duplicate operationId",
        ),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{name: f, in: query, style: deepObject, schema: {type: object, additionalProperties: {type: string}}}]\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/get/parameters/0/style",
            "style other than `form`",
        ),
        (
            "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{name: n, in: query, schema: {type: string, pattern: '(?=x)y'}}]\n      responses: {'200': {description: ok}}\n",
            "/paths/~1a/get/parameters/0/schema/pattern",
            "cannot be checked client-side",
        ),
        (
            "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, required: [x], properties: {y: {type: string}}}\n",
            "/components/schemas/A/required",
            "`x` is not declared",
        ),
    ];
    for (rest, pointer, message) in cases {
        let e = error_of(&spec(rest));
        assert_eq!(e.pointer(), Some(*pointer), "{e}");
        assert!(e.message().contains(message), "expected {message:?} in: {e}");
        assert!(e.to_string().starts_with(&format!("specs/broken.yaml#{pointer}: ")), "{e}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut schema = String::from("{type: string}");
    for _ in 0..60 {
        schema = format!("{{type: array, items: {schema}}}");
    }
    let e = error_of(&spec(&format!("paths: {{}}\ncomponents:\n  schemas:\n    A: {schema}\n")));
    assert!(e.message().contains("nests deeper than 32 levels"), "{e}");
    assert!(e.pointer().is_some_and(|p| p.starts_with("/components/schemas/A/items/items")), "{e}");
}

#[test]
fn invalid_area_names() {
    let e =
        codegen::generate(Spec { file: "specs/Bad-Name.yaml", area: "Bad-Name", text: "", overlays: &[] }).unwrap_err();
    assert!(e.message().contains("snake_case"), "{e}");
}

/// Mutations of the vendored specs (lines dropped, duplicated, truncated, characters replaced)
/// must come back as `Ok` or an `Error` with a file name, never a panic.
#[test]
fn mutated_specs_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut cases = 0;
    // Every vendored spec, so that a new one is covered from the day it is vendored.
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "yaml"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no spec in {}", dir.display());
    for path in &specs {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for _ in 0..40 {
            let mut mutated: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            let at = (next() as usize) % mutated.len();
            match next() % 5 {
                0 => {
                    mutated.remove(at);
                }
                1 => {
                    let line = mutated[at].clone();
                    mutated.insert(at, line);
                }
                2 => mutated.truncate(at),
                3 => {
                    let line = &mut mutated[at];
                    if let Some(pos) = line.find(|c: char| c.is_ascii_alphanumeric()) {
                        line.replace_range(pos..pos + 1, ["{", "'", "-", "#", "x"][(next() % 5) as usize]);
                    }
                }
                _ => {
                    let line = mutated[at]
                        .replace("string", "object")
                        .replace("$ref: '#/components/schemas/", "$ref: '#/components/schemas/X");
                    mutated[at] = line;
                }
            }
            let mutated = mutated.join("\n");
            let file = format!("specs/{}", path.file_name().unwrap().to_string_lossy());
            let outcome = std::panic::catch_unwind(|| codegen::generate(Spec::from_file(&file, &mutated)).map(|_| ()));
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => assert!(e.to_string().starts_with(&file), "{e}"),
                Err(_) => panic!("generator panicked on a mutation of {file}:\n{mutated}"),
            }
            cases += 1;
        }
    }
    assert_eq!(cases, specs.len() * 40);
}

/// Found by the fuzz test: an invalid value at the bottom of deep nesting made reading the
/// document take time doubling per level (a hang at 68 levels). It is now refused up front.
#[test]
fn an_invalid_value_under_deep_nesting_is_refused_quickly() {
    let mut schema = String::from("{type: object, properties: oops}");
    for _ in 0..68 {
        schema = format!("{{type: array, items: {schema}}}");
    }
    let e = error_of(&spec(&format!(
        "paths: {{}}\ncomponents:\n  parameters:\n    Table: {{name: t, in: query, schema: {schema}}}\n"
    )));
    assert!(e.message().contains("nests deeper than 32 levels"), "{e}");
}

#[test]
fn x_sensitive_must_be_a_boolean() {
    let e = error_of(&spec(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        pin: {type: string, x-sensitive: 'yes'}\n",
    ));
    assert_eq!(e.pointer(), Some("/components/schemas/A/properties/pin/x-sensitive"), "{e}");
    assert!(e.message().contains("`x-sensitive` must be `true` or `false`"), "{e}");
}

#[test]
fn x_client_default_names_a_known_value_on_a_text_parameter() {
    let op = |param: &str| {
        spec(&format!(
            "paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - {param}\n      responses: {{'200': {{description: OK}}}}\n"
        ))
    };
    let cases = [
        ("{name: d, in: header, schema: {type: string}, x-client-default: device}", "must be `device-id` or `env-id`"),
        ("{name: d, in: header, schema: {type: integer}, x-client-default: device-id}", "text query and header"),
        ("{name: e, in: query, required: true, schema: {type: string}, x-client-default: env-id}", "needs an optional"),
    ];
    for (param, message) in cases {
        let e = error_of(&op(param));
        assert_eq!(e.pointer(), Some("/paths/~1a/get/parameters/0/x-client-default"), "{e}");
        assert!(e.message().contains(message), "{param}: {e}");
    }
    let path = "paths:\n  /a/{d}:\n    get:\n      operationId: a\n      parameters:\n        - {name: d, in: path, required: true, schema: {type: string}, x-client-default: device-id}\n      responses: {'200': {description: OK}}\n";
    let e = error_of(&spec(path));
    assert!(e.message().contains("text query and header"), "{e}");
}

#[test]
fn x_also_sent_as_lists_media_types_of_a_json_body() {
    let body = |content: &str| {
        spec(&format!(
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody:\n        content:\n          {content}\n      responses: {{'200': {{description: OK}}}}\n"
        ))
    };
    let cases = [
        ("application/json: {schema: {type: object}, x-also-sent-as: text/plain}", "must be a list"),
        ("application/json: {schema: {type: object}, x-also-sent-as: ['text plain']}", "not a media type"),
        ("text/plain: {schema: {type: string}, x-also-sent-as: [text/html]}", "JSON bodies only"),
    ];
    for (content, message) in cases {
        let e = error_of(&body(content));
        assert!(e.pointer().is_some_and(|p| p.contains("x-also-sent-as")), "{e}");
        assert!(e.message().contains(message), "{content}: {e}");
    }
}

#[test]
fn x_trailing_slash_is_also_on_a_path_without_one() {
    for (path, value) in [("/a", "yes"), ("/a/", "also")] {
        let e = error_of(&spec(&format!(
            "paths:\n  {path}:\n    get:\n      operationId: a\n      x-trailing-slash: {value}\n      responses: {{'200': {{description: OK}}}}\n"
        )));
        assert!(e.pointer().is_some_and(|p| p.ends_with("/get/x-trailing-slash")), "{e}");
        assert!(e.message().contains("must be `also`"), "{e}");
    }
}

#[test]
fn an_array_that_contains_itself_is_not_followed_forever() {
    // Looking for secrets follows `$ref`s into array items; this chain never ends.
    let _ = codegen::generate(Spec::from_file(
        "specs/broken.yaml",
        &spec(
            "paths: {}\ncomponents:\n  schemas:\n    A: {type: array, items: {$ref: '#/components/schemas/A'}}\n    B:\n      type: object\n      properties:\n        token: {$ref: '#/components/schemas/A'}\n",
        ),
    ));
}

/// The error of generating `spec` with one overlay, `specs/overlays/broken.yaml`.
fn overlay_error_of(spec: &str, overlay: &str) -> codegen::Error {
    let overlays = [codegen::Overlay { file: "specs/overlays/broken.yaml", text: overlay }];
    match codegen::generate(Spec::from_file("specs/broken.yaml", spec).with_overlays(&overlays)) {
        Ok(_) => panic!("expected an error for the overlay:\n{overlay}"),
        Err(e) => e,
    }
}

const OVERLAY_HEAD: &str = "overlay: 1.0.0\ninfo: {title: Fixes, version: '1'}\nactions:\n";
const SMALL: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /v1/a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n";

#[test]
fn an_overlay_target_matching_nothing_names_the_file_and_action() {
    let actions =
        "  - {target: $.paths, update: {}}\n  - target: $.paths['/v1/rdb/rest/rpc/{fn}']\n    update: {post: {}}\n";
    let e = overlay_error_of(SMALL, &format!("{OVERLAY_HEAD}{actions}"));
    assert_eq!(e.file(), "specs/overlays/broken.yaml");
    assert_eq!(e.location(), Some(&Location::Action { index: 1 }));
    assert_eq!(
        e.to_string(),
        "specs/overlays/broken.yaml: actions[1]: target $.paths['/v1/rdb/rest/rpc/{fn}'] matches nothing"
    );
}

#[test]
fn bad_overlay_yaml_names_the_line() {
    let e = overlay_error_of(SMALL, &format!("{OVERLAY_HEAD}  - target: $.paths\n    update: {{a: [}}\n"));
    assert!(matches!(e.location(), Some(Location::Line { line: 5, .. })), "{e:?}");
    assert!(e.to_string().starts_with("specs/overlays/broken.yaml:5:"), "{e}");
}

#[test]
fn an_overlay_that_breaks_the_document_names_the_pointer() {
    let actions =
        "  - target: $.paths['/v1/a'].get\n    update: {parameters: [{name: x, in: query, required: maybe}]}\n";
    let e = overlay_error_of(SMALL, &format!("{OVERLAY_HEAD}{actions}"));
    assert_eq!(e.file(), "specs/broken.yaml + specs/overlays/broken.yaml");
    assert!(e.pointer().is_some_and(|p| p.starts_with("/paths/~1v1~1a/get/parameters/0")), "{e}");
}

#[test]
fn body_optional_is_a_flag_on_a_success_with_a_body() {
    let response = |status: &str, rest: &str| {
        spec(&format!(
            "paths:\n  /a:\n    post:\n      operationId: a\n      responses:\n        '{status}':\n          description: r\n{rest}"
        ))
    };
    let body = "          content: {application/json: {schema: {type: object}}}\n";
    let e = error_of(&response("201", &format!("          x-body-optional: 'yes'\n{body}")));
    assert_eq!(e.pointer(), Some("/paths/~1a/post/responses/201/x-body-optional"), "{e}");
    assert!(e.message().contains("`x-body-optional` must be `true` or `false`"), "{e}");
    let e = error_of(&response("201", "          x-body-optional: true\n"));
    assert_eq!(e.pointer(), Some("/paths/~1a/post/responses/201/x-body-optional"), "{e}");
    assert!(e.message().contains("only applies to a response that documents a body"), "{e}");
    let e = error_of(&response("409", &format!("          x-body-optional: true\n{body}")));
    assert_eq!(e.pointer(), Some("/paths/~1a/post/responses/409/x-body-optional"), "{e}");
    assert!(e.message().contains("only applies to a success response"), "{e}");
}

/// Operations share each area's API struct with the hand-written helpers: an operation named
/// like one (`from` in mysqldb) is refused, naming it, and `x-rust-name` (checked to be a
/// snake_case name) renames it.
#[test]
fn an_operation_may_not_take_a_helper_name() {
    let op = |extension: &str| {
        spec(&format!(
            "paths:\n  /a:\n    get:\n      operationId: from\n{extension}      responses: {{'200': {{description: ok}}}}\n"
        ))
    };
    let text = op("");
    let e = codegen::generate(Spec::from_file("specs/mysqldb.yaml", &text)).unwrap_err();
    assert_eq!(e.pointer(), Some("/paths/~1a/get"), "{e}");
    assert!(e.message().contains("operation `from` would be the method `from`"), "{e}");
    assert!(codegen::ir_of(Spec::from_file("specs/mysqldb.yaml", &text)).is_ok(), "the IR alone is not code");
    let renamed = op("      x-rust-name: from_anywhere\n");
    let api = codegen::generate(Spec::from_file("specs/mysqldb.yaml", &renamed)).unwrap().api;
    assert_eq!(api.operations[0].method_name, "from_anywhere");
    let bad = op("      x-rust-name: FromAnywhere\n");
    let e = codegen::generate(Spec::from_file("specs/mysqldb.yaml", &bad)).unwrap_err();
    assert_eq!(e.pointer(), Some("/paths/~1a/get/x-rust-name"), "{e}");
    assert!(e.message().contains("is not a snake_case Rust name"), "{e}");
    // Found by the fuzz test: an empty name passed the spelling check and made no identifier.
    for empty in ["''", "'_'"] {
        let text = op(&format!("      x-rust-name: {empty}\n"));
        let e = codegen::generate(Spec::from_file("specs/mysqldb.yaml", &text)).unwrap_err();
        assert_eq!(e.pointer(), Some("/paths/~1a/get/x-rust-name"), "{e}");
    }
}

/// A component schema whose type name the module uses for something else (`Error`, `Token`, ...)
/// is refused, naming it; `x-rust-name` names it (an UpperCamelCase name no other type has). A
/// leading API version is dropped from a name unless that would make it such a name.
#[test]
fn a_schema_may_not_take_a_reserved_type_name() {
    let schemas = |body: &str| spec(&format!("paths: {{}}\ncomponents:\n  schemas:\n{body}"));
    let e = codegen::generate(Spec::from_file("specs/auth.yaml", &schemas("    Token: {type: object}\n"))).unwrap_err();
    assert_eq!(e.pointer(), Some("/components/schemas/Token"), "{e}");
    assert!(e.message().contains("would be the type `Token`"), "{e}");
    let names = |body: &str| {
        let api = codegen::generate(Spec::from_file("specs/auth.yaml", &schemas(body))).unwrap().api;
        api.types.iter().map(|t| t.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names("    Token: {type: object, x-rust-name: AccessToken}\n"), ["AccessToken"]);
    assert_eq!(names("    v1Error: {type: object}\n    v1Item: {type: object}\n"), ["V1Error", "Item"]);
    for (value, message) in [
        ("access_token", "is not an UpperCamelCase Rust name"),
        ("7", "must be a string"),
        ("'7'", "is not an UpperCamelCase Rust name"),
        ("Other", "is already the name of another type"),
    ] {
        let text =
            schemas(&format!("    Other: {{type: object}}\n    Token: {{type: object, x-rust-name: {value}}}\n"));
        let e = codegen::generate(Spec::from_file("specs/auth.yaml", &text)).unwrap_err();
        assert_eq!(e.pointer(), Some("/components/schemas/Token/x-rust-name"), "{value}: {e}");
        assert!(e.message().contains(message), "{value}: {e}");
    }
}

#[test]
fn an_example_that_does_not_fit_names_where_it_was_read() {
    let op = |parameters: &str, body: &str| {
        spec(&format!(
            "paths:\n  /a:\n    post:\n      operationId: a\n      parameters: {parameters}\n{body}      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    Color: {{type: string, enum: [red, green]}}\n    Item: {{type: object, properties: {{n: {{type: integer}}}}}}\n  examples:\n    List: {{value: [1]}}\n"
        ))
    };
    let cases = [
        (
            op("[{name: n, in: query, schema: {type: integer, format: int32}, example: '7'}]", ""),
            "/paths/~1a/post/parameters/0/example",
            "example `\"7\"` does not fit the parameter: expected an integer that fits i32",
        ),
        (
            op("[{name: n, in: query, schema: {type: integer, format: int32}, example: 3000000000}]", ""),
            "/paths/~1a/post/parameters/0/example",
            "example `3000000000` does not fit the parameter: expected an integer that fits i32",
        ),
        (
            op(
                "[{name: c, in: query, schema: {$ref: '#/components/schemas/Color'}, examples: {x: {value: blue}}}]",
                "",
            ),
            "/paths/~1a/post/parameters/0/examples/x/value",
            "example `\"blue\"` does not fit the parameter: expected one of \"red\", \"green\"",
        ),
        (
            op("[{name: f, in: query, schema: {type: string, enum: ['true']}, example: 'false'}]", ""),
            "/paths/~1a/post/parameters/0/example",
            "example `\"false\"` does not fit the parameter: expected the value \"true\" (the parameter is a flag)",
        ),
        (
            op("[{name: t, in: query, schema: {type: array, items: {type: string}, example: 5}}]", ""),
            "/paths/~1a/post/parameters/0/schema/example",
            "example `5` does not fit the parameter: expected an array of a string",
        ),
        (
            op(
                "[]",
                "      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Item'}\n            examples: {l: {$ref: '#/components/examples/List'}}\n",
            ),
            "/components/examples/List/value",
            "example does not fit the request body: expected a JSON object",
        ),
        (
            op(
                "[]",
                "      requestBody:\n        content:\n          text/plain:\n            schema: {type: string}\n            example: {a: 1}\n",
            ),
            "/paths/~1a/post/requestBody/content/text~1plain/example",
            "example does not fit the request body: expected text",
        ),
        (
            op(
                "[]",
                "      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Item'}\n            examples: {l: {$ref: '#/components/examples/Nope'}}\n",
            ),
            "/paths/~1a/post/requestBody/content/application~1json/examples/l/$ref",
            "missing $ref target `#/components/examples/Nope`",
        ),
        (
            spec(
                "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {type: string}}\n              example: {a: 1}\n",
            ),
            "/paths/~1a/get/responses/200/content/application~1json/example",
            "example does not fit the response body: expected a JSON array",
        ),
    ];
    for (yaml, pointer, message) in cases {
        let e = error_of(&yaml);
        assert_eq!(e.pointer(), Some(pointer), "{e}");
        assert!(e.message().starts_with(message), "{e}");
    }
}

// A spec is untrusted input: what the loader refuses before openapiv3 reads the document, each
// at its pointer (non-finite numbers, keys the object model does not define, path keys that
// would leave the server's URL, media-type keys a header cannot carry, alias bombs).

/// The located error of `yaml` read with one overlay (`specs/overlays/broken.yaml`) or none.
fn load_error(yaml: &str, overlay: Option<&str>) -> codegen::Error {
    let overlays: Vec<codegen::Overlay<'_>> =
        overlay.iter().map(|text| codegen::Overlay { file: "specs/overlays/broken.yaml", text }).collect();
    match codegen::load::load_overlaid("specs/broken.yaml", yaml, &overlays) {
        Ok(_) => panic!("expected an error for:\n{yaml}\n{}", overlay.unwrap_or_default()),
        Err(e) => e,
    }
}

/// Checks that each case fails at `pointer` with a message holding `message`.
fn assert_located(cases: &[(String, &str, &str)]) {
    for (yaml, pointer, message) in cases {
        let e = load_error(yaml, None);
        assert_eq!(e.pointer(), Some(*pointer), "{e}\n{yaml}");
        assert!(e.message().contains(message), "expected {message:?} in: {e}");
        assert!(e.to_string().starts_with(&format!("specs/broken.yaml#{pointer}: ")), "{e}");
    }
}

/// An operation `GET /a` with `rest` (indented under it), as a spec.
fn op(rest: &str) -> String {
    spec(&format!(
        "paths:\n  /a:\n    get:\n      operationId: a\n{rest}      responses: {{'200': {{description: ok}}}}\n"
    ))
}

/// Found by hand: `minimum: .inf` made openapiv3 panic ("somehow this parsed successfully the
/// second time") with no location.
#[test]
fn a_number_that_is_not_finite_is_refused_where_it_stands() {
    let cases = [
        (
            op("      parameters: [{name: n, in: query, schema: {type: number, minimum: .inf}}]\n"),
            "/paths/~1a/get/parameters/0/schema/minimum",
            "`.inf` is not a finite number",
        ),
        (
            spec("paths: {}\ncomponents:\n  schemas:\n    A: {type: number, maximum: -.inf}\n"),
            "/components/schemas/A/maximum",
            "`-.inf` is not a finite number",
        ),
        (
            spec("paths: {}\ncomponents:\n  schemas:\n    A: {type: number, enum: [1, .NaN]}\n"),
            "/components/schemas/A/enum/1",
            "`.nan` is not a finite number",
        ),
        (spec("paths: {}\nx-anything: {deep: [{n: .Inf}]}\n"), "/x-anything/deep/0/n", "`.inf` is not a finite number"),
        (spec("paths: {}\nx-anything: {.nan: key}\n"), "/x-anything/.nan", "`.nan` is not a finite number"),
    ];
    assert_located(&cases.map(|(yaml, pointer, message)| (yaml, pointer, message)));
    let e = load_error(
        SMALL,
        Some(&format!(
            "{OVERLAY_HEAD}  - target: $.paths['/v1/a'].get\n    update: {{parameters: [{{name: n, in: query, schema: {{type: number, maximum: .nan}}}}]}}\n"
        )),
    );
    assert_eq!(e.file(), "specs/broken.yaml + specs/overlays/broken.yaml");
    assert_eq!(e.pointer(), Some("/paths/~1v1~1a/get/parameters/0/schema/maximum"), "{e}");
    assert_eq!(e.message(), "`.nan` is not a finite number");
    // Through the whole generator too: an error, not a panic.
    let e = error_of(&op("      parameters: [{name: n, in: query, schema: {type: number, minimum: .inf}}]\n"));
    assert_eq!(e.pointer(), Some("/paths/~1a/get/parameters/0/schema/minimum"), "{e}");
}

/// Found by hand: each of these keys was ignored, and the operation generated without it.
#[test]
fn a_misspelled_key_is_refused_naming_the_key_and_the_object() {
    let post = |rest: &str| {
        spec(&format!(
            "paths:\n  /a:\n    post:\n      operationId: a\n{rest}      responses: {{'200': {{description: ok}}}}\n"
        ))
    };
    let component = |kind: &str, body: &str| spec(&format!("paths: {{}}\ncomponents:\n  {kind}:\n    X: {body}\n"));
    let cases = [
        (
            spec("paths:\n  /a:\n    GET: {operationId: a, responses: {'200': {description: ok}}}\n"),
            "/paths/~1a/GET",
            "unknown field `GET` in a Path Item Object (did you mean `get`?) (expected one of: $ref, summary, description, get, put, post, delete, options, head, patch, trace, servers, parameters; extensions start with `x-`)",
        ),
        (
            op("      parameter: [{name: n, in: query, schema: {type: string}}]\n"),
            "/paths/~1a/get/parameter",
            "unknown field `parameter` in an Operation Object (did you mean `parameters`?)",
        ),
        (
            post("      requestbody: {content: {application/json: {schema: {type: object}}}}\n"),
            "/paths/~1a/post/requestbody",
            "unknown field `requestbody` in an Operation Object (did you mean `requestBody`?)",
        ),
        (
            component("schemas", "{type: object, propertise: {a: {type: string}}}"),
            "/components/schemas/X/propertise",
            "unknown field `propertise` in a Schema Object (did you mean `properties`?)",
        ),
        (spec("path: {}\n"), "/path", "unknown field `path` in an OpenAPI Object (did you mean `paths`?)"),
        (
            "openapi: 3.0.3\ninfo: {title: T, version: '1', titel: U}\npaths: {}\n".to_owned(),
            "/info/titel",
            "unknown field `titel` in an Info Object",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: T, version: '1', contact: {mail: a@b.c}}\npaths: {}\n".to_owned(),
            "/info/contact/mail",
            "unknown field `mail` in a Contact Object",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: T, version: '1', license: {name: MIT, link: x}}\npaths: {}\n".to_owned(),
            "/info/license/link",
            "unknown field `link` in a License Object",
        ),
        (
            spec("paths: {}\nservers: [{uri: 'https://a'}]\n"),
            "/servers/0/uri",
            "unknown field `uri` in a Server Object",
        ),
        (
            spec("paths: {}\nservers: [{url: 'https://{env}.a', variables: {env: {defualt: x}}}]\n"),
            "/servers/0/variables/env/defualt",
            "unknown field `defualt` in a Server Variable Object (did you mean `default`?)",
        ),
        (
            spec("paths: {}\ncomponents: {schema: {}}\n"),
            "/components/schema",
            "unknown field `schema` in a Components Object",
        ),
        (
            spec("paths: {}\nexternalDocs: {href: 'https://a'}\n"),
            "/externalDocs/href",
            "unknown field `href` in an External Documentation Object",
        ),
        (
            op("      parameters: [{name: n, in: query, require: true, schema: {type: string}}]\n"),
            "/paths/~1a/get/parameters/0/require",
            "unknown field `require` in a Parameter Object (did you mean `required`?)",
        ),
        (
            post("      requestBody: {contents: {application/json: {}}}\n"),
            "/paths/~1a/post/requestBody/contents",
            "unknown field `contents` in a Request Body Object",
        ),
        (
            post("      requestBody: {content: {application/json: {schemas: {type: object}}}}\n"),
            "/paths/~1a/post/requestBody/content/application~1json/schemas",
            "unknown field `schemas` in a Media Type Object",
        ),
        (
            post(
                "      requestBody: {content: {multipart/form-data: {schema: {type: object}, encoding: {f: {content-type: image/png}}}}}\n",
            ),
            "/paths/~1a/post/requestBody/content/multipart~1form-data/encoding/f/content-type",
            "unknown field `content-type` in an Encoding Object",
        ),
        (
            spec("paths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {descripton: ok}}\n"),
            "/paths/~1a/get/responses/200/descripton",
            "unknown field `descripton` in a Response Object (did you mean `description`?)",
        ),
        (
            spec("paths:\n  /a:\n    get:\n      operationId: a\n      responses: {'20O': {description: ok}}\n"),
            "/paths/~1a/get/responses/20O",
            "unknown key `20O` in a Responses Object (expected `default`, a status code from 100 to 599, a range `1XX` to `5XX`; extensions start with `x-`)",
        ),
        (component("examples", "{val: 1}"), "/components/examples/X/val", "unknown field `val` in an Example Object"),
        (
            component("links", "{operationID: a}"),
            "/components/links/X/operationID",
            "unknown field `operationID` in a Link Object (did you mean `operationId`?)",
        ),
        (
            component("headers", "{schema: {type: string}, require: true}"),
            "/components/headers/X/require",
            "in a Header Object",
        ),
        (
            spec("paths: {}\ntags: [{name: t, externalDoc: {url: 'https://a'}}]\n"),
            "/tags/0/externalDoc",
            "unknown field `externalDoc` in a Tag Object (did you mean `externalDocs`?)",
        ),
        (
            spec(
                "paths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {$ref: '#/components/schemas/B', nullable: true}}}\n    B: {type: string}\n",
            ),
            "/components/schemas/A/properties/b/nullable",
            "unknown field `nullable` beside `$ref` (a Reference Object holds only `$ref`; OpenAPI 3.0 ignores anything beside it)",
        ),
        (
            component("schemas", "{type: array, items: {type: string, maxlength: 3}}"),
            "/components/schemas/X/items/maxlength",
            "unknown field `maxlength` in a Schema Object (did you mean `maxLength`?)",
        ),
        (
            component("schemas", "{type: object, additionalProperties: {type: string, formt: uuid}}"),
            "/components/schemas/X/additionalProperties/formt",
            "in a Schema Object (did you mean `format`?)",
        ),
        (
            component("schemas", "{oneOf: [{type: string}, {type: integer, minimun: 1}]}"),
            "/components/schemas/X/oneOf/1/minimun",
            "in a Schema Object (did you mean `minimum`?)",
        ),
        (
            component("schemas", "{type: object, discriminator: {property: kind}}"),
            "/components/schemas/X/discriminator/property",
            "unknown field `property` in a Discriminator Object",
        ),
        (
            component("schemas", "{type: array, xml: {wraped: true}}"),
            "/components/schemas/X/xml/wraped",
            "unknown field `wraped` in an XML Object (did you mean `wrapped`?)",
        ),
        (
            component("securitySchemes", "{type: http, schema: bearer}"),
            "/components/securitySchemes/X/schema",
            "unknown field `schema` in a Security Scheme Object (did you mean `scheme`?)",
        ),
        (
            component(
                "securitySchemes",
                "{type: oauth2, flows: {client_credentials: {tokenUrl: 'https://a', scopes: {}}}}",
            ),
            "/components/securitySchemes/X/flows/client_credentials",
            "unknown field `client_credentials` in an OAuth Flows Object",
        ),
        (
            component("securitySchemes", "{type: oauth2, flows: {password: {token_url: 'https://a', scopes: {}}}}"),
            "/components/securitySchemes/X/flows/password/token_url",
            "unknown field `token_url` in an OAuth Flow Object",
        ),
        (
            post(
                "      callbacks: {done: {'{$request.body#/url}': {POST: {responses: {'200': {description: ok}}}}}}\n",
            ),
            "/paths/~1a/post/callbacks/done/{$request.body#~1url}/POST",
            "unknown field `POST` in a Path Item Object (did you mean `post`?)",
        ),
        (
            spec(
                "paths: {}\ncomponents:\n  callbacks:\n    C: {'{$url}': {get: {responses: {'200': {descriptio: ok}}}}}\n",
            ),
            "/components/callbacks/C/{$url}/get/responses/200/descriptio",
            "in a Response Object",
        ),
    ];
    assert_located(&cases.map(|(yaml, pointer, message)| (yaml, pointer, message)));
    // An overlay is read by the same rules.
    let e = load_error(
        SMALL,
        Some(&format!("{OVERLAY_HEAD}  - target: $.paths['/v1/a'].get\n    update: {{sumary: Reads a}}\n")),
    );
    assert_eq!(e.file(), "specs/broken.yaml + specs/overlays/broken.yaml");
    assert_eq!(e.pointer(), Some("/paths/~1v1~1a/get/sumary"), "{e}");
    assert!(e.message().starts_with("unknown field `sumary` in an Operation Object (did you mean `summary`?)"), "{e}");
    // ... and an overlay can take out what upstream misspelled.
    let upstream = SMALL.replace("operationId: a\n", "operationId: a\n      parameter: [{name: n, in: query}]\n");
    let fix = format!("{OVERLAY_HEAD}  - target: $.paths['/v1/a'].get.parameter\n    remove: true\n");
    assert!(load_error_free(&upstream, &fix), "the overlay removes the misspelled key");
}

/// Whether `yaml` with `overlay` loads (panics with the error otherwise).
fn load_error_free(yaml: &str, overlay: &str) -> bool {
    let overlays = [codegen::Overlay { file: "specs/overlays/broken.yaml", text: overlay }];
    codegen::load::load_overlaid("specs/broken.yaml", yaml, &overlays).map_err(|e| panic!("{e}")).is_ok()
}

/// Extensions stand anywhere an object may be extended, and every object of OpenAPI 3.0.3 with
/// every one of its fields loads.
#[test]
fn every_defined_field_and_extension_loads() {
    let text = "openapi: 3.0.3
x-root: 1
info:
  title: T
  description: d
  termsOfService: 'https://a/terms'
  contact: {name: n, url: 'https://a', email: a@b.c, x-c: 1}
  license: {name: MIT, url: 'https://a', x-l: 1}
  version: '1'
  x-i: 1
servers:
  - url: 'https://{env}.a'
    description: d
    variables: {env: {enum: [a, b], default: a, description: d, x-v: 1}}
    x-s: 1
externalDocs: {description: d, url: 'https://a', x-e: 1}
tags: [{name: t, description: d, externalDocs: {url: 'https://a'}, x-t: 1}]
security: [{bearer: []}, {}]
paths:
  x-paths: 1
  /a/{id}:
    summary: s
    description: d
    servers: [{url: 'https://a'}]
    parameters: [{$ref: '#/components/parameters/Id'}]
    x-item: 1
    get:
      tags: [t]
      summary: s
      description: d
      externalDocs: {url: 'https://a'}
      operationId: a
      parameters:
        - name: q
          in: query
          description: d
          required: false
          deprecated: false
          allowEmptyValue: false
          style: form
          explode: true
          allowReserved: false
          schema: {type: string}
          example: x
          x-p: 1
        - name: h
          in: header
          content: {application/json: {schema: {type: object}}}
          examples: {e: {$ref: '#/components/examples/E'}}
      responses:
        x-responses: 1
        default: {$ref: '#/components/responses/R'}
        '200':
          description: ok
          headers: {X-H: {$ref: '#/components/headers/H'}}
          content:
            'application/json; charset=utf-8':
              schema: {$ref: '#/components/schemas/S'}
              example: {a: 1}
              x-m: 1
          links: {l: {$ref: '#/components/links/L'}}
          x-r: 1
        2XX: {description: ok}
        404: {description: none}
      callbacks: {c: {'{$request.query.url}': {post: {responses: {'200': {description: ok}}}}}}
      deprecated: false
      security: [{bearer: []}]
      servers: [{url: 'https://a'}]
      x-op: 1
    post:
      operationId: b
      requestBody:
        description: d
        required: true
        content:
          multipart/form-data:
            schema: {type: object, properties: {f: {type: string, format: binary}}}
            encoding:
              f: {contentType: image/png, headers: {X-E: {schema: {type: string}}}, style: form, explode: true, allowReserved: false, x-enc: 1}
          '*/*': {}
          'text/*': {}
        x-rb: 1
      responses: {'204': {description: ok}}
components:
  x-components: 1
  schemas:
    S:
      title: t
      description: d
      type: object
      required: [a]
      properties:
        a: {type: integer, format: int32, multipleOf: 2, maximum: 10, exclusiveMaximum: true, minimum: 0, exclusiveMinimum: false, nullable: true, readOnly: true, deprecated: false}
        s: {type: string, maxLength: 3, minLength: 1, pattern: '^a', enum: [a, ab], default: a, writeOnly: false, example: a}
        l: {type: array, items: {type: string}, maxItems: 3, minItems: 0, uniqueItems: true, xml: {name: n, namespace: 'https://a', prefix: p, attribute: false, wrapped: true, x-x: 1}}
        m: {type: object, additionalProperties: {type: string}, maxProperties: 3, minProperties: 0}
        f: {type: object, additionalProperties: true}
        u: {oneOf: [{$ref: '#/components/schemas/K'}], discriminator: {propertyName: kind, mapping: {k: '#/components/schemas/K'}, x-d: 1}}
        v: {anyOf: [{type: string}], allOf: [{type: string}], not: {type: integer}}
      externalDocs: {url: 'https://a'}
      x-rust-name: Thing
    K: {type: object, properties: {kind: {type: string}}}
  responses:
    R: {description: d}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
  examples:
    E: {summary: s, description: d, value: {a: 1}, x-ex: 1}
    F: {externalValue: 'https://a/e.json'}
  requestBodies:
    B: {content: {text/plain: {}}}
  headers:
    H: {description: d, required: false, deprecated: false, allowEmptyValue: false, style: simple, explode: false, allowReserved: false, schema: {type: string}, example: x, x-h: 1}
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT, description: d, x-sec: 1}
    key: {type: apiKey, name: k, in: header}
    oidc: {type: openIdConnect, openIdConnectUrl: 'https://a/.well-known'}
    oauth:
      type: oauth2
      flows:
        implicit: {authorizationUrl: 'https://a', scopes: {read: r}, x-f: 1}
        password: {tokenUrl: 'https://a', refreshUrl: 'https://a', scopes: {}}
        clientCredentials: {tokenUrl: 'https://a', scopes: {}}
        authorizationCode: {authorizationUrl: 'https://a', tokenUrl: 'https://a', scopes: {}}
        x-flows: 1
  links:
    L: {operationId: a, parameters: {id: '$response.body#/id'}, requestBody: {any: [thing]}, description: d, server: {url: 'https://a'}, x-link: 1}
    M: {operationRef: '#/paths/~1a~1{id}/get'}
  callbacks:
    C:
      '{$request.query.url}':
        post: {responses: {'200': {description: ok}}}
";
    if let Err(e) = codegen::load::load("specs/every.yaml", text) {
        panic!("{e}");
    }
}

/// Found by hand: an overlay adding `https://evil.example/steal` under `paths` vanished, `//host`
/// kept its place (a URL joined naively sends it to another host), `?` and `#` were sent encoded.
#[test]
fn a_path_begins_with_one_slash_and_holds_no_query_fragment_or_space() {
    let path = |key: &str| {
        spec(&format!(
            "paths:\n  {key}:\n    get:\n      operationId: a\n      responses: {{'200': {{description: ok}}}}\n"
        ))
    };
    let cases = [
        (path("a/b"), "/paths/a~1b", "path `a/b` does not begin with `/`"),
        (
            path("//evil.example/steal"),
            "/paths/~1~1evil.example~1steal",
            "path `//evil.example/steal` begins with `//`",
        ),
        (path("'/\\evil.example/x'"), "/paths/~1\\evil.example~1x", "holds `\\`"),
        (path("/a?b=1"), "/paths/~1a?b=1", "path `/a?b=1` holds `?`"),
        (path("/a#top"), "/paths/~1a#top", "path `/a#top` holds `#`"),
        (path("/a b"), "/paths/~1a b", "holds whitespace or a control character"),
        (path("\"/a\\tb\""), "/paths/~1a\tb", "path `/a\\tb` holds whitespace or a control character"),
        (path("\"/a\\u0001\""), "/paths/~1a\u{1}", "path `/a\\u{1}` holds whitespace or a control character"),
        (path("/a/{id"), "/paths/~1a~1{id", "path `/a/{id` has a `{` that is not closed"),
        (path("/a/id}"), "/paths/~1a~1id}", "path `/a/id}` has a `}` that closes nothing"),
        (path("/a/{{id}}"), "/paths/~1a~1{{id}}", "path `/a/{{id}}` has a `{` inside a template"),
        (path("/a/{}"), "/paths/~1a~1{}", "path `/a/{}` has an empty template `{}`"),
        (spec("paths:\n  1: {}\n"), "/paths/1", "path `1` does not begin with `/`"),
    ];
    assert_located(&cases.map(|(yaml, pointer, message)| (yaml, pointer, message)));
    let e = load_error(
        SMALL,
        Some(&format!(
            "{OVERLAY_HEAD}  - target: $.paths\n    update:\n      https://evil.example/steal:\n        get: {{operationId: steal, responses: {{'200': {{description: ok}}}}}}\n"
        )),
    );
    assert_eq!(e.file(), "specs/broken.yaml + specs/overlays/broken.yaml");
    assert_eq!(e.pointer(), Some("/paths/https:~1~1evil.example~1steal"), "{e}");
    assert!(e.message().starts_with("path `https://evil.example/steal` does not begin with `/`"), "{e}");
    // Extensions are not paths.
    assert!(codegen::load::load("specs/ok.yaml", &spec("paths: {x-note: 1, '/a/{b}/{c}.json': {}}\n")).is_ok());
}

/// Found by hand: `application/json；charset=utf-8` (a full-width semicolon) or a key holding
/// CR LF made the generated client panic at `send()` building its Content-Type header.
#[test]
fn a_content_key_is_a_media_type_or_range() {
    let body = |key: &str| {
        spec(&format!(
            "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {{content: {{{key}: {{}}}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        ))
    };
    let at = "/paths/~1a/post/requestBody/content/";
    let cases = [
        (
            body("application/json；charset=utf-8"),
            format!("{at}application~1json；charset=utf-8"),
            "`application/json\\u{ff1b}charset=utf-8` is not a media type: it holds `\\u{ff1b}`, which a header cannot",
        ),
        (
            body("\"application/json\\r\\nX-Evil: 1\""),
            format!("{at}application~1json\r\nX-Evil: 1"),
            "`application/json\\r\\nX-Evil: 1` is not a media type: it holds `\\r`, which a header cannot",
        ),
        (body("json"), format!("{at}json"), "`json` is not a media type: expected `type/subtype`"),
        (
            body("application/"),
            format!("{at}application~1"),
            "`application/` is not a media type: expected `type/subtype`",
        ),
        (body("'*/json'"), format!("{at}*~1json"), "`*/json` is not a media type: a range is `*/*` or `type/*`"),
        (
            body("'application/json; charset'"),
            format!("{at}application~1json; charset"),
            "parameter `charset` has no `=value`",
        ),
        (
            body("'text/plain; charset=\"utf-8'"),
            format!("{at}text~1plain; charset=\"utf-8"),
            "unterminated quoted string",
        ),
        (
            body("'text/(plain)'"),
            format!("{at}text~1(plain)"),
            "`text/(plain)` is not a media type: expected `type/subtype`",
        ),
    ];
    assert_located(
        &cases.iter().map(|(yaml, pointer, message)| (yaml.clone(), pointer.as_str(), *message)).collect::<Vec<_>>(),
    );
    // Every `content`: responses, parameters, headers, components.
    let elsewhere = [
        (
            spec(
                "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok, content: {'text/plain\u{3000}': {}}}}\n",
            ),
            "/paths/~1a/get/responses/200/content/text~1plain\u{3000}",
        ),
        (
            op("      parameters: [{name: q, in: query, content: {'application json': {}}}]\n"),
            "/paths/~1a/get/parameters/0/content/application json",
        ),
        (
            spec(
                "paths: {}\ncomponents:\n  headers:\n    H: {content: {'text/plain;': {}, 'a/b;c=d;': {}, \"x/y\\x7f\": {}}}\n",
            ),
            "/components/headers/H/content/x~1y\u{7f}",
        ),
        (
            spec("paths: {}\ncomponents:\n  requestBodies:\n    B: {content: {7: {}}}\n"),
            "/components/requestBodies/B/content/7",
        ),
    ];
    for (yaml, pointer) in elsewhere {
        let e = load_error(&yaml, None);
        assert_eq!(e.pointer(), Some(pointer), "{e}");
        assert!(e.message().contains("is not a media type"), "{e}");
    }
    for fine in [
        "application/json",
        "'*/*'",
        "'text/*'",
        "'application/json;charset=utf-8'",
        "'application/json ; charset=\"utf-8\"'",
        "'text/plain; charset=\"a \\\" b\"; q=0.5'",
        "application/vnd.pgrst.object+json",
    ] {
        if let Err(e) = codegen::load::load("specs/ok.yaml", &body(fine)) {
            panic!("{fine}: {e}");
        }
    }
}

/// Found by hand: 6 KB of YAML aliases (`*name`) repeating a list of two thousand strings took
/// a gigabyte and six seconds to read, and generated (the aliases under an extension). This one
/// would expand to a million values.
#[test]
fn an_alias_bomb_is_refused_before_it_expands() {
    let bomb = |under: &str| {
        format!(
            "{under}a0: &a0 [{}]\n{under}a1: &a1 [{}]\n{under}z: [{}]\n",
            vec!["x"; 1000].join(","),
            ["*a0"; 10].join(","),
            vec!["*a1"; 100].join(",")
        )
    };
    let started = std::time::Instant::now();
    let e = load_error(&spec(&format!("paths: {{}}\nx-bomb:\n{}", bomb("  "))), None);
    assert!(e.message().contains("YAML aliases"), "{e}");
    assert!(e.message().contains("100000"), "{e}");
    assert!(e.pointer().is_some_and(|p| p.starts_with("/x-bomb/z/")), "{e}");
    assert!(matches!(e.location(), Some(Location::Line { .. })), "{e:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    // In an overlay, too.
    let overlay = format!("{OVERLAY_HEAD}  - target: $.paths\n    update:\n      x-bomb:\n{}", bomb("        "));
    let e = load_error(SMALL, Some(&overlay));
    assert_eq!(e.file(), "specs/overlays/broken.yaml");
    assert!(e.message().contains("YAML aliases"), "{e}");
    // A few aliases are fine.
    let reused = spec(
        "paths: {}\ncomponents:\n  schemas:\n    A: &a {type: object, properties: {n: {type: string}}}\n    B: *a\n",
    );
    assert!(codegen::load::load("specs/ok.yaml", &reused).is_ok());
}

/// Each action of an overlay copies its update to every node its target selects, and the next
/// action may select the copies: each of these doubles the document, which grew 2^17 times
/// before the nesting limit, checked once the overlays are applied, refused it (twenty took
/// 18 seconds and 1.4 GB). The overlaid document is bounded like one read from text.
#[test]
fn an_overlay_cannot_grow_the_document_past_its_size_limit() {
    let spec = spec("paths: {}\nx-grow: {items: [x]}\n");
    let actions = "  - {target: '$..items', update: {items: [x]}}\n".repeat(17);
    let e = load_error(&spec, Some(&format!("{OVERLAY_HEAD}{actions}")));
    assert_eq!(e.file(), "specs/overlays/broken.yaml");
    assert_eq!(e.location(), Some(&Location::Action { index: 13 }), "{e}");
    assert!(e.message().starts_with("the update (size 10) at each of the 8192 nodes target $..items selects would grow the document past its size limit of 100000"), "{e}");
    // The vendored overlays add far less: each spec with its overlay loads (real_specs.rs).
}
