//! Tracing output names each request's operation and status and never a secret. A binary of its
//! own: tracing caches per-callsite interest process-wide, so a scoped subscriber must be the
//! only one a test binary sees.

mod support;

use cloudbase_api::{Client, Credentials};
use serde_json::json;
use std::sync::Arc;
use support::{Reply, TestServer};

/// Captures everything the crate logs at TRACE into a buffer.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tracing_output_never_shows_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server =
        TestServer::start(|_| Reply::json(400, json!({"error": "invalid_argument", "error_description": "bad"}))).await;
    let client =
        Client::builder().base_url(&server.url).credentials(Credentials::api_key("sk-live-key")).build().unwrap();
    let body = cloudbase_api::auth::SignInRequest { password: Some("hunter2-password".into()), ..Default::default() };
    let _ = client.auth().sign_in().body(body).send().await;
    let _ = client.auth().user_update_password().sudo_token("sudo-token-abc").send().await;
    let _ = client.cloudrun().get().name("svc").any_path("x").send().await;

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("Auth_SignIn"), "the span names the operation:\n{output}");
    assert!(output.contains("status=400"), "{output}");
    for secret in ["sk-live-key", "hunter2-password", "sudo-token-abc"] {
        assert!(!output.contains(secret), "{secret} leaked into tracing output:\n{output}");
    }
}
