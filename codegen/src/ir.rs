//! The intermediate representation: what the generator decided about a spec, before any Rust
//! tokens exist. Every name here is final (a valid, collision-free Rust identifier); every wire
//! name is kept beside it. Emitters and the summary read this and nothing else.

/// One spec file, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The area, from the file name: `auth`, `ai_model`, ...; also the module and cargo feature name.
    pub area: String,
    /// The spec file as the caller named it, e.g. `specs/auth.yaml`.
    pub file: String,
    /// Name of the struct that groups the area's operations, e.g. `AuthApi`.
    pub api_struct: String,
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// In document order (paths, then methods in OpenAPI order).
    pub operations: Vec<Operation>,
    /// Named types: component schemas in document order, then inline types in order of discovery.
    pub types: Vec<TypeDef>,
    /// The error decoding most operations share (every non-success status decoded as one body):
    /// emitted once for the area, and used by each operation whose [`ErrorDecoding`] is exactly it.
    pub shared_errors: Option<ErrorBodyKind>,
    /// The crate-root names the `builders` module imports: always `Client`, `Error` and
    /// `Response`, then `EventStream` and `Body` where an operation needs them. No builder takes a
    /// name of [`BUILDER_IMPORTS`].
    pub builder_imports: Vec<&'static str>,
}

/// Every crate-root name a `builders` module may import, in the order it imports them.
pub const BUILDER_IMPORTS: &[&str] = &["Body", "Client", "Error", "EventStream", "Response"];

impl Api {
    /// Whether `op` decodes its errors with the area's shared decoding ([`Api::shared_errors`]).
    pub fn uses_shared_errors(&self, op: &Operation) -> bool {
        op.errors.arms.is_empty() && self.shared_errors == Some(op.errors.fallback)
    }

    /// Looks a named type up by its id.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }
}

/// Index of a [`TypeDef`] in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A type used by a field, parameter, body or response.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// `String`.
    String,
    /// `i32` or `i64`.
    Integer {
        /// 32 or 64.
        bits: u8,
    },
    /// `f64` (or `f32` for `format: float`).
    Number {
        /// 32 or 64.
        bits: u8,
    },
    /// `bool`.
    Boolean,
    /// `bytes::Bytes` (binary request or response bodies).
    Bytes,
    /// `serde_json::Value`: the schema allows anything.
    Any,
    /// `serde_json::Map<String, Value>`: a free-form object.
    Object,
    /// `Vec<T>`.
    Array(Box<Type>),
    /// `BTreeMap<String, T>`.
    Map(Box<Type>),
    /// `Option<T>`: `nullable: true`.
    Nullable(Box<Type>),
    /// A generated named type.
    Named(TypeId),
}

/// A named, generated type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Where it comes from: the component schema name, or a description of its position.
    pub origin: String,
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
    /// The schema's title and description.
    pub docs: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// For an alias that contains itself through arrays and maps (`Tree = Vec<Tree>`), which no
    /// Rust alias can say: a newtype (`pub struct Tree(pub Vec<Tree>)`, the same JSON).
    pub newtype: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// `pub type Name = ...;` for schemas that are not structs or enums (arrays, maps, primitives);
    /// a newtype where it contains itself ([`TypeDef::newtype`]).
    Alias(Type),
    /// An object with properties.
    Struct(Struct),
    /// A string enum with a catch-all variant.
    Enum(StringEnum),
    /// A `oneOf` / `anyOf`.
    Union(Union),
    /// The documented headers of a reply without a body (a HEAD, a 304), read into fields.
    Headers(Headers),
    /// The object schema of a `multipart/form-data` body: one part per property, files streamed
    /// (no serde: it is only ever sent as a form).
    Form(Form),
    /// A schema of exactly the shape of a type the runtime defines: the runtime's type, re-exported
    /// under the schema's name.
    Runtime(RuntimeType),
}

/// Types the runtime defines once for every area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeType {
    /// `cloudbase_api::GatewayError`: `{code, message, requestId}`, every field an optional string.
    GatewayError,
}

