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
    AuthApi, GrantTokenRequest, SendVerificationRequest, SendVerificationRequestUsage, SignInRequest, TokenResponse,
    VerifyRequest,
};
use crate::credentials::{RefreshingToken, Token, TokenProvider};
use crate::error::reply_error;
use crate::{Client, Credentials, Error, Response};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A verification code sent by SMS or email; pass it to [`AuthApi::verify_code`] with the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSent {
    /// The verification id.
    pub verification_id: String,
    /// The phone number (`+86 13800138000`) or email address the code went to; sign-in sends
    /// it as the `username` beside the verification token, as the vendor's SDKs do.
    pub to: String,
    /// Whether the phone number or email already belongs to a user.
    pub is_user: Option<bool>,
}

/// Proof that the user received the code; signs in, signs up, or resets a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    token: String,
    /// The phone number or email the code went to.
    to: String,
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

impl AuthApi {
    /// Sends a verification code by SMS to `phone`, written `+86 13800138000` (country code,
    /// space, number); any other form is refused before sending. No `target` is sent, as the
    /// vendor's SDKs send none: the server's default, `ANY` (whether or not the number is a
    /// user's; [`CodeSent::is_user`] tells). The generated `send_verification()` sends others.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let sent = client.auth().send_phone_code("+86 13800138000").await?;
    /// // ...the user reads the code from the SMS:
    /// let verified = client.auth().verify_code(&sent, "123456").await?;
    /// let session = client.auth().sign_in_with_verification(&verified).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_phone_code(&self, phone: &str) -> Result<CodeSent, Error> {
        if !valid_phone(phone) {
            return Err(Error::InvalidRequest {
                operation: "Auth_SendVerification",
                message: format!(
                    "`{phone}` is not a phone number written `+86 13800138000` (country code, space, number)"
                ),
            });
        }
        let request = SendVerificationRequest { phone_number: Some(phone.to_owned()), ..Default::default() };
        self.send_code(request, phone).await
    }

    /// Sends a verification code to `email`.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let sent = client.auth().send_email_code("li.bai@example.com").await?;
    /// let verified = client.auth().verify_code(&sent, "123456").await?;
    /// let session = client.auth().sign_in_with_verification(&verified).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_email_code(&self, email: &str) -> Result<CodeSent, Error> {
        if !email.contains('@') {
            return Err(Error::InvalidRequest {
                operation: "Auth_SendVerification",
                message: format!("`{email}` is not an email address"),
            });
        }
        let request = SendVerificationRequest {
            email: Some(email.to_owned()),
            usage: Some(SendVerificationRequestUsage::Email),
            ..Default::default()
        };
        self.send_code(request, email).await
    }

    async fn send_code(&self, request: SendVerificationRequest, to: &str) -> Result<CodeSent, Error> {
        let reply = self.send_verification().body(request).send().await?;
        let verification_id =
            reply.verification_id.clone().ok_or_else(|| reply_error(&reply, "the reply has no verification_id"))?;
        Ok(CodeSent { verification_id, to: to.to_owned(), is_user: reply.is_user })
    }

    /// Checks the code the user received.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let sent = client.auth().send_phone_code("+86 13800138000").await?;
    /// let verified = client.auth().verify_code(&sent, "123456").await?;
    /// println!("new user: {}", sent.is_user != Some(true));
    /// # Ok(()) }
    /// ```
    pub async fn verify_code(&self, sent: &CodeSent, code: &str) -> Result<Verified, Error> {
        let request =
            VerifyRequest { verification_id: sent.verification_id.clone(), verification_code: code.to_owned() };
        let reply = self.verify_verification().body(request).send().await?;
        let token = reply
            .verification_token
            .clone()
            .ok_or_else(|| reply_error(&reply, "the reply has no verification_token"))?;
        Ok(Verified { token, to: sent.to.clone() })
    }

    /// Signs in with a verified phone number or email: the verification token, with the phone
    /// number or email as the `username` (the form of the vendor's SDKs, which the older and the
    /// current reference pages both accept).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let sent = client.auth().send_email_code("li.bai@example.com").await?;
    /// let verified = client.auth().verify_code(&sent, "123456").await?;
    /// let session = client.auth().sign_in_with_verification(&verified).await?;
    /// let me = session.profile().await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_verification(&self, verified: &Verified) -> Result<Session, Error> {
        let body = SignInRequest {
            username: Some(verified.to.clone()),
            verification_token: Some(verified.token.clone()),
            ..Default::default()
        };
        self.session(self.sign_in().body(body).send().await?)
    }

    /// Signs in with a username and password.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let session = client.auth().sign_in_with_password("li.bai", "a password").await?;
    /// // Every operation, as that user (the token refreshes itself):
    /// let user = session.client().auth().user_me().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_password(&self, username: &str, password: &str) -> Result<Session, Error> {
        let body = SignInRequest {
            username: Some(username.to_owned()),
            password: Some(password.to_owned()),
            ..Default::default()
        };
        self.session(self.sign_in().body(body).send().await?)
    }

    /// Signs in anonymously: one anonymous user per `device_id` (a stable id the app keeps).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let session = client.auth().sign_in_anonymously("device-7f3a").await?;
    /// let (access_token, refresh_token) = session.tokens();
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_anonymously(&self, device_id: &str) -> Result<Session, Error> {
        self.session(self.anonymous_token().x_device_id(device_id).send().await?)
    }

    /// Signs in with a ticket your server issued (custom sign-in).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// // The ticket comes from your server, which signs it with the environment's private key.
    /// let session = client.auth().sign_in_with_ticket("ticket-from-your-server").await?;
    /// let me = session.profile().await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_ticket(&self, ticket: &str) -> Result<Session, Error> {
        let body = crate::auth::SignInCustomRequest { provider_id: "custom".to_owned(), ticket: ticket.to_owned() };
        self.session(self.sign_in_custom().body(body).send().await?)
    }

    fn session(&self, reply: Response<TokenResponse>) -> Result<Session, Error> {
        Session::from_token(&self.client, reply)
    }
}

