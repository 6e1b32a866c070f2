//! Client benchmarks against a loopback server, each measured beside a hand-written baseline in
//! the same run (`cargo xtask bench` runs and reports them):
//!
//! - `requests`: 20,000 chat-completion calls (JSON body and reply of the spec's example size),
//!   sequential and 64-way concurrent, through the generated operation and through plain
//!   reqwest + serde; median and p99 latency. The 64-way run measures the baseline twice, so
//!   that the report shows the ratio the machine's noise alone gives.
//! - `sse ours|baseline`: a 100 MB chat-completion event stream decoded into typed chunks by
//!   `send_stream()` or by reqwest + line splitting + serde; throughput, and peak RSS (each in a
//!   process of its own, so the peaks do not mix).
//! - `download ours|baseline <MB> <times>` / `upload ours|baseline <MB> <times>`: a PG-mode
//!   storage object streamed from the loopback server to a sink, or from a file on disk to the
//!   server, `times` times one after another, through the `objects` helpers (`ByteStream`) or
//!   through reqwest's byte stream by hand; throughput over all of them, and peak RSS, each side
//!   in a process of its own.
//! - `footprint`: the size of the future each side's request is, and the heap allocations per
//!   request on the client's threads (the loopback server's thread is not counted), over 1,000
//!   sequential requests after a warm-up.

use cloudbase_api::ai_model::{
    ChatCompletionChunk, ChatCompletionRequest, ChatCompletionRequestMessage, ChatCompletionResponse,
};
use futures_util::StreamExt;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const REPLY: &str = r#"{"id":"chatcmpl-xxx","object":"chat.completion","created":1234567890,"model":"hy3-preview","choices":[{"index":0,"message":{"role":"assistant","content":"李白(701年—762年),字太白,号青莲居士,唐代伟大的浪漫主义诗人,被后人誉为诗仙。"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":150,"total_tokens":160}}"#;

/// Counts heap allocations while `COUNTING` is on, except on threads that opted out (the server's).
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static UNCOUNTED: Cell<bool> = const { Cell::new(false) };
}

/// Counts one allocation (or reallocation) while counting is on, unless this thread opted out.
fn count_allocation() {
    if COUNTING.load(Ordering::Relaxed) && !UNCOUNTED.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is added.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn request() -> ChatCompletionRequest {
    ChatCompletionRequest {
        model: "hy3-preview".into(),
        messages: vec![ChatCompletionRequestMessage {
            role: "user".into(),
            content: Some(Some("介绍一下李白".to_owned().into())),
            tool_calls: None,
            tool_call_id: None,
            extra: Default::default(),
        }],
        stream: Some(false),
        temperature: None,
        tools: None,
        extra: Default::default(),
    }
}

/// Runs a loopback server on a thread and runtime of its own, so that its work never competes
/// with the measured client for the client runtime's workers; returns its URL.
fn serve<F, Fut>(serve: F) -> String
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        UNCOUNTED.with(|uncounted| uncounted.set(true));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move { serve(tokio::net::TcpListener::from_std(listener).unwrap()).await });
    });
    url
}

/// A keep-alive HTTP/1.1 server answering every request with `REPLY`.
fn json_server() -> String {
    let reply = Arc::new(format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Request-Id: r\r\n\r\n{REPLY}",
        REPLY.len()
    ));
    serve(move |listener| async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(8192);
                let mut chunk = [0u8; 8192];
                loop {
                    // One request: head, then Content-Length bytes of body.
                    let head_end = loop {
                        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                        .unwrap_or(0);
                    while buffer.len() < head_end + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buffer.drain(..head_end + length);
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn ours(client: &cloudbase_api::Client) -> Duration {
    let started = Instant::now();
    let reply = client.ai_model().create_chat_completion().provider("cloudbase").body(request()).send().await.unwrap();
    assert!(reply.choices.is_some());
    started.elapsed()
}

async fn baseline(http: &reqwest::Client, url: &str) -> Duration {
    let started = Instant::now();
    let body = serde_json::to_vec(&request()).unwrap();
    let response = http
        .post(url)
        .header("Authorization", "Bearer bench-key")
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    let reply: ChatCompletionResponse = serde_json::from_slice(&bytes).unwrap();
    assert!(reply.choices.is_some());
    started.elapsed()
}

/// Both sides, each with its own client, against a new JSON server: ours, reqwest, endpoint URL.
fn sides() -> (cloudbase_api::Client, reqwest::Client, String) {
    let url = json_server();
    let client = cloudbase_api::Client::builder()
        .base_url(&url)
        .credentials(cloudbase_api::Credentials::api_key("bench-key"))
        .build()
        .unwrap();
    (client, reqwest::Client::new(), format!("{url}/v1/ai/cloudbase/chat/completions"))
}

/// `tasks` tasks each making `per_task` requests by one side, one after the other; the latency
/// of every request.
async fn run_side(
    (client, http, endpoint): &(cloudbase_api::Client, reqwest::Client, String),
    run_ours: bool,
    tasks: usize,
    per_task: usize,
) -> Vec<Duration> {
    let tasks: Vec<_> = (0..tasks)
        .map(|_| {
            let (client, http, endpoint) = (client.clone(), http.clone(), endpoint.clone());
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    times.push(if run_ours { ours(&client).await } else { baseline(&http, &endpoint).await });
                }
                times
            })
        })
        .collect();
    let mut times = Vec::with_capacity(tasks.len() * per_task);
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    times
}

