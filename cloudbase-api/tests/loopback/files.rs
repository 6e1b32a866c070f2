//! Storage helpers against two loopback servers, the gateway and a storage host: the upload
//! protocol, credentials kept apart, and per-object batch results.

use crate::support::{Reply, TestServer};
use cloudbase_api::{Client, Credentials};
use serde_json::json;

fn gateway_client(gateway: &TestServer) -> Client {
    Client::builder()
        .base_url(&gateway.url)
        .credentials(Credentials::api_key("sk-cloudbase-secret"))
        .header("X-Trace-Id", "trace-1")
        .build()
        .unwrap()
}

#[tokio::test]
async fn upload_puts_to_the_storage_host_with_its_own_credentials_only() {
    let storage = TestServer::start(|_| Reply::new(200)).await;
    let upload_url = format!("{}/bucket/poems/a.txt?sign=1", storage.url);
    let gateway = TestServer::start(move |_| {
        Reply::json(
            200,
            json!([{
                "uploadUrl": upload_url,
                "token": "cos-session-token",
                "authorization": "q-sign-algorithm=sha1&q-ak=AKID",
                "cloudObjectMeta": "meta-123",
                "cloudObjectId": "cloud://env.bucket/poems/a.txt",
                "objectId": "poems/a.txt"
            }]),
        )
    })
    .await;
    let id = gateway_client(&gateway)
        .storage()
        .upload("poems/a.txt", cloudbase_api::ByteStream::from("床前明月光"))
        .await
        .unwrap();
    assert_eq!(id, "cloud://env.bucket/poems/a.txt");

    let info_request = gateway.only_request();
    assert_eq!(info_request.path(), "/v1/storages/get-objects-upload-info");
    // The length and media type are signed into the upload, as the vendor's SDK uploads
    // (js-sdk storage/src/cloudbase-storage.ts:398-418): 床前明月光 is 15 bytes of UTF-8.
    assert_eq!(
        info_request.json(),
        json!([{"objectId": "poems/a.txt", "signedHeader": {"content-length": ["15"], "content-type": ["text/plain"]}}])
    );
    assert_eq!(info_request.header("authorization"), Some("Bearer sk-cloudbase-secret"));

    let put = storage.only_request();
    assert_eq!((put.method.as_str(), put.target.as_str()), ("PUT", "/bucket/poems/a.txt?sign=1"));
    assert_eq!(put.body, "床前明月光".as_bytes());
    // The PUT carries what was signed.
    assert_eq!(put.header("content-type"), Some("text/plain"));
    assert_eq!(put.header("content-length"), Some("15"));
    assert_eq!(put.header("authorization"), Some("q-sign-algorithm=sha1&q-ak=AKID"));
    assert_eq!(put.header("x-cos-security-token"), Some("cos-session-token"));
    assert_eq!(put.header("x-cos-meta-fileid"), Some("meta-123"));
    // Nothing of the CloudBase client travels to the storage host.
    assert_eq!(put.header("x-trace-id"), None);
    assert!(put.headers.iter().all(|(_, v)| !v.contains("sk-cloudbase-secret")), "{:?}", put.headers);
}

#[tokio::test]
async fn uploads_stream_files() {
    let storage = TestServer::start(|_| Reply::new(200)).await;
    let upload_url = format!("{}/f", storage.url);
    let gateway = TestServer::start(move |_| {
        Reply::json(200, json!([{"uploadUrl": upload_url, "cloudObjectId": "cloud://env.bucket/f"}]))
    })
    .await;
    let path = std::env::temp_dir().join(format!("cloudbase-upload-{}.bin", std::process::id()));
    let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &contents).unwrap();
    gateway_client(&gateway)
        .storage()
        .upload("f", cloudbase_api::ByteStream::from_path(&path).await.unwrap())
        .await
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let put = storage.only_request();
    assert_eq!(put.body, contents);
    // Announced, not chunked: storage hosts may require the length (STORAGE_CONTENT_LENGTH_REQUIRED).
    assert_eq!(put.header("content-length"), Some("200000"));
    assert_eq!(put.header("transfer-encoding"), None);
    // A name without a known extension is uploaded as bytes.
    assert_eq!(put.header("content-type"), Some("application/octet-stream"));
    let signed = &gateway.only_request().json()[0]["signedHeader"];
    assert_eq!(signed, &json!({"content-length": ["200000"], "content-type": ["application/octet-stream"]}));
}

