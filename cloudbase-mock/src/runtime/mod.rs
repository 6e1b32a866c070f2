//! What the generated tables and stubs build on: route descriptors and matching, the checks a
//! request must pass, stubs and answers, and the server. Nothing here knows an endpoint.

pub(crate) mod check;
pub(crate) mod form;
pub(crate) mod route;
pub(crate) mod server;
pub(crate) mod stub;
pub(crate) mod stubs_file;

pub use check::{Received, Redacted};
pub use form::{Form, FormPart};
pub use route::{
    BodyKind, BodySpec, Constant, DefaultReply, FormSpec, Location, Param, PartSpec, Route, Rules, Security, Shape,
    StreamSpec, any_body, decodes,
};
pub use server::MOCK_ORIGIN;
pub use stub::{Answer, Request, Stub};
pub use stubs_file::StubsFileError;
