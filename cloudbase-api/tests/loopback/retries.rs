//! Retries, backoff, `Retry-After` and timeouts against a loopback server, with attempt counts.

use crate::support::{Reply, TestServer};
use cloudbase_api::{Client, Error, RetryPolicy};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A server answering the n-th request (from 0) with `script(n)`.
async fn scripted(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> TestServer {
    let count = Arc::new(AtomicUsize::new(0));
    TestServer::start(move |_| script(count.fetch_add(1, Ordering::SeqCst))).await
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn client(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder().base_url(&server.url).retry(policy).build().unwrap()
}

fn ok() -> Reply {
    Reply::json(200, json!({"ok": true}))
}

async fn get(client: &Client) -> Result<(), Error> {
    client.cloudrun().get().name("svc").any_path("health").send().await.map(|_| ())
}

async fn post(client: &Client) -> Result<(), Error> {
    client.cloudrun().post().name("svc").any_path("orders").send().await.map(|_| ())
}

#[tokio::test]
async fn idempotent_requests_are_retried_on_transient_statuses() {
    for status in [429, 502, 503, 504] {
        let server = scripted(move |n| if n == 0 { Reply::json(status, json!({})) } else { ok() }).await;
        get(&client(&server, fast_retries())).await.unwrap();
        assert_eq!(server.requests().len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn retries_stop_at_max_attempts_with_the_last_error() {
    let server = scripted(|_| Reply::json(503, json!({"code": "RESOURCE_UNAVAILABLE", "message": "busy"}))).await;
    let error = get(&client(&server, fast_retries().max_attempts(4))).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(503), Some("RESOURCE_UNAVAILABLE")));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn post_is_sent_once_unless_the_caller_opts_in() {
    let server = scripted(|_| Reply::json(503, json!({}))).await;
    assert_eq!(post(&client(&server, fast_retries())).await.unwrap_err().status(), Some(503));
    assert_eq!(server.requests().len(), 1);

    // Per request.
    let server = scripted(|n| if n == 0 { Reply::json(503, json!({})) } else { ok() }).await;
    let client_default = client(&server, fast_retries());
    client_default
        .cloudrun()
        .post()
        .name("svc")
        .any_path("orders")
        .retry(fast_retries().retry_non_idempotent(true))
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);

    // Per client.
    let server = scripted(|n| if n == 0 { Reply::json(502, json!({})) } else { ok() }).await;
    post(&client(&server, fast_retries().retry_non_idempotent(true))).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn documented_transient_codes_are_retried_and_others_are_not() {
    let server = scripted(|n| {
        if n == 0 {
            Reply::json(422, json!({"code": "EXCEED_CONCURRENT_REQUEST_LIMIT", "message": "slow down"}))
        } else {
            ok()
        }
    })
    .await;
    get(&client(&server, fast_retries())).await.unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = scripted(|_| Reply::json(404, json!({"code": "SERVICE_NOT_FOUND", "message": "no"}))).await;
    let error = get(&client(&server, fast_retries())).await.unwrap_err();
    assert_eq!(error.code(), Some("SERVICE_NOT_FOUND"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_within_the_budget() {
    let server = scripted(|n| if n == 0 { Reply::json(429, json!({})).header("Retry-After", "1") } else { ok() }).await;
    let started = Instant::now();
    get(&client(&server, fast_retries())).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);

    // A wait past the budget ends the retries at once instead of sleeping.
    let server = scripted(|_| Reply::json(503, json!({})).header("Retry-After", "3600")).await;
    let started = Instant::now();
    let error = get(&client(&server, fast_retries())).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_connection_closed_without_a_reply_is_retried_for_get_only() {
    let server = scripted(|n| if n == 0 { Reply::hang_up() } else { ok() }).await;
    get(&client(&server, fast_retries())).await.unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = scripted(|_| Reply::hang_up()).await;
    let error = post(&client(&server, fast_retries())).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_times_out_per_attempt() {
    let server = scripted(|_| ok().delay(Duration::from_millis(500))).await;
    let client = Client::builder()
        .base_url(&server.url)
        .timeout(Duration::from_millis(100))
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { operation: "cloudrunGet" }), "{error:?}");
    assert_eq!(server.requests().len(), 2);

    // A per-request timeout overrides the client's.
    let server = scripted(|_| ok().delay(Duration::from_millis(200))).await;
    let client = Client::builder().base_url(&server.url).timeout(Duration::from_millis(50)).build().unwrap();
    client
        .cloudrun()
        .get()
        .name("svc")
        .any_path("slow")
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

/// RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`, `delay-seconds = 1*DIGIT`. A
/// delay larger than any clock can hold is still a (very long) delay: longer than the budget,
/// so the retries end with the reply, at once and without a panic, even after a slow reply.
#[tokio::test]
async fn a_retry_after_too_large_to_add_ends_the_retries() {
    for huge in ["18446744073709551615", "99999999999999999999999999"] {
        let server = scripted(move |n| {
            if n == 0 {
                Reply::json(503, json!({})).header("Retry-After", huge).delay(Duration::from_millis(1200))
            } else {
                ok()
            }
        })
        .await;
        let started = Instant::now();
        let outcome = tokio::spawn({
            let client = client(&server, fast_retries());
            async move { get(&client).await }
        })
        .await;
        let error = outcome.expect("the request panicked").unwrap_err();
        assert_eq!(error.status(), Some(503), "{huge}");
        assert_eq!(server.requests().len(), 1, "{huge}");
        assert!(started.elapsed() < Duration::from_secs(5), "{huge}: {:?}", started.elapsed());
    }
}

/// RFC 9110 §5.6.7: an HTTP-date has a four-digit year (`date1 = day SP month SP year`,
/// `year = 4DIGIT`). A value that is neither a date nor delay-seconds is no `Retry-After` at
/// all: the backoff applies and the request is retried.
#[tokio::test]
async fn a_retry_after_that_is_not_an_http_date_falls_back_to_the_backoff() {
    for bad in [
        "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
        "Sun, 06 Nov -9223372036854775808 08:49:37 GMT",
        "+5",
        "-1",
        "1.5",
    ] {
        let server =
            scripted(move |n| if n == 0 { Reply::json(503, json!({})).header("Retry-After", bad) } else { ok() }).await;
        let outcome = tokio::spawn({
            let client = client(&server, fast_retries());
            async move { get(&client).await }
        })
        .await;
        outcome.expect("the request panicked").unwrap();
        assert_eq!(server.requests().len(), 2, "{bad}");
    }
}

/// RFC 9110 §5.6.7: recipients accept all three date formats; a date in the past means "retry
/// now".
#[tokio::test]
async fn retry_after_dates_in_every_rfc_9110_format_are_honoured() {
    for date in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
        let server =
            scripted(move |n| if n == 0 { Reply::json(503, json!({})).header("Retry-After", date) } else { ok() })
                .await;
        let started = Instant::now();
        get(&client(&server, RetryPolicy::default().backoff(Duration::from_secs(20), Duration::from_secs(20))))
            .await
            .unwrap();
        assert_eq!(server.requests().len(), 2, "{date}");
        // In the past: no wait, where the 20 s backoff would have applied had the date been ignored.
        assert!(started.elapsed() < Duration::from_secs(5), "{date}: {:?}", started.elapsed());
    }
}

/// A server that sends a reply head and then stalls in the body, holding the connection open.
async fn stalling_server(head: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buffer = [0u8; 8192];
                let _ = socket.read(&mut buffer).await;
                let _ = socket.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    url
}

/// A stream request whose reply is an error (read whole, not streamed) has the timeout for that
/// whole reply, as `send()` has.
#[tokio::test]
async fn a_stream_requests_error_reply_that_stalls_times_out() {
    let url = stalling_server("HTTP/1.1 500 X\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").await;
    let client = Client::builder()
        .base_url(&url)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let stream = client.ai_model().chat("cloudbase", "hy3-preview").user("Hello").send_stream();
    let error = tokio::time::timeout(Duration::from_secs(5), stream).await.expect("still pending").unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

/// The retry loop and `Error::is_retryable` answer from one rule: for each error reply, the loop
/// sent the request again exactly when the error it finally returns says it is retryable.
#[tokio::test]
async fn the_retry_loop_and_is_retryable_agree() {
    let cases = [
        (503, json!({})),
        (500, json!({"code": "OPERATION_FAILED", "message": "try again"})),
        (500, json!({"code": "SYS_ERR"})),
        (400, json!({"code": "INVALID_PARAM"})),
        (400, json!({"error": "RESOURCE_UNAVAILABLE", "error_description": "auth-style body"})),
        (404, json!({"code": "SERVICE_TIMEOUT"})),
        (200, json!({"code": "OPERATION_FAILED"})),
    ];
    for (status, body) in cases {
        let reply = body.clone();
        let server = scripted(move |_| Reply::json(status, reply.clone())).await;
        let result = get(&client(&server, fast_retries().max_attempts(2))).await;
        let retried = server.requests().len() == 2;
        match result {
            Err(error) => assert_eq!(error.is_retryable(), retried, "{status} {body}: {error}"),
            Ok(()) => assert!(!retried, "{status} {body}: a success is never retried"),
        }
    }
}
