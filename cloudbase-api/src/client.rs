//! The client: where requests go, how they authenticate, and how long they may take.

use crate::credentials::{Credentials, Kind, TokenProvider};
use crate::error::{DecodeError, Error};
use crate::retry::RetryPolicy;
use crate::runtime::sse::{DecodeData, EventStream};
use crate::runtime::{Operation, RawResponse, Request, Security};
use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The longest URL a request can have, base URL, path and query included, in bytes once
/// percent-encoded: the most the `http` crate's `Uri` takes (its `MAX_LEN`, `u16::MAX - 1`).
pub(crate) const MAX_URL_BYTES: usize = 65_534;

/// Which CloudBase gateway an environment lives behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Region {
    /// Mainland China regions: `https://{env}.api.tcloudbasegateway.com`.
    #[default]
    Mainland,
    /// International regions: `https://{env}.api.intl.tcloudbasegateway.com`.
    International,
}

/// The Tencent Cloud regions served by the mainland gateway, as the official node SDK lists them
/// (`ZONE_CHINA`); every other region is served by the international one.
const MAINLAND_REGIONS: &[&str] = &[
    "ap-shanghai",
    "ap-guangzhou",
    "ap-shenzhen-fsi",
    "ap-shanghai-fsi",
    "ap-nanjing",
    "ap-beijing",
    "ap-chengdu",
    "ap-chongqing",
    "ap-hongkong",
];

