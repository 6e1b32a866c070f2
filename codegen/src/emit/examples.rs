//! The `# Example` section of an operation: a request built from the values the spec documents
//! for its parameters and body (see [`Operation::example_request`]).
//!
//! The example is a doc test that runs: a documented JSON body is decoded into its generated
//! type for real (so a spec example the type cannot read fails the test), while the request
//! itself sits in a future that is never polled, so it is compiled but never sent.

use super::docs;
use crate::ir::{Api, BodyForm, BodyKind, ExampleRequest, Field, Operation, Param, Type, TypeId, TypeKind};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Indentation of the builder chain inside the example.
const INDENT: &str = "    ";

/// The operation's `# Example` section: the values the spec documents, with a stand-in of its
/// type for each required parameter it documents none for and for a required body it documents
/// no value of. `None` only for a required body whose type has no finite value.
pub fn section(api: &Api, op: &Operation) -> Option<String> {
    let request = op.example_request();
    // The required parameters without a documented value (for `Shown`, the same list).
    let placeholders: Vec<usize> = match &request {
        ExampleRequest::Shown { placeholders } => placeholders.clone(),
        ExampleRequest::Undocumented | ExampleRequest::BodyUndocumented => {
            let required = op.params.iter().enumerate().filter(|(_, p)| p.caller_sets() && p.example.is_none());
            required.map(|(i, _)| i).collect()
        }
    };
    let mut imports = Imports::default();
    let mut code = String::new();
    let mut chain = vec![format!("client"), format!(".{}()", api.area), format!(".{}()", op.method_name)];
    for (index, p) in op.params.iter().enumerate() {
        let value = match &p.example {
            Some(example) => documented(api, p, &p.ty, example, &mut imports, false),
            None if placeholders.contains(&index) => placeholder(api, p, &p.ty, &mut imports, false),
            None => continue,
        };
        chain.push(format!(".{}({value})", p.name));
    }
    let documented_body = op.body.as_ref().and_then(|b| b.forms.iter().find(|f| f.example.is_some()));
    if let Some(body) = documented_body
        && let Some(example) = &body.example
    {
        let argument = match body.kind {
            BodyKind::Text => format!("{:?}", text(example)),
            BodyKind::Bytes => format!("{:?}.as_bytes().to_vec()", text(example)),
            BodyKind::Json if body.free_form.is_some() => {
                format!("serde_json::json!({})", json(example, INDENT))
            }
            BodyKind::Json => {
                let ty = type_text(api, &body.ty, &mut imports);
                let _ = writeln!(
                    code,
                    "let body: {ty} = serde_json::from_value(serde_json::json!({}))?;",
                    json(example, "")
                );
                "body".to_owned()
            }
            // Forms carry no example (normalize leaves it out: a file part cannot show one).
            BodyKind::Multipart => String::new(),
        };
        chain.push(format!(".{}({argument})", body.setter));
    } else if let Some(body) = op.body.as_ref().filter(|b| b.required)
        && let Some(form) = body.forms.first()
    {
        let argument = stand_in_body(api, form, &mut imports, &mut code)?;
        chain.push(format!(".{}({argument})", form.setter));
    }
    chain.extend([".send()".to_owned(), ".await?;".to_owned()]);

    let mut text = String::new();
    let _ = writeln!(text, "use cloudbase_api::{};", imports.render());
    text.push('\n');
    text.push_str(&code);
    text.push_str("# let _never_polled = async move {\n");
    text.push_str("let client = Client::from_env()?;\n");
    let _ = writeln!(text, "let reply = {}", chain[0]);
    for link in &chain[1..] {
        let _ = writeln!(text, "{INDENT}{link}");
    }
    text.push_str("println!(\"{:?}\", reply.into_inner());\n");
    text.push_str("# Ok::<(), cloudbase_api::Error>(())\n# };\n# Ok::<(), serde_json::Error>(())\n");

    let mut stood_in: Vec<String> = placeholders.iter().map(|&i| docs::code(&op.params[i].name)).collect();
    if request == ExampleRequest::BodyUndocumented {
        stood_in.push("the body".to_owned());
    }
    let stood_in = match stood_in.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let intro = match request {
        ExampleRequest::Undocumented if stood_in.is_empty() && op.body.as_ref().is_none_or(|b| !b.required) => {
            "A request (the operation requires no value):".to_owned()
        }
        ExampleRequest::Undocumented => {
            "A request with a stand-in value of its type for each value it requires (the spec documents no example):"
                .to_owned()
        }
        _ if stood_in.is_empty() => "A request with the values the spec documents:".to_owned(),
        _ => format!(
            "A request with the values the spec documents (placeholders for {stood_in}, which it documents none \
             for):"
        ),
    };
    Some(format!("# Example\n\n{intro}\n\n```\n{}```", text))
}

