//! Server-sent event streams over HTTP: bounded events, idle timeouts, streams without a
//! terminator, and bounded diagnostics for replies that do not decode.

use crate::support::{Reply, TestServer};
use cloudbase_api::{Client, Error};
use futures_util::StreamExt;
use serde_json::json;
use std::time::Duration;

fn sse(chunks: &[&str]) -> Reply {
    chunks.iter().fold(Reply::new(200).header("Content-Type", "text/event-stream"), |reply, c| reply.body(*c))
}

fn raw_call(client: &Client) -> cloudbase_api::ai_model::builders::CallLlm {
    client.ai_model().call_llm().provider("cloudbase").path("chat/completions").body(serde_json::Map::new())
}

#[tokio::test]
async fn an_event_larger_than_the_cap_is_an_error_not_a_buffer() {
    let big = format!("data: {}\n\n", "x".repeat(64 * 1024));
    let server = TestServer::start(move |_| sse(&["data: small\n\n", &big, "data: never\n\n"])).await;
    let client = Client::builder().base_url(&server.url).max_event_bytes(16 * 1024).build().unwrap();
    let mut stream = raw_call(&client).send_stream().await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), "small");
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.to_string().contains("larger than the 16384 byte limit"), "{error}");
    assert!(stream.next().await.is_none(), "the stream ends after the error");
}

#[tokio::test]
async fn a_silent_stream_times_out_between_events() {
    let hanging = hanging_sse_server().await;
    let client = Client::builder().base_url(&hanging).stream_idle_timeout(Duration::from_millis(200)).build().unwrap();
    let mut stream = raw_call(&client).send_stream().await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), "first");
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { operation: "CallLLM" }), "{error:?}");
}

#[tokio::test]
async fn an_event_trickled_byte_by_byte_times_out() {
    // A byte every 50 ms keeps the connection busy, but no event ever completes: the idle
    // timeout bounds the wait for the next event, not for the next chunk.
    let trickle = trickling_sse_server(b"data: {\"never\": \"complete\"}\n".repeat(100), b"").await;
    let client = Client::builder()
        .base_url(&trickle)
        .timeout(Duration::from_secs(3))
        .stream_idle_timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let mut stream = raw_call(&client).send_stream().await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), "first");
    let started = std::time::Instant::now();
    let next = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    let error = next.expect("the stream went on waiting for an event that never completes").unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { operation: "CallLLM" }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "timed out only after {:?}", started.elapsed());
}

#[tokio::test]
async fn an_event_trickled_below_the_floor_ends_as_a_stall_before_the_idle_timeout() {
    // 20 bytes/s inside an event: the idle timeout (10 s here) would end it; the floor of
    // 100 bytes/s over 500 ms of waiting does sooner.
    let trickle = trickling_sse_server(b"data: {\"never\": \"complete\"}\n".repeat(100), b"").await;
    let protection =
        cloudbase_api::StalledStreamProtection::enabled().min_throughput(100).grace_period(Duration::from_millis(500));
    let client = Client::builder()
        .base_url(&trickle)
        .stream_idle_timeout(Duration::from_secs(10))
        .stalled_stream_protection(protection)
        .build()
        .unwrap();
    let mut stream = raw_call(&client).send_stream().await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), "first");
    let started = std::time::Instant::now();
    let next = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    let error = next.expect("the stream went on waiting for an event that never completes").unwrap().unwrap_err();
    assert!(matches!(error, Error::Stalled { operation: "CallLLM", .. }), "{error:?}");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(500) && waited < Duration::from_secs(2), "cut after {waited:?}");
    eprintln!("an event trickled at 20 bytes/s cut after {waited:?}");
}

#[tokio::test]
async fn comment_lines_keep_a_quiet_stream_alive() {
    // `:` lines are the keep-alive the SSE standard recommends while a reply is being prepared.
    let trickle = trickling_sse_server(b":\n".repeat(20), b"data: late\n\n").await;
    let client = Client::builder().base_url(&trickle).stream_idle_timeout(Duration::from_millis(500)).build().unwrap();
    let mut stream = raw_call(&client).send_stream().await.unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap(), "first");
    let late = tokio::time::timeout(Duration::from_secs(10), stream.next()).await.expect("the stream never ended");
    assert_eq!(late.unwrap().unwrap(), "late");
}

/// A server that sends one event, then `trickle` one byte every 50 ms, then `rest` at once, and
/// keeps the connection open.
async fn trickling_sse_server(trickle: Vec<u8>, rest: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await;
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: first\n\n";
        let _ = socket.write_all(head).await;
        for byte in trickle {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if socket.write_all(&[byte]).await.is_err() {
                return;
            }
        }
        let _ = socket.write_all(rest).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    url
}

/// A server that sends one event and then keeps the connection open without a word.
async fn hanging_sse_server() -> String {
    trickling_sse_server(Vec::new(), b"").await
}

#[tokio::test]
async fn a_stream_without_a_terminator_ends_at_the_end_of_the_body() {
    let server = TestServer::start(|_| {
        sse(&["data: a\r\n\r\n", "event: message\r\nid: 7\r\ndata: b\r\ndata: c\r\n\r\n", "data: [DONE]\n\n"])
    })
    .await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let events: Vec<String> = raw_call(&client).send_stream().await.unwrap().map(Result::unwrap).collect().await;
    // CallLLM's spec names no terminator, so `[DONE]` is data like any other.
    assert_eq!(events, ["a", "b\nc", "[DONE]"]);
    assert_eq!(server.only_request().path(), "/v1/ai/cloudbase/chat/completions");
}

#[tokio::test]
async fn a_json_reply_to_a_stream_request_is_a_decode_error() {
    let server = TestServer::start(|_| Reply::json(200, json!({"id": "not a stream"}))).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let error = raw_call(&client).send_stream().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("`application/json` is not documented"), "{error}");
}

#[tokio::test]
async fn decode_errors_keep_the_status_and_at_most_a_kib_of_the_body() {
    let body = format!("{{\"id\": 1, \"padding\": \"{}\"", "é".repeat(4096));
    let server =
        TestServer::start(move |_| Reply::new(200).header("Content-Type", "application/json").body(body.clone())).await;
    let client = Client::builder().base_url(&server.url).build().unwrap();
    let request = cloudbase_api::ai_model::ResponsesRequest {
        model: "hy3-preview".into(),
        input: None,
        previous_response_id: None,
        stream: None,
        extra: Default::default(),
    };
    let error = client.ai_model().create_response().provider("p").body(request).send().await;
    let error = match error {
        Err(e) => e,
        Ok(_) => panic!("a truncated JSON body decoded"),
    };
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.status(), 200);
    assert!(decode.body_snippet().len() <= 1024);
    assert!(decode.body_snippet().starts_with("{\"id\": 1"));
    assert_eq!(error.to_string().lines().count(), 1, "Display is one line: {error}");
}
