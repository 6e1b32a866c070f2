//! The rdb query builder against a real database: the tests share a throw-away PostgreSQL
//! cluster (a database each) behind a server that reads PostgREST's URL grammar
//! (`postgrest/`), fill a table with awkward values and check that every filter returns exactly
//! the rows it should. The expected rows are listed by hand from the table below, not derived
//! from the builder.

// 3.14 is a value in the table (as text and as a number), not an approximation of pi.
#![allow(clippy::approx_constant)]

mod postgrest;

use cloudbase_api::rdb::{Embed, Explain, Is, Order, Resolution, Select, SelectList};
use postgrest::{Cluster, Shim};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Field order is drop order: the server, then the client, then the cluster.
struct Db {
    _shim: Shim,
    client: cloudbase_api::Client,
    sql: tokio_postgres::Client,
    _cluster: Arc<Cluster>,
}

/// The rows, by id: `name` holds the awkward values; `num` is `id` except 3 (3.14), 11 (NULL)
/// and 12 (100); `role` is `user` except the one `admin` (12), so a value that escaped its filter
/// shows up as row 12; `active` is NULL where `id % 3 = 0`, else `id` is odd; `"order"` is
/// `21 - id`; `"a.b, c"` is `v` for 1 and 2, else NULL.
const NAMES: &[(i32, Option<&str>)] = &[
    (1, Some("Li Bai")),
    (2, Some("a,b")),
    (3, Some("3.14")),
    (4, Some("x),or=(role.eq.admin")),
    (5, Some("\"quoted\"")),
    (6, Some("back\\slash")),
    (7, Some("%")),
    (8, Some("*")),
    (9, Some("李白")),
    (10, Some("")),
    (11, None),
    (12, Some("Root")),
    (13, Some("a")),
    (14, Some("b")),
    (15, Some(" padded ")),
    (16, Some("null")),
    (17, Some("a.b")),
    (18, Some("LI BAI")),
    (19, Some("a+b")),
    (20, Some("a&b=c;d")),
];

async fn db() -> Db {
    let cluster = Cluster::shared();
    let database = cluster.database().await;
    let sql = cluster.connect(&database).await;
    sql.batch_execute(
        "CREATE TABLE people (id int PRIMARY KEY, name text, num numeric, role text NOT NULL DEFAULT 'user', \
         active boolean, \"order\" int, \"a.b, c\" text)",
    )
    .await
    .unwrap();
    for (id, name) in NAMES {
        let num = match id {
            3 => Some("3.14".to_owned()),
            11 => None,
            12 => Some("100".to_owned()),
            id => Some(id.to_string()),
        };
        let role = if *id == 12 { "admin" } else { "user" };
        let active = (id % 3 != 0).then_some(id % 2 == 1);
        let weird = (*id <= 2).then_some("v");
        sql.execute(
            "INSERT INTO people VALUES ($1, $2, $3::text::numeric, $4, $5, 21 - $1, $6)",
            &[id, name, &num, &role, &active, &weird],
        )
        .await
        .unwrap();
    }
    let shim = Shim::start(cluster.connect(&database).await).await;
    let client = postgrest::client(&shim);
    Db { _shim: shim, client, sql, _cluster: cluster }
}

#[derive(Debug, Deserialize)]
struct Row {
    id: i64,
}

/// Every id in 1..=20 except `but`.
fn all_but(but: &[i64]) -> Vec<i64> {
    (1..=20).filter(|id| !but.contains(id)).collect()
}

/// Checks each case and reports every mismatch at once.
#[derive(Default)]
struct Checks {
    failures: Vec<String>,
    count: usize,
}

impl Checks {
    /// The ids `select` returns, sorted, must be `expected`.
    async fn rows(&mut self, label: &str, select: Select, expected: &[i64]) {
        self.count += 1;
        match select.fetch::<Row>().await {
            Ok(rows) => {
                let mut ids: Vec<i64> = rows.rows.iter().map(|r| r.id).collect();
                ids.sort();
                if ids != expected {
                    self.failures.push(format!("{label}: got {ids:?}, expected {expected:?}"));
                }
            }
            Err(e) => self.failures.push(format!("{label}: {e}")),
        }
    }

    /// The ids in the order `select` returns them.
    async fn ordered(&mut self, label: &str, select: Select, expected: &[i64]) {
        self.count += 1;
        match select.fetch::<Row>().await {
            Ok(rows) => {
                let ids: Vec<i64> = rows.rows.iter().map(|r| r.id).collect();
                if ids != expected {
                    self.failures.push(format!("{label}: got {ids:?}, expected {expected:?}"));
                }
            }
            Err(e) => self.failures.push(format!("{label}: {e}")),
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} cases wrong:\n{}",
            self.failures.len(),
            self.count,
            self.failures.join("\n")
        );
    }
}

#[tokio::test]
async fn top_level_filters_match_the_values_as_they_are() {
    let db = db().await;
    let t = || db.client.mysqldb().from("people").select("id");
    let mut c = Checks::default();
    for (id, name) in NAMES {
        let Some(name) = name else { continue };
        c.rows(&format!("eq(name, {name:?})"), t().eq("name", name), &[i64::from(*id)]).await;
    }
    c.rows("eq(num, 3.14)", t().eq("num", 3.14), &[3]).await;
    c.rows("eq(num, \"3.14\")", t().eq("num", "3.14"), &[3]).await;
    c.rows("neq(name, Li Bai)", t().neq("name", "Li Bai"), &all_but(&[1, 11])).await;
    c.rows("neq(name, x),or=(role.eq.admin)", t().neq("name", "x),or=(role.eq.admin"), &all_but(&[4, 11])).await;
    c.rows("gt(num, 9)", t().gt("num", 9), &[10, 12, 13, 14, 15, 16, 17, 18, 19, 20]).await;
    c.rows("gte(num, 3.14)", t().gte("num", 3.14), &all_but(&[1, 2, 11])).await;
    c.rows("lt(num, 3.14)", t().lt("num", 3.14), &[1, 2]).await;
    c.rows("lte(num, 3.14)", t().lte("num", "3.14"), &[1, 2, 3]).await;
    // Byte order (the cluster's locale is C): "x),or=(..." and "李白" sort after "x".
    c.rows("gt(name, x)", t().gt("name", "x"), &[4, 9]).await;
    c.rows("like(name, *Bai*)", t().like("name", "*Bai*"), &[1]).await;
    c.rows("ilike(name, *bai*)", t().ilike("name", "*bai*"), &[1, 18]).await;
    c.rows("ilike(name, li bai)", t().ilike("name", "li bai"), &[1, 18]).await;
    c.rows("like(name, a*)", t().like("name", "a*"), &[2, 13, 17, 19, 20]).await;
    c.rows("like(name, a%)", t().like("name", "a%"), &[2, 13, 17, 19, 20]).await;
    c.rows("like(name, %)", t().like("name", "%"), &all_but(&[11])).await;
    c.rows("like(name, *\"*)", t().like("name", "*\"*"), &[5]).await;
    c.rows("like(name, *,*)", t().like("name", "*,*"), &[2, 4]).await;
    c.rows("is(name, null)", t().is("name", Is::Null), &[11]).await;
    c.rows("is(active, true)", t().is("active", Is::True), &[1, 5, 7, 11, 13, 17, 19]).await;
    c.rows("is(active, false)", t().is("active", Is::False), &[2, 4, 8, 10, 14, 16, 20]).await;
    c.rows("is(active, unknown)", t().is("active", Is::Unknown), &[3, 6, 9, 12, 15, 18]).await;
    c.rows("not(name, eq, Li Bai)", t().not("name", "eq", "Li Bai"), &all_but(&[1, 11])).await;
    c.rows("not(name, eq, a,b)", t().not("name", "eq", "a,b"), &all_but(&[2, 11])).await;
    c.rows("not(name, eq, x),or=(role.eq.admin)", t().not("name", "eq", "x),or=(role.eq.admin"), &all_but(&[4, 11]))
        .await;
    c.rows("not(num, gt, 9)", t().not("num", "gt", 9), &[1, 2, 3, 4, 5, 6, 7, 8, 9]).await;
    c.rows("not(name, like, a*)", t().not("name", "like", "a*"), &[1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 18])
        .await;
    c.rows("not(name, ilike, *bai*)", t().not("name", "ilike", "*bai*"), &all_but(&[1, 11, 18])).await;
    c.rows("gt(num, 2) and lt(num, 5)", t().gt("num", 2).lt("num", 5), &[3, 4]).await;
    c.rows("eq(name, Li Bai) and eq(role, user)", t().eq("name", "Li Bai").eq("role", "user"), &[1]).await;
    c.rows(
        "eq(name, x),or=(role.eq.admin) and eq(role, user)",
        t().eq("name", "x),or=(role.eq.admin").eq("role", "user"),
        &[4],
    )
    .await;
    // Column names that are not plain identifiers, or that PostgREST reserves as keys.
    c.rows("eq(order, 20)", t().eq("order", 20), &[1]).await;
    c.rows("eq(\"a.b, c\", v)", t().eq("a.b, c", "v"), &[1, 2]).await;
    c.rows("is(\"a.b, c\", null)", t().is("a.b, c", Is::Null), &(3..=20).collect::<Vec<_>>()).await;
    c.finish();
}

