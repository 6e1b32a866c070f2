//! A received request, checked against its route: credentials, constants, each parameter's
//! presence, type, enum, pattern and bounds, the body's media type and shape. Each broken rule
//! is a [`Violation`].

use super::route::{BodyKind, Location, Param, Route, Security, Shape};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Stands for a credential in `Debug`, logs and violations.
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A request as the mock received it. `Debug` shows credentials (the `Authorization` header,
/// cookies, the operation's credential parameters, and any header or query parameter named like
/// a credential: `x-cos-security-token`, `access_token`, `api_key`, `password`, `X-Api-Key`) as
/// `<redacted>`, and the body by its size.
#[derive(Clone)]
pub struct Received {
    pub(crate) route: Option<&'static Route>,
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    /// The length of the body as sent (`body` is empty once [`Received::kept`] let it go).
    pub(crate) body_len: usize,
    /// The SHA-256 digest of a body too large to keep.
    pub(crate) body_sha256: Option<[u8; 32]>,
    /// The target with credentials redacted ([`Received::redact`]).
    pub(crate) shown: String,
}

impl Received {
    /// The area (`storage_pg`, ...) of the route it matched, if it matched one.
    pub fn area(&self) -> Option<&'static str> {
        self.route.map(|r| r.area)
    }

    /// The operationId of the route it matched, if it matched one.
    pub fn operation(&self) -> Option<&'static str> {
        self.route.map(|r| r.id)
    }

    /// The method as sent.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The request target as sent: path and query, still percent-encoded.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The first value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The credentials of the `Authorization` header when it uses `scheme` (`Bearer`, `Basic`;
    /// compared case-insensitively), trimmed; `None` without them or when empty.
    pub fn authorization(&self, scheme: &str) -> Option<&str> {
        let (sent, value) = self.header("authorization")?.split_once(' ')?;
        let value = value.trim();
        (sent.eq_ignore_ascii_case(scheme) && !value.is_empty()).then_some(value)
    }

    /// The query pairs, decoded, in order.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The body as sent; empty when it was larger than the server keeps
    /// ([`MockServer::keep_bodies_up_to`](crate::MockServer::keep_bodies_up_to)): then
    /// [`Received::body_len`] and [`Received::body_sha256`] say what it was.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The length of the body as sent, kept or not.
    pub fn body_len(&self) -> usize {
        self.body_len
    }

    /// The SHA-256 digest of the body, when it was too large to keep (`None` when
    /// [`Received::body`] holds it).
    pub fn body_sha256(&self) -> Option<[u8; 32]> {
        self.body_sha256
    }

    /// Whether the body was kept whole ([`Received::body`] is all of it).
    pub fn body_kept(&self) -> bool {
        self.body_sha256.is_none()
    }

    /// The request as the server records it: a body longer than `limit` bytes is let go,
    /// its length and SHA-256 digest kept instead.
    pub(crate) fn kept(mut self, limit: usize) -> Received {
        if self.body.len() > limit {
            use sha2::Digest;
            self.body_sha256 = Some(sha2::Sha256::digest(&self.body).into());
            self.body = Bytes::new();
        }
        self
    }

    /// Whether a header or query parameter of this name carries a credential: by the client's
    /// rule for names ([`cloudbase_api::is_credential_name`]: `x-cos-security-token`,
    /// `access_token`, `api_key`, `password`, `X-Api-Key`, ...), declared or not; or as the
    /// matched operation declares it, or, for a request that matched none, any of `routes`.
    fn secret(&self, routes: &[&'static Route], location: Location, name: &str) -> bool {
        if cloudbase_api::is_credential_name(name) {
            return true;
        }
        let named = |route: &Route| {
            route.params.iter().any(|p| {
                p.secret
                    && p.location == location
                    && if location == Location::Header { p.name.eq_ignore_ascii_case(name) } else { p.name == name }
            })
        };
        match self.route {
            Some(route) => named(route),
            None => routes.iter().any(|route| named(route)),
        }
    }

    /// Sets what `Debug`, violations and logs show of the target: each credential parameter's
    /// value (path or query) replaced by `<redacted>`.
    pub(crate) fn redact(&mut self, routes: &[&'static Route]) {
        self.shown = self.shown_target(routes);
    }

    fn shown_target(&self, routes: &[&'static Route]) -> String {
        let (path, query) = self.target.split_once('?').unwrap_or((&self.target, ""));
        let mut shown = path.to_owned();
        if let Some(route) = self.route {
            for param in route.params.iter().filter(|p| p.secret && p.location == Location::Path) {
                for (name, value) in &self.path_params {
                    if *name == param.name && !value.is_empty() {
                        shown = shown.replace(value.as_str(), "<redacted>");
                    }
                }
            }
        }
        if !query.is_empty() {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) if self.secret(routes, Location::Query, &super::route::decode_query(name)) => {
                        format!("{name}=<redacted>")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            shown.push('?');
            shown.push_str(&pairs.join("&"));
        }
        shown
    }

    fn route(&self) -> Result<&'static Route, String> {
        self.route.ok_or_else(|| "the request matched no operation".to_owned())
    }

    /// The value of the route's parameter `index`, decoded into `T`; an error when absent.
    pub fn required<T: DeserializeOwned>(&self, index: usize) -> Result<T, String> {
        let route = self.route()?;
        self.optional(index)?.ok_or_else(|| format!("missing required parameter `{}`", route.params[index].name))
    }

    /// The value of the route's parameter `index`, decoded into `T`, when it was sent.
    pub fn optional<T: DeserializeOwned>(&self, index: usize) -> Result<Option<T>, String> {
        let route = self.route()?;
        let param = &route.params[index];
        match wire_value(param, &self.raw_values(route, param))? {
            None => Ok(None),
            Some(value) => serde_json::from_value(value).map(Some).map_err(|e| describe(param, &e.to_string())),
        }
    }

    /// Whether the flag parameter `index` was sent (with its one value).
    pub fn flag(&self, index: usize) -> bool {
        self.route.is_some_and(|route| !self.raw_values(route, &route.params[index]).is_empty())
    }

    /// The JSON body decoded into `T`, when there is a body.
    pub fn json_body<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        if self.body.is_empty() {
            return Ok(None);
        }
        serde_json::from_slice(&self.body).map(Some).map_err(|e| format!("the body does not decode: {e}"))
    }

    /// The text body, when there is one.
    pub fn text_body(&self) -> Result<Option<String>, String> {
        if self.body.is_empty() {
            return Ok(None);
        }
        String::from_utf8(self.body.to_vec()).map(Some).map_err(|_| "the body is not UTF-8 text".to_owned())
    }

    /// The raw body, when there is one.
    pub fn bytes_body(&self) -> Option<Bytes> {
        (!self.body.is_empty()).then(|| self.body.clone())
    }

    /// The `multipart/form-data` body, when there is one.
    pub fn form_body(&self) -> Result<Option<super::form::Form>, String> {
        if self.body.is_empty() {
            return Ok(None);
        }
        super::form::Form::parse(self.header("content-type").unwrap_or(""), &self.body).map(Some)
    }

    /// Which of the route's body forms the body was sent as (by its `Content-Type`), if any.
    pub fn form_index(&self) -> Option<usize> {
        let body = self.route?.body.as_ref()?;
        if self.body.is_empty() {
            return None;
        }
        let sent = essence(self.header("content-type").unwrap_or(""));
        body.forms.iter().position(|f| f.takes(&sent, body.forms))
    }

    /// Every raw value the request carries for a parameter.
    fn raw_values(&self, route: &Route, param: &Param) -> Vec<(String, String)> {
        match param.location {
            Location::Path => self
                .path_params
                .iter()
                .filter(|(n, _)| *n == param.name)
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect(),
            Location::Header => {
                self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(param.name)).cloned().collect()
            }
            Location::Query if param.exploded && matches!(param.shape, Shape::Map(_)) => {
                // Every pair no other parameter or constant of the operation names.
                let named = |name: &str| {
                    route
                        .params
                        .iter()
                        .any(|p| p.location == Location::Query && p.name == name && !std::ptr::eq(p, param))
                        || route.constants.iter().any(|c| c.location == Location::Query && c.name == name)
                };
                self.query.iter().filter(|(n, _)| !named(n)).cloned().collect()
            }
            Location::Query => self.query.iter().filter(|(n, _)| n == param.name).cloned().collect(),
        }
    }
}

