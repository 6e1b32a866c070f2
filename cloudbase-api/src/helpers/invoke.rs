//! Calls of cloud functions, web (HTTP) functions and CloudRun services, on the generated
//! [`functions`](crate::functions) and [`cloudrun`](crate::cloudrun) operations.
//!
//! - [`FunctionsApi::invoke`](crate::functions::FunctionsApi::invoke): an event function, its
//!   return value decoded as `T`.
//! - [`FunctionsApi::web`](crate::functions::FunctionsApi::web): a web function's routes, with
//!   GET or POST (`webfn=true` is always sent).
//! - [`CloudrunApi::service`](crate::cloudrun::CloudrunApi::service): a CloudRun service with any
//!   of GET, POST, PUT, PATCH, DELETE and HEAD.
//!
//! Both of the latter give a [`Call`]: add query parameters and a JSON body, then
//! [`send`](Call::send) (the reply decoded as `T`), [`send_body`](Call::send_body) (the reply as it
//! came: JSON, text, bytes or nothing) or [`send_stream`](Call::send_stream) (a server-sent event stream).
//! An empty path is the function's or service's root.
//!
//! ```no_run
//! #[derive(serde::Serialize)]
//! struct Sum { a: i64, b: i64 }
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let total: i64 = client.functions().invoke("sum", &Sum { a: 1, b: 2 }).await?;
//!
//! // GET .../v1/functions/plants-http/user-plants?page=1&webfn=true
//! let plants = client.functions().web("plants-http").get("user-plants").query("page", 1);
//! let plants = plants.send::<serde_json::Value>().await?.into_inner();
//!
//! // DELETE .../v1/cloudrun/shop/orders/42, answered 204
//! let deleted = client.cloudrun().service("shop").delete("orders/42").send::<()>().await?;
//! assert!(deleted.status() < 300);
//! # Ok(()) }
//! ```

