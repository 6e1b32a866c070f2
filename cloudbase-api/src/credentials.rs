//! Credentials, kept out of `Debug` output and logs.

use crate::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How requests authenticate.
///
/// Every kind but [`Credentials::basic`] and [`Credentials::secret_key`] is sent as
/// `Authorization: Bearer <value>` to operations whose spec asks for a bearer token; operations
/// whose spec needs no credentials (sign-in, sign-up, verification codes) get none, and those that
/// take HTTP Basic get the Basic pair. A Tencent Cloud secret key signs the requests of operations
/// that take a TC3 signature and exchanges itself for an access token for the others.
///
/// `Debug` never shows the secret:
///
/// ```
/// let credentials = cloudbase_api::Credentials::api_key("sk-123");
/// assert_eq!(format!("{credentials:?}"), "Credentials::ApiKey(<redacted>)");
/// ```
#[derive(Clone)]
pub struct Credentials(pub(crate) Kind);

#[derive(Clone)]
pub(crate) enum Kind {
    AccessToken(String),
    ApiKey(String),
    PublishableKey(String),
    Basic { id: String, secret: String },
    Provider(Arc<dyn TokenProvider>),
    SecretKey(Arc<SecretKey>),
}

/// A Tencent Cloud API key (SecretId, SecretKey, and a temporary credential's session token), and
/// the access token it was exchanged for.
pub(crate) struct SecretKey {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) session_token: Option<String>,
    /// The access token from `Auth_ClientCredential`, for operations that take a bearer token:
    /// exchanged once and kept until shortly before it expires (single flight).
    pub(crate) access: TokenCache,
}

impl SecretKey {
    pub(crate) fn tc3(&self) -> crate::tc3::Tc3Credentials<'_> {
        crate::tc3::Tc3Credentials::new(&self.id, &self.key, self.session_token.as_deref())
    }
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

    /// A Tencent Cloud API key (SecretId and SecretKey, from the console's API key management),
    /// as `@cloudbase/node-sdk` authenticates with it: requests to operations that take a
    /// TC3-HMAC-SHA256 signature (CloudRun, cloud functions, `Auth_ClientCredential`) are signed
    /// with it, each attempt anew; for every other operation it is exchanged for an
    /// administrator access token (`POST /auth/v1/token/clientCredential`, signed), which is kept
    /// and reused until a minute before it expires, one exchange however many requests wait for
    /// it, and exchanged again after a 401. The key never leaves the client: only signatures do.
    ///
    /// ```no_run
    /// use cloudbase_api::{Client, Credentials};
    ///
    /// let client = Client::builder()
    ///     .env_id("my-env-1a2b")
    ///     .credentials(Credentials::secret_key("AKID...", "..."))
    ///     .build()?;
    /// # Ok::<(), cloudbase_api::Error>(())
    /// ```
    ///
    /// Exchanging the key for a token is an operation of the `auth` feature: without it, only the
    /// operations that take a signature can use a secret key.
    pub fn secret_key(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::secret_key_parts(secret_id.into(), secret_key.into(), None)
    }

    /// A temporary Tencent Cloud credential: [`secret_key`](Self::secret_key) with the session
    /// token that comes with it (a cloud function's runtime sets all three, as
    /// `TENCENTCLOUD_SECRETID`, `TENCENTCLOUD_SECRETKEY` and `TENCENTCLOUD_SESSIONTOKEN`). The
    /// token follows each signature (`, Token=<token>`), as node-sdk sends it.
    pub fn temporary_secret_key(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        let token = Some(session_token.into()).filter(|t| !t.is_empty());
        Credentials::secret_key_parts(secret_id.into(), secret_key.into(), token)
    }

    fn secret_key_parts(id: String, key: String, session_token: Option<String>) -> Self {
        let access = TokenCache::new(Duration::from_secs(60));
        Credentials(Kind::SecretKey(Arc::new(SecretKey { id, key, session_token, access })))
    }

    /// Bearer tokens that expire, from a [`TokenProvider`] such as [`RefreshingToken`]: asked
    /// for a token before each request, and told when the server rejects one (a 401, after
    /// which the request is sent once more with a fresh token).
    pub fn provider(provider: impl TokenProvider) -> Self {
        Credentials(Kind::Provider(Arc::new(provider)))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.0 {
            Kind::AccessToken(_) => "AccessToken",
            Kind::ApiKey(_) => "ApiKey",
            Kind::PublishableKey(_) => "PublishableKey",
            Kind::Basic { .. } => "Basic",
            Kind::Provider(_) => "Provider",
            Kind::SecretKey(_) => "SecretKey",
        };
        write!(f, "Credentials::{kind}(<redacted>)")
    }
}

