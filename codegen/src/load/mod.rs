//! Step 1: YAML text (and the spec's overlays) -> `openapiv3::OpenAPI`.
//!
//! A spec is untrusted input, and so is an overlay. Before openapiv3 reads the document it is
//! checked, each error naming the file and the JSON pointer (or the line): its YAML aliases may
//! not expand it past a size limit, nor may overlays grow it past one; it may not nest deeper
//! than 32 levels; and it must fit the object model of OpenAPI 3.0.3: no unknown field, no
//! number that is not finite, no path, status or media-type key outside its grammar (the rules
//! are listed in `specs/README.md`, "What a spec may hold").

mod keys;
mod strict;
mod yaml;

use crate::error::{Error, Location, Pointer};
use crate::overlay::Overlay;
use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_path_to_error::Segment;

/// Nesting limit for the YAML document. openapiv3 reads schemas through untagged enums that try
/// each alternative, so an invalid value deep down costs time doubling with every level: a spec
/// nested 40 deep would take hours to reject. Twice what the vendored specs use.
const MAX_DEPTH: usize = 32;

/// The pointer of the first node deeper than [`MAX_DEPTH`], if any.
fn too_deep(value: &serde_yaml::Value) -> Option<Pointer> {
    let tokens = too_deep_tokens(value, 0)?;
    Some(tokens.iter().rev().fold(Pointer::root(), |pointer, token| pointer.join(token)))
}

/// The tokens (innermost first) leading to the first node deeper than [`MAX_DEPTH`]; nothing is
/// allocated on the way down, only once such a node is found.
fn too_deep_tokens(value: &serde_yaml::Value, depth: usize) -> Option<Vec<String>> {
    if depth > MAX_DEPTH {
        return Some(Vec::new());
    }
    let (mut tokens, token) = match value {
        serde_yaml::Value::Mapping(map) => map.iter().find_map(|(key, child)| {
            let tokens = too_deep_tokens(child, depth + 1)?;
            let key = match key {
                serde_yaml::Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
            };
            Some((tokens, key))
        })?,
        serde_yaml::Value::Sequence(items) => items
            .iter()
            .enumerate()
            .find_map(|(index, child)| Some((too_deep_tokens(child, depth + 1)?, index.to_string())))?,
        serde_yaml::Value::Tagged(tagged) => return too_deep_tokens(&tagged.value, depth + 1),
        _ => return None,
    };
    tokens.push(token);
    Some(tokens)
}

/// Parses a spec, reporting YAML syntax errors with their line and schema mismatches with both
/// their line (when the YAML parser still knows it) and the JSON pointer of the offending value.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, Error> {
    let untyped = parse(file, text)?;
    strict::check(file, &untyped)?;
    // Reading the document from the parsed value avoids scanning the YAML a second time; only a
    // document that does not fit is read again from the text, where errors know their line.
    let document = match OpenAPI::deserialize(untyped) {
        Ok(document) => document,
        Err(_) => from_text(file, text)?,
    };
    checked_version(file, document)
}

