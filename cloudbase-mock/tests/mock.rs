//! The mock server against the real client (`cloudbase-api`) and against raw HTTP requests that
//! break the specs' rules: stubs and typed requests, default replies from the spec's examples,
//! event streams, faults, and the violations a request that breaks its operation's rules gets.

use cloudbase_api::{Body, Client, Error, RetryPolicy};
use cloudbase_mock::{MockServer, Rule};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends `head` (request line and headers, without the blank line) and `body` over a raw
/// connection, as a hand-rolled client would; returns the status and the JSON body.
async fn raw(server: &MockServer, head: &str, body: &str) -> (u16, Value) {
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let request = format!("{head}\r\nHost: mock\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    let reply = String::from_utf8(reply).unwrap();
    let status = reply[9..12].parse().unwrap();
    let body = reply.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn rules(body: &Value) -> Vec<String> {
    body["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap().to_owned()).collect()
}

const BEARER: &str = "Authorization: Bearer t";

#[tokio::test]
async fn a_stub_answers_the_requests_it_matches_and_each_is_read_back_typed() {
    let server = MockServer::start().await;
    server.functions().invoke_function().when(|r| r.name == "hello").expect(1).reply(Body::Json(json!({"hi": 1})));
    let client = server.client();
    let hello = client.functions().invoke_function().name("hello").webfn(true).body(json!({"a": 1})).send().await;
    assert_eq!(hello.unwrap().into_inner(), Body::Json(json!({"hi": 1})));
    // Another name is taken by the second stub, which has no condition.
    server.functions().invoke_function().reply(Body::Json(json!({"any": 2})));
    let page = BTreeMap::from([("page".to_owned(), "2".to_owned())]);
    let other = client.functions().invoke_function().name("other").query(page.clone()).send().await.unwrap();
    assert_eq!(other.into_inner(), Body::Json(json!({"any": 2})));

    let received = server.functions().invoke_function().received();
    assert_eq!(received.len(), 2);
    assert_eq!((received[0].name.as_str(), received[0].webfn, received[0].x_tcb_webfn), ("hello", true, false));
    assert_eq!(received[0].body, Some(serde_json::Map::from_iter([("a".to_owned(), json!(1))])));
    assert_eq!((received[1].name.as_str(), received[1].webfn), ("other", false));
    assert_eq!(received[1].query.as_ref(), Some(&page));
    assert_eq!(received[1].body, None);
    assert!(server.violations().is_empty());
}

/// A request every stub of its operation declines is refused, naming the operation and where
/// each stub's condition was written, and recorded; `strict(false)` gives it the default reply.
#[tokio::test]
async fn a_request_no_stub_takes_is_refused_naming_each_condition() {
    let server = MockServer::start().await;
    let line = line!() + 1;
    server.functions().invoke_function().when(|r| r.name == "hello").reply(Body::Json(json!({"hi": 1})));
    server.functions().invoke_function().when(|r| r.name == "bye").reply(Body::Json(json!({"bye": 1})));
    let client = server.client();
    let err = client.functions().invoke_function().name("helo").send().await.unwrap_err();
    assert_eq!(err.status(), Some(501), "{err:?}");
    assert_eq!(err.code(), Some("MOCK_NO_STUB_MATCHED"), "{err:?}");
    let message = err.message().unwrap_or_default().to_owned();
    assert!(message.starts_with("functionsPost: no stub takes the request"), "{message}");
    for (i, at) in [line, line + 1].into_iter().enumerate() {
        let named = format!("stub {}: when at cloudbase-mock/tests/mock.rs:{at}:", i + 1);
        assert!(message.contains(&named), "{message} lacks {named}");
    }
    let violations = server.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!((violations[0].operation, violations[0].rule), (Some("functionsPost"), Rule::Stub));
    assert_eq!(violations[0].message, message);
    assert_eq!(server.functions().invoke_function().received().len(), 1, "the refused request is recorded");

    // An operation without stubs is not concerned.
    assert_eq!(client.functions().web_get().name("web-fn").send().await.unwrap().status(), 200);

    // The auth service's error shape for its operations.
    server.auth().check_username().when(|r| r.username == "li-bai").status(204);
    let err = client.auth().check_username().username("du-fu").send().await.unwrap_err();
    assert_eq!(err.status(), Some(501), "{err:?}");
    assert!(err.message().unwrap_or_default().starts_with("Auth_CheckUsername: no stub takes"), "{err:?}");

    server.strict(false);
    let lenient = client.functions().invoke_function().name("helo").send().await.unwrap();
    assert_eq!(lenient.into_inner(), Body::Json(json!({"a": 1, "b": 2})), "the spec's documented example");
    assert_eq!(server.violations().len(), 2, "no violation once lenient");
}

/// A stub whose condition holds but that answered its `times` already passes the request on
/// to the next stub or the default reply, strict or not.
#[tokio::test]
async fn a_used_up_stub_passes_the_request_on() {
    let server = MockServer::start().await;
    server.functions().invoke_function().when(|r| r.name == "hello").times(1).status(204);
    let client = server.client();
    let first = client.functions().invoke_function().name("hello").send().await.unwrap();
    assert_eq!(first.status(), 204);
    let second = client.functions().invoke_function().name("hello").send().await.unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(server.violations(), []);
}

/// An unmet `expect` lists the requests its operation received, or, when it received none,
/// every request the server did, credentials redacted.
#[tokio::test]
async fn an_unmet_expectation_lists_the_requests_received() {
    let server = MockServer::start().await;
    server.functions().invoke_function().when(|r| r.name == "hello").expect(2).status(204);
    server.storage().get_objects_upload_info().expect(1).status(204);
    server.strict(false);
    let client = server.client();
    client.functions().invoke_function().name("hello").send().await.unwrap();
    client.functions().invoke_function().name("other").send().await.unwrap();
    client
        .functions()
        .web_get()
        .name("web-fn")
        .query(BTreeMap::from([("access_token".to_owned(), "s3cret".to_owned())]))
        .send()
        .await
        .unwrap();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.verify())).unwrap_err();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("functionsPost (POST /v1/functions/{name}, when at "), "{message}");
    assert!(message.contains("expected 2, answered 1; it received 2 requests:\n    POST /v1/functions/hello (functionsPost, a body of 0 bytes)\n    POST /v1/functions/other (functionsPost"), "{message}");
    assert!(message.contains("expected 1, answered 0; it received none; the server received 3 requests:"), "{message}");
    assert!(message.contains("GET /v1/functions/web-fn?access_token=<redacted>&webfn=true (functionsGet"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
    server.reset();
}

#[tokio::test]
async fn a_typed_reply_and_the_default_example_decode_in_the_client() {
    use cloudbase_api::ai_model::{ChatCompletionRequest, ChatCompletionResponse};
    let server = MockServer::start().await;
    let request: ChatCompletionRequest =
        serde_json::from_value(json!({"model": "hunyuan-lite", "messages": [{"role": "user", "content": "hi"}]}))
            .unwrap();
    let default = server.client().ai_model().create_chat_completion().provider("cloudbase").body(request.clone());
    let reply = default.clone().send().await.unwrap().into_inner();
    // The spec's documented example reply.
    assert_eq!(reply.model.as_deref(), Some("hy3-preview"));

    let mine: ChatCompletionResponse = serde_json::from_value(json!({"id": "c-1", "model": "m"})).unwrap();
    server.ai_model().create_chat_completion().reply(mine.clone());
    assert_eq!(default.send().await.unwrap().into_inner(), mine);
    let received = server.ai_model().create_chat_completion().received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].provider, "cloudbase");
    assert_eq!(received[1].body, request);
}

