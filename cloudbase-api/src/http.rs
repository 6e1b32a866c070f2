//! The HTTP stack under the client: the TLS the enabled feature chooses, the settings the crate
//! owns (redirects within one origin, no `Referer`), and what the application may configure.

use crate::error::Error;
use std::fmt;
use std::time::Duration;

/// What the application does to the HTTP client's builder ([`ClientBuilder::http_client`]).
///
/// [`ClientBuilder::http_client`]: crate::ClientBuilder::http_client
pub(crate) type Configure = Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send>;

/// The HTTP client: the TLS of the enabled feature, the connect timeout and the user agent, then
/// the application's own settings, then the crate's redirect and referer rules (applied last, so
/// nothing the application sets can let a request follow a redirect to another host).
pub(crate) fn http_client(connect_timeout: Duration, configure: Option<Configure>) -> Result<reqwest::Client, Error> {
    let builder = tls(reqwest::Client::builder())?
        .connect_timeout(connect_timeout)
        .user_agent(concat!("cloudbase-rs/", env!("CARGO_PKG_VERSION")));
    let builder = match configure {
        Some(configure) => configure(builder),
        None => builder,
    };
    builder
        .redirect(same_origin_redirects())
        // The previous URL (its query may hold a token) is nobody's business.
        .referer(false)
        .build()
        .map_err(|e| crate::client::config_error(format!("cannot build the HTTP client: {e}")))
}

/// The TLS choice, as the features say: `native-tls`, else `rustls-aws-lc`, else `rustls-ring`.
#[cfg(feature = "native-tls")]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_native())
}

#[cfg(all(feature = "rustls-aws-lc", not(feature = "native-tls")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_rustls())
}

/// rustls on ring. reqwest, built without a crypto provider of its own, takes rustls's
/// process-wide default: ring is installed as that default unless the application installed one
/// already, which is then used instead.
#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls-aws-lc", feature = "native-tls"))))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one meanwhile, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    Ok(builder.tls_backend_rustls())
}

/// Built without TLS: plain `http://` base URLs only (a local mock server, a TLS-terminating
/// proxy); [`ClientBuilder::build`](crate::ClientBuilder::build) refuses an `https://` one.
#[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc", feature = "native-tls")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

/// Whether this build can speak `https://` (one of the TLS features is on).
pub(crate) const HAS_TLS: bool = cfg!(any(feature = "rustls-ring", feature = "rustls-aws-lc", feature = "native-tls"));

/// How many redirects one request follows (reqwest's default).
const MAX_REDIRECTS: usize = 10;

/// Follows redirects within the origin of the request's URL (scheme, host and port, RFC 6454),
/// with reqwest's RFC 9110 semantics: 307 and 308 keep the method and the body; 303, and 301/302
/// after a POST, become a GET without a body. A redirect to another origin is not followed: the
/// body, the credentials and the custom headers were meant for the first one. It ends the request
/// with [`CrossOrigin`], which [`transport_error`](crate::runtime::execute::transport_error) turns into [`Error::Redirect`].
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
pub(crate) fn redirect_error(operation: &'static str, error: &reqwest::Error) -> Option<Error> {
    let cross = std::error::Error::source(error)?.downcast_ref::<CrossOrigin>()?;
    Some(Error::Redirect { operation, status: cross.status, target: cross.target.clone() })
}

/// One attempt of a request to the gateway, as an [`on_attempt`] hook sees it once the attempt
/// is over: which operation, where it went, what came back and how long it took. Never a header,
/// a body or a credential; the URL has no query (auth operations carry tokens there, such as
/// `sudo_token`).
///
/// [`on_attempt`]: crate::ClientBuilder::on_attempt
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operationId, e.g. `Auth_SignIn`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: &'a reqwest::Method,
    /// Scheme, host and path the request went to, without its query.
    pub url: &'a str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub number: u32,
    /// The reply's status; `None` when no reply came (a transport error or a timeout).
    pub status: Option<u16>,
    /// The reply's request id (`X-Request-Id` and the like), when it has one.
    pub request_id: Option<&'a str>,
    /// From the start of the attempt (credentials included) to the end of the reply's body, or
    /// to an event stream's head.
    pub elapsed: Duration,
    /// Why the attempt failed, when it did before a reply was read (an error status is a reply).
    pub error: Option<&'a Error>,
}

/// An [`on_attempt`](crate::ClientBuilder::on_attempt) hook.
pub(crate) type Hook = std::sync::Arc<dyn Fn(&Attempt<'_>) + Send + Sync>;