// Every operator PostgREST reads under `not` (`pOpExpr`), negated as it reads it: `NOT name IS
// NULL` keeps row 16 (the text `null`), which `NOT name = 'null'` would drop.
#[tokio::test]
async fn every_operator_negates_as_postgrest_reads_it() {
    let db = db().await;
    let t = || db.client.mysqldb().from("people").select("id");
    let mut c = Checks::default();
    c.rows("not(name, is, null)", t().not("name", "is", "null"), &all_but(&[11])).await;
    c.rows("not(name, is, NULL)", t().not("name", "is", "NULL"), &all_but(&[11])).await;
    c.rows("not(name, is, not_null)", t().not("name", "is", "not_null"), &[11]).await;
    c.rows("not(active, is, true)", t().not("active", "is", "true"), &[2, 3, 4, 6, 8, 9, 10, 12, 14, 15, 16, 18, 20])
        .await;
    c.rows(
        "not(active, is, unknown)",
        t().not("active", "is", "unknown"),
        &[1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19, 20],
    )
    .await;
    c.rows("not(num, isdistinct, 5)", t().not("num", "isdistinct", 5), &[5]).await;
    c.rows("not(name, neq, a)", t().not("name", "neq", "a"), &[13]).await;
    c.rows("not(name, match, ^a)", t().not("name", "match", "^a"), &all_but(&[2, 11, 13, 17, 19, 20])).await;
    c.rows("not(name, imatch, ^li)", t().not("name", "imatch", "^li"), &all_but(&[1, 11, 18])).await;
    c.rows(
        "not(name, like(any), {a*,b*})",
        t().not("name", "like(any)", "{a*,b*}"),
        &all_but(&[2, 6, 11, 13, 14, 17, 19, 20]),
    )
    .await;
    c.rows("not(num, gt(all), {1,2})", t().not("num", "gt(all)", "{1,2}"), &[1, 2]).await;
    c.rows("not(name, fts(simple), bai)", t().not("name", "fts(simple)", "bai"), &all_but(&[1, 11, 18])).await;
    c.rows("not_in(name, [a, a,b])", t().not_in("name", ["a", "a,b"]), &all_but(&[2, 11, 13])).await;
    // Inside a group the value is quoted and still one value.
    c.rows("or(not(name, is, null))", t().or(|g| g.not("name", "is", "null")), &all_but(&[11])).await;
    c.rows(
        "or(not(name, match, ^a))",
        t().or(|g| g.not("name", "match", "^a").eq("id", 2)),
        &all_but(&[11, 13, 17, 19, 20]),
    )
    .await;
    c.rows("or(not_in(name, [a, a,b]))", t().or(|g| g.not_in("name", ["a", "a,b"])), &all_but(&[2, 11, 13])).await;
    c.rows(
        "or(not(name, like(any), {a*,b*}))",
        t().or(|g| g.not("name", "like(any)", "{a*,b*}")),
        &all_but(&[2, 6, 11, 13, 14, 17, 19, 20]),
    )
    .await;
    c.rows("in_(name, [])", t().in_("name", Vec::<String>::new()), &[]).await;
    // `= ANY('{}')` is false, not unknown, for NULL too: its negation keeps row 11.
    c.rows("not_in(name, [])", t().not_in("name", Vec::<String>::new()), &all_but(&[])).await;
    // A select over several lines, as postgrest-js sends it: whitespace outside quotes dropped.
    c.rows(
        "select over lines",
        db.client.mysqldb().from("people").select("id,\n  name,\n\t\"a.b, c\"").eq("id", 1),
        &[1],
    )
    .await;
    c.finish();
}

// The operators past comparison, on arrays, ranges, JSON and text search: each returns exactly
// the rows listed by hand, its literal's elements (`,` `{` `}` `"` and the word `null` in them)
// kept as one text element each, at the top level and inside a group.
#[tokio::test]
async fn array_range_json_and_text_search_operators_return_the_rows_they_should() {
    use cloudbase_api::rdb::{Compare, Literal, TextSearch};
    let db = db().await;
    db.sql
        .batch_execute(
            "CREATE TABLE things (id int PRIMARY KEY, tags text[], span int4range, meta jsonb, body text,
               words tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
             INSERT INTO things VALUES
               (1, '{a,b}', '[1,5)', '{\"plan\": \"pro\", \"seats\": 3}', 'the quick brown fox'),
               (2, '{\"a,b\",c}', '[5,10)', '{\"plan\": \"free\"}', 'lazy dogs sleep'),
               (3, '{null,\"null\"}', '[10,20)', '{\"plan\": \"pro\", \"tags\": [\"x\"]}', 'a quick brown dog'),
               (4, '{\"{x}\",\"say \\\"hi\\\"\"}', 'empty', '{}', 'foxes and dogs'),
               (5, NULL, NULL, NULL, NULL);",
        )
        .await
        .unwrap();
    let t = || db.client.mysqldb().from("things").select("id");
    let mut c = Checks::default();
    c.rows("contains(tags, [a])", t().contains("tags", Literal::array(["a"])), &[1]).await;
    c.rows("contains(tags, [a,b])", t().contains("tags", Literal::array(["a,b"])), &[2]).await;
    c.rows("contains(tags, [null])", t().contains("tags", Literal::array(["null"])), &[3]).await;
    c.rows("contains(tags, [{x}])", t().contains("tags", Literal::array(["{x}"])), &[4]).await;
    c.rows("contains(tags, [say \"hi\"])", t().contains("tags", Literal::array(["say \"hi\""])), &[4]).await;
    c.rows("contained_by(tags, [a, b, c])", t().contained_by("tags", Literal::array(["a", "b", "c"])), &[1]).await;
    c.rows("overlaps(tags, [b, c])", t().overlaps("tags", Literal::array(["b", "c"])), &[1, 2]).await;
    c.rows("contains(span, [2,3])", t().contains("span", Literal::range("[2,3]")), &[1]).await;
    c.rows("overlaps(span, [4,6))", t().overlaps("span", Literal::range("[4,6)")), &[1, 2]).await;
    c.rows("range_lt(span, [10,11))", t().range_lt("span", Literal::range("[10,11)")), &[1, 2]).await;
    c.rows("range_gt(span, [1,5))", t().range_gt("span", Literal::range("[1,5)")), &[2, 3]).await;
    c.rows("range_gte(span, [5,6))", t().range_gte("span", Literal::range("[5,6)")), &[2, 3]).await;
    c.rows("range_lte(span, [0,10))", t().range_lte("span", Literal::range("[0,10)")), &[1, 2]).await;
    c.rows("range_adjacent(span, [20,30))", t().range_adjacent("span", Literal::range("[20,30)")), &[3]).await;
    c.rows("contains(meta, {plan: pro})", t().contains("meta", Literal::json(&json!({"plan": "pro"}))), &[1, 3]).await;
    c.rows(
        "contained_by(meta, {plan: free, x: 1})",
        t().contained_by("meta", Literal::json(&json!({"plan": "free", "x": 1}))),
        &[2, 4],
    )
    .await;
    c.rows("text_search(body, quick & fox)", t().text_search("words", "quick & fox", TextSearch::tsquery()), &[1])
        .await;
    c.rows(
        "text_search(body, dog, english)",
        t().text_search("words", "dog", TextSearch::tsquery().config("english")),
        &[2, 3, 4],
    )
    .await;
    c.rows(
        "text_search(body, quick brown, plain)",
        t().text_search("words", "quick brown", TextSearch::plain()),
        &[1, 3],
    )
    .await;
    c.rows("text_search(body, brown fox, phrase)", t().text_search("words", "brown fox", TextSearch::phrase()), &[1])
        .await;
    c.rows(
        "text_search(body, \"quick brown\" -fox, websearch, english)",
        t().text_search("words", "\"quick brown\" -fox", TextSearch::websearch().config("english")),
        &[3],
    )
    .await;
    c.rows("any_of(body, like, [*fox*, lazy*])", t().any_of("body", Compare::Like, ["*fox*", "lazy*"]), &[1, 2, 4])
        .await;
    c.rows("all_of(body, ilike, [*QUICK*, *dog*])", t().all_of("body", Compare::Ilike, ["*QUICK*", "*dog*"]), &[3])
        .await;
    c.rows("any_of(id, eq, [2, 4])", t().any_of("id", Compare::Eq, [2, 4]), &[2, 4]).await;
    c.rows("all_of(id, gt, [1, 2])", t().all_of("id", Compare::Gt, [1, 2]), &[3, 4, 5]).await;
    c.rows("regex_match(body, ^(a|the) )", t().regex_match("body", "^(a|the) "), &[1, 3]).await;
    c.rows("regex_imatch(body, ^FOX)", t().regex_imatch("body", "^FOX"), &[4]).await;
    c.rows("is_distinct(body, lazy dogs sleep)", t().is_distinct("body", "lazy dogs sleep"), &[1, 3, 4, 5]).await;
    c.rows("is(body, not_null)", t().is("body", Is::NotNull), &[1, 2, 3, 4]).await;
    c.rows("eq_all(id 2, body ...)", t().eq_all([("id", "2"), ("body", "lazy dogs sleep")]), &[2]).await;
    c.rows("eq_all(id 2, body other)", t().eq_all([("id", "2"), ("body", "other")]), &[]).await;
    // Inside a group each literal is quoted as a whole and read back as the same literal.
    c.rows(
        "or(contains(tags, [a,b]) | contains(tags, [{x}]))",
        t().or(|g| g.contains("tags", Literal::array(["a,b"])).contains("tags", Literal::array(["{x}"]))),
        &[2, 4],
    )
    .await;
    c.rows(
        "or(contains(meta, {seats: 3}) | range_adjacent(span, [20,30)))",
        t().or(|g| {
            g.contains("meta", Literal::json(&json!({"seats": 3}))).range_adjacent("span", Literal::range("[20,30)"))
        }),
        &[1, 3],
    )
    .await;
    c.rows(
        "or(any_of(body, like, [*fox*, lazy*]) | text_search(body, sleep, english))",
        t().or(|g| {
            g.any_of("body", Compare::Like, ["*sleep*", "a *"]).text_search(
                "words",
                "sleep",
                TextSearch::plain().config("english"),
            )
        }),
        &[2, 3],
    )
    .await;
    c.finish();
    match t().text_search("words", "x", TextSearch::plain().config("english'); drop")).fetch::<Row>().await {
        Err(cloudbase_api::Error::InvalidRequest { message, .. }) => {
            assert!(message.contains("configuration"), "{message}")
        }
        other => panic!("expected a refused configuration, got {other:?}"),
    }
}

// Writes read back the columns asked for (postgrest-js `.insert(..).select("id")`), and
// `maybe_single` reads no row as `None`, one as the row and several as an error.
#[tokio::test]
async fn writes_return_the_columns_asked_for_and_maybe_single_reads_at_most_one_row() {
    let db = db().await;
    let people = || db.client.mysqldb().from("people");
    let keys = |rows: &[serde_json::Value]| -> Vec<Vec<String>> {
        rows.iter().map(|r| r.as_object().unwrap().keys().cloned().collect()).collect()
    };
    let inserted: Vec<serde_json::Value> =
        people().insert(json!({"id": 30, "name": "new"})).select("id,\n name").returning().await.unwrap();
    assert_eq!(inserted, vec![json!({"id": 30, "name": "new"})]);
    let updated: Vec<serde_json::Value> =
        people().update(json!({"role": "editor"})).eq("id", 30).select("role").returning().await.unwrap();
    assert_eq!(updated, vec![json!({"role": "editor"})]);
    let deleted: Vec<serde_json::Value> =
        people().delete().eq("id", 30).select("\"order\", id").returning().await.unwrap();
    assert_eq!(deleted, vec![json!({"id": 30, "order": null})]);
    // Without `select`, every column.
    let all: Vec<serde_json::Value> = people().delete().eq("id", 20).returning().await.unwrap();
    assert_eq!(keys(&all)[0].len(), 7, "{all:?}");

    let t = || people().select("id");
    assert_eq!(t().eq("id", 99).maybe_single::<Row>().await.unwrap().map(|r| r.id), None);
    assert_eq!(t().eq("id", 2).maybe_single::<Row>().await.unwrap().map(|r| r.id), Some(2));
    match t().lt("id", 3).maybe_single::<Row>().await {
        Err(cloudbase_api::Error::Decode(e)) => assert!(e.to_string().contains("at most one row, got 2"), "{e}"),
        other => panic!("expected two rows refused, got {other:?}"),
    }
}

