//! The HTTP side: one task accepting connections on loopback, each request routed, checked,
//! recorded and answered.

use super::check::{self, Received, Rule, Violation};
use super::route::{self, Route};
use super::stub::{Answer, AnswerBody, StubRule, Verdict};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The largest request body the mock reads (a larger one is answered 413).
const MAX_BODY: usize = 64 << 20;

/// The longest body checked on the thread that serves connections; a longer one is checked on
/// the blocking pool.
const PARSED_INLINE: usize = 64 << 10;

/// Everything the server knows, shared by its connections and its handle.
pub(crate) struct State {
    pub(crate) routes: Vec<&'static Route>,
    /// The server's base URL, e.g. `http://127.0.0.1:41234`: what [`MOCK_ORIGIN`] in a default
    /// reply becomes.
    pub(crate) origin: String,
    pub(crate) stubs: Mutex<Vec<StubRule>>,
    pub(crate) received: Mutex<VecDeque<Received>>,
    pub(crate) violations: Mutex<VecDeque<Violation>>,
    /// A received body longer than this is kept as its length and digest.
    pub(crate) kept_body: AtomicUsize,
    /// The most requests (and violations) kept: the oldest go first.
    pub(crate) kept_requests: AtomicUsize,
    /// How long a connection may take to send a request's headers.
    pub(crate) header_read_timeout: Mutex<Duration>,
    next_request: AtomicU64,
    /// Print one line per request on stderr.
    pub(crate) log: AtomicBool,
    /// Refuse a request every stub of its operation declines (instead of the default reply).
    pub(crate) strict: AtomicBool,
    /// Refuses bearer tokens the mock issued and has since expired or revoked (the auth flows).
    pub(crate) token_check: Mutex<Option<TokenCheck>>,
    /// What was stored under [`OBJECTS`], by key.
    pub(crate) objects: Mutex<std::collections::BTreeMap<String, Bytes>>,
}

/// The origin the generated default replies give the mock's own URLs under (each a URL of the
/// object store): replaced with the server's base URL when it answers. A reserved name
/// (RFC 2606), so a reply that escaped the replacement names no real host.
pub const MOCK_ORIGIN: &str = "http://cloudbase-mock.invalid";

/// The path under which the mock stores objects: the storage host a stubbed upload URL points
/// at (`PUT` stores the body, `GET` returns it). No CloudBase route starts with it.
pub(crate) const OBJECTS: &str = "/_mock/objects/";

/// Whether `key` is a key of the object store: not empty and without a `.` or `..` segment
/// (`/` and `\` both separate segments), as the PG storage API and `cloudbase-api` take an
/// object name; the error says why not.
pub(crate) fn check_object_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("an object key is empty".to_owned());
    }
    match key.split(['/', '\\']).find(|segment| matches!(*segment, "." | "..")) {
        Some(segment) => {
            Err(format!("the object key {key:?} has a `{segment}` segment, which would climb out of the store"))
        }
        None => Ok(()),
    }
}

/// Locks a mutex whether or not a test thread panicked while holding it (the data is logs).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl State {
    pub(crate) fn new(routes: Vec<&'static Route>, origin: String) -> Self {
        State {
            routes,
            origin,
            stubs: Mutex::default(),
            received: Mutex::default(),
            violations: Mutex::default(),
            kept_body: AtomicUsize::new(crate::KEPT_BODY_BYTES),
            kept_requests: AtomicUsize::new(usize::MAX),
            header_read_timeout: Mutex::new(crate::HEADER_READ_TIMEOUT),
            next_request: AtomicU64::new(1),
            log: AtomicBool::new(false),
            strict: AtomicBool::new(true),
            objects: Mutex::default(),
            token_check: Mutex::default(),
        }
    }
}

impl State {
    /// Records a request, as [`State::kept_body`] and [`State::kept_requests`] allow.
    fn record(&self, received: Received) {
        let received = received.kept(self.kept_body.load(Ordering::Relaxed));
        let cap = self.kept_requests.load(Ordering::Relaxed);
        let mut all = lock(&self.received);
        all.push_back(received);
        while all.len() > cap {
            all.pop_front();
        }
    }

