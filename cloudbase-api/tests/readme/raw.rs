use cloudbase_api::Client;
use serde_json::json;

async fn raw(client: &Client) -> Result<(), cloudbase_api::Error> {
    let reply = client
        .functions()
        .invoke_function()                 // functionsPost
        .name("hello")                     // one setter per parameter
        .body(json!({"a": 1}))             // a free-form body takes any Serialize value
        .send()                            // Result<Response<T>, Error>
        .await?;
    println!("{} {:?}", reply.status(), reply.request_id());
    let answer = reply.into_inner();       // here cloudbase_api::Body: Json, Text, Bytes or Empty
    println!("{answer:?}");
    Ok(())
}
