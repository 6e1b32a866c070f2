//! A plain-text rendering of the IR, for snapshot tests and for reviewers: one line per decision.

use crate::ir::{
    Api, ContentKind, ExampleRequest, MockReply, MockValue, Operation, Param, ParamStyle, SecurityRequirement, Shown,
    Success, Type, TypeKind,
};
use std::fmt::Write;

/// Summarizes an [`Api`]: operations with their parameters, bodies, responses and security, then types.
pub fn summary(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "area {} ({}) -> {}", api.area, api.file, api.api_struct);
    let _ = writeln!(out, "operations: {}", api.operations.len());
    if let Some(kind) = api.shared_errors {
        let _ = writeln!(out, "shared error() -> {}", error_body(api, kind));
    }
    for op in &api.operations {
        operation(&mut out, api, op);
    }
    let _ = writeln!(out, "types: {}", api.types.len());
    for def in &api.types {
        let _ = match &def.kind {
            TypeKind::Alias(ty) => writeln!(out, "  type {} = {}", def.name, ty_name(api, ty)),
            TypeKind::Runtime(shared) => writeln!(out, "  type {} = runtime {}", def.name, shared.name()),
            TypeKind::Struct(s) => {
                let mut fields: Vec<String> = s
                    .fields
                    .iter()
                    .map(|f| {
                        let mut text = field(api, (&f.name, &f.wire_name), &f.ty, f.required);
                        if f.boxed {
                            text.push_str(" boxed");
                        }
                        match f.shown {
                            Shown::Plain => {}
                            Shown::Secret => text.push_str(" secret"),
                            Shown::Url => text.push_str(" url"),
                        }
                        if f.three_state {
                            text.push_str(" three-state");
                        }
                        text
                    })
                    .collect();
                if let Some(extra) = &s.extra {
                    fields.push(format!("..{}: {}", extra.name, ty_name(api, &extra.value)));
                }
                writeln!(out, "  struct {} {{ {} }}", def.name, fields.join(", "))
            }
            TypeKind::Headers(h) => {
                let fields: Vec<String> = h
                    .fields
                    .iter()
                    .map(|f| format!("{}: {} from {:?}", f.name, ty_name(api, &f.ty), f.wire_name))
                    .collect();
                writeln!(out, "  headers {} {{ {} }}", def.name, fields.join(", "))
            }
            TypeKind::Form(form) => {
                let fields: Vec<String> = form
                    .fields
                    .iter()
                    .map(|f| {
                        let mut text = field(api, (&f.name, &f.wire_name), &f.ty, f.required);
                        if let Some(media) = &f.content_type {
                            text.push_str(&format!(" file {media}"));
                        }
                        text
                    })
                    .collect();
                writeln!(out, "  form {} {{ {} }}", def.name, fields.join(", "))
            }
            TypeKind::Enum(e) => {
                let values: Vec<String> = e.variants.iter().map(|v| format!("{}={:?}", v.name, v.value)).collect();
                writeln!(out, "  enum {} {{ {}, {}(String) }}", def.name, values.join(", "), e.other)
            }
            TypeKind::Union(u) => {
                let variants: Vec<String> = u
                    .variants
                    .iter()
                    .map(|v| {
                        let mut text = format!("{}({})", v.name, ty_name(api, &v.ty));
                        if v.secret {
                            text.push_str(" secret");
                        }
                        if let Some(tag) = &v.discriminator_value {
                            text.push_str(&format!(" when {}={tag:?}", u.discriminator.as_deref().unwrap_or("")));
                        } else if !v.marker_properties.is_empty() {
                            text.push_str(&format!(" if any of {:?}", v.marker_properties));
                        }
                        text
                    })
                    .collect();
                writeln!(out, "  union {} {{ {} }}", def.name, variants.join(" | "))
            }
        };
    }
    out
}

/// A struct's or a form's field: `name: Type`, `?` when optional, its wire name where it differs.
fn field(api: &Api, (name, wire_name): (&str, &str), ty: &Type, required: bool) -> String {
    let mut text = format!("{name}: {}", ty_name(api, ty));
    if !required {
        text.push('?');
    }
    if name.trim_start_matches("r#") != wire_name {
        text.push_str(&format!(" as {wire_name:?}"));
    }
    text
}