// The three counts of PostgREST: exact counts, planned is the planner's estimate (exact here,
// the table analyzed and read whole), estimated counts below the server's row limit.
#[tokio::test]
async fn counts_are_exact_planned_or_estimated() {
    let db = db().await;
    db.sql.batch_execute("ANALYZE people").await.unwrap();
    let t = || db.client.mysqldb().from("people").select("id").limit(2);
    let total = |rows: cloudbase_api::rdb::Rows<Row>| (rows.rows.len(), rows.total);
    assert_eq!(total(t().count_exact().fetch().await.unwrap()), (2, Some(20)));
    assert_eq!(total(t().count_planned().fetch().await.unwrap()), (2, Some(20)));
    assert_eq!(total(t().count_estimated().fetch().await.unwrap()), (2, Some(20)));
    assert_eq!(total(t().eq("role", "admin").count_exact().fetch().await.unwrap()), (1, Some(1)));
    // The estimate of a filtered read is the planner's, not a count: only its presence is sure.
    assert!(total(t().eq("role", "admin").count_planned().fetch().await.unwrap()).1.is_some());
    assert_eq!(total(t().fetch().await.unwrap()), (2, None));
}

// `max_affected`: a write changing more rows than allowed fails with PGRST124 and changes
// nothing; within the limit it goes through.
#[tokio::test]
async fn a_write_over_its_row_limit_changes_nothing() {
    let db = db().await;
    let people = || db.client.mysqldb().from("people");
    let api_code = |e: cloudbase_api::Error| e.code().map(str::to_owned);
    let over = people().update(json!({"role": "x"})).lt("id", 4).max_affected(2).execute().await.unwrap_err();
    assert_eq!(api_code(over), Some("PGRST124".to_owned()));
    let over = people().delete().lt("id", 4).max_affected(2).execute().await.unwrap_err();
    assert_eq!(api_code(over), Some("PGRST124".to_owned()));
    let ids = sql_ids(&db, "SELECT id FROM people WHERE id < 4 AND role = 'user' ORDER BY id").await;
    assert_eq!(ids, [1, 2, 3], "a refused write changed rows");
    let changed: Vec<Row> =
        people().update(json!({"role": "x"})).lt("id", 3).max_affected(2).returning().await.unwrap();
    assert_eq!(changed.len(), 2);
    let deleted: Vec<Row> = people().delete().eq("role", "x").max_affected(2).returning().await.unwrap();
    assert_eq!(deleted.len(), 2);
}

// JSON paths in filters and order (`data->key`, `data->>key`, `->0`), keys of any text kept as
// keys, at the top level and inside a group.
#[tokio::test]
async fn json_paths_filter_and_order_by_members_of_a_json_column() {
    use cloudbase_api::rdb::Column;
    let db = db().await;
    db.sql
        .batch_execute(
            r#"CREATE TABLE docs (id int PRIMARY KEY, data jsonb);
               INSERT INTO docs VALUES
                 (1, '{"plan": "pro", "seats": 3, "tags": ["x", "y"]}'),
                 (2, '{"plan": "free", "seats": 1}'),
                 (3, '{"plan": "pro", "tags": ["y"], "a.b,c>(d)": "odd", "1": "one"}'),
                 (4, '{}'),
                 (5, NULL);"#,
        )
        .await
        .unwrap();
    let t = || db.client.mysqldb().from("docs").select("id");
    let data = || Column::new("data");
    let mut c = Checks::default();
    c.rows("data->>plan = pro", t().eq(data().text("plan"), "pro"), &[1, 3]).await;
    c.rows("data->seats = 3 (JSON)", t().eq(data().json("seats"), 3), &[1]).await;
    c.rows("data->>seats > 1", t().gt(data().text("seats"), 1), &[1]).await;
    c.rows("data->seats is not null", t().is(data().json("seats"), Is::NotNull), &[1, 2]).await;
    c.rows("data->tags->>0 = y", t().eq(data().json("tags").text_index(0), "y"), &[3]).await;
    c.rows("data->tags->>-1 = y", t().eq(data().json("tags").text_index(-1), "y"), &[1, 3]).await;
    c.rows("data->>\"a.b,c>(d)\" = odd", t().eq(data().text("a.b,c>(d)"), "odd"), &[3]).await;
    c.rows("data->>\"1\" = one (a key, not an index)", t().eq(data().text("1"), "one"), &[3]).await;
    c.rows("data->>plan in [free]", t().in_(data().text("plan"), ["free"]), &[2]).await;
    c.rows(
        "or(data->>plan = free | data->seats = 3)",
        t().or(|g| g.eq(data().text("plan"), "free").eq(data().json("seats"), 3)),
        &[1, 2],
    )
    .await;
    c.rows("or(data->>\"a.b,c>(d)\" = odd)", t().or(|g| g.eq(data().text("a.b,c>(d)"), "odd").eq("id", 9)), &[3]).await;
    c.ordered(
        "order data->>plan desc nulls last, id",
        t().order(data().text("plan"), Order::desc().nulls_last()).order("id", Order::asc()),
        &[1, 3, 2, 4, 5],
    )
    .await;
    c.finish();
}

