//! The PostgREST query builder against a loopback server: the exact request for each documented
//! form, hostile values, and the decoding of the documented replies.

use crate::support::{Reply, TestServer, client};
use cloudbase_api::Error;
use cloudbase_api::rdb::{Is, Order, Resolution};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Student {
    id: i64,
    name: String,
}

#[tokio::test]
async fn a_select_with_filters_order_range_and_count() {
    let server = TestServer::start(|_| {
        Reply::json(200, json!([{"id": 1, "name": "李白"}, {"id": 2, "name": "杜甫"}]))
            .header("Content-Range", "0-1/57")
    })
    .await;
    let page = client(&server)
        .mysqldb()
        .from("students")
        .select("id,name,class_id(grade,class_number)")
        .gte("grade", 3)
        .ilike("name", "*bai*")
        .is("deleted_at", Is::Null)
        .in_("class", ["1A", "1B"])
        .not("status", "eq", "expelled")
        .or(|any| any.eq("status", "active").and(|all| all.lt("age", 18).gt("age", 6)))
        .order("grade", Order::desc().nulls_last())
        .order("id", Order::asc())
        .range(20, 29)
        .count_exact()
        .fetch::<Student>()
        .await
        .unwrap();
    assert_eq!(page.rows, [Student { id: 1, name: "李白".into() }, Student { id: 2, name: "杜甫".into() }]);
    assert_eq!(page.total, Some(57));
    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/v1/rdb/rest/students");
    assert_eq!(
        request.query(),
        "select=id%2Cname%2Cclass_id%28grade%2Cclass_number%29&limit=10&offset=20&order=grade.desc.nullslast%2Cid.asc\
         &class=in.%28%221A%22%2C%221B%22%29&deleted_at=is.null&grade=gte.3&name=ilike.%2Abai%2A\
         &or=%28status.eq.%22active%22%2Cand%28age.lt.%2218%22%2Cage.gt.%226%22%29%29&status=not.eq.expelled"
    );
    assert_eq!(request.header("prefer"), Some("count=exact"));
}

#[tokio::test]
async fn hostile_values_stay_values() {
    let server = TestServer::start(|_| Reply::json(200, json!([]))).await;
    client(&server)
        .mysqldb()
        .from("users")
        .select("*")
        .eq("name", "x),or=(role.eq.admin")
        .in_("tag", ["a,b", "c\"d", "e\\f"])
        .or(|any| any.eq("nick", "1.2:3").eq("bio", "%(x)%"))
        .fetch::<serde_json::Value>()
        .await
        .unwrap();
    let request = server.only_request();
    // Decoded, the filters read: name=eq.x),or=(role.eq.admin (a top-level operand is taken
    // literally to its end), tag=in.("a,b","c\"d","e\\f") and or=(nick.eq."1.2:3",bio.eq."%(x)%")
    // (inside a list or a group every value is quoted). The real-database tests in
    // rdb_postgres.rs check what PostgREST makes of them.
    let pairs: Vec<(String, String)> = request
        .query()
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect();
    assert!(pairs.contains(&("name".into(), "eq.x),or=(role.eq.admin".into())), "{pairs:?}");
    assert!(pairs.contains(&("tag".into(), "in.(\"a,b\",\"c\\\"d\",\"e\\\\f\")".into())), "{pairs:?}");
    assert!(pairs.contains(&("or".into(), "(nick.eq.\"1.2:3\",bio.eq.\"%(x)%\")".into())), "{pairs:?}");
    assert_eq!(pairs.len(), 4, "no filter was added by a value: {pairs:?}");
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn single_asks_for_the_object_form_and_a_406_is_an_api_error() {
    let server = TestServer::start(|_| {
        Reply::new(200).header("Content-Type", "application/vnd.pgrst.object+json").body(r#"{"id": 7, "name": "王维"}"#)
    })
    .await;
    let student: Student = client(&server).mysqldb().from("students").select("*").eq("id", 7).single().await.unwrap();
    assert_eq!(student, Student { id: 7, name: "王维".into() });
    assert_eq!(server.only_request().header("accept"), Some("application/vnd.pgrst.object+json"));

    let server = TestServer::start(|_| {
        Reply::json(406, json!({"code": "INVALID_REQUEST", "message": "JSON object requested, multiple (or no) rows returned", "requestId": "r1"}))
    })
    .await;
    let error = client(&server).mysqldb().from("students").select("*").single::<Student>().await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(406), Some("INVALID_REQUEST")));

    // The object form labelled `application/json` (servers do; postgrest-js reads it whatever the
    // label) is still the object asked for.
    let server = TestServer::start(|_| Reply::json(200, json!({"id": 7, "name": "王维"}))).await;
    let student: Student = client(&server).mysqldb().from("students").select("*").eq("id", 7).single().await.unwrap();
    assert_eq!(student, Student { id: 7, name: "王维".into() });

    // A server that ignores the object form and sends two rows.
    let server = TestServer::start(|_| Reply::json(200, json!([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]))).await;
    let error = client(&server).mysqldb().from("students").select("*").single::<Student>().await.unwrap_err();
    assert!(
        matches!(error, Error::Decode(_)) && error.to_string().contains("expected exactly one row, got 2"),
        "{error}"
    );
}