/// Parses a spec and applies its overlays in order ([`crate::overlay`]). Errors in the spec's
/// YAML carry its line; errors of an overlay name the overlay file and action; a document the
/// overlays made invalid is reported with the JSON pointer into the overlaid document.
pub fn load_overlaid(file: &str, text: &str, overlays: &[Overlay<'_>]) -> Result<OpenAPI, Error> {
    if overlays.is_empty() {
        return load(file, text);
    }
    let untyped = overlaid(file, text, overlays)?;
    let shown = overlaid_name(file, overlays);
    strict::check(&shown, &untyped)?;
    let document = serde_path_to_error::deserialize(&untyped).map_err(|e| {
        let pointer = pointer_of(e.path());
        refine(&shown, &untyped, &pointer).unwrap_or_else(|| {
            Error::at(&shown, &pointer, format!("not a valid OpenAPI 3.0 document: {}", strip_location(e.inner())))
        })
    })?;
    checked_version(&shown, document)
}

/// The spec's YAML with its overlays applied, as YAML text (for tools that read the spec
/// themselves, such as a mock server, to see what the generator sees).
pub fn overlaid_yaml(file: &str, text: &str, overlays: &[Overlay<'_>]) -> Result<String, Error> {
    let untyped = overlaid(file, text, overlays)?;
    serde_yaml::to_string(&untyped).map_err(|e| Error::new(file, None, format!("cannot write the overlaid YAML: {e}")))
}

/// How errors and the generated header name a spec read with overlays.
pub fn overlaid_name(file: &str, overlays: &[Overlay<'_>]) -> String {
    let mut name = file.to_owned();
    for overlay in overlays {
        name.push_str(" + ");
        name.push_str(overlay.file);
    }
    name
}

fn overlaid(file: &str, text: &str, overlays: &[Overlay<'_>]) -> Result<serde_yaml::Value, Error> {
    let mut untyped = parse(file, text)?;
    // The overlaid document is bounded like one read from text: by the length of all the texts.
    let limit =
        size_limit(overlays.iter().fold(text.len(), |length, overlay| length.saturating_add(overlay.text.len())));
    for overlay in overlays {
        crate::overlay::apply(&mut untyped, *overlay, limit)?;
    }
    if let Some(pointer) = too_deep(&untyped) {
        return Err(Error::at(
            &overlaid_name(file, overlays),
            &pointer,
            format!("the overlaid document nests deeper than {MAX_DEPTH} levels here"),
        ));
    }
    Ok(untyped)
}

/// YAML text as a value, its aliases bounded ([`yaml`]), for the overlays.
pub(crate) fn parse_yaml(file: &str, text: &str) -> Result<serde_yaml::Value, Error> {
    yaml::parse(file, text)
}

pub(crate) use yaml::{MIN_LIMIT as MIN_SIZE_LIMIT, limit_for as size_limit, size_of};

/// The untyped YAML of a spec: syntax errors carry their line, and size and nesting are
/// bounded.
fn parse(file: &str, text: &str) -> Result<serde_yaml::Value, Error> {
    // A first pass over untyped YAML separates syntax errors (line only) from shape errors.
    let untyped = yaml::parse(file, text)?;
    if let Some(pointer) = too_deep(&untyped) {
        return Err(Error::at(
            file,
            &pointer,
            format!("the document nests deeper than {MAX_DEPTH} levels here (the vendored specs need at most 16)"),
        ));
    }
    Ok(untyped)
}

fn checked_version(file: &str, document: OpenAPI) -> Result<OpenAPI, Error> {
    if !document.openapi.starts_with("3.0.") {
        return Err(Error::at(
            file,
            &Pointer::root().join("openapi"),
            format!("unsupported OpenAPI version `{}` (expected 3.0.x)", document.openapi),
        ));
    }
    Ok(document)
}

/// Reads the document from its text, with the line and JSON pointer of the first mismatch.
fn from_text(file: &str, text: &str) -> Result<OpenAPI, Error> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        // openapiv3 reads `paths` and `components` through flattened maps, where serde loses the
        // path; reading their entries one by one finds the precise pointer again.
        let root = yaml::parse(file, text).ok();
        if let Some(refined) = root.and_then(|root| refine(file, &root, &pointer_of(e.path()))) {
            return refined;
        }
        let pointer = pointer_of(e.path());
        let inner = e.inner();
        let location = match inner.location() {
            Some(l) => Location::Line { line: l.line(), column: l.column(), pointer: Some(pointer.to_string()) },
            None => Location::Pointer(pointer.to_string()),
        };
        Error::new(file, Some(location), format!("not a valid OpenAPI 3.0 document: {}", strip_location(inner)))
    })
}

/// Re-reads each entry under `/paths` or `/components/<kind>` on its own to locate an error.
fn refine(file: &str, root: &serde_yaml::Value, pointer: &Pointer) -> Option<Error> {
    let shown = pointer.to_string();
    if shown == "/paths" {
        let paths = root.get("paths")?.as_mapping()?;
        for (key, item) in paths {
            let key = key.as_str()?;
            if key.starts_with("x-") {
                continue;
            }
            let at = Pointer::root().join("paths").join(key);
            if let Err(e) = check::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item.clone()) {
                return Some(refine_path_item(file, &at, item).unwrap_or_else(|| value_error(file, &at, e)));
            }
        }
    }
    if shown == "/components" || shown.starts_with("/components/") {
        let components = root.get("components")?.as_mapping()?;
        for (kind, entries) in components {
            let kind = kind.as_str()?;
            for (name, value) in entries.as_mapping()? {
                let at = Pointer::root().join("components").join(kind).join(name.as_str()?);
                let value = value.clone();
                let result = match kind {
                    "schemas" => check::<openapiv3::ReferenceOr<openapiv3::Schema>>(value),
                    "responses" => check::<openapiv3::ReferenceOr<openapiv3::Response>>(value),
                    "parameters" => check::<openapiv3::ReferenceOr<openapiv3::Parameter>>(value),
                    "requestBodies" => check::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(value),
                    "headers" => check::<openapiv3::ReferenceOr<openapiv3::Header>>(value),
                    "securitySchemes" => check::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(value),
                    _ => Ok(()),
                };
                if let Err(e) = result {
                    return Some(value_error(file, &at, e));
                }
            }
        }
    }
    None
}

