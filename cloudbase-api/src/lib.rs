//! Typed async client for the [CloudBase](https://docs.cloudbase.net/) HTTP APIs: authentication,
//! the relational database REST API (PostgREST style), the NoSQL document database, cloud
//! functions, CloudRun, cloud storage (classic and PG mode), data models, the API passthrough
//! and the AI model gateway.
//!
//! Every operation is generated from the vendored OpenAPI specs, each with an example in its
//! docs and a link to the helpers built on it; helpers for the common flows are built on them. A [`Client`] has one accessor per area (`client.functions()`), each with one
//! method per operation, returning a request builder that ends in `send()`.
//!
//! # Quick start
//!
//! ```no_run
//! use cloudbase_api::Client;
//! use serde_json::{Value, json};
//!
//! # async fn demo() -> Result<(), cloudbase_api::Error> {
//! // CLOUDBASE_ENV_ID (or CLOUDBASE_BASE_URL) and CLOUDBASE_API_KEY.
//! let client = Client::from_env()?;
//! let reply: Value = client.functions().invoke("hello", &json!({"name": "Li Bai"})).await?;
//! # Ok(()) }
//! ```
//!
//! # Tasks
//!
//! | to | use | example |
//! |---|---|---|
//! | configure from the environment | [`Client::from_env`], [`ClientBuilder::from_env`] | `examples/quickstart.rs` |
//! | configure in code | [`Client::builder`], [`Credentials`], [`Region`], [`RetryPolicy`] | `examples/api_key.rs` |
//! | query, insert, update, delete rows | [`mysqldb::MysqldbApi::from`] ([`rdb`]) | `examples/mysqldb.rs` |
//! | call a database function, run SQL | [`mysqldb::MysqldbApi::rpc`], [`mysqldb::MysqldbApi::sql`] | `examples/mysqldb.rs` |
//! | sign users in, act as them | [`auth::AuthApi::send_phone_code`], [`session::Session`] ([`session`]) | `examples/auth.rs` |
//! | keep a token fresh | [`RefreshingToken`], [`Credentials::provider`] | `examples/token_provider.rs` |
//! | find, insert, update documents | [`nosql::NosqlApi::collection`] ([`documents`], [`ejson`]) | `examples/nosql.rs` |
//! | run a cloud function | [`functions::FunctionsApi::invoke`], [`functions::FunctionsApi::web`] ([`invoke`]) | `examples/functions.rs` |
//! | call a CloudRun service | [`cloudrun::CloudrunApi::service`] ([`invoke`]) | `examples/functions.rs` |
//! | upload files, share links | [`storage::StorageApi::upload`], [`storage::StorageApi::download_urls`] ([`files`]) | `examples/storage.rs` |
//! | buckets and objects in PG mode, signed URLs | [`storage_pg::StoragePgApi::objects`], [`storage_pg::StoragePgApi::ensure_bucket`] ([`objects`]) | `examples/storage_pg.rs` |
//! | read and write data-model records | the [`model`] operations, e.g. [`model::ModelApi::create_item`] | |
//! | call an API of the passthrough gateway | the [`apis`] operations | |
//! | chat with a model, stream the answer | [`ai_model::AiModelApi::chat`], [`chat::ChatAccumulator`] ([`chat`]) | `examples/ai_model.rs` |
//! | anything else the specs document | the area's generated operation, e.g. [`auth::AuthApi::user_me`] | |
//! | observe requests | [`ClientBuilder::on_attempt`], the `cloudbase_request` tracing span | |
//! | proxies, pool, TLS roots | [`ClientBuilder::http_client`] | |
//!
//! # Features
//!
//! | feature | enables | default |
//! |---|---|---|
//! | `auth` | [`auth`], [`session`] | on |
//! | `mysqldb` | [`mysqldb`], [`rdb`] | on |
//! | `nosql` | [`nosql`], [`documents`], [`ejson`] | on |
//! | `functions` | [`functions`], [`invoke`] | on |
//! | `cloudrun` | [`cloudrun`], [`invoke`] | on |
//! | `apis` | [`apis`] | on |
//! | `model` | [`model`] | on |
//! | `storage` | [`storage`], [`files`] | on |
//! | `storage_pg` | [`storage_pg`], [`objects`] | on |
//! | `ai_model` | [`ai_model`], [`chat`] | on |
//! | `rustls-ring` | TLS by rustls on ring, installed as rustls's process-wide default provider when a client is built unless one is installed already | on |
//! | `rustls-aws-lc` | TLS by rustls on aws-lc-rs (reqwest's own choice; slower to build) | |
//! | `native-tls` | the platform's TLS (OpenSSL on Linux) | |
//!
//! Each area builds alone. With several TLS features on, `native-tls` wins over
//! `rustls-aws-lc`, which wins over `rustls-ring`; with none, only `http://` base URLs are
//! accepted ([`ClientBuilder::build`] refuses an `https://` one).
//!
//! # Regions
//!
//! [`ClientBuilder::env_id`] with [`Region::Mainland`] (the default) sends requests to
//! `https://{env}.api.tcloudbasegateway.com`, with [`Region::International`] to
//! `https://{env}.api.intl.tcloudbasegateway.com`; [`ClientBuilder::base_url`] overrides both
//! (a proxy, a local mock server; a base URL with a user name or password is refused, since every
//! URL the client hands out would carry it). Env ids are checked to be DNS labels; region names
//! are the documented ones ([`Region::from_name`]).
//!
//! # Credentials
//!
//! [`Credentials::api_key`] (server side, administrator rights), [`Credentials::access_token`]
//! (an end user's token), [`Credentials::publishable_key`] (safe in clients) and
//! [`Credentials::provider`] (tokens that expire, e.g. a [`RefreshingToken`]) are sent as
//! `Authorization: Bearer ...` to operations whose spec takes a bearer token;
//! [`Credentials::basic`] goes only to the operations that take HTTP Basic. Operations that take
//! no credentials (sign-in, verification codes) get none. A provider's token is refreshed before
//! it expires and once after a 401. `Debug` output, logs and the [`on_attempt`] hook never show a
//! secret. A redirect to another origin is not followed ([`Error::Redirect`]): no body,
//! credentials or custom header leaves for another host. Nor do they go with a URL the server
//! gives: the storage upload's `PUT` to the storage host carries that host's own credentials
//! only, and URLs the helpers hand back or follow are checked first (no control character,
//! whitespace at an end or userinfo; `http(s)` with a host; PG storage's signed URLs resolved
//! under `/v1/storages/` on the base URL, as `objects::Objects` says).
//!
//! [`on_attempt`]: ClientBuilder::on_attempt
//!
//! # Errors
//!
//! Every call returns [`Error`]: refused before any I/O ([`Error::InvalidRequest`]: a missing
//! required parameter, a value breaking the spec's pattern, a header with a line break, a `..`
//! path segment), an error status with the body the spec documents for it ([`Error::Api`]), a
//! transport failure ([`Error::Transport`]), a timeout ([`Error::Timeout`]), a redirect to
//! another origin, not followed ([`Error::Redirect`]), or a reply that does not match the spec
//! or lacks what a helper reads from it, or gives a URL a helper will not hand back or follow
//! ([`Error::Decode`], with the status and the first KiB of the body). [`ClientBuilder::build`] and [`ClientBuilder::from_env`] report a configuration
//! they refuse as [`Error::Config`]. [`Error::code`], [`Error::message`] and
//! [`Error::request_id`] work across the gateway, auth and NoSQL error shapes;
//! [`ApiError::body`] gives the typed body ([`GatewayError`] for every area that documents the
//! gateway's shape).
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
//! Operations that can answer `text/event-stream`, and the helpers built on them, have
//! `send_stream()`: a [`Stream`](futures_util::Stream) of typed events ([`EventStream`]) that ends at
//! the spec's terminator (`[DONE]`). A stream cut off mid-event, or before its terminator, ends
//! with [`Error::StreamCut`] rather than silently (the events before it arrived whole); memory is bounded by the largest event
//! ([`ClientBuilder::max_event_bytes`]), and the wait for each event by
//! [`ClientBuilder::stream_idle_timeout`] (an event trickled byte by byte does not keep a stream
//! alive; a `:` keep-alive comment does). Event streams and downloads alike have a floor on their
//! throughput ([`ClientBuilder::stalled_stream_protection`], on by default: a server trickling a
//! byte at a time ends in [`Error::Stalled`]) and, if set, a deadline for the whole reply
//! ([`ClientBuilder::transfer_timeout`]).
//!
//! ```no_run
//! use cloudbase_api::chat::ChatAccumulator;
//! use futures_util::StreamExt;
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let mut chunks = client.ai_model().chat("cloudbase", "hy3-preview").user("写一首诗").send_stream().await?;
//! let mut message = ChatAccumulator::default();
//! while let Some(chunk) = chunks.next().await {
//!     let chunk = chunk?;
//!     print!("{}", chunk.text().unwrap_or_default());
//!     message.push(&chunk);
//! }
//! println!("\n{} tool calls", message.finish().tool_calls.len());
//! # Ok(()) }
//! ```
//!
//! # Generated operations
//!
//! Operation methods are `snake_case(operationId)` without the area's name in front
//! (`Auth_SignIn` is `client.auth().sign_in()`), or the name the project's overlay gives with
//! `x-rust-name`. Each returns a request builder from the area's `builders` module, named like
//! the method, with one setter per parameter; `send()` returns [`Response<T>`] (status, headers,
//! request id, and the typed body). A reply that may be anything (a cloud function's own
//! answer) is the one type [`Body`].
//!
//! # Finishing verbs
//!
//! A request, generated or helper, ends in `send()`, which returns the reply, or `send_stream()`,
//! which returns its event stream. Query builders whose result is not a reply name what they
//! return: the rdb builders `fetch()` rows, `single()` row, `value()` of a
//! function, `returning()` written rows, `execute()` for no result; a NoSQL `find` has `fetch()`
//! and `count()`. Each verb means the same in every area.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod byte_stream;
mod client;
mod credentials;
mod env;
mod error;
mod http;
mod response;
mod retry;
mod tc3;
// Which runtime helpers are used depends on which areas' features are on.
#[allow(dead_code)]
pub(crate) mod runtime;

pub use byte_stream::{ByteStream, Progress};
pub use client::{Client, ClientBuilder, Region, StalledStreamProtection};
pub use credentials::{Credentials, RefreshingToken, Token, TokenProvider};
pub use error::{ApiError, DecodeError, Error, ErrorBody, GatewayError, StreamCut};
pub use http::Attempt;
#[doc(hidden)]
pub use response::is_credential_name;
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

#[cfg(feature = "storage_pg")]
#[path = "helpers/storage_pg.rs"]
pub mod objects;

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
