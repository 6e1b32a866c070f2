//! Named types -> structs, enums and aliases.

use super::{docs, ident, type_tokens};
use crate::ir::{Api, Field, Form, Headers, Shown, StringEnum, Struct, Type, TypeDef, TypeKind, Union};
use proc_macro2::TokenStream;
use quote::quote;

pub fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc_text = docs::paragraphs([
        docs::spec(def.docs.as_deref()).as_deref(),
        Some(&format!("Schema: {}.", docs::code(&origin(def)))),
    ]);
    let doc = docs::attrs(&doc_text);
    match &def.kind {
        TypeKind::Alias(ty) if def.newtype => newtype(api, &name, &doc_text, ty),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(api, ty);
            quote! { #doc pub type #name = #ty; }
        }
        TypeKind::Struct(s) => structure(api, &name, &doc, s),
        TypeKind::Enum(e) => string_enum(&name, &doc, e),
        TypeKind::Union(u) => union(api, def, &name, &doc, u),
        TypeKind::Form(form) => multipart_form(api, &name, &doc_text, form),
        TypeKind::Headers(headers) => header_struct(api, &name, def, headers),
        TypeKind::Runtime(shared) => {
            let shared_name = ident(shared.name());
            let doc = docs::attrs(&format!(
                "The schema {} has exactly the shape of [`{}`](crate::{}), which every area shares.",
                docs::code(&origin(def)),
                shared.name(),
                shared.name()
            ));
            if def.name == shared.name() {
                quote! { #doc pub use crate::#shared_name; }
            } else {
                quote! { #doc pub use crate::#shared_name as #name; }
            }
        }
    }
}

/// An alias that contains itself, which Rust cannot alias (`Tree = Vec<Tree>`): a newtype of
/// the same JSON, built from its value with `From`. (Its derives are spelled out: the module
/// imports serde's only for the types that need them.)
fn newtype(api: &Api, name: &proc_macro2::Ident, doc_text: &str, ty: &Type) -> TokenStream {
    let doc = docs::attrs(&docs::paragraphs([
        Some(doc_text),
        Some("A newtype rather than an alias, as the schema contains itself; the same JSON as what it wraps."),
    ]));
    let ty = type_tokens(api, ty);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(pub #ty);

        impl From<#ty> for #name {
            fn from(value: #ty) -> Self {
                Self(value)
            }
        }
    }
}

/// Whether the type's code calls into the runtime (`rt::`): unions decode through it, secrets
/// print its `Redacted`, URLs its `Urls`.
pub fn uses_runtime(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Union(_) | TypeKind::Form(_) | TypeKind::Headers(_) => true,
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.shown != Shown::Plain || f.three_state),
        _ => false,
    }
}

fn origin(def: &TypeDef) -> String {
    match def.origin.strip_prefix("components.schemas.") {
        Some(name) => format!("#/components/schemas/{name}"),
        None => format!("#{}", def.pointer),
    }
}

