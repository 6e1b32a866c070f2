//! What generated code builds on: operation descriptors, request assembly with the spec's
//! encoding rules, and decoding of raw replies. Nothing here knows a particular endpoint.

pub(crate) mod execute;
pub(crate) mod given_url;
pub(crate) mod idle;
pub(crate) mod redact;
pub(crate) mod sse;
pub(crate) mod stall;
pub(crate) mod union;

use crate::error::{ApiError, DecodeError, Error, ErrorBody, snippet};
use crate::response::Head;
use crate::{Body, ByteStream, Response};
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::{self, Display};

/// What every request builder has besides its parameters: `new` (all unset), the per-request
/// `timeout` and `retry` overrides, and a `Debug` that shows only the operation (parameters and
/// bodies may carry credentials). Generated code invokes it once per builder with the names of
/// the builder's `Option` fields; the builder keeps its own rustdoc page.
macro_rules! request_builder {
    ($builder:ident { $($field:ident),* $(,)? }) => {
        impl $builder {
            pub(crate) fn new(client: crate::Client) -> Self {
                Self { client, $($field: None,)* options: crate::runtime::Options::default() }
            }

            /// Overrides the client's timeout for this request.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Overrides the client's retry policy for this request, e.g. to retry a POST that is
            /// safe to repeat ([`RetryPolicy::retry_non_idempotent`](crate::RetryPolicy::retry_non_idempotent)).
            pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }
        }

        impl std::fmt::Debug for $builder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($builder)).field("operation", &Self::OPERATION.id).finish_non_exhaustive()
            }
        }
    };
}
pub(crate) use request_builder;

/// What the spec says about one operation, as a constant in its request builder.
#[derive(Debug)]
pub(crate) struct Operation {
    /// operationId.
    pub(crate) id: &'static str,
    pub(crate) method: Method,
    /// The path template, for logs and traces (never the filled-in path, which may hold ids).
    pub(crate) path: &'static str,
    /// `Accept` for `send()`: the documented non-stream media types.
    pub(crate) accept: &'static str,
    /// Ways to authenticate, any one of which will do (`Security::None`: no credentials).
    pub(crate) security: &'static [Security],
}

/// The errors a request builder refuses a request with, before any I/O.
impl Error {
    pub(crate) fn invalid(operation: &Operation, message: impl Into<String>) -> Self {
        Error::InvalidRequest { operation: operation.id, message: message.into() }
    }

    /// Names every required parameter whose flag is set.
    pub(crate) fn missing_parameters(operation: &Operation, missing: &[(&str, bool)]) -> Self {
        let names: Vec<String> =
            missing.iter().filter(|(_, is_missing)| *is_missing).map(|(n, _)| format!("`{n}`")).collect();
        let noun = if names.len() == 1 { "parameter" } else { "parameters" };
        Error::invalid(operation, format!("missing required {noun} {}", names.join(", ")))
    }
}

/// HTTP methods, as a `Copy` constant-friendly enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Whether sending the request twice has the effect of sending it once (RFC 9110).
    pub(crate) fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
            Method::Options => reqwest::Method::OPTIONS,
            Method::Head => reqwest::Method::HEAD,
            Method::Patch => reqwest::Method::PATCH,
            Method::Trace => reqwest::Method::TRACE,
        }
    }
}

/// A way to authenticate, from the spec's security requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    /// `{}`: no credentials.
    None,
    /// HTTP bearer.
    Bearer,
    /// HTTP basic.
    Basic,
    /// A key in the named header.
    ApiKeyHeader(&'static str),
    /// A Tencent Cloud TC3-HMAC-SHA256 signature of the request, in `Authorization`.
    Tc3,
}

/// Query keys and values: only unreserved characters are sent as they are.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Characters of a path segment sent as they are: RFC 3986 `pchar` (unreserved, the
/// sub-delimiters `!$&'()*+,;=`, `:` and `@`); everything else is percent-encoded. A sub-delimiter
/// and its percent-encoding are not equivalent (RFC 3986 §2.2, §6.2.2.2), and the vendor's SDKs
/// send them raw (`/instances/(default)/databases/(default)/`), so a router matching that text
/// must see it so.
const SEGMENT: &AsciiSet = &QUERY
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Encodes one path segment. Empty, `.` and `..` segments are refused, and so is one with a
/// `.` or `..` between `\`s (`..\admin`): they would change which resource the path names.
pub(crate) fn encode_segment(operation: &Operation, name: &str, value: &dyn Display) -> Result<String, Error> {
    let value = value.to_string();
    check_segment(operation, name, &value)?;
    Ok(utf8_percent_encode(&value, SEGMENT).to_string())
}

