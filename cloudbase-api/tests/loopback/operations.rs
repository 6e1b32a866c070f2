//! Generated operations against a real HTTP server on loopback: what goes on the wire, and how
//! each documented reply (and each undocumented one) decodes.

use crate::support::{Reply, TestServer, client};
use cloudbase_api::{Credentials, Error};
use futures_util::StreamExt;
use serde_json::json;

#[tokio::test]
async fn json_reply_with_path_query_headers_and_body_on_the_wire() {
    let server = TestServer::start(|_| Reply::json(200, json!({"a": 1})).header("X-Request-Id", "req-1")).await;
    let mut payload = serde_json::Map::new();
    payload.insert("hello".into(), json!("world"));
    let reply = client(&server)
        .functions()
        .invoke_function()
        .name("my-fn")
        .webfn(true)
        .x_qualifier("$LATEST")
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.request_id(), Some("req-1"));
    let cloudbase_api::Body::Json(value) = reply.into_inner() else { panic!("expected JSON") };
    assert_eq!(value.get("a"), Some(&json!(1)));

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/functions/my-fn?webfn=true");
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert_eq!(request.header("x-qualifier"), Some("$LATEST"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json, text/*, */*"));
    assert_eq!(request.body, br#"{"hello":"world"}"#);
}

#[tokio::test]
async fn the_content_type_picks_the_variant() {
    let server = TestServer::start(|_| Reply::text(200, "Hello fn")).await;
    let reply = client(&server).functions().invoke_function().name("f1").send().await.unwrap();
    assert_eq!(*reply, cloudbase_api::Body::Text("Hello fn".into()));
}

#[tokio::test]
async fn an_undocumented_content_type_is_a_decode_error_with_a_snippet() {
    let server = TestServer::start(|_| Reply::new(200).header("Content-Type", "text/html").body("<p>hi</p>")).await;
    let error = client(&server).mysqldb().query_records().table("t").send().await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.status(), 200);
    assert_eq!(decode.body_snippet(), "<p>hi</p>");
    assert!(error.to_string().contains("`text/html` is not documented"), "{error}");
}

#[tokio::test]
async fn missing_required_parameters_are_named_before_any_io() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let error = client(&server).ai_model().call_llm().provider("cloudbase").send().await.unwrap_err();
    let Error::InvalidRequest { operation, message } = &error else { panic!("{error:?}") };
    assert_eq!(*operation, "CallLLM");
    assert_eq!(message, "missing required parameters `path`, `body`");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn gateway_errors_surface_code_message_and_request_id() {
    let server = TestServer::start(|_| {
        Reply::json(400, json!({"code": "FUNCTION_PARAM_INVALID", "message": "bad body", "requestId": "r-body"}))
            .header("X-Request-Id", "r-header")
    })
    .await;
    let error = client(&server).functions().invoke_function().name("f1").send().await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.code(), Some("FUNCTION_PARAM_INVALID"));
    assert_eq!(error.message(), Some("bad body"));
    assert_eq!(error.request_id(), Some("r-body"));
    assert!(!error.is_retryable());
    let Error::Api(api) = &error else { panic!() };
    let body = api.body::<cloudbase_api::functions::ErrorResponse>().expect("typed error body");
    assert_eq!(body.code.as_deref(), Some("FUNCTION_PARAM_INVALID"));
    // The gateway's body is one type across areas: the same value read as `GatewayError`.
    let shared = api.body::<cloudbase_api::GatewayError>().expect("the shared gateway error body");
    assert_eq!(shared.request_id.as_deref(), Some("r-body"));
    assert_eq!(error.to_string(), "functionsPost: HTTP 400 FUNCTION_PARAM_INVALID: bad body (request id r-body)");
}

