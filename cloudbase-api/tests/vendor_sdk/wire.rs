//! The two sides' requests, reduced to what means something to the API, paired and compared.
//!
//! A request is normalised to its method; its path, raw (percent-encoding matters); its query
//! pairs, decoded and sorted (a JSON value compared as a value); the authorization scheme, with
//! whose token a bearer is; the body's media type essence (for a request with a body); the headers
//! `Prefer` (its preferences sorted), `x-device-id` (present or not: the value is random),
//! `X-Db-Instance`, `Accept-Profile`, `Content-Profile`, `x-upsert`, `cache-control`, and `Accept`
//! where it selects PostgREST's single-object form or an event stream; and the body, as JSON when
//! it parses (tokens masked by kind, refresh tokens by form), else as bytes.

use base64::Engine;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a request went: the gateway, or the storage hosts an SDK flow goes on to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gateway,
    Cos,
    Cdn,
    Other,
}

/// A request as sent (by an SDK, from its JSONL line; or by the Rust client, as the loopback
/// server read it), with the target relative to the host it went to.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: Kind,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The SDK never finished sending the body.
    pub incomplete: bool,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// `METHOD /path`, how the request is named in keys and messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path())
    }

    fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> =
            self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// One call of an SDK run: its requests (metadata probes left out) and how the SDK read the reply.
#[derive(Debug, Clone)]
pub struct SdkCall {
    pub id: String,
    pub requests: Vec<Request>,
    pub result: Value,
}

/// One SDK's recording.
#[derive(Debug)]
pub struct Recording {
    pub sdk: String,
    pub calls: Vec<SdkCall>,
}

