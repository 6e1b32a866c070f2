//! An in-process mock of the CloudBase HTTP APIs for tests, generated from the same specs (and
//! overlays) as [`cloudbase_api`]: every operation of every enabled area on one loopback port.
//!
//! ```
//! # async fn run() -> Result<(), cloudbase_api::Error> {
//! use cloudbase_mock::MockServer;
//!
//! let server = MockServer::start().await;
//! server
//!     .functions()
//!     .invoke_function()
//!     .when(|request| request.name == "hello")
//!     .expect(1)
//!     .reply(cloudbase_api::Body::Json(serde_json::json!({"greeting": "hi"})));
//!
//! let reply = server.client().functions().invoke_function().name("hello").send().await?;
//! assert_eq!(reply.into_inner(), cloudbase_api::Body::Json(serde_json::json!({"greeting": "hi"})));
//! assert_eq!(server.functions().invoke_function().received()[0].name, "hello");
//! # Ok(())
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
//! ```
//!
//! - **Checked requests.** Each request is checked against its operation: route and method,
//!   the credentials it requires, required parameters and headers, each value's type, enum,
//!   pattern and bounds, the body's media type and whether it decodes into the typed request
//!   body. A request that breaks a rule is answered 400 (401 for missing credentials, 415 for
//!   a body media type the operation does not take, 404 or 405 off the routes) with a
//!   JSON body naming the operation and each rule, and recorded: [`MockServer::violations`].
//! - **Replies.** A stub answers what a test tells it to; without one, the operation answers its
//!   first documented success with the spec's example, or a value of the documented type, as
//!   typed code can take it: an array of free-form items (rows, documents: the caller's type)
//!   empty, each absolute URL one of the mock's own object store ([`MockServer::object_url`]). An
//!   operation that streams answers a request that accepts `text/event-stream` with one event
//!   and the spec's terminator.
//! - **Strict stubs.** A request to an operation whose stubs' conditions ([`Stub::when`]) all
//!   decline it is answered 501, naming the operation and each condition, and recorded as a
//!   violation ([`Rule::Stub`]); [`MockServer::strict`] turns that off.
//! - **Stubs from a file.** [`MockServer::load_stubs`] mounts the stubs of a YAML or JSON file
//!   (operation, condition, reply), as the binary's `--stubs FILE` does.
//! - **Faults.** Any status ([`Stub::status`]), a delay ([`Stub::delay`]), a reset connection
//!   ([`Stub::reset`]), a stream cut off mid-way ([`Stub::cut_after`]).
//! - **Assertions.** The typed requests each operation received, in order
//!   ([`Stub::received`]); [`Stub::expect`] is checked when the server is dropped, listing the
//!   requests that came when it is not met.
//!
//! - **Stateful auth.** [`MockServer::auth_flows`] answers the auth operations from state:
//!   verification codes that verify or not, users, tokens that expire, refresh and are revoked
//!   by sign-out, so a `cloudbase_api::session::Session` can be tested end to end.
//! - **A storage host.** [`MockServer::object_url`] takes the upload a stubbed upload URL
//!   points at; its keys are object names as the PG storage API takes them (no `.` or `..`
//!   segment), so an object URL never resolves onto another route.
//! - **Credentials hidden.** A header or query parameter named like a credential
//!   (`cloudbase_api::is_credential_name`: `x-cos-security-token`, `access_token`, `api_key`,
//!   `password`, `X-Api-Key`, ...) or declared as one is `<redacted>` in `Debug`, violations and
//!   the request log.
//! - **Bounded.** A body longer than [`KEPT_BODY_BYTES`] is kept as its length and SHA-256
//!   digest; [`MockServer::keep_requests`] caps what is kept; a connection slower than
//!   [`HEADER_READ_TIMEOUT`] to send its headers is closed; a large body is checked on the
//!   blocking pool, off the thread serving the other connections.
//! - **A binary.** `cargo run -p cloudbase-mock` serves every area on `127.0.0.1:8787` for
//!   local runs, logging each request and keeping the last 1,000; `--stubs FILE` mounts a
//!   stubs file first, `--lenient` turns strictness off.
//!
//! One cargo feature per area, as in `cloudbase-api`, all on by default.

#![deny(missing_docs)]

// The generated areas (`generated/mod.rs` lists one module per spec, each behind its feature).
#[rustfmt::skip]
mod generated;
pub mod runtime;