#[tokio::test]
async fn event_streams_end_with_the_terminator_or_are_cut_where_asked() {
    use cloudbase_api::ai_model::{ChatCompletionChunk, ChatCompletionRequest};
    let server = MockServer::start().await;
    let request: ChatCompletionRequest =
        serde_json::from_value(json!({"model": "m", "messages": [], "stream": true})).unwrap();
    let call = server.client().ai_model().create_chat_completion().provider("cloudbase").body(request);
    // By default: the spec's one documented chunk, then `[DONE]`, which ends the stream.
    let events: Vec<_> = call.clone().send_stream().await.unwrap().collect().await;
    assert_eq!(events.len(), 1, "{events:?}");
    let first = events[0].as_ref().unwrap();
    assert_eq!(first.choices.as_ref().unwrap()[0].delta.as_ref().unwrap().content.as_deref(), Some("我"));

    let chunk = |text: &str| -> ChatCompletionChunk {
        serde_json::from_value(json!({"choices": [{"delta": {"content": text}}]})).unwrap()
    };
    server.ai_model().create_chat_completion().times(1).stream([chunk("a"), chunk("b"), chunk("c")]);
    let events: Vec<_> = call.clone().send_stream().await.unwrap().collect().await;
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(Result::is_ok));

    server.ai_model().create_chat_completion().cut_after(2).stream([chunk("a"), chunk("b"), chunk("c")]);
    let events: Vec<_> = call.send_stream().await.unwrap().collect().await;
    assert_eq!(events.len(), 3, "two events, then the error of the cut: {events:?}");
    assert!(events[0].is_ok() && events[1].is_ok());
    assert!(events[2].is_err(), "a stream cut before its terminator is an error: {:?}", events[2]);
}