/// Encodes a sub-path (`x-path-parameter-may-contain-slashes`): `/` stays, every segment is
/// encoded like [`encode_segment`], and `.`/`..` segments (`\` counting as a separator too) are
/// refused so the value cannot climb out of its prefix.
pub(crate) fn encode_sub_path(operation: &Operation, name: &str, value: &dyn Display) -> Result<String, Error> {
    let value = value.to_string();
    if value.is_empty() {
        return Err(Error::invalid(operation, format!("path parameter `{name}` is empty")));
    }
    let mut out = String::with_capacity(value.len());
    for (index, segment) in value.split('/').enumerate() {
        if let Some(dots) = dot_segment(segment) {
            return Err(Error::invalid(operation, format!("path parameter `{name}` has a `{dots}` segment")));
        }
        if index > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, SEGMENT));
    }
    Ok(out)
}

fn check_segment(operation: &Operation, name: &str, value: &str) -> Result<(), Error> {
    match value {
        "" => Err(Error::invalid(operation, format!("path parameter `{name}` is empty"))),
        "." | ".." => Err(Error::invalid(operation, format!("path parameter `{name}` is `{value}`"))),
        _ => match dot_segment(value) {
            Some(dots) => Err(Error::invalid(operation, format!("path parameter `{name}` has a `{dots}` segment"))),
            None => Ok(()),
        },
    }
}

/// The `.` or `..` among the pieces of `segment` between `\`s, if any. `\` is sent encoded
/// (`%5C`), but WHATWG URL parsing and many servers take a `\` for a `/`: `..\admin` would climb
/// out of its prefix there.
fn dot_segment(segment: &str) -> Option<&str> {
    segment.split('\\').find(|piece| *piece == "." || *piece == "..")
}

/// Client-side checks a spec states for a parameter value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    /// A regular expression the whole value must match (the spec anchors it as it needs).
    pub(crate) pattern: Option<&'static str>,
    pub(crate) min_length: Option<usize>,
    pub(crate) max_length: Option<usize>,
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    /// Values that would make the path another route's, with that route's template: a path
    /// parameter's whole value, or with `sub_path` its first segment.
    pub(crate) shadowed: &'static [(&'static str, &'static str)],
    pub(crate) sub_path: bool,
}

impl Rules {
    pub(crate) const NONE: Rules = Rules {
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: None,
        maximum: None,
        shadowed: &[],
        sub_path: false,
    };
}

/// Checks a parameter value against the spec's rules, before any I/O.
pub(crate) fn check(
    operation: &Operation,
    name: &str,
    value: Option<&impl Display>,
    rules: Rules,
) -> Result<(), Error> {
    let Some(value) = value else { return Ok(()) };
    let text = value.to_string();
    let compared = if rules.sub_path { text.split('/').next().unwrap_or_default() } else { text.as_str() };
    if let Some((_, route)) = rules.shadowed.iter().find(|(value, _)| *value == compared) {
        return Err(Error::invalid(
            operation,
            format!("`{name}` = {compared:?} would send the request to another route, `{route}`"),
        ));
    }
    let length = text.chars().count();
    if let Some(min) = rules.min_length
        && length < min
    {
        return Err(Error::invalid(operation, format!("`{name}` is shorter than {min} characters")));
    }
    if let Some(max) = rules.max_length
        && length > max
    {
        return Err(Error::invalid(operation, format!("`{name}` is longer than {max} characters")));
    }
    if rules.minimum.is_some() || rules.maximum.is_some() {
        let number: f64 = text.parse().map_err(|_| Error::invalid(operation, format!("`{name}` is not a number")))?;
        if rules.minimum.is_some_and(|min| number < min) || rules.maximum.is_some_and(|max| number > max) {
            return Err(Error::invalid(operation, format!("`{name}` = {text} is out of the documented range")));
        }
    }
    if let Some(pattern) = rules.pattern
        && !pattern_matches(pattern, &text)
    {
        return Err(Error::invalid(operation, format!("`{name}` = {text:?} does not match the pattern `{pattern}`")));
    }
    Ok(())
}

/// Compiled patterns, compiled once each. The generator checked that every pattern compiles, so
/// a pattern that does not (never expected) counts as not matching.
fn pattern_matches(pattern: &'static str, text: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Arc, OnceLock, RwLock};
    type Cache = RwLock<HashMap<&'static str, Option<Arc<regex_lite::Regex>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let cached = cache.read().ok().and_then(|c| c.get(pattern).cloned());
    let regex = match cached {
        Some(regex) => regex,
        None => {
            let regex = regex_lite::Regex::new(pattern).ok().map(Arc::new);
            if let Ok(mut c) = cache.write() {
                c.insert(pattern, regex.clone());
            }
            regex
        }
    };
    regex.is_some_and(|r| r.is_match(text))
}