#[tokio::test]
async fn upserts_return_the_written_rows() {
    let server =
        TestServer::start(|_| Reply::json(201, json!([{"id": 1, "name": "李白"}])).header("Content-Range", "*/1"))
            .await;
    let written: Vec<Student> = client(&server)
        .mysqldb()
        .from_schema("school", "students")
        .insert(vec![Student { id: 1, name: "李白".into() }])
        .upsert(Resolution::MergeDuplicates)
        .returning()
        .await
        .unwrap();
    assert_eq!(written, [Student { id: 1, name: "李白".into() }]);
    let request = server.only_request();
    assert_eq!((request.method.as_str(), request.path()), ("POST", "/v1/rdb/rest/school/students"));
    assert_eq!(request.header("prefer"), Some("return=representation,resolution=merge-duplicates"));
    assert_eq!(request.json(), json!([{"id": 1, "name": "李白"}]));
    // Several rows name their columns, as postgrest-js inserts (`"id","name"`).
    assert_eq!(request.query(), "columns=%22id%22%2C%22name%22");
}

#[tokio::test]
async fn an_upsert_on_another_key_names_it_and_missing_columns_may_take_their_defaults() {
    let server = TestServer::start(|_| Reply::new(201)).await;
    client(&server)
        .mysqldb()
        .from("students")
        .insert(json!([{"student_no": "S-1", "name": "李白"}, {"student_no": "S-2", "grade": 3}]))
        .upsert(Resolution::MergeDuplicates)
        .on_conflict(["student_no", "select"])
        .missing_default()
        .execute()
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(request.header("prefer"), Some("return=minimal,resolution=merge-duplicates,missing=default"));
    let pairs: Vec<(String, String)> = request
        .query()
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (k.to_owned(), decode(v))
        })
        .collect();
    // Every key of the rows, each once (a row's keys in their map's order); a reserved word as a conflict column is quoted.
    assert_eq!(
        pairs,
        [
            ("columns".to_owned(), r#""name","student_no","grade""#.to_owned()),
            ("on_conflict".to_owned(), r#"student_no,"select""#.to_owned())
        ]
    );
    // on_conflict without an upsert means nothing to PostgREST: refused before any I/O.
    let error = client(&server).mysqldb().from("students").insert(json!({"a": 1})).on_conflict(["a"]).execute().await;
    assert!(matches!(error, Err(Error::InvalidRequest { .. })), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_minimal_insert_accepts_the_empty_201() {
    let server = TestServer::start(|_| Reply::new(201).header("Content-Range", "*/1")).await;
    client(&server)
        .mysqldb()
        .from_instance("db-1", "school", "students")
        .insert(Student { id: 3, name: "王维".into() })
        .upsert(Resolution::IgnoreDuplicates)
        .execute()
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(request.path(), "/v1/rdb/rest/db-1/school/students");
    assert_eq!(request.header("prefer"), Some("return=minimal,resolution=ignore-duplicates"));
    assert_eq!(request.json(), json!({"id": 3, "name": "王维"}));
}

#[tokio::test]
async fn updates_and_deletes_need_a_filter_or_all_rows() {
    let server = TestServer::start(|_| Reply::new(204)).await;
    let db = client(&server).mysqldb();
    let error = db.from("t").update(json!({"done": true})).execute().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "updateRecords", .. }), "{error:?}");
    let error = db.from("t").delete().execute().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "deleteRecords", .. }), "{error:?}");
    assert!(server.requests().is_empty());

    db.from("t").update(json!({"done": true})).eq("id", 1).execute().await.unwrap();
    db.from("t").delete().all_rows().execute().await.unwrap();
    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].query()), ("PATCH", "id=eq.1"));
    assert_eq!(requests[0].json(), json!({"done": true}));
    assert_eq!((requests[1].method.as_str(), requests[1].query()), ("DELETE", ""));
    assert_eq!(requests[1].header("prefer"), Some("return=minimal"));
}

