//! Stateful fakes built on the generated stubs, where a fixed reply is not enough.

pub(crate) mod auth;
