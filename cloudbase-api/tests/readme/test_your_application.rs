use cloudbase_api::{Body, Client, Error};
use cloudbase_mock::MockServer;
use serde_json::{Value, json};

/// The code under test: records a new student, then has the `greet` function welcome them.
async fn enroll(client: &Client, name: &str) -> Result<String, Error> {
    client.mysqldb().from("students").insert(&[json!({"name": name})]).execute().await?;
    let reply: Value = client.functions().invoke("greet", &json!({"name": name})).await?;
    Ok(reply["text"].as_str().unwrap_or_default().to_owned())
}

#[tokio::main]
async fn main() {
    let server = MockServer::start().await;
    server
        .functions()
        .invoke_function()
        .when(|request| request.name == "greet")
        .expect(1)
        .reply(Body::Json(json!({"text": "welcome, Li Bai"})));

    assert_eq!(enroll(&server.client(), "Li Bai").await.unwrap(), "welcome, Li Bai");

    let inserts = server.mysqldb().insert_records().received();
    assert_eq!(inserts.len(), 1);
    assert_eq!(inserts[0].table, "students");
    assert_eq!(serde_json::to_value(&inserts[0].body).unwrap(), json!([{"name": "Li Bai"}]));
    assert!(server.violations().is_empty());
}