fn operation(out: &mut String, api: &Api, op: &Operation) {
    let _ = writeln!(out, "  {} {} {} -> {}() / {}", op.id, op.method.as_str(), op.path, op.method_name, op.builder);
    let security: Vec<String> = op
        .security
        .iter()
        .map(|s| match s {
            SecurityRequirement::None => "none".to_owned(),
            SecurityRequirement::Bearer => "bearer".to_owned(),
            SecurityRequirement::Basic => "basic".to_owned(),
            SecurityRequirement::ApiKeyHeader(h) => format!("api-key header {h}"),
            SecurityRequirement::Tc3 => "tc3 signature".to_owned(),
        })
        .collect();
    let link = if op.link { " (a link: `url()`)" } else { "" };
    let _ = writeln!(out, "    security: {}{link}", security.join(" | "));
    if op.trailing_slash {
        let _ = writeln!(out, "    also answers {}/", op.path);
    }
    for p in &op.params {
        param(out, api, p);
    }
    for c in &op.constants {
        let _ = writeln!(out, "    {} {:?} = {:?} (constant, no setter)", c.location.as_str(), c.wire_name, c.value);
    }
    if let Some(body) = &op.body {
        for form in &body.forms {
            let setter = if body.forms.len() > 1 { format!(" .{}()", form.setter) } else { String::new() };
            let _ = writeln!(
                out,
                "    body{} {}: {}{}{}{}",
                setter,
                form.media_type,
                ty_name(api, &form.ty),
                match form.free_form {
                    Some(crate::ir::FreeForm::Object) => " free-form, any Serialize checked to be an object",
                    Some(crate::ir::FreeForm::Any) => " free-form, any Serialize",
                    None => "",
                },
                if form.any_content_type { " any content type" } else { "" },
                if body.required { " (required)" } else { "" }
            );
            if !form.also_sent_as.is_empty() {
                let _ = writeln!(out, "      also sent as {}", form.also_sent_as.join(", "));
            }
            if let Some(example) = &form.example {
                let _ = writeln!(out, "      example {example}");
            }
        }
    }
    match op.example_request() {
        ExampleRequest::Undocumented => {
            let _ = writeln!(out, "    doc example: stand-in values (nothing documented)");
        }
        ExampleRequest::BodyUndocumented => {
            let _ = writeln!(out, "    doc example: stand-in values (the required body has no documented value)");
        }
        ExampleRequest::Shown { placeholders } if placeholders.is_empty() => {
            let _ = writeln!(out, "    doc example: documented values");
        }
        ExampleRequest::Shown { placeholders } => {
            let names: Vec<&str> = placeholders.iter().map(|&i| op.params[i].name.as_str()).collect();
            let _ = writeln!(out, "    doc example: documented values, placeholders for {}", names.join(", "));
        }
    }
    for r in &op.responses {
        let contents: Vec<String> = r
            .contents
            .iter()
            .map(|c| {
                let kind = if c.kind == ContentKind::EventStream { " (stream)" } else { "" };
                format!("{} {}{kind}", c.media_type, ty_name(api, &c.ty))
            })
            .collect();
        let headers: Vec<&str> = r.headers.iter().map(|h| h.name.as_str()).collect();
        let _ = writeln!(
            out,
            "    {} {}{}",
            r.status,
            match (contents.is_empty(), r.body_optional) {
                (true, _) => "(no body)".to_owned(),
                (false, true) => format!("{} | (no body)", contents.join(" | ")),
                (false, false) => contents.join(" | "),
            },
            if headers.is_empty() { String::new() } else { format!("; headers {}", headers.join(", ")) }
        );
    }
    let success = match &op.success {
        Success::Single(case) => case.content.as_ref().map(|c| ty_name(api, &c.ty)).unwrap_or_else(|| "()".to_owned()),
        Success::Body(status) => format!("runtime Body [{status}]"),
        Success::Enum { name, variants } => {
            let variants: Vec<String> = variants.iter().map(|v| format!("{} [{}]", v.name, v.case.status)).collect();
            format!("{name} {{ {} }}", variants.join(", "))
        }
    };
    let _ = writeln!(out, "    send() -> {success}");
    if op.accept.header.contains(',') {
        let _ = writeln!(out, "    Accept: {}", op.accept.header);
    }
    if op.accept.choices.len() > 1 {
        let _ = writeln!(out, "    accept() one of {}", op.accept.choices.join(", "));
    }
    let arms: Vec<String> = op
        .errors
        .arms
        .iter()
        .map(|(statuses, kind)| {
            let statuses: Vec<String> = statuses.iter().map(ToString::to_string).collect();
            format!("{} -> {}", statuses.join("|"), error_body(api, *kind))
        })
        .chain(std::iter::once(format!("else -> {}", error_body(api, op.errors.fallback))))
        .collect();
    if api.uses_shared_errors(op) {
        let _ = writeln!(out, "    error() shared");
    } else {
        let _ = writeln!(out, "    error() {}", arms.join("; "));
    }
    if let Some(stream) = &op.stream {
        let _ = writeln!(
            out,
            "    send_stream() -> {}{}",
            ty_name(api, &stream.item),
            stream.terminator.as_ref().map(|t| format!(" until {t:?}")).unwrap_or_default()
        );
    }
    mock(out, &op.mock);
}

