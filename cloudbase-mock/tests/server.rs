//! The mock as a server other programs are pointed at: object keys that stay in the object
//! store, credentials hidden however they are named, what it keeps of each request bounded,
//! and connections that are slow or heavy never holding up the others.

use cloudbase_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends a whole request (`head` without the blank line, then `body`) over a raw connection;
/// returns the status and the reply's body.
async fn raw(server: &MockServer, head: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let head = format!("{head}\r\nHost: mock\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.unwrap();
    let status = std::str::from_utf8(&reply[9..12]).unwrap().parse().unwrap();
    let at = reply.windows(4).position(|w| w == b"\r\n\r\n").map_or(reply.len(), |at| at + 4);
    (status, reply[at..].to_vec())
}

/// An object URL names a key of the object store and nothing else: a key the PG storage API
/// would not take (a `.` or `..` segment, `\` counted as a separator as WHATWG URL parsing
/// does, an empty key) is refused instead of becoming a URL that a client's URL parser resolves
/// onto another route (`%2E%2E` is a dot segment to it).
#[tokio::test]
async fn object_keys_never_climb_out_of_the_object_store() {
    let server = MockServer::start().await;
    for key in ["../../v1/functions/hello", "a/../../b", "./a", "a/.", "..\\..\\v1", "a\\..", ""] {
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.object_url(key)));
        match made {
            Ok(url) => {
                let path = url::Url::parse(&url).unwrap().path().to_owned();
                panic!("{key:?} gave {url}, which a client sends to {path}");
            }
            Err(reason) => {
                let reason = reason.downcast_ref::<String>().cloned().unwrap_or_default();
                assert!(reason.contains("object key"), "{key:?}: {reason}");
            }
        }
    }
    // Dots inside a segment are ordinary characters: the URL stays in the store and works.
    for key in ["a.txt", "dir/..hidden", "dir/.../x", "poems/li bai/静夜思.txt"] {
        let url = url::Url::parse(&server.object_url(key)).unwrap();
        assert!(url.path().starts_with("/_mock/objects/"), "{key:?}: {url}");
        let target = &url[url::Position::BeforePath..];
        let (status, _) = raw(&server, &format!("PUT {target} HTTP/1.1"), b"bytes").await;
        assert_eq!(status, 200, "{key:?}");
        assert_eq!(server.object(key).as_deref(), Some(&b"bytes"[..]), "{key:?}");
    }
    // A target sent as is (no client normalised it) is refused, never stored under a dot key.
    for target in ["/_mock/objects/%2E%2E/%2E%2E/v1/functions/hello", "/_mock/objects/a/%2e", "/_mock/objects/a%5C.."] {
        let (status, _) = raw(&server, &format!("PUT {target} HTTP/1.1"), b"x").await;
        assert_eq!(status, 400, "{target}");
    }
    assert!(server.object("../../v1/functions/hello").is_none());
    assert!(server.functions().invoke_function().received().is_empty());
}