/// A source of bearer tokens that expire (an end user's session, a token minted by your backend).
///
/// The client calls [`token`](Self::token) before every attempt of a request, so implementations
/// cache; after a 401 it calls [`invalidate`](Self::invalidate) with the rejected token and asks
/// once more. [`RefreshingToken`] is a ready implementation around a refresh function.
///
/// The wait for `token()` counts against the attempt's timeout
/// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout) or the request's own): a provider
/// that does not answer in time ends the attempt in [`Error::Timeout`], and its future is
/// dropped. An error it returns is the request's error (retried as the retry policy says for
/// that error).
pub trait TokenProvider: Send + Sync + 'static {
    /// A token valid for the next request.
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, Error>> + Send + '_>>;

    /// The server rejected `token` (HTTP 401): do not hand it out again.
    fn invalidate(&self, token: &str);
}

/// A token and when it stops being valid.
#[derive(Clone)]
pub struct Token {
    value: String,
    expires_at: Option<Instant>,
}

impl Token {
    /// A token valid for `expires_in` from now (`None`: until the server rejects it).
    pub fn new(value: impl Into<String>, expires_in: Option<Duration>) -> Self {
        Token { value: value.into(), expires_at: expires_in.and_then(|d| Instant::now().checked_add(d)) }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token").field("value", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

type Refresh = dyn Fn() -> Pin<Box<dyn Future<Output = Result<Token, Error>> + Send>> + Send + Sync;

/// A [`TokenProvider`] that calls a refresh function when its token is missing, about to expire
/// (within [`refresh_before`](Self::refresh_before) of expiry, default 60 s) or rejected.
///
/// Refreshes are single-flight: however many requests need a token at once, one refresh runs and
/// the others wait for it and use the token it obtained, whatever that token's lifetime (one
/// already within `refresh_before` of expiry, or past it, included: the server decides, and a
/// 401 refreshes once more). A request that starts after the refresh sees the token's expiry
/// as usual.
///
/// A refresh that fails is shared too: every request that waited for it gets its error, as an
/// [`Error::TokenRefresh`] holding the same error, without a refresh of its own and without
/// being sent; so does every request that needs a token within
/// [`failure_cooldown`](Self::failure_cooldown) after the failure (default 2 s). The first
/// request after the cool-down refreshes again. A request never retries a failed refresh
/// itself, so however many requests and attempts meet a failing token endpoint, it is called
/// once per cool-down. A refresh that returns an empty token has failed the same way: an
/// empty token is never sent as `Bearer `.
///
/// A refresh runs within the request that started it and counts against that request's
/// timeout, as the wait for it counts against each waiting request's: a refresh that hangs ends
/// every one of them in [`Error::Timeout`] on its own budget. The refresh is dropped with the
/// request that started it, and the next request to need a token starts a new one.
///
/// ```no_run
/// use cloudbase_api::{Client, Credentials, RefreshingToken, Token};
/// use std::time::Duration;
///
/// # async fn fetch_token_from_my_backend() -> Result<(String, u64), cloudbase_api::Error> { unimplemented!() }
/// let tokens = RefreshingToken::new(|| async {
///     let (value, expires_in) = fetch_token_from_my_backend().await?;
///     Ok(Token::new(value, Some(Duration::from_secs(expires_in))))
/// });
/// let client = Client::builder().env_id("my-env").credentials(Credentials::provider(tokens)).build()?;
/// # Ok::<(), cloudbase_api::Error>(())
/// ```
pub struct RefreshingToken {
    refresh: Box<Refresh>,
    cache: TokenCache,
}

/// A token kept until shortly before it expires, replaced by one refresh at a time: what
/// [`RefreshingToken`] and a secret key's exchanged token share.
pub(crate) struct TokenCache {
    current: Mutex<Current>,
    /// Held while a refresh runs: the single flight.
    gate: tokio::sync::Mutex<()>,
    refresh_before: Duration,
    /// How long a failed refresh's error is handed out instead of refreshing again.
    cooldown: Duration,
}

/// The cool-down after a failed refresh, unless set otherwise.
pub(crate) const DEFAULT_FAILURE_COOLDOWN: Duration = Duration::from_secs(2);

/// The token handed out, and how many refreshes have completed.
#[derive(Default)]
struct Current {
    token: Option<Token>,
    /// Counts completed refreshes: a request that queued behind a refresh sees it change and
    /// takes that refresh's token instead of starting another, whatever its lifetime.
    generation: u64,
    /// The last refresh's error and when it failed, until a refresh succeeds.
    failure: Option<(Instant, Arc<Error>)>,
}

impl RefreshingToken {
    /// A provider whose tokens come from `refresh`.
    pub fn new<F, Fut>(refresh: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        RefreshingToken {
            refresh: Box::new(move || Box::pin(refresh())),
            cache: TokenCache::new(Duration::from_secs(60)),
        }
    }

    /// How long before expiry a token is replaced (default 60 s).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.cache.refresh_before = margin;
        self
    }

    /// How long after a failed refresh its error is the error of every request that needs a
    /// token, before the next such request refreshes again (default 2 s; zero: the next request
    /// after the failure refreshes, while the requests that waited for it still share it).
    pub fn failure_cooldown(mut self, cooldown: Duration) -> Self {
        self.cache.cooldown = cooldown;
        self
    }

    /// Starts with `token` instead of refreshing at the first request.
    #[cfg_attr(not(feature = "auth"), allow(dead_code))] // used by the auth session
    pub(crate) fn starting_with(self, token: Token) -> Self {
        if let Ok(mut current) = self.cache.current.lock() {
            current.token = Some(token);
        }
        self
    }

    /// The token it would hand out now, fresh or not.
    #[cfg_attr(not(feature = "auth"), allow(dead_code))] // used by the auth session
    pub(crate) fn current(&self) -> Option<String> {
        self.cache.current.lock().ok()?.token.as_ref().map(|t| t.value.clone())
    }
}

impl TokenCache {
    pub(crate) fn new(refresh_before: Duration) -> Self {
        TokenCache {
            current: Mutex::new(Current::default()),
            gate: tokio::sync::Mutex::new(()),
            refresh_before,
            cooldown: DEFAULT_FAILURE_COOLDOWN,
        }
    }

