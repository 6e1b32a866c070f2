//! Binary bodies, streamed both ways: what an upload sends (bytes, a file, a reader) and what a
//! download receives, as one type.

use crate::error::Error;
use crate::runtime::idle::IdleTimer;
use crate::runtime::stall::{StallGuard, StreamTimers};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

/// Chunks of a body, each a `Result` so a failing file, reader or connection ends it with an error.
pub(crate) type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// Size of the chunks read from a file or reader.
const CHUNK_BYTES: usize = 64 * 1024;

/// A binary body, streamed: the body of an upload, or the reply of a download.
///
/// As a request body it is made from bytes held in memory (`From<Bytes>`, `From<Vec<u8>>`,
/// `From<String>`, ...), a file ([`from_path`](Self::from_path), read as it is sent, so a
/// 2 GB upload never sits in memory), or any [`AsyncRead`] ([`from_reader`](Self::from_reader)).
/// Bytes and files can be sent again, so such a request is retried like any other; a reader is
/// read once, so a request with one is never retried.
///
/// As a reply it arrives chunk by chunk: it is a [`Stream`] of `Result<Bytes, Error>`, and
/// [`write_to`](Self::write_to), [`write_to_file`](Self::write_to_file),
/// [`into_async_read`](Self::into_async_read) and [`collect`](Self::collect) consume it. Each
/// chunk must arrive within the client's idle timeout
/// ([`ClientBuilder::stream_idle_timeout`](crate::ClientBuilder::stream_idle_timeout)), the
/// chunks must come faster than the client's throughput floor
/// ([`ClientBuilder::stalled_stream_protection`](crate::ClientBuilder::stalled_stream_protection))
/// and, if one is set, the whole body by its deadline
/// ([`transfer_timeout`](Self::transfer_timeout)).
///
/// A reply or a reader can be read once: a clone shares it, and whichever reads it first takes
/// it (the other then ends with an error saying so). A clone of bytes or a file reads them again
/// from the start.
///
/// ```
/// # async fn run() -> Result<(), cloudbase_api::Error> {
/// use cloudbase_api::ByteStream;
///
/// let from_memory = ByteStream::from("hello");
/// assert_eq!(from_memory.len(), Some(5));
/// assert_eq!(from_memory.collect().await?, "hello");
///
/// let reader = tokio::io::repeat(b'x');
/// # use tokio::io::AsyncReadExt;
/// let from_reader = ByteStream::from_reader(reader.take(3)).on_progress(|p| println!("{} bytes", p.transferred()));
/// assert_eq!(from_reader.collect().await?, "xxx");
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run()).unwrap();
/// ```
pub struct ByteStream {
    source: Source,
    length: Option<u64>,
    progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
    /// The operationId it was sent or received with, for its errors (empty before that).
    operation: &'static str,
    /// A reply read whole may hold at most this many bytes (the client's response limit).
    limit: Option<usize>,
    /// When the whole body must have been read ([`transfer_timeout`](Self::transfer_timeout)).
    deadline: Option<tokio::time::Instant>,
    /// Boxed: a stream not read yet (a request or a reply holding one) stays small.
    reading: Option<Box<Reading>>,
}

enum Source {
    Bytes(Bytes),
    File(PathBuf),
    /// A reader or a reply: read once, by whichever clone reads first.
    Once(Arc<Mutex<Option<Chunks>>>),
}

impl Clone for Source {
    fn clone(&self) -> Self {
        match self {
            Source::Bytes(bytes) => Source::Bytes(bytes.clone()),
            Source::File(path) => Source::File(path.clone()),
            Source::Once(shared) => Source::Once(shared.clone()),
        }
    }
}

struct Reading {
    /// In a `Mutex` only so the stream is `Sync` (a request holding it is borrowed across
    /// awaits); it is only ever reached through `&mut`, never locked.
    chunks: Mutex<Chunks>,
    transferred: u64,
    /// The chunk that completed the stated length, held until the source shows it has nothing
    /// more: an HTTP body of a stated length is complete at its last byte, and would be sent as
    /// complete were the extra bytes to come only after it.
    last: Option<Bytes>,
    finished: bool,
    /// The timer of the deadline, set when the stream first waits.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// How far a [`ByteStream`] has been read (sent or received), given to the callback of
/// [`ByteStream::on_progress`] after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    transferred: u64,
    total: Option<u64>,
}

