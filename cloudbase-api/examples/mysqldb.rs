//! The relational database query builder: read a page with a filter and the total count.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example mysqldb -- students
//! ```

mod common;

use cloudbase_api::Credentials;
use cloudbase_api::rdb::Order;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client =
        common::client_builder()?.credentials(Credentials::api_key(common::required("CLOUDBASE_API_KEY")?)).build()?;
    let table = std::env::args().nth(1).unwrap_or_else(|| "students".to_owned());
    let page = client
        .mysqldb()
        .from(table)
        .select("*")
        .gte("id", 1)
        .order("id", Order::desc())
        .range(0, 9)
        .count_exact()
        .fetch::<serde_json::Value>()
        .await?;
    println!("{} rows of {:?}", page.rows.len(), page.total);
    for row in page.rows {
        println!("{row}");
    }
    Ok(())
}
