//! `cargo xtask bench`: speed and memory beside baselines measured in the same run, printed as
//! one table and written to `target/bench/report.md`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `key=value` pairs of one output line of the bench binary, by its label.
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

fn run_bench(root: &Path, args: &[&str]) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["bench", "-q", "-p", "cloudbase-api", "--bench", "client", "--"])
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run the client benchmark: {e}"))?;
    if !output.status.success() {
        return Err(format!("the client benchmark failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Median wall time of generating all vendored specs in process, over `runs` runs.
fn regen_median(root: &Path, runs: usize) -> Result<Duration, String> {
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(root.join("specs")).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = format!("specs/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
            specs.push((name, std::fs::read_to_string(&path).map_err(|e| e.to_string())?));
        }
    }
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        for (file, text) in &specs {
            codegen::generate(codegen::Spec::from_file(file, text)).map_err(|e| e.to_string())?;
        }
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

pub fn bench(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    let regen = regen_median(root, 5)?;
    println!("regen measured; running the client benchmarks (release build)...");
    let requests = parse(&run_bench(root, &["requests", "20000"])?);
    let ours = parse(&run_bench(root, &["sse", "ours", "100"])?);
    let baseline = parse(&run_bench(root, &["sse", "baseline", "100"])?);
    let get = |map: &BTreeMap<String, BTreeMap<String, f64>>, label: &str, key: &str| -> Result<f64, String> {
        map.get(label)
            .and_then(|m| m.get(key))
            .copied()
            .ok_or_else(|| format!("the benchmark printed no {label} {key}"))
    };
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut row = |what: &str, ours: String, peer: String, ratio: String, target: String| {
        rows.push([what.into(), ours, peer, ratio, target])
    };
    row(
        "regen, 7 specs (median of 5)",
        format!("{:.0} ms", regen.as_secs_f64() * 1000.0),
        "not measured".into(),
        "-".into(),
        "≥ 50x faster than openapi-generator: not measured (install: `pip install openapi-generator-cli`, Java 17; `cargo install cargo-progenitor`)".into(),
    );
    for mode in ["sequential", "concurrent64"] {
        for stat in ["median_us", "p99_us"] {
            let (a, b) =
                (get(&requests, &format!("{mode}-ours"), stat)?, get(&requests, &format!("{mode}-baseline"), stat)?);
            let ratio = a / b;
            let target = if stat == "median_us" {
                format!("≤ 1.05x: {}", if ratio <= 1.05 { "met" } else { "NOT met" })
            } else {
                "-".into()
            };
            row(
                &format!("request {mode}, {}", stat.trim_end_matches("_us")),
                format!("{a:.0} µs"),
                format!("{b:.0} µs"),
                format!("{ratio:.2}x"),
                target,
            );
        }
    }
    let (a, b) = (get(&ours, "sse-ours", "mb_per_s")?, get(&baseline, "sse-baseline", "mb_per_s")?);
    row(
        "SSE 100 MB, throughput",
        format!("{a:.0} MB/s"),
        format!("{b:.0} MB/s"),
        format!("{:.2}x", a / b),
        format!("≥ baseline: {}", if a >= b { "met" } else { "NOT met" }),
    );
    let (a, b) = (get(&ours, "sse-ours", "peak_rss_kib")?, get(&baseline, "sse-baseline", "peak_rss_kib")?);
    let extra_mb = (a - b) / 1024.0;
    row(
        "SSE 100 MB, peak RSS",
        format!("{:.1} MB", a / 1024.0),
        format!("{:.1} MB", b / 1024.0),
        format!("{extra_mb:+.2} MB"),
        format!("< 1 MB extra: {}", if extra_mb < 1.0 { "met" } else { "NOT met" }),
    );
    let mut table =
        String::from("| measure | cloudbase-rs | baseline | ratio | target |\n| --- | --- | --- | --- | --- |\n");
    for [a, b, c, d, e] in &rows {
        table.push_str(&format!("| {a} | {b} | {c} | {d} | {e} |\n"));
    }
    let machine =
        format!("{} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), std::env::consts::ARCH);
    let report = format!(
        "# cargo xtask bench\n\nBaselines: hand-written reqwest + serde for requests; reqwest + line splitting + serde for SSE. Machine: {machine}. Took {:.0?}.\n\n{table}",
        started.elapsed()
    );
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.md"), &report).map_err(|e| e.to_string())?;
    println!("\n{table}\nwritten to target/bench/report.md");
    Ok(())
}
