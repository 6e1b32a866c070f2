//! The client: where requests go, how they authenticate, and how long they may take.

use crate::credentials::{Credentials, fixed_authorization};
use crate::error::Error;
use crate::http::{Attempt, Configure, Hook};
use crate::retry::RetryPolicy;
use reqwest::header::{HeaderMap, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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
/// (`ZONE_CHINA`).
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

/// The other Tencent Cloud regions, as Tencent Cloud's region list names them; the official node
/// SDK sends every region outside [`MAINLAND_REGIONS`] to the international gateway.
const INTERNATIONAL_REGIONS: &[&str] = &[
    "ap-singapore",
    "ap-bangkok",
    "ap-jakarta",
    "ap-mumbai",
    "ap-seoul",
    "ap-tokyo",
    "na-siliconvalley",
    "na-ashburn",
    "na-toronto",
    "sa-saopaulo",
    "eu-frankfurt",
];

impl Region {
    /// The gateway of a Tencent Cloud region, by the region's name (case and surrounding spaces
    /// ignored), as the official node SDK maps them: `ap-shanghai`, `ap-guangzhou`,
    /// `ap-shenzhen-fsi`, `ap-shanghai-fsi`, `ap-nanjing`, `ap-beijing`, `ap-chengdu`,
    /// `ap-chongqing` and `ap-hongkong` are [`Region::Mainland`]; `ap-singapore`, `ap-bangkok`,
    /// `ap-jakarta`, `ap-mumbai`, `ap-seoul`, `ap-tokyo`, `na-siliconvalley`, `na-ashburn`,
    /// `na-toronto`, `sa-saopaulo` and `eu-frankfurt` are [`Region::International`]; so are the
    /// names `mainland` and `international` themselves. `None` for any other name: a misspelled
    /// region is not guessed at. [`str::parse`] gives an [`Error::Config`] instead, suggesting the
    /// closest name.
    ///
    /// ```
    /// use cloudbase_api::Region;
    ///
    /// assert_eq!(Region::from_name("ap-shanghai"), Some(Region::Mainland));
    /// assert_eq!(Region::from_name("ap-singapore"), Some(Region::International));
    /// assert_eq!(Region::from_name("ap-shangai"), None);
    /// let error = "ap-shangai".parse::<Region>().unwrap_err();
    /// assert!(error.to_string().ends_with("did you mean `ap-shanghai`?"), "{error}");
    /// ```
    pub fn from_name(name: &str) -> Option<Region> {
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "mainland" => Some(Region::Mainland),
            "international" => Some(Region::International),
            name if MAINLAND_REGIONS.contains(&name) => Some(Region::Mainland),
            name if INTERNATIONAL_REGIONS.contains(&name) => Some(Region::International),
            _ => None,
        }
    }
}

/// [`Region::from_name`], with an [`Error::Config`] for a name it does not know, naming the
/// closest known name when one is near (`ap-shangai`: did you mean `ap-shanghai`?).
impl std::str::FromStr for Region {
    type Err = Error;

    fn from_str(name: &str) -> Result<Region, Error> {
        if let Some(region) = Region::from_name(name) {
            return Ok(region);
        }
        let names = || {
            ["mainland", "international"]
                .into_iter()
                .chain(MAINLAND_REGIONS.iter().chain(INTERNATIONAL_REGIONS).copied())
        };
        let wanted = name.trim().to_ascii_lowercase();
        let closest = names().map(|known| (edit_distance(&wanted, known), known)).min();
        let shown = crate::error::escape_controls(name);
        Err(config_error(match closest {
            Some((distance, known)) if distance <= 2.max(wanted.chars().count() / 4) => {
                format!("`{shown}` is not a region name: did you mean `{known}`?")
            }
            _ => format!(
                "`{shown}` is not a region name: one of {}",
                names().map(|known| format!("`{known}`")).collect::<Vec<_>>().join(", ")
            ),
        }))
    }
}

