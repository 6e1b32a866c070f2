//! What the generated mock server answers an operation with when a test set no reply
//! ([`MockReply`]): the first documented success, with its documented example or, without one,
//! a sample value of its type that the client's decoder accepts, bounded in depth and in the
//! number of values it holds, whatever the spec's types make of it.
//!
//! Either is then fitted to what typed code asks of it ([`fit`]): an array of free-form items
//! (rows, documents: the caller's own type) is empty, which decodes into any `Vec<T>` where a
//! documented row decodes only into a type of its fields; and each absolute URL (in a field
//! `Debug` shows as a URL) points at the mock's own object store, under [`MOCK_ORIGIN`], which the mock
//! replaces with its own base URL when it answers, so a client that follows it reaches the
//! mock.

use crate::ir::{
    BodyKind, Content, ContentKind, MockBody, MockReply, MockValue, Operation, Shown, Type, TypeDef, TypeKind,
};
use crate::names;
use serde_json::{Map, Value};

/// Below this nesting depth a sample fills optional fields and gives arrays one item; deeper,
/// it keeps to what is required, so recursive types end.
const FULL_DEPTH: usize = 4;
/// A sample fills optional fields and array items only while it holds fewer values than this
/// (each object, array, string, number, boolean and `null` counts one). The spec chooses how
/// many optional fields a type has: forty that each hold the type itself made 40^4 objects
/// four levels down, 28 MB of mock source for one reply. (The vendored specs' largest sample
/// holds 31.)
const FILL_VALUES: usize = 128;
/// At most this many values in one sample: past it, the sample stops, required fields left out
/// too. Required fields that fan out level after level (forty of a type with forty of another,
/// ...) have no sample of a bounded size, and a reply that breaks its type beats one that
/// exhausts memory.
const MAX_VALUES: usize = 1024;
/// A bound for hostile specs (a required field of a type that contains itself has no finite
/// value; the sample stops with `null` there).
const MAX_DEPTH: usize = 32;

/// The default reply of `op`, once every type of the area is final.
pub(crate) fn reply(types: &[TypeDef], op: &Operation) -> MockReply {
    let Some(success) = op.responses.iter().find(|r| r.status.is_success()) else {
        return MockReply::default();
    };
    let status = success.status.answered();
    let body = body_content(&success.contents).map(|(content, kind)| MockBody {
        media_type: names::concrete_media_type(&content.essence, kind),
        kind,
        value: value(types, content),
    });
    let event = op.stream.as_ref().map(|stream| {
        let documented = op
            .responses
            .iter()
            .flat_map(|r| &r.contents)
            .find(|c| c.kind == ContentKind::EventStream)
            .and_then(|c| c.example.clone());
        match documented {
            Some(value) => MockValue { value, documented: true },
            None => MockValue { value: sample(types, &stream.item), documented: false },
        }
    });
    MockReply { status, body, event }
}

/// The body the mock sends among a success's media types: JSON first, then text, then bytes.
fn body_content(contents: &[Content]) -> Option<(&Content, BodyKind)> {
    [BodyKind::Json, BodyKind::Text, BodyKind::Bytes]
        .into_iter()
        .find_map(|wanted| contents.iter().find(|c| c.kind == ContentKind::Body(wanted)).map(|c| (c, wanted)))
}

fn value(types: &[TypeDef], content: &Content) -> MockValue {
    let (value, documented) = match &content.example {
        Some(value) => (value.clone(), true),
        None => (sample(types, &content.ty), false),
    };
    MockValue { value: Fitter { types, steps: 0 }.fit(&content.ty, value, 0), documented }
}

/// The origin the mock's default replies name for its own object store: a reserved name
/// (RFC 2606) that the mock replaces with its base URL when it answers (`cloudbase-mock`'s
/// `runtime::MOCK_ORIGIN` is the same text).
pub const MOCK_ORIGIN: &str = "http://cloudbase-mock.invalid";

/// The path of the mock's object store on [`MOCK_ORIGIN`] (`cloudbase-mock`'s object URLs).
const MOCK_OBJECTS: &str = "/_mock/objects/";

/// At most this many (type, value) pairs are fitted in one reply: a union's value is fitted to
/// each variant, so unions of unions of a hostile spec would multiply the work level after
/// level (`tests/hostile/mock--union-of-unions-example.yaml`). Past it, the rest of the value
/// stays as it is.
const MAX_FIT_STEPS: usize = 100_000;

