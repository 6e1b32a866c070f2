use cloudbase_api::Client;
use cloudbase_api::rdb::{Embed, Is, Order, Resolution, SelectList};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Student {
    id: i64,
    name: String,
    grade: i64,
}

async fn students(client: &Client, new_rows: &[Student]) -> Result<(), cloudbase_api::Error> {
    let page = client.mysqldb().from("students")
        .select("id,name,grade")
        .gte("grade", 3).ilike("name", "*bai*")
        .or(|any| any.eq("status", "active").is("deleted_at", Is::Null))
        .order("grade", Order::desc().nulls_last())
        .range(0, 9).count_exact()
        .fetch::<Student>().await?;                   // page.rows, page.total (from Content-Range)
    println!("{} of {:?}", page.rows.len(), page.total);

    let one: Student = client.mysqldb().from("students").select("*").eq("id", 7).single().await?;
    // The classes with students named Li*, each with the five best of them:
    // select=id,students!inner(name,grade)&students.name=like.Li*&students.order=grade.desc&students.limit=5
    let classes = client.mysqldb().from("classes")
        .select(SelectList::new().column("id")
            .embed(Embed::new("students").inner().select(SelectList::new().column("name").column("grade"))))
        .on("students", |s| s.like("name", "Li*").order("grade", Order::desc()).limit(5))
        .fetch::<serde_json::Value>().await?;
    println!("{:?}", classes.rows);
    client.mysqldb().from("students").insert(new_rows).upsert(Resolution::MergeDuplicates).execute().await?;
    // An upsert on another unique key than the primary one; missing columns take their defaults.
    client.mysqldb().from("students").insert(new_rows)
        .upsert(Resolution::MergeDuplicates).on_conflict(["name"]).missing_default()
        .execute().await?;
    client.mysqldb().from("students").delete().eq("id", one.id).execute().await?; // no filter: refused unless .all_rows()
    Ok(())
}
