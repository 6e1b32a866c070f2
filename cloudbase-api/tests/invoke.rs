//! Typed function and CloudRun calls against a loopback server.

mod support;

use cloudbase_api::Error;
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{Reply, TestServer, client};

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

#[tokio::test]
async fn cloudrun_get_and_post_any_sub_path() {
    let server = TestServer::start(|_| Reply::json(200, json!({"total": 42}))).await;
    let cloudrun = client(&server).cloudrun();
    let got: Total = cloudrun.get("shop", "api/orders/42").await.unwrap();
    let posted: Total = cloudrun.post("shop", "api/orders", &Sum { a: 1, b: 1 }).await.unwrap();
    assert_eq!((got.total, posted.total), (42, 42));
    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].path()), ("GET", "/v1/cloudrun/shop/api/orders/42"));
    assert_eq!((requests[1].method.as_str(), requests[1].path()), ("POST", "/v1/cloudrun/shop/api/orders"));
    assert_eq!(requests[1].json(), json!({"a": 1, "b": 1}));
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
    let cloudrun = client(&server).cloudrun();
    let got: Vec<i64> = cloudrun.get("shop", "api/orders").await.unwrap();
    assert_eq!(got, [1, 2, 3]);
    let posted: i64 = cloudrun.post("shop", "api/orders", &Sum { a: 3, b: 4 }).await.unwrap();
    assert_eq!(posted, 7);
}