/// The Levenshtein distance of `a` and `b` in characters: insertions, deletions and
/// substitutions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Stalled-stream protection: a floor on the throughput of a streamed reply (a download's
/// [`ByteStream`](crate::ByteStream), an [`EventStream`](crate::EventStream)), set with
/// [`ClientBuilder::stalled_stream_protection`]. On by default: at least 256 bytes/s over a
/// grace period of 20 s.
///
/// The idle timeout ([`ClientBuilder::stream_idle_timeout`]) ends a stream that sends nothing;
/// a server sending a byte now and then resets it each time. This protection ends a stream
/// whose bytes come too slowly: the throughput is measured over the last grace period of the
/// time spent waiting for the server, in ten bins, and enforced once a whole grace period of
/// waiting is behind the stream; a stream below the floor ends with [`Error::Stalled`] giving
/// the rate it measured. A trickle of a byte a second is cut about a grace period after it
/// starts; so is a stream that stops altogether, long before the idle timeout.
///
/// Only the waiting counts: the time from when the reader asks for the next chunk and none
/// has arrived, to when one arrives. Time the reader spends elsewhere (writing each chunk to a
/// slow disk, or not reading at all for a while) is not held against the server. An event
/// stream counts only its waits in the middle of an event (part of it arrived): the wait for
/// the first event and between events is the idle timeout's alone, since a model may think
/// for a while between events, and a `:` keep-alive comment is no part of an event.
///
/// The default floor is well below the slowest links in use (2G data moves a few KB/s, a
/// carrier's throttled plan 2 KB/s and more, even shared by several streams) and far above
/// a trickle. A stream cut this way is not sent again by the client: [`Error::is_retryable`]
/// says a new request may succeed, which is the caller's to send (e.g. a download again).
/// Request bodies (uploads) have the request's [`timeout`](ClientBuilder::timeout) instead.
///
/// ```
/// use cloudbase_api::{Client, StalledStreamProtection};
/// use std::time::Duration;
///
/// let client = Client::builder()
///     .env_id("my-env-1a2b")
///     .stalled_stream_protection(
///         StalledStreamProtection::enabled().min_throughput(1024).grace_period(Duration::from_secs(30)),
///     )
///     .build()?;
/// let unprotected = Client::builder()
///     .env_id("my-env-1a2b")
///     .stalled_stream_protection(StalledStreamProtection::disabled())
///     .build()?;
/// # Ok::<(), cloudbase_api::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StalledStreamProtection {
    /// Bytes per second; 0 is off.
    minimum: u64,
    grace_period: Duration,
}

impl StalledStreamProtection {
    /// The default floor, in bytes per second.
    const DEFAULT_MINIMUM: u64 = 256;
    /// The default grace period.
    const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(20);
    /// The shortest grace period a client takes: its tenth is the bin the throughput is
    /// counted in.
    const SHORTEST_GRACE_PERIOD: Duration = Duration::from_millis(10);

    /// The protection with its defaults: at least 256 bytes/s over a grace period of 20 s.
    pub const fn enabled() -> Self {
        StalledStreamProtection { minimum: Self::DEFAULT_MINIMUM, grace_period: Self::DEFAULT_GRACE_PERIOD }
    }

    /// No floor: only the idle timeout (and a transfer timeout, if set) ends a slow stream.
    pub const fn disabled() -> Self {
        StalledStreamProtection { minimum: 0, grace_period: Self::DEFAULT_GRACE_PERIOD }
    }

    /// The floor, in bytes per second (default 256); 0 turns the protection off.
    pub const fn min_throughput(mut self, bytes_per_second: u64) -> Self {
        self.minimum = bytes_per_second;
        self
    }

    /// The waiting time the throughput is measured over, and that must be behind a stream
    /// before the floor is enforced (default 20 s; at least 10 ms, which
    /// [`ClientBuilder::build`] checks).
    pub const fn grace_period(mut self, grace_period: Duration) -> Self {
        self.grace_period = grace_period;
        self
    }

    /// Whether a floor is enforced.
    pub const fn is_enabled(&self) -> bool {
        self.minimum > 0
    }

    pub(crate) fn minimum_throughput(&self) -> u64 {
        self.minimum
    }

    pub(crate) fn grace_period_length(&self) -> Duration {
        self.grace_period
    }
}

