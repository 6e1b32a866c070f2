//! The README's first program (`examples/quickstart.rs`, shown in the README verbatim) runs
//! against Prism serving the functions spec, configured from the environment as the README says;
//! and every program in `examples/` runs against the `cloudbase-mock` binary with no stubs,
//! configured the same way, each request passing the mock's checks of its operation.

mod mock_binary;
mod prism;

use mock_binary::{MockBinary, built_example};

use std::process::{Command, Output};

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

/// Runs a built example with only the given environment (and stdin).
fn run(name: &'static str, args: &[&str], env: Vec<(&'static str, String)>, stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(built_example(name))
        .env_clear()
        .envs(env)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the program starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output: Output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "example {name} failed ({}):\n{stdout}\n{stderr}", output.status);
    stdout
}

/// Every example runs, unchanged and with no stub, against `cargo run -p cloudbase-mock`: the
/// mock's default replies fit the types the programs ask for, its upload URLs point at its own
/// object store, and it refuses none of their requests.
#[test]
fn every_example_runs_against_the_mock_binary() {
    let mock = MockBinary::start(&[]);
    let url = || ("CLOUDBASE_BASE_URL", mock.url.clone());
    let key = || ("CLOUDBASE_API_KEY", "example-key".to_owned());
    // What the programs print comes from the spec's documented replies.
    let mut ran = Vec::new();
    let mut check = |name: &'static str, stdout: String, expected: &str| {
        assert!(stdout.contains(expected), "example {name} printed {stdout:?}, expected {expected:?}");
        ran.push(name);
    };
    check("quickstart", run("quickstart", &[], vec![url(), key()], ""), "hello answered: {\"a\":1,\"b\":2}");
    check("api_key", run("api_key", &[], vec![url(), key()], ""), "HTTP 200");
    check("functions", run("functions", &[], vec![url(), key()], ""), "sum returned");
    // Rows are the caller's type: none by default.
    check("mysqldb", run("mysqldb", &[], vec![url(), key()], ""), "0 rows");
    check(
        "publishable_key",
        run("publishable_key", &[], vec![url(), ("CLOUDBASE_PUBLISHABLE_KEY", "pk".to_owned())], ""),
        "0 rows",
    );
    check("nosql", run("nosql", &[], vec![url(), key()], ""), "[]");
    // The chat stream: the spec's documented chunk, then its terminator.
    check("ai_model", run("ai_model", &[], vec![url(), key()], ""), "我");
    check("access_token", run("access_token", &[], vec![url()], ""), "signed in anonymously");
    check("token_provider", run("token_provider", &[], vec![url()], ""), "identity providers");
    let basic = vec![url(), ("CLOUDBASE_SECRET_ID", "AKID".to_owned()), ("CLOUDBASE_SECRET_KEY", "secret".to_owned())];
    check("basic_credentials", run("basic_credentials", &[], basic, ""), "administrator token");
    check("auth", run("auth", &["+86 13800138000"], vec![url()], "123456\n"), "signed in as");

    // The upload's second request goes to the URL the upload information names: the mock's
    // object store, which then serves what was put.
    let poem = std::env::temp_dir().join(format!("cloudbase-example-poem-{}.txt", std::process::id()));
    std::fs::write(&poem, "床前明月光").unwrap();
    let stdout = run("storage", &[poem.to_str().unwrap()], vec![url(), key()], "");
    std::fs::remove_file(&poem).unwrap();
    check("storage", stdout.clone(), "uploaded as cloud://");
    assert!(stdout.contains(&format!("download: Some(\"{}/_mock/objects/", mock.url)), "{stdout}");

    let photo = std::env::temp_dir().join(format!("cloudbase-example-photo-{}.png", std::process::id()));
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n").unwrap();
    let stdout = run("storage_pg", &["avatars", photo.to_str().unwrap()], vec![url(), key()], "");
    std::fs::remove_file(&photo).unwrap();
    check("storage_pg", stdout.clone(), "sent 8 bytes");
    assert!(stdout.contains(&format!("signed URL: {}/v1/storages/", mock.url)), "{stdout}");

    let log = mock.stop();
    let put = log.lines().find(|line| line.contains(" PUT /_mock/objects/")).unwrap_or_default();
    assert!(put.ends_with("-> (object store) 200"), "the upload reached the object store:\n{log}");
    // One line per request, `-> <operation> <status>`, each broken rule indented below it.
    let answered = |line: &str| line.rsplit_once(' ').is_some_and(|(_, status)| status.starts_with('2'));
    let refused: Vec<&str> = log.lines().filter(|line| line.starts_with(' ') || !answered(line)).collect();
    assert_eq!(refused, Vec::<&str>::new(), "requests the mock refused or answered with an error:\n{log}");
    let mut on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    on_disk.sort();
    ran.sort();
    assert_eq!(ran, on_disk, "every example runs here");
}