#[tokio::test]
async fn auth_errors_use_their_own_shape_and_fall_back_to_the_header_request_id() {
    let server = TestServer::start(|_| {
        Reply::json(400, json!({"error": "invalid_argument", "error_code": 3, "error_description": "bad password"}))
            .header("X-Request-Id", "r-auth")
    })
    .await;
    let body = cloudbase_api::auth::SignInRequest {
        username: Some("u".into()),
        password: Some("p".into()),
        ..Default::default()
    };
    let error = client(&server).auth().sign_in().body(body).send().await.unwrap_err();
    assert_eq!(error.code(), Some("invalid_argument"));
    assert_eq!(error.message(), Some("bad password"));
    assert_eq!(error.request_id(), Some("r-auth"));
    // Signing in takes no credentials: the API key stays home.
    assert_eq!(server.only_request().header("authorization"), None);
}

#[tokio::test]
async fn nosql_errors_carry_request_id_in_snake_case() {
    let server = TestServer::start(|_| {
        Reply::json(404, json!({"code": "DOCUMENT_NOT_FOUND", "message": "nope", "request_id": "r-n"}))
    })
    .await;
    let error = client(&server)
        .nosql()
        .get_document_by_id()
        .instance("(default)")
        .database("(default)")
        .collection_name("users")
        .doc_id("507f1f77bcf86cd799439011")
        .send()
        .await
        .unwrap_err();
    assert_eq!((error.code(), error.request_id()), (Some("DOCUMENT_NOT_FOUND"), Some("r-n")));
    assert_eq!(
        server.only_request().path(),
        "/v1/database/instances/(default)/databases/(default)/collections/users/documents/507f1f77bcf86cd799439011"
    );
}

#[tokio::test]
async fn basic_credentials_go_only_where_the_spec_takes_them() {
    let server = TestServer::start(|_| Reply::json(200, json!({"access_token": "t", "expires_in": 432000}))).await;
    let client = cloudbase_api::Client::builder()
        .base_url(&server.url)
        .credentials(Credentials::basic("id", "secret"))
        .build()
        .unwrap();
    let body = cloudbase_api::auth::ClientCredentialRequest {
        grant_type: cloudbase_api::auth::ClientCredentialRequestGrantType::ClientCredentials,
    };
    let token = client.auth().client_credential().body(body).send().await.unwrap();
    assert_eq!(token.expires_in, Some(432000));
    let request = server.only_request();
    assert_eq!(request.header("authorization"), Some("Basic aWQ6c2VjcmV0"));
    assert_eq!(request.json(), json!({"grant_type": "client_credentials"}));
}

#[tokio::test]
async fn sub_paths_keep_slashes_and_encode_the_rest() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    client(&server).cloudrun().get().name("svc").any_path("api/v1/a b/ü?#%").send().await.unwrap();
    assert_eq!(server.only_request().target, "/v1/cloudrun/svc/api/v1/a%20b/%C3%BC%3F%23%25");
}

#[tokio::test]
async fn dot_segments_are_refused_before_any_io() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    for bad in ["../admin", "a/./b", ".."] {
        let error = client(&server).cloudrun().get().name("svc").any_path(bad).send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{bad}: {error:?}");
    }
    let error = client(&server).functions().invoke_function().name("..").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let error = client(&server)
        .functions()
        .invoke_function()
        .name("f1")
        .x_qualifier("1\r\nX-Evil: yes")
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest { message, .. } = &error else { panic!("{error:?}") };
    assert!(message.contains("X-Qualifier"), "{message}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn exploded_filters_and_the_pgrst_object_form() {
    let server = TestServer::start(|_| {
        Reply::new(200)
            .header("Content-Type", "application/vnd.pgrst.object+json; charset=utf-8")
            .header("Content-Range", "0-0/1")
            .body(json!({"id": 1, "name": "a"}).to_string())
    })
    .await;
    let filters = std::collections::BTreeMap::from([
        ("id".to_owned(), "eq.1".to_owned()),
        ("name".to_owned(), "like.*a b,c*".to_owned()),
    ]);
    let reply = client(&server)
        .mysqldb()
        .query_records()
        .table("students")
        .select("id,name,class_id(grade)")
        .limit(10)
        .filters(filters)
        .prefer("count=exact")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers().get("content-range").unwrap(), "0-0/1");
    let cloudbase_api::mysqldb::QueryRecordsResponse::OkPgrstObjectJson(row) = reply.into_inner() else { panic!() };
    assert_eq!(row.get("name"), Some(&json!("a")));
    let request = server.only_request();
    assert_eq!(request.path(), "/v1/rdb/rest/students");
    assert_eq!(request.query(), "select=id%2Cname%2Cclass_id%28grade%29&limit=10&id=eq.1&name=like.%2Aa%20b%2Cc%2A");
    assert_eq!(request.header("prefer"), Some("count=exact"));
}

