//! The README's first program (`examples/quickstart.rs`, shown in the README verbatim) runs
//! against Prism serving the functions spec, configured from the environment as the README says;
//! and every program in `examples/` runs against `cloudbase-mock`, configured the same way, each
//! request passing the mock's checks of its operation.

mod prism;

use cloudbase_mock::MockServer;
use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, Output};

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

/// Runs a built example with only the given environment (and stdin), off the async runtime so
/// the in-process mock keeps serving.
async fn run(name: &'static str, args: &[&str], env: Vec<(&'static str, String)>, stdin: &str) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.to_owned();
    let output: Output = tokio::task::spawn_blocking(move || {
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
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "example {name} failed ({}):\n{stdout}\n{stderr}", output.status);
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_runs_against_the_mock() {
    let server = MockServer::start().await;
    let url = || ("CLOUDBASE_BASE_URL", server.url());
    let key = || ("CLOUDBASE_API_KEY", "example-key".to_owned());
    // What the programs print comes from the spec's documented replies, unless stubbed here as a
    // test of the program would.
    let mut ran = Vec::new();
    let mut check = |name: &'static str, stdout: String, expected: &str| {
        assert!(stdout.contains(expected), "example {name} printed {stdout:?}, expected {expected:?}");
        ran.push(name);
    };
    check("quickstart", run("quickstart", &[], vec![url(), key()], "").await, "hello answered: {\"a\":1,\"b\":2}");
    check("api_key", run("api_key", &[], vec![url(), key()], "").await, "HTTP 200");
    check("functions", run("functions", &[], vec![url(), key()], "").await, "sum returned");
    check("mysqldb", run("mysqldb", &[], vec![url(), key()], "").await, "1 rows");
    check(
        "publishable_key",
        run("publishable_key", &[], vec![url(), ("CLOUDBASE_PUBLISHABLE_KEY", "pk".to_owned())], "").await,
        "1 rows",
    );

    // The program's own document type, as its query reply.
    let poets = json!({"list": [{"name": "李白", "age": {"$numberInt": "61"}, "added": {"$date": {"$numberLong": "0"}}}], "limit": 5, "offset": 0});
    server.nosql().query_documents().reply(serde_json::from_value(poets).unwrap());
    check("nosql", run("nosql", &[], vec![url(), key()], "").await, "李白");

    // The chat stream: the spec's documented chunk, then its terminator.
    check("ai_model", run("ai_model", &[], vec![url(), key()], "").await, "我");

    check("access_token", run("access_token", &[], vec![url()], "").await, "signed in anonymously");
    check("token_provider", run("token_provider", &[], vec![url()], "").await, "identity providers");
    let basic = vec![url(), ("CLOUDBASE_SECRET_ID", "AKID".to_owned()), ("CLOUDBASE_SECRET_KEY", "secret".to_owned())];
    check("basic_credentials", run("basic_credentials", &[], basic, "").await, "administrator token");
    // Sign-in with a code that verifies, through the mock's stateful auth.
    server.auth_flows();
    let code = format!("{}\n", cloudbase_mock::AuthFlows::DEFAULT_CODE);
    check("auth", run("auth", &["+86 13800138000"], vec![url()], &code).await, "(Some(\"+86 13800138000\"))");

    // The upload's second request goes to the storage host the upload information names: here
    // the mock's object store.
    let poem = std::env::temp_dir().join(format!("cloudbase-example-poem-{}.txt", std::process::id()));
    std::fs::write(&poem, "床前明月光").unwrap();
    let info = json!([{"uploadUrl": server.object_url("poem"), "cloudObjectId": "cloud://env.bucket/examples/poem.txt", "authorization": "q-sign", "token": "t", "cloudObjectMeta": "m"}]);
    server.storage().get_objects_upload_info().reply(serde_json::from_value(info).unwrap());
    let stdout = run("storage", &[poem.to_str().unwrap()], vec![url(), key()], "").await;
    std::fs::remove_file(&poem).unwrap();
    check("storage", stdout, "uploaded as cloud://env.bucket/examples/poem.txt");
    assert_eq!(server.object("poem").as_deref(), Some("床前明月光".as_bytes()));

    // PG-mode storage: the download is the stubbed object, streamed to a file.
    let photo = std::env::temp_dir().join(format!("cloudbase-example-photo-{}.png", std::process::id()));
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n").unwrap();
    server.storage_pg().download_object().reply_ok(&b"\x89PNG\r\n\x1a\n"[..]);
    let stdout = run("storage_pg", &["avatars", photo.to_str().unwrap()], vec![url(), key()], "").await;
    std::fs::remove_file(&photo).unwrap();
    check("storage_pg", stdout.clone(), "sent 8 bytes");
    assert!(stdout.contains("downloaded 8 bytes"), "{stdout}");
    assert!(stdout.contains(&format!("signed URL: {}/v1/storages/", server.url())), "{stdout}");
    let upload = server.storage_pg().upload_object().received();
    assert_eq!(upload.len(), 1);
    assert_eq!(upload[0].object_name, "examples/".to_owned() + photo.file_name().unwrap().to_str().unwrap());

    assert_eq!(server.violations(), [], "requests the mock refused");
    let mut on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    on_disk.sort();
    ran.sort();
    assert_eq!(ran, on_disk, "every example runs here");
}
