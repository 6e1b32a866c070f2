//! Contract test: every operation of every vendored spec (with its overlay, as the generator reads
//! it), sent by the generated client to Prism (`@stoplight/prism-cli`, pinned in `tools/prism`)
//! serving that document. Prism validates each
//! request against the spec and reports what breaks it in an `sl-violations` header; the reply
//! (Prism's example or a generated one) must decode into the generated types.
//!
//! The operations called are counted against the specs themselves (through the generator's IR),
//! so an operation added to a spec and not exercised here fails the test.
//!
//! The same calls go to `cloudbase-mock`, which is generated from the same documents: a request
//! Prism accepts must pass the mock's checks too, and every default reply of the mock must
//! decode into the generated types.

use cloudbase_api::{Client, Credentials, Error, Response, RetryPolicy};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

mod prism;

use prism::{AreaSpec, Prism, areas};

/// The two tests share the statics below: one runs at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Operations that passed, by operationId.
static PASSED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// In the error phase: the documented error status each operation is asked for.
static EXPECTED_ERROR: Mutex<Option<BTreeMap<String, u16>>> = Mutex::new(None);

/// The area whose operations are being called: operationIds and method names are unique within
/// an area only (`deleteObjects` is both a classic and a PG-mode storage operation), so every
/// record is keyed `area/operationId`.
static AREA: Mutex<&'static str> = Mutex::new("");

fn in_area(area: &'static str) {
    *AREA.lock().unwrap() = area;
}

fn key(operation: &str) -> String {
    format!("{}/{operation}", AREA.lock().unwrap())
}

/// Success phase: fails with Prism's validation report if the request broke the spec, or with the
/// error if the reply did not decode. Error phase: the reply must be the asked-for status with
/// its documented error body decoded.
fn accepted<T: std::fmt::Debug>(result: Result<Response<T>, Error>) {
    let expected = EXPECTED_ERROR.lock().unwrap().clone();
    match (result, expected) {
        (Ok(reply), None) => {
            let (request, response) = violations(reply.headers());
            assert!(
                request.is_empty(),
                "{}: Prism reports the request breaks the spec: {request:?}",
                reply.operation()
            );
            println!("ok {:>3} {}", reply.status(), reply.operation());
            // Prism's own reply breaking the spec is a finding about the spec, not the client.
            for finding in response {
                println!("    spec note: Prism's example reply for {} breaks the spec: {finding}", reply.operation());
            }
            PASSED.lock().unwrap().insert(key(reply.operation()));
        }
        (Err(Error::Api(e)), None) => panic!(
            "{}: HTTP {}: {:?}; Prism's validation report: {:?}; body: {:?}",
            e.operation(),
            e.status(),
            e.message(),
            e.headers().get("sl-violations"),
            e.body_snippet(),
        ),
        (Err(Error::Api(e)), Some(expected)) => {
            let status = expected
                .get(&key(e.operation()))
                .unwrap_or_else(|| panic!("{}: not asked for an error: {e}", e.operation()));
            let (request, _) = violations(e.headers());
            assert!(request.is_empty(), "{}: Prism reports the request breaks the spec: {request:?}", e.operation());
            assert_eq!(e.status(), *status, "{}: asked for {status}", e.operation());
            assert!(
                e.body_snippet().is_none(),
                "{}: the {status} body did not decode as documented: {:?}",
                e.operation(),
                e.body_snippet()
            );
            println!("ok {status} {}: {e}", e.operation());
            PASSED.lock().unwrap().insert(key(e.operation()));
        }
        (Ok(reply), Some(expected)) => {
            assert!(
                !expected.contains_key(&key(reply.operation())),
                "{}: asked for an error, got HTTP {}",
                reply.operation(),
                reply.status()
            );
        }
        (Err(other), _) => panic!("{}: {other} ({other:?})", other.operation()),
    }
}

/// Clients for each operation: plain ones for the success phase; in the error phase, ones that
/// ask Prism for the operation's documented error status (`Prefer: code=...`).
struct Ctx {
    urls: BTreeMap<&'static str, String>,
    /// `area/method name` -> (area, error status to ask for).
    operations: BTreeMap<String, (String, Option<u16>)>,
    error_phase: bool,
}

impl Ctx {
    fn client(&self, method: &str) -> Client {
        self.build(method, Credentials::api_key("contract-test-key"))
    }

    fn basic(&self, method: &str) -> Client {
        self.build(method, Credentials::basic("AKIDexample", "secret"))
    }

    /// A `Prefer` value the test sets itself, with `code=...` added in the error phase (Prism
    /// reads a comma-separated list).
    fn prefer(&self, method: &str, value: &str) -> String {
        match (self.error_phase, self.operation(method).1) {
            (true, Some(status)) => format!("{value}, code={status}"),
            _ => value.to_owned(),
        }
    }

    /// The area and error status of the operation whose method is `method`.
    fn operation(&self, method: &str) -> &(String, Option<u16>) {
        let key = key(method);
        self.operations.get(&key).unwrap_or_else(|| {
            panic!("{key}: no operation of the specs has this method: remove or rename its call in cloudbase-api/tests/contract.rs")
        })
    }

    fn build(&self, method: &str, credentials: Credentials) -> Client {
        let (area, status) = self.operation(method);
        let mut builder =
            Client::builder().base_url(&self.urls[area.as_str()]).credentials(credentials).retry(RetryPolicy::none());
        if self.error_phase
            && let Some(status) = status
        {
            builder = builder.header("Prefer", format!("code={status}"));
        }
        builder.build().unwrap()
    }
}