async fn requests(total: usize) {
    let sides = sides();
    let (client, http, endpoint) = &sides;
    // Warm both connection pools.
    for _ in 0..200 {
        ours(client).await;
        baseline(http, endpoint).await;
    }
    // Sequential, alternating so both see the same machine state.
    let (mut a, mut b) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for _ in 0..total {
        a.push(ours(client).await);
        b.push(baseline(http, endpoint).await);
    }
    report("sequential-ours", &mut a);
    report("sequential-baseline", &mut b);
    // 64-way concurrent, in short rounds that alternate the sides and which of them goes first, so
    // that both see the same machine state; the latencies of all rounds are pooled. A second pool
    // of the baseline, measured the same way, shows what ratio the machine's noise alone gives.
    let rounds = 20;
    let per_task = total / 64 / rounds;
    let mut pools: [Vec<Duration>; 3] = Default::default();
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1, 2] } else { [2, 1, 0] };
        for pool in order {
            pools[pool].extend(run_side(&sides, pool == 0, 64, per_task).await);
        }
    }
    let [mut a, mut b, mut control] = pools;
    report("concurrent64-ours", &mut a);
    report("concurrent64-baseline", &mut b);
    report("concurrent64-control", &mut control);
}

/// `n` requests by one side only, `concurrency` at a time, for profiles of each side
/// (`valgrind --tool=callgrind target/release/deps/client-* one-side ours 2000 1`).
async fn one_side(which: &str, n: usize, concurrency: usize) {
    let times = run_side(&sides(), which == "ours", concurrency, n / concurrency).await;
    let mean = times.iter().sum::<Duration>().as_micros() / times.len().max(1) as u128;
    println!("one-side-{which} n={n} concurrency={concurrency} mean_us={mean}");
}

/// The future each side's request is, in bytes, and the allocations per request on the client's
/// threads, as `footprint-<side> future_bytes=.. allocations_per_request=..`.
async fn footprint() {
    let (client, http, endpoint) = sides();
    let ours_future = client.ai_model().create_chat_completion().provider("cloudbase").body(request()).send();
    let baseline_future = baseline(&http, &endpoint);
    let sizes = [std::mem::size_of_val(&ours_future), std::mem::size_of_val(&baseline_future)];
    drop((ours_future, baseline_future));
    for _ in 0..200 {
        ours(&client).await;
        baseline(&http, &endpoint).await;
    }
    const REQUESTS: u64 = 1000;
    for (side, size) in ["ours", "baseline"].into_iter().zip(sizes) {
        ALLOCATIONS.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        for _ in 0..REQUESTS {
            if side == "ours" {
                ours(&client).await;
            } else {
                baseline(&http, &endpoint).await;
            }
        }
        COUNTING.store(false, Ordering::Relaxed);
        let per_request = ALLOCATIONS.load(Ordering::Relaxed) as f64 / REQUESTS as f64;
        println!("footprint-{side} future_bytes={size} allocations_per_request={per_request:.1}");
    }
}

/// Prints the median and p99 of one pool of latencies as `<label> median_us=.. p99_us=..`.
fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    println!("{label} median_us={} p99_us={}", percentile(times, 0.5).as_micros(), percentile(times, 0.99).as_micros());
}

