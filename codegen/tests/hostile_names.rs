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

/// The IR of a corpus case, generated as the hostile harness generates it (area `hostile`).
fn generated(name: &str) -> codegen::Generated {
    let text = corpus(name);
    let file = format!("hostile/{name}");
    codegen::generate(Spec { file: &file, area: "hostile", text: &text, overlays: &[] }).unwrap()
}

fn error(name: &str) -> codegen::Error {
    let text = corpus(name);
    let file = format!("hostile/{name}");
    codegen::generate(Spec { file: &file, area: "hostile", text: &text, overlays: &[] }).unwrap_err()
}

/// A builder, an inline type or a headers type named like a name of the prelude (`Into`,
/// `Default`, `From`, `Result`) would hide it from the code beside it, and an operation method
/// named like a by-value method of the prelude's traits (`into`) would be hidden by it: each is
/// suffixed, as `names::Scope` suffixes any taken name.
#[test]
fn builders_and_inline_types_do_not_take_prelude_names() {
    let api = generated("shadow--operation-into.yaml").api;
    let builders: Vec<&str> = api.operations.iter().map(|op| op.builder.as_str()).collect();
    assert_eq!(builders, ["Into2", "Default2"]);
    // `client.hostile().into()` would call `Into::into` (by value) before a `&self` method.
    let methods: Vec<&str> = api.operations.iter().map(|op| op.method_name.as_str()).collect();
    assert_eq!(methods, ["into_2", "default"]);
    let api = generated("shadow--component-response-from.yaml").api;
    let types: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(types, ["Choice", "From2", "Result2"]);
}

/// A component schema whose key is a prelude name is refused, as one named `Error` is; its
/// `x-rust-name` may not be one either.
#[test]
fn a_schema_named_like_the_prelude_is_refused() {
    let e = error("shadow--schema-from.yaml");
    assert_eq!(e.pointer(), Some("/components/schemas/From"));
    assert!(e.message().contains("would be the type `From`, a name the generated module uses"), "{e}");
    let renamed = generated("shadow--schema-from-renamed.yaml").api;
    assert_eq!(renamed.types[0].name, "Sender");
    let e = error("rust-name--schema-name-reserved.yaml");
    assert_eq!(e.pointer(), Some("/components/schemas/Maybe/x-rust-name"));
    assert_eq!(e.message(), "`x-rust-name` `Option` is a name the generated module uses for something else");
}

/// A parameter's setter named like a method the builder has (`url` of a link, `timeout`,
/// `retry`, `clone`) would be a second method of that name: the setter is suffixed.
#[test]
fn setters_do_not_take_the_builders_own_method_names() {
    let api = generated("shadow--query-parameter-url.yaml").api;
    let op = &api.operations[0];
    assert!(op.link);
    let setters: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(setters, ["url_2", "timeout_2", "retry_2", "clone_2"]);
}

/// The mock's enum of a body's forms (`FooBody`) is claimed among the builders' names, which
/// the mock's typed requests share.
#[test]
fn the_mocks_forms_enum_is_named_among_the_builders() {
    let generated = generated("mock--forms-enum-named-like-a-builder.yaml");
    let ops = &generated.api.operations;
    assert_eq!(ops[0].body.as_ref().unwrap().forms_enum.as_deref(), Some("FooBody"));
    assert_eq!(ops[1].builder, "FooBody2");
    assert!(generated.mock.contains("pub enum FooBody {") && generated.mock.contains("pub struct FooBody2 {"));
}

