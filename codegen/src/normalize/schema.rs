//! Schemas -> IR types, following DESIGN.md's type-mapping table.

use super::Normalizer;
use crate::error::{Error, Pointer};
use crate::ir::{
    EnumVariant, ExtraField, Field, StringEnum, Struct, Type, TypeDef, TypeId, TypeKind, Union, UnionVariant,
};
use crate::names::{self, Scope};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat,
    VariantOrUnknownOrEmpty,
};
use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

/// Inline schemas nested deeper than this are rejected instead of recursing further.
const MAX_DEPTH: usize = 48;

/// A schema's meaning before it is given a name: either an existing type, or a new type to define.
enum Shape {
    Type(Type),
    New(TypeKind),
}

impl Normalizer<'_> {
    /// The kind and docs of a component schema (which always becomes a named type).
    pub(crate) fn named_schema(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &Pointer,
        name: &str,
    ) -> Result<(TypeKind, Option<String>), Error> {
        match schema {
            ReferenceOr::Reference { reference } => Ok((TypeKind::Alias(self.schema_ref(reference, pointer)?), None)),
            ReferenceOr::Item(schema) => {
                let docs = schema_docs(schema);
                let kind = match self.shape_of_kind(schema, pointer, name)? {
                    Shape::Type(ty) if schema.schema_data.nullable => TypeKind::Alias(nullable(ty)),
                    Shape::Type(ty) => TypeKind::Alias(ty),
                    // References to it are `Option`s (see `reserve_components`).
                    Shape::New(kind) => kind,
                };
                Ok((kind, docs))
            }
        }
    }

    /// The type of a schema in a field, parameter, body or response position. Inline objects,
    /// enums and unions become named types called `hint` (or a suffixed form of it).
    /// (openapiv3 stores nested schemas boxed and top-level ones not; both are accepted.)
    pub(crate) fn schema_type<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        pointer: &Pointer,
        hint: &str,
    ) -> Result<Type, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_type(schema.borrow(), pointer, hint),
        }
    }

    fn inline_type(&mut self, schema: &Schema, pointer: &Pointer, hint: &str) -> Result<Type, Error> {
        // A schema inside a component (a response, a parameter, ...) is reached from every
        // operation that refers to the component: one place in the spec, one type.
        let shared = pointer.to_string().starts_with("/components/");
        if shared && let Some(ty) = self.inline_types.get(&pointer.to_string()) {
            return Ok(ty.clone());
        }
        let ty = self.new_inline_type(schema, pointer, hint)?;
        if shared {
            self.inline_types.insert(pointer.to_string(), ty.clone());
        }
        Ok(ty)
    }

    fn new_inline_type(&mut self, schema: &Schema, pointer: &Pointer, hint: &str) -> Result<Type, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(
                self.error(pointer, format!("schemas nested more than {MAX_DEPTH} levels deep are not supported"))
            );
        }
        // A schema that defines a type claims its name first, so the types nested in it are
        // named after the name it really gets.
        let reserved = creates_type(schema)
            .then(|| self.reserve_type(hint, format!("inline schema at {pointer}"), pointer, schema_docs(schema)));
        let name = match reserved {
            Some(id) => self.type_def(id).name.clone(),
            None => hint.to_owned(),
        };
        self.depth += 1;
        let result = self.shape_of_kind(schema, pointer, &name);
        self.depth -= 1;
        let ty = match (result?, reserved) {
            (Shape::Type(ty), None) => ty,
            (Shape::Type(ty), Some(id)) => {
                self.set_kind(id, TypeKind::Alias(ty));
                Type::Named(id)
            }
            (Shape::New(kind), Some(id)) => {
                self.set_kind(id, kind);
                Type::Named(id)
            }
            (Shape::New(_), None) => {
                return Err(self.error(pointer, "internal error: a schema defined a type it was not expected to"));
            }
        };
        Ok(if schema.schema_data.nullable { nullable(ty) } else { ty })
    }

    pub(crate) fn schema_ref(&self, reference: &str, pointer: &Pointer) -> Result<Type, Error> {
        let name = self.ref_name(reference, "schemas", pointer)?;
        match self.component(name) {
            Some(id) if self.nullable_components.contains(name) => Ok(nullable(Type::Named(id))),
            Some(id) => Ok(Type::Named(id)),
            None => Err(self.error(&pointer.join("$ref"), format!("missing $ref target `{reference}`"))),
        }
    }

    fn shape_of_kind(&mut self, schema: &Schema, pointer: &Pointer, hint: &str) -> Result<Shape, Error> {
        use openapiv3::Type as T;
        match &schema.schema_kind {
            SchemaKind::Type(T::String(s)) => {
                if !s.enumeration.is_empty() {
                    return Ok(Shape::New(TypeKind::Enum(string_enum(&s.enumeration))));
                }
                Ok(Shape::Type(match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Type::Bytes,
                    _ => Type::String,
                }))
            }
            SchemaKind::Type(T::Integer(i)) => Ok(Shape::Type(Type::Integer {
                bits: if matches!(i.format, VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)) { 32 } else { 64 },
            })),
            SchemaKind::Type(T::Number(_)) => Ok(Shape::Type(Type::Number { bits: 64 })),
            SchemaKind::Type(T::Boolean(_)) => Ok(Shape::Type(Type::Boolean)),
            SchemaKind::Type(T::Array(a)) => {
                let items = match &a.items {
                    Some(items) => self.schema_type(items, &pointer.join("items"), &format!("{hint}Item"))?,
                    None => Type::Any,
                };
                Ok(Shape::Type(Type::Array(Box::new(items))))
            }
            SchemaKind::Type(T::Object(o)) => {
                self.object(&o.properties, &o.required, o.additional_properties.as_ref(), pointer, hint)
            }
            SchemaKind::OneOf { one_of } => self.union(one_of, schema, pointer, hint, "oneOf"),
            SchemaKind::AnyOf { any_of } => self.union(any_of, schema, pointer, hint, "anyOf"),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, pointer, hint),
            SchemaKind::Not { .. } => {
                Err(self.error(pointer, "unsupported construct: `not` schemas have no Rust type"))
            }
            SchemaKind::Any(any) => self.any_schema(any, schema, pointer, hint),
        }
    }

    /// Schemas openapiv3 could not classify: either truly free (`{}`), an object without `type`,
    /// or a combination the generator refuses rather than guesses.
    fn any_schema(&mut self, any: &AnySchema, schema: &Schema, pointer: &Pointer, hint: &str) -> Result<Shape, Error> {
        let has_composition =
            !any.one_of.is_empty() || !any.all_of.is_empty() || !any.any_of.is_empty() || any.not.is_some();
        let has_object = !any.properties.is_empty() || any.additional_properties.is_some() || !any.required.is_empty();
        match any.typ.as_deref() {
            None | Some("object") if has_object && !has_composition && any.items.is_none() && any.enumeration.is_empty() => {
                self.object(&any.properties, &any.required, any.additional_properties.as_ref(), pointer, hint)
            }
            None if *any == AnySchema::default() => Ok(Shape::Type(Type::Any)),
            None if !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_string() || v.is_null()) && !has_composition && !has_object => {
                let values: Vec<Option<String>> = any.enumeration.iter().map(|v| v.as_str().map(str::to_owned)).collect();
                Ok(Shape::New(TypeKind::Enum(string_enum(&values))))
            }
            Some(t @ ("string" | "integer" | "number" | "boolean" | "array" | "object")) if has_composition => Err(self.error(
                pointer,
                format!("unsupported construct: `type: {t}` combined with oneOf/anyOf/allOf/not (put the type inside the variants)"),
            )),
            Some(t @ ("string" | "integer" | "number" | "boolean" | "array" | "object")) => Err(self.error(
                pointer,
                format!("invalid schema: keywords or enum values that do not belong to `type: {t}`"),
            )),
            Some(other) => Err(self.error(&pointer.join("type"), format!("unknown schema type `{other}`"))),
            None if has_composition => Err(self.error(
                pointer,
                "unsupported construct: oneOf/anyOf/allOf/not mixed with other schema keywords",
            )),
            None => {
                let _ = schema;
                Err(self.error(pointer, "unsupported construct: schema constraints without a `type`"))
            }
        }
    }

    fn object(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &Pointer,
        hint: &str,
    ) -> Result<Shape, Error> {
        let extra_value = match additional {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(Type::Any),
            Some(AdditionalProperties::Schema(s)) => {
                let s: &ReferenceOr<Schema> = s;
                match s {
                    ReferenceOr::Item(schema) if is_empty_schema(schema) => Some(Type::Any),
                    _ => Some(self.schema_type(s, &pointer.join("additionalProperties"), &format!("{hint}Value"))?),
                }
            }
        };
        if properties.is_empty() {
            return Ok(Shape::Type(match extra_value {
                None | Some(Type::Any) => Type::Object,
                Some(value) => Type::Map(Box::new(value)),
            }));
        }
        for name in required {
            if !properties.contains_key(name) {
                return Err(self.error(
                    &pointer.join("required"),
                    format!("required property `{name}` is not declared in `properties`"),
                ));
            }
        }
        let mut field_names = Scope::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, property) in properties {
            let property_pointer = pointer.join("properties").join(wire_name);
            let ty =
                self.schema_type(property, &property_pointer, &format!("{hint}{}", names::pascal(wire_name, "Field")))?;
            let (docs, read_only, write_only) = match property {
                ReferenceOr::Item(s) => (schema_docs(s), s.schema_data.read_only, s.schema_data.write_only),
                ReferenceOr::Reference { .. } => (None, false, false),
            };
            let shown =
                self.shown_property(wire_name, property, properties.keys().map(String::as_str), &property_pointer)?;
            fields.push(Field {
                name: field_names.claim(names::snake(wire_name, "field")),
                wire_name: wire_name.clone(),
                ty,
                // A read-only or write-only property is absent in one direction, so never required.
                required: required.contains(wire_name) && !read_only && !write_only,
                read_only,
                write_only,
                boxed: false,
                shown,
                three_state: false,
                docs,
            });
        }
        let extra = extra_value.map(|value| ExtraField { name: field_names.claim("extra".to_owned()), value });
        let default = fields.iter().all(|f| !f.required);
        Ok(Shape::New(TypeKind::Struct(Struct { fields, extra, default, error_fields: None })))
    }

    fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        schema: &Schema,
        pointer: &Pointer,
        hint: &str,
        keyword: &str,
    ) -> Result<Shape, Error> {
        let members_pointer = pointer.join(keyword);
        match members {
            [] => return Err(self.error(&members_pointer, format!("`{keyword}` must list at least one schema"))),
            [only] => {
                let ty = self.schema_type(only, &members_pointer.join(0), hint)?;
                return Ok(Shape::Type(ty));
            }
            _ => {}
        }
        let union_name = hint;
        let ref_names: Vec<Option<String>> = members
            .iter()
            .map(|m| match m {
                ReferenceOr::Reference { reference } => {
                    reference.rsplit('/').next().map(|n| names::pascal(n, "Variant"))
                }
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let stripped = strip_common_words(&ref_names);
        let mut variant_names = Scope::default();
        let mut variants = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let base = match (&stripped[index], member) {
                (Some(name), _) => name.clone(),
                (None, ReferenceOr::Item(s)) => shape_name(s),
                (None, ReferenceOr::Reference { .. }) => format!("Variant{index}"),
            };
            let name = variant_names.claim(base);
            let member_pointer = members_pointer.join(index);
            let ty = self.schema_type(member, &member_pointer, &format!("{union_name}{name}"))?;
            let secret = self.stated_secrecy(member, &member_pointer)? == Some(true);
            variants.push(UnionVariant { name, ty, marker_properties: Vec::new(), discriminator_value: None, secret });
        }
        let discriminator = match &schema.schema_data.discriminator {
            None => None,
            Some(d) => {
                for (index, member) in members.iter().enumerate() {
                    let value = match member {
                        ReferenceOr::Reference { reference } => d
                            .mapping
                            .iter()
                            .find(|(_, target)| *target == reference)
                            .map(|(value, _)| value.clone())
                            .or_else(|| reference.rsplit('/').next().map(str::to_owned)),
                        ReferenceOr::Item(_) => None,
                    };
                    if value.is_none() {
                        return Err(self.error(
                            &members_pointer.join(index),
                            "a variant of a union with a discriminator must be a $ref",
                        ));
                    }
                    variants[index].discriminator_value = value;
                }
                Some(d.property_name.clone())
            }
        };
        Ok(Shape::New(TypeKind::Union(Union { variants, discriminator, error_body: false })))
    }

    /// `allOf` merges its members' properties into one struct (a single member is just that type).
    fn all_of(&mut self, members: &[ReferenceOr<Schema>], pointer: &Pointer, hint: &str) -> Result<Shape, Error> {
        let members_pointer = pointer.join("allOf");
        match members {
            [] => return Err(self.error(&members_pointer, "`allOf` must list at least one schema")),
            [only] => return Ok(Shape::Type(self.schema_type(only, &members_pointer.join(0), hint)?)),
            _ => {}
        }
        let mut properties = indexmap::IndexMap::new();
        let mut required = Vec::new();
        let mut additional = None;
        for (index, member) in members.iter().enumerate() {
            let member_pointer = members_pointer.join(index);
            let (schema, _) = self.resolve(member, &member_pointer, "schemas", |c| &c.schemas)?;
            let object = match &schema.schema_kind {
                SchemaKind::Type(openapiv3::Type::Object(o)) => {
                    (&o.properties, &o.required, o.additional_properties.as_ref())
                }
                SchemaKind::Any(a)
                    if a.typ.is_none() && a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() =>
                {
                    (&a.properties, &a.required, a.additional_properties.as_ref())
                }
                _ => {
                    return Err(self.error(&member_pointer, "unsupported construct: `allOf` members must be objects"));
                }
            };
            for (name, property) in object.0 {
                properties.insert(name.clone(), property.clone());
            }
            required.extend(object.1.iter().cloned());
            if let Some(a) = object.2 {
                additional = Some(a.clone());
            }
        }
        self.object(&properties, &required, additional.as_ref(), pointer, hint)
    }
}