#[tokio::test]
async fn deletes_can_return_the_deleted_rows() {
    let server = TestServer::start(|_| Reply::json(200, json!([{"id": 9, "name": "x"}]))).await;
    let deleted: Vec<Student> =
        client(&server).mysqldb().from("students").delete().eq("id", 9).returning().await.unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(server.only_request().header("prefer"), Some("return=representation"));
}

#[tokio::test]
async fn counts_read_the_content_range_total() {
    let server = TestServer::start(|_| Reply::new(200).header("Content-Range", "*/42")).await;
    let total = client(&server).mysqldb().from("students").count().gte("grade", 3).send().await.unwrap();
    assert_eq!(total, 42);
    let request = server.only_request();
    assert_eq!((request.method.as_str(), request.query()), ("HEAD", "grade=gte.3"));
    assert_eq!(request.header("prefer"), Some("count=exact"));
}

#[tokio::test]
async fn rows_that_do_not_fit_the_requested_type_are_decode_errors() {
    let server = TestServer::start(|request| {
        let rows = if request.path().ends_with("/two") {
            json!([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        } else {
            json!([{"id": "not a number", "name": "x"}])
        };
        Reply::json(200, rows).header("X-Request-Id", "req-42")
    })
    .await;
    let db = client(&server).mysqldb();
    let errors = [
        db.from("students").select("*").fetch::<Student>().await.unwrap_err(),
        db.from("students").select("*").single::<Student>().await.unwrap_err(),
        db.from("students").insert(json!({"id": 1})).returning::<Student>().await.unwrap_err(),
        db.rpc("f", json!({})).fetch::<Student>().await.unwrap_err(),
        db.from("two").select("*").maybe_single::<Student>().await.unwrap_err(),
    ];
    for error in errors {
        let Error::Decode(decode) = &error else { panic!("{error:?}") };
        // The reply's head stays with the error: its status, its headers, its request id.
        assert_eq!(error.request_id(), Some("req-42"), "{error}");
        assert_eq!(error.status(), Some(200), "{error}");
        assert!(decode.headers().contains_key("x-request-id"), "{error}");
    }
    let error = db.from("students").select("*").fetch::<Student>().await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert!(decode.body_snippet().contains("not a number"), "{error}");
}

#[derive(Debug, Deserialize, PartialEq)]
struct GradeSize {
    grade: i64,
    students: i64,
}

#[tokio::test]
async fn rpc_calls_the_function_with_its_arguments_filters_and_paging() {
    let server = TestServer::start(|_| {
        Reply::json(200, json!([{"grade": 3, "students": 41}, {"grade": 4, "students": 38}]))
            .header("Content-Range", "0-1/6")
    })
    .await;
    let sizes = client(&server)
        .mysqldb()
        .rpc("grade_sizes", json!({"min_grade": 3, "school": "Li Bai, No. 1"}))
        .select("grade,students")
        .gte("students", 30)
        .order("grade", Order::asc())
        .range(0, 1)
        .count_exact()
        .fetch::<GradeSize>()
        .await
        .unwrap();
    assert_eq!(sizes.rows, [GradeSize { grade: 3, students: 41 }, GradeSize { grade: 4, students: 38 }]);
    assert_eq!(sizes.total, Some(6));
    let request = server.only_request();
    assert_eq!((request.method.as_str(), request.path()), ("POST", "/v1/rdb/rest/rpc/grade_sizes"));
    assert_eq!(request.query(), "select=grade%2Cstudents&limit=2&offset=0&order=grade.asc&students=gte.30");
    assert_eq!(request.header("prefer"), Some("count=exact"));
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert_eq!(request.json(), json!({"min_grade": 3, "school": "Li Bai, No. 1"}));
}

#[tokio::test]
async fn rpc_values_scalars_and_void_functions() {
    let server = TestServer::start(|request| match request.path() {
        "/v1/rdb/rest/rpc/count_students" => Reply::json(200, json!(57)),
        _ => Reply::new(204),
    })
    .await;
    let mysqldb = client(&server).mysqldb();
    let total: i64 = mysqldb.rpc("count_students", json!({})).value().await.unwrap();
    assert_eq!(total, 57);
    let one = mysqldb.rpc("count_students", json!({})).fetch::<i64>().await.unwrap();
    assert_eq!(one.rows, [57]);
    mysqldb.rpc("reset_demo", json!({})).execute().await.unwrap();
    let nothing: Option<i64> = mysqldb.rpc("reset_demo", json!({})).value().await.unwrap();
    assert_eq!(nothing, None);
    // The arguments are the function's named arguments: an object, checked before any I/O.
    let error = mysqldb.rpc("count_students", json!([1, 2])).execute().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "callRpc", .. }), "{error:?}");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn read_only_functions_are_called_by_get_and_counted_by_head() {
    let server = TestServer::start(|request| match request.method.as_str() {
        "HEAD" => Reply::new(200).header("Content-Range", "0-9/41"),
        _ => Reply::json(200, json!(41)),
    })
    .await;
    let mysqldb = client(&server).mysqldb();
    let total: i64 =
        mysqldb.rpc("count_students", json!({"min_grade": 3, "school": "No. 1"})).get().value().await.unwrap();
    assert_eq!(total, 41);
    let counted = mysqldb.rpc("students_in", json!({"grade": 3})).eq("status", "active").count().await.unwrap();
    assert_eq!(counted, 41);
    let requests = server.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].path()), ("GET", "/v1/rdb/rest/rpc/count_students"));
    assert_eq!(requests[0].query(), "min_grade=3&school=No.%201");
    assert!(requests[0].body.is_empty());
    assert_eq!(
        (requests[1].method.as_str(), requests[1].target.as_str()),
        ("HEAD", "/v1/rdb/rest/rpc/students_in?grade=3&status=eq.active")
    );
    assert_eq!(requests[1].header("prefer"), Some("count=exact"));
    // A GET call's arguments are query text: nested values are refused before any I/O.
    let error = mysqldb.rpc("f", json!({"ids": [1, 2]})).get().execute().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { operation: "callRpcGet", .. }), "{error:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn sql_sends_the_statement_its_parameters_and_role() {
    let server = TestServer::start(|_| Reply::json(200, json!([{"id": 1, "name": "李白"}]))).await;
    let students: Vec<Student> = client(&server)
        .mysqldb()
        .sql("select id, name from students where grade = $1 and name like $2")
        .param(3)
        .params(["李%"])
        .fetch()
        .await
        .unwrap();
    assert_eq!(students, [Student { id: 1, name: "李白".into() }]);
    let request = server.only_request();
    assert_eq!((request.method.as_str(), request.path()), ("POST", "/v1/rdb/exec-pgsql"));
    assert_eq!(
        request.json(),
        json!({"sql": "select id, name from students where grade = $1 and name like $2", "parameters": [3, "李%"]})
    );

    let server = TestServer::start(|_| Reply::json(200, json!([]))).await;
    client(&server).mysqldb().sql("update students set grade = grade + 1").writable().execute().await.unwrap();
    assert_eq!(
        server.only_request().json(),
        json!({"sql": "update students set grade = grade + 1", "role": "cloudbase_postgres"})
    );
}

