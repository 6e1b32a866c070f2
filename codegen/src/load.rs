//! Step 1: YAML text -> `openapiv3::OpenAPI`.

use crate::error::{Error, Location, Pointer};
use openapiv3::OpenAPI;
use serde_path_to_error::Segment;

/// Parses a spec, reporting YAML syntax errors with their line and schema mismatches with both
/// their line (when the YAML parser still knows it) and the JSON pointer of the offending value.
pub fn load(file: &str, text: &str) -> Result<OpenAPI, Error> {
    // A first pass over untyped YAML separates syntax errors (line only) from shape errors.
    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        let location = e.location().map(|l| Location::Line { line: l.line(), column: l.column(), pointer: None });
        return Err(Error::new(file, location, format!("invalid YAML: {}", strip_location(&e))));
    }
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let document: OpenAPI = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.inner();
        let location = match inner.location() {
            Some(l) => Location::Line { line: l.line(), column: l.column(), pointer: Some(pointer.to_string()) },
            None => Location::Pointer(pointer.to_string()),
        };
        Error::new(file, Some(location), format!("not a valid OpenAPI 3.0 document: {}", strip_location(inner)))
    })?;
    if !document.openapi.starts_with("3.0.") {
        return Err(Error::at(
            file,
            &Pointer::root().join("openapi"),
            format!("unsupported OpenAPI version `{}` (expected 3.0.x)", document.openapi),
        ));
    }
    Ok(document)
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
