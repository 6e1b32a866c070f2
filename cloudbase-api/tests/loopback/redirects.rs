//! Redirects against loopback servers on different ports (different origins, RFC 6454): a
//! redirect to another origin is not followed, so the other server receives nothing (no body,
//! no credentials, no custom header) and the caller gets `Error::Redirect` naming the origin only.
//! Redirects within the origin are followed with RFC 9110 §15.4 semantics.

use crate::support::{Recorded, Reply, TestServer};
use cloudbase_api::auth::SignInRequest;
use cloudbase_api::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use std::time::Duration;

const PASSWORD: &str = "pw-Secret-123";
const HEADER_SECRET: &str = "hdr-secret-456";
const API_KEY: &str = "sk-secret-789";

fn client(origin: &TestServer) -> Client {
    Client::builder()
        .base_url(&origin.url)
        .credentials(Credentials::api_key(API_KEY))
        .header("X-Tenant-Token", HEADER_SECRET)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn sign_in_body() -> SignInRequest {
    SignInRequest { username: Some("li.bai".into()), password: Some(PASSWORD.into()), ..Default::default() }
}

/// A server answering every request with `status` and `Location: location`.
async fn redirecting(status: u16, location: String) -> TestServer {
    TestServer::start(move |_| Reply::new(status).header("Location", &location)).await
}

/// Whether a recorded request carries any of the secrets, anywhere.
fn carries_a_secret(request: &Recorded) -> bool {
    let body = String::from_utf8_lossy(&request.body);
    [PASSWORD, HEADER_SECRET, API_KEY].iter().any(|secret| {
        body.contains(secret)
            || request.target.contains(secret)
            || request.headers.iter().any(|(_, value)| value.contains(secret))
    })
}

/// The other origin received nothing sensitive; and since the redirect is not followed, nothing.
fn assert_nothing_reached(other: &TestServer) {
    let requests = other.requests();
    for request in &requests {
        assert!(request.body.is_empty(), "body sent to the other origin: {request:?}");
        assert!(request.header("authorization").is_none(), "Authorization sent to the other origin: {request:?}");
        assert!(request.header("x-tenant-token").is_none(), "custom header sent to the other origin: {request:?}");
        assert!(!carries_a_secret(request), "secret sent to the other origin: {request:?}");
    }
    assert!(requests.is_empty(), "the other origin received {requests:#?}");
}

/// The typed error, naming the other origin (scheme, host, port) but not its path or query.
fn assert_redirect_error(error: &Error, status: u16, other: &TestServer) {
    let Error::Redirect { target, status: got, .. } = error else { panic!("HTTP {status}: {error:?}") };
    assert_eq!((*got, target.as_str()), (status, other.url.as_str()));
    assert_eq!(error.status(), Some(status));
    assert!(!error.is_retryable());
    assert_eq!((error.code(), error.message(), error.request_id()), (None, None, None));
    let shown = error.to_string();
    assert!(shown.contains(&other.url), "{shown}");
    assert!(!shown.contains("steal") && !shown.contains("token=abc"), "{shown}");
    assert!(![PASSWORD, HEADER_SECRET, API_KEY].iter().any(|s| shown.contains(s) || target.contains(s)), "{shown}");
}

#[tokio::test]
async fn a_307_to_another_origin_does_not_replay_the_sign_in_body() {
    let other = TestServer::start(|_| Reply::json(200, json!({"access_token": "stolen"}))).await;
    // With userinfo in the Location too: not part of the origin, never shown.
    let with_userinfo = other.url.replacen("http://", &format!("http://li.bai:{API_KEY}@"), 1);
    let origin = redirecting(307, format!("{with_userinfo}/steal?token=abc")).await;
    let result = client(&origin).auth().sign_in().body(sign_in_body()).send().await;
    assert_nothing_reached(&other);
    let error = result.unwrap_err();
    assert_redirect_error(&error, 307, &other);
    let sent = origin.only_request();
    assert_eq!((sent.method.as_str(), sent.path()), ("POST", "/auth/v1/signin"));
}

#[tokio::test]
async fn no_redirect_status_carries_credentials_or_custom_headers_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        let other = TestServer::start(|_| Reply::json(200, json!({}))).await;
        let origin = redirecting(status, format!("{}/steal?token=abc", other.url)).await;
        let client = client(&origin);
        let result = client.cloudrun().get().name("svc").any_path("me").send().await;
        assert_nothing_reached(&other);
        let error = result.unwrap_err();
        assert_redirect_error(&error, status, &other);
        // Not retried: the answer would be the same.
        assert_eq!(origin.requests().len(), 1, "HTTP {status}");

        let result = client.auth().sign_in().body(sign_in_body()).send().await;
        assert_nothing_reached(&other);
        let error = result.unwrap_err();
        assert_redirect_error(&error, status, &other);
    }
}