impl Progress {
    /// Bytes read so far. A request that is retried sends its body again: the count then starts
    /// again from 0.
    pub fn transferred(&self) -> u64 {
        self.transferred
    }

    /// The size of the whole body, when it is known (bytes, a file, a reader given a length, a
    /// reply with `Content-Length`).
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

impl ByteStream {
    fn new(source: Source, length: Option<u64>) -> Self {
        ByteStream { source, length, progress: None, operation: "", limit: None, deadline: None, reading: None }
    }

    /// A file, read chunk by chunk as it is sent (its size, read now, is sent as
    /// `Content-Length`; a file that has grown or shrunk by the time it is read fails the request
    /// with [`Error::Io`]). A retried request reads it again from the start.
    ///
    /// Fails with [`Error::Io`] when the file's metadata cannot be read or it is not a file.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<ByteStream, Error> {
        let path = path.as_ref();
        let metadata = tokio::fs::metadata(path).await.map_err(|e| io_error("", path_context(path, e)))?;
        if !metadata.is_file() {
            let error = io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
            return Err(io_error("", path_context(path, error)));
        }
        Ok(ByteStream::new(Source::File(path.to_owned()), Some(metadata.len())))
    }

    /// Any reader, read once as the body is sent; its length is unknown (the body is sent in
    /// chunks) unless given with [`with_length`](Self::with_length). A request with it is never
    /// retried.
    pub fn from_reader(reader: impl AsyncRead + Send + 'static) -> ByteStream {
        let chunks = tokio_util::io::ReaderStream::with_capacity(reader, CHUNK_BYTES)
            .map(|chunk| chunk.map_err(|e| io_error("", e)));
        ByteStream::once(Box::pin(chunks), None)
    }

    /// Chunks that can be read once: a reader's, or a reply's.
    pub(crate) fn once(chunks: Chunks, length: Option<u64>) -> ByteStream {
        ByteStream::new(Source::Once(Arc::new(Mutex::new(Some(chunks)))), length)
    }

    /// A reply's body, streamed: its chunks, within the client's stream `timers`, at most
    /// `limit` bytes when read whole with [`collect`](Self::collect).
    pub(crate) fn reply(
        operation: &'static str,
        response: reqwest::Response,
        timers: StreamTimers,
        origin: String,
        limit: usize,
    ) -> ByteStream {
        let length = response.content_length();
        ByteStream::reply_chunks(operation, Box::pin(response.bytes_stream()), length, timers, origin, limit)
    }

    /// [`reply`](Self::reply) from the chunks of a reply's body.
    fn reply_chunks(
        operation: &'static str,
        chunks: Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>,
        length: Option<u64>,
        timers: StreamTimers,
        origin: String,
        limit: usize,
    ) -> ByteStream {
        let chunks = ReplyChunks {
            operation,
            chunks,
            idle: IdleTimer::new(timers.idle),
            stall: StallGuard::new(timers.stall),
            origin,
            done: false,
        };
        let mut stream = ByteStream::once(Box::pin(chunks), length);
        stream.operation = operation;
        stream.limit = Some(limit);
        stream.deadline = timers.deadline();
        stream
    }

    /// The whole body must have been read within `timeout` from now, or it ends with
    /// [`Error::Timeout`]: for a download, this replaces the client's
    /// [`transfer_timeout`](crate::ClientBuilder::transfer_timeout) (counted from the reply's
    /// head). It bounds the waits for the next chunk, so a body whose chunks have all arrived
    /// is read to its end; for a body sent, it bounds the reading of its file or reader.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use std::time::Duration;
    ///
    /// let body = client.storage_pg().objects("avatars").download("a.png").await?;
    /// let written = body.transfer_timeout(Duration::from_secs(300)).write_to_file("a.png").await?;
    /// # Ok(()) }
    /// ```
    pub fn transfer_timeout(mut self, timeout: std::time::Duration) -> ByteStream {
        self.deadline = tokio::time::Instant::now().checked_add(timeout);
        if let Some(reading) = &mut self.reading {
            reading.deadline = None;
        }
        self
    }

    /// The same stream with its length known, sent as `Content-Length` (a reader of a known size;
    /// a server may refuse a chunked upload). A body that turns out longer or shorter fails the
    /// request with [`Error::Io`], never sent cut to the length or short of it.
    pub fn with_length(mut self, length: u64) -> ByteStream {
        self.length = Some(length);
        self
    }

