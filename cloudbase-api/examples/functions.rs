//! Typed cloud function and CloudRun calls.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example functions -- sum
//! ```

mod common;

use cloudbase_api::Credentials;
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client =
        common::client_builder()?.credentials(Credentials::api_key(common::required("CLOUDBASE_API_KEY")?)).build()?;
    let function = std::env::args().nth(1).unwrap_or_else(|| "sum".to_owned());
    let reply: Value = client.functions().invoke(&function, &json!({"a": 1, "b": 2})).await?;
    println!("{function} returned {reply}");
    if let Ok(service) = std::env::var("CLOUDBASE_CLOUDRUN_SERVICE") {
        let health: Value = client.cloudrun().get(&service, "health").await?;
        println!("{service}/health: {health}");
    }
    Ok(())
}