/// The crate-root and area names an example imports.
#[derive(Default)]
struct Imports {
    area_types: BTreeSet<(String, String)>,
}

impl Imports {
    fn add(&mut self, api: &Api, id: TypeId) -> String {
        let name = api.type_def(id).name.clone();
        self.area_types.insert((api.area.clone(), name.clone()));
        name
    }

    fn render(&self) -> String {
        if self.area_types.is_empty() {
            return "Client".to_owned();
        }
        let mut areas: Vec<(&str, Vec<&str>)> = Vec::new();
        for (area, name) in &self.area_types {
            match areas.last_mut() {
                Some((last, names)) if last == area => names.push(name),
                _ => areas.push((area, vec![name])),
            }
        }
        let paths: Vec<String> = areas
            .into_iter()
            .map(|(area, names)| match names.as_slice() {
                [one] => format!("{area}::{one}"),
                _ => format!("{area}::{{{}}}", names.join(", ")),
            })
            .collect();
        format!("{{Client, {}}}", paths.join(", "))
    }
}

/// The documented value of a parameter as a setter argument (`in_collection`: an item of an
/// array or map, which must name its own type since `Into` cannot infer it).
fn documented(api: &Api, p: &Param, ty: &Type, value: &Value, imports: &mut Imports, in_collection: bool) -> String {
    if p.flag.is_some() {
        return "true".to_owned();
    }
    match ty {
        Type::String if in_collection => format!("{:?}.to_owned()", text(value)),
        Type::String => format!("{:?}", text(value)),
        Type::Integer { bits } => {
            let n = value.as_i64().unwrap_or_default();
            if in_collection { format!("{n}_i{bits}") } else { n.to_string() }
        }
        Type::Number { bits } => {
            let n = value.as_f64().unwrap_or_default();
            if in_collection { format!("{n:?}_f{bits}") } else { format!("{n:?}") }
        }
        Type::Boolean => value.as_bool().unwrap_or_default().to_string(),
        Type::Array(item) => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            if items.is_empty() {
                return format!("Vec::<{}>::new()", type_text(api, item, imports));
            }
            let items: Vec<String> = items.iter().map(|v| documented(api, p, item, v, imports, true)).collect();
            format!("[{}]", items.join(", "))
        }
        Type::Map(item) => {
            let Some(entries) = value.as_object().filter(|m| !m.is_empty()) else {
                return format!("std::collections::BTreeMap::<String, {}>::new()", type_text(api, item, imports));
            };
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("({k:?}.to_owned(), {})", documented(api, p, item, v, imports, true)))
                .collect();
            format!("[{}]", entries.join(", "))
        }
        Type::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Enum(e) => {
                let variant = e.variants.iter().find(|v| Some(v.value.as_str()) == value.as_str());
                let name = imports.add(api, *id);
                format!("{name}::{}", variant.map_or(e.other.as_str(), |v| v.name.as_str()))
            }
            TypeKind::Alias(inner) => documented(api, p, inner, value, imports, in_collection),
            _ => format!("serde_json::from_value(serde_json::json!({}))?", json(value, "")),
        },
        Type::Nullable(_) | Type::Bytes | Type::Any | Type::Object => {
            format!("serde_json::from_value(serde_json::json!({}))?", json(value, ""))
        }
    }
}

