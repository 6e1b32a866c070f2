use cloudbase_api::Client;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Serialize, Deserialize)]
struct Poet {
    name: String,
    age: i64,                                    // reads {"$numberInt": "61"}
}

async fn poets(client: &Client) -> Result<(), cloudbase_api::Error> {
    let poets = client.nosql().collection("poets");
    let adults: Vec<Poet> = poets.find(&json!({"age": {"$gte": 18}})).limit(10).fetch().await?;
    let tx = client.nosql().begin_transaction().await?;
    poets.update(&json!({"name": "李白"}), &json!({"$inc": {"age": 1}})).transaction(&tx).send().await?;
    tx.commit().await?;
    println!("{adults:?}");
    Ok(())
}