fn nullable(ty: Type) -> Type {
    match ty {
        Type::Nullable(_) => ty,
        other => Type::Nullable(Box::new(other)),
    }
}

/// Whether a schema defines a new named type (rather than naming an existing or built-in one).
pub(crate) fn creates_type(schema: &Schema) -> bool {
    use openapiv3::Type as T;
    match &schema.schema_kind {
        SchemaKind::Type(T::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(T::Object(o)) => !o.properties.is_empty(),
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => members.len() > 1,
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        SchemaKind::Any(a) => {
            !a.properties.is_empty()
                || (a.typ.is_none()
                    && !a.enumeration.is_empty()
                    && a.one_of.is_empty()
                    && a.all_of.is_empty()
                    && a.any_of.is_empty())
        }
        _ => false,
    }
}

fn string_enum(values: &[Option<String>]) -> StringEnum {
    let mut scope = Scope::default();
    let mut seen = BTreeSet::new();
    let variants: Vec<EnumVariant> = values
        .iter()
        .flatten()
        .filter(|v| seen.insert(v.as_str()))
        .enumerate()
        .map(|(index, value)| EnumVariant {
            name: scope.claim(names::pascal(value, &format!("Value{index}"))),
            value: value.clone(),
        })
        .collect();
    let other = scope.claim("Other".to_owned());
    StringEnum { variants, other }
}

pub(crate) fn schema_docs(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    match (&data.title, &data.description) {
        (Some(t), Some(d)) => Some(format!("{t}\n\n{d}")),
        (Some(t), None) => Some(t.clone()),
        (None, Some(d)) => Some(d.clone()),
        (None, None) => None,
    }
}

fn is_empty_schema(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if *a == AnySchema::default())
}

