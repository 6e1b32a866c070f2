use cloudbase_api::Client;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
struct ShopOrder {
    id: i64,
    total_cents: i64,
}

async fn call(client: &Client) -> Result<(), cloudbase_api::Error> {
    let sum: i64 = client.functions().invoke("sum", &json!({"a": 1, "b": 2})).await?;
    let plants = client.functions().web("plants-http").get("user-plants").query("page", 1).send::<Value>().await?;
    let order = client.cloudrun().service("shop").get("orders/42").send::<ShopOrder>().await?;
    client.cloudrun().service("shop").delete("orders/42").send::<()>().await?;   // a 204
    println!("{sum} {:?} {:?}", plants.into_inner(), order.into_inner());
    Ok(())
}