#[tokio::test]
async fn sql_errors_keep_the_database_code() {
    let server = TestServer::start(|_| {
        Reply::json(500, json!({"code": "DATABASE_EXEC_ERROR", "message": "cannot execute UPDATE in a read-only transaction", "requestId": "r-1"}))
    })
    .await;
    let error = client(&server).mysqldb().sql("update students set grade = 1").execute().await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(500), Some("DATABASE_EXEC_ERROR")));
    assert!(error.to_string().contains("read-only transaction"), "{error}");
}

/// `.database("public")` / `.instance("default")`: what the official node SDK's `database` and
/// `instance` options send on every rdb call (`Accept-Profile`, `Content-Profile`,
/// `X-Db-Instance`); without them, none of the three is sent.
#[tokio::test]
async fn the_database_selection_goes_on_every_call() {
    // Replies as PostgREST gives them: an insert's empty 201, 204 for a void function and for
    // minimal updates and deletes.
    let server = TestServer::start(|r| match r.method.as_str() {
        "HEAD" => Reply::new(200).header("Content-Range", "*/3"),
        "GET" => Reply::json(200, json!([])),
        "POST" if !r.path().contains("/rpc/") => Reply::new(201),
        _ => Reply::new(204),
    })
    .await;
    let db = client(&server).mysqldb().database("public").instance("default");
    db.from("students").select("*").eq("id", 1).fetch::<serde_json::Value>().await.unwrap();
    db.from("students").count().send().await.unwrap();
    db.from("students").insert(json!({"id": 2})).execute().await.unwrap();
    db.from("students").update(json!({"grade": 4})).eq("id", 2).execute().await.unwrap();
    db.from("students").delete().eq("id", 2).execute().await.unwrap();
    db.from_schema("school", "students").select("*").fetch::<serde_json::Value>().await.unwrap();
    db.rpc("touch", json!({})).execute().await.unwrap();
    let only_instance = client(&server).mysqldb().instance("db-2");
    only_instance.from("t").select("*").fetch::<serde_json::Value>().await.unwrap();
    client(&server).mysqldb().from("t").select("*").fetch::<serde_json::Value>().await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 9);
    for request in &requests[..7] {
        let headers =
            ["x-db-instance", "accept-profile", "content-profile"].map(|name| request.header(name).map(str::to_owned));
        assert_eq!(
            headers,
            [Some("default".into()), Some("public".into()), Some("public".into())],
            "{} {}",
            request.method,
            request.target
        );
    }
    assert_eq!(requests[6].target, "/v1/rdb/rest/rpc/touch");
    assert_eq!(requests[7].header("x-db-instance"), Some("db-2"));
    assert_eq!(requests[7].header("accept-profile"), None);
    assert!(["x-db-instance", "accept-profile", "content-profile"].iter().all(|h| requests[8].header(h).is_none()));
}