impl std::fmt::Debug for Received {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Headers<'r>(&'r Received);
        impl std::fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut map = f.debug_map();
                for (name, value) in &self.0.headers {
                    if self.0.secret(&[], Location::Header, name) {
                        map.entry(name, &Redacted);
                    } else {
                        map.entry(name, value);
                    }
                }
                map.finish()
            }
        }
        f.debug_struct("Received")
            .field("operation", &self.operation())
            .field("method", &self.method)
            .field("target", &self.shown)
            .field("headers", &Headers(self))
            .field(
                "body",
                &format_args!("<{} bytes{}>", self.body_len, if self.body_kept() { "" } else { ", not kept" }),
            )
            .finish()
    }
}

/// A request the mock refused, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The operationId of the route it matched, if any.
    pub operation: Option<&'static str>,
    /// The method as sent.
    pub method: String,
    /// The request target as sent, each credential parameter's value `<redacted>`.
    pub target: String,
    /// Which rule it broke.
    pub rule: Rule,
    /// What was wrong, naming the parameter or the body.
    pub message: String,
}

/// The rules a request can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// No operation has the path.
    Route,
    /// Operations have the path, none the method.
    Method,
    /// The operation requires credentials the request does not carry.
    Credentials,
    /// A required parameter or body is missing.
    Required,
    /// A value is not of the parameter's type, or not one of its values.
    Type,
    /// A value does not match the parameter's pattern.
    Pattern,
    /// A value is shorter or longer than the parameter allows.
    Length,
    /// A number is outside the parameter's bounds.
    Range,
    /// A parameter with one allowed value carries another.
    Constant,
    /// The body's `Content-Type` is not the one the operation documents.
    ContentType,
    /// The body does not decode into the operation's request body.
    Body,
    /// The operation has stubs, and every one of them declined the request
    /// ([`MockServer::strict`](crate::MockServer::strict)).
    Stub,
}