impl RuntimeType {
    /// The runtime type's name at the crate root.
    pub fn name(self) -> &'static str {
        match self {
            RuntimeType::GatewayError => "GatewayError",
        }
    }

    /// Whether `s` has exactly this type's wire shape (property names, types, optionality and
    /// serde behaviour; descriptions do not count).
    pub fn matches(self, s: &Struct) -> bool {
        match self {
            RuntimeType::GatewayError => {
                let wire: Vec<(&str, &str)> =
                    s.fields.iter().map(|f| (f.wire_name.as_str(), f.name.as_str())).collect();
                wire == [("code", "code"), ("message", "message"), ("requestId", "request_id")]
                    && s.extra.is_none()
                    && s.fields.iter().all(|f| {
                        f.ty == Type::String
                            && !f.required
                            && !f.read_only
                            && !f.write_only
                            && f.shown == Shown::Plain
                            && !f.boxed
                    })
            }
        }
    }
}

/// The documented headers of a bodiless reply, each an optional field.
#[derive(Debug, Clone, PartialEq)]
pub struct Headers {
    /// In the order the spec lists them.
    pub fields: Vec<HeaderField>,
}

/// One header of [`Headers`].
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    /// Rust name.
    pub name: String,
    /// Header name as the spec writes it.
    pub wire_name: String,
    /// `String`, or a number or boolean parsed from the header's text.
    pub ty: Type,
    /// The header's description.
    pub docs: Option<String>,
}

/// A multipart form: its fields, each sent as a part, in property order.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// Properties in document order.
    pub fields: Vec<FormField>,
}

/// One part of a [`Form`].
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// Rust name.
    pub name: String,
    /// Part name on the wire.
    pub wire_name: String,
    /// `String`, a number, a boolean (sent as text), or `Bytes` (a file part, streamed).
    pub ty: Type,
    /// Listed in `required`.
    pub required: bool,
    /// For a file part: the media type it is sent as (the first of the encoding's
    /// `contentType`, else `application/octet-stream`).
    pub content_type: Option<String>,
    /// The property's description.
    pub docs: Option<String>,
}

/// An object schema with known properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Properties in document order.
    pub fields: Vec<Field>,
    /// `additionalProperties` next to known properties: a flattened map of everything else.
    pub extra: Option<ExtraField>,
    /// Every field is optional, so `Default` gives a valid (empty) value.
    pub default: bool,
    /// Set when the struct is a documented error body: which fields carry what.
    pub error_fields: Option<ErrorFields>,
}

/// The fields of an error body that hold the error code, message and request id, picked by the
/// names the CloudBase error shapes use (`{code, message, requestId}`,
/// `{error, error_code, error_description}`, `{code, message, request_id}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorFields {
    /// Rust name of the string field holding the error code.
    pub code: Option<String>,
    /// Rust name of the string field holding the message.
    pub message: Option<String>,
    /// Rust name of the string field holding the request id.
    pub request_id: Option<String>,
    /// Rust name of an `error` field holding a nested error body (the OpenAI shape
    /// `{error: {code, message, type}}`), read where this body's own fields are absent.
    pub nested: Option<String>,
}

/// One property of a [`Struct`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// Property name on the wire.
    pub wire_name: String,
    /// The property's type, without the `Option` that `required` decides.
    pub ty: Type,
    /// Listed in `required` (and neither `readOnly` nor `writeOnly`).
    pub required: bool,
    /// `readOnly: true`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly: true`: sent by the client only.
    pub write_only: bool,
    /// Needs `Box` to break a recursive type.
    pub boxed: bool,
    /// How `Debug` shows the value (see `normalize::secret` for the rule).
    pub shown: Shown,
    /// Optional and nullable in a type a request body sends: three states (absent, `null`, a
    /// value), `Option<Option<T>>`, so a request can clear the property.
    pub three_state: bool,
    /// The property's description.
    pub docs: Option<String>,
}

/// How `Debug` shows a [`Field`]'s value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// As derived.
    Plain,
    /// Holds a secret (a password, a token, ...): `<redacted>`.
    Secret,
    /// Holds URLs: each through the runtime's URL redactor, which shows it with the values that
    /// work as credentials (a signed link's `token` or signature, a password) `<redacted>`.
    Url,
}

/// `additionalProperties` kept beside a struct's known properties.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtraField {
    /// Rust name of the flattened field.
    pub name: String,
    /// Value type of the map; `Type::Any` for `additionalProperties: true`.
    pub value: Type,
}