/// An `x-rust-name` another operation or schema also has (by asking for it, or by the naming
/// rule, before or after it) is refused where it is asked for, naming the other claimant; it
/// became `get_thing_2` or `User2` silently.
#[test]
fn a_taken_rust_name_names_both_claimants() {
    for (case, at, message) in [
        (
            "rust-name--two-operations-ask-for-one-name.yaml",
            "/paths/~1b/get/x-rust-name",
            "`x-rust-name` `get_thing` would also be the method of operation `getA` (/paths/~1a/get): give one of \
             them another name",
        ),
        (
            "rust-name--taken-by-an-earlier-operation.yaml",
            "/paths/~1b/get/x-rust-name",
            "`x-rust-name` `get_thing` would also be the method of operation `getThing` (/paths/~1a/get), which \
             the naming rule gives it: give one of them another name",
        ),
        (
            "rust-name--taken-by-a-later-operation.yaml",
            "/paths/~1a/get/x-rust-name",
            "`x-rust-name` `get_thing` would also be the method of operation `getThing` (/paths/~1b/get), which \
             the naming rule gives it: give one of them another name",
        ),
        (
            "rust-name--schema-asked-twice.yaml",
            "/components/schemas/Person/x-rust-name",
            "`x-rust-name` `User` is already the name of another type: that of schema `Account` \
             (/components/schemas/Account)",
        ),
        (
            "rust-name--schema-name-taken-by-a-later-schema.yaml",
            "/components/schemas/Account/x-rust-name",
            "`x-rust-name` `User` is already the name of another type: that of schema `User` \
             (/components/schemas/User), by the naming rule",
        ),
    ] {
        let e = error(case);
        assert_eq!(e.pointer(), Some(at), "{case}: {e}");
        assert_eq!(e.message(), message, "{case}");
    }
}

/// Every spec the generator's output is known for: the vendored specs with their overlays, the
/// fixtures, and the corpus cases that generate.
fn known_outputs() -> Vec<(String, codegen::Generated)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for (dir, area) in [("../specs", None), ("tests/fixtures", None), ("tests/hostile", Some("hostile"))] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml") && !p.to_string_lossy().ends_with(".overlay.yaml"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let overlay = std::fs::read_to_string(path.parent().unwrap().join("overlays").join(&name)).ok();
            let overlays: Vec<codegen::Overlay<'_>> =
                overlay.as_deref().map(|text| codegen::Overlay { file: "overlay.yaml", text }).into_iter().collect();
            let file = format!("{dir}/{name}");
            let spec = Spec::from_file(&file, &text).with_overlays(&overlays);
            let spec = Spec { area: area.unwrap_or(spec.area), ..spec };
            if let Ok(generated) = codegen::generate(spec) {
                out.push((file, generated));
            }
        }
    }
    out
}

/// The tokens of `code` outside any `mod <name> { .. }` and those inside each, by module name.
fn modules(code: &str) -> Vec<(String, Vec<proc_macro2::TokenTree>)> {
    use proc_macro2::{Delimiter, TokenTree};
    fn split(stream: proc_macro2::TokenStream, name: &str, out: &mut Vec<(String, Vec<TokenTree>)>) {
        let index = out.len();
        out.push((name.to_owned(), Vec::new()));
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            if let (TokenTree::Ident(keyword), Some(TokenTree::Ident(module)), Some(TokenTree::Group(body))) =
                (&tokens[i], tokens.get(i + 1), tokens.get(i + 2))
                && keyword == "mod"
                && body.delimiter() == Delimiter::Brace
            {
                split(body.stream(), &module.to_string(), out);
                i += 3;
                continue;
            }
            out[index].1.push(tokens[i].clone());
            i += 1;
        }
    }
    let mut out = Vec::new();
    split(code.parse().unwrap(), "", &mut out);
    out
}

/// The UpperCamelCase identifiers among `tokens` (nested groups included) that are not after
/// `::` or `.`: names the module resolves itself, through its own items, imports or the
/// prelude; and apart, the generic parameters declared (`D:`), which name themselves where
/// they are declared.
fn unqualified(
    tokens: &[proc_macro2::TokenTree],
    out: &mut std::collections::BTreeSet<String>,
    generics: &mut std::collections::BTreeSet<String>,
) {
    use proc_macro2::{Spacing, TokenTree};
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => unqualified(&group.stream().into_iter().collect::<Vec<_>>(), out, generics),
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let qualified = i > 0
                    && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '.'
                        || (p.as_char() == ':' && i > 1 && matches!(&tokens[i - 2], TokenTree::Punct(q) if q.as_char() == ':' && q.spacing() == Spacing::Joint)));
                let generic = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Alone);
                // (`Item = T` binds an associated type, a name of the trait's.)
                let binding = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '=' && p.spacing() == Spacing::Alone);
                if !name.starts_with(|c: char| c.is_ascii_uppercase()) || name == "Self" || qualified || binding {
                    continue;
                }
                if generic {
                    generics.insert(name);
                } else {
                    out.insert(name);
                }
            }
            _ => {}
        }
    }
}

