//! The fault matrix against a loopback server: broken connections, error statuses, replies that
//! do not match the spec, oversized bodies; and hostile input from the caller. Each case asserts
//! the error kind and how many requests reached the server.

use crate::support::{Reply, TestServer};
use cloudbase_api::{Client, Error, RetryPolicy};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .base_url(&server.url)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .unwrap()
}

async fn get(client: &Client) -> Result<cloudbase_api::Response<cloudbase_api::Body>, Error> {
    client.cloudrun().get().name("svc").any_path("x").send().await
}

/// The token endpoint: a POST whose success is the typed `Token`.
async fn post_token(client: &Client) -> Result<cloudbase_api::Response<cloudbase_api::auth::TokenResponse>, Error> {
    client.auth().grant_token().body(cloudbase_api::auth::GrantTokenRequest::default()).send().await
}

#[tokio::test]
async fn a_reset_in_the_middle_of_the_body_is_a_transport_error() {
    // Content-Length promises more than is sent before the connection closes.
    let url = truncating_server().await;
    let client = Client::builder().base_url(&url.0).retry(RetryPolicy::none()).build().unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let error = post_token(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(url.1.load(Ordering::SeqCst), 2);

    // With retries: the GET is sent three times, the POST once.
    let url = truncating_server().await;
    let client = Client::builder()
        .base_url(&url.0)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .unwrap();
    assert!(matches!(get(&client).await.unwrap_err(), Error::Transport { .. }));
    assert_eq!(url.1.load(Ordering::SeqCst), 3);
    assert!(matches!(post_token(&client).await.unwrap_err(), Error::Transport { .. }));
    assert_eq!(url.1.load(Ordering::SeqCst), 4);
}

/// Answers every request with a head promising 1000 bytes, sends 6, and closes; counts requests.
async fn truncating_server() -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 8192];
                let _ = socket.read(&mut buffer).await;
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":",
                    )
                    .await;
            });
        }
    });
    (url, count)
}

#[tokio::test]
async fn a_body_that_arrives_in_parts_is_joined_whole() {
    // With and without a Content-Length, the body written in three parts with pauses between
    // them, so that the client receives it as several chunks.
    for announced in [true, false] {
        let url = split_body_server(announced).await;
        let client = Client::builder().base_url(&url).retry(RetryPolicy::none()).build().unwrap();
        let token = post_token(&client).await.unwrap();
        assert_eq!(token.access_token.as_deref(), Some("a-very-long-access-token"), "announced: {announced}");
        assert_eq!(token.refresh_token.as_deref(), Some("r"), "announced: {announced}");
        assert_eq!(token.expires_in, Some(7200), "announced: {announced}");
    }
}

/// Answers one request with a `Token` written in three parts; with `Connection: close` and no
/// Content-Length when `announced` is false.
async fn split_body_server(announced: bool) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let mut buffer = [0u8; 8192];
        let _ = socket.read(&mut buffer).await;
        let parts = [
            r#"{"token_type":"Bearer","access_"#,
            r#"token":"a-very-long-access-token","refr"#,
            r#"esh_token":"r","expires_in":7200}"#,
        ];
        let length = parts.iter().map(|p| p.len()).sum::<usize>();
        let head = if announced {
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n")
        } else {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_owned()
        };
        let _ = socket.write_all(head.as_bytes()).await;
        for part in parts {
            let _ = socket.write_all(part.as_bytes()).await;
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    url
}

