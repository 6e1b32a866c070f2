//! `cargo xtask fuzz [--cases N] [--seed S]`.

use crate::cargo::cargo;

const USAGE: &str = "usage: cargo xtask fuzz [--cases N] [--seed S]";

/// The run's case count and seed: 200,000 cases and a seed from the clock unless given.
fn options(args: &[&str], clock_seed: u64) -> Result<(u64, u64), String> {
    let (mut cases, mut seed) = (200_000, clock_seed);
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or(USAGE)?;
        match *flag {
            "--cases" => cases = value.parse::<u64>().map_err(|_| USAGE)?,
            "--seed" => seed = value.parse::<u64>().map_err(|_| USAGE)?,
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok((cases, seed))
}

pub(crate) fn fuzz(args: &[&str]) -> Result<(), String> {
    let clock_seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
    let (cases, seed) = options(args, clock_seed)?;
    println!("fuzzing with {cases} cases, seed {seed} (rerun a failure with --seed {seed})");
    cargo(
        &["test", "--release", "-p", "codegen", "--test", "fuzz", "--", "--nocapture"],
        &[("CODEGEN_FUZZ_CASES", &cases.to_string()), ("CODEGEN_FUZZ_SEED", &seed.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::{USAGE, options};

    #[test]
    fn the_case_count_and_the_seed_are_flags() {
        assert_eq!(options(&[], 7), Ok((200_000, 7)));
        assert_eq!(options(&["--cases", "100000"], 7), Ok((100_000, 7)));
        assert_eq!(options(&["--seed", "42", "--cases", "5"], 7), Ok((5, 42)));
        for bad in [&["--cases"][..], &["--cases", "many"], &["--cases", "-1"], &["--runs", "5"]] {
            assert_eq!(options(bad, 7), Err(USAGE.to_owned()), "{bad:?}");
        }
    }
}
