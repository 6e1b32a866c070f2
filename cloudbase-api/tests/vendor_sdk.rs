//! The vendor's own SDKs against cloudbase-rs, on the wire.
//!
//! `tools/vendor-sdk/record.cjs` drives `@cloudbase/js-sdk` and `@cloudbase/node-sdk` (pinned
//! by its package-lock.json; `npm ci --prefix tools/vendor-sdk`) against a loopback recorder and
//! writes each request they send, tagged with a logical call id. For every call id this test
//! makes the same call with `cloudbase-api` (`vendor_sdk/counterparts.rs`) against a loopback
//! server answering the recorder's reply shapes (`vendor_sdk/server.rs`), reduces both sides to
//! what means something to the API (`vendor_sdk/wire.rs`), pairs the requests and compares them,
//! and how each side read the fault replies. Every SDK gateway request (and every one of ours)
//! is then replayed byte for byte against `cloudbase-mock`.
//!
//! `docs/vendor-sdk-wire.md` lists each difference, each call the crate cannot express and each
//! request the mock refuses, with its verdict. The test fails on a difference the table lacks,
//! on a row that no longer occurs, and on a row whose wire cells changed, printing each as a
//! ready-to-paste row; and when the table's counts are not the run's.

mod support;

#[path = "vendor_sdk/counterparts.rs"]
mod counterparts;
#[path = "vendor_sdk/replay.rs"]
mod replay;
#[path = "vendor_sdk/server.rs"]
mod server;
#[path = "vendor_sdk/table.rs"]
mod table;
#[path = "vendor_sdk/wire.rs"]
mod wire;

use counterparts::{CALLS, Ctx, FAULT_OUTCOMES, Rust};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use table::Row;
use wire::{Difference, Kind, Recording, Request};

const SDKS: [&str; 3] = ["js", "node", "node-tc3"];
const TABLE: &str = "docs/vendor-sdk-wire.md";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs the recorder for one SDK and reads its JSONL.
fn record(sdk: &'static str) -> Recording {
    let started = Instant::now();
    let output = std::process::Command::new("node")
        .args(["tools/vendor-sdk/record.cjs", "--sdk", sdk, "--out", "-", "--quiet"])
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `node` ({e}): this test needs Node.js 20+ (Debian: `apt-get install nodejs npm`)")
        });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the recorder failed for `{sdk}` ({}); stderr ends:\n{}",
        output.status,
        stderr.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
    );
    let recording = wire::parse(sdk, &String::from_utf8_lossy(&output.stdout));
    println!("recorded {sdk}: {} calls in {:.1?}", recording.calls.len(), started.elapsed());
    recording
}

/// What the Rust side did for one call id.
enum Ours {
    Sent { requests: Vec<Request>, outcome: String },
    NotExpressible(&'static str),
}

fn rust_of(id: &str) -> &'static Rust {
    &CALLS
        .iter()
        .find(|(call, _)| *call == id)
        .unwrap_or_else(|| panic!("the SDKs drove `{id}`, which vendor_sdk/counterparts.rs's CALLS does not list"))
        .1
}

/// `Err` as the harness writes it: `error STATUS CODE`, or what it was.
fn outcome(result: Result<String, cloudbase_api::Error>) -> String {
    match result {
        Ok(read) => read,
        Err(e @ cloudbase_api::Error::Api(_)) => {
            format!("error {} {}", e.status().unwrap_or_default(), e.code().unwrap_or("(no code)"))
        }
        Err(e) => format!("error: {e}"),
    }
}

fn request_of(recorded: &support::Recorded) -> Request {
    let (kind, target) = if let Some(rest) = recorded.target.strip_prefix(server::COS) {
        (Kind::Cos, rest.to_owned())
    } else if let Some(rest) = recorded.target.strip_prefix(server::CDN) {
        (Kind::Cdn, rest.to_owned())
    } else {
        (Kind::Gateway, recorded.target.clone())
    };
    Request {
        kind,
        method: recorded.method.clone(),
        target,
        headers: recorded.headers.clone(),
        body: recorded.body.clone(),
        incomplete: false,
    }
}

