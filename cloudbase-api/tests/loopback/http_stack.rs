//! The open HTTP stack against loopback servers: `ClientBuilder::http_client` reaches reqwest's
//! builder while the crate keeps its redirect rule, and `on_attempt` sees each attempt (retries
//! included) without a credential or the query.

use crate::support::{Reply, TestServer};
use cloudbase_api::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const API_KEY: &str = "sk-secret-789";

/// What the hook saw of one attempt, as text (it holds nothing past the call).
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    operation: &'static str,
    method: String,
    url: String,
    number: u32,
    status: Option<u16>,
    request_id: Option<String>,
    failed: bool,
    shown: String,
}

fn recording(builder: cloudbase_api::ClientBuilder) -> (cloudbase_api::ClientBuilder, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let builder = builder.on_attempt(move |attempt| {
        log.lock().unwrap().push(Seen {
            operation: attempt.operation,
            method: attempt.method.to_string(),
            url: attempt.url.to_owned(),
            number: attempt.number,
            status: attempt.status,
            request_id: attempt.request_id.map(str::to_owned),
            failed: attempt.error.is_some(),
            shown: format!("{attempt:?}"),
        });
    });
    (builder, seen)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

#[tokio::test]
async fn the_hook_sees_every_attempt_of_a_retried_request() {
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let server = TestServer::start(move |_| {
        let mut calls = counter.lock().unwrap();
        *calls += 1;
        match *calls {
            1 => Reply::json(503, json!({"code": "SERVICE_UNAVAILABLE", "message": "busy"})),
            _ => Reply::json(200, json!({"ok": true})).header("X-Request-Id", "req-42"),
        }
    })
    .await;
    let (builder, seen) = recording(
        Client::builder().base_url(&server.url).credentials(Credentials::api_key(API_KEY)).retry(fast_retries()),
    );
    let client = builder.build().unwrap();
    client.cloudrun().get().name("shop").any_path("orders/42").send().await.unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    for (attempt, (number, status)) in seen.iter().zip([(1, 503), (2, 200)]) {
        assert_eq!(attempt.operation, "cloudrunGet");
        assert_eq!(attempt.method, "GET");
        assert_eq!(attempt.url, format!("{}/v1/cloudrun/shop/orders/42", server.url));
        assert_eq!((attempt.number, attempt.status, attempt.failed), (number, Some(status), false));
        assert!(!attempt.shown.contains(API_KEY), "{}", attempt.shown);
    }
    assert_eq!(seen[1].request_id.as_deref(), Some("req-42"));
}

#[tokio::test]
async fn the_hook_sees_no_query_and_no_credential() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let (builder, seen) = recording(Client::builder().base_url(&server.url).credentials(Credentials::api_key(API_KEY)));
    let client = builder.build().unwrap();
    client
        .functions()
        .web_get()
        .name("plants")
        .query([("sudo_token".to_owned(), "tok-secret".to_owned())])
        .send()
        .await
        .ok();
    let request = server.only_request();
    assert!(request.query().contains("tok-secret"), "the test sends a query: {request:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert!(!seen[0].url.contains('?') && !seen[0].shown.contains("tok-secret"), "{seen:#?}");
    assert!(!seen[0].shown.contains(API_KEY), "{seen:#?}");
}

#[tokio::test]
async fn the_hook_sees_an_attempt_that_got_no_reply() {
    let server = TestServer::start(|_| Reply::hang_up()).await;
    let (builder, seen) = recording(Client::builder().base_url(&server.url).retry(RetryPolicy::none()));
    let error = builder.build().unwrap().cloudrun().root_get().name("shop").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!((seen[0].status, seen[0].failed, seen[0].number), (None, true, 1));
}

#[tokio::test]
async fn reqwest_settings_apply_and_the_redirect_rule_stays() {
    let other = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let location = format!("{}/v1/cloudrun/shop/elsewhere", other.url);
    let origin = TestServer::start(move |request| match request.path() {
        "/v1/cloudrun/shop/away" => Reply::new(307).header("Location", &location),
        _ => Reply::json(200, json!({})),
    })
    .await;
    let client = Client::builder()
        .base_url(&origin.url)
        .credentials(Credentials::api_key(API_KEY))
        .header("X-Tenant", "t-1")
        .http_client(|http| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("x-from-reqwest", reqwest::header::HeaderValue::from_static("yes"));
            // Both try to loosen what the crate owns; neither may.
            http.default_headers(headers).redirect(reqwest::redirect::Policy::limited(10)).referer(true)
        })
        .build()
        .unwrap();

    client.cloudrun().get().name("shop").any_path("here").send().await.unwrap();
    let request = origin.only_request();
    assert_eq!(request.header("x-from-reqwest"), Some("yes"), "{request:?}");
    assert_eq!(request.header("x-tenant"), Some("t-1"), "{request:?}");
    assert_eq!(request.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
    assert!(request.header("user-agent").is_some_and(|ua| ua.starts_with("cloudbase-rs/")), "{request:?}");

    let error = client.cloudrun().get().name("shop").any_path("away").send().await.unwrap_err();
    assert!(matches!(&error, Error::Redirect { status: 307, target, .. } if *target == other.url), "{error:?}");
    assert!(other.requests().is_empty(), "the other origin was reached: {:?}", other.requests());
}

#[tokio::test]
async fn configured_headers_do_not_replace_the_requests_own() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(Credentials::api_key(API_KEY))
        .header("Authorization", "Bearer not-this-one")
        .header("Accept", "text/plain")
        .header("X-Multi", "a")
        .header("X-Multi", "b")
        .build()
        .unwrap();
    client.cloudrun().root_get().name("shop").send().await.unwrap();
    let request = server.only_request();
    assert_eq!(request.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
    assert_ne!(request.header("accept"), Some("text/plain"), "{request:?}");
    let multi: Vec<&str> =
        request.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("x-multi")).map(|(_, v)| v.as_str()).collect();
    assert_eq!(multi, ["a", "b"]);
}
