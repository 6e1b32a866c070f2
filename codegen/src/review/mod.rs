//! Tools for reviewers, apart from the pipeline: what a spec's IR says ([`summary`]), what a spec
//! change does to the generated API ([`spec_diff`]) and to its doc text ([`doc_diff`]), and which
//! items of a generated file differ ([`code_diff`]).

pub mod code_diff;
pub mod doc_diff;
pub mod spec_diff;
pub mod summary;
