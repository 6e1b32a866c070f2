//! Stubs: what a test tells one operation to answer, for which requests, how often; and the
//! typed view of what an operation received.

use super::check::Received;
use super::route::Route;
use crate::MockServer;
use bytes::Bytes;
use serde::Serialize;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// The typed request of one operation, decoded from what the mock received. Generated, one per
/// operation, in each area's `requests` module.
pub trait Request: Sized + Send + 'static {
    /// What the spec says about the operation.
    const ROUTE: &'static Route;

    /// Decodes a received request (already checked against [`Request::ROUTE`]).
    fn decode(received: &Received) -> Result<Self, String>;
}

/// What the mock answers: a status, headers and a body (whole, or events), possibly late, or
/// a fault.
#[derive(Debug, Clone)]
pub struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: AnswerBody,
    pub(crate) delay: Duration,
    pub(crate) reset: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum AnswerBody {
    Empty,
    Full(Bytes),
    /// Each event's data, then the terminator; `cut_after` events, the connection is cut.
    Events {
        events: Vec<String>,
        terminator: Option<&'static str>,
        cut_after: Option<usize>,
    },
}

impl Answer {
    /// A status without a body.
    pub fn status(status: u16) -> Self {
        Answer { status, headers: Vec::new(), body: AnswerBody::Empty, delay: Duration::ZERO, reset: false }
    }

    /// A status with a JSON body (`application/json`).
    pub fn json(status: u16, body: &impl Serialize) -> Self {
        Answer::json_as(status, "application/json", body)
    }

    /// A status with a JSON body sent as `media_type` (e.g. `application/vnd.pgrst.object+json`).
    pub fn json_as(status: u16, media_type: &str, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Answer::status(status).with_body(media_type, bytes),
            Err(e) => Answer::status(500).with_body("text/plain", format!("the stubbed body does not serialize: {e}")),
        }
    }

    /// A status with a text body.
    pub fn text(status: u16, media_type: &str, text: impl Into<String>) -> Self {
        Answer::status(status).with_body(media_type, text.into())
    }

    /// A status with a body of any media type.
    pub fn bytes(status: u16, media_type: &str, bytes: impl Into<Bytes>) -> Self {
        Answer::status(status).with_body(media_type, bytes.into())
    }

    /// The runtime's [`cloudbase_api::Body`], sent with the media type its variant stands for.
    pub fn any_body(status: u16, body: cloudbase_api::Body) -> Self {
        match body {
            cloudbase_api::Body::Json(value) => Answer::json(status, &value),
            cloudbase_api::Body::Text(text) => Answer::text(status, "text/plain; charset=utf-8", text),
            cloudbase_api::Body::Bytes(bytes) => Answer::bytes(status, "application/octet-stream", bytes),
            _ => Answer::status(status),
        }
    }

    /// An event stream: each item's data (JSON for typed events), then the operation's
    /// terminator.
    pub fn events<T: Serialize>(route: &Route, items: impl IntoIterator<Item = T>) -> Self {
        let events = items
            .into_iter()
            .map(|item| match serde_json::to_value(&item) {
                // Raw events are strings: their data is the text itself.
                Ok(serde_json::Value::String(text)) => text,
                Ok(value) => value.to_string(),
                Err(e) => format!("the stubbed event does not serialize: {e}"),
            })
            .collect();
        let terminator = route.stream.as_ref().and_then(|s| s.terminator);
        let mut answer = Answer::status(200);
        answer.headers.push(("content-type".to_owned(), "text/event-stream".to_owned()));
        answer.body = AnswerBody::Events { events, terminator, cut_after: None };
        answer
    }

    /// The same answer with one more header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The same answer with this body, its headers (the media type among them) as they are.
    pub(crate) fn with_raw_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = AnswerBody::Full(body.into());
        self
    }

    fn with_body(mut self, media_type: &str, body: impl Into<Bytes>) -> Self {
        self.headers.push(("content-type".to_owned(), media_type.to_owned()));
        self.body = AnswerBody::Full(body.into());
        self
    }
}

type Matcher = Arc<dyn Fn(&Received) -> bool + Send + Sync>;
type Responder = Arc<dyn Fn(&Received) -> Answer + Send + Sync>;

/// What a stub answers: always the same, or computed from each request.
#[derive(Clone)]
pub(crate) enum Reply {
    Fixed(Answer),
    Computed { respond: Responder, shape: Shaping },
}

/// What a stub's settings add to any answer it gives: a delay, headers, a cut.
#[derive(Clone, Default)]
pub(crate) struct Shaping {
    delay: Duration,
    headers: Vec<(String, String)>,
    cut_after: Option<usize>,
}

impl Shaping {
    fn apply(&self, mut answer: Answer) -> Answer {
        answer.delay = self.delay;
        answer.headers.extend(self.headers.iter().cloned());
        if let (AnswerBody::Events { cut_after, .. }, Some(n)) = (&mut answer.body, self.cut_after) {
            *cut_after = Some(n);
        }
        answer
    }
}

impl Reply {
    /// The answer to `received`.
    pub(crate) fn answer(&self, received: &Received) -> Answer {
        match self {
            Reply::Fixed(answer) => answer.clone(),
            Reply::Computed { respond, shape } => shape.apply(respond(received)),
        }
    }
}

