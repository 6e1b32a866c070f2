//! A decoded reply with its metadata, and the body of a reply documented as any media type.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// The head of a reply: the operation it answers, its status and its headers. [`Response`],
/// [`EventStream`](crate::EventStream), [`ApiError`](crate::ApiError) and
/// [`DecodeError`](crate::DecodeError) each hold one and read it through [`head_accessors!`].
#[derive(Clone)]
pub(crate) struct Head {
    pub(crate) operation: &'static str,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
}

impl Head {
    pub(crate) fn new(operation: &'static str, status: u16, headers: HeaderMap) -> Self {
        Head { operation, status, headers }
    }

    /// The gateway's `X-Request-Id` (or `X-Cloudbase-Request-Id`).
    pub(crate) fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// Adds the head to a `Debug` view, credential headers' values redacted.
    pub(crate) fn debug_fields(&self, f: &mut std::fmt::DebugStruct<'_, '_>) {
        f.field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &ShownHeaders(&self.headers));
    }
}

/// The accessors of a type holding a [`Head`] in its field `head`: `operation()`, `status()`,
/// `headers()`, and `request_id()` unless the type reads it elsewhere first (`no request_id`).
macro_rules! head_accessors {
    () => {
        head_accessors!(no request_id);

        /// The gateway's `X-Request-Id` (or `X-Cloudbase-Request-Id`), to quote when asking
        /// CloudBase support.
        pub fn request_id(&self) -> Option<&str> {
            self.head.request_id()
        }
    };
    (no request_id) => {
        /// The operationId of the request, e.g. `functionsPost`.
        pub fn operation(&self) -> &'static str {
            self.head.operation
        }

        /// The HTTP status of the reply.
        pub fn status(&self) -> u16 {
            self.head.status
        }

        /// The reply's headers (`Content-Range`, `Preference-Applied`, ...).
        pub fn headers(&self) -> &reqwest::header::HeaderMap {
            &self.head.headers
        }
    };
}
pub(crate) use head_accessors;

/// A successful reply: the decoded body plus status, headers and request id.
///
/// Derefs to the body, so fields can be read directly; [`into_inner`](Self::into_inner) takes it.
/// `Debug` shows no credential: the body's secret fields and the values of credential headers
/// (`Set-Cookie`, ...) are redacted.
#[derive(Clone)]
pub struct Response<T> {
    pub(crate) head: Head,
    pub(crate) value: T,
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut view = f.debug_struct("Response");
        self.head.debug_fields(&mut view);
        view.field("value", &self.value).finish()
    }
}

impl<T> Response<T> {
    head_accessors!();

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The same reply with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { head: self.head, value: f(self.value) }
    }

    /// The decoded body with the status and headers.
    pub fn into_parts(self) -> (T, u16, HeaderMap) {
        (self.value, self.head.status, self.head.headers)
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

/// The gateway's request id: `X-Request-Id`, else `X-Cloudbase-Request-Id` (the order the official
/// node SDK reads them in).
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    // Header names as constants: a `&str` key is parsed into a name on every lookup.
    static NAMES: [HeaderName; 2] =
        [HeaderName::from_static("x-request-id"), HeaderName::from_static("x-cloudbase-request-id")];
    NAMES.iter().find_map(|name| headers.get(name)?.to_str().ok())
}

/// Headers for `Debug` output: every name, and every value but those of headers that carry
/// credentials (`Set-Cookie`, `Authorization`, a storage host's security token, ...), which show
/// as `<redacted>`.
pub(crate) struct ShownHeaders<'a>(pub(crate) &'a HeaderMap);

impl ShownHeaders<'_> {
    fn is_credential(name: &HeaderName, value: &HeaderValue) -> bool {
        value.is_sensitive() || is_credential_name(name.as_str())
    }
}

/// Whether a header or query parameter named `name` carries a credential, by its name alone:
/// `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, or a name holding `token`,
/// `secret`, `password`, `signature`, `credential`, `api-key` or `apikey` (case-insensitive,
/// `_` read as `-`: `x-cos-security-token`, `access_token`, `api_key`, `X-Api-Key`). The rule
/// `Debug` output follows for headers; `cloudbase-mock` hides what it shows by it too.
#[doc(hidden)]
pub fn is_credential_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie")
        || ["token", "secret", "password", "signature", "credential", "api-key", "apikey"]
            .iter()
            .any(|word| name.contains(word))
}

impl fmt::Debug for ShownHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if Self::is_credential(name, value) {
                map.entry(&name.as_str(), &format_args!("<redacted>"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}
