//! Operations -> the area's API struct, one request builder per operation, and the success
//! enums of operations with several documented successes.

use super::{builder_type_tokens, docs, examples, ident, type_tokens};
use crate::ir::{
    Api, BodyForm, BodyKind, ClientDefault, Content, ContentKind, ErrorBodyKind, FreeForm, Operation, Param,
    ParamLocation, ParamStyle, PathPart, RequestBody, SecurityRequirement, StatusSpec, Success, SuccessCase, Type,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The API struct, the `Client` accessor, and one method per operation.
pub fn api(api: &Api) -> TokenStream {
    let api_struct = ident(&api.api_struct);
    let accessor = ident(&api.area);
    let title = docs::sanitize(&api.title);
    let accessor_doc =
        docs::attrs(&format!("Operations of {title} ({}), one method per operation.", docs::code(&api.file)));
    let struct_doc = docs::attrs(&format!("Operations of {title}; get one from [`Client::{}`].", api.area));
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let builder = ident(&op.builder);
        let doc = docs::attrs(&operation_doc(api, op));
        let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
        quote! {
            #doc
            #deprecated
            pub fn #method(&self) -> builders::#builder {
                builders::#builder::new(self.client.clone())
            }
        }
    });
    // A spec of schemas alone has no operation to read the client.
    let unread = api.operations.is_empty().then(|| quote! { #[allow(dead_code)] });
    quote! {
        #struct_doc
        #[derive(Debug, Clone)]
        pub struct #api_struct {
            // Helpers built on the generated operations (in sibling modules) start from here.
            #unread
            pub(crate) client: Client,
        }

        impl Client {
            #accessor_doc
            pub fn #accessor(&self) -> #api_struct {
                #api_struct { client: self.clone() }
            }
        }

        impl #api_struct {
            #(#methods)*
        }
    }
}

/// Summary, `METHOD /path` with the operationId, the description, then an example request.
fn operation_doc(api: &Api, op: &Operation) -> String {
    let example = examples::section(api, op);
    let signature = docs::signature(op);
    let streaming = op
        .stream
        .as_ref()
        .map(|_| format!("Can answer with a server-sent event stream: use [`builders::{}::send_stream`].", op.builder));
    let link = op.docs_url.as_ref().map(|url| docs::sanitize(&format!("Reference: {url}")));
    let constants: Vec<String> = op
        .constants
        .iter()
        .map(|c| match c.location {
            ParamLocation::Header => format!("header {}", docs::code(&format!("{}: {}", c.wire_name, c.value))),
            _ => format!("query {}", docs::code(&format!("{}={}", c.wire_name, c.value))),
        })
        .collect();
    let constants = (!constants.is_empty())
        .then(|| format!("Always sends {} (the spec allows no other value).", constants.join(" and ")));
    let helpers = helpers_doc(crate::names::helper_links(&api.area, &op.method_name));
    docs::paragraphs([
        docs::spec(op.summary.as_deref()).as_deref(),
        Some(signature.as_str()),
        docs::spec(op.description.as_deref()).as_deref(),
        constants.as_deref(),
        streaming.as_deref(),
        helpers.as_deref(),
        link.as_deref(),
        example.as_deref(),
    ])
}

/// "Helpers built on it: ..." for an operation the hand-written helpers call, each linked.
fn helpers_doc(links: &[&str]) -> Option<String> {
    let shown: Vec<String> = links
        .iter()
        .map(|path| {
            let name = path.trim_start_matches("Self::").trim_start_matches("crate::");
            format!("[`{name}`]({path})")
        })
        .collect();
    match shown.split_last()? {
        (last, []) => Some(format!("The helper built on it: {last}.")),
        (last, rest) => Some(format!("Helpers built on it: {} and {last}.", rest.join(", "))),
    }
}

