//! `cargo xtask bench`: speed and memory beside peers and baselines measured in the same run,
//! printed as one table and written to `target/bench/report.md`.
//!
//! 1. Regen: our generator vs openapi-generator's `rust` generator and progenitor, on the same
//!    specs (the peers are installed under `target/bench/peers` at pinned versions).
//! 2. Build: clean compile of `cloudbase-api` (all features, then each area's alone) vs the
//!    crates openapi-generator made, dependencies prebuilt on both sides; generated line counts.
//! 3. Requests and 4. SSE: the client beside hand-written reqwest + serde
//!    (`cloudbase-api/benches/client.rs`).

mod build;
mod peers;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::areas;

/// How a measured party did: a time, or why there is none.
pub enum Outcome {
    Measured(Duration),
    Failed(String),
}

impl Outcome {
    fn time(&self) -> Option<Duration> {
        match self {
            Outcome::Measured(time) => Some(*time),
            Outcome::Failed(_) => None,
        }
    }

    fn show(&self, unit: Unit) -> String {
        match self {
            Outcome::Measured(time) => unit.show(*time),
            Outcome::Failed(why) => why.clone(),
        }
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Millis,
    Seconds,
}

impl Unit {
    fn show(self, time: Duration) -> String {
        match self {
            Unit::Millis => format!("{:.0} ms", time.as_secs_f64() * 1000.0),
            Unit::Seconds => format!("{:.1} s", time.as_secs_f64()),
        }
    }
}

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Runs a command, returning its standard output, or its standard error when it fails.
pub fn command_output(command: &mut Command) -> Result<String, String> {
    let shown = format!("{:?}", command.get_program());
    let output = command.output().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!("{shown} failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr)))
    }
}

/// `key=value` pairs of one output line of the client benchmark, by its label.
fn parse(output: &str) -> BTreeMap<String, BTreeMap<String, f64>> {
    output
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let label = words.next()?.to_owned();
            let values = words
                .filter_map(|w| w.split_once('='))
                .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
                .collect();
            Some((label, values))
        })
        .collect()
}

fn cargo(root: &Path) -> Command {
    let mut command = crate::cargo::cargo_command();
    command.current_dir(root);
    command
}

fn run_client_bench(root: &Path, args: &[&str]) -> Result<BTreeMap<String, BTreeMap<String, f64>>, String> {
    let output =
        command_output(cargo(root).args(["bench", "-q", "-p", "cloudbase-api", "--bench", "client", "--"]).args(args))?;
    Ok(parse(&output))
}

/// The client benchmark's executable (built in release by `cargo bench --no-run`).
fn client_bench_executable(root: &Path) -> Result<std::path::PathBuf, String> {
    let output = command_output(cargo(root).args([
        "bench",
        "-q",
        "--no-run",
        "-p",
        "cloudbase-api",
        "--bench",
        "client",
        "--message-format=json",
    ]))?;
    output
        .lines()
        .filter_map(|line| line.split("\"executable\":\"").nth(1)?.split('"').next())
        .next_back()
        .map(std::path::PathBuf::from)
        .ok_or_else(|| "cargo reported no executable for the client benchmark".to_owned())
}

/// Instructions a process of the client benchmark runs with `args`, counted by callgrind:
/// repeatable whatever else the machine does.
fn instructions(executable: &Path, args: &[String]) -> Result<f64, String> {
    let output = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(executable)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .find_map(|line| line.split("I   refs:").nth(1))
        .and_then(|n| n.trim().replace(',', "").parse::<f64>().ok())
        .ok_or_else(|| format!("callgrind printed no instruction count:\n{stderr}"))
}

/// Instructions one unit of work costs a side (its client and the loopback server together):
/// the difference between a run of `long` units and one of `short`, which cancels out start-up
/// and client construction. `args(n)` are the benchmark's arguments for `n` units.
fn instructions_per_unit(
    executable: &Path,
    (short, long): (usize, usize),
    args: impl Fn(usize) -> Vec<String>,
) -> Result<f64, String> {
    Ok((instructions(executable, &args(long))? - instructions(executable, &args(short))?) / (long - short) as f64)
}