    /// Records the rules a request broke, as [`State::kept_requests`] allows.
    fn record_violations(&self, broken: impl IntoIterator<Item = Violation>) {
        let cap = self.kept_requests.load(Ordering::Relaxed);
        let mut all = lock(&self.violations);
        all.extend(broken);
        while all.len() > cap {
            all.pop_front();
        }
    }

    /// One line on stderr per request when logging is on: id, method, target, the operation,
    /// the status (0 for a reset) and each broken rule.
    fn log(
        &self,
        id: &str,
        method: &str,
        target: &str,
        operation: Option<&str>,
        status: u16,
        broken: &[(Rule, String)],
    ) {
        if !self.log.load(Ordering::Relaxed) {
            return;
        }
        let answer = if status == 0 { "reset".to_owned() } else { status.to_string() };
        let mut line = format!("{id} {method} {target} -> {} {answer}", operation.unwrap_or("(no operation)"));
        for (rule, message) in broken {
            line.push_str(&format!("\n    {}: {message}", rule.as_str()));
        }
        eprintln!("{line}");
    }
}

/// Says why a bearer token is refused, or `None` when it may be used.
pub(crate) type TokenCheck = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

type ReplyBody = BoxBody<Bytes, std::io::Error>;

/// Accepts connections until the task is aborted.
pub(crate) async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    accept_loop(
        || listener.accept(),
        |(stream, _)| {
            let state = state.clone();
            let header_read_timeout = *lock(&state.header_read_timeout);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| handle(state.clone(), request));
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(header_read_timeout)
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        },
    )
    .await
}

/// The first pause after a failed `accept` (EMFILE, ENFILE, ENOBUFS: what frees up with time).
const ACCEPT_PAUSE: Duration = Duration::from_millis(1);
/// The longest pause: the pause doubles after each failure in a row up to it.
const ACCEPT_PAUSE_MAX: Duration = Duration::from_secs(1);

/// Takes each connection `accept` gives to `serve`, forever. After a failed `accept` it waits
/// [`ACCEPT_PAUSE`], doubling after each failure in a row up to [`ACCEPT_PAUSE_MAX`], instead of
/// trying again at once (which takes a whole core while, say, no file descriptor is free).
async fn accept_loop<C, A, F>(mut accept: A, mut serve: impl FnMut(C))
where
    A: FnMut() -> F,
    F: std::future::Future<Output = std::io::Result<C>>,
{
    let mut pause = ACCEPT_PAUSE;
    loop {
        match accept().await {
            Ok(connection) => {
                pause = ACCEPT_PAUSE;
                serve(connection);
            }
            Err(_) => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(ACCEPT_PAUSE_MAX);
            }
        }
    }
}

/// A reset: the connection is closed without an answer.
#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by a stub")
    }
}

impl std::error::Error for Reset {}

