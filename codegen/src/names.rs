//! Rust names from spec names: case conversion, sanitizing and collision handling.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words Rust reserves; a field named like one becomes a raw identifier (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Whether `name` is a Rust keyword (and so needs `r#` or a suffix).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Keeps ASCII letters, digits and the separators heck understands; everything else (e.g. the
/// specs' Chinese titles) becomes a word break.
fn ascii_words(raw: &str) -> String {
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// `snake_case` name for functions, fields and modules. `fallback` is used when nothing of `raw`
/// survives sanitizing.
pub fn snake(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `UpperCamelCase` name for types and variants.
pub fn pascal(raw: &str, fallback: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if NOT_RAW.contains(&name.as_str()) || is_keyword(&name) {
        name.push('_');
    }
    name
}

/// Hands out names unique within one scope: the first taker keeps a name, later ones get a
/// numeric suffix (`Name2`, `name_2`), in call order, so the result is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope { taken: reserved.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// Claims `name`, or the first free suffixed form of it.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) { "" } else { "_" };
        let base = name.trim_end_matches('_');
        let mut n = 2;
        loop {
            let candidate = format!("{base}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Gives back a name claimed for something that was not made after all.
    pub fn release(&mut self, name: &str) {
        self.taken.remove(name);
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// A media type without its parameters, in lower case: `Application/JSON; charset=utf-8` ->
/// `application/json`.
pub fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or(media_type).trim().to_ascii_lowercase()
}

/// Whether `text` is a concrete media type (`type/subtype`, RFC 9110 tokens, parameters
/// allowed): what a `Content-Type` can be.
pub fn is_media_type(text: &str) -> bool {
    let token =
        |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    let mut pieces = text.split(';');
    let essence = pieces.next().unwrap_or_default().trim();
    let parameters_ok = pieces.all(|p| {
        p.trim().split_once('=').is_some_and(|(name, value)| {
            token(name.trim()) && !value.trim().is_empty() && value.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        })
    });
    essence.split_once('/').is_some_and(|(kind, sub)| token(kind) && token(sub) && kind != "*" && sub != "*")
        && parameters_ok
}

/// A media type a reply of `kind` can carry for a documented one: wildcards made concrete
/// (`text/*` -> `text/plain`, `*/*` -> `application/octet-stream`, or `application/json` for JSON).
pub fn concrete_media_type(essence: &str, kind: crate::ir::BodyKind) -> String {
    use crate::ir::BodyKind;
    match (essence, kind) {
        ("*/*" | "application/*", BodyKind::Json) => "application/json".to_owned(),
        ("*/*", _) => "application/octet-stream".to_owned(),
        (m, _) if m.ends_with("/*") => format!("{}plain", m.trim_end_matches('*')),
        (m, _) => m.to_owned(),
    }
}

/// A variant name for a media type: `application/json` -> `Json`,
/// `application/vnd.pgrst.object+json` -> `PgrstObjectJson`, `text/plain` -> `Text`.
pub fn media_type_variant(media_type: &str) -> String {
    let essence = essence(media_type);
    match essence.as_str() {
        "application/json" => return "Json".to_owned(),
        "text/plain" | "text/*" => return "Text".to_owned(),
        "*/*" => return "Other".to_owned(),
        "application/octet-stream" => return "Bytes".to_owned(),
        "text/event-stream" => return "EventStream".to_owned(),
        _ => {}
    }
    let subtype = essence.split('/').nth(1).unwrap_or(&essence);
    let subtype = subtype.strip_prefix("vnd.").unwrap_or(subtype);
    pascal(subtype, "Content")
}

/// A variant name for a status: the reason phrase (`Ok`, `Created`, `NoContent`), else `Status207`.
pub fn status_variant(code: u16) -> String {
    let phrase = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritative",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        304 => "NotModified",
        _ => return format!("Status{code}"),
    };
    phrase.to_owned()
}

/// A component schema's type name: `pascal(key)`, without a leading API version (`v1Token` ->
/// `Token`, `V2_Item` -> `Item`) unless the shorter name is `taken` or another key of the same
/// document (`others`) would take it.
pub fn type_name<'k>(key: &str, others: impl IntoIterator<Item = &'k str>, taken: impl Fn(&str) -> bool) -> String {
    let full = pascal(key, "Schema");
    let Some(rest) = strip_version(key) else { return full };
    let short = pascal(rest, "Schema");
    let claimed_by_other = others.into_iter().any(|other| other != key && pascal(other, "Schema") == short);
    if claimed_by_other || taken(&short) || strip_version(rest).is_some() { full } else { short }
}

/// `key` without a leading `v<digits>` (either case) followed by an upper-case letter or `_`.
fn strip_version(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(['v', 'V'])?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let rest = &rest[digits..];
    let rest = rest.strip_prefix('_').unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_uppercase()).then_some(rest)
}

/// The UpperCamelCase names the Rust 2024 prelude gives every module: the types, traits,
/// variants and derive macros `std::prelude::v1` re-exports, and those `core::prelude::rust_2021`
/// and `rust_2024` add (`TryFrom`, `TryInto`, `FromIterator`, `Future`, `IntoFuture`), as the
/// standard library's documentation lists them
/// (<https://doc.rust-lang.org/std/prelude/rust_2024/index.html>, which re-exports
/// <https://doc.rust-lang.org/std/prelude/v1/index.html>). A generated type or builder named like
/// one would hide it from the code beside it (a builder `Into` from its own
/// `impl Into<String>` setters, a type `From` from every `impl From<..>`). The prelude's
/// functions and macros are lower case, which no type name is.
#[rustfmt::skip]
pub const PRELUDE: &[&str] = &[
    // std::marker, std::ops
    "Copy", "Send", "Sized", "Sync", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "AsyncFn", "AsyncFnMut", "AsyncFnOnce",
    // std::boxed, std::borrow, std::clone, std::cmp, std::convert, std::default
    "Box", "ToOwned", "Clone", "PartialEq", "PartialOrd", "Eq", "Ord", "AsRef", "AsMut", "Into", "From", "Default",
    // std::iter
    "Iterator", "Extend", "IntoIterator", "DoubleEndedIterator", "ExactSizeIterator",
    // std::option, std::result, std::string, std::vec
    "Option", "Some", "None", "Result", "Ok", "Err", "String", "ToString", "Vec",
    // the derive macros of traits outside the prelude
    "Debug", "Hash",
    // rust_2021, rust_2024
    "TryFrom", "TryInto", "FromIterator", "Future", "IntoFuture",
];

/// The names an area's module (its types' scope) uses unqualified besides [`PRELUDE`]: what it
/// imports (`Client`, `ErrorBody`, serde's `Serialize` and `Deserialize`), and the crate's own
/// names a user imports beside an area's types (`Error`, `Response`, `Token`). No generated type
/// takes one of these or of the prelude's (`tests/hostile_names.rs` checks that the generated
/// code names nothing else unqualified).
pub const AREA_MODULE_NAMES: &[&str] =
    &["Client", "ErrorBody", "Serialize", "Deserialize", "Error", "Response", "Token"];

/// Every type name an area's module reserves: [`PRELUDE`] and [`AREA_MODULE_NAMES`].
pub fn reserved_type_names() -> Vec<&'static str> {
    PRELUDE.iter().chain(AREA_MODULE_NAMES).copied().collect()
}

