//! IR -> one area's module of the `cloudbase-mock` crate: the route table the mock server
//! checks requests against, a typed request per operation (what a test matches on and reads
//! back), and the reply methods of each operation's stub, typed by the spec's responses.

use super::{docs, ident, prefixed_type_tokens};
use crate::ir::{
    Api, BodyForm, BodyKind, ContentKind, ErrorBodyKind, FreeForm, MockValue, Operation, Param, ParamLocation,
    ParamStyle, SecurityRequirement, StatusSpec, Success, SuccessCase, Type, TypeKind,
};
use crate::names;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The whole mock module for one area.
pub fn module(api: &Api) -> TokenStream {
    let title = docs::sanitize(&api.title);
    let inner_doc = docs::inner_attrs(&format!(
        "The mock of {title} ({}): stub its operations through [`MockServer::{area}`](crate::MockServer::{area}), \
         read what they received as [`requests`](crate::{area}::requests).",
        docs::code(&api.file),
        area = api.area
    ));
    let area = &api.area;
    let area_ident = ident(area);
    let mock_struct = format_ident!("{}Mock", names::pascal(area, "Area"));
    let api_use = uses_api_types(api).then(|| quote! { use cloudbase_api::#area_ident as api; });
    // A spec of schemas alone has no stub to read the server or name the runtime.
    let rt_use = (!api.operations.is_empty()).then(|| quote! { use super::rt; });
    let unread = api.operations.is_empty().then(|| quote! { #[allow(dead_code)] });
    let struct_doc = docs::attrs(&format!(
        "The operations of {title}, each a [`Stub`](rt::Stub) to set replies on or read requests from; \
         get one from [`MockServer::{area}`]."
    ));
    let accessor_doc = docs::attrs(&format!(
        "The operations of {title} ({}): stub replies, read what they received.",
        docs::code(&api.file)
    ));
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let request = ident(&op.builder);
        let summary = op.summary.as_deref().map(|s| format!(": {}", docs::sanitize(s))).unwrap_or_default();
        let doc = docs::attrs(&format!(
            "{}{summary}\n\nThe client's side: [`cloudbase_api::{area}::{}::{method}`].",
            docs::signature(op),
            api.api_struct
        ));
        quote! {
            #doc
            pub fn #method(&self) -> rt::Stub<'s, requests::#request> {
                rt::Stub::new(self.server)
            }
        }
    });
    let routes = api.operations.iter().map(|op| {
        let request = ident(&op.builder);
        quote! { <requests::#request as rt::Request>::ROUTE }
    });
    let requests = api.operations.iter().map(|op| request(api, op));
    let requests_doc = docs::inner_attrs(
        "The typed request of each operation, decoded from what the mock received: what\n\
         [`Stub::when`](crate::Stub::when) matches on and [`Stub::received`](crate::Stub::received) returns.",
    );
    quote! {
        #inner_doc
        use crate::MockServer;
        use crate::runtime as rt;

        #struct_doc
        #[derive(Debug, Clone, Copy)]
        pub struct #mock_struct<'s> {
            #unread
            server: &'s MockServer,
        }

        impl MockServer {
            #accessor_doc
            pub fn #area_ident(&self) -> #mock_struct<'_> {
                #mock_struct { server: self }
            }
        }

        impl<'s> #mock_struct<'s> {
            #(#methods)*
        }

        /// Every operation's route, in document order.
        pub(crate) const ROUTES: &[&rt::Route] = &[#(#routes),*];

        pub mod requests {
            #requests_doc
            #rt_use
            #api_use

            #(#requests)*
        }
    }
}

/// Whether any type the module spells is one of the area's named types.
fn uses_api_types(api: &Api) -> bool {
    fn named(ty: &Type) -> bool {
        match ty {
            Type::Named(_) => true,
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => named(inner),
            _ => false,
        }
    }
    api.operations.iter().any(|op| {
        op.params.iter().any(|p| p.flag.is_none() && named(&p.ty))
            || op
                .body
                .iter()
                .flat_map(|b| &b.forms)
                .any(|f| f.free_form.is_none() && f.kind == BodyKind::Json && named(&f.ty))
            || reply_cases(op).iter().any(|(_, case)| case.content.as_ref().is_some_and(|c| named(&c.ty)))
            || op.stream.as_ref().is_some_and(|s| named(&s.item))
            || matches!(op.errors.fallback, ErrorBodyKind::Struct(_))
    })
}

fn spell(api: &Api, ty: &Type) -> TokenStream {
    prefixed_type_tokens(api, ty, &quote! { api:: })
}

/// A parameter's field type: what its setter takes, `bool` for a flag.
fn param_type(api: &Api, p: &Param) -> TokenStream {
    if p.flag.is_some() {
        return quote! { bool };
    }
    let ty = match &p.ty {
        Type::Nullable(inner) => spell(api, inner),
        ty => spell(api, ty),
    };
    if p.required {
        ty
    } else {
        quote! { Option<#ty> }
    }
}

/// The type one form of a request body is read back as.
fn form_type(api: &Api, form: &BodyForm) -> TokenStream {
    match (form.kind, form.free_form) {
        (_, Some(FreeForm::Any)) => quote! { serde_json::Value },
        (_, Some(FreeForm::Object)) => quote! { serde_json::Map<String, serde_json::Value> },
        (BodyKind::Json, None) => spell(api, &form.ty),
        (BodyKind::Text, None) => quote! { String },
        (BodyKind::Bytes, None) => quote! { bytes::Bytes },
        (BodyKind::Multipart, None) => quote! { rt::Form },
    }
}

/// The read of one form of the body from `received`, an `Option` of its [`form_type`].
fn form_read(form: &BodyForm) -> TokenStream {
    match form.kind {
        BodyKind::Json => quote! { received.json_body()? },
        BodyKind::Text => quote! { received.text_body()? },
        BodyKind::Bytes => quote! { received.bytes_body() },
        BodyKind::Multipart => quote! { received.form_body()? },
    }
}

/// The name of the enum of an operation's body forms, when it has several.
fn forms_enum(op: &Operation) -> Option<String> {
    op.body.as_ref().and_then(|b| b.forms_enum.clone())
}

/// The request body's field type.
fn body_type(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let ty = match (body.forms.as_slice(), forms_enum(op)) {
        ([only], _) => form_type(api, only),
        (_, Some(name)) => {
            let name = ident(&name);
            quote! { #name }
        }
        (_, None) => return None,
    };
    Some(if body.required {
        ty
    } else {
        quote! { Option<#ty> }
    })
}

/// The enum of the forms a request body came in, for an operation whose body has several.
fn forms_enum_def(api: &Api, op: &Operation) -> Option<TokenStream> {
    let name = ident(&forms_enum(op)?);
    let body = op.body.as_ref()?;
    let doc = docs::attrs(&format!("The forms the request body of {} may come in.", docs::code(&op.id)));
    let variants = body.forms.iter().map(|f| {
        let variant = ident(&names::pascal(&f.setter, "Form"));
        let ty = form_type(api, f);
        let doc = docs::attrs(&format!("Sent as {} (the client's `{}` setter).", docs::code(&f.media_type), f.setter));
        quote! { #doc #variant(#ty), }
    });
    Some(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    })
}

fn request(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.builder);
    let doc = docs::attrs(&format!("A request to {}, as the mock received it.", docs::signature(op)));
    let fields = op.params.iter().map(|p| {
        let field = ident(&p.name);
        let ty = param_type(api, p);
        let what = if p.flag.is_some() {
            format!("{}: {} flag, whether it was sent.", docs::code(&p.wire_name), p.location.as_str())
        } else {
            format!("{}: {} parameter.", docs::code(&p.wire_name), p.location.as_str())
        };
        let doc = docs::attrs(&docs::described(p.docs.as_deref(), what));
        quote! { #doc pub #field: #ty, }
    });
    let body_field = body_type(api, op).map(|ty| {
        let media: Vec<String> = op.body.iter().flat_map(|b| &b.forms).map(|f| docs::code(&f.media_type)).collect();
        let doc = docs::attrs(&format!("The request body ({}).", media.join(" or ")));
        quote! { #doc pub body: #ty, }
    });
    let any_content_type = op.body.iter().flat_map(|b| &b.forms).any(|f| f.any_content_type);
    let content_type_field = any_content_type.then(|| {
        quote! {
            /// The body's `Content-Type` as sent (the spec lets a binary body be any media type).
            pub content_type: Option<String>,
        }
    });
    let decode_content_type =
        any_content_type.then(|| quote! { content_type: received.header("content-type").map(str::to_owned), });
    let decode_fields = op.params.iter().enumerate().map(|(index, p)| {
        let field = ident(&p.name);
        let index = Literal::usize_unsuffixed(index);
        let call = if p.flag.is_some() {
            quote! { received.flag(#index) }
        } else if p.required {
            quote! { received.required(#index)? }
        } else {
            quote! { received.optional(#index)? }
        };
        quote! { #field: #call, }
    });
    let decode_body = op.body.as_ref().map(|b| {
        let read = match (b.forms.as_slice(), forms_enum(op)) {
            ([only], _) => form_read(only),
            (forms, name) => {
                let name = ident(name.as_deref().unwrap_or_default());
                let arms = forms.iter().enumerate().map(|(index, f)| {
                    let index = Literal::usize_unsuffixed(index);
                    let variant = ident(&names::pascal(&f.setter, "Form"));
                    let read = form_read(f);
                    quote! { Some(#index) => #read.map(#name::#variant), }
                });
                quote! {
                    match received.form_index() {
                        #(#arms)*
                        _ => None,
                    }
                }
            }
        };
        if b.required {
            quote! { body: #read.ok_or_else(|| "missing required request body".to_owned())?, }
        } else {
            quote! { body: #read, }
        }
    });
    let route = route(api, op);
    let replies = replies(api, op);
    let forms_enum = forms_enum_def(api, op);
    // An operation without parameters or body decodes from nothing.
    let received = if op.params.is_empty() && op.body.is_none() {
        quote! { _ }
    } else {
        quote! { received }
    };
    // A credential parameter is `<redacted>` in `Debug` (body types redact their own fields).
    let redacted_debug = op.params.iter().any(|p| p.secret).then(|| {
        let entries = op.params.iter().map(|p| {
            let field = ident(&p.name);
            let label = p.name.trim_start_matches("r#");
            if p.secret {
                quote! { .field(#label, &rt::Redacted) }
            } else {
                quote! { .field(#label, &self.#field) }
            }
        });
        let body = op.body.as_ref().map(|_| quote! { .field("body", &self.body) });
        let label = op.builder.as_str();
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#label)
                        #(#entries)*
                        #body
                        .finish()
                }
            }
        }
    });
    let derive_debug = redacted_debug.is_none().then(|| quote! { Debug, });
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #body_field
            #content_type_field
        }

        #forms_enum

        impl rt::Request for #name {
            const ROUTE: &'static rt::Route = &#route;

            fn decode(#received: &rt::Received) -> Result<Self, String> {
                Ok(#name {
                    #(#decode_fields)*
                    #decode_body
                    #decode_content_type
                })
            }
        }

        #redacted_debug
        #replies
    }
}

/// The operation's `rt::Route` literal.
fn route(api: &Api, op: &Operation) -> TokenStream {
    let area = &api.area;
    let id = &op.id;
    let name = &op.method_name;
    let method = op.method.as_str();
    let path = &op.path;
    let params = op.params.iter().map(|p| {
        let name = &p.wire_name;
        let shape = match &p.flag {
            Some(value) => quote! { rt::Shape::OneOf(&[#value]) },
            None => shape(api, &p.ty, 0),
        };
        let mut param = match p.location {
            ParamLocation::Path => quote! { rt::Param::path(#name, #shape) },
            ParamLocation::Query => quote! { rt::Param::query(#name, #shape) },
            ParamLocation::Header => quote! { rt::Param::header(#name, #shape) },
        };
        if p.required && p.location != ParamLocation::Path {
            param = quote! { #param.required() };
        }
        if p.style == ParamStyle::Exploded {
            param = quote! { #param.exploded() };
        }
        if p.allow_slashes {
            param = quote! { #param.sub_path() };
        }
        if let Some(rules) = rules(&p.constraints) {
            param = quote! { #param.rules(#rules) };
        }
        if p.secret {
            param = quote! { #param.secret() };
        }
        param
    });
    let constants = op.constants.iter().map(|c| {
        let name = &c.wire_name;
        let value = &c.value;
        match c.location {
            ParamLocation::Header => quote! { rt::Constant::header(#name, #value) },
            _ => quote! { rt::Constant::query(#name, #value) },
        }
    });
    let body = match &op.body {
        None => quote! { None },
        Some(b) => {
            let required = b.required;
            let forms = b.forms.iter().map(|f| {
                let media_type = &f.media_type;
                match (f.kind, f.free_form) {
                    (BodyKind::Json, Some(FreeForm::Any)) => {
                        quote! { rt::FormSpec::json(#media_type, rt::decodes::<serde_json::Value>) }
                    }
                    (BodyKind::Json, Some(FreeForm::Object)) => quote! {
                        rt::FormSpec::json(#media_type, rt::decodes::<serde_json::Map<String, serde_json::Value>>)
                    },
                    (BodyKind::Json, None) if !f.also_sent_as.is_empty() => {
                        let ty = spell(api, &f.ty);
                        let also = &f.also_sent_as;
                        quote! { rt::FormSpec::json(#media_type, rt::decodes::<#ty>).also_sent_as(&[#(#also),*]) }
                    }
                    (BodyKind::Json, None) => {
                        let ty = spell(api, &f.ty);
                        quote! { rt::FormSpec::json(#media_type, rt::decodes::<#ty>) }
                    }
                    (BodyKind::Text, _) => quote! { rt::FormSpec::text(#media_type) },
                    (BodyKind::Bytes, _) if f.any_content_type => {
                        quote! { rt::FormSpec::bytes(#media_type).any_type() }
                    }
                    (BodyKind::Bytes, _) => quote! { rt::FormSpec::bytes(#media_type) },
                    (BodyKind::Multipart, _) => {
                        let parts = form_parts(api, f);
                        quote! { rt::FormSpec::multipart(#media_type, &[#(#parts),*]) }
                    }
                }
            });
            quote! {
                Some(rt::BodySpec { required: #required, forms: &[#(#forms),*] })
            }
        }
    };
    let security = op.security.iter().map(|s| match s {
        SecurityRequirement::None => quote! { rt::Security::None },
        SecurityRequirement::Bearer => quote! { rt::Security::Bearer },
        SecurityRequirement::Basic => quote! { rt::Security::Basic },
        SecurityRequirement::ApiKeyHeader(name) => quote! { rt::Security::ApiKeyHeader(#name) },
        SecurityRequirement::Tc3 => quote! { rt::Security::Tc3 },
    });
    let status = Literal::u16_unsuffixed(op.mock.status);
    let trailing_slash = op.trailing_slash;
    let reply_body = match &op.mock.body {
        None => quote! { None },
        Some(body) => {
            let media_type = &body.media_type;
            let text = wire_text(&body.value);
            quote! { Some((#media_type, #text)) }
        }
    };
    let stream = match &op.stream {
        None => quote! { None },
        Some(stream) => {
            let event = op.mock.event.as_ref().map(wire_text).unwrap_or_default();
            let terminator = match &stream.terminator {
                Some(t) => quote! { Some(#t) },
                None => quote! { None },
            };
            quote! { Some(rt::StreamSpec { event: #event, terminator: #terminator }) }
        }
    };
    quote! {
        rt::Route {
            area: #area,
            id: #id,
            name: #name,
            method: #method,
            path: #path,
            params: &[#(#params),*],
            constants: &[#(#constants),*],
            body: #body,
            security: &[#(#security),*],
            reply: rt::DefaultReply { status: #status, body: #reply_body },
            stream: #stream,
            trailing_slash: #trailing_slash,
        }
    }
}

/// A mock value as sent: JSON text, or the string itself for text and bytes.
fn wire_text(value: &MockValue) -> String {
    match &value.value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The parts of a multipart form, as the mock checks them.
fn form_parts(api: &Api, form: &BodyForm) -> Vec<TokenStream> {
    let Type::Named(id) = form.ty else { return Vec::new() };
    let TypeKind::Form(fields) = &api.type_def(id).kind else { return Vec::new() };
    fields
        .fields
        .iter()
        .map(|f| {
            let name = &f.wire_name;
            let required = f.required;
            if f.content_type.is_some() {
                quote! { rt::PartSpec::file(#name, #required) }
            } else {
                quote! { rt::PartSpec::text(#name, #required) }
            }
        })
        .collect()
}

/// Aliases are followed at most this deep (a spec may define an alias cycle; the normalizer
/// refuses those, this keeps the emitter total anyway).
const MAX_ALIAS_DEPTH: usize = 16;

/// The text values a parameter of type `ty` may take.
fn shape(api: &Api, ty: &Type, depth: usize) -> TokenStream {
    match ty {
        Type::Integer { bits } => {
            let bits = Literal::u8_unsuffixed(*bits);
            quote! { rt::Shape::Integer { bits: #bits } }
        }
        Type::Number { .. } => quote! { rt::Shape::Number },
        Type::Boolean => quote! { rt::Shape::Boolean },
        Type::Array(item) => {
            let item = shape(api, item, depth + 1);
            quote! { rt::Shape::Array(&#item) }
        }
        Type::Map(value) => {
            let value = shape(api, value, depth + 1);
            quote! { rt::Shape::Map(&#value) }
        }
        Type::Object => quote! { rt::Shape::Map(&rt::Shape::String) },
        Type::Nullable(inner) => shape(api, inner, depth),
        Type::Named(id) if depth < MAX_ALIAS_DEPTH => match &api.type_def(*id).kind {
            TypeKind::Alias(inner) => shape(api, inner, depth + 1),
            TypeKind::Enum(e) => {
                let values = e.variants.iter().map(|v| &v.value);
                // A string enum decodes unknown values into its catch-all variant: any text is
                // a value the client could send, but the spec lists the ones it allows.
                quote! { rt::Shape::OneOf(&[#(#values),*]) }
            }
            TypeKind::Struct(_) => quote! { rt::Shape::Map(&rt::Shape::String) },
            TypeKind::Union(_) | TypeKind::Runtime(_) | TypeKind::Form(_) | TypeKind::Headers(_) => {
                quote! { rt::Shape::String }
            }
        },
        Type::String | Type::Bytes | Type::Any | Type::Named(_) => quote! { rt::Shape::String },
    }
}

/// The parameter's constraints: only the ones the spec states, the rest from `Rules::NONE`;
/// `None` when the spec states none.
fn rules(c: &crate::ir::Constraints) -> Option<TokenStream> {
    let mut set = Vec::new();
    if let Some(pattern) = &c.pattern {
        set.push(quote! { pattern: Some(#pattern), });
    }
    if let Some(n) = c.min_length {
        let n = Literal::usize_unsuffixed(n);
        set.push(quote! { min_length: Some(#n), });
    }
    if let Some(n) = c.max_length {
        let n = Literal::usize_unsuffixed(n);
        set.push(quote! { max_length: Some(#n), });
    }
    if let Some(n) = c.minimum {
        let n = Literal::f64_suffixed(n);
        set.push(quote! { minimum: Some(#n), });
    }
    if let Some(n) = c.maximum {
        let n = Literal::f64_suffixed(n);
        set.push(quote! { maximum: Some(#n), });
    }
    (!set.is_empty()).then(|| quote! { rt::Rules { #(#set)* ..rt::Rules::NONE } })
}

/// The documented successes a stub can reply with, each with the name of its reply method.
fn reply_cases(op: &Operation) -> Vec<(String, SuccessCase)> {
    let not_stream = |case: &SuccessCase| case.content.as_ref().is_none_or(|c| c.kind != ContentKind::EventStream);
    match &op.success {
        Success::Single(case) if not_stream(case) => vec![("reply".to_owned(), case.clone())],
        Success::Single(_) | Success::Body(_) => Vec::new(),
        Success::Enum { variants, .. } => variants
            .iter()
            .filter(|v| not_stream(&v.case))
            .map(|v| (format!("reply_{}", names::snake(&v.name, "variant")), v.case.clone()))
            .collect(),
    }
}

/// The type an error body is given as, and the answer sending it with `status`.
fn error_body(api: &Api, kind: ErrorBodyKind, status: TokenStream) -> (TokenStream, TokenStream) {
    match kind {
        ErrorBodyKind::Struct(id) => (spell(api, &Type::Named(id)), quote! { rt::Answer::json(#status, &body) }),
        ErrorBodyKind::Map => {
            (quote! { serde_json::Map<String, serde_json::Value> }, quote! { rt::Answer::json(#status, &body) })
        }
        ErrorBodyKind::Value | ErrorBodyKind::Undocumented => {
            (quote! { serde_json::Value }, quote! { rt::Answer::json(#status, &body) })
        }
        ErrorBodyKind::Text => (quote! { String }, quote! { rt::Answer::text(#status, "text/plain", body) }),
    }
}

/// One setter per response header the operation's successes document, e.g.
/// `header_content_range`: adds the header to whatever the stub answers.
fn header_setters(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let mut seen = std::collections::BTreeSet::new();
    let headers = op.responses.iter().filter(|r| r.status.is_success()).flat_map(|r| &r.headers);
    // Two names that spell the same method (`X-Foo`, `x_foo`) get the first one's setter.
    headers
        .filter(|h| seen.insert(names::snake(&h.name.to_ascii_lowercase(), "value")))
        .map(|h| {
            let method = format_ident!("header_{}", names::snake(&h.name.to_ascii_lowercase(), "value"));
            let wire = &h.name;
            let what = format!("Adds the documented {} response header to the reply.", docs::code(wire));
            let doc = docs::attrs(&docs::described(h.docs.as_deref(), what));
            let scalar = match &h.ty {
                Type::Integer { .. } | Type::Number { .. } | Type::Boolean => Some(spell(api, &h.ty)),
                _ => None,
            };
            match scalar {
                Some(ty) => quote! {
                    #doc
                    pub fn #method(self, value: #ty) -> Self {
                        self.header(#wire, value.to_string())
                    }
                },
                None => quote! {
                    #doc
                    pub fn #method(self, value: impl Into<String>) -> Self {
                        self.header(#wire, value)
                    }
                },
            }
        })
        .collect()
}

/// The reply methods of the operation's stub: a setter per documented response header, one
/// method per documented success, `fail` (and `fail_<status>`) with the documented error
/// bodies, `stream` for an event stream.
fn replies(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.builder);
    let mut methods = header_setters(api, op);
    if let Success::Body(status) = op.success {
        let code = Literal::u16_unsuffixed(status.answered());
        let doc = docs::attrs(&format!(
            "Mounts the stub: answers {code} with `body`, sent with the media type its variant stands for."
        ));
        methods.push(quote! {
            #doc
            pub fn reply(self, body: cloudbase_api::Body) {
                self.answer(rt::Answer::any_body(#code, body));
            }
        });
    }
    for (method, case) in reply_cases(op) {
        let method = ident(&method);
        let code = Literal::u16_unsuffixed(case.status.answered());
        methods.push(match &case.content {
            None => {
                let doc = docs::attrs(&format!("Mounts the stub: answers {code} without a body."));
                quote! {
                    #doc
                    pub fn #method(self) {
                        self.answer(rt::Answer::status(#code));
                    }
                }
            }
            Some(content) => {
                let media_type = names::concrete_media_type(
                    &content.essence,
                    match content.kind {
                        ContentKind::Body(kind) => kind,
                        ContentKind::EventStream => BodyKind::Text,
                    },
                );
                let doc = docs::attrs(&format!(
                    "Mounts the stub: answers {code} with `body` as {}.",
                    docs::code(&media_type)
                ));
                match content.kind {
                    ContentKind::Body(BodyKind::Text) => quote! {
                        #doc
                        pub fn #method(self, body: impl Into<String>) {
                            self.answer(rt::Answer::text(#code, #media_type, body));
                        }
                    },
                    ContentKind::Body(BodyKind::Bytes | BodyKind::Multipart) => quote! {
                        #doc
                        pub fn #method(self, body: impl Into<bytes::Bytes>) {
                            self.answer(rt::Answer::bytes(#code, #media_type, body));
                        }
                    },
                    _ => {
                        let ty = spell(api, &content.ty);
                        quote! {
                            #doc
                            pub fn #method(self, body: #ty) {
                                self.answer(rt::Answer::json_as(#code, #media_type, &body));
                            }
                        }
                    }
                }
            }
        });
    }
    let (error_ty, error_call) = error_body(api, op.errors.fallback, quote! { status });
    methods.push(quote! {
        /// Mounts the stub: answers `status` (an error status, for the client's error path) with
        /// `body`, the operation's documented error body.
        pub fn fail(self, status: u16, body: #error_ty) {
            self.answer(#error_call);
        }
    });
    // Statuses whose documented error body differs from the fallback's have their own.
    for (statuses, kind) in &op.errors.arms {
        if *kind == ErrorBodyKind::Undocumented {
            continue;
        }
        for status in statuses {
            let StatusSpec::Code(code) = status else { continue };
            let method = format_ident!("fail_{code}");
            let literal = Literal::u16_unsuffixed(*code);
            let (ty, call) = error_body(api, *kind, quote! { #literal });
            let doc = docs::attrs(&format!("Mounts the stub: answers {code} with `body`, its documented error body."));
            methods.push(quote! {
                #doc
                pub fn #method(self, body: #ty) {
                    self.answer(#call);
                }
            });
        }
    }
    if let Some(stream) = &op.stream {
        let item = match &stream.item {
            Type::String => quote! { String },
            ty => spell(api, ty),
        };
        let terminator = match &stream.terminator {
            Some(t) => format!(", then {}", docs::code(t)),
            None => String::new(),
        };
        let doc = docs::attrs(&format!(
            "Mounts the stub: answers 200 with a `text/event-stream` of one event per item{terminator}. \
             [`cut_after`](rt::Stub::cut_after) cuts it short."
        ));
        methods.push(quote! {
            #doc
            pub fn stream(self, events: impl IntoIterator<Item = #item>) {
                self.answer(rt::Answer::events(<#name as rt::Request>::ROUTE, events));
            }
        });
    }
    quote! {
        impl rt::Stub<'_, #name> {
            #(#methods)*
        }
    }
}