async fn handle(state: Arc<State>, request: hyper::Request<Incoming>) -> Result<hyper::Response<ReplyBody>, Reset> {
    let request_id = &format!("mock-{}", state.next_request.fetch_add(1, Ordering::Relaxed));
    let state = &*state;
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_owned();
    let target = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    let body = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(respond(request_id, &Answer::status(413))),
    };
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let mut received = Received {
        route: None,
        method: method.clone(),
        target: target.clone(),
        path_params: Vec::new(),
        query: route::query_pairs(query),
        headers,
        body_len: body.len(),
        body,
        body_sha256: None,
        shown: String::new(),
    };
    if let Some(key) = path.strip_prefix(OBJECTS) {
        let key = route::decode(key);
        let answer = match method.as_str() {
            _ if check_object_key(&key).is_err() => Answer::status(400),
            "PUT" | "POST" => {
                lock(&state.objects).insert(key, received.body.clone());
                Answer::status(200)
            }
            "GET" => match lock(&state.objects).get(&key) {
                Some(bytes) => Answer::bytes(200, "application/octet-stream", bytes.clone()),
                None => Answer::status(404),
            },
            _ => Answer::status(405),
        };
        // An object URL's query is its signature: never shown.
        received.shown = path.to_owned();
        state.log(request_id, &method, path, Some("(object store)"), answer.status, &[]);
        state.record(received);
        return Ok(respond(request_id, &answer));
    }
    let matched = route::find(&state.routes, &method, path);
    if let Ok(matched) = &matched {
        received.route = Some(matched.route);
        received.path_params = matched.path_params.clone();
    }
    // What violations and logs show from here on: credential values redacted.
    received.redact(&state.routes);
    let target = received.shown.clone();
    let route = match matched {
        Ok(matched) => matched.route,
        Err(path_matched) => {
            let (rule, status, message) = if path_matched {
                (Rule::Method, 405, format!("no operation has {method} {path}"))
            } else {
                (Rule::Route, 404, format!("no operation has the path {path}"))
            };
            state.log(request_id, &method, &target, None, status, &[(rule, message.clone())]);
            let violation = Violation { operation: None, method, target, rule, message: message.clone() };
            state.record_violations([violation]);
            state.record(received);
            return Ok(refuse(request_id, status, None, &[(rule, message)]));
        }
    };
    // A large body (a multipart one of many parts, say) is checked on the blocking pool, so
    // the runtime's thread goes on serving the other connections meanwhile.
    let broken = if received.body.len() > PARSED_INLINE {
        let checked = received.clone();
        tokio::task::spawn_blocking(move || check::check(route, &checked))
            .await
            .unwrap_or_else(|e| vec![(Rule::Body, format!("the body could not be checked: {e}"))])
    } else {
        check::check(route, &received)
    };
    state.record(received.clone());
    if !broken.is_empty() {
        state.record_violations(broken.iter().map(|(rule, message)| Violation {
            operation: Some(route.id),
            method: method.clone(),
            target: target.clone(),
            rule: *rule,
            message: message.clone(),
        }));
        // As HTTP says (and Prism answers): 401 without credentials, 415 for a body media type
        // the operation does not take, else 400.
        let status = if broken.iter().any(|(rule, _)| *rule == Rule::Credentials) {
            401
        } else if broken.iter().any(|(rule, _)| *rule == Rule::ContentType) {
            415
        } else {
            400
        };
        state.log(request_id, &method, &target, Some(route.id), status, &broken);
        return Ok(refuse(request_id, status, Some(route.id), &broken));
    }
    if let Some(refused) = refused_token(state, route, &received) {
        state.log(request_id, &method, &target, Some(route.id), 401, &[(Rule::Credentials, refused.clone())]);
        return Ok(respond(request_id, &token_refusal(route, request_id, &refused)));
    }
    let chosen = {
        let mut stubs = lock(&state.stubs);
        choose(stubs.iter_mut().filter(|stub| stub.route.is(route)), &received)
    };
    let answer = match chosen {
        Chosen::Stub(reply) => reply.answer(&received),
        Chosen::Declined(conditions) if state.strict.load(Ordering::Relaxed) => {
            let message = format!(
                "{}: no stub takes the request; {}",
                route.id,
                conditions
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("stub {}: {c}", i + 1))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            state.record_violations([Violation {
                operation: Some(route.id),
                method: method.clone(),
                target: target.clone(),
                rule: Rule::Stub,
                message: message.clone(),
            }]);
            state.log(request_id, &method, &target, Some(route.id), 501, &[(Rule::Stub, message.clone())]);
            return Ok(respond(request_id, &no_stub_refusal(route, request_id, &message, &conditions)));
        }
        Chosen::Declined(_) | Chosen::Default => default_answer(route, &received, &state.origin),
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    if answer.reset {
        state.log(request_id, &method, &target, Some(route.id), 0, &[]);
        return Err(Reset);
    }
    state.log(request_id, &method, &target, Some(route.id), answer.status, &[]);
    Ok(respond(request_id, &answer))
}

/// What the stubs of one operation make of a request.
enum Chosen {
    /// The first stub that takes it answers.
    Stub(super::stub::Reply),
    /// The operation has stubs and each one's condition declined it: their conditions, in order.
    Declined(Vec<String>),
    /// No stub, or one whose condition holds but that answered its `times` already: the
    /// operation's default reply.
    Default,
}

/// The first stub of `stubs` (those of one operation, in the order they were mounted) that
/// takes `received`, counted as answering it.
fn choose<'a>(stubs: impl Iterator<Item = &'a mut StubRule>, received: &Received) -> Chosen {
    let mut declined = Vec::new();
    let mut used_up = false;
    for stub in stubs {
        match stub.verdict(received) {
            Verdict::Takes => {
                stub.answered += 1;
                return Chosen::Stub(stub.answer.clone());
            }
            Verdict::Declines => declined.push(stub.describe()),
            Verdict::UsedUp => used_up = true,
        }
    }
    if declined.is_empty() || used_up { Chosen::Default } else { Chosen::Declined(declined) }
}