// What PostgREST cannot be told is refused before any request, never sent as something else.
#[tokio::test]
async fn conditions_postgrest_cannot_be_told_are_refused() {
    let db = db().await;
    let t = || db.client.mysqldb().from("people").select("id");
    let refused = |result: Result<cloudbase_api::rdb::Rows<Row>, cloudbase_api::Error>, says: &str| match result {
        Err(cloudbase_api::Error::InvalidRequest { operation: "queryRecords", message }) => {
            assert!(message.contains(says), "{message}")
        }
        other => panic!("expected a refusal saying {says:?}, got {other:?}"),
    };
    refused(t().not("name", "in", "(a,b)").fetch().await, "not_in");
    refused(t().not("name", "between", "1").fetch().await, "`between` is none of them");
    refused(t().not("name", "eq(some)", "{a}").fetch().await, "`eq(some)`");
    refused(t().not("name", "fts(bad lang)", "a").fetch().await, "`fts(bad lang)`");
    refused(t().not("name", "is", "nothing").fetch().await, "not `nothing`");
    refused(t().not("name", "cs\r\nX: 1", "a").fetch().await, "`cs\\r\\nX: 1`");
    refused(t().in_("name", [""]).fetch().await, "eq(column, \"\")");
    refused(t().or(|g| g.not_in("name", [""])).fetch().await, "not_in(\"name\", [\"\"])");
    let update = db.client.mysqldb().from("people").update(serde_json::json!({"role": "x"})).not("id", "like(some)", 1);
    match update.execute().await {
        Err(cloudbase_api::Error::InvalidRequest { operation: "updateRecords", .. }) => {}
        other => panic!("expected the update refused, got {other:?}"),
    }
    let roles: Vec<String> =
        db.sql.query("SELECT DISTINCT role FROM people", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert!(!roles.contains(&"x".to_owned()), "a refused update changed rows: {roles:?}");
}

#[tokio::test]
async fn lists_and_logic_trees_keep_values_inside_them() {
    let db = db().await;
    let t = || db.client.mysqldb().from("people").select("id");
    let mut c = Checks::default();
    c.rows("in_(name, [a, b])", t().in_("name", ["a", "b"]), &[13, 14]).await;
    c.rows("in_(name, [a,b])", t().in_("name", ["a,b"]), &[2]).await;
    c.rows(
        "in_(name, hostile)",
        t().in_("name", ["Li Bai", "\"quoted\"", "back\\slash", "x),or=(role.eq.admin", "", "李白"]),
        &[1, 4, 5, 6, 9, 10],
    )
    .await;
    c.rows("in_(name, [null])", t().in_("name", ["null"]), &[16]).await;
    c.rows("in_(name, [ padded ])", t().in_("name", [" padded "]), &[15]).await;
    c.rows(
        "in_(name, [a.b, a+b, a&b=c;d, %, *])",
        t().in_("name", ["a.b", "a+b", "a&b=c;d", "%", "*"]),
        &[7, 8, 17, 19, 20],
    )
    .await;
    c.rows("in_(num, [3.14, 100])", t().in_("num", [3.14, 100.0]), &[3, 12]).await;
    c.rows("in_(order, [1, 2])", t().in_("order", [1, 2]), &[19, 20]).await;
    c.rows("or(a,b | x),or=(...)", t().or(|g| g.eq("name", "a,b").eq("name", "x),or=(role.eq.admin")), &[2, 4]).await;
    c.rows(
        "or(\"quoted\" | back\\slash | empty)",
        t().or(|g| g.eq("name", "\"quoted\"").eq("name", "back\\slash").eq("name", "")),
        &[5, 6, 10],
    )
    .await;
    c.rows(
        "or( padded  | a.b | 1.2:3)",
        t().or(|g| g.eq("name", " padded ").eq("name", "a.b").eq("name", "1.2:3")),
        &[15, 17],
    )
    .await;
    c.rows(
        "or(null | 3.14 | 李白)",
        t().or(|g| g.eq("name", "null").eq("name", "3.14").eq("name", "李白")),
        &[3, 9, 16],
    )
    .await;
    c.rows(
        "or(% | * | a+b | a&b=c;d)",
        t().or(|g| g.eq("name", "%").eq("name", "*").eq("name", "a+b").eq("name", "a&b=c;d")),
        &[7, 8, 19, 20],
    )
    .await;
    c.rows("or(in_([a, b]) | is null)", t().or(|g| g.in_("name", ["a", "b"]).is("name", Is::Null)), &[11, 13, 14])
        .await;
    c.rows("or(in_([a,b, x),or=(...)]))", t().or(|g| g.in_("name", ["a,b", "x),or=(role.eq.admin"])), &[2, 4]).await;
    c.rows(
        "or(gt(num, 99) | and(eq(role, user), eq(name, 李白)))",
        t().or(|g| g.gt("num", 99).and(|a| a.eq("role", "user").eq("name", "李白"))),
        &[9, 12],
    )
    .await;
    c.rows(
        "or(ilike(*BAI*) | like(a*))",
        t().or(|g| g.ilike("name", "*BAI*").like("name", "a*")),
        &[1, 2, 13, 17, 18, 19, 20],
    )
    .await;
    c.rows("or(not(eq, a,b) ...)", t().or(|g| g.not("name", "eq", "a,b")), &all_but(&[2, 11])).await;
    c.rows("or(eq(num, 3.14) | lte(num, 1))", t().or(|g| g.eq("num", 3.14).lte("num", 1)), &[1, 3]).await;
    c.rows("not_or(a,b | Li Bai)", t().not_or(|g| g.eq("name", "a,b").eq("name", "Li Bai")), &all_but(&[1, 2, 11]))
        .await;
    c.rows(
        "not_and(gte(num, 2), lte(num, 4))",
        t().not_and(|g| g.gte("num", 2).lte("num", 4)),
        &all_but(&[2, 3, 4, 11]),
    )
    .await;
    c.rows(
        "or(x),or=(...) | nobody) and eq(role, user)",
        t().or(|g| g.eq("name", "x),or=(role.eq.admin").eq("name", "nobody")).eq("role", "user"),
        &[4],
    )
    .await;
    // Two groups share the key `or`: one `and=(...)` holds both.
    c.rows(
        "or(a | b) and or(a | a,b)",
        t().or(|g| g.eq("name", "a").eq("name", "b")).or(|g| g.eq("name", "a").eq("name", "a,b")),
        &[13],
    )
    .await;
    c.rows("or(\"a.b, c\" = v | order = 1)", t().or(|g| g.eq("a.b, c", "v").eq("order", 1)), &[1, 2, 20]).await;
    c.finish();
}

#[tokio::test]
async fn order_limit_offset_count_and_single() {
    let db = db().await;
    let t = || db.client.mysqldb().from("people").select("id,name");
    let mut c = Checks::default();
    c.ordered("order(order asc)", t().order("order", Order::asc()), &(1..=20).rev().collect::<Vec<_>>()).await;
    c.ordered(
        "order(num desc nullsfirst) limit 3",
        t().order("num", Order::desc().nulls_first()).limit(3),
        &[11, 12, 20],
    )
    .await;
    c.ordered(
        "order(num desc nullslast) limit 3",
        t().order("num", Order::desc().nulls_last()).limit(3),
        &[12, 20, 19],
    )
    .await;
    c.ordered("order(num asc nullsfirst) limit 2", t().order("num", Order::asc().nulls_first()).limit(2), &[11, 1])
        .await;
    c.ordered("order(order asc) range(2, 4)", t().order("order", Order::asc()).range(2, 4), &[18, 17, 16]).await;
    c.ordered(
        "order(role desc, id desc) limit 2 offset 1",
        t().order("role", Order::desc()).order("id", Order::desc()).limit(2).offset(1),
        &[19, 18],
    )
    .await;
    c.ordered(
        "order(\"a.b, c\" asc nullslast, id desc)",
        t().order("a.b, c", Order::asc().nulls_last()).order("id", Order::desc()).limit(3),
        &[2, 1, 20],
    )
    .await;
    c.finish();

    let page = t().like("name", "a*").order("id", Order::asc()).range(0, 1).count_exact().fetch::<Row>().await.unwrap();
    assert_eq!((page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), page.total), (vec![2, 13], Some(5)));
    let page = t().eq("name", "a,b").count_exact().fetch::<Row>().await.unwrap();
    assert_eq!((page.rows.len(), page.total), (1, Some(1)));

    let people = || db.client.mysqldb().from("people");
    assert_eq!(people().count().like("name", "a*").send().await.unwrap(), 5);
    assert_eq!(people().count().eq("name", "x),or=(role.eq.admin").send().await.unwrap(), 1);
    assert_eq!(people().count().in_("name", ["a", "b"]).send().await.unwrap(), 2);

    #[derive(Debug, Deserialize, PartialEq)]
    struct Person {
        id: i64,
        name: Option<String>,
    }
    let one: Person = t().eq("name", "李白").single().await.unwrap();
    assert_eq!(one, Person { id: 9, name: Some("李白".into()) });
    let one: Person = t().eq("name", "a,b").single().await.unwrap();
    assert_eq!(one, Person { id: 2, name: Some("a,b".into()) });
    let none = t().eq("name", "nobody").single::<Person>().await.unwrap_err();
    assert_eq!(none.status(), Some(406), "{none}");
    let several = t().like("name", "a*").single::<Person>().await.unwrap_err();
    assert_eq!(several.status(), Some(406), "{several}");
}

#[tokio::test]
async fn inserts_updates_and_deletes_round_trip() {
    let db = db().await;
    let people = || db.client.mysqldb().from("people");

    #[derive(Debug, Deserialize, PartialEq)]
    struct Person {
        id: i64,
        name: Option<String>,
        role: String,
    }
    let written: Vec<Person> = people()
        .insert(json!([
            {"id": 100, "name": "new,\"row\"", "role": "user"},
            {"id": 101, "name": "x),or=(role.eq.admin", "role": "guest"},
        ]))
        .returning()
        .await
        .unwrap();
    assert_eq!(written.len(), 2);
    assert_eq!(written[0], Person { id: 100, name: Some("new,\"row\"".into()), role: "user".into() });
    people().insert(json!({"id": 102, "name": "a,b", "role": "guest"})).execute().await.unwrap();

    let changed: Vec<Person> =
        people().update(json!({"role": "editor"})).eq("name", "new,\"row\"").returning().await.unwrap();
    assert_eq!(changed, [Person { id: 100, name: Some("new,\"row\"".into()), role: "editor".into() }]);
    // A hostile value updates only its own rows (4 and 101), never the admin.
    people().update(json!({"num": 0})).eq("name", "x),or=(role.eq.admin").execute().await.unwrap();
    let zero = sql_ids(&db, "SELECT id FROM people WHERE num = 0 ORDER BY id").await;
    assert_eq!(zero, [4, 101]);
    people().update(json!({"role": "guest"})).in_("name", ["a,b", "Li Bai"]).execute().await.unwrap();
    let guests = sql_ids(&db, "SELECT id FROM people WHERE role = 'guest' ORDER BY id").await;
    assert_eq!(guests, [1, 2, 101, 102]);

    let upserted: Vec<Person> = people()
        .insert(json!({"id": 102, "name": "a,b,c", "role": "guest"}))
        .upsert(Resolution::MergeDuplicates)
        .returning()
        .await
        .unwrap();
    assert_eq!(upserted, [Person { id: 102, name: Some("a,b,c".into()), role: "guest".into() }]);

    let deleted: Vec<Person> = people().delete().eq("role", "guest").eq("name", "a,b").returning().await.unwrap();
    assert_eq!(deleted.iter().map(|p| p.id).collect::<Vec<_>>(), [2]);
    people().delete().or(|g| g.eq("name", "new,\"row\"").eq("name", "a,b,c")).execute().await.unwrap();
    people().delete().eq("name", "x),or=(role.eq.admin").eq("role", "guest").execute().await.unwrap();
    let left = sql_ids(&db, "SELECT id FROM people ORDER BY id").await;
    assert_eq!(left, all_but(&[2]), "only the rows the filters named are gone; the admin row is still there");
}

#[tokio::test]
async fn an_upsert_merges_on_the_unique_column_it_names_and_rows_may_differ_in_keys() {
    let db = db().await;
    db.sql
        .batch_execute("CREATE TABLE enrolled (id serial PRIMARY KEY, student_no text UNIQUE, name text, grade int)")
        .await
        .unwrap();
    let enrolled = || db.client.mysqldb().from("enrolled");
    // Rows with other keys: `columns` names their union, a missing key is NULL.
    enrolled()
        .insert(json!([{"student_no": "S-1", "name": "Li Bai"}, {"student_no": "S-2", "grade": 3}]))
        .execute()
        .await
        .unwrap();
    // On the unique column, not the (serial) primary key the rows do not carry.
    enrolled()
        .insert(json!([{"student_no": "S-1", "name": "Li Bai", "grade": 5}, {"student_no": "S-3", "name": "Du Fu", "grade": 4}]))
        .upsert(Resolution::MergeDuplicates)
        .on_conflict(["student_no"])
        .execute()
        .await
        .unwrap();
    let rows = db.sql.query("SELECT student_no, name, grade FROM enrolled ORDER BY student_no", &[]).await.unwrap();
    let rows: Vec<(String, Option<String>, Option<i32>)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(
        rows,
        [
            ("S-1".to_owned(), Some("Li Bai".to_owned()), Some(5)),
            ("S-2".to_owned(), None, Some(3)),
            ("S-3".to_owned(), Some("Du Fu".to_owned()), Some(4)),
        ]
    );
    // Without on_conflict the conflict is on the primary key, so the unique column refuses it.
    let error = enrolled()
        .insert(json!([{"student_no": "S-2", "grade": 6}]))
        .upsert(Resolution::MergeDuplicates)
        .execute()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(409), "{error}");
}

async fn sql_ids(db: &Db, query: &str) -> Vec<i64> {
    db.sql.query(query, &[]).await.unwrap().iter().map(|r| i64::from(r.get::<_, i32>(0))).collect()
}