/// A string enum; unknown values decode into a catch-all variant.
#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    /// Known values in document order.
    pub variants: Vec<EnumVariant>,
    /// Name of the catch-all variant (`Other`, unless a value already took that name).
    pub other: String,
}

/// One value of a [`StringEnum`].
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// The value on the wire.
    pub value: String,
}

/// A `oneOf` or `anyOf`: the first variant that matches wins, after a variant that is singled out
/// by a property only it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// Variants in document order.
    pub variants: Vec<UnionVariant>,
    /// `discriminator.propertyName`, when the spec gives one.
    pub discriminator: Option<String>,
    /// A documented error body whose every variant is one: it reads its code, message and
    /// request id from whichever variant came.
    pub error_body: bool,
}

/// One variant of a [`Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust name.
    pub name: String,
    /// Its payload.
    pub ty: Type,
    /// Wire names of properties that only this variant declares; their presence selects it.
    pub marker_properties: Vec<String>,
    /// Value of the discriminator property that selects it.
    pub discriminator_value: Option<String>,
    /// The variant's schema says it is secret (`format: password`, `x-sensitive: true`): its
    /// payload is shown as `<redacted>` by `Debug`.
    pub secret: bool,
}

/// HTTP methods OpenAPI 3.0 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation (path + method).
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` as written in the spec.
    pub id: String,
    /// Rust method name: `snake_case(operationId)`.
    pub method_name: String,
    /// Rust name of the request builder.
    pub builder: String,
    /// HTTP method.
    pub method: Method,
    /// Path template as written, e.g. `/v1/functions/{name}`.
    pub path: String,
    /// The template split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `x-docs-url`, when present.
    pub docs_url: Option<String>,
    /// `x-specialization-of`: the operationId of a more general operation whose route this one
    /// is a case of (the same server resource; its path does not shadow the general one's).
    pub specialization_of: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path, query and header parameters, path-level ones merged in, in spec order.
    pub params: Vec<Param>,
    /// Required parameters the spec allows one value for (`enum: ['true']`): always sent, no setter.
    pub constants: Vec<Constant>,
    /// The request body, when there is one.
    pub body: Option<RequestBody>,
    /// Every documented response.
    pub responses: Vec<Response>,
    /// What the success of `send()` decodes into.
    pub success: Success,
    /// Event-stream replies, for `send_stream()`.
    pub stream: Option<EventStream>,
    /// Ways to authenticate, any one of which will do.
    pub security: Vec<SecurityRequirement>,
    /// Whether its URL alone is the whole request, offered as `url()`: a GET that takes no
    /// credentials (`security: []`), no header and no body, such as a public or token-signed
    /// download, whose link may be handed to anyone.
    pub link: bool,
    /// `x-trailing-slash: also`: servers answer the path with a trailing `/` too (what some
    /// clients send for a route's root); the mock matches both, the client sends the template.
    pub trailing_slash: bool,
    /// How an error reply is decoded: by status where it differs from the fallback.
    pub errors: ErrorDecoding,
    /// What `send()` asks for and what `accept()` may choose.
    pub accept: Accept,
    /// What the generated mock server answers when a test set no reply.
    pub mock: MockReply,
}

/// The reply the generated mock server gives an operation by default: the first documented
/// success, with the spec's documented example or, without one, a sample value of its type,
/// bounded in depth and size (at most 1,024 JSON values, optional fields filled while it holds
/// fewer than 128: `normalize::mock`).
#[derive(Debug, Clone, PartialEq)]
pub struct MockReply {
    /// The first documented success status (`2XX` answers 200, no documented success 200).
    pub status: u16,
    /// The body, when that success documents one (JSON preferred, then text, then bytes).
    pub body: Option<MockBody>,
    /// The data of one event, for an operation that can answer an event stream.
    pub event: Option<MockValue>,
}

impl Default for MockReply {
    fn default() -> Self {
        MockReply { status: 200, body: None, event: None }
    }
}

/// A body the mock server sends.
#[derive(Debug, Clone, PartialEq)]
pub struct MockBody {
    /// A concrete media type (`text/*` is sent as `text/plain`, `*/*` as
    /// `application/octet-stream`).
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// The value sent.
    pub value: MockValue,
}

/// A value the mock server sends: JSON for a JSON body or event, a string for text.
#[derive(Debug, Clone, PartialEq)]
pub struct MockValue {
    /// The value; a JSON string for text and bytes.
    pub value: serde_json::Value,
    /// Whether it is the spec's documented example (otherwise a sample of the type).
    pub documented: bool,
}

impl Operation {
    /// Whether the operation's docs can show a request built from the spec's documented values.
    pub fn example_request(&self) -> ExampleRequest {
        let documented =
            self.params.iter().any(|p| p.example.is_some()) || self.body.as_ref().is_some_and(RequestBody::documented);
        if !documented {
            return ExampleRequest::Undocumented;
        }
        if self.body.as_ref().is_some_and(|b| b.required && !b.documented()) {
            return ExampleRequest::BodyUndocumented;
        }
        let placeholders = self
            .params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.caller_sets() && p.example.is_none())
            .map(|(i, _)| i)
            .collect();
        ExampleRequest::Shown { placeholders }
    }
}

/// See [`Operation::example_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleRequest {
    /// No parameter or body of the operation has a documented value: no example.
    Undocumented,
    /// Some values are documented, but not the required body: no complete request to show.
    BodyUndocumented,
    /// An example is shown: the documented values, and a placeholder (`"<name>"`, or a value of
    /// the type) for each required parameter listed here (indexes into [`Operation::params`]).
    Shown {
        /// Required parameters without a documented value.
        placeholders: Vec<usize>,
    },
}

