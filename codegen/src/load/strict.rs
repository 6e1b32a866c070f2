//! The document against the object model of OpenAPI 3.0.3, before openapiv3 reads it (which
//! ignores fields it does not know, drops paths that do not begin with `/`, and panics on
//! numbers that are not finite).
//!
//! One walk over the untyped document, each node visited once, guided by a table: each kind of
//! object, its fields, and what each field holds. Refused, at the pointer of the offending key
//! or value:
//! - a number that is not finite (`.inf`, `-.inf`, `.nan`), anywhere;
//! - a key of an object that is neither one of its fields nor an `x-` extension (a Reference
//!   Object holds `$ref` alone: OpenAPI 3.0 ignores anything beside it, and so would the
//!   generator);
//! - a key under `paths` that is not a path template ([`keys::path_problem`]), a key of a
//!   Responses Object that is no status code, a `content` key that is no media type.
//!
//! The keys of maps (schemas under `components`, `properties`, security requirements, server
//! variables, `content`, headers, links, examples, callbacks, `mapping`) are names the spec
//! chooses; their values are objects of the map's kind. A value that is not an object where one
//! is expected is left to openapiv3, which reports its type at its pointer.

use super::keys;
use super::shown;
use crate::error::{Error, Pointer};
use serde_yaml::{Mapping, Value};

/// The objects of OpenAPI 3.0.3 whose fields are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    OpenApi,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Components,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Response,
    Example,
    Link,
    Header,
    Tag,
    Schema,
    Discriminator,
    Xml,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
}

