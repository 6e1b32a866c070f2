//! `cargo xtask fuzz [--cases N] [--seed S]`.

use crate::cargo::cargo;

const USAGE: &str = "usage: cargo xtask fuzz [--cases N] [--seed S]";

pub(crate) fn fuzz(args: &[&str]) -> Result<(), String> {
    let mut cases = "200000".to_owned();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        .to_string();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(USAGE)?;
        match *flag {
            "--cases" => cases = value.parse::<u64>().map_err(|_| USAGE)?.to_string(),
            "--seed" => seed = value.parse::<u64>().map_err(|_| USAGE)?.to_string(),
            _ => return Err(USAGE.to_owned()),
        }
    }
    println!("fuzzing with {cases} cases, seed {seed} (rerun a failure with --seed {seed})");
    cargo(
        &["test", "--release", "-p", "codegen", "--test", "fuzz", "--", "--nocapture"],
        &[("CODEGEN_FUZZ_CASES", &cases), ("CODEGEN_FUZZ_SEED", &seed)],
    )
}