/// A variant name for an inline union member, from its shape.
fn shape_name(schema: &Schema) -> String {
    use openapiv3::Type as T;
    match &schema.schema_kind {
        SchemaKind::Type(T::String(_)) => "String",
        SchemaKind::Type(T::Integer(_)) => "Integer",
        SchemaKind::Type(T::Number(_)) => "Number",
        SchemaKind::Type(T::Boolean(_)) => "Boolean",
        SchemaKind::Type(T::Array(_)) => "Array",
        SchemaKind::Type(T::Object(_)) => "Object",
        _ => "Value",
    }
    .to_owned()
}

/// Drops the words that all `$ref` variant names share (`DeleteObjectsResponseItemSuccess`,
/// `DeleteObjectsResponseItemError` -> `Success`, `Error`), when every name keeps a word.
fn strip_common_words(names: &[Option<String>]) -> Vec<Option<String>> {
    let words: Vec<Option<Vec<String>>> = names.iter().map(|n| n.as_deref().map(split_words)).collect();
    let present: Vec<&Vec<String>> = words.iter().flatten().collect();
    if present.len() < 2 || present.len() != names.len() {
        return names.to_vec();
    }
    let shortest = present.iter().map(|w| w.len()).min().unwrap_or(0);
    let common_prefix = (0..shortest).take_while(|&i| present.iter().all(|w| w[i] == present[0][i])).count();
    let shortest_after = present.iter().map(|w| w.len() - common_prefix).min().unwrap_or(0);
    let common_suffix = (0..shortest_after)
        .take_while(|&i| present.iter().all(|w| w[w.len() - 1 - i] == present[0][present[0].len() - 1 - i]))
        .count();
    let stripped: Vec<String> = present.iter().map(|w| w[common_prefix..w.len() - common_suffix].concat()).collect();
    let distinct: BTreeSet<&String> = stripped.iter().collect();
    if stripped.iter().any(|s| s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()))
        || distinct.len() != stripped.len()
    {
        return names.to_vec();
    }
    stripped.into_iter().map(Some).collect()
}