/// The server follows PostgREST's grammar, not the builder's: a check of the test server with
/// hand-written query strings from PostgREST's documentation and measured behaviour.
#[tokio::test]
async fn the_test_server_reads_the_postgrest_grammar() {
    let db = db().await;
    let raw = |pairs: &[(&str, &str)]| {
        let filters: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        db.client.mysqldb().query_records().table("people").select("id").filters(filters).send()
    };
    let ids = |reply: cloudbase_api::Response<cloudbase_api::mysqldb::QueryRecordsResponse>| -> Vec<i64> {
        match reply.into_inner() {
            cloudbase_api::mysqldb::QueryRecordsResponse::OkJson(rows) => {
                let mut ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
                ids.sort();
                ids
            }
            other => panic!("{other:?}"),
        }
    };
    // A top-level operand is taken literally, quotes included.
    assert_eq!(ids(raw(&[("name", "eq.a,b")]).await.unwrap()), [2]);
    assert_eq!(ids(raw(&[("name", "eq.\"a,b\"")]).await.unwrap()), Vec::<i64>::new());
    assert_eq!(ids(raw(&[("name", "eq.\"quoted\"")]).await.unwrap()), [5]);
    assert_eq!(ids(raw(&[("name", "eq.x),or=(role.eq.admin")]).await.unwrap()), [4]);
    // `*` is the URL form of LIKE's `%`: the same rows as the SQL.
    let like = sql_ids(&db, "SELECT id FROM people WHERE name LIKE 'a%' ORDER BY id").await;
    assert_eq!(ids(raw(&[("name", "like.a*")]).await.unwrap()), like);
    assert_eq!(ids(raw(&[("name", "like.a%")]).await.unwrap()), like);
    // In a list, quotes are syntax: `in.(a,b)` is two values, `in.("a,b")` one.
    assert_eq!(ids(raw(&[("name", "in.(a,b)")]).await.unwrap()), [13, 14]);
    assert_eq!(ids(raw(&[("name", "in.(\"a,b\")")]).await.unwrap()), [2]);
    assert_eq!(ids(raw(&[("name", "in.(\"\\\"quoted\\\"\",\"back\\\\slash\")")]).await.unwrap()), [5, 6]);
    // In a logic tree too; an unquoted `,` splits the tree and is refused (PGRST100).
    assert_eq!(ids(raw(&[("or", "(name.eq.\"a,b\",name.eq.b)")]).await.unwrap()), [2, 14]);
    let error = raw(&[("or", "(name.eq.a,b)")]).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(400), Some("PGRST100")), "{error}");
    let error = raw(&[("or", "(name.eq.a")]).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(400), Some("PGRST100")), "{error}");
    let error = raw(&[("name", "equals.a")]).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(400), Some("PGRST100")), "{error}");
    // Keys: a quoted column name; `"order"` is the column, `order` the parameter.
    assert_eq!(ids(raw(&[("\"order\"", "eq.20")]).await.unwrap()), [1]);
    assert_eq!(ids(raw(&[("\"a.b, c\"", "eq.v")]).await.unwrap()), [1, 2]);
    assert_eq!(ids(raw(&[("not.or", "(num.gte.2,name.is.null)")]).await.unwrap()), [1]);
    assert_eq!(
        ids(raw(&[("name", "not.in.(a,b,\"a,b\")"), ("num", "lt.15")]).await.unwrap()),
        all_but(&[2, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
    );
}

/// The test server's parser against the examples in PostgREST's own parser documentation
/// (the doctests of `QueryParams.hs`): the same inputs are accepted or refused, with the same
/// result.
#[test]
fn the_test_servers_parser_agrees_with_postgrest_doctests() {
    use postgrest::grammar::{self, Operation, P, R, ValueContext};
    fn parse<T>(parser: impl FnOnce(&mut P) -> R<T>, text: &str) -> Option<T> {
        parser(&mut P::new(text)).ok()
    }
    let name = |text: &str| parse(grammar::field_name, text);
    assert_eq!(name("identifier").as_deref(), Some("identifier"));
    assert_eq!(name("identifier with spaces").as_deref(), Some("identifier with spaces"));
    assert_eq!(name("identifier-with-dashes").as_deref(), Some("identifier-with-dashes"));
    assert_eq!(name("123").as_deref(), Some("123"));
    assert_eq!(name("_").as_deref(), Some("_"));
    assert_eq!(name("$").as_deref(), Some("$"));
    assert_eq!(name(":"), None);
    assert_eq!(name("\":\"").as_deref(), Some(":"));
    assert_eq!(name(" no leading or trailing spaces ").as_deref(), Some("no leading or trailing spaces"));
    assert_eq!(name("\" leading and trailing spaces \"").as_deref(), Some(" leading and trailing spaces "));

    let path = |text: &str| parse(grammar::json_path, text);
    let step = |text: bool, operand: grammar::JsonOperand| vec![grammar::JsonStep { text, operand }];
    let (key, index) =
        (|k: &str| grammar::JsonOperand::Key(k.to_owned()), |i: &str| grammar::JsonOperand::Index(i.to_owned()));
    assert_eq!(path("->text"), Some(step(false, key("text"))));
    assert_eq!(path("->!@#$%^&*_a"), Some(step(false, key("!@#$%^&*_a"))));
    assert_eq!(path("->1"), Some(step(false, index("+1"))));
    assert_eq!(path("->>text"), Some(step(true, key("text"))));
    assert_eq!(path("->>!@#$%^&*_a"), Some(step(true, key("!@#$%^&*_a"))));
    assert_eq!(path("->>1"), Some(step(true, index("+1"))));
    assert_eq!(path("->0,other"), Some(step(false, index("+0"))));
    assert_eq!(path("->0.desc"), Some(step(false, index("+0"))));
    assert_eq!(path("->>-1"), Some(step(true, index("-1"))));
    assert_eq!(path("->\"1\""), Some(step(false, key("1"))));
    for bad in ["->>-78xy", "->>--34", "->>-xy-4"] {
        assert_eq!(path(bad), None, "{bad}");
    }

    let op = |text: &str| parse(|p| grammar::op_expr(p, ValueContext::TopLevel), text);
    let quant = |negated: bool, quantifier: Option<&'static str>| {
        Some((negated, Operation::Quant { op: "=", like: false, quantifier, value: "value".to_owned() }))
    };
    assert_eq!(op("eq(any).value"), quant(false, Some("ANY")));
    assert_eq!(op("eq(all).value"), quant(false, Some("ALL")));
    assert_eq!(op("not.eq(all).value"), quant(true, Some("ALL")));
    assert_eq!(
        op("eq.1"),
        Some((false, Operation::Quant { op: "=", like: false, quantifier: None, value: "1".to_owned() }))
    );
    for bad in ["fts().value", "eq().value", "is().value", "in().value", "val", "noop.0"] {
        assert_eq!(op(bad), None, "{bad}");
    }

    let order = |text: &str| parse(grammar::order, text);
    let term = &order("name.desc.nullsfirst").unwrap()[0];
    assert_eq!((term.field.name.as_str(), term.descending, term.nulls_first), ("name", Some(true), Some(true)));
    let term = &order("json_col->key.asc.nullslast").unwrap()[0];
    assert_eq!(
        (term.field.json_path.clone(), term.descending, term.nulls_first),
        (
            vec![grammar::JsonStep { text: false, operand: grammar::JsonOperand::Key("key".to_owned()) }],
            Some(false),
            Some(false)
        )
    );
    let term = &order("clients(json_col->key).desc.nullsfirst").unwrap()[0];
    assert_eq!((term.relation.as_deref(), term.field.name.as_str()), (Some("clients"), "json_col"));
    let terms = order("name,clients(name),id").unwrap();
    assert_eq!(terms.iter().map(|t| t.relation.is_some()).collect::<Vec<_>>(), [false, true, false]);
    for bad in [
        "clients(name,id)",
        "id.ac",
        "id.descc",
        "id.nulsfist",
        "id.nullslasttt",
        "id.smth34",
        "id.asc.nlsfst",
        "id.asc.nullslasttt",
        "id.asc.smth34",
    ] {
        assert!(order(bad).is_none(), "{bad}");
    }

    let tree = |text: &str| parse(grammar::logic_tree, text);
    for bad in [
        "or()",
        "or(id.in.1,2,id.eq.3)",
        "or)(",
        "and(ord(id.eq.1,id.eq.1),id.eq.2)",
        "or(id.eq.1,not.xor(id.eq.2,id.eq.3))",
    ] {
        assert!(tree(bad).is_none(), "{bad}");
    }
    assert!(tree("or(id.eq.1,not.and(id.eq.2,id.in.(3,4)))").is_some());
}