    /// The current token if it is fresh; otherwise the token of one `refresh`, run by the first
    /// request to need it while the others wait for its result.
    pub(crate) async fn get<F, Fut>(&self, refresh: F) -> Result<String, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Token, Error>>,
    {
        let seen = match self.fresh() {
            Ok(token) => return Ok(token),
            Err(generation) => generation,
        };
        self.cooling_down()?;
        let _refreshing = self.gate.lock().await;
        // A refresh that completed while this request waited is the one it waited for: its
        // token is used even if it is already within `refresh_before` of expiry (or past
        // it), or every waiter would refresh again in turn; its failure is this request's.
        if let Some(outcome) = self.refreshed_since(seen) {
            return outcome;
        }
        if let Ok(token) = self.fresh() {
            return Ok(token);
        }
        self.cooling_down()?;
        tracing::debug!("refreshing the access token");
        let outcome = match refresh().await {
            Ok(token) if token.value.is_empty() => Err(Error::InvalidRequest {
                operation: "token refresh",
                message: "the refresh returned an empty token".into(),
            }),
            outcome => outcome,
        };
        let Ok(mut current) = self.current.lock() else {
            return outcome.map(|token| token.value).map_err(|e| Error::TokenRefresh { source: Arc::new(e) });
        };
        current.generation = current.generation.wrapping_add(1);
        match outcome {
            Ok(token) => {
                let value = token.value.clone();
                current.token = Some(token);
                current.failure = None;
                Ok(value)
            }
            Err(error) => {
                tracing::debug!("the token refresh failed");
                let error = Arc::new(error);
                current.failure = Some((Instant::now(), error.clone()));
                Err(Error::TokenRefresh { source: error })
            }
        }
    }