/// A server streaming `total` bytes of chat-completion chunks, then `data: [DONE]`.
fn sse_server(total: usize) -> String {
    serve(move |listener| async move {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let mut request = [0u8; 8192];
        let _ = socket.read(&mut request).await;
        let event = r#"data: {"id":"chatcmpl-xxx","object":"chat.completion.chunk","created":1234567890,"model":"hy3-preview","choices":[{"index":0,"delta":{"content":"床前明月光,疑是地上霜。"},"finish_reason":null}]}"#.to_owned() + "\n\n";
        let block: String = event.repeat(64 * 1024 / event.len());
        let _ =
            socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n").await;
        let mut sent = 0;
        while sent < total {
            if socket.write_all(block.as_bytes()).await.is_err() {
                return;
            }
            sent += block.len();
        }
        let _ = socket.write_all(b"data: [DONE]\n\n").await;
    })
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn sse(which: &str, total: usize) {
    let url = sse_server(total);
    let before = peak_rss_kib();
    let started = Instant::now();
    let mut chunks = 0usize;
    let mut bytes_of_text = 0usize;
    if which == "ours" {
        let client = cloudbase_api::Client::builder().base_url(&url).build().unwrap();
        let mut body = request();
        body.stream = Some(true);
        let mut stream =
            client.ai_model().create_chat_completion().provider("cloudbase").body(body).send_stream().await.unwrap();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap();
            chunks += 1;
            bytes_of_text += chunk
                .choices
                .iter()
                .flatten()
                .filter_map(|c| c.delta.as_ref()?.content.as_ref())
                .map(String::len)
                .sum::<usize>();
        }
    } else {
        let http = reqwest::Client::new();
        let mut body = request();
        body.stream = Some(true);
        let response = http
            .post(format!("{url}/v1/ai/cloudbase/chat/completions"))
            .header("Accept", "text/event-stream")
            .body(serde_json::to_vec(&body).unwrap())
            .send()
            .await
            .unwrap();
        let mut stream = response.bytes_stream();
        let mut pending: Vec<u8> = Vec::new();
        'read: while let Some(bytes) = stream.next().await {
            pending.extend_from_slice(&bytes.unwrap());
            let mut start = 0;
            while let Some(end) = pending[start..].iter().position(|b| *b == b'\n') {
                let line = &pending[start..start + end];
                start += end + 1;
                if let Some(data) = line.strip_prefix(b"data: ") {
                    if data == b"[DONE]" {
                        break 'read;
                    }
                    let chunk: ChatCompletionChunk = serde_json::from_slice(data).unwrap();
                    chunks += 1;
                    bytes_of_text += chunk
                        .choices
                        .iter()
                        .flatten()
                        .filter_map(|c| c.delta.as_ref()?.content.as_ref())
                        .map(String::len)
                        .sum::<usize>();
                }
            }
            pending.drain(..start);
        }
    }
    let elapsed = started.elapsed();
    let mb = total as f64 / 1e6;
    println!(
        "sse-{which} mb={mb:.0} seconds={:.3} mb_per_s={:.1} chunks={chunks} text_bytes={bytes_of_text} peak_rss_kib={} rss_before_kib={before}",
        elapsed.as_secs_f64(),
        mb / elapsed.as_secs_f64(),
        peak_rss_kib()
    );
}

/// A server answering each request, one connection at a time, with `total` bytes of
/// `application/octet-stream`.
fn download_server(total: u64) -> String {
    serve(move |listener| async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = [0u8; 8192];
            let _ = socket.read(&mut request).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {total}\r\nConnection: close\r\n\r\n"
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let block = vec![7u8; 64 * 1024];
            let mut sent = 0u64;
            while sent < total {
                let n = block.len().min((total - sent) as usize);
                if socket.write_all(&block[..n]).await.is_err() {
                    break;
                }
                sent += n as u64;
            }
        }
    })
}

/// A server reading each request's `Content-Length` body, one connection at a time, and
/// throwing it away, then answering an upload's reply.
fn upload_server() -> String {
    serve(move |listener| async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = vec![0u8; 64 * 1024];
            let mut head = Vec::new();
            let (length, mut read) = loop {
                let n = socket.read(&mut buffer).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                head.extend_from_slice(&buffer[..n]);
                if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
                    let length: u64 = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    break (length, (head.len() - end - 4) as u64);
                }
            };
            while read < length {
                let n = socket.read(&mut buffer).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                read += n as u64;
            }
            let body = r#"{"Id":"3f8e","Key":"bench/object.bin"}"#;
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    })
}