/// A signed-in user's tokens. Cheap to clone; clones share the tokens.
///
/// Use [`client`](Self::client) (or [`Credentials::provider`] with a clone) for the user's
/// requests: each asks the session for a token, which it refreshes with the refresh token when
/// the access token is within a minute of expiry or was rejected (a [`RefreshingToken`] whose
/// refresh calls the token endpoint).
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    /// The client without credentials: sign-in and the token endpoint take none.
    anonymous: Client,
    /// Replaced by each refresh that returns a new one (refreshing invalidates the old one).
    refresh_token: Arc<Mutex<Option<String>>>,
    access: RefreshingToken,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("tokens", &"<redacted>").finish_non_exhaustive()
    }
}

fn lifetime(expires_in: Option<i32>) -> Option<Duration> {
    expires_in.map(|s| Duration::from_secs(u64::try_from(s).unwrap_or(0)))
}

impl Session {
    /// A session from tokens kept earlier (e.g. restored from storage).
    pub fn restore(
        client: &Client,
        access_token: impl Into<String>,
        refresh_token: Option<String>,
        expires_in: Option<Duration>,
    ) -> Session {
        Session::new(client, Token::new(access_token, expires_in), refresh_token)
    }

    fn from_token(client: &Client, reply: Response<TokenResponse>) -> Result<Session, Error> {
        let access = reply
            .access_token
            .clone()
            .filter(|token| !token.is_empty())
            .ok_or_else(|| reply_error(&reply, "the reply has no access_token"))?;
        let token = reply.into_inner();
        Ok(Session::new(client, Token::new(access, lifetime(token.expires_in)), token.refresh_token))
    }

    fn new(client: &Client, access: Token, refresh_token: Option<String>) -> Session {
        let anonymous = client.without_credentials();
        let refresh_token = Arc::new(Mutex::new(refresh_token));
        let refresh = {
            let (anonymous, refresh_token) = (anonymous.clone(), refresh_token.clone());
            move || refresh(anonymous.clone(), refresh_token.clone())
        };
        let access = RefreshingToken::new(refresh).starting_with(access);
        Session { inner: Arc::new(SessionInner { anonymous, refresh_token, access }) }
    }

    /// The same client as the one that signed in, with this session as its credentials.
    pub fn client(&self) -> Client {
        self.inner.anonymous.with_credentials(Credentials::provider(self.clone()))
    }

    /// The current access and refresh tokens, to keep for [`Session::restore`]. Treat them as
    /// secrets.
    pub fn tokens(&self) -> (String, Option<String>) {
        let refresh = self.inner.refresh_token.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (self.inner.access.current().unwrap_or_default(), refresh)
    }

    /// Signs out as the vendor's SDKs do: the access token is revoked (`Auth_Revoke`, the token
    /// in the body, no credentials), which ends the session's refresh token too. The generated
    /// `sign_out()` operation (`POST /auth/v1/user/signout`, with the bearer token) is the other
    /// documented way.
    pub async fn sign_out(&self) -> Result<(), Error> {
        let token = self.inner.access.current();
        let body = crate::auth::RevokeRequest { token: token.clone() };
        self.inner.anonymous.auth().revoke().body(body).send().await?;
        *self.inner.refresh_token.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if let Some(access) = token {
            self.inner.access.invalidate(&access);
        }
        Ok(())
    }

    /// The signed-in user's profile.
    pub async fn profile(&self) -> Result<crate::auth::Profile, Error> {
        Ok(self.client().auth().user_me().send().await?.into_inner())
    }
}

/// A new access token from the token endpoint, keeping the new refresh token if there is one.
async fn refresh(anonymous: Client, refresh_token: Arc<Mutex<Option<String>>>) -> Result<Token, Error> {
    let current = refresh_token.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let Some(current) = current else {
        return Err(Error::InvalidRequest {
            operation: "Auth_GrantToken",
            message: "the session has expired and has no refresh token; sign in again".into(),
        });
    };
    tracing::debug!("refreshing the session's access token");
    let request = GrantTokenRequest {
        grant_type: Some(Some("refresh_token".into())),
        refresh_token: Some(current),
        ..Default::default()
    };
    let reply = anonymous.auth().grant_token().body(request).send().await?;
    let access = reply
        .access_token
        .clone()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| reply_error(&reply, "the reply has no access_token"))?;
    let token = reply.into_inner();
    if token.refresh_token.is_some() {
        *refresh_token.lock().unwrap_or_else(|e| e.into_inner()) = token.refresh_token;
    }
    Ok(Token::new(access, lifetime(token.expires_in)))
}

impl TokenProvider for Session {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, Error>> + Send + '_>> {
        self.inner.access.token()
    }

    fn invalidate(&self, token: &str) {
        self.inner.access.invalidate(token);
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
