//! The relational database: read a page with a filter and the total count, in a selected
//! database; call a database function; run SQL on a PostgreSQL environment.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example mysqldb -- students
//! # a PostgreSQL environment: its `public` schema, a function and a statement
//! CLOUDBASE_RDB_DATABASE=public CLOUDBASE_RDB_FUNCTION=grade_sizes \
//!   CLOUDBASE_PG_SQL='select count(*) as n from students' ... cargo run --example mysqldb -- students
//! ```

use cloudbase_api::Client;
use cloudbase_api::rdb::Order;
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let table = std::env::args().nth(1).unwrap_or_else(|| "students".to_owned());
    let mut db = client.mysqldb().instance("default");
    if let Ok(database) = std::env::var("CLOUDBASE_RDB_DATABASE") {
        db = db.database(database);
    }
    let page = db
        .from(table)
        .select("*")
        .gte("id", 1)
        .order("id", Order::desc())
        .range(0, 9)
        .count_exact()
        .fetch::<Value>()
        .await?;
    println!("{} rows of {:?}", page.rows.len(), page.total);
    for row in page.rows {
        println!("{row}");
    }
    if let Ok(function) = std::env::var("CLOUDBASE_RDB_FUNCTION") {
        let rows = db.rpc(&function, json!({})).limit(10).fetch::<Value>().await?;
        println!("{function}() returned {} rows: {:?}", rows.rows.len(), rows.rows);
    }
    if let Ok(statement) = std::env::var("CLOUDBASE_PG_SQL") {
        let rows: Vec<Value> = client.mysqldb().sql(statement).fetch().await?;
        println!("SQL returned {rows:?}");
    }
    Ok(())
}
