//! Typed cloud function, web function and CloudRun calls.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example functions -- sum
//! # also a web function's route and a CloudRun service's:
//! CLOUDBASE_WEB_FUNCTION=plants-http CLOUDBASE_CLOUDRUN_SERVICE=shop ... cargo run --example functions
//! ```

use cloudbase_api::Client;
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let function = std::env::args().nth(1).unwrap_or_else(|| "sum".to_owned());
    let reply: Value = client.functions().invoke(&function, &json!({"a": 1, "b": 2})).await?;
    println!("{function} returned {reply}");
    if let Ok(name) = std::env::var("CLOUDBASE_WEB_FUNCTION") {
        // GET .../v1/functions/{name}/plants?page=1&webfn=true
        let plants = client.functions().web(&name).get("plants").query("page", 1).send::<Value>().await?;
        println!("{name}/plants: {} {}", plants.status(), *plants);
    }
    if let Ok(service) = std::env::var("CLOUDBASE_CLOUDRUN_SERVICE") {
        let shop = client.cloudrun().service(&service);
        let health = shop.get("health").send::<Value>().await?;
        println!("{service}/health: {}", *health);
        let head = shop.head("").send::<()>().await?;
        println!("{service} root: HEAD {} (request id {:?})", head.status(), head.request_id());
    }
    Ok(())
}
