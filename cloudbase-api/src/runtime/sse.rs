//! Server-sent events: a line decoder with bounded memory, and the typed stream built on it.

use crate::error::{DecodeError, Error, StreamCut};
use crate::response::{Head, head_accessors};
use crate::runtime::Operation;
use crate::runtime::idle::IdleTimer;
use crate::runtime::stall::{StallGuard, StreamTimers};
use bytes::Bytes;
use futures_util::Stream;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Decodes an event's `data` into the stream's item type.
pub(crate) type DecodeData<T> = fn(&'static Operation, Bytes) -> Result<T, Error>;

/// Items that are JSON documents.
pub(crate) fn json<T: serde::de::DeserializeOwned>(operation: &'static Operation, data: Bytes) -> Result<T, Error> {
    serde_json::from_slice(&data)
        .map_err(|e| decode_error(operation, format!("event data is not the documented JSON: {e}"), &data))
}

/// Items that are the raw `data` text.
pub(crate) fn raw(operation: &'static Operation, data: Bytes) -> Result<String, Error> {
    String::from_utf8(data.into())
        .map_err(|e| decode_error(operation, "event data is not UTF-8".to_owned(), e.as_bytes()))
}

fn decode_error(operation: &'static Operation, reason: String, data: &[u8]) -> Error {
    let headers = HeaderMap::from_iter([(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"))]);
    DecodeError::error(Head::new(operation.id, 200, headers), reason, data)
}

/// One dispatched event: its `data` lines joined with `\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) data: Bytes,
}

/// The `data` of the event being assembled. A single `data:` line that arrived whole is kept as a
/// slice of the received chunk, so the common event is never copied before decoding.
#[derive(Debug, Default)]
enum Data {
    #[default]
    None,
    Slice(Bytes),
    Joined(Vec<u8>),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::None => 0,
            Data::Slice(bytes) => bytes.len(),
            Data::Joined(bytes) => bytes.len(),
        }
    }

    fn push(&mut self, value: Bytes) {
        *self = match std::mem::take(self) {
            Data::None => Data::Slice(value),
            Data::Slice(first) => {
                let mut joined = Vec::with_capacity(first.len() + 1 + value.len());
                joined.extend_from_slice(&first);
                joined.push(b'\n');
                joined.extend_from_slice(&value);
                Data::Joined(joined)
            }
            Data::Joined(mut joined) => {
                joined.push(b'\n');
                joined.extend_from_slice(&value);
                Data::Joined(joined)
            }
        };
    }
}

/// Incremental SSE parser (the WHATWG event-stream grammar): `data:` lines joined with `\n`,
/// comments and `event:`/`id:`/`retry:` fields accepted, CR, LF and CRLF line ends.
/// Memory is bounded by `max_event_bytes`: the pending line plus the event being assembled.
#[derive(Debug)]
pub(crate) struct Decoder {
    max_event_bytes: usize,
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    data: Data,
    /// The previous chunk ended in CR, so a leading LF belongs to that line end.
    after_cr: bool,
}

impl Decoder {
    pub(crate) fn new(max_event_bytes: usize) -> Self {
        Decoder { max_event_bytes, line: Vec::new(), data: Data::None, after_cr: false }
    }

    /// Feeds a received chunk, appending each completed event to `events`. Says whether the
    /// stream made progress: an event was completed, or a comment line (the keep-alive the SSE
    /// standard recommends), as opposed to bytes of a line or an event still incomplete.
    pub(crate) fn feed(&mut self, chunk: &Bytes, events: &mut impl Extend<Event>) -> Result<bool, String> {
        let mut progress = false;
        let mut start = 0;
        if self.after_cr && chunk.first() == Some(&b'\n') {
            start = 1;
        }
        self.after_cr = false;
        while let Some(offset) = memchr::memchr2(b'\n', b'\r', &chunk[start..]) {
            let end = start + offset;
            let line = if self.line.is_empty() {
                chunk.slice(start..end)
            } else {
                // The line began in an earlier chunk: complete it and take the buffer whole.
                self.line.extend_from_slice(&chunk[start..end]);
                Bytes::from(std::mem::take(&mut self.line))
            };
            self.check_size(line.len())?;
            progress |= self.line_done(line, events);
            let crlf = chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n');
            if chunk[end] == b'\r' && end + 1 == chunk.len() {
                self.after_cr = true;
            }
            start = end + if crlf { 2 } else { 1 };
        }
        if start < chunk.len() {
            self.line.extend_from_slice(&chunk[start..]);
            self.check_size(self.line.len())?;
        }
        Ok(progress)
    }

    /// The pending line (`line` bytes) and the event's data so far must fit the limit.
    fn check_size(&self, line: usize) -> Result<(), String> {
        if line + self.data.len() > self.max_event_bytes {
            return Err(format!("an event is larger than the {} byte limit", self.max_event_bytes));
        }
        Ok(())
    }

    /// Takes one complete line; true when it completed an event or was a comment.
    fn line_done(&mut self, line: Bytes, events: &mut impl Extend<Event>) -> bool {
        if line.is_empty() {
            let dispatched = match std::mem::take(&mut self.data) {
                Data::None => false,
                Data::Slice(data) => {
                    events.extend([Event { data }]);
                    true
                }
                Data::Joined(data) => {
                    events.extend([Event { data: data.into() }]);
                    true
                }
            };
            return dispatched;
        }
        if line[0] == b':' {
            return true;
        }
        let (field, value) = match memchr::memchr(b':', &line) {
            Some(colon) => {
                let skip = if line.get(colon + 1) == Some(&b' ') { 2 } else { 1 };
                (&line[..colon], line.slice(colon + skip..))
            }
            None => (&line[..], Bytes::new()),
        };
        // `event`, `id` and `retry` carry nothing the typed items need; unknown fields are ignored
        // as the SSE grammar requires.
        if field == b"data" {
            self.data.push(value);
        }
        false
    }

    /// Whether part of an event has arrived: a line not yet complete, or `data` lines of an
    /// event not yet dispatched. A comment line, or a field other than `data`, alone is not
    /// (the SSE grammar drops such a block at the end of the stream); input ending while this
    /// holds means the stream was cut in the middle of an event.
    pub(crate) fn in_event(&self) -> bool {
        !self.line.is_empty() || !matches!(self.data, Data::None)
    }
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// A stream of typed server-sent events, from `send_stream()`.
///
/// Yields each event's decoded data; ends after the terminator event (e.g. `[DONE]`), and yields
/// [`Error::StreamCut`] if the connection ends mid-event or before the terminator, or
/// [`Error::Timeout`] if the next event takes
/// longer than the idle timeout ([`ClientBuilder::stream_idle_timeout`](crate::ClientBuilder::stream_idle_timeout))
/// to complete: bytes that do not complete an event (a line trickled byte by byte) do not restart
/// it; a comment line, the keep-alive the SSE standard recommends, does. The rest of an event
/// that has begun must also come faster than the client's throughput floor
/// ([`ClientBuilder::stalled_stream_protection`](crate::ClientBuilder::stalled_stream_protection);
/// the waits for the first event and between events do not count against it), and the whole
/// stream must end by its [`transfer_timeout`](crate::ClientBuilder::transfer_timeout), if set.
pub struct EventStream<T> {
    operation: &'static Operation,
    head: Head,
    chunks: ChunkStream,
    decoder: Decoder,
    ready: std::collections::VecDeque<Event>,
    decode: DecodeData<T>,
    terminator: Option<&'static str>,
    /// Progress is the reply head, an event, a comment line.
    idle: IdleTimer,
    /// Counts the waits in the middle of an event.
    stall: Option<StallGuard>,
    /// The transfer deadline's timer.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Events yielded so far.
    events: u64,
    done: bool,
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("operation", &self.head.operation)
            .field("status", &self.head.status)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        operation: &'static Operation,
        status: u16,
        headers: HeaderMap,
        chunks: ChunkStream,
        decode: DecodeData<T>,
        terminator: Option<&'static str>,
        max_event_bytes: usize,
        timers: StreamTimers,
    ) -> Self {
        EventStream {
            operation,
            head: Head::new(operation.id, status, headers),
            chunks,
            decoder: Decoder::new(max_event_bytes),
            ready: Default::default(),
            decode,
            terminator,
            idle: IdleTimer::new(timers.idle),
            stall: StallGuard::new(timers.stall),
            deadline: timers.deadline().map(|deadline| Box::pin(tokio::time::sleep_until(deadline))),
            events: 0,
            done: false,
        }
    }

    head_accessors!();

    fn fail(&mut self, reason: String) -> Poll<Option<Result<T, Error>>> {
        self.done = true;
        Poll::Ready(Some(Err(DecodeError::error(self.head.clone(), reason, b""))))
    }

    /// The stream ended early: closed (`source` is `None`) or cut by the connection.
    fn cut(&mut self, source: Option<reqwest::Error>) -> Poll<Option<Result<T, Error>>> {
        self.done = true;
        let cut = StreamCut {
            head: self.head.clone(),
            events: self.events,
            mid_event: self.decoder.in_event(),
            terminator: self.terminator,
            source: source.map(reqwest::Error::without_url),
        };
        Poll::Ready(Some(Err(Error::StreamCut(Box::new(cut)))))
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(event) = this.ready.pop_front() {
                if this.terminator.is_some_and(|t| t.as_bytes() == event.data) {
                    this.done = true;
                    return Poll::Ready(None);
                }
                this.events += 1;
                return Poll::Ready(Some((this.decode)(this.operation, event.data)));
            }
            match this.chunks.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    let now = tokio::time::Instant::now();
                    if let Some(Err(stall)) = this.stall.as_mut().map(|stall| stall.received(chunk.len(), now)) {
                        this.done = true;
                        return Poll::Ready(Some(Err(stall.error(this.operation.id))));
                    }
                    match this.decoder.feed(&chunk, &mut this.ready) {
                        Ok(true) => this.idle.progress(now),
                        Ok(false) => {}
                        Err(reason) => return this.fail(reason),
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    if e.is_timeout() {
                        this.done = true;
                        return Poll::Ready(Some(Err(Error::Timeout { operation: this.operation.id })));
                    }
                    return this.cut(Some(e));
                }
                Poll::Ready(None) => {
                    if this.decoder.in_event() || this.terminator.is_some() {
                        return this.cut(None);
                    }
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => {
                    let expired = this.deadline.as_mut().is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready())
                        || this.idle.poll_expired(cx).is_ready();
                    if expired {
                        this.done = true;
                        return Poll::Ready(Some(Err(Error::Timeout { operation: this.operation.id })));
                    }
                    // Only a wait in the middle of an event is the server's to answer for.
                    if let Some(stall) = this.stall.as_mut().filter(|_| this.decoder.in_event())
                        && let Poll::Ready(stall) = stall.poll_waiting(cx)
                    {
                        this.done = true;
                        return Poll::Ready(Some(Err(stall.error(this.operation.id))));
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> (Vec<String>, Result<(), String>) {
        let mut decoder = Decoder::new(64);
        let mut events = Vec::new();
        let text = |events: Vec<Event>| events.into_iter().map(|e| String::from_utf8(e.data.into()).unwrap()).collect();
        for chunk in chunks {
            if let Err(e) = decoder.feed(&Bytes::copy_from_slice(chunk), &mut events) {
                return (text(events), Err(e));
            }
        }
        let end = if decoder.in_event() { Err("cut in the middle of an event".to_owned()) } else { Ok(()) };
        (text(events), end)
    }

    #[test]
    fn joins_multi_line_data_and_skips_comments_and_fields() {
        let (events, end) = decode(&[b": hi\nevent: x\nid: 1\ndata: a\ndata:b\n\ndata: [DONE]\n\n"]);
        assert_eq!(events, ["a\nb", "[DONE]"]);
        assert_eq!(end, Ok(()));
    }

    #[test]
    fn handles_crlf_split_across_chunks() {
        let (events, end) = decode(&[b"data: 1\r", b"\n\r", b"\ndata: 2\r\r"]);
        assert_eq!(events, ["1", "2"]);
        assert_eq!(end, Ok(()));
    }

    #[test]
    fn only_whole_events_and_comment_lines_are_progress() {
        let mut decoder = Decoder::new(64);
        let mut events = Vec::new();
        let mut feed = |chunk: &[u8]| decoder.feed(&Bytes::copy_from_slice(chunk), &mut events).unwrap();
        assert!(!feed(b"da"), "part of a line");
        assert!(!feed(b"ta: 1\n"), "a data line of an event still open");
        assert!(!feed(b"event: x\nid: 2\n"), "other fields");
        assert!(feed(b"\n"), "the blank line that dispatches the event");
        assert!(!feed(b"\n"), "a blank line with no event to dispatch");
        assert!(feed(b": keep-alive\n"), "a comment line");
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn a_cut_event_is_an_error() {
        let (events, end) = decode(&[b"data: 1\n\ndata: {\"partial"]);
        assert_eq!(events, ["1"]);
        assert!(end.is_err());
    }

    #[test]
    fn an_event_over_the_cap_is_an_error() {
        let big = [b'x'; 100];
        let (_, end) = decode(&[b"data: ", &big]);
        assert!(end.unwrap_err().contains("64 byte limit"));
    }

    use crate::StalledStreamProtection;
    use crate::runtime::Method;
    use futures_util::StreamExt;
    use std::time::Duration;

    static CHAT: Operation =
        Operation { id: "chat", method: Method::Post, path: "/chat", accept: "*/*", security: &[] };

    /// An event stream whose server sends each text of `script` after its gap, on its own
    /// clock, then goes silent.
    fn served(script: Vec<(Duration, Vec<u8>)>, timers: StreamTimers) -> EventStream<String> {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
        tokio::spawn(async move {
            for (gap, bytes) in script {
                tokio::time::sleep(gap).await;
                let _ = sender.send(Bytes::from(bytes));
            }
            tokio::time::sleep(Duration::from_secs(1_000_000)).await;
        });
        let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (Ok(chunk), receiver))
        });
        EventStream::new(&CHAT, 200, HeaderMap::new(), Box::pin(chunks), raw, None, 1 << 20, timers)
    }

    fn defaults() -> StreamTimers {
        StreamTimers { idle: Duration::from_secs(120), stall: StalledStreamProtection::default(), transfer: None }
    }

    fn bytewise(text: &[u8], gap: Duration) -> Vec<(Duration, Vec<u8>)> {
        text.iter().map(|byte| (gap, vec![*byte])).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn an_event_trickled_a_byte_a_second_is_cut_a_grace_period_in() {
        let mut script = vec![(Duration::ZERO, b"data: first\n\n".to_vec())];
        script.extend(bytewise(&b"data: {\"a\": 1}".repeat(100), Duration::from_secs(1)));
        let mut events = served(script, defaults());
        assert_eq!(events.next().await.unwrap().unwrap(), "first");
        let started = tokio::time::Instant::now();
        let error = events.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Stalled { operation: "chat", .. }), "{error:?}");
        // Counted from the event's first byte, a second in; the idle timeout alone would have
        // waited 120 s.
        assert_eq!(started.elapsed(), Duration::from_secs(21));
        assert!(events.next().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_the_first_event_and_between_events_are_not_stalls() {
        // A model that thinks for 100 s, then answers an event a minute, keeping the stream
        // alive with a comment now and then.
        let mut script = vec![(Duration::from_secs(100), b"data: 1\n\n".to_vec())];
        for i in 2..6 {
            script.push((Duration::from_secs(30), b":\n".to_vec()));
            script.push((Duration::from_secs(30), format!("data: {i}\n\n").into_bytes()));
        }
        let mut events = served(script, defaults());
        for expected in ["1", "2", "3", "4", "5"] {
            assert_eq!(events.next().await.unwrap().unwrap(), expected);
        }
        let started = tokio::time::Instant::now();
        let error = events.next().await.unwrap().unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }), "the idle timeout ends the silence: {error:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(120));
    }

    #[tokio::test(start_paused = true)]
    async fn a_transfer_timeout_ends_an_event_stream_still_going() {
        let script = (0..100).map(|i| (Duration::from_secs(1), format!("data: {i}\n\n").into_bytes())).collect();
        let timers = StreamTimers { transfer: Some(Duration::from_millis(10_500)), ..defaults() };
        let started = tokio::time::Instant::now();
        let mut events = served(script, timers);
        let mut received = 0;
        let error = loop {
            match events.next().await.unwrap() {
                Ok(_) => received += 1,
                Err(error) => break error,
            }
        };
        assert!(matches!(error, Error::Timeout { operation: "chat" }), "{error:?}");
        assert_eq!((received, started.elapsed()), (10, Duration::from_millis(10_500)));
    }
}
