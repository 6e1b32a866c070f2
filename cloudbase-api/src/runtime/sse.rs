//! Server-sent events: a line decoder with bounded memory, and the typed stream built on it.

use crate::error::{DecodeError, Error};
use crate::runtime::Operation;
use bytes::Bytes;
use futures_util::Stream;
use reqwest::header::HeaderMap;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Decodes an event's `data` into the stream's item type.
pub(crate) type DecodeData<T> = fn(&'static Operation, String) -> Result<T, Error>;

/// Items that are JSON documents.
pub(crate) fn json<T: serde::de::DeserializeOwned>(operation: &'static Operation, data: String) -> Result<T, Error> {
    serde_json::from_str(&data).map_err(|e| {
        Error::Decode(Box::new(DecodeError {
            operation: operation.id,
            status: 200,
            headers: HeaderMap::new(),
            content_type: Some("text/event-stream".to_owned()),
            reason: format!("event data is not the documented JSON: {e}"),
            snippet: crate::error::snippet(data.as_bytes()),
        }))
    })
}

/// Items that are the raw `data` text.
pub(crate) fn raw(_: &'static Operation, data: String) -> Result<String, Error> {
    Ok(data)
}

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) data: String,
}

/// Incremental SSE parser (the WHATWG event-stream grammar): `data:` lines joined with `\n`,
/// comments and `event:`/`id:`/`retry:` fields accepted, CR, LF and CRLF line ends.
/// Memory is bounded by `max_event_bytes`: the pending line plus the event being assembled.
#[derive(Debug)]
pub(crate) struct Decoder {
    max_event_bytes: usize,
    line: Vec<u8>,
    data: String,
    has_data: bool,
    /// The previous chunk ended in CR, so a leading LF belongs to that line end.
    after_cr: bool,
    /// Anything seen since the last dispatch (a partial event at the end of input is an error).
    pending: bool,
}

impl Decoder {
    pub(crate) fn new(max_event_bytes: usize) -> Self {
        Decoder {
            max_event_bytes,
            line: Vec::new(),
            data: String::new(),
            has_data: false,
            after_cr: false,
            pending: false,
        }
    }

    /// Feeds bytes, appending each completed event to `events`.
    pub(crate) fn feed(&mut self, mut chunk: &[u8], events: &mut Vec<Event>) -> Result<(), String> {
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&chunk[..end]);
            self.check_size()?;
            let line = std::mem::take(&mut self.line);
            self.line_done(&line, events)?;
            let crlf = chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n');
            if chunk[end] == b'\r' && end + 1 == chunk.len() {
                self.after_cr = true;
            }
            chunk = &chunk[end + if crlf { 2 } else { 1 }..];
        }
        self.line.extend_from_slice(chunk);
        if !self.line.is_empty() {
            self.pending = true;
        }
        self.check_size()
    }

    fn check_size(&self) -> Result<(), String> {
        if self.line.len() + self.data.len() > self.max_event_bytes {
            return Err(format!("an event is larger than the {} byte limit", self.max_event_bytes));
        }
        Ok(())
    }

    fn line_done(&mut self, line: &[u8], events: &mut Vec<Event>) -> Result<(), String> {
        if line.is_empty() {
            if self.has_data {
                events.push(Event { data: std::mem::take(&mut self.data) });
            }
            self.has_data = false;
            self.pending = false;
            return Ok(());
        }
        self.pending = true;
        let line = std::str::from_utf8(line).map_err(|_| "event stream is not UTF-8".to_owned())?;
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        if field == "data" {
            if self.has_data {
                self.data.push('\n');
            }
            self.data.push_str(value);
            self.has_data = true;
        }
        // `event`, `id` and `retry` carry nothing the typed items need; unknown fields are ignored
        // as the SSE grammar requires.
        Ok(())
    }

    /// The input ended: an event still being assembled means the stream was cut off.
    pub(crate) fn finish(&self) -> Result<(), String> {
        if self.pending || self.has_data {
            return Err("the event stream ended in the middle of an event".to_owned());
        }
        Ok(())
    }
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// A stream of typed server-sent events, from `send_stream()`.
///
/// Yields each event's decoded data; ends after the terminator event (e.g. `[DONE]`), and yields
/// an error if the connection ends mid-event or before the terminator, or stays idle too long.
pub struct EventStream<T> {
    operation: &'static Operation,
    status: u16,
    headers: HeaderMap,
    chunks: ChunkStream,
    decoder: Decoder,
    ready: std::collections::VecDeque<Event>,
    decode: DecodeData<T>,
    terminator: Option<&'static str>,
    idle_timeout: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("operation", &self.operation.id)
            .field("status", &self.status)
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
        idle_timeout: Duration,
    ) -> Self {
        EventStream {
            operation,
            status,
            headers,
            chunks,
            decoder: Decoder::new(max_event_bytes),
            ready: Default::default(),
            decode,
            terminator,
            idle_timeout,
            sleep: None,
            done: false,
        }
    }

    /// The HTTP status of the reply.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reply headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The gateway's `X-Request-Id`.
    pub fn request_id(&self) -> Option<&str> {
        crate::runtime::request_id(&self.headers)
    }

    fn fail(&mut self, reason: String) -> Poll<Option<Result<T, Error>>> {
        self.done = true;
        Poll::Ready(Some(Err(Error::Decode(Box::new(DecodeError {
            operation: self.operation.id,
            status: self.status,
            headers: self.headers.clone(),
            content_type: Some("text/event-stream".to_owned()),
            reason,
            snippet: String::new(),
        })))))
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
                if this.terminator == Some(event.data.as_str()) {
                    this.done = true;
                    return Poll::Ready(None);
                }
                return Poll::Ready(Some((this.decode)(this.operation, event.data)));
            }
            match this.chunks.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.sleep = None;
                    let mut events = Vec::new();
                    if let Err(reason) = this.decoder.feed(&chunk, &mut events) {
                        return this.fail(reason);
                    }
                    this.ready.extend(events);
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    let operation = this.operation.id;
                    return Poll::Ready(Some(Err(if e.is_timeout() {
                        Error::Timeout { operation }
                    } else {
                        Error::Transport { operation, source: e }
                    })));
                }
                Poll::Ready(None) => {
                    if let Err(reason) = this.decoder.finish() {
                        return this.fail(reason);
                    }
                    if let Some(terminator) = this.terminator {
                        return this.fail(format!("the event stream ended before its `{terminator}` event"));
                    }
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => {
                    let idle = this.idle_timeout;
                    let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                    if sleep.as_mut().poll(cx).is_ready() {
                        this.done = true;
                        return Poll::Ready(Some(Err(Error::Timeout { operation: this.operation.id })));
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
        for chunk in chunks {
            if let Err(e) = decoder.feed(chunk, &mut events) {
                return (events.into_iter().map(|e| e.data).collect(), Err(e));
            }
        }
        let end = decoder.finish();
        (events.into_iter().map(|e| e.data).collect(), end)
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
}
