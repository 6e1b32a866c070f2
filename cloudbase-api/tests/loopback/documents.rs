//! NoSQL document helpers against a loopback server: requests on the wire, typed EJSON documents,
//! and transactions that roll back unless committed.

use crate::support::{Reply, TestServer, client};
use cloudbase_api::ejson::{DateTime, Int32, ObjectId};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Poet {
    #[serde(rename = "_id", skip_serializing_if = "Option::is_none")]
    id: Option<ObjectId>,
    name: String,
    age: Int32,
    born: DateTime,
}

const BASE: &str = "/v1/database/instances/(default)/databases/(default)";

#[tokio::test]
async fn find_decodes_strict_ejson_into_typed_documents() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"offset": 0, "limit": 20, "list": [{
                "_id": {"$oid": "507f1f77bcf86cd799439011"}, "name": "李白",
                "age": {"$numberInt": "61"}, "born": {"$date": {"$numberLong": "1704164645678"}}
            }]}),
        )
    })
    .await;
    let poets: Vec<Poet> = client(&server)
        .nosql()
        .collection("poets")
        .find(&json!({"age": {"$gte": 18}}))
        .limit(5)
        .order("age", true)
        .projection(&json!({"name": 1}))
        .fetch()
        .await
        .unwrap();
    assert_eq!(poets[0].age, Int32(61));
    assert_eq!(poets[0].id.as_ref().unwrap().as_str(), "507f1f77bcf86cd799439011");
    let request = server.only_request();
    assert_eq!(request.path(), format!("{BASE}/collections/poets/documents"));
    assert_eq!(
        request.query(),
        "query=%7B%22age%22%3A%7B%22%24gte%22%3A18%7D%7D&limit=5&order=%5B%7B%22direction%22%3A%22desc%22%2C%22field%22%3A%22age%22%7D%5D&projection=%7B%22name%22%3A1%7D"
    );
}

#[tokio::test]
async fn plain_fields_read_the_strict_ejson_of_find_get_and_aggregate() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Plain {
        #[serde(rename = "_id")]
        id: String,
        name: String,
        age: i64,
        height: f64,
        born: String,
    }
    let document = json!({
        "_id": {"$oid": "507f1f77bcf86cd799439011"}, "name": "李白", "age": {"$numberInt": "61"},
        "height": {"$numberDouble": "1.75"}, "born": {"$date": {"$numberLong": "1704164645678"}}
    });
    let reply = document.clone();
    let server = TestServer::start(move |request| match request.path() {
        path if path.ends_with("/documents/507f1f77bcf86cd799439011") => Reply::json(200, reply.clone()),
        path if path.ends_with("/aggregate") => Reply::json(200, json!({"list": [reply]})),
        _ => Reply::json(200, json!({"offset": 0, "limit": 20, "list": [reply]})),
    })
    .await;
    let expected = Plain {
        id: "507f1f77bcf86cd799439011".into(),
        name: "李白".into(),
        age: 61,
        height: 1.75,
        born: "2024-01-02T03:04:05.678Z".into(),
    };
    let poets = client(&server).nosql().collection("poets");
    let found: Vec<Plain> = poets.find(&json!({})).fetch().await.unwrap();
    let got: Option<Plain> = poets.get("507f1f77bcf86cd799439011").await.unwrap();
    assert_eq!(got.as_ref(), Some(&expected));
    assert_eq!(found, [expected]);
    let aggregated: Vec<serde_json::Value> = poets.aggregate(&[json!({"$match": {}})]).await.unwrap();
    assert_eq!(aggregated, [document], "a Value sees the document as sent");
}

#[tokio::test]
async fn insert_writes_strict_ejson_and_count_reads_the_total() {
    let server = TestServer::start(|r| {
        if r.method == "POST" {
            Reply::json(201, json!({"insertedIds": ["507f1f77bcf86cd799439011"]}))
        } else {
            Reply::json(200, json!({"total": 42}))
        }
    })
    .await;
    let poets = client(&server).nosql().collection("poets");
    let ids = poets.insert(&[Poet { id: None, name: "杜甫".into(), age: Int32(58), born: DateTime(0) }]).await.unwrap();
    assert_eq!(ids, ["507f1f77bcf86cd799439011"]);
    assert_eq!(
        server.requests()[0].json(),
        json!({"data": [{"name": "杜甫", "age": {"$numberInt": "58"}, "born": {"$date": {"$numberLong": "0"}}}]})
    );
    assert_eq!(poets.find(&json!({})).count().await.unwrap(), 42);
    assert!(server.requests()[1].query().ends_with("&count=true"), "{}", server.requests()[1].query());
}

#[tokio::test]
async fn get_returns_none_for_a_missing_document() {
    let server = TestServer::start(|_| {
        Reply::json(404, json!({"code": "DOCUMENT_NOT_FOUND", "message": "Document not found", "request_id": "r"}))
    })
    .await;
    let found: Option<Poet> =
        client(&server).nosql().collection("poets").get("507f1f77bcf86cd799439011").await.unwrap();
    assert_eq!(found, None);
}

#[tokio::test]
async fn a_committed_transaction_carries_its_id_and_a_dropped_one_rolls_back() {
    let server = TestServer::start(|r| {
        let path = r.path();
        if path.ends_with("/transactions") {
            Reply::json(201, json!({"transactionId": "txn_1"}))
        } else if path.ends_with("/documents") {
            Reply::json(200, json!({"updated": 1, "matched": 1, "upsert_id": ""}))
        } else {
            Reply::json(200, json!({}))
        }
    })
    .await;
    let nosql = client(&server).nosql();
    let poets = nosql.collection("poets");
    let transaction = nosql.begin_transaction().await.unwrap();
    let (matched, updated) = poets
        .update(&json!({"name": "李白"}), &json!({"$inc": {"age": 1}}))
        .transaction(&transaction)
        .send()
        .await
        .unwrap();
    assert_eq!((matched, updated), (1, 1));
    transaction.commit().await.unwrap();

    let dropped = nosql.begin_transaction().await.unwrap();
    drop(dropped);
    // The rollback runs in the background; give it a moment.
    for _ in 0..100 {
        if server.requests().iter().any(|r| r.path().ends_with("/rollback")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let paths: Vec<String> = server.requests().iter().map(|r| r.path().trim_start_matches(BASE).to_owned()).collect();
    assert_eq!(
        paths,
        [
            "/transactions",
            "/collections/poets/documents",
            "/transactions/txn_1/commit",
            "/transactions",
            "/transactions/txn_1/rollback"
        ]
    );
    assert_eq!(server.requests()[1].json()["transactionId"], json!("txn_1"));
    assert_eq!(server.requests()[1].json()["data"], json!({"$inc": {"age": 1}}));
}

#[tokio::test]
async fn an_empty_remove_query_is_refused() {
    let server = TestServer::start(|_| Reply::json(200, json!({"deleted": 3}))).await;
    let poets = client(&server).nosql().collection("poets");
    assert!(poets.remove(&json!({}), None).await.is_err());
    assert!(server.requests().is_empty());
    assert_eq!(poets.remove(&json!({"age": {"$lt": 0}}), None).await.unwrap(), 3);
}
