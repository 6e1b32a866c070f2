//! Signing in and staying signed in, on the generated [`auth`](crate::auth) operations:
//! verification codes by SMS or email, password, anonymous and custom-ticket sign-in, and a
//! [`Session`] that holds the tokens, refreshes the access token through the token endpoint
//! (before it expires, once after a 401, one refresh however many requests wait), and is the
//! credentials of the user's client.
//!
//! ```no_run
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let auth = client.auth();
//! let sent = auth.send_phone_code("+86 13800138000").await?;
//! let verified = auth.verify_code(&sent, "123456").await?;
//! let session = auth.sign_in_with_verification(&verified).await?;
//!
//! let user = session.client();              // every request carries the session's token
//! let me = user.auth().user_me().send().await?;
//! println!("{:?}", me.sub);
//! session.sign_out().await?;
//! # Ok(()) }
//! ```

use crate::auth::{
    AuthApi, V1GrantTokenRequest, V1SendVerificationRequest, V1SendVerificationRequestTarget, V1SignInRequest, V1Token,
    V1VerifyRequest,
};
use crate::credentials::TokenProvider;
use crate::{Client, Credentials, Error};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A verification code sent by SMS or email; pass it to [`AuthApi::verify_code`] with the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSent {
    /// The verification id.
    pub verification_id: String,
    /// Whether the phone number or email already belongs to a user.
    pub is_user: Option<bool>,
}

/// Proof that the user received the code; signs in, signs up, or resets a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    token: String,
}

impl Verified {
    /// The verification token, for the generated sign-up and password-reset operations.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verified(<redacted>)")
    }
}

/// CloudBase phone numbers carry the country code and a space: `+86 13800138000`.
fn valid_phone(phone: &str) -> bool {
    let Some((country, number)) = phone.split_once(' ') else { return false };
    let digits =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    country.strip_prefix('+').is_some_and(|c| digits(c, 1, 4)) && digits(number, 4, 15)
}

fn missing(operation: &'static str, field: &str) -> Error {
    Error::InvalidRequest { operation, message: format!("the reply has no {field}") }
}

impl AuthApi {
    /// Sends a verification code by SMS to `phone`, written `+86 13800138000` (country code,
    /// space, number); any other form is refused before sending.
    pub async fn send_phone_code(&self, phone: &str) -> Result<CodeSent, Error> {
        if !valid_phone(phone) {
            return Err(Error::InvalidRequest {
                operation: "Auth_SendVerification",
                message: format!(
                    "`{phone}` is not a phone number written `+86 13800138000` (country code, space, number)"
                ),
            });
        }
        self.send_code(V1SendVerificationRequest {
            phone_number: Some(phone.to_owned()),
            email: None,
            target: V1SendVerificationRequestTarget::Any,
        })
        .await
    }

    /// Sends a verification code to `email`.
    pub async fn send_email_code(&self, email: &str) -> Result<CodeSent, Error> {
        if !email.contains('@') {
            return Err(Error::InvalidRequest {
                operation: "Auth_SendVerification",
                message: format!("`{email}` is not an email address"),
            });
        }
        self.send_code(V1SendVerificationRequest {
            phone_number: None,
            email: Some(email.to_owned()),
            target: V1SendVerificationRequestTarget::Any,
        })
        .await
    }

    async fn send_code(&self, request: V1SendVerificationRequest) -> Result<CodeSent, Error> {
        let reply = self.auth_send_verification().body(request).send().await?.into_inner();
        let verification_id =
            reply.verification_id.ok_or_else(|| missing("Auth_SendVerification", "verification_id"))?;
        Ok(CodeSent { verification_id, is_user: reply.is_user })
    }

    /// Checks the code the user received.
    pub async fn verify_code(&self, sent: &CodeSent, code: &str) -> Result<Verified, Error> {
        let request =
            V1VerifyRequest { verification_id: sent.verification_id.clone(), verification_code: code.to_owned() };
        let reply = self.auth_verify_verification().body(request).send().await?.into_inner();
        let token = reply.verification_token.ok_or_else(|| missing("Auth_VerifyVerification", "verification_token"))?;
        Ok(Verified { token })
    }

    /// Signs in with a verified phone number or email.
    pub async fn sign_in_with_verification(&self, verified: &Verified) -> Result<Session, Error> {
        let body = V1SignInRequest { verification_token: Some(verified.token.clone()), ..Default::default() };
        self.session("Auth_SignIn", self.auth_sign_in().body(body).send().await?.into_inner())
    }

    /// Signs in with a username and password.
    pub async fn sign_in_with_password(&self, username: &str, password: &str) -> Result<Session, Error> {
        let body = V1SignInRequest {
            username: Some(username.to_owned()),
            password: Some(password.to_owned()),
            ..Default::default()
        };
        self.session("Auth_SignIn", self.auth_sign_in().body(body).send().await?.into_inner())
    }

    /// Signs in anonymously: one anonymous user per `device_id` (a stable id the app keeps).
    pub async fn sign_in_anonymously(&self, device_id: &str) -> Result<Session, Error> {
        let reply = self.auth_sign_in_anonymously().x_device_id(device_id).send().await?;
        self.session("Auth_SignInAnonymously", reply.into_inner())
    }

    /// Signs in with a ticket your server issued (custom sign-in).
    pub async fn sign_in_with_ticket(&self, ticket: &str) -> Result<Session, Error> {
        let body = crate::auth::V1SignInCustomRequest { provider_id: "custom".to_owned(), ticket: ticket.to_owned() };
        self.session("Auth_SignInCustom", self.auth_sign_in_custom().body(body).send().await?.into_inner())
    }

