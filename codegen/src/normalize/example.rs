//! Documented example values of parameters and request bodies: which one is taken, and whether
//! it fits the type the generator chose (an example that does not is an error in the spec, and
//! would be a doc example that cannot compile or decode).

use super::Normalizer;
use crate::error::{Error, Pointer};
use crate::ir::{BodyKind, Type, TypeKind};
use indexmap::IndexMap;
use openapiv3::{Example, ReferenceOr, Schema};
use serde_json::Value;

impl<'a> Normalizer<'a> {
    /// The documented example at `at`: its `example`, else the first of its `examples` that
    /// carries a value (an `externalValue` cannot be shown), else its schema's `example`.
    /// Returned with the pointer it was read from.
    pub(crate) fn documented_example(
        &self,
        example: &'a Option<Value>,
        examples: &'a IndexMap<String, ReferenceOr<Example>>,
        schema: Option<&'a ReferenceOr<Schema>>,
        at: &Pointer,
    ) -> Result<Option<(&'a Value, Pointer)>, Error> {
        if let Some(value) = example {
            return Ok(Some((value, at.join("example"))));
        }
        for (name, example) in examples {
            let (example, pointer) =
                self.resolve(example, &at.join("examples").join(name), "examples", |c| &c.examples)?;
            if let Some(value) = &example.value {
                return Ok(Some((value, pointer.join("value"))));
            }
        }
        if let Some(schema) = schema {
            let (schema, pointer) = self.resolve(schema, &at.join("schema"), "schemas", |c| &c.schemas)?;
            if let Some(value) = &schema.schema_data.example {
                return Ok(Some((value, pointer.join("example"))));
            }
        }
        Ok(None)
    }

    /// Checks a parameter's example against its type: the value must be one the setter takes
    /// (for a flag, the one value it sends).
    pub(crate) fn check_param_example(
        &self,
        ty: &Type,
        flag: Option<&str>,
        value: &Value,
        at: &Pointer,
    ) -> Result<(), Error> {
        let fits = match flag {
            Some(sent) => value.as_str() == Some(sent),
            None => self.fits(ty, value),
        };
        if fits {
            return Ok(());
        }
        let expected = match flag {
            Some(sent) => format!("the value {sent:?} (the parameter is a flag)"),
            None => self.describe(ty),
        };
        Err(self.error(at, format!("example `{value}` does not fit the parameter: expected {expected}")))
    }

    /// Checks a body's example has the body's outer shape; what is inside is the typed decoder's
    /// business (the generated doc example decodes a request body when doc tests run, the mock
    /// server's tests every reply it sends). `what` names the body in the error.
    pub(crate) fn check_body_example(
        &self,
        what: &str,
        kind: BodyKind,
        ty: &Type,
        value: &Value,
        at: &Pointer,
    ) -> Result<(), Error> {
        let (fits, expected) = match kind {
            BodyKind::Text | BodyKind::Bytes => (value.is_string(), "text".to_owned()),
            BodyKind::Multipart => (value.is_object(), "the form's fields as a JSON object".to_owned()),
            BodyKind::Json => match self.outer(ty) {
                Some(Outer::Object) => (value.is_object(), "a JSON object".to_owned()),
                Some(Outer::Array) => (value.is_array(), "a JSON array".to_owned()),
                None => (true, String::new()),
            },
        };
        if fits {
            return Ok(());
        }
        Err(self.error(at, format!("example does not fit the {what}: expected {expected}")))
    }

    // Aliases are followed by `unalias`, which stops at a cycle (reported later, by `finish`).

    fn fits(&self, ty: &Type, value: &Value) -> bool {
        match &self.unalias(ty) {
            Type::String => value.is_string(),
            Type::Integer { bits: 32 } => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Type::Integer { .. } => value.is_i64(),
            Type::Number { .. } => value.is_number(),
            Type::Boolean => value.is_boolean(),
            Type::Array(item) => value.as_array().is_some_and(|items| items.iter().all(|v| self.fits(item, v))),
            Type::Map(item) => value.as_object().is_some_and(|map| map.values().all(|v| self.fits(item, v))),
            Type::Named(id) => match &self.type_def(*id).kind {
                TypeKind::Enum(e) => value.as_str().is_some_and(|s| e.variants.iter().any(|v| v.value == s)),
                _ => false,
            },
            // A parameter is never nullable on the wire; nothing else is a parameter type.
            Type::Nullable(_) | Type::Bytes | Type::Any | Type::Object => false,
        }
    }

    fn describe(&self, ty: &Type) -> String {
        match &self.unalias(ty) {
            Type::String => "a string".to_owned(),
            Type::Integer { bits } => format!("an integer that fits i{bits}"),
            Type::Number { .. } => "a number".to_owned(),
            Type::Boolean => "a boolean".to_owned(),
            Type::Array(item) => format!("an array of {}", self.describe(item)),
            Type::Map(item) => format!("an object whose values are {}", self.describe(item)),
            Type::Named(id) => match &self.type_def(*id).kind {
                TypeKind::Enum(e) => {
                    let values: Vec<String> = e.variants.iter().map(|v| format!("{:?}", v.value)).collect();
                    format!("one of {}", values.join(", "))
                }
                _ => "a value the parameter cannot take".to_owned(),
            },
            Type::Nullable(_) | Type::Bytes | Type::Any | Type::Object => {
                "a value the parameter cannot take".to_owned()
            }
        }
    }

    fn outer(&self, ty: &Type) -> Option<Outer> {
        match &self.unalias(ty) {
            Type::Object | Type::Map(_) => Some(Outer::Object),
            Type::Array(_) => Some(Outer::Array),
            Type::Named(id) => match &self.type_def(*id).kind {
                TypeKind::Struct(_) => Some(Outer::Object),
                _ => None,
            },
            _ => None,
        }
    }
}

enum Outer {
    Object,
    Array,
}
