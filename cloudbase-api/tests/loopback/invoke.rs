//! Typed function and CloudRun calls against a loopback server.

use crate::support::{Reply, TestServer, client};
use cloudbase_api::Error;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Serialize)]
struct Sum {
    a: i64,
    b: i64,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Total {
    total: i64,
}

#[tokio::test]
async fn invoke_sends_the_payload_and_decodes_json_or_text() {
    let server = TestServer::start(|r| {
        if r.path().ends_with("/sum") { Reply::json(200, json!({"total": 3})) } else { Reply::text(200, "Hello fn") }
    })
    .await;
    let functions = client(&server).functions();
    let total: Total = functions.invoke("sum", &Sum { a: 1, b: 2 }).await.unwrap();
    assert_eq!(total, Total { total: 3 });
    let greeting: String = functions.invoke("hello", &json!({})).await.unwrap();
    assert_eq!(greeting, "Hello fn");
    assert_eq!(server.requests()[0].json(), json!({"a": 1, "b": 2}));

    let error = functions.invoke::<Total>("hello", &json!({})).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let error = functions.invoke::<Total>("sum", &[1, 2]).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "functionsPost", .. }), "{error:?}");
    assert_eq!(server.requests().len(), 3);
}

/// The functions spec documents the reply as "the function's return value": any JSON value, each
/// decoded as the caller's type.
#[tokio::test]
async fn invoke_decodes_any_json_reply_as_the_callers_type() {
    let server = TestServer::start(|r| match r.path().rsplit('/').next().unwrap_or("") {
        "number" => Reply::json(200, json!(3)),
        "array" => Reply::json(200, json!([1, 2, 3])),
        "string" => Reply::json(200, json!("text")),
        "object" => Reply::json(200, json!({"a": 1})),
        _ => Reply::json(200, json!(null)),
    })
    .await;
    let functions = client(&server).functions();
    let payload = json!({"a": 1, "b": 2});
    let number: i64 = functions.invoke("number", &payload).await.unwrap();
    assert_eq!(number, 3);
    let array: Vec<i64> = functions.invoke("array", &payload).await.unwrap();
    assert_eq!(array, [1, 2, 3]);
    let array: serde_json::Value = functions.invoke("array", &payload).await.unwrap();
    assert_eq!(array, json!([1, 2, 3]));
    let text: String = functions.invoke("string", &payload).await.unwrap();
    assert_eq!(text, "text");
    #[derive(Deserialize, Debug, PartialEq)]
    struct A {
        a: i64,
    }
    let object: A = functions.invoke("object", &payload).await.unwrap();
    assert_eq!(object, A { a: 1 });
    let nothing: Option<i64> = functions.invoke("null", &payload).await.unwrap();
    assert_eq!(nothing, None);
    let unit: () = functions.invoke("null", &payload).await.unwrap();
    assert_eq!(unit, ());
    let value: serde_json::Value = functions.invoke("null", &payload).await.unwrap();
    assert_eq!(value, serde_json::Value::Null);
    // A reply that does not fit the caller's type is a decode error, not a panic.
    let error = functions.invoke::<i64>("array", &payload).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(server.requests().len(), 9);
}

/// CloudRun replies are "what the service returned": any JSON value too.
#[tokio::test]
async fn cloudrun_decodes_any_json_reply() {
    let server = TestServer::start(|r| {
        if r.method == "GET" { Reply::json(200, json!([1, 2, 3])) } else { Reply::json(200, json!(7)) }
    })
    .await;
    let shop = client(&server).cloudrun().service("shop");
    let got = shop.get("api/orders").send::<Vec<i64>>().await.unwrap().into_inner();
    assert_eq!(got, [1, 2, 3]);
    let posted = shop.post("api/orders").json(&Sum { a: 3, b: 4 }).send::<i64>().await.unwrap();
    assert_eq!(*posted, 7);
    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("GET", "/v1/cloudrun/shop/api/orders"));
    assert_eq!(requests[1].json(), json!({"a": 3, "b": 4}));
}