/// The refusal of a request every stub of its operation declined: 501 (the mock does not
/// implement what the test did not stub; a 404 would read as the API's own "not found" to a
/// client that expects one), in the area's error shape, naming the operation and each stub's
/// condition.
fn no_stub_refusal(route: &Route, request_id: &str, message: &str, conditions: &[String]) -> Answer {
    let mut body = error_body(route, request_id, ("mock_no_stub_matched", "MOCK_NO_STUB_MATCHED"), message);
    if route.area != "auth" {
        body.insert("operation".to_owned(), route.id.into());
    }
    body.insert("stubs".to_owned(), conditions.into());
    Answer::json(501, &body)
}

/// Why the request's bearer token is refused, when the auth flows issued it and it has expired
/// or was revoked since (a token the mock never issued, an API key, is not its business).
fn refused_token(state: &State, route: &Route, received: &Received) -> Option<String> {
    if !route.security.contains(&super::route::Security::Bearer) {
        return None;
    }
    let check = lock(&state.token_check).clone()?;
    check(received.authorization("Bearer")?)
}

/// A 401 in the area's error shape: the auth service's `{error, error_description}`, else the
/// gateway's `{code, message, requestId}`.
fn token_refusal(route: &Route, request_id: &str, why: &str) -> Answer {
    Answer::json(401, &error_body(route, request_id, ("unauthenticated", "INVALID_ACCESS_TOKEN"), why))
}

/// An error body of the mock's own in the area's shape: auth's OAuth-style `error` (the first
/// code) and `error_description`, every other area's gateway `code` (the second), `message` and
/// `requestId`.
fn error_body(
    route: &Route,
    request_id: &str,
    (oauth_code, gateway_code): (&str, &str),
    message: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let auth = [("error", oauth_code), ("error_description", message)];
    let gateway = [("code", gateway_code), ("message", message), ("requestId", request_id)];
    let fields: &[(&str, &str)] = if route.area == "auth" { &auth } else { &gateway };
    fields.iter().map(|(name, value)| ((*name).to_owned(), (*value).into())).collect()
}

/// The spec's reply: an event stream when the operation has one and the request asks for it,
/// else the first documented success, each [`MOCK_ORIGIN`] in it the server's `origin`.
fn default_answer(route: &'static Route, received: &Received, origin: &str) -> Answer {
    let wants_stream = received.header("accept").is_some_and(|accept| accept.contains("text/event-stream"));
    if let (Some(stream), true) = (&route.stream, wants_stream) {
        let event: serde_json::Value =
            serde_json::from_str(stream.event).unwrap_or_else(|_| serde_json::Value::from(stream.event));
        return Answer::events(route, [event]);
    }
    match route.reply.body {
        Some((media_type, text)) if text.contains(MOCK_ORIGIN) => {
            Answer::bytes(route.reply.status, media_type, text.replace(MOCK_ORIGIN, origin))
        }
        Some((media_type, text)) => Answer::bytes(route.reply.status, media_type, Bytes::from_static(text.as_bytes())),
        None => Answer::status(route.reply.status),
    }
}

/// A refusal in the shape of the gateway's errors, naming the operation and each broken rule.
fn refuse(
    request_id: &str,
    status: u16,
    operation: Option<&str>,
    broken: &[(Rule, String)],
) -> hyper::Response<ReplyBody> {
    let message = broken.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("; ");
    let body = serde_json::json!({
        "code": "MOCK_REQUEST_INVALID",
        "message": match operation {
            Some(id) => format!("{id}: {message}"),
            None => message,
        },
        "requestId": request_id,
        "operation": operation,
        "violations": broken.iter().map(|(rule, message)| serde_json::json!({"rule": rule.as_str(), "message": message})).collect::<Vec<_>>(),
    });
    respond(request_id, &Answer::json(status, &body))
}