/// The `builders` module: one request builder per operation.
pub fn builders(api: &Api) -> TokenStream {
    let doc = docs::inner_attrs(&format!(
        "Request builders, one per operation of [`{}`](super::{}): set the parameters, then call `send()`.",
        api.api_struct, api.api_struct
    ));
    let crate_names: Vec<proc_macro2::Ident> = api.builder_imports.iter().map(|name| ident(name)).collect();
    let builders = api.operations.iter().map(|op| builder(api, op));
    let shared_error = api.shared_errors.map(|kind| {
        let call = error_call(api, kind);
        quote! {
            /// Maps a non-success reply to [`Error::Api`], decoding the area's error body.
            fn error(raw: rt::RawResponse) -> Error {
                #call
            }
        }
    });
    quote! {
        pub mod builders {
            #doc
            use crate::runtime as rt;
            use crate::{#(#crate_names),*};

            #shared_error
            #(#builders)*
        }
    }
}

fn builder(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.builder);
    let method = ident(&op.method_name);
    let api_struct = &api.api_struct;
    let struct_doc = docs::attrs(&format!(
        "Request builder for [`{api_struct}::{method}`](super::{api_struct}::{method}): {}\n\nSet the parameters, then call [`send`](Self::send).",
        docs::sanitize(op.summary.as_deref().unwrap_or(&op.id))
    ));
    let field_decls = op.params.iter().map(|p| {
        let field = ident(&p.name);
        let ty = param_type(api, p);
        quote! { #field: Option<#ty>, }
    });
    let body_decls = op.body.iter().flat_map(|b| &b.forms).map(|f| {
        let field = ident(&f.setter);
        let ty = form_field_type(api, f);
        quote! { #field: Option<#ty>, }
    });
    let any_content_type = op.body.as_ref().is_some_and(|b| b.forms.iter().any(|f| f.any_content_type));
    let content_type_decl = any_content_type.then(|| quote! { content_type: Option<String>, });
    let choices = &op.accept.choices;
    let accept_decl = (choices.len() > 1).then(|| quote! { accept: Option<String>, });
    let accept_setter = (choices.len() > 1).then(|| {
        let listed: Vec<String> = choices.iter().map(|c| docs::code(c)).collect();
        let doc = docs::attrs(&format!(
            "Asks for one of the documented reply media types ({}) instead of all of them; the reply's \
             `Content-Type` still decides the variant. Any other value is refused at `send()`.",
            listed.join(", ")
        ));
        quote! {
            #doc
            pub fn accept(mut self, media_type: impl Into<String>) -> Self {
                self.accept = Some(media_type.into());
                self
            }
        }
    });
    let setters = op.params.iter().map(|p| setter(api, p));
    let body_setters = op.body.iter().flat_map(|b| b.forms.iter().map(move |f| body_setter(api, b, f)));
    let content_type_setter = any_content_type.then(|| {
        let doc = docs::attrs(
            "The `Content-Type` a binary body is sent as: the spec lets it be any media type (e.g. the \
             file's own, `image/png`), `application/octet-stream` when unset. A value that is not a \
             media type (`type/subtype`), or a multipart one, is refused by `send()`, before any I/O.",
        );
        quote! {
            #doc
            pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
                self.content_type = Some(media_type.into());
                self
            }
        }
    });
    let operation_const = operation_const(op);
    let into_request = into_request(op);
    let send = send(api, op);
    let send_stream = send_stream(api, op);
    let url = op.link.then(|| {
        quote! {
            /// The URL the request is sent to, query included: a link anyone may open, as the
            /// operation takes no credentials. The parameters are checked as by `send()`.
            pub fn url(self) -> Result<String, Error> {
                let (client, request) = self.into_request()?;
                client.url_of(&request)
            }
        }
    });
    let error = error_fn(api, op);
    let fields = op
        .params
        .iter()
        .map(|p| ident(&p.name))
        .chain(op.body.iter().flat_map(|b| &b.forms).map(|f| ident(&f.setter)))
        .chain(any_content_type.then(|| ident("content_type")))
        .chain((choices.len() > 1).then(|| ident("accept")));
    quote! {
        #struct_doc
        #[must_use = "a request does nothing until it is sent"]
        #[derive(Clone)]
        pub struct #name {
            client: Client,
            #(#field_decls)*
            #(#body_decls)*
            #content_type_decl
            #accept_decl
            options: rt::Options,
        }

        rt::request_builder!(#name { #(#fields),* });

        impl #name {
            #operation_const
            #(#setters)*
            #(#body_setters)*
            #content_type_setter
            #accept_setter
            #send
            #send_stream
            #url
            #into_request
            #error
        }
    }
}

/// The type a body form's field stores.
fn form_field_type(api: &Api, f: &BodyForm) -> TokenStream {
    match f.free_form {
        Some(_) => quote! { rt::JsonBody },
        None => builder_type_tokens(api, &f.ty),
    }
}