/// The generated code names, unqualified, only what the naming rule keeps every spec name
/// from: in an area's module its types and the prelude and its imports (`names::PRELUDE`,
/// `names::AREA_MODULE_NAMES`), in `builders` and the mock's `requests` the builders, the
/// prelude and the builders' imports (`ir::BUILDER_IMPORTS`). A new unqualified name in the
/// emitter fails here until the normalizer reserves it.
#[test]
fn generated_code_names_nothing_unqualified_a_spec_name_could_hide() {
    use codegen::ir::{Success, TypeKind};
    use codegen::names::{AREA_MODULE_NAMES, PRELUDE};
    let outputs = known_outputs();
    assert!(outputs.len() >= 40, "{} specs generated", outputs.len());
    for (file, generated) in &outputs {
        let api = &generated.api;
        let mut types: Vec<String> = vec![api.api_struct.clone()];
        for def in &api.types {
            types.push(def.name.clone());
            match &def.kind {
                TypeKind::Enum(e) => {
                    types.extend(e.variants.iter().map(|v| v.name.clone()));
                    types.push(e.other.clone());
                }
                TypeKind::Union(u) => types.extend(u.variants.iter().map(|v| v.name.clone())),
                _ => {}
            }
        }
        let mut builders: Vec<String> = Vec::new();
        for op in &api.operations {
            builders.push(op.builder.clone());
            if let Success::Enum { name, variants } = &op.success {
                types.push(name.clone());
                types.extend(variants.iter().map(|v| v.name.clone()));
            }
            if let Some(body) = &op.body {
                builders.extend(body.forms_enum.clone());
                builders.extend(body.forms.iter().map(|f| codegen::names::pascal(&f.setter, "Form")));
            }
        }
        let mock_struct = format!("{}Mock", codegen::names::pascal(&api.area, "Area"));
        let allowed = |module: &str, name: &str| -> bool {
            PRELUDE.contains(&name)
                || match module {
                    "" => AREA_MODULE_NAMES.contains(&name) || types.iter().any(|t| t == name),
                    "builders" | "requests" => {
                        codegen::ir::BUILDER_IMPORTS.contains(&name) || builders.iter().any(|b| b == name)
                    }
                    _ => false,
                }
        };
        for (which, code) in [("client", &generated.code), ("mock", &generated.mock)] {
            for (module, tokens) in modules(code) {
                let (mut names, mut generics) = Default::default();
                unqualified(&tokens, &mut names, &mut generics);
                let names: std::collections::BTreeSet<String> = names.difference(&generics).cloned().collect();
                // The mock's area module holds its own struct, named by the area, and no spec name.
                let module = if which == "mock" && module.is_empty() { "mock" } else { module.as_str() };
                let stray: Vec<&String> = names
                    .iter()
                    .filter(|n| {
                        !allowed(module, n) && !(module == "mock" && (**n == mock_struct || *n == "MockServer"))
                    })
                    .collect();
                assert!(stray.is_empty(), "{file}: the {which} module `{module}` names {stray:?} unqualified");
            }
        }
    }
}

