//! Typed async client for the [CloudBase](https://docs.cloudbase.net/) HTTP APIs: authentication,
//! the relational database REST API (PostgREST style), the NoSQL document database, cloud
//! functions, CloudRun, cloud storage and the AI model gateway.
//!
//! Every operation is generated from the vendored OpenAPI specs (`specs/*.yaml`). Each area is a
//! module and a cargo feature of the same name, all on by default: [`auth`], [`mysqldb`],
//! [`nosql`], [`functions`], [`cloudrun`], [`storage`], [`ai_model`]. The client has one accessor
//! per area (`client.functions()`), one method per operation, named `snake_case(operationId)`
//! without the area's name in front (`client.auth().sign_in()`) unless the spec's overlay names it
//! (`x-rust-name`), returning a request builder with one setter per parameter, and `send()`.
//!
//! # Quick start
//!
//! ```no_run
//! use cloudbase_api::{Client, Credentials};
//!
//! # async fn demo() -> Result<(), cloudbase_api::Error> {
//! let client = Client::builder()
//!     .env_id("my-env-1a2b")
//!     .credentials(Credentials::api_key("..."))
//!     .build()?;
//!
//! let reply = client
//!     .functions()
//!     .invoke_function()
//!     .name("hello")
//!     .body(serde_json::json!({"a": 1}))      // free-form bodies take any Serialize value
//!     .send()
//!     .await?;
//! println!("{} {:?}", reply.status(), reply.request_id());
//! # Ok(()) }
//! ```
//!
//! # Regions
//!
//! [`ClientBuilder::env_id`] with [`Region::Mainland`] (the default) sends requests to
//! `https://{env}.api.tcloudbasegateway.com`, with [`Region::International`] to
//! `https://{env}.api.intl.tcloudbasegateway.com`; [`ClientBuilder::base_url`] overrides both
//! (a proxy, a local mock server). Env ids are checked to be DNS labels.
//!
//! # Credentials
//!
//! [`Credentials::api_key`] (server side, administrator rights), [`Credentials::access_token`]
//! (an end user's token), [`Credentials::publishable_key`] (safe in clients) and
//! [`Credentials::provider`] (tokens that expire, e.g. a [`RefreshingToken`]) are sent as
//! `Authorization: Bearer ...` to operations whose spec takes a bearer token;
//! [`Credentials::basic`] goes only to the operations that take HTTP Basic. Operations that take
//! no credentials (sign-in, verification codes) get none. A provider's token is refreshed before
//! it expires and once after a 401. `Debug` output and logs never show a secret. A redirect to
//! another origin is not followed ([`Error::Redirect`]): no body, credentials or custom header
//! leaves for another host.
//!
//! # Errors
//!
//! Every call returns [`Error`]: refused before any I/O ([`Error::InvalidRequest`]: a missing
//! required parameter, a value breaking the spec's pattern, a header with a line break, a `..`
//! path segment), an error status with the body the spec documents for it ([`Error::Api`]), a
//! transport failure ([`Error::Transport`]), a timeout ([`Error::Timeout`]), a redirect to
//! another origin, not followed ([`Error::Redirect`]), or a reply that does not match the spec
//! or lacks what a helper reads from it ([`Error::Decode`], with the status and the first KiB of
//! the body). [`ClientBuilder::build`] reports a configuration it refuses as [`Error::Config`].
//! [`Error::code`], [`Error::message`] and [`Error::request_id`] work across the gateway, auth
//! and NoSQL error shapes; [`ApiError::body`] gives the typed body.
//!
//! # Retries and timeouts
//!
//! A [`RetryPolicy`] (per client, or per request with the builders' `retry()`) retries transport
//! errors, timeouts, 429/502/503/504 and the error codes CloudBase documents as transient, with
//! exponential backoff and jitter, honouring `Retry-After`, within a time budget. Only
//! idempotent methods are retried unless the policy says POST/PATCH are safe to repeat. Each
//! attempt has the client's timeout (default 60 s) or the builder's `timeout()`.
//!
//! # Streaming
//!
//! Operations that can answer `text/event-stream` have `send_stream()`, a
//! [`Stream`](futures_util::Stream) of typed events ([`EventStream`]) that ends at the spec's
//! terminator (`[DONE]`). A stream cut off mid-event, or before its terminator, ends with an
//! error rather than silently; memory is bounded by the largest event
//! ([`ClientBuilder::max_event_bytes`]), and the wait for each event by
//! [`ClientBuilder::stream_idle_timeout`] (an event trickled byte by byte does not keep a stream
//! alive; a `:` keep-alive comment does).
//!
//! ```no_run
//! use cloudbase_api::ai_model::{ChatCompletionRequest, ChatCompletionRequestMessage};
//! use futures_util::StreamExt;
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let request = ChatCompletionRequest {
//!     model: "hy3-preview".into(),
//!     messages: vec![ChatCompletionRequestMessage {
//!         role: "user".into(),
//!         content: Some("Hello".to_owned().into()),
//!         tool_calls: None,
//!         tool_call_id: None,
//!         extra: Default::default(),
//!     }],
//!     stream: Some(true),
//!     temperature: None,
//!     tools: None,
//!     extra: Default::default(),
//! };
//! let mut chunks = client.ai_model().create_chat_completion().provider("cloudbase").body(request).send_stream().await?;
//! while let Some(chunk) = chunks.next().await {
//!     for choice in chunk?.choices.unwrap_or_default() {
//!         print!("{}", choice.delta.and_then(|d| d.content).unwrap_or_default());
//!     }
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod credentials;
mod env;
mod error;
mod http;
mod response;
mod retry;
// Which runtime helpers are used depends on which areas' features are on.
#[allow(dead_code)]
pub(crate) mod runtime;

pub use client::{Client, ClientBuilder, Region};
pub use credentials::{Credentials, RefreshingToken, Token, TokenProvider};
pub use error::{ApiError, DecodeError, Error, ErrorBody, GatewayError};
pub use http::Attempt;
pub use response::{Body, Response};
pub use retry::RetryPolicy;
pub use runtime::sse::EventStream;

/// Header types used by [`Response::headers`].
pub use reqwest::header;

// The generated areas (`generated/mod.rs` lists one module per spec, each behind its feature).
#[rustfmt::skip]
mod generated;
pub use generated::*;

// The hand-written helpers, filed by the area they serve (`helpers/<area>.rs`); each is built on
// the area's generated operations and keeps the public name of what it does.
#[cfg(feature = "auth")]
#[path = "helpers/auth.rs"]
pub mod session;

#[cfg(feature = "mysqldb")]
#[path = "helpers/mysqldb.rs"]
pub mod rdb;

#[cfg(feature = "nosql")]
#[path = "helpers/ejson.rs"]
pub mod ejson;

#[cfg(feature = "nosql")]
#[path = "helpers/nosql.rs"]
pub mod documents;

// Serves both areas whose operations call the user's own HTTP routes.
#[cfg(any(feature = "functions", feature = "cloudrun"))]
#[path = "helpers/invoke.rs"]
pub mod invoke;

#[cfg(feature = "ai_model")]
#[path = "helpers/ai_model.rs"]
pub mod chat;

#[cfg(feature = "storage")]
#[path = "helpers/storage.rs"]
pub mod files;

/// The codegen test fixtures (`codegen/tests/fixtures`), generated like the areas above so
/// that every construct the generator supports is compiled and linted, not only snapshotted.
#[cfg(test)]
#[allow(dead_code)]
#[path = "generated/fixtures/mod.rs"]
#[rustfmt::skip]
mod fixtures;

#[cfg(test)]
mod generated_behaviour;

/// Every Rust block of the README, compiled (and run, unless marked `no_run`) as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;