/// `V1TokenResponse` -> [`V1`, `Token`, `Response`].
fn split_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

/// Fills in each union variant's marker properties: the properties only that variant declares.
pub(super) fn mark_union_variants(types: &mut [TypeDef]) {
    let property_sets: Vec<Option<BTreeSet<String>>> =
        (0..types.len()).map(|i| struct_properties(types, TypeId(i))).collect();
    for def in types.iter_mut() {
        let TypeKind::Union(union) = &mut def.kind else { continue };
        let sets: Vec<Option<&BTreeSet<String>>> = union
            .variants
            .iter()
            .map(|v| match resolve_named(&v.ty) {
                Some(id) => property_sets[id.0].as_ref(),
                None => None,
            })
            .collect();
        for (index, variant) in union.variants.iter_mut().enumerate() {
            let Some(own) = sets[index] else { continue };
            variant.marker_properties = own
                .iter()
                .filter(|p| {
                    sets.iter().enumerate().all(|(j, other)| j == index || !other.is_some_and(|o| o.contains(*p)))
                })
                .cloned()
                .collect();
        }
    }
}

/// Field names that carry an error's code, message and request id, in order of preference.
const CODE_FIELDS: &[&str] = &["code", "error", "errorCode", "error_code"];
const MESSAGE_FIELDS: &[&str] = &["message", "error_description", "errorMessage", "msg"];
const REQUEST_ID_FIELDS: &[&str] = &["requestId", "request_id", "RequestId"];