/// Prism's `sl-violations`, split into those about the request and those about its own reply.
fn violations(headers: &cloudbase_api::header::HeaderMap) -> (Vec<String>, Vec<String>) {
    let Some(header) = headers.get("sl-violations") else { return (Vec::new(), Vec::new()) };
    let list: Vec<Value> = serde_json::from_slice(header.as_bytes()).expect("sl-violations is JSON");
    let (request, response): (Vec<&Value>, Vec<&Value>) = list.iter().partition(|v| v["location"][0] != "response");
    let show = |v: Vec<&Value>| v.iter().map(|v| format!("{} at {}", v["message"], v["location"])).collect();
    (show(request), show(response))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_accepted_by_prism_and_decodes_a_documented_error() {
    let _one = one_at_a_time().await;
    let areas = leaked_areas();
    let mut servers: Vec<Prism> = areas.iter().map(|area| Prism::spawn(area)).collect();
    for server in &mut servers {
        server.wait_until_listening();
    }
    for server in &mut servers {
        server.assert_running();
    }
    let (mut ctx, all, expected_errors) =
        plan(&areas, |area| servers.iter().find(|s| s.area == area).unwrap().url.clone());
    for op in all.iter().filter(|op| !expected_errors.contains_key(*op)) {
        println!("-- {op}: no error status Prism can be asked for");
    }

    run_all(&ctx).await;
    let passed = PASSED.lock().unwrap().clone();
    assert_every_operation_called(&all, &passed);

    println!("\nerror phase");
    PASSED.lock().unwrap().clear();
    *EXPECTED_ERROR.lock().unwrap() = Some(expected_errors.clone());
    ctx.error_phase = true;
    run_all(&ctx).await;
    let passed = PASSED.lock().unwrap().clone();
    let asked: BTreeSet<String> = expected_errors.keys().cloned().collect();
    assert_eq!(passed, asked, "operations whose documented error was not checked");
    println!("{} of {} operations decoded a documented error status", passed.len(), all.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_accepted_by_the_mock_and_its_default_reply_decodes() {
    let _one = one_at_a_time().await;
    let server = cloudbase_mock::MockServer::start().await;
    let (ctx, all, _) = plan(&leaked_areas(), |_| server.url());
    let served: BTreeSet<String> = server.operations().iter().map(|(area, id)| format!("{area}/{id}")).collect();
    assert_eq!(served, all, "the mock's operations against the specs' (with their overlays)");
    run_all(&ctx).await;
    assert_eq!(server.violations(), [], "requests the mock refused");
    let passed = PASSED.lock().unwrap().clone();
    assert_every_operation_called(&all, &passed);
    let answered: BTreeSet<String> =
        server.received().iter().filter_map(|r| Some(format!("{}/{}", r.area()?, r.operation()?))).collect();
    assert_eq!(answered.len(), all.len(), "operations the mock routed the requests to");
}

/// Every operation of the specs (`area/operationId`, from the IR) was called and passed. An
/// operation added to a spec or an overlay needs a call in this file: the failure names it and
/// the function of its area to add the call to.
fn assert_every_operation_called(all: &BTreeSet<String>, passed: &BTreeSet<String>) {
    let missing: Vec<String> = all
        .difference(passed)
        .map(|key| {
            let (area, id) = key.split_once('/').unwrap_or(("", key));
            format!("{id}: add a call to `async fn {area}` in cloudbase-api/tests/contract.rs")
        })
        .collect();
    assert!(missing.is_empty(), "operations of the specs never called:\n  {}", missing.join("\n  "));
    let unknown: Vec<&String> = passed.difference(all).collect();
    assert!(unknown.is_empty(), "calls to operations the specs do not have: {unknown:?}");
}

/// A request that breaks (or, for the controls, keeps) its operation's rules, sent as is.
struct Raw {
    area: &'static str,
    what: &'static str,
    method: &'static str,
    target: &'static str,
    headers: &'static [(&'static str, &'static str)],
    /// The body (its media type is in `headers`).
    body: Option<(&'static str, &'static str)>,
    /// The verdict the spec gives: accepted (a success) or refused, with the status: 400 for a
    /// broken rule, 401 for credentials, 415 for the body's media type, 404/405 for the route.
    refused: Option<u16>,
    /// A Prism bug that makes it accept this request anyway: checked to still be there, so the
    /// exception goes when Prism is fixed.
    prism_bug: Option<&'static str>,
}

/// stoplightio/prism#2574: a request body whose schema other operations refer to as well is not
/// validated (the chat request is shared by `/chat/completions` and `/v1/chat/completions`).
const SHARED_SCHEMA_UNVALIDATED: Option<&str> = Some("https://github.com/stoplightio/prism/issues/2574");

const BEARER: (&str, &str) = ("Authorization", "Bearer contract-test-key");
const JSON: (&str, &str) = ("Content-Type", "application/json");

const RAW: &[Raw] = &[
    Raw {
        area: "functions",
        what: "control: a web GET as the spec says",
        method: "GET",
        target: "/v1/functions/hello?webfn=true",
        headers: &[BEARER],
        body: None,
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "functions",
        what: "the name off its pattern",
        method: "GET",
        target: "/v1/functions/9lives?webfn=true",
        headers: &[BEARER],
        body: None,
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "functions",
        what: "a required query parameter missing",
        method: "GET",
        target: "/v1/functions/hello",
        headers: &[BEARER],
        body: None,
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "functions",
        what: "no credentials",
        method: "GET",
        target: "/v1/functions/hello?webfn=true",
        headers: &[],
        body: None,
        refused: Some(401),
        prism_bug: None,
    },
    Raw {
        area: "functions",
        what: "a method the path does not have",
        method: "DELETE",
        target: "/v1/functions/hello",
        headers: &[BEARER],
        body: None,
        refused: Some(405),
        prism_bug: None,
    },
    Raw {
        area: "functions",
        what: "a path no operation has",
        method: "GET",
        target: "/v1/function/hello",
        headers: &[BEARER],
        body: None,
        refused: Some(404),
        prism_bug: None,
    },
    Raw {
        area: "ai_model",
        what: "control: a chat body as the spec says",
        method: "POST",
        target: "/v1/ai/cloudbase/chat/completions",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"{"model": "m", "messages": [{"role": "user", "content": "hi"}]}"#)),
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "ai_model",
        what: "a required body missing",
        method: "POST",
        target: "/v1/ai/cloudbase/chat/completions",
        headers: &[BEARER],
        body: None,
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "ai_model",
        what: "a shared-schema body of the wrong shape",
        method: "POST",
        target: "/v1/ai/cloudbase/chat/completions",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"{"model": 7, "messages": []}"#)),
        refused: Some(400),
        prism_bug: SHARED_SCHEMA_UNVALIDATED,
    },
    Raw {
        area: "ai_model",
        what: "a shared-schema body without a required property",
        method: "POST",
        target: "/v1/ai/cloudbase/chat/completions",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"{"messages": []}"#)),
        refused: Some(400),
        prism_bug: SHARED_SCHEMA_UNVALIDATED,
    },
    Raw {
        area: "ai_model",
        what: "a body of the wrong shape",
        method: "POST",
        target: "/v1/ai/cloudbase/v1/messages",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"{"model": 7, "messages": []}"#)),
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "ai_model",
        what: "a body without a required property",
        method: "POST",
        target: "/v1/ai/cloudbase/v1/messages",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"{"messages": []}"#)),
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "ai_model",
        what: "control: a messages body as the spec says",
        method: "POST",
        target: "/v1/ai/cloudbase/v1/messages",
        headers: &[BEARER, JSON],
        body: Some((
            "application/json",
            r#"{"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}"#,
        )),
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "mysqldb",
        what: "control: a query with paging",
        method: "GET",
        target: "/v1/rdb/rest/students?limit=10&offset=0",
        headers: &[BEARER],
        body: None,
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "mysqldb",
        what: "an integer parameter that is not one",
        method: "GET",
        target: "/v1/rdb/rest/students?limit=ten",
        headers: &[BEARER],
        body: None,
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "auth",
        what: "control: a provider sign-in as the spec says",
        method: "POST",
        target: "/auth/v1/signin/with/provider",
        headers: &[JSON, ("x-device-id", "d-1")],
        body: Some(("application/json", r#"{"provider_token": "pt"}"#)),
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "auth",
        what: "a required header missing",
        method: "POST",
        target: "/auth/v1/signin/with/provider",
        headers: &[JSON],
        body: Some(("application/json", r#"{"provider_token": "pt"}"#)),
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "auth",
        what: "a body property of the wrong type",
        method: "POST",
        target: "/auth/v1/signin/with/provider",
        headers: &[JSON, ("x-device-id", "d-1")],
        body: Some(("application/json", r#"{"provider_token": 5}"#)),
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "storage_pg",
        what: "control: a multipart upload with its file part",
        method: "POST",
        target: "/v1/storages/object/avatars/a.png",
        headers: &[BEARER, ("Content-Type", "multipart/form-data; boundary=X")],
        body: Some((
            "multipart/form-data; boundary=X",
            "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--X--\r\n",
        )),
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "storage_pg",
        what: "a multipart upload without the required file part",
        method: "POST",
        target: "/v1/storages/object/avatars/a.png",
        headers: &[BEARER, ("Content-Type", "multipart/form-data; boundary=X")],
        body: Some((
            "multipart/form-data; boundary=X",
            "--X\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n3600\r\n--X--\r\n",
        )),
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "storage_pg",
        what: "a signed download without its token",
        method: "GET",
        target: "/v1/storages/object/sign/avatars/a.png",
        headers: &[],
        body: None,
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "storage",
        what: "control: upload information as the spec says",
        method: "POST",
        target: "/v1/storages/get-objects-upload-info",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"[{"objectId": "a.txt"}]"#)),
        refused: None,
        prism_bug: None,
    },
    Raw {
        area: "storage",
        what: "a body of the wrong shape",
        method: "POST",
        target: "/v1/storages/get-objects-upload-info",
        headers: &[BEARER, JSON],
        body: Some(("application/json", r#"{"objectId": "a.txt"}"#)),
        refused: Some(400),
        prism_bug: None,
    },
    Raw {
        area: "storage",
        what: "a body media type the operation does not take",
        method: "POST",
        target: "/v1/storages/get-objects-upload-info",
        headers: &[BEARER, ("Content-Type", "text/plain")],
        body: Some(("text/plain", "a.txt")),
        refused: Some(415),
        prism_bug: None,
    },
    Raw {
        area: "auth",
        what: "a required query parameter missing",
        method: "GET",
        target: "/auth/v1/provider/uri",
        headers: &[BEARER],
        body: None,
        refused: Some(400),
        prism_bug: None,
    },
];

/// The verdict of one server: `None` for a success, else the status, with Prism's validation
/// failures (422) counted as the mock's 400. Sent over a plain connection, byte for byte as
/// written (a hand-rolled client's request, not the generated client's).
async fn verdict(base: &str, raw: &Raw) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap_or_else(|e| panic!("{host}: {e}"));
    let body = raw.body.map_or("", |(_, body)| body);
    let mut request = format!("{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n", raw.method, raw.target);
    for (name, value) in raw.headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    let status: u16 = String::from_utf8_lossy(&reply)
        .get(9..12)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{}: no HTTP status in the reply", raw.what));
    match status {
        200..=299 => None,
        422 => Some(400),
        other => Some(other),
    }
}

/// Prism and the mock give the same verdict on requests that break their operation's rules
/// (and on controls that keep them), and it is the verdict the spec gives; where a known Prism
/// bug makes it accept a request the spec refuses, the mock still refuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_requests_get_the_same_verdict_from_prism_and_the_mock() {
    let _one = one_at_a_time().await;
    let mock = cloudbase_mock::MockServer::start().await;
    let areas: BTreeSet<&'static str> = RAW.iter().map(|r| r.area).collect();
    let mut servers: Vec<Prism> = areas.iter().map(|area| Prism::spawn(area)).collect();
    for server in &mut servers {
        server.wait_until_listening();
    }
    // Every one is up by now: one that lost its port has exited.
    for server in &mut servers {
        server.assert_running();
    }
    let mut differences = Vec::new();
    for raw in RAW {
        let prism = &servers.iter().find(|s| s.area == raw.area).unwrap().url;
        let (by_prism, by_mock) = (verdict(prism, raw).await, verdict(&mock.url(), raw).await);
        println!("{:<9} {:<48} Prism {by_prism:?}, mock {by_mock:?}", raw.area, raw.what);
        let prism_expected = if raw.prism_bug.is_some() { None } else { raw.refused };
        if by_prism != prism_expected || by_mock != raw.refused {
            let bug = raw.prism_bug.map(|bug| format!(" (Prism expected to accept it: {bug})")).unwrap_or_default();
            differences.push(format!(
                "{}: {}: spec {:?}, Prism {by_prism:?}, mock {by_mock:?}{bug}",
                raw.area, raw.what, raw.refused
            ));
        }
    }
    assert!(differences.is_empty(), "verdicts that differ:\n  {}", differences.join("\n  "));
    let refused = mock.violations().len();
    assert!(refused >= RAW.iter().filter(|r| r.refused.is_some()).count(), "the mock recorded each refusal");
}

/// Runs one contract test at a time (they share the statics), each starting from none passed.
async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    let guard = ONE_AT_A_TIME.lock().await;
    PASSED.lock().unwrap().clear();
    *EXPECTED_ERROR.lock().unwrap() = None;
    guard
}

/// The areas, with names that live for the whole run (servers and the context keep them).
fn leaked_areas() -> Vec<&'static str> {
    areas().into_iter().map(|a| &*Box::leak(a.into_boxed_str())).collect()
}

/// The success-phase context of every operation of `areas`, each area served at `url(area)`;
/// every operationId; and the documented error status each operation can be asked for.
fn plan(areas: &[&'static str], url: impl Fn(&str) -> String) -> (Ctx, BTreeSet<String>, BTreeMap<String, u16>) {
    let mut ctx = Ctx {
        urls: areas.iter().map(|&area| (area, url(area))).collect(),
        operations: BTreeMap::new(),
        error_phase: false,
    };
    let mut all = BTreeSet::new();
    let mut expected_errors = BTreeMap::new();
    for &area in areas {
        for op in AreaSpec::of(area).ir().operations {
            let status = askable_error(&op);
            if let Some(status) = status {
                expected_errors.insert(format!("{area}/{}", op.id), status);
            }
            all.insert(format!("{area}/{}", op.id));
            ctx.operations.insert(format!("{area}/{}", op.method_name), (area.to_string(), status));
        }
    }
    (ctx, all, expected_errors)
}

async fn run_all(ctx: &Ctx) {
    auth(ctx).await;
    mysqldb(ctx).await;
    nosql(ctx).await;
    functions(ctx).await;
    cloudrun(ctx).await;
    apis(ctx).await;
    model(ctx).await;
    storage(ctx).await;
    storage_pg(ctx).await;
    ai_model(ctx).await;
}

/// The first documented error status of an operation that Prism can be asked for: not when the
/// operation documents none, nor when that error has no body to decode (HEAD).
fn askable_error(op: &codegen::ir::Operation) -> Option<u16> {
    use codegen::ir::StatusSpec;
    let response = op.responses.iter().find(|r| !r.status.is_success() && !r.contents.is_empty())?;
    Some(match response.status {
        StatusSpec::Code(code) => code,
        StatusSpec::Range(hundred) => hundred * 100,
        StatusSpec::Default => 500,
    })
}

async fn auth(ctx: &Ctx) {
    in_area("auth");
    use cloudbase_api::auth::*;
    let device = "device-7f3a9c";
    accepted(
        ctx.client("sign_in")
            .auth()
            .sign_in()
            .client_id("my-env-1a2b")
            .x_device_id(device)
            .body(SignInRequest {
                username: Some("li_bai".into()),
                password: Some("Moon&Wine-701".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("anonymous_token")
            .auth()
            .anonymous_token()
            .x_device_id(device)
            .body(SignInAnonymouslyRequest::default())
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_up")
            .auth()
            .sign_up()
            .body(SignUpRequest {
                phone_number: Some("+86 13800138000".into()),
                verification_token: Some("vt-123".into()),
                name: Some(Some("李白".into())),
                locale: Some("zh".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_out")
            .auth()
            .sign_out()
            .body(SignOutRequest { redirect_uri: Some("https://example.com/bye".into()), state: Some("s1".into()) })
            .send()
            .await,
    );
    accepted(
        ctx.client("gen_provider_redirect_uri")
            .auth()
            .gen_provider_redirect_uri()
            .provider_id("github")
            .redirect_uri("https://example.com/callback")
            .state("xyz")
            .scope("user")
            .response_type("code")
            .x_device_id(device)
            .send()
            .await,
    );
    accepted(
        ctx.client("grant_provider_token")
            .auth()
            .grant_provider_token()
            .x_device_id(device)
            .body(GrantProviderTokenRequest {
                provider_id: "github".into(),
                provider_redirect_uri: Some("https://example.com/callback".into()),
                provider_code: Some("code-abc".into()),
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_in_with_provider")
            .auth()
            .sign_in_with_provider()
            .x_device_id(device)
            .body(SignInWithProviderRequest {
                provider_id: None,
                provider_token: "pt-abc".into(),
                force_disable_sign_up: Some(false),
                sync_profile: Some(true),
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_in_custom")
            .auth()
            .sign_in_custom()
            .body(SignInCustomRequest { provider_id: "custom".into(), ticket: "ticket-from-my-server".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("grant_token")
            .auth()
            .grant_token()
            .body(GrantTokenRequest {
                grant_type: Some(Some("refresh_token".into())),
                refresh_token: Some("rt-abc".into()),
                client_id: Some("my-env-1a2b".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(ctx.client("token_introspect").auth().token_introspect().client_id("my-env-1a2b").send().await);
    accepted(
        ctx.basic("client_credential")
            .auth()
            .client_credential()
            .body(ClientCredentialRequest { grant_type: ClientCredentialRequestGrantType::ClientCredentials })
            .send()
            .await,
    );
    accepted(
        ctx.client("revoke")
            .auth()
            .revoke()
            .body(RevokeRequest { token: Some("eyJhbGciOiJSUzI1NiJ9.e30.sig".into()) })
            .send()
            .await,
    );
    accepted(
        ctx.client("init_captcha")
            .auth()
            .init_captcha()
            .body(InitCaptchaRequest {
                client_id: Some("my-env-1a2b".into()),
                redirect_uri: Some("https://app.example.com/login".into()),
                state: Some("s-81d2".into()),
            })
            .send()
            .await,
    );
    accepted(ctx.client("get_captcha_data").auth().get_captcha_data().send().await);
    accepted(
        ctx.client("verify_captcha_data")
            .auth()
            .verify_captcha_data()
            .body(VerifyCaptchaDataRequest { token: "captcha-token".into(), key: "x7k2".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("send_verification")
            .auth()
            .send_verification()
            .x_captcha_token("ct-1")
            .body(SendVerificationRequest {
                phone_number: Some("+86 13800138000".into()),
                target: Some(SendVerificationRequestTarget::Any),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("verify_verification")
            .auth()
            .verify_verification()
            .body(VerifyRequest { verification_id: "vid-1".into(), verification_code: "123456".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("reset_password")
            .auth()
            .reset_password()
            .body(ResetPasswordRequest {
                email: Some("li.bai@example.com".into()),
                new_password: Some("New-Passw0rd!".into()),
                verification_token: Some("vt-1".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_sudo")
            .auth()
            .user_sudo()
            .body(SudoRequest { password: Some("Moon&Wine-701".into()), ..Default::default() })
            .send()
            .await,
    );
    accepted(ctx.client("user_me").auth().user_me().x_device_id(device).send().await);
    accepted(ctx.client("user_delete_me").auth().user_delete_me().sudo_token("sudo-1").send().await);
    accepted(
        ctx.client("user_update_password")
            .auth()
            .user_update_password()
            .sudo_token("sudo-1")
            .body(UpdatePasswordRequest {
                old_password: Some("Moon&Wine-701".into()),
                new_password: "New-Passw0rd!".into(),
                confirm_password: Some("New-Passw0rd!".into()),
                sudo_token: Some("sudo-1".into()),
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_edit_user_basic_info")
            .auth()
            .user_edit_user_basic_info()
            .body(EditUserBasicInfoRequest {
                nickname: Some("太白".into()),
                gender: Some(EditUserBasicInfoRequestGender::Male),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_bind_with_provider")
            .auth()
            .user_bind_with_provider()
            .body(BindWithProviderRequest { provider_token: "pt-abc".into(), with_user_center: Some(false) })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_un_bind_provider")
            .auth()
            .user_un_bind_provider()
            .provider_id("github")
            .with_user_center(true)
            .send()
            .await,
    );
    accepted(ctx.client("user_providers").auth().user_providers().send().await);
    accepted(
        ctx.client("patch_provider_token")
            .auth()
            .patch_provider_token()
            .x_device_id(device)
            .body(PatchProviderTokenRequest {
                client_id: Some("my-env-1a2b".into()),
                provider_id: Some("wx_mp".into()),
                provider_token: "pt-abc".into(),
                provider_params: PatchProviderTokenParams {
                    encrypted_data: Some("CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZM".into()),
                    iv: Some("r7BXXKkLb8qrSNn05n0qiA==".into()),
                    ..Default::default()
                },
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_trans_by_provider")
            .auth()
            .user_trans_by_provider()
            .body(TransByProviderRequest { provider_token: "pt-abc".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_edit_contact")
            .auth()
            .user_edit_contact()
            .body(EditContactRequest {
                phone_number: Some("+86 13900139000".into()),
                email: None,
                sudo_token: "sudo-1".into(),
                verification_token: "vt-1".into(),
                conflict_resolution: Some("DEFAULT".into()),
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_set_user_profile")
            .auth()
            .user_set_user_profile()
            .body(SetUserProfileRequest {
                name: Some("李白".into()),
                gender: Some("MALE".into()),
                locale: Some("zh-CN".into()),
                address: Some(SetUserProfileRequestAddress {
                    locality: Some("绵州".into()),
                    country: Some("CN".into()),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_query_user_profile")
            .auth()
            .user_query_user_profile()
            .id(vec!["9876543210123456789".to_owned(), "9876543210123456790".to_owned()])
            .send()
            .await,
    );
    accepted(ctx.client("user_revoke_all_devices").auth().user_revoke_all_devices().send().await);
    accepted(ctx.client("user_revoke_device").auth().user_revoke_device().device_id("device-2b8e41").send().await);
    accepted(
        ctx.client("device_authorize")
            .auth()
            .device_authorize()
            .x_device_id(device)
            .body(DeviceAuthorizeRequest { client_id: Some("my-env-1a2b".into()), scope: Some("openid".into()) })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_authorize_device")
            .auth()
            .user_authorize_device()
            .body(AuthorizeDeviceRequest {
                client_id: Some("my-env-1a2b".into()),
                user_code: "WDJB-MJHT".into(),
                scope: Some("openid".into()),
                state: None,
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_authorize")
            .auth()
            .user_authorize()
            .body(AuthorizeRequest {
                client_id: Some("my-env-1a2b".into()),
                response_type: Some("code".into()),
                redirect_uri: Some("https://app.example.com/callback".into()),
                state: Some("s-81d2".into()),
                scope: Some("openid".into()),
                code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
                code_challenge_method: Some("S256".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_authorize_info")
            .auth()
            .user_authorize_info()
            .client_id("my-env-1a2b")
            .response_type("code")
            .redirect_uri("https://app.example.com/callback")
            .state("s-81d2")
            .scope("openid")
            .locale("zh-CN")
            .send()
            .await,
    );
    accepted(ctx.client("check_username").auth().check_username().username("li_bai").send().await);
    accepted(ctx.client("check_if_user_exist").auth().check_if_user_exist().username("li_bai").send().await);
    accepted(
        ctx.client("get_provider_sub_type")
            .auth()
            .get_provider_sub_type()
            .body(GetProviderSubTypeRequest { provider_id: "weda".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_in_with_wechat").auth().sign_in_with_wechat().x_device_id(device).body(json!({})).send().await,
    );
    accepted(ctx.client("user_weda_user_info").auth().user_weda_user_info().send().await);
    accepted(
        ctx.client("get_mini_program_qr_code")
            .auth()
            .get_mini_program_qr_code()
            .x_device_id(device)
            .body(GetMiniProgramQrCodeRequest { env_id: "my-env-1a2b".into(), wx_app_id: "wx8d5f2a1b3c4e6f70".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("get_mini_program_qr_code_status")
            .auth()
            .get_mini_program_qr_code_status()
            .x_device_id(device)
            .body(GetMiniProgramQrCodeStatusRequest {
                qr_code_id: "qr-5e1f0a".into(),
                env_id: "my-env-1a2b".into(),
                wx_app_id: "wx8d5f2a1b3c4e6f70".into(),
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_get_user_behavior_log")
            .auth()
            .user_get_user_behavior_log()
            .query_action("USER_LOGIN")
            .limit(20)
            .send()
            .await,
    );
    accepted(
        ctx.client("user_change_bound_provider")
            .auth()
            .user_change_bound_provider()
            .provider_id("wx_open")
            .body(ChangeBoundProviderRequest { provider_trans_token: "ptt-4c1d".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_in_v2")
            .auth()
            .sign_in_v2()
            .x_device_id(device)
            .body(SignInWithUsernameRequest {
                username: Some("li_bai".into()),
                password: Some("Moon&Wine-701".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("grant_token_v2")
            .auth()
            .grant_token_v2()
            .x_device_id(device)
            .body(GrantTokenRequest {
                grant_type: Some(Some("refresh_token".into())),
                refresh_token: Some("rt-abc".into()),
                client_id: Some("my-env-1a2b".into()),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("user_me_v2")
            .auth()
            .user_me_v2()
            .query(std::collections::BTreeMap::from([("locale".to_owned(), "zh-CN".to_owned())]))
            .x_device_id(device)
            .send()
            .await,
    );
    accepted(ctx.client("user_delete_me_v2").auth().user_delete_me_v2().sudo_token("sudo-1").send().await);
    accepted(
        ctx.client("sign_in_with_verification_code_v2")
            .auth()
            .sign_in_with_verification_code_v2()
            .x_device_id(device)
            .body(SignInWithVerificationCodeRequest {
                client_id: None,
                verification_code: "123456".into(),
                verification_id: Some("vid-1".into()),
                verification_token: None,
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("sign_in_with_provider_v2")
            .auth()
            .sign_in_with_provider_v2()
            .x_device_id(device)
            .body(SignInWithProviderRequest {
                provider_id: None,
                provider_token: "pt-abc".into(),
                force_disable_sign_up: Some(false),
                sync_profile: Some(true),
            })
            .send()
            .await,
    );
    accepted(ctx.client("get_public_key").auth().get_public_key().x_device_id(device).body(json!({})).send().await);
    accepted(
        ctx.client("modify_password_without_login")
            .auth()
            .modify_password_without_login()
            .x_device_id(device)
            .body(ModifyPasswordWithoutLoginRequest {
                username: Some("li_bai".into()),
                password: Some("UXlOb1B1cGVyUlNBY2lwaGVydGV4dA==".into()),
                new_password: "TmV3UlNBY2lwaGVydGV4dA==".into(),
                public_key_thumbprint: "pk-3f9a0c".into(),
            })
            .send()
            .await,
    );
}

async fn mysqldb(ctx: &Ctx) {
    in_area("mysqldb");
    use cloudbase_api::mysqldb::*;
    let filters = std::collections::BTreeMap::from([
        ("grade".to_owned(), "gte.3".to_owned()),
        ("name".to_owned(), "like.*白*".to_owned()),
    ]);
    let row = || object(json!({"name": "李白", "grade": 3}));
    accepted(
        ctx.client("query_records")
            .mysqldb()
            .query_records()
            .table("students")
            .select("id,name,class_id(grade,class_number)")
            .limit(10)
            .offset(20)
            .order("id.desc")
            .filters(filters.clone())
            .prefer(ctx.prefer("query_records", "count=exact"))
            .send()
            .await,
    );
    accepted(
        ctx.client("insert_records")
            .mysqldb()
            .insert_records()
            .table("students")
            .select("*")
            .columns(r#""id","name""#)
            .on_conflict("student_no")
            .prefer(ctx.prefer("insert_records", "return=representation,resolution=merge-duplicates"))
            .body(RecordOrRecords::RecordList(vec![row(), row()]))
            .send()
            .await,
    );
    accepted(
        ctx.client("delete_records")
            .mysqldb()
            .delete_records()
            .table("students")
            .filters(filters.clone())
            .limit(1)
            .prefer(ctx.prefer("delete_records", "return=representation"))
            .send()
            .await,
    );
    accepted(
        ctx.client("count_records").mysqldb().count_records().table("students").filters(filters.clone()).send().await,
    );
    accepted(
        ctx.client("update_records")
            .mysqldb()
            .update_records()
            .table("students")
            .filters(filters.clone())
            .body(row())
            .prefer(ctx.prefer("update_records", "return=minimal"))
            .send()
            .await,
    );
    accepted(
        ctx.client("query_records_with_schema")
            .mysqldb()
            .query_records_with_schema()
            .schema("school")
            .table("students")
            .select("*")
            .send()
            .await,
    );
    accepted(
        ctx.client("insert_records_with_schema")
            .mysqldb()
            .insert_records_with_schema()
            .schema("school")
            .table("students")
            .body(RecordOrRecords::Record(row()))
            .send()
            .await,
    );
    accepted(
        ctx.client("delete_records_with_schema")
            .mysqldb()
            .delete_records_with_schema()
            .schema("school")
            .table("students")
            .filters(filters.clone())
            .send()
            .await,
    );
    accepted(
        ctx.client("update_records_with_schema")
            .mysqldb()
            .update_records_with_schema()
            .schema("school")
            .table("students")
            .filters(filters.clone())
            .body(row())
            .send()
            .await,
    );
    accepted(
        ctx.client("query_records_with_instance")
            .mysqldb()
            .query_records_with_instance()
            .instance("db-1")
            .schema("school")
            .table("students")
            .limit(1)
            .send()
            .await,
    );
    accepted(
        ctx.client("insert_records_with_instance")
            .mysqldb()
            .insert_records_with_instance()
            .instance("db-1")
            .schema("school")
            .table("students")
            .body(RecordOrRecords::Record(row()))
            .send()
            .await,
    );
    accepted(
        ctx.client("delete_records_with_instance")
            .mysqldb()
            .delete_records_with_instance()
            .instance("db-1")
            .schema("school")
            .table("students")
            .filters(filters.clone())
            .send()
            .await,
    );
    accepted(
        ctx.client("update_records_with_instance")
            .mysqldb()
            .update_records_with_instance()
            .instance("db-1")
            .schema("school")
            .table("students")
            .filters(filters.clone())
            .body(row())
            .send()
            .await,
    );
    // From specs/overlays/mysqldb.yaml.
    accepted(
        ctx.client("call_rpc")
            .mysqldb()
            .call_rpc()
            .function("grade_sizes")
            .filters(filters)
            .accept_profile("public")
            .body(json!({"min_grade": 3}))
            .send()
            .await,
    );
    let args: BTreeMap<String, String> = [("min_grade".to_owned(), "3".to_owned())].into();
    accepted(
        ctx.client("call_rpc_get")
            .mysqldb()
            .call_rpc_get()
            .function("count_students")
            .args(args.clone())
            .select("grade,students")
            .limit(10)
            .send()
            .await,
    );
    accepted(ctx.client("call_rpc_head").mysqldb().call_rpc_head().function("students_in").args(args).send().await);
    accepted(
        ctx.client("exec_pgsql")
            .mysqldb()
            .exec_pgsql()
            .body(ExecPgsqlRequest {
                sql: "select id, name from students where grade = $1".to_owned(),
                parameters: Some(vec![json!(3)]),
                role: Some(ExecPgsqlRequestRole::CloudbaseReadOnlyUser),
            })
            .send()
            .await,
    );
}

async fn nosql(ctx: &Ctx) {
    in_area("nosql");
    use cloudbase_api::nosql::*;
    let doc =
        || object(json!({"name": "李白", "age": {"$numberInt": "61"}, "born": {"$date": "0701-02-28T00:00:00Z"}}));
    let by_id = || object(json!({"_id": {"$oid": "507f1f77bcf86cd799439011"}}));
    accepted(
        ctx.client("create_collection")
            .nosql()
            .create_collection()
            .instance("(default)")
            .database("(default)")
            .body(CreateCollectionRequest { collection_name: "poets".into() })
            .send()
            .await,
    );
    accepted(
        ctx.client("query_documents")
            .nosql()
            .query_documents()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .query(r#"{"age":{"$gte":18}}"#)
            .offset(0)
            .limit(20)
            .order(r#"[{"field":"age","direction":"desc"}]"#)
            .projection(r#"{"name":1}"#)
            .count(false)
            .transaction_id("txn_abc123def456")
            .send()
            .await,
    );
    accepted(
        ctx.client("insert_documents")
            .nosql()
            .insert_documents()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .body(InsertDocumentsRequest { data: vec![doc(), doc()], transaction_id: None })
            .send()
            .await,
    );
    accepted(
        ctx.client("update_documents")
            .nosql()
            .update_documents()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .body(UpdateDocumentsRequest {
                query: object(json!({"name": "李白"})),
                data: object(json!({"$inc": {"age": 1}})),
                multi: Some(true),
                upsert: Some(false),
                replace_mode: Some(false),
                transaction_id: None,
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("get_document_by_id")
            .nosql()
            .get_document_by_id()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .doc_id("507f1f77bcf86cd799439011")
            .projection(r#"{"name":1}"#)
            .send()
            .await,
    );
    accepted(
        ctx.client("delete_document_by_id")
            .nosql()
            .delete_document_by_id()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .doc_id("507f1f77bcf86cd799439011")
            .send()
            .await,
    );
    accepted(
        ctx.client("update_document_by_id")
            .nosql()
            .update_document_by_id()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .doc_id("507f1f77bcf86cd799439011")
            .body(UpdateDocumentByIdRequest {
                data: object(json!({"$set": {"age": {"$numberInt": "62"}}})),
                replace_mode: None,
                upsert: Some(false),
                return_doc: Some(true),
                transaction_id: None,
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("remove_documents")
            .nosql()
            .remove_documents()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .body(RemoveDocumentsRequest { query: by_id(), multi: Some(false), transaction_id: None })
            .send()
            .await,
    );
    accepted(
        ctx.client("aggregate")
            .nosql()
            .aggregate()
            .instance("(default)")
            .database("(default)")
            .collection_name("poets")
            .body(AggregateRequest {
                pipeline: vec![object(json!({"$match": {"age": {"$gte": 18}}})), object(json!({"$limit": 5}))],
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("start_transaction")
            .nosql()
            .start_transaction()
            .instance("(default)")
            .database("(default)")
            .send()
            .await,
    );
    accepted(
        ctx.client("commit_transaction")
            .nosql()
            .commit_transaction()
            .instance("(default)")
            .database("(default)")
            .transaction_id("txn_abc123def456")
            .send()
            .await,
    );
    accepted(
        ctx.client("rollback_transaction")
            .nosql()
            .rollback_transaction()
            .instance("(default)")
            .database("(default)")
            .transaction_id("txn_abc123def456")
            .send()
            .await,
    );
    accepted(
        ctx.client("run_commands")
            .nosql()
            .run_commands()
            .instance("(default)")
            .database("(default)")
            .body(RunCommandsRequest {
                commands: vec![object(json!({"find": "poets", "filter": {"age": {"$gte": 18}}, "limit": 1}))],
                transaction_id: None,
            })
            .send()
            .await,
    );
}

async fn functions(ctx: &Ctx) {
    in_area("functions");
    accepted(
        ctx.client("invoke_function")
            .functions()
            .invoke_function()
            .name("sum-two")
            .webfn(true)
            .x_qualifier("$LATEST")
            .body(object(json!({"a": 1, "b": 2})))
            .send()
            .await,
    );
    let page = std::collections::BTreeMap::from([("page".to_owned(), "1".to_owned())]);
    accepted(ctx.client("web_get").functions().web_get().name("plant-http").query(page.clone()).send().await);
    accepted(
        ctx.client("web_get_path")
            .functions()
            .web_get_path()
            .name("plant-http")
            .path("user-plants")
            .query(page)
            .send()
            .await,
    );
    accepted(
        ctx.client("web_post_path")
            .functions()
            .web_post_path()
            .name("pay-http")
            .path("create-order")
            .body(json!({"orderId": "A-1001", "amount": 990}))
            .send()
            .await,
    );
}

// Prism, like OpenAPI path templating, matches `{anyPath}` and `{path}` to one segment only; the
// multi-segment encoding is asserted byte for byte in `operations.rs` instead.
async fn cloudrun(ctx: &Ctx) {
    in_area("cloudrun");
    accepted(ctx.client("get").cloudrun().get().name("api-server").any_path("health").send().await);
    accepted(
        ctx.client("post")
            .cloudrun()
            .post()
            .name("api-server")
            .any_path("orders")
            .body(object(json!({"item": "wine", "count": 2})))
            .send()
            .await,
    );
    let api = |op: &str| ctx.client(op).cloudrun();
    let order = json!({"item": "wine", "count": 3});
    accepted(api("put").put().name("api-server").any_path("orders").body(order.clone()).send().await);
    accepted(api("patch").patch().name("api-server").any_path("orders").body(order.clone()).send().await);
    accepted(api("delete").delete().name("api-server").any_path("orders").send().await);
    accepted(api("head").head().name("api-server").any_path("health").send().await);
    accepted(api("root_get").root_get().name("api-server").send().await);
    accepted(api("root_post").root_post().name("api-server").body(order.clone()).send().await);
    accepted(api("root_put").root_put().name("api-server").body(order.clone()).send().await);
    accepted(api("root_patch").root_patch().name("api-server").body(order).send().await);
    accepted(api("root_delete").root_delete().name("api-server").send().await);
    accepted(api("root_head").root_head().name("api-server").send().await);
}

async fn apis(ctx: &Ctx) {
    in_area("apis");
    let api = |op: &str| ctx.client(op).apis();
    let page = json!({"page": 1});
    accepted(api("get").get().name("plants-http").any_path("user-plants").send().await);
    accepted(api("post").post().name("plants-http").any_path("user-plants").body(page.clone()).send().await);
    accepted(api("put").put().name("plants-http").any_path("user-plants").body(page.clone()).send().await);
    accepted(api("patch").patch().name("plants-http").any_path("user-plants").body(page).send().await);
    accepted(api("delete").delete().name("plants-http").any_path("user-plants").send().await);
    accepted(api("head").head().name("plants-http").any_path("user-plants").send().await);
    accepted(api("options").options().name("plants-http").any_path("user-plants").send().await);
}

async fn model(ctx: &Ctx) {
    in_area("model");
    use cloudbase_api::model::*;
    fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).unwrap()
    }
    let api = |op: &str| ctx.client(op).model();
    let prod = CreateItemEnvType::Prod;
    let by_name = json!({"where": {"name": {"$eq": "Li Bai"}}});
    let student = json!({"name": "Li Bai", "grade": 3});
    accepted(
        api("create_item")
            .create_item()
            .env_type(prod.clone())
            .model_name("students")
            .body(typed::<CreateRequest>(json!({"data": student})))
            .send()
            .await,
    );
    accepted(
        api("create_many")
            .create_many()
            .env_type(prod.clone())
            .model_name("students")
            .body(typed::<CreateManyRequest>(json!({"data": [student, {"name": "Du Fu", "grade": 4}]})))
            .send()
            .await,
    );
    let update = typed::<UpdateRequest>(json!({"filter": by_name, "data": {"grade": 5}}));
    accepted(
        api("update_item")
            .update_item()
            .env_type(prod.clone())
            .model_name("students")
            .body(update.clone())
            .send()
            .await,
    );
    accepted(api("update_many").update_many().env_type(prod.clone()).model_name("students").body(update).send().await);
    accepted(
        api("upsert_item")
            .upsert_item()
            .env_type(prod.clone())
            .model_name("students")
            .body(typed::<UpsertRequest>(json!({"filter": by_name, "create": student, "update": {"grade": 5}})))
            .send()
            .await,
    );
    let filter = typed::<FilterRequest>(json!({"filter": by_name}));
    accepted(
        api("delete_item")
            .delete_item()
            .env_type(prod.clone())
            .model_name("students")
            .body(filter.clone())
            .send()
            .await,
    );
    accepted(api("delete_many").delete_many().env_type(prod.clone()).model_name("students").body(filter).send().await);
    accepted(
        api("get_item")
            .get_item()
            .env_type(prod.clone())
            .model_name("students")
            .body(typed::<GetRequest>(json!({"filter": by_name, "select": {"$master": true}})))
            .send()
            .await,
    );
    accepted(
        api("get_records")
            .get_records()
            .env_type(prod.clone())
            .model_name("students")
            .body(typed::<ListRequest>(json!({"filter": by_name, "pageSize": 10, "pageNumber": 1, "getCount": true})))
            .send()
            .await,
    );
    accepted(
        api("get_records_easy")
            .get_records_easy()
            .env_type(prod.clone())
            .model_name("students")
            .page_size(10)
            .page_number(1)
            .get_count(true)
            .send()
            .await,
    );
    accepted(
        api("get_item_by_id")
            .get_item_by_id()
            .env_type(prod.clone())
            .model_name("students")
            .record_id("r-1")
            .send()
            .await,
    );
    accepted(
        api("delete_item_by_id")
            .delete_item_by_id()
            .env_type(prod.clone())
            .model_name("students")
            .record_id("r-1")
            .send()
            .await,
    );
    let parameter = json!([{"key": "grade", "type": "NUMBER", "value": "3"}]);
    accepted(
        api("mysql_command")
            .mysql_command()
            .env_type(prod.clone())
            .body(typed::<MysqlCommandRequest>(json!({
                "sqlTemplate": "select * from students where grade = {{ grade }}",
                "parameter": parameter,
            })))
            .send()
            .await,
    );
    accepted(
        api("run_sql_template")
            .run_sql_template()
            .env_type(prod)
            .template_name("students_by_grade")
            .body(typed::<SqlTemplateRequest>(json!({"parameter": parameter})))
            .send()
            .await,
    );
}

async fn storage(ctx: &Ctx) {
    in_area("storage");
    use cloudbase_api::storage::*;
    accepted(
        ctx.client("get_objects_upload_info")
            .storage()
            .get_objects_upload_info()
            .body(vec![GetObjectsUploadInfoRequestItem {
                object_id: "poems/静夜思.txt".into(),
                signed_header: Some(std::collections::BTreeMap::from([(
                    "x-cos-meta-author".to_owned(),
                    vec!["libai".to_owned()],
                )])),
            }])
            .send()
            .await,
    );
    accepted(
        ctx.client("get_objects_download_info")
            .storage()
            .get_objects_download_info()
            .body(vec![GetObjectDownloadInfoRequestItem {
                cloud_object_id: Some("cloud://my-env.bucket/poems/a.txt".into()),
                max_age: Some(120),
            }])
            .send()
            .await,
    );
    accepted(
        ctx.client("delete_objects")
            .storage()
            .delete_objects()
            .body(vec![DeleteObjectsRequestItem { cloud_object_id: Some("cloud://my-env.bucket/poems/a.txt".into()) }])
            .send()
            .await,
    );
    accepted(
        ctx.client("copy_objects")
            .storage()
            .copy_objects()
            .body(vec![CopyObjectsRequestItem {
                src_path: "poems/a.txt".into(),
                dst_path: "archive/a.txt".into(),
                overwrite: Some(false),
                remove_original: Some(true),
            }])
            .send()
            .await,
    );
}

// Prism matches `{objectName}` to one segment (as OpenAPI path templating does), so the object
// names here have no `/`; the multi-segment encoding is asserted byte for byte in the loopback
// tests. Raw uploads go as `application/octet-stream`: `x-any-content-type` (any media type)
// is the project's extension, which Prism does not read; the mock checks it.
async fn storage_pg(ctx: &Ctx) {
    use cloudbase_api::ByteStream;
    use cloudbase_api::storage_pg::*;
    in_area("storage_pg");
    let api = |op: &str| ctx.client(op).storage_pg();
    let png: &'static [u8] = b"\x89PNG\r\n\x1a\n";
    accepted(api("list_buckets").list_buckets().limit(10).sort_column(ListBucketsSortColumn::CreatedAt).send().await);
    accepted(
        api("create_bucket")
            .create_bucket()
            .body(CreateBucketRequest {
                id: None,
                name: "avatars".into(),
                public: Some(false),
                r#type: Some(BucketType::Standard),
                file_size_limit: Some(Some(FileSizeLimit::Integer(5_242_880))),
                allowed_mime_types: Some(Some(vec!["image/png".into()])),
            })
            .send()
            .await,
    );
    accepted(api("get_bucket").get_bucket().bucket_id("avatars").send().await);
    accepted(
        api("update_bucket")
            .update_bucket()
            .bucket_id("avatars")
            // Clears the size limit: `null` on the wire.
            .body(UpdateBucketRequest { public: Some(true), file_size_limit: Some(None), ..Default::default() })
            .send()
            .await,
    );
    accepted(api("delete_bucket").delete_bucket().bucket_id("old-avatars").send().await);
    accepted(
        api("list_objects")
            .list_objects()
            .bucket_id("avatars")
            .body(ListObjectsRequest {
                prefix: Some("user-123/".into()),
                limit: Some(100),
                with_delimiter: Some(true),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        api("upload_object")
            .upload_object()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .x_upsert(true)
            .form(UploadObjectMultipart {
                content_type: Some("image/png".into()),
                file: ByteStream::from(png),
                ..Default::default()
            })
            .send()
            .await,
    );
    accepted(
        api("update_object")
            .update_object()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .cache_control("max-age=3600")
            .bytes(png)
            .send()
            .await,
    );
    accepted(api("delete_object").delete_object().bucket_id("avatars").object_name("avatar.png").send().await);
    accepted(
        api("delete_objects")
            .delete_objects()
            .bucket_id("avatars")
            .body(DeleteObjectsRequest { prefixes: vec!["a.png".into(), "b.png".into()] })
            .send()
            .await,
    );
    accepted(
        api("download_object")
            .download_object()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .range("bytes=0-1023")
            .send()
            .await,
    );
    accepted(api("head_object").head_object().bucket_id("avatars").object_name("avatar.png").send().await);
    accepted(
        api("copy_object")
            .copy_object()
            .x_upsert(true)
            .body(CopyObjectRequest {
                bucket_id: "avatars".into(),
                source_key: "avatar.png".into(),
                destination_key: "backup.png".into(),
                destination_bucket: Some("backups".into()),
                copy_metadata: None,
                metadata: None,
            })
            .send()
            .await,
    );
    accepted(
        api("move_object")
            .move_object()
            .body(MoveObjectRequest {
                bucket_id: "avatars".into(),
                source_key: "avatar.png".into(),
                destination_key: "archive.png".into(),
                destination_bucket: None,
            })
            .send()
            .await,
    );
    accepted(api("get_object_info").get_object_info().bucket_id("avatars").object_name("avatar.png").send().await);
    accepted(
        api("create_signed_urls")
            .create_signed_urls()
            .bucket_id("avatars")
            .body(SignBatchRequest { expires_in: 600, paths: vec!["a.png".into(), "b.png".into()] })
            .send()
            .await,
    );
    accepted(
        api("create_signed_url")
            .create_signed_url()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .body(SignRequest { expires_in: 3600 })
            .send()
            .await,
    );
    let token = "eyJhbGciOiJIUzI1NiJ9.e30.signature";
    accepted(
        api("download_object_by_signed_url")
            .download_object_by_signed_url()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .token(token)
            .send()
            .await,
    );
    accepted(
        api("head_object_by_signed_url")
            .head_object_by_signed_url()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .token(token)
            .send()
            .await,
    );
    accepted(
        api("create_signed_upload_url")
            .create_signed_upload_url()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .x_upsert(true)
            .send()
            .await,
    );
    accepted(
        api("upload_object_by_signed_url")
            .upload_object_by_signed_url()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .token(token)
            .bytes(png)
            .send()
            .await,
    );
    accepted(
        api("download_public_object")
            .download_public_object()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .download("me.png")
            .send()
            .await,
    );
    accepted(
        api("head_public_object").head_public_object().bucket_id("avatars").object_name("avatar.png").send().await,
    );
    accepted(
        api("download_authenticated_object")
            .download_authenticated_object()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .send()
            .await,
    );
    accepted(
        api("head_authenticated_object")
            .head_authenticated_object()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .send()
            .await,
    );
    accepted(
        api("get_object_info_authenticated")
            .get_object_info_authenticated()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .send()
            .await,
    );
    accepted(
        api("head_object_info_authenticated")
            .head_object_info_authenticated()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .send()
            .await,
    );
    accepted(
        api("get_object_info_public")
            .get_object_info_public()
            .bucket_id("avatars")
            .object_name("avatar.png")
            .send()
            .await,
    );
}

async fn ai_model(ctx: &Ctx) {
    in_area("ai_model");
    use cloudbase_api::ai_model::*;
    let chat = || ChatCompletionRequest {
        model: "hy3-preview".into(),
        messages: vec![
            ChatCompletionRequestMessage {
                role: "system".into(),
                content: Some(Some("You are a poet.".to_owned().into())),
                tool_calls: None,
                tool_call_id: None,
                extra: Default::default(),
            },
            ChatCompletionRequestMessage {
                role: "user".into(),
                content: Some(Some("介绍一下李白".to_owned().into())),
                tool_calls: None,
                tool_call_id: None,
                extra: Default::default(),
            },
        ],
        stream: Some(false),
        temperature: Some(0.7),
        tools: Some(vec![ChatCompletionTool {
            r#type: "function".into(),
            function: ChatCompletionFunctionDefinition {
                name: "get_weather".into(),
                description: Some("Weather of a city".into()),
                parameters: Some(object(json!({"type": "object", "properties": {"city": {"type": "string"}}}))),
            },
        }]),
        extra: Default::default(),
    };
    accepted(
        ctx.client("call_llm")
            .ai_model()
            .call_llm()
            .provider("hunyuan-exp")
            .path("embeddings")
            .body(object(json!({"model": "hunyuan-turbos-latest", "messages": [{"role": "user", "content": "hi"}]})))
            .send()
            .await,
    );
    accepted(
        ctx.client("create_chat_completion")
            .ai_model()
            .create_chat_completion()
            .provider("cloudbase")
            .body(chat())
            .send()
            .await,
    );
    accepted(
        ctx.client("create_chat_completion_v1")
            .ai_model()
            .create_chat_completion_v1()
            .provider("deepseek")
            .body(chat())
            .send()
            .await,
    );
    accepted(
        ctx.client("create_response")
            .ai_model()
            .create_response()
            .provider("cloudbase")
            .body(ResponsesRequest {
                model: "hy3-preview".into(),
                input: Some(json!("Tell me about Li Bai")),
                previous_response_id: None,
                stream: Some(false),
                extra: Default::default(),
            })
            .send()
            .await,
    );
    accepted(
        ctx.client("create_anthropic_message")
            .ai_model()
            .create_anthropic_message()
            .provider("cloudbase")
            .anthropic_version("2023-06-01")
            .body(AnthropicMessagesRequest {
                model: "hy3-preview".into(),
                max_tokens: Some(1024),
                system: Some(AnthropicMessagesRequestSystem::Array(vec![AnthropicContentBlock {
                    r#type: "text".into(),
                    text: Some("You are a poet.".into()),
                    cache_control: Some(AnthropicCacheControl {
                        r#type: "ephemeral".into(),
                        extra: Default::default(),
                    }),
                    extra: Default::default(),
                }])),
                messages: vec![AnthropicMessageParam {
                    role: "user".into(),
                    content: "Hello".to_owned().into(),
                    extra: Default::default(),
                }],
                stream: Some(false),
                extra: Default::default(),
            })
            .send()
            .await,
    );
}