use crate::{Body, Client, Error, EventStream, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// Sets the generated builder's body when the call has one.
macro_rules! with_body {
    ($builder:expr, $body:expr) => {{
        let builder = $builder;
        match $body {
            Some(body) => builder.body(body),
            None => builder,
        }
    }};
}

#[cfg(feature = "functions")]
impl crate::functions::FunctionsApi {
    /// Invokes the event function `name` with `request` (a struct, a map or a `json!` object:
    /// it must serialize to a JSON object, or the call is refused with
    /// [`Error::InvalidRequest`] before any I/O) and decodes what the function returns as `T`:
    /// any JSON value (`3` as `i64`, `[1, 2, 3]` as `Vec<i64>`, `null` or no body as `Option<T>`
    /// or `()`), or a text reply as `String`. A reply that does not fit `T`, or one that is
    /// neither JSON nor text, is an [`Error::Decode`].
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// use serde_json::json;
    ///
    /// let sum: i64 = client.functions().invoke("sum", &json!({"a": 1, "b": 2})).await?;
    /// let nothing: () = client.functions().invoke("cleanup", &json!({})).await?;
    /// # Ok(()) }
    /// ```
    pub async fn invoke<T: DeserializeOwned>(&self, name: &str, request: &impl Serialize) -> Result<T, Error> {
        let reply = self.invoke_function().name(name).body(request).send().await?;
        decoded(reply).map(Response::into_inner)
    }

    /// The web (HTTP) function `name`, whose routes are called with [`get`](WebFunction::get) and
    /// [`post`](WebFunction::post).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let plants = client.functions().web("plants-http").get("user-plants").query("page", 1).send::<serde_json::Value>().await?;
    /// let created = client.functions().web("plants-http").post("user-plants").json(&serde_json::json!({"name": "fern"})).send::<()>().await?;
    /// # Ok(()) }
    /// ```
    pub fn web(&self, name: impl Into<String>) -> WebFunction {
        WebFunction { client: self.client.clone(), name: name.into() }
    }
}

/// A web (HTTP) function; from [`FunctionsApi::web`](crate::functions::FunctionsApi::web).
#[cfg(feature = "functions")]
#[derive(Debug, Clone)]
pub struct WebFunction {
    client: Client,
    name: String,
}

#[cfg(feature = "functions")]
impl WebFunction {
    /// A GET of the route `path` (`""` for the root; several segments allowed).
    pub fn get(&self, path: impl Into<String>) -> Call {
        Call::new(self.client.clone(), Target::WebFunction(self.name.clone()), Method::Get, path.into())
    }

    /// A POST to the route `path` (`""` for the root); add the body with [`Call::json`].
    pub fn post(&self, path: impl Into<String>) -> Call {
        Call::new(self.client.clone(), Target::WebFunction(self.name.clone()), Method::Post, path.into())
    }
}

#[cfg(feature = "cloudrun")]
impl crate::cloudrun::CloudrunApi {
    /// The CloudRun service `name`, called with any of [`get`](Service::get),
    /// [`post`](Service::post), [`put`](Service::put), [`patch`](Service::patch),
    /// [`delete`](Service::delete) and [`head`](Service::head).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let shop = client.cloudrun().service("shop");
    /// let order = shop.get("orders/42").send::<serde_json::Value>().await?;
    /// shop.delete("orders/42").send::<()>().await?;
    /// let health = shop.get("").send_body().await?; // the service's root, as it answered
    /// # Ok(()) }
    /// ```
    pub fn service(&self, name: impl Into<String>) -> Service {
        Service { client: self.client.clone(), name: name.into() }
    }
}

/// A CloudRun service; from [`CloudrunApi::service`](crate::cloudrun::CloudrunApi::service).
#[cfg(feature = "cloudrun")]
#[derive(Debug, Clone)]
pub struct Service {
    client: Client,
    name: String,
}

#[cfg(feature = "cloudrun")]
impl Service {
    fn call(&self, method: Method, path: String) -> Call {
        Call::new(self.client.clone(), Target::Service(self.name.clone()), method, path)
    }

    /// A GET of `path` (`""` for the service's root; several segments allowed).
    pub fn get(&self, path: impl Into<String>) -> Call {
        self.call(Method::Get, path.into())
    }

    /// A POST to `path`; add the body with [`Call::json`].
    pub fn post(&self, path: impl Into<String>) -> Call {
        self.call(Method::Post, path.into())
    }

    /// A PUT to `path`; add the body with [`Call::json`].
    pub fn put(&self, path: impl Into<String>) -> Call {
        self.call(Method::Put, path.into())
    }

    /// A PATCH to `path`; add the body with [`Call::json`].
    pub fn patch(&self, path: impl Into<String>) -> Call {
        self.call(Method::Patch, path.into())
    }

    /// A DELETE of `path`.
    pub fn delete(&self, path: impl Into<String>) -> Call {
        self.call(Method::Delete, path.into())
    }

    /// A HEAD of `path`: the reply has headers only (`send::<()>()`).
    pub fn head(&self, path: impl Into<String>) -> Call {
        self.call(Method::Head, path.into())
    }
}

#[derive(Debug, Clone)]
enum Target {
    #[cfg(feature = "functions")]
    WebFunction(String),
    #[cfg(feature = "cloudrun")]
    Service(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    #[cfg_attr(not(feature = "cloudrun"), allow(dead_code))]
    Put,
    #[cfg_attr(not(feature = "cloudrun"), allow(dead_code))]
    Patch,
    #[cfg_attr(not(feature = "cloudrun"), allow(dead_code))]
    Delete,
    #[cfg_attr(not(feature = "cloudrun"), allow(dead_code))]
    Head,
}

impl Method {
    fn takes_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

/// Builds the generated operation for a call's target, method and path form, and hands it to
/// `$finish!` (`$finish!(head builder)` for a HEAD, whose reply has no body).
macro_rules! dispatch {
    ($call:expr, $body:expr, $operation:expr, $finish:ident) => {{
        let Call { client, target, method, path, query, .. } = $call;
        let root = path.is_empty();
        match target {
            #[cfg(feature = "functions")]
            Target::WebFunction(name) => {
                let api = client.functions();
                match (method, root) {
                    (Method::Get, true) => {
                        $finish!(api.web_get().name(name).query(query))
                    }
                    (Method::Get, false) => $finish!(
                        api.web_get_path().name(name).path(path).query(query)),
                    (Method::Post, true) => $finish!(
                        with_body!(
                            api.invoke_function().name(name).webfn(true).query(query),
                            $body
                        )),
                    (Method::Post, false) => $finish!(
                        with_body!(api.web_post_path().name(name).path(path).query(query), $body)),
                    _ => Err(refuse($operation, "a web function is called with GET or POST")),
                }
            }
            #[cfg(feature = "cloudrun")]
            Target::Service(name) => {
                let api = client.cloudrun();
                macro_rules! sub {
                    ($op:ident) => {
                        api.$op().name(name).any_path(path).query(query)
                    };
                }
                macro_rules! root {
                    ($op:ident) => {
                        api.$op().name(name).query(query)
                    };
                }
                match (method, root) {
                    (Method::Get, false) => $finish!(sub!(get)),
                    (Method::Post, false) => {
                        $finish!(with_body!(sub!(post), $body))
                    }
                    (Method::Put, false) => $finish!(with_body!(sub!(put), $body)),
                    (Method::Patch, false) => {
                        $finish!(with_body!(sub!(patch), $body))
                    }
                    (Method::Delete, false) => $finish!(sub!(delete)),
                    (Method::Head, false) => $finish!(head sub!(head)),
                    (Method::Get, true) => $finish!(root!(root_get)),
                    (Method::Post, true) => {
                        $finish!(with_body!(root!(root_post), $body))
                    }
                    (Method::Put, true) => {
                        $finish!(with_body!(root!(root_put), $body))
                    }
                    (Method::Patch, true) => {
                        $finish!(with_body!(root!(root_patch), $body))
                    }
                    (Method::Delete, true) => $finish!(root!(root_delete)),
                    (Method::Head, true) => $finish!(head root!(root_head)),
                }
            }
        }
    }};
}

/// A call of a web function's route or a CloudRun service's path; from [`WebFunction`] or
/// [`Service`]. Nothing is sent until [`send`](Self::send), [`send_body`](Self::send_body) or
/// [`send_stream`](Self::send_stream). `Debug` shows the target, the method, the route and the
/// query's names, never a query value or the body (the caller's data, as a generated builder's
/// parameters are).
#[derive(Clone)]
#[must_use = "a call does nothing until it is sent"]
pub struct Call {
    client: Client,
    target: Target,
    method: Method,
    path: String,
    query: BTreeMap<String, String>,
    body: Option<Result<Value, String>>,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let query: BTreeMap<&str, crate::runtime::Redacted> =
            self.query.keys().map(|name| (name.as_str(), crate::runtime::Redacted)).collect();
        let body = self.body.as_ref().map(|body| body.as_ref().map(|_| crate::runtime::Redacted));
        f.debug_struct("Call")
            .field("client", &self.client)
            .field("target", &self.target)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &query)
            .field("body", &body)
            .finish()
    }
}

impl Call {
    fn new(client: Client, target: Target, method: Method, path: String) -> Self {
        // `/orders` and `orders` name the same route; `""` and `/` the root.
        let path = path.trim_start_matches('/').to_owned();
        Call { client, target, method, path, query: BTreeMap::new(), body: None }
    }

    /// Adds the query parameter `name=value` (percent-encoded on the wire); a second value for
    /// the same name replaces the first.
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.insert(name.into(), value.to_string());
        self
    }

    /// Sends `body` as JSON (any `Serialize` value; a POST to a service's sub-path or to a web
    /// function's root must be a JSON object, as their specs say). Only POST, PUT and PATCH take
    /// a body; on another method, and for a value that does not fit, the call is refused with
    /// [`Error::InvalidRequest`] before any I/O.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        self.body = Some(serde_json::to_value(body).map_err(|e| format!("the body cannot be serialized: {e}")));
        self
    }

    /// Sends the call and decodes the reply as `T`: JSON as is, text as a JSON string (so
    /// `String` works), no body as `null` (so `()` and `Option<T>` work). A reply that does not
    /// fit `T`, or one that is neither JSON nor text, is an [`Error::Decode`]; read those with
    /// [`send_body`](Self::send_body). Any 2XX status is a success; the status and headers stay
    /// on the [`Response`].
    pub async fn send<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        decoded(self.send_body().await?)
    }

    /// Sends the call and returns the reply as it came ([`Body`]).
    pub async fn send_body(mut self) -> Result<Response<Body>, Error> {
        let operation = self.operation();
        let body = self.take_body(operation)?;
        macro_rules! finish {
            (head $b:expr) => {
                Ok($b.send().await?.map(|_| Body::Empty))
            };
            ($b:expr) => {
                $b.send().await
            };
        }
        dispatch!(self, body, operation, finish)
    }

    /// Sends the call with `Accept: text/event-stream` and yields each event's data as it
    /// arrives (a HEAD has no body to stream and is refused).
    pub async fn send_stream(mut self) -> Result<EventStream<String>, Error> {
        let operation = self.operation();
        let body = self.take_body(operation)?;
        macro_rules! finish {
            (head $b:expr) => {
                Err(refuse(operation, "a HEAD reply has no body to stream"))
            };
            ($b:expr) => {
                $b.send_stream().await
            };
        }
        dispatch!(self, body, operation, finish)
    }

    /// The operationId the call is sent as.
    fn operation(&self) -> &'static str {
        let root = self.path.is_empty();
        match (&self.target, self.method, root) {
            #[cfg(feature = "functions")]
            (Target::WebFunction(_), Method::Get, true) => "functionsGet",
            #[cfg(feature = "functions")]
            (Target::WebFunction(_), Method::Get, false) => "functionsGetPath",
            #[cfg(feature = "functions")]
            (Target::WebFunction(_), Method::Post, true) => "functionsPost",
            #[cfg(feature = "functions")]
            (Target::WebFunction(_), _, false) => "functionsPostPath",
            #[cfg(feature = "functions")]
            (Target::WebFunction(_), _, true) => "functionsPost",
            #[cfg(feature = "cloudrun")]
            (Target::Service(_), method, false) => match method {
                Method::Get => "cloudrunGet",
                Method::Post => "cloudrunPost",
                Method::Put => "cloudrunPut",
                Method::Patch => "cloudrunPatch",
                Method::Delete => "cloudrunDelete",
                Method::Head => "cloudrunHead",
            },
            #[cfg(feature = "cloudrun")]
            (Target::Service(_), method, true) => match method {
                Method::Get => "cloudrunRootGet",
                Method::Post => "cloudrunRootPost",
                Method::Put => "cloudrunRootPut",
                Method::Patch => "cloudrunRootPatch",
                Method::Delete => "cloudrunRootDelete",
                Method::Head => "cloudrunRootHead",
            },
        }
    }

    /// The body, refused before any I/O where the method takes none or it cannot be serialized.
    fn take_body(&mut self, operation: &'static str) -> Result<Option<Value>, Error> {
        match self.body.take() {
            None => Ok(None),
            Some(_) if !self.method.takes_body() => Err(refuse(operation, "only POST, PUT and PATCH take a body")),
            Some(Err(message)) => Err(refuse(operation, message)),
            Some(Ok(value)) => Ok(Some(value)),
        }
    }
}

fn refuse(operation: &'static str, message: impl Into<String>) -> Error {
    Error::InvalidRequest { operation, message: message.into() }
}

/// A [`Body`] as the type the caller asked for.
fn decoded<T: DeserializeOwned>(reply: Response<Body>) -> Result<Response<T>, Error> {
    let Response { head, value: body } = reply;
    let value = match body {
        Body::Empty => Value::Null,
        Body::Json(value) => value,
        Body::Text(text) => Value::String(text),
        Body::Bytes(bytes) => {
            let content_type = head.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("none");
            let reason = format!("a `{content_type}` reply is neither JSON nor text; read it with send_body()");
            return Err(crate::error::DecodeError::error(head, reason, &bytes));
        }
    };
    let value = crate::error::decode_value(&head, value)?;
    Ok(Response { head, value })
}
