//! Server-side calls with an environment API key (administrator rights): invoke a cloud function.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example api_key -- my-function
//! ```

use cloudbase_api::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let function = std::env::args().nth(1).unwrap_or_else(|| "hello".to_owned());

    let mut payload = serde_json::Map::new();
    payload.insert("from".into(), "cloudbase-rs".into());
    let reply = client.functions().invoke_function().name(function).body(payload).send().await?;
    println!("HTTP {} (request id {:?})", reply.status(), reply.request_id());
    println!("{:?}", reply.into_inner());
    Ok(())
}