#[tokio::test]
async fn a_documented_error_body_reaches_the_client_typed() {
    use cloudbase_api::ai_model::ErrorResponse;
    let server = MockServer::start().await;
    let error: ErrorResponse =
        serde_json::from_value(json!({"code": "EXCEED_TOKEN_QUOTA_LIMIT", "message": "quota", "requestId": "r-1"}))
            .unwrap();
    server.ai_model().create_chat_completion().fail(429, error);
    let request: cloudbase_api::ai_model::ChatCompletionRequest =
        serde_json::from_value(json!({"model": "m", "messages": []})).unwrap();
    let client = server.client_builder().retry(RetryPolicy::none()).build().unwrap();
    let err = client.ai_model().create_chat_completion().provider("x").body(request).send().await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.code(), Some("EXCEED_TOKEN_QUOTA_LIMIT"));
    assert_eq!(err.request_id(), Some("r-1"));
}

#[tokio::test]
async fn faults_a_retried_status_a_reset_and_a_delay() {
    let server = MockServer::start().await;
    let client = server
        .client_builder()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap();
    // GET is idempotent: one 503, then the default reply.
    server.functions().web_get().times(1).expect(1).status(503);
    let reply = client.functions().web_get().name("web-fn").send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(server.functions().web_get().received().len(), 2);

    server.reset();
    server.functions().web_get().reset();
    let once = server.client_builder().retry(RetryPolicy::none()).build().unwrap();
    let err = once.functions().web_get().name("web-fn").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");

    server.reset();
    server.functions().web_get().delay(Duration::from_secs(5)).reply(Body::Empty);
    let impatient =
        server.client_builder().retry(RetryPolicy::none()).timeout(Duration::from_millis(100)).build().unwrap();
    let err = impatient.functions().web_get().name("web-fn").send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn an_unmet_expectation_fails_verify() {
    let server = MockServer::start().await;
    server.functions().web_get().expect(2).reply(Body::Empty);
    server.client().functions().web_get().name("web-fn").send().await.unwrap();
    let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.verify()));
    let message = *verdict.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("functionsGet (GET /v1/functions/{name}): expected 2, answered 1; it received 1 request:\n    GET /v1/functions/web-fn?webfn=true (functionsGet, a body of 0 bytes)"), "{message}");
    server.reset();
}