/// A stand-in for a required parameter the spec documents no value for: `"<wire name>"` for
/// text, the least allowed number, the first value of an enum.
fn placeholder(api: &Api, p: &Param, ty: &Type, imports: &mut Imports, in_collection: bool) -> String {
    let stand_in = match ty {
        Type::String => Value::from(format!("<{}>", p.wire_name)),
        Type::Integer { .. } => Value::from(p.constraints.minimum.map_or(1, |m| m.ceil() as i64)),
        Type::Number { .. } => Value::from(p.constraints.minimum.unwrap_or(1.0)),
        Type::Boolean => Value::from(true),
        Type::Array(item) => {
            return format!("[{}]", placeholder(api, p, item, imports, true));
        }
        Type::Map(item) => {
            return format!("[(\"<key>\".to_owned(), {})]", placeholder(api, p, item, imports, true));
        }
        Type::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Enum(e) => Value::from(e.variants.first().map(|v| v.value.clone()).unwrap_or_default()),
            TypeKind::Alias(inner) => return placeholder(api, p, inner, imports, in_collection),
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    documented(api, p, ty, &stand_in, imports, in_collection)
}

/// The argument of a body setter for a required body the spec documents no value of (its code
/// before the request goes into `code`); `None` when its type has no finite value.
fn stand_in_body(api: &Api, form: &BodyForm, imports: &mut Imports, code: &mut String) -> Option<String> {
    Some(match form.kind {
        BodyKind::Text => "\"<text>\"".to_owned(),
        BodyKind::Bytes => "b\"<bytes>\".to_vec()".to_owned(),
        BodyKind::Json if form.free_form.is_some() => "serde_json::json!({})".to_owned(),
        BodyKind::Json => {
            let value = StandIn { api, depth: 0 }.value(&form.ty)?;
            let ty = type_text(api, &form.ty, imports);
            let _ =
                writeln!(code, "let body: {ty} = serde_json::from_value(serde_json::json!({}))?;", json(&value, ""));
            "body".to_owned()
        }
        BodyKind::Multipart => {
            let Type::Named(id) = &form.ty else { return None };
            let TypeKind::Form(fields) = &api.type_def(*id).kind else { return None };
            let name = imports.add(api, *id);
            let _ = writeln!(code, "let body = {name} {{");
            for f in fields.fields.iter().filter(|f| f.required) {
                let value = match &f.ty {
                    // Not a byte string literal: a part name may be any text.
                    Type::Bytes => format!("{:?}.as_bytes().to_vec().into()", format!("<{}>", f.wire_name)),
                    Type::String => format!("{:?}.to_owned()", format!("<{}>", f.wire_name)),
                    Type::Integer { .. } | Type::Number { .. } => "1".to_owned(),
                    Type::Boolean => "true".to_owned(),
                    _ => "Default::default()".to_owned(),
                };
                let _ = writeln!(code, "{INDENT}{}: {value},", f.name);
            }
            if fields.fields.iter().any(|f| !f.required) {
                let _ = writeln!(code, "{INDENT}..Default::default()");
            }
            code.push_str("};\n");
            "body".to_owned()
        }
    })
}

/// Below this depth a stand-in array holds one item; deeper, none.
const STAND_IN_ITEMS_DEPTH: usize = 3;
/// A required field of a type that contains itself has no finite value: past this depth the
/// stand-in gives up.
const STAND_IN_MAX_DEPTH: usize = 16;

/// A JSON value of a request body's type with only what it requires: each required field (not
/// read-only) with a stand-in of its type (`"<wire name>"`, `1`, `true`, the first enum value,
/// the first union variant with what selects it), arrays of one item near the top.
struct StandIn<'a> {
    api: &'a Api,
    depth: usize,
}