/// Every name a request builder (in `<area>::builders`, and as the mock's typed request in its
/// `requests` module) cannot take: [`PRELUDE`] and the crate-root names the builders import
/// ([`BUILDER_IMPORTS`](crate::ir::BUILDER_IMPORTS)).
pub fn reserved_builder_names() -> Vec<&'static str> {
    PRELUDE.iter().chain(crate::ir::BUILDER_IMPORTS).copied().collect()
}

/// The methods `emit::operations` writes on a request builder besides its parameters' setters:
/// the body's setters (`body`, or one per form), `content_type`, `accept`, `send`,
/// `send_stream`, `url`, `into_request` and `error` (a test checks the emitted builders define
/// exactly these and the setters).
pub const BUILDER_METHODS: &[&str] = &[
    "body",
    "json",
    "text",
    "bytes",
    "form",
    "content_type",
    "accept",
    "send",
    "send_stream",
    "url",
    "into_request",
    "error",
];

/// The methods the runtime's `request_builder!` gives every builder (`new`, `timeout`, `retry`;
/// a test reads them from `cloudbase-api/src/runtime/mod.rs`), its fields besides the
/// parameters' (`client`, `options`), and the methods of the traits it implements (`Clone`'s
/// `clone` and `clone_from`, `Debug`'s `fmt`), which a setter of the same name would hide from
/// method calls.
pub const BUILDER_RUNTIME_NAMES: &[&str] =
    &["new", "timeout", "retry", "client", "options", "clone", "clone_from", "fmt"];