#[tokio::test]
async fn requests_without_credentials_are_refused_401_naming_the_rule() {
    let server = MockServer::start().await;
    let anonymous = Client::builder().base_url(server.url()).retry(RetryPolicy::none()).build().unwrap();
    let err = anonymous.functions().web_get().name("web-fn").send().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("MOCK_REQUEST_INVALID"));
    let violations = server.violations();
    assert_eq!(violations.len(), 1);
    assert_eq!((violations[0].operation, violations[0].rule), (Some("functionsGet"), Rule::Credentials));
}

#[tokio::test]
async fn requests_that_break_the_spec_are_refused_naming_each_rule() {
    let server = MockServer::start().await;
    // Path, method.
    let (status, body) = raw(&server, "GET /v1/nowhere HTTP/1.1", "").await;
    assert_eq!((status, rules(&body)), (404, vec!["route".to_owned()]));
    let (status, body) =
        raw(&server, &format!("DELETE /v1/functions/web-fn?webfn=true HTTP/1.1\r\n{BEARER}"), "").await;
    assert_eq!((status, rules(&body)), (405, vec!["method".to_owned()]));
    // The name's pattern, and the `webfn=true` a web GET must carry.
    let (status, body) = raw(&server, &format!("GET /v1/functions/9lives HTTP/1.1\r\n{BEARER}"), "").await;
    assert_eq!((status, rules(&body)), (400, vec!["constant".to_owned(), "pattern".to_owned()]), "{body}");
    assert_eq!(body["operation"], "functionsGet");
    // A required body, its media type, its shape.
    let chat = format!("POST /v1/ai/cloudbase/chat/completions HTTP/1.1\r\n{BEARER}");
    let (status, body) = raw(&server, &chat, "").await;
    assert_eq!((status, rules(&body)), (400, vec!["required".to_owned()]));
    let (status, body) = raw(&server, &format!("{chat}\r\nContent-Type: text/plain"), "{}").await;
    assert_eq!((status, rules(&body)), (415, vec!["content-type".to_owned()]));
    let (status, body) = raw(&server, &format!("{chat}\r\nContent-Type: application/json"), r#"{"model": 7}"#).await;
    assert_eq!((status, rules(&body)), (400, vec!["body".to_owned()]));
    assert!(body["message"].as_str().unwrap().contains("invalid type: integer `7`, expected a string"), "{body}");
    // The body the spec documents passes.
    let ok = r#"{"model": "m", "messages": [{"role": "user", "content": "hi"}]}"#;
    let (status, _) = raw(&server, &format!("{chat}\r\nContent-Type: application/json; charset=utf-8"), ok).await;
    assert_eq!(status, 200);
    assert_eq!(server.violations().len(), 7);
    assert_eq!(server.received().len(), 7);
}

#[tokio::test]
async fn a_documented_response_header_reaches_the_helpers() {
    let server = MockServer::start().await;
    let row = serde_json::Map::from_iter([("id".to_owned(), json!(1))]);
    server.mysqldb().query_records().header_content_range("0-0/42").reply_ok_json(vec![row.clone()]);
    let page = server.client().mysqldb().from("students").select("id").count_exact().fetch::<Value>().await.unwrap();
    assert_eq!((page.rows.len(), page.total), (1, Some(42)));
    // Any header, and a stub's own request id in place of the mock's.
    server.reset();
    server.mysqldb().query_records().header("X-Request-Id", "req-7").header("X-Other", "1").reply_ok_json(vec![row]);
    let reply = server.client().mysqldb().query_records().table("students").send().await.unwrap();
    assert_eq!(reply.request_id(), Some("req-7"));
    assert_eq!(reply.headers().get_all("x-request-id").iter().count(), 1);
    assert_eq!(reply.headers()["x-other"], "1");
}

/// `cargo run -p cloudbase-mock`: prints where it listens, serves, logs each request.
#[tokio::test]
async fn the_binary_serves_every_area_and_logs_each_request() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbase-mock"))
        .args(["--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut banner, mut env_line) = (String::new(), String::new());
    stdout.read_line(&mut banner).unwrap();
    stdout.read_line(&mut env_line).unwrap();
    // Every operation the library serves (the contract test holds those to the specs).
    let operations = MockServer::start().await.operations().len();
    assert!(banner.contains(&format!(": {operations} operations on http://")), "{banner}");
    let url = env_line.trim().strip_prefix("CLOUDBASE_BASE_URL=").unwrap().to_owned();
    let client = Client::builder()
        .base_url(&url)
        .credentials(cloudbase_api::Credentials::api_key("k"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let reply = client.functions().web_get().name("web-fn").send().await.unwrap();
    assert_eq!(reply.status(), 200);
    let anonymous = Client::builder().base_url(&url).retry(RetryPolicy::none()).build().unwrap();
    assert_eq!(anonymous.functions().web_get().name("web-fn").send().await.unwrap_err().status(), Some(401));
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("mock-1 GET /v1/functions/web-fn?webfn=true -> functionsGet 200"), "{log}");
    assert!(log.contains("-> functionsGet 401\n    credentials: the operation requires credentials"), "{log}");
}

#[test]
fn the_binary_refuses_arguments_it_does_not_know() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbase-mock")).arg("--port").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("cloudbase-mock: unexpected argument `--port`\nusage: cloudbase-mock"), "{stderr}");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbase-mock"))
        .args(["--addr", "localhost"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`localhost` is not an ip:port address"));
}

#[tokio::test]
async fn a_status_with_its_own_documented_error_body_has_its_own_fail() {
    use cloudbase_api::auth::ErrorResponse;
    let server = MockServer::start().await;
    let body = ErrorResponse {
        error: Some("invalid_password".to_owned()),
        error_code: Some(4),
        error_description: Some("wrong password".to_owned()),
    };
    server.auth().sign_in().fail_400(body);
    let client = server.client_builder().retry(RetryPolicy::none()).build().unwrap();
    let err = client.auth().sign_in_with_password("li.bai", "sunlight").await.unwrap_err();
    assert_eq!(
        (err.status(), err.code(), err.message()),
        (Some(400), Some("invalid_password"), Some("wrong password"))
    );
}

/// Credentials (the `Authorization` header, a credential parameter such as `sudo_token`) are
/// `<redacted>` in what the mock shows: received requests, typed requests, violations.
#[tokio::test]
async fn credentials_never_show_in_debug_or_violations() {
    let server = MockServer::start().await;
    // Accepted: a typed request with a credential parameter.
    let (status, _) = raw(
        &server,
        "DELETE /auth/v1/user/me?sudo_token=s3cr3t-sudo&client_id=c1 HTTP/1.1\r\nAuthorization: Bearer t0p-s3cr3t",
        "",
    )
    .await;
    assert_eq!(status, 200);
    // Refused: a wrong method on the same path, then no credentials with the credential parameter.
    raw(&server, "PUT /auth/v1/user/me?sudo_token=s3cr3t-sudo HTTP/1.1\r\nAuthorization: Bearer t0p-s3cr3t", "").await;
    raw(&server, "DELETE /auth/v1/user/me?sudo_token=s3cr3t-sudo HTTP/1.1", "").await;
    let typed = server.auth().user_delete_me().received();
    assert_eq!(typed[0].sudo_token, "s3cr3t-sudo", "the test reads the value itself");
    assert_eq!(typed[0].client_id.as_deref(), Some("c1"));
    let shown = format!("{typed:?} {:?} {:?}", server.received(), server.violations());
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("sudo_token=<redacted>") && shown.contains("\"authorization\": <redacted>"), "{shown}");
    assert!(shown.contains("client_id=c1"), "other values stay visible: {shown}");
    assert_eq!(server.violations().len(), 2);
}

#[tokio::test]
async fn rpc_paths_are_calls_of_functions_never_a_schema_named_rpc() {
    // As js-sdk 3.7.0 calls a read-only function (`rpc(.., {get: true})`) and as PostgREST
    // serves `/rpc/`: the literal route answers, not `/{schema}/{table}` with schema `rpc`.
    let server = MockServer::start().await;
    let (status, _) =
        raw(&server, &format!("GET /v1/rdb/rest/rpc/count_students?min_grade=3 HTTP/1.1\r\n{BEARER}"), "").await;
    assert_eq!(status, 200);
    let (status, _) = raw(
        &server,
        &format!("HEAD /v1/rdb/rest/rpc/students_in?grade=3 HTTP/1.1\r\n{BEARER}\r\nPrefer: count=exact"),
        "",
    )
    .await;
    assert_eq!(status, 200);
    let operations: Vec<_> = server.received().iter().map(|r| r.operation()).collect();
    assert_eq!(operations, [Some("callRpcGet"), Some("callRpcHead")]);
    assert_eq!(
        server.mysqldb().call_rpc_get().received()[0]
            .args
            .as_ref()
            .and_then(|a| a.get("min_grade"))
            .map(String::as_str),
        Some("3")
    );
}

#[tokio::test]
async fn auth_bodies_labelled_text_plain_are_read_as_json_as_the_gateway_does() {
    // js-sdk 3.7.0 sends every /auth/ body as a JSON string with no Content-Type, which undici
    // labels `text/plain;charset=UTF-8`; the gateway signs it in.
    let server = MockServer::start().await;
    let body = r#"{"username":"libai","password":"Passw0rd!"}"#;
    let head = "POST /auth/v1/signin?client_id=my-env-1a2b HTTP/1.1\r\nContent-Type: text/plain;charset=UTF-8";
    let (status, reply) = raw(&server, head, body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(server.auth().sign_in().received()[0].body.username.as_deref(), Some("libai"));
    // Still JSON: a text body that is not the operation's JSON is refused as such.
    let (status, _) = raw(&server, head, "username=libai").await;
    assert_eq!(status, 400);
    // Elsewhere the media type is the spec's alone.
    let (status, _) =
        raw(&server, &format!("POST /v1/rdb/rest/rpc/f HTTP/1.1\r\n{BEARER}\r\nContent-Type: text/plain"), "{}").await;
    assert_eq!(status, 415);
}

#[tokio::test]
async fn a_services_root_is_answered_with_a_trailing_slash_too() {
    // node-sdk 3.18.3 calls the root of a CloudRun service as `/v1/cloudrun/shop/`.
    let server = MockServer::start().await;
    for target in ["/v1/cloudrun/shop/", "/v1/cloudrun/shop"] {
        let (status, reply) =
            raw(&server, &format!("POST {target} HTTP/1.1\r\n{BEARER}\r\nContent-Type: application/json"), "{}").await;
        assert_eq!(status, 200, "{target}: {reply}");
    }
    let operations: Vec<_> = server.received().iter().map(|r| r.operation()).collect();
    assert_eq!(operations, [Some("cloudrunRootPost"), Some("cloudrunRootPost")]);
    // Only the root: a sub-path route's own form is unchanged.
    let (status, _) =
        raw(&server, &format!("POST /v1/functions/sum/ HTTP/1.1\r\n{BEARER}\r\nContent-Type: application/json"), "{}")
            .await;
    assert_eq!(status, 404);
}

/// Without a stub, the upload information's URL is one of the mock's own object store: the
/// upload helper's second request lands there, and the download URL names the store too.
#[tokio::test]
async fn default_upload_urls_point_at_the_mock_object_store() {
    let server = MockServer::start().await;
    let client = server.client();
    let id = client.storage().upload("poems/a.txt", cloudbase_api::ByteStream::from("床前明月光")).await.unwrap();
    assert!(id.starts_with("cloud://"), "{id}");
    // The spec's example gives `https://url/file.jpg%3FExpires%3D123`: its path, decoded.
    assert_eq!(server.object("file.jpg?Expires=123").as_deref(), Some("床前明月光".as_bytes()));
    let links = client.storage().download_urls([id.as_str()]).await.unwrap();
    let url = links[0].as_ref().unwrap().download_url.clone().unwrap();
    assert!(url.starts_with(&format!("{}/_mock/objects/", server.url())), "{url}");
    assert_eq!(server.violations(), []);
}