/// Reads a recorder's JSONL (`tools/vendor-sdk/README.md`, "JSONL"), checking that nothing left
/// loopback.
pub fn parse(sdk: &str, jsonl: &str) -> Recording {
    let mut calls: Vec<SdkCall> = Vec::new();
    let mut summary = None;
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let line: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{sdk}: a line is not JSON ({e}): {line}"));
        let call_of = |line: &Value| line["call"].as_str().unwrap_or_default().to_owned();
        let entry = |calls: &mut Vec<SdkCall>, id: String| -> usize {
            match calls.iter().position(|c| c.id == id) {
                Some(i) => i,
                None => {
                    calls.push(SdkCall { id, requests: Vec::new(), result: Value::Null });
                    calls.len() - 1
                }
            }
        };
        match line["type"].as_str() {
            Some("request") => {
                let kind = match line["kind"].as_str() {
                    Some("gateway") => Kind::Gateway,
                    Some("cos") => Kind::Cos,
                    Some("cdn") => Kind::Cdn,
                    Some("metadata") => continue,
                    _ => Kind::Other,
                };
                let headers = line["headers"]
                    .as_array()
                    .map(|pairs| {
                        pairs
                            .iter()
                            .map(|p| {
                                (
                                    p[0].as_str().unwrap_or_default().to_owned(),
                                    p[1].as_str().unwrap_or_default().to_owned(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let body = line["body_b64"]
                    .as_str()
                    .map(|b| base64::engine::general_purpose::STANDARD.decode(b).expect("body_b64 is base64"))
                    .unwrap_or_default();
                let request = Request {
                    kind,
                    method: line["method"].as_str().unwrap_or_default().to_owned(),
                    target: line["target"].as_str().unwrap_or_default().to_owned(),
                    headers,
                    body,
                    incomplete: line["incomplete"] == Value::Bool(true),
                };
                let i = entry(&mut calls, call_of(&line));
                calls[i].requests.push(request);
            }
            Some("result") => {
                let i = entry(&mut calls, call_of(&line));
                calls[i].result = line;
            }
            Some("summary") => summary = Some(line),
            _ => {}
        }
    }
    let summary =
        summary.unwrap_or_else(|| panic!("{sdk}: the recording has no summary line (the recorder stopped early)"));
    assert_eq!(summary["violations"], Value::Array(vec![]), "{sdk}: the recorder saw requests leave loopback");
    Recording { sdk: sdk.to_owned(), calls }
}

/// A request reduced to what means something to the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Wire {
    pub kind: Kind,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub authorization: String,
    pub media_type: Option<String>,
    pub headers: BTreeMap<&'static str, String>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    Json(Value),
    Bytes(Vec<u8>),
}

/// The headers compared, by their lowercase names.
const HEADERS: [&str; 8] = [
    "prefer",
    "x-device-id",
    "x-db-instance",
    "accept-profile",
    "content-profile",
    "x-upsert",
    "cache-control",
    "accept",
];

pub fn normalise(request: &Request) -> Wire {
    let (path, query) = request.target.split_once('?').unwrap_or((&request.target, ""));
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, value) = (decode(name), decode(value));
            // PostgREST's `columns` is a set of column names: its order means nothing.
            let value = if name == "columns" { sorted_list(&value) } else { canonical_text(&value) };
            (name, value)
        })
        .collect();
    pairs.sort();
    let mut headers = BTreeMap::new();
    for name in HEADERS {
        let Some(value) = request.header(name) else { continue };
        let value = match name {
            "prefer" => {
                let mut parts: Vec<&str> = value.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                parts.sort_unstable();
                parts.join(",")
            }
            "x-device-id" => "present".to_owned(),
            "accept" => {
                let types: Vec<String> = value
                    .split(',')
                    .map(|t| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
                    .collect();
                if types.iter().any(|t| t == "text/event-stream") {
                    "text/event-stream".to_owned()
                } else if types.first().is_some_and(|t| t == "application/vnd.pgrst.object+json") {
                    "application/vnd.pgrst.object+json".to_owned()
                } else {
                    continue;
                }
            }
            _ => value,
        };
        headers.insert(name, value);
    }
    let body = if request.body.is_empty() {
        Body::None
    } else {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(value) => Body::Json(mask(value)),
            Err(_) => Body::Bytes(request.body.clone()),
        }
    };
    let media_type = (body != Body::None)
        .then(|| {
            request.header("content-type").map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        })
        .flatten();
    Wire {
        kind: request.kind,
        method: request.method.clone(),
        path: path.to_owned(),
        query: pairs,
        authorization: authorization(request.header("authorization").as_deref()),
        media_type,
        headers,
        body,
    }
}

/// A comma-separated list (commas inside double quotes kept), its items sorted.
fn sorted_list(list: &str) -> String {
    let (mut items, mut item, mut quoted) = (Vec::new(), String::new(), false);
    for c in list.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                item.push(c);
            }
            ',' if !quoted => items.push(std::mem::take(&mut item)),
            c => item.push(c),
        }
    }
    items.push(item);
    items.sort();
    items.join(",")
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// A query value that is JSON (the NoSQL `query`, `order`, `projection`) as canonical JSON, so
/// key order and spacing do not count; any other value as it is.
fn canonical_text(value: &str) -> String {
    match serde_json::from_str::<Value>(value) {
        Ok(json @ (Value::Object(_) | Value::Array(_))) => canonical(&mask(json)),
        _ => value.to_owned(),
    }
}

/// Compact JSON with object keys sorted, whatever map type serde_json was built with.
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> =
                entries.iter().map(|(k, v)| format!("{}:{}", Value::String((*k).clone()), canonical(v))).collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// Whose token a JWT is, by its subject (the recorder's and the Rust side's fixed credentials and
/// issued tokens).
fn token_kind(token: &str) -> Option<&'static str> {
    let payload = token.split('.').nth(1)?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let payload: Value = serde_json::from_slice(&payload).ok()?;
    Some(match payload["sub"].as_str()? {
        "anon" => "publishable key",
        "apikey-1" => "API key",
        "u-1001" => "user token",
        "client-credential" => "client credential",
        _ => "other token",
    })
}

