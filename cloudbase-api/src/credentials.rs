//! Credentials, kept out of `Debug` output and logs.

use std::fmt;

/// How requests authenticate.
///
/// Every kind but [`Credentials::basic`] is sent as `Authorization: Bearer <value>` to operations
/// whose spec asks for a bearer token; operations whose spec needs no credentials (sign-in, sign-up,
/// verification codes) get none, and those that take HTTP Basic get the Basic pair.
///
/// `Debug` never shows the secret:
///
/// ```
/// let credentials = cloudbase_api::Credentials::api_key("sk-123");
/// assert_eq!(format!("{credentials:?}"), "Credentials::ApiKey(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(pub(crate) Kind);

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    AccessToken(String),
    ApiKey(String),
    PublishableKey(String),
    Basic { id: String, secret: String },
}

impl Credentials {
    /// An end user's access token (from sign-in), sent as a bearer token.
    pub fn access_token(token: impl Into<String>) -> Self {
        Credentials(Kind::AccessToken(token.into()))
    }

    /// A server-side API key of the environment (administrator rights), sent as a bearer token.
    /// Never ship it in a client application.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credentials(Kind::ApiKey(key.into()))
    }

    /// A publishable key (anonymous-level access, safe to embed in clients), sent as a bearer token.
    pub fn publishable_key(key: impl Into<String>) -> Self {
        Credentials(Kind::PublishableKey(key.into()))
    }

    /// HTTP Basic `SecretId:SecretKey`, for the server-side token operations that take it
    /// (e.g. `Auth_ClientCredential`).
    pub fn basic(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials(Kind::Basic { id: secret_id.into(), secret: secret_key.into() })
    }

    /// The bearer token, for kinds that have one.
    pub(crate) fn bearer(&self) -> Option<&str> {
        match &self.0 {
            Kind::AccessToken(t) | Kind::ApiKey(t) | Kind::PublishableKey(t) => Some(t),
            Kind::Basic { .. } => None,
        }
    }

    /// The Basic pair, for [`Credentials::basic`].
    pub(crate) fn basic_pair(&self) -> Option<(&str, &str)> {
        match &self.0 {
            Kind::Basic { id, secret } => Some((id, secret)),
            _ => None,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.0 {
            Kind::AccessToken(_) => "AccessToken",
            Kind::ApiKey(_) => "ApiKey",
            Kind::PublishableKey(_) => "PublishableKey",
            Kind::Basic { .. } => "Basic",
        };
        write!(f, "Credentials::{kind}(<redacted>)")
    }
}