impl Default for StalledStreamProtection {
    /// [`StalledStreamProtection::enabled`].
    fn default() -> Self {
        StalledStreamProtection::enabled()
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
    pub(crate) inner: Arc<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    /// For the gateway and for other hosts (storage upload URLs) alike: what only the gateway
    /// gets (credentials, the configured headers) is added to each gateway request.
    pub(crate) http: reqwest::Client,
    /// The [`ClientBuilder::header`] headers, added to gateway requests that lack them.
    pub(crate) headers: HeaderMap,
    pub(crate) on_attempt: Option<Hook>,
    pub(crate) base_url: String,
    /// The environment id, when configured (a client configured by base URL alone has none).
    pub(crate) env_id: Option<String>,
    /// Sent as `x-device-id` on the authentication calls (`ClientBuilder::device_id`).
    pub(crate) device_id: String,
    /// `base_url` parsed once: each request only sets its path and query on a copy, instead of
    /// parsing a whole URL (host included) again.
    pub(crate) base: reqwest::Url,
    /// The path of `base_url` without its trailing `/`, put before every operation's path.
    pub(crate) base_path: String,
    /// Scheme, host and port of `base_url`, for errors (never the path or a query).
    pub(crate) origin: String,
    pub(crate) credentials: Option<Credentials>,
    /// The `Authorization` value of static credentials, built once.
    pub(crate) fixed_authorization: Option<HeaderValue>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    // Stream settings are read only by operations that can stream, which some feature sets lack.
    #[allow(dead_code)]
    pub(crate) max_event_bytes: usize,
    #[allow(dead_code)]
    pub(crate) stream_timers: crate::runtime::stall::StreamTimers,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// The URL `shown` as messages and `Debug` show it: the password of its userinfo and the values
/// of credential query keys `<redacted>` (the rule every `Debug` of a URL follows,
/// [`runtime::redact`](crate::runtime::redact)), `<not a URL>` for text that is not one.
fn redacted_url(shown: &str) -> String {
    match crate::runtime::redact::shown_url(shown) {
        Some(text) => text.into_owned(),
        None => "<not a URL>".to_owned(),
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The HTTP client for hosts other than the gateway, with the client's whole-request
    /// timeout: requests made with it carry no credentials and none of the configured headers
    /// unless the caller adds them. It follows redirects within the origin of the URL it is
    /// given only, as for the gateway: an upload carries a file and the storage host's own
    /// token, meant for that host alone.
    #[allow(dead_code)] // used by the storage helpers only
    pub(crate) fn foreign_http(&self) -> (&reqwest::Client, Duration) {
        (&self.inner.http, self.inner.timeout)
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

    /// The base URL requests go to, e.g. `https://my-env.api.tcloudbasegateway.com`: as parsed
    /// (scheme and host lower-cased, a default port and dot segments dropped), without a trailing
    /// `/`, which is exactly what requests use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The environment id the client was configured with, if any (a client configured by
    /// [`base_url`](ClientBuilder::base_url) alone has none). The authentication operations send
    /// it as their `client_id` unless the request sets one, as the vendor's SDKs do.
    pub fn env_id(&self) -> Option<&str> {
        self.inner.env_id.as_deref()
    }

    /// The device id sent as `x-device-id` on every authentication call (sign-in, codes,
    /// token refresh, the user's own operations), unless the request sets its own. CloudBase
    /// counts a user's signed-in devices by it. Set it with [`ClientBuilder::device_id`] to keep
    /// it across runs; otherwise the client generates one when built (32 hex digits, as the
    /// vendor's SDKs do), shared by every client derived from it
    /// ([`with_credentials`](Self::with_credentials), a [`Session`](crate::session::Session)'s).
    pub fn device_id(&self) -> &str {
        &self.inner.device_id
    }
}

/// A new device id: 32 random hex digits, the form of the vendor's SDKs (a UUID without dashes).
fn new_device_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// Device ids travel in a header: printable ASCII without spaces, 1 to 128 bytes.
pub(crate) fn is_device_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

fn validate_device_id(id: &str) -> Result<(), Error> {
    if is_device_id(id) {
        Ok(())
    } else {
        Err(config_error(format!(
            "`{}` is not a device id (1 to 128 printable ASCII characters without spaces)",
            id.escape_debug()
        )))
    }
}

/// Configures a [`Client`]: [`Client::builder`], or [`ClientBuilder::from_env`] for the
/// settings the environment gives.
///
/// `Debug` shows no secret: credentials and header values are redacted, and so is the password
/// of a base URL's userinfo.
#[derive(Default)]
pub struct ClientBuilder {
    env_id: Option<String>,
    device_id: Option<String>,
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
    stalled_stream_protection: Option<StalledStreamProtection>,
    transfer_timeout: Option<Duration>,
    http: Option<Configure>,
    on_attempt: Option<Hook>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base_url = self.base_url.as_deref().map(redacted_url);
        let headers: Vec<String> = self.headers.iter().map(|(name, _)| format!("{name}: <redacted>")).collect();
        f.debug_struct("ClientBuilder")
            .field("env_id", &self.env_id)
            .field("device_id", &self.device_id)
            .field("region", &self.region)
            .field("base_url", &base_url)
            .field("credentials", &self.credentials)
            .field("headers", &headers)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("stalled_stream_protection", &self.stalled_stream_protection)
            .field("transfer_timeout", &self.transfer_timeout)
            .field("http_client", &self.http.as_ref().map(|_| "<configured>"))
            .field("on_attempt", &self.on_attempt.as_ref().map(|_| "<hook>"))
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

    /// The device id sent as `x-device-id` on the authentication calls (default: one generated
    /// when the client is built); keep it across runs of an app so that CloudBase sees one
    /// device. See [`Client::device_id`].
    pub fn device_id(mut self, device_id: impl Into<String>) -> Self {
        self.device_id = Some(device_id.into());
        self
    }

    /// The gateway region (default [`Region::Mainland`]).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Sends requests here instead (a proxy, a test server); overrides `env_id` and `region`.
    /// An http(s) URL with a host, without a query, a fragment or a user name or password
    /// (userinfo would be copied into every URL built on it: signed and public links, what the
    /// [`on_attempt`](Self::on_attempt) hook sees); [`Client::base_url`] gives it as parsed.
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
    /// request sets it itself (a body its `Content-Type`). Names and values are checked by
    /// [`build`](Self::build), which refuses `Content-Length` and `Transfer-Encoding`: they
    /// frame each body.
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
    /// [`TokenProvider`](crate::TokenProvider)'s refresh, or the wait for another request's refresh, included),
    /// sending it and reading the whole reply. Each attempt of a retried request gets its own;
    /// one that runs out ends in [`Error::Timeout`], retried like any timeout. Streamed replies
    /// (downloads, event streams) have it until the reply head arrives; then their body has
    /// the [`stream_idle_timeout`](Self::stream_idle_timeout), the throughput floor of
    /// [`stalled_stream_protection`](Self::stalled_stream_protection) and, if set, the
    /// [`transfer_timeout`](Self::transfer_timeout). A request's own `timeout(..)` replaces it
    /// for that request.
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

    /// Longest wait for the next event of an event stream, or the next chunk of a download
    /// (default 120 s), counted from the reply head or the previous one. For an event stream,
    /// bytes that do not complete an event (a line trickled byte by byte) do not restart it; a
    /// comment line (`:`, the keep-alive the SSE standard recommends) does. A stream that waits
    /// longer ends with [`Error::Timeout`]. A download trickled a byte at a time resets it with
    /// each chunk: the floor of [`stalled_stream_protection`](Self::stalled_stream_protection)
    /// is what ends that one.
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// The floor on the throughput of streamed replies (downloads and event streams): on by
    /// default, at least 256 bytes/s over a grace period of 20 s of waiting for the server.
    /// A stream below it ends with [`Error::Stalled`]. See [`StalledStreamProtection`] for what
    /// is measured and when.
    pub fn stalled_stream_protection(mut self, protection: StalledStreamProtection) -> Self {
        self.stalled_stream_protection = Some(protection);
        self
    }

    /// Longest time a streamed reply (a download's [`ByteStream`](crate::ByteStream), an
    /// [`EventStream`](crate::EventStream)) may take to arrive whole, counted from its head
    /// (default: none, so a stream that keeps moving may take as long as it needs). A stream
    /// still waiting for the server at the deadline ends with [`Error::Timeout`] (what has
    /// arrived by then is still read). A download can set its own with
    /// [`ByteStream::transfer_timeout`](crate::ByteStream::transfer_timeout).
    pub fn transfer_timeout(mut self, timeout: Duration) -> Self {
        self.transfer_timeout = Some(timeout);
        self
    }

    /// Configures the HTTP client underneath (reqwest's builder): proxies, pool and HTTP/2
    /// settings, local address, DNS, keep-alive, another TLS configuration.
    ///
    /// `configure` gets a builder with the TLS of the enabled feature, the
    /// [`connect_timeout`](Self::connect_timeout) and the crate's user agent already set, and
    /// may change any of them. The crate still owns, and sets after `configure`: the redirect
    /// policy (within the request's origin only, see [`Client`]) and no `Referer`. Per request
    /// it also owns the [`timeout`](Self::timeout) of each attempt, retries, credentials, the
    /// [`header`](Self::header) headers and the size limits; a timeout set here applies as
    /// well, counted by reqwest per attempt.
    ///
    /// TLS settings made here (`tls_certs_merge` for a private root, `tls_backend_native`, ...)
    /// apply under each TLS feature.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// let proxy = reqwest::Proxy::https("http://proxy.internal:3128")?;
    /// let client = cloudbase_api::Client::builder()
    ///     .env_id("my-env-1a2b")
    ///     .http_client(move |http| http.proxy(proxy).pool_idle_timeout(Duration::from_secs(30)))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn http_client(
        mut self,
        configure: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.http = Some(Box::new(configure));
        self
    }

    /// Calls `hook` after each attempt of each gateway request (a retry is another attempt),
    /// with the operation, method, URL without its query, status, request id, time taken and
    /// error: for metrics and logs of your own. It never sees a header, a body or a credential.
    /// It runs on the request's task before the reply is decoded, so it should be quick: send
    /// what it needs to a channel rather than doing I/O.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    ///
    /// let failures = Arc::new(AtomicU64::new(0));
    /// let counted = failures.clone();
    /// let client = cloudbase_api::Client::builder()
    ///     .env_id("my-env-1a2b")
    ///     .on_attempt(move |attempt| {
    ///         if attempt.status.is_none_or(|status| status >= 500) {
    ///             counted.fetch_add(1, Ordering::Relaxed);
    ///         }
    ///         eprintln!("{} {} -> {:?} in {:?}", attempt.method, attempt.url, attempt.status, attempt.elapsed);
    ///     })
    ///     .build()?;
    /// # Ok::<(), cloudbase_api::Error>(())
    /// ```
    pub fn on_attempt(mut self, hook: impl Fn(&Attempt<'_>) + Send + Sync + 'static) -> Self {
        self.on_attempt = Some(Arc::new(hook));
        self
    }

    /// Builds the client; fails with [`Error::Config`] naming the setting on: a control
    /// character (C0, DEL or C1: a line break, a tab, an escape) in any value given (base URL,
    /// env id, device id, header names and values, credentials), an invalid env id or device id,
    /// a base URL that is not an http(s) URL with a host or that holds a query, a fragment or a
    /// user name or password (userinfo: it would end up in every URL the client hands out), or an
    /// `https://` one in a build without a TLS feature. An error shows no credential and no
    /// header value, and only the escaped form of other values.
    pub fn build(self) -> Result<Client, Error> {
        let controls = |setting: &str, value: &str| match crate::error::first_control(value) {
            None => Ok(()),
            Some((c, at)) => Err(config_error(format!("{setting} holds a control character (`{c}` at byte {at})"))),
        };
        if let Some(url) = &self.base_url {
            controls("`base_url`", url)?;
        }
        if let Some(env_id) = &self.env_id {
            controls("`env_id`", env_id)?;
            validate_env_id(env_id)?;
        }
        if let Some(id) = &self.device_id {
            controls("`device_id`", id)?;
        }
        for (name, value) in &self.headers {
            let shown = crate::error::escape_controls(name);
            controls(&format!("`header` name `{shown}`"), name)?;
            if let Some((c, _)) = crate::error::first_control(value) {
                return Err(config_error(format!(
                    "`header` `{shown}`: its value holds a control character (`{c}`; the value is not shown)"
                )));
            }
        }
        if let Some(c) = self.credentials.as_ref().and_then(crate::credentials::control_character) {
            return Err(config_error(format!(
                "`credentials` hold a control character (`{c}`; the value is not shown)"
            )));
        }
        let device_id = match self.device_id {
            Some(id) => {
                validate_device_id(&id)?;
                id
            }
            None => new_device_id(),
        };
        let (base_url, base) = match (self.base_url, self.env_id.as_deref()) {
            (Some(url), _) => {
                let parsed = parse_base_url(&url).map_err(|refused| {
                    config_error(match refused {
                        // A URL that does not parse is not shown: it may hold a password.
                        BaseUrlRefused::NotAUrl(e) => format!("invalid base URL: {e}"),
                        BaseUrlRefused::Unfit(why) => {
                            format!("base URL `{}` {why}", redacted_url(&url))
                        }
                    })
                })?;
                // The URL as parsed, which is what requests use (the parser lower-cases the
                // scheme and host, drops a default port, resolves dot segments).
                (parsed.as_str().trim_end_matches('/').to_owned(), parsed)
            }
            (None, Some(env_id)) => {
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
        if base.scheme() == "https" && !crate::http::HAS_TLS {
            return Err(config_error(format!(
                "`{}` is https, and this build of cloudbase-api has no TLS: enable one of its features \
                 `rustls-ring`, `rustls-aws-lc` or `native-tls`",
                redacted_url(&base_url)
            )));
        }
        let base_path = base.path().trim_end_matches('/').to_owned();
        let origin = base.origin().ascii_serialization();
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let header = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                config_error(format!("`{}` is not a valid header name", crate::error::escape_controls(name)))
            })?;
            // The framing of each body is the HTTP stack's: a fixed one would cut or hang bodies.
            if header == reqwest::header::CONTENT_LENGTH || header == reqwest::header::TRANSFER_ENCODING {
                return Err(config_error(format!(
                    "`{name}` frames each request's body and is set for it; it cannot be a header of every request"
                )));
            }
            let value = HeaderValue::from_str(value)
                .map_err(|_| config_error(format!("header `{name}` has a character not allowed in headers")))?;
            headers.append(header, value);
        }
        let stall = self.stalled_stream_protection.unwrap_or_default();
        if stall.is_enabled() && stall.grace_period < StalledStreamProtection::SHORTEST_GRACE_PERIOD {
            return Err(config_error(format!(
                "`stalled_stream_protection`: a grace period of {:?} is shorter than {:?}",
                stall.grace_period,
                StalledStreamProtection::SHORTEST_GRACE_PERIOD
            )));
        }
        let connect_timeout = self.connect_timeout.unwrap_or(Duration::from_secs(10));
        let http = crate::http::http_client(connect_timeout, self.http)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                headers,
                on_attempt: self.on_attempt,
                base_url,
                env_id: self.env_id,
                device_id,
                base,
                base_path,
                origin,
                fixed_authorization: self.credentials.as_ref().and_then(fixed_authorization),
                credentials: self.credentials,
                timeout: self.timeout.unwrap_or(Duration::from_secs(60)),
                retry: self.retry.unwrap_or_default(),
                max_response_bytes: self.max_response_bytes.unwrap_or(64 << 20),
                max_event_bytes: self.max_event_bytes.unwrap_or(4 << 20),
                stream_timers: crate::runtime::stall::StreamTimers {
                    idle: self.stream_idle_timeout.unwrap_or(Duration::from_secs(120)),
                    stall,
                    transfer: self.transfer_timeout,
                },
            }),
        })
    }
}