fn structure(api: &Api, name: &proc_macro2::Ident, doc: &TokenStream, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| field(api, f));
    let extra = s.extra.as_ref().map(|extra| {
        let extra_name = ident(&extra.name);
        let ty = match &extra.value {
            Type::Any => quote! { serde_json::Map<String, serde_json::Value> },
            value => {
                let value = type_tokens(api, value);
                quote! { std::collections::BTreeMap<String, #value> }
            }
        };
        quote! {
            /// Properties not listed above, kept as they came.
            #[serde(flatten)]
            pub #extra_name: #ty,
        }
    });
    let default = s.default.then(|| quote! { Default, });
    let error_body = s.error_fields.as_ref().map(|e| {
        let is_optional =
            |name: &str| s.fields.iter().any(|f| f.name == name && (!f.required || matches!(f.ty, Type::Nullable(_))));
        let accessor = |method: &str, field: &Option<String>| {
            let method = ident(method);
            let own = field.as_ref().map(|field| {
                let optional = is_optional(field);
                let field = ident(field);
                if optional {
                    quote! { self.#field.as_deref() }
                } else {
                    quote! { Some(&self.#field) }
                }
            });
            // The nested body's value where this one has none.
            let nested = e.nested.as_ref().map(|nested| {
                let optional = is_optional(nested);
                let nested = ident(nested);
                if optional {
                    quote! { self.#nested.as_ref().and_then(|e| ErrorBody::#method(e)) }
                } else {
                    quote! { ErrorBody::#method(&self.#nested) }
                }
            });
            let value = match (own, nested) {
                (None, None) => return None,
                (Some(own), None) => own,
                (None, Some(nested)) => nested,
                (Some(own), Some(nested)) => quote! { #own.or_else(|| #nested) },
            };
            Some(quote! {
                fn #method(&self) -> Option<&str> {
                    #value
                }
            })
        };
        let code = accessor("code", &e.code);
        let message = accessor("message", &e.message);
        let request_id = accessor("request_id", &e.request_id);
        quote! {
            impl ErrorBody for #name {
                #code
                #message
                #request_id
            }
        }
    });
    // Secret fields print as `<redacted>` (an optional one as `Some(<redacted>)` or `None`), URL
    // fields through the runtime's URL redactor; a struct with neither derives `Debug`.
    let redacted_debug = s.fields.iter().any(|f| f.shown != Shown::Plain).then(|| {
        let type_name = name.to_string();
        let entries = s.fields.iter().map(|f| {
            let field = ident(&f.name);
            let label = f.name.trim_start_matches("r#");
            let value = match (f.shown, is_optional(f)) {
                (Shown::Plain, _) => quote! { &self.#field },
                (Shown::Secret, false) => quote! { &rt::Redacted },
                (Shown::Secret, true) => quote! { &self.#field.as_ref().map(|_| rt::Redacted) },
                (Shown::Url, _) => quote! { &rt::Urls(&self.#field) },
            };
            quote! { .field(#label, #value) }
        });
        let extra = s.extra.as_ref().map(|extra| {
            let field = ident(&extra.name);
            let label = extra.name.trim_start_matches("r#");
            quote! { .field(#label, &self.#field) }
        });
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name)
                        #(#entries)*
                        #extra
                        .finish()
                }
            }
        }
    });
    let derive_debug = redacted_debug.is_none().then(|| quote! { Debug, });
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #default Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            #extra
        }

        #redacted_debug
        #error_body
    }
}

/// Whether a field is spelled `Option<T>`: not required, or nullable.
fn is_optional(f: &Field) -> bool {
    !f.required || matches!(f.ty, Type::Nullable(_))
}

fn field(api: &Api, f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let wire = &f.wire_name;
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: set by the server.");
    }
    if f.write_only {
        notes.push("Write-only: never returned by the server.");
    }
    match f.shown {
        Shown::Plain => {}
        Shown::Secret => notes.push("Secret: `Debug` shows it as `<redacted>`."),
        Shown::Url => notes.push(
            "A URL: `Debug` shows it with its credentials (a token or signature in its query, a password) \
             as `<redacted>`.",
        ),
    }
    if f.three_state {
        notes.push(
            "Three states: `None` leaves the property out, `Some(None)` sends `null` (which clears it), \
             `Some(Some(value))` sends the value.",
        );
    }
    let field_docs =
        docs::spec(f.docs.as_deref()).or_else(|| Some(format!("The {} property.", docs::code(&f.wire_name))));
    let doc_text = docs::paragraphs([field_docs.as_deref(), (!notes.is_empty()).then(|| notes.join(" ")).as_deref()]);
    let doc = docs::attrs(&doc_text);
    let inner = match &f.ty {
        Type::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    let mut ty = type_tokens(api, inner);
    if f.boxed {
        ty = quote! { Box<#ty> };
    }
    if is_optional(f) {
        ty = quote! { Option<#ty> };
    }
    if f.three_state && matches!(f.ty, Type::Nullable(_)) {
        ty = quote! { Option<#ty> };
    }
    let rename = (name.to_string().trim_start_matches("r#") != wire).then(|| quote! { rename = #wire });
    let skip = match (f.required, f.three_state) {
        (true, _) => None,
        // `null` decodes as `Some(None)`, not as an absent property.
        (false, true) => {
            Some(quote! { default, skip_serializing_if = "Option::is_none", deserialize_with = "rt::present" })
        }
        (false, false) => Some(quote! { skip_serializing_if = "Option::is_none" }),
    };
    let serde = match (rename, skip) {
        (None, None) => quote! {},
        (Some(r), None) => quote! { #[serde(#r)] },
        (None, Some(s)) => quote! { #[serde(#s)] },
        (Some(r), Some(s)) => quote! { #[serde(#r, #s)] },
    };
    quote! {
        #doc
        #serde
        pub #name: #ty,
    }
}

fn string_enum(name: &proc_macro2::Ident, doc: &TokenStream, e: &StringEnum) -> TokenStream {
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        let doc = docs::attrs(&docs::code(value));
        quote! {
            #doc
            #[serde(rename = #value)]
            #variant,
        }
    });
    let arms = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { Self::#variant => #value, }
    });
    let from_arms = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { #value => Self::#variant, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not known when this crate was generated.
            #[serde(untagged)]
            #other(String),
        }

        impl #name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#arms)*
                    Self::#other(value) => value,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_arms)*
                    other => Self::#other(other.to_owned()),
                }
            }
        }
    }
}

fn union(api: &Api, def: &TypeDef, name: &proc_macro2::Ident, doc: &TokenStream, u: &Union) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(api, &v.ty);
        let doc = match &v.ty {
            Type::Named(id) => format!(" See [`{}`].", api.type_def(*id).name),
            _ => format!(" A {} value.", v.name.to_lowercase()),
        };
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let type_name = &def.name;
    let body = match &u.discriminator {
        Some(property) => {
            let candidates = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let tag = v.discriminator_value.as_deref().unwrap_or_default();
                quote! { (#tag, |value| serde_json::from_value(value).map(Self::#variant)) }
            });
            quote! { rt::union::deserialize_tagged(deserializer, #type_name, #property, &[#(#candidates),*]) }
        }
        None => {
            let candidates = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let markers = &v.marker_properties;
                quote! { (&[#(#markers),*], |value| serde_json::from_value(value).map(Self::#variant)) }
            });
            quote! { rt::union::deserialize(deserializer, #type_name, &[#(#candidates),*]) }
        }
    };
    // `From` each payload type, where no two variants share one.
    let payloads: Vec<String> = u.variants.iter().map(|v| type_tokens(api, &v.ty).to_string()).collect();
    let from_impls =
        u.variants.iter().zip(&payloads).filter(|(_, p)| payloads.iter().filter(|q| q == p).count() == 1).map(
            |(v, _)| {
                let variant = ident(&v.name);
                let ty = type_tokens(api, &v.ty);
                quote! {
                    impl From<#ty> for #name {
                        fn from(value: #ty) -> Self {
                            Self::#variant(value)
                        }
                    }
                }
            },
        );
    // Secret variants print their name and `<redacted>`.
    let redacted_debug = u.variants.iter().any(|v| v.secret).then(|| {
        let arms = u.variants.iter().map(|v| {
            let variant = ident(&v.name);
            let label = &v.name;
            if v.secret {
                quote! { Self::#variant(_) => f.debug_tuple(#label).field(&rt::Redacted).finish(), }
            } else {
                quote! { Self::#variant(value) => f.debug_tuple(#label).field(value).finish(), }
            }
        });
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    let derive_debug = redacted_debug.is_none().then(|| quote! { Debug, });
    // An error body of several shapes reads its fields from whichever came.
    let error_body = u.error_body.then(|| {
        let accessor = |method: &str| {
            let method = ident(method);
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                quote! { Self::#variant(body) => ErrorBody::#method(body), }
            });
            quote! {
                fn #method(&self) -> Option<&str> {
                    match self {
                        #(#arms)*
                    }
                }
            }
        };
        let (code, message, request_id) = (accessor("code"), accessor("message"), accessor("request_id"));
        quote! {
            impl ErrorBody for #name {
                #code
                #message
                #request_id
            }
        }
    });
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }

        #redacted_debug
        #error_body

        #(#from_impls)*

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #body
            }
        }
    }
}

/// A `multipart/form-data` body: a plain struct (no serde; it is only ever sent as a form), with
/// `Default` so a caller sets the parts it needs and `..Default::default()` the rest.
fn multipart_form(api: &Api, name: &proc_macro2::Ident, doc_text: &str, form: &Form) -> TokenStream {
    let doc = docs::attrs(&docs::paragraphs([
        Some(doc_text),
        Some(
            "Sent as `multipart/form-data`, one part per field that has a value, in this order; file \
             parts are [`ByteStream`](crate::ByteStream)s, streamed as they are sent.",
        ),
    ]));
    let fields = form.fields.iter().map(|f| {
        let field = ident(&f.name);
        let mut ty = type_tokens(api, &f.ty);
        if !f.required {
            ty = quote! { Option<#ty> };
        }
        let what = match &f.content_type {
            Some(media) => format!("File part {}, sent as {}.", docs::code(&f.wire_name), docs::code(media)),
            None => format!("Text part {}.", docs::code(&f.wire_name)),
        };
        let requirement = if f.required { "Required." } else { "Optional." };
        let text = docs::paragraphs([docs::spec(f.docs.as_deref()).as_deref(), Some(&format!("{what} {requirement}"))]);
        let doc = docs::attrs(&text);
        quote! {
            #doc
            pub #field: #ty,
        }
    });
    let parts = form.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        let value = if f.required {
            quote! { Some(self.#field) }
        } else {
            quote! { self.#field }
        };
        match &f.content_type {
            Some(media) => quote! { .file(#wire, #value, #media) },
            None if f.required => quote! { .text(#wire, Some(&self.#field)) },
            None => quote! { .text(#wire, self.#field.as_ref()) },
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Default)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The parts to send.
            pub(crate) fn into_multipart(self) -> rt::Multipart {
                rt::Multipart::new() #(#parts)*
            }
        }
    }
}

/// The documented headers of a bodiless reply: one optional field per header, read (and parsed,
/// for numbers and booleans) when the reply arrives.
fn header_struct(api: &Api, name: &proc_macro2::Ident, def: &TypeDef, headers: &Headers) -> TokenStream {
    let doc = docs::attrs(&docs::paragraphs([
        docs::spec(def.docs.as_deref()).as_deref(),
        Some(&format!(
            "The headers this reply documents ({}), read when it arrives; a header that is absent is `None`, \
             one that does not parse as its documented type is a [`DecodeError`](crate::DecodeError). \
             [`Response::headers`](crate::Response::headers) has them all.",
            docs::code(&def.pointer)
        )),
    ]));
    let fields = headers.fields.iter().map(|f| {
        let field = ident(&f.name);
        let ty = type_tokens(api, &f.ty);
        let text = docs::paragraphs([
            docs::spec(f.docs.as_deref()).as_deref(),
            Some(&format!("{} header.", docs::code(&f.wire_name))),
        ]);
        let doc = docs::attrs(&text);
        quote! { #doc pub #field: Option<#ty>, }
    });
    let reads = headers.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire_name;
        quote! { #field: raw.header(#wire)?, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Reads the documented headers of `raw`.
            pub(crate) fn read(raw: &rt::RawResponse) -> Result<Self, crate::Error> {
                Ok(Self { #(#reads)* })
            }
        }
    }
}