/// A spec whose builders have every method the emitter writes: a link's `url`, `send_stream`,
/// `accept`, `content_type`, one body's `body` and several forms' setters, an own `error`.
const EVERY_BUILDER_METHOD: &str = r#"
security: []
paths:
  /link:
    get:
      operationId: link
      parameters: [{name: q, in: query, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {type: object, properties: {a: {type: string}}}}
            text/plain: {schema: {type: string}}
        '404':
          description: missing
          content:
            application/json: {schema: {type: object, properties: {code: {type: string}}}}
  /chat:
    post:
      operationId: chat
      requestBody:
        content:
          application/octet-stream: {schema: {type: string, format: binary}}
        x-any-content-type: true
      responses:
        '200':
          description: ok
          content:
            text/event-stream: {schema: {type: string}}
  /forms:
    post:
      operationId: forms
      parameters: [{name: id, in: query, schema: {type: string}}]
      requestBody:
        content:
          application/json: {schema: {type: object, properties: {a: {type: string}}}}
          text/plain: {schema: {type: string}}
          application/octet-stream: {schema: {type: string, format: binary}}
          multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}}
      responses: {'204': {description: ok}}
  /plain:
    post:
      operationId: plain
      responses: {'204': {description: ok}}
"#;

/// Every method of the emitted builders is a parameter's setter or one of
/// `names::BUILDER_METHODS`, and each of those is emitted; the runtime's `request_builder!`
/// defines the methods `names::BUILDER_RUNTIME_NAMES` lists. So no setter takes a method's name.
#[test]
fn setters_are_kept_from_exactly_the_builders_methods() {
    use std::collections::BTreeSet;
    let text = format!("{HEAD}{EVERY_BUILDER_METHOD}");
    let generated = codegen::generate(Spec::from_file("hostile/builders.yaml", &text)).unwrap();
    let file = syn::parse_file(&generated.code).unwrap();
    let builders = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builders" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .expect("a builders module");
    let mut emitted = BTreeSet::new();
    for op in &generated.api.operations {
        let setters: BTreeSet<String> = op.params.iter().map(|p| p.name.clone()).collect();
        let methods = builders.iter().filter_map(|item| match item {
            syn::Item::Impl(i)
                if i.trait_.is_none() && quote::ToTokens::to_token_stream(&i.self_ty).to_string() == op.builder =>
            {
                Some(i.items.iter().filter_map(|item| match item {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                }))
            }
            _ => None,
        });
        emitted.extend(methods.flatten().filter(|m| !setters.contains(m)));
    }
    let listed: BTreeSet<String> = codegen::names::BUILDER_METHODS.iter().map(|m| (*m).to_owned()).collect();
    assert_eq!(emitted, listed);
    // The runtime's macro, as written in its source.
    let runtime = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cloudbase-api/src/runtime/mod.rs"),
    )
    .unwrap();
    let start = runtime.find("macro_rules! request_builder").expect("the request_builder! macro");
    let end = start + runtime[start..].find("\n}\n").unwrap();
    let mut defined = BTreeSet::new();
    for piece in runtime[start..end].split("fn ").skip(1) {
        defined.insert(piece.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap().to_owned());
    }
    // Its `Debug` impl's `fmt`, and the fields every builder has.
    for name in ["fmt", "client", "options", "clone", "clone_from"] {
        defined.insert(name.to_owned());
    }
    let listed: BTreeSet<String> = codegen::names::BUILDER_RUNTIME_NAMES.iter().map(|m| (*m).to_owned()).collect();
    assert_eq!(defined, listed);
    for field in ["#[derive(Clone)]", "client: Client", "options: rt::Options"] {
        assert!(generated.code.contains(field), "{field}");
    }
}

/// An array or map whose items are the schema itself was `type Tree = Vec<Tree>`, which no Rust
/// compiler accepts: it is a newtype of the same JSON. Aliases in a cycle through containers all
/// are; one outside the cycle stays an alias.
#[test]
fn a_container_of_itself_is_a_newtype() {
    let tree = generated("recursion--array-of-itself.yaml");
    assert!(tree.api.types[0].newtype, "{:?}", tree.api.types[0]);
    assert!(tree.code.contains("pub struct Tree(pub Vec<Tree>);"), "{}", tree.code);
    assert!(tree.code.contains("impl From<Vec<Tree>> for Tree {"));
    let map = generated("recursion--map-of-itself.yaml");
    assert!(map.code.contains("pub struct Dir(pub std::collections::BTreeMap<String, Dir>);"), "{}", map.code);
    let api = generated("recursion--containers-through-each-other.yaml").api;
    let newtypes: Vec<(&str, bool)> = api.types.iter().map(|t| (t.name.as_str(), t.newtype)).collect();
    assert_eq!(newtypes, [("List", true), ("Table", true), ("Alias", true), ("Maybe", false)]);
}

