//! The mock's stateful auth against the client's `session` helpers: codes that verify or do
//! not, tokens that expire and refresh (once, after the 401), sign-out that revokes on the
//! server, password and anonymous sign-in.

use cloudbase_api::session::Session;
use cloudbase_api::{Client, RetryPolicy};
use cloudbase_mock::{AuthFlows, MockServer};
use std::time::Duration;

fn client(server: &MockServer) -> Client {
    server.client_builder().retry(RetryPolicy::none()).build().unwrap()
}

#[tokio::test]
async fn a_phone_code_signs_in_a_session_that_refreshes_after_expiry_and_signs_out() {
    let server = MockServer::start().await;
    let flows = server.auth_flows();
    let auth = client(&server).auth();

    let sent = auth.send_phone_code("+86 13800138000").await.unwrap();
    assert_eq!(sent.is_user, Some(false));
    let wrong = auth.verify_code(&sent, "000000").await.unwrap_err();
    assert_eq!((wrong.status(), wrong.code()), (Some(400), Some("invalid_argument")));
    let verified = auth.verify_code(&sent, AuthFlows::DEFAULT_CODE).await.unwrap();
    let session = auth.sign_in_with_verification(&verified).await.unwrap();
    let me = session.profile().await.unwrap();
    assert_eq!(me.phone_number.as_deref(), Some("+86 13800138000"));
    assert_eq!(flows.users().len(), 1);
    // A verification token signs in once.
    let reused = auth.sign_in_with_verification(&verified).await.unwrap_err();
    assert_eq!(reused.status(), Some(400));

    // Expired on the server: the next request is refused 401, the session refreshes once and
    // the request is sent again with the new token.
    flows.expire_access_tokens();
    let (expired, _) = session.tokens();
    let again = session.profile().await.unwrap();
    assert_eq!(again.sub, me.sub);
    assert_eq!(server.auth().grant_token().received().len(), 1);
    assert_eq!(flows.tokens_issued(), 2);
    let (fresh, kept_refresh) = session.tokens();
    assert_ne!(fresh, expired);
    // The expired token is refused by every operation that takes a bearer token.
    let stale = client(&server).with_credentials(cloudbase_api::Credentials::access_token(expired));
    let refused = stale.functions().web_get().name("web-fn").send().await.unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(401), Some("INVALID_ACCESS_TOKEN")));

    // Signed out: the server revokes both tokens, so a session restored from them is refused
    // and cannot refresh.
    session.sign_out().await.unwrap();
    let restored = Session::restore(&client(&server), fresh, kept_refresh, Some(Duration::from_secs(7200)));
    let after = restored.profile().await.unwrap_err();
    assert_eq!((after.status(), after.code()), (Some(400), Some("invalid_grant")), "{after:?}");
    assert!(server.violations().is_empty(), "{:?}", server.violations());
}

#[tokio::test]
async fn the_code_and_the_token_lifetime_are_the_tests_to_set() {
    let server = MockServer::start().await;
    let flows = server.auth_flows();
    flows.set_code("246810");
    flows.set_token_lifetime(Duration::from_secs(30));
    let auth = client(&server).auth();
    let sent = auth.send_email_code("li.bai@example.com").await.unwrap();
    assert!(auth.verify_code(&sent, AuthFlows::DEFAULT_CODE).await.is_err());
    let verified = auth.verify_code(&sent, "246810").await.unwrap();
    let session = auth.sign_in_with_verification(&verified).await.unwrap();
    // 30 s is inside the session's 60 s refresh margin: each request refreshes first.
    session.profile().await.unwrap();
    session.profile().await.unwrap();
    assert_eq!(server.auth().grant_token().received().len(), 2);
    // A second code to the same address finds the user.
    let sent = auth.send_email_code("li.bai@example.com").await.unwrap();
    assert_eq!(sent.is_user, Some(true));
}

#[tokio::test]
async fn password_and_anonymous_sign_in() {
    let server = MockServer::start().await;
    let flows = server.auth_flows();
    let sub = flows.add_user("li.bai", "moonlight");
    let auth = client(&server).auth();
    let session = auth.sign_in_with_password("li.bai", "moonlight").await.unwrap();
    assert_eq!(session.profile().await.unwrap().sub.as_deref(), Some(sub.as_str()));
    let wrong = auth.sign_in_with_password("li.bai", "sunlight").await.unwrap_err();
    assert_eq!(wrong.code(), Some("invalid_password"));

    let anonymous = auth.sign_in_anonymously("device-7f3a").await.unwrap();
    let profile = anonymous.profile().await.unwrap();
    assert_eq!(profile.r#type.as_deref(), Some("ANONYMOUS"));
    assert_eq!(flows.users().len(), 2);
}

#[tokio::test]
async fn reset_turns_the_flows_off() {
    let server = MockServer::start().await;
    let flows = server.auth_flows();
    let session = client(&server).auth().sign_in_anonymously("device-1").await.unwrap();
    flows.expire_access_tokens();
    server.reset();
    // No flows: the spec's documented reply again, and no token is refused.
    let profile = session.profile().await.unwrap();
    assert_ne!(profile.r#type.as_deref(), Some("ANONYMOUS"));
    let auth = client(&server).auth();
    let sent = auth.send_phone_code("+86 13800138000").await.unwrap();
    assert!(auth.verify_code(&sent, "any code at all").await.is_ok());
}