/// The Rust side of one SDK's calls, in the SDK's order (the sign-ins change who later calls are
/// made as, in both).
async fn run_ours(recording: &Recording) -> BTreeMap<String, Ours> {
    let recorder = server::Recorder::start().await;
    let mut ours = BTreeMap::new();
    let ctx = counterparts::credentials(&recording.sdk).map(|credentials| {
        let client = cloudbase_api::Client::builder()
            .env_id(server::ENV)
            .base_url(&recorder.server.url)
            .credentials(credentials)
            .build()
            .expect("a loopback client");
        Ctx::new(&recording.sdk, client)
    });
    for call in &recording.calls {
        let (counterpart, ctx) = match (rust_of(&call.id), &ctx) {
            (_, Err(reason)) | (Rust::Not(reason), _) => {
                ours.insert(call.id.clone(), Ours::NotExpressible(reason));
                continue;
            }
            (Rust::Call(counterpart), Ok(ctx)) => (counterpart, ctx),
        };
        let before = recorder.requests().len();
        recorder.begin_call(&call.id);
        let read = tokio::time::timeout(Duration::from_secs(20), counterpart(ctx.clone()))
            .await
            .unwrap_or_else(|_| panic!("{} {}: the Rust counterpart did not finish in 20 s", recording.sdk, call.id));
        let fired = recorder.end_call();
        if call.id.starts_with("fault.") {
            assert!(fired > 0, "{} {}: no request of the Rust counterpart got the fault", recording.sdk, call.id);
        }
        let requests = recorder.requests()[before..].iter().map(request_of).collect();
        ours.insert(call.id.clone(), Ours::Sent { requests, outcome: outcome(read) });
    }
    ours
}

/// `error 404 CODE` read as `error CODE`: the SDKs do not always say the status.
fn without_status(outcome: &str) -> String {
    match outcome.strip_prefix("error ").and_then(|rest| rest.split_once(' ')) {
        Some((status, code)) if status.parse::<u16>().is_ok() => format!("error {code}"),
        _ => outcome.to_owned(),
    }
}

/// One SDK's rows: every difference of every call, each call the crate cannot express, and
/// each request the mock refuses; and the counts.
struct Compared {
    rows: Vec<(String, String, String)>,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    calls: usize,
    identical: usize,
    different: usize,
    not_expressible: usize,
    sdk_replayed: usize,
    sdk_accepted: usize,
    sdk_refused: usize,
    ours_replayed: usize,
    ours_accepted: usize,
}

impl Counts {
    fn cells(&self) -> Vec<String> {
        [
            self.calls,
            self.identical,
            self.different,
            self.not_expressible,
            self.sdk_replayed,
            self.sdk_accepted,
            self.sdk_refused,
            self.ours_replayed,
            self.ours_accepted,
        ]
        .iter()
        .map(ToString::to_string)
        .collect()
    }
}

/// Keys unique within a call: a second `mock POST /x` is `mock POST /x #2`.
fn unique(key: String, seen: &mut BTreeMap<String, usize>) -> String {
    let n = seen.entry(key.clone()).or_insert(0);
    *n += 1;
    if *n == 1 { key } else { format!("{key} #{n}") }
}