#[tokio::test]
async fn a_500_is_an_api_error_and_not_retried() {
    let server =
        TestServer::start(|_| Reply::json(500, json!({"code": "SYS_ERR", "message": "boom", "requestId": "r5"}))).await;
    let error = get(&client(&server)).await.unwrap_err();
    assert_eq!((error.status(), error.code(), error.request_id()), (Some(500), Some("SYS_ERR"), Some("r5")));
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn replies_that_do_not_match_the_spec_are_decode_errors() {
    let cases: Vec<(&str, Reply)> = vec![
        ("malformed JSON", Reply::new(200).header("Content-Type", "application/json").body("{\"access_token\": ")),
        ("wrong shape", Reply::json(200, json!({"access_token": 42, "expires_in": "soon"}))),
        ("empty body", Reply::new(200).header("Content-Type", "application/json")),
    ];
    for (case, reply) in cases {
        let reply = Arc::new(std::sync::Mutex::new(Some(reply)));
        let server = TestServer::start(move |_| reply.lock().unwrap().take().unwrap_or_else(|| Reply::new(500))).await;
        let error = post_token(&client(&server)).await.unwrap_err();
        let Error::Decode(decode) = &error else { panic!("{case}: {error:?}") };
        assert_eq!(decode.status(), 200, "{case}");
        assert!(!error.is_retryable(), "{case}");
        assert_eq!(server.requests().len(), 1, "{case}");
    }
}

#[tokio::test]
async fn a_50_mb_body_stops_at_the_cap() {
    let big = vec![b' '; 50 << 20];
    let server =
        TestServer::start(move |_| Reply::new(200).header("Content-Type", "application/json").body(big.clone())).await;
    let client = Client::builder().base_url(&server.url).max_response_bytes(1 << 20).build().unwrap();
    let error = post_token(&client).await.unwrap_err();
    assert!(error.to_string().contains("larger than the 1048576 byte limit"), "{error}");
    assert!(matches!(error, Error::Decode(_)));

    // Without a Content-Length (the test server omits it for event streams) the cap is applied
    // while reading, before the media type is even looked at.
    let big = vec![b' '; 50 << 20];
    let server =
        TestServer::start(move |_| Reply::new(200).header("Content-Type", "text/event-stream").body(big.clone())).await;
    let client = Client::builder().base_url(&server.url).max_response_bytes(1 << 20).build().unwrap();
    let error = post_token(&client).await.unwrap_err();
    assert!(error.to_string().contains("larger than the 1048576 byte limit"), "{error}");
}

#[tokio::test]
async fn hostile_path_values_are_encoded_or_refused() {
    let server = TestServer::start(|_| Reply::json(200, json!({"_id": "x"}))).await;
    let client = client(&server);
    let document = |id: &str| {
        client
            .nosql()
            .get_document_by_id()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .doc_id(id)
    };
    document("a/b?c#d%e f-ü.").send().await.unwrap();
    assert_eq!(
        server.only_request().path(),
        "/v1/database/instances/(default)/databases/(default)/collections/poets/documents/a%2Fb%3Fc%23d%25e%20f-%C3%BC."
    );
    for bad in ["..", ".", ""] {
        let error = document(bad).send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { operation: "getDocumentById", .. }), "{bad:?}: {error:?}");
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn hostile_query_values_cannot_add_parameters() {
    let server = TestServer::start(|_| Reply::json(200, json!([]))).await;
    client(&server)
        .mysqldb()
        .query_records()
        .table("t")
        .select("id&admin=true#x")
        .order("id.desc,=")
        .send()
        .await
        .unwrap();
    assert_eq!(server.only_request().query(), "select=id%26admin%3Dtrue%23x&order=id.desc%2C%3D");
}

/// Asserts that `error` refuses the request before any I/O, naming `parameter` and the limit.
fn assert_url_too_long(error: &Error, parameter: &str) {
    let Error::InvalidRequest { message, .. } = error else { panic!("{parameter}: {error:?}") };
    assert!(message.contains(&format!("`{parameter}`")), "{parameter}: {message}");
    assert!(message.contains("65534"), "{parameter}: {message}");
    assert!(!error.is_retryable(), "{parameter}");
}

#[tokio::test]
async fn an_oversized_query_value_is_refused_before_any_io_and_not_retried() {
    let server = TestServer::start(|_| Reply::json(200, json!([]))).await;
    let client = client(&server);
    let huge = "a".repeat(1 << 20);

    let error = client.mysqldb().query_records().table("t").select(huge.as_str()).send().await.unwrap_err();
    assert_url_too_long(&error, "select");
    let error = client.auth().user_delete_me().sudo_token(huge.as_str()).send().await.unwrap_err();
    assert_url_too_long(&error, "sudo_token");
    let body = cloudbase_api::auth::SignInRequest::default();
    let error = client.auth().sign_in().client_id(huge.as_str()).body(body).send().await.unwrap_err();
    assert_url_too_long(&error, "client_id");
    let ids: Vec<u32> = (0..200_000).collect();
    let error = client.mysqldb().from("t").select("*").in_("id", ids).fetch::<serde_json::Value>().await.unwrap_err();
    assert_url_too_long(&error, "id");
    assert!(server.requests().is_empty(), "{} requests reached the server", server.requests().len());
}

/// The limit is the HTTP stack's (`http::Uri` takes at most 65534 bytes): a URL of exactly that
/// length is sent and arrives whole; one byte more is refused.
#[tokio::test]
async fn a_url_at_the_limit_is_sent_and_one_byte_more_is_refused() {
    let server = TestServer::start(|_| Reply::json(200, json!([]))).await;
    let client = client(&server);
    let query = |value: String| client.mysqldb().query_records().table("t").select(value).send();
    query("x".to_owned()).await.unwrap();
    let overhead = server.url.len() + server.only_request().target.len() - 1;
    let at_limit = "a".repeat(65534 - overhead);
    query(at_limit.clone()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(server.url.len() + requests[1].target.len(), 65534);
    assert_eq!(requests[1].query(), format!("select={at_limit}"));

    let error = query(format!("{at_limit}a")).await.unwrap_err();
    assert_url_too_long(&error, "select");
    assert_eq!(server.requests().len(), 2);
}