/// Values whose names say they are credentials are hidden by the client's rule for names
/// (`cloudbase_api::is_credential_name`), whether or not an operation declares them: in the
/// `Debug` of what was received, in violations and in the binary's request log.
#[tokio::test]
async fn credentials_are_hidden_by_their_names_declared_or_not() {
    let secrets = "?access_token=s3cr3t-a&api_key=s3cr3t-b&password=s3cr3t-c&page=2";
    let headers = "x-cos-security-token: s3cr3t-d\r\nX-Api-Key: s3cr3t-e\r\nAuthorization: Bearer s3cr3t-f";
    let targets = [
        format!("GET /v1/functions/web-fn{secrets}&webfn=true"), // an operation that declares none of them
        format!("GET /v1/nowhere{secrets}"),                     // no operation at all
        format!("PUT /v1/functions/web-fn{secrets}"),            // a method the path lacks
    ];
    let server = MockServer::start().await;
    for target in &targets {
        raw(&server, &format!("{target} HTTP/1.1\r\n{headers}"), b"").await;
    }
    let shown = format!("{:?} {:?}", server.received(), server.violations());
    assert!(!shown.contains("s3cr3t"), "{shown}");
    for hidden in ["access_token=<redacted>", "api_key=<redacted>", "password=<redacted>"] {
        assert!(shown.contains(hidden), "{hidden}: {shown}");
    }
    assert!(shown.contains("\"x-cos-security-token\": <redacted>") && shown.contains("\"x-api-key\": <redacted>"));
    assert!(shown.contains("page=2"), "other values stay visible: {shown}");

    // The binary's log, one line per request.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cloudbase-mock"))
        .args(["--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let addr = {
        use std::io::BufRead;
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("CLOUDBASE_BASE_URL=") {
            line.clear();
            stdout.read_line(&mut line).unwrap();
        }
        line.trim().trim_start_matches("CLOUDBASE_BASE_URL=http://").parse::<std::net::SocketAddr>().unwrap()
    };
    for target in &targets {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("{target} HTTP/1.1\r\n{headers}\r\nHost: mock\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        stream.read_to_end(&mut Vec::new()).await.unwrap();
    }
    child.kill().unwrap();
    let log = String::from_utf8_lossy(&child.wait_with_output().unwrap().stderr).into_owned();
    assert_eq!(log.matches("api_key=<redacted>").count(), 3, "{log}");
    assert!(!log.contains("s3cr3t"), "{log}");
}

/// What `received()` keeps is bounded: a body past [`cloudbase_mock::KEPT_BODY_BYTES`] is kept
/// as its length and SHA-256 digest only (checked here by what is stored, not by memory).
#[tokio::test]
async fn large_bodies_are_kept_as_length_and_digest() {
    let server = MockServer::start().await;
    let big = vec![b'x'; 3 << 20];
    for _ in 0..4 {
        let (status, _) = raw(
            &server,
            "POST /v1/functions/hello HTTP/1.1\r\nAuthorization: Bearer t\r\nContent-Type: application/octet-stream",
            &big,
        )
        .await;
        assert!(status < 500, "{status}");
    }
    let kept: usize = server.received().iter().map(|r| r.body().len()).sum();
    assert_eq!(kept, 0, "4 bodies of 3 MiB are kept as digests");
    let digest: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(&big).into()
    };
    for received in server.received() {
        assert_eq!((received.body_len(), received.body_sha256(), received.body_kept()), (3 << 20, Some(digest), false));
        assert!(format!("{received:?}").contains("<3145728 bytes, not kept>"));
    }
    // Up to the limit a body is kept whole; the limit can be moved.
    server.reset();
    server.keep_bodies_up_to(8);
    raw(
        &server,
        "POST /v1/functions/hello HTTP/1.1\r\nAuthorization: Bearer t\r\nContent-Type: application/json",
        b"{\"a\":1}",
    )
    .await;
    raw(
        &server,
        "POST /v1/functions/hello HTTP/1.1\r\nAuthorization: Bearer t\r\nContent-Type: application/json",
        b"{\"a\": 10}",
    )
    .await;
    let received = server.received();
    assert_eq!(
        (received[0].body(), received[0].body_kept(), received[0].body_sha256()),
        (&b"{\"a\":1}"[..], true, None)
    );
    assert_eq!((received[1].body(), received[1].body_len(), received[1].body_kept()), (&b""[..], 9, false));
}

/// With [`MockServer::keep_requests`], only the last requests and violations are kept.
#[tokio::test]
async fn only_the_last_requests_are_kept_when_asked() {
    let server = MockServer::start().await;
    server.keep_requests(3);
    for i in 0..10 {
        raw(&server, &format!("GET /v1/nowhere/{i} HTTP/1.1"), b"").await;
    }
    let targets: Vec<String> = server.received().iter().map(|r| r.target().to_owned()).collect();
    assert_eq!(targets, ["/v1/nowhere/7", "/v1/nowhere/8", "/v1/nowhere/9"]);
    let violations: Vec<String> = server.violations().into_iter().map(|v| v.target).collect();
    assert_eq!(violations, targets);
}

/// A connection that sends its headers a byte at a time is cut once the header-read timeout
/// ([`MockServer::header_read_timeout`]) has passed, as it would hold a connection forever.
#[tokio::test]
async fn a_slow_header_is_cut_after_the_timeout() {
    let server = MockServer::start().await;
    server.header_read_timeout(std::time::Duration::from_millis(200));
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    stream.write_all(b"GET /v1/functions/web-fn HTTP/1.1\r\nHost: mock\r\n").await.unwrap();
    let started = std::time::Instant::now();
    let mut cut = false;
    while started.elapsed() < std::time::Duration::from_secs(3) {
        if stream.write_all(b"x").await.is_err() {
            cut = true;
            break;
        }
        let mut buf = [0u8; 512];
        // Any answer (EOF, an error, a 408) before the 50 ms are up means the server let go.
        if tokio::time::timeout(std::time::Duration::from_millis(50), stream.read(&mut buf)).await.is_ok() {
            cut = true;
            break;
        }
    }
    assert!(cut, "still open after {:?}", started.elapsed());
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "cut after {:?}", started.elapsed());
}

/// A large multipart body is checked off the thread that serves the other connections: a
/// small request sent while it is being parsed is answered first.
#[tokio::test]
async fn a_large_multipart_body_does_not_hold_up_other_requests() {
    let server = MockServer::start().await;
    let mut body = Vec::new();
    for i in 0..150_000 {
        body.extend_from_slice(format!("--b\r\nContent-Disposition: form-data; name=\"p{i}\"\r\n\r\nv\r\n").as_bytes());
    }
    body.extend_from_slice(
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx\r\n--b--\r\n",
    );
    let head = "POST /v1/storages/object/b/k HTTP/1.1\r\nAuthorization: Bearer t\r\nContent-Type: multipart/form-data; boundary=b";
    let order = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let large = {
        let (order, addr) = (order.clone(), server.addr());
        tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let head = format!("{head}\r\nHost: mock\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            stream.write_all(head.as_bytes()).await.unwrap();
            stream.write_all(&body).await.unwrap();
            order.lock().unwrap().push("sent large");
            stream.read_to_end(&mut Vec::new()).await.unwrap();
            order.lock().unwrap().push("large");
        })
    };
    while !order.lock().unwrap().contains(&"sent large") {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let (status, _) =
        raw(&server, "GET /v1/functions/web-fn?webfn=true HTTP/1.1\r\nAuthorization: Bearer t", b"").await;
    assert_eq!(status, 200);
    order.lock().unwrap().push("small");
    large.await.unwrap();
    assert_eq!(*order.lock().unwrap(), ["sent large", "small", "large"]);
}
