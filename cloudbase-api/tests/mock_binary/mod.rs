//! The `cloudbase-mock` binary and the examples, as the workspace's test build built them
//! (`target/<profile>/`), and the binary run on a free loopback port.

use std::path::PathBuf;
use std::process::Command;

/// The example as `cargo test` built it, beside this test's own binary (`target/<profile>/deps`).
pub fn built_example(name: &str) -> PathBuf {
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

/// The `cloudbase-mock` binary as the workspace's test build built it (`target/<profile>/`).
pub fn built_mock() -> PathBuf {
    let examples = built_example("quickstart");
    let profile = examples.parent().and_then(|e| e.parent()).expect("target/<profile>/examples/<example>");
    let mock = profile.join(format!("cloudbase-mock{}", std::env::consts::EXE_SUFFIX));
    assert!(
        mock.exists(),
        "{} is not built: run the workspace's tests (`cargo test --workspace`), or `cargo build -p cloudbase-mock` first",
        mock.display()
    );
    mock
}

/// The mock binary, serving on a free loopback port until dropped; its log on stderr.
pub struct MockBinary {
    child: std::process::Child,
    /// Its base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
}

impl MockBinary {
    /// Starts it with `args` beside `--addr`, once it prints its URL.
    pub fn start(args: &[&str]) -> MockBinary {
        use std::io::BufRead;
        let child = Command::new(built_mock())
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the mock binary starts");
        // Killed and waited for when dropped, a failed assertion below included.
        let mut mock = MockBinary { child, url: String::new() };
        let mut stdout = std::io::BufReader::new(mock.child.stdout.take().unwrap());
        let mut line = String::new();
        while mock.url.is_empty() {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "the mock binary ended before printing its URL");
            if let Some(printed) = line.trim().strip_prefix("CLOUDBASE_BASE_URL=") {
                mock.url = printed.to_owned();
            }
        }
        mock
    }

    /// Stops it; its request log.
    pub fn stop(mut self) -> String {
        use std::io::Read;
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut log = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
        log
    }
}

impl Drop for MockBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
