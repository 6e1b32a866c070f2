//! Sending a request: the retry loop, one attempt (credentials, request, reply within the
//! timeout), the URL, the `Authorization` header and reading a reply whole; with their spans.

use crate::client::MAX_URL_BYTES;
use crate::credentials::{Kind, SecretKey, Token, TokenProvider, basic};
use crate::error::{DecodeError, Error};
use crate::http::{Attempt, redirect_error};
use crate::response::Head;
use crate::retry::{Retries, Verdict};
use crate::runtime::sse::{DecodeData, EventStream};
use crate::runtime::{Operation, RawResponse, Request, Security};
use crate::{ByteStream, Client};
use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use tracing::Instrument;

impl Client {
    /// Sends a request (again, as the retry policy allows) and reads the whole reply, up to the
    /// configured size limit.
    pub(crate) async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        let operation = request.operation;
        // Boxed with the request it owns: the retry loop's state (URL, credentials, the HTTP
        // exchange, timers, the span) is most of a request's; on the heap it keeps the future
        // `send()` returns small, for one allocation per request.
        match Box::pin(self.run(request, Read::Whole)).await? {
            Reply::Whole(raw) => Ok(raw),
            // A whole read never stops at a stream's head (`attempt` reads every reply whole for
            // `Read::Whole`); reading one here would put a second body read in this future.
            Reply::Stream(response) => {
                let head = Head::new(operation.id, response.status().as_u16(), response.headers().clone());
                Err(DecodeError::error(head, "a reply stopped at its head where it was to be read whole", b""))
            }
        }
    }

    /// Sends a request whose documented replies include a binary body: a reply `streamed` says
    /// is one is read up to its head, its body left to stream ([`RawResponse::stream`]); any
    /// other reply is read whole, as by `execute`.
    #[allow(dead_code)] // used by operations with binary replies, which some feature sets lack
    pub(crate) async fn execute_binary(&self, request: Request, streamed: Streamed) -> Result<RawResponse, Error> {
        let operation = request.operation;
        match Box::pin(self.run(request, Read::Binary(streamed))).await? {
            Reply::Whole(raw) => Ok(raw),
            Reply::Stream(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = ByteStream::reply(
                    operation.id,
                    response,
                    self.inner.stream_timers,
                    self.inner.origin.clone(),
                    self.inner.max_response_bytes,
                );
                Ok(RawResponse::streamed(operation, status, headers, body))
            }
        }
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
        match Box::pin(self.run(request, Read::StreamHead)).await? {
            Reply::Stream(response) => {
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
                    self.inner.stream_timers,
                ))
            }
            Reply::Whole(raw) if (200..300).contains(&raw.status()) => Err(raw.unexpected_media_type()),
            Reply::Whole(raw) => Err(error(raw)),
        }
    }

    /// The one retry loop: attempts until one's outcome is final, or the policy says stop. A 401
    /// to a token provider's token asks the provider again, once.
    async fn run(&self, request: Request, read: Read) -> Result<Reply, Error> {
        let request = &request;
        let url = self.url(request)?;
        let policy = request.options.retry.as_ref().unwrap_or(&self.inner.retry);
        let mut retries = Retries::new(policy, request.operation.id, request.operation.method.is_idempotent());
        // A body that can be read once (a reader) is sent once.
        let replayable = request.is_replayable();
        loop {
            let (authorization, result) = self.attempt(request, &url, retries.number(), read).await;
            if !replayable {
                return result;
            }
            if let Ok(Reply::Whole(raw)) = &result
                && raw.status() == 401
                && retries.may_reauthenticate()
                && authorization.rejected()
            {
                continue;
            }
            let verdict = match &result {
                Err(e) => Verdict::of_error(e),
                Ok(Reply::Whole(raw)) => raw.verdict(),
                Ok(Reply::Stream(_)) => Verdict::Done,
            };
            match retries.wait_before_next(verdict) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return result,
            }
        }
    }

    /// One attempt: credentials, request and reply (whole, or a stream's head), all within the
    /// attempt's timeout (a token provider that never answers is a timeout like a server that
    /// never answers; a stream's body has an idle timeout instead). Returns the credentials it
    /// carried, to invalidate on a 401.
    async fn attempt(
        &self,
        request: &Request,
        url: &reqwest::Url,
        number: u32,
        read: Read,
    ) -> (Authorization, Result<Reply, Error>) {
        let operation = request.operation;
        let span = request_span(operation, number);
        async {
            let started = Instant::now();
            let timeout = request.options.timeout.unwrap_or(self.inner.timeout);
            let accept = match read {
                Read::Whole | Read::Binary(_) => operation.accept,
                Read::StreamHead => "text/event-stream",
            };
            let mut authorization = Authorization::default();
            let exchange = async {
                authorization = self.authorization(request, url).await?;
                let response = self.send(request, url, accept, &authorization).await?;
                let status = response.status().as_u16();
                let streams = match read {
                    Read::Whole => false,
                    Read::StreamHead => {
                        response.status().is_success()
                            && crate::runtime::media_type_of(response.headers()) == "text/event-stream"
                    }
                    Read::Binary(streamed) => streamed(status, &crate::runtime::media_type_of(response.headers())),
                };
                if streams {
                    return Ok(Reply::Stream(response));
                }
                let (status, headers, body) = self.read_body(operation, response).await?;
                let raw = RawResponse::new(operation, status, headers, body).read_as_chosen(request.accept.as_ref());
                Ok::<_, Error>(Reply::Whole(raw))
            };
            let result = tokio::time::timeout(timeout, exchange)
                .await
                .unwrap_or_else(|_| Err(Error::Timeout { operation: operation.id }));
            let head = match &result {
                Ok(Reply::Whole(raw)) => Some((raw.status(), &raw.head.headers)),
                Ok(Reply::Stream(response)) => Some((response.status().as_u16(), response.headers())),
                Err(_) => None,
            };
            if let Some((status, headers)) = head {
                record(status, headers, started);
            }
            if let Some(hook) = &self.inner.on_attempt {
                let shown = url.as_str().split_once('?').map_or(url.as_str(), |(before, _)| before);
                hook(&Attempt {
                    operation: operation.id,
                    method: &operation.method.to_reqwest(),
                    url: shown,
                    number,
                    status: head.map(|(status, _)| status),
                    request_id: head.and_then(|(_, headers)| crate::response::request_id(headers)),
                    elapsed: started.elapsed(),
                    error: result.as_ref().err(),
                });
            }
            (authorization, result)
        }
        .instrument(span)
        .await
    }

    /// The URL a request is sent to, as text (the `url()` of an operation that takes no
    /// credentials).
    #[allow(dead_code)] // used by operations that are links, which some feature sets lack
    pub(crate) fn url_of(&self, request: &Request) -> Result<String, Error> {
        self.url(request).map(String::from)
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
        authorization: &Authorization,
    ) -> Result<reqwest::Response, Error> {
        let operation = request.operation;
        let mut headers = request.headers.clone();
        match &request.accept {
            Some(chosen) if accept == operation.accept => {
                headers.insert(ACCEPT, chosen.clone());
            }
            _ if !accept.is_empty() => {
                headers.insert(ACCEPT, HeaderValue::from_static(accept));
            }
            _ => {}
        }
        if let Some(value) = &authorization.header {
            headers.insert(AUTHORIZATION, value.clone());
        }
        if let Some(signed) = &authorization.signed_content_type {
            headers.insert(CONTENT_TYPE, signed.clone());
        }
        // The configured headers, where the request has no header of that name.
        for name in self.inner.headers.keys() {
            if !headers.contains_key(name) {
                for value in self.inner.headers.get_all(name) {
                    headers.append(name.clone(), value.clone());
                }
            }
        }
        if let Some(body) = &request.body {
            if !body.is_available() {
                return Err(Error::invalid(
                    operation,
                    "the body is a one-time stream (a reader or a reply) that was already read",
                ));
            }
            body.headers(&mut headers);
        }
        // The map moved in whole: `RequestBuilder::headers` would insert its entries one by one.
        let mut http_request = reqwest::Request::new(operation.method.to_reqwest(), url.clone());
        *http_request.headers_mut() = headers;
        let builder = reqwest::RequestBuilder::from_parts(self.inner.http.clone(), http_request);
        let (builder, failure) = match &request.body {
            Some(body) => body.attach(builder),
            None => (builder, None),
        };
        builder.send().await.map_err(|e| {
            // A body that failed to be read (a file, a reader) is reported as its own error.
            failure
                .and_then(|failure| failure.lock().ok()?.take())
                .unwrap_or_else(|| transport_error(operation.id, &self.inner.origin, e))
        })
    }

    /// The `Authorization` value for the first of the operation's security alternatives the
    /// configured credentials satisfy. None when the operation takes no credentials (`{}` listed,
    /// or no alternative fits): the server then decides, and a missing credential is its 401.
    async fn authorization(&self, request: &Request, url: &reqwest::Url) -> Result<Authorization, Error> {
        let operation = request.operation;
        let Some(credentials) = &self.inner.credentials else { return Ok(Authorization::default()) };
        // A secret key signs where the operation takes a signature, as node-sdk does; elsewhere it
        // is exchanged for a token.
        if let Kind::SecretKey(key) = &credentials.0
            && operation.security.contains(&Security::Tc3)
        {
            return tc3_authorization(request, url, key);
        }
        for security in operation.security {
            let (value, provided) = match (security, &credentials.0) {
                (Security::Bearer, Kind::AccessToken(_) | Kind::ApiKey(_) | Kind::PublishableKey(_))
                | (Security::Basic, Kind::Basic { .. })
                    if self.inner.fixed_authorization.is_some() =>
                {
                    return Ok(Authorization {
                        header: self.inner.fixed_authorization.clone(),
                        provided: None,
                        signed_content_type: None,
                    });
                }
                (Security::Bearer, Kind::AccessToken(t) | Kind::ApiKey(t) | Kind::PublishableKey(t)) => {
                    (format!("Bearer {t}"), None)
                }
                (Security::Bearer, Kind::Provider(provider)) => {
                    let token = provider.token().await?;
                    if token.is_empty() {
                        return Err(Error::invalid(operation, "the token provider returned an empty token"));
                    }
                    (format!("Bearer {token}"), Some(Provided::Provider(provider.clone(), token)))
                }
                (Security::Bearer, Kind::SecretKey(key)) => {
                    let token = key.access.get(|| exchange(self.clone(), operation)).await?;
                    (format!("Bearer {token}"), Some(Provided::Exchanged(key.clone(), token)))
                }
                (Security::Basic, Kind::Basic { id, secret }) => (basic(id, secret), None),
                // `{}`, and header keys (raw API keys or signatures the spec does not say how to
                // make), are skipped: a later alternative may still fit.
                _ => continue,
            };
            let header = sensitive(operation, &value)?;
            return Ok(Authorization { header: Some(header), provided, signed_content_type: None });
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
            let reason = format!("the reply is larger than the {limit} byte limit (ClientBuilder::max_response_bytes)");
            DecodeError::error(Head::new(operation.id, status, headers), reason, b"")
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

/// What an attempt reads of a reply.
#[derive(Clone, Copy)]
enum Read {
    /// The whole reply (`send()`).
    Whole,
    /// A success's head when it is an event stream (`send_stream()`); anything else whole.
    StreamHead,
    /// The head of a reply whose status and media type the function says is a binary body to
    /// stream; anything else whole.
    Binary(Streamed),
}

/// Whether a reply of this status and media type (lowercased, without parameters) has a binary
/// body, streamed rather than read whole.
pub(crate) type Streamed = fn(u16, &str) -> bool;

/// What one attempt got.
enum Reply {
    /// A reply read whole.
    Whole(RawResponse),
    /// A success with an event stream: the body is read by the `EventStream`.
    Stream(reqwest::Response),
}

/// The credentials one attempt carries, and the provider token among them (to invalidate on 401).
#[derive(Default)]
struct Authorization {
    header: Option<HeaderValue>,
    provided: Option<Provided>,
    /// The `Content-Type` a signature covers, for a request without a body (which sets none).
    signed_content_type: Option<HeaderValue>,
}

/// A token that may be rejected: a provider's, or the one a secret key was exchanged for.
enum Provided {
    Provider(Arc<dyn TokenProvider>, String),
    Exchanged(Arc<SecretKey>, String),
}

impl Authorization {
    /// After a 401: drops the provider's token, and says whether asking again can help.
    fn rejected(&self) -> bool {
        match &self.provided {
            Some(Provided::Provider(provider, token)) => {
                provider.invalidate(token);
                true
            }
            Some(Provided::Exchanged(key, token)) => {
                key.access.invalidate(token);
                true
            }
            None => false,
        }
    }
}

fn sensitive(operation: &Operation, value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| Error::invalid(operation, "the credentials contain characters not allowed in a header"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// The media type a body-less request is signed (and sent) with, as node-sdk's calls have one.
const BODYLESS_CONTENT_TYPE: &str = "application/json";

/// `Authorization: TC3-HMAC-SHA256 ...` for this attempt of `request`: its method, path and
/// query as sent, the `Content-Type` and `Host` headers, and its body's SHA-256, signed at the
/// time of the attempt (less a second, as node-sdk signs). A streamed body cannot be hashed
/// before it is sent, so it is refused before any I/O.
fn tc3_authorization(request: &Request, url: &reqwest::Url, key: &SecretKey) -> Result<Authorization, Error> {
    use crate::runtime::Payload;
    let operation = request.operation;
    let (content_type, payload, signed_content_type) = match &request.body {
        None => (BODYLESS_CONTENT_TYPE, &b""[..], Some(HeaderValue::from_static(BODYLESS_CONTENT_TYPE))),
        Some(Payload::Bytes(content_type, bytes)) => {
            let content_type =
                content_type.to_str().map_err(|_| Error::invalid(operation, "the body's type cannot be signed"))?;
            (content_type, &bytes[..], None)
        }
        Some(Payload::Stream(..) | Payload::Multipart(_)) => {
            return Err(Error::invalid(
                operation,
                "a streamed body cannot be signed with a secret key (TC3 hashes the whole body first); \
                 use credentials that send a token",
            ));
        }
    };
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return Err(Error::invalid(operation, "a URL without a host cannot be signed")),
    };
    let method = operation.method.to_reqwest();
    let headers = [("content-type", content_type), ("host", host.as_str())];
    let timestamp =
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |since| since.as_secs()).saturating_sub(1);
    let signed = crate::tc3::sign(
        &crate::tc3::Tc3Request {
            method: method.as_str(),
            canonical_uri: url.path(),
            canonical_query: url.query().unwrap_or(""),
            headers: &headers,
            payload,
            service: crate::tc3::SERVICE_TCB,
            timestamp,
        },
        &key.tc3(),
    )
    .map_err(|e| Error::invalid(operation, e.to_string()))?;
    let value = crate::tc3::authorization_header(&key.tc3(), &signed);
    Ok(Authorization { header: Some(sensitive(operation, &value)?), provided: None, signed_content_type })
}

/// An administrator access token for a secret key: `Auth_ClientCredential`, signed with it (that
/// operation takes a signature, so this never exchanges again). Boxed: it is a request made
/// while another request waits for its credentials.
fn exchange(
    client: Client,
    operation: &'static Operation,
) -> Pin<Box<dyn Future<Output = Result<Token, Error>> + Send>> {
    #[cfg(feature = "auth")]
    {
        let _ = operation;
        Box::pin(async move {
            use crate::auth::{ClientCredentialRequest, ClientCredentialRequestGrantType};
            let body = ClientCredentialRequest { grant_type: ClientCredentialRequestGrantType::ClientCredentials };
            let reply = client.auth().client_credential().body(body).send().await?;
            let access = reply
                .access_token
                .clone()
                .filter(|token| !token.is_empty())
                .ok_or_else(|| crate::error::reply_error(&reply, "the reply has no access_token"))?;
            let lifetime = reply.expires_in.map(|s| std::time::Duration::from_secs(u64::try_from(s).unwrap_or(0)));
            Ok(Token::new(access, lifetime))
        })
    }
    #[cfg(not(feature = "auth"))]
    {
        let _ = client;
        Box::pin(async move {
            Err(Error::invalid(
                operation,
                "a secret key is exchanged for the bearer token this operation takes by an operation of the \
                 `auth` feature, which this build of cloudbase-api lacks",
            ))
        })
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

/// Records the reply's head on the current request span.
fn record(status: u16, headers: &HeaderMap, started: Instant) {
    let span = tracing::Span::current();
    span.record("status", status);
    if let Some(id) = crate::response::request_id(headers) {
        span.record("request_id", id);
    }
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    tracing::debug!("reply received");
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
