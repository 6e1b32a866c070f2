//! What the generated tables say about each operation, and how a request's path is matched
//! against the templates.

/// One operation as the mock serves it: a constant in its generated request type.
#[derive(Debug)]
pub struct Route {
    /// The area (spec file stem), e.g. `functions`.
    pub area: &'static str,
    /// operationId.
    pub id: &'static str,
    /// The method of the area's mock (and of its client) for the operation, e.g.
    /// `invoke_function`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template, e.g. `/v1/functions/{name}`.
    pub path: &'static str,
    /// Path, query and header parameters.
    pub params: &'static [Param],
    /// Required parameters with one allowed value.
    pub constants: &'static [Constant],
    /// The request body, when the operation takes one.
    pub body: Option<BodySpec>,
    /// Ways to authenticate, any one of which will do.
    pub security: &'static [Security],
    /// The reply when no stub answers.
    pub reply: DefaultReply,
    /// Set for an operation that can answer an event stream.
    pub stream: Option<StreamSpec>,
    /// The path with a trailing `/` is this route too (`x-trailing-slash: also`).
    pub trailing_slash: bool,
}

impl Route {
    /// Whether `other` is the same operation (routes are constants: compared by area and id,
    /// not by address).
    pub fn is(&self, other: &Route) -> bool {
        self.area == other.area && self.id == other.id
    }
}

/// A path, query or header parameter.
#[derive(Debug)]
pub struct Param {
    /// The name on the wire.
    pub name: &'static str,
    /// Where it is read from.
    pub location: Location,
    /// `required: true`.
    pub required: bool,
    /// The values it may take.
    pub shape: Shape,
    /// `style: form, explode: true`: each array item or map entry is its own query pair.
    pub exploded: bool,
    /// A path parameter that may span several segments.
    pub sub_path: bool,
    /// The spec's constraints on each value.
    pub rules: Rules,
    /// A credential: its value is `<redacted>` in `Debug`, logs and violations.
    pub secret: bool,
}

impl Param {
    /// A path parameter (always required) of this shape: one segment unless
    /// [`sub_path`](Self::sub_path).
    pub const fn path(name: &'static str, shape: Shape) -> Param {
        Param {
            name,
            location: Location::Path,
            required: true,
            shape,
            exploded: false,
            sub_path: false,
            rules: Rules::NONE,
            secret: false,
        }
    }

    /// An optional query parameter of this shape.
    pub const fn query(name: &'static str, shape: Shape) -> Param {
        Param { location: Location::Query, required: false, ..Param::path(name, shape) }
    }

    /// An optional header of this shape.
    pub const fn header(name: &'static str, shape: Shape) -> Param {
        Param { location: Location::Header, required: false, ..Param::path(name, shape) }
    }

    /// The same parameter, required.
    pub const fn required(self) -> Param {
        Param { required: true, ..self }
    }

    /// The same parameter, `style: form, explode: true`.
    pub const fn exploded(self) -> Param {
        Param { exploded: true, ..self }
    }

    /// The same path parameter, spanning several segments.
    pub const fn sub_path(self) -> Param {
        Param { sub_path: true, ..self }
    }

    /// The same parameter, holding a credential.
    pub const fn secret(self) -> Param {
        Param { secret: true, ..self }
    }

    /// The same parameter with these constraints.
    pub const fn rules(self, rules: Rules) -> Param {
        Param { rules, ..self }
    }
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A path segment (or sub-path).
    Path,
    /// A query pair.
    Query,
    /// A request header.
    Header,
}