/// The setter of one form of the body; with several, each replaces a body another set.
fn body_setter(api: &Api, b: &RequestBody, f: &BodyForm) -> TokenStream {
    let setter = ident(&f.setter);
    let required = if b.required { "Required." } else { "Optional." };
    let several = b.forms.len() > 1;
    let required = if several { format!("{required} One of {} forms.", b.forms.len()) } else { required.to_owned() };
    let what = format!("The request body ({}). {required}", docs::code(&f.media_type));
    let text = if several { what.clone() } else { docs::described(b.docs.as_deref(), what) };
    let kind_note = match (f.kind, f.free_form) {
        (_, Some(FreeForm::Any)) => Some(
            "Takes any `Serialize` value (a `serde_json::json!` value, a struct, a map). \
             A value that cannot be serialized as JSON is refused by `send()`, before any I/O."
                .to_owned(),
        ),
        (_, Some(FreeForm::Object)) => Some(
            "Takes any `Serialize` value (a `serde_json::json!` object, a struct, a map) \
             that serializes to a JSON object, as the spec requires; anything else (an array, a number, a \
             string, `null`, a value that cannot be serialized) is refused by `send()` with \
             [`Error::InvalidRequest`], before any I/O."
                .to_owned(),
        ),
        (BodyKind::Bytes, None) => Some(format!(
            "Streamed as it is sent: bytes, a file ([`ByteStream::from_path`](crate::ByteStream::from_path)) \
             or a reader ([`ByteStream::from_reader`](crate::ByteStream::from_reader), which makes the \
             request one that is never retried).{}",
            if f.any_content_type {
                " Sent as the [`content_type`](Self::content_type) set, any media type."
            } else {
                ""
            }
        )),
        (BodyKind::Multipart, None) => {
            Some("Sent as `multipart/form-data`: one part per field set, files streamed.".to_owned())
        }
        _ => None,
    };
    let others: Vec<&BodyForm> = b.forms.iter().filter(|o| o.setter != f.setter).collect();
    let replaces = (!others.is_empty()).then(|| {
        let links: Vec<String> = others.iter().map(|o| format!("[`{0}`](Self::{0})", o.setter)).collect();
        format!("Replaces a body set with {}.", links.join(" or "))
    });
    let description = several.then(|| docs::spec(b.docs.as_deref())).flatten();
    let doc = docs::attrs(&docs::paragraphs([
        Some(text.as_str()),
        description.as_deref(),
        kind_note.as_deref(),
        replaces.as_deref(),
    ]));
    let clear = others.iter().map(|o| {
        let other = ident(&o.setter);
        quote! { self.#other = None; }
    });
    match f.free_form {
        Some(_) => quote! {
            #doc
            pub fn #setter(mut self, value: impl serde::Serialize) -> Self {
                self.#setter = Some(rt::JsonBody::new(&value));
                #(#clear)*
                self
            }
        },
        None => {
            let ty = builder_type_tokens(api, &f.ty);
            quote! {
                #doc
                pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                    self.#setter = Some(value.into());
                    #(#clear)*
                    self
                }
            }
        }
    }
}

