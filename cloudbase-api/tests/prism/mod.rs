//! Prism (`@stoplight/prism-cli`, pinned in `tools/prism`) serving a vendored spec with its
//! overlay, as the generator reads it: for the contract test and the README's program.

#![allow(dead_code)] // each test uses its part

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every area: one per `specs/*.yaml`.
pub fn areas() -> Vec<String> {
    let mut areas: Vec<String> = std::fs::read_dir(root().join("specs"))
        .expect("specs/ is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .collect();
    areas.sort();
    areas
}

/// An area's spec as the generator reads it: `specs/<area>.yaml` with `specs/overlays/<area>.yaml`
/// applied, when there is one.
pub struct AreaSpec {
    file: String,
    text: String,
    overlay: Option<(String, String)>,
}

impl AreaSpec {
    pub fn of(area: &str) -> AreaSpec {
        let read = |file: &str| std::fs::read_to_string(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let file = format!("specs/{area}.yaml");
        let overlay_file = codegen::overlay::file_for(&file);
        let overlay = root().join(&overlay_file).exists().then(|| (overlay_file.clone(), read(&overlay_file)));
        AreaSpec { text: read(&file), file, overlay }
    }

    pub fn overlays(&self) -> Vec<codegen::Overlay<'_>> {
        self.overlay.iter().map(|(file, text)| codegen::Overlay { file, text }).collect()
    }

    pub fn ir(&self) -> codegen::ir::Api {
        let overlays = self.overlays();
        codegen::ir_of(codegen::Spec::from_file(&self.file, &self.text).with_overlays(&overlays))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The document Prism serves: the overlaid document, written out, without the `Content-Type`
    /// response headers it declares. OpenAPI 3.0.3 says a response header of that name "SHALL be
    /// ignored" (§4.7.16, Response Object `headers`); Prism does not ignore it: it answers a HEAD
    /// with the mocked header's value as the media type and fails (500, "Cannot find serializer
    /// for string") looking for a serializer of it.
    pub fn served(&self, area: &str) -> PathBuf {
        let yaml =
            codegen::load::overlaid_yaml(&self.file, &self.text, &self.overlays()).unwrap_or_else(|e| panic!("{e}"));
        let mut document: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{e}"));
        drop_content_type_headers(&mut document);
        // Cargo's scratch directory for integration tests, inside the target directory.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{area}.yaml"));
        std::fs::write(&path, serde_yaml::to_string(&document).unwrap()).unwrap();
        path
    }
}

/// Removes `Content-Type` from the `headers` of every response object (a mapping with a
/// `description` and `headers`).
fn drop_content_type_headers(value: &mut serde_yaml::Value) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            if map.contains_key("description")
                && let Some(serde_yaml::Value::Mapping(headers)) = map.get_mut("headers")
            {
                headers.retain(|name, _| !name.as_str().is_some_and(|n| n.eq_ignore_ascii_case("content-type")));
            }
            for (_, child) in map.iter_mut() {
                drop_content_type_headers(child);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(drop_content_type_headers),
        _ => {}
    }
}

/// A Prism mock server for one spec, on a free loopback port; killed when dropped (also when
/// the test fails).
pub struct Prism {
    pub area: &'static str,
    pub url: String,
    port: u16,
    child: Child,
}

impl Prism {
    pub fn spawn(area: &'static str) -> Prism {
        let binary = root().join("tools/prism/node_modules/.bin/prism");
        assert!(
            binary.exists(),
            "Prism is not installed: run `npm ci --prefix tools/prism` (needs Node.js and npm; \
             `cargo xtask test` does it for you)"
        );
        let port = fresh_port();
        let child = Command::new(binary)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .arg(AreaSpec::of(area).served(area))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Prism starts");
        Prism { area, url: format!("http://127.0.0.1:{port}"), port, child }
    }

    pub fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("Prism for {} exited with {status}", self.area);
            }
            assert!(Instant::now() < deadline, "Prism for {} did not listen within 60 s", self.area);
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Panics when this Prism has exited: one that lost its port to another server exits, while
    /// the other server answers on that port for another spec.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("Prism for {} exited with {status}: port {} was taken", self.area, self.port);
        }
    }
}

/// A free loopback port no other Prism of this process was given: the system hands out a port
/// that was just released again now and then, and two Prisms told the same port leave one
/// answering for the other's spec.
fn fresh_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