#[tokio::test]
async fn an_upload_may_name_its_media_type_and_a_reader_signs_no_length() {
    let storage = TestServer::start(|_| Reply::new(200)).await;
    let upload_url = format!("{}/f", storage.url);
    let gateway = TestServer::start(move |_| {
        Reply::json(200, json!([{"uploadUrl": upload_url, "cloudObjectId": "cloud://env.bucket/f"}]))
    })
    .await;
    let reader = cloudbase_api::ByteStream::from_reader(&b"a,b\n1,2\n"[..]);
    gateway_client(&gateway).storage().upload_with_content_type("data/f", reader, "text/csv").await.unwrap();
    // Nothing to sign the length with (the SDK signs none for a stream either).
    assert_eq!(gateway.only_request().json()[0]["signedHeader"], json!({"content-type": ["text/csv"]}));
    assert_eq!(storage.only_request().header("content-type"), Some("text/csv"));
    let storage_api = gateway_client(&gateway).storage();
    let refused = storage_api.upload_with_content_type("f", b"x".to_vec(), "text/plain\r\nX: 1").await;
    assert!(matches!(refused, Err(cloudbase_api::Error::InvalidRequest { .. })), "{refused:?}");
}

#[tokio::test]
async fn an_upload_refused_for_its_object_is_an_api_error_with_the_code() {
    let gateway = TestServer::start(|_| {
        Reply::json(200, json!([{"code": "STORAGE_EXCEED_AUTHORITY", "message": "no permission"}]))
    })
    .await;
    let error = gateway_client(&gateway).storage().upload("x", cloudbase_api::ByteStream::from("x")).await.unwrap_err();
    assert_eq!(
        (error.status(), error.code(), error.message()),
        (Some(200), Some("STORAGE_EXCEED_AUTHORITY"), Some("no permission"))
    );
}

#[tokio::test]
async fn batch_results_keep_every_failure() {
    let gateway = TestServer::start(|request| {
        if request.path().ends_with("delete-objects") {
            Reply::json(
                200,
                json!([
                    {"cloudObjectId": "cloud://env.bucket/gone", "code": "OBJECT_NOT_EXIST", "message": "Storage object not exists."},
                    {"cloudObjectId": "cloud://env.bucket/a.txt"},
                    {"cloudObjectId": "cloud://env.bucket/b.txt", "code": "STORAGE_EXCEED_AUTHORITY", "message": "denied"}
                ]),
            )
        } else {
            Reply::json(
                200,
                json!([
                    {"cloudObjectId": "cloud://env.bucket/a.txt", "downloadUrl": "https://url/a.txt", "downloadUrlEncoded": "https://url/a.txt"},
                    {"code": "INVALID_PARAM", "message": "Invalid request param."}
                ]),
            )
        }
    })
    .await;
    let storage = gateway_client(&gateway).storage();
    let deleted = storage
        .delete_files(["cloud://env.bucket/gone", "cloud://env.bucket/a.txt", "cloud://env.bucket/b.txt"])
        .await
        .unwrap();
    let codes: Vec<Option<&str>> = deleted.iter().map(|r| r.as_ref().err().map(|e| e.code.as_str())).collect();
    assert_eq!(codes, [Some("OBJECT_NOT_EXIST"), None, Some("STORAGE_EXCEED_AUTHORITY")]);
    assert_eq!(deleted[0].as_ref().unwrap_err().cloud_object_id.as_deref(), Some("cloud://env.bucket/gone"));

    let urls = storage.download_urls(["cloud://env.bucket/a.txt", "cloud://env.bucket/missing"]).await.unwrap();
    assert_eq!(urls[0].as_ref().unwrap().download_url.as_deref(), Some("https://url/a.txt"));
    assert_eq!(urls[1].as_ref().unwrap_err().message.as_deref(), Some("Invalid request param."));
    assert_eq!(
        gateway.requests()[1].json(),
        json!([{"cloudObjectId": "cloud://env.bucket/a.txt"}, {"cloudObjectId": "cloud://env.bucket/missing"}])
    );
    // `maxAge` per item, as the official kit CMS sends it (specs/overlays/storage.yaml).
    let two_minutes = std::time::Duration::from_millis(120_500);
    storage.download_urls_valid_for(["cloud://env.bucket/a.txt"], two_minutes).await.unwrap();
    assert_eq!(gateway.requests()[2].json(), json!([{"cloudObjectId": "cloud://env.bucket/a.txt", "maxAge": 120}]));
}