impl StandIn<'_> {
    fn value(&mut self, ty: &Type) -> Option<Value> {
        self.named(ty, "value")
    }

    /// A value of `ty` for the property (or item) `wire_name`.
    fn named(&mut self, ty: &Type, wire_name: &str) -> Option<Value> {
        if self.depth > STAND_IN_MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let value = self.of(ty, wire_name);
        self.depth -= 1;
        value
    }

    fn of(&mut self, ty: &Type, wire_name: &str) -> Option<Value> {
        Some(match ty {
            Type::String => Value::from(format!("<{wire_name}>")),
            Type::Integer { .. } | Type::Number { .. } => Value::from(1),
            Type::Boolean => Value::Bool(true),
            Type::Bytes => Value::from(""),
            Type::Any | Type::Object | Type::Map(_) => Value::Object(Default::default()),
            Type::Nullable(inner) => self.named(inner, wire_name)?,
            Type::Array(item) if self.depth <= STAND_IN_ITEMS_DEPTH => Value::Array(vec![self.named(item, wire_name)?]),
            Type::Array(_) => Value::Array(Vec::new()),
            Type::Named(id) => match &self.api.type_def(*id).kind {
                TypeKind::Alias(inner) => self.named(inner, wire_name)?,
                TypeKind::Struct(s) => self.fields(&s.fields, &[])?,
                TypeKind::Enum(e) => {
                    Value::from(e.variants.first().map_or_else(|| format!("<{wire_name}>"), |v| v.value.clone()))
                }
                TypeKind::Union(u) => {
                    let variant = u.variants.first()?;
                    let mut value = match &variant.ty {
                        Type::Named(id) => match &self.api.type_def(*id).kind {
                            TypeKind::Struct(s) => self.fields(&s.fields, &variant.marker_properties)?,
                            _ => self.named(&variant.ty, wire_name)?,
                        },
                        other => self.named(other, wire_name)?,
                    };
                    if let (Some(property), Some(tag), Value::Object(map)) =
                        (&u.discriminator, &variant.discriminator_value, &mut value)
                    {
                        map.insert(property.clone(), Value::from(tag.clone()));
                    }
                    value
                }
                TypeKind::Runtime(_) | TypeKind::Headers(_) | TypeKind::Form(_) => Value::Object(Default::default()),
            },
        })
    }

    /// An object of the required fields, and of `also` (the properties that select a union's
    /// variant).
    fn fields(&mut self, fields: &[Field], also: &[String]) -> Option<Value> {
        let mut map = serde_json::Map::new();
        for f in fields.iter().filter(|f| !f.read_only && (f.required || also.contains(&f.wire_name))) {
            map.insert(f.wire_name.clone(), self.named(&f.ty, &f.wire_name)?);
        }
        Some(Value::Object(map))
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// A type as an example spells it, importing the area's named types.
fn type_text(api: &Api, ty: &Type, imports: &mut Imports) -> String {
    match ty {
        Type::String => "String".to_owned(),
        Type::Integer { bits } => format!("i{bits}"),
        Type::Number { bits } => format!("f{bits}"),
        Type::Boolean => "bool".to_owned(),
        Type::Bytes => "bytes::Bytes".to_owned(),
        Type::Any => "serde_json::Value".to_owned(),
        Type::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
        Type::Array(item) => format!("Vec<{}>", type_text(api, item, imports)),
        Type::Map(item) => format!("std::collections::BTreeMap<String, {}>", type_text(api, item, imports)),
        Type::Nullable(inner) => format!("Option<{}>", type_text(api, inner, imports)),
        Type::Named(id) => imports.add(api, *id),
    }
}

/// `value` as the input of `serde_json::json!`, pretty-printed with nested lines indented from
/// `indent`. Strings and keys are Rust string literals (the macro's syntax), not JSON ones.
fn json(value: &Value, indent: &str) -> String {
    let inner = format!("{indent}{INDENT}");
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        // An unsuffixed integer literal in `json!` is an `i32`: a larger one says its type.
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if i32::try_from(i).is_err() => format!("{i}_i64"),
            (None, Some(u)) => format!("{u}_u64"),
            _ => n.to_string(),
        },
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|v| format!("{inner}{}", json(v, &inner))).collect();
            format!("[\n{}\n{indent}]", items.join(",\n"))
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let entries: Vec<String> = map.iter().map(|(k, v)| format!("{inner}{k:?}: {}", json(v, &inner))).collect();
            format!("{{\n{}\n{indent}}}", entries.join(",\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::json;
    use serde_json::json;

    #[test]
    fn json_is_macro_input_with_rust_string_literals() {
        let value = json!({"a": [1, "x\u{1}\"y"], "b": {}, "c": [], "d": -2.5});
        let expected = "{\n    \"a\": [\n        1,\n        \"x\\u{1}\\\"y\"\n    ],\n    \"b\": {},\n    \"c\": [],\n    \"d\": -2.5\n}";
        assert_eq!(json(&value, ""), expected);
    }

    #[test]
    fn integers_beyond_i32_carry_their_type() {
        // `json!` would take an unsuffixed literal as an i32 and refuse to compile it.
        let value = json!([2147483647, 2147483648_i64, -2147483649_i64, 1717488585078_i64, 18446744073709551615_u64]);
        let text = json(&value, "");
        for literal in
            ["2147483647,", "2147483648_i64", "-2147483649_i64", "1717488585078_i64", "18446744073709551615_u64"]
        {
            assert!(text.contains(literal), "{literal}: {text}");
        }
    }
}