impl Region {
    /// The gateway of a Tencent Cloud region, by the region's name, as the official node SDK
    /// maps them: `ap-shanghai`, `ap-guangzhou`, `ap-shenzhen-fsi`, `ap-shanghai-fsi`,
    /// `ap-nanjing`, `ap-beijing`, `ap-chengdu`, `ap-chongqing` and `ap-hongkong` are
    /// [`Region::Mainland`]; every other region (`ap-singapore`, `na-siliconvalley`, ...) is
    /// [`Region::International`]. `None` for a name that is not a region name (letters, digits
    /// and `-`, such as `ap-shanghai`; case is ignored).
    ///
    /// ```
    /// use cloudbase_api::Region;
    ///
    /// assert_eq!(Region::from_name("ap-shanghai"), Some(Region::Mainland));
    /// assert_eq!(Region::from_name("ap-singapore"), Some(Region::International));
    /// assert_eq!(Region::from_name("shanghai please"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Region> {
        let name = name.trim().to_ascii_lowercase();
        let well_formed = name.split_once('-').is_some_and(|(area, rest)| {
            area.len() >= 2
                && area.bytes().all(|b| b.is_ascii_lowercase())
                && !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
        match () {
            _ if !well_formed => None,
            _ if MAINLAND_REGIONS.contains(&name.as_str()) => Some(Region::Mainland),
            _ => Some(Region::International),
        }
    }
}

/// A CloudBase API client. Cheap to clone: clones share one connection pool.
///
/// A request's URL (base URL, path and query, percent-encoded) can be at most 65534 bytes long,
/// the most the HTTP stack sends; a longer one (a huge `select`, a long `in_` list) is refused
/// with [`Error::InvalidRequest`] naming its longest parameter, before any I/O and without
/// retries. Servers and proxies often take less (8 KiB is common). Header values have no
/// client-side limit; a server that takes less answers 431.
///
/// Redirects are followed within the origin (scheme, host and port) of the request, up to 10,
/// with RFC 9110 semantics (307 and 308 keep the method and body; 303, and 301/302 after a POST,
/// become a GET without a body). A redirect to another origin is not followed: the request ends
/// with [`Error::Redirect`] naming that origin, so its body, credentials and the
/// [`ClientBuilder::header`] headers never reach another host. Storage uploads to the storage
/// host's URLs follow the same rule, within the upload URL's origin.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudbase_api::Error> {
/// use cloudbase_api::{Client, Credentials};
///
/// let client = Client::builder()
///     .env_id("my-env-1a2b")
///     .credentials(Credentials::api_key("..."))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    /// For hosts that are not the CloudBase gateway (storage upload URLs): no default headers,
    /// no credentials, ever. Built on first use: most clients never upload, and building a client
    /// (loading the TLS roots) costs as much as many requests.
    foreign: Arc<OnceLock<reqwest::Client>>,
    connect_timeout: Duration,
    base_url: String,
    /// `base_url` parsed once: each request only sets its path and query on a copy, instead of
    /// parsing a whole URL (host included) again.
    base: reqwest::Url,
    /// The path of `base_url` without its trailing `/`, put before every operation's path.
    base_path: String,
    /// Scheme, host and port of `base_url`, for errors (never the path or a query).
    origin: String,
    credentials: Option<Credentials>,
    /// The `Authorization` value of static credentials, built once.
    fixed_authorization: Option<HeaderValue>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    // Stream settings are read only by operations that can stream, which some feature sets lack.
    #[allow(dead_code)]
    max_event_bytes: usize,
    #[allow(dead_code)]
    stream_idle_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &redacted_url(&self.inner.base, &self.inner.base_url))
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// `shown` (the text of `url`) with the password of its userinfo, if any, as `<redacted>`.
fn redacted_url(url: &reqwest::Url, shown: &str) -> String {
    let mut redacted = url.clone();
    if url.password().is_none() || redacted.set_password(Some("redacted")).is_err() {
        return shown.to_owned();
    }
    let text = redacted.as_str().replacen(":redacted@", ":<redacted>@", 1);
    // `shown` has no trailing `/` (the base URL is kept that way); nor has the redacted text.
    text.strip_suffix('/').filter(|_| !shown.ends_with('/')).map(str::to_owned).unwrap_or(text)
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The HTTP client for hosts other than the gateway (it never carries credentials or the
    /// configured default headers), with the client's whole-request timeout. It follows
    /// redirects within the origin of the URL it is given only, as the gateway client does: an
    /// upload carries a file and the storage host's own token, meant for that host alone.
    #[allow(dead_code)] // used by the storage helpers only
    pub(crate) fn foreign_http(&self) -> Result<(&reqwest::Client, Duration), Error> {
        let http = match self.inner.foreign.get() {
            Some(http) => http,
            None => {
                let built = http_client(reqwest::Client::builder(), self.inner.connect_timeout)?;
                self.inner.foreign.get_or_init(|| built)
            }
        };
        Ok((http, self.inner.timeout))
    }

    /// The same client (connection pool, base URL, timeouts, retries) with other credentials,
    /// e.g. a signed-in user's [`Session`](crate::session::Session).
    pub fn with_credentials(&self, credentials: Credentials) -> Client {
        let fixed_authorization = fixed_authorization(&credentials);
        Client {
            inner: Arc::new(Inner { credentials: Some(credentials), fixed_authorization, ..(*self.inner).clone() }),
        }
    }

    /// The same client without credentials (for sign-in and other operations that take none).
    pub fn without_credentials(&self) -> Client {
        Client { inner: Arc::new(Inner { credentials: None, fixed_authorization: None, ..(*self.inner).clone() }) }
    }

    /// The base URL requests go to, e.g. `https://my-env.api.tcloudbasegateway.com`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request (again, as the retry policy allows) and reads the whole reply, up to the
    /// configured size limit.
    pub(crate) async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let url = self.url(&request)?;
        let mut retries = Retries::new(self, &request);
        loop {
            let (authorization, result) = self.attempt(&request, &url, retries.number).await;
            if let Ok(raw) = &result
                && raw.status() == 401
                && retries.may_reauthenticate()
                && authorization.rejected()
            {
                continue;
            }
            let verdict = match &result {
                Err(e) => Verdict::of_error(e),
                Ok(raw) => Verdict::of_reply(raw),
            };
            match retries.wait_before_next(verdict) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return result,
            }
        }
    }

    /// One attempt: credentials, request and whole reply, all within the attempt's timeout (a
    /// token provider that never answers is a timeout like a server that never answers). Returns
    /// the credentials it carried, to invalidate on a 401.
    async fn attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        number: u32,
    ) -> (Authorization, Result<RawResponse, Error>) {
        let operation = request.operation;
        let span = request_span(operation, number);
        async {
            let started = Instant::now();
            let timeout = request.options.timeout.unwrap_or(self.inner.timeout);
            let mut authorization = Authorization::default();
            let exchange = async {
                authorization = self.authorization(operation).await?;
                let response = self.send(request, url, operation.accept, authorization.header.clone()).await?;
                let (status, headers, body) = self.read_body(operation, response).await?;
                Ok::<_, Error>(RawResponse::new(operation, status, headers, body))
            };
            let result = tokio::time::timeout(timeout, exchange)
                .await
                .unwrap_or_else(|_| Err(Error::Timeout { operation: operation.id }));
            if let Ok(raw) = &result {
                record(raw, started);
            }
            (authorization, result)
        }
        .instrument(span)
        .await
    }

    /// Sends a request asking for `text/event-stream`. Until a stream starts, it is retried like
    /// `execute`; a non-success reply is read whole and mapped by `error` as `send()` would.
    #[allow(dead_code)] // used by operations that can stream, which some feature sets lack
    pub(crate) async fn execute_stream<T>(
        &self,
        request: Request,
        terminator: Option<&'static str>,
        decode: DecodeData<T>,
        error: fn(RawResponse) -> Error,
    ) -> Result<EventStream<T>, Error> {
        let operation = request.operation;
        let url = self.url(&request)?;
        let mut retries = Retries::new(self, &request);
        let reply = loop {
            let (authorization, result) = self.stream_attempt(&request, &url, retries.number).await;
            if let Ok(StreamAttempt::Reply(raw)) = &result
                && raw.status() == 401
                && retries.may_reauthenticate()
                && authorization.rejected()
            {
                continue;
            }
            let verdict = match &result {
                Err(e) => Verdict::of_error(e),
                Ok(StreamAttempt::Reply(raw)) => Verdict::of_reply(raw),
                Ok(StreamAttempt::Stream(_)) => Verdict::Done,
            };
            match retries.wait_before_next(verdict) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => break result?,
            }
        };
        match reply {
            StreamAttempt::Stream(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                Ok(EventStream::new(
                    operation,
                    status,
                    headers,
                    Box::pin(response.bytes_stream()),
                    decode,
                    terminator,
                    self.inner.max_event_bytes,
                    self.inner.stream_idle_timeout,
                    self.inner.origin.clone(),
                ))
            }
            StreamAttempt::Reply(raw) if (200..300).contains(&raw.status()) => Err(raw.unexpected_media_type()),
            StreamAttempt::Reply(raw) => Err(error(raw)),
        }
    }

    /// One attempt of a streaming request, like [`attempt`](Self::attempt) until the reply head.
    async fn stream_attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        number: u32,
    ) -> (Authorization, Result<StreamAttempt, Error>) {
        let operation = request.operation;
        let span = request_span(operation, number);
        let mut authorization = Authorization::default();
        let result = self.stream_exchange(request, url, &mut authorization).instrument(span).await;
        (authorization, result)
    }

    async fn stream_exchange(
        &self,
        request: &Request,
        url: &reqwest::Url,
        authorization: &mut Authorization,
    ) -> Result<StreamAttempt, Error> {
        let operation = request.operation;
        let started = Instant::now();
        // The timeout covers the credentials and the wait for the reply head, and the whole body
        // of a reply that is not a stream; a stream's body has an idle timeout instead.
        let timeout = request.options.timeout.unwrap_or(self.inner.timeout);
        let exchange = async {
            *authorization = self.authorization(operation).await?;
            let response = self.send(request, url, "text/event-stream", authorization.header.clone()).await?;
            if response.status().is_success()
                && crate::runtime::media_type_of(response.headers()) == "text/event-stream"
            {
                return Ok(StreamAttempt::Stream(response));
            }
            let (status, headers, body) = self.read_body(operation, response).await?;
            Ok(StreamAttempt::Reply(RawResponse::new(operation, status, headers, body)))
        };
        let attempt =
            tokio::time::timeout(timeout, exchange).await.map_err(|_| Error::Timeout { operation: operation.id })??;
        match &attempt {
            StreamAttempt::Stream(response) => {
                let span = tracing::Span::current();
                span.record("status", response.status().as_u16());
                if let Some(id) = crate::runtime::request_id(response.headers()) {
                    span.record("request_id", id);
                }
                span.record("latency_ms", started.elapsed().as_millis() as u64);
            }
            StreamAttempt::Reply(raw) => record(raw, started),
        }
        Ok(attempt)
    }

    /// The request's URL: the base URL with the request's path and query, refused before any I/O
    /// when it is longer than the HTTP stack sends ([`MAX_URL_BYTES`]), naming its longest part.
    fn url(&self, request: &Request) -> Result<reqwest::Url, Error> {
        let mut url = self.inner.base.clone();
        if self.inner.base_path.is_empty() {
            url.set_path(&request.path);
        } else {
            url.set_path(&format!("{}{}", self.inner.base_path, request.path));
        }
        url.set_query((!request.query.is_empty()).then_some(request.query.as_str()));
        let length = url.as_str().len();
        if length > MAX_URL_BYTES {
            let (part, part_length) = request
                .query
                .split('&')
                .map(|pair| {
                    let name = pair.split('=').next().unwrap_or_default();
                    let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
                    (format!("query parameter `{name}`"), pair.len())
                })
                .chain([("the path".to_owned(), request.path.len())])
                .max_by_key(|(_, length)| *length)
                .unwrap_or_default();
            return Err(Error::invalid(
                request.operation,
                format!(
                    "the URL would be {length} bytes, more than the {MAX_URL_BYTES} bytes the HTTP stack sends; \
                     {part} alone takes {part_length} bytes encoded"
                ),
            ));
        }
        Ok(url)
    }

    async fn send(
        &self,
        request: &Request,
        url: &reqwest::Url,
        accept: &'static str,
        authorization: Option<HeaderValue>,
    ) -> Result<reqwest::Response, Error> {
        let operation = request.operation;
        let mut builder =
            self.inner.http.request(operation.method.to_reqwest(), url.clone()).headers(request.headers.clone());
        match &request.accept {
            Some(chosen) if accept == operation.accept => builder = builder.header(ACCEPT, chosen.clone()),
            _ if !accept.is_empty() => builder = builder.header(ACCEPT, HeaderValue::from_static(accept)),
            _ => {}
        }
        if let Some(authorization) = authorization {
            builder = builder.header(AUTHORIZATION, authorization);
        }
        if let Some((content_type, body)) = &request.body {
            builder = builder.header(CONTENT_TYPE, content_type.clone()).body(body.clone());
        }
        builder.send().await.map_err(|e| transport_error(operation.id, &self.inner.origin, e))
    }

    /// The `Authorization` value for the first of the operation's security alternatives the
    /// configured credentials satisfy. None when the operation takes no credentials (`{}` listed,
    /// or no alternative fits): the server then decides, and a missing credential is its 401.
    async fn authorization(&self, operation: &Operation) -> Result<Authorization, Error> {
        let Some(credentials) = &self.inner.credentials else { return Ok(Authorization::default()) };
        for security in operation.security {
            let (value, provided) = match (security, &credentials.0) {
                (Security::Bearer, Kind::AccessToken(_) | Kind::ApiKey(_) | Kind::PublishableKey(_))
                | (Security::Basic, Kind::Basic { .. })
                    if self.inner.fixed_authorization.is_some() =>
                {
                    return Ok(Authorization { header: self.inner.fixed_authorization.clone(), provided: None });
                }
                (Security::Bearer, Kind::AccessToken(t) | Kind::ApiKey(t) | Kind::PublishableKey(t)) => {
                    (format!("Bearer {t}"), None)
                }
                (Security::Bearer, Kind::Provider(provider)) => {
                    let token = provider.token().await?;
                    (format!("Bearer {token}"), Some((provider.clone(), token)))
                }
                (Security::Basic, Kind::Basic { id, secret }) => (basic(id, secret), None),
                // `{}`, and header keys (Tencent Cloud request signatures, which no credential
                // kind produces), are skipped: a later alternative may still fit.
                _ => continue,
            };
            let mut header = HeaderValue::from_str(&value)
                .map_err(|_| Error::invalid(operation, "the credentials contain characters not allowed in a header"))?;
            header.set_sensitive(true);
            return Ok(Authorization { header: Some(header), provided });
        }
        Ok(Authorization::default())
    }

    /// Reads a reply whole, up to the configured size limit: its status, headers and body.
    async fn read_body(
        &self,
        operation: &'static Operation,
        mut response: reqwest::Response,
    ) -> Result<(u16, HeaderMap, Bytes), Error> {
        let limit = self.inner.max_response_bytes;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let too_large = |headers: HeaderMap| {
            Error::Decode(Box::new(DecodeError {
                operation: operation.id,
                status,
                content_type: headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned),
                headers,
                reason: format!("the reply is larger than the {limit} byte limit (ClientBuilder::max_response_bytes)"),
                snippet: String::new(),
            }))
        };
        let announced = response.content_length();
        if announced.is_some_and(|len| len > limit as u64) {
            return Err(too_large(headers));
        }
        // Chunk by chunk rather than `Response::bytes`, whose future is many times the size of a
        // chunk's and would be moved with every future around it. A body that arrives as one
        // chunk (most replies) is kept as it is, without a copy.
        let mut first = Bytes::new();
        let mut joined = Vec::new();
        while let Some(chunk) =
            response.chunk().await.map_err(|e| transport_error(operation.id, &self.inner.origin, e))?
        {
            if first.len() + joined.len() + chunk.len() > limit {
                return Err(too_large(headers));
            }
            if first.is_empty() && joined.is_empty() {
                first = chunk;
            } else {
                if joined.is_empty() {
                    joined.reserve(announced.map_or(0, |len| len as usize));
                    joined.extend_from_slice(&std::mem::take(&mut first));
                }
                joined.extend_from_slice(&chunk);
            }
        }
        let body = if joined.is_empty() { first } else { Bytes::from(joined) };
        Ok((status, headers, body))
    }
}

