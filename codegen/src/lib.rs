//! Generates the typed CloudBase client from OpenAPI 3.0 specs.
//!
//! The pipeline has one module per step, and the [`ir`] between them is public so tests and
//! other emitters can target it:
//!
//! 1. [`load`]: YAML text, with the spec's [`overlay`]s applied -> `openapiv3::OpenAPI`, the
//!    document checked first against what a spec may hold (errors carry the line or the JSON
//!    pointer, or the overlay file and action);
//! 2. [`normalize`]: resolve `$ref`s, decide every name, build the [`ir::Api`]
//!    (errors carry the JSON pointer);
//! 3. [`emit`]: IR -> `proc_macro2::TokenStream` with `quote!`;
//! 4. [`render`]: tokens -> formatted source (syn + prettyplease) with the `@generated` header.
//!
//! [`generate`] runs all four. The [`review`] tools are for reviewers: the IR summary, the spec
//! diff (the IR of two versions of a spec compared) and the code diff behind `regen --check`. The crate does no I/O: the caller hands in the text.

#![deny(missing_docs)]

pub mod emit;
mod error;
pub mod ir;
pub mod load;
pub mod names;
pub mod normalize;
pub mod overlay;
pub mod render;
pub mod review;

pub use error::{Error, Location};
pub use overlay::Overlay;

/// A spec file handed to the generator.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// The path reported in errors and written into the generated header, e.g. `specs/auth.yaml`.
    pub file: &'a str,
    /// The area (module and feature name), e.g. `auth`.
    pub area: &'a str,
    /// The YAML text.
    pub text: &'a str,
    /// Overlays applied to the document, in order, before it is read ([`overlay`]).
    pub overlays: &'a [Overlay<'a>],
}

impl<'a> Spec<'a> {
    /// A spec whose area is its file stem (`specs/ai_model.yaml` -> `ai_model`), without overlays.
    pub fn from_file(file: &'a str, text: &'a str) -> Self {
        let stem = file.rsplit('/').next().unwrap_or(file);
        let area = stem.split('.').next().unwrap_or(stem);
        Spec { file, area, text, overlays: &[] }
    }

    /// The same spec read with `overlays` applied in order.
    pub fn with_overlays(self, overlays: &'a [Overlay<'a>]) -> Self {
        Spec { overlays, ..self }
    }
}

/// What the generator made of one spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The IR the code was emitted from.
    pub api: ir::Api,
    /// The formatted Rust source of the area's module.
    pub code: String,
    /// The formatted Rust source of the area's module in the `cloudbase-mock` crate.
    pub mock: String,
}

/// Runs the whole pipeline on one spec.
pub fn generate(spec: Spec<'_>) -> Result<Generated, Error> {
    let api = ir_of(spec)?;
    // The generated methods share each area's API struct with the hand-written helpers.
    let helpers = names::helper_methods(&api.area);
    if let Some(op) = api.operations.iter().find(|op| helpers.contains(&op.method_name.as_str())) {
        return Err(Error::new(
            &api.file,
            Some(error::Location::Pointer(op.pointer.clone())),
            format!(
                "operation `{}` would be the method `{}`, which a hand-written helper of this area already \
                 is; name it with `x-rust-name`",
                op.id, op.method_name
            ),
        ));
    }
    let source = load::overlaid_name(spec.file, spec.overlays);
    let code = render::render(&source, emit::module(&api))?;
    let mock = render::render(&source, emit::mock::module(&api))?;
    Ok(Generated { api, code, mock })
}

/// Loads and normalizes one spec, without emitting code.
pub fn ir_of(spec: Spec<'_>) -> Result<ir::Api, Error> {
    if names::snake(spec.area, "") != spec.area {
        return Err(Error::new(spec.file, None, format!("area name `{}` is not a snake_case identifier", spec.area)));
    }
    let document = load::load_overlaid(spec.file, spec.text, spec.overlays)?;
    normalize::normalize(&load::overlaid_name(spec.file, spec.overlays), spec.area, &document)
}