#[tokio::test]
async fn a_stream_request_is_not_redirected_to_another_origin() {
    let other =
        TestServer::start(|_| Reply::new(200).header("Content-Type", "text/event-stream").body("data: {}\n\n")).await;
    let origin = redirecting(307, format!("{}/steal?token=abc", other.url)).await;
    let result = client(&origin).ai_model().chat("cloudbase", "hy3-preview").user(PASSWORD).send_stream().await;
    assert_nothing_reached(&other);
    let error = result.unwrap_err();
    assert_redirect_error(&error, 307, &other);
}

/// Same origin, RFC 9110: 307 and 308 keep the method and the body (§15.4.8, §15.4.9); 303 turns
/// anything but HEAD into a GET without a body (§15.4.4); 301 and 302 may turn a POST into a GET
/// (§15.4.2, §15.4.3), as browsers do. Credentials and custom headers stay: same origin.
#[tokio::test]
async fn redirects_within_the_origin_are_followed_with_rfc_9110_semantics() {
    for (status, method, keeps_body) in
        [(307, "POST", true), (308, "POST", true), (303, "GET", false), (301, "GET", false), (302, "GET", false)]
    {
        let origin = TestServer::start(move |request| {
            if request.path() == "/auth/v1/signin" {
                // Relative and absolute forms of the same origin.
                let location = if status % 2 == 0 { "/auth/v1/next?step=2" } else { "next?step=2" };
                Reply::new(status).header("Location", location)
            } else {
                Reply::json(200, json!({"access_token": "a", "token_type": "Bearer"}))
            }
        })
        .await;
        let token = client(&origin).auth().sign_in().body(sign_in_body()).send().await.unwrap();
        assert_eq!(token.access_token.as_deref(), Some("a"), "HTTP {status}");
        let requests = origin.requests();
        assert_eq!(requests.len(), 2, "HTTP {status}");
        let followed = &requests[1];
        assert_eq!((followed.method.as_str(), followed.target.as_str()), (method, "/auth/v1/next?step=2"), "{status}");
        assert_eq!(followed.header("x-tenant-token"), Some(HEADER_SECRET), "HTTP {status}");
        if keeps_body {
            assert_eq!(followed.body, requests[0].body, "HTTP {status}");
            assert_eq!(followed.json()["password"], PASSWORD, "HTTP {status}");
        } else {
            assert!(followed.body.is_empty(), "HTTP {status}: {followed:?}");
            assert_eq!(followed.header("content-type"), None, "HTTP {status}");
        }
    }

    // With credentials: kept within the origin, on an absolute same-origin Location too.
    let origin = TestServer::start(|request| {
        if request.path().ends_with("/old") {
            Reply::new(308)
                .header("Location", &format!("http://{}/v1/cloudrun/svc/new", request.header("host").unwrap()))
        } else {
            Reply::json(200, json!({}))
        }
    })
    .await;
    client(&origin).cloudrun().get().name("svc").any_path("old").send().await.unwrap();
    let requests = origin.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path(), "/v1/cloudrun/svc/new");
    assert_eq!(requests[1].header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
}

/// A redirect loop within the origin ends after 10 redirects, and is not retried: it would loop
/// again.
#[tokio::test]
async fn a_redirect_loop_ends_and_is_not_retried() {
    let origin = TestServer::start(|_| Reply::new(302).header("Location", "/v1/cloudrun/svc/again")).await;
    let error = client(&origin).cloudrun().get().name("svc").any_path("me").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(origin.requests().len(), 11);
}