/// A gateway answering the upload information with `upload_url`.
async fn gateway_sending_uploads_to(upload_url: String) -> TestServer {
    TestServer::start(move |_| {
        Reply::json(
            200,
            json!([{
                "uploadUrl": upload_url,
                "token": "cos-session-token",
                "authorization": "q-sign-algorithm=sha1&q-ak=AKID&q-signature=SECRET",
                "cloudObjectId": "cloud://env.bucket/a.txt",
                "objectId": "a.txt"
            }]),
        )
    })
    .await
}

#[tokio::test]
async fn a_storage_host_that_cannot_be_reached_is_named_without_the_signature() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let storage = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let gateway = gateway_sending_uploads_to(format!("{storage}/bucket/a.txt?q-signature=SECRET")).await;
    let error =
        gateway_client(&gateway).storage().upload("a.txt", cloudbase_api::ByteStream::from("x")).await.unwrap_err();
    assert!(matches!(error, cloudbase_api::Error::Transport { .. }), "{error:?}");
    assert_eq!(error.operation(), cloudbase_api::files::UPLOAD_PUT);
    let shown = error.to_string();
    assert!(shown.contains(&storage), "{shown}");
    assert!(!shown.contains("SECRET") && !shown.contains("/bucket/"), "{shown}");
    assert!(!format!("{error:?}").contains("SECRET"), "{error:?}");
}

#[tokio::test]
async fn a_refused_upload_is_reported_as_the_put_with_the_hosts_answer() {
    let denied = "<?xml version='1.0' encoding='utf-8' ?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
    let storage =
        TestServer::start(move |_| Reply::new(403).header("Content-Type", "application/xml").body(denied)).await;
    let gateway = gateway_sending_uploads_to(format!("{}/bucket/a.txt?q-signature=SECRET", storage.url)).await;
    let error =
        gateway_client(&gateway).storage().upload("a.txt", cloudbase_api::ByteStream::from("x")).await.unwrap_err();
    assert_eq!((error.operation(), error.status()), (cloudbase_api::files::UPLOAD_PUT, Some(403)));
    assert!(error.to_string().contains("Request has expired"), "{error}");
}

/// The upload carries the storage host's own credentials and the file: a redirect to another
/// origin is not followed, so a third host receives neither.
#[tokio::test]
async fn an_upload_is_not_redirected_to_another_origin() {
    let elsewhere = TestServer::start(|_| Reply::new(200)).await;
    let location = format!("{}/steal", elsewhere.url);
    let storage = TestServer::start(move |_| Reply::new(307).header("Location", &location)).await;
    let gateway = gateway_sending_uploads_to(format!("{}/bucket/a.txt?sign=1", storage.url)).await;
    let result =
        gateway_client(&gateway).storage().upload("a.txt", cloudbase_api::ByteStream::from("床前明月光")).await;
    assert!(elsewhere.requests().is_empty(), "the other origin received {:#?}", elsewhere.requests());
    let error = result.unwrap_err();
    assert!(!error.to_string().contains("/steal"), "{error}");
    assert_eq!(storage.requests().len(), 1);
}

/// A gateway answering download information with `url` as both download URLs of its one item.
async fn gateway_giving_download_url(url: &str) -> TestServer {
    let url = url.to_owned();
    TestServer::start(move |_| {
        Reply::json(
            200,
            json!([{"cloudObjectId": "cloud://env.bucket/a.txt", "downloadUrl": url, "downloadUrlEncoded": url}]),
        )
    })
    .await
}