impl Rule {
    /// The rule's name in the mock's error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Route => "route",
            Rule::Method => "method",
            Rule::Credentials => "credentials",
            Rule::Required => "required",
            Rule::Type => "type",
            Rule::Pattern => "pattern",
            Rule::Length => "length",
            Rule::Range => "range",
            Rule::Constant => "constant",
            Rule::ContentType => "content-type",
            Rule::Body => "body",
            Rule::Stub => "stub",
        }
    }
}

/// Every rule `received` breaks against its route.
pub(crate) fn check(route: &'static Route, received: &Received) -> Vec<(Rule, String)> {
    let mut out = Vec::new();
    if !authorized(route.security, received) {
        out.push((Rule::Credentials, credentials_message(route.security)));
    }
    for constant in route.constants {
        let sent: Vec<String> = match constant.location {
            Location::Query => {
                received.query.iter().filter(|(n, _)| n == constant.name).map(|(_, v)| v.clone()).collect()
            }
            _ => received.header(constant.name).map(str::to_owned).into_iter().collect(),
        };
        if sent.iter().all(|v| v != constant.value) {
            out.push((
                Rule::Constant,
                format!("{} parameter `{}` must be {:?}", constant.location.as_str(), constant.name, constant.value),
            ));
        }
    }
    for param in route.params {
        let raw = received.raw_values(route, param);
        if raw.is_empty() {
            if param.required {
                out.push((
                    Rule::Required,
                    format!("missing required {} parameter `{}`", param.location.as_str(), param.name),
                ));
            }
            continue;
        }
        let first = out.len();
        check_values(param, &raw, &mut out);
        if param.secret {
            for (_, message) in &mut out[first..] {
                for (_, value) in &raw {
                    if !value.is_empty() {
                        *message =
                            message.replace(&format!("{value:?}"), "<redacted>").replace(value.as_str(), "<redacted>");
                    }
                }
            }
        }
    }
    if let Some(body) = &route.body {
        if received.body.is_empty() {
            if body.required {
                out.push((Rule::Required, "missing required request body".to_owned()));
            }
        } else {
            let sent = received.header("content-type").unwrap_or("");
            match body.forms.iter().find(|f| f.takes(&essence(sent), body.forms)) {
                None => {
                    let documented: Vec<String> = body.forms.iter().map(|f| format!("{:?}", f.media_type)).collect();
                    out.push((
                        Rule::ContentType,
                        format!("the body's Content-Type is {sent:?}; the operation takes {}", documented.join(" or ")),
                    ));
                }
                Some(form) => match form.kind {
                    BodyKind::Json => {
                        if let Err(e) = (form.decodes)(&received.body) {
                            out.push((Rule::Body, format!("the body does not decode: {e}")));
                        }
                    }
                    BodyKind::Text if std::str::from_utf8(&received.body).is_err() => {
                        out.push((Rule::Body, "the body is not UTF-8 text".to_owned()));
                    }
                    BodyKind::Multipart => match super::form::Form::parse(sent, &received.body) {
                        Err(e) => out.push((Rule::Body, e)),
                        Ok(parsed) => {
                            for part in form.parts {
                                match parsed.part(part.name) {
                                    None if part.required => out.push((
                                        Rule::Body,
                                        format!("the form has no part `{}`, which is required", part.name),
                                    )),
                                    Some(p) if part.file && p.file_name().is_none() => out.push((
                                        Rule::Body,
                                        format!("the form's part `{}` is a file but has no file name", part.name),
                                    )),
                                    _ => {}
                                }
                            }
                        }
                    },
                    BodyKind::Text | BodyKind::Bytes => {}
                },
            }
        }
    }
    out
}