/// Every name a parameter's setter cannot take: [`BUILDER_METHODS`] and
/// [`BUILDER_RUNTIME_NAMES`]; such a parameter's setter is suffixed (`url_2`).
pub fn reserved_setter_names() -> Vec<&'static str> {
    BUILDER_METHODS.iter().chain(BUILDER_RUNTIME_NAMES).copied().collect()
}

/// Methods of the prelude's traits that every type has and that take `self` by value
/// (`Into::into`, `TryInto::try_into`): called on the API struct a method of the area returns
/// (`client.area().into()`), method lookup finds the trait's by-value method before an
/// operation's `&self` method of the same name, so no operation takes one (`into_2`).
pub const API_TRAIT_METHODS: &[&str] = &["into", "try_into"];

/// The hand-written helpers built on each operation, by area and method name: the generated
/// method's docs link them (intra-doc paths, `Self::` being the area's API struct). A test in
/// `cloudbase-api` checks that each listed operation is called in its area's helper file, and
/// that each operation a helper calls is listed.
pub const HELPER_LINKS: &[(&str, &str, &[&str])] = &[
    ("ai_model", "create_chat_completion", &["Self::chat"]),
    ("ai_model", "create_anthropic_message", &["Self::messages"]),
    ("auth", "sign_in", &["Self::sign_in_with_password", "Self::sign_in_with_verification"]),
    ("auth", "anonymous_token", &["Self::sign_in_anonymously"]),
    ("auth", "sign_in_custom", &["Self::sign_in_with_ticket"]),
    ("auth", "grant_token", &["crate::session::Session"]),
    ("auth", "revoke", &["crate::session::Session::sign_out"]),
    ("auth", "send_verification", &["Self::send_phone_code", "Self::send_email_code"]),
    ("auth", "verify_verification", &["Self::verify_code"]),
    ("auth", "user_me", &["Self::sign_in_with_verification", "crate::session::Session::profile"]),
    ("cloudrun", "get", &["Self::service"]),
    ("cloudrun", "put", &["Self::service"]),
    ("cloudrun", "post", &["Self::service"]),
    ("cloudrun", "delete", &["Self::service"]),
    ("cloudrun", "head", &["Self::service"]),
    ("cloudrun", "patch", &["Self::service"]),
    ("cloudrun", "root_get", &["Self::service"]),
    ("cloudrun", "root_put", &["Self::service"]),
    ("cloudrun", "root_post", &["Self::service"]),
    ("cloudrun", "root_delete", &["Self::service"]),
    ("cloudrun", "root_head", &["Self::service"]),
    ("cloudrun", "root_patch", &["Self::service"]),
    ("functions", "invoke_function", &["Self::invoke", "Self::web"]),
    ("functions", "web_get", &["Self::web"]),
    ("functions", "web_get_path", &["Self::web"]),
    ("functions", "web_post_path", &["Self::web"]),
    ("mysqldb", "query_records", &["crate::rdb::Table::select"]),
    ("mysqldb", "query_records_with_schema", &["crate::rdb::Table::select", "Self::from_schema"]),
    ("mysqldb", "query_records_with_instance", &["crate::rdb::Table::select", "Self::from_instance"]),
    ("mysqldb", "count_records", &["crate::rdb::Table::count"]),
    ("mysqldb", "insert_records", &["crate::rdb::Table::insert"]),
    ("mysqldb", "insert_records_with_schema", &["crate::rdb::Table::insert", "Self::from_schema"]),
    ("mysqldb", "insert_records_with_instance", &["crate::rdb::Table::insert", "Self::from_instance"]),
    ("mysqldb", "update_records", &["crate::rdb::Table::update"]),
    ("mysqldb", "update_records_with_schema", &["crate::rdb::Table::update", "Self::from_schema"]),
    ("mysqldb", "update_records_with_instance", &["crate::rdb::Table::update", "Self::from_instance"]),
    ("mysqldb", "delete_records", &["crate::rdb::Table::delete"]),
    ("mysqldb", "delete_records_with_schema", &["crate::rdb::Table::delete", "Self::from_schema"]),
    ("mysqldb", "delete_records_with_instance", &["crate::rdb::Table::delete", "Self::from_instance"]),
    ("mysqldb", "call_rpc", &["Self::rpc"]),
    ("mysqldb", "call_rpc_get", &["Self::rpc"]),
    ("mysqldb", "call_rpc_head", &["Self::rpc"]),
    ("mysqldb", "exec_pgsql", &["Self::sql"]),
    ("nosql", "query_documents", &["crate::documents::Collection::find"]),
    ("nosql", "insert_documents", &["crate::documents::Collection::insert"]),
    ("nosql", "update_documents", &["crate::documents::Collection::update"]),
    ("nosql", "get_document_by_id", &["crate::documents::Collection::get"]),
    ("nosql", "remove_documents", &["crate::documents::Collection::remove"]),
    ("nosql", "aggregate", &["crate::documents::Collection::aggregate"]),
    ("nosql", "start_transaction", &["Self::begin_transaction"]),
    ("nosql", "commit_transaction", &["crate::documents::Transaction::commit"]),
    ("nosql", "rollback_transaction", &["crate::documents::Transaction::rollback"]),
    ("storage", "get_objects_upload_info", &["Self::upload", "Self::upload_with_content_type"]),
    ("storage", "get_objects_download_info", &["Self::download_urls", "Self::download_urls_valid_for"]),
    ("storage", "delete_objects", &["Self::delete_files"]),
    ("storage_pg", "create_bucket", &["Self::ensure_bucket"]),
    ("storage_pg", "get_bucket", &["Self::ensure_bucket"]),
    ("storage_pg", "list_objects", &["crate::objects::Objects::list"]),
    ("storage_pg", "download_object", &["crate::objects::Objects::download"]),
    ("storage_pg", "upload_object", &["crate::objects::Objects::upload"]),
    ("storage_pg", "delete_objects", &["crate::objects::Objects::remove"]),
    ("storage_pg", "create_signed_url", &["crate::objects::Objects::signed_url"]),
    ("storage_pg", "create_signed_urls", &["crate::objects::Objects::signed_urls"]),
    ("storage_pg", "create_signed_upload_url", &["crate::objects::Objects::signed_upload_url"]),
    ("storage_pg", "upload_object_by_signed_url", &["crate::objects::Objects::upload_signed"]),
    ("storage_pg", "download_public_object", &["crate::objects::Objects::public_url"]),
];

