//! A recorded request replayed byte for byte against `cloudbase-mock`: the method, the raw
//! target, every header in its order and case (only `Host` names the mock), the body; written on
//! a TCP socket, so nothing normalises it on the way.

use crate::wire::Request;
use cloudbase_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the mock answered: the status and each rule the request broke (`rule: message`).
pub struct Verdict {
    pub status: u16,
    pub broken: Vec<String>,
}

impl Verdict {
    pub fn accepted(&self) -> bool {
        self.status < 400
    }

    /// The verdict as a table cell.
    pub fn cell(&self) -> String {
        let mut cell = format!("`{}`", self.status);
        if let Some(first) = self.broken.first() {
            let first: String = first.chars().take(140).collect();
            cell.push(' ');
            cell.push_str(&first.replace('\n', " "));
        }
        cell
    }
}

pub async fn replay(mock: &MockServer, request: &Request) -> Verdict {
    let before = mock.violations().len();
    let status = send(mock.addr(), request).await;
    let broken =
        mock.violations()[before..].iter().map(|v| format!("{}: {}", v.rule.as_str(), v.message)).collect::<Vec<_>>();
    Verdict { status, broken }
}

async fn send(addr: std::net::SocketAddr, request: &Request) -> u16 {
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (name, value) in &request.headers {
        let value = if name.eq_ignore_ascii_case("host") { addr.to_string() } else { value.clone() };
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("the mock listens");
    stream.write_all(head.as_bytes()).await.expect("the request head is written");
    stream.write_all(&request.body).await.expect("the request body is written");
    let read = async {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let n = stream.read(&mut chunk).await.expect("the mock answers");
            assert!(n > 0, "the mock closed the connection without answering {} {}", request.method, request.target);
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        let header = |name: &str| {
            head.lines().skip(1).find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_ascii_lowercase())
            })
        };
        let mut body = buffer[head_end + 4..].to_vec();
        let done = |body: &[u8]| match (header("content-length"), header("transfer-encoding")) {
            _ if request.method == "HEAD" || status == 204 || status == 304 => true,
            (Some(length), _) => body.len() >= length.parse::<usize>().unwrap_or(0),
            (_, Some(te)) if te.contains("chunked") => body.ends_with(b"0\r\n\r\n"),
            _ => false,
        };
        while !done(&body) {
            let n = stream.read(&mut chunk).await.expect("the mock's reply is read");
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        status
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("the mock did not finish answering {} {}", request.method, request.target))
}