/// A request assembled by generated code, before credentials and the base URL are applied.
pub(crate) struct Request {
    pub(crate) operation: &'static Operation,
    /// The encoded path (`/v1/functions/hello`).
    pub(crate) path: String,
    /// The encoded query, without `?`.
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Payload>,
    /// The caller's choice among the documented media types, replacing `Operation::accept`.
    pub(crate) accept: Option<HeaderValue>,
    pub(crate) options: Options,
}

/// Per-request settings that override the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) timeout: Option<std::time::Duration>,
    pub(crate) retry: Option<crate::RetryPolicy>,
}

impl fmt::Debug for Request {
    // Paths, queries, headers and bodies may carry tokens (`sudo_token`, `x-captcha-token`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.id)
            .field("method", &self.operation.method)
            .field("path", &self.operation.path)
            .finish_non_exhaustive()
    }
}

/// A path parameter's value, in the order its `{name}` stands in the operation's path template.
pub(crate) enum PathValue<'a> {
    /// One segment ([`encode_segment`]).
    Segment(&'a dyn Display),
    /// Several segments, `x-path-parameter-may-contain-slashes` ([`encode_sub_path`]).
    SubPath(&'a dyn Display),
}
// Which forms are used depends on which areas' features are on.
#[allow(unused_imports)]
pub(crate) use PathValue::{Segment, SubPath};

/// The operation's path template with each `{name}` replaced by the next of `values`, encoded.
fn fill_path(operation: &Operation, values: &[PathValue<'_>]) -> Result<String, Error> {
    let mut path = String::with_capacity(operation.path.len() + 16);
    let mut rest = operation.path;
    let mut values = values.iter();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else { break };
        let name = &rest[open + 1..close];
        path.push_str(&rest[..open]);
        match values.next() {
            Some(PathValue::Segment(value)) => path.push_str(&encode_segment(operation, name, *value)?),
            Some(PathValue::SubPath(value)) => path.push_str(&encode_sub_path(operation, name, *value)?),
            None => return Err(Error::invalid(operation, format!("path parameter `{name}` has no value"))),
        }
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

impl Request {
    /// A request of `operation` to its path template filled with the path parameters' `values`,
    /// in template order; a value the path cannot carry (empty, `.`, `..`) is refused.
    pub(crate) fn new(operation: &'static Operation, values: &[PathValue<'_>]) -> Result<Self, Error> {
        Ok(Request {
            operation,
            path: fill_path(operation, values)?,
            query: String::new(),
            headers: HeaderMap::new(),
            body: None,
            accept: None,
            options: Options::default(),
        })
    }

    fn push_pair(&mut self, name: &str, value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.extend(utf8_percent_encode(name, QUERY));
        self.query.push('=');
        self.query.extend(utf8_percent_encode(value, QUERY));
    }

    /// `name=value`, when there is a value.
    pub(crate) fn query(&mut self, name: &str, value: Option<&impl Display>) {
        if let Some(value) = value {
            self.push_pair(name, &value.to_string());
        }
    }

    /// `name=a,b,c` (`style: form, explode: false`).
    pub(crate) fn query_list(&mut self, name: &str, values: Option<&[impl Display]>) {
        if let Some(values) = values {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.push_pair(name, &joined.join(","));
        }
    }

    /// `name=a&name=b` (`style: form, explode: true` arrays).
    pub(crate) fn query_exploded_list(&mut self, name: &str, values: Option<&[impl Display]>) {
        for value in values.into_iter().flatten() {
            self.push_pair(name, &value.to_string());
        }
    }

    /// `key1=v1&key2=v2` (`style: form, explode: true` objects): each entry is its own pair.
    pub(crate) fn query_exploded_map<'a, V: Display + 'a>(
        &mut self,
        entries: Option<impl IntoIterator<Item = (&'a String, &'a V)>>,
    ) {
        for (key, value) in entries.into_iter().flatten() {
            self.push_pair(key, &value.to_string());
        }
    }

    /// A header, when there is a value; CR, LF and other control characters are refused.
    pub(crate) fn header(&mut self, name: &'static str, value: Option<&impl Display>) -> Result<(), Error> {
        if let Some(value) = value {
            self.set_header(name, value.to_string())?;
        }
        Ok(())
    }

    /// A comma-joined header (`style: simple` arrays).
    pub(crate) fn header_list(&mut self, name: &'static str, values: Option<&[impl Display]>) -> Result<(), Error> {
        if let Some(values) = values {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.set_header(name, joined.join(","))?;
        }
        Ok(())
    }

    fn set_header(&mut self, name: &'static str, value: String) -> Result<(), Error> {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::invalid(self.operation, format!("`{name}` is not a valid header name")))?;
        let value = HeaderValue::from_str(&value).map_err(|_| {
            Error::invalid(
                self.operation,
                format!("header `{name}` has a character not allowed in headers (CR, LF or another control character)"),
            )
        })?;
        self.headers.insert(header, value);
        Ok(())
    }

    /// Asks for the media type the caller chose with `accept()`, if one of the `documented`.
    pub(crate) fn accept(&mut self, media_type: Option<&str>, documented: &[&str]) -> Result<(), Error> {
        let Some(media_type) = media_type else { return Ok(()) };
        let wanted = essence(media_type);
        if !documented.contains(&wanted.as_str()) {
            return Err(Error::invalid(
                self.operation,
                format!("`{media_type}` is not a documented reply type (documented: {})", documented.join(", ")),
            ));
        }
        let value = HeaderValue::from_str(media_type)
            .map_err(|_| Error::invalid(self.operation, "the Accept value has characters not allowed in headers"))?;
        self.accept = Some(value);
        Ok(())
    }

    pub(crate) fn options(&mut self, options: Options) {
        self.options = options;
    }

    pub(crate) fn json_body(&mut self, media_type: &'static str, body: impl Serialize) -> Result<(), Error> {
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| Error::invalid(self.operation, format!("the body cannot be serialized as JSON: {e}")))?;
        self.body = Some(Payload::Bytes(HeaderValue::from_static(media_type), Bytes::from(bytes)));
        Ok(())
    }

    /// A free-form JSON body; with `object` (the spec says `type: object`), anything but a JSON
    /// object is refused.
    pub(crate) fn free_form_body(
        &mut self,
        media_type: &'static str,
        body: JsonBody,
        object: bool,
    ) -> Result<(), Error> {
        let value = body
            .0
            .map_err(|e| Error::invalid(self.operation, format!("the body cannot be serialized as JSON: {e}")))?;
        if object && !value.is_object() {
            return Err(Error::invalid(
                self.operation,
                format!("the body must be a JSON object (the spec says `type: object`), not {}", json_kind(&value)),
            ));
        }
        self.json_body(media_type, value)
    }

    pub(crate) fn text_body(&mut self, media_type: &'static str, body: impl Into<String>) -> Result<(), Error> {
        self.body = Some(Payload::Bytes(HeaderValue::from_static(media_type), Bytes::from(body.into())));
        Ok(())
    }

    /// A binary body, streamed, sent as `media_type`; `chosen` is the caller's `Content-Type`
    /// where the spec allows any (`x-any-content-type`), checked to be a media type.
    pub(crate) fn stream_body(
        &mut self,
        media_type: &'static str,
        chosen: Option<&str>,
        body: ByteStream,
    ) -> Result<(), Error> {
        let content_type = match chosen {
            None => HeaderValue::from_static(media_type),
            Some(chosen) => {
                let essence = essence(chosen);
                let valid = essence.split_once('/').is_some_and(|(kind, sub)| {
                    let token = |t: &str| {
                        !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
                    };
                    // A concrete type: `*/*` and `image/*` name ranges, not what a body is.
                    token(kind) && token(sub) && kind != "*" && sub != "*"
                });
                if !valid || essence.starts_with("multipart/") {
                    return Err(Error::invalid(
                        self.operation,
                        format!(
                            "`{chosen}` is not a media type a raw body can be sent as (`type/subtype`, not multipart)"
                        ),
                    ));
                }
                HeaderValue::from_str(chosen).map_err(|_| {
                    Error::invalid(self.operation, "the content type has characters not allowed in headers")
                })?
            }
        };
        self.body = Some(Payload::Stream(content_type, Box::new(body.for_operation(self.operation.id))));
        Ok(())
    }

    /// A `multipart/form-data` body.
    pub(crate) fn multipart_body(&mut self, form: Multipart) -> Result<(), Error> {
        self.body = Some(Payload::Multipart(form.for_operation(self.operation.id)));
        Ok(())
    }

    /// Whether the request can be sent again: its body, if any, is not a one-time stream.
    pub(crate) fn is_replayable(&self) -> bool {
        self.body.as_ref().is_none_or(Payload::is_replayable)
    }
}

/// A request body as it is sent.
pub(crate) enum Payload {
    /// Held in memory, with its `Content-Type` (JSON, text).
    Bytes(HeaderValue, Bytes),
    /// Streamed, with its `Content-Type` (boxed: a stream's state is larger than the other
    /// bodies', and every request's future holds its body).
    Stream(HeaderValue, Box<ByteStream>),
    /// A form of text fields and streamed files.
    Multipart(Multipart),
}

impl Payload {
    fn is_replayable(&self) -> bool {
        match self {
            Payload::Bytes(..) => true,
            Payload::Stream(_, stream) => stream.is_replayable(),
            Payload::Multipart(form) => form.files().all(ByteStream::is_replayable),
        }
    }

    /// Whether every one-time stream of the body is still there to be sent.
    pub(crate) fn is_available(&self) -> bool {
        match self {
            Payload::Bytes(..) => true,
            Payload::Stream(_, stream) => stream.is_available(),
            Payload::Multipart(form) => form.files().all(ByteStream::is_available),
        }
    }

    /// The headers the body decides, put in one attempt's `headers`: its `Content-Type`, and a
    /// stream's `Content-Length` when known (a form's are reqwest's, with its boundary).
    pub(crate) fn headers(&self, headers: &mut HeaderMap) {
        match self {
            Payload::Bytes(content_type, _) => {
                headers.insert(CONTENT_TYPE, content_type.clone());
            }
            Payload::Stream(content_type, stream) => {
                headers.insert(CONTENT_TYPE, content_type.clone());
                if let Some(length) = stream.len() {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
                }
            }
            // Its type, with the boundary, is set when the form is attached; a configured one
            // would be a second.
            Payload::Multipart(_) => {
                headers.remove(CONTENT_TYPE);
            }
        }
    }

    /// Puts the body on one attempt's request. A streamed body comes with the slot where a
    /// chunk that fails to be read leaves its error.
    pub(crate) fn attach(&self, builder: reqwest::RequestBuilder) -> (reqwest::RequestBuilder, Option<Failure>) {
        match self {
            Payload::Bytes(_, bytes) => (builder.body(bytes.clone()), None),
            Payload::Stream(_, stream) => {
                let failure = Failure::default();
                (builder.body(stream.to_reqwest(&failure)), Some(failure))
            }
            Payload::Multipart(form) => {
                let failure = Failure::default();
                (builder.multipart(form.to_reqwest(&failure)), Some(failure))
            }
        }
    }
}

/// Where a streamed body's first read error is left, to report instead of the transport error
/// it causes.
pub(crate) type Failure = std::sync::Arc<std::sync::Mutex<Option<Error>>>;

/// A `multipart/form-data` body: its parts in the spec's property order (servers that read the
/// fields before the file need them first).
pub(crate) struct Multipart {
    parts: Vec<(&'static str, Part)>,
}

enum Part {
    Text(String),
    File { stream: ByteStream, content_type: &'static str },
}

impl Multipart {
    pub(crate) fn new() -> Self {
        Multipart { parts: Vec::new() }
    }

    /// A text field, when there is a value.
    pub(crate) fn text(mut self, name: &'static str, value: Option<&impl Display>) -> Self {
        if let Some(value) = value {
            self.parts.push((name, Part::Text(value.to_string())));
        }
        self
    }

    /// A file part, sent as `content_type`, when there is one.
    pub(crate) fn file(mut self, name: &'static str, stream: Option<ByteStream>, content_type: &'static str) -> Self {
        if let Some(stream) = stream {
            self.parts.push((name, Part::File { stream, content_type }));
        }
        self
    }

    fn files(&self) -> impl Iterator<Item = &ByteStream> {
        self.parts.iter().filter_map(|(_, part)| match part {
            Part::File { stream, .. } => Some(stream),
            Part::Text(_) => None,
        })
    }

    fn for_operation(mut self, operation: &'static str) -> Self {
        for (_, part) in &mut self.parts {
            if let Part::File { stream, .. } = part {
                *stream = std::mem::take(stream).for_operation(operation);
            }
        }
        self
    }

    fn to_reqwest(&self, failure: &Failure) -> reqwest::multipart::Form {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                Part::Text(value) => form.text(*name, value.clone()),
                Part::File { stream, content_type } => {
                    let body = stream.to_reqwest(failure);
                    let part = match stream.len() {
                        Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
                        None => reqwest::multipart::Part::stream(body),
                    };
                    // A file part needs a file name for servers to take it as a file; `blob` is
                    // the one browsers' `FormData` gives a file appended without a name.
                    let mut headers = HeaderMap::new();
                    // The generator checked the spec's media type; one that is not a header value
                    // leaves the part without a type rather than fail.
                    if let Ok(value) = HeaderValue::from_str(content_type) {
                        headers.insert(CONTENT_TYPE, value);
                    }
                    form.part(*name, part.file_name("blob").headers(headers))
                }
            };
        }
        form
    }
}

/// A fully read reply, decoded by generated code according to its status and media type.
pub(crate) struct RawResponse {
    pub(crate) head: Head,
    /// `Content-Type` without parameters, lowercased (empty when absent).
    pub(crate) media_type: String,
    pub(crate) body: Bytes,
    /// A binary body left to stream (by [`Client::execute_binary`](crate::Client)); `body` is
    /// then empty.
    stream: Option<ByteStream>,
    /// Worth another attempt ([`transient`]), decided once when the reply is read: the retry loop
    /// and the `ApiError` it may become both read this.
    transient: bool,
}

/// Whether a reply is worth another attempt: a transient status, or an error status whose body's
/// code CloudBase documents as transient ([`crate::error::is_transient`]). A success, or a status
/// transient by itself, is decided without reading the body.
fn transient(status: u16, body: &[u8]) -> bool {
    if status < 400 {
        return false;
    }
    if crate::error::is_transient(status, None) {
        return true;
    }
    // The code is read as `Error::code()` reads it from a body of no particular type.
    let body = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body).ok();
    crate::error::is_transient(status, body.as_ref().and_then(ErrorBody::code))
}