/// The helpers [`HELPER_LINKS`] lists for the operation method `method` of `area`.
pub fn helper_links(area: &str, method: &str) -> &'static [&'static str] {
    HELPER_LINKS.iter().find(|(a, m, _)| *a == area && *m == method).map(|(_, _, links)| *links).unwrap_or(&[])
}

/// The methods the hand-written helpers of `cloudbase-api` add to each area's API struct
/// (`client.mysqldb().from(..)`): an operation may not take one of these names (a test in
/// `cloudbase-api` checks this list against the helpers' source).
pub const HELPER_METHODS: &[(&str, &[&str])] = &[
    ("ai_model", &["chat", "messages"]),
    (
        "auth",
        &[
            "send_phone_code",
            "send_email_code",
            "verify_code",
            "sign_in_with_verification",
            "sign_in_with_password",
            "sign_in_anonymously",
            "sign_in_with_ticket",
        ],
    ),
    ("cloudrun", &["service"]),
    ("functions", &["invoke", "web"]),
    ("mysqldb", &["database", "instance", "rpc", "sql", "from", "from_schema", "from_instance"]),
    ("nosql", &["collection", "begin_transaction", "begin_transaction_in"]),
    ("storage", &["upload", "upload_with_content_type", "download_urls", "download_urls_valid_for", "delete_files"]),
    ("storage_pg", &["objects", "ensure_bucket"]),
];