#[cfg(feature = "auth")]
mod flows;
#[cfg(feature = "auth")]
pub use flows::auth::{AuthFlows, MockUser};

pub use generated::*;
pub use runtime::check::{Rule, Violation};
pub use runtime::{Answer, Form, FormPart, Received, Stub, StubsFileError};

use runtime::server::{State, lock, serve};
use std::net::SocketAddr;
use std::sync::Arc;

/// The longest request body [`MockServer::received`] keeps whole unless
/// [`MockServer::keep_bodies_up_to`] says otherwise (1 MiB): a longer one is kept as its
/// length and SHA-256 digest ([`Received::body_len`], [`Received::body_sha256`]), so a test of
/// large uploads does not hold every upload in memory. Stubs and checks see every body whole.
pub const KEPT_BODY_BYTES: usize = 1 << 20;

/// How long a connection may take to send a request's headers unless
/// [`MockServer::header_read_timeout`] says otherwise (10 s): a slower one is closed, so slow
/// clients cannot hold connections open forever.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The mock server: serves every enabled area on one loopback port until it is dropped.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on `127.0.0.1` on a free port.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, or outside a Tokio runtime.
    pub async fn start() -> MockServer {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        MockServer::bind(addr).await.unwrap_or_else(|e| panic!("the mock server cannot listen on 127.0.0.1: {e}"))
    }

    /// Starts a server on `addr` (for a mock a whole program talks to, on a known port).
    pub async fn bind(addr: SocketAddr) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let routes = generated::ROUTES.iter().flat_map(|area| area.iter().copied()).collect();
        let state = Arc::new(State::new(routes, format!("http://{addr}")));
        let task = tokio::spawn(serve(listener, state.clone()));
        Ok(MockServer { addr, state, task })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:41234`: what `CLOUDBASE_BASE_URL` points at.
    pub fn url(&self) -> String {
        self.state.origin.clone()
    }

    /// A client builder pointed at the server with an access token, to add settings to.
    pub fn client_builder(&self) -> cloudbase_api::ClientBuilder {
        cloudbase_api::Client::builder()
            .base_url(self.url())
            .credentials(cloudbase_api::Credentials::access_token("mock-access-token"))
    }

    /// A client pointed at the server, with an access token.
    pub fn client(&self) -> cloudbase_api::Client {
        self.client_builder().build().expect("a loopback base URL is valid")
    }

    /// Every request the server received, in order, refused ones included (the last
    /// [`MockServer::keep_requests`] of them; bodies longer than [`KEPT_BODY_BYTES`], or what
    /// [`MockServer::keep_bodies_up_to`] set, as their length and digest only).
    pub fn received(&self) -> Vec<Received> {
        lock(&self.state.received).iter().cloned().collect()
    }

    /// Every rule a request broke, in order (the last [`MockServer::keep_requests`] of them).
    pub fn violations(&self) -> Vec<Violation> {
        lock(&self.state.violations).iter().cloned().collect()
    }

    /// Keeps request bodies up to `bytes` long whole in what [`MockServer::received`] and the
    /// typed [`Stub::received`] return; a longer body is kept as its length and SHA-256 digest
    /// (a typed request then reads it as absent). [`KEPT_BODY_BYTES`] unless set.
    pub fn keep_bodies_up_to(&self, bytes: usize) {
        self.state.kept_body.store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// Closes a connection that takes longer than `timeout` to send a request's headers
    /// ([`HEADER_READ_TIMEOUT`] unless set); applies to connections accepted from then on.
    pub fn header_read_timeout(&self, timeout: std::time::Duration) {
        *lock(&self.state.header_read_timeout) = timeout;
    }

    /// Keeps only the last `n` requests and the last `n` violations, dropping the oldest: for a
    /// server that runs for long (the binary keeps 1,000). Unbounded unless set.
    pub fn keep_requests(&self, n: usize) {
        self.state.kept_requests.store(n, std::sync::atomic::Ordering::Relaxed);
        let mut received = lock(&self.state.received);
        while received.len() > n {
            received.pop_front();
        }
        drop(received);
        let mut violations = lock(&self.state.violations);
        while violations.len() > n {
            violations.pop_front();
        }
    }

    /// A URL on the server that stores what is `PUT` (or `POST`ed) to it under `key` and answers
    /// a `GET` with it: the storage host for a stubbed upload or download URL, e.g. the
    /// `uploadUrl` of `getObjectsUploadInfo`, so an upload helper's second request lands here.
    /// The default replies' URLs are URLs of this store too, under the path the spec's example
    /// gives (`file.jpg?Expires=123` for `https://url/file.jpg%3FExpires%3D123`).
    ///
    /// Keys are taken as the PG storage API takes an object name (and `cloudbase-api` sends
    /// one): segments separated by `/`, none of them `.` or `..`, with `\` counted as a
    /// separator too (WHATWG URL parsing reads it as `/`), so the URL never resolves outside the
    /// store, however a client normalises it. Every other character is percent-encoded.
    ///
    /// # Panics
    ///
    /// When `key` is empty or has a `.` or `..` segment: no URL of the store names it.
    pub fn object_url(&self, key: &str) -> String {
        if let Err(why) = runtime::server::check_object_key(key) {
            panic!("{why}");
        }
        let key: String = key
            .split('/')
            .map(|segment| {
                percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
            })
            .collect::<Vec<_>>()
            .join("/");
        format!("{}{}{key}", self.url(), runtime::server::OBJECTS)
    }

    /// What was stored under `key` through [`MockServer::object_url`].
    pub fn object(&self, key: &str) -> Option<bytes::Bytes> {
        lock(&self.state.objects).get(key).cloned()
    }

    /// The operations it serves (those of the enabled areas), as `(area, operationId)`.
    pub fn operations(&self) -> Vec<(&'static str, &'static str)> {
        self.state.routes.iter().map(|route| (route.area, route.id)).collect()
    }

    /// Whether to print one line per request on stderr: its request id, method and target, the
    /// operation it matched, the status answered and the rules it broke.
    pub fn log_requests(&self, on: bool) {
        self.state.log.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a request is refused when its operation has stubs and the condition
    /// ([`Stub::when`]) of every one declines it: on by default. The refusal is a 501 in the
    /// area's error shape (`code` `MOCK_NO_STUB_MATCHED`), naming the operation and each stub's
    /// condition, recorded in [`MockServer::violations`] as [`Rule::Stub`]. Off, such a request
    /// gets the operation's default reply, as one to an operation without stubs does.
    ///
    /// A stub whose condition holds but which answered its [`Stub::times`] already passes the
    /// request on either way: a fault `times(1)`, then the default reply.
    ///
    /// ```
    /// # async fn run() {
    /// use cloudbase_mock::{MockServer, Rule};
    ///
    /// let server = MockServer::start().await;
    /// server.functions().invoke_function().when(|request| request.name == "hello").status(204);
    /// let misspelled = server.client().functions().invoke_function().name("helo").send().await;
    /// assert_eq!(misspelled.unwrap_err().status(), Some(501));
    /// assert_eq!(server.violations()[0].rule, Rule::Stub);
    ///
    /// server.strict(false);
    /// let lenient = server.client().functions().invoke_function().name("helo").send().await;
    /// assert_eq!(lenient.unwrap().status(), 200); // the spec's documented reply
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run());
    /// ```
    pub fn strict(&self, on: bool) {
        self.state.strict.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Removes every stub and forgets what was received and stored.
    pub fn reset(&self) {
        lock(&self.state.stubs).clear();
        lock(&self.state.received).clear();
        lock(&self.state.violations).clear();
        lock(&self.state.objects).clear();
        *lock(&self.state.token_check) = None;
    }

    /// Checks every [`Stub::expect`]: panics naming each stub that answered another number of
    /// requests, its condition, and the requests its operation received (or, when it received
    /// none, every request the server received: a request meant for it may have gone to
    /// another operation), at most [`LISTED_REQUESTS`] of them, credentials `<redacted>`.
    /// Also run when the server is dropped.
    pub fn verify(&self) {
        let received = self.received();
        let unmet: Vec<String> = lock(&self.state.stubs)
            .iter()
            .filter_map(|stub| {
                let expected = stub.expect?;
                (stub.answered != expected).then(|| {
                    let own: Vec<&Received> =
                        received.iter().filter(|r| r.route.is_some_and(|r| r.is(stub.route))).collect();
                    let (what, listed) = if own.is_empty() {
                        ("it received none; the server received", received.iter().collect())
                    } else {
                        ("it received", own)
                    };
                    let condition = stub.condition.as_ref().map(|c| format!(", {c}")).unwrap_or_default();
                    format!(
                        "{} ({} {}{condition}): expected {expected}, answered {}; {what} {}",
                        stub.route.id,
                        stub.route.method,
                        stub.route.path,
                        stub.answered,
                        list_requests(&listed)
                    )
                })
            })
            .collect();
        if !unmet.is_empty() {
            panic!("mock expectations not met:\n  {}", unmet.join("\n  "));
        }
    }

    /// Mounts the stubs of a file, after those already mounted: YAML, or JSON when the name
    /// ends with `.json`; a list of entries, each an `operation` (its operationId, such as
    /// `functionsPost`, or `area.method`, such as `functions.invoke_function`), an optional
    /// `when` (`params`: path and query parameters by name; `headers`; `body`: a JSON value
    /// the request's body contains), an optional `times` and the `reply` (`status`, 200 unless
    /// given; `headers`; `body`, JSON, or a string sent as it is under a `content-type` header
    /// that is not JSON). Returns the number of stubs mounted; nothing is mounted from a file
    /// with an error, which names the file and the entry.
    ///
    /// ```yaml
    /// - operation: functions.invoke_function
    ///   when: {params: {name: sum}, body: {a: 1}}
    ///   reply: {body: 3}
    /// - operation: functionsPost
    ///   reply: {status: 404, body: {code: FUNCTION_NOT_FOUND, message: no such function}}
    /// ```
    ///
    /// A file's conditions are strict as [`Stub::when`]'s are ([`MockServer::strict`]): a
    /// request no entry takes is refused, naming each entry's condition.
    pub fn load_stubs(&self, path: impl AsRef<std::path::Path>) -> Result<usize, StubsFileError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| StubsFileError {
            file: file.clone(),
            entry: None,
            message: format!("cannot be read: {e}"),
        })?;
        self.load_stubs_str(&file, &text)
    }

    /// Mounts the stubs of `text`, read as the file `file` ([`MockServer::load_stubs`]).
    pub fn load_stubs_str(&self, file: &str, text: &str) -> Result<usize, StubsFileError> {
        let rules = runtime::stubs_file::parse(file, text, &self.state.routes)?;
        let n = rules.len();
        lock(&self.state.stubs).extend(rules);
        Ok(n)
    }

    pub(crate) fn mount(&self, rule: runtime::stub::StubRule) {
        lock(&self.state.stubs).push(rule);
    }

    pub(crate) fn received_by(&self, route: &'static runtime::Route) -> Vec<Received> {
        lock(&self.state.received).iter().filter(|r| r.route.is_some_and(|r| r.is(route))).cloned().collect()
    }
}