/// The credentials one attempt carries, and the provider token among them (to invalidate on 401).
#[derive(Default)]
struct Authorization {
    header: Option<HeaderValue>,
    provided: Option<(Arc<dyn TokenProvider>, String)>,
}

impl Authorization {
    /// After a 401: drops the provider's token, and says whether asking again can help.
    fn rejected(&self) -> bool {
        match &self.provided {
            Some((provider, token)) => {
                provider.invalidate(token);
                true
            }
            None => false,
        }
    }
}

/// What one attempt of a streaming request got.
enum StreamAttempt {
    /// A success with an event stream: the body is read by the `EventStream`.
    Stream(reqwest::Response),
    /// Anything else, read whole.
    Reply(RawResponse),
}

/// Whether an attempt's outcome is worth another attempt.
enum Verdict {
    Done,
    /// Retry, after the server's `Retry-After` if it gave one.
    Retry(Option<Duration>),
}

impl Verdict {
    fn of_error(error: &Error) -> Verdict {
        if error.is_retryable() { Verdict::Retry(None) } else { Verdict::Done }
    }

    fn of_reply(raw: &RawResponse) -> Verdict {
        if raw.is_transient() { Verdict::Retry(raw.retry_after()) } else { Verdict::Done }
    }
}

/// The retry state of one request: attempt number, time spent, and the policy in force.
struct Retries<'a> {
    policy: &'a RetryPolicy,
    operation: &'static Operation,
    method_allows: bool,
    started: Instant,
    number: u32,
    reauthenticated: bool,
}