    fn session(&self, operation: &'static str, token: V1Token) -> Result<Session, Error> {
        Session::from_token(&self.client, operation, token)
    }
}

struct Tokens {
    access: String,
    refresh: Option<String>,
    expires_at: Option<Instant>,
}

struct SessionInner {
    /// The client without credentials: the token endpoint takes none.
    anonymous: Client,
    tokens: Mutex<Tokens>,
    gate: tokio::sync::Mutex<()>,
    refresh_before: Duration,
}

/// A signed-in user's tokens. Cheap to clone; clones share the tokens.
///
/// Use [`client`](Self::client) (or [`Credentials::provider`] with a clone) for the user's
/// requests: each asks the session for a token, which it refreshes with the refresh token when
/// the access token is within a minute of expiry or was rejected.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("tokens", &"<redacted>").finish_non_exhaustive()
    }
}

fn expiry(expires_in: Option<i32>) -> Option<Instant> {
    expires_in.and_then(|s| Instant::now().checked_add(Duration::from_secs(u64::try_from(s).unwrap_or(0))))
}

impl Session {
    /// A session from tokens kept earlier (e.g. restored from storage).
    pub fn restore(
        client: &Client,
        access_token: impl Into<String>,
        refresh_token: Option<String>,
        expires_in: Option<Duration>,
    ) -> Session {
        Session::new(
            client,
            Tokens {
                access: access_token.into(),
                refresh: refresh_token,
                expires_at: expires_in.and_then(|d| Instant::now().checked_add(d)),
            },
        )
    }

    fn from_token(client: &Client, operation: &'static str, token: V1Token) -> Result<Session, Error> {
        let access = token.access_token.ok_or_else(|| missing(operation, "access_token"))?;
        Ok(Session::new(client, Tokens { access, refresh: token.refresh_token, expires_at: expiry(token.expires_in) }))
    }

    fn new(client: &Client, tokens: Tokens) -> Session {
        Session {
            inner: Arc::new(SessionInner {
                anonymous: client.without_credentials(),
                tokens: Mutex::new(tokens),
                gate: tokio::sync::Mutex::new(()),
                refresh_before: Duration::from_secs(60),
            }),
        }
    }

    /// The same client as the one that signed in, with this session as its credentials.
    pub fn client(&self) -> Client {
        self.inner.anonymous.with_credentials(Credentials::provider(self.clone()))
    }

    /// The current access and refresh tokens, to keep for [`Session::restore`]. Treat them as
    /// secrets.
    pub fn tokens(&self) -> (String, Option<String>) {
        let tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        (tokens.access.clone(), tokens.refresh.clone())
    }

    /// Signs out: the server invalidates the access and refresh tokens.
    pub async fn sign_out(&self) -> Result<(), Error> {
        self.client().auth().auth_sign_out().send().await?;
        let mut tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.refresh = None;
        tokens.expires_at = Some(Instant::now());
        Ok(())
    }

    /// The signed-in user's profile.
    pub async fn profile(&self) -> Result<crate::auth::V1Profile, Error> {
        Ok(self.client().auth().user_me().send().await?.into_inner())
    }

    fn fresh(&self) -> Option<String> {
        let tokens = self.inner.tokens.lock().ok()?;
        let fresh = tokens
            .expires_at
            .is_none_or(|at| at.checked_sub(self.inner.refresh_before).is_some_and(|t| Instant::now() < t));
        fresh.then(|| tokens.access.clone())
    }

    async fn refresh(&self) -> Result<String, Error> {
        let refresh = self.inner.tokens.lock().ok().and_then(|t| t.refresh.clone());
        let Some(refresh) = refresh else {
            return Err(Error::InvalidRequest {
                operation: "Auth_GrantToken",
                message: "the session has expired and has no refresh token; sign in again".into(),
            });
        };
        tracing::debug!("refreshing the session's access token");
        let request = V1GrantTokenRequest {
            grant_type: Some("refresh_token".into()),
            refresh_token: Some(refresh),
            ..Default::default()
        };
        let token = self.inner.anonymous.auth().auth_grant_token().body(request).send().await?.into_inner();
        let access = token.access_token.ok_or_else(|| missing("Auth_GrantToken", "access_token"))?;
        let mut tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.access = access.clone();
        // Refreshing invalidates the old refresh token; keep the new one when there is one.
        if token.refresh_token.is_some() {
            tokens.refresh = token.refresh_token;
        }
        tokens.expires_at = expiry(token.expires_in);
        Ok(access)
    }
}

impl TokenProvider for Session {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, Error>> + Send + '_>> {
        Box::pin(async move {
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            let _refreshing = self.inner.gate.lock().await;
            if let Some(token) = self.fresh() {
                return Ok(token);
            }
            self.refresh().await
        })
    }

    fn invalidate(&self, token: &str) {
        if let Ok(mut tokens) = self.inner.tokens.lock()
            && tokens.access == token
        {
            tokens.expires_at = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn phone_numbers() {
        for good in ["+86 13800138000", "+1 4155552671", "+852 61234567"] {
            assert!(super::valid_phone(good), "{good}");
        }
        for bad in
            ["13800138000", "+8613800138000", "+86  13800138000", "86 13800138000", "+86 138-0013-8000", "+86 ", ""]
        {
            assert!(!super::valid_phone(bad), "{bad}");
        }
    }
}
