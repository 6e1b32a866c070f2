//! Typed NoSQL documents inside a transaction.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example nosql
//! ```

use cloudbase_api::Client;
use cloudbase_api::ejson::{DateTime, Int32};
use serde_json::json;

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Poet {
    name: String,
    age: Int32,
    added: DateTime,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let nosql = client.nosql();
    let poets = nosql.collection("poets");

    let transaction = nosql.begin_transaction().await?;
    let ids = poets
        .insert_in(&[Poet { name: "李白".into(), age: Int32(61), added: DateTime::now() }], Some(&transaction))
        .await?;
    transaction.commit().await?;
    println!("inserted {ids:?}");

    let adults: Vec<Poet> = poets.find(&json!({"age": {"$gte": 18}})).order("age", true).limit(5).fetch().await?;
    println!("{adults:#?}");
    Ok(())
}