impl<'a> Retries<'a> {
    fn new(client: &'a Client, request: &'a Request) -> Self {
        let policy = request.options.retry.as_ref().unwrap_or(&client.inner.retry);
        Retries {
            policy,
            operation: request.operation,
            method_allows: request.operation.method.is_idempotent() || policy.non_idempotent,
            started: Instant::now(),
            number: 1,
            reauthenticated: false,
        }
    }

    /// Whether a 401 may be answered by asking the token provider again: once per request.
    fn may_reauthenticate(&mut self) -> bool {
        !std::mem::replace(&mut self.reauthenticated, true)
    }

    /// How long to wait before the next attempt, or `None` to return this outcome.
    fn wait_before_next(&mut self, verdict: Verdict) -> Option<Duration> {
        let Verdict::Retry(retry_after) = verdict else { return None };
        if !self.method_allows || self.number >= self.policy.max_attempts {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| self.policy.backoff_for(self.number));
        // `wait` may come from the wire (`Retry-After`) and be as large as `Duration::MAX`.
        if self.started.elapsed().checked_add(wait).is_none_or(|end| end > self.policy.budget) {
            return None;
        }
        tracing::debug!(
            operation = self.operation.id,
            attempt = self.number,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        self.number += 1;
        Some(wait)
    }
}

/// The span of one attempt: operationId, method, path template, attempt; status, request id and
/// latency once the reply head is in. Never the filled-in path, query, headers or body.
fn request_span(operation: &Operation, attempt: u32) -> tracing::Span {
    tracing::debug_span!(
        "cloudbase_request",
        operation = operation.id,
        method = ?operation.method,
        path = operation.path,
        attempt,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// Records the reply on the current request span.
fn record(raw: &RawResponse, started: Instant) {
    let span = tracing::Span::current();
    span.record("status", raw.status());
    if let Some(id) = crate::runtime::request_id(&raw.headers) {
        span.record("request_id", id);
    }
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    tracing::debug!("reply received");
}

/// The `Authorization` value of static credentials (a provider's changes per request).
fn fixed_authorization(credentials: &Credentials) -> Option<HeaderValue> {
    let value = match &credentials.0 {
        Kind::AccessToken(t) | Kind::ApiKey(t) | Kind::PublishableKey(t) => format!("Bearer {t}"),
        Kind::Basic { id, secret } => basic(id, secret),
        Kind::Provider(_) => return None,
    };
    let mut header = HeaderValue::from_str(&value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

/// A failure to talk to `origin` (scheme, host and port): a timeout, a redirect to another
/// origin that was not followed ([`Error::Redirect`]), or else a transport error. The URL, which
/// may hold ids and tokens in its path and query, is left out.
pub(crate) fn transport_error(operation: &'static str, origin: &str, error: reqwest::Error) -> Error {
    if let Some(redirect) = redirect_error(operation, &error) {
        redirect
    } else if error.is_timeout() {
        Error::Timeout { operation }
    } else {
        Error::Transport { operation, origin: origin.to_owned(), source: error.without_url() }
    }
}

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

/// Configures a [`Client`].
///
/// `Debug` shows no secret: credentials and header values are redacted, and so is the password
/// of a base URL's userinfo.
#[derive(Default)]
pub struct ClientBuilder {
    env_id: Option<String>,
    region: Region,
    base_url: Option<String>,
    credentials: Option<Credentials>,
    headers: Vec<(String, String)>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    max_event_bytes: Option<usize>,
    stream_idle_timeout: Option<Duration>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base_url = self.base_url.as_deref().map(|shown| match reqwest::Url::parse(shown) {
            Ok(url) => redacted_url(&url, shown),
            Err(_) => "<not a URL>".to_owned(),
        });
        let headers: Vec<String> = self.headers.iter().map(|(name, _)| format!("{name}: <redacted>")).collect();
        f.debug_struct("ClientBuilder")
            .field("env_id", &self.env_id)
            .field("region", &self.region)
            .field("base_url", &base_url)
            .field("credentials", &self.credentials)
            .field("headers", &headers)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The CloudBase environment id, e.g. `my-env-1a2b`; with [`region`](Self::region) it gives
    /// the base URL.
    pub fn env_id(mut self, env_id: impl Into<String>) -> Self {
        self.env_id = Some(env_id.into());
        self
    }

    /// The gateway region (default [`Region::Mainland`]).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sends requests here instead (a proxy, a test server); overrides `env_id` and `region`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The credentials requests authenticate with.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// A header sent with every request (tracing ids, a gateway's own headers), unless the
    /// request sets it itself. Names and values are checked by [`build`](Self::build).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// When failed requests are sent again (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Limit for one attempt of a request (default 60 s): obtaining its credentials (a
    /// [`TokenProvider`]'s refresh, or the wait for another request's refresh, included),
    /// sending it and reading the whole reply. Each attempt of a retried request gets its own;
    /// one that runs out ends in [`Error::Timeout`], retried like any timeout. Streams have it
    /// until the reply head arrives, then [`stream_idle_timeout`](Self::stream_idle_timeout)
    /// for each event. A request's own `timeout(..)` replaces it for that request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Limit for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Largest reply body read into memory (default 64 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Largest single server-sent event (default 4 MiB).
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = Some(limit);
        self
    }

    /// Longest wait for the next event of an event stream (default 120 s), counted from the reply
    /// head or the previous event. Bytes that do not complete an event (a line trickled byte by
    /// byte) do not restart it; a comment line (`:`, the keep-alive the SSE standard recommends)
    /// does. A stream that waits longer ends with [`Error::Timeout`].
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// Builds the client; fails on an invalid env id or base URL.
    pub fn build(self) -> Result<Client, Error> {
        let (base_url, base) = match (self.base_url, self.env_id) {
            (Some(url), _) => {
                let parsed =
                    reqwest::Url::parse(&url).map_err(|e| config_error(format!("invalid base URL `{url}`: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                    return Err(config_error(format!("base URL `{url}` must be an http(s) URL with a host")));
                }
                if parsed.query().is_some() || parsed.fragment().is_some() {
                    return Err(config_error(format!("base URL `{url}` must not have a query or fragment")));
                }
                (url.trim_end_matches('/').to_owned(), parsed)
            }
            (None, Some(env_id)) => {
                validate_env_id(&env_id)?;
                let url = match self.region {
                    Region::Mainland => format!("https://{env_id}.api.tcloudbasegateway.com"),
                    Region::International => format!("https://{env_id}.api.intl.tcloudbasegateway.com"),
                };
                let parsed =
                    reqwest::Url::parse(&url).map_err(|e| config_error(format!("invalid base URL `{url}`: {e}")))?;
                (url, parsed)
            }
            (None, None) => return Err(config_error("set `env_id` (or `base_url`)".to_owned())),
        };
        let base_path = base.path().trim_end_matches('/').to_owned();
        let origin = base.origin().ascii_serialization();
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &self.headers {
            let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| config_error(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| config_error(format!("header `{name}` has a character not allowed in headers")))?;
            headers.append(header, value);
        }
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(10));
        let http = http_client(reqwest::Client::builder().default_headers(headers), connect_timeout)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                foreign: Default::default(),
                connect_timeout,
                base_url,
                base,
                base_path,
                origin,
                fixed_authorization: self.credentials.as_ref().and_then(fixed_authorization),
                credentials: self.credentials,
                timeout: self.timeout.unwrap_or(Duration::from_secs(60)),
                retry: self.retry.unwrap_or_default(),
                max_response_bytes: self.max_response_bytes.unwrap_or(64 << 20),
                max_event_bytes: self.max_event_bytes.unwrap_or(4 << 20),
                stream_idle_timeout: self.stream_idle_timeout.unwrap_or(Duration::from_secs(120)),
            }),
        })
    }
}

fn http_client(builder: reqwest::ClientBuilder, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    builder
        .redirect(same_origin_redirects())
        // The previous URL (its query may hold a token) is nobody's business.
        .referer(false)
        .connect_timeout(connect_timeout)
        .user_agent(concat!("cloudbase-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| config_error(format!("cannot build the HTTP client: {e}")))
}

/// How many redirects one request follows (reqwest's default).
const MAX_REDIRECTS: usize = 10;

/// Follows redirects within the origin of the request's URL (scheme, host and port, RFC 6454),
/// with reqwest's RFC 9110 semantics: 307 and 308 keep the method and the body; 303, and 301/302
/// after a POST, become a GET without a body. A redirect to another origin is not followed: the
/// body, the credentials and the custom headers were meant for the first one. It ends the request
/// with [`CrossOrigin`], which [`transport_error`] turns into [`Error::Redirect`].
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(reqwest::Url::origin);
        let next = attempt.url().origin();
        if first.is_some_and(|first| first != next) || !next.is_tuple() {
            let cross = CrossOrigin { status: attempt.status().as_u16(), target: next.ascii_serialization() };
            attempt.error(cross)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else {
            attempt.follow()
        }
    })
}

/// A redirect to another origin, not followed.
#[derive(Debug)]
struct CrossOrigin {
    status: u16,
    /// `scheme://host[:port]`: never the path or the query.
    target: String,
}

impl fmt::Display for CrossOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} redirect to another origin ({}), not followed", self.status, self.target)
    }
}

