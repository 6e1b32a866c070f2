//! A publishable key (anonymous-level access, safe to ship in clients): read rows of a table
//! through the relational database API.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_PUBLISHABLE_KEY=... cargo run --example publishable_key -- my_table
//! ```

use cloudbase_api::mysqldb::QueryRecordsResponse;
use cloudbase_api::{ClientBuilder, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("CLOUDBASE_PUBLISHABLE_KEY").map_err(|_| "set CLOUDBASE_PUBLISHABLE_KEY")?;
    let client = ClientBuilder::from_env()?.credentials(Credentials::publishable_key(key)).build()?;
    let table = std::env::args().nth(1).unwrap_or_else(|| "todos".to_owned());

    let reply = client.mysqldb().query_records().table(table).select("*").limit(5).prefer("count=exact").send().await?;
    let total = reply.headers().get("content-range").and_then(|v| v.to_str().ok()).map(str::to_owned);
    match reply.into_inner() {
        QueryRecordsResponse::OkJson(rows) => println!("{} rows (Content-Range {total:?}): {rows:?}", rows.len()),
        QueryRecordsResponse::OkPgrstObjectJson(row) => println!("one row: {row:?}"),
        // Success enums are #[non_exhaustive]: a reply the spec documents later is a new variant.
        other => println!("{other:?}"),
    }
    Ok(())
}