    /// The last refresh's error, while its cool-down lasts.
    fn cooling_down(&self) -> Result<(), Error> {
        let Ok(current) = self.current.lock() else { return Ok(()) };
        match &current.failure {
            Some((at, error)) if at.elapsed() < self.cooldown => Err(Error::TokenRefresh { source: error.clone() }),
            _ => Ok(()),
        }
    }

    /// `token` was rejected: the next request refreshes.
    pub(crate) fn invalidate(&self, token: &str) {
        if let Ok(mut current) = self.current.lock()
            && current.token.as_ref().is_some_and(|t| t.value == token)
        {
            current.token = None;
        }
    }

    /// The current token if it is not about to expire, or else the generation to wait past.
    fn fresh(&self) -> Result<String, u64> {
        let Ok(current) = self.current.lock() else { return Err(0) };
        let fresh = current.token.as_ref().filter(|token| {
            token.expires_at.is_none_or(|at| at.checked_sub(self.refresh_before).is_some_and(|t| Instant::now() < t))
        });
        fresh.map(|token| token.value.clone()).ok_or(current.generation)
    }

    /// The outcome of a refresh that completed after generation `seen`: its error, or its
    /// token if it has not been rejected since.
    fn refreshed_since(&self, seen: u64) -> Option<Result<String, Error>> {
        let current = self.current.lock().ok()?;
        if current.generation == seen {
            return None;
        }
        if let Some((_, error)) = &current.failure {
            return Some(Err(Error::TokenRefresh { source: error.clone() }));
        }
        current.token.as_ref().map(|token| Ok(token.value.clone()))
    }
}

impl fmt::Debug for RefreshingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingToken").field("refresh_before", &self.cache.refresh_before).finish_non_exhaustive()
    }
}

impl TokenProvider for RefreshingToken {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, Error>> + Send + '_>> {
        Box::pin(self.cache.get(|| (self.refresh)()))
    }

    fn invalidate(&self, token: &str) {
        self.cache.invalidate(token);
    }
}

/// The `Authorization` value of static credentials (a provider's changes per request).
pub(crate) fn fixed_authorization(credentials: &Credentials) -> Option<reqwest::header::HeaderValue> {
    let value = match &credentials.0 {
        Kind::AccessToken(t) | Kind::ApiKey(t) | Kind::PublishableKey(t) => format!("Bearer {t}"),
        Kind::Basic { id, secret } => basic(id, secret),
        Kind::Provider(_) | Kind::SecretKey(_) => return None,
    };
    let mut header = reqwest::header::HeaderValue::from_str(&value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// The first control character (C0, DEL, C1) in the static parts of `credentials`, escaped: a
/// header cannot carry it as it is. A provider's tokens are not known until asked for.
pub(crate) fn control_character(credentials: &Credentials) -> Option<String> {
    let parts: Vec<&str> = match &credentials.0 {
        Kind::AccessToken(t) | Kind::ApiKey(t) | Kind::PublishableKey(t) => vec![t],
        Kind::Basic { id, secret } => vec![id, secret],
        Kind::SecretKey(key) => [Some(key.id.as_str()), Some(key.key.as_str()), key.session_token.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        Kind::Provider(_) => Vec::new(),
    };
    parts.into_iter().find_map(crate::error::first_control).map(|(c, _)| c)
}

/// `Basic <base64(id:secret)>` (RFC 7617).
pub(crate) fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

#[cfg(test)]
mod tests {
    /// RFC 7617's encoding, padding included (the RFC's own example is `Aladdin:open sesame`).
    #[test]
    fn basic_encoding() {
        assert_eq!(super::basic("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(super::basic("a", "b"), "Basic YTpi");
        assert_eq!(super::basic("ab", "c"), "Basic YWI6Yw==");
    }
}
