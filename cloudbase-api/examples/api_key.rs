//! Server-side calls with an environment API key (administrator rights): invoke a cloud function.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example api_key -- my-function
//! ```

mod common;

use cloudbase_api::Credentials;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = common::required("CLOUDBASE_API_KEY")?;
    let client = common::client_builder()?.credentials(Credentials::api_key(key)).build()?;
    let function = std::env::args().nth(1).unwrap_or_else(|| "hello".to_owned());

    let mut payload = serde_json::Map::new();
    payload.insert("from".into(), "cloudbase-rs".into());
    let reply = client.functions().invoke_function().name(function).body(payload).send().await?;
    println!("HTTP {} (request id {:?})", reply.status(), reply.request_id());
    println!("{:?}", reply.into_inner());
    Ok(())
}
