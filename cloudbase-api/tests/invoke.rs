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