impl RawResponse {
    pub(crate) fn new(operation: &'static Operation, status: u16, headers: HeaderMap, body: Bytes) -> Self {
        let media_type = media_type_of(&headers);
        let transient = transient(status, &body);
        RawResponse { head: Head::new(operation.id, status, headers), media_type, body, stream: None, transient }
    }

    /// A success whose binary body streams.
    pub(crate) fn streamed(operation: &'static Operation, status: u16, headers: HeaderMap, body: ByteStream) -> Self {
        let media_type = media_type_of(&headers);
        let head = Head::new(operation.id, status, headers);
        RawResponse { head, media_type, body: Bytes::new(), stream: Some(body), transient: false }
    }

    /// The header `name`, parsed as its documented type: `None` when absent, a decode error
    /// naming it when it is not text or does not parse.
    pub(crate) fn header<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Error> {
        let Some(value) = self.head.headers.get(name) else { return Ok(None) };
        let parsed = value.to_str().ok().and_then(|text| text.trim().parse().ok());
        match parsed {
            Some(value) => Ok(Some(value)),
            None => Err(self.decode_error(format!(
                "header `{name}` is not a {} as documented",
                std::any::type_name::<T>().rsplit("::").next().unwrap_or("value")
            ))),
        }
    }

    /// The binary body: the stream left unread, or the body read whole (a reply not streamed).
    pub(crate) fn stream(&self) -> ByteStream {
        match &self.stream {
            Some(stream) => stream.clone(),
            None => ByteStream::from(self.body.clone()),
        }
    }

