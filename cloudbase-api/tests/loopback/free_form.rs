//! Free-form JSON bodies of the generated operations: any `Serialize` value is accepted, and where
//! the spec says `type: object`, anything else is refused before any I/O.

use crate::support::{Reply, TestServer, client};
use cloudbase_api::Error;
use serde::Serialize;
use serde_json::json;

#[derive(Serialize)]
struct Order {
    id: u32,
    items: Vec<&'static str>,
}

/// The quick start's call: `.body(json!({...}))`, and the same body as a struct.
#[tokio::test]
async fn an_object_body_is_taken_as_json_or_as_a_struct() {
    let server = TestServer::start(|_| Reply::json(200, json!({"ok": true}))).await;
    let functions = client(&server).functions();
    let reply = functions.invoke_function().name("hello").body(json!({"a": 1})).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    functions.invoke_function().name("hello").body(Order { id: 7, items: vec!["tea"] }).send().await.unwrap();
    let cloudrun = client(&server).cloudrun();
    cloudrun.post().name("shop").any_path("orders").body(&Order { id: 8, items: vec![] }).send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].json(), json!({"a": 1}));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[1].json(), json!({"id": 7, "items": ["tea"]}));
    assert_eq!(requests[2].json(), json!({"id": 8, "items": []}));
}

/// `type: object` bodies (functions, CloudRun): an array, a number, a string or `null` is an
/// `InvalidRequest` naming the body, and nothing is sent.
#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused_before_io() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let functions = client(&server).functions();
    for body in [json!([1, 2]), json!(3), json!("text"), json!(null)] {
        let error = functions.invoke_function().name("hello").body(body.clone()).send().await.unwrap_err();
        match &error {
            Error::InvalidRequest { operation: "functionsPost", message } => {
                assert!(message.contains("body") && message.contains("JSON object"), "{message}");
            }
            other => panic!("{body}: {other:?}"),
        }
        assert!(!error.is_retryable());
    }
    let error = client(&server).cloudrun().post().name("shop").any_path("x").body([1, 2]).send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "cloudrunPost", .. }), "{error:?}");
    // The helper goes through the same check.
    let error = functions.invoke::<serde_json::Value>("sum", &[1, 2]).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "functionsPost", .. }), "{error:?}");
    assert!(server.requests().is_empty(), "a refused body must not be sent");
}

/// A value serde cannot turn into JSON (a map with non-string keys) is refused at `send()`.
#[tokio::test]
async fn a_body_that_cannot_be_serialized_is_refused_before_io() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    let mut map = std::collections::BTreeMap::new();
    map.insert((1, 2), "pair keys are not JSON");
    let error = client(&server).functions().invoke_function().name("hello").body(map).send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "functionsPost", .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

/// Bodies whose schema is `{}` (a web function's route, `specs/overlays/functions.yaml`) take
/// any JSON value, objects or not.
#[tokio::test]
async fn an_unconstrained_body_takes_any_value() {
    let server = TestServer::start(|_| Reply::json(200, json!({}))).await;
    client(&server)
        .functions()
        .web_post_path()
        .name("web")
        .path("orders")
        .body(json!(["any", 1]))
        .send()
        .await
        .unwrap();
    assert_eq!(server.only_request().json(), json!(["any", 1]));
}
