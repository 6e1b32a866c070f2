//! Paths and operations -> IR operations: parameters, bodies, responses and security.

use super::Normalizer;
use crate::error::{Error, Pointer};
use crate::ir::{
    BUILDER_IMPORTS, BodyForm, BodyKind, ClientDefault, Constant, Constraints, Content, ContentKind, EventStream,
    FreeForm, Method, Operation, Param, ParamLocation, ParamStyle, PathPart, RequestBody, Response, ResponseHeader,
    SecurityRequirement, StatusSpec, Success, SuccessCase, SuccessVariant, Type,
};
use crate::ir::{Form, FormField, TypeKind};
use crate::names::{self, Scope};
use openapiv3::{
    Header, Parameter, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr, Schema, SchemaKind,
    SecurityScheme, StatusCode,
};
use std::collections::{BTreeMap, BTreeSet};

/// The response extension saying a success may also come without a body.
const BODY_OPTIONAL: &str = "x-body-optional";

/// On a request body: its binary media type stands for any (the caller says which).
const ANY_CONTENT_TYPE: &str = "x-any-content-type";

impl<'a> Normalizer<'a> {
    pub(crate) fn operations(&mut self, area: &str) -> Result<Vec<Operation>, Error> {
        // The names operations ask for by `x-rust-name`, each with its first claimant: no other
        // operation gets one, by the rule or by asking too (a located error names both).
        let asked = self.asked_method_names();
        let reserved: Vec<&str> =
            asked.keys().map(String::as_str).chain(names::API_TRAIT_METHODS.iter().copied()).collect();
        let mut method_names = Scope::with_reserved(&reserved);
        // Builders live in `<area>::builders`, apart from the data types; they refer to those as
        // `super::Name` and see only the prelude and their imports.
        let mut builder_names = Scope::with_reserved(&names::reserved_builder_names());
        let mut ids = BTreeSet::new();
        let mut operations = Vec::new();
        let document = self.document;
        for (path, item) in &document.paths.paths {
            let path_pointer = Pointer::root().join("paths").join(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    return Err(self.error(
                        &path_pointer.join("$ref"),
                        format!("unsupported construct: path item $ref `{reference}`"),
                    ));
                }
            };
            for (method, key, operation) in path_operations(item) {
                let pointer = path_pointer.join(key);
                let id = operation
                    .operation_id
                    .clone()
                    .ok_or_else(|| self.error(&pointer, "operation has no operationId, so it cannot be named"))?;
                if !ids.insert(id.clone()) {
                    return Err(self.error(&pointer.join("operationId"), format!("duplicate operationId `{id}`")));
                }
                let method_name = match self.rust_name(&operation.extensions, &pointer, super::Case::Snake)? {
                    Some(name) if names::API_TRAIT_METHODS.contains(&name.as_str()) => {
                        return Err(self.error(
                            &pointer.join(super::RUST_NAME),
                            format!(
                                "`{}` `{name}` would be hidden by the prelude trait method of that name when \
                                 called on the area's API (`client.{area}().{name}()`): give the operation \
                                 another name",
                                super::RUST_NAME
                            ),
                        ));
                    }
                    Some(name) => match asked.get(&name) {
                        Some((first, first_pointer)) if *first_pointer != pointer => {
                            return Err(self.taken_method(&pointer, &name, (first, first_pointer), ""));
                        }
                        // Reserved for it above.
                        _ => name,
                    },
                    None => {
                        let name = names::operation_method(&id, area);
                        if let Some((_, asker)) = asked.get(&name) {
                            let rule = ", which the naming rule gives it";
                            return Err(self.taken_method(asker, &name, (&id, &pointer), rule));
                        }
                        method_names.claim(name)
                    }
                };
                let builder = builder_names.claim(names::pascal(&method_name, "Operation"));
                let mut op = self.operation(
                    path,
                    method,
                    &id,
                    (method_name, builder),
                    (&item.parameters, &path_pointer),
                    operation,
                    &pointer,
                )?;
                // The mock's enum of a body's forms sits beside the typed requests, named like them.
                if let Some(body) = op.body.as_mut().filter(|b| b.forms.len() > 1) {
                    body.forms_enum = Some(builder_names.claim(format!("{}Body", op.builder)));
                }
                operations.push(op);
            }
        }
        Ok(operations)
    }

    /// The method names operations ask for by a valid `x-rust-name`, each with the operationId and
    /// pointer of the first to ask (the rest are reported where they are read).
    fn asked_method_names(&self) -> BTreeMap<String, (String, Pointer)> {
        let mut asked = BTreeMap::new();
        for (path, item) in &self.document.paths.paths {
            let ReferenceOr::Item(item) = item else { continue };
            let path_pointer = Pointer::root().join("paths").join(path);
            for (_, key, operation) in path_operations(item) {
                let pointer = path_pointer.join(key);
                if let (Some(id), Ok(Some(name))) =
                    (&operation.operation_id, self.rust_name(&operation.extensions, &pointer, super::Case::Snake))
                {
                    asked.entry(name).or_insert_with(|| (id.clone(), pointer));
                }
            }
        }
        asked
    }

    /// The `x-rust-name` of the operation at `at` asks for `name`, which the `other` operation
    /// (its operationId and pointer) claims too (`how`).
    fn taken_method(&self, at: &Pointer, name: &str, (other, other_at): (&str, &Pointer), how: &str) -> Error {
        self.error(
            &at.join(super::RUST_NAME),
            format!(
                "`{}` `{name}` would also be the method of operation `{other}` ({other_at}){how}: give one of \
                 them another name",
                super::RUST_NAME
            ),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: Method,
        id: &str,
        (method_name, builder): (String, String),
        path_params: (&'a [ReferenceOr<Parameter>], &Pointer),
        operation: &'a openapiv3::Operation,
        pointer: &Pointer,
    ) -> Result<Operation, Error> {
        let (params, constants) = self.parameters(path_params, &operation.parameters, pointer, &builder)?;
        let path_parts = self.path_parts(path, &params, pointer)?;
        let body = match &operation.request_body {
            Some(body) => Some(self.request_body(body, &pointer.join("requestBody"), &builder)?),
            None => None,
        };
        let (responses, success) = self.responses(&operation.responses, &pointer.join("responses"), &builder)?;
        let stream = self.event_stream(&responses, operation);
        let security = self.security(operation.security.as_ref(), pointer)?;
        let accept = accept(&responses);
        let trailing_slash = match operation.extensions.get("x-trailing-slash") {
            None => false,
            Some(serde_json::Value::String(s)) if s == "also" && !path.ends_with('/') => true,
            Some(_) => {
                return Err(self.error(
                    &pointer.join("x-trailing-slash"),
                    "`x-trailing-slash` must be `also`, on a path that does not end in `/`",
                ));
            }
        };
        let link = method == Method::Get
            && body.is_none()
            && !security.is_empty()
            && security.iter().all(|s| *s == SecurityRequirement::None)
            && params.iter().all(|p| p.location != ParamLocation::Header)
            && constants.iter().all(|c| c.location != ParamLocation::Header);
        Ok(Operation {
            id: id.to_owned(),
            method_name,
            builder,
            method,
            path: path.to_owned(),
            path_parts,
            pointer: pointer.to_string(),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            docs_url: operation.extensions.get("x-docs-url").and_then(|v| v.as_str()).map(str::to_owned),
            specialization_of: operation
                .extensions
                .get("x-specialization-of")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            deprecated: operation.deprecated,
            params,
            constants,
            body,
            responses,
            success,
            stream,
            security,
            link,
            trailing_slash,
            errors: Default::default(),
            accept,
            mock: Default::default(),
        })
    }

    fn parameters(
        &mut self,
        (path_level, path_item_pointer): (&'a [ReferenceOr<Parameter>], &Pointer),
        operation_level: &'a [ReferenceOr<Parameter>],
        pointer: &Pointer,
        builder: &str,
    ) -> Result<(Vec<Param>, Vec<Constant>), Error> {
        let mut resolved: Vec<(&'a Parameter, Pointer)> = Vec::new();
        for (index, p) in path_level.iter().enumerate() {
            resolved.push(
                self.resolve(p, &path_item_pointer.join("parameters").join(index), "parameters", |c| &c.parameters)?,
            );
        }
        for (index, p) in operation_level.iter().enumerate() {
            let (param, at) =
                self.resolve(p, &pointer.join("parameters").join(index), "parameters", |c| &c.parameters)?;
            let data = param.parameter_data_ref();
            // An operation-level parameter overrides the path-level one with the same name and location.
            resolved.retain(|(existing, _)| {
                !(existing.parameter_data_ref().name == data.name && location_key(existing) == location_key(param))
            });
            resolved.push((param, at));
        }
        let mut names = Scope::with_reserved(&names::reserved_setter_names());
        let mut params = Vec::with_capacity(resolved.len());
        let mut constants = Vec::new();
        for (param, at) in resolved {
            let data = param.parameter_data_ref();
            match self.single_value(param, &at)? {
                // Required with one allowed value (`enum: ['true']`): nothing to choose, so it is
                // sent on every request.
                Some((location, value)) if data.required => constants.push(Constant {
                    wire_name: data.name.clone(),
                    location,
                    value,
                    docs: data.description.clone(),
                }),
                // Optional with one allowed value: a flag, sent or not.
                single => {
                    let flag = single.map(|(_, value)| value);
                    params.push(self.parameter(param, &at, builder, &mut names, flag)?);
                }
            }
        }
        Ok((params, constants))
    }

    /// The one string a query or header parameter's schema allows, if it allows one.
    fn single_value(&self, param: &'a Parameter, at: &Pointer) -> Result<Option<(ParamLocation, String)>, Error> {
        let data = param.parameter_data_ref();
        let location = match param {
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            _ => return Ok(None),
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else { return Ok(None) };
        let (schema, _) = self.resolve(schema, &at.join("schema"), "schemas", |c| &c.schemas)?;
        let SchemaKind::Type(openapiv3::Type::String(s)) = &schema.schema_kind else { return Ok(None) };
        let [Some(value)] = s.enumeration.as_slice() else { return Ok(None) };
        Ok(Some((location, value.clone())))
    }

    fn parameter(
        &mut self,
        param: &'a Parameter,
        at: &Pointer,
        builder: &str,
        names: &mut Scope,
        flag: Option<String>,
    ) -> Result<Param, Error> {
        let data = param.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => {
                return Err(self.error(
                    &at.join("content"),
                    "unsupported construct: parameters described by `content` (use `schema`)",
                ));
            }
        };
        let hint = format!("{builder}{}", names::pascal(&data.name, "Param"));
        let ty = match flag {
            Some(_) => Type::Boolean,
            None => self.schema_type(schema, &at.join("schema"), &hint)?,
        };
        let shape = self.value_shape(&ty);
        let ty = self.sendable(ty, shape);
        let (location, style) = match param {
            Parameter::Path { style, .. } => {
                if !matches!(style, PathStyle::Simple) {
                    return Err(self
                        .error(&at.join("style"), "unsupported construct: path parameter style other than `simple`"));
                }
                if shape != ValueShape::Scalar {
                    return Err(self.error(&at.join("schema"), "unsupported construct: path parameters must be scalar"));
                }
                if !data.required {
                    return Err(self.error(&at.join("required"), "path parameters must be `required: true`"));
                }
                (ParamLocation::Path, ParamStyle::Simple)
            }
            Parameter::Query { style, .. } => {
                if !matches!(style, QueryStyle::Form) {
                    return Err(
                        self.error(&at.join("style"), "unsupported construct: query parameter style other than `form`")
                    );
                }
                let explode = data.explode.unwrap_or(true);
                match (shape, explode) {
                    (ValueShape::Scalar, _) => (ParamLocation::Query, ParamStyle::Simple),
                    // Sent pair by pair: a list's items and a map's values each as text, which a
                    // JSON value is and an object, a nested list or a newtype is not.
                    (ValueShape::Other, true) if !self.explodes(&ty) => {
                        return Err(
                            self.error(&at.join("schema"), "unsupported construct: query parameter of this type")
                        );
                    }
                    (_, true) => (ParamLocation::Query, ParamStyle::Exploded),
                    (ValueShape::List, false) => (ParamLocation::Query, ParamStyle::Simple),
                    (ValueShape::Map, false) => {
                        return Err(self.error(
                            &at.join("explode"),
                            "unsupported construct: object query parameters with `explode: false`",
                        ));
                    }
                    (ValueShape::Other, false) => {
                        return Err(
                            self.error(&at.join("schema"), "unsupported construct: query parameter of this type")
                        );
                    }
                }
            }
            Parameter::Header { .. } => {
                if !matches!(shape, ValueShape::Scalar | ValueShape::List) {
                    return Err(self.error(
                        &at.join("schema"),
                        "unsupported construct: header parameters must be scalars or arrays",
                    ));
                }
                (ParamLocation::Header, ParamStyle::Simple)
            }
            Parameter::Cookie { .. } => {
                return Err(self.error(&at.join("in"), "unsupported construct: cookie parameters"));
            }
        };
        let allow_slashes = data
            .extensions
            .get("x-path-parameter-may-contain-slashes")
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false);
        if allow_slashes && location != ParamLocation::Path {
            return Err(self.error(at, "`x-path-parameter-may-contain-slashes` only applies to path parameters"));
        }
        let client_default = self.client_default(data, location, &ty, at)?;
        let example = match self.documented_example(&data.example, &data.examples, Some(schema), at)? {
            Some((value, pointer)) => {
                self.check_param_example(&ty, flag.as_deref(), value, &pointer)?;
                Some(value.clone())
            }
            None => None,
        };
        let text = matches!(&ty, Type::String) || matches!(&ty, Type::Array(item) if **item == Type::String);
        let secret = flag.is_none() && text && super::secret::secret_name(&data.name, []);
        Ok(Param {
            secret,
            wire_name: data.name.clone(),
            name: names.claim(names::snake(&data.name, "param")),
            location,
            ty,
            required: data.required,
            style,
            allow_slashes,
            flag,
            constraints: {
                let mut constraints = self.constraints(schema, at)?;
                // The runtime refuses an empty path segment already (`encode_segment`).
                if location == ParamLocation::Path && constraints.min_length == Some(1) {
                    constraints.min_length = None;
                }
                constraints
            },
            example,
            shadowed: Vec::new(),
            client_default,
            docs: data.description.clone(),
        })
    }

    /// `x-client-default` on a text query or header parameter: `device-id` (the client's device
    /// id), or `env-id` (its environment id, on an optional parameter only: a client configured
    /// by base URL has none).
    fn client_default(
        &self,
        data: &openapiv3::ParameterData,
        location: ParamLocation,
        ty: &Type,
        at: &Pointer,
    ) -> Result<Option<ClientDefault>, Error> {
        let Some(value) = data.extensions.get("x-client-default") else { return Ok(None) };
        let at = at.join("x-client-default");
        let default = match value.as_str() {
            Some("device-id") => ClientDefault::DeviceId,
            Some("env-id") => ClientDefault::EnvId,
            _ => {
                return Err(self.error(&at, "`x-client-default` must be `device-id` or `env-id`"));
            }
        };
        if location == ParamLocation::Path || !matches!(self.unalias(ty), Type::String) {
            return Err(self.error(&at, "`x-client-default` applies to text query and header parameters only"));
        }
        if default == ClientDefault::EnvId && data.required {
            return Err(self.error(
                &at,
                "`x-client-default: env-id` needs an optional parameter: a client configured by base URL has no environment id",
            ));
        }
        Ok(Some(default))
    }

    /// A parameter's type as its builder holds and sends it: a list's items and a map's values
    /// as text, a scalar as text. Where an alias hides a list or an `Option`, or nullability
    /// wraps a list or its items (a parameter has no `null` on the wire), which the builder could
    /// not send, the plain list, map or value; any other type as it is.
    fn sendable(&self, ty: Type, shape: ValueShape) -> Type {
        let top = match &ty {
            Type::Nullable(inner) => inner.as_ref(),
            other => other,
        };
        match shape {
            ValueShape::List => match &ty {
                Type::Array(item) if self.displays(item) => ty,
                _ => match self.plain(&ty) {
                    Type::Array(item) if self.displays(&item) => Type::Array(item),
                    Type::Array(item) => Type::Array(Box::new(self.plain(&item))),
                    _ => ty,
                },
            },
            ValueShape::Map if self.is_map_of_text(top) => ty,
            ValueShape::Map => match self.plain(&ty) {
                Type::Map(value) => Type::Map(Box::new(self.plain(&value))),
                _ => ty,
            },
            ValueShape::Scalar if !self.displays(top) => self.plain(&ty),
            _ => ty,
        }
    }

    /// `ty` without the nullability around it, and without the aliases that stand for a list, a
    /// map or a nullable type.
    fn plain(&self, ty: &Type) -> Type {
        let mut current = ty.clone();
        for _ in 0..64 {
            current = match &current {
                Type::Nullable(inner) => inner.as_ref().clone(),
                Type::Named(id) => match self.type_def(*id) {
                    def if def.newtype => break,
                    crate::ir::TypeDef {
                        kind:
                            TypeKind::Alias(next @ (Type::Nullable(_) | Type::Array(_) | Type::Map(_) | Type::Named(_))),
                        ..
                    } => next.clone(),
                    _ => break,
                },
                _ => break,
            };
        }
        current
    }

    /// Whether a value of `ty`, as the builder spells it, is text the builder can send (a
    /// scalar, an enum, a JSON value, or an alias of one; not an `Option`).
    fn displays(&self, ty: &Type) -> bool {
        match ty {
            Type::String | Type::Integer { .. } | Type::Number { .. } | Type::Boolean | Type::Any => true,
            Type::Named(id) => match &self.type_def(*id) {
                def if def.newtype => false,
                crate::ir::TypeDef { kind: TypeKind::Enum(_), .. } => true,
                crate::ir::TypeDef { kind: TypeKind::Alias(next), .. } => self.displays(next),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether `ty`, as the builder spells it, is a map (or an alias of one) whose values it can
    /// send as text.
    fn is_map_of_text(&self, ty: &Type) -> bool {
        match ty {
            Type::Map(value) => self.displays(value),
            Type::Named(id) => match &self.type_def(*id) {
                def if def.newtype => false,
                crate::ir::TypeDef { kind: TypeKind::Alias(next), .. } => self.is_map_of_text(next),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether a value of `ty` that is no list or map of scalars can be sent as exploded query
    /// pairs: a free-form object, or a list or map of JSON values (each sent as its JSON text).
    /// (As the builder sends it: a list as its items, anything else as a map's entries.)
    fn explodes(&self, ty: &Type) -> bool {
        let any = |t: &Type| self.unalias(t) == Type::Any;
        match ty {
            Type::Array(item) => any(item),
            Type::Nullable(inner) => self.explodes_as_map(inner),
            other => self.explodes_as_map(other),
        }
    }

    fn explodes_as_map(&self, ty: &Type) -> bool {
        match self.unalias(ty) {
            Type::Object => true,
            Type::Map(value) => self.unalias(&value) == Type::Any,
            _ => false,
        }
    }

    fn value_shape(&self, ty: &Type) -> ValueShape {
        match &self.unalias(ty) {
            Type::String | Type::Integer { .. } | Type::Number { .. } | Type::Boolean => ValueShape::Scalar,
            Type::Nullable(inner) => self.value_shape(inner),
            Type::Array(item) if self.value_shape(item) == ValueShape::Scalar => ValueShape::List,
            Type::Map(value) if self.value_shape(value) == ValueShape::Scalar => ValueShape::Map,
            Type::Named(id) => match &self.type_def(*id).kind {
                crate::ir::TypeKind::Enum(_) => ValueShape::Scalar,
                _ => ValueShape::Other,
            },
            _ => ValueShape::Other,
        }
    }

    fn constraints(&self, schema: &'a ReferenceOr<Schema>, at: &Pointer) -> Result<Constraints, Error> {
        let (schema, _) = self.resolve(schema, &at.join("schema"), "schemas", |c| &c.schemas)?;
        let mut constraints = Constraints::default();
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) => {
                if let Some(pattern) = &s.pattern
                    && let Err(e) = regex_lite::Regex::new(pattern)
                {
                    return Err(self.error(
                        &at.join("schema").join("pattern"),
                        format!("pattern `{pattern}` cannot be checked client-side: {e}"),
                    ));
                }
                constraints.pattern = s.pattern.clone();
                constraints.min_length = s.min_length;
                constraints.max_length = s.max_length;
            }
            SchemaKind::Type(openapiv3::Type::Integer(i)) => {
                constraints.minimum = i.minimum.map(|m| m as f64 + if i.exclusive_minimum { 1.0 } else { 0.0 });
                constraints.maximum = i.maximum.map(|m| m as f64 - if i.exclusive_maximum { 1.0 } else { 0.0 });
            }
            SchemaKind::Type(openapiv3::Type::Number(n)) => {
                constraints.minimum = n.minimum;
                constraints.maximum = n.maximum;
            }
            _ => {}
        }
        Ok(constraints)
    }

    fn path_parts(&self, path: &str, params: &[Param], pointer: &Pointer) -> Result<Vec<PathPart>, Error> {
        let mut parts = Vec::new();
        let mut used = BTreeSet::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| self.error(pointer, format!("path template `{path}` has an unclosed `{{`")))?;
            let name = &after[..close];
            let index = params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == name)
                .ok_or_else(|| {
                    self.error(
                        pointer,
                        format!("path template names `{{{name}}}` but no path parameter `{name}` is declared"),
                    )
                })?;
            used.insert(index);
            parts.push(PathPart::Param(index));
            rest = &after[close + 1..];
        }
        if rest.contains('}') {
            return Err(self.error(pointer, format!("path template `{path}` has an unmatched `}}`")));
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        if let Some(unused) =
            params.iter().enumerate().find(|(i, p)| p.location == ParamLocation::Path && !used.contains(i))
        {
            return Err(
                self.error(pointer, format!("path parameter `{}` does not appear in `{path}`", unused.1.wire_name))
            );
        }
        Ok(parts)
    }

    fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        at: &Pointer,
        builder: &str,
    ) -> Result<RequestBody, Error> {
        let (body, at) = self.resolve(body, at, "requestBodies", |c| &c.request_bodies)?;
        if body.content.is_empty() {
            return Err(self.error(&at.join("content"), "request body lists no media type"));
        }
        let any_content_type = match body.extensions.get(ANY_CONTENT_TYPE) {
            None | Some(serde_json::Value::Bool(false)) => false,
            Some(serde_json::Value::Bool(true)) => true,
            Some(_) => return Err(self.error(&at.join(ANY_CONTENT_TYPE), "`x-any-content-type` must be a boolean")),
        };
        let several = body.content.len() > 1;
        let mut forms: Vec<BodyForm> = Vec::new();
        for (media_type, media) in &body.content {
            let form = self.body_form(media_type, media, &at, builder, several, any_content_type)?;
            if let Some(earlier) = forms.iter().find(|f| f.setter == form.setter) {
                return Err(self.error(
                    &at.join("content").join(media_type),
                    format!(
                        "unsupported construct: `{media_type}` and `{}` are both {} forms of one request body \
                         (one setter each, named by the kind)",
                        earlier.media_type, form.setter
                    ),
                ));
            }
            forms.push(form);
        }
        let binary = forms.iter().filter(|f| f.kind == BodyKind::Bytes).count();
        if any_content_type && binary != 1 {
            return Err(self.error(
                &at.join(ANY_CONTENT_TYPE),
                format!("`x-any-content-type` needs exactly one binary media type in the body, not {binary}"),
            ));
        }
        Ok(RequestBody { required: body.required, forms, forms_enum: None, docs: body.description.clone() })
    }

    /// One media type of a request body; `several` when the body has more than one (setters are
    /// then named by kind).
    fn body_form(
        &mut self,
        media_type: &str,
        media: &'a openapiv3::MediaType,
        at: &Pointer,
        builder: &str,
        several: bool,
        any_content_type: bool,
    ) -> Result<BodyForm, Error> {
        let content_pointer = at.join("content").join(media_type);
        let kind = match body_kind(media_type) {
            Some(kind) => kind,
            None => {
                return Err(self
                    .error(&content_pointer, format!("unsupported construct: request bodies of type `{media_type}`")));
            }
        };
        let hint = if several {
            format!("{builder}{}", names::media_type_variant(media_type))
        } else {
            format!("{builder}Request")
        };
        let ty = match (kind, &media.schema) {
            (BodyKind::Json, Some(schema)) => self.schema_type(schema, &content_pointer.join("schema"), &hint)?,
            (BodyKind::Json, None) => Type::Any,
            (BodyKind::Text, _) => Type::String,
            (BodyKind::Bytes, _) => Type::Bytes,
            (BodyKind::Multipart, None) => {
                return Err(self.error(&content_pointer, "a `multipart/form-data` body needs an object schema"));
            }
            (BodyKind::Multipart, Some(schema)) => {
                let ty = self.schema_type(schema, &content_pointer.join("schema"), &format!("{builder}Form"))?;
                self.form_type(&ty, media, &content_pointer)?
            }
        };
        // A body the schema does not shape takes any `Serialize` value; `type: object` is still
        // checked, at `send()`.
        // (Through aliases: `$ref` to a free-form component is free-form too.)
        let free_form = match (kind, self.unalias(&ty)) {
            (BodyKind::Json, Type::Object) => Some(FreeForm::Object),
            (BodyKind::Json, Type::Any) => Some(FreeForm::Any),
            (BodyKind::Json, Type::Nullable(inner)) if matches!(self.unalias(&inner), Type::Any | Type::Object) => {
                Some(FreeForm::Any)
            }
            _ => None,
        };
        let example = match kind {
            // A form's example would be its fields' values, which a file part cannot show.
            BodyKind::Multipart => None,
            _ => match self.documented_example(
                &media.example,
                &media.examples,
                media.schema.as_ref(),
                &content_pointer,
            )? {
                Some((value, pointer)) => {
                    self.check_body_example("request body", kind, &ty, value, &pointer)?;
                    Some(value.clone())
                }
                None => None,
            },
        };
        let also_sent_as = match media.extensions.get("x-also-sent-as") {
            None => Vec::new(),
            Some(value) => {
                let at = content_pointer.join("x-also-sent-as");
                let types = value
                    .as_array()
                    .filter(|items| !items.is_empty())
                    .ok_or_else(|| self.error(&at, "`x-also-sent-as` must be a list of media types"))?;
                if kind != BodyKind::Json {
                    return Err(self.error(&at, "`x-also-sent-as` applies to JSON bodies only"));
                }
                let mut out = Vec::new();
                for (index, item) in types.iter().enumerate() {
                    let text = item.as_str().filter(|t| {
                        let mut parts = t.split('/');
                        let token = |p: Option<&str>| {
                            p.is_some_and(|p| {
                                !p.is_empty()
                                    && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
                            })
                        };
                        token(parts.next()) && token(parts.next()) && parts.next().is_none()
                    });
                    let Some(text) = text else {
                        return Err(self.error(&at.join(index), "not a media type essence (`type/subtype`)"));
                    };
                    out.push(text.to_ascii_lowercase());
                }
                out
            }
        };
        let setter = match (several, kind) {
            (false, _) => "body",
            (true, BodyKind::Json) => "json",
            (true, BodyKind::Text) => "text",
            (true, BodyKind::Bytes) => "bytes",
            (true, BodyKind::Multipart) => "form",
        };
        Ok(BodyForm {
            setter: setter.to_owned(),
            media_type: media_type.to_owned(),
            kind,
            ty,
            free_form,
            any_content_type: any_content_type && kind == BodyKind::Bytes,
            also_sent_as,
            example,
        })
    }

    /// The named object type of a multipart body, turned into a [`TypeKind::Form`]: text
    /// fields (strings, numbers, booleans) and file parts (`format: binary`), each file sent as
    /// the first media type its `encoding` lists.
    fn form_type(&mut self, ty: &Type, media: &openapiv3::MediaType, at: &Pointer) -> Result<Type, Error> {
        let schema_at = at.join("schema");
        let Type::Named(id) = ty else {
            return Err(self.error(&schema_at, "a `multipart/form-data` body needs an object schema with properties"));
        };
        let id = *id;
        let def = self.type_def(id).clone();
        let fields = match &def.kind {
            TypeKind::Form(_) => return Ok(ty.clone()),
            TypeKind::Struct(s) if s.extra.is_none() => &s.fields,
            _ => {
                return Err(self.error(
                    &schema_at,
                    "a `multipart/form-data` body needs an object schema with properties and no `additionalProperties`",
                ));
            }
        };
        if let Some(name) = media.encoding.keys().find(|name| !fields.iter().any(|f| &f.wire_name == *name)) {
            return Err(self.error(
                &at.join("encoding").join(name),
                format!("`encoding` names `{name}`, which is not a property of the form"),
            ));
        }
        let mut form_fields = Vec::new();
        for field in fields {
            let field_at = Pointer::escaped(&def.pointer).join("properties").join(&field.wire_name);
            let ty = match &field.ty {
                Type::Nullable(inner) => inner.as_ref().clone(),
                other => other.clone(),
            };
            let content_type = match &ty {
                Type::String | Type::Integer { .. } | Type::Number { .. } | Type::Boolean => None,
                Type::Bytes => {
                    let listed = media.encoding.get(&field.wire_name).and_then(|e| e.content_type.as_deref());
                    // `contentType` may list several (`image/png, image/*`); the first concrete one is sent.
                    let first = listed
                        .into_iter()
                        .flat_map(|l| l.split(','))
                        .map(str::trim)
                        .find(|m| !m.contains('*'))
                        .unwrap_or("application/octet-stream");
                    if !names::is_media_type(first) {
                        return Err(self.error(
                            &at.join("encoding").join(&field.wire_name).join("contentType"),
                            format!("`{first}` is not a media type a file part can be sent as"),
                        ));
                    }
                    Some(first.to_owned())
                }
                _ => {
                    return Err(self.error(
                        &field_at,
                        format!(
                            "unsupported construct: form field `{}` is not a string, number, boolean or file",
                            field.wire_name
                        ),
                    ));
                }
            };
            form_fields.push(FormField {
                name: field.name.clone(),
                wire_name: field.wire_name.clone(),
                ty,
                required: field.required,
                content_type,
                docs: field.docs.clone(),
            });
        }
        self.set_kind(id, TypeKind::Form(Form { fields: form_fields }));
        Ok(ty.clone())
    }

    /// `ty` with named aliases (`pub type Record = ...`) replaced by what they stand for; a
    /// newtype ([`TypeDef::newtype`](crate::ir::TypeDef::newtype)) is a type of its own.
    pub(super) fn unalias(&self, ty: &Type) -> Type {
        let mut current = ty.clone();
        // Bounded: alias cycles are reported later, by `finish`.
        for _ in 0..64 {
            match &current {
                Type::Named(id) => match &self.type_def(*id) {
                    def if def.newtype => break,
                    crate::ir::TypeDef { kind: crate::ir::TypeKind::Alias(next), .. } => current = next.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        current
    }

    fn responses(
        &mut self,
        responses: &'a openapiv3::Responses,
        at: &Pointer,
        builder: &str,
    ) -> Result<(Vec<Response>, Success), Error> {
        let mut entries: Vec<(StatusSpec, &'a ReferenceOr<openapiv3::Response>, Pointer)> = Vec::new();
        for (status, response) in &responses.responses {
            let spec = match status {
                StatusCode::Code(code) if (100..600).contains(code) => StatusSpec::Code(*code),
                StatusCode::Range(range) if (1..6).contains(range) => StatusSpec::Range(*range),
                other => return Err(self.error(&at.join(other), format!("invalid response status `{other}`"))),
            };
            entries.push((spec, response, at.join(status)));
        }
        if let Some(default) = &responses.default {
            entries.push((StatusSpec::Default, default, at.join("default")));
        }
        if entries.is_empty() {
            return Err(self.error(at, "operation documents no responses"));
        }
        // With no documented success, `default` is what a success looks like.
        let default_is_success = !entries.iter().any(|(s, _, _)| s.is_success());
        let is_success = |s: StatusSpec| s.is_success() || (default_is_success && s == StatusSpec::Default);
        let mut success_count = 0;
        for (status, response, pointer) in &entries {
            if is_success(*status) {
                let (response, _) = self.resolve(response, pointer, "responses", |c| &c.responses)?;
                let bodies = response.content.keys().filter(|m| names::essence(m) != "text/event-stream").count();
                let optional =
                    bodies > 0 && response.extensions.get(BODY_OPTIONAL) == Some(&serde_json::Value::Bool(true));
                success_count += if response.content.is_empty() { 1 } else { bodies + usize::from(optional) };
            }
        }
        // Claim the success enum's name before inline body types can take it.
        let enum_name = (success_count > 1).then(|| self.type_names.claim(format!("{builder}Response")));
        let mut out = Vec::new();
        for (status, reference, pointer) in entries {
            let (response, pointer) = self.resolve(reference, &pointer, "responses", |c| &c.responses)?;
            let component = match reference {
                ReferenceOr::Reference { reference } => reference.rsplit('/').next().map(str::to_owned),
                ReferenceOr::Item(_) => None,
            };
            let hint = if let Some(component) = &component {
                // A component response's types are shared by every operation that refers to it.
                names::pascal(component, "Response")
            } else if is_success(status) {
                format!("{builder}Response")
            } else {
                format!(
                    "{builder}Error{}",
                    if status == StatusSpec::Default { "Default".to_owned() } else { status.to_string() }
                )
            };
            let mut response = self.response(status, response, &pointer, &hint)?;
            if is_success(status) && response.contents.is_empty() && !response.headers.is_empty() {
                let name = component.unwrap_or_else(|| match status {
                    StatusSpec::Code(code) => format!("{builder}{}Headers", names::status_variant(code)),
                    _ => format!("{builder}Headers"),
                });
                response.headers_type = Some(self.headers_type(&name, &response, &pointer));
            }
            out.push(response);
        }
        let success = self.success(&out, is_success, enum_name, builder);
        Ok((out, success))
    }

    fn response(
        &mut self,
        status: StatusSpec,
        response: &'a openapiv3::Response,
        at: &Pointer,
        hint: &str,
    ) -> Result<Response, Error> {
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            let (header, header_at) =
                self.resolve(header, &at.join("headers").join(name), "headers", |c| &c.headers)?;
            headers.push(self.response_header(name, header, &header_at, hint)?);
        }
        let mut contents = Vec::new();
        for (media_type, media) in &response.content {
            let content_at = at.join("content").join(media_type);
            let kind = if names::essence(media_type) == "text/event-stream" {
                ContentKind::EventStream
            } else {
                match body_kind(media_type) {
                    Some(kind) if kind != BodyKind::Multipart => ContentKind::Body(kind),
                    _ => {
                        return Err(
                            self.error(&content_at, format!("unsupported construct: responses of type `{media_type}`"))
                        );
                    }
                }
            };
            let ty = match (kind, &media.schema) {
                (ContentKind::Body(BodyKind::Text), _) => Type::String,
                (ContentKind::Body(BodyKind::Bytes | BodyKind::Multipart), _) => Type::Bytes,
                (_, None) => Type::Any,
                (ContentKind::EventStream, Some(schema)) => {
                    self.schema_type(schema, &content_at.join("schema"), &format!("{hint}Event"))?
                }
                (ContentKind::Body(BodyKind::Json), Some(schema)) => {
                    let bodies = response.content.keys().filter(|m| names::essence(m) != "text/event-stream").count();
                    let hint = if bodies > 1 {
                        format!("{hint}{}", names::media_type_variant(media_type))
                    } else {
                        hint.to_owned()
                    };
                    free_form_reply(self.schema_type(schema, &content_at.join("schema"), &hint)?)
                }
            };
            let example =
                match self.documented_example(&media.example, &media.examples, media.schema.as_ref(), &content_at)? {
                    Some((value, pointer)) => {
                        if let ContentKind::Body(body) = kind {
                            self.check_body_example("response body", body, &ty, value, &pointer)?;
                        }
                        Some(value.clone())
                    }
                    None => None,
                };
            contents.push(Content {
                essence: names::essence(media_type),
                media_type: media_type.clone(),
                kind,
                ty,
                example,
            });
        }
        let body_optional = self.body_optional(status, response, &contents, at)?;
        Ok(Response {
            status,
            description: response.description.clone(),
            headers,
            contents,
            headers_type: None,
            body_optional,
        })
    }

    /// The type a bodiless success's documented headers are read into: one per component
    /// response (`#/components/responses/ObjectHeaders`), else one for the operation's status.
    fn headers_type(&mut self, name: &str, response: &Response, at: &Pointer) -> crate::ir::TypeId {
        if let Some(id) = self.header_types.get(name) {
            return *id;
        }
        let mut scope = Scope::default();
        let fields = response
            .headers
            .iter()
            .map(|h| {
                // A header's text is read into a scalar; anything else keeps the text.
                let ty = match self.unalias(&h.ty) {
                    Type::Nullable(inner) => *inner,
                    other => other,
                };
                let ty = match ty {
                    Type::Integer { .. } | Type::Number { .. } | Type::Boolean => ty,
                    _ => Type::String,
                };
                crate::ir::HeaderField {
                    name: scope.claim(names::snake(&h.name.to_ascii_lowercase(), "header")),
                    wire_name: h.name.clone(),
                    ty,
                    docs: h.docs.clone(),
                }
            })
            .collect();
        let id = self.add_type(
            &names::pascal(name, "Headers"),
            format!("headers of {at}"),
            at,
            Some(response.description.clone()),
            TypeKind::Headers(crate::ir::Headers { fields }),
        );
        self.header_types.insert(name.to_owned(), id);
        id
    }

    /// Reads `x-body-optional`, which only means something on a success that documents a body.
    fn body_optional(
        &self,
        status: StatusSpec,
        response: &openapiv3::Response,
        contents: &[Content],
        at: &Pointer,
    ) -> Result<bool, Error> {
        let Some(value) = response.extensions.get(BODY_OPTIONAL) else { return Ok(false) };
        let at = at.join(BODY_OPTIONAL);
        let Some(optional) = value.as_bool() else {
            return Err(self.error(&at, format!("`{BODY_OPTIONAL}` must be `true` or `false`")));
        };
        if optional && !status.is_success() {
            return Err(self.error(&at, format!("`{BODY_OPTIONAL}` only applies to a success response")));
        }
        if optional && !contents.iter().any(|c| c.kind != ContentKind::EventStream) {
            return Err(self.error(&at, format!("`{BODY_OPTIONAL}` only applies to a response that documents a body")));
        }
        Ok(optional)
    }

    fn response_header(
        &mut self,
        name: &str,
        header: &'a Header,
        at: &Pointer,
        hint: &str,
    ) -> Result<ResponseHeader, Error> {
        let ty = match &header.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.schema_type(schema, &at.join("schema"), &format!("{hint}{}", names::pascal(name, "Header")))?
            }
            ParameterSchemaOrContent::Content(_) => {
                return Err(self.error(&at.join("content"), "unsupported construct: headers described by `content`"));
            }
        };
        Ok(ResponseHeader { name: name.to_owned(), ty, docs: header.description.clone() })
    }

    fn success(
        &mut self,
        responses: &[Response],
        is_success: impl Fn(StatusSpec) -> bool,
        enum_name: Option<String>,
        builder: &str,
    ) -> Success {
        let mut cases = Vec::new();
        for response in responses.iter().filter(|r| is_success(r.status)) {
            let bodies: Vec<&Content> =
                response.contents.iter().filter(|c| c.kind != ContentKind::EventStream).collect();
            if bodies.is_empty() && response.contents.is_empty() {
                cases.push((
                    SuccessCase {
                        status: response.status,
                        content: None,
                        match_media_type: false,
                        when_empty: false,
                        headers: response.headers_type,
                    },
                    response,
                ));
            }
            if response.body_optional {
                cases.push((
                    SuccessCase {
                        status: response.status,
                        content: None,
                        match_media_type: false,
                        when_empty: true,
                        headers: None,
                    },
                    response,
                ));
            }
            // Exact media types are matched before ranges (`text/*`), and ranges before `*/*`.
            let mut bodies = bodies;
            bodies.sort_by_key(|c| media_range_rank(&c.media_type));
            for content in &bodies {
                cases.push((
                    SuccessCase {
                        status: response.status,
                        content: Some((*content).clone()),
                        match_media_type: bodies.len() > 1,
                        when_empty: false,
                        headers: None,
                    },
                    response,
                ));
            }
        }
        if cases.is_empty() {
            // Only event streams are documented: `send()` has nothing to decode.
            let status =
                responses.iter().find(|r| is_success(r.status)).map(|r| r.status).unwrap_or(StatusSpec::Range(2));
            return Success::Single(SuccessCase {
                status,
                content: None,
                match_media_type: false,
                when_empty: false,
                headers: None,
            });
        }
        if cases.len() == 1 {
            return Success::Single(cases.remove(0).0);
        }
        if let Some(status) = any_body(&cases) {
            if let Some(name) = &enum_name {
                self.type_names.release(name);
            }
            return Success::Body(status);
        }
        let statuses: BTreeSet<StatusSpec> = cases.iter().map(|(c, _)| c.status).collect();
        // A status with several cases (media types, or a body beside none) names its bodies by media type.
        let shared: BTreeSet<StatusSpec> =
            cases.iter().filter(|(c, _)| c.match_media_type || c.when_empty).map(|(c, _)| c.status).collect();
        let mut scope = Scope::default();
        let variants = cases
            .into_iter()
            .map(|(case, response)| {
                let status_name = match case.status {
                    StatusSpec::Code(code) => names::status_variant(code),
                    // A range's empty reply has no reason phrase to be named by.
                    _ if case.when_empty => "Empty".to_owned(),
                    StatusSpec::Range(r) => format!("Status{r}xx"),
                    StatusSpec::Default => "Default".to_owned(),
                };
                let media_name = case.content.as_ref().map(|c| names::media_type_variant(&c.media_type));
                let base = match (statuses.len() > 1, shared.contains(&case.status), media_name) {
                    (true, true, Some(media)) => format!("{status_name}{media}"),
                    (false, _, Some(media)) => media,
                    _ => status_name,
                };
                SuccessVariant { name: scope.claim(base), case, docs: response.description.clone() }
            })
            .collect();
        // The count that claimed `enum_name` and the cases agree; claiming here too keeps a
        // disagreement a cosmetic suffix rather than a wrong name.
        let name = enum_name.unwrap_or_else(|| self.type_names.claim(format!("{builder}Response")));
        Success::Enum { name, variants }
    }

    fn event_stream(&self, responses: &[Response], operation: &openapiv3::Operation) -> Option<EventStream> {
        let content = responses
            .iter()
            .filter(|r| r.status.is_success())
            .flat_map(|r| &r.contents)
            .find(|c| c.kind == ContentKind::EventStream)?;
        Some(EventStream {
            item: content.ty.clone(),
            terminator: operation.extensions.get("x-sse-terminator").and_then(|v| v.as_str()).map(str::to_owned),
        })
    }

    fn security(
        &self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
        pointer: &Pointer,
    ) -> Result<Vec<SecurityRequirement>, Error> {
        let (requirements, at) = match requirements {
            Some(r) => (r, pointer.join("security")),
            None => match &self.document.security {
                Some(r) => (r, Pointer::root().join("security")),
                None => return Ok(vec![SecurityRequirement::None]),
            },
        };
        if requirements.is_empty() {
            return Ok(vec![SecurityRequirement::None]);
        }
        let mut out = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let at = at.join(index);
            let mut schemes = requirement.keys();
            let requirement = match (schemes.next(), schemes.next()) {
                (None, _) => SecurityRequirement::None,
                (Some(name), None) => self.security_scheme(name, &at)?,
                (Some(_), Some(_)) => {
                    return Err(
                        self.error(&at, "unsupported construct: a security requirement that combines several schemes")
                    );
                }
            };
            if !out.contains(&requirement) {
                out.push(requirement);
            }
        }
        Ok(out)
    }

    fn security_scheme(&self, name: &str, at: &Pointer) -> Result<SecurityRequirement, Error> {
        let scheme = self.document.components.as_ref().and_then(|c| c.security_schemes.get(name)).ok_or_else(|| {
            self.error(&at.join(name), format!("security scheme `{name}` is not defined in components.securitySchemes"))
        })?;
        let scheme_pointer = Pointer::root().join("components").join("securitySchemes").join(name);
        let (scheme, scheme_pointer) =
            self.resolve(scheme, &scheme_pointer, "securitySchemes", |c| &c.security_schemes)?;
        match scheme {
            SecurityScheme::HTTP { extensions, .. } if extensions.contains_key("x-signature") => Err(self.error(
                &scheme_pointer.join("x-signature"),
                "`x-signature` must be `TC3-HMAC-SHA256`, on an API key in the `Authorization` header",
            )),
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                Ok(SecurityRequirement::Bearer)
            }
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                Ok(SecurityRequirement::Basic)
            }
            SecurityScheme::HTTP { scheme, .. } => Err(self
                .error(&scheme_pointer.join("scheme"), format!("unsupported construct: HTTP auth scheme `{scheme}`"))),
            SecurityScheme::APIKey { location: openapiv3::APIKeyLocation::Header, name, extensions, .. } => {
                match extensions.get("x-signature") {
                    None => Ok(SecurityRequirement::ApiKeyHeader(name.clone())),
                    Some(serde_json::Value::String(s))
                        if s == "TC3-HMAC-SHA256" && name.eq_ignore_ascii_case("authorization") =>
                    {
                        Ok(SecurityRequirement::Tc3)
                    }
                    Some(_) => Err(self.error(
                        &scheme_pointer.join("x-signature"),
                        "`x-signature` must be `TC3-HMAC-SHA256`, on an API key in the `Authorization` header",
                    )),
                }
            }
            SecurityScheme::APIKey { .. } => {
                Err(self.error(&scheme_pointer.join("in"), "unsupported construct: API keys outside a header"))
            }
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Ok(SecurityRequirement::Bearer),
        }
    }
}

/// A path item's operations with their methods, in OpenAPI's order.
fn path_operations(item: &openapiv3::PathItem) -> impl Iterator<Item = (Method, &'static str, &openapiv3::Operation)> {
    [
        (Method::Get, "get", &item.get),
        (Method::Put, "put", &item.put),
        (Method::Post, "post", &item.post),
        (Method::Delete, "delete", &item.delete),
        (Method::Options, "options", &item.options),
        (Method::Head, "head", &item.head),
        (Method::Patch, "patch", &item.patch),
        (Method::Trace, "trace", &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, key, operation)| operation.as_ref().map(|operation| (method, key, operation)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueShape {
    Scalar,
    List,
    Map,
    Other,
}

fn location_key(param: &Parameter) -> u8 {
    match param {
        Parameter::Query { .. } => 0,
        Parameter::Header { .. } => 1,
        Parameter::Path { .. } => 2,
        Parameter::Cookie { .. } => 3,
    }
}

/// How a media type is encoded; `None` for forms and multipart, which the generator refuses.
/// A reply whose schema is an object without properties says nothing about its content, and the
/// replies documented that way are often not objects at all (the functions and CloudRun replies
/// are "whatever the function returns": `3`, `[1,2,3]`, `"text"`). Such a reply decodes as any
/// JSON value rather than failing on everything but an object; named (`$ref`) schemas keep their type.
fn free_form_reply(ty: Type) -> Type {
    match ty {
        Type::Object => Type::Any,
        Type::Nullable(inner) if *inner == Type::Object => Type::Any,
        other => other,
    }
}

/// The status of success cases that are exactly the runtime's `Body`, in the order the cases
/// are matched: a reply without a body, `application/json` of any shape, `text/*`, `*/*`.
fn any_body(cases: &[(SuccessCase, &Response)]) -> Option<StatusSpec> {
    let [(empty, _), rest @ ..] = cases else { return None };
    let bodies: Vec<(&str, ContentKind, &Type)> =
        rest.iter().filter_map(|(c, _)| c.content.as_ref()).map(|c| (c.essence.as_str(), c.kind, &c.ty)).collect();
    let expected = [
        ("application/json", ContentKind::Body(BodyKind::Json), &Type::Any),
        ("text/*", ContentKind::Body(BodyKind::Text), &Type::String),
        ("*/*", ContentKind::Body(BodyKind::Bytes), &Type::Bytes),
    ];
    let one_status = rest.iter().all(|(c, _)| c.status == empty.status && c.match_media_type && !c.when_empty);
    (empty.when_empty && empty.content.is_none() && one_status && bodies == expected).then_some(empty.status)
}

/// 0 for a media type, 1 for a range of subtypes (`text/*`), 2 for `*/*`.
fn media_range_rank(media_type: &str) -> u8 {
    match names::essence(media_type).as_str() {
        "*/*" => 2,
        m if m.ends_with("/*") => 1,
        _ => 0,
    }
}

fn body_kind(media_type: &str) -> Option<BodyKind> {
    let essence = names::essence(media_type);
    if essence == "application/json" || essence.ends_with("+json") {
        Some(BodyKind::Json)
    } else if essence == "multipart/form-data" {
        Some(BodyKind::Multipart)
    } else if essence == "application/x-www-form-urlencoded" || essence.starts_with("multipart/") {
        None
    } else if essence.starts_with("text/") {
        Some(BodyKind::Text)
    } else {
        Some(BodyKind::Bytes)
    }
}

/// How each error status is decoded (after the types are final, so structs can be told apart from
/// aliases): statuses that decode like the fallback fold into it.
pub(super) fn error_decoding(types: &[crate::ir::TypeDef], responses: &[Response]) -> crate::ir::ErrorDecoding {
    use crate::ir::ErrorBodyKind;
    let kind = |response: &Response| {
        let json = response.contents.iter().find(|c| c.kind == ContentKind::Body(BodyKind::Json));
        let text = response.contents.iter().find(|c| c.kind == ContentKind::Body(BodyKind::Text));
        match (json, text) {
            (Some(content), _) => match &content.ty {
                Type::Named(id) => match super::schema::body_struct_id(types, *id) {
                    Some(id) => ErrorBodyKind::Struct(id),
                    None => ErrorBodyKind::Value,
                },
                Type::Object => ErrorBodyKind::Map,
                _ => ErrorBodyKind::Value,
            },
            (None, Some(_)) => ErrorBodyKind::Text,
            (None, None) => ErrorBodyKind::Undocumented,
        }
    };
    let errors = responses.iter().filter(|r| !r.status.is_success());
    let fallback = errors.clone().find(|r| r.status == StatusSpec::Default).map(kind).unwrap_or_default();
    let entries: Vec<(StatusSpec, ErrorBodyKind)> =
        errors.filter(|r| r.status != StatusSpec::Default).map(|r| (r.status, kind(r))).collect();
    // A code decoded like the fallback still needs its arm when a range arm would take it.
    let taken_by_range = |status: StatusSpec| match status {
        StatusSpec::Code(code) => entries.iter().any(|(s, b)| *s == StatusSpec::Range(code / 100) && *b != fallback),
        _ => false,
    };
    let mut arms: Vec<(Vec<StatusSpec>, ErrorBodyKind)> = Vec::new();
    for &(status, body) in &entries {
        if body == fallback && !taken_by_range(status) {
            continue;
        }
        match arms.iter_mut().find(|(_, b)| *b == body) {
            Some((statuses, _)) => statuses.push(status),
            None => arms.push((vec![status], body)),
        }
    }
    crate::ir::ErrorDecoding { arms, fallback }
}

/// The crate-root names the `builders` module of `operations` imports ([`Api::builder_imports`]).
///
/// [`Api::builder_imports`]: crate::ir::Api::builder_imports
pub(crate) fn builder_imports(operations: &[Operation]) -> Vec<&'static str> {
    let needs = |name: &str| match name {
        "EventStream" => operations.iter().any(|op| op.stream.is_some()),
        "Body" => operations.iter().any(|op| matches!(op.success, Success::Body(_))),
        _ => true,
    };
    BUILDER_IMPORTS.iter().copied().filter(|name| needs(name)).collect()
}

/// The error decoding to emit once for the area: the most common one among operations that
/// decode every error status alike (the first such, on a tie), if two or more share it.
pub(crate) fn shared_errors(operations: &[Operation]) -> Option<crate::ir::ErrorBodyKind> {
    let plain: Vec<crate::ir::ErrorBodyKind> =
        operations.iter().filter(|op| op.errors.arms.is_empty()).map(|op| op.errors.fallback).collect();
    let count = |kind: &crate::ir::ErrorBodyKind| plain.iter().filter(|k| *k == kind).count();
    let best = plain.iter().copied().reduce(|best, kind| if count(&kind) > count(&best) { kind } else { best })?;
    (count(&best) >= 2).then_some(best)
}

/// `send()`'s `Accept` (every media type a documented non-stream success or the default response
/// may have) and the media types `accept()` may choose (those of documented non-stream successes).
fn accept(responses: &[Response]) -> crate::ir::Accept {
    let mut header: Vec<&str> = Vec::new();
    let mut choices: Vec<String> = Vec::new();
    for response in responses.iter().filter(|r| r.status.is_success() || r.status == StatusSpec::Default) {
        for content in response.contents.iter().filter(|c| c.kind != ContentKind::EventStream) {
            if !header.contains(&content.media_type.as_str()) {
                header.push(&content.media_type);
            }
            if response.status.is_success() && !choices.contains(&content.essence) {
                choices.push(content.essence.clone());
            }
        }
    }
    crate::ir::Accept { header: header.join(", "), choices }
}

/// Fills each path parameter's [`Param::shadowed`]: the literal segments that other routes of the
/// same method have at its position, after the same segments before it (equal text, or a
/// parameter against a parameter), where the two templates can match paths of the same length.
///
/// The routes of each method go into a trie of their segments (literal text, a parameter, a
/// sub-path), each node listing the routes below it by segment count and openness; a parameter
/// meets the routes under the node's literal children only, so the check takes time in the
/// number of segments and the size of its verdicts, not in the square of the operations.
pub(super) fn mark_shadowed(operations: &mut [Operation]) {
    let routes: Vec<Route<'_>> = operations.iter().map(Route::of).collect();
    let mut tries: BTreeMap<Method, Trie<'_>> = BTreeMap::new();
    for (index, (op, route)) in operations.iter().zip(&routes).enumerate() {
        tries.entry(op.method).or_default().insert(index, route);
    }
    let mut found: Vec<(usize, usize, String, String)> = Vec::new();
    for (a_index, (a, route)) in operations.iter().zip(&routes).enumerate() {
        let trie = &tries[&a.method];
        // (the other route's index, the parameter, the other route's text there)
        let mut hits: Vec<(usize, usize, &str)> = Vec::new();
        let mut node = 0;
        for (key, param) in &route.keys {
            if let Some(param) = param {
                for (child_key, child) in &trie.nodes[node].children {
                    let RouteKey::Literal(text) = child_key else { continue };
                    if text.is_empty() {
                        continue;
                    }
                    let first = trie.nodes[*child].first_meeting(route, |b| {
                        operations[b].path != a.path
                            && operations[b].specialization_of.as_deref() != Some(a.id.as_str())
                    });
                    if let Some(b) = first {
                        hits.push((b, *param, text));
                    }
                }
            }
            // A sub-path is the end of what lines up.
            if *key == RouteKey::SubPath {
                break;
            }
            node = trie.nodes[node].children[key];
        }
        // In the other routes' order, as the routes are listed.
        hits.sort_by_key(|(b, _, _)| *b);
        found.extend(
            hits.into_iter().map(|(b, param, text)| (a_index, param, text.to_owned(), operations[b].path.clone())),
        );
    }
    for (op, param, value, path) in found {
        let shadowed = &mut operations[op].params[param].shadowed;
        if !shadowed.iter().any(|(v, _)| *v == value) {
            shadowed.push((value, path));
        }
    }
}

/// One `/`-separated piece of a path template, as the shadowing check compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RouteKey<'a> {
    /// Text (a piece that is not exactly one declared parameter).
    Literal(&'a str),
    /// A path parameter that is one segment.
    Param,
    /// A path parameter that may hold `/` (`x-path-parameter-may-contain-slashes`).
    SubPath,
}

/// A template's pieces, each with its parameter's index, and whether a sub-path makes it match
/// paths of any length from its own on.
struct Route<'a> {
    keys: Vec<(RouteKey<'a>, Option<usize>)>,
    open: bool,
}

impl<'a> Route<'a> {
    fn of(op: &'a Operation) -> Self {
        let keys: Vec<(RouteKey<'a>, Option<usize>)> = op
            .path
            .trim_start_matches('/')
            .split('/')
            .map(|piece| {
                let name = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
                match name
                    .and_then(|n| op.params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == n))
                {
                    Some(index) if op.params[index].allow_slashes => (RouteKey::SubPath, Some(index)),
                    Some(index) => (RouteKey::Param, Some(index)),
                    None => (RouteKey::Literal(piece), None),
                }
            })
            .collect();
        let open = keys.iter().any(|(key, _)| *key == RouteKey::SubPath);
        Route { keys, open }
    }

    /// Whether the two templates can match paths of the same number of segments.
    fn lengths_meet(&self, open: bool, len: usize) -> bool {
        match (self.open, open) {
            (false, false) => self.keys.len() == len,
            (true, false) => len >= self.keys.len(),
            (false, true) => self.keys.len() >= len,
            (true, true) => true,
        }
    }
}

/// The routes of one method by their pieces.
struct Trie<'a> {
    /// The root is `nodes[0]`.
    nodes: Vec<TrieNode<'a>>,
}

impl Default for Trie<'_> {
    fn default() -> Self {
        Trie { nodes: vec![TrieNode::default()] }
    }
}

#[derive(Default)]
struct TrieNode<'a> {
    children: BTreeMap<RouteKey<'a>, usize>,
    /// The routes through this node, by (openness, number of pieces), each list in document order.
    below: BTreeMap<(bool, usize), Vec<usize>>,
}

