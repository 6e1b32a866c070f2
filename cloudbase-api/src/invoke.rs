//! Typed calls of cloud functions and CloudRun services, on the generated
//! [`functions`](crate::functions) and [`cloudrun`](crate::cloudrun) operations.
//!
//! ```no_run
//! #[derive(serde::Serialize)]
//! struct Sum { a: i64, b: i64 }
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let total: i64 = client.functions().invoke("sum", &Sum { a: 1, b: 2 }).await?;
//! let order: serde_json::Value = client.cloudrun().get("shop", "orders/42").await?;
//! # Ok(()) }
//! ```

use crate::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

// Replies: JSON as is, text as a JSON string (so `String` works for text functions); decoded by
// `crate::error::decode_value`.

/// `request` as the JSON object the gateways require for bodies.
fn object(operation: &'static str, request: &impl Serialize) -> Result<serde_json::Map<String, Value>, Error> {
    match serde_json::to_value(request) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => {
            Err(Error::InvalidRequest { operation, message: format!("the payload must be a JSON object, not {other}") })
        }
        Err(e) => Err(Error::InvalidRequest { operation, message: format!("the payload cannot be serialized: {e}") }),
    }
}

#[cfg(feature = "functions")]
impl crate::functions::FunctionsApi {
    /// Invokes the cloud function `name` with `request` (a struct or map) and decodes what it
    /// returns as `T` (a JSON reply; a text reply decodes into `String`).
    pub async fn invoke<T: DeserializeOwned>(&self, name: &str, request: &impl Serialize) -> Result<T, Error> {
        use crate::functions::FunctionsPostResponse;
        let reply = self.functions_post().name(name).body(object("functionsPost", request)?).send().await?;
        let status = reply.status();
        let value = match reply.into_inner() {
            FunctionsPostResponse::Json(map) => Value::Object(map),
            FunctionsPostResponse::Text(text) => Value::String(text),
        };
        crate::error::decode_value("functionsPost", status, value)
    }
}

#[cfg(feature = "cloudrun")]
impl crate::cloudrun::CloudrunApi {
    /// `GET` `path` (which may have several segments) of the CloudRun service `service`.
    /// (The spec documents GET and POST; other methods are not generated.)
    pub async fn get<T: DeserializeOwned>(&self, service: &str, path: &str) -> Result<T, Error> {
        use crate::cloudrun::CloudrunGetResponse;
        let reply = self.cloudrun_get().name(service).any_path(path).send().await?;
        let status = reply.status();
        let value = match reply.into_inner() {
            CloudrunGetResponse::Json(map) => Value::Object(map),
            CloudrunGetResponse::Text(text) => Value::String(text),
        };
        crate::error::decode_value("cloudrunGet", status, value)
    }

    /// `POST` `request` to `path` of the CloudRun service `service`.
    pub async fn post<T: DeserializeOwned>(
        &self,
        service: &str,
        path: &str,
        request: &impl Serialize,
    ) -> Result<T, Error> {
        use crate::cloudrun::CloudrunPostResponse;
        let body = object("cloudrunPost", request)?;
        let reply = self.cloudrun_post().name(service).any_path(path).body(body).send().await?;
        let status = reply.status();
        let value = match reply.into_inner() {
            CloudrunPostResponse::Json(map) => Value::Object(map),
            CloudrunPostResponse::Text(text) => Value::String(text),
        };
        crate::error::decode_value("cloudrunPost", status, value)
    }
}