/// `times` downloads of `total` bytes each to a sink, one after another, by the `objects` helper
/// or by reqwest by hand.
async fn download(which: &str, total: u64, times: u64) {
    let url = download_server(total);
    let before = peak_rss_kib();
    let started = Instant::now();
    let ours = cloudbase_api::Client::builder().base_url(&url).build().unwrap();
    let baseline = reqwest::Client::new();
    for _ in 0..times {
        let written = if which == "ours" {
            let body = ours.storage_pg().objects("bench").download("object.bin").await.unwrap();
            body.write_to(&mut tokio::io::sink()).await.unwrap()
        } else {
            let response = baseline.get(format!("{url}/v1/storages/object/bench/object.bin")).send().await;
            let mut stream = response.unwrap().bytes_stream();
            let mut sink = tokio::io::sink();
            let mut written = 0u64;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.unwrap();
                sink.write_all(&chunk).await.unwrap();
                written += chunk.len() as u64;
            }
            written
        };
        assert_eq!(written, total);
    }
    transfer_report("download", which, total * times, started, before);
}

/// `times` uploads of a `total`-byte file, one after another, by the `objects` helper or by
/// reqwest by hand.
async fn upload(which: &str, total: u64, times: u64) {
    let path = std::env::temp_dir().join(format!("cloudbase-bench-upload-{}.bin", std::process::id()));
    // A sparse file: its size without writing it (the read side is what is measured).
    std::fs::File::create(&path).unwrap().set_len(total).unwrap();
    let url = upload_server();
    let before = peak_rss_kib();
    let started = Instant::now();
    let ours = cloudbase_api::Client::builder().base_url(&url).build().unwrap();
    let baseline = reqwest::Client::new();
    for _ in 0..times {
        if which == "ours" {
            let body = cloudbase_api::ByteStream::from_path(&path).await.unwrap();
            let key = ours.storage_pg().objects("bench").upload("object.bin", body).send().await.unwrap();
            assert_eq!(key, "bench/object.bin");
        } else {
            let file = tokio::fs::File::open(&path).await.unwrap();
            let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
            let response = baseline
                .put(format!("{url}/v1/storages/object/bench/object.bin"))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", total)
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
        }
    }
    transfer_report("upload", which, total * times, started, before);
    std::fs::remove_file(&path).unwrap();
}

fn transfer_report(what: &str, which: &str, total: u64, started: Instant, before: u64) {
    let elapsed = started.elapsed().as_secs_f64();
    let mb = total as f64 / 1e6;
    println!(
        "{what}-{which} mb={mb:.0} seconds={elapsed:.3} mb_per_s={:.1} peak_rss_kib={} rss_before_kib={before}",
        mb / elapsed,
        peak_rss_kib()
    );
}

/// Runs a measuring loop as a task on the runtime's workers, as application code would, rather
/// than on the thread that waits for it.
fn on_worker(runtime: &tokio::runtime::Runtime, task: impl std::future::Future<Output = ()> + Send + 'static) {
    runtime.block_on(async { tokio::spawn(task).await.unwrap() })
}

fn main() {
    // The hand-written side's reqwest is this build's, without a crypto provider of its own
    // (the crate's `rustls-ring`): the one a client installs, installed up front.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["requests", n] => on_worker(&runtime, requests(n.parse().unwrap())),
        ["footprint"] => on_worker(&runtime, footprint()),
        ["one-side", which, n, concurrency] => {
            let (which, n, concurrency) = (which.to_string(), n.parse().unwrap(), concurrency.parse().unwrap());
            on_worker(&runtime, async move { one_side(&which, n, concurrency).await })
        }
        [transfer @ ("download" | "upload"), which, mb, times] => {
            let (transfer, which) = (transfer.to_string(), which.to_string());
            let (total, times) = (mb.parse::<u64>().unwrap() << 20, times.parse().unwrap());
            on_worker(&runtime, async move {
                if transfer == "download" {
                    download(&which, total, times).await
                } else {
                    upload(&which, total, times).await
                }
            })
        }
        ["sse", which, mb] => {
            let (which, total) = (which.to_string(), mb.parse::<usize>().unwrap() << 20);
            on_worker(&runtime, async move { sse(&which, total).await })
        }
        _ => eprintln!(
            "usage: client requests <n> | footprint | one-side ours|baseline <n> <concurrency> | sse ours|baseline <megabytes> \
             | download ours|baseline <megabytes> <times> | upload ours|baseline <megabytes> <times>"
        ),
    }
}