/// The `Accept` decisions of an operation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Accept {
    /// `Accept` for `send()`: every media type a documented non-stream success or the default
    /// response may have, as the spec writes them, in document order.
    pub header: String,
    /// The media types (essences) of documented non-stream successes; with two or more, the
    /// builder has an `accept()` setter choosing one.
    pub choices: Vec<String>,
}

/// How `error()` maps a non-success reply to `Error::Api`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorDecoding {
    /// Statuses whose documented body differs from the fallback's, most specific first.
    pub arms: Vec<(Vec<StatusSpec>, ErrorBodyKind)>,
    /// The `default` response's body, or [`ErrorBodyKind::Undocumented`] without one.
    pub fallback: ErrorBodyKind,
}

/// The body an error status is decoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorBodyKind {
    /// A documented struct (its code, message and request id read through `ErrorBody`).
    Struct(TypeId),
    /// A JSON object without a struct of its own.
    Map,
    /// Other JSON.
    Value,
    /// Text: the text is the message.
    Text,
    /// No documented body: whatever JSON object there is, else the snippet.
    #[default]
    Undocumented,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// Index into [`Operation::params`] of a path parameter.
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment (or, with `allow_slashes`, a sub-path).
    Path,
    /// A query pair.
    Query,
    /// A request header.
    Header,
}

impl ParamLocation {
    /// `path`, `query` or `header`, as OpenAPI spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
}

/// How a parameter value is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// One value (`name=value`; arrays comma-joined).
    Simple,
    /// `style: form, explode: true`: each array item or object entry is its own query pair.
    Exploded,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust name of the setter and field.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: Type,
    /// `required: true`.
    pub required: bool,
    /// How it is serialized.
    pub style: ParamStyle,
    /// `x-path-parameter-may-contain-slashes: true`: a sub-path whose `/` are sent as is.
    pub allow_slashes: bool,
    /// An optional query or header parameter whose schema allows one value (`enum: ['true']`):
    /// a `bool` setter; `true` sends this value, `false` nothing.
    pub flag: Option<String>,
    /// The spec's constraints on the value.
    pub constraints: Constraints,
    /// A text value named like a credential (`sudo_token`, `x-captcha-token`; the rule of
    /// `normalize::secret`): the mock shows it as `<redacted>` in `Debug`, logs and violations.
    pub secret: bool,
    /// The documented example value (`example`, else the first of `examples`, else the schema's
    /// `example`), checked to fit [`Param::ty`]; for a flag, the value it sends.
    pub example: Option<serde_json::Value>,
    /// For a path parameter: the values (its first segment, for a sub-path) that would make the
    /// path another route of the same method, one with literal text where this one has the
    /// parameter and the same text before it (`bucketId` = `sign` would turn
    /// `/object/{bucketId}/{name}` into `/object/sign/{bucketId}/{name}`), with that route's
    /// template. A router taking literal text first, as the spec's servers do, would answer the
    /// other route, so the client refuses them.
    pub shadowed: Vec<(String, String)>,
    /// `x-client-default`: a value the client supplies when the caller sets none (its device id,
    /// its environment id), so the caller need not set it even where the spec requires it.
    pub client_default: Option<ClientDefault>,
    /// `description`.
    pub docs: Option<String>,
}