/// Puts the form's value (bound as `body`) on the request.
fn set_body(f: &BodyForm) -> TokenStream {
    let media = &f.media_type;
    match (f.kind, f.free_form) {
        (_, Some(FreeForm::Object)) => quote! { request.free_form_body(#media, body, true)?; },
        (_, Some(FreeForm::Any)) => quote! { request.free_form_body(#media, body, false)?; },
        (BodyKind::Json, None) => quote! { request.json_body(#media, body)?; },
        (BodyKind::Text, None) => quote! { request.text_body(#media, body)?; },
        (BodyKind::Bytes, None) if f.any_content_type => {
            quote! { request.stream_body(#media, self.content_type.as_deref(), body)?; }
        }
        (BodyKind::Bytes, None) => quote! { request.stream_body(#media, None, body)?; },
        (BodyKind::Multipart, None) => quote! { request.multipart_body(body.into_multipart())?; },
    }
}

/// The type a parameter's setter stores (nullability has no meaning for a parameter).
fn param_type(api: &Api, p: &Param) -> TokenStream {
    match &p.ty {
        Type::Nullable(inner) => builder_type_tokens(api, inner),
        ty => builder_type_tokens(api, ty),
    }
}

fn setter(api: &Api, p: &Param) -> TokenStream {
    let field = ident(&p.name);
    let ty = param_type(api, p);
    let location = p.location.as_str();
    let requirement = if p.required { "required" } else { "optional" };
    let what = format!("{}: {location} parameter, {requirement}.", docs::code(&p.wire_name));
    let mut notes = Vec::new();
    match p.client_default {
        Some(ClientDefault::DeviceId) => {
            notes.push("Unless set, the client's device id ([`Client::device_id`]) is sent.".to_owned());
        }
        Some(ClientDefault::EnvId) => {
            notes.push(
                "Unless set, the client's environment id ([`Client::env_id`]) is sent, if it has one.".to_owned(),
            );
        }
        None => {}
    }
    if p.allow_slashes {
        notes.push("May contain `/` (sent unescaped); `.` and `..` segments are refused.".to_owned());
    }
    if !p.shadowed.is_empty() {
        let values: Vec<String> = p.shadowed.iter().map(|(v, _)| docs::code(v)).collect();
        let what = if p.allow_slashes { "A first segment" } else { "A value" };
        notes.push(format!(
            "{what} of {} is refused: the path would be another route's ({}{}).",
            values.join(", "),
            docs::code(&p.shadowed[0].1),
            if p.shadowed.len() > 1 { ", ..." } else { "" }
        ));
    }
    if p.style == ParamStyle::Exploded {
        notes.push("Each entry is sent as its own query pair.".to_owned());
    }
    if let Some(value) = &p.flag {
        notes.push(format!(
            "A flag: `true` sends {} (the one value the spec allows), `false` nothing.",
            docs::code(value)
        ));
    }
    // The spec's words first (rustdoc's summary line), what and where the parameter is after them.
    let text = docs::described(p.docs.as_deref(), what);
    let notes = notes.join(" ");
    let doc = docs::attrs(&docs::paragraphs([Some(text.as_str()), Some(notes.as_str())]));
    if p.flag.is_some() {
        return quote! {
            #doc
            pub fn #field(mut self, value: bool) -> Self {
                self.#field = Some(value);
                self
            }
        };
    }
    quote! {
        #doc
        pub fn #field(mut self, value: impl Into<#ty>) -> Self {
            self.#field = Some(value.into());
            self
        }
    }
}

fn operation_const(op: &Operation) -> TokenStream {
    let id = &op.id;
    let path = &op.path;
    let method = format_ident!("{}", capitalize(op.method.as_str()));
    let accept = &op.accept.header;
    let security = op.security.iter().map(|s| match s {
        SecurityRequirement::None => quote! { rt::Security::None },
        SecurityRequirement::Bearer => quote! { rt::Security::Bearer },
        SecurityRequirement::Basic => quote! { rt::Security::Basic },
        SecurityRequirement::ApiKeyHeader(name) => quote! { rt::Security::ApiKeyHeader(#name) },
        SecurityRequirement::Tc3 => quote! { rt::Security::Tc3 },
    });
    quote! {
        const OPERATION: rt::Operation = rt::Operation {
            id: #id,
            method: rt::Method::#method,
            path: #path,
            accept: #accept,
            security: &[#(#security),*],
        };
    }
}

fn capitalize(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => lower,
    }
}

fn into_request(op: &Operation) -> TokenStream {
    let required: Vec<&Param> = op.params.iter().filter(|p| p.caller_sets()).collect();
    // Values the client supplies where the caller set none, bound first.
    let defaults = op.params.iter().filter_map(|p| {
        let f = ident(&p.name);
        Some(match p.client_default? {
            ClientDefault::DeviceId => {
                quote! { let #f = self.#f.unwrap_or_else(|| self.client.device_id().to_owned()); }
            }
            ClientDefault::EnvId => quote! { let #f = self.#f.or_else(|| self.client.env_id().map(str::to_owned)); },
        })
    });
    // One form, required: bound with the required parameters; several: checked together.
    let forms = op.body.as_ref().map_or(&[][..], |b| b.forms.as_slice());
    let body_required = op.body.as_ref().is_some_and(|b| b.required) && forms.len() == 1;
    let any_form_required = op.body.as_ref().is_some_and(|b| b.required) && forms.len() > 1;
    let mut checks: Vec<(String, TokenStream)> = required
        .iter()
        .map(|p| {
            (p.wire_name.clone(), {
                let f = ident(&p.name);
                quote! { self.#f }
            })
        })
        .collect();
    if body_required {
        checks.push(("body".to_owned(), quote! { self.body }));
    }
    let body_missing = any_form_required.then(|| {
        let unset = forms
            .iter()
            .map(|f| {
                let field = ident(&f.setter);
                quote! { self.#field.is_none() }
            })
            .reduce(|all, next| quote! { #all && #next });
        quote! { ("body", #unset) }
    });
    let take_required = if checks.is_empty() && body_missing.is_none() {
        quote! {}
    } else if checks.is_empty() {
        quote! {
            let missing = [#body_missing];
            if missing[0].1 {
                return Err(Error::missing_parameters(&Self::OPERATION, &missing));
            }
        }
    } else {
        let flags = checks
            .iter()
            .map(|(wire, access)| quote! { (#wire, #access.is_none()) })
            .chain(body_missing.clone())
            .collect::<Vec<_>>();
        let bindings: Vec<TokenStream> = required
            .iter()
            .map(|p| {
                let f = ident(&p.name);
                quote! { #f }
            })
            .chain(body_required.then(|| quote! { body }))
            .collect();
        let sources: Vec<&TokenStream> = checks.iter().map(|(_, access)| access).collect();
        let destructure = match (bindings.as_slice(), sources.as_slice()) {
            ([binding], [source]) => quote! { let Some(#binding) = #source },
            _ => quote! { let (#(Some(#bindings)),*) = (#(#sources),*) },
        };
        // A body of several forms is no binding: its flag is checked on its own, or a request
        // whose parameters are all set would go out without the body it requires.
        let body_unset = body_missing.is_some().then(|| {
            quote! {
                if missing.iter().any(|(_, unset)| *unset) {
                    return Err(Error::missing_parameters(&Self::OPERATION, &missing));
                }
            }
        });
        quote! {
            let missing = [#(#flags),*];
            #destructure else {
                return Err(Error::missing_parameters(&Self::OPERATION, &missing));
            };
            #body_unset
        }
    };
    let checks = op.params.iter().filter_map(|p| {
        let rules = rules(p)?;
        let wire = &p.wire_name;
        let value = param_value(p);
        Some(quote! { rt::check(&Self::OPERATION, #wire, #value, #rules)?; })
    });
    let path = path_expr(op);
    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(|p| {
        let wire = &p.wire_name;
        let f = ident(&p.name);
        let value = param_value(p);
        // Lists are passed as slices.
        let list = if p.caller_sets() {
            quote! { Some(#f.as_slice()) }
        } else {
            quote! { self.#f.as_deref() }
        };
        if let Some(flag) = &p.flag {
            return send_scalar(p.location, wire, quote! { (self.#f == Some(true)).then_some(&#flag) });
        }
        match (p.location, p.style, &p.ty) {
            (ParamLocation::Query, ParamStyle::Exploded, Type::Array(_)) => {
                quote! { request.query_exploded_list(#wire, #list); }
            }
            (ParamLocation::Query, ParamStyle::Exploded, _) => quote! { request.query_exploded_map(#value); },
            (ParamLocation::Query, _, Type::Array(_)) => quote! { request.query_list(#wire, #list); },
            (ParamLocation::Header, _, Type::Array(_)) => quote! { request.header_list(#wire, #list)?; },
            (ParamLocation::Query | ParamLocation::Header, _, _) => send_scalar(p.location, wire, value),
            (ParamLocation::Path, _, _) => quote! {},
        }
    });
    let constants = op.constants.iter().map(|c| {
        let value = &c.value;
        send_scalar(c.location, &c.wire_name, quote! { Some(&#value) })
    });
    let body = op.body.as_ref().map(|b| match b.forms.as_slice() {
        [only] if b.required => set_body(only),
        [only] => {
            let set = set_body(only);
            quote! {
                if let Some(body) = self.body {
                    #set
                }
            }
        }
        forms => {
            let arms = forms.iter().map(|f| {
                let field = ident(&f.setter);
                let set = set_body(f);
                quote! {
                    if let Some(body) = self.#field {
                        #set
                    }
                }
            });
            quote! { #(#arms)else* }
        }
    });
    let choices = &op.accept.choices;
    let accept = (choices.len() > 1).then(|| {
        quote! {
            request.accept(self.accept.as_deref(), &[#(#choices),*])?;
        }
    });
    quote! {
        /// Checks the parameters and builds the request, before any I/O.
        fn into_request(self) -> Result<(Client, rt::Request), Error> {
            #(#defaults)*
            #take_required
            #(#checks)*
            let mut request = rt::Request::new(&Self::OPERATION, &[#(#path),*])?;
            #(#params)*
            #(#constants)*
            #body
            #accept
            request.options(self.options);
            Ok((self.client, request))
        }
    }
}

/// Sends one query or header value (`value` is an `Option<&impl Display>`).
fn send_scalar(location: ParamLocation, wire: &str, value: TokenStream) -> TokenStream {
    match location {
        ParamLocation::Header => quote! { request.header(#wire, #value)?; },
        _ => quote! { request.query(#wire, #value); },
    }
}

/// The parameter's value as an `Option<&T>`: required ones are bound by then, optional ones are
/// still fields.
fn param_value(p: &Param) -> TokenStream {
    let f = ident(&p.name);
    match p.client_default {
        _ if p.caller_sets() => quote! { Some(&#f) },
        // Bound with the client's value first (`into_request`).
        Some(ClientDefault::DeviceId) => quote! { Some(&#f) },
        Some(ClientDefault::EnvId) => quote! { #f.as_ref() },
        None => quote! { self.#f.as_ref() },
    }
}

/// The spec's constraints on a parameter, and the values other routes would take
/// ([`Param::shadowed`]), as an `rt::Rules` value; `None` when there are none.
fn rules(p: &Param) -> Option<TokenStream> {
    let c = &p.constraints;
    let mut fields = Vec::new();
    if !p.shadowed.is_empty() {
        let pairs = p.shadowed.iter().map(|(value, path)| quote! { (#value, #path) });
        fields.push(quote! { shadowed: &[#(#pairs),*] });
        if p.allow_slashes {
            fields.push(quote! { sub_path: true });
        }
    }
    if let Some(pattern) = &c.pattern {
        fields.push(quote! { pattern: Some(#pattern) });
    }
    if let Some(min) = c.min_length {
        fields.push(quote! { min_length: Some(#min) });
    }
    if let Some(max) = c.max_length {
        fields.push(quote! { max_length: Some(#max) });
    }
    if let Some(min) = c.minimum {
        fields.push(quote! { minimum: Some(#min) });
    }
    if let Some(max) = c.maximum {
        fields.push(quote! { maximum: Some(#max) });
    }
    (!fields.is_empty()).then(|| quote! { rt::Rules { #(#fields,)* ..rt::Rules::NONE } })
}

/// The path parameters' values in template order; the runtime fills `OPERATION.path` with them.
fn path_expr(op: &Operation) -> Vec<TokenStream> {
    op.path_parts
        .iter()
        .filter_map(|part| match part {
            PathPart::Literal(_) => None,
            PathPart::Param(index) => {
                let p = &op.params[*index];
                let f = ident(&p.name);
                Some(if p.allow_slashes {
                    quote! { rt::SubPath(&#f) }
                } else {
                    quote! { rt::Segment(&#f) }
                })
            }
        })
        .collect()
}

fn success_type(api: &Api, op: &Operation) -> TokenStream {
    match &op.success {
        Success::Single(case) => case_type(api, case),
        Success::Body(_) => quote! { Body },
        Success::Enum { name, .. } => {
            let name = ident(name);
            quote! { super::#name }
        }
    }
}

fn case_type(api: &Api, case: &SuccessCase) -> TokenStream {
    match (&case.content, case.headers) {
        (None, Some(id)) => builder_type_tokens(api, &Type::Named(id)),
        (None, None) => quote! { () },
        (Some(content), _) => content_type(api, content, builder_type_tokens),
    }
}

/// What a reply's body decodes into, spelled by `spell` (for the area's module or its builders).
fn content_type(api: &Api, content: &Content, spell: fn(&Api, &Type) -> TokenStream) -> TokenStream {
    match content.kind {
        ContentKind::Body(BodyKind::Text) => quote! { String },
        ContentKind::Body(BodyKind::Bytes | BodyKind::Multipart) => quote! { crate::ByteStream },
        _ => spell(api, &content.ty),
    }
}

fn decode_call(content: Option<&Content>) -> TokenStream {
    match content.map(|c| c.kind) {
        None => quote! { {} },
        Some(ContentKind::Body(BodyKind::Json)) | Some(ContentKind::EventStream) => quote! { raw.json()? },
        Some(ContentKind::Body(BodyKind::Text)) => quote! { raw.text()? },
        Some(ContentKind::Body(BodyKind::Bytes | BodyKind::Multipart)) => quote! { raw.stream() },
    }
}

fn status_pattern(status: StatusSpec) -> TokenStream {
    match status {
        StatusSpec::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        StatusSpec::Range(hundred) => {
            let low = Literal::u16_unsuffixed(hundred * 100);
            let high = Literal::u16_unsuffixed(hundred * 100 + 99);
            quote! { #low..=#high }
        }
        StatusSpec::Default => quote! { 200..=299 },
    }
}

fn send(api: &Api, op: &Operation) -> TokenStream {
    let success = success_type(api, op);
    let error = error_path(api, op);
    let doc = docs::attrs(&send_doc(op));
    let cases: Vec<(TokenStream, &SuccessCase)> = match &op.success {
        Success::Body(status) => {
            let status = status_pattern(*status);
            return quote! {
                #doc
                pub async fn send(self) -> Result<Response<#success>, Error> {
                    let (client, request) = self.into_request()?;
                    client.execute(request).await?.into_body(#status, #error)
                }
            };
        }
        Success::Single(case) => vec![(quote! {}, case)],
        Success::Enum { name, variants } => {
            let enum_name = ident(name);
            variants
                .iter()
                .map(|v| {
                    let variant = ident(&v.name);
                    (quote! { super::#enum_name::#variant }, &v.case)
                })
                .collect()
        }
    };
    let mut arms = Vec::new();
    // The same arms' patterns, whether each is a binary body to stream, and whether it checks the
    // media type.
    let mut streamed_arms: Vec<(TokenStream, bool, bool)> = Vec::new();
    let mut media_checked = Vec::new();
    let mut catch_all = Vec::new();
    for (constructor, case) in &cases {
        let status = status_pattern(case.status);
        let decode = match case.headers {
            Some(id) if case.content.is_none() => {
                let ty = builder_type_tokens(api, &Type::Named(id));
                quote! { #ty::read(&raw)? }
            }
            _ => decode_call(case.content.as_ref()),
        };
        let binary = case.content.as_ref().is_some_and(|c| c.kind == ContentKind::Body(BodyKind::Bytes));
        let arms_before = arms.len();
        let value = match (&op.success, case.content.as_ref()) {
            (Success::Single(_) | Success::Body(_), _) => decode,
            (Success::Enum { .. }, None) if case.headers.is_some() => quote! { #constructor(#decode) },
            (Success::Enum { .. }, None) => quote! { #constructor },
            (Success::Enum { .. }, Some(_)) => quote! { #constructor(#decode) },
        };
        if case.when_empty {
            arms.push(quote! { (#status, _) if raw.body_is_empty() => #value, });
        } else if case.match_media_type {
            let media = case.content.as_ref().map(|c| c.essence.clone()).unwrap_or_default();
            match media.strip_suffix("/*") {
                // `*/*` takes every media type, so the status needs no fallback.
                Some("*") => {
                    arms.push(quote! { (#status, _) => #value, });
                    catch_all.push(case.status);
                }
                Some(range) => {
                    let prefix = format!("{range}/");
                    arms.push(quote! { (#status, media) if media.starts_with(#prefix) => #value, });
                    media_checked.push(case.status);
                }
                None => {
                    arms.push(quote! { (#status, #media) => #value, });
                    media_checked.push(case.status);
                }
            }
        } else {
            arms.push(quote! { (#status, _) => #value, });
        }
        // (A reply without a body streams nothing; its arm must not hide a binary one.)
        if arms.len() > arms_before && !case.when_empty {
            streamed_arms.push((streamed_pattern(case, &status), binary, case.match_media_type));
        }
    }
    // A documented status with an undocumented media type cannot be decoded.
    media_checked.dedup();
    media_checked.retain(|status| !catch_all.contains(status));
    let media_fallbacks = media_checked.iter().map(|status| {
        let status = status_pattern(*status);
        quote! { (#status, _) => return Err(raw.unexpected_media_type()), }
    });
    let (bind, value) = match &op.success {
        Success::Single(SuccessCase { content: None, headers: None, .. }) => (quote! {}, quote! { () }),
        _ => (quote! { let value = }, quote! { value }),
    };
    let statuses: Vec<StatusSpec> = op.responses.iter().filter(|r| r.status.is_success()).map(|r| r.status).collect();
    let allow = overlapping_allow(&statuses);
    let binary =
        cases.iter().any(|(_, c)| c.content.as_ref().is_some_and(|c| c.kind == ContentKind::Body(BodyKind::Bytes)));
    let execute = if binary {
        // Binary bodies stream: their replies are read up to the head only. Where only statuses
        // decide, the test is a `matches!` on them.
        let by_status = streamed_arms.iter().all(|(_, _, media)| !*media);
        if by_status {
            let statuses = cases
                .iter()
                .filter(|(_, c)| c.content.as_ref().is_some_and(|c| c.kind == ContentKind::Body(BodyKind::Bytes)))
                .map(|(_, c)| status_pattern(c.status));
            quote! {
                client.execute_binary(request, |status, _| matches!(status, #(#statuses)|*)).await?
            }
        } else {
            let arms = streamed_arms.iter().map(|(pattern, binary, _)| quote! { #pattern => #binary, });
            quote! {
                client
                    .execute_binary(request, |status, media| match (status, media) {
                        #(#arms)*
                        _ => false,
                    })
                    .await?
            }
        }
    } else {
        quote! { client.execute(request).await? }
    };
    quote! {
        #doc
        #allow
        pub async fn send(self) -> Result<Response<#success>, Error> {
            let (client, request) = self.into_request()?;
            let raw = #execute;
            #bind match (raw.status(), raw.media_type()) {
                #(#arms)*
                #(#media_fallbacks)*
                _ => return Err(#error(raw)),
            };
            Ok(raw.into_response(#value))
        }
    }
}

/// The pattern of `case`'s arm in the predicate saying which replies stream: its status, and its
/// media type where `send()` checks it.
fn streamed_pattern(case: &SuccessCase, status: &TokenStream) -> TokenStream {
    if case.when_empty || !case.match_media_type {
        return quote! { (#status, _) };
    }
    let media = case.content.as_ref().map(|c| c.essence.clone()).unwrap_or_default();
    match media.strip_suffix("/*") {
        Some("*") => quote! { (#status, _) },
        Some(range) => {
            let prefix = format!("{range}/");
            quote! { (#status, media) if media.starts_with(#prefix) }
        }
        None => quote! { (#status, #media) },
    }
}

fn send_doc(op: &Operation) -> String {
    let mut lines = vec!["Sends the request and decodes the documented reply.".to_owned(), String::new()];
    for response in &op.responses {
        let kind = if response.status.is_success() { "success" } else { "[`Error::Api`]" };
        let media: Vec<String> = response.contents.iter().map(|c| docs::code(&c.media_type)).collect();
        let media = match (media.is_empty(), response.body_optional) {
            (true, _) => "no body".to_owned(),
            (false, true) => format!("{} or no body", media.join(", ")),
            (false, false) => media.join(", "),
        };
        let headers: Vec<String> = response.headers.iter().map(|h| docs::code(&h.name)).collect();
        let headers = if headers.is_empty() { String::new() } else { format!("; headers {}", headers.join(", ")) };
        let description = docs::sanitize(first_line(&response.description));
        lines.push(format!("- {} ({kind}, {media}{headers}): {description}", response.status));
    }
    lines.join("\n")
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

fn send_stream(api: &Api, op: &Operation) -> Option<TokenStream> {
    let stream = op.stream.as_ref()?;
    let error = error_path(api, op);
    let (item, decode) = match &stream.item {
        Type::String => (quote! { String }, quote! { rt::sse::raw }),
        ty => (builder_type_tokens(api, ty), quote! { rt::sse::json }),
    };
    let terminator = match &stream.terminator {
        Some(t) => quote! { Some(#t) },
        None => quote! { None },
    };
    let doc = docs::attrs(&format!(
        "Sends the request with `Accept: text/event-stream` and yields each event's data as it arrives \
         (where the API needs it, the body must ask for a stream too, e.g. `\"stream\": true`).{}",
        stream
            .terminator
            .as_ref()
            .map(|t| format!(" The stream ends at the {} event.", docs::code(t)))
            .unwrap_or_default()
    ));
    Some(quote! {
        #doc
        pub async fn send_stream(self) -> Result<EventStream<#item>, Error> {
            let (client, request) = self.into_request()?;
            client.execute_stream(request, #terminator, #decode, #error).await
        }
    })
}

/// The reply-to-error function an operation calls: the area's shared `error`, or its own.
fn error_path(api: &Api, op: &Operation) -> TokenStream {
    if api.uses_shared_errors(op) {
        quote! { error }
    } else {
        quote! { Self::error }
    }
}

/// Maps a non-success reply to [`Error`], decoding the documented error body of its status
/// (nothing where the operation uses the area's shared decoding).
fn error_fn(api: &Api, op: &Operation) -> Option<TokenStream> {
    if api.uses_shared_errors(op) {
        return None;
    }
    let fallback = error_call(api, op.errors.fallback);
    let body = if op.errors.arms.is_empty() {
        fallback
    } else {
        let arms = op.errors.arms.iter().map(|(statuses, kind)| {
            let patterns = statuses.iter().map(|s| status_pattern(*s));
            let call = error_call(api, *kind);
            quote! { #(#patterns)|* => #call, }
        });
        quote! {
            match raw.status() {
                #(#arms)*
                _ => #fallback,
            }
        }
    };
    let statuses: Vec<StatusSpec> = op.errors.arms.iter().flat_map(|(s, _)| s.iter().copied()).collect();
    let allow = overlapping_allow(&statuses);
    Some(quote! {
        #allow
        fn error(raw: rt::RawResponse) -> Error {
            #body
        }
    })
}

/// A status code listed beside its range (`404` and `4XX`) is the more specific arm, placed first.
fn overlapping_allow(statuses: &[StatusSpec]) -> Option<TokenStream> {
    let overlaps = statuses.iter().any(|s| match s {
        StatusSpec::Code(code) => statuses.contains(&StatusSpec::Range(code / 100)),
        _ => false,
    });
    overlaps.then(|| quote! { #[allow(clippy::match_overlapping_arm)] })
}

fn error_call(api: &Api, kind: ErrorBodyKind) -> TokenStream {
    match kind {
        ErrorBodyKind::Struct(id) => {
            let ty = builder_type_tokens(api, &Type::Named(id));
            quote! { raw.api_error::<#ty>() }
        }
        ErrorBodyKind::Map => quote! { raw.api_error::<serde_json::Map<String, serde_json::Value>>() },
        ErrorBodyKind::Value => quote! { raw.api_error::<serde_json::Value>() },
        ErrorBodyKind::Text => quote! { raw.api_error::<String>() },
        ErrorBodyKind::Undocumented => quote! { raw.undocumented_error() },
    }
}

/// The enum of an operation's documented successes, in the area's module.
pub fn success_enum(api: &Api, op: &Operation) -> Option<TokenStream> {
    let Success::Enum { name, variants } = &op.success else { return None };
    let op_variants = variants;
    let name = ident(name);
    let deciders = if variants.iter().any(|v| v.case.when_empty) {
        "the status, the `Content-Type` and whether a body came"
    } else {
        "the status and `Content-Type`"
    };
    let doc = docs::attrs(&format!(
        "The documented successful replies of [`builders::{}::send`]; {deciders} decide the variant.",
        op.builder
    ));
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let media = match &v.case.content {
            Some(c) => format!(" {}", docs::code(&c.media_type)),
            None if v.case.when_empty => " without a body".to_owned(),
            None => String::new(),
        };
        let doc = docs::attrs(&format!("{}{media}: {}", v.case.status, docs::sanitize(first_line(&v.docs))));
        match &v.case.content {
            None => match v.case.headers {
                Some(id) => {
                    let ty = type_tokens(api, &Type::Named(id));
                    quote! { #doc #variant(#ty), }
                }
                None => quote! { #doc #variant, },
            },
            Some(content) => {
                let ty = content_type(api, content, type_tokens);
                quote! { #doc #variant(#ty), }
            }
        }
    });
    // A streamed body compares with nothing.
    let binary = op_variants
        .iter()
        .any(|v| v.case.content.as_ref().is_some_and(|c| c.kind == ContentKind::Body(BodyKind::Bytes)));
    let partial_eq = (!binary).then(|| quote! { PartialEq });
    Some(quote! {
        #doc
        #[derive(Debug, Clone, #partial_eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    })
}