/// Why a base URL is refused.
pub(crate) enum BaseUrlRefused {
    NotAUrl(String),
    /// It parsed, and is not what a base URL may be.
    Unfit(&'static str),
}

/// A base URL as the client takes it: http(s), with a host, without a query, a fragment or
/// userinfo.
pub(crate) fn parse_base_url(url: &str) -> Result<reqwest::Url, BaseUrlRefused> {
    let parsed = reqwest::Url::parse(url).map_err(|e| BaseUrlRefused::NotAUrl(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(BaseUrlRefused::Unfit("must be an http(s) URL with a host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(BaseUrlRefused::Unfit("must not have a query or fragment"));
    }
    // Nothing uses userinfo (credentials are set apart), and every URL built on the base URL
    // would carry it: signed and public links, what the `on_attempt` hook sees, errors.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(BaseUrlRefused::Unfit("must not hold a user name or password"));
    }
    Ok(parsed)
}

pub(crate) fn config_error(message: String) -> Error {
    Error::Config { message }
}

/// Env ids are DNS labels: letters, digits and `-`, so nothing can be smuggled into the host.
pub(crate) fn is_env_id(env_id: &str) -> bool {
    !env_id.is_empty()
        && env_id.len() <= 63
        && env_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !env_id.starts_with('-')
        && !env_id.ends_with('-')
}

fn validate_env_id(env_id: &str) -> Result<(), Error> {
    if is_env_id(env_id) {
        Ok(())
    } else {
        Err(config_error(format!(
            "`{}` is not a valid env id (letters, digits and `-`, at most 63)",
            crate::error::escape_controls(env_id)
        )))
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
        for international in INTERNATIONAL_REGIONS {
            assert_eq!(Region::from_name(international), Some(Region::International), "{international}");
        }
        for malformed in ["", "shanghai", "ap-", "-x", "ap shanghai", "ap-上海", "a-b", "ap-shenzhen", "ap-shangai"] {
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
    fn debug_never_shows_the_password_of_a_base_url() {
        let builder = Client::builder().base_url("http://admin:hunter2@127.0.0.1:4010/api/");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("http://admin:<redacted>@127.0.0.1:4010/api"), "{shown}");
        let builder = Client::builder().base_url("http://admin:hunter2@127.0.0.1:4010").header("X-Api-Key", "k-77");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("k-77"), "{shown}");
        assert!(shown.contains("X-Api-Key: <redacted>"), "{shown}");
        for bad in
            ["http://admin:hunter2@127.0.0.1:4010/?x=1", "ftp://admin:hunter2@host/", "http://admin:hunter2@[::1"]
        {
            let error = Client::builder().base_url(bad).build().unwrap_err().to_string();
            assert!(!error.contains("hunter2"), "{error}");
        }
        let plain = Client::builder().base_url("http://127.0.0.1:4010").build().unwrap();
        assert!(format!("{plain:?}").contains("\"http://127.0.0.1:4010\""), "{plain:?}");
    }

    /// The message of the configuration error `builder` ends in.
    fn refusal(builder: ClientBuilder) -> String {
        match builder.build() {
            Err(Error::Config { message }) => message,
            Err(other) => panic!("expected a configuration error, got {other:?}"),
            Ok(client) => panic!("accepted: {client:?}"),
        }
    }

    #[test]
    fn control_characters_are_refused_in_every_setting_and_never_echoed_raw() {
        let raw = |message: &str| message.chars().any(char::is_control);
        let base = || Client::builder().base_url("http://127.0.0.1:4010");
        let cases: Vec<(&str, ClientBuilder)> = vec![
            ("base_url", Client::builder().base_url("http://127.0.0.1:4010/\r\nX-Injected: 1")),
            ("base_url", Client::builder().base_url("http://127.0.0.1:40\t10/v1")),
            ("base_url", Client::builder().base_url("\u{1}http://127.0.0.1:4010")),
            ("env_id", Client::builder().env_id("e1\r\n")),
            ("env_id", base().env_id("e1\u{85}")),
            ("device_id", base().device_id("dev\u{7f}")),
            ("header", base().header("X-Trace\r\nX-Injected", "1")),
            ("header", base().header("X-Trace", "a\tb")),
            ("header", base().header("X-Trace", "a\u{85}b")),
            ("credentials", base().credentials(Credentials::api_key("sk-1\u{85}"))),
            ("credentials", base().credentials(Credentials::access_token("tok\r\n"))),
            ("credentials", base().credentials(Credentials::basic("id", "secret\u{9b}"))),
            ("credentials", base().credentials(Credentials::secret_key("AKID", "key\n"))),
        ];
        for (method, builder) in cases {
            let message = refusal(builder);
            assert!(message.starts_with(&format!("`{method}`")), "{message}");
            assert!(message.contains("control character"), "{message}");
            assert!(!raw(&message), "{message:?}");
            assert!(
                !message.contains("sk-1") && !message.contains("secret") && !message.contains("key\\n"),
                "{message}"
            );
        }
        // The character is named, escaped.
        assert!(refusal(Client::builder().env_id("e1\r\n")).contains("`\\r`"));
        assert!(refusal(base().header("X-Trace", "a\u{85}b")).contains("`\\u{85}`"));
        // Printable non-ASCII text is no control character.
        assert!(refusal(base().device_id("设备")).contains("not a device id"));
    }

    #[test]
    fn the_base_url_shown_is_the_one_used() {
        let client = Client::builder().base_url("HTTP://LocalHost:80/a/../b/").build().unwrap();
        assert_eq!(client.base_url(), "http://localhost/b");
        let client = Client::builder().base_url("http://127.0.0.1:4010/api/").build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4010/api");
    }

    #[test]
    fn a_base_url_with_userinfo_is_refused_and_never_shown() {
        for url in
            ["http://admin:hunter2@127.0.0.1:4010/api/", "http://admin@127.0.0.1:4010", "http://:hunter2@127.0.0.1"]
        {
            let message = refusal(Client::builder().base_url(url));
            assert!(message.contains("user name or password"), "{message}");
            assert!(!message.contains("hunter2"), "{message}");
        }
    }

    #[test]
    fn region_names_are_the_documented_ones() {
        assert_eq!(Region::from_name("ap-shangai"), None);
        assert_eq!(Region::from_name("mainland"), Some(Region::Mainland));
        assert_eq!(Region::from_name("International"), Some(Region::International));
        let refused = |name: &str| match name.parse::<Region>() {
            Err(Error::Config { message }) => message,
            other => panic!("{name:?}: {other:?}"),
        };
        assert!(refused("ap-shangai").contains("did you mean `ap-shanghai`?"), "{}", refused("ap-shangai"));
        assert!(refused("ap-singapur").contains("did you mean `ap-singapore`?"), "{}", refused("ap-singapur"));
        assert!(refused("internationl").contains("did you mean `international`?"), "{}", refused("internationl"));
        // Nothing close: no suggestion, the names listed instead.
        assert!(!refused("moon").contains("did you mean"), "{}", refused("moon"));
        assert!(refused("moon").contains("ap-shanghai"), "{}", refused("moon"));
        assert!(!refused("ap-\r\nx").chars().any(char::is_control));
        assert_eq!("AP-Beijing".parse::<Region>().unwrap(), Region::Mainland);
        assert_eq!("na-siliconvalley".parse::<Region>().unwrap(), Region::International);
    }

    #[test]
    fn stalled_stream_protection_is_on_by_default_and_a_grace_period_too_short_to_measure_is_refused() {
        let client = Client::builder().env_id("e").build().unwrap();
        assert_eq!(client.inner.stream_timers.stall, StalledStreamProtection::enabled());
        assert!(StalledStreamProtection::default().is_enabled());
        assert!(!StalledStreamProtection::disabled().is_enabled());
        assert!(!StalledStreamProtection::enabled().min_throughput(0).is_enabled());
        assert_eq!(client.inner.stream_timers.transfer, None);
        let short = StalledStreamProtection::enabled().grace_period(Duration::from_millis(9));
        let message = refusal(Client::builder().env_id("e").stalled_stream_protection(short));
        assert!(message.starts_with("`stalled_stream_protection`: a grace period of 9ms"), "{message}");
        let off = StalledStreamProtection::disabled().grace_period(Duration::ZERO);
        assert!(Client::builder().env_id("e").stalled_stream_protection(off).build().is_ok());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = Client::builder().env_id("e").credentials(Credentials::api_key("sk-123")).build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("sk-123"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