/// PostgREST's own test fixtures (`test/spec/fixtures/schema.sql` and `data.sql`): the tables
/// its embedding specs read, with their rows, foreign keys and constraint names.
async fn fixtures() -> Db {
    let cluster = Cluster::shared();
    let database = cluster.database().await;
    let sql = cluster.connect(&database).await;
    sql.batch_execute(
        "CREATE TABLE clients (id integer primary key, name text NOT NULL);
         CREATE TABLE projects (id integer primary key, name text NOT NULL, client_id integer REFERENCES clients(id));
         ALTER TABLE projects RENAME CONSTRAINT projects_client_id_fkey TO client;
         CREATE TABLE tasks (id integer primary key, name text NOT NULL, project_id integer REFERENCES projects(id));
         ALTER TABLE tasks RENAME CONSTRAINT tasks_project_id_fkey TO project;
         CREATE TABLE entities (id integer primary key, name text, arr integer[], text_search_vector tsvector);
         CREATE TABLE child_entities (id integer primary key, name text, parent_id integer references entities(id));
         CREATE TABLE grandchild_entities (id integer primary key, name text, parent_id integer references child_entities(id),
           or_starting_col text, and_starting_col text, jsonb_col jsonb);
         CREATE TABLE agents (id int primary key, name text, department_id int);
         CREATE TABLE departments (id int primary key, name text, head_id int references agents(id));
         ALTER TABLE agents ADD CONSTRAINT agents_department_id_fkey foreign key (department_id) REFERENCES departments(id);
         INSERT INTO clients VALUES (1, 'Microsoft'), (2, 'Apple');
         INSERT INTO projects VALUES (1, 'Windows 7', 1), (2, 'Windows 10', 1), (3, 'IOS', 2), (4, 'OSX', 2), (5, 'Orphan', NULL);
         INSERT INTO tasks VALUES (1, 'Design w7', 1), (2, 'Code w7', 1), (3, 'Design w10', 2), (4, 'Code w10', 2),
           (5, 'Design IOS', 3), (6, 'Code IOS', 3), (7, 'Design OSX', 4), (8, 'Code OSX', 4);
         INSERT INTO entities VALUES (1, 'entity 1', '{1}', '''bar'':2 ''foo'':1'), (2, 'entity 2', '{1,2}', '''baz'':1 ''qux'':2'),
           (3, 'entity 3', '{1,2,3}', null), (4, null, null, null);
         INSERT INTO child_entities VALUES (1, 'child entity 1', 1), (2, 'child entity 2', 1), (3, 'child entity 3', 2),
           (4, 'child entity 4', 1), (5, 'child entity 5', 1), (6, 'child entity 6', 2);
         INSERT INTO grandchild_entities VALUES (1, 'grandchild entity 1', 1, null, null, null),
           (2, 'grandchild entity 2', 1, null, null, null), (3, 'grandchild entity 3', 2, null, null, null),
           (4, '(grandchild,entity,4)', 2, null, null, '{\"a\": {\"b\":\"foo\"}}'), (5, '(grandchild,entity,5)', 2, null, null, '{\"b\":\"bar\"}');
         INSERT INTO agents (id, name) VALUES (1, 'agent 1'), (2, 'agent 2'), (3, 'agent 3'), (4, 'agent 4');
         INSERT INTO departments (id, name, head_id) VALUES (1, 'dep 1', 1), (2, 'dep 3', 3);
         UPDATE agents SET department_id = 1 WHERE id in (1, 2);
         UPDATE agents SET department_id = 2 WHERE id in (3, 4);",
    )
    .await
    .unwrap();
    let shim = Shim::start(cluster.connect(&database).await).await;
    let client = postgrest::client(&shim);
    Db { _shim: shim, client, sql, _cluster: cluster }
}

/// A read with the query pairs as they are (`select` among them) and `Prefer: count=exact`:
/// the rows as JSON and the `Content-Range`, or the error.
async fn raw_read(
    db: &Db,
    table: &str,
    pairs: &[(&str, &str)],
) -> Result<(serde_json::Value, String), cloudbase_api::Error> {
    let mut pairs: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let mut builder = db.client.mysqldb().query_records().table(table).prefer("count=exact");
    if let Some(select) = pairs.remove("select") {
        builder = builder.select(select);
    }
    let reply = builder.filters(pairs).send().await?;
    let range = reply.headers().get("content-range").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    match reply.into_inner() {
        cloudbase_api::mysqldb::QueryRecordsResponse::OkJson(rows)
        | cloudbase_api::mysqldb::QueryRecordsResponse::PartialContentJson(rows) => {
            Ok((serde_json::to_value(rows).unwrap(), range))
        }
        other => panic!("{other:?}"),
    }
}

/// The test server embeds as PostgREST does: each case is a request of PostgREST's own specs
/// (`test/spec/Feature/Query/*Spec.hs`, the file and line given) on its fixtures, with the
/// rows and `Content-Range` (the count of the same request) the spec expects.
#[tokio::test]
async fn the_test_server_embeds_as_postgrest_specifies() {
    let db = fixtures().await;
    /// The spec and line, the table, the query pairs, the rows, the `Content-Range`.
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], serde_json::Value, &'a str);
    let cases: &[Case] = &[
        (
            "EmbedInnerJoinSpec:19",
            "projects",
            &[("select", "id,clients!inner(id)")],
            json!([{"id":1,"clients":{"id":1}}, {"id":2,"clients":{"id":1}}, {"id":3,"clients":{"id":2}}, {"id":4,"clients":{"id":2}}]),
            "0-3/4",
        ),
        (
            "EmbedInnerJoinSpec:24",
            "projects",
            &[("select", "id,clients!left(id)")],
            json!([{"id":1,"clients":{"id":1}}, {"id":2,"clients":{"id":1}}, {"id":3,"clients":{"id":2}}, {"id":4,"clients":{"id":2}}, {"id":5,"clients":null}]),
            "0-4/5",
        ),
        (
            "EmbedInnerJoinSpec:36",
            "projects",
            &[("select", "id,clients!inner(id)"), ("clients.id", "eq.1")],
            json!([{"id":1,"clients":{"id":1}}, {"id":2,"clients":{"id":1}}]),
            "0-1/2",
        ),
        (
            "EmbedInnerJoinSpec:46",
            "projects",
            &[("select", "id,clients!inner(id)"), ("clients.id", "eq.0")],
            json!([]),
            "*/0",
        ),
        (
            "EmbedInnerJoinSpec:57",
            "tasks",
            &[("select", "id,projects!inner(id,clients!inner(id))"), ("projects.clients.id", "eq.1")],
            json!([{"id":1,"projects":{"id":1,"clients":{"id":1}}}, {"id":2,"projects":{"id":1,"clients":{"id":1}}},
                {"id":3,"projects":{"id":2,"clients":{"id":1}}}, {"id":4,"projects":{"id":2,"clients":{"id":1}}}]),
            "0-3/4",
        ),
        (
            "EmbedInnerJoinSpec:79",
            "tasks",
            &[("select", "id,projects(id,clients!inner(id))"), ("projects.clients.id", "eq.2"), ("order", "id")],
            json!([{"id":1,"projects":null}, {"id":2,"projects":null}, {"id":3,"projects":null}, {"id":4,"projects":null},
                {"id":5,"projects":{"id":3,"clients":{"id":2}}}, {"id":6,"projects":{"id":3,"clients":{"id":2}}},
                {"id":7,"projects":{"id":4,"clients":{"id":2}}}, {"id":8,"projects":{"id":4,"clients":{"id":2}}}]),
            "0-7/8",
        ),
        (
            "EmbedInnerJoinSpec:111",
            "entities",
            &[("select", "id,child_entities!inner(id)")],
            json!([{"id":1,"child_entities":[{"id":1}, {"id":2}, {"id":4}, {"id":5}]}, {"id":2,"child_entities":[{"id":3}, {"id":6}]}]),
            "0-1/2",
        ),
        (
            "EmbedInnerJoinSpec:116",
            "entities",
            &[("select", "id,child_entities!left(id)")],
            json!([{"id":1,"child_entities":[{"id":1}, {"id":2}, {"id":4}, {"id":5}]}, {"id":2,"child_entities":[{"id":3}, {"id":6}]},
                {"id":3,"child_entities":[]}, {"id":4,"child_entities":[]}]),
            "0-3/4",
        ),
        (
            "EmbedInnerJoinSpec:133",
            "entities",
            &[("select", "id,child_entities!inner(id)"), ("child_entities.id", "eq.3")],
            json!([{"id":2,"child_entities":[{"id":3}]}]),
            "0-0/1",
        ),
        (
            "EmbedInnerJoinSpec:318",
            "projects",
            &[("select", "id,clients!client!inner(id)"), ("clients.id", "eq.2")],
            json!([{"id":3,"clients":{"id":2}}, {"id":4,"clients":{"id":2}}]),
            "0-1/2",
        ),
        (
            "EmbedInnerJoinSpec:321",
            "projects",
            &[("select", "id,client!inner(id)"), ("client.id", "eq.2")],
            json!([{"id":3,"client":{"id":2}}, {"id":4,"client":{"id":2}}]),
            "0-1/2",
        ),
        (
            "QuerySpec:524",
            "clients",
            &[("select", "id,projects(id,tasks(id,name))"), ("projects.tasks.name", "like.Design*")],
            json!([{"id":1,"projects":[{"id":1,"tasks":[{"id":1,"name":"Design w7"}]},{"id":2,"tasks":[{"id":3,"name":"Design w10"}]}]},
                {"id":2,"projects":[{"id":3,"tasks":[{"id":5,"name":"Design IOS"}]},{"id":4,"tasks":[{"id":7,"name":"Design OSX"}]}]}]),
            "0-1/2",
        ),
        (
            "QuerySpec:1155",
            "projects",
            &[("id", "eq.1"), ("select", "id, name, tasks(id, name)"), ("tasks.order", "name.asc")],
            json!([{"id":1,"name":"Windows 7","tasks":[{"id":2,"name":"Code w7"},{"id":1,"name":"Design w7"}]}]),
            "0-0/1",
        ),
        (
            "QuerySpec:1160",
            "projects",
            &[("id", "eq.1"), ("select", "id, name, the_tasks:tasks(id, name)"), ("the_tasks.order", "name.asc")],
            json!([{"id":1,"name":"Windows 7","the_tasks":[{"id":2,"name":"Code w7"},{"id":1,"name":"Design w7"}]}]),
            "0-0/1",
        ),
        (
            "QuerySpec:1170",
            "projects",
            &[("id", "eq.1"), ("select", "id, name, clients(id, name)"), ("clients.order", "name.asc")],
            json!([{"id":1,"name":"Windows 7","clients":{"id":1,"name":"Microsoft"}}]),
            "0-0/1",
        ),
        (
            "QuerySpec:1450",
            "projects",
            &[("select", "id,name,clients!inner()"), ("clients.id", "eq.2")],
            json!([{"id":3,"name":"IOS"}, {"id":4,"name":"OSX"}]),
            "0-1/2",
        ),
        (
            "QuerySpec:1460",
            "clients",
            &[("select", "id,name,projects!inner()"), ("projects.name", "eq.IOS")],
            json!([{"id":2,"name":"Apple"}]),
            "0-0/1",
        ),
        (
            "RangeSpec:203",
            "clients",
            &[
                ("select", "id,projects(id,tasks(id))"),
                ("order", "id.asc"),
                ("limit", "1"),
                ("projects.order", "id.asc"),
                ("projects.limit", "2"),
                ("projects.tasks.order", "id.asc"),
                ("projects.tasks.limit", "1"),
            ],
            json!([{"id":1,"projects":[{"id":1,"tasks":[{"id":1}]},{"id":2,"tasks":[{"id":3}]}]}]),
            "0-0/2",
        ),
        (
            "RangeSpec:227",
            "clients",
            &[
                ("select", "id,projects(id,tasks(id))"),
                ("order", "id.asc.nullslast"),
                ("limit", "1"),
                ("projects.order", "id.asc.nullsfirst"),
                ("projects.limit", "2"),
            ],
            json!([{"id":1,"projects":[{"id": 1, "tasks": [{"id": 1}, {"id": 2}]}, {"id": 2, "tasks": [{"id": 3}, {"id": 4}]}]}]),
            "0-0/2",
        ),
        (
            "AndOrParamsSpec:28",
            "entities",
            &[("child_entities.or", "(id.eq.1,name.eq.child entity 2)"), ("select", "id,child_entities(id)")],
            json!([{"id": 1, "child_entities": [{"id": 1}, {"id": 2}]}, {"id": 2, "child_entities": []},
                {"id": 3, "child_entities": []}, {"id": 4, "child_entities": []}]),
            "0-3/4",
        ),
        (
            "AndOrParamsSpec:35",
            "entities",
            &[
                ("child_entities.grandchild_entities.or", "(id.eq.1,id.eq.2)"),
                ("select", "id,child_entities(id,grandchild_entities(id))"),
            ],
            json!([{"id": 1, "child_entities": [{"id": 1, "grandchild_entities": [{"id": 1}, {"id": 2}]}, {"id": 2, "grandchild_entities": []},
                  {"id": 4, "grandchild_entities": []}, {"id": 5, "grandchild_entities": []}]},
                {"id": 2, "child_entities": [{"id": 3, "grandchild_entities": []}, {"id": 6, "grandchild_entities": []}]},
                {"id": 3, "child_entities": []}, {"id": 4, "child_entities": []}]),
            "0-3/4",
        ),
        (
            "QuerySpec:1065",
            "entities",
            &[
                ("select", "id,children:child_entities(id,gChildren:grandchild_entities(id))"),
                ("children.and", "(id.in.(1,2,3))"),
                ("children.gChildren.or", "(id.eq.1,id.eq.2)"),
            ],
            json!([{"id": 1, "children": [{"id": 1, "gChildren": [{"id": 1}, {"id": 2}]}, {"id": 2, "gChildren": []}]},
                {"id": 2, "children": [{"id": 3, "gChildren": []}]}, {"id": 3, "children": []}, {"id": 4, "children": []}]),
            "0-3/4",
        ),
        // The two foreign keys between agents and departments, each named by its constraint
        // (EmbedDisambiguationSpec:46's hint).
        (
            "EmbedDisambiguationSpec:61",
            "agents",
            &[("select", "id,departments!departments_head_id_fkey(id)"), ("order", "id")],
            json!([{"id":1,"departments":[{"id":1}]}, {"id":2,"departments":[]}, {"id":3,"departments":[{"id":2}]}, {"id":4,"departments":[]}]),
            "0-3/4",
        ),
        (
            "EmbedDisambiguationSpec:61",
            "agents",
            &[("select", "id,departments!agents_department_id_fkey(id)"), ("order", "id")],
            json!([{"id":1,"departments":{"id":1}}, {"id":2,"departments":{"id":1}}, {"id":3,"departments":{"id":2}}, {"id":4,"departments":{"id":2}}]),
            "0-3/4",
        ),
    ];
    let mut failures = Vec::new();
    for (label, table, pairs, rows, range) in cases {
        match raw_read(&db, table, pairs).await {
            Ok((got, got_range)) if (&got, got_range.as_str()) == (rows, *range) => {}
            Ok((got, got_range)) => failures.push(format!("{label}: got {got} {got_range}, expected {rows} {range}")),
            Err(e) => failures.push(format!("{label}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), cases.len(), failures.join("\n"));

    // Refusals, with PostgREST's status and code.
    type Refusal<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], u16, &'a str);
    let refusals: &[Refusal] = &[
        (
            "QuerySpec:529",
            "clients",
            &[("select", "*"), ("non_existent_projects.name", "like.*NonExistent*")],
            400,
            "PGRST108",
        ),
        (
            "QuerySpec:1710",
            "projects",
            &[("id", "eq.1"), ("select", "id, name, the_tasks:tasks(id, name)"), ("tasks.name", "like.Code*")],
            400,
            "PGRST108",
        ),
        ("EmbedDisambiguationSpec:46", "agents", &[("select", "*,departments(*)")], 300, "PGRST201"),
        ("no relationship", "clients", &[("select", "*,agents(*)")], 400, "PGRST200"),
        ("pRelationSelect", "clients", &[("select", "id,projects(id")], 400, "PGRST100"),
    ];
    for (label, table, pairs, status, code) in refusals {
        let error = raw_read(&db, table, pairs).await.expect_err(label);
        assert_eq!((error.status(), error.code()), (Some(*status), Some(*code)), "{label}: {error}");
    }
}

/// The embedded rows of `select` as JSON, with the total (`count_exact`).
async fn embedded(select: Select) -> (serde_json::Value, Option<u64>) {
    let page = select.count_exact().fetch::<serde_json::Value>().await.unwrap();
    (serde_json::Value::Array(page.rows), page.total)
}

fn cols(names: &[&str]) -> SelectList {
    names.iter().fold(SelectList::new(), |list, name| list.column(*name))
}

/// Embedded resources through the builder: `!inner` joins, filters, logic groups, order and
/// ranges on a referenced table, at two levels, by alias and by hint; the expected rows are
/// those of PostgREST's specs for the same requests (`the_test_server_embeds_as_postgrest_specifies`).
#[tokio::test]
async fn embedded_resources_filter_order_and_page_on_the_referenced_table() {
    let db = fixtures().await;
    let from = |table: &str| db.client.mysqldb().from(table);

    // EmbedInnerJoinSpec:36: projects whose client is 1.
    let select = from("projects")
        .select(cols(&["id"]).embed(Embed::new("clients").inner().select(cols(&["id"]))))
        .on("clients", |c| c.eq("id", 1));
    assert_eq!(embedded(select).await, (json!([{"id":1,"clients":{"id":1}}, {"id":2,"clients":{"id":1}}]), Some(2)));

    // EmbedInnerJoinSpec:57: two levels of inner joins, filtered at the second.
    let projects =
        Embed::new("projects").inner().select(cols(&["id"]).embed(Embed::new("clients").inner().select(cols(&["id"]))));
    let select = from("tasks")
        .select(cols(&["id"]).embed(projects))
        .on("projects", |p| p.on("clients", |c| c.eq("id", 1)))
        .order("id", Order::asc());
    let (rows, total) = embedded(select).await;
    assert_eq!(
        (rows.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), total),
        (vec![1, 2, 3, 4], Some(4))
    );

    // RangeSpec:203: order and limit at three levels.
    let select =
        from("clients").select("id,projects(id,tasks(id))").order("id", Order::asc()).limit(1).on("projects", |p| {
            p.order("id", Order::asc()).limit(2).on("tasks", |t| t.order("id", Order::asc()).limit(1))
        });
    assert_eq!(
        embedded(select).await,
        (json!([{"id":1,"projects":[{"id":1,"tasks":[{"id":1}]},{"id":2,"tasks":[{"id":3}]}]}]), Some(2))
    );

    // Offset and range on the referenced table: the second project of each client, newest first.
    let select = from("clients")
        .select(cols(&["id"]).embed(Embed::new("projects").select(cols(&["id"]))))
        .order("id", Order::asc())
        .on("projects", |p| p.order("id", Order::desc()).range(1, 1));
    assert_eq!(
        embedded(select).await,
        (json!([{"id":1,"projects":[{"id":1}]}, {"id":2,"projects":[{"id":3}]}]), Some(2))
    );
    let select = from("clients")
        .select("id,projects(id)")
        .order("id", Order::asc())
        .on("projects", |p| p.order("id", Order::asc()).offset(1));
    assert_eq!(
        embedded(select).await,
        (json!([{"id":1,"projects":[{"id":2}]}, {"id":2,"projects":[{"id":4}]}]), Some(2))
    );

    // AndOrParamsSpec:28: an or group on the referenced table (a value with a space).
    let select = from("entities")
        .select("id,child_entities(id)")
        .order("id", Order::asc())
        .on("child_entities", |c| c.or(|g| g.eq("id", 1).eq("name", "child entity 2")).order("id", Order::asc()));
    assert_eq!(
        embedded(select).await.0,
        json!([{"id": 1, "child_entities": [{"id": 1}, {"id": 2}]}, {"id": 2, "child_entities": []},
               {"id": 3, "child_entities": []}, {"id": 4, "child_entities": []}])
    );
    // Two conditions on one column of the referenced table go as one `and` group.
    let select = from("entities")
        .select("id,child_entities!inner(id)")
        .on("child_entities", |c| c.gt("id", 1).lt("id", 4).order("id", Order::asc()));
    assert_eq!(
        embedded(select).await,
        (json!([{"id":1,"child_entities":[{"id":2}]}, {"id":2,"child_entities":[{"id":3}]}]), Some(2))
    );

    // QuerySpec:1160: by alias; QuerySpec:1460: joined and filtered but not shown.
    let select = from("projects")
        .select(cols(&["id", "name"]).embed(Embed::new("tasks").alias("the_tasks").select(cols(&["id", "name"]))))
        .eq("id", 1)
        .on("the_tasks", |t| t.order("name", Order::asc()));
    assert_eq!(
        embedded(select).await.0,
        json!([{"id":1,"name":"Windows 7","the_tasks":[{"id":2,"name":"Code w7"},{"id":1,"name":"Design w7"}]}])
    );
    let select = from("clients")
        .select(cols(&["id", "name"]).embed(Embed::new("projects").inner().select(SelectList::new())))
        .on("projects", |p| p.eq("name", "IOS"));
    assert_eq!(embedded(select).await, (json!([{"id":2,"name":"Apple"}]), Some(1)));

    // EmbedDisambiguationSpec:46: the hint picks one of two foreign keys.
    let heads = Embed::new("departments").hint("departments_head_id_fkey").select(cols(&["id"]));
    let select = from("agents").select(cols(&["id"]).embed(heads)).order("id", Order::asc());
    assert_eq!(
        embedded(select).await.0,
        json!([{"id":1,"departments":[{"id":1}]}, {"id":2,"departments":[]}, {"id":3,"departments":[{"id":2}]}, {"id":4,"departments":[]}])
    );
    let ambiguous =
        from("agents").select(SelectList::all().embed(Embed::new("departments"))).fetch::<serde_json::Value>().await;
    assert_eq!(ambiguous.unwrap_err().status(), Some(300));
}

/// Awkward names through the builder: tables, columns, aliases and foreign keys named like
/// PostgREST's parameters and syntax (`or`, `order`, `limit`, `a.b`, `inner side`,
/// `leftover`) stay names, and values with syntax characters stay values.
#[tokio::test]
async fn embedding_names_and_values_are_quoted_as_postgrest_reads_them() {
    let db = fixtures().await;
    db.sql
        .batch_execute(
            "CREATE TABLE \"or\" (id int primary key, \"limit\" text);
             CREATE TABLE \"order\" (id int primary key, \"a.b\" text, \"or\" int, leftover int,
               CONSTRAINT \"inner side\" FOREIGN KEY (\"or\") REFERENCES \"or\"(id),
               CONSTRAINT leftover FOREIGN KEY (leftover) REFERENCES \"or\"(id));
             INSERT INTO \"or\" VALUES (1, 'x'), (2, 'y'), (3, 'z');
             INSERT INTO \"order\" VALUES (1, 'x),or=(id.eq.1', 1, 3), (2, 'a,b', 1, 2), (3, 'a,b', 2, 2), (4, 'c', 3, 1);",
        )
        .await
        .unwrap();
    let or = || db.client.mysqldb().from("or");
    let ids = |rows: &serde_json::Value, key: &str| -> Vec<Vec<i64>> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r[key].as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect())
            .collect()
    };
    // Through `"inner side"` (quoted: `!inner` would be the join type), by an alias `not x`.
    let orders = Embed::new("order").alias("not x").hint("inner side").inner().select(cols(&["id", "a.b"]));
    let select = or()
        .select(cols(&["id", "limit"]).embed(orders))
        .order("id", Order::asc())
        .on("not x", |o| o.eq("a.b", "a,b").order("id", Order::desc()));
    let (rows, total) = embedded(select).await;
    assert_eq!((ids(&rows, "not x"), total), (vec![vec![2], vec![3]], Some(2)));
    assert_eq!(rows[0]["limit"], "x");
    // A value that spells a logic tree stays one value, at the top and in a group.
    let orders = Embed::new("order").hint("inner side").inner().select(cols(&["id"]));
    let select = or().select(cols(&["id"]).embed(orders.clone())).on("order", |o| o.eq("a.b", "x),or=(id.eq.1"));
    assert_eq!(ids(&embedded(select).await.0, "order"), vec![vec![1]]);
    let select = or()
        .select(cols(&["id"]).embed(orders))
        .order("id", Order::asc())
        .on("order", |o| o.or(|g| g.eq("a.b", "x),or=(id.eq.1").eq("a.b", "c")).order("id", Order::asc()));
    assert_eq!(ids(&embedded(select).await.0, "order"), vec![vec![1], vec![4]]);
    // An alias holding `.` and a reserved word: its keys stay one path segment.
    let orders = Embed::new("order").alias("x.order").hint("inner side").select(cols(&["id"]));
    let select = or()
        .select(cols(&["id"]).embed(orders))
        .order("id", Order::asc())
        .on("x.order", |o| o.order("id", Order::desc()).limit(1));
    assert_eq!(ids(&embedded(select).await.0, "x.order"), vec![vec![2], vec![3], vec![4]]);
    // Through `leftover` (quoted: `!left` would be the join type).
    let orders = Embed::new("order").hint("leftover").select(cols(&["id"]));
    let select =
        or().select(cols(&["id"]).embed(orders)).order("id", Order::asc()).on("order", |o| o.order("id", Order::asc()));
    assert_eq!(ids(&embedded(select).await.0, "order"), vec![vec![4], vec![2, 3], vec![1]]);

    // What PostgREST cannot be told is refused before any I/O.
    let counted = or().select(SelectList::all().embed(Embed::new("count"))).fetch::<serde_json::Value>().await;
    assert!(matches!(counted, Err(cloudbase_api::Error::InvalidRequest { .. })), "{counted:?}");
    let negated = or()
        .select(SelectList::all().embed(Embed::new("order").alias("not").hint("leftover")))
        .on("not", |o| o.or(|g| g.eq("id", 1).eq("id", 2)))
        .fetch::<serde_json::Value>()
        .await;
    assert!(matches!(negated, Err(cloudbase_api::Error::InvalidRequest { .. })), "{negated:?}");
}