/// Marks the structs that are documented error bodies with the fields that carry what.
pub(super) fn mark_error_bodies(types: &mut [TypeDef], operations: &[crate::ir::Operation]) {
    let mut ids = BTreeSet::new();
    let mut unions = BTreeSet::new();
    for response in operations.iter().flat_map(|op| &op.responses).filter(|r| !r.status.is_success()) {
        for content in &response.contents {
            let Some(named) = resolve_named(&content.ty) else { continue };
            if let Some(id) = struct_id(types, named) {
                ids.insert(id);
            } else if let Some(id) = through_aliases(types, named)
                && let TypeKind::Union(u) = &types[id.0].kind
            {
                // A union of error bodies (`oneOf: [ErrorResponse, StreamErrorResponse]`) is one.
                let variants: Option<Vec<TypeId>> =
                    u.variants.iter().map(|v| resolve_named(&v.ty).and_then(|v| struct_id(types, v))).collect();
                if let Some(variants) = variants {
                    ids.extend(variants);
                    unions.insert(id);
                }
            }
        }
    }
    for id in &unions {
        if let TypeKind::Union(u) = &mut types[id.0].kind {
            u.error_body = true;
        }
    }
    // A nested `error` object is an error body too (the OpenAI shape `{error: {code, message}}`).
    let mut nested = BTreeMap::new();
    for id in &ids {
        if let TypeKind::Struct(s) = &types[id.0].kind
            && let Some(field) = s.fields.iter().find(|f| f.wire_name == "error")
            && let Some(inner) = resolve_named(&field.ty).and_then(|inner| struct_id(types, inner))
        {
            nested.insert(*id, (field.name.clone(), inner));
        }
    }
    ids.extend(nested.values().map(|(_, inner)| *inner));
    for id in ids {
        if let TypeKind::Struct(s) = &mut types[id.0].kind {
            let pick = |candidates: &[&str]| {
                candidates.iter().find_map(|wire| {
                    s.fields
                        .iter()
                        .find(|f| {
                            f.wire_name == *wire
                                && matches!(f.ty, Type::String | Type::Nullable(_))
                                && is_stringy(&f.ty)
                        })
                        .map(|f| f.name.clone())
                })
            };
            let fields = crate::ir::ErrorFields {
                code: pick(CODE_FIELDS),
                message: pick(MESSAGE_FIELDS),
                request_id: pick(REQUEST_ID_FIELDS),
                nested: nested.get(&id).map(|(field, _)| field.clone()),
            };
            s.error_fields = Some(fields);
        }
    }
}