/// The most requests an unmet [`Stub::expect`] lists ([`MockServer::verify`]); the rest are
/// counted.
pub const LISTED_REQUESTS: usize = 20;

/// `n requests:` then each request's method, target (credentials redacted), operation and
/// body length, one a line, the first [`LISTED_REQUESTS`] of them.
fn list_requests(requests: &[&Received]) -> String {
    let mut out = format!("{} request{}", requests.len(), if requests.len() == 1 { "" } else { "s" });
    if !requests.is_empty() {
        out.push(':');
    }
    for request in requests.iter().take(LISTED_REQUESTS) {
        out.push_str(&format!(
            "\n    {} {} ({}, a body of {} bytes)",
            request.method(),
            request.shown,
            request.operation().unwrap_or("no operation"),
            request.body_len
        ));
    }
    if requests.len() > LISTED_REQUESTS {
        out.push_str(&format!("\n    ... and {} more", requests.len() - LISTED_REQUESTS));
    }
    out
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every pattern the specs state is one the mock's regex engine reads: none of them is
    /// skipped unchecked (a pattern it cannot read would check nothing).
    #[test]
    fn every_pattern_of_the_specs_compiles() {
        let mut patterns = 0;
        for route in crate::generated::ROUTES.iter().flat_map(|area| area.iter()) {
            for param in route.params {
                if let Some(pattern) = param.rules.pattern {
                    patterns += 1;
                    let compiled = regex_lite::Regex::new(pattern);
                    assert!(compiled.is_ok(), "{} `{}`: {pattern}: {:?}", route.id, param.name, compiled.err());
                }
            }
        }
        assert!(patterns > 0, "the specs state patterns (functions' names, at least)");
    }
}