pub(crate) fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

fn authorized(security: &[Security], received: &Received) -> bool {
    if security.is_empty() {
        return true;
    }
    security.iter().any(|s| match s {
        Security::None => true,
        Security::Bearer => received.authorization("Bearer").is_some(),
        Security::Basic => received.authorization("Basic").is_some(),
        Security::ApiKeyHeader(name) => received.header(name).is_some_and(|v| !v.is_empty()),
        Security::Tc3 => received.authorization("TC3-HMAC-SHA256").is_some_and(|value| {
            ["Credential=", "SignedHeaders=", "Signature="].iter().all(|part| value.contains(part))
        }),
    })
}

fn credentials_message(security: &[Security]) -> String {
    let ways: Vec<String> = security
        .iter()
        .map(|s| match s {
            Security::None => "none".to_owned(),
            Security::Bearer => "`Authorization: Bearer <token>`".to_owned(),
            Security::Basic => "`Authorization: Basic <credentials>`".to_owned(),
            Security::ApiKeyHeader(name) => format!("the `{name}` header"),
            Security::Tc3 => {
                "`Authorization: TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`".to_owned()
            }
        })
        .collect();
    format!("the operation requires credentials: {}", ways.join(" or "))
}

fn describe(param: &Param, problem: &str) -> String {
    format!("{} parameter `{}`: {problem}", param.location.as_str(), param.name)
}

/// The JSON value of a parameter's raw values, by its shape; `None` when none were sent.
fn wire_value(param: &Param, raw: &[(String, String)]) -> Result<Option<Value>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    let value = match &param.shape {
        Shape::Array(item) if param.exploded => Value::Array(
            raw.iter().map(|(_, v)| scalar(item, v)).collect::<Result<_, _>>().map_err(|e| describe(param, &e))?,
        ),
        Shape::Array(item) => {
            let items = raw[0].1.split(',').filter(|s| !s.is_empty());
            Value::Array(items.map(|v| scalar(item, v)).collect::<Result<_, _>>().map_err(|e| describe(param, &e))?)
        }
        Shape::Map(item) => Value::Object(
            raw.iter()
                .map(|(n, v)| scalar(item, v).map(|v| (n.clone(), v)))
                .collect::<Result<_, _>>()
                .map_err(|e| describe(param, &e))?,
        ),
        shape => scalar(shape, &raw[0].1).map_err(|e| describe(param, &e))?,
    };
    Ok(Some(value))
}

