//! The one error type of the crate.

use crate::response::{Head, head_accessors};
use std::any::Any;
use std::fmt;

/// `"{operation}: "`, or nothing when there is no operation yet.
fn operation_prefix(operation: &str) -> String {
    if operation.is_empty() { String::new() } else { format!("{operation}: ") }
}

/// `text` with each control character (C0, DEL, C1) escaped as Rust writes it (`\r`, `\n`,
/// `\t`, `\u{85}`), everything else as it is: what error texts echo of a given value, so that
/// none carries a raw line break or terminal escape.
pub(crate) fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// The first control character (C0, DEL, C1) of `value`, escaped (`\r`, `\u{85}`), with its
/// byte offset.
pub(crate) fn first_control(value: &str) -> Option<(String, usize)> {
    value.char_indices().find(|(_, c)| c.is_control()).map(|(at, c)| (c.escape_debug().to_string(), at))
}

/// What a stalled stream received, its rate and the floor.
fn stall_text(received: u64, window: std::time::Duration, minimum: u64) -> String {
    let seconds = window.as_secs_f64();
    let rate = if seconds > 0.0 { received as f64 / seconds } else { 0.0 };
    format!(
        "{received} bytes in the last {seconds:.1} s of waiting for the server ({rate:.1} bytes/s), \
         below the minimum of {minimum} bytes/s"
    )
}

/// Bodies larger than this are cut when kept for diagnostics.
pub(crate) const SNIPPET_LIMIT: usize = 1024;