fn authorization(value: Option<&str>) -> String {
    let Some(value) = value else { return "none".to_owned() };
    if value.starts_with("q-sign-algorithm") {
        return "COS signature".to_owned();
    }
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        format!("Bearer {}", token_kind(credentials.trim()).unwrap_or("other token"))
    } else {
        scheme.to_owned()
    }
}

/// Tokens that vary between runs and sides, masked: JWTs by whose they are, refresh tokens by form.
fn mask(value: Value) -> Value {
    match value {
        Value::String(s) => {
            if let Some(kind) = s.starts_with("eyJ").then(|| token_kind(&s)).flatten() {
                Value::String(format!("<{kind}>"))
            } else if s.strip_prefix("rt-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
                Value::String("rt-<n>".to_owned())
            } else {
                Value::String(s)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(mask).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, mask(v))).collect()),
        other => other,
    }
}

/// One aspect in which a call differs: its name (the last part of the table's key) and what each
/// side has, as table cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub aspect: String,
    pub sdk: String,
    pub ours: String,
}

/// The sides' requests paired: the longest common sequence of (method, path loosely: decoded,
/// without a trailing `/`), then what is left between two such pairs paired in order; the rest
/// are one side's own. Indices into the two lists.
pub fn pair(sdk: &[Wire], ours: &[Wire]) -> Vec<(Option<usize>, Option<usize>)> {
    let key = |w: &Wire| (w.kind, w.method.clone(), decode(&w.path).trim_end_matches('/').to_owned());
    let (n, m) = (sdk.len(), ours.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] =
                if key(&sdk[i]) == key(&ours[j]) { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut anchors = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if key(&sdk[i]) == key(&ours[j]) {
            anchors.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    anchors.push((n, m));
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (ai, aj) in anchors {
        let (left, right) = ((i..ai).collect::<Vec<_>>(), (j..aj).collect::<Vec<_>>());
        for k in 0..left.len().max(right.len()) {
            pairs.push((left.get(k).copied(), right.get(k).copied()));
        }
        if ai < n && aj < m {
            pairs.push((Some(ai), Some(aj)));
        }
        (i, j) = (ai + 1, aj + 1);
    }
    pairs
}

fn code(text: impl AsRef<str>) -> String {
    let text = text.as_ref();
    let text = if text.chars().count() > 90 {
        format!("{}…", text.chars().take(90).collect::<String>())
    } else {
        text.to_owned()
    };
    format!("`{}`", text.replace('`', "'"))
}

fn cell(value: Option<impl AsRef<str>>) -> String {
    value.map_or_else(|| "—".to_owned(), code)
}

fn cells(items: &[String]) -> String {
    if items.is_empty() { "—".to_owned() } else { items.iter().map(code).collect::<Vec<_>>().join(", ") }
}

/// What a request is, in one short cell (for requests only one side sent).
pub fn summary(w: &Wire) -> String {
    let mut text = format!("{} {}", w.method, w.path);
    if !w.query.is_empty() {
        text.push('?');
        text.push_str(&w.query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
    }
    code(text)
}

/// The aspects in which two paired requests differ.
pub fn compare(sdk: &Wire, ours: &Wire) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut push =
        |aspect: &str, sdk: String, ours: String| out.push(Difference { aspect: aspect.to_owned(), sdk, ours });
    if sdk.method != ours.method {
        push("method", code(&sdk.method), code(&ours.method));
    }
    if sdk.path != ours.path {
        push("path", code(&sdk.path), code(&ours.path));
    }
    if sdk.query != ours.query {
        let only = |a: &[(String, String)], b: &[(String, String)]| -> Vec<String> {
            a.iter().filter(|p| !b.contains(p)).map(|(k, v)| format!("{k}={v}")).collect()
        };
        push("query", cells(&only(&sdk.query, &ours.query)), cells(&only(&ours.query, &sdk.query)));
    }
    if sdk.authorization != ours.authorization {
        push("authorization", code(&sdk.authorization), code(&ours.authorization));
    }
    if sdk.media_type != ours.media_type {
        push("media type", cell(sdk.media_type.as_ref()), cell(ours.media_type.as_ref()));
    }
    for name in HEADERS {
        let (a, b) = (sdk.headers.get(name), ours.headers.get(name));
        if a != b {
            push(name, cell(a), cell(b));
        }
    }
    if sdk.body != ours.body {
        let (a, b) = body_difference(&sdk.body, &ours.body);
        push("body", a, b);
    }
    out
}

fn show_body(body: &Body) -> Option<String> {
    match body {
        Body::None => None,
        Body::Json(value) => Some(canonical(value)),
        Body::Bytes(bytes) => Some(match std::str::from_utf8(bytes) {
            Ok(text) if !text.chars().any(char::is_control) => format!("{} bytes {text:?}", bytes.len()),
            _ => format!("{} bytes", bytes.len()),
        }),
    }
}

/// The parts of two bodies that differ, as the two cells: for JSON, each differing leaf as
/// `path=value` (a member one side lacks shows on the other side only).
fn body_difference(sdk: &Body, ours: &Body) -> (String, String) {
    match (sdk, ours) {
        (Body::Json(a), Body::Json(b)) => {
            let (mut left, mut right) = (Vec::new(), Vec::new());
            json_difference(a, b, "", &mut left, &mut right);
            (cells(&left), cells(&right))
        }
        _ => (cell(show_body(sdk)), cell(show_body(ours))),
    }
}

fn json_difference(a: &Value, b: &Value, path: &str, left: &mut Vec<String>, right: &mut Vec<String>) {
    let shown = |path: &str, v: &Value| if path.is_empty() { canonical(v) } else { format!("{path}={}", canonical(v)) };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let sub = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => json_difference(u, v, &sub, left, right),
                    (Some(u), None) => left.push(shown(&sub, u)),
                    (None, Some(v)) => right.push(shown(&sub, v)),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (k, (u, v)) in x.iter().zip(y).enumerate() {
                json_difference(u, v, &format!("{path}[{k}]"), left, right);
            }
        }
        _ if a != b => {
            left.push(shown(path, a));
            right.push(shown(path, b));
        }
        _ => {}
    }
}