#[tokio::test]
async fn head_counts_have_no_body() {
    let server = TestServer::start(|_| Reply::new(200).header("Content-Range", "*/42")).await;
    let reply = client(&server).mysqldb().count_records().table("t").send().await.unwrap();
    assert_eq!(reply.headers().get("content-range").unwrap(), "*/42");
    let request = server.only_request();
    assert_eq!(request.method, "HEAD");
    // The spec allows one value for the required `Prefer`, so it is always sent.
    assert_eq!(request.header("prefer"), Some("count=exact"));
}

#[tokio::test]
async fn batch_items_keep_each_failure() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!([
                {"cloudObjectId": "cloud://env.bucket/missing", "code": "OBJECT_NOT_EXIST", "message": "Storage object not exists."},
                {"cloudObjectId": "cloud://env.bucket/file.jpg"}
            ]),
        )
    })
    .await;
    use cloudbase_api::storage::{DeleteObjectsRequestItem, DeleteObjectsResponseItem};
    let items = vec![
        DeleteObjectsRequestItem { cloud_object_id: Some("cloud://env.bucket/missing".into()) },
        DeleteObjectsRequestItem { cloud_object_id: Some("cloud://env.bucket/file.jpg".into()) },
    ];
    let reply = client(&server).storage().delete_objects().body(items).send().await.unwrap();
    match &reply[0] {
        DeleteObjectsResponseItem::Error(e) => assert_eq!(e.code.as_deref(), Some("OBJECT_NOT_EXIST")),
        other => panic!("failure decoded as {other:?}"),
    }
    match &reply[1] {
        DeleteObjectsResponseItem::Success(s) => {
            assert_eq!(s.cloud_object_id.as_deref(), Some("cloud://env.bucket/file.jpg"))
        }
        other => panic!("success decoded as {other:?}"),
    }
}

fn chat_request() -> cloudbase_api::ai_model::ChatCompletionRequest {
    use cloudbase_api::ai_model::{
        ChatCompletionRequest, ChatCompletionRequestMessage, ChatCompletionRequestMessageContent,
    };
    ChatCompletionRequest {
        model: "hy3-preview".into(),
        messages: vec![ChatCompletionRequestMessage {
            role: "user".into(),
            content: Some(Some(ChatCompletionRequestMessageContent::String("介绍一下李白".into()))),
            tool_calls: None,
            tool_call_id: None,
            extra: Default::default(),
        }],
        stream: Some(true),
        temperature: None,
        tools: None,
        extra: Default::default(),
    }
}

#[tokio::test]
async fn chat_completion_streams_typed_chunks_until_done() {
    let server = TestServer::start(|_| {
        Reply::new(200)
            .header("Content-Type", "text/event-stream")
            .body("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"李\"}}]}\r\n\r\n")
            .body(": keep-alive\n\ndata: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"con")
            .body("tent\":\"白\"},\"finish_reason\":\"stop\"}]}\n\n")
            .body("data: [DONE]\n\n")
    })
    .await;
    let mut stream = client(&server)
        .ai_model()
        .create_chat_completion()
        .provider("hunyuan-exp")
        .body(chat_request())
        .send_stream()
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        for choice in chunk.choices.unwrap_or_default() {
            text.push_str(&choice.delta.and_then(|d| d.content).unwrap_or_default());
        }
    }
    assert_eq!(text, "李白");
    let request = server.only_request();
    assert_eq!(request.path(), "/v1/ai/hunyuan-exp/chat/completions");
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    assert_eq!(request.json()["stream"], json!(true));
}