/// Anything that can go wrong calling a CloudBase API.
///
/// Match on the variant when the kind matters, or use the accessors, which work on every variant:
/// [`status`](Self::status), [`code`](Self::code), [`message`](Self::message),
/// [`request_id`](Self::request_id), [`is_retryable`](Self::is_retryable).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before any I/O: a required parameter is missing, or a value
    /// cannot be sent as the spec says (a header with a line break, a `..` path segment, ...).
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// operationId of the request.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request could not be sent or the reply not read (connection refused or reset, TLS, ...).
    #[error("{operation}: transport error with {origin}: {}", with_cause(source))]
    Transport {
        /// operationId of the request.
        operation: &'static str,
        /// The server it was talking to: scheme, host and port (`https://my-env.api.tcloudbasegateway.com`),
        /// never a path or query.
        origin: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The server redirected the request to another origin (another scheme, host or port), which
    /// the client does not follow: the request's body, credentials and headers are meant for the
    /// host it was sent to. Redirects within the same origin are followed.
    #[error("{operation}: HTTP {status} redirect to another origin ({target}), not followed")]
    Redirect {
        /// operationId of the request.
        operation: &'static str,
        /// The redirect status (301, 302, 303, 307, 308).
        status: u16,
        /// The origin the server pointed to, `scheme://host[:port]` (RFC 6454 serialization):
        /// never the path or query, which may carry tokens.
        target: String,
    },
    /// The request took longer than allowed: an attempt's
    /// [`timeout`](crate::ClientBuilder::timeout), the wait for a streamed reply's next event or
    /// chunk ([`stream_idle_timeout`](crate::ClientBuilder::stream_idle_timeout)), or a streamed
    /// reply's [`transfer_timeout`](crate::ClientBuilder::transfer_timeout).
    #[error("{operation}: timed out")]
    Timeout {
        /// operationId of the request.
        operation: &'static str,
    },
    /// A streamed reply (a download, an event stream) arrived more slowly than the floor of
    /// [`stalled_stream_protection`](crate::ClientBuilder::stalled_stream_protection): over the
    /// last `window` of waiting for the server it received `received` bytes, under `minimum`
    /// bytes a second. The stream ends here; the client does not send its request again (part
    /// of the body was read already), while [`is_retryable`](Self::is_retryable) says a new
    /// request may succeed, as for a timeout. [`is_timeout`](Self::is_timeout) is true.
    #[error("{operation}: stalled stream: {}", stall_text(*received, *window, *minimum))]
    Stalled {
        /// operationId of the request.
        operation: &'static str,
        /// Bytes received over the window.
        received: u64,
        /// The waiting time measured (the grace period).
        window: std::time::Duration,
        /// The floor, in bytes per second.
        minimum: u64,
    },
    /// The reply did not match what the spec documents, lacks what a helper reads from it, or
    /// gives a URL a helper will not hand back or follow (a control character in it, userinfo,
    /// a signed path that leads out of its prefix: see
    /// [`DecodeError::reason`]).
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// An event stream ended early: the connection was closed or cut before the stream's
    /// terminator event (`[DONE]`), or in the middle of an event. The events before it arrived
    /// whole and were yielded; the client does not send the request again (the model may have
    /// done part of its work), while [`is_retryable`](Self::is_retryable) says a new request may
    /// succeed. See [`StreamCut`].
    #[error(transparent)]
    StreamCut(Box<StreamCut>),
    /// A binary body could not be read or written on this side: the file or reader of an upload
    /// ([`ByteStream`](crate::ByteStream)), or the file or writer a download was written to.
    #[error("{}I/O error: {source}", operation_prefix(operation))]
    Io {
        /// operationId of the request; empty for a stream not yet sent (e.g. from
        /// [`ByteStream::from_path`](crate::ByteStream::from_path)).
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) refused the configuration: an env id
    /// that is not a DNS label, a base URL that does not parse, a header that cannot be sent, ...
    /// No request was made.
    #[error("client configuration: {message}")]
    Config {
        /// What is wrong (never the value of a secret).
        message: String,
    },
    /// A token refresh ([`RefreshingToken`](crate::RefreshingToken), a session, a secret key's
    /// exchange) failed: every request that waited for that refresh, and every request that needs
    /// a token within the cool-down after it
    /// ([`RefreshingToken::failure_cooldown`](crate::RefreshingToken::failure_cooldown)), gets
    /// this same error, and no request is sent. The accessors ([`status`](Self::status),
    /// [`code`](Self::code), ...) read the refresh's own error; it is never retried within the
    /// request (the refresh's own request already was, as its retry policy says).
    #[error("token refresh failed: {source}")]
    TokenRefresh {
        /// The refresh's error, shared by every request that got it.
        #[source]
        source: std::sync::Arc<Error>,
    },
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.head.status),
            Error::Decode(e) => Some(e.head.status),
            Error::StreamCut(e) => Some(e.head.status),
            Error::Redirect { status, .. } => Some(*status),
            Error::TokenRefresh { source } => source.status(),
            _ => None,
        }
    }

    /// The CloudBase error code (`INVALID_PARAM`, `invalid_argument`, ...), whichever error body
    /// shape carried it.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.code(),
            Error::TokenRefresh { source } => source.code(),
            _ => None,
        }
    }

    /// The server's error message.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.message(),
            Error::TokenRefresh { source } => source.message(),
            _ => None,
        }
    }

    /// The request id from the error body, or else the `X-Request-Id` (or `X-Cloudbase-Request-Id`) header.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Decode(e) => e.head.request_id(),
            Error::StreamCut(e) => e.head.request_id(),
            Error::TokenRefresh { source } => source.request_id(),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed: transport errors (but not a request
    /// the HTTP stack could not build, or a redirect loop, which fail the same way each time),
    /// timeouts (a stalled stream among them), and the statuses and codes CloudBase documents as transient.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => !source.is_builder() && !source.is_redirect(),
            Error::Timeout { .. } | Error::Stalled { .. } | Error::StreamCut(_) => true,
            Error::Api(e) => e.transient,
            Error::InvalidRequest { .. }
            | Error::Decode(_)
            | Error::Redirect { .. }
            | Error::Io { .. }
            | Error::Config { .. }
            | Error::TokenRefresh { .. } => false,
        }
    }

    /// Whether the request or its streamed reply ran out of time: [`Error::Timeout`], or a
    /// stream below its throughput floor ([`Error::Stalled`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::Stalled { .. })
    }

    /// The operationId of the request that failed (`ClientBuilder::build` for [`Error::Config`],
    /// empty for an [`Error::Io`] of a stream not yet sent).
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Config { .. } => "ClientBuilder::build",
            Error::InvalidRequest { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Redirect { operation, .. }
            | Error::Timeout { operation }
            | Error::Stalled { operation, .. }
            | Error::Io { operation, .. } => operation,
            Error::Api(e) => e.head.operation,
            Error::Decode(e) => e.head.operation,
            Error::StreamCut(e) => e.head.operation,
            Error::TokenRefresh { source } => source.operation(),
        }
    }
}