/// Operations generated under a directory: one `const OPERATION` per request builder.
fn operations_in(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| std::fs::read_to_string(p).map_or(0, |text| text.matches("const OPERATION: rt::Operation").count()))
        .sum()
}

/// Operations of the upstream specs, without the overlays (what openapi-generator reads).
fn upstream_operations(root: &Path) -> Result<usize, String> {
    let mut total = 0;
    for spec in crate::specs::read_specs(root, "specs")? {
        total += codegen::ir_of(codegen::Spec::from_file(&spec.file, &spec.text))
            .map_err(|e| e.to_string())?
            .operations
            .len();
    }
    Ok(total)
}

/// Lines of Rust under a directory (recursively).
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .map(|path| {
            if path.is_dir() {
                rust_lines(&path)
            } else if path.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&path).map_or(0, |text| text.lines().count())
            } else {
                0
            }
        })
        .sum()
}

/// The rows of the report.
#[derive(Default)]
struct Table {
    rows: Vec<[String; 5]>,
    /// Peers that could not be installed or run, repeated below the table.
    missing: Vec<String>,
}

impl Table {
    fn row(&mut self, what: impl Into<String>, ours: String, peer: String, ratio: String, target: String) {
        self.rows.push([what.into(), ours, peer, ratio, target]);
    }

