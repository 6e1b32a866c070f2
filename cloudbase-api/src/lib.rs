//! Typed async client for the [CloudBase](https://docs.cloudbase.net/) HTTP APIs: authentication,
//! the relational database REST API (PostgREST style), the NoSQL document database, cloud
//! functions, CloudRun, cloud storage and the AI model gateway.
//!
//! Every operation is generated from the vendored OpenAPI specs (`specs/*.yaml`); each area is a
//! module and a cargo feature of the same name (all on by default).
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
//!     .functions_post()
//!     .name("hello")
//!     .body(serde_json::Map::new())
//!     .send()
//!     .await?;
//! println!("{} {:?}", reply.status(), reply.request_id());
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`]: refused before any I/O ([`Error::InvalidRequest`], e.g. a
//! missing required parameter), an error status with the body the spec documents for it
//! ([`Error::Api`]; [`Error::code`] works across the gateway, auth and NoSQL error shapes), a
//! transport failure or timeout, or a reply that does not match the spec ([`Error::Decode`]).

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod credentials;
mod error;
mod response;
mod retry;
// Which runtime helpers are used depends on which areas' features are on.
#[allow(dead_code)]
pub(crate) mod runtime;

pub use client::{Client, ClientBuilder, Region};
pub use credentials::{Credentials, RefreshingToken, Token, TokenProvider};
pub use error::{ApiError, DecodeError, Error, ErrorBody};
pub use response::Response;
pub use retry::RetryPolicy;
pub use runtime::sse::EventStream;

/// Header types used by [`Response::headers`].
pub use reqwest::header;

/// Generated from `specs/auth.yaml`.
#[cfg(feature = "auth")]
#[path = "generated/auth.rs"]
#[rustfmt::skip]
pub mod auth;

/// Generated from `specs/mysqldb.yaml`.
#[cfg(feature = "mysqldb")]
#[path = "generated/mysqldb.rs"]
#[rustfmt::skip]
pub mod mysqldb;

/// Generated from `specs/nosql.yaml`.
#[cfg(feature = "nosql")]
#[path = "generated/nosql.rs"]
#[rustfmt::skip]
pub mod nosql;

/// Generated from `specs/functions.yaml`.
#[cfg(feature = "functions")]
#[path = "generated/functions.rs"]
#[rustfmt::skip]
pub mod functions;

/// Generated from `specs/cloudrun.yaml`.
#[cfg(feature = "cloudrun")]
#[path = "generated/cloudrun.rs"]
#[rustfmt::skip]
pub mod cloudrun;

/// Generated from `specs/storage.yaml`.
#[cfg(feature = "storage")]
#[path = "generated/storage.rs"]
#[rustfmt::skip]
pub mod storage;

/// Generated from `specs/ai_model.yaml`.
#[cfg(feature = "ai_model")]
#[path = "generated/ai_model.rs"]
#[rustfmt::skip]
pub mod ai_model;

/// The codegen test fixtures (`codegen/tests/fixtures`), generated like the areas above so
/// that every construct the generator supports is compiled and linted, not only snapshotted.
#[cfg(test)]
#[allow(dead_code)]
#[path = "generated/fixtures/mod.rs"]
#[rustfmt::skip]
mod fixtures;

#[cfg(test)]
mod generated_behaviour;