/// Web functions: the routes real callers use (`GET .../plant-user-http/user-plants?page=1&pageSize=1&webfn=true`,
/// `POST .../payment/create-order?webfn=true`, `GET .../{name}?webfn=true`), byte for byte.
#[tokio::test]
async fn web_function_routes_on_the_wire() {
    let server = TestServer::start(|r| match r.method.as_str() {
        "GET" => Reply::json(200, json!({"plants": []})),
        _ => Reply::new(201).header("Content-Type", "application/json"),
    })
    .await;
    let web = client(&server).functions().web("plant-user-http");
    let plants =
        web.get("user-plants").query("page", 1).query("pageSize", 1).send::<serde_json::Value>().await.unwrap();
    assert_eq!((plants.status(), plants.into_inner()), (200, json!({"plants": []})));
    web.get("").send::<serde_json::Value>().await.unwrap();
    web.get("/").query("q", "李 白&x").send::<serde_json::Value>().await.unwrap();
    // Any JSON body; an empty 201 decodes as `()`.
    let created = web.post("payment/create-order").json(&json!([1, "two"])).send::<()>().await.unwrap();
    assert_eq!(created.status(), 201);
    web.post("").json(&json!({"action": "list"})).send::<()>().await.unwrap();

    let requests = server.requests();
    let wire: Vec<(&str, &str)> = requests.iter().map(|r| (r.method.as_str(), r.target.as_str())).collect();
    assert_eq!(
        wire,
        [
            ("GET", "/v1/functions/plant-user-http/user-plants?page=1&pageSize=1&webfn=true"),
            ("GET", "/v1/functions/plant-user-http?webfn=true"),
            ("GET", "/v1/functions/plant-user-http?q=%E6%9D%8E%20%E7%99%BD%26x&webfn=true"),
            ("POST", "/v1/functions/plant-user-http/payment/create-order?webfn=true"),
            ("POST", "/v1/functions/plant-user-http?webfn=true"),
        ]
    );
    assert!(requests[..3].iter().all(|r| r.body.is_empty() && r.header("content-type").is_none()));
    assert_eq!(requests[3].header("content-type"), Some("application/json"));
    assert_eq!(requests[3].json(), json!([1, "two"]));
    assert_eq!(requests[4].json(), json!({"action": "list"}));
    assert!(requests.iter().all(|r| r.header("authorization") == Some("Bearer test-key")));
}

/// A web function answers what its HTTP server writes: any text type as `String`, other media
/// types as bytes (`send_body`), and the gateway's 443 (container not started, empty body) is
/// an API error, not retried.
#[tokio::test]
async fn web_function_replies_by_media_type() {
    let server = TestServer::start(|r| match r.path() {
        "/v1/functions/site/index" => {
            Reply::new(200).header("Content-Type", "text/html; charset=utf-8").body("<p>hi</p>")
        }
        "/v1/functions/site/logo" => {
            Reply::new(200).header("Content-Type", "image/png").body(vec![0x89, b'P', b'N', b'G'])
        }
        _ => Reply::new(443),
    })
    .await;
    let site = client(&server).functions().web("site");
    let page = site.get("index").send::<String>().await.unwrap().into_inner();
    assert_eq!(page, "<p>hi</p>");
    let logo = site.get("logo").send_body().await.unwrap();
    assert_eq!(logo.headers().get("content-type").unwrap(), "image/png");
    assert_eq!(logo.into_inner(), cloudbase_api::Body::Bytes(vec![0x89, b'P', b'N', b'G'].into()));
    let error = site.get("logo").send::<serde_json::Value>().await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert!(decode.to_string().contains("`image/png` reply is neither JSON nor text"), "{decode}");
    let before = server.requests().len();
    let error = site.post("cold").json(&json!({})).send::<()>().await.unwrap_err();
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!((api.operation(), api.status()), ("functionsPostPath", 443));
    assert_eq!(server.requests().len(), before + 1);
}