    pub(crate) fn status(&self) -> u16 {
        self.head.status
    }

    pub(crate) fn media_type(&self) -> &str {
        &self.media_type
    }

    /// A reply to a request that chose an object form (`accept()` of a `...object+json` type,
    /// PostgREST's `application/vnd.pgrst.object+json`), labelled with another JSON type and
    /// holding a JSON object, is read as the chosen type: servers answer the object form as
    /// `application/json` too, and postgrest-js (the vendor SDKs' client) parses the body
    /// whatever its label. An array stays what its label says (several rows, not one).
    pub(crate) fn read_as_chosen(mut self, chosen: Option<&HeaderValue>) -> Self {
        let Some(chosen) = chosen.and_then(|value| value.to_str().ok()) else { return self };
        let chosen = chosen.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let json = self.media_type == "application/json" || self.media_type.ends_with("+json");
        let object = self.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if chosen.ends_with("object+json") && chosen != self.media_type && json && object {
            self.media_type = chosen;
        }
        self
    }

    fn decode_error(&self, reason: impl Into<String>) -> Error {
        DecodeError::error(self.head.clone(), reason, &self.body)
    }

    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.body.is_empty() {
            return Err(self.decode_error("empty body where JSON is documented"));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| self.decode_error(format!("invalid JSON for the documented type: {e}")))
    }

    pub(crate) fn text(&self) -> Result<String, Error> {
        String::from_utf8(self.body.to_vec()).map_err(|_| self.decode_error("text body is not UTF-8"))
    }

    pub(crate) fn bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// A reply without a body (what a success documented `x-body-optional` may be).
    pub(crate) fn body_is_empty(&self) -> bool {
        self.body.is_empty()
    }

    pub(crate) fn unexpected_media_type(&self) -> Error {
        let media = if self.media_type.is_empty() { "none" } else { &self.media_type };
        self.decode_error(format!("Content-Type `{media}` is not documented for status {}", self.head.status))
    }

    /// Whether the reply is worth another attempt ([`transient`]), after how long if it says.
    pub(crate) fn verdict(&self) -> crate::retry::Verdict {
        use crate::retry::Verdict;
        if self.transient { Verdict::Retry(self.retry_after()) } else { Verdict::Done }
    }

    /// The wait `Retry-After` asks for, if the reply has one.
    pub(crate) fn retry_after(&self) -> Option<std::time::Duration> {
        let value = self.head.headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
        crate::retry::retry_after(value, std::time::SystemTime::now())
    }

    /// A reply documented as any media type at `statuses` decoded as a [`Body`], by its
    /// `Content-Type`; any other status is an error, as `error` decodes it.
    pub(crate) fn into_body(
        self,
        statuses: std::ops::RangeInclusive<u16>,
        error: fn(RawResponse) -> Error,
    ) -> Result<Response<Body>, Error> {
        if !statuses.contains(&self.head.status) {
            return Err(error(self));
        }
        let body = match self.media_type() {
            _ if self.body_is_empty() => Body::Empty,
            "application/json" => Body::Json(self.json()?),
            media if media.starts_with("text/") => Body::Text(self.text()?),
            _ => Body::Bytes(self.bytes()),
        };
        Ok(self.into_response(body))
    }

    pub(crate) fn into_response<T>(self, value: T) -> Response<T> {
        Response { head: self.head, value }
    }

    /// An error reply decoded as the body type the spec documents for its status.
    pub(crate) fn api_error<B: ErrorBody + DeserializeOwned>(self) -> Error {
        if (200..300).contains(&self.head.status) {
            return self.undocumented_error();
        }
        match serde_json::from_slice::<B>(&self.body) {
            Ok(body) if body.code().is_some() || body.message().is_some() => {
                self.into_api_error(Some(Box::new(body)), None)
            }
            // The documented shape with nothing in it (its fields are optional): keep the body.
            Ok(body) => {
                let kept = snippet(&self.body);
                self.into_api_error(Some(Box::new(body)), Some(kept))
            }
            Err(_) => {
                let kept = snippet(&self.body);
                // Not the documented shape: keep what can be read of it.
                let fallback = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&self.body).ok();
                self.into_api_error(fallback.map(|b| Box::new(b) as Box<dyn ErrorBody>), Some(kept))
            }
        }
    }

    /// A status the spec does not document.
    pub(crate) fn undocumented_error(self) -> Error {
        if (200..300).contains(&self.head.status) {
            return self.decode_error(format!("status {} is not documented for this operation", self.head.status));
        }
        let kept = snippet(&self.body);
        let body = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&self.body).ok();
        self.into_api_error(body.map(|b| Box::new(b) as Box<dyn ErrorBody>), (!kept.is_empty()).then_some(kept))
    }

    fn into_api_error(self, body: Option<Box<dyn ErrorBody>>, snippet: Option<String>) -> Error {
        let transient = self.transient;
        Error::Api(Box::new(ApiError { transient, head: self.head, body, snippet }))
    }
}

