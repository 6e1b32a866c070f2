//! Typed documents in the NoSQL database, on the generated [`nosql`](crate::nosql) operations:
//! [`NosqlApi::collection`] finds, counts, inserts, updates, removes and aggregates documents of a
//! caller's type, and [`NosqlApi::begin_transaction`] groups writes in a transaction that is
//! rolled back unless committed.
//!
//! Replies come in strict Extended JSON (`{"age": {"$numberInt": "61"}}`); documents decode with
//! [`ejson::from_document`](crate::ejson::from_document), so plain fields (`i64`, `f64`,
//! `String` for dates and ObjectIds, `SystemTime`) read them, and the [`ejson`](crate::ejson)
//! types keep the exact BSON type where it matters (an `_id` to write back, `Int32` against
//! `Int64`).
//!
//! ```no_run
//! use cloudbase_api::ejson::ObjectId;
//! use serde_json::json;
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Poet { name: String, age: i64 }
//!
//! #[derive(serde::Deserialize)]
//! struct Stored { #[serde(rename = "_id")] id: ObjectId, name: String, age: i64, born: Option<String> }
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let poets = client.nosql().collection("poets");
//! let ids = poets.insert(&[Poet { name: "李白".into(), age: 61 }]).await?;
//! let adults: Vec<Stored> = poets.find(&json!({"age": {"$gte": 18}})).limit(10).fetch().await?;
//!
//! let transaction = client.nosql().begin_transaction().await?;
//! poets.update(&json!({"name": "李白"}), &json!({"$inc": {"age": 1}})).transaction(&transaction).send().await?;
//! transaction.commit().await?;
//! # Ok(()) }
//! ```

use crate::ejson::to_document;
use crate::nosql::{
    AggregateRequest, EjsonDocument, InsertDocumentsRequest, NosqlApi, QueryDocumentsResponse, RemoveDocumentsRequest,
    UpdateDocumentsRequest,
};
use crate::response::Head;
use crate::{Client, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const DEFAULT: &str = "(default)";

fn document(operation: &'static str, value: &impl Serialize) -> Result<EjsonDocument, Error> {
    to_document(value).map_err(|message| Error::InvalidRequest { operation, message })
}

/// A document of a reply as `T`, plain types reading the strict Extended JSON the server sends
/// ([`ejson::from_document`](crate::ejson::from_document)).
fn typed<T: DeserializeOwned>(head: &Head, document: EjsonDocument) -> Result<T, Error> {
    crate::error::decode_value_with(head, Value::Object(document), |value| crate::ejson::from_document(value))
}

impl NosqlApi {
    /// A collection of the default instance and database.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use serde_json::json;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Poet { name: String, age: i64 }
    ///
    /// let poets = client.nosql().collection("poets");
    /// let adults: Vec<Poet> = poets.find(&json!({"age": {"$gte": 18}})).limit(10).fetch().await?;
    /// let ids = poets.insert(&[json!({"name": "杜甫", "age": 58})]).await?;
    /// # Ok(()) }
    /// ```
    pub fn collection(&self, name: impl Into<String>) -> Collection {
        Collection {
            client: self.client.clone(),
            instance: DEFAULT.into(),
            database: DEFAULT.into(),
            name: name.into(),
        }
    }

    /// Starts a transaction in the default instance and database.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use serde_json::json;
    ///
    /// let poets = client.nosql().collection("poets");
    /// let transaction = client.nosql().begin_transaction().await?;
    /// poets.update(&json!({"name": "李白"}), &json!({"$inc": {"age": 1}})).transaction(&transaction).send().await?;
    /// transaction.commit().await?; // dropped without commit(): rolled back
    /// # Ok(()) }
    /// ```
    pub async fn begin_transaction(&self) -> Result<Transaction, Error> {
        self.begin_transaction_in(DEFAULT, DEFAULT).await
    }

    /// Starts a transaction in `instance` / `database`.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let transaction = client.nosql().begin_transaction_in("(default)", "archive").await?;
    /// transaction.rollback().await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin_transaction_in(&self, instance: &str, database: &str) -> Result<Transaction, Error> {
        let reply = self.start_transaction().instance(instance).database(database).send().await?;
        let id = reply
            .transaction_id
            .clone()
            .ok_or_else(|| crate::error::reply_error(&reply, "the reply has no transactionId"))?;
        Ok(Transaction {
            client: self.client.clone(),
            instance: instance.to_owned(),
            database: database.to_owned(),
            id,
            finished: false,
        })
    }
}

/// A collection; from [`NosqlApi::collection`].
#[derive(Debug, Clone)]
pub struct Collection {
    client: Client,
    instance: String,
    database: String,
    name: String,
}

impl Collection {
    /// The same collection in `instance` / `database` (`(default)` selects the default).
    pub fn in_database(mut self, instance: impl Into<String>, database: impl Into<String>) -> Self {
        self.instance = instance.into();
        self.database = database.into();
        self
    }

