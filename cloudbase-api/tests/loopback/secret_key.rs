//! Tencent Cloud secret keys against a loopback server that checks TC3-HMAC-SHA256 signatures as
//! Tencent Cloud documents them (its "signature v3" page: canonical request, string to sign,
//! derived key), written here apart from the client's signer: operations that take a signature
//! are signed, each attempt anew; the others get an access token the key was exchanged for,
//! once however many requests wait, again after a 401.

use crate::support::{Recorded, Reply, TestServer};
use cloudbase_api::{Client, Credentials};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// `YYYY-MM-DD` of a Unix time, by way of the HTTP date (`Mon, 07 Dec 2026 11:34:28 GMT`).
fn utc_date(seconds: u64) -> String {
    let text = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds));
    let parts: Vec<&str> = text.split(' ').collect();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = months.iter().position(|m| *m == parts[2]).unwrap() + 1;
    format!("{}-{month:02}-{}", parts[3], parts[1])
}

/// What a server checking the signature of `request` with `secret_key` finds wrong, if anything.
fn signature_problem(request: &Recorded, secret_key: &str) -> Option<String> {
    let value = request.header("authorization")?;
    let rest = value.strip_prefix("TC3-HMAC-SHA256 ")?;
    let field = |name: &str| rest.split(", ").find_map(|part| part.strip_prefix(name)).map(str::to_owned);
    let (credential, signed_headers, signature, timestamp) =
        (field("Credential=")?, field("SignedHeaders=")?, field("Signature=")?, field("Timestamp=")?);
    let timestamp: u64 = timestamp.parse().ok()?;
    let (id, scope) = credential.split_once('/')?;
    if id != SECRET_ID {
        return Some(format!("credential names {id}"));
    }
    let date = utc_date(timestamp);
    if scope != format!("{date}/tcb/tc3_request") {
        return Some(format!("scope {scope} is not {date}/tcb/tc3_request"));
    }
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    if now.abs_diff(timestamp) > 300 {
        return Some(format!("timestamp {timestamp} is {} s from now", now.abs_diff(timestamp)));
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names.contains(&"content-type") || !names.contains(&"host") {
        return Some(format!("SignedHeaders {signed_headers} leaves out content-type or host"));
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let value = request.header(name)?.trim();
        let value = if *name == "content-type" { value.to_owned() } else { value.to_ascii_lowercase() };
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let canonical_request = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        request.path(),
        request.query(),
        hex(&Sha256::digest(&request.body))
    );
    let string_to_sign =
        format!("TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}", hex(&Sha256::digest(canonical_request.as_bytes())));
    let key = hmac(&hmac(&hmac(format!("TC3{secret_key}").as_bytes(), &date), "tcb"), "tc3_request");
    let expected = hex(&hmac(&key, &string_to_sign));
    (expected != signature).then(|| format!("signature {signature}, the server computes {expected}"))
}

/// A gateway: the token exchange answers `admin-N`, function calls `{"sum": 3}`, the database
/// `[]`; a bearer token other than the newest is refused 401, as an expired one is.
async fn gateway() -> (TestServer, Arc<AtomicUsize>) {
    let exchanges = Arc::new(AtomicUsize::new(0));
    let counter = exchanges.clone();
    let server = TestServer::start(move |request| {
        if request.path() == "/auth/v1/token/clientCredential" {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            std::thread::sleep(Duration::from_millis(30));
            return Reply::json(
                200,
                json!({"access_token": format!("admin-{n}"), "expires_in": 7200, "token_type": "Bearer"}),
            );
        }
        if request.path().starts_with("/v1/functions/") {
            return Reply::json(200, json!({"sum": 3}));
        }
        let newest = format!("Bearer admin-{}", counter.load(Ordering::SeqCst));
        if request.header("authorization") == Some(newest.as_str()) {
            Reply::json(200, json!([])).header("content-range", "*/0")
        } else {
            Reply::json(401, json!({"code": "ACCESS_TOKEN_EXPIRED", "message": "expired"}))
        }
    })
    .await;
    (server, exchanges)
}

fn client(server: &TestServer, credentials: Credentials) -> Client {
    Client::builder().base_url(&server.url).credentials(credentials).build().unwrap()
}

#[tokio::test]
async fn operations_that_take_a_signature_are_signed_as_tencent_cloud_checks_it() {
    let (server, exchanges) = gateway().await;
    let client = client(&server, Credentials::secret_key(SECRET_ID, SECRET_KEY));
    let sum: serde_json::Value = client.functions().invoke("sum", &json!({"a": 1, "b": 2})).await.unwrap();
    assert_eq!(sum, json!({"sum": 3}));
    // A body-less call is signed with the Content-Type it is sent with.
    client.cloudrun().root_get().name("shop").send().await.ok();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    for request in &requests {
        let authorization = request.header("authorization").unwrap();
        assert!(authorization.starts_with(&format!("TC3-HMAC-SHA256 Credential={SECRET_ID}/")), "{authorization}");
        assert_eq!(signature_problem(request, SECRET_KEY), None, "{} {authorization}", request.target);
        // The check is one a wrong key fails.
        assert!(signature_problem(request, "another key").is_some());
        // The key itself never travels.
        assert!(!format!("{request:?}").contains(SECRET_KEY));
    }
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
    assert_eq!(exchanges.load(Ordering::SeqCst), 0, "signed operations exchange nothing");
    assert!(!format!("{client:?}").contains(SECRET_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_operations_share_one_exchanged_token_and_exchange_again_after_a_401() {
    let (server, exchanges) = gateway().await;
    let client = client(&server, Credentials::temporary_secret_key(SECRET_ID, SECRET_KEY, "session-tok"));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client.mysqldb().from("students").select("*").fetch::<serde_json::Value>().await.map(|_| ())
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(exchanges.load(Ordering::SeqCst), 1, "one exchange for every request waiting");
    let requests = server.requests();
    let exchange = &requests[0];
    assert_eq!((exchange.method.as_str(), exchange.path()), ("POST", "/auth/v1/token/clientCredential"));
    assert_eq!(exchange.json(), json!({"grant_type": "client_credentials"}));
    assert_eq!(signature_problem(exchange, SECRET_KEY), None);
    // A temporary credential's session token follows the signature, unsigned.
    assert!(exchange.header("authorization").unwrap().ends_with(", Token=session-tok"));
    assert!(requests[1..].iter().all(|r| r.header("authorization") == Some("Bearer admin-1")));

    // The token is kept: the next request exchanges nothing.
    client.mysqldb().from("students").select("*").fetch::<serde_json::Value>().await.unwrap();
    assert_eq!(exchanges.load(Ordering::SeqCst), 1);
    // Rejected (the server moved on), it is exchanged again once and the request sent again.
    exchanges.fetch_add(1, Ordering::SeqCst);
    client.mysqldb().from("students").select("*").fetch::<serde_json::Value>().await.unwrap();
    assert_eq!(exchanges.load(Ordering::SeqCst), 3);
    let last = server.requests().into_iter().last().unwrap();
    assert_eq!(last.header("authorization"), Some("Bearer admin-3"));
}
