//! A decoded reply with its metadata, and the body of a reply documented as any media type.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use std::ops::{Deref, DerefMut};

/// A successful reply: the decoded body plus status, headers and request id.
///
/// Derefs to the body, so fields can be read directly; [`into_inner`](Self::into_inner) takes it.
/// `Debug` shows no credential: the body's secret fields and the values of credential headers
/// (`Set-Cookie`, ...) are redacted.
#[derive(Clone)]
pub struct Response<T> {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) value: T,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &crate::runtime::ShownHeaders(&self.headers))
            .field("value", &self.value)
            .finish()
    }
}

impl<T> Response<T> {
    /// The operationId of the request, e.g. `functionsPost`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers (`Content-Range`, `Preference-Applied`, ...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The gateway's `X-Request-Id` (or `X-Cloudbase-Request-Id`), to quote when asking CloudBase support.
    pub fn request_id(&self) -> Option<&str> {
        crate::runtime::request_id(&self.headers)
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The same reply with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { operation: self.operation, status: self.status, headers: self.headers, value: f(self.value) }
    }

    /// The decoded body with the status and headers.
    pub fn into_parts(self) -> (T, u16, HeaderMap) {
        (self.value, self.status, self.headers)
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// The body of a reply whose operation documents any media type (a cloud function's or a CloudRun
/// service's own answer), told apart by its `Content-Type`.
///
/// ```
/// use cloudbase_api::Body;
///
/// fn describe(body: &Body) -> String {
///     match body {
///         Body::Empty => "nothing".to_owned(),
///         Body::Json(value) => format!("JSON {value}"),
///         Body::Text(text) => format!("text {text:?}"),
///         Body::Bytes(bytes) => format!("{} bytes", bytes.len()),
///         _ => "a kind of body added later".to_owned(),
///     }
/// }
/// assert_eq!(describe(&Body::Text("hi".into())), r#"text "hi""#);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Body {
    /// No body (a 204, an empty 200).
    Empty,
    /// `application/json`, of any shape.
    Json(serde_json::Value),
    /// A `text/*` type, decoded as UTF-8.
    Text(String),
    /// Any other media type (an image, a download), as it came.
    Bytes(Bytes),
}