/// The helper methods of `area`'s API struct.
pub fn helper_methods(area: &str) -> &'static [&'static str] {
    HELPER_METHODS.iter().find(|(a, _)| *a == area).map(|(_, m)| *m).unwrap_or(&[])
}

/// An operation's method name: `snake_case(operationId)` without the area's name in front
/// (`Auth_SignIn` in `auth` is `sign_in`, `cloudrunGet` in `cloudrun` is `get`), unless nothing
/// would be left.
pub fn operation_method(operation_id: &str, area: &str) -> String {
    let name = snake(operation_id, "operation");
    match name.strip_prefix(area).and_then(|rest| rest.strip_prefix('_')) {
        Some(rest) if !rest.is_empty() => snake(rest, "operation"),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_sanitizing() {
        assert_eq!(snake("Auth_SignIn", "op"), "auth_sign_in");
        assert_eq!(snake("X-Tcb-Webfn", "p"), "x_tcb_webfn");
        assert_eq!(snake("云函数", "fallback"), "fallback");
        assert_eq!(snake("self", "x"), "self_");
        assert_eq!(snake("2fa", "x"), "_2fa");
        assert_eq!(pascal("v1Token", "T"), "V1Token");
        assert_eq!(pascal("count=exact", "V"), "CountExact");
        assert_eq!(pascal("true", "V"), "True");
        assert_eq!(pascal("Self", "V"), "Self_");
        assert_eq!(pascal("404", "V"), "V404");
        assert_eq!(pascal("", "Fallback"), "Fallback");
    }

    #[test]
    fn api_versions_leave_type_names() {
        let none = |_: &str| false;
        assert_eq!(type_name("v1Token", ["v1Token", "Other"], none), "Token");
        assert_eq!(type_name("V2_Item", ["V2_Item"], none), "Item");
        // Another key already spells the short name, or it is reserved: the version stays.
        assert_eq!(type_name("v1Token", ["v1Token", "Token"], none), "V1Token");
        assert_eq!(type_name("v1Error", ["v1Error"], |n| n == "Error"), "V1Error");
        // Not a version: a word, digits alone, or a lower-case word after the digits.
        assert_eq!(type_name("value", ["value"], none), "Value");
        assert_eq!(type_name("v1", ["v1"], none), "V1");
        assert_eq!(type_name("v1token", ["v1token"], none), "V1token");
        assert_eq!(type_name("Vector", ["Vector"], none), "Vector");
    }

    #[test]
    fn scope_suffixes_deterministically() {
        let mut scope = Scope::with_reserved(&["body"]);
        assert_eq!(scope.claim("body".into()), "body_2");
        assert_eq!(scope.claim("name".into()), "name");
        assert_eq!(scope.claim("name".into()), "name_2");
        assert_eq!(scope.claim("Type".into()), "Type");
        assert_eq!(scope.claim("Type".into()), "Type2");
    }

    #[test]
    fn media_types() {
        assert_eq!(media_type_variant("application/json; charset=utf-8"), "Json");
        assert_eq!(media_type_variant("application/vnd.pgrst.object+json"), "PgrstObjectJson");
        assert_eq!(media_type_variant("image/png"), "Png");
    }
}
