//! Decoding of `oneOf`/`anyOf` types.
//!
//! Untagged decoding alone picks the first variant that fits, and a variant whose properties are
//! all optional fits every object: an error item `{code, message}` would decode as a success with
//! every field empty. So a variant is first chosen by a property only it declares; the first
//! variant that decodes is the fallback.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Decodes one variant from a JSON value.
pub(crate) type Decode<T> = fn(Value) -> Result<T, serde_json::Error>;

/// Picks the variant with the most of its marker properties (those only it declares) present,
/// else the first that decodes.
pub(crate) fn deserialize<'de, D, T>(
    deserializer: D,
    type_name: &str,
    variants: &[(&[&str], Decode<T>)],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    if let Value::Object(object) = &value {
        // The variant with the most of its own properties present; the first on a tie.
        let hits = |markers: &[&str]| markers.iter().filter(|m| object.contains_key(**m)).count();
        let best = variants
            .iter()
            .map(|(markers, _)| hits(markers))
            .enumerate()
            .fold((0, 0), |best, (i, n)| if n > best.1 { (i, n) } else { best });
        if best.1 > 0 {
            return (variants[best.0].1)(value).map_err(D::Error::custom);
        }
    }
    let mut last_error = None;
    for (_, decode) in variants {
        match decode(value.clone()) {
            Ok(decoded) => return Ok(decoded),
            Err(e) => last_error = Some(e),
        }
    }
    Err(D::Error::custom(format!(
        "data matches no variant of {type_name}{}",
        last_error.map(|e| format!(" (last: {e})")).unwrap_or_default()
    )))
}

/// Picks the variant named by the discriminator property.
pub(crate) fn deserialize_tagged<'de, D, T>(
    deserializer: D,
    type_name: &str,
    property: &str,
    variants: &[(&str, Decode<T>)],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let tag = value.get(property).and_then(Value::as_str).map(str::to_owned);
    let Some(tag) = tag else {
        return Err(D::Error::custom(format!("{type_name}: missing discriminator `{property}`")));
    };
    match variants.iter().find(|(t, _)| *t == tag) {
        Some((_, decode)) => decode(value).map_err(D::Error::custom),
        None => Err(D::Error::custom(format!("{type_name}: unknown `{property}` value `{tag}`"))),
    }
}