impl std::error::Error for CrossOrigin {}

/// [`Error::Redirect`] when `error` is a redirect to another origin that was not followed.
fn redirect_error(operation: &'static str, error: &reqwest::Error) -> Option<Error> {
    let cross = std::error::Error::source(error)?.downcast_ref::<CrossOrigin>()?;
    Some(Error::Redirect { operation, status: cross.status, target: cross.target.clone() })
}

fn config_error(message: String) -> Error {
    Error::Config { message }
}

/// Env ids are DNS labels: letters, digits and `-`, so nothing can be smuggled into the host.
fn validate_env_id(env_id: &str) -> Result<(), Error> {
    let valid = !env_id.is_empty()
        && env_id.len() <= 63
        && env_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !env_id.starts_with('-')
        && !env_id.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(config_error(format!("`{env_id}` is not a valid env id (letters, digits and `-`, at most 63)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_from_env_and_region() {
        let client = Client::builder().env_id("my-env-1a2b").build().unwrap();
        assert_eq!(client.base_url(), "https://my-env-1a2b.api.tcloudbasegateway.com");
        let client = Client::builder().env_id("my-env-1a2b").region(Region::International).build().unwrap();
        assert_eq!(client.base_url(), "https://my-env-1a2b.api.intl.tcloudbasegateway.com");
        let client = Client::builder().env_id("x").base_url("http://127.0.0.1:4010/").build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    }

    #[test]
    fn regions_by_name_follow_the_official_sdks_mainland_list() {
        for mainland in MAINLAND_REGIONS {
            assert_eq!(Region::from_name(mainland), Some(Region::Mainland), "{mainland}");
        }
        assert_eq!(Region::from_name(" AP-Beijing "), Some(Region::Mainland));
        for international in ["ap-singapore", "ap-tokyo", "na-siliconvalley", "eu-frankfurt", "ap-shenzhen"] {
            assert_eq!(Region::from_name(international), Some(Region::International), "{international}");
        }
        for malformed in ["", "shanghai", "ap-", "-x", "ap shanghai", "ap-上海", "a-b"] {
            assert_eq!(Region::from_name(malformed), None, "{malformed:?}");
        }
    }

    #[test]
    fn env_ids_cannot_change_the_host() {
        for bad in ["", "evil.com/x", "a@b", "env.evil.com", "-x", "a b", "x#"] {
            let error = Client::builder().env_id(bad).build().err().unwrap_or_else(|| panic!("{bad:?} accepted"));
            // A configuration error, not a request refused before I/O.
            assert!(matches!(error, Error::Config { .. }), "{bad:?}: {error:?}");
            assert_eq!(error.operation(), "ClientBuilder::build");
        }
        let error = Client::builder().base_url("not a url").build().unwrap_err();
        assert!(
            matches!(error, Error::Config { .. }) && error.to_string().starts_with("client configuration: "),
            "{error}"
        );
    }

    #[test]
    fn basic_encoding() {
        assert_eq!(basic("id", "secret"), "Basic aWQ6c2VjcmV0");
        assert_eq!(basic("a", "b"), "Basic YTpi");
        assert_eq!(basic("ab", "c"), "Basic YWI6Yw==");
    }

    #[test]
    fn debug_never_shows_the_password_of_a_base_url() {
        let client = Client::builder().base_url("http://admin:hunter2@127.0.0.1:4010/api/").build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("http://admin:<redacted>@127.0.0.1:4010/api"), "{shown}");
        let builder = Client::builder().base_url("http://admin:hunter2@127.0.0.1:4010").header("X-Api-Key", "k-77");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("k-77"), "{shown}");
        assert!(shown.contains("X-Api-Key: <redacted>"), "{shown}");
        let plain = Client::builder().base_url("http://127.0.0.1:4010").build().unwrap();
        assert!(format!("{plain:?}").contains("\"http://127.0.0.1:4010\""), "{plain:?}");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = Client::builder().env_id("e").credentials(Credentials::api_key("sk-123")).build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("sk-123"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
