//! Retries, backoff, `Retry-After` and timeouts against a loopback server, with attempt counts.

mod support;

use cloudbase_api::{Client, Error, RetryPolicy};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{Reply, TestServer};

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
    client.cloudrun().cloudrun_get().name("svc").any_path("health").send().await.map(|_| ())
}

async fn post(client: &Client) -> Result<(), Error> {
    client.cloudrun().cloudrun_post().name("svc").any_path("orders").send().await.map(|_| ())
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
        .cloudrun_post()
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
        .cloudrun_get()
        .name("svc")
        .any_path("slow")
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}