#[tokio::test]
async fn a_stream_cut_before_done_is_an_error() {
    let server = TestServer::start(|_| {
        Reply::new(200)
            .header("Content-Type", "text/event-stream")
            .header("X-Request-Id", "req-cut")
            .body("data: {\"id\":\"c1\"}\n\ndata: {\"id\":")
    })
    .await;
    let mut stream = client(&server)
        .ai_model()
        .create_chat_completion()
        .provider("p")
        .body(chat_request())
        .send_stream()
        .await
        .unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let error = stream.next().await.unwrap().unwrap_err();
    let Error::StreamCut(cut) = &error else { panic!("a cut stream is its own error: {error:?}") };
    assert_eq!((cut.events(), cut.mid_event(), cut.terminator(), cut.is_transport()), (1, true, Some("[DONE]"), false));
    assert_eq!(error.request_id(), Some("req-cut"));
    assert!(error.is_retryable() && !error.is_timeout());
    assert_eq!(
        error.to_string(),
        "createChatCompletion: the event stream was closed after 1 whole events, in the middle of an event"
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_stream_closed_between_events_before_done_names_the_terminator() {
    let server = TestServer::start(|_| {
        Reply::new(200).header("Content-Type", "text/event-stream").body("data: {\"id\":\"c1\"}\n\n: keep-alive\n")
    })
    .await;
    let call = client(&server).ai_model().create_chat_completion().provider("p").body(chat_request());
    let events: Vec<_> = call.send_stream().await.unwrap().collect().await;
    assert_eq!(events.len(), 2, "{events:?}");
    let Err(Error::StreamCut(cut)) = &events[1] else { panic!("{:?}", events[1]) };
    assert_eq!((cut.events(), cut.mid_event(), cut.terminator()), (1, false, Some("[DONE]")));
    assert!(events[1].as_ref().unwrap_err().to_string().ends_with("after 1 whole events, before its `[DONE]` event"));
}

#[tokio::test]
async fn a_stream_whose_connection_breaks_is_cut_not_a_transport_error() {
    // The reply promises more bytes than it sends: the connection ends inside the body.
    let server = TestServer::start(|_| {
        Reply::new(200)
            .header("Content-Type", "text/event-stream")
            .header("Content-Length", "1000")
            .body("data: {\"id\":\"c1\"}\n\ndata: {\"id\":\"c2\"}\n\n")
    })
    .await;
    let call = client(&server).ai_model().create_chat_completion().provider("p").body(chat_request());
    let events: Vec<_> = call.send_stream().await.unwrap().collect().await;
    assert_eq!(events.len(), 3, "{events:?}");
    let error = events[2].as_ref().unwrap_err();
    let Error::StreamCut(cut) = error else { panic!("{error:?}") };
    assert_eq!((cut.events(), cut.mid_event(), cut.is_transport()), (2, false, true));
    assert!(std::error::Error::source(error).is_some(), "the transport error is the source");
    assert!(error.to_string().starts_with("createChatCompletion: the event stream was cut after 2 whole events"));
}

#[tokio::test]
async fn a_stream_without_terminator_ends_cleanly_after_a_comment() {
    // `rawChat`-style streams (no terminator) end when the server closes; a comment or a field
    // line after the last event is not part of an event.
    let server = TestServer::start(|_| {
        Reply::new(200).header("Content-Type", "text/event-stream").body("data: a\n\n: bye\nevent: x\n")
    })
    .await;
    let stream = client(&server).cloudrun().get().name("svc").any_path("events").send_stream().await.unwrap();
    let events: Vec<_> = stream.collect().await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].as_deref().unwrap(), "a");
}