/// Every method on a service's sub-path and on its root goes to its own operation; a body only
/// with POST, PUT and PATCH (refused elsewhere before any I/O).
#[tokio::test]
async fn cloudrun_every_method_on_the_root_and_sub_paths() {
    let server = TestServer::start(|r| match r.method.as_str() {
        "DELETE" => Reply::new(204),
        "HEAD" => Reply::new(200).header("X-Request-Id", "req-head").header("Content-Length", "0"),
        _ => Reply::json(200, json!({"method": r.method})),
    })
    .await;
    let shop = client(&server).cloudrun().service("shop");
    let order = json!({"item": "wine"});
    for (call, method, target, body) in [
        (shop.get("orders/42"), "GET", "/v1/cloudrun/shop/orders/42", false),
        (shop.post("orders").json(&order), "POST", "/v1/cloudrun/shop/orders", true),
        (shop.put("orders/42").json(&order), "PUT", "/v1/cloudrun/shop/orders/42", true),
        (shop.patch("orders/42").json(&order), "PATCH", "/v1/cloudrun/shop/orders/42", true),
        (shop.get("").query("page", 2), "GET", "/v1/cloudrun/shop?page=2", false),
        (shop.post("").json(&order), "POST", "/v1/cloudrun/shop", true),
        (shop.put("").json(&order), "PUT", "/v1/cloudrun/shop", true),
        (shop.patch("/").json(&order), "PATCH", "/v1/cloudrun/shop", true),
    ] {
        let reply = call.send::<serde_json::Value>().await.unwrap();
        assert_eq!(reply.into_inner(), json!({"method": method}));
        let request = server.requests().pop().unwrap();
        assert_eq!((request.method.as_str(), request.target.as_str()), (method, target));
        assert_eq!(!request.body.is_empty(), body, "{method} {target}");
        if body {
            assert_eq!(request.json(), order);
        }
    }
    let deleted = shop.delete("orders/42").send::<()>().await.unwrap();
    assert_eq!((deleted.operation(), deleted.status()), ("cloudrunDelete", 204));
    assert_eq!(shop.delete("").send::<()>().await.unwrap().operation(), "cloudrunRootDelete");
    let head = shop.head("health").send::<()>().await.unwrap();
    assert_eq!((head.operation(), head.request_id()), ("cloudrunHead", Some("req-head")));
    assert_eq!(shop.head("").send::<()>().await.unwrap().operation(), "cloudrunRootHead");
    let wire: Vec<(String, String)> =
        server.requests().iter().rev().take(4).map(|r| (r.method.clone(), r.target.clone())).collect();
    assert_eq!(
        wire,
        [
            ("HEAD".to_owned(), "/v1/cloudrun/shop".to_owned()),
            ("HEAD".to_owned(), "/v1/cloudrun/shop/health".to_owned()),
            ("DELETE".to_owned(), "/v1/cloudrun/shop".to_owned()),
            ("DELETE".to_owned(), "/v1/cloudrun/shop/orders/42".to_owned()),
        ]
    );

    let sent = server.requests().len();
    for call in [shop.get("x").json(&order), shop.delete("x").json(&order), shop.head("").json(&order)] {
        let error = call.send::<()>().await.unwrap_err();
        let Error::InvalidRequest { message, .. } = &error else { panic!("{error:?}") };
        assert!(message.contains("only POST, PUT and PATCH take a body"), "{message}");
    }
    assert!(shop.head("x").send_stream().await.is_err());
    assert_eq!(server.requests().len(), sent, "a refused call sends nothing");
}

/// A service's event stream (the SSE the CloudRun spec says it carries), on any method but HEAD.
#[tokio::test]
async fn cloudrun_event_streams() {
    use futures_util::StreamExt;
    let server = TestServer::start(|_| {
        Reply::new(200)
            .header("Content-Type", "text/event-stream")
            .body(": keep-alive\n\ndata: one\n\nevent: x\ndata: two\n\n")
    })
    .await;
    let shop = client(&server).cloudrun().service("mcp");
    let events: Vec<String> = shop
        .post("messages")
        .json(&json!({"jsonrpc": "2.0"}))
        .send_stream()
        .await
        .unwrap()
        .map(|e| e.unwrap())
        .collect()
        .await;
    assert_eq!(events, ["one", "two"]);
    let request = server.only_request();
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/v1/cloudrun/mcp/messages"));
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    let root: Vec<String> = shop.get("").send_stream().await.unwrap().map(|e| e.unwrap()).collect().await;
    assert_eq!(root, ["one", "two"]);
}

/// A call's query values and body are the caller's values (a token for the function, a
/// password): `Debug` names the target, the route and the query keys, never a value.
#[test]
fn a_calls_query_values_and_body_show_in_no_debug() {
    let client = cloudbase_api::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let call = client
        .functions()
        .web("login")
        .post("session")
        .query("token", "t-Secret-1")
        .query("lang", "zh")
        .json(&json!({"password": "pw-Secret-2"}));
    for shown in [format!("{call:?}"), format!("{call:#?}")] {
        assert!(!shown.contains("t-Secret-1") && !shown.contains("pw-Secret-2"), "{shown}");
        assert!(shown.contains("login") && shown.contains("session") && shown.contains("lang"), "{shown}");
    }
}