    fn render(&self) -> String {
        let mut out = String::from(
            "| measure | cloudbase-rs | peer or baseline | ratio | target |\n| --- | --- | --- | --- | --- |\n",
        );
        for [a, b, c, d, e] in &self.rows {
            out.push_str(&format!("| {a} | {b} | {c} | {d} | {e} |\n"));
        }
        for missing in &self.missing {
            out.push_str(&format!("\nNOT MEASURED: {missing}\n"));
        }
        out
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

const RUNS: usize = 5;
/// SSE rounds are short (about a second) and vary more from run to run than the others.
const SSE_ROUNDS: usize = 9;
/// Rounds of each side of the 200 MB transfers.
const TRANSFER_ROUNDS: usize = 9;
/// Transfers of 200 MB one after another in each round's process: one alone takes a tenth of
/// a second on loopback, too short to measure against the machine's noise.
const TRANSFERS_PER_ROUND: usize = 5;

/// Runs the client benchmark `rounds` times for each side, alternating, with the arguments
/// `args(side)`, the side that goes first changing from round to round (a machine that is
/// slower for a moment, after a build or another process, then slows both sides alike); each
/// printed measure's median over the rounds, by label.
fn rounds(
    root: &Path,
    rounds: usize,
    args: impl Fn(&str) -> Vec<String>,
) -> Result<BTreeMap<String, BTreeMap<String, f64>>, String> {
    let mut runs: BTreeMap<String, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    for round in 0..rounds {
        let order = if round % 2 == 0 { ["ours", "baseline"] } else { ["baseline", "ours"] };
        for side in order {
            let args = args(side);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            for (label, values) in run_client_bench(root, &args)? {
                for (key, value) in values {
                    runs.entry(label.clone()).or_default().entry(key).or_default().push(value);
                }
            }
        }
    }
    Ok(runs
        .into_iter()
        .map(|(label, values)| {
            let medians = values
                .into_iter()
                .map(|(key, mut runs)| {
                    runs.sort_by(f64::total_cmp);
                    (key, runs[runs.len() / 2])
                })
                .collect();
            (label, medians)
        })
        .collect())
}

/// Runs every measurement; `target` is cargo's target directory (where the release xtask is
/// built, and where the peers and results are kept, under `bench/`).
pub fn bench(root: &Path, target: &Path) -> Result<(), String> {
    let started = Instant::now();
    let dir = target.join("bench");
    let peers_dir = dir.join("peers");
    let mut table = Table::default();

    println!("building the release xtask and the peers (installed once, under {})...", peers_dir.display());
    command_output(cargo(root).args(["build", "--quiet", "--release", "-p", "xtask"]))?;
    let xtask = target.join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    let mut installed = |peer: &str, install: Result<std::path::PathBuf, String>| {
        install.map_err(|why| {
            table.missing.push(format!("{peer}: not installed: {why}"));
            Outcome::Failed(format!("not installed: {why}"))
        })
    };
    let openapi_generator = installed(peers::OPENAPI_GENERATOR, peers::install_openapi_generator(&peers_dir));
    let progenitor = installed(peers::PROGENITOR, peers::install_progenitor(&peers_dir));

    let specs = areas().len();
    println!("1/5 regen, median of {RUNS} runs each...");
    let ours_out = dir.join("regen/ours");
    let ogen_out = dir.join("regen/openapi-generator");
    let ours = peers::regen_ours(&xtask, &ours_out, RUNS)?;
    let ours_time = ours.time().unwrap_or_default();
    let ogen = match openapi_generator {
        Ok(cli) => peers::regen_openapi_generator(root, &cli, &ogen_out, RUNS)?,
        Err(not_installed) => not_installed,
    };
    let ogen_ratio = ogen.time().map(|t| t.as_secs_f64() / ours_time.as_secs_f64());
    table.row(
        format!("regen, {specs} specs, whole process (median of {RUNS}) vs {}", peers::OPENAPI_GENERATOR),
        ours.show(Unit::Millis),
        ogen.show(Unit::Millis),
        ogen_ratio.map_or("-".into(), |r| format!("{r:.0}x faster")),
        format!("≥ 50x faster: {}", ogen_ratio.map_or("not measured", |r| verdict(r >= 50.0))),
    );
    let progenitor = match progenitor {
        Ok(bin) => peers::regen_progenitor(root, &bin, &dir.join("regen/progenitor"), RUNS)?,
        Err(not_installed) => not_installed,
    };
    let progenitor_ratio = progenitor.time().map(|t| t.as_secs_f64() / ours_time.as_secs_f64());
    table.row(
        format!("regen, {specs} specs, whole process (median of {RUNS}) vs {}", peers::PROGENITOR),
        ours.show(Unit::Millis),
        progenitor.show(Unit::Millis),
        progenitor_ratio.map_or("-".into(), |r| format!("{r:.1}x faster")),
        "-".into(),
    );

    println!("2/5 build times (dependencies built first; the first run compiles them)...");
    let ours_lines = rust_lines(&ours_out);
    let ogen_lines: usize = areas().iter().map(|a| rust_lines(&ogen_out.join(a).join("src"))).sum();
    let ogen_generated = ogen.time().is_some();
    table.row(
        format!("generated Rust lines, {specs} specs"),
        ours_lines.to_string(),
        if ogen_generated { ogen_lines.to_string() } else { "-".into() },
        if ogen_generated { format!("{:.2}x", ours_lines as f64 / ogen_lines as f64) } else { "-".into() },
        "-".into(),
    );
    // Per operation: ours generates the overlays' operations too, openapi-generator the upstream ones.
    let ours_operations = operations_in(&ours_out);
    let upstream_operations = upstream_operations(root)?;
    if ogen_generated && ours_operations > 0 && upstream_operations > 0 {
        let (a, b) = (ours_lines as f64 / ours_operations as f64, ogen_lines as f64 / upstream_operations as f64);
        table.row(
            format!(
                "generated Rust lines per operation (ours: {ours_operations} operations with overlays; peer: {upstream_operations} upstream)"
            ),
            format!("{a:.0}"),
            format!("{b:.0}"),
            format!("{:.2}x", a / b),
            format!("≤ 0.7x: {}", verdict(a / b <= 0.7)),
        );
    }
    let build_ours = build::ours(root, &dir.join("build/ours"))?;
    let build_ogen = if ogen_generated {
        build::openapi_generator(&ogen_out, &dir.join("build/openapi-generator"))?
    } else {
        Vec::new()
    };
    let compiled: Vec<Duration> = build_ogen.iter().filter_map(|(_, o)| o.time()).collect();
    let ogen_total: Duration = compiled.iter().sum();
    let failing: Vec<&str> = build_ogen.iter().filter(|(_, o)| o.time().is_none()).map(|(a, _)| a.as_str()).collect();
    let all = build_ours.first().and_then(|(_, o)| o.time());
    let ogen_total_shown = if build_ogen.is_empty() {
        "not measured (openapi-generator did not run)".to_owned()
    } else if failing.is_empty() {
        format!("{} ({specs} crates)", Unit::Seconds.show(ogen_total))
    } else {
        format!(
            "{} ({} of {specs} crates; {} do not compile)",
            Unit::Seconds.show(ogen_total),
            compiled.len(),
            failing.join(", ")
        )
    };
    table.row(
        "clean build, debug, all areas (deps prebuilt)",
        all.map_or("failed".into(), |t| Unit::Seconds.show(t)),
        ogen_total_shown,
        match all {
            Some(t) if !compiled.is_empty() => format!("{:.2}x", t.as_secs_f64() / ogen_total.as_secs_f64()),
            _ => "-".into(),
        },
        format!(
            "≤ openapi-generator crates' total: {}",
            match all {
                Some(t) if !compiled.is_empty() => verdict(t <= ogen_total),
                _ => "not measured",
            }
        ),
    );
    if !failing.is_empty() && !compiled.is_empty() {
        // The same areas on both sides: ours with only the features whose peer crate compiles.
        let areas: Vec<&str> = build_ogen.iter().filter(|(_, o)| o.time().is_some()).map(|(a, _)| a.as_str()).collect();
        let same = build::ours_with(root, &dir.join("build/ours"), &areas)?;
        table.row(
            format!("clean build, debug, the {} areas that compile on both sides", areas.len()),
            same.show(Unit::Seconds),
            Unit::Seconds.show(ogen_total),
            same.time().map_or("-".into(), |t| format!("{:.2}x", t.as_secs_f64() / ogen_total.as_secs_f64())),
            format!(
                "≤ openapi-generator crates' total: {}",
                same.time().map_or("not measured", |t| verdict(t <= ogen_total))
            ),
        );
    }
    for (area, outcome) in build_ours.iter().skip(1) {
        let peer = build_ogen.iter().find(|(a, _)| a == area).map(|(_, o)| o);
        table.row(
            format!("clean build, debug, `{area}` alone"),
            outcome.show(Unit::Seconds),
            peer.map_or("-".into(), |o| o.show(Unit::Seconds)),
            match (outcome.time(), peer.and_then(Outcome::time)) {
                (Some(a), Some(b)) => format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64()),
                _ => "-".into(),
            },
            "-".into(),
        );
    }

    println!("3/5 request overhead (release build of the client benchmark)...");
    let requests = run_client_bench(root, &["requests", "20000"])?;
    let valgrind = Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success());
    let callgrind = if valgrind { Some(client_bench_executable(root)?) } else { None };
    if let Some(executable) = &callgrind {
        let per_request = |side: &str| {
            instructions_per_unit(executable, (200, 2200), |n| {
                ["one-side", side, &n.to_string(), "1"].map(String::from).to_vec()
            })
        };
        let (a, b) = (per_request("ours")?, per_request("baseline")?);
        table.row(
            "request CPU, instructions per request incl. the server (callgrind, sequential)",
            format!("{:.0}k", a / 1000.0),
            format!("{:.0}k", b / 1000.0),
            format!("{:.3}x", a / b),
            format!("≤ 1.05x: {}", verdict(a / b <= 1.05)),
        );
    } else {
        table.missing.push("instructions per request: valgrind is missing (Debian: `apt-get install valgrind`)".into());
    }
    let footprint = run_client_bench(root, &["footprint"])?;
    for (key, what, unit) in [
        ("future_bytes", "request future size, the future `send()` returns (bytes, size_of_val)", ""),
        ("allocations_per_request", "request allocations per request, client threads (counting allocator)", ""),
    ] {
        let get = |side: &str| {
            footprint
                .get(&format!("footprint-{side}"))
                .and_then(|m| m.get(key))
                .copied()
                .ok_or_else(|| format!("the client benchmark printed no footprint-{side} {key}"))
        };
        let (a, b) = (get("ours")?, get("baseline")?);
        table.row(what, format!("{a:.0}{unit}"), format!("{b:.0}{unit}"), format!("{:.2}x", a / b), "-".into());
    }
    println!("4/5 SSE decoding, 100 MB, {SSE_ROUNDS} rounds of each side, alternating...");
    let sse = rounds(root, SSE_ROUNDS, |side| vec!["sse".into(), side.into(), "100".into()])?;
    println!(
        "5/5 PG-mode storage, 200 MB down and up {TRANSFERS_PER_ROUND} times, {TRANSFER_ROUNDS} rounds of each side, alternating..."
    );
    let transfers = rounds(root, TRANSFER_ROUNDS, |side| {
        vec!["download".into(), side.into(), "200".into(), TRANSFERS_PER_ROUND.to_string()]
    })?
    .into_iter()
    .chain(rounds(root, TRANSFER_ROUNDS, |side| {
        vec!["upload".into(), side.into(), "200".into(), TRANSFERS_PER_ROUND.to_string()]
    })?)
    .collect::<BTreeMap<_, _>>();
    let get = |map: &BTreeMap<String, BTreeMap<String, f64>>, label: &str, key: &str| -> Result<f64, String> {
        map.get(label)
            .and_then(|m| m.get(key))
            .copied()
            .ok_or_else(|| format!("the client benchmark printed no {label} {key}"))
    };
    for mode in ["sequential", "concurrent64"] {
        for stat in ["median_us", "p99_us"] {
            let (a, b) =
                (get(&requests, &format!("{mode}-ours"), stat)?, get(&requests, &format!("{mode}-baseline"), stat)?);
            let ratio = a / b;
            table.row(
                format!("request {mode}, {} (reqwest + serde by hand)", stat.trim_end_matches("_us")),
                format!("{a:.0} µs"),
                format!("{b:.0} µs"),
                format!("{ratio:.2}x"),
                if stat == "median_us" { format!("≤ 1.05x: {}", verdict(ratio <= 1.05)) } else { "-".into() },
            );
        }
    }
    let (a, b) =
        (get(&requests, "concurrent64-control", "median_us")?, get(&requests, "concurrent64-baseline", "median_us")?);
    table.row(
        "request concurrent64, median, the baseline against itself (the machine's noise)",
        format!("{a:.0} µs"),
        format!("{b:.0} µs"),
        format!("{:.2}x", a / b),
        "-".into(),
    );
    let (a, b) = (get(&sse, "sse-ours", "mb_per_s")?, get(&sse, "sse-baseline", "mb_per_s")?);
    table.row(
        format!("SSE 100 MB, throughput, median of {SSE_ROUNDS} (line splitting + serde by hand)"),
        format!("{a:.0} MB/s"),
        format!("{b:.0} MB/s"),
        format!("{:.2}x", a / b),
        format!("≥ baseline: {}", verdict(a >= b)),
    );
    let (a, b) = (get(&sse, "sse-ours", "peak_rss_kib")?, get(&sse, "sse-baseline", "peak_rss_kib")?);
    let extra_mb = (a - b) / 1024.0;
    table.row(
        format!("SSE 100 MB, peak RSS, median of {SSE_ROUNDS}"),
        format!("{:.1} MB", a / 1024.0),
        format!("{:.1} MB", b / 1024.0),
        format!("{extra_mb:+.2} MB"),
        format!("< 1 MB extra: {}", verdict(extra_mb < 1.0)),
    );

