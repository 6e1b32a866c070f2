//! The `cloudbase-mock` binary with `--stubs FILE`: the file's stubs answer, its conditions are
//! strict, and a file with an error stops the binary naming the file and the entry.

use cloudbase_api::{Body, Client, Credentials};
use serde_json::json;
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("cloudbase-mock-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The binary, serving on a free port, and its base URL; killed when dropped.
struct Binary(std::process::Child, String);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(stubs: &str, more: &[&str]) -> Binary {
    let child = Command::new(env!("CARGO_BIN_EXE_cloudbase-mock"))
        .args(["--addr", "127.0.0.1:0", "--stubs", stubs])
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed and waited for when dropped, a failed assertion below included.
    let mut binary = Binary(child, String::new());
    let mut stdout = std::io::BufReader::new(binary.0.stdout.take().unwrap());
    let mut line = String::new();
    let mut printed = Vec::new();
    loop {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the binary ended after printing {printed:?}");
        printed.push(line.clone());
        if let Some(url) = line.trim().strip_prefix("CLOUDBASE_BASE_URL=") {
            assert!(printed.iter().any(|l| l.contains("2 stubs from ")), "{printed:?}");
            binary.1 = url.to_owned();
            return binary;
        }
    }
}

/// The exit code and stderr of the binary given `args`, when it stops by itself.
fn refused(args: &[&str]) -> (Option<i32>, String) {
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_cloudbase-mock")).args(args).stderr(Stdio::piped()).spawn().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap().code(), stderr)
}

const STUBS: &str = "
# The function `sum`, for a body with a = 1; and every web function's root.
- operation: functions.invoke_function
  when:
    params: {name: sum}
    body: {a: 1}
  reply:
    body: 3
- operation: functionsGet
  reply:
    status: 202
    headers: {content-type: text/plain, x-stub: file}
    body: accepted
";

#[tokio::test]
async fn the_stubs_of_a_file_answer_and_are_strict() {
    let file = TempFile::new("stubs.yaml", STUBS);
    let binary = start(file.path(), &[]);
    let client = Client::builder().base_url(&binary.1).credentials(Credentials::api_key("k")).build().unwrap();

    let sum: i64 = client.functions().invoke("sum", &json!({"a": 1, "b": 2})).await.unwrap();
    assert_eq!(sum, 3);

    let web = client.functions().web_get().name("plants").send().await.unwrap();
    assert_eq!((web.status(), web.headers()["x-stub"].to_str().unwrap()), (202, "file"));
    assert_eq!(web.into_inner(), Body::Text("accepted".to_owned()));

    // The condition declines another body, and the refusal names the file's entry and its
    // condition.
    let err = client.functions().invoke::<i64>("sum", &json!({"a": 2})).await.unwrap_err();
    assert_eq!(err.status(), Some(501), "{err:?}");
    let message = err.message().unwrap_or_default();
    let entry =
        format!("stub 1: {} entry 1: when {{\"params\":{{\"name\":\"sum\"}},\"body\":{{\"a\":1}}}}", file.path());
    assert!(message.contains(&entry), "{message}");
    drop(binary);

    // `--lenient`: the operation's default reply, the spec's example, instead.
    let lenient = start(file.path(), &["--lenient"]);
    let client = Client::builder().base_url(&lenient.1).credentials(Credentials::api_key("k")).build().unwrap();
    let example: serde_json::Value = client.functions().invoke("sum", &json!({"a": 2})).await.unwrap();
    assert_eq!(example, json!({"a": 1, "b": 2}));
}

#[test]
fn a_stubs_file_with_an_error_stops_the_binary_naming_the_file_and_the_entry() {
    let unknown = TempFile::new(
        "unknown.yaml",
        "- operation: functionsPost\n  reply: {}\n- operation: functionsPots\n  reply: {}\n",
    );
    let (code, stderr) = refused(&["--addr", "127.0.0.1:0", "--stubs", unknown.path()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: entry 2: no operation is named `functionsPots`", unknown.path())),
        "{stderr}"
    );

    let field = TempFile::new("field.json", r#"[{"operation": "functionsPost", "reply": {"stauts": 200}}]"#);
    let (code, stderr) = refused(&["--addr", "127.0.0.1:0", "--stubs", field.path()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}: not a list of stubs: unknown field `stauts`", field.path())), "{stderr}");
    assert!(stderr.contains("line 1 column"), "JSON errors name the place: {stderr}");

    let yaml = TempFile::new("bad.yaml", "- operation: functionsPost\n  reply:\n    status: [\n");
    let (code, stderr) = refused(&["--addr", "127.0.0.1:0", "--stubs", yaml.path()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("line "), "YAML errors name the line: {stderr}");

    let missing = std::env::temp_dir().join("cloudbase-mock-no-such-stubs.yaml");
    let (code, stderr) = refused(&["--stubs", missing.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot be read"), "{stderr}");
}

/// The README's stubs file is one the mock loads, and its entries answer as the README says.
#[tokio::test]
async fn the_readme_stubs_file_loads() {
    let readme = include_str!("../../README.md");
    let start = readme.find("cat > stubs.yaml <<'END'\n").expect("the README shows a stubs file") + 25;
    let text = &readme[start..];
    let text = &text[..text.find("\nEND\n").expect("the heredoc ends")];
    let server = cloudbase_mock::MockServer::start().await;
    assert_eq!(server.load_stubs_str("stubs.yaml", text), Ok(2));
    let sum: i64 = server.client().functions().invoke("sum", &json!({"a": 1, "b": 2})).await.unwrap();
    assert_eq!(sum, 3);
    let err = server.client().functions().invoke::<i64>("missing", &json!({})).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), Some("FUNCTION_NOT_FOUND")), "{err:?}");
}