/// Parameters are read through an internally tagged enum, which hides the path too.
fn refine_path_item(file: &str, at: &Pointer, item: &serde_yaml::Value) -> Option<Error> {
    let item = item.as_mapping()?;
    let parameter_lists = item.iter().filter_map(|(key, value)| {
        let key = key.as_str()?;
        match key {
            "parameters" => Some((at.join("parameters"), value)),
            "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                Some((at.join(key).join("parameters"), value.get("parameters")?))
            }
            _ => None,
        }
    });
    for (list_at, list) in parameter_lists {
        for (index, parameter) in list.as_sequence()?.iter().enumerate() {
            if let Err(e) = check::<openapiv3::ReferenceOr<openapiv3::Parameter>>(parameter.clone()) {
                let at = list_at.join(index);
                // Inside a parameter, name the field: `required: maybe` -> `.../required`.
                let field = parameter.as_mapping().and_then(|m| {
                    m.iter().find_map(|(k, v)| {
                        let k = k.as_str()?;
                        let fits = match k {
                            "required" | "deprecated" | "explode" | "allowEmptyValue" | "allowReserved" => {
                                v.as_bool().is_some()
                            }
                            "name" | "in" | "description" | "style" => v.as_str().is_some(),
                            "schema" => check::<openapiv3::ReferenceOr<openapiv3::Schema>>(v.clone()).is_ok(),
                            _ => true,
                        };
                        (!fits).then(|| k.to_owned())
                    })
                });
                let at = match field {
                    Some(field) => at.join(field),
                    None => at,
                };
                return Some(value_error(file, &at, e));
            }
        }
    }
    None
}

fn check<T: serde::de::DeserializeOwned>(
    value: serde_yaml::Value,
) -> Result<(), serde_path_to_error::Error<serde_yaml::Error>> {
    serde_path_to_error::deserialize::<_, T>(value).map(|_| ())
}

fn value_error(file: &str, at: &Pointer, e: serde_path_to_error::Error<serde_yaml::Error>) -> Error {
    let pointer = e.path().iter().fold(at.clone(), |p, segment| match segment {
        Segment::Seq { index } => p.join(index),
        Segment::Map { key } => p.join(key),
        Segment::Enum { variant } => p.join(variant),
        Segment::Unknown => p,
    });
    Error::new(
        file,
        Some(Location::Pointer(pointer.to_string())),
        format!("not a valid OpenAPI 3.0 document: {}", strip_location(e.inner())),
    )
}

fn pointer_of(path: &serde_path_to_error::Path) -> Pointer {
    path.iter().fold(Pointer::root(), |pointer, segment| match segment {
        Segment::Seq { index } => pointer.join(index),
        Segment::Map { key } => pointer.join(key),
        Segment::Enum { variant } => pointer.join(variant),
        Segment::Unknown => pointer.join("?"),
    })
}

/// serde_yaml appends " at line L column C" to its messages; the location is reported separately.
fn strip_location(e: &serde_yaml::Error) -> String {
    let message = e.to_string();
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}

/// Text for an error message: visible ASCII and spaces as they are, anything else escaped
/// (`\t`, `\r`, `\n`, `\u{ff1b}`), so a message shows exactly what is there and holds no control
/// character.
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        shown_char(c, &mut out);
    }
    out
}

fn shown_char(c: char, out: &mut String) {
    match c {
        ' ' => out.push(' '),
        c if c.is_ascii_graphic() => out.push(c),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}