    /// Calls `callback` after each chunk is read (sent, for an upload; received, for a download).
    pub fn on_progress(mut self, callback: impl Fn(Progress) + Send + Sync + 'static) -> ByteStream {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The size of the whole body, when known: bytes, a file, a reader given a length, a reply
    /// with a `Content-Length`.
    #[allow(clippy::len_without_is_empty)] // the length may be unknown; `Some(0)` says empty
    pub fn len(&self) -> Option<u64> {
        self.length
    }

    /// Whether it can be sent again (bytes or a file), so a request with it may be retried.
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Once(_))
    }

    /// Whether a one-time stream is still there to be read.
    pub(crate) fn is_available(&self) -> bool {
        match &self.source {
            Source::Once(shared) => shared.lock().map(|s| s.is_some()).unwrap_or(false),
            _ => true,
        }
    }

    /// The stream attributed to `operation`, for its errors.
    pub(crate) fn for_operation(mut self, operation: &'static str) -> ByteStream {
        self.operation = operation;
        self
    }

    fn open(&self) -> Chunks {
        let operation = self.operation;
        match &self.source {
            Source::Bytes(bytes) if bytes.is_empty() => Box::pin(futures_util::stream::empty()),
            Source::Bytes(bytes) => Box::pin(futures_util::stream::once(std::future::ready(Ok(bytes.clone())))),
            Source::File(path) => {
                let path = path.clone();
                let open = async move {
                    match tokio::fs::File::open(&path).await {
                        Ok(file) => tokio_util::io::ReaderStream::with_capacity(file, CHUNK_BYTES)
                            .map(move |chunk| chunk.map_err(|e| io_error(operation, e)))
                            .boxed(),
                        Err(e) => futures_util::stream::once(std::future::ready(Err(io_error(
                            operation,
                            path_context(&path, e),
                        ))))
                        .boxed(),
                    }
                };
                Box::pin(futures_util::stream::once(open).flatten())
            }
            Source::Once(shared) => match shared.lock().ok().and_then(|mut s| s.take()) {
                Some(chunks) => chunks,
                None => {
                    let error =
                        io::Error::other("this stream (a reader or a reply) can be read once and was read already");
                    Box::pin(futures_util::stream::once(std::future::ready(Err(io_error(operation, error)))))
                }
            },
        }
    }

    /// Reads the whole body into memory. A reply may hold at most the client's
    /// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes), like any reply read whole;
    /// [`write_to_file`](Self::write_to_file) has no such limit.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        if let (Source::Bytes(bytes), None) = (&self.source, &self.progress) {
            return Ok(bytes.clone());
        }
        let limit = self.limit;
        let mut first = None;
        let mut joined = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            total = total.saturating_add(chunk.len());
            if let Some(limit) = limit
                && total > limit
            {
                let error = io::Error::other(format!(
                    "the body is larger than the {limit} byte limit (ClientBuilder::max_response_bytes); \
                     write it to a file or a writer instead"
                ));
                return Err(io_error(self.operation, error));
            }
            match first.take() {
                None if joined.is_empty() => first = Some(chunk),
                None => joined.extend_from_slice(&chunk),
                Some(previous) => {
                    joined.extend_from_slice(&previous);
                    joined.extend_from_slice(&chunk);
                }
            }
        }
        Ok(first.unwrap_or_else(|| Bytes::from(joined)))
    }

    /// Writes the whole body to `writer` as it arrives, then flushes it; returns the number of
    /// bytes written. Memory stays at a chunk, whatever the size.
    pub async fn write_to(mut self, writer: &mut (impl AsyncWrite + Unpin + ?Sized)) -> Result<u64, Error> {
        let mut written = 0u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(|e| io_error(self.operation, e))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| io_error(self.operation, e))?;
        Ok(written)
    }

    /// Writes the whole body to the file at `path`, replacing it, and returns the number of bytes
    /// written. The body goes to a temporary file beside it first, renamed to `path` only once
    /// complete: a failed download never leaves a partial file under the name.
    pub async fn write_to_file(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let operation = self.operation;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let partial = path.with_file_name(format!(".{file_name}.{:016x}.part", fastrand::u64(..)));
        let mut file =
            tokio::fs::File::create(&partial).await.map_err(|e| io_error(operation, path_context(&partial, e)))?;
        let result = async {
            let written = self.write_to(&mut file).await?;
            file.sync_all().await.map_err(|e| io_error(operation, path_context(&partial, e)))?;
            drop(file);
            tokio::fs::rename(&partial, path).await.map_err(|e| io_error(operation, path_context(path, e)))?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&partial).await;
        }
        result
    }

    /// The body as an [`AsyncRead`] (e.g. for `tokio::io::copy`, or a decompressor); an error
    /// of the stream is an `io::Error` whose inner error is the [`Error`].
    pub fn into_async_read(self) -> impl AsyncRead + Send + Unpin {
        tokio_util::io::StreamReader::new(self.map(|chunk| chunk.map_err(io::Error::other)))
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    /// The source's chunks, checked against the stated length (if any): a source longer or
    /// shorter than it ends with an [`Error::Io`] instead of a body cut or padded by the peer.
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.reading.is_none() {
            let chunks = Mutex::new(this.open());
            let reading = Reading { chunks, transferred: 0, last: None, finished: false, deadline: None };
            this.reading = Some(Box::new(reading));
        }
        let Some(reading) = this.reading.as_mut() else { return Poll::Ready(None) };
        loop {
            if reading.finished {
                return Poll::Ready(None);
            }
            let chunks = reading.chunks.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
            let item = match chunks.as_mut().poll_next(cx) {
                Poll::Ready(item) => item,
                Poll::Pending => {
                    if let Some(deadline) = this.deadline {
                        let sleep =
                            reading.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                        if sleep.as_mut().poll(cx).is_ready() {
                            reading.finished = true;
                            return Poll::Ready(Some(Err(Error::Timeout { operation: this.operation })));
                        }
                    }
                    return Poll::Pending;
                }
            };
            let length_error = |message: String| {
                Poll::Ready(Some(Err(io_error(this.operation, io::Error::new(io::ErrorKind::InvalidData, message)))))
            };
            match item {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => {
                    let transferred = reading.transferred.saturating_add(chunk.len() as u64);
                    if let Some(length) = this.length.filter(|&length| transferred > length) {
                        reading.finished = true;
                        return length_error(format!("the body is longer than its stated length of {length} bytes"));
                    }
                    reading.transferred = transferred;
                    if let Some(progress) = &this.progress {
                        progress(Progress { transferred, total: this.length });
                    }
                    if this.length == Some(transferred) {
                        reading.last = Some(chunk);
                        continue;
                    }
                    return Poll::Ready(Some(Ok(chunk)));
                }
                Some(Err(error)) => {
                    reading.finished = true;
                    // A reader's error, made before the stream knew the request it is sent with.
                    let error = match error {
                        Error::Io { operation: "", source } if !this.operation.is_empty() => {
                            io_error(this.operation, source)
                        }
                        error => error,
                    };
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    reading.finished = true;
                    if let Some(last) = reading.last.take() {
                        return Poll::Ready(Some(Ok(last)));
                    }
                    if let Some(length) = this.length.filter(|&length| reading.transferred < length) {
                        let message = format!(
                            "the body ended at {} bytes, short of its stated length of {length}",
                            reading.transferred
                        );
                        return length_error(message);
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}

/// A reply's body as it arrives, each chunk within the idle timeout of the one before, and all
/// of them above the throughput floor.
struct ReplyChunks {
    operation: &'static str,
    chunks: Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>,
    idle: IdleTimer,
    /// Every wait for the next chunk counts against the floor.
    stall: Option<StallGuard>,
    /// Scheme, host and port of the server, for transport errors.
    origin: String,
    done: bool,
}

impl Stream for ReplyChunks {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        let item = match this.chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let now = tokio::time::Instant::now();
                this.idle.progress(now);
                match this.stall.as_mut().map(|stall| stall.received(chunk.len(), now)) {
                    Some(Err(stall)) => Some(Err(stall.error(this.operation))),
                    _ => return Poll::Ready(Some(Ok(chunk))),
                }
            }
            Poll::Ready(Some(Err(e))) => {
                Some(Err(crate::runtime::execute::transport_error(this.operation, &this.origin, e)))
            }
            Poll::Ready(None) => None,
            Poll::Pending => {
                if let Some(Poll::Ready(stall)) = this.stall.as_mut().map(|stall| stall.poll_waiting(cx)) {
                    Some(Err(stall.error(this.operation)))
                } else if this.idle.poll_expired(cx).is_ready() {
                    Some(Err(Error::Timeout { operation: this.operation }))
                } else {
                    return Poll::Pending;
                }
            }
        };
        this.done = true;
        Poll::Ready(item)
    }
}

impl Clone for ByteStream {
    /// Bytes and files are read again from the start by a clone; a reader or a reply is shared
    /// (whichever reads first takes it).
    fn clone(&self) -> Self {
        ByteStream {
            source: self.source.clone(),
            length: self.length,
            progress: self.progress.clone(),
            operation: self.operation,
            limit: self.limit,
            deadline: self.deadline,
            reading: None,
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(_) => "bytes",
            Source::File(_) => "file",
            Source::Once(_) => "stream",
        };
        f.debug_struct("ByteStream").field("source", &source).field("length", &self.length).finish_non_exhaustive()
    }
}

impl Default for ByteStream {
    /// An empty body.
    fn default() -> Self {
        ByteStream::from(Bytes::new())
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        let length = bytes.len() as u64;
        ByteStream::new(Source::Bytes(bytes), Some(length))
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        ByteStream::from(Bytes::from_static(bytes))
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        ByteStream::from(Bytes::from(text))
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        ByteStream::from(Bytes::from_static(text.as_bytes()))
    }
}

fn io_error(operation: &'static str, source: io::Error) -> Error {
    Error::Io { operation, source }
}

/// The error with the path it happened on.
fn path_context(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

impl ByteStream {
    /// The body for one attempt. The HTTP stack reports a body that failed to be read only as a
    /// transport error, so the first error of a chunk is also kept in `failure`, for the attempt
    /// to report as it is.
    pub(crate) fn to_reqwest(&self, failure: &crate::runtime::Failure) -> reqwest::Body {
        if let (Source::Bytes(bytes), None) = (&self.source, &self.progress) {
            return reqwest::Body::from(bytes.clone());
        }
        let failure = failure.clone();
        let chunks = self.clone().map(move |chunk| {
            chunk.map_err(|error| {
                let shown = io::Error::other(error.to_string());
                if let Ok(mut slot) = failure.lock() {
                    slot.get_or_insert(error);
                }
                shown
            })
        });
        reqwest::Body::wrap_stream(chunks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
    }

    /// A reader that yields `good` and then fails.
    fn failing_reader(good: &'static [u8]) -> impl AsyncRead + Send + 'static {
        use tokio::io::AsyncReadExt;
        struct Broken;
        impl AsyncRead for Broken {
            fn poll_read(
                self: Pin<&mut Self>,
                _: &mut Context<'_>,
                _: &mut tokio::io::ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                Poll::Ready(Err(io::Error::other("disk on fire")))
            }
        }
        good.chain(Broken)
    }

    #[test]
    fn a_one_time_stream_is_read_by_the_first_clone_only() {
        run(async {
            let stream = ByteStream::from_reader(&b"once"[..]);
            let clone = stream.clone();
            assert!(!stream.is_replayable());
            assert_eq!(stream.collect().await.unwrap(), "once");
            assert!(!clone.is_available());
            let error = clone.collect().await.unwrap_err();
            assert!(matches!(error, Error::Io { .. }) && error.to_string().contains("read once"), "{error}");
            // Bytes are read again by each clone.
            let bytes = ByteStream::from("again");
            assert_eq!(bytes.clone().collect().await.unwrap(), "again");
            assert_eq!(bytes.collect().await.unwrap(), "again");
        });
    }

    #[test]
    fn a_reply_read_whole_stops_at_the_response_limit() {
        run(async {
            let chunks = futures_util::stream::iter([Ok(Bytes::from_static(b"12345")), Ok(Bytes::from_static(b"678"))]);
            let mut stream = ByteStream::once(Box::pin(chunks), None);
            stream.limit = Some(6);
            let error = stream.collect().await.unwrap_err();
            assert!(error.to_string().contains("6 byte limit"), "{error}");
            // Within the limit, the chunks are joined.
            let chunks = futures_util::stream::iter([Ok(Bytes::from_static(b"123")), Ok(Bytes::from_static(b"45"))]);
            let mut stream = ByteStream::once(Box::pin(chunks), None);
            stream.limit = Some(6);
            assert_eq!(stream.collect().await.unwrap(), "12345");
        });
    }

    #[test]
    fn a_failed_write_to_file_leaves_no_file_behind() {
        run(async {
            let dir = std::env::temp_dir().join(format!("cloudbase-byte-stream-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let target = dir.join("out.bin");
            let error = ByteStream::from_reader(failing_reader(b"partial")).write_to_file(&target).await.unwrap_err();
            assert!(error.to_string().contains("disk on fire"), "{error}");
            let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
            assert!(left.is_empty(), "no partial or temporary file: {left:?}");
            assert_eq!(ByteStream::from("whole").write_to_file(&target).await.unwrap(), 5);
            assert_eq!(std::fs::read(&target).unwrap(), b"whole");
            std::fs::remove_dir_all(&dir).unwrap();
        });
    }

    #[test]
    fn a_path_that_is_no_file_is_an_io_error_naming_it() {
        run(async {
            let dir = std::env::temp_dir();
            let error = ByteStream::from_path(&dir).await.unwrap_err();
            assert!(matches!(error, Error::Io { .. }) && error.to_string().contains("not a regular file"), "{error}");
            let missing = dir.join("cloudbase-no-such-file");
            let error = ByteStream::from_path(&missing).await.unwrap_err();
            assert!(error.to_string().contains("cloudbase-no-such-file"), "{error}");
        });
    }

    use crate::StalledStreamProtection;
    use std::time::Duration;

    /// The chunks of a reply whose server, on its own clock (whether or not the reader reads),
    /// sends `bytes` after each `gap` of `script`, then ends the body (`close`) or goes silent.
    fn served(
        script: Vec<(Duration, usize)>,
        close: bool,
    ) -> Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>> {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
        tokio::spawn(async move {
            for (gap, bytes) in script {
                tokio::time::sleep(gap).await;
                let _ = sender.send(Bytes::from(vec![b'x'; bytes]));
            }
            if !close {
                tokio::time::sleep(Duration::from_secs(1_000_000)).await;
            }
        });
        Box::pin(futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (Ok(chunk), receiver))
        }))
    }

    fn timers(stall: StalledStreamProtection) -> StreamTimers {
        StreamTimers { idle: Duration::from_secs(120), stall, transfer: None }
    }

    fn download(script: Vec<(Duration, usize)>, close: bool, timers: StreamTimers) -> ByteStream {
        let chunks = served(script, close);
        ByteStream::reply_chunks("downloadObject", chunks, None, timers, "http://127.0.0.1:1".into(), usize::MAX)
    }

    /// Reads `body` to its end: the bytes received, how it ended, and when.
    async fn read(mut body: ByteStream) -> (u64, Result<(), Error>, Duration) {
        let started = tokio::time::Instant::now();
        let mut received = 0;
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(chunk) => received += chunk.len() as u64,
                Err(error) => return (received, Err(error), started.elapsed()),
            }
        }
        (received, Ok(()), started.elapsed())
    }

    fn every(gap: Duration, bytes: usize, times: usize) -> Vec<(Duration, usize)> {
        vec![(gap, bytes); times]
    }

    #[tokio::test(start_paused = true)]
    async fn a_download_trickled_a_byte_a_second_is_cut_a_grace_period_in() {
        let body =
            download(every(Duration::from_secs(1), 1, 100_000), true, timers(StalledStreamProtection::default()));
        let (received, ended, after) = read(body).await;
        let error = ended.unwrap_err();
        assert!(
            matches!(error, Error::Stalled { operation: "downloadObject", minimum: 256, .. }) && error.is_timeout(),
            "{error:?}"
        );
        // Cut at the first check, 20 s in: a byte a second is under the floor of 256 bytes/s.
        assert_eq!(after, Duration::from_secs(20), "{received} bytes received");
        let shown = error.to_string();
        assert!(shown.starts_with("downloadObject: stalled stream: "), "{shown}");
        assert!(shown.contains("bytes in the last 20.0 s of waiting for the server ("), "{shown}");
        assert!(shown.ends_with("bytes/s), below the minimum of 256 bytes/s"), "{shown}");
        assert!(received < 25, "{received}");
        assert!(error.is_retryable());
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_healthy_download_is_never_cut() {
        // 10 KiB/s for two minutes.
        let body =
            download(every(Duration::from_millis(100), 1024, 1200), true, timers(StalledStreamProtection::default()));
        let (received, ended, after) = read(body).await;
        assert!(ended.is_ok(), "{ended:?}");
        assert_eq!((received, after), (1200 * 1024, Duration::from_secs(120)));
        // A link that moves 64 KiB at a time with 10 s pauses (a train through tunnels).
        let body =
            download(every(Duration::from_secs(10), 64 * 1024, 12), true, timers(StalledStreamProtection::default()));
        assert!(read(body).await.1.is_ok());
        // Just above a floor of its own: 1 KiB/s against 1000 bytes/s over 5 s.
        let stall = StalledStreamProtection::enabled().min_throughput(1000).grace_period(Duration::from_secs(5));
        let body = download(every(Duration::from_millis(100), 103, 600), true, timers(stall));
        assert!(read(body).await.1.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_download_that_stops_is_cut_about_a_grace_period_later() {
        // 1 MiB at once, then nothing: the idle timeout would wait 120 s.
        let body = download(every(Duration::ZERO, 64 * 1024, 16), false, timers(StalledStreamProtection::default()));
        let (received, ended, after) = read(body).await;
        assert_eq!(received, 1 << 20);
        assert!(matches!(ended, Err(Error::Stalled { received: 0, .. })), "{ended:?}");
        // The megabyte's bin leaves the window 20 s in; the check is at the next bin.
        assert_eq!(after, Duration::from_secs(22));
    }

    #[tokio::test(start_paused = true)]
    async fn a_reader_that_stops_reading_is_not_held_against_the_server() {
        // 64 KiB, then 30 s of silence, then 64 KiB and the end.
        let script = || vec![(Duration::ZERO, 64 * 1024), (Duration::from_secs(30), 64 * 1024)];
        // A reader that waits through the silence: the server kept it waiting 30 s.
        let (_, ended, after) = read(download(script(), true, timers(StalledStreamProtection::default()))).await;
        assert!(matches!(ended, Err(Error::Stalled { .. })), "{ended:?}");
        assert_eq!(after, Duration::from_secs(22));
        // A reader busy elsewhere for 40 s after the first chunk: the rest was there when it
        // came back, and the 40 s are its own.
        let mut body = download(script(), true, timers(StalledStreamProtection::default()));
        assert_eq!(body.next().await.unwrap().unwrap().len(), 64 * 1024);
        tokio::time::sleep(Duration::from_secs(40)).await;
        let (received, ended, _) = read(body).await;
        assert!(ended.is_ok(), "{ended:?}");
        assert_eq!(received, 64 * 1024);
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_protection_only_the_idle_timeout_ends_a_stream() {
        let trickle = every(Duration::from_secs(1), 1, 100_000);
        let body = download(trickle, true, timers(StalledStreamProtection::disabled()));
        let still = tokio::time::timeout(Duration::from_secs(600), read(body)).await;
        assert!(still.is_err(), "still receiving after 600 s");
        let body = download(vec![(Duration::ZERO, 10)], false, timers(StalledStreamProtection::disabled()));
        let (_, ended, after) = read(body).await;
        assert!(matches!(ended, Err(Error::Timeout { .. })), "{ended:?}");
        assert_eq!(after, Duration::from_secs(120));
    }

    #[tokio::test(start_paused = true)]
    async fn a_transfer_timeout_ends_a_download_still_arriving() {
        let healthy = || every(Duration::from_millis(300), 1024, 200);
        let deadline =
            StreamTimers { transfer: Some(Duration::from_secs(5)), ..timers(StalledStreamProtection::default()) };
        let (received, ended, after) = read(download(healthy(), true, deadline)).await;
        assert!(matches!(ended, Err(Error::Timeout { operation: "downloadObject" })), "{ended:?}");
        assert_eq!(after, Duration::from_secs(5));
        assert_eq!(received, 16 * 1024, "the chunks before the deadline");
        // The stream's own replaces the client's; without either, the download takes its minute.
        let own = download(healthy(), true, deadline).transfer_timeout(Duration::from_secs(2));
        assert_eq!(read(own).await.2, Duration::from_secs(2));
        let (received, ended, after) =
            read(download(healthy(), true, timers(StalledStreamProtection::default()))).await;
        assert!(ended.is_ok() && received == 200 * 1024 && after == Duration::from_secs(60), "{ended:?} {after:?}");
    }
}