fn is_stringy(ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Nullable(inner) => is_stringy(inner),
        _ => false,
    }
}

/// The type `id` names once aliases (`type A = B`) are followed; `None` for an alias of something
/// other than a named type, or a cycle of aliases. (A newtype is a type of its own.)
fn through_aliases(types: &[TypeDef], id: TypeId) -> Option<TypeId> {
    let mut current = id;
    for _ in 0..=types.len() {
        match &types[current.0].kind {
            _ if types[current.0].newtype => return Some(current),
            TypeKind::Alias(Type::Named(next)) => current = *next,
            TypeKind::Alias(_) => return None,
            _ => return Some(current),
        }
    }
    None
}

/// The struct a type names, following aliases.
fn struct_id(types: &[TypeDef], id: TypeId) -> Option<TypeId> {
    through_aliases(types, id).filter(|id| matches!(types[id.0].kind, TypeKind::Struct(_)))
}

/// The struct or shared runtime type `id` names (through aliases): a type an error body can
/// decode into.
pub(crate) fn body_struct_id(types: &[TypeDef], id: TypeId) -> Option<TypeId> {
    through_aliases(types, id).filter(|id| match &types[id.0].kind {
        TypeKind::Struct(_) | TypeKind::Runtime(_) => true,
        TypeKind::Union(u) => u.error_body,
        _ => false,
    })
}