/// A download URL holding a control character or whitespace at an end, one that is no
/// http(s) URL with a host, and one with userinfo are a decode error of the call, which shows
/// neither the signature nor a raw control character.
#[tokio::test]
async fn a_download_url_that_is_no_plain_url_is_refused() {
    let refused = [
        "https://cos.example/a.txt?sign=SECRET\r\nX-Injected: 1",
        "https://cos.example/a\0.txt?sign=SECRET",
        " https://cos.example/a.txt?sign=SECRET",
        "https://cos.example/a.txt?sign=SECRET\n",
        "https://cos.example/a\u{85}.txt?sign=SECRET",
        "https://user:SECRET@cos.example/a.txt",
        "https://SECRET@cos.example/a.txt",
        "/a.txt?sign=SECRET",
        "javascript:alert(1)?sign=SECRET",
        "file:///etc/passwd?SECRET",
        "https://[::1/a.txt?sign=SECRET",
        "",
    ];
    let mut wrong = Vec::new();
    for url in refused {
        let gateway = gateway_giving_download_url(url).await;
        match gateway_client(&gateway).storage().download_urls(["cloud://env.bucket/a.txt"]).await {
            Err(error @ cloudbase_api::Error::Decode(_)) => {
                let (shown, debug) = (error.to_string(), format!("{error:?}"));
                if error.operation() != "getObjectsDownloadInfo"
                    || shown.contains("SECRET")
                    || debug.contains("SECRET")
                    || shown.chars().any(char::is_control)
                {
                    wrong.push(format!("{url:?}: {shown} / {debug}"));
                }
            }
            other => wrong.push(format!("{url:?}: {other:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} download URLs not refused as they should be:\n{}",
        wrong.len(),
        refused.len(),
        wrong.join("\n")
    );
}

/// Download URLs are on the storage's own hosts (COS, a CDN): another origin than the gateway's
/// is handed back exactly as given, never requested by the client.
#[tokio::test]
async fn a_download_url_on_another_origin_is_handed_back_as_given() {
    let storage = TestServer::start(|_| Reply::new(200)).await;
    for url in [
        format!("{}/poems/静夜思.txt?sign=q-sign-algorithm%3Dsha1&t=1", storage.url),
        "https://636c-env-1a2b-1300000000.tcb.qcloud.la/poems/a b.txt?sign=x&t=1".to_owned(),
    ] {
        let gateway = gateway_giving_download_url(&url).await;
        let urls = gateway_client(&gateway).storage().download_urls(["cloud://env.bucket/a.txt"]).await.unwrap();
        let info = urls[0].as_ref().unwrap();
        assert_eq!((info.download_url.as_deref(), info.download_url_encoded.as_deref()), (Some(&*url), Some(&*url)));
    }
    assert!(storage.requests().is_empty(), "{:#?}", storage.requests());
}

/// The upload URL is followed: one with userinfo (which the HTTP stack would send as an
/// `Authorization: Basic` header) or a control character (which URL parsing drops, sending
/// another URL than given) is refused before the file is sent anywhere.
#[tokio::test]
async fn an_upload_url_with_userinfo_or_a_control_character_is_refused_before_the_put() {
    let storage = TestServer::start(|_| Reply::new(200)).await;
    let host = storage.url.trim_start_matches("http://").to_owned();
    let mut wrong = Vec::new();
    let refused = [
        format!("http://user:SECRET@{host}/bucket/a.txt"),
        format!("http://{host}/bucket/a.txt?sign=SECRET\r\nX-Injected: 1"),
        format!("http://{host}/bucket/a\t.txt?sign=SECRET"),
        format!(" http://{host}/bucket/a.txt?sign=SECRET"),
    ];
    for url in &refused {
        let gateway = TestServer::start({
            let url = url.clone();
            move |_| Reply::json(200, json!([{"uploadUrl": url, "cloudObjectId": "cloud://env.bucket/a.txt"}]))
        })
        .await;
        match gateway_client(&gateway).storage().upload("a.txt", cloudbase_api::ByteStream::from("x")).await {
            Err(error @ cloudbase_api::Error::Decode(_)) => {
                let shown = format!("{error} {error:?}");
                if error.operation() != "getObjectsUploadInfo" || shown.contains("SECRET") {
                    wrong.push(format!("{url:?}: {shown}"));
                }
            }
            other => wrong.push(format!("{url:?}: {other:?}")),
        }
    }
    let sent = storage.requests();
    assert!(
        wrong.is_empty() && sent.is_empty(),
        "{} of {} upload URLs not refused; the storage host received {} PUTs ({:?}):\n{}",
        wrong.len(),
        refused.len(),
        sent.len(),
        sent.iter().map(|put| (&put.target, put.header("authorization"))).collect::<Vec<_>>(),
        wrong.join("\n")
    );
}

/// The storage host is another origin (here another port): the PUT carries the storage's own
/// credentials alone, and none when the upload information gives none.
#[tokio::test]
async fn an_upload_to_another_origin_carries_no_authorization_of_the_client() {
    let storage = TestServer::start(|_| Reply::new(200)).await;
    let upload_url = format!("{}/bucket/a.txt?sign=1", storage.url);
    let gateway = TestServer::start(move |_| {
        Reply::json(200, json!([{"uploadUrl": upload_url, "cloudObjectId": "cloud://env.bucket/a.txt"}]))
    })
    .await;
    gateway_client(&gateway).storage().upload("a.txt", cloudbase_api::ByteStream::from("x")).await.unwrap();
    let put = storage.only_request();
    assert_eq!((put.header("authorization"), put.header("x-trace-id")), (None, None), "{:?}", put.headers);
    assert_eq!(gateway.only_request().header("authorization"), Some("Bearer sk-cloudbase-secret"));
}