async fn compare(recording: &Recording, ours: &BTreeMap<String, Ours>, mock: &cloudbase_mock::MockServer) -> Compared {
    let sdk = recording.sdk.as_str();
    let mut rows = Vec::new();
    let mut counts = Counts::default();
    for call in &recording.calls {
        counts.calls += 1;
        let mut seen = BTreeMap::new();
        let mut row = |aspect: String, left: String, right: String, seen: &mut BTreeMap<String, usize>| {
            rows.push((unique(format!("{sdk} {} {aspect}", call.id), seen), left, right));
        };
        let sdk_wire: Vec<wire::Wire> = call.requests.iter().map(wire::normalise).collect();
        let mut paired_with: BTreeMap<usize, usize> = BTreeMap::new();
        match &ours[&call.id] {
            Ours::NotExpressible(reason) => {
                counts.not_expressible += 1;
                let sent: Vec<String> = call.requests.iter().map(|r| format!("`{}`", r.label())).collect();
                let sent = if sent.is_empty() { "—".to_owned() } else { sent.join(", ") };
                row("not expressible".to_owned(), sent, (*reason).to_owned(), &mut seen);
            }
            Ours::Sent { requests, outcome } => {
                let our_wire: Vec<wire::Wire> = requests.iter().map(wire::normalise).collect();
                let several = sdk_wire.len() > 1 || our_wire.len() > 1;
                let mut differences: Vec<Difference> = Vec::new();
                for (a, b) in wire::pair(&sdk_wire, &our_wire) {
                    match (a, b) {
                        (Some(i), Some(j)) => {
                            paired_with.insert(i, j);
                            for mut d in wire::compare(&sdk_wire[i], &our_wire[j]) {
                                if several {
                                    d.aspect = format!("{} @ {}", d.aspect, call.requests[i].label());
                                }
                                differences.push(d);
                            }
                        }
                        (Some(i), None) => differences.push(Difference {
                            aspect: format!("sdk-only {}", call.requests[i].label()),
                            sdk: wire::summary(&sdk_wire[i]),
                            ours: "—".to_owned(),
                        }),
                        (None, Some(j)) => differences.push(Difference {
                            aspect: format!("rs-only {}", requests[j].label()),
                            sdk: "—".to_owned(),
                            ours: wire::summary(&our_wire[j]),
                        }),
                        (None, None) => unreachable!(),
                    }
                }
                let theirs = wire::sdk_outcome(&call.result);
                if let Some(&(_, expected)) = FAULT_OUTCOMES.iter().find(|(id, _)| *id == call.id) {
                    assert_eq!(outcome, expected, "{sdk} {}: the Rust side read the fault reply otherwise", call.id);
                }
                if let Some(mut d) = wire::outcome_difference(&theirs, &without_status(outcome)) {
                    d.ours = format!("`{outcome}`");
                    differences.push(d);
                }
                if differences.is_empty() {
                    counts.identical += 1;
                } else {
                    counts.different += 1;
                }
                for d in differences {
                    row(d.aspect, d.sdk, d.ours, &mut seen);
                }
            }
        }
        // The mock replay: every SDK gateway request, and ours.
        let our_requests = match &ours[&call.id] {
            Ours::Sent { requests, .. } => requests.as_slice(),
            Ours::NotExpressible(_) => &[],
        };
        let mut our_verdicts = BTreeMap::new();
        for (j, request) in our_requests.iter().enumerate().filter(|(_, r)| r.kind == Kind::Gateway) {
            let verdict = replay::replay(mock, request).await;
            counts.ours_replayed += 1;
            if verdict.accepted() {
                counts.ours_accepted += 1;
            } else {
                row(format!("mock-rs {}", request.label()), "—".to_owned(), verdict.cell(), &mut seen);
            }
            our_verdicts.insert(j, verdict);
        }
        for (i, request) in call.requests.iter().enumerate().filter(|(_, r)| r.kind == Kind::Gateway && !r.incomplete) {
            let verdict = replay::replay(mock, request).await;
            counts.sdk_replayed += 1;
            if verdict.accepted() {
                counts.sdk_accepted += 1;
            } else {
                counts.sdk_refused += 1;
                let ours = paired_with
                    .get(&i)
                    .and_then(|j| our_verdicts.get(j))
                    .map_or_else(|| "—".to_owned(), replay::Verdict::cell);
                row(format!("mock {}", request.label()), verdict.cell(), ours, &mut seen);
            }
        }
    }
    Compared { rows, counts }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendor_sdks_and_cloudbase_rs_differ_only_as_the_table_says() {
    let started = Instant::now();
    let sdk_dir = root().join("tools/vendor-sdk/node_modules/@cloudbase");
    assert!(
        sdk_dir.join("js-sdk").is_dir() && sdk_dir.join("node-sdk").is_dir(),
        "the vendor SDKs are not installed: run `npm ci --prefix tools/vendor-sdk` (Node.js 20+)"
    );
    let recorders: Vec<_> = SDKS.iter().map(|&sdk| (sdk, std::thread::spawn(move || record(sdk)))).collect();
    let mock = cloudbase_mock::MockServer::start().await;

    let mut rows = Vec::new();
    let mut counts = BTreeMap::new();
    for (sdk, recorder) in recorders {
        let recording = tokio::task::spawn_blocking(move || recorder.join()).await.unwrap().unwrap_or_else(|_| {
            panic!("recording `{sdk}` failed (above)");
        });
        let ours = run_ours(&recording).await;
        let compared = compare(&recording, &ours, &mock).await;
        rows.extend(compared.rows);
        counts.insert(sdk, compared.counts);
    }

    let doc = std::fs::read_to_string(root().join(TABLE)).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    let doc = table::parse(&doc, &SDKS);
    let mut problems = Vec::new();
    let mut listed: BTreeMap<&str, &Row> = BTreeMap::new();
    for row in &doc.rows {
        if listed.insert(&row.key, row).is_some() {
            problems.push(format!("listed twice: `{}`", row.key));
        }
        if row.verdict.is_empty() || row.verdict.contains("TODO") || row.source.is_empty() {
            problems.push(format!("no verdict or source: `{}`", row.key));
        }
    }
    let mut missing = Vec::new();
    let mut changed = Vec::new();
    let mut occurring = std::collections::BTreeSet::new();
    for (key, sdk_cell, ours_cell) in &rows {
        occurring.insert(key.as_str());
        match listed.get(key.as_str()) {
            None => missing.push(Row {
                key: key.clone(),
                sdk: sdk_cell.clone(),
                ours: ours_cell.clone(),
                verdict: "TODO".into(),
                source: "TODO".into(),
            }),
            Some(row) if (&row.sdk, &row.ours) != (sdk_cell, ours_cell) => {
                changed.push(Row { sdk: sdk_cell.clone(), ours: ours_cell.clone(), ..(*row).clone() })
            }
            Some(_) => {}
        }
    }
    let stale: Vec<&Row> = doc.rows.iter().filter(|row| !occurring.contains(row.key.as_str())).collect();

    println!(
        "\n| sdk | calls | identical | different, listed | not expressible | SDK requests replayed | accepted | refused, listed | ours replayed | accepted |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut counts_wrong = false;
    for sdk in SDKS {
        let cells = counts[sdk].cells();
        println!("| {sdk} | {} |", cells.join(" | "));
        counts_wrong |= doc.counts.get(sdk) != Some(&cells);
    }
    println!("\n{} rows ({} in {TABLE}); {:.1?}", rows.len(), doc.rows.len(), started.elapsed());
    if std::env::var_os("VENDOR_SDK_PRINT_ROWS").is_some() {
        for (key, sdk_cell, ours_cell) in &rows {
            let row = listed.get(key.as_str()).map(|r| (*r).clone()).unwrap_or(Row {
                key: key.clone(),
                sdk: String::new(),
                ours: String::new(),
                verdict: "TODO".into(),
                source: "TODO".into(),
            });
            println!("{}", Row { sdk: sdk_cell.clone(), ours: ours_cell.clone(), ..row }.render());
        }
    }

    let section = |title: &str, rows: Vec<String>| {
        if rows.is_empty() { String::new() } else { format!("\n{title} ({}):\n{}\n", rows.len(), rows.join("\n")) }
    };
    let report = [
        section(
            "differences the table does not list (add them, with a verdict and the SDK source)",
            missing.iter().map(Row::render).collect(),
        ),
        section("rows that no longer occur (remove them)", stale.iter().map(|r| r.render()).collect()),
        section("rows whose wire cells changed (replace them)", changed.iter().map(Row::render).collect()),
        section("table problems", problems),
        if counts_wrong {
            format!("\nthe counts in {TABLE} are not this run's: paste the table printed above\n")
        } else {
            String::new()
        },
    ]
    .concat();
    assert!(report.is_empty(), "{TABLE} does not describe the wire as it is:\n{report}");
}