/// One reply being fitted, with the steps it took so far.
struct Fitter<'a> {
    types: &'a [TypeDef],
    steps: usize,
}

impl Fitter<'_> {
    /// `value` (of type `ty`) as typed code can take it: arrays of free-form items empty, URL
    /// fields on the mock's object store. Bounded by [`MAX_DEPTH`] like a sample, and by
    /// [`MAX_FIT_STEPS`].
    fn fit(&mut self, ty: &Type, value: Value, depth: usize) -> Value {
        self.steps += 1;
        if depth > MAX_DEPTH || self.steps > MAX_FIT_STEPS {
            return value;
        }
        let types = self.types;
        match (ty, value) {
            (Type::Nullable(inner), value) => self.fit(inner, value, depth + 1),
            (Type::Array(item), Value::Array(_)) if free_form(types, item, depth) => Value::Array(Vec::new()),
            (Type::Array(item), Value::Array(items)) => {
                Value::Array(items.into_iter().map(|v| self.fit(item, v, depth + 1)).collect())
            }
            (Type::Named(id), value) => match (types.get(id.0).map(|def| &def.kind), value) {
                (Some(TypeKind::Alias(target)), value) => self.fit(target, value, depth + 1),
                // A union's value is fitted to each variant in turn: a field only one declares
                // is fitted by that one, and fitting is idempotent.
                (Some(TypeKind::Union(u)), value) => {
                    u.variants.iter().fold(value, |value, variant| self.fit(&variant.ty, value, depth + 1))
                }
                (Some(TypeKind::Struct(s)), Value::Object(mut fields)) => {
                    for field in &s.fields {
                        if let Some(v) = fields.remove(&field.wire_name) {
                            let v = match (field.shown, v) {
                                (Shown::Url, Value::String(url)) if absolute(&url) => {
                                    Value::String(on_mock_store(&url, &field.wire_name))
                                }
                                (_, v) => self.fit(&field.ty, v, depth + 1),
                            };
                            fields.insert(field.wire_name.clone(), v);
                        }
                    }
                    Value::Object(fields)
                }
                (_, value) => value,
            },
            (_, value) => value,
        }
    }
}

/// Whether `ty` is a free-form value (any JSON, an object of any properties, a map): the
/// caller's own type.
fn free_form(types: &[TypeDef], ty: &Type, depth: usize) -> bool {
    match ty {
        Type::Any | Type::Object | Type::Map(_) => true,
        Type::Nullable(inner) => depth < MAX_DEPTH && free_form(types, inner, depth + 1),
        Type::Named(id) => match types.get(id.0).map(|def| &def.kind) {
            Some(TypeKind::Alias(target)) => depth < MAX_DEPTH && free_form(types, target, depth + 1),
            _ => false,
        },
        _ => false,
    }
}

/// Whether `url` is an absolute `http` or `https` URL (a relative reference, or a sample
/// `"string"`, is resolved by the client against the API's own base and stays as it is).
fn absolute(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `url` moved onto the mock's object store: its path and query kept (the name `field` when it
/// has no path, or one with a `.` or `..` segment, which the store refuses).
fn on_mock_store(url: &str, field: &str) -> String {
    if url.starts_with(MOCK_ORIGIN) {
        return url.to_owned();
    }
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let path = rest.split_once('/').map_or("", |(_, path)| path);
    let (key, query) = path.split_once(['?', '#']).map_or((path, ""), |(key, _)| (key, &path[key.len()..]));
    let query = query.split('#').next().unwrap_or("");
    let usable = !key.is_empty()
        && key.split(['/', '\\']).all(|segment| !matches!(segment, "" | "." | ".."))
        && key.chars().all(|c| c.is_ascii_graphic());
    let key = if usable {
        key.to_owned()
    } else {
        let name: String = field.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.is_empty() { "object".to_owned() } else { name }
    };
    let query = if usable && query.chars().all(|c| c.is_ascii_graphic()) { query } else { "" };
    format!("{MOCK_ORIGIN}{MOCK_OBJECTS}{key}{query}")
}

/// A value of `ty` the generated decoder accepts: required and optional fields filled (near
/// the top), the first value of each enum, the first variant of each union, one array item;
/// bounded in depth ([`FULL_DEPTH`], [`MAX_DEPTH`]) and in size ([`FILL_VALUES`],
/// [`MAX_VALUES`]).
pub(crate) fn sample(types: &[TypeDef], ty: &Type) -> Value {
    Sampler { types, values: 0 }.sample(ty, 0)
}

/// One sample under construction, with the number of values it holds so far.
struct Sampler<'a> {
    types: &'a [TypeDef],
    values: usize,
}