/// Self-containment with nothing between but nullability or other unions has no finite type,
/// and a union's decoding would go round it forever: each is an error at the place that closes
/// the cycle, naming the types around it.
#[test]
fn a_type_that_is_only_itself_is_refused() {
    let e = error("recursion--nullable-of-itself.yaml");
    assert_eq!(e.pointer(), Some("/components/schemas/Nothing"));
    assert!(e.message().contains("is defined only in terms of itself"), "{e}");
    let e = error("recursion--one-of-itself.yaml");
    assert_eq!(e.pointer(), Some("/components/schemas/Value/oneOf/0"));
    assert!(e.message().starts_with("`Value` contains itself through this variant (Value -> Value)"), "{e}");
    let e = error("recursion--one-of-mutual.yaml");
    assert_eq!(e.pointer(), Some("/components/schemas/Left/oneOf/0"));
    assert!(e.message().contains("(Left -> Right -> Named -> Left), with no object or array between"), "{e}");
}

/// Through an object's field or an array's items a union reaches itself with a smaller value
/// each time: the field is boxed, the array is the indirection, and it builds.
#[test]
fn a_union_through_an_object_or_an_array_builds() {
    let expr = generated("recursion--one-of-through-object-and-array.yaml");
    assert!(expr.code.contains("pub not: Box<Expr>,"), "{}", expr.code);
    assert!(expr.code.contains("pub type All = Vec<Expr>;"), "{}", expr.code);
}

/// A parameter of a self-containing type sent the shape check round the type forever (a stack
/// overflow); a query parameter the builder cannot send as pairs (an object with properties, a
/// list of them, any JSON value, a newtype) was emitted as code that did not build.
#[test]
fn a_query_parameter_the_builder_cannot_send_is_refused() {
    let e = error("recursion--array-of-itself-as-parameter.yaml");
    assert_eq!(e.pointer(), Some("/paths/~1tree/get/parameters/0/schema"));
    assert_eq!(e.message(), "unsupported construct: query parameter of this type");
    for (schema, ok) in [
        ("{$ref: '#/components/schemas/Filter'}", false),
        ("{type: array, items: {$ref: '#/components/schemas/Filter'}}", false),
        ("{}", false),
        ("{type: array, items: {type: array, items: {type: string}}}", false),
        ("{type: object}", true),
        ("{$ref: '#/components/schemas/Free'}", true),
        ("{type: object, additionalProperties: {type: integer}}", true),
        ("{type: array, items: {}}", true),
    ] {
        let text = format!(
            "{HEAD}paths:\n  /q:\n    get:\n      operationId: q\n      parameters:\n        - {{name: q, in: query, schema: {schema}}}\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    Filter: {{type: object, properties: {{a: {{type: string}}}}}}\n    Free: {{type: object}}\n"
        );
        let result = codegen::generate(Spec::from_file("hostile/query.yaml", &text));
        match result {
            Ok(_) => assert!(ok, "{schema} generated"),
            Err(e) => {
                assert!(!ok, "{schema}: {e}");
                assert_eq!(e.pointer(), Some("/paths/~1q/get/parameters/0/schema"), "{schema}");
            }
        }
    }
}

/// A required field of a type that contains itself has no finite value: the type is boxed, and
/// the mock's default reply stops at its depth bound with `null`.
#[test]
fn a_default_reply_of_a_required_self_reference_ends() {
    let (reply, _) = default_reply(&corpus("mock--required-self-reference.yaml"));
    let mut depth = 0;
    let mut value = &reply;
    while let Some(next) = value.get("next") {
        value = next;
        depth += 1;
    }
    assert_eq!(value, &serde_json::Value::Null);
    assert!((16..=64).contains(&depth), "{depth} levels");
}