/// The one rule for an error reply worth another attempt (the retry loop and
/// [`Error::is_retryable`] both ask it): a transient status, or an error status whose body's
/// code CloudBase documents as transient.
pub(crate) fn is_transient(status: u16, code: Option<&str>) -> bool {
    matches!(status, 429 | 502 | 503 | 504) || (status >= 400 && code.is_some_and(|c| TRANSIENT_CODES.contains(&c)))
}

/// Error codes CloudBase documents as transient.
const TRANSIENT_CODES: &[&str] = &[
    "EXCEED_CONCURRENT_REQUEST_LIMIT",
    "DATABASE_TRANSACTION_CONFLICT",
    "OPERATION_FAILED",
    "RESOURCE_UNAVAILABLE",
    "DATABASE_TIMEOUT",
    "SERVICE_TIMEOUT",
    "SERVICE_NOT_READY",
];

/// An error's text and, when there is one, its innermost cause (`error sending request (tcp
/// connect error: Connection refused)`), which says more than the outer text alone.
fn with_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    if std::ptr::addr_eq(innermost, error) { error.to_string() } else { format!("{error} ({innermost})") }
}

/// An error status from the server, with the error body the spec documents for it.
pub struct ApiError {
    pub(crate) head: Head,
    pub(crate) body: Option<Box<dyn ErrorBody>>,
    /// The body as received (at most 1 KiB), when it did not decode as documented or carried
    /// neither a code nor a message.
    pub(crate) snippet: Option<String>,
    /// Whether the retry loop took this reply as worth another attempt ([`is_transient`], asked
    /// once, of the reply as received), which [`Error::is_retryable`] reports.
    pub(crate) transient: bool,
}

impl ApiError {
    head_accessors!(no request_id);

