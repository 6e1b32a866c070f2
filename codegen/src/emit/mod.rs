//! Step 3: IR -> `proc_macro2::TokenStream` with `quote!`.

pub mod docs;
mod examples;
pub mod mock;
mod operations;
mod types;

use crate::ir::{Api, Type, TypeKind};
use crate::names;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The whole generated module for one area.
pub fn module(api: &Api) -> TokenStream {
    let title = format!("{} ({})", docs::sanitize(&api.title), docs::code(&api.file));
    let description = docs::spec(api.description.as_deref());
    let inner_doc = docs::inner_attrs(&docs::paragraphs([Some(title.as_str()), description.as_deref()]));
    let has_ops = !api.operations.is_empty();
    // Aliases (`pub type Record = ...`), forms and header structs need no serde derives.
    let has_types = api.types.iter().any(|t| {
        !matches!(t.kind, TypeKind::Alias(_) | TypeKind::Runtime(_) | TypeKind::Form(_) | TypeKind::Headers(_))
    });
    let has_error_bodies = api.types.iter().any(|t| match &t.kind {
        TypeKind::Struct(s) => s.error_fields.is_some(),
        TypeKind::Union(u) => u.error_body,
        _ => false,
    });
    let crate_names: Vec<Ident> =
        std::iter::once("Client").chain(has_error_bodies.then_some("ErrorBody")).map(ident).collect();
    let crate_use = quote! { use crate::{#(#crate_names),*}; };
    let runtime_use = api.types.iter().any(types::uses_runtime).then(|| quote! { use crate::runtime as rt; });
    let serde_use = has_types.then(|| quote! { use serde::{Deserialize, Serialize}; });
    let api_section = operations::api(api);
    let success_enums = api.operations.iter().filter_map(|op| operations::success_enum(api, op));
    let types = api.types.iter().map(|def| types::type_def(api, def));
    let builders = has_ops.then(|| operations::builders(api));
    quote! {
        #inner_doc
        #crate_use
        #runtime_use
        #serde_use

        #api_section
        #(#success_enums)*
        #(#types)*
        #builders
    }
}

/// An identifier; names in the IR are already valid, keywords become raw identifiers.
pub(crate) fn ident(name: &str) -> Ident {
    if names::is_keyword(name) { Ident::new_raw(name, Span::call_site()) } else { Ident::new(name, Span::call_site()) }
}

/// The Rust spelling of an IR type, in the area's module.
pub(crate) fn type_tokens(api: &Api, ty: &Type) -> TokenStream {
    spell(api, ty, &quote! {}, &quote! { crate })
}

/// The Rust spelling of an IR type in the area's `builders` module, where the area's types are
/// `super::Name`.
pub(crate) fn builder_type_tokens(api: &Api, ty: &Type) -> TokenStream {
    spell(api, ty, &quote! { super:: }, &quote! { crate })
}

/// The Rust spelling of an IR type where the area's types are `<prefix>Name` (e.g. `api::Name`
/// in another crate's module that imports the area as `api`), the runtime's as `cloudbase_api::`.
pub(crate) fn prefixed_type_tokens(api: &Api, ty: &Type, prefix: &TokenStream) -> TokenStream {
    spell(api, ty, prefix, &quote! { cloudbase_api })
}

/// `krate` is the path of the crate whose runtime types (`ByteStream`) the code names.
fn spell(api: &Api, ty: &Type, prefix: &TokenStream, krate: &TokenStream) -> TokenStream {
    match ty {
        Type::String => quote! { String },
        Type::Integer { bits: 32 } => quote! { i32 },
        Type::Integer { .. } => quote! { i64 },
        Type::Number { bits: 32 } => quote! { f32 },
        Type::Number { .. } => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Bytes => quote! { #krate::ByteStream },
        Type::Any => quote! { serde_json::Value },
        Type::Object => quote! { serde_json::Map<String, serde_json::Value> },
        Type::Array(item) => {
            let item = spell(api, item, prefix, krate);
            quote! { Vec<#item> }
        }
        Type::Map(value) => {
            let value = spell(api, value, prefix, krate);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        Type::Nullable(inner) => {
            let inner = spell(api, inner, prefix, krate);
            quote! { Option<#inner> }
        }
        Type::Named(id) => {
            let name = ident(&api.type_def(*id).name);
            quote! { #prefix #name }
        }
    }
}
