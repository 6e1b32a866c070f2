//! `cloudbase-mock [--addr <ip:port>]`: serves every enabled area on one port until stopped, for
//! running an application or the examples locally. Prints the base URL to point a client at,
//! then one line per request on stderr (the rules a refused request broke included).
//!
//! It runs for long, so it keeps the last [`KEPT_REQUESTS`] requests (and violations) only, each
//! body longer than [`cloudbase_mock::KEPT_BODY_BYTES`] as its length and digest.

use cloudbase_mock::MockServer;
use std::net::SocketAddr;
use std::process::ExitCode;

/// The requests (and violations) the binary keeps: the oldest go first.
const KEPT_REQUESTS: usize = 1_000;

/// What the binary sets on its server before serving.
fn configure(server: &MockServer) {
    server.log_requests(true);
    server.keep_requests(KEPT_REQUESTS);
    server.keep_bodies_up_to(cloudbase_mock::KEPT_BODY_BYTES);
}

const USAGE: &str = "usage: cloudbase-mock [--addr <ip:port>] (default 127.0.0.1:8787)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let addr = match args.as_slice() {
        [] => "127.0.0.1:8787",
        ["--addr", addr] => addr,
        ["--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr: SocketAddr = match addr.parse() {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("cloudbase-mock: `{addr}` is not an ip:port address: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cloudbase-mock: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let server = match MockServer::bind(addr).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("cloudbase-mock: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        configure(&server);
        println!("cloudbase-mock: {} operations on {}", server.operations().len(), server.url());
        println!("CLOUDBASE_BASE_URL={}", server.url());
        // Serves until the process is stopped.
        std::future::pending::<()>().await;
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    /// The binary's server keeps [`super::KEPT_REQUESTS`] requests, however many it answers.
    #[tokio::test]
    async fn the_binary_keeps_a_bounded_number_of_requests() {
        let server = cloudbase_mock::MockServer::start().await;
        super::configure(&server);
        server.log_requests(false);
        let client = server.client();
        for _ in 0..super::KEPT_REQUESTS + 5 {
            client.functions().web_get().name("web-fn").send().await.unwrap();
        }
        assert_eq!(server.received().len(), super::KEPT_REQUESTS);
    }
}