/// What a field holds.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Anything (a scalar, an example, a default, an extension): only its numbers are checked.
    Any,
    /// An object of this kind.
    Object(Kind),
    /// A Reference Object or an object of this kind.
    RefOr(Kind),
    /// A map from names the spec chooses to values of this shape.
    MapOf(&'static Shape),
    /// A list of values of this shape.
    ListOf(&'static Shape),
    /// The Paths Object: path templates to Path Items (or references), and extensions.
    Paths,
    /// The Responses Object: status codes and `default` to Responses (or references), and
    /// extensions.
    Responses,
    /// A `content` map: media types to Media Type Objects.
    Content,
    /// A Callback Object (or a reference to one): expressions to Path Items (openapiv3 reads
    /// every key as one, extensions too).
    Callback,
}

use Kind::*;
use Shape::{Any, Content, ListOf, MapOf, Object, RefOr};

const SCHEMA: Shape = RefOr(Schema);
const SCHEMAS: Shape = ListOf(&SCHEMA);
const SERVERS: Shape = ListOf(&Object(Server));
const PARAMETERS: Shape = ListOf(&RefOr(Parameter));
const EXAMPLES: Shape = MapOf(&RefOr(Example));
const HEADERS: Shape = MapOf(&RefOr(Header));
const EXTERNAL_DOCS: Shape = Object(ExternalDocs);

/// Parameter and Header Objects share every field but `name` and `in`.
macro_rules! parameter_fields {
    ($($extra:expr),*) => {
        &[
            $($extra,)*
            ("description", Any),
            ("required", Any),
            ("deprecated", Any),
            ("allowEmptyValue", Any),
            ("style", Any),
            ("explode", Any),
            ("allowReserved", Any),
            ("schema", SCHEMA),
            ("example", Any),
            ("examples", EXAMPLES),
            ("content", Content),
        ]
    };
}

impl Kind {
    /// How error messages name the object.
    fn name(self) -> &'static str {
        match self {
            OpenApi => "an OpenAPI Object",
            Info => "an Info Object",
            Contact => "a Contact Object",
            License => "a License Object",
            Server => "a Server Object",
            ServerVariable => "a Server Variable Object",
            Components => "a Components Object",
            PathItem => "a Path Item Object",
            Operation => "an Operation Object",
            ExternalDocs => "an External Documentation Object",
            Parameter => "a Parameter Object",
            RequestBody => "a Request Body Object",
            MediaType => "a Media Type Object",
            Encoding => "an Encoding Object",
            Response => "a Response Object",
            Example => "an Example Object",
            Link => "a Link Object",
            Header => "a Header Object",
            Tag => "a Tag Object",
            Schema => "a Schema Object",
            Discriminator => "a Discriminator Object",
            Xml => "an XML Object",
            SecurityScheme => "a Security Scheme Object",
            OAuthFlows => "an OAuth Flows Object",
            OAuthFlow => "an OAuth Flow Object",
        }
    }

    /// The fields OpenAPI 3.0.3 defines for the object, in the specification's order.
    fn fields(self) -> &'static [(&'static str, Shape)] {
        match self {
            OpenApi => &[
                ("openapi", Any),
                ("info", Object(Info)),
                ("servers", SERVERS),
                ("paths", Shape::Paths),
                ("components", Object(Components)),
                ("security", Any),
                ("tags", ListOf(&Object(Tag))),
                ("externalDocs", EXTERNAL_DOCS),
            ],
            Info => &[
                ("title", Any),
                ("description", Any),
                ("termsOfService", Any),
                ("contact", Object(Contact)),
                ("license", Object(License)),
                ("version", Any),
            ],
            Contact => &[("name", Any), ("url", Any), ("email", Any)],
            License => &[("name", Any), ("url", Any)],
            Server => &[("url", Any), ("description", Any), ("variables", MapOf(&Object(ServerVariable)))],
            ServerVariable => &[("enum", Any), ("default", Any), ("description", Any)],
            Components => &[
                ("schemas", MapOf(&SCHEMA)),
                ("responses", MapOf(&RefOr(Response))),
                ("parameters", MapOf(&RefOr(Parameter))),
                ("examples", EXAMPLES),
                ("requestBodies", MapOf(&RefOr(RequestBody))),
                ("headers", HEADERS),
                ("securitySchemes", MapOf(&RefOr(SecurityScheme))),
                ("links", MapOf(&RefOr(Link))),
                ("callbacks", MapOf(&Shape::Callback)),
            ],
            PathItem => &[
                ("$ref", Any),
                ("summary", Any),
                ("description", Any),
                ("get", Object(Operation)),
                ("put", Object(Operation)),
                ("post", Object(Operation)),
                ("delete", Object(Operation)),
                ("options", Object(Operation)),
                ("head", Object(Operation)),
                ("patch", Object(Operation)),
                ("trace", Object(Operation)),
                ("servers", SERVERS),
                ("parameters", PARAMETERS),
            ],
            Operation => &[
                ("tags", Any),
                ("summary", Any),
                ("description", Any),
                ("externalDocs", EXTERNAL_DOCS),
                ("operationId", Any),
                ("parameters", PARAMETERS),
                ("requestBody", RefOr(RequestBody)),
                ("responses", Shape::Responses),
                // openapiv3 reads an operation's callbacks inline only (no `$ref`).
                ("callbacks", MapOf(&Shape::Callback)),
                ("deprecated", Any),
                ("security", Any),
                ("servers", SERVERS),
            ],
            ExternalDocs => &[("description", Any), ("url", Any)],
            Parameter => parameter_fields!(("name", Any), ("in", Any)),
            RequestBody => &[("description", Any), ("content", Content), ("required", Any)],
            MediaType => {
                &[("schema", SCHEMA), ("example", Any), ("examples", EXAMPLES), ("encoding", MapOf(&Object(Encoding)))]
            }
            Encoding => {
                &[("contentType", Any), ("headers", HEADERS), ("style", Any), ("explode", Any), ("allowReserved", Any)]
            }
            Response => {
                &[("description", Any), ("headers", HEADERS), ("content", Content), ("links", MapOf(&RefOr(Link)))]
            }
            Example => &[("summary", Any), ("description", Any), ("value", Any), ("externalValue", Any)],
            Link => &[
                ("operationRef", Any),
                ("operationId", Any),
                ("parameters", Any),
                ("requestBody", Any),
                ("description", Any),
                ("server", Object(Server)),
            ],
            Header => parameter_fields!(),
            Tag => &[("name", Any), ("description", Any), ("externalDocs", EXTERNAL_DOCS)],
            Schema => &[
                ("title", Any),
                ("multipleOf", Any),
                ("maximum", Any),
                ("exclusiveMaximum", Any),
                ("minimum", Any),
                ("exclusiveMinimum", Any),
                ("maxLength", Any),
                ("minLength", Any),
                ("pattern", Any),
                ("maxItems", Any),
                ("minItems", Any),
                ("uniqueItems", Any),
                ("maxProperties", Any),
                ("minProperties", Any),
                ("required", Any),
                ("enum", Any),
                ("type", Any),
                ("allOf", SCHEMAS),
                ("oneOf", SCHEMAS),
                ("anyOf", SCHEMAS),
                ("not", SCHEMA),
                ("items", SCHEMA),
                ("properties", MapOf(&SCHEMA)),
                // A boolean or a schema; a boolean is a scalar, which the walk leaves alone.
                ("additionalProperties", SCHEMA),
                ("description", Any),
                ("format", Any),
                ("default", Any),
                ("nullable", Any),
                ("discriminator", Object(Discriminator)),
                ("readOnly", Any),
                ("writeOnly", Any),
                ("xml", Object(Xml)),
                ("externalDocs", EXTERNAL_DOCS),
                ("example", Any),
                ("deprecated", Any),
            ],
            Discriminator => &[("propertyName", Any), ("mapping", Any)],
            Xml => &[("name", Any), ("namespace", Any), ("prefix", Any), ("attribute", Any), ("wrapped", Any)],
            SecurityScheme => &[
                ("type", Any),
                ("description", Any),
                ("name", Any),
                ("in", Any),
                ("scheme", Any),
                ("bearerFormat", Any),
                ("flows", Object(OAuthFlows)),
                ("openIdConnectUrl", Any),
            ],
            OAuthFlows => &[
                ("implicit", Object(OAuthFlow)),
                ("password", Object(OAuthFlow)),
                ("clientCredentials", Object(OAuthFlow)),
                ("authorizationCode", Object(OAuthFlow)),
            ],
            OAuthFlow => &[("authorizationUrl", Any), ("tokenUrl", Any), ("refreshUrl", Any), ("scopes", Any)],
        }
    }
}