fn respond(request_id: &str, answer: &Answer) -> hyper::Response<ReplyBody> {
    let mut builder = hyper::Response::builder()
        .status(hyper::StatusCode::from_u16(answer.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR));
    // A stub's own request id replaces the mock's.
    if !answer.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("x-request-id")) {
        builder = builder.header("x-request-id", request_id);
    }
    for (name, value) in &answer.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = match &answer.body {
        AnswerBody::Empty => Full::new(Bytes::new()).map_err(|never| match never {}).boxed(),
        AnswerBody::Full(bytes) => Full::new(bytes.clone()).map_err(|never| match never {}).boxed(),
        AnswerBody::Events { events, terminator, cut_after } => event_body(events.clone(), *terminator, *cut_after),
    };
    builder.body(body).unwrap_or_else(|_| {
        let mut fallback = hyper::Response::new(
            Full::new(Bytes::from_static(b"a stub set an invalid header")).map_err(|never| match never {}).boxed(),
        );
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

/// The events as `data:` lines, one frame each with a pause between them so a client sees
/// them arrive; cut off with an I/O error after `cut_after` events.
fn event_body(events: Vec<String>, terminator: Option<&'static str>, cut_after: Option<usize>) -> ReplyBody {
    let mut frames: Vec<Result<Bytes, std::io::Error>> = Vec::new();
    for (i, data) in events.iter().enumerate() {
        if cut_after == Some(i) {
            frames.push(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "stream cut by a stub")));
            break;
        }
        frames.push(Ok(Bytes::from(sse_event(data))));
    }
    if cut_after.is_none_or(|n| n >= events.len()) {
        if cut_after.is_some() {
            frames.push(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "stream cut by a stub")));
        } else if let Some(terminator) = terminator {
            frames.push(Ok(Bytes::from(sse_event(terminator))));
        }
    }
    let stream = futures_util::stream::unfold(frames.into_iter(), |mut frames| async move {
        let next = frames.next()?;
        tokio::time::sleep(Duration::from_millis(1)).await;
        Some((next.map(Frame::data), frames))
    });
    StreamBody::new(stream).boxed()
}

/// One server-sent event carrying `data` (a line of its own for each line of the data).
fn sse_event(data: &str) -> String {
    let mut out = String::new();
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listener whose `accept` fails (EMFILE: no file descriptor left) is tried again after
    /// a pause, not at once in a loop that takes a whole core.
    #[tokio::test]
    async fn accept_errors_are_retried_after_a_pause() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let failing = || {
            calls.fetch_add(1, Ordering::Relaxed);
            // Yields once, so the timeout below can fire whatever the loop does.
            async {
                tokio::task::yield_now().await;
                Err::<(), _>(std::io::Error::from_raw_os_error(24))
            }
        };
        let looped = tokio::time::timeout(Duration::from_millis(100), accept_loop(failing, |()| {})).await;
        assert!(looped.is_err(), "the loop never ends");
        let calls = calls.load(Ordering::Relaxed);
        // 1 ms doubling: 1 + 2 + 4 + ... + 64 ms is the most that fits in 100 ms.
        assert!((2..=8).contains(&calls), "{calls} calls to accept in 100 ms");
    }

    /// A success in between starts the pauses over from [`ACCEPT_PAUSE`].
    #[tokio::test]
    async fn a_success_starts_the_pauses_over() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let served = std::sync::atomic::AtomicUsize::new(0);
        // Fails six times (1 + 2 + 4 + 8 + 16 + 32 = 63 ms of pauses), succeeds, fails again.
        let accept = || {
            let call = calls.fetch_add(1, Ordering::Relaxed);
            async move {
                tokio::task::yield_now().await;
                if call == 6 { Ok(()) } else { Err(std::io::Error::from_raw_os_error(24)) }
            }
        };
        let serve = |()| {
            served.fetch_add(1, Ordering::Relaxed);
        };
        let _ = tokio::time::timeout(Duration::from_millis(200), accept_loop(accept, serve)).await;
        assert_eq!(served.load(Ordering::Relaxed), 1);
        // Without the reset, the pause after the success's next failure would be 64 ms, then
        // 128 ms: 8 or 9 calls at most in 200 ms. With it, 1, 2, 4, ... ms again.
        let calls = calls.load(Ordering::Relaxed);
        assert!(calls >= 11, "{calls} calls to accept in 200 ms");
    }
}