    /// The CloudBase error code from the body.
    pub fn code(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.code())
    }

    /// The error message from the body.
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.message())
    }

    /// The request id from the body, or else the `X-Request-Id` (or `X-Cloudbase-Request-Id`) header.
    pub fn request_id(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.request_id()).or_else(|| self.head.request_id())
    }

    /// The error body decoded as the spec documents it for this status, e.g.
    /// `error.body::<cloudbase_api::auth::ErrorResponse>()`. `None` if the body is of another type or
    /// did not decode.
    pub fn body<T: ErrorBody>(&self) -> Option<&T> {
        let body: &dyn Any = self.body.as_deref()?;
        body.downcast_ref::<T>()
    }

    /// The start of the body (at most 1 KiB, cut at a character boundary) when it did not decode
    /// as documented (an HTML page from a gateway, a proxy's own error document), or decoded
    /// with neither a code nor a message. `Display` shows its start then.
    pub fn body_snippet(&self) -> Option<&str> {
        self.snippet.as_deref()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.head.operation)
            .field("status", &self.head.status)
            .field("code", &self.code())
            .field("message", &self.message())
            .field("request_id", &self.request_id())
            .field("body", &self.body)
            .field("snippet", &self.snippet)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.head.operation, self.head.status)?;
        if let Some(code) = self.code() {
            write!(f, " {code}")?;
        }
        if let Some(message) = self.message() {
            write!(f, ": {message}")?;
        }
        if self.code().is_none()
            && self.message().is_none()
            && let Some(snippet) = self.snippet.as_deref().map(one_line).filter(|s| !s.is_empty())
        {
            write!(f, ": {snippet}")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Longest part of a body snippet that `Display` shows, in characters.
const SHOWN_SNIPPET_CHARS: usize = 200;

/// The start of a snippet on one line: runs of whitespace as one space, cut with `…`.
fn one_line(snippet: &str) -> String {
    let mut words = snippet.split_whitespace();
    let mut line = words.next().unwrap_or_default().to_owned();
    for word in words {
        line.push(' ');
        line.push_str(word);
        if line.chars().count() > SHOWN_SNIPPET_CHARS {
            break;
        }
    }
    if line.chars().count() > SHOWN_SNIPPET_CHARS {
        line = line.chars().take(SHOWN_SNIPPET_CHARS).collect();
        line.push('…');
    }
    line
}

/// An error body type from a spec. The generator implements it for each documented error body,
/// mapping whichever fields carry the code, message and request id.
pub trait ErrorBody: Any + fmt::Debug + Send + Sync {
    /// The error code.
    fn code(&self) -> Option<&str> {
        None
    }

    /// The error message.
    fn message(&self) -> Option<&str> {
        None
    }

    /// The request id.
    fn request_id(&self) -> Option<&str> {
        None
    }
}

/// Free-form error bodies: the keys of the three error shapes the CloudBase specs use, and the
/// `detail`/`title` of RFC 9457 problem details (what proxies and mock servers answer).
impl ErrorBody for serde_json::Map<String, serde_json::Value> {
    fn code(&self) -> Option<&str> {
        ["code", "error"].iter().find_map(|k| self.get(*k).and_then(|v| v.as_str()))
    }

    fn message(&self) -> Option<&str> {
        ["message", "error_description", "detail", "title"].iter().find_map(|k| self.get(*k).and_then(|v| v.as_str()))
    }

    fn request_id(&self) -> Option<&str> {
        ["requestId", "request_id"].iter().find_map(|k| self.get(*k).and_then(|v| v.as_str()))
    }
}

impl ErrorBody for serde_json::Value {
    fn code(&self) -> Option<&str> {
        self.as_object().and_then(ErrorBody::code)
    }

    fn message(&self) -> Option<&str> {
        self.as_object().and_then(ErrorBody::message)
    }

    fn request_id(&self) -> Option<&str> {
        self.as_object().and_then(ErrorBody::request_id)
    }
}

/// The CloudBase gateway's common error body, `{code, message, requestId}`
/// (<https://docs.cloudbase.net/error-code/service>), which most areas document for their errors.
///
/// One type for every area: the generator maps each spec's schema of exactly this shape to it
/// (`functions::ErrorResponse`, `mysqldb::ErrorResponse`, ... are this type), so
/// `error.body::<GatewayError>()` reads the body whatever the area.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct GatewayError {
    /// The error code, e.g. `INVALID_PARAM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The request id.
    #[serde(rename = "requestId", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ErrorBody for GatewayError {
    fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

/// A text error body: its text is the message.
impl ErrorBody for String {
    fn message(&self) -> Option<&str> {
        Some(self)
    }
}

/// A reply that does not match the spec.
pub struct DecodeError {
    pub(crate) head: Head,
    pub(crate) reason: String,
    pub(crate) snippet: String,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut view = f.debug_struct("DecodeError");
        self.head.debug_fields(&mut view);
        view.field("content_type", &self.content_type())
            .field("reason", &self.reason)
            .field("snippet", &self.snippet)
            .finish()
    }
}

impl DecodeError {
    /// The error for a reply (its `head`) that does not decode, keeping the start of `body`.
    pub(crate) fn error(head: Head, reason: impl Into<String>, body: &[u8]) -> Error {
        Error::Decode(Box::new(DecodeError { head, reason: reason.into(), snippet: snippet(body) }))
    }

    head_accessors!();

