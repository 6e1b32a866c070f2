//! The README's first program: a client configured from the environment calls a cloud function.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env-1a2b CLOUDBASE_API_KEY=... cargo run --example quickstart
//! ```

use cloudbase_api::Client;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), cloudbase_api::Error> {
    // CLOUDBASE_ENV_ID (or CLOUDBASE_BASE_URL) and CLOUDBASE_API_KEY, read once.
    let client = Client::from_env()?;

    // Runs the cloud function `hello` with this event; its reply decodes as any type you ask for.
    let reply: Value = client.functions().invoke("hello", &json!({"name": "Li Bai"})).await?;
    println!("hello answered: {reply}");
    Ok(())
}