impl<'a> Trie<'a> {
    fn insert(&mut self, index: usize, route: &Route<'a>) {
        let mut node = 0;
        for (key, _) in &route.keys {
            let next = match self.nodes[node].children.get(key) {
                Some(next) => *next,
                None => {
                    self.nodes.push(TrieNode::default());
                    let next = self.nodes.len() - 1;
                    self.nodes[node].children.insert(*key, next);
                    next
                }
            };
            self.nodes[next].below.entry((route.open, route.keys.len())).or_default().push(index);
            node = next;
        }
    }
}

impl TrieNode<'_> {
    /// The first route below this node (in document order) whose length meets `route`'s and that
    /// `keep` keeps.
    fn first_meeting(&self, route: &Route<'_>, keep: impl Fn(usize) -> bool) -> Option<usize> {
        self.below
            .iter()
            .filter(|((open, len), _)| route.lengths_meet(*open, *len))
            .filter_map(|(_, indexes)| indexes.iter().copied().find(|b| keep(*b)))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check as first written: every route against every other of its method. The trie
    /// must give the same verdicts.
    fn mark_shadowed_pairwise(operations: &mut [Operation]) {
        #[derive(PartialEq)]
        enum Segment<'a> {
            Literal(&'a str),
            Param { sub_path: bool },
        }
        fn segments(op: &Operation) -> Vec<(Segment<'_>, Option<usize>)> {
            op.path
                .trim_start_matches('/')
                .split('/')
                .map(|piece| {
                    let name = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
                    match name.and_then(|n| {
                        op.params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == n)
                    }) {
                        Some(index) => (Segment::Param { sub_path: op.params[index].allow_slashes }, Some(index)),
                        None => (Segment::Literal(piece), None),
                    }
                })
                .collect()
        }
        let mut found: Vec<(usize, usize, String, String)> = Vec::new();
        for (a_index, a) in operations.iter().enumerate() {
            let a_segments = segments(a);
            let a_open = a_segments.iter().any(|(s, _)| matches!(s, Segment::Param { sub_path: true }));
            let others = operations.iter().filter(|b| {
                b.method == a.method && b.path != a.path && b.specialization_of.as_deref() != Some(a.id.as_str())
            });
            for b in others {
                let b_segments = segments(b);
                let b_open = b_segments.iter().any(|(s, _)| matches!(s, Segment::Param { sub_path: true }));
                let (a_len, b_len) = (a_segments.len(), b_segments.len());
                let lengths_meet = match (a_open, b_open) {
                    (false, false) => a_len == b_len,
                    (true, false) => b_len >= a_len,
                    (false, true) => a_len >= b_len,
                    (true, true) => true,
                };
                if !lengths_meet {
                    continue;
                }
                for (i, (segment, param)) in a_segments.iter().enumerate() {
                    let Some(other) = b_segments.get(i) else { break };
                    match (segment, &other.0, param) {
                        (Segment::Param { .. }, Segment::Literal(text), Some(param)) if !text.is_empty() => {
                            found.push((a_index, *param, (*text).to_owned(), b.path.clone()));
                            break;
                        }
                        (Segment::Literal(x), Segment::Literal(y), _) if x == y => {}
                        (Segment::Param { sub_path: false }, Segment::Param { sub_path: false }, _) => {}
                        _ => break,
                    }
                }
            }
        }
        for (op, param, value, path) in found {
            let shadowed = &mut operations[op].params[param].shadowed;
            if !shadowed.iter().any(|(v, _)| *v == value) {
                shadowed.push((value, path));
            }
        }
    }

    /// A small deterministic generator (xorshift), so a failure names its seed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// A spec of random routes over a few segments (literals, an empty one, parameters,
    /// sub-paths, a repeated parameter), methods and specializations.
    fn random_spec(rng: &mut Rng) -> String {
        let pieces = ["a", "b", "sign", "", "{x}", "{y}", "{rest}", "x{x}"];
        let mut paths = BTreeSet::new();
        for _ in 0..1 + rng.below(24) {
            let mut path = String::new();
            for _ in 0..1 + rng.below(5) {
                path.push('/');
                path.push_str(pieces[rng.below(pieces.len())]);
            }
            if path.starts_with("//") {
                // A path may not begin with an empty segment (a URL reads `//x` as a host).
                path.insert_str(0, "/a");
            }
            paths.insert(path);
        }
        let count = paths.len();
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n");
        for (index, path) in paths.iter().enumerate() {
            text.push_str(&format!("  '{path}':\n"));
            for method in ["get", "post"] {
                if rng.below(3) == 0 {
                    continue;
                }
                text.push_str(&format!("    {method}:\n      operationId: {method}{index}\n"));
                if rng.below(4) == 0 {
                    let general = rng.below(count);
                    text.push_str(&format!("      x-specialization-of: {method}{general}\n"));
                }
                text.push_str("      parameters: [");
                for name in ["x", "y", "rest"] {
                    if path.contains(&format!("{{{name}}}")) {
                        let slashes = if name == "rest" { ", x-path-parameter-may-contain-slashes: true" } else { "" };
                        text.push_str(&format!(
                            "{{name: {name}, in: path, required: true, schema: {{type: string}}{slashes}}}, "
                        ));
                    }
                }
                text.push_str("]\n      responses: {'204': {description: ok}}\n");
            }
            // (A path item without operations is still an object.)
            text.push_str("    x-note: routes\n");
        }
        text
    }

    #[test]
    fn the_trie_gives_the_pairwise_verdicts() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut shadowing = 0;
        for case in 0..3000 {
            let text = random_spec(&mut rng);
            let api = match crate::ir_of(crate::Spec::from_file("specs/routes.yaml", &text)) {
                Ok(api) => api,
                Err(e) => panic!("case {case} does not load: {e}\n{text}"),
            };
            let mut expected = api.operations.clone();
            for op in &mut expected {
                for p in &mut op.params {
                    p.shadowed.clear();
                }
            }
            mark_shadowed_pairwise(&mut expected);
            for (got, want) in api.operations.iter().zip(&expected) {
                let got: Vec<_> = got.params.iter().map(|p| &p.shadowed).collect();
                let want: Vec<_> = want.params.iter().map(|p| &p.shadowed).collect();
                assert_eq!(got, want, "case {case}:\n{text}");
            }
            shadowing += usize::from(expected.iter().any(|op| op.params.iter().any(|p| !p.shadowed.is_empty())));
        }
        // The generator makes routes that shadow one another.
        assert!(shadowing > 1000, "{shadowing} of 3000 specs with shadowing");
    }
}