    /// The reply's `Content-Type`, if it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.head.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// Why it did not decode.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The start of the body (at most 1 KiB, cut at a character boundary).
    pub fn body_snippet(&self) -> &str {
        &self.snippet
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: cannot decode HTTP {} reply", self.head.operation, self.head.status)?;
        if let Some(ct) = self.content_type() {
            write!(f, " ({ct})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// An event stream that ended early; from [`Error::StreamCut`].
pub struct StreamCut {
    pub(crate) head: Head,
    pub(crate) events: u64,
    pub(crate) mid_event: bool,
    pub(crate) terminator: Option<&'static str>,
    pub(crate) source: Option<reqwest::Error>,
}

impl fmt::Debug for StreamCut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut view = f.debug_struct("StreamCut");
        self.head.debug_fields(&mut view);
        view.field("events", &self.events)
            .field("mid_event", &self.mid_event)
            .field("terminator", &self.terminator)
            .field("source", &self.source)
            .finish()
    }
}

impl StreamCut {
    head_accessors!();

    /// The events that arrived whole (and were yielded) before the stream ended.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Whether it ended in the middle of an event (part of one had arrived).
    pub fn mid_event(&self) -> bool {
        self.mid_event
    }

    /// The terminator the stream documents (`[DONE]`), which never came; `None` for a stream
    /// that has none, cut by the connection.
    pub fn terminator(&self) -> Option<&'static str> {
        self.terminator
    }

    /// Whether the connection failed (reset, cut) rather than being closed cleanly by the
    /// server.
    pub fn is_transport(&self) -> bool {
        self.source.is_some()
    }
}

impl fmt::Display for StreamCut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = if self.source.is_some() { "cut" } else { "closed" };
        write!(f, "{}: the event stream was {how} after {} whole events", self.head.operation, self.events)?;
        match (self.mid_event, self.terminator) {
            (true, _) => f.write_str(", in the middle of an event")?,
            (false, Some(terminator)) => write!(f, ", before its `{terminator}` event")?,
            (false, None) => {}
        }
        if let Some(source) = &self.source {
            write!(f, ": {}", with_cause(source))?;
        }
        Ok(())
    }
}

impl std::error::Error for StreamCut {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// A documented success reply that lacks what a helper needs from it (a token, an id, a total)
/// or carries it unusable: the reply does not match what the flow relies on, so it is a
/// [`Error::Decode`] with the reply's operation, status and headers (its request id).
#[allow(dead_code)] // used by the helpers, which some feature sets lack
pub(crate) fn reply_error<T>(reply: &crate::Response<T>, reason: impl Into<String>) -> Error {
    DecodeError::error(reply.head.clone(), reason, b"")
}

/// A value from a documented reply as the type the caller asked a helper for; one that does not
/// fit is a [`Error::Decode`] keeping (the start of) the value.
#[allow(dead_code)] // used by the helpers, which some feature sets lack
pub(crate) fn decode_value<T: serde::de::DeserializeOwned>(head: &Head, value: serde_json::Value) -> Result<T, Error> {
    decode_value_with(head, value, |value| T::deserialize(value))
}

/// [`decode_value`] with another decoding of the value. The error keeps the reply's head
/// (status, headers, request id): what a user sends to support.
pub(crate) fn decode_value_with<T>(
    head: &Head,
    value: serde_json::Value,
    decode: impl FnOnce(&serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<T, Error> {
    decode(&value).map_err(|error| {
        let reason = format!("the reply does not fit the requested type: {error}");
        DecodeError::error(head.clone(), reason, value.to_string().as_bytes())
    })
}

/// The first [`SNIPPET_LIMIT`] bytes of `body` as text, cut at a character boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]);
    let mut text = text.into_owned();
    while text.len() > SNIPPET_LIMIT {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_that_cannot_be_built_is_not_retryable() {
        let http = crate::http::http_client(std::time::Duration::from_secs(1), None).unwrap();
        let source = http.get("http://[::1").build().unwrap_err();
        assert!(source.is_builder());
        assert!(!Error::Transport { operation: "op", origin: "http://127.0.0.1:1".into(), source }.is_retryable());
    }
}