/// The `Content-Type` without parameters, lowercased; empty when absent.
pub(crate) fn media_type_of(headers: &HeaderMap) -> String {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(essence).unwrap_or_default()
}

/// A media type without its parameters, lowercased: `Application/JSON; charset=utf-8` is
/// `application/json`.
fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// A free-form JSON body, serialized when the builder's setter is called (so any `Serialize`
/// value will do and the builder stays `Clone`); a value that cannot be serialized is reported
/// by `send()`, before any I/O.
#[derive(Clone)]
pub(crate) struct JsonBody(Result<serde_json::Value, String>);

impl JsonBody {
    pub(crate) fn new(value: &impl Serialize) -> Self {
        JsonBody(serde_json::to_value(value).map_err(|e| e.to_string()))
    }
}

/// What kind of JSON value `value` is, for messages that must not show the value itself.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Decodes a three-state property that is present: `null` is `Some(None)`, a value
/// `Some(Some(value))` (an absent one is `None`, by `#[serde(default)]`).
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

// Generated types print their URL fields through it; which do depends on the areas' features.
#[allow(unused_imports)]
pub(crate) use redact::Urls;

/// Stands in for a secret in generated `Debug` output: prints `<redacted>`.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ANY: Operation =
        Operation { id: "anyReply", method: Method::Post, path: "/any", accept: "*/*", security: &[] };

    fn reply(status: u16, content_type: Option<&str>, body: &'static [u8]) -> Result<Response<Body>, Error> {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert("content-type", HeaderValue::from_str(content_type).unwrap());
        }
        RawResponse::new(&ANY, status, headers, Bytes::from_static(body))
            .into_body(200..=299, |raw| raw.undocumented_error())
    }

    #[test]
    fn the_path_template_is_filled_in_order_with_each_value_encoded() {
        static OP: Operation = Operation {
            id: "cloudrunGet",
            method: Method::Get,
            path: "/v1/cloudrun/{name}/{path}/x",
            accept: "*/*",
            security: &[],
        };
        let path = |values: &[PathValue<'_>]| Request::new(&OP, values).map(|r| r.path);
        assert_eq!(
            path(&[Segment(&"a b/c"), SubPath(&"orders/4 2")]).unwrap(),
            "/v1/cloudrun/a%20b%2Fc/orders/4%202/x"
        );
        let refused = |values: &[PathValue<'_>]| match path(values) {
            Err(Error::InvalidRequest { message, .. }) => message,
            other => panic!("expected a refusal, got {other:?}"),
        };
        // RFC 3986 `pchar` is sent as it is (sub-delimiters, `:` and `@`); other bytes encoded, the
        // query's rule apart.
        assert_eq!(
            path(&[Segment(&"(default)"), SubPath(&"!$&'()*+,;=:@/%?#[]\"{}<>^`|ü")]).unwrap(),
            "/v1/cloudrun/(default)/!$&'()*+,;=:@/%25%3F%23%5B%5D%22%7B%7D%3C%3E%5E%60%7C%C3%BC/x"
        );
        assert!(refused(&[Segment(&".."), SubPath(&"a")]).contains("`name`"));
        assert!(refused(&[Segment(&"shop"), SubPath(&"a/../b")]).contains("`path`"));
        // `\\` is a separator to WHATWG URL parsing and to many servers: dot segments around it
        // climb out as well.
        for climbing in ["..\\admin", "a\\..\\..\\b", "a/.\\b", "a\\.", "..\\"] {
            assert!(refused(&[Segment(&"shop"), SubPath(&climbing)]).contains("`path`"), "{climbing}");
        }
        for climbing in ["..\\admin", "a\\..", ".\\x"] {
            assert!(refused(&[Segment(&climbing), SubPath(&"a")]).contains("`name`"), "{climbing}");
        }
        assert_eq!(path(&[Segment(&"a\\b"), SubPath(&"c\\..d")]).unwrap(), "/v1/cloudrun/a%5Cb/c%5C..d/x");
        assert!(refused(&[Segment(&"shop")]).contains("`path` has no value"));
        static LITERAL: Operation =
            Operation { id: "signIn", method: Method::Post, path: "/auth/v1/signin", accept: "*/*", security: &[] };
        assert_eq!(Request::new(&LITERAL, &[]).unwrap().path, "/auth/v1/signin");
    }

    #[test]
    fn a_body_of_any_media_type_is_told_apart_by_its_content_type() {
        let body = |status, content_type, bytes| reply(status, content_type, bytes).map(Response::into_inner).unwrap();
        assert_eq!(body(204, None, b""), Body::Empty);
        // An empty body is `Empty` whatever its `Content-Type` claims.
        assert_eq!(body(200, Some("application/json"), b""), Body::Empty);
        assert_eq!(body(200, Some("Application/JSON; charset=utf-8"), b"[1]"), Body::Json(serde_json::json!([1])));
        assert_eq!(body(201, Some("text/html"), b"<p>hi</p>"), Body::Text("<p>hi</p>".into()));
        assert_eq!(body(200, Some("image/png"), b"\x89PNG"), Body::Bytes(Bytes::from_static(b"\x89PNG")));
        assert_eq!(body(200, None, b"raw"), Body::Bytes(Bytes::from_static(b"raw")));
    }

    #[test]
    fn a_body_that_breaks_its_content_type_or_a_status_outside_the_range_is_an_error() {
        let status_of = |result: Result<Response<Body>, Error>| match result {
            Err(Error::Decode(e)) => ("decode", e.status()),
            Err(Error::Api(e)) => ("api", e.status()),
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(status_of(reply(200, Some("application/json"), b"{not json")), ("decode", 200));
        assert_eq!(status_of(reply(200, Some("text/plain"), b"\xff\xfe")), ("decode", 200));
        assert_eq!(status_of(reply(404, Some("application/json"), b"{\"code\":\"NOT_FOUND\"}")), ("api", 404));
        assert_eq!(status_of(reply(302, None, b"")), ("api", 302));
    }
}