/// Checks the document (see the module docs); `file` names it in the error.
pub(crate) fn check(file: &str, document: &Value) -> Result<(), Error> {
    // Another version has other objects: say so rather than name its first unknown field.
    if let Some(version) = document.get("openapi").and_then(Value::as_str).filter(|v| !v.starts_with("3.0.")) {
        return Err(Error::at(
            file,
            &Pointer::root().join("openapi"),
            format!("unsupported OpenAPI version `{}` (expected 3.0.x)", shown(version)),
        ));
    }
    let mut walk = Walk { steps: Vec::new() };
    walk.value(document, Object(OpenApi)).map_err(|message| {
        let pointer = walk.steps.iter().fold(Pointer::root(), |pointer, step| match step {
            Step::Key(key) => pointer.join(token_of(key)),
            Step::Index(index) => pointer.join(index),
        });
        Error::at(file, &pointer, message)
    })
}

/// A step from a node to a child.
enum Step<'a> {
    Key(&'a Value),
    Index(usize),
}

/// The walk; `steps` leads to the node being looked at, and, after an error, to the offending
/// key or value.
struct Walk<'a> {
    steps: Vec<Step<'a>>,
}

impl<'a> Walk<'a> {
    fn value(&mut self, value: &'a Value, shape: Shape) -> Result<(), String> {
        match (value, shape) {
            (Value::Number(n), _) if n.is_nan() || n.is_infinite() => Err(format!("`{n}` is not a finite number")),
            (Value::Tagged(tagged), _) => self.value(&tagged.value, shape),
            (Value::Mapping(map), Object(kind)) => self.object(map, kind),
            (Value::Mapping(map), RefOr(_) | Shape::Callback) if map.contains_key("$ref") => self.reference(map),
            (Value::Mapping(map), RefOr(kind)) => self.object(map, kind),
            (Value::Mapping(map), MapOf(values)) => self.entries(map, |_| Ok(*values)),
            (Value::Sequence(items), ListOf(item)) => self.items(items, *item),
            (Value::Mapping(map), Shape::Paths) => self.entries(map, |key| match key.as_str() {
                Some(name) if name.starts_with("x-") => Ok(Any),
                Some(path) => keys::path_problem(path).map_or(Ok(RefOr(PathItem)), Err),
                None => Err(keys::path_problem(&token_of(key)).unwrap_or_else(|| "a path must be text".to_owned())),
            }),
            (Value::Mapping(map), Shape::Responses) => self.entries(map, |key| {
                let name = token_of(key);
                if name.starts_with("x-") && key.is_string() {
                    return Ok(Any);
                }
                if keys::is_response_key(&name) {
                    return Ok(RefOr(Response));
                }
                let hint = match name.to_ascii_uppercase() {
                    upper if keys::is_response_key(&upper) => format!(" (did you mean `{upper}`?)"),
                    _ => String::new(),
                };
                Err(format!(
                    "unknown key `{}` in a Responses Object{hint} (expected `default`, a status code from 100 to 599, \
                     a range `1XX` to `5XX`; extensions start with `x-`)",
                    shown(&name)
                ))
            }),
            (Value::Mapping(map), Content) => self.entries(map, |key| {
                let problem = match key.as_str() {
                    Some(media_type) => keys::media_type_problem(media_type),
                    None => Some(format!("`{}` is not a media type: it is not text", shown(&token_of(key)))),
                };
                problem.map_or(Ok(Object(MediaType)), Err)
            }),
            // Keys are expressions; openapiv3 reads every value as a Path Item.
            (Value::Mapping(map), Shape::Callback) => self.entries(map, |_| Ok(RefOr(PathItem))),
            // Not the shape the field holds, or a scalar: openapiv3 reports the type. Numbers
            // inside are still checked.
            (Value::Mapping(map), _) => self.entries(map, |_| Ok(Any)),
            (Value::Sequence(items), _) => self.items(items, Any),
            _ => Ok(()),
        }
    }

