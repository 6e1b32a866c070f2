//! Auth flows and sessions against a loopback auth server: the exact requests of each flow, the
//! session as credentials, refresh through the token endpoint (single-flight, after expiry and
//! after a 401), sign-out, and the auth error shape.

use crate::support::{Reply, TestServer, client};
use cloudbase_api::Error;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An auth server: sign-in issues `access-1` (valid `lifetime` seconds) and `refresh-1`; the token
/// endpoint issues `access-N`; user endpoints accept only the newest access token.
async fn auth_server(lifetime: i64) -> (TestServer, Arc<AtomicUsize>) {
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counter = refreshes.clone();
    let server = TestServer::start(move |request| {
        let path = request.path();
        match path {
            "/auth/v1/signin" | "/auth/v1/signin/anonymously" | "/auth/v1/signin/custom" => Reply::json(
                200,
                json!({"token_type": "Bearer", "access_token": "access-1", "refresh_token": "refresh-1", "expires_in": lifetime, "sub": "u1"}),
            ),
            "/auth/v1/token" => {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 2;
                std::thread::sleep(std::time::Duration::from_millis(30));
                Reply::json(200, json!({"access_token": format!("access-{n}"), "refresh_token": format!("refresh-{n}"), "expires_in": 7200}))
            }
            "/auth/v1/verification" => Reply::json(200, json!({"verification_id": "vid-1", "expires_in": 600, "is_user": true})),
            "/auth/v1/verification/verify" => Reply::json(200, json!({"verification_token": "vt-1", "expires_in": 600})),
            "/auth/v1/user/me" => {
                let newest = format!("Bearer access-{}", counter.load(Ordering::SeqCst) + 1);
                if request.header("authorization") == Some(newest.as_str()) {
                    Reply::json(200, json!({"sub": "u1", "name": "李白"}))
                } else {
                    Reply::json(401, json!({"error": "unauthenticated", "error_code": 16, "error_description": "token expired"}))
                }
            }
            "/auth/v1/user/signout" | "/auth/v1/revoke" => Reply::json(200, json!({})),
            _ => Reply::json(404, json!({"error": "not_found"})),
        }
    })
    .await;
    (server, refreshes)
}

#[tokio::test]
async fn phone_code_flow_signs_in_and_the_session_authenticates() {
    let (server, refreshes) = auth_server(7200).await;
    let client = client(&server);
    let auth = client.auth();
    let sent = auth.send_phone_code("+86 13800138000").await.unwrap();
    assert_eq!((sent.verification_id.as_str(), sent.is_user), ("vid-1", Some(true)));
    let verified = auth.verify_code(&sent, "123456").await.unwrap();
    let session = auth.sign_in_with_verification(&verified).await.unwrap();
    let profile = session.profile().await.unwrap();
    assert_eq!(profile.name.as_deref(), Some("李白"));
    assert_eq!(refreshes.load(Ordering::SeqCst), 0);

    let requests = server.requests();
    // No `target`, as the vendor's SDKs send it: the server's default (ANY).
    assert_eq!(requests[0].json(), json!({"phone_number": "+86 13800138000"}));
    assert_eq!(requests[1].json(), json!({"verification_id": "vid-1", "verification_code": "123456"}));
    // The phone number is the username beside the token, as the vendor's SDKs sign in.
    assert_eq!(requests[2].json(), json!({"username": "+86 13800138000", "verification_token": "vt-1"}));
    // Sending a code takes the client's credentials where it has them (a code for the signed-in
    // user needs the user's token; the vendor's SDKs send theirs); verifying and signing in take
    // none: the client's API key is not sent.
    assert_eq!(requests[0].header("authorization"), Some("Bearer test-key"));
    assert!(requests[1..3].iter().all(|r| r.header("authorization").is_none()));
    assert_eq!(requests[3].header("authorization"), Some("Bearer access-1"));
    assert!(!format!("{session:?}").contains("access-1"));
    // One device id, the client's, on every call of the flow: the session's requests included.
    assert_eq!(client.device_id().len(), 32);
    for request in &requests {
        assert_eq!(request.header("x-device-id"), Some(client.device_id()), "{}", request.path());
    }
    // Configured by base URL alone, the client has no env id to send as `client_id`.
    assert!(requests.iter().all(|r| !r.query().contains("client_id")), "{requests:?}");
}