/// The ids of `select`, in the order read, and the total.
async fn id_page(select: Select) -> Result<(Vec<i64>, Option<u64>), cloudbase_api::Error> {
    let page = select.fetch::<Row>().await?;
    Ok((page.rows.iter().map(|r| r.id).collect(), page.total))
}

/// CSV and plans by content negotiation, and paging by the `Range` header: PostgREST's
/// `QuerySpec` ("should respond with CSV") and `RangeSpec` ("with range headers") cases on its
/// `items` (ids 1 to 15) and `simple_pk` fixtures, with the statuses and `Content-Range` they
/// expect.
#[tokio::test]
async fn reads_come_as_csv_or_a_plan_and_page_by_the_range_header() {
    let db = fixtures().await;
    db.sql
        .batch_execute(
            "CREATE TABLE items (id bigserial primary key);
             INSERT INTO items SELECT generate_series(1, 15);
             CREATE TABLE simple_pk (PRIMARY KEY (k), k character varying NOT NULL, extra character varying NOT NULL);
             INSERT INTO simple_pk VALUES ('xyyx', 'u'), ('xYYx', 'v');
             CREATE TABLE notes (id int primary key, body text);
             INSERT INTO notes VALUES (1, 'a,b'), (2, 'say \"hi\"'), (3, NULL);",
        )
        .await
        .unwrap();
    let from = |table: &str| db.client.mysqldb().from(table);

    // QuerySpec:1234; a value holding `,` or `"` is quoted as PostgreSQL writes a record, NULL empty.
    assert_eq!(from("simple_pk").select("*").order("k", Order::desc()).csv().await.unwrap(), "k,extra\nxyyx,u\nxYYx,v");
    let notes = from("notes").select("id,body").order("id", Order::asc()).csv().await.unwrap();
    assert_eq!(notes, "id,body\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,");

    // RangeSpec "with range headers": 0-1, open-ended, one item, truncation past the end.
    let items = || from("items").select("id").order("id", Order::asc());
    assert_eq!(id_page(items().range_header(0, 1)).await.unwrap(), (vec![1, 2], None));
    assert_eq!(id_page(items().range_header(0, 0)).await.unwrap(), (vec![1], None));
    assert_eq!(id_page(items().range_header(10, 100)).await.unwrap(), (vec![11, 12, 13, 14, 15], None));
    assert_eq!(id_page(items().range_header_from(13)).await.unwrap(), (vec![14, 15], None));
    // Counted, a partial range is 206 with the total; the header and limit/offset intersect.
    assert_eq!(id_page(items().range_header(0, 1).count_exact()).await.unwrap(), (vec![1, 2], Some(15)));
    assert_eq!(id_page(items().range_header(0, 9).offset(5).limit(2)).await.unwrap(), (vec![6, 7], None));
    let raw = |range: &str| {
        db.client.mysqldb().query_records().table("items").select("id").order("id").range_unit("items").range(range)
    };
    let reply = raw("0-1").prefer("count=exact").send().await.unwrap();
    assert_eq!(reply.headers()["content-range"], "0-1/15");
    assert!(
        matches!(reply.into_inner(), cloudbase_api::mysqldb::QueryRecordsResponse::PartialContentJson(ref rows) if rows.len() == 2)
    );
    let reply = raw("0-20").prefer("count=exact").send().await.unwrap();
    assert_eq!(reply.headers()["content-range"], "0-14/15");
    assert!(
        matches!(reply.into_inner(), cloudbase_api::mysqldb::QueryRecordsResponse::OkJson(ref rows) if rows.len() == 15)
    );
    // RangeSpec:105 and :134: an offside range, a start past the total.
    let offside = raw("1-0").send().await.unwrap_err();
    assert_eq!((offside.status(), offside.code()), (Some(416), Some("PGRST103")), "{offside}");
    let past = items().range_header(100, 199).count_exact().fetch::<Row>().await.unwrap_err();
    assert_eq!((past.status(), past.code()), (Some(416), Some("PGRST103")), "{past}");
    let backwards = items().range_header(1, 0).fetch::<Row>().await.unwrap_err();
    assert!(matches!(backwards, cloudbase_api::Error::InvalidRequest { .. }), "{backwards}");

    // Plans: JSON and text, the options reaching EXPLAIN (ANALYZE gives actual rows; VERBOSE
    // the output columns).
    let plan = items().eq("id", 3).explain_json(Explain::new()).await.unwrap();
    assert!(plan[0]["Plan"]["Node Type"].is_string(), "{plan}");
    assert!(plan[0]["Plan"].get("Actual Rows").is_none(), "{plan}");
    let analyzed = items().eq("id", 3).explain_json(Explain::new().analyze().buffers()).await.unwrap();
    assert!(analyzed[0]["Plan"]["Actual Rows"].is_number(), "{analyzed}");
    let text = items().eq("id", 3).explain_text(Explain::new().verbose()).await.unwrap();
    assert!(text.contains("Output:") && text.contains("items"), "{text}");
    let plain = items().eq("id", 3).explain_text(Explain::new()).await.unwrap();
    assert!(!plain.contains("Output:") && !plain.contains("actual time"), "{plain}");
}