/// How an SDK read the reply, from its `result` line, in the terms the Rust outcome is written
/// in: `ok`; `error CODE` (it threw, or resolved with an error object); `ok, body CODE` (it
/// resolved with an error body as data); `ok, status N CODE`; `ok, item CODE` (a per-item error
/// in a successful list); `timeout`.
pub fn sdk_outcome(result: &Value) -> String {
    let value = &result["value"];
    let code_of = |v: &Value| v["code"].as_str().map(str::to_owned);
    match result["outcome"].as_str() {
        Some("timeout") => "timeout".to_owned(),
        Some("error") => match code_of(value) {
            Some(code) => format!("error {code}"),
            None => {
                format!("error: {}", value["message"].as_str().unwrap_or_default().lines().next().unwrap_or_default())
            }
        },
        _ => {
            let error = &value["error"];
            if error.is_object() {
                return match code_of(error) {
                    Some(code) => format!("error {code}"),
                    None => format!("error: {}", error["message"].as_str().unwrap_or_default()),
                };
            }
            if let Some(status) = value["statusCode"].as_u64().filter(|s| *s >= 400) {
                return format!("ok, status {status} {}", code_of(&value["data"]).unwrap_or_default())
                    .trim_end()
                    .to_owned();
            }
            if let Some(item) = value["fileList"]
                .as_array()
                .and_then(|items| items.iter().find(|i| i["code"].as_str().is_some_and(|c| c != "SUCCESS")))
            {
                return format!("ok, item {}", item["code"].as_str().unwrap_or_default());
            }
            if let Some(code) = value.as_object().and_then(|_| code_of(value)) {
                return format!("ok, body {code}");
            }
            "ok".to_owned()
        }
    }
}

pub fn outcome_difference(sdk: &str, ours: &str) -> Option<Difference> {
    (sdk != ours).then(|| Difference { aspect: "outcome".to_owned(), sdk: code(sdk), ours: code(ours) })
}
