//! The client against loopback servers: the recording test server (`../support`) and
//! `cloudbase-mock`, one module an area or concern. One test binary for all of them, so the
//! client and its dependencies are instantiated and linked once rather than once a file; the
//! tests that need a process of their own (a global tracing subscriber, Prism, the vendor's
//! SDKs, a PostgreSQL cluster) are binaries of their own beside this one.

#[path = "../support/mod.rs"]
mod support;

mod chat;
mod credentials;
mod documents;
mod faults;
mod files;
mod free_form;
mod helper_names;
mod http_stack;
mod invoke;
mod operations;
mod rdb;
mod redirects;
mod retries;
mod secret_key;
mod session;
mod storage_pg;
mod streams;
