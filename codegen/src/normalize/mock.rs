//! What the generated mock server answers an operation with when a test set no reply
//! ([`MockReply`]): the first documented success, with its documented example or, without one,
//! a sample value of its type that the client's decoder accepts, bounded in depth and in the
//! number of values it holds, whatever the spec's types make of it.

use crate::ir::{BodyKind, Content, ContentKind, MockBody, MockReply, MockValue, Operation, Type, TypeDef, TypeKind};
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
    match &content.example {
        Some(value) => MockValue { value: value.clone(), documented: true },
        None => MockValue { value: sample(types, &content.ty), documented: false },
    }
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