fn resolve_named(ty: &Type) -> Option<TypeId> {
    match ty {
        Type::Named(id) => Some(*id),
        Type::Nullable(inner) => resolve_named(inner),
        _ => None,
    }
}

/// Wire names of a struct's properties, following aliases.
fn struct_properties(types: &[TypeDef], id: TypeId) -> Option<BTreeSet<String>> {
    let mut current = id;
    for _ in 0..=types.len() {
        match &types[current.0].kind {
            TypeKind::Struct(s) => return Some(s.fields.iter().map(|f| f.wire_name.clone()).collect()),
            _ if types[current.0].newtype => return None,
            TypeKind::Alias(Type::Named(next)) => current = *next,
            _ => return None,
        }
    }
    None
}

/// Marks struct fields that hold their own type without indirection (directly or through other
/// structs, unions and options) so they are emitted as `Box<T>`.
pub(super) fn box_recursive_fields(types: &mut [TypeDef]) {
    // Direct containment edges: a type holds another inline (not behind Vec/Map).
    let edges: Vec<BTreeSet<usize>> = types.iter().map(|def| direct_children(&def.kind)).collect();
    let mut reach: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for start in 0..types.len() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = edges[start].iter().copied().collect();
        while let Some(next) = stack.pop() {
            if seen.insert(next) {
                stack.extend(edges[next].iter().copied());
            }
        }
        reach.insert(start, seen);
    }
    for (index, def) in types.iter_mut().enumerate() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for field in &mut s.fields {
                if let Some(child) = direct_named(&field.ty) {
                    field.boxed = child == index || reach[&child].contains(&index);
                }
            }
        }
    }
}

fn direct_named(ty: &Type) -> Option<usize> {
    match ty {
        Type::Named(id) => Some(id.0),
        Type::Nullable(inner) => direct_named(inner),
        _ => None,
    }
}

fn direct_children(kind: &TypeKind) -> BTreeSet<usize> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct_named(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct_named(&v.ty)).collect(),
        TypeKind::Alias(ty) => direct_named(ty).into_iter().collect(),
        TypeKind::Enum(_) | TypeKind::Runtime(_) | TypeKind::Form(_) | TypeKind::Headers(_) => BTreeSet::new(),
    }
}