    /// Documents matching `query` (a MongoDB filter such as `{"age": {"$gte": 18}}`).
    pub fn find(&self, query: &impl Serialize) -> Find {
        Find {
            collection: self.clone(),
            query: serde_json::to_string(query).map_err(|e| e.to_string()),
            limit: None,
            offset: None,
            order: Vec::new(),
            projection: None,
            transaction: None,
        }
    }

    /// The document with this `_id`, or `None` when there is none.
    pub async fn get<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>, Error> {
        let reply = self
            .api()
            .get_document_by_id()
            .instance(&self.instance)
            .database(&self.database)
            .collection_name(&self.name)
            .doc_id(id)
            .send()
            .await;
        match reply {
            Ok(reply) => {
                let head = reply.head.clone();
                typed(&head, reply.into_inner()).map(Some)
            }
            Err(e) if e.code() == Some("DOCUMENT_NOT_FOUND") || e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Inserts `documents`; returns their ids.
    pub async fn insert<T: Serialize>(&self, documents: &[T]) -> Result<Vec<String>, Error> {
        self.insert_in(documents, None).await
    }

    /// Inserts `documents` inside `transaction`.
    pub async fn insert_in<T: Serialize>(
        &self,
        documents: &[T],
        transaction: Option<&Transaction>,
    ) -> Result<Vec<String>, Error> {
        let data = documents.iter().map(|d| document("insertDocuments", d)).collect::<Result<Vec<_>, _>>()?;
        let body = InsertDocumentsRequest { data, transaction_id: transaction.map(|t| t.id.clone()) };
        let reply = self
            .api()
            .insert_documents()
            .instance(&self.instance)
            .database(&self.database)
            .collection_name(&self.name)
            .body(body)
            .send()
            .await?;
        Ok(reply.into_inner().inserted_ids.unwrap_or_default())
    }

    /// Applies `update` (with operators such as `$set`, `$inc`) to the documents matching `query`.
    pub fn update(&self, query: &impl Serialize, update: &impl Serialize) -> Update {
        Update {
            collection: self.clone(),
            query: document("updateDocuments", query),
            update: document("updateDocuments", update),
            multi: true,
            upsert: false,
            transaction: None,
        }
    }

    /// Removes the documents matching `query` (which must not be empty); returns how many.
    pub async fn remove(&self, query: &impl Serialize, transaction: Option<&Transaction>) -> Result<i64, Error> {
        let query = document("removeDocuments", query)?;
        if query.is_empty() {
            return Err(Error::InvalidRequest {
                operation: "removeDocuments",
                message: "an empty query would remove every document".into(),
            });
        }
        let body =
            RemoveDocumentsRequest { query, multi: Some(true), transaction_id: transaction.map(|t| t.id.clone()) };
        let reply = self
            .api()
            .remove_documents()
            .instance(&self.instance)
            .database(&self.database)
            .collection_name(&self.name)
            .body(body)
            .send()
            .await?;
        Ok(reply.into_inner().deleted.unwrap_or(0))
    }

    /// Runs an aggregation pipeline (`[{"$match": ...}, {"$group": ...}]`).
    pub async fn aggregate<T: DeserializeOwned>(&self, pipeline: &[Value]) -> Result<Vec<T>, Error> {
        let pipeline = pipeline.iter().map(|stage| document("aggregate", stage)).collect::<Result<Vec<_>, _>>()?;
        let reply = self
            .api()
            .aggregate()
            .instance(&self.instance)
            .database(&self.database)
            .collection_name(&self.name)
            .body(AggregateRequest { pipeline })
            .send()
            .await?;
        let head = reply.head.clone();
        reply.into_inner().list.unwrap_or_default().into_iter().map(|d| typed(&head, d)).collect()
    }

    fn api(&self) -> NosqlApi {
        self.client.nosql()
    }
}

/// A query; from [`Collection::find`].
#[derive(Debug, Clone)]
pub struct Find {
    collection: Collection,
    query: Result<String, String>,
    limit: Option<i64>,
    offset: Option<i64>,
    order: Vec<Value>,
    projection: Option<String>,
    transaction: Option<String>,
}

impl Find {
    /// At most `count` documents (the service's default is 20).
    pub fn limit(mut self, count: i64) -> Self {
        self.limit = Some(count);
        self
    }

    /// Skips the first `count` documents.
    pub fn offset(mut self, count: i64) -> Self {
        self.offset = Some(count);
        self
    }

    /// Sorts by `field`; later calls sort ties further.
    pub fn order(mut self, field: &str, descending: bool) -> Self {
        self.order.push(serde_json::json!({"field": field, "direction": if descending { "desc" } else { "asc" }}));
        self
    }

    /// Only these fields (`{"name": 1}`).
    pub fn projection(mut self, projection: &impl Serialize) -> Self {
        self.projection = serde_json::to_string(projection).ok();
        self
    }

    /// Reads inside `transaction`.
    pub fn transaction(mut self, transaction: &Transaction) -> Self {
        self.transaction = Some(transaction.id.clone());
        self
    }

    /// The matching documents, each decoded as `T`.
    pub async fn fetch<T: DeserializeOwned>(self) -> Result<Vec<T>, Error> {
        let reply = self.send(false).await?;
        let head = reply.head.clone();
        match reply.into_inner() {
            QueryDocumentsResponse::List(page) => {
                page.list.unwrap_or_default().into_iter().map(|d| typed(&head, d)).collect()
            }
            QueryDocumentsResponse::Count(_) => Ok(Vec::new()),
        }
    }

    /// The number of matching documents.
    pub async fn count(self) -> Result<i64, Error> {
        let reply = self.send(true).await?;
        match &*reply {
            QueryDocumentsResponse::Count(count) => Ok(count.total.unwrap_or(0)),
            QueryDocumentsResponse::List(_) => Err(crate::error::reply_error(&reply, "the reply has no total")),
        }
    }

    async fn send(self, count: bool) -> Result<crate::Response<QueryDocumentsResponse>, Error> {
        let query = self.query.map_err(|message| Error::InvalidRequest { operation: "queryDocuments", message })?;
        let c = &self.collection;
        let mut request =
            c.api().query_documents().instance(&c.instance).database(&c.database).collection_name(&c.name).query(query);
        if let Some(limit) = self.limit {
            request = request.limit(limit);
        }
        if let Some(offset) = self.offset {
            request = request.offset(offset);
        }
        if !self.order.is_empty() {
            request = request.order(Value::Array(self.order).to_string());
        }
        if let Some(projection) = self.projection {
            request = request.projection(projection);
        }
        if let Some(transaction) = self.transaction {
            request = request.transaction_id(transaction);
        }
        if count {
            request = request.count(true);
        }
        request.send().await
    }
}

/// An update; from [`Collection::update`].
#[derive(Debug)]
pub struct Update {
    collection: Collection,
    query: Result<EjsonDocument, Error>,
    update: Result<EjsonDocument, Error>,
    multi: bool,
    upsert: bool,
    transaction: Option<String>,
}

impl Update {
    /// Only the first matching document.
    pub fn one(mut self) -> Self {
        self.multi = false;
        self
    }

    /// Inserts a document when none matches.
    pub fn upsert(mut self) -> Self {
        self.upsert = true;
        self
    }

    /// Updates inside `transaction`.
    pub fn transaction(mut self, transaction: &Transaction) -> Self {
        self.transaction = Some(transaction.id.clone());
        self
    }

    /// Sends the update; returns (matched, updated).
    pub async fn send(self) -> Result<(i64, i64), Error> {
        let c = &self.collection;
        let body = UpdateDocumentsRequest {
            query: self.query?,
            data: self.update?,
            multi: Some(self.multi),
            upsert: Some(self.upsert),
            replace_mode: Some(false),
            transaction_id: self.transaction,
        };
        let reply = c
            .api()
            .update_documents()
            .instance(&c.instance)
            .database(&c.database)
            .collection_name(&c.name)
            .body(body)
            .send()
            .await?;
        let reply = reply.into_inner();
        Ok((reply.matched.unwrap_or(0), reply.updated.unwrap_or(0)))
    }
}

/// A transaction; from [`NosqlApi::begin_transaction`]. Pass it to the operations that should
/// run inside it, then [`commit`](Self::commit). Dropped without committing (an error on the
/// way, a panic), it is rolled back.
#[derive(Debug)]
pub struct Transaction {
    client: Client,
    instance: String,
    database: String,
    id: String,
    finished: bool,
}

impl Transaction {
    /// The transaction id, for the generated operations' `transaction_id` parameters.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Makes every operation of the transaction take effect.
    pub async fn commit(mut self) -> Result<(), Error> {
        self.finished = true;
        end(&self.client, &self.instance, &self.database, &self.id, true).await
    }

    /// Undoes every operation of the transaction.
    pub async fn rollback(mut self) -> Result<(), Error> {
        self.finished = true;
        end(&self.client, &self.instance, &self.database, &self.id, false).await
    }
}

/// Commits or rolls back a transaction.
async fn end(client: &Client, instance: &str, database: &str, id: &str, commit: bool) -> Result<(), Error> {
    let api = client.nosql();
    if commit {
        api.commit_transaction().instance(instance).database(database).transaction_id(id).send().await?;
    } else {
        api.rollback_transaction().instance(instance).database(database).transaction_id(id).send().await?;
    }
    Ok(())
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // Not committed: roll back in the background (the server also expires it eventually).
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (client, instance, database, id) =
            (self.client.clone(), self.instance.clone(), self.database.clone(), self.id.clone());
        runtime.spawn(async move {
            if let Err(e) = end(&client, &instance, &database, &id, false).await {
                tracing::warn!(error = %e, "rolling back a dropped transaction failed");
            }
        });
    }
}
