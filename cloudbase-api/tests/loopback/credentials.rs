//! Credentials against a loopback server: token providers (refresh before expiry, once after a
//! 401, single-flight) and secrets kept out of Debug and tracing. Redirects to other hosts:
//! `redirects.rs`.

use crate::support::{Reply, TestServer};
use cloudbase_api::{Client, Credentials, RefreshingToken, RetryPolicy, Token, TokenProvider};
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A provider minting `t1`, `t2`, ... valid for `lifetime`, counting refreshes.
fn counting_provider(lifetime: Option<Duration>, delay: Duration) -> (RefreshingToken, Arc<AtomicUsize>) {
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counter = refreshes.clone();
    let provider = RefreshingToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            tokio::time::sleep(delay).await;
            Ok(Token::new(format!("t{n}"), lifetime))
        }
    })
    .refresh_before(Duration::from_secs(60));
    (provider, refreshes)
}

fn client_with(server: &TestServer, provider: RefreshingToken) -> Client {
    Client::builder()
        .base_url(&server.url)
        .credentials(Credentials::provider(provider))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn get(client: &Client) -> Result<(), cloudbase_api::Error> {
    client.cloudrun().get().name("svc").any_path("me").send().await.map(|_| ())
}

/// Single flight whatever the token's lifetime: below, at and above the 60 s `refresh_before`
/// margin, and already expired. The requests that waited for the refresh use the token it
/// obtained, even one that counts as due for refresh at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_requests_share_one_refresh_whatever_the_lifetime() {
    for lifetime in [3600, 61, 60, 59, 30, 1, 0] {
        let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
        let (provider, refreshes) = counting_provider(Some(Duration::from_secs(lifetime)), Duration::from_millis(50));
        let client = client_with(&server, provider);
        let requests: Vec<_> = (0..100)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { get(&client).await })
            })
            .collect();
        for request in requests {
            request.await.unwrap().unwrap();
        }
        assert_eq!(refreshes.load(Ordering::SeqCst), 1, "lifetime {lifetime} s");
        let requests = server.requests();
        assert_eq!(requests.len(), 100, "lifetime {lifetime} s");
        let sent: Vec<_> = requests.iter().filter(|r| r.header("authorization") != Some("Bearer t1")).collect();
        assert!(sent.is_empty(), "lifetime {lifetime} s: {sent:#?}");
    }
}

/// A token that is expired when it arrives: each request refreshes once and sends what it got;
/// nothing loops, not even when the server rejects every token.
#[tokio::test]
async fn an_already_expired_token_is_used_once_and_never_loops() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let (provider, refreshes) = counting_provider(Some(Duration::ZERO), Duration::ZERO);
    let client = client_with(&server, provider);
    for _ in 0..3 {
        tokio::time::timeout(Duration::from_secs(5), get(&client)).await.expect("loops").unwrap();
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 3);
    let seen: Vec<_> = server.requests().iter().map(|r| r.header("authorization").unwrap().to_owned()).collect();
    assert_eq!(seen, ["Bearer t1", "Bearer t2", "Bearer t3"]);

    let server = TestServer::start(|_| Reply::json(401, json!({"code": "INVALID_ACCESS_TOKEN"}))).await;
    let (provider, refreshes) = counting_provider(Some(Duration::ZERO), Duration::ZERO);
    let error = tokio::time::timeout(Duration::from_secs(5), get(&client_with(&server, provider)))
        .await
        .expect("loops")
        .unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    // Valid for less than the 60 s margin: every request refreshes.
    let (provider, refreshes) = counting_provider(Some(Duration::from_secs(30)), Duration::ZERO);
    let client = client_with(&server, provider);
    get(&client).await.unwrap();
    get(&client).await.unwrap();
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    let seen: Vec<_> = server.requests().iter().map(|r| r.header("authorization").unwrap().to_owned()).collect();
    assert_eq!(seen, ["Bearer t1", "Bearer t2"]);

    // Valid for an hour: one refresh serves both.
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let (provider, refreshes) = counting_provider(Some(Duration::from_secs(3600)), Duration::ZERO);
    let client = client_with(&server, provider);
    get(&client).await.unwrap();
    get(&client).await.unwrap();
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_401_refreshes_once_and_resends() {
    let server = TestServer::start(|request| {
        if request.header("authorization") == Some("Bearer t1") {
            Reply::json(401, json!({"code": "INVALID_ACCESS_TOKEN", "message": "expired"}))
        } else {
            Reply::json(200, json!({}))
        }
    })
    .await;
    let (provider, refreshes) = counting_provider(None, Duration::ZERO);
    let client = client_with(&server, provider);
    // A POST too: a 401 means the server did not act on it.
    client.cloudrun().post().name("svc").any_path("orders").send().await.unwrap();
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_second_401_is_returned_not_looped() {
    let server = TestServer::start(|_| Reply::json(401, json!({"code": "PERMISSION_DENIED", "message": "no"}))).await;
    let (provider, refreshes) = counting_provider(None, Duration::ZERO);
    let error = get(&client_with(&server, provider)).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(401), Some("PERMISSION_DENIED")));
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests().len(), 2);

    // Static keys cannot be refreshed: one request.
    let server = TestServer::start(|_| Reply::json(401, json!({}))).await;
    let client = Client::builder().base_url(&server.url).credentials(Credentials::api_key("k")).build().unwrap();
    assert_eq!(get(&client).await.unwrap_err().status(), Some(401));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_failing_refresh_is_the_request_error() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let provider = RefreshingToken::new(|| async {
        Err(cloudbase_api::Error::InvalidRequest { operation: "refresh", message: "no session".into() })
    });
    let error = get(&client_with(&server, provider)).await.unwrap_err();
    assert!(error.to_string().contains("no session"), "{error}");
    assert!(server.requests().is_empty());
}