/// `format: binary` is a body (or a form's file part), never a JSON value; and a form type
/// ([`TypeKind::Form`]) is sent as `multipart/form-data` only: a schema that is also
/// a JSON property, body or reply (or a parameter) cannot be both, and is an error at the place
/// that uses it so.
pub(crate) fn check_binary(
    file: &str,
    types: &[TypeDef],
    operations: &[crate::ir::Operation],
) -> Result<(), crate::error::Error> {
    use crate::ir::BodyKind;
    fn binary(ty: &Type) -> bool {
        match ty {
            Type::Bytes => true,
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => binary(inner),
            _ => false,
        }
    }
    for def in types {
        let inside = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| binary(&f.ty)),
            TypeKind::Union(u) => u.variants.iter().any(|v| binary(&v.ty)),
            _ => false,
        };
        if inside {
            return Err(crate::error::Error::at(
                file,
                &crate::error::Pointer::escaped(&def.pointer),
                "unsupported construct: `format: binary` inside a JSON schema (binary data is a body of its own, \
                 or a file part of a `multipart/form-data` form)",
            ));
        }
    }
    let forms: BTreeSet<usize> =
        types.iter().enumerate().filter(|(_, d)| matches!(d.kind, TypeKind::Form(_))).map(|(i, _)| i).collect();
    if forms.is_empty() {
        return Ok(());
    }
    fn mentioned(ty: &Type, forms: &BTreeSet<usize>) -> Option<usize> {
        match ty {
            Type::Named(id) if forms.contains(&id.0) => Some(id.0),
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => mentioned(inner, forms),
            _ => None,
        }
    }
    let misuse = |pointer: &str, form: usize, what: &str| {
        crate::error::Error::at(
            file,
            &crate::error::Pointer::escaped(pointer),
            format!(
                "unsupported construct: schema `{}` is a `multipart/form-data` body and also {what}",
                types[form].origin.trim_start_matches("components.schemas.")
            ),
        )
    };
    for def in types {
        let used: Vec<&Type> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
            _ => Vec::new(),
        };
        if let Some(form) = used.into_iter().find_map(|ty| mentioned(ty, &forms)) {
            return Err(misuse(&def.pointer, form, "a part of another schema"));
        }
    }
    for op in operations {
        let json_forms = op.body.iter().flat_map(|b| &b.forms).filter(|f| f.kind != BodyKind::Multipart);
        if let Some(form) = json_forms.clone().find_map(|f| mentioned(&f.ty, &forms)) {
            return Err(misuse(&format!("{}/requestBody", op.pointer), form, "another media type of a body"));
        }
        let replies = op.responses.iter().flat_map(|r| &r.contents);
        if let Some(form) = replies.clone().find_map(|c| mentioned(&c.ty, &forms)) {
            return Err(misuse(&format!("{}/responses", op.pointer), form, "a reply"));
        }
        if let Some(form) = op.params.iter().find_map(|p| mentioned(&p.ty, &forms)) {
            return Err(misuse(&format!("{}/parameters", op.pointer), form, "a parameter"));
        }
    }
    Ok(())
}

/// Marks the optional, nullable fields of the types request bodies send (and of the types those
/// contain) as three-state: absent, `null`, or a value.
pub(crate) fn mark_three_state(types: &mut [TypeDef], operations: &[crate::ir::Operation]) {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Type> =
        operations.iter().flat_map(|op| op.body.iter().flat_map(|b| &b.forms)).map(|f| f.ty.clone()).collect();
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => stack.push(*inner),
            Type::Named(id) if seen.insert(id.0) => match &types[id.0].kind {
                TypeKind::Alias(t) => stack.push(t.clone()),
                TypeKind::Struct(s) => stack.extend(s.fields.iter().map(|f| f.ty.clone())),
                TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty.clone())),
                _ => {}
            },
            _ => {}
        }
    }
    let nullable: Vec<Vec<bool>> = types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| is_nullable(types, &f.ty)).collect(),
            _ => Vec::new(),
        })
        .collect();
    for index in seen {
        if let TypeKind::Struct(s) = &mut types[index].kind {
            for (field, nullable) in s.fields.iter_mut().zip(&nullable[index]) {
                field.three_state = !field.required && *nullable && !field.read_only;
            }
        }
    }
}

/// Whether `ty` admits `null`, through aliases (`type AllowedMimeTypes = Option<Vec<String>>`).
fn is_nullable(types: &[TypeDef], ty: &Type) -> bool {
    let mut current = ty;
    for _ in 0..=types.len() {
        match current {
            Type::Nullable(_) => return true,
            Type::Named(id) => match &types[id.0].kind {
                // A newtype is a value, never `null` itself.
                TypeKind::Alias(next) if !types[id.0].newtype => current = next,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Structs of exactly the shape of a runtime type become that type ([`TypeKind::Runtime`]), so
/// one Rust type serves every area that documents the shape.
pub(crate) fn share_runtime_types(types: &mut [TypeDef]) {
    for def in types {
        if let TypeKind::Struct(s) = &def.kind
            && crate::ir::RuntimeType::GatewayError.matches(s)
        {
            def.kind = TypeKind::Runtime(crate::ir::RuntimeType::GatewayError);
        }
    }
}
