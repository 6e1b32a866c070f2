use cloudbase_api::Client;
use cloudbase_api::rdb::Order;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct GradeSize {
    grade: i64,
    students: i64,
}

async fn reports(client: &Client) -> Result<(), cloudbase_api::Error> {
    let db = client.mysqldb().database("public").instance("default");
    let sizes = db.rpc("grade_sizes", json!({"min_grade": 3}))
        .gte("students", 30).order("grade", Order::asc())
        .fetch::<GradeSize>().await?.rows;
    let total: i64 = db.rpc("count_students", json!({})).value().await?;
    // A read-only function by GET, its arguments in the query (or counted by HEAD: `.count()`).
    let seniors: i64 = db.rpc("count_students", json!({"min_grade": 5})).get().value().await?;
    let names: Vec<serde_json::Value> = db.sql("select id, name from students where grade = $1")
        .param(3).fetch().await?;
    println!("{sizes:?} {total} {seniors} {names:?}");
    Ok(())
}
