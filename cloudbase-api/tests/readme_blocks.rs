//! Every Rust block of the README but the quickstart (which `quickstart.rs` runs) is a file of
//! `tests/readme/`, shown in the README verbatim, and each one runs here against the
//! `cloudbase-mock` binary: its functions called as an application would, with the stubs of
//! `tests/readme/stubs.yaml` for the values only the caller knows the type of (`invoke::<i64>`,
//! a `single()` row, `value::<i64>()`, a CloudRun order), the mock's default replies for
//! everything else.

mod mock_binary;

use mock_binary::MockBinary;

// Each block as a module of its own, with the call an application would make; the README's
// text is included as it is, neither formatted nor linted here (the doc tests compile it).
#[allow(dead_code, clippy::all)]
mod client {
    include!("readme/client.rs");
    pub(super) fn run() {
        client("key".to_owned()).unwrap();
    }
}
#[allow(dead_code, clippy::all)]
mod admin {
    include!("readme/admin.rs");
    pub(super) fn run() {
        admin("AKID".to_owned(), "secret".to_owned()).unwrap();
    }
}
#[allow(dead_code, clippy::all)]
mod for_this_device {
    include!("readme/for_this_device.rs");
    pub(super) fn run() {
        for_this_device("0123456789abcdef0123456789abcdef").unwrap();
    }
}
#[allow(dead_code, clippy::all)]
mod students {
    include!("readme/students.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        students(client, &[Student { id: 7, name: "Li Bai".to_owned(), grade: 3 }]).await
    }
}
#[allow(dead_code, clippy::all)]
mod reports {
    include!("readme/reports.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        reports(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod sign_in {
    include!("readme/sign_in.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        sign_in(client, "123456").await
    }
}
#[allow(dead_code, clippy::all)]
mod share {
    include!("readme/share.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        share(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod backup {
    include!("readme/backup.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        backup(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod poets {
    include!("readme/poets.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        poets(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod chat {
    include!("readme/chat.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        chat(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod call {
    include!("readme/call.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        call(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod stream_settings {
    include!("readme/stream_settings.rs");
    pub(super) fn run() {
        client().unwrap();
    }
}
#[allow(dead_code, clippy::all)]
mod raw {
    include!("readme/raw.rs");
    pub(super) async fn run(client: &Client) -> Result<(), cloudbase_api::Error> {
        raw(client).await
    }
}
#[allow(dead_code, clippy::all)]
mod test_your_application {
    include!("readme/test_your_application.rs");
    pub(super) fn run() {
        main()
    }
}

/// Each file of `tests/readme/`, in the README's order.
const BLOCKS: &[(&str, &str)] = &[
    ("client", include_str!("readme/client.rs")),
    ("admin", include_str!("readme/admin.rs")),
    ("for_this_device", include_str!("readme/for_this_device.rs")),
    ("students", include_str!("readme/students.rs")),
    ("reports", include_str!("readme/reports.rs")),
    ("sign_in", include_str!("readme/sign_in.rs")),
    ("share", include_str!("readme/share.rs")),
    ("backup", include_str!("readme/backup.rs")),
    ("poets", include_str!("readme/poets.rs")),
    ("chat", include_str!("readme/chat.rs")),
    ("call", include_str!("readme/call.rs")),
    ("stream_settings", include_str!("readme/stream_settings.rs")),
    ("raw", include_str!("readme/raw.rs")),
    ("test_your_application", include_str!("readme/test_your_application.rs")),
];

const README: &str = include_str!("../README.md");

/// The README's Rust blocks, in order, but the quickstart's (`rust,no_run`).
fn readme_blocks() -> Vec<&'static str> {
    README.split("```rust\n").skip(1).map(|rest| rest.split_once("```").expect("each block ends").0).collect()
}

#[test]
fn each_file_is_a_readme_block_and_each_block_a_file() {
    let shown = readme_blocks();
    let files: Vec<&str> = BLOCKS.iter().map(|(_, text)| *text).collect();
    for (name, text) in BLOCKS {
        assert!(shown.contains(text), "tests/readme/{name}.rs is not a block of the README (copy the block there)");
    }
    assert_eq!(shown, files, "the README's blocks, in order, are the files of tests/readme/ (add a new block there)");
}

#[test]
fn every_readme_block_runs_against_the_mock_binary() {
    // The blocks read and write files by relative names (`a.txt`, `me.png`, `backup.png`):
    // this test is the only one of its binary, so it may move the process.
    let dir = std::env::temp_dir().join(format!("cloudbase-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.txt"), "床前明月光").unwrap();
    std::fs::write(dir.join("me.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::write(dir.join("stubs.yaml"), include_str!("readme/stubs.yaml")).unwrap();
    std::env::set_current_dir(&dir).unwrap();
    let mock = MockBinary::start(&["--stubs", "stubs.yaml"]);

    client::run();
    admin::run();
    for_this_device::run();
    stream_settings::run();

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let base = mock.url.clone();
    runtime.block_on(async move {
        let client = cloudbase_api::Client::builder()
            .base_url(base)
            .credentials(cloudbase_api::Credentials::api_key("key"))
            .build()
            .unwrap();
        let ran = [
            ("students", students::run(&client).await),
            ("reports", reports::run(&client).await),
            ("sign_in", sign_in::run(&client).await),
            ("share", share::run(&client).await),
            ("backup", backup::run(&client).await),
            ("poets", poets::run(&client).await),
            ("chat", chat::run(&client).await),
            ("call", call::run(&client).await),
            ("raw", raw::run(&client).await),
        ];
        let failed: Vec<String> =
            ran.iter().filter_map(|(name, result)| result.as_ref().err().map(|e| format!("{name}: {e:?}"))).collect();
        assert!(failed.is_empty(), "README blocks failed against the mock binary:\n{}", failed.join("\n"));
    });
    // The README's test of an application: its own in-process mock.
    test_your_application::run();

    let log = mock.stop();
    std::env::set_current_dir(std::env::temp_dir()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let answered = |line: &str| line.rsplit_once(' ').is_some_and(|(_, status)| status.starts_with('2'));
    let refused: Vec<&str> = log.lines().filter(|line| line.starts_with(' ') || !answered(line)).collect();
    assert_eq!(refused, Vec::<&str>::new(), "requests the mock refused or answered with an error:\n{log}");
}