impl Location {
    /// `path`, `query` or `header`, as OpenAPI spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// The values a parameter may take, as text on the wire.
#[derive(Debug)]
pub enum Shape {
    /// Any text.
    String,
    /// An integer within the bounds of its Rust type.
    Integer {
        /// 32 or 64.
        bits: u8,
    },
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// One of these values (a string enum, or a flag's one value).
    OneOf(&'static [&'static str]),
    /// A list: comma-separated, or one query pair per item when exploded.
    Array(&'static Shape),
    /// A map: one query pair per entry (an exploded object takes every pair no other parameter
    /// names).
    Map(&'static Shape),
}

/// Checks the spec states for a value.
#[derive(Debug, Default)]
pub struct Rules {
    /// `pattern` (ECMA-262).
    pub pattern: Option<&'static str>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
}

impl Rules {
    /// No constraints.
    pub const NONE: Rules = Rules { pattern: None, min_length: None, max_length: None, minimum: None, maximum: None };
}

/// A required parameter with one allowed value.
#[derive(Debug)]
pub struct Constant {
    /// The name on the wire.
    pub name: &'static str,
    /// Query or header.
    pub location: Location,
    /// The value.
    pub value: &'static str,
}

impl Constant {
    /// A query parameter that must be `value`.
    pub const fn query(name: &'static str, value: &'static str) -> Constant {
        Constant { name, location: Location::Query, value }
    }

    /// A header that must be `value`.
    pub const fn header(name: &'static str, value: &'static str) -> Constant {
        Constant { name, location: Location::Header, value }
    }
}

/// How a request body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON.
    Json,
    /// UTF-8 text.
    Text,
    /// Raw bytes.
    Bytes,
    /// `multipart/form-data`.
    Multipart,
}

/// A request body: the forms it may take.
#[derive(Debug)]
pub struct BodySpec {
    /// `required: true`.
    pub required: bool,
    /// The media types the spec documents, in its order.
    pub forms: &'static [FormSpec],
}

/// One media type a request body may be sent as.
#[derive(Debug)]
pub struct FormSpec {
    /// The media type the spec documents.
    pub media_type: &'static str,
    /// How it is encoded.
    pub kind: BodyKind,
    /// `x-any-content-type` on a binary form: any media type will do (but another form's).
    pub any: bool,
    /// Decodes a JSON body into the operation's typed request body, naming the first problem.
    pub decodes: fn(&[u8]) -> Result<(), String>,
    /// The parts of a multipart form.
    pub parts: &'static [PartSpec],
    /// Other media types (essences) a JSON form is read as JSON when sent with
    /// (`x-also-sent-as`: what clients label it with and the server accepts).
    pub also: &'static [&'static str],
}

impl FormSpec {
    /// A JSON body; `decodes` checks it decodes into the typed body.
    pub const fn json(media_type: &'static str, decodes: fn(&[u8]) -> Result<(), String>) -> FormSpec {
        FormSpec { media_type, kind: BodyKind::Json, any: false, decodes, parts: &[], also: &[] }
    }

    /// The same JSON form, read as JSON when sent with these media types too (`x-also-sent-as`).
    pub const fn also_sent_as(mut self, also: &'static [&'static str]) -> FormSpec {
        self.also = also;
        self
    }

    /// A text body.
    pub const fn text(media_type: &'static str) -> FormSpec {
        FormSpec { media_type, kind: BodyKind::Text, any: false, decodes: any_body, parts: &[], also: &[] }
    }

    /// A binary body.
    pub const fn bytes(media_type: &'static str) -> FormSpec {
        FormSpec { media_type, kind: BodyKind::Bytes, any: false, decodes: any_body, parts: &[], also: &[] }
    }

    /// A `multipart/form-data` body of these parts.
    pub const fn multipart(media_type: &'static str, parts: &'static [PartSpec]) -> FormSpec {
        FormSpec { media_type, kind: BodyKind::Multipart, any: false, decodes: any_body, parts, also: &[] }
    }

    /// The same binary form, taking any media type (`x-any-content-type`).
    pub const fn any_type(mut self) -> FormSpec {
        self.any = true;
        self
    }

    /// Whether a body sent as `sent` (an essence) is this form, of the route's `forms`.
    pub(crate) fn takes(&self, sent: &str, forms: &[FormSpec]) -> bool {
        let documented = super::check::essence(self.media_type);
        if sent == documented || (self.kind == BodyKind::Bytes && self.media_type.ends_with("/*")) {
            return true;
        }
        // A label clients give this JSON, unless another form documents it.
        if self.also.contains(&sent) && !forms.iter().any(|f| super::check::essence(f.media_type) == sent) {
            return true;
        }
        // Any media type, but one another form of the body names.
        self.any
            && !forms.iter().any(|f| super::check::essence(f.media_type) == sent)
            && !sent.starts_with("multipart/")
    }
}

/// A part of a multipart form.
#[derive(Debug)]
pub struct PartSpec {
    /// The part's name.
    pub name: &'static str,
    /// `required`.
    pub required: bool,
    /// A file part (`format: binary`), as opposed to a text field.
    pub file: bool,
}

impl PartSpec {
    /// A text field.
    pub const fn text(name: &'static str, required: bool) -> PartSpec {
        PartSpec { name, required, file: false }
    }

    /// A file part.
    pub const fn file(name: &'static str, required: bool) -> PartSpec {
        PartSpec { name, required, file: true }
    }
}

/// One way to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// No credentials needed.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <credentials>`.
    Basic,
    /// An API key in this header.
    ApiKeyHeader(&'static str),
    /// `Authorization: TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`: a
    /// Tencent Cloud signature (its form is checked, not its value).
    Tc3,
}