fn scalar(shape: &Shape, text: &str) -> Result<Value, String> {
    match shape {
        Shape::String => Ok(Value::from(text)),
        Shape::Integer { bits } => {
            let n: i64 = text.parse().map_err(|_| format!("{text:?} is not an integer"))?;
            if *bits == 32 && i32::try_from(n).is_err() {
                return Err(format!("{text:?} does not fit a 32-bit integer"));
            }
            Ok(Value::from(n))
        }
        Shape::Number => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Value::from(n)),
            _ => Err(format!("{text:?} is not a number")),
        },
        Shape::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("{text:?} is not `true` or `false`")),
        },
        Shape::OneOf(values) if values.contains(&text) => Ok(Value::from(text)),
        Shape::OneOf(values) => Err(format!("{text:?} is not one of {values:?}")),
        Shape::Array(_) | Shape::Map(_) => Err("a nested list is not a parameter value".to_owned()),
    }
}

fn check_values(param: &Param, raw: &[(String, String)], out: &mut Vec<(Rule, String)>) {
    let value = match wire_value(param, raw) {
        Ok(Some(value)) => value,
        Ok(None) => return,
        Err(message) => {
            out.push((Rule::Type, message));
            return;
        }
    };
    let items: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        other => vec![other],
    };
    let rules = &param.rules;
    for item in items {
        if let Some(text) = item.as_str() {
            let chars = text.chars().count();
            if rules.min_length.is_some_and(|min| chars < min) || rules.max_length.is_some_and(|max| chars > max) {
                out.push((
                    Rule::Length,
                    describe(
                        param,
                        &format!(
                            "{text:?} has {chars} characters, outside {}",
                            bounds(rules.min_length, rules.max_length)
                        ),
                    ),
                ));
            }
            if let Some(pattern) = rules.pattern {
                match regex_lite::Regex::new(pattern) {
                    Ok(re) if re.is_match(text) => {}
                    Ok(_) => {
                        out.push((Rule::Pattern, describe(param, &format!("{text:?} does not match `{pattern}`"))))
                    }
                    // A pattern the regex engine cannot read checks nothing (Prism's engine may read it).
                    Err(_) => {}
                }
            }
        }
        if let Some(n) = item.as_f64()
            && (rules.minimum.is_some_and(|min| n < min) || rules.maximum.is_some_and(|max| n > max))
        {
            out.push((
                Rule::Range,
                describe(param, &format!("{n} is outside {}", bounds(rules.minimum, rules.maximum))),
            ));
        }
    }
}

fn bounds<T: std::fmt::Display>(min: Option<T>, max: Option<T>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("{min}..={max}"),
        (Some(min), None) => format!("{min}.."),
        (None, Some(max)) => format!("..={max}"),
        (None, None) => "any".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::route::{DefaultReply, Rules};

    const ROUTE: Route = Route {
        area: "test",
        id: "withSecret",
        name: "with_secret",
        method: "GET",
        path: "/v1/secret",
        params: &[Param::query("api_token", Shape::String).required().secret().rules(Rules {
            pattern: Some("^tk-[0-9]+$"),
            max_length: Some(8),
            ..Rules::NONE
        })],
        constants: &[],
        body: None,
        security: &[],
        reply: DefaultReply { status: 200, body: None },
        stream: None,
        trailing_slash: false,
    };

    /// A credential's value that breaks a rule is not repeated in the violation's message.
    #[test]
    fn a_broken_rule_of_a_credential_does_not_show_its_value() {
        static ROUTES: [&Route; 1] = [&ROUTE];
        let mut received = Received {
            route: Some(&ROUTE),
            method: "GET".to_owned(),
            target: "/v1/secret?api_token=leaked-value".to_owned(),
            path_params: Vec::new(),
            query: vec![("api_token".to_owned(), "leaked-value".to_owned())],
            headers: Vec::new(),
            body: Bytes::new(),
            body_len: 0,
            body_sha256: None,
            shown: String::new(),
        };
        received.redact(&ROUTES);
        let broken = check(&ROUTE, &received);
        let rules: Vec<Rule> = broken.iter().map(|(rule, _)| *rule).collect();
        assert_eq!(rules, [Rule::Length, Rule::Pattern]);
        for (_, message) in &broken {
            assert!(!message.contains("leaked"), "{message}");
            assert!(message.contains("<redacted>"), "{message}");
        }
        assert_eq!(received.shown, "/v1/secret?api_token=<redacted>");
    }
}