/// A mounted stub, as the server keeps it.
pub(crate) struct StubRule {
    pub(crate) route: &'static Route,
    pub(crate) matcher: Option<Matcher>,
    /// What the condition is, for the refusal of a request every stub declines: where the
    /// test wrote [`Stub::when`], or a stubs file's entry and its `when`.
    pub(crate) condition: Option<String>,
    pub(crate) answer: Reply,
    /// Answers at most this many requests.
    pub(crate) times: Option<usize>,
    /// The number of requests it must have answered when the server is dropped.
    pub(crate) expect: Option<usize>,
    pub(crate) answered: usize,
}

/// What one stub makes of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It answers the request.
    Takes,
    /// Its condition does not hold for the request.
    Declines,
    /// Its condition holds (or it has none), but it answered its [`Stub::times`] already.
    UsedUp,
}

impl StubRule {
    pub(crate) fn verdict(&self, received: &Received) -> Verdict {
        if !self.matcher.as_ref().is_none_or(|m| m(received)) {
            Verdict::Declines
        } else if self.times.is_some_and(|n| self.answered >= n) {
            Verdict::UsedUp
        } else {
            Verdict::Takes
        }
    }

    /// The stub's condition as a refusal names it.
    pub(crate) fn describe(&self) -> String {
        self.condition.clone().unwrap_or_else(|| "no condition".to_owned())
    }
}

/// One operation of the mock: stub its reply (`when`, `times`, `expect`, `delay`, then one of
/// the generated `reply...` methods, [`Stub::status`] or [`Stub::reset`]), or read what it
/// received ([`Stub::received`]).
#[must_use = "a stub answers nothing until a reply method mounts it"]
pub struct Stub<'s, R: Request> {
    server: &'s MockServer,
    matcher: Option<Matcher>,
    condition: Option<String>,
    times: Option<usize>,
    expect: Option<usize>,
    shape: Shaping,
    _request: PhantomData<fn() -> R>,
}

impl<'s, R: Request> Stub<'s, R> {
    /// The stub of `R`'s operation on `server`.
    pub fn new(server: &'s MockServer) -> Self {
        Stub {
            server,
            matcher: None,
            condition: None,
            times: None,
            expect: None,
            shape: Shaping::default(),
            _request: PhantomData,
        }
    }

    /// Answers only requests for which `matches` holds (a request that does not decode into
    /// `R` does not match).
    ///
    /// A request to the operation that every one of its stubs declines this way is refused
    /// (501, naming the operation and where each stub's `when` was written) and recorded as a
    /// [`Violation`](crate::Violation) of [`Rule::Stub`](crate::Rule::Stub), unless
    /// [`MockServer::strict`] turned that off: a misspelled name fails the test instead of
    /// getting the spec's example.
    #[track_caller]
    pub fn when(mut self, matches: impl Fn(&R) -> bool + Send + Sync + 'static) -> Self {
        let at = std::panic::Location::caller();
        self.condition = Some(format!("when at {}:{}:{}", at.file(), at.line(), at.column()));
        self.matcher = Some(Arc::new(move |received: &Received| R::decode(received).is_ok_and(|r| matches(&r))));
        self
    }

    /// Answers at most `n` requests; later ones its condition takes go to the next stub, or to
    /// the operation's default reply (strictness refuses only what every condition declines).
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Panics when the server is dropped unless the stub answered exactly `n` requests.
    pub fn expect(mut self, n: usize) -> Self {
        self.expect = Some(n);
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.shape.delay = delay;
        self
    }

    /// Adds a header to the reply, e.g. a documented response header such as `Content-Range`
    /// or `Preference-Applied` (each operation's rustdoc in `cloudbase-api` lists them).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.shape.headers.push((name.into(), value.into()));
        self
    }

    /// For an event stream: cuts the connection after this many events (before the terminator).
    pub fn cut_after(mut self, events: usize) -> Self {
        self.shape.cut_after = Some(events);
        self
    }

    /// Answers `status` without a body (any status: a fault for retry tests).
    pub fn status(self, status: u16) {
        self.answer(Answer::status(status));
    }

    /// Closes the connection without answering.
    pub fn reset(self) {
        let mut answer = Answer::status(0);
        answer.reset = true;
        self.answer(answer);
    }

    /// Mounts the stub with any answer.
    pub fn answer(self, answer: Answer) {
        let answer = self.shape.apply(answer);
        self.mount(Reply::Fixed(answer));
    }

    /// Mounts the stub with an answer computed from each request it takes: the typed request
    /// and the request as received (its headers, its raw body). For stateful fakes: the mock's
    /// auth flows are built this way.
    pub fn respond(self, respond: impl Fn(&R, &Received) -> Answer + Send + Sync + 'static) {
        let computed = move |received: &Received| match R::decode(received) {
            Ok(request) => respond(&request, received),
            Err(e) => Answer::text(500, "text/plain", format!("the request does not decode: {e}")),
        };
        let shape = self.shape.clone();
        self.mount(Reply::Computed { respond: Arc::new(computed), shape });
    }

    fn mount(self, answer: Reply) {
        let rule = StubRule {
            route: R::ROUTE,
            matcher: self.matcher,
            condition: self.condition,
            answer,
            times: self.times,
            expect: self.expect,
            answered: 0,
        };
        self.server.mount(rule);
    }

    /// Every request the operation received, in order, decoded into `R` (requests the mock
    /// refused included, where they decode).
    pub fn received(&self) -> Vec<R> {
        self.server.received_by(R::ROUTE).iter().filter_map(|r| R::decode(r).ok()).collect()
    }
}
