//! What the generated mock server answers an operation with when a test set no reply
//! ([`MockReply`]): the first documented success, with its documented example or, without one,
//! a sample value of its type that the client's decoder accepts.

use crate::ir::{BodyKind, Content, ContentKind, MockBody, MockReply, MockValue, Operation, Type, TypeDef, TypeKind};
use crate::names;
use serde_json::{Map, Value};

/// Below this nesting depth a sample fills optional fields and gives arrays one item; deeper,
/// it keeps to what is required, so recursive types end.
const FULL_DEPTH: usize = 4;
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
/// the top), the first value of each enum, the first variant of each union, one array item.
pub(crate) fn sample(types: &[TypeDef], ty: &Type) -> Value {
    sample_at(types, ty, 0)
}

fn sample_at(types: &[TypeDef], ty: &Type, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match ty {
        Type::String => Value::from("string"),
        Type::Integer { .. } => Value::from(0),
        Type::Number { .. } => Value::from(0.0),
        Type::Boolean => Value::Bool(false),
        Type::Bytes => Value::from(""),
        Type::Any | Type::Object | Type::Map(_) => Value::Object(Map::new()),
        Type::Array(item) if depth < FULL_DEPTH => Value::Array(vec![sample_at(types, item, depth + 1)]),
        Type::Array(_) => Value::Array(Vec::new()),
        Type::Nullable(inner) => sample_at(types, inner, depth),
        Type::Named(id) => match types.get(id.0).map(|def| &def.kind) {
            Some(TypeKind::Alias(target)) => sample_at(types, target, depth + 1),
            Some(TypeKind::Struct(s)) => {
                let fields = s
                    .fields
                    .iter()
                    .filter(|f| !f.write_only && (f.required || depth < FULL_DEPTH))
                    .map(|f| (f.wire_name.clone(), sample_at(types, &f.ty, depth + 1)));
                Value::Object(fields.collect())
            }
            Some(TypeKind::Enum(e)) => {
                e.variants.first().map_or(Value::from("string"), |v| Value::from(v.value.clone()))
            }
            Some(TypeKind::Union(u)) => u.variants.first().map_or(Value::Null, |v| sample_at(types, &v.ty, depth + 1)),
            // Every field of a runtime type is optional; a form is never a reply.
            Some(TypeKind::Runtime(_) | TypeKind::Form(_) | TypeKind::Headers(_)) | None => Value::Object(Map::new()),
        },
    }
}