/// The mock server's default reply: status, media type and value, and whether the spec
/// documents the value or the generator made it up.
fn mock(out: &mut String, mock: &MockReply) {
    let origin = |v: &MockValue| if v.documented { "example" } else { "sample" };
    match &mock.body {
        Some(body) => {
            let _ = writeln!(
                out,
                "    mock {} {} {}: {}",
                mock.status,
                body.media_type,
                origin(&body.value),
                body.value.value
            );
        }
        None => {
            let _ = writeln!(out, "    mock {} (no body)", mock.status);
        }
    }
    if let Some(event) = &mock.event {
        let _ = writeln!(out, "    mock event {}: {}", origin(event), event.value);
    }
}

fn param(out: &mut String, api: &Api, p: &Param) {
    let location = p.location.as_str();
    let mut notes = Vec::new();
    if p.required {
        notes.push("required".to_owned());
    }
    if let Some(default) = p.client_default {
        notes.push(format!("client default {}", default.as_str()));
    }
    if p.style == ParamStyle::Exploded {
        notes.push("exploded".to_owned());
    }
    if p.allow_slashes {
        notes.push("may contain slashes".to_owned());
    }
    if let Some(value) = &p.flag {
        notes.push(format!("flag: true sends {value:?}"));
    }
    if p.secret {
        notes.push("secret".to_owned());
    }
    if !p.shadowed.is_empty() {
        let values: Vec<String> = p.shadowed.iter().map(|(v, _)| format!("{v:?}")).collect();
        notes.push(format!("not {} (other routes)", values.join(", ")));
    }
    if let Some(pattern) = &p.constraints.pattern {
        notes.push(format!("pattern {pattern:?}"));
    }
    let c = &p.constraints;
    for (name, value) in [("min length", c.min_length), ("max length", c.max_length)] {
        if let Some(value) = value {
            notes.push(format!("{name} {value}"));
        }
    }
    for (name, value) in [("minimum", c.minimum), ("maximum", c.maximum)] {
        if let Some(value) = value {
            notes.push(format!("{name} {value}"));
        }
    }
    if let Some(example) = &p.example {
        notes.push(format!("example {example}"));
    }
    let _ = writeln!(
        out,
        "    {location} {:?} -> {}: {}{}",
        p.wire_name,
        p.name,
        ty_name(api, &p.ty),
        if notes.is_empty() { String::new() } else { format!(" ({})", notes.join(", ")) }
    );
}

/// A type as the summary and the spec diff show it (`Vec<TokenResponse>`, `Option<String>`).
pub(crate) fn ty_name(api: &Api, ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Integer { bits } => format!("i{bits}"),
        Type::Number { bits } => format!("f{bits}"),
        Type::Boolean => "bool".into(),
        Type::Bytes => "Bytes".into(),
        Type::Any => "Value".into(),
        Type::Object => "Map".into(),
        Type::Array(item) => format!("Vec<{}>", ty_name(api, item)),
        Type::Map(value) => format!("BTreeMap<String, {}>", ty_name(api, value)),
        Type::Nullable(inner) => format!("Option<{}>", ty_name(api, inner)),
        Type::Named(id) => api.type_def(*id).name.clone(),
    }
}

/// What an error status is decoded as, for the summary.
fn error_body(api: &Api, kind: crate::ir::ErrorBodyKind) -> String {
    match kind {
        crate::ir::ErrorBodyKind::Struct(id) => ty_name(api, &crate::ir::Type::Named(id)),
        crate::ir::ErrorBodyKind::Map => "Map".to_owned(),
        crate::ir::ErrorBodyKind::Value => "Value".to_owned(),
        crate::ir::ErrorBodyKind::Text => "String".to_owned(),
        crate::ir::ErrorBodyKind::Undocumented => "undocumented".to_owned(),
    }
}