impl Param {
    /// Whether the caller must set the parameter before `send()`: required, and no value the
    /// client supplies.
    pub fn caller_sets(&self) -> bool {
        self.required && self.client_default.is_none()
    }
}

/// A parameter's value the client supplies when the caller sets none (`x-client-default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientDefault {
    /// `device-id`: the client's device id (one per client; `ClientBuilder::device_id`).
    DeviceId,
    /// `env-id`: the client's environment id, when it has one (nothing is sent otherwise).
    EnvId,
}

impl ClientDefault {
    /// The extension's value naming it.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientDefault::DeviceId => "device-id",
            ClientDefault::EnvId => "env-id",
        }
    }
}

/// A required query or header parameter with a single allowed value, sent on every request.
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    /// Name on the wire.
    pub wire_name: String,
    /// Query or header.
    pub location: ParamLocation,
    /// The one value.
    pub value: String,
    /// `description`.
    pub docs: Option<String>,
}

/// Client-side checks a spec states for a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `pattern` (ECMA-262 regular expression).
    pub pattern: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
}

/// How a body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Serialized with serde_json.
    Json,
    /// Sent or read as UTF-8 text.
    Text,
    /// Sent or read as raw bytes, streamed.
    Bytes,
    /// `multipart/form-data`: text fields and streamed files (request bodies only).
    Multipart,
}

/// A request body: one or more forms it may take, each with its own setter.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// `required: true`.
    pub required: bool,
    /// The forms in spec order; with one, its setter is `body`.
    pub forms: Vec<BodyForm>,
    /// With several forms: the name of the mock's enum of them (`<Builder>Body`, beside the
    /// typed requests, so claimed among the builders' names).
    pub forms_enum: Option<String>,
    /// `description`.
    pub docs: Option<String>,
}

/// One media type a request body may be sent as.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyForm {
    /// Rust name of its setter: `body` for an operation's only form, else named by its kind
    /// (`json`, `text`, `form`, `bytes`).
    pub setter: String,
    /// Media type sent as `Content-Type`.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// Its type (a [`TypeKind::Form`] for `multipart/form-data`).
    pub ty: Type,
    /// Set for a JSON body whose schema names no Rust type (`{}`, or an object without
    /// properties): the setter takes any `Serialize` value.
    pub free_form: Option<FreeForm>,
    /// `x-any-content-type: true` on the body, for its binary form: the media type stands for
    /// any, and the builder's `content_type` setter says which is sent.
    pub any_content_type: bool,
    /// `x-also-sent-as` on a JSON form: other media types (essences) clients label this JSON
    /// with, which servers read as JSON (the mock accepts them; the client sends `media_type`).
    pub also_sent_as: Vec<String>,
    /// The documented example body (`example`, else the first of `examples`, else the schema's
    /// `example`), checked to have the body's outer shape (object, array, text).
    pub example: Option<serde_json::Value>,
}

impl RequestBody {
    /// Whether one of its forms has a documented example.
    pub fn documented(&self) -> bool {
        self.forms.iter().any(|f| f.example.is_some())
    }
}

/// What a free-form JSON body may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeForm {
    /// Any JSON value (`{}`, or a nullable schema).
    Any,
    /// A JSON object (`type: object` without properties), checked at `send()` before any I/O.
    Object,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusSpec {
    /// One status code.
    Code(u16),
    /// `2XX` etc.: the hundred.
    Range(u16),
    /// `default`.
    Default,
}

impl StatusSpec {
    /// The status a server answering this response sends: the code, the first of a range
    /// (`2XX` -> 200), and 200 for `default` (answered as a success).
    pub fn answered(self) -> u16 {
        match self {
            StatusSpec::Code(code) => code,
            StatusSpec::Range(hundred) => hundred * 100,
            StatusSpec::Default => 200,
        }
    }

