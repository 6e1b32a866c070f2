//! Stubs read from a file (YAML or JSON): a list of entries, each an operation, an optional
//! condition and the reply, mounted as a test's stubs are. For the binary's `--stubs FILE`.

use super::check::Received;
use super::route::Route;
use super::stub::{Answer, Reply, StubRule};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One entry of a stubs file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// The operationId (`functionsPost`) or the method of its area, `area.method`
    /// (`functions.invoke_function`).
    operation: String,
    #[serde(default)]
    when: Option<Condition>,
    /// Answers at most this many requests.
    #[serde(default)]
    times: Option<usize>,
    reply: FileReply,
}

/// What a request must carry for an entry to take it; every part given must hold.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Condition {
    /// Path and query parameters by name, each value as sent (decoded).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    params: BTreeMap<String, String>,
    /// Headers by name (compared case-insensitively), each value as sent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    /// A JSON value the body must contain: each key of an object with a value that contains
    /// this one's, arrays and scalars equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
}

/// The reply of an entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileReply {
    #[serde(default = "ok")]
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// JSON, sent as `application/json`; with a `content-type` header that is not JSON, a
    /// string is sent as it is.
    #[serde(default)]
    body: Option<Value>,
}

fn ok() -> u16 {
    200
}

/// A stubs file that cannot be read or mounted: the file, and the entry with its operation
/// where one is at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubsFileError {
    /// The file as given.
    pub file: String,
    /// The entry at fault, counted from 1, if one is.
    pub entry: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for StubsFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.entry {
            Some(entry) => write!(f, "{}: entry {entry}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for StubsFileError {}

/// Whether `operation` names `route`: its operationId, or `area.operationId`, or
/// `area.method` as the mock's accessors spell it.
fn names(route: &Route, operation: &str) -> bool {
    if operation == route.id {
        return true;
    }
    let Some((area, name)) = operation.split_once('.') else { return false };
    area == route.area && (name == route.id || name == route.name)
}

/// The stubs of `text` (the file `file`, YAML or JSON), in order, for `routes`.
pub(crate) fn parse(file: &str, text: &str, routes: &[&'static Route]) -> Result<Vec<StubRule>, StubsFileError> {
    let error = |entry: Option<usize>, message: String| StubsFileError { file: file.to_owned(), entry, message };
    let entries: Vec<Entry> = if file.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| error(None, format!("not a list of stubs: {e}")))?
    } else {
        serde_yaml::from_str(text).map_err(|e| error(None, format!("not a list of stubs: {e}")))?
    };
    let mut rules = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let n = Some(i + 1);
        let Some(route) = routes.iter().copied().find(|route| names(route, &entry.operation)) else {
            return Err(error(
                n,
                format!(
                    "no operation is named `{}` (an operationId such as `functionsPost`, or `area.method` such as `functions.invoke_function`)",
                    entry.operation
                ),
            ));
        };
        if !(100..=999).contains(&entry.reply.status) {
            return Err(error(n, format!("{}: the status {} is not an HTTP status", route.id, entry.reply.status)));
        }
        let answer = answer(entry.reply).map_err(|why| error(n, format!("{}: {why}", route.id)))?;
        let condition = entry.when.unwrap_or_default();
        let shown = serde_json::to_string(&condition).unwrap_or_default();
        let description = format!("{file} entry {}: when {shown}", i + 1);
        let matcher = Arc::new(move |received: &Received| condition.holds(received));
        rules.push(StubRule {
            route,
            matcher: Some(matcher),
            condition: Some(description),
            answer: Reply::Fixed(answer),
            times: entry.times,
            expect: None,
            answered: 0,
        });
    }
    Ok(rules)
}

fn answer(reply: FileReply) -> Result<Answer, String> {
    let content_type = reply.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    let mut answer = match (reply.body, content_type) {
        (None, _) => Answer::status(reply.status),
        (Some(Value::String(text)), Some((_, media_type))) if !super::check::essence(media_type).ends_with("json") => {
            Answer::status(reply.status).with_raw_body(text)
        }
        (Some(body), Some(_)) => Answer::status(reply.status).with_raw_body(body.to_string()),
        (Some(body), None) => Answer::json(reply.status, &body),
    };
    for (name, value) in reply.headers {
        if hyper::header::HeaderName::from_bytes(name.as_bytes()).is_err()
            || hyper::header::HeaderValue::from_str(&value).is_err()
        {
            return Err(format!("the header {name:?}: {value:?} is not a valid header"));
        }
        answer = answer.header(name, value);
    }
    Ok(answer)
}

impl Condition {
    fn holds(&self, received: &Received) -> bool {
        let param = |name: &str| {
            received
                .path_params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .or_else(|| received.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()))
        };
        self.params.iter().all(|(name, value)| param(name) == Some(value.as_str()))
            && self.headers.iter().all(|(name, value)| received.header(name) == Some(value.as_str()))
            && self.body.as_ref().is_none_or(|wanted| {
                serde_json::from_slice::<Value>(&received.body).is_ok_and(|body| contains(&body, wanted))
            })
    }
}

/// Whether `value` contains `wanted`: every key of an object `wanted` with a value that
/// contains its value there; anything else equal.
fn contains(value: &Value, wanted: &Value) -> bool {
    match (value, wanted) {
        (Value::Object(value), Value::Object(wanted)) => {
            wanted.iter().all(|(key, wanted)| value.get(key).is_some_and(|value| contains(value, wanted)))
        }
        _ => value == wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_condition_is_a_subset_of_objects_and_equality_elsewhere() {
        let body = json!({"a": {"b": 1, "c": [1, 2]}, "d": "x"});
        assert!(contains(&body, &json!({})));
        assert!(contains(&body, &json!({"a": {"b": 1}})));
        assert!(contains(&body, &json!({"a": {"c": [1, 2]}, "d": "x"})));
        assert!(!contains(&body, &json!({"a": {"c": [1]}})));
        assert!(!contains(&body, &json!({"a": {"b": 2}})));
        assert!(!contains(&body, &json!({"e": null})));
        assert!(!contains(&json!([1, 2]), &json!([1])));
    }
}