#[tokio::test]
async fn a_stream_request_answered_with_an_error_status_decodes_the_error() {
    let server =
        TestServer::start(|_| Reply::json(429, json!({"code": "EXCEED_TOKEN_QUOTA_LIMIT", "message": "quota"}))).await;
    let error = client(&server)
        .ai_model()
        .create_chat_completion()
        .provider("p")
        .body(chat_request())
        .send_stream()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("EXCEED_TOKEN_QUOTA_LIMIT"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_undocumented_error_status_keeps_what_it_can() {
    let server = TestServer::start(|_| Reply::json(502, json!({"code": "BAD_GATEWAY", "message": "upstream"}))).await;
    let body = cloudbase_api::auth::SignInRequest::default();
    let error = client(&server).auth().sign_in().body(body).send().await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(502), Some("BAD_GATEWAY")));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = cloudbase_api::Client::builder().base_url(url).build().unwrap();
    let error = client.functions().invoke_function().name("f1").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { operation: "functionsPost", .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn values_breaking_the_spec_pattern_are_refused_before_any_io() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    for bad in ["f", "9lives", "has space", "ends-with-", &"x".repeat(61)] {
        let error = client(&server).functions().invoke_function().name(bad).send().await.unwrap_err();
        let Error::InvalidRequest { message, .. } = &error else { panic!("{bad}: {error:?}") };
        assert!(message.contains("does not match the pattern"), "{message}");
    }
    let error =
        client(&server).nosql().start_transaction().instance("").database("(default)").send().await.unwrap_err();
    // `minLength: 1` on a path parameter is what the runtime refuses for every path segment.
    assert!(error.to_string().contains("path parameter `instance` is empty"), "{error}");
    assert!(server.requests().is_empty());
}

/// `Auth_GrantToken` takes no credentials or HTTP Basic: Basic credentials are sent, a bearer
/// key is not (the spec does not take it there).
#[tokio::test]
async fn optional_basic_auth_is_used_only_with_basic_credentials() {
    let server = TestServer::start(|_| Reply::json(200, json!({"access_token": "t"}))).await;
    let body = cloudbase_api::auth::GrantTokenRequest {
        grant_type: Some(Some("client_credentials".into())),
        ..Default::default()
    };
    let basic = cloudbase_api::Client::builder()
        .base_url(&server.url)
        .credentials(Credentials::basic("id", "secret"))
        .build()
        .unwrap();
    basic.auth().grant_token().body(body.clone()).send().await.unwrap();
    client(&server).auth().grant_token().body(body).send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some("Basic aWQ6c2VjcmV0"));
    assert_eq!(requests[1].header("authorization"), None);
}

