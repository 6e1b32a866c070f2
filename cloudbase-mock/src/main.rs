//! `cloudbase-mock [--addr <ip:port>] [--stubs FILE] [--lenient]`: serves every enabled area on
//! one port until stopped, for running an application or the examples locally. Prints the base
//! URL to point a client at, then one line per request on stderr (the rules a refused request
//! broke included). `--stubs FILE` mounts the stubs of a YAML or JSON file first
//! ([`MockServer::load_stubs`]); a file with an error stops it, naming the file and the entry.
//! `--lenient` answers a request every stub of its operation declines with the operation's
//! default reply instead of refusing it ([`MockServer::strict`]).
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

const USAGE: &str = "usage: cloudbase-mock [--addr <ip:port>] [--stubs FILE] [--lenient] (default 127.0.0.1:8787)";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
struct Args {
    addr: SocketAddr,
    stubs: Option<String>,
    lenient: bool,
}

/// The arguments, `Err` with what to print and the exit code otherwise (`--help`: usage, 0).
fn parse(args: &[&str]) -> Result<Args, (String, u8)> {
    let mut addr = "127.0.0.1:8787";
    let mut stubs = None;
    let mut lenient = false;
    let mut rest = args;
    loop {
        match rest {
            [] => break,
            ["--help" | "-h", ..] => return Err((USAGE.to_owned(), 0)),
            ["--addr", value, tail @ ..] => {
                addr = value;
                rest = tail;
            }
            ["--stubs", file, tail @ ..] => {
                stubs = Some((*file).to_owned());
                rest = tail;
            }
            ["--lenient", tail @ ..] => {
                lenient = true;
                rest = tail;
            }
            [other, ..] => return Err((format!("cloudbase-mock: unexpected argument `{other}`\n{USAGE}"), 2)),
        }
    }
    let addr =
        addr.parse().map_err(|e| (format!("cloudbase-mock: `{addr}` is not an ip:port address: {e}\n{USAGE}"), 2))?;
    Ok(Args { addr, stubs, lenient })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Args { addr, stubs, lenient } = match parse(&args) {
        Ok(args) => args,
        Err((message, 0)) => {
            println!("{message}");
            return ExitCode::SUCCESS;
        }
        Err((message, code)) => {
            eprintln!("{message}");
            return ExitCode::from(code);
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
        server.strict(!lenient);
        if let Some(file) = stubs {
            match server.load_stubs(&file) {
                Ok(n) => println!("cloudbase-mock: {n} stubs from {file}"),
                Err(e) => {
                    eprintln!("cloudbase-mock: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        println!("cloudbase-mock: {} operations on {}", server.operations().len(), server.url());
        println!("CLOUDBASE_BASE_URL={}", server.url());
        // Serves until the process is stopped.
        std::future::pending::<()>().await;
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_arguments_come_in_any_order() {
        let parsed = super::parse(&["--stubs", "s.yaml", "--addr", "127.0.0.1:9"]).unwrap();
        let stubs = Some("s.yaml".to_owned());
        assert_eq!(parsed, super::Args { addr: "127.0.0.1:9".parse().unwrap(), stubs, lenient: false });
        assert!(super::parse(&["--lenient", "--stubs", "s.yaml"]).unwrap().lenient);
        assert_eq!(super::parse(&[]).unwrap().addr.port(), 8787);
        assert_eq!(super::parse(&["--stubs"]).unwrap_err().1, 2);
        assert_eq!(super::parse(&["--addr", "nowhere"]).unwrap_err().1, 2);
        assert_eq!(super::parse(&["-h"]).unwrap_err().1, 0);
    }

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
