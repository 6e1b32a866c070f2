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

// Replies: any JSON value as is (the specs call the body "whatever the function returns"), text as
// a JSON string (so `String` works for text functions); decoded by `crate::error::decode_value`.
// Payloads go to the generated `body()` setters, which refuse anything but a JSON object before
// any I/O, as the specs require.

#[cfg(feature = "functions")]
impl crate::functions::FunctionsApi {
    /// Invokes the cloud function `name` with `request` (a struct, a map or a `json!` object:
    /// it must serialize to a JSON object, or the call is refused with
    /// [`Error::InvalidRequest`] before any I/O) and decodes what the function returns as `T`:
    /// any JSON value (`3` as `i64`, `[1, 2, 3]` as `Vec<i64>`, `null` as `Option<T>` or `()`),
    /// or a text reply as `String`. A reply that does not fit `T` is an [`Error::Decode`].
    pub async fn invoke<T: DeserializeOwned>(&self, name: &str, request: &impl Serialize) -> Result<T, Error> {
        use crate::functions::FunctionsPostResponse;
        let reply = self.functions_post().name(name).body(request).send().await?;
        let status = reply.status();
        let value = match reply.into_inner() {
            FunctionsPostResponse::Json(value) => value,
            FunctionsPostResponse::Text(text) => Value::String(text),
        };
        crate::error::decode_value("functionsPost", status, value)
    }
}

#[cfg(feature = "cloudrun")]
impl crate::cloudrun::CloudrunApi {
    /// `GET` `path` (which may have several segments) of the CloudRun service `service`, and
    /// decodes what the service returns (any JSON value, or text as `String`) as `T`.
    /// (The spec documents GET and POST; other methods are not generated.)
    pub async fn get<T: DeserializeOwned>(&self, service: &str, path: &str) -> Result<T, Error> {
        use crate::cloudrun::CloudrunGetResponse;
        let reply = self.cloudrun_get().name(service).any_path(path).send().await?;
        let status = reply.status();
        let value = match reply.into_inner() {
            CloudrunGetResponse::Json(value) => value,
            CloudrunGetResponse::Text(text) => Value::String(text),
        };
        crate::error::decode_value("cloudrunGet", status, value)
    }

    /// `POST` `request` (which must serialize to a JSON object, checked before any I/O) to
    /// `path` of the CloudRun service `service`, and decodes the reply as [`get`](Self::get) does.
    pub async fn post<T: DeserializeOwned>(
        &self,
        service: &str,
        path: &str,
        request: &impl Serialize,
    ) -> Result<T, Error> {
        use crate::cloudrun::CloudrunPostResponse;
        let reply = self.cloudrun_post().name(service).any_path(path).body(request).send().await?;
        let status = reply.status();
        let value = match reply.into_inner() {
            CloudrunPostResponse::Json(value) => value,
            CloudrunPostResponse::Text(text) => Value::String(text),
        };
        crate::error::decode_value("cloudrunPost", status, value)
    }
}
