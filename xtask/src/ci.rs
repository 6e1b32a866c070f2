//! `cargo xtask test`: every check CI runs, in order.

use crate::areas;
use crate::cargo::{cargo, install_prism};
use std::time::Instant;

pub(crate) fn test() -> Result<(), String> {
    let started = Instant::now();
    cargo(&["fmt", "--all", "--check"], &[])?;
    println!("\n==> cargo xtask regen --check");
    crate::regen::regen(true)?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[])?;
    install_prism()?;
    let ci = [("CI", "true"), ("INSTA_UPDATE", "no")];
    let skip = ["--skip", "every_operation_is_accepted_by_prism", "--skip", "mutated_specs_never_panic_or_hang"];
    cargo(&[&["test", "--workspace", "--"][..], &skip].concat(), &ci)?;
    // The fuzz test (10,000 cases) on its own, printing its count and time.
    cargo(&["test", "-p", "codegen", "--test", "fuzz", "--", "--nocapture"], &ci)?;
    // The contract test on its own, showing the operation it checked on each line.
    cargo(&["test", "-p", "cloudbase-api", "--test", "contract", "--", "--nocapture"], &ci)?;
    for area in areas() {
        cargo(
            &["clippy", "-p", "cloudbase-api", "--no-default-features", "--features", area, "--", "-D", "warnings"],
            &[],
        )?;
    }
    cargo(&["doc", "--workspace", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    println!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}