    /// Whether this response documents a success: a 2xx, or a 304 (the answer to a conditional
    /// request: what the caller has is current).
    pub fn is_success(self) -> bool {
        match self {
            StatusSpec::Code(c) => (200..300).contains(&c) || c == 304,
            StatusSpec::Range(r) => r == 2,
            StatusSpec::Default => false,
        }
    }
}

impl std::fmt::Display for StatusSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusSpec::Code(c) => write!(f, "{c}"),
            StatusSpec::Range(r) => write!(f, "{r}XX"),
            StatusSpec::Default => f.write_str("default"),
        }
    }
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The statuses it covers.
    pub status: StatusSpec,
    /// `description`.
    pub description: String,
    /// Documented response headers.
    pub headers: Vec<ResponseHeader>,
    /// Bodies by media type, in spec order; empty when the response has no body.
    pub contents: Vec<Content>,
    /// For a success without a body that documents headers: the type they are read into.
    pub headers_type: Option<TypeId>,
    /// `x-body-optional: true`: the reply may also come without a body (e.g. a PostgREST write
    /// under `Prefer: return=minimal`), which is then a success of its own.
    pub body_optional: bool,
}

/// A documented response header.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// Header name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// `description`.
    pub docs: Option<String>,
}

/// One media type of a response.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    /// e.g. `application/json; charset=utf-8`, as the spec writes it.
    pub media_type: String,
    /// The media type without parameters, lower case (`application/json`): what a reply's
    /// `Content-Type` is matched against.
    pub essence: String,
    /// How it is decoded.
    pub kind: ContentKind,
    /// Its type.
    pub ty: Type,
    /// The documented example (`example`, else the first of `examples`, else the schema's
    /// `example`); for an event stream, one event's data. Checked to have the body's outer shape.
    pub example: Option<serde_json::Value>,
}

/// How a response body is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// A body (JSON, text or bytes).
    Body(BodyKind),
    /// `text/event-stream`: decoded by `send_stream()`, not `send()`.
    EventStream,
}

/// What `send()` returns on success.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// Exactly one documented success shape.
    Single(SuccessCase),
    /// A reply of any media type at one status, told apart by its `Content-Type` as the runtime's
    /// `cloudbase_api::Body` does: no body, `application/json` of any shape, `text/*`, and
    /// anything else as bytes. Emitted as that type, not as an enum per operation.
    Body(StatusSpec),
    /// Several (statuses or media types): an enum named by the operation.
    Enum {
        /// Rust name of the enum.
        name: String,
        /// One variant per case.
        variants: Vec<SuccessVariant>,
    },
}

/// One success shape: a status (or range) and, when there is a body, its media type.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessCase {
    /// The status it covers.
    pub status: StatusSpec,
    /// `None` for a response without a body.
    pub content: Option<Content>,
    /// Whether other media types share this status (so the media type must be checked).
    pub match_media_type: bool,
    /// The case of a reply without a body beside documented bodies of the same status
    /// (`x-body-optional`): it is matched when the body is empty, before the media type.
    pub when_empty: bool,
    /// For a reply without a body that documents headers: the [`TypeKind::Headers`] they are
    /// read into, the case's value.
    pub headers: Option<TypeId>,
}

/// A variant of a [`Success::Enum`].
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessVariant {
    /// Rust name.
    pub name: String,
    /// What it decodes.
    pub case: SuccessCase,
    /// The response description.
    pub docs: String,
}

/// An operation that can answer `text/event-stream`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStream {
    /// Type of each event's data: `Type::String` for raw data, otherwise JSON.
    pub item: Type,
    /// `x-sse-terminator`: the data that ends the stream, e.g. `[DONE]`.
    pub terminator: Option<String>,
}

/// How a request may authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityRequirement {
    /// `{}`: no credentials.
    None,
    /// HTTP bearer.
    Bearer,
    /// HTTP basic.
    Basic,
    /// An API key in a header (a raw key, or a signature the spec does not say how to make).
    ApiKeyHeader(String),
    /// A Tencent Cloud TC3-HMAC-SHA256 signature in `Authorization` (a scheme marked
    /// `x-signature: TC3-HMAC-SHA256`).
    Tc3,
}