    /// A map's entries, the shape of each value decided by its key (or an error at the key).
    fn entries(&mut self, map: &'a Mapping, shape_of: impl Fn(&Value) -> Result<Shape, String>) -> Result<(), String> {
        for (key, value) in map {
            self.steps.push(Step::Key(key));
            self.value(key, Any)?;
            let shape = shape_of(key)?;
            self.value(value, shape)?;
            self.steps.pop();
        }
        Ok(())
    }

    fn items(&mut self, items: &'a [Value], shape: Shape) -> Result<(), String> {
        for (index, item) in items.iter().enumerate() {
            self.steps.push(Step::Index(index));
            self.value(item, shape)?;
            self.steps.pop();
        }
        Ok(())
    }

    fn object(&mut self, map: &'a Mapping, kind: Kind) -> Result<(), String> {
        self.entries(map, |key| match key.as_str() {
            Some(name) if name.starts_with("x-") => Ok(Any),
            Some(name) => kind
                .fields()
                .iter()
                .find(|(field, _)| *field == name)
                .map(|(_, shape)| *shape)
                .ok_or_else(|| unknown_field(kind, name)),
            None => Err(unknown_field(kind, &token_of(key))),
        })
    }

    fn reference(&mut self, map: &'a Mapping) -> Result<(), String> {
        self.entries(map, |key| match key.as_str() {
            Some("$ref") => Ok(Any),
            _ => Err(format!(
                "unknown field `{}` beside `$ref` (a Reference Object holds only `$ref`; OpenAPI 3.0 ignores anything \
                 beside it)",
                shown(&token_of(key))
            )),
        })
    }
}

fn unknown_field(kind: Kind, name: &str) -> String {
    let fields: Vec<&str> = kind.fields().iter().map(|(field, _)| *field).collect();
    let hint = match did_you_mean(name, &fields) {
        Some(field) => format!(" (did you mean `{field}`?)"),
        None => String::new(),
    };
    format!(
        "unknown field `{}` in {}{hint} (expected one of: {}; extensions start with `x-`)",
        shown(name),
        kind.name(),
        fields.join(", ")
    )
}

/// The field `name` was probably meant to be: the same but for case, `-` and `_`, or within two
/// edits (one for names shorter than four characters).
fn did_you_mean<'f>(name: &str, fields: &[&'f str]) -> Option<&'f str> {
    let folded = |s: &str| s.chars().filter(|c| !matches!(c, '-' | '_')).collect::<String>().to_lowercase();
    if let Some(field) = fields.iter().find(|field| folded(field) == folded(name)) {
        return Some(field);
    }
    let most = if name.chars().count() < 4 { 1 } else { 2 };
    fields
        .iter()
        .map(|field| (edits(name, field), *field))
        .filter(|(distance, _)| *distance <= most)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, field)| field)
}

/// Levenshtein distance.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A key as a JSON pointer token (YAML's `200:` is the token `200`).
fn token_of(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Tagged(tagged) => token_of(&tagged.value),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let fields = ["properties", "requestBody", "parameters", "get", "url", "clientCredentials"];
        assert_eq!(did_you_mean("propertise", &fields), Some("properties"));
        assert_eq!(did_you_mean("requestbody", &fields), Some("requestBody"));
        assert_eq!(did_you_mean("GET", &fields), Some("get"));
        assert_eq!(did_you_mean("uri", &fields), Some("url"));
        assert_eq!(did_you_mean("client_credentials", &fields), Some("clientCredentials"));
        assert_eq!(did_you_mean("val", &fields), None);
        assert_eq!(did_you_mean("unrelated", &fields), None);
    }

    #[test]
    fn every_kind_names_its_fields_once() {
        for kind in [
            OpenApi,
            Info,
            Contact,
            License,
            Server,
            ServerVariable,
            Components,
            PathItem,
            Operation,
            ExternalDocs,
            Parameter,
            RequestBody,
            MediaType,
            Encoding,
            Response,
            Example,
            Link,
            Header,
            Tag,
            Schema,
            Discriminator,
            Xml,
            SecurityScheme,
            OAuthFlows,
            OAuthFlow,
        ] {
            let fields: Vec<&str> = kind.fields().iter().map(|(field, _)| *field).collect();
            let mut unique = fields.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), fields.len(), "{kind:?}");
        }
    }
}