    for transfer in ["download", "upload"] {
        let (ours, baseline) = (format!("{transfer}-ours"), format!("{transfer}-baseline"));
        let (a, b) = (get(&transfers, &ours, "mb_per_s")?, get(&transfers, &baseline, "mb_per_s")?);
        table.row(
            format!(
                "PG storage 200 MB {transfer} x{TRANSFERS_PER_ROUND}, throughput, median of {TRANSFER_ROUNDS} (reqwest byte stream by hand)"
            ),
            format!("{a:.0} MB/s"),
            format!("{b:.0} MB/s"),
            format!("{:.2}x", a / b),
            format!("≥ 0.9x: {}", verdict(a >= 0.9 * b)),
        );
        // Upload only: a download's count depends on how the loopback's bytes fall into reads
        // (58k to 110k instructions per MiB on either side from one run to the next), an upload's
        // on the file's fixed chunks.
        if let (Some(executable), "upload") = (&callgrind, transfer) {
            // Once, 40 MiB against 200 MiB: the machine's noise does not move it, where it moves
            // the throughput rows by tens of percent from run to run.
            let per_mb = |side: &str| {
                instructions_per_unit(executable, (40, 200), |mb| {
                    [transfer, side, &mb.to_string(), "1"].map(String::from).to_vec()
                })
            };
            let (a, b) = (per_mb("ours")?, per_mb("baseline")?);
            table.row(
                format!("PG storage {transfer}, instructions per MiB incl. the server (callgrind)"),
                format!("{:.0}k", a / 1000.0),
                format!("{:.0}k", b / 1000.0),
                format!("{:.3}x", a / b),
                format!("≤ 1.05x: {}", verdict(a / b <= 1.05)),
            );
        } else if transfer == "upload" {
            table.missing.push(format!("instructions per MiB of {transfer}: valgrind is missing"));
        }
        let (a, b) = (get(&transfers, &ours, "peak_rss_kib")?, get(&transfers, &baseline, "peak_rss_kib")?);
        let before = get(&transfers, &ours, "rss_before_kib")?;
        let grown_mb = (a - before) / 1024.0;
        table.row(
            format!(
                "PG storage 200 MB {transfer} x{TRANSFERS_PER_ROUND}, peak RSS (growth during the transfers), median of {TRANSFER_ROUNDS}"
            ),
            format!("{:.1} MB (+{grown_mb:.1} MB)", a / 1024.0),
            format!("{:.1} MB", b / 1024.0),
            format!("{:+.2} MB", (a - b) / 1024.0),
            format!("< 8 MB growth: {}", verdict(grown_mb < 8.0)),
        );
    }

    let rendered = table.render();
    let machine =
        format!("{} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), std::env::consts::ARCH);
    let report = format!(
        "# cargo xtask bench\n\nMachine: {machine}. Took {:.0?}. Regen: median of {RUNS} whole-process runs. \
         Builds: debug, no incremental, dependencies prebuilt, median of 3. Requests: 20,000 per side, \
         sequential alternating request by request, 64-way in 20 rounds alternating the sides and their \
         order, with a second baseline pool as a control. SSE: median of {SSE_ROUNDS} alternating rounds (the sides \
         and their order), each side in a process of its own. PG storage: a 200 MB object to a sink and a 200 MB file up, \
         {TRANSFERS_PER_ROUND} times one after another, median of {TRANSFER_ROUNDS} alternating rounds, each \
         side in a process of its own.\n\n{rendered}",
        started.elapsed()
    );
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.md"), &report).map_err(|e| e.to_string())?;
    println!("\n{rendered}\nwritten to {}", dir.join("report.md").display());
    if table.missing.is_empty() { Ok(()) } else { Err(format!("{} peer(s) not measured", table.missing.len())) }
}