/// Parameters of types that hide a list or an `Option` behind an alias, or wrap a list or its
/// items in nullability, beside ones the builder could always send.
const PARAMETERS: &str = r#"
paths:
  /p/{id}:
    get:
      operationId: getP
      parameters:
        - {name: id, in: path, required: true, schema: {$ref: '#/components/schemas/MaybeId'}}
        - {name: tags, in: query, schema: {$ref: '#/components/schemas/Tags'}}
        - {name: csv, in: query, explode: false, schema: {$ref: '#/components/schemas/Tags'}}
        - {name: maybe, in: query, schema: {type: array, nullable: true, items: {type: string}}}
        - {name: holes, in: query, schema: {type: array, items: {type: string, nullable: true}}}
        - {name: X-Tags, in: header, schema: {$ref: '#/components/schemas/Tags'}}
        - {name: X-Maybe, in: header, schema: {$ref: '#/components/schemas/MaybeId'}}
        - {name: counts, in: query, schema: {$ref: '#/components/schemas/Counts'}}
        - {name: sparse, in: query, schema: {type: object, additionalProperties: {type: integer, nullable: true}}}
        - {name: colors, in: query, schema: {type: array, items: {$ref: '#/components/schemas/Color'}}}
        - {name: ids, in: query, required: true, schema: {type: array, items: {$ref: '#/components/schemas/MaybeId'}}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Tags:
      type: array
      items: {type: string}
    Counts:
      type: object
      additionalProperties: {type: integer}
    MaybeId:
      type: string
      nullable: true
    Color: {type: string, enum: [red, green]}
"#;

/// Parameters whose type hid a list or an `Option` behind an alias, or wrapped a list or its
/// items in nullability, were emitted as code that did not build (the builder sends a list's
/// items and a scalar as text, and a parameter has no `null` on the wire): the builder holds
/// the plain list, map or value. Types it could send already are left as they are.
#[test]
fn a_parameter_holds_what_the_builder_can_send() {
    use codegen::ir::Type;
    let text = format!("{HEAD}{PARAMETERS}");
    let api = codegen::generate(Spec::from_file("hostile/parameters.yaml", &text)).unwrap().api;
    let spelled = |ty: &Type| -> String {
        match ty {
            Type::String => "String".to_owned(),
            Type::Integer { .. } => "i64".to_owned(),
            Type::Array(item) => format!("Vec<{}>", spelled_inner(&api, item)),
            Type::Map(value) => format!("Map<{}>", spelled_inner(&api, value)),
            other => spelled_inner(&api, other),
        }
    };
    fn spelled_inner(api: &codegen::ir::Api, ty: &Type) -> String {
        match ty {
            Type::String => "String".to_owned(),
            Type::Integer { .. } => "i64".to_owned(),
            Type::Named(id) => api.type_def(*id).name.clone(),
            Type::Nullable(inner) => format!("Option<{}>", spelled_inner(api, inner)),
            other => format!("{other:?}"),
        }
    }
    let params: Vec<(&str, String)> =
        api.operations[0].params.iter().map(|p| (p.wire_name.as_str(), spelled(&p.ty))).collect();
    assert_eq!(
        params,
        [
            ("id", "String".to_owned()),
            ("tags", "Vec<String>".to_owned()),
            ("csv", "Vec<String>".to_owned()),
            ("maybe", "Vec<String>".to_owned()),
            ("holes", "Vec<String>".to_owned()),
            ("X-Tags", "Vec<String>".to_owned()),
            ("X-Maybe", "String".to_owned()),
            ("counts", "Counts".to_owned()),
            ("sparse", "Map<i64>".to_owned()),
            ("colors", "Vec<Color>".to_owned()),
            ("ids", "Vec<String>".to_owned()),
        ]
    );
}

/// An operation may not ask for a method name the prelude's traits hide (`x-rust-name: into`).
#[test]
fn an_operation_may_not_ask_for_a_name_a_prelude_trait_hides() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      \
                x-rust-name: try_into\n      responses: {'204': {description: ok}}\n";
    let error =
        codegen::generate(Spec { file: "hostile/inline.yaml", area: "hostile", text, overlays: &[] }).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("/paths/~1a/get/x-rust-name") && message.contains("`try_into` would be hidden"),
        "{message}"
    );
}