/// The reply the mock gives when no stub answers.
#[derive(Debug)]
pub struct DefaultReply {
    /// The status.
    pub status: u16,
    /// The media type and the body text, when there is a body.
    pub body: Option<(&'static str, &'static str)>,
}

/// An operation's event stream.
#[derive(Debug)]
pub struct StreamSpec {
    /// One event's data when no stub answers (JSON text, or raw text).
    pub event: &'static str,
    /// The data that ends the stream, e.g. `[DONE]`.
    pub terminator: Option<&'static str>,
}

/// A matched path: the route and its path parameters, percent-decoded, by wire name.
pub(crate) struct Matched {
    pub(crate) route: &'static Route,
    pub(crate) path_params: Vec<(&'static str, String)>,
}

/// The route whose template matches `path` (still percent-encoded) with the most literal
/// text, so `/v1/rdb/rest/rpc/{function}` wins over `/v1/rdb/rest/{schema}/{table}`; among
/// equals, the first in the tables. `Err(true)` when the path matches but no route has the
/// method, `Err(false)` when nothing matches the path.
pub(crate) fn find(routes: &[&'static Route], method: &str, path: &str) -> Result<Matched, bool> {
    let mut best: Option<(usize, Matched)> = None;
    let mut path_matched = false;
    for route in routes {
        let Some((literal, captures)) = match_template(route, path) else { continue };
        path_matched = true;
        if !route.method.eq_ignore_ascii_case(method) {
            continue;
        }
        if best.as_ref().is_none_or(|(score, _)| literal > *score) {
            let path_params = captures.into_iter().map(|(name, raw)| (name, decode(raw))).collect();
            best = Some((literal, Matched { route, path_params }));
        }
    }
    best.map(|(_, m)| m).ok_or(path_matched)
}

enum Piece<'t> {
    Literal(&'t str),
    Param { name: &'t str, sub_path: bool },
}

fn pieces(route: &'static Route) -> Vec<Piece<'static>> {
    let mut out = Vec::new();
    let mut rest = route.path;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Literal(&rest[..open]));
        }
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + close];
        let sub_path = route.params.iter().any(|p| p.location == Location::Path && p.name == name && p.sub_path);
        out.push(Piece::Param { name, sub_path });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    out
}

/// Matches a template against a path: the literal length and the raw captures.
fn match_template<'p>(route: &'static Route, path: &'p str) -> Option<(usize, Vec<(&'static str, &'p str)>)> {
    let pieces = pieces(route);
    let mut captures = Vec::new();
    let path = match path.strip_suffix('/') {
        Some(without) if route.trailing_slash && !without.is_empty() => without,
        _ => path,
    };
    if matches_from(&pieces, path, &mut captures) {
        let literal = pieces.iter().map(|p| if let Piece::Literal(l) = p { l.len() } else { 0 }).sum();
        Some((literal, captures))
    } else {
        None
    }
}

fn matches_from<'p>(pieces: &[Piece<'static>], path: &'p str, captures: &mut Vec<(&'static str, &'p str)>) -> bool {
    match pieces.split_first() {
        None => path.is_empty(),
        Some((Piece::Literal(literal), rest)) => {
            path.strip_prefix(literal).is_some_and(|remaining| matches_from(rest, remaining, captures))
        }
        Some((Piece::Param { name, sub_path }, rest)) => {
            // A segment ends at the next `/`; a sub-path may take several, longest first.
            let limit = if *sub_path { path.len() } else { path.find('/').unwrap_or(path.len()) };
            for end in (1..=limit).rev() {
                if !path.is_char_boundary(end) {
                    continue;
                }
                captures.push((name, &path[..end]));
                if matches_from(rest, &path[end..], captures) {
                    return true;
                }
                captures.pop();
            }
            false
        }
    }
}

/// Percent-decodes a path segment (`+` stays a plus sign).
pub(crate) fn decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

/// Decodes a query component as a form does: `+` is a space.
pub(crate) fn decode_query(raw: &str) -> String {
    decode(&raw.replace('+', " "))
}

/// The query pairs of a request target, decoded, in order.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode_query(name), decode_query(value)),
            None => (decode_query(pair), String::new()),
        })
        .collect()
}

/// A [`FormSpec::decodes`] for a JSON body: whether it decodes into `T`, and why not.
pub fn decodes<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    serde_json::from_slice::<T>(body).map(|_| ()).map_err(|e| e.to_string())
}

/// A [`FormSpec::decodes`] for a text or bytes body, which any content is.
pub fn any_body(_: &[u8]) -> Result<(), String> {
    Ok(())
}