#[tokio::test]
async fn malformed_phone_numbers_are_refused_before_sending() {
    let (server, _) = auth_server(7200).await;
    for bad in ["13800138000", "+8613800138000", "+86-13800138000"] {
        let error = client(&server).auth().send_phone_code(bad).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { operation: "Auth_SendVerification", .. }), "{bad}: {error:?}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn other_sign_in_flows_send_what_the_docs_show() {
    let (server, _) = auth_server(7200).await;
    let auth = client(&server).auth();
    auth.send_email_code("li.bai@example.com").await.unwrap();
    auth.sign_in_with_password("li_bai", "Moon&Wine-701").await.unwrap();
    auth.sign_in_anonymously("device-7f3a").await.unwrap();
    auth.sign_in_with_ticket("ticket-abc").await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].json(), json!({"email": "li.bai@example.com", "usage": "email"}));
    assert_eq!(requests[1].json(), json!({"username": "li_bai", "password": "Moon&Wine-701"}));
    assert_eq!(requests[2].header("x-device-id"), Some("device-7f3a"));
    assert_eq!(requests[3].json(), json!({"provider_id": "custom", "ticket": "ticket-abc"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiring_session_refreshes_once_for_many_requests() {
    // Valid 30 s: inside the 60 s margin, so the first use refreshes.
    let (server, refreshes) = auth_server(30).await;
    let session = client(&server).auth().sign_in_with_password("u", "p").await.unwrap();
    let user = session.client();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let user = user.clone();
            tokio::spawn(async move { user.auth().user_me().send().await.map(|_| ()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    let refresh_requests: Vec<_> = server.requests().into_iter().filter(|r| r.path() == "/auth/v1/token").collect();
    assert_eq!(refresh_requests.len(), 1);
    assert_eq!(refresh_requests[0].json(), json!({"grant_type": "refresh_token", "refresh_token": "refresh-1"}));
    assert_eq!(refresh_requests[0].header("authorization"), None);
    // The refresh is an authentication call like the others: it carries the device id.
    assert_eq!(refresh_requests[0].header("x-device-id"), Some(user.device_id()));
    assert_eq!(session.tokens(), ("access-2".to_owned(), Some("refresh-2".to_owned())));
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_auth_errors_keep_their_code() {
    let (server, refreshes) = auth_server(7200).await;
    let session = client(&server).auth().sign_in_with_password("u", "p").await.unwrap();
    // The server already moved on to a newer token: access-1 is rejected once, then refreshed.
    refreshes.fetch_add(1, Ordering::SeqCst);
    session.profile().await.unwrap();
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);

    // A server that rejects every token: one refresh, then the auth error surfaces.
    let server = TestServer::start(|request| match request.path() {
        "/auth/v1/signin" => Reply::json(200, json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 7200})),
        "/auth/v1/token" => Reply::json(200, json!({"access_token": "a2", "expires_in": 7200})),
        _ => Reply::json(
            401,
            json!({"error": "unauthenticated", "error_code": 16, "error_description": "token expired"}),
        ),
    })
    .await;
    let session = client(&server).auth().sign_in_with_password("u", "p").await.unwrap();
    let error = session.profile().await.unwrap_err();
    assert_eq!(
        (error.status(), error.code(), error.message()),
        (Some(401), Some("unauthenticated"), Some("token expired"))
    );
    let paths: Vec<String> = server.requests().iter().map(|r| r.path().to_owned()).collect();
    assert_eq!(paths, ["/auth/v1/signin", "/auth/v1/user/me", "/auth/v1/token", "/auth/v1/user/me"]);
    // The refresh reply had no new refresh token: the old one is kept.
    assert_eq!(session.tokens(), ("a2".to_owned(), Some("r1".to_owned())));
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let (server, _) = auth_server(7200).await;
    let session = client(&server).auth().sign_in_anonymously("d").await.unwrap();
    session.sign_out().await.unwrap();
    // As the vendor's SDKs sign out: the access token revoked in the body, no credentials.
    let revoked = server.requests().into_iter().find(|r| r.path() == "/auth/v1/revoke").unwrap();
    assert_eq!(revoked.json(), json!({"token": "access-1"}));
    assert_eq!(revoked.header("authorization"), None);
    assert_eq!(session.tokens(), (String::new(), None));
    // The bearer form stays available as the generated operation.
    session.client().auth().sign_out().send().await.unwrap_err();
}

#[tokio::test]
async fn the_device_id_can_be_set_and_the_env_id_is_the_client_id() {
    let (server, _) = auth_server(7200).await;
    let client = cloudbase_api::Client::builder()
        .base_url(&server.url)
        .env_id("my-env-1a2b")
        .device_id("device-7f3a")
        .build()
        .unwrap();
    let session = client.auth().sign_in_with_password("libai", "Passw0rd!").await.unwrap();
    session.profile().await.unwrap();
    // A caller's own value wins over the client's.
    let body = cloudbase_api::auth::SignInRequest::default();
    client.auth().sign_in().x_device_id("other-device").client_id("app-2").body(body).send().await.unwrap();
    let requests = server.requests();
    let sign_in = &requests[0];
    assert_eq!((sign_in.path(), sign_in.query()), ("/auth/v1/signin", "client_id=my-env-1a2b"));
    assert_eq!(sign_in.header("x-device-id"), Some("device-7f3a"));
    // The user's own calls carry the device id, not the client id (the SDK sends none there).
    assert_eq!((requests[1].path(), requests[1].query()), ("/auth/v1/user/me", ""));
    assert_eq!(requests[1].header("x-device-id"), Some("device-7f3a"));
    assert_eq!(requests[2].query(), "client_id=app-2");
    assert_eq!(requests[2].header("x-device-id"), Some("other-device"));
    // A device id a header cannot carry is refused when the client is built.
    let error = cloudbase_api::Client::builder().base_url(&server.url).device_id("a\r\nb").build().unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains(r"`device_id` holds a control character (`\r` at byte 1)"), "{shown}");
    assert!(!shown.contains('\r'), "{shown:?}");
}

#[tokio::test]
async fn auth_errors_surface_their_code() {
    let server = TestServer::start(|_| {
        Reply::json(400, json!({"error": "invalid_password", "error_code": 3, "error_description": "wrong password"}))
    })
    .await;
    let error = client(&server).auth().sign_in_with_password("u", "bad").await.unwrap_err();
    assert_eq!((error.code(), error.message()), (Some("invalid_password"), Some("wrong password")));
}

/// A session whose access token is due, against a token endpoint that answers `status` with
/// `body`: 100 concurrent requests (each allowed three attempts) share the refresh's failure,
/// and the endpoint is called once, not once per request or per attempt.
async fn failing_refresh_is_shared(status: u16, body: serde_json::Value) {
    let body = Arc::new(body);
    let server = TestServer::start(move |request| match request.path() {
        "/auth/v1/signin" => Reply::json(200, json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 1})),
        "/auth/v1/token" => {
            std::thread::sleep(std::time::Duration::from_millis(20));
            Reply::json(status, (*body).clone())
        }
        _ => Reply::json(200, json!({"sub": "u1"})),
    })
    .await;
    let retry = cloudbase_api::RetryPolicy::default()
        .max_attempts(3)
        .backoff(std::time::Duration::from_millis(5), std::time::Duration::from_millis(20))
        .retry_non_idempotent(true);
    let anonymous = cloudbase_api::Client::builder().base_url(&server.url).retry(retry).build().unwrap();
    let session = anonymous.auth().sign_in_with_password("u", "p").await.unwrap();
    let user = session.client();
    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let user = user.clone();
            tokio::spawn(async move { user.auth().user_me().send().await.map(|_| ()) })
        })
        .collect();
    let mut errors = Vec::new();
    for call in calls {
        errors.push(call.await.unwrap().unwrap_err());
    }
    let refreshes = server.requests().iter().filter(|r| r.path() == "/auth/v1/token").count();
    let users = server.requests().iter().filter(|r| r.path() == "/auth/v1/user/me").count();
    eprintln!("HTTP {status}: {refreshes} token calls, {users} requests sent, {:?}", started.elapsed());
    // The refresh's own request is retried by the policy (a 503: up to three calls), once.
    assert!(refreshes <= 3, "{refreshes} calls to the token endpoint");
    assert_eq!(users, 0, "no request is sent without a token");
    for error in &errors {
        assert_eq!(error.status(), Some(status), "{error}");
        assert!(!error.is_retryable());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_is_called_once_for_many_requests() {
    failing_refresh_is_shared(503, json!({"error": "unavailable", "error_description": "try later"})).await;
    failing_refresh_is_shared(400, json!({"error": "invalid_grant", "error_description": "refresh token revoked"}))
        .await;
}

#[tokio::test]
async fn an_empty_access_token_is_refused_not_sent() {
    let server = TestServer::start(|request| match request.path() {
        "/auth/v1/signin" => Reply::json(200, json!({"access_token": "a1", "refresh_token": "r1", "expires_in": 1})),
        "/auth/v1/token" => Reply::json(200, json!({"access_token": "", "expires_in": 7200})),
        _ => Reply::json(200, json!({"sub": "u1"})),
    })
    .await;
    let session = client(&server).auth().sign_in_with_password("u", "p").await.unwrap();
    let error = session.profile().await.unwrap_err();
    assert!(error.to_string().contains("access_token"), "{error}");
    assert!(server.requests().iter().all(|r| r.path() != "/auth/v1/user/me"));
}