/// A documented reply that lacks what the helper reads from it is a decode error (the reply did
/// not match), not a request refused before I/O.
#[tokio::test]
async fn a_count_without_a_total_is_a_decode_error() {
    let server = TestServer::start(|_| Reply::new(200).header("X-Request-Id", "req-count")).await;
    let error = client(&server).mysqldb().from("students").count().send().await.unwrap_err();
    let Error::Decode(decode) = &error else { panic!("{error:?}") };
    assert_eq!(decode.status(), 200);
    // The reply's own operation and request id, for a support ticket.
    assert_eq!((error.operation(), error.request_id()), ("countRecords", Some("req-count")));
    assert!(error.to_string().contains("the reply has no total in Content-Range"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

/// A function's arguments and a statement's parameters are the caller's values (a password to
/// check, an email): `Debug` names the function, the arguments and the statement, never a value.
#[test]
fn rpc_arguments_and_sql_parameters_show_no_value_in_debug() {
    let client = cloudbase_api::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let rpc = client.mysqldb().rpc("check_login", json!({"email": "li.bai@example.com", "password": "pw-Secret-1"}));
    for shown in [format!("{rpc:?}"), format!("{rpc:#?}")] {
        assert!(!shown.contains("pw-Secret-1") && !shown.contains("li.bai@example.com"), "{shown}");
        assert!(shown.contains("check_login") && shown.contains("email") && shown.contains("password"), "{shown}");
    }
    let sql = client
        .mysqldb()
        .sql("select id from users where email = $1 and secret = $2")
        .params(["li.bai@example.com", "s-Secret-2"]);
    for shown in [format!("{sql:?}"), format!("{sql:#?}")] {
        assert!(!shown.contains("s-Secret-2") && !shown.contains("li.bai@example.com"), "{shown}");
        assert!(shown.contains("select id from users where email = $1"), "{shown}");
    }
}

/// Filter values, inserted rows and updated values are the caller's data too: `Debug` shows
/// the columns and operators, never a value, in the builders and inside a function call.
#[test]
fn filter_values_and_written_rows_show_no_value_in_debug() {
    let client = cloudbase_api::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let db = client.mysqldb();
    let shown = [
        format!("{:?}", db.from("users").select("id").eq("email", "f-Secret-1").in_("code", ["f-Secret-2"])),
        format!("{:?}", db.from("users").delete().or(|g| g.not("token", "like", "f-Secret-3"))),
        format!("{:?}", db.rpc("find", json!({})).eq("email", "f-Secret-4")),
        format!("{:?}", db.from("users").insert(json!([{"email": "r-Secret-5"}, {"password": "r-Secret-6"}]))),
        format!("{:#?}", db.from("users").update(json!({"password": "u-Secret-7"})).eq("id", "f-Secret-8")),
    ];
    for (case, shown) in shown.iter().enumerate() {
        assert!(!shown.contains("Secret"), "case {case}: {shown}");
    }
    assert!(shown[0].contains("email") && shown[0].contains("\"eq\"") && shown[0].contains("code"), "{}", shown[0]);
    assert!(shown[1].contains("token") && shown[1].contains("\"like\""), "{}", shown[1]);
    assert!(shown[3].contains("email") && shown[3].contains("password"), "{}", shown[3]);
    assert!(shown[4].contains("password") && shown[4].contains("id"), "{}", shown[4]);
}

/// Each count asks for itself (`Prefer: count=...`), on reads and on function calls, and a
/// write's `select` goes only with the rows it reads back.
#[tokio::test]
async fn counts_ask_for_their_method_and_writes_select_only_what_they_read_back() {
    let server = TestServer::start(|_| Reply::json(200, json!([])).header("Content-Range", "*/0")).await;
    let db = client(&server).mysqldb();
    db.from("t").select("id").count_planned().fetch::<serde_json::Value>().await.unwrap();
    db.from("t").select("id").count_estimated().fetch::<serde_json::Value>().await.unwrap();
    db.rpc("f", json!({})).count_planned().fetch::<serde_json::Value>().await.unwrap();
    db.from("t").update(json!({"a": 1})).eq("id", 1).select("id").execute().await.unwrap();
    db.from("t").update(json!({"a": 1})).eq("id", 1).select("id , a").returning::<serde_json::Value>().await.unwrap();
    let requests = server.requests();
    let prefer: Vec<Option<&str>> = requests.iter().map(|r| r.header("prefer")).collect();
    assert_eq!(
        prefer,
        [
            Some("count=planned"),
            Some("count=estimated"),
            Some("count=planned"),
            Some("return=minimal"),
            Some("return=representation")
        ]
    );
    assert!(!requests[3].query().contains("select="), "{}", requests[3].query());
    assert!(requests[4].query().contains("select=id%2Ca"), "{}", requests[4].query());
}