#[tokio::test]
async fn accept_picks_one_documented_media_type() {
    let server = TestServer::start(|_| {
        Reply::new(200).header("Content-Type", "application/vnd.pgrst.object+json").body(r#"{"id":1}"#)
    })
    .await;
    let reply = client(&server)
        .mysqldb()
        .query_records()
        .table("t")
        .accept("application/vnd.pgrst.object+json")
        .send()
        .await
        .unwrap();
    assert!(matches!(*reply, cloudbase_api::mysqldb::QueryRecordsResponse::OkPgrstObjectJson(_)));
    assert_eq!(server.only_request().header("accept"), Some("application/vnd.pgrst.object+json"));

    let error = client(&server).mysqldb().query_records().table("t").accept("text/html").send().await.unwrap_err();
    assert!(error.to_string().contains("`text/html` is not a documented reply type"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_base_url_path_prefixes_every_operation_path() {
    let server = TestServer::start(|_| Reply::text(200, "ok")).await;
    let client = cloudbase_api::Client::builder()
        .base_url(format!("{}/gateway/", server.url))
        .credentials(Credentials::api_key("test-key"))
        .build()
        .unwrap();
    client.functions().invoke_function().name("f1").webfn(true).send().await.unwrap();
    assert_eq!(server.only_request().target, "/gateway/v1/functions/f1?webfn=true");

    let with_query = cloudbase_api::Client::builder().base_url(format!("{}/?x=1", server.url)).build();
    let Err(Error::Config { message }) = with_query else { panic!("a base URL with a query was accepted") };
    assert!(message.contains("must not have a query"), "{message}");
}

#[tokio::test]
async fn an_error_body_of_another_shape_is_kept_and_shown() {
    // Prism's own error replies are RFC 9457 problem details, not the spec's error body.
    let problem = json!({
        "type": "https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR",
        "title": "Route not resolved, no path matched",
        "status": 404,
        "detail": "The route /v1/functions/f1 hasn't been found in the specification file"
    });
    let server = TestServer::start(move |_| {
        Reply::new(404).header("Content-Type", "application/problem+json").body(problem.to_string())
    })
    .await;
    let error = client(&server).functions().invoke_function().name("f1").send().await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("hasn't been found in the specification file"), "{shown}");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert!(api.body_snippet().is_some_and(|s| s.contains("NO_PATH_MATCHED_ERROR")), "{api:?}");
}

#[tokio::test]
async fn a_gateway_page_is_kept_and_shown() {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let server = TestServer::start(move |_| Reply::new(502).header("Content-Type", "text/html").body(page)).await;
    let client = cloudbase_api::Client::builder()
        .base_url(&server.url)
        .retry(cloudbase_api::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.functions().invoke_function().name("f1").send().await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("502 Bad Gateway"), "{shown}");
    assert!(!shown.contains('\n'), "one line: {shown:?}");
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(api.body_snippet(), Some(page));
}

#[tokio::test]
async fn a_documented_error_body_with_nothing_in_it_is_kept_and_shown() {
    // Every field of the documented error body is optional, so `{"error": {...}}` decodes as it
    // with no code and no message: the body must not be lost.
    let server = TestServer::start(|_| Reply::json(400, json!({"error": {"reason": "quota exhausted"}}))).await;
    let error = client(&server).functions().invoke_function().name("f1").send().await.unwrap_err();
    assert!(error.to_string().contains("quota exhausted"), "{error}");
}

#[tokio::test]
async fn a_transport_error_names_the_host_but_not_the_query() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client =
        cloudbase_api::Client::builder().base_url(&origin).retry(cloudbase_api::RetryPolicy::none()).build().unwrap();
    let error = client.mysqldb().query_records().table("t").select("secret-column").send().await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains(&origin), "{shown}");
    assert!(!shown.contains("secret-column") && !shown.contains("/v1/"), "{shown}");
}

#[tokio::test]
async fn debug_of_replies_and_errors_hides_credential_headers() {
    let server = TestServer::start(|_| {
        Reply::json(200, json!({"a": 1}))
            .header("Set-Cookie", "session=cookie-s3cr3t; HttpOnly")
            .header("X-Cos-Security-Token", "cos-s3cr3t")
            .header("X-Request-Id", "req-1")
    })
    .await;
    let reply = client(&server).functions().invoke_function().name("ok").send().await.unwrap();
    let shown = format!("{reply:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("req-1") && shown.contains("set-cookie"), "{shown}");
    let server = TestServer::start(|_| {
        Reply::new(200).header("Content-Type", "image/png").header("Set-Cookie", "session=cookie-s3cr3t").body("x")
    })
    .await;
    let error = client(&server).mysqldb().query_records().table("t").send().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(!format!("{error:?}").contains("s3cr3t"), "{error:?}");
}

#[tokio::test]
async fn rdb_operations_select_the_database_with_the_profile_headers() {
    // specs/overlays/mysqldb.yaml: what the official node SDK sends on every rdb call.
    let server = TestServer::start(|_| Reply::json(200, json!([]))).await;
    client(&server)
        .mysqldb()
        .query_records()
        .table("students")
        .x_db_instance("default")
        .accept_profile("public")
        .content_profile("public")
        .send()
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(request.header("x-db-instance"), Some("default"));
    assert_eq!(request.header("accept-profile"), Some("public"));
    assert_eq!(request.header("content-profile"), Some("public"));
}

#[tokio::test]
async fn a_unique_violation_is_a_409_with_its_database_code() {
    let server = TestServer::start(|_| {
        Reply::json(
            409,
            json!({"code": "DATABASE_23505", "message": "duplicate key value violates unique constraint \"students_pkey\"", "requestId": "r-9"}),
        )
    })
    .await;
    let body = cloudbase_api::mysqldb::RecordOrRecords::Record(json!({"id": 1}).as_object().unwrap().clone());
    let error = client(&server).mysqldb().insert_records().table("students").body(body).send().await.unwrap_err();
    assert_eq!((error.status(), error.code(), error.request_id()), (Some(409), Some("DATABASE_23505"), Some("r-9")));
    assert!(!error.is_retryable());
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert!(api.body::<cloudbase_api::mysqldb::ErrorResponse>().is_some(), "decoded as the documented 409 body");
}

/// The mysqldb reference's 201 for an insert without `Prefer: return=representation`: no body and
/// no `Content-Type` (an empty JSON-typed body reads the same); with a body it decodes as rows.
#[tokio::test]
async fn an_insert_answered_without_a_body_is_created() {
    use cloudbase_api::mysqldb::{InsertRecordsResponse, RecordOrRecords};
    let server = TestServer::start(|request| match request.header("prefer") {
        Some("return=representation") => Reply::json(201, json!([{"id": 1}])),
        Some("return=minimal") => Reply::new(201).header("Content-Type", "application/json; charset=utf-8"),
        _ => Reply::new(201).header("Content-Range", "*/1"),
    })
    .await;
    let insert =
        || client(&server).mysqldb().insert_records().table("todos").body(RecordOrRecords::Record(Default::default()));
    let reply = insert().send().await.unwrap();
    assert_eq!(reply.status(), 201);
    assert_eq!(reply.headers().get("content-range").unwrap(), "*/1");
    assert_eq!(reply.into_inner(), InsertRecordsResponse::Created);
    assert_eq!(insert().prefer("return=minimal").send().await.unwrap().into_inner(), InsertRecordsResponse::Created);
    let rows = insert().prefer("return=representation").send().await.unwrap().into_inner();
    let InsertRecordsResponse::Json(RecordOrRecords::RecordList(rows)) = rows else { panic!("{rows:?}") };
    assert_eq!(rows[0]["id"], 1);
}

/// `specs/overlays/auth.yaml`: the forms the official JS SDK sends (its models.ts and apis.ts):
/// `sudo_token` in the password-change body, `revoke {token}`, `captcha_token` as a query
/// parameter, captcha init, and sign-in with a provider token alone.
#[tokio::test]
async fn auth_calls_as_the_official_sdk_makes_them() {
    use cloudbase_api::auth::*;
    let server = TestServer::start(|r| match r.path() {
        "/auth/v1/captcha/init" => {
            Reply::json(200, json!({"captcha_token": "ct-1", "expires_in": 600, "url": "https://c/x"}))
        }
        "/auth/v1/signin/with/provider" | "/auth/v1/signin" => {
            Reply::json(200, json!({"access_token": "at", "token_type": "Bearer"}))
        }
        _ => Reply::json(200, json!({})),
    })
    .await;
    let auth = client(&server).auth();
    let update = UpdatePasswordRequest {
        new_password: "New-Passw0rd!".into(),
        sudo_token: Some("sudo-1".into()),
        old_password: None,
        confirm_password: None,
    };
    auth.user_update_password().body(update).send().await.unwrap();
    auth.revoke().body(RevokeRequest { token: Some("at-old".into()) }).send().await.unwrap();
    let captcha = auth
        .init_captcha()
        .body(InitCaptchaRequest { client_id: Some("env-1".into()), ..Default::default() })
        .send()
        .await
        .unwrap();
    assert_eq!(captcha.captcha_token.as_deref(), Some("ct-1"));
    let sign_in = SignInRequest { username: Some("li".into()), password: Some("pw".into()), ..Default::default() };
    auth.sign_in().captcha_token("ct-1").body(sign_in).send().await.unwrap();
    let provider = SignInWithProviderRequest {
        provider_token: "pt-1".into(),
        provider_id: None,
        force_disable_sign_up: None,
        sync_profile: None,
    };
    auth.sign_in_with_provider().x_device_id("device-1").body(provider).send().await.unwrap();

    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("PATCH", "/auth/v1/user/password"));
    assert_eq!(requests[0].json(), json!({"new_password": "New-Passw0rd!", "sudo_token": "sudo-1"}));
    assert_eq!(requests[1].json(), json!({"token": "at-old"}));
    assert_eq!(requests[2].json(), json!({"client_id": "env-1"}));
    assert!(requests[2].header("authorization").is_none(), "captcha init takes no credentials");
    assert_eq!(requests[3].target, "/auth/v1/signin?captcha_token=ct-1");
    assert_eq!(requests[4].json(), json!({"provider_token": "pt-1"}));
}

/// `specs/overlays/ai_model.yaml`: a model's OpenAI-style error body is read like the gateway's
/// (the official node SDK's AI adapter parses both); the request id may come as
/// `X-Cloudbase-Request-Id` only.
#[tokio::test]
async fn openai_style_errors_and_the_cloudbase_request_id() {
    let server = TestServer::start(|r| {
        if r.path().contains("deepseek") {
            Reply::json(
                401,
                json!({"error": {"code": "invalid_api_key", "message": "Incorrect API key", "type": "invalid_request_error"}}),
            )
            .header("X-Cloudbase-Request-Id", "cb-req-9")
        } else {
            Reply::json(400, json!({"code": "AI_MODEL_PARAM_INVALID", "message": "bad model", "requestId": "req-1"}))
        }
    })
    .await;
    let ai = client(&server).ai_model();
    let error = ai.chat("deepseek", "deepseek-v3.2").user("hi").send().await.unwrap_err();
    assert_eq!(
        (error.status(), error.code(), error.message()),
        (Some(401), Some("invalid_api_key"), Some("Incorrect API key"))
    );
    assert_eq!(error.request_id(), Some("cb-req-9"));
    let Error::Api(api) = &error else { panic!("{error:?}") };
    let body = api.body::<cloudbase_api::ai_model::ErrorResponse>().expect("the documented error body");
    assert_eq!(body.error.as_ref().and_then(|e| e.r#type.as_deref()), Some("invalid_request_error"));
    let error = ai.chat("cloudbase", "hy3").user("hi").send().await.unwrap_err();
    assert_eq!((error.code(), error.request_id()), (Some("AI_MODEL_PARAM_INVALID"), Some("req-1")));
}

/// An optional parameter with one allowed value (`webfn`, `X-Tcb-Webfn`: `enum: ['true']`) is a
/// flag: `true` sends that value, `false` sends nothing.
#[tokio::test]
async fn one_value_parameters_are_flags() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let functions = client(&server).functions();
    functions.invoke_function().name("f1").webfn(false).x_tcb_webfn(true).send().await.unwrap();
    functions.invoke_function().name("f1").webfn(true).x_tcb_webfn(false).send().await.unwrap();
    let requests = server.requests();
    assert_eq!((requests[0].target.as_str(), requests[0].header("x-tcb-webfn")), ("/v1/functions/f1", Some("true")));
    assert_eq!((requests[1].target.as_str(), requests[1].header("x-tcb-webfn")), ("/v1/functions/f1?webfn=true", None));
}