/// A provider whose `token()` never resolves.
struct NeverAnswers;

impl TokenProvider for NeverAnswers {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, cloudbase_api::Error>> + Send + '_>> {
        Box::pin(std::future::pending())
    }

    fn invalidate(&self, _token: &str) {}
}

/// Fails the test instead of hanging when `future` does not finish within `limit`.
async fn within<T>(limit: Duration, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, future).await.expect("still pending: the request hangs")
}

#[tokio::test]
async fn a_provider_that_never_answers_times_out_the_request() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    for retry in
        [RetryPolicy::none(), RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))]
    {
        let client = Client::builder()
            .base_url(&server.url)
            .credentials(Credentials::provider(NeverAnswers))
            .timeout(Duration::from_millis(300))
            .retry(retry)
            .build()
            .unwrap();
        let started = Instant::now();
        let error = within(Duration::from_secs(5), get(&client)).await.unwrap_err();
        assert!(matches!(error, cloudbase_api::Error::Timeout { operation: "cloudrunGet" }), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());

        // The per-request timeout bounds it too.
        let request = client
            .cloudrun()
            .get()
            .name("svc")
            .any_path("me")
            .timeout(Duration::from_millis(200))
            .retry(RetryPolicy::none())
            .send();
        let error = within(Duration::from_secs(5), request).await.unwrap_err();
        assert!(matches!(error, cloudbase_api::Error::Timeout { .. }), "{error:?}");

        // And a stream request, until its reply head.
        let stream = client.ai_model().chat("cloudbase", "hy3-preview").user("Hello").send_stream();
        let error = within(Duration::from_secs(5), stream).await.unwrap_err();
        assert!(matches!(error, cloudbase_api::Error::Timeout { .. }), "{error:?}");
    }
    assert!(server.requests().is_empty());
}

/// A refresh that hangs holds the single-flight lock: every request waiting behind it times out
/// on its own budget, and once the token source answers again a later request refreshes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_refresh_times_out_every_waiter_and_a_later_request_refreshes() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let stuck = Arc::new(AtomicBool::new(true));
    let calls = Arc::new(AtomicUsize::new(0));
    let provider = RefreshingToken::new({
        let (stuck, calls) = (stuck.clone(), calls.clone());
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            let stuck = stuck.load(Ordering::SeqCst);
            async move {
                if stuck {
                    std::future::pending::<()>().await;
                }
                Ok(Token::new(format!("t{n}"), Some(Duration::from_secs(3600))))
            }
        }
    });
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(Credentials::provider(provider))
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let waiting: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { within(Duration::from_secs(5), get(&client)).await })
        })
        .collect();
    for request in waiting {
        let error = request.await.unwrap().unwrap_err();
        assert!(matches!(error, cloudbase_api::Error::Timeout { .. }), "{error:?}");
    }
    assert!(server.requests().is_empty());

    stuck.store(false, Ordering::SeqCst);
    within(Duration::from_secs(5), get(&client)).await.unwrap();
    let expected = format!("Bearer t{}", calls.load(Ordering::SeqCst));
    assert_eq!(server.only_request().header("authorization"), Some(expected.as_str()));
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let secrets = ["sk-123", "tok-456", "secret-789"];
    let shown = [
        format!("{:?}", Credentials::api_key(secrets[0])),
        format!("{:?}", Credentials::access_token(secrets[1])),
        format!("{:?}", Credentials::publishable_key(secrets[1])),
        format!("{:?}", Credentials::basic("id", secrets[2])),
        format!("{:?}", Token::new(secrets[1], None)),
        format!("{:?}", Client::builder().env_id("e").credentials(Credentials::api_key(secrets[0])).build().unwrap()),
    ];
    assert_eq!(shown[0], "Credentials::ApiKey(<redacted>)");
    for text in &shown {
        for secret in secrets {
            assert!(!text.contains(secret), "{text}");
        }
    }
    // Request builders hold passwords and tokens in their parameters and bodies.
    let client = Client::builder().env_id("e").build().unwrap();
    let body = cloudbase_api::auth::SignInRequest { password: Some(secrets[2].into()), ..Default::default() };
    let builder = client.auth().sign_in().body(body);
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(secrets[2]), "{builder_debug}");
    let user = client.auth().user_delete_me().sudo_token(secrets[1]);
    assert!(!format!("{user:?}").contains(secrets[1]));
}

#[tokio::test]
async fn an_empty_token_from_a_provider_is_refused_not_sent() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let provider = RefreshingToken::new(|| async { Ok(Token::new("", None)) });
    let error = get(&client_with(&server, provider)).await.unwrap_err();
    assert!(error.to_string().contains("empty"), "{error}");
    assert!(server.requests().is_empty());
}

/// A failed refresh is every request's error for the cool-down, without a new refresh; the
/// first request after it refreshes again.
#[tokio::test]
async fn a_failed_refresh_cools_down_before_the_next_refresh() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = RefreshingToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                Err(cloudbase_api::Error::InvalidRequest { operation: "refresh", message: "down".into() })
            } else {
                Ok(Token::new("t2", None))
            }
        }
    })
    .failure_cooldown(Duration::from_millis(200));
    let client = client_with(&server, provider);
    for _ in 0..5 {
        let error = get(&client).await.unwrap_err();
        assert!(matches!(error, cloudbase_api::Error::TokenRefresh { .. }), "{error:?}");
        assert!(error.to_string().contains("down"), "{error}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    get(&client).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer t2"));
}
