//! The README's first program (`examples/quickstart.rs`, shown in the README verbatim) runs
//! against Prism serving the functions spec, configured from the environment as the README says.

mod prism;

use std::path::PathBuf;
use std::process::Command;

/// The example as `cargo test` built it, beside this test's own binary (`target/<profile>/deps`).
fn built_example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().expect("the test binary's path");
    let profile = deps.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps/<test>");
    let program = profile.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        program.exists(),
        "{} is not built: run `cargo test -p cloudbase-api` (it builds the examples)",
        program.display()
    );
    program
}

#[test]
fn the_readme_program_runs_against_prism() {
    let readme = include_str!("../README.md");
    let program = include_str!("../examples/quickstart.rs");
    let shown = program.split_once("\n\n").map(|(_, code)| code).expect("the program has a doc comment, then code");
    assert!(
        readme.contains(&format!("```rust,no_run\n{shown}```")),
        "the README shows examples/quickstart.rs verbatim"
    );

    let mut prism = prism::Prism::spawn("functions");
    prism.wait_until_listening();
    let output = Command::new(built_example("quickstart"))
        .env_clear()
        .env("CLOUDBASE_BASE_URL", &prism.url)
        .env("CLOUDBASE_API_KEY", "test-key")
        .output()
        .expect("the program starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the program failed ({}):\n{stdout}\n{stderr}", output.status);
    assert!(stdout.starts_with("hello answered: "), "{stdout}");
}