/// `return=headers-only` answers the one inserted row's `Location` by its primary key
/// (PostgREST's `locationF`), and `missing_default()` gives the columns a row lacks their
/// default instead of NULL (`Prefer: missing=default`, `fromJsonBodyF`).
#[tokio::test]
async fn inserts_answer_their_location_and_missing_columns_take_defaults() {
    let db = fixtures().await;
    db.sql
        .batch_execute(
            "CREATE TABLE todo (id int primary key, title text, done boolean NOT NULL DEFAULT false, prio int DEFAULT 3);
             CREATE TABLE log (msg text);",
        )
        .await
        .unwrap();
    let todo = || db.client.mysqldb().from("todo");
    let location = todo().insert(json!({"id": 7, "title": "x", "done": true})).location().await.unwrap();
    assert_eq!(location.as_deref(), Some("/todo?id=eq.7"));
    let two = todo().insert(json!([{"id": 8, "done": true}, {"id": 9, "done": true}])).location().await.unwrap();
    assert_eq!(two, None);
    let no_key = db.client.mysqldb().from("log").insert(json!({"msg": "hi"})).location().await.unwrap();
    assert_eq!(no_key, None);

    // Without missing=default the absent `done` is NULL, which its NOT NULL refuses.
    let rows = json!([{"id": 1, "title": "a"}, {"id": 2, "title": "b", "done": true, "prio": 1}]);
    let refused = todo().insert(&rows).execute().await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    #[derive(Debug, Deserialize, PartialEq)]
    struct Todo {
        id: i64,
        done: bool,
        prio: Option<i64>,
    }
    let mut written: Vec<Todo> = todo().insert(&rows).missing_default().returning().await.unwrap();
    written.sort_by_key(|t| t.id);
    assert_eq!(written, [Todo { id: 1, done: false, prio: Some(3) }, Todo { id: 2, done: true, prio: Some(1) }]);
    // An upsert too: the merged row takes the defaults of the named columns it lacks (`prio`,
    // named by the other row); a column no row names (`done`) keeps its value.
    let merged: Vec<Todo> = todo()
        .insert(json!([{"id": 2, "title": "b2"}, {"id": 3, "title": "c", "prio": 5}]))
        .upsert(Resolution::MergeDuplicates)
        .missing_default()
        .returning()
        .await
        .unwrap();
    assert_eq!(merged.len(), 2);
    let row2: Todo = todo().select("id,done,prio").eq("id", 2).single().await.unwrap();
    assert_eq!(row2, Todo { id: 2, done: true, prio: Some(3) });
}