impl Sampler<'_> {
    /// Whether optional fields and array items still fit.
    fn room(&self) -> bool {
        self.values < FILL_VALUES
    }

    fn sample(&mut self, ty: &Type, depth: usize) -> Value {
        if depth > MAX_DEPTH || self.values >= MAX_VALUES {
            return Value::Null;
        }
        let types = self.types;
        // An alias, a nullable type and a union stand for another type's value.
        match ty {
            Type::Nullable(inner) => return self.sample(inner, depth),
            Type::Named(id) => match types.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => return self.sample(target, depth + 1),
                Some(TypeKind::Union(u)) => {
                    return u.variants.first().map_or(Value::Null, |v| self.sample(&v.ty, depth + 1));
                }
                _ => {}
            },
            _ => {}
        }
        self.values += 1;
        match ty {
            Type::String => Value::from("string"),
            Type::Integer { .. } => Value::from(0),
            Type::Number { .. } => Value::from(0.0),
            Type::Boolean => Value::Bool(false),
            Type::Bytes => Value::from(""),
            Type::Any | Type::Object | Type::Map(_) => Value::Object(Map::new()),
            Type::Array(item) if depth < FULL_DEPTH && self.room() => Value::Array(vec![self.sample(item, depth + 1)]),
            Type::Array(_) => Value::Array(Vec::new()),
            Type::Nullable(_) => Value::Null,
            Type::Named(id) => match types.get(id.0).map(|def| &def.kind) {
                Some(TypeKind::Struct(s)) => {
                    let mut fields = Map::new();
                    for f in s.fields.iter().filter(|f| !f.write_only) {
                        if self.values >= MAX_VALUES {
                            break;
                        }
                        if f.required || (depth < FULL_DEPTH && self.room()) {
                            fields.insert(f.wire_name.clone(), self.sample(&f.ty, depth + 1));
                        }
                    }
                    Value::Object(fields)
                }
                Some(TypeKind::Enum(e)) => {
                    e.variants.first().map_or(Value::from("string"), |v| Value::from(v.value.clone()))
                }
                // Every field of a runtime type is optional; a form is never a reply.
                Some(
                    TypeKind::Alias(_)
                    | TypeKind::Union(_)
                    | TypeKind::Runtime(_)
                    | TypeKind::Form(_)
                    | TypeKind::Headers(_),
                )
                | None => Value::Object(Map::new()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_moves_onto_the_mock_store_with_its_path_and_query() {
        let store = |url: &str| on_mock_store(url, "uploadUrl");
        assert_eq!(
            store("https://url/file.jpg%3FExpires%3D123"),
            format!("{MOCK_ORIGIN}/_mock/objects/file.jpg%3FExpires%3D123")
        );
        assert_eq!(store("https://url/a/b.jpg?Expires=1#x"), format!("{MOCK_ORIGIN}/_mock/objects/a/b.jpg?Expires=1"));
        // No path, a segment the store refuses, or text that is not a plain URL: the field's name.
        for refused in [
            "https://url",
            "https://url/",
            "https://url/a/../b",
            "https://url/a//b",
            "https://url/a b",
            "https://url/\u{202e}",
        ] {
            assert_eq!(store(refused), format!("{MOCK_ORIGIN}/_mock/objects/uploadUrl"), "{refused}");
        }
        assert_eq!(on_mock_store("https://h/", "\u{202e}"), format!("{MOCK_ORIGIN}/_mock/objects/object"));
        let moved = store("https://url/x");
        assert_eq!(store(&moved), moved, "moving is idempotent");
        assert!(
            absolute("HTTPS://url/x") && absolute("http://h") && !absolute("/object/sign/a") && !absolute("string")
        );
        assert!(!absolute("ht\u{e9}tps://"));
    }
}
