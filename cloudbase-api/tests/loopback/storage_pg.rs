//! PG-mode storage on the wire: every body form, streamed up and down, the replies without a
//! body, and which requests carry credentials, against a loopback server that records each
//! request byte for byte. Multipart bodies are read back with `multer` (RFC 7578).
#![cfg(feature = "storage_pg")]

use crate::support::{Recorded, Reply, TestServer, client};
use cloudbase_api::storage_pg::*;
use cloudbase_api::{ByteStream, Client, Credentials, Error, StalledStreamProtection};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn form_of(request: &Recorded) -> cloudbase_mock::Form {
    let content_type = request.header("content-type").expect("a multipart body has a Content-Type");
    cloudbase_mock::Form::parse(content_type, &bytes::Bytes::from(request.body.clone())).unwrap()
}

fn stored() -> Reply {
    Reply::json(200, serde_json::json!({"Id": "3f8e", "Key": "avatars/user-1/a b.png"}))
}

#[tokio::test]
async fn a_multipart_upload_sends_the_fields_then_the_file_to_the_encoded_sub_path() {
    let server = TestServer::start(|_| stored()).await;
    let reply = client(&server)
        .storage_pg()
        .upload_object()
        .bucket_id("avatars")
        .object_name("user-1/a b.png")
        .x_upsert(true)
        .form(UploadObjectMultipart {
            cache_control: Some("3600".into()),
            content_type: Some("image/png".into()),
            file: ByteStream::from(&b"\x89PNG"[..]),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(reply.key, "avatars/user-1/a b.png");
    let request = server.only_request();
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", "/v1/storages/object/avatars/user-1/a%20b.png")
    );
    assert_eq!(request.header("x-upsert"), Some("true"));
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert!(request.header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    // The whole form's length is known, so it is announced.
    assert_eq!(request.header("content-length"), Some(request.body.len().to_string().as_str()));
    let form = form_of(&request);
    let names: Vec<&str> = form.parts().iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        ["cacheControl", "contentType", "file"],
        "fields first, in the spec's order; unset ones left out"
    );
    assert_eq!(form.text("cacheControl"), Some("3600"));
    let file = form.part("file").unwrap();
    assert_eq!((file.file_name(), file.content_type()), (Some("blob"), Some("application/octet-stream")));
    assert_eq!(file.data().as_ref(), b"\x89PNG");
}

#[tokio::test]
async fn a_raw_upload_from_a_file_streams_it_with_its_length_type_and_progress() {
    let dir = std::env::temp_dir().join(format!("cloudbase-storage-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("photo.png");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let server = TestServer::start(|_| stored()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = seen.clone();
    let body = ByteStream::from_path(&path)
        .await
        .unwrap()
        .on_progress(move |p| progress.lock().unwrap().push((p.transferred(), p.total())));
    client(&server)
        .storage_pg()
        .update_object()
        .bucket_id("avatars")
        .object_name("photo.png")
        .cache_control("max-age=60")
        .bytes(body)
        .content_type("image/png")
        .send()
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(request.method, "PUT");
    assert_eq!(request.header("content-type"), Some("image/png"));
    assert_eq!(request.header("content-length"), Some("200000"));
    assert_eq!(request.header("cache-control"), Some("max-age=60"));
    assert_eq!(request.body, content);
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() > 1, "a 200 kB file is read in several chunks: {seen:?}");
    assert_eq!(seen.last(), Some(&(200_000, Some(200_000))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_reader_is_sent_chunked_once_and_never_retried() {
    let server = TestServer::start(|_| Reply::json(503, serde_json::json!({"code": "SERVICE_UNAVAILABLE"}))).await;
    let reader = std::io::Cursor::new(b"streamed text".to_vec());
    let error = client(&server)
        .storage_pg()
        .upload_object()
        .bucket_id("notes")
        .object_name("a.txt")
        .bytes(ByteStream::from_reader(reader))
        .content_type("text/plain; charset=utf-8")
        .retry(cloudbase_api::RetryPolicy::default().retry_non_idempotent(true))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    let request = server.only_request();
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    assert_eq!(request.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(request.body, b"streamed text");
}

/// A reader that yields `good`, then fails with "disk on fire".
fn failing_reader(good: &'static [u8]) -> impl tokio::io::AsyncRead + Send + 'static {
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::AsyncReadExt;
    struct Broken;
    impl tokio::io::AsyncRead for Broken {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut tokio::io::ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            Poll::Ready(Err(std::io::Error::other("disk on fire")))
        }
    }
    good.chain(Broken)
}

#[tokio::test]
async fn a_reader_that_fails_mid_upload_is_an_io_error_not_a_transport_one() {
    let server = TestServer::start(|_| stored()).await;
    let api = client(&server).storage_pg();
    let raw = api
        .upload_object()
        .bucket_id("notes")
        .object_name("a.txt")
        .bytes(ByteStream::from_reader(failing_reader(b"partial")))
        .send()
        .await
        .unwrap_err();
    let form = api
        .upload_object()
        .bucket_id("notes")
        .object_name("a.txt")
        .form(UploadObjectMultipart { file: ByteStream::from_reader(failing_reader(b"partial")), ..Default::default() })
        .send()
        .await
        .unwrap_err();
    for error in [raw, form] {
        assert!(matches!(error, Error::Io { .. }), "{error:?}");
        assert!(error.to_string().contains("disk on fire"), "{error}");
        assert!(error.to_string().contains("uploadObject"), "the operation is named: {error}");
    }
}

#[tokio::test]
async fn bytes_and_files_are_sent_again_when_the_request_is_retried() {
    let attempts = Arc::new(Mutex::new(0));
    let counter = attempts.clone();
    let server = TestServer::start(move |_| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        if *n == 1 { Reply::json(503, serde_json::json!({"code": "SERVICE_UNAVAILABLE"})) } else { stored() }
    })
    .await;
    let policy = cloudbase_api::RetryPolicy::default()
        .retry_non_idempotent(true)
        .backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(5));
    client(&server)
        .storage_pg()
        .update_object()
        .bucket_id("b")
        .object_name("o")
        .bytes(b"again".to_vec())
        .retry(policy)
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.body == b"again"));
}

#[tokio::test]
async fn a_content_type_that_is_no_media_type_is_refused_before_any_io() {
    let server = TestServer::start(|_| stored()).await;
    for bad in ["png", "multipart/form-data; boundary=x", "image/png\r\nX-Injected: 1", "*/*"] {
        let error = client(&server)
            .storage_pg()
            .upload_object()
            .bucket_id("b")
            .object_name("o")
            .bytes(b"x".to_vec())
            .content_type(bad)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{bad:?}: {error:?}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_download_streams_to_a_file_and_its_headers_decode() {
    let content: Vec<u8> = (0..100_000u32).map(|i| (i % 7) as u8).collect();
    let chunks: Vec<Vec<u8>> = content.chunks(10_000).map(<[u8]>::to_vec).collect();
    let served = chunks.clone();
    let server = TestServer::start(move |_| {
        let mut reply = Reply::new(200).header("Content-Type", "image/png").header("ETag", "\"v1\"");
        reply.chunks = served.clone();
        reply
    })
    .await;
    let reply = client(&server)
        .storage_pg()
        .download_object()
        .bucket_id("avatars")
        .object_name("a/b.png")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.headers()["etag"], "\"v1\"");
    let DownloadObjectResponse::Ok(body) = reply.into_inner() else { panic!("a 200 is the object") };
    assert_eq!(body.len(), Some(100_000));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = seen.clone();
    let body = body.on_progress(move |p| progress.lock().unwrap().push((p.transferred(), p.total())));
    let path = std::env::temp_dir().join(format!("cloudbase-download-{}.png", std::process::id()));
    assert_eq!(body.write_to_file(&path).await.unwrap(), 100_000);
    assert_eq!(std::fs::read(&path).unwrap(), content);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.last(), Some(&(100_000, Some(100_000))), "progress ends at the whole body");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "progress only grows: {seen:?}");
    std::fs::remove_file(&path).unwrap();
    let request = server.only_request();
    assert_eq!(request.target, "/v1/storages/object/avatars/a/b.png");
}

#[tokio::test]
async fn partial_and_not_modified_replies_are_successes_of_their_own() {
    let server = TestServer::start(|request| match request.header("range") {
        Some(_) => Reply::new(206).header("Content-Range", "bytes 0-3/10").body("0123"),
        None => Reply::new(304).header("ETag", "\"v1\""),
    })
    .await;
    let api = client(&server).storage_pg();
    let partial = api.download_object().bucket_id("b").object_name("o").range("bytes=0-3").send().await.unwrap();
    assert_eq!(partial.headers()["content-range"], "bytes 0-3/10");
    let DownloadObjectResponse::PartialContent(part) = partial.into_inner() else { panic!("206 is partial content") };
    assert_eq!(part.collect().await.unwrap(), "0123");
    let current = api.download_object().bucket_id("b").object_name("o").if_none_match("\"v1\"").send().await.unwrap();
    match current.into_inner() {
        DownloadObjectResponse::NotModified(headers) => assert_eq!(headers.etag.as_deref(), Some("\"v1\"")),
        other => panic!("304 is not modified: {other:?}"),
    }
    assert_eq!(server.requests()[1].header("if-none-match"), Some("\"v1\""));
}

#[tokio::test]
async fn a_head_reply_reads_its_documented_headers_and_refuses_a_malformed_one() {
    let server = TestServer::start(|request| {
        let length = if request.target.ends_with("bad") { "lots" } else { "2048" };
        Reply::new(200)
            .header("Content-Type", "image/png")
            .header("Content-Length", length)
            .header("ETag", "\"v2\"")
            .header("Last-Modified", "Wed, 02 Dec 2026 10:00:00 GMT")
    })
    .await;
    let api = client(&server).storage_pg();
    let reply = api.head_object().bucket_id("b").object_name("good").send().await.unwrap();
    let HeadObjectResponse::Ok(headers) = reply.into_inner() else { panic!("200") };
    assert_eq!(headers.content_length, Some(2048));
    assert_eq!(headers.content_type.as_deref(), Some("image/png"));
    assert_eq!(headers.etag.as_deref(), Some("\"v2\""));
    assert_eq!(headers.last_modified.as_deref(), Some("Wed, 02 Dec 2026 10:00:00 GMT"));
    assert_eq!(headers.cache_control, None);
    let error = api.head_object().bucket_id("b").object_name("bad").send().await.unwrap_err();
    match &error {
        Error::Decode(e) => assert!(e.to_string().contains("header `Content-Length`"), "{e}"),
        other => panic!("a malformed header is a decode error: {other:?}"),
    }
    assert_eq!(server.requests()[0].method, "HEAD");
}

#[tokio::test]
async fn token_routes_never_carry_the_clients_credentials_and_optional_ones_do_when_it_has_some() {
    let server = TestServer::start(|_| Reply::new(200).body("data")).await;
    let api = client(&server).storage_pg();
    let signed =
        api.download_object_by_signed_url().bucket_id("b").object_name("o").token("signed.jwt").send().await.unwrap();
    assert_eq!(signed.into_inner().collect().await.unwrap(), "data");
    api.download_object().bucket_id("b").object_name("o").send().await.unwrap();
    let anonymous = Client::builder().base_url(&server.url).build().unwrap();
    anonymous.storage_pg().download_object().bucket_id("b").object_name("o").send().await.unwrap();
    let with_credentials =
        Client::builder().base_url(&server.url).credentials(Credentials::access_token("user.jwt")).build().unwrap();
    with_credentials.storage_pg().download_public_object().bucket_id("b").object_name("o").send().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/storages/object/sign/b/o?token=signed.jwt");
    assert_eq!(requests[0].header("authorization"), None, "a signed URL is its own authorization");
    assert_eq!(requests[1].header("authorization"), Some("Bearer test-key"));
    assert_eq!(requests[2].header("authorization"), None);
    assert_eq!(requests[3].header("authorization"), None, "public reads go without credentials");
}

#[tokio::test]
async fn a_bucket_update_can_clear_a_limit_leave_it_or_set_it() {
    let server = TestServer::start(|_| Reply::json(200, serde_json::json!({"message": "ok"}))).await;
    let api = client(&server).storage_pg();
    let bodies = [
        UpdateBucketRequest { file_size_limit: Some(None), ..Default::default() },
        UpdateBucketRequest { public: Some(true), ..Default::default() },
        UpdateBucketRequest { file_size_limit: Some(Some(FileSizeLimit::Integer(1024))), ..Default::default() },
    ];
    for body in bodies {
        api.update_bucket().bucket_id("avatars").body(body).send().await.unwrap();
    }
    let sent: Vec<serde_json::Value> = server.requests().iter().map(Recorded::json).collect();
    assert_eq!(
        sent,
        [
            serde_json::json!({"file_size_limit": null}),
            serde_json::json!({"public": true}),
            serde_json::json!({"file_size_limit": 1024})
        ]
    );
    // And back: `null` is a state of its own.
    let read: UpdateBucketRequest = serde_json::from_value(serde_json::json!({"file_size_limit": null})).unwrap();
    assert_eq!(read.file_size_limit, Some(None));
    let absent: UpdateBucketRequest = serde_json::from_value(serde_json::json!({})).unwrap();
    assert_eq!(absent.file_size_limit, None);
}

#[tokio::test]
async fn either_documented_error_body_of_a_download_gives_its_code() {
    let server = TestServer::start(|request| {
        if request.target.contains("gateway") {
            Reply::json(
                404,
                serde_json::json!({"code": "STORAGE_BUCKET_NOT_FOUND", "message": "no bucket", "requestId": "r-1"}),
            )
        } else {
            Reply::json(
                404,
                serde_json::json!({"statusCode": "404", "error": "not_found", "message": "Object not found"}),
            )
        }
    })
    .await;
    let api = client(&server).storage_pg();
    let gateway = api.download_object().bucket_id("gateway").object_name("o").send().await.unwrap_err();
    assert_eq!(
        (gateway.code(), gateway.message(), gateway.request_id()),
        (Some("STORAGE_BUCKET_NOT_FOUND"), Some("no bucket"), Some("r-1"))
    );
    let stream = api.download_object().bucket_id("objects").object_name("o").send().await.unwrap_err();
    assert_eq!((stream.code(), stream.message()), (Some("not_found"), Some("Object not found")));
}

// The `objects` helpers, on the same operations.

#[tokio::test]
async fn the_upload_and_download_helpers_stream_one_object() {
    let server = TestServer::start(|request| match request.method.as_str() {
        "POST" => stored(),
        _ => Reply::new(200).header("Content-Type", "image/png").body("png bytes"),
    })
    .await;
    let avatars = client(&server).storage_pg().objects("avatars");
    let key = avatars
        .upload("user-1/a b.png", b"png bytes".to_vec())
        .content_type("image/png")
        .cache_control("max-age=60")
        .upsert(true)
        .send()
        .await
        .unwrap();
    assert_eq!(key, "avatars/user-1/a b.png");
    let body = avatars.download("user-1/a b.png").await.unwrap();
    let mut out = Vec::new();
    assert_eq!(body.write_to(&mut out).await.unwrap(), 9);
    assert_eq!(out, b"png bytes");
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/storages/object/avatars/user-1/a%20b.png");
    assert_eq!(
        (requests[0].header("content-type"), requests[0].header("x-upsert"), requests[0].header("cache-control")),
        (Some("image/png"), Some("true"), Some("max-age=60"))
    );
    assert_eq!(requests[0].body, b"png bytes");
    assert_eq!((requests[1].method.as_str(), requests[1].target.as_str()), ("GET", requests[0].target.as_str()));
}

#[tokio::test]
async fn the_listing_follows_the_cursor_page_by_page_until_the_last() {
    let server = TestServer::start(|request| {
        let page = match request.json()["cursor"].as_str() {
            None => serde_json::json!({
                "folders": [{"name": "2024", "id": null}],
                "objects": [{"name": "a.png", "id": "1"}],
                "hasNext": true, "nextCursor": "c1"
            }),
            Some("c1") => {
                serde_json::json!({"folders": [], "objects": [{"name": "b.png", "id": "2"}], "hasNext": false})
            }
            Some(other) => panic!("unexpected cursor {other}"),
        };
        Reply::json(200, page)
    })
    .await;
    use futures_util::TryStreamExt;
    let listed: Vec<_> = client(&server).storage_pg().objects("avatars").list("user-1/").try_collect().await.unwrap();
    let names: Vec<(&str, bool)> =
        listed.iter().map(|e| (e.name(), matches!(e, cloudbase_api::objects::Listed::Folder(_)))).collect();
    assert_eq!(names, [("2024", true), ("a.png", false), ("b.png", false)]);
    let bodies: Vec<serde_json::Value> = server.requests().iter().map(Recorded::json).collect();
    assert_eq!(
        bodies,
        [
            serde_json::json!({"prefix": "user-1/", "limit": 1000, "with_delimiter": true}),
            serde_json::json!({"prefix": "user-1/", "limit": 1000, "cursor": "c1", "with_delimiter": true}),
        ]
    );
    assert!(server.requests().iter().all(|r| r.target == "/v1/storages/object/list/avatars"));
}

#[tokio::test]
async fn a_listing_whose_cursor_does_not_move_ends_with_an_error() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            serde_json::json!({"folders": [], "objects": [{"name": "a"}], "hasNext": true, "nextCursor": "same"}),
        )
    })
    .await;
    use futures_util::TryStreamExt;
    let listing = client(&server).storage_pg().objects("b").list("").try_collect::<Vec<_>>();
    let result = tokio::time::timeout(std::time::Duration::from_secs(10), listing).await;
    let error = result.expect("a stuck cursor must not list for ever").unwrap_err();
    assert!(error.to_string().contains("nextCursor"), "{error}");
    assert_eq!(server.requests().len(), 2, "the first page, then the one that did not move");
}

#[tokio::test]
async fn signed_and_public_urls_are_absolute_on_the_clients_base_url() {
    let server = TestServer::start(|request| {
        let path = request.path().to_owned();
        if request.method == "PUT" {
            Reply::json(200, serde_json::json!({"Key": "avatars/a.png"}))
        } else if path.starts_with("/v1/storages/object/upload/sign/") {
            Reply::json(200, serde_json::json!({"url": "/object/upload/sign/avatars/a.png?token=up", "token": "up"}))
        } else if path == "/v1/storages/object/sign/avatars" {
            Reply::json(200, serde_json::json!([
                {"path": "a.png", "signedURL": "/object/sign/avatars/a.png?token=t1", "error": null},
                {"path": "gone.png", "signedURL": null, "error": "Either the object does not exist or you do not have access to it"}
            ]))
        } else if path.starts_with("/v1/storages/object/sign/") {
            Reply::json(200, serde_json::json!({"signedURL": "/object/sign/avatars/a.png?token=t0"}))
        } else {
            Reply::new(404)
        }
    })
    .await;
    let avatars = client(&server).storage_pg().objects("avatars");
    let base = &server.url;
    assert_eq!(
        avatars.signed_url("a.png", 60).await.unwrap(),
        format!("{base}/v1/storages/object/sign/avatars/a.png?token=t0")
    );
    let batch = avatars.signed_urls(["a.png", "gone.png"], 60).await.unwrap();
    assert_eq!(batch[0].as_deref(), Ok(format!("{base}/v1/storages/object/sign/avatars/a.png?token=t1").as_str()));
    assert!(batch[1].as_ref().unwrap_err().contains("does not exist"));
    let upload = avatars.signed_upload_url("a.png", true).await.unwrap();
    assert_eq!(upload.url, format!("{base}/v1/storages/object/upload/sign/avatars/a.png?token=up"));
    let key = avatars.upload_signed("a.png", upload.token, b"x".to_vec(), Some("image/png")).await.unwrap();
    assert_eq!(key, "avatars/a.png");
    let requests = server.requests();
    assert_eq!(requests[0].json(), serde_json::json!({"expiresIn": 60}));
    assert_eq!(requests[1].json(), serde_json::json!({"expiresIn": 60, "paths": ["a.png", "gone.png"]}));
    assert_eq!(
        (requests[2].header("x-upsert"), requests[2].body.len()),
        (Some("true"), 0),
        "upload signing sends no body"
    );
    assert_eq!(requests[3].target, "/v1/storages/object/upload/sign/avatars/a.png?token=up");
    assert_eq!(requests[3].header("authorization"), None, "the signed upload carries the token only");
    assert_eq!(
        avatars.public_url("user 1/头像.png").unwrap(),
        format!("{base}/v1/storages/object/public/avatars/user%201/%E5%A4%B4%E5%83%8F.png")
    );
    // A `..` segment would make the link another object's (a URL parser resolves it).
    let error = avatars.public_url("user-1/../../private/key.pem").unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    // The signed download's link, from its token, by the generated operation's `url()`.
    let link = client(&server)
        .storage_pg()
        .download_object_by_signed_url()
        .bucket_id("avatars")
        .object_name("a.png")
        .token("t0")
        .url()
        .unwrap();
    assert_eq!(link, format!("{base}/v1/storages/object/sign/avatars/a.png?token=t0"));
    assert_eq!(server.requests().len(), 4, "a URL is built, not fetched");
}

#[tokio::test]
async fn a_name_that_would_reach_another_route_is_refused_before_any_io() {
    let server = TestServer::start(|_| Reply::new(200).body("x")).await;
    let api = client(&server).storage_pg();
    // `/object/sign/x.png` is the signed-download route, `/object/info/public/...` the public
    // metadata route: a router takes their literal text first.
    let error = api.download_object().bucket_id("sign").object_name("x.png").send().await.unwrap_err();
    assert!(error.to_string().contains("/v1/storages/object/sign/{bucketId}/{objectName}"), "{error}");
    let error = api.get_object_info().bucket_id("public").object_name("x.png").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    // `upload` as the first segment of an object name is fine: no route has text there.
    api.download_object().bucket_id("avatars").object_name("upload/x.png").send().await.unwrap();
    assert_eq!(server.only_request().target, "/v1/storages/object/avatars/upload/x.png");
}

#[tokio::test]
async fn ensure_bucket_creates_a_missing_bucket_and_keeps_an_existing_one() {
    let created = Arc::new(Mutex::new(false));
    let state = created.clone();
    let server = TestServer::start(move |request| {
        let row = serde_json::json!({"id": "avatars", "name": "avatars", "public": false});
        match (request.method.as_str(), request.target.as_str()) {
            ("GET", "/v1/storages/bucket/avatars") if *state.lock().unwrap() => Reply::json(200, row),
            ("GET", "/v1/storages/bucket/avatars") => {
                Reply::json(404, serde_json::json!({"code": "STORAGE_BUCKET_NOT_FOUND"}))
            }
            ("POST", "/v1/storages/bucket/") => {
                *state.lock().unwrap() = true;
                Reply::json(200, serde_json::json!({"name": "avatars"}))
            }
            _ => Reply::new(500),
        }
    })
    .await;
    let api = client(&server).storage_pg();
    assert_eq!(api.ensure_bucket("avatars", false).await.unwrap().id, "avatars");
    let requests = server.requests();
    let asked: Vec<(&str, &str)> = requests.iter().map(|r| (r.method.as_str(), r.target.as_str())).collect();
    assert_eq!(
        asked,
        [
            ("GET", "/v1/storages/bucket/avatars"),
            ("POST", "/v1/storages/bucket/"),
            ("GET", "/v1/storages/bucket/avatars")
        ]
    );
    assert_eq!(requests[1].json(), serde_json::json!({"id": "avatars", "name": "avatars", "public": false}));
    // Now it exists: one read, no create.
    api.ensure_bucket("avatars", true).await.unwrap();
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn remove_deletes_in_batches_of_a_hundred() {
    let server = TestServer::start(|request| {
        let names = request.json()["prefixes"].as_array().unwrap().clone();
        let rows: Vec<serde_json::Value> = names.iter().map(|n| serde_json::json!({"name": n})).collect();
        Reply::json(200, serde_json::Value::Array(rows))
    })
    .await;
    let names: Vec<String> = (0..250).map(|i| format!("tmp/{i}.txt")).collect();
    let deleted = client(&server).storage_pg().objects("scratch").remove(names.clone()).await.unwrap();
    assert_eq!(deleted.len(), 250);
    let batches: Vec<usize> =
        server.requests().iter().map(|r| r.json()["prefixes"].as_array().unwrap().len()).collect();
    assert_eq!(batches, [100, 100, 50]);
    assert!(server.requests().iter().all(|r| r.method == "DELETE" && r.target == "/v1/storages/object/scratch"));
    let sent: Vec<String> = server
        .requests()
        .iter()
        .flat_map(|r| {
            r.json()["prefixes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(sent, names);
}

#[tokio::test]
async fn signed_urls_go_in_batches_of_500_and_come_back_in_the_order_asked() {
    // The documented item shape, answered in reverse order; every tenth path fails.
    let server = TestServer::start(|request| {
        let paths = request.json()["paths"].as_array().unwrap().clone();
        let items: Vec<serde_json::Value> = paths
            .iter()
            .rev()
            .map(|path| {
                let path = path.as_str().unwrap();
                if path.ends_with("0.png") {
                    serde_json::json!({"path": path, "signedURL": null, "error": "Either the object does not exist or you do not have access to it"})
                } else {
                    serde_json::json!({"path": path, "signedURL": format!("/object/sign/pics/{path}?token=t"), "error": null})
                }
            })
            .collect();
        Reply::json(200, serde_json::Value::Array(items))
    })
    .await;
    let names: Vec<String> = (0..1001).map(|i| format!("{i}.png")).collect();
    let urls = client(&server).storage_pg().objects("pics").signed_urls(names.clone(), 60).await.unwrap();
    let batches: Vec<usize> = server.requests().iter().map(|r| r.json()["paths"].as_array().unwrap().len()).collect();
    assert_eq!(batches, [500, 500, 1]);
    assert_eq!(urls.len(), 1001);
    for (name, url) in names.iter().zip(&urls) {
        if name.ends_with("0.png") {
            assert!(url.as_ref().unwrap_err().contains("does not exist"), "{name}: {url:?}");
        } else {
            assert_eq!(
                url.as_deref(),
                Ok(format!("{}/v1/storages/object/sign/pics/{name}?token=t", server.url).as_str())
            );
        }
    }
}

/// A server that answers one download with a `Content-Length` of `length`, then sends `body`
/// a byte every 50 ms, then stays silent with the connection open.
async fn trickling_download(length: usize, body: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let _ = socket.read(&mut [0u8; 4096]).await;
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n");
        let _ = socket.write_all(head.as_bytes()).await;
        for byte in body {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            if socket.write_all(&[*byte]).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    });
    url
}

#[tokio::test]
async fn a_download_that_stalls_times_out_and_one_that_trickles_does_not() {
    let idle = std::time::Duration::from_millis(300);
    // 20 bytes 50 ms apart: a second in all, each chunk well within the idle timeout.
    let trickle = trickling_download(20, b"twenty bytes, slowly").await;
    let client = Client::builder().base_url(&trickle).stream_idle_timeout(idle).build().unwrap();
    let body = client.storage_pg().objects("avatars").download("a.bin").await.unwrap();
    assert_eq!(body.collect().await.unwrap(), "twenty bytes, slowly");

    // 5 of 20 bytes, then silence.
    let stall = trickling_download(20, b"five.").await;
    let client = Client::builder().base_url(&stall).stream_idle_timeout(idle).build().unwrap();
    let body = client.storage_pg().objects("avatars").download("a.bin").await.unwrap();
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(std::time::Duration::from_secs(5), body.collect()).await;
    let error = result.expect("a stalled download must not wait for ever").unwrap_err();
    assert!(matches!(error, Error::Timeout { operation: "downloadObject" }), "{error:?}");
    let waited = started.elapsed();
    assert!(waited < std::time::Duration::from_secs(2), "timed out only after {waited:?}");
}

/// A server that answers one download of `length` bytes: `script`'s chunks, each after its
/// gap (a write of its own on a real connection), then silence with the connection open.
async fn scripted_download(length: usize, script: Vec<(std::time::Duration, usize)>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        socket.set_nodelay(true).unwrap();
        let _ = socket.read(&mut [0u8; 4096]).await;
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n");
        let _ = socket.write_all(head.as_bytes()).await;
        for (gap, bytes) in script {
            tokio::time::sleep(gap).await;
            if socket.write_all(&vec![b'x'; bytes]).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    });
    url
}

/// Reads `body` to its end: the bytes received and how it ended.
async fn read_all(mut body: ByteStream) -> (usize, Result<(), Error>) {
    use futures_util::StreamExt;
    let mut received = 0;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => received += chunk.len(),
            Err(error) => return (received, Err(error)),
        }
    }
    (received, Ok(()))
}

fn protected(url: &str, min_throughput: u64, grace_period: std::time::Duration) -> Client {
    let protection = StalledStreamProtection::enabled().min_throughput(min_throughput).grace_period(grace_period);
    Client::builder()
        .base_url(url)
        .stream_idle_timeout(std::time::Duration::from_secs(2))
        .stalled_stream_protection(protection)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_download_trickled_below_the_floor_ends_as_a_stall() {
    use std::time::{Duration, Instant};
    // A byte every 200 ms (5 bytes/s) of a megabyte: each byte well within the 2 s idle
    // timeout, which it would reset for as long as the server likes.
    let url = scripted_download(1 << 20, vec![(Duration::from_millis(200), 1); 5000]).await;
    let client = protected(&url, 100, Duration::from_secs(1));
    let body = client.storage_pg().objects("avatars").download("a.bin").await.unwrap();
    let started = Instant::now();
    let (received, ended) =
        tokio::time::timeout(Duration::from_secs(3), read_all(body)).await.expect("still receiving after 3 s");
    let waited = started.elapsed();
    let error = ended.unwrap_err();
    assert!(matches!(error, Error::Stalled { operation: "downloadObject", minimum: 100, .. }), "{error:?}");
    assert!(error.to_string().contains("below the minimum of 100 bytes/s"), "{error}");
    // Cut once a grace period of waiting is behind it (and before a second one).
    assert!(waited >= Duration::from_secs(1) && waited < Duration::from_millis(1600), "cut after {waited:?}");
    assert!(received <= 8, "{received} bytes");
    eprintln!("a 5 bytes/s download cut after {waited:?} ({received} bytes)");
}

#[tokio::test]
async fn a_slow_download_above_the_floor_is_not_cut() {
    use std::time::Duration;
    // 10 KiB/s (512 bytes every 50 ms) for 1.5 s, against a floor of 2 KiB/s over 500 ms.
    let url = scripted_download(30 * 512, vec![(Duration::from_millis(50), 512); 30]).await;
    let client = protected(&url, 2048, Duration::from_millis(500));
    let body = client.storage_pg().objects("avatars").download("a.bin").await.unwrap();
    let (received, ended) = read_all(body).await;
    assert!(ended.is_ok(), "{ended:?}");
    assert_eq!(received, 30 * 512);
}

#[tokio::test]
async fn a_reader_that_pauses_is_not_a_stall_of_the_server() {
    use futures_util::StreamExt;
    use std::time::Duration;
    // 16 KiB, a second of silence, 16 KiB: the reader takes the first part, is busy for 1.5 s,
    // then finds the rest arrived. A floor of 1000 bytes/s over 500 ms would cut a reader
    // that waited through the silence.
    let script = vec![(Duration::ZERO, 16 * 1024), (Duration::from_secs(1), 16 * 1024)];
    let url = scripted_download(32 * 1024, script).await;
    let client = protected(&url, 1000, Duration::from_millis(500));
    let mut body = client.storage_pg().objects("avatars").download("a.bin").await.unwrap();
    let mut first = 0;
    while first < 16 * 1024 {
        first += body.next().await.unwrap().unwrap().len();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (rest, ended) = read_all(body).await;
    assert!(ended.is_ok(), "{ended:?}");
    assert_eq!(first + rest, 32 * 1024);
}

#[tokio::test]
async fn a_stream_longer_or_shorter_than_its_stated_length_fails_the_upload() {
    let server = TestServer::start(|_| stored()).await;
    let api = client(&server).storage_pg();
    for (stated, actual) in [(5u64, &b"ten bytes!"[..]), (20, &b"ten bytes!"[..])] {
        let body = ByteStream::from_reader(actual).with_length(stated);
        let result = api.upload_object().bucket_id("notes").object_name("a.txt").bytes(body).send().await;
        let error = result.expect_err("a body that is not the length it was sent with must not be stored");
        assert!(matches!(error, Error::Io { operation: "uploadObject", .. }), "{error:?}");
        assert!(error.to_string().contains("stated length"), "{stated} stated, {} sent: {error}", actual.len());
    }
    // The server may have seen the head (and part of the body) of either; none was complete.
    for request in server.requests() {
        assert!(request.body.len() < 10, "{request:?}");
    }
    // The extra bytes after exactly the stated length, in a chunk of their own.
    let (head, tail) = (&b"exactly"[..], &b"!"[..]);
    let reader = tokio::io::AsyncReadExt::chain(head, tail);
    let body = ByteStream::from_reader(reader).with_length(head.len() as u64);
    let result = api.upload_object().bucket_id("notes").object_name("a.txt").bytes(body).send().await;
    let error = result.expect_err("a body one chunk longer than stated must not be stored as complete");
    assert!(error.to_string().contains("longer than its stated length of 7 bytes"), "{error}");
}

#[tokio::test]
async fn a_configured_content_type_gives_way_to_the_bodys_and_framing_headers_are_refused() {
    let server = TestServer::start(|_| stored()).await;
    let client = Client::builder().base_url(&server.url).header("Content-Type", "application/json").build().unwrap();
    let form = UploadObjectMultipart { file: ByteStream::from(&b"x"[..]), ..Default::default() };
    client.storage_pg().upload_object().bucket_id("notes").object_name("a.txt").form(form).send().await.unwrap();
    let request = server.only_request();
    let types: Vec<&str> =
        request.headers.iter().filter(|(name, _)| name == "content-type").map(|(_, v)| v.as_str()).collect();
    assert_eq!(types.len(), 1, "{types:?}");
    assert!(types[0].starts_with("multipart/form-data; boundary="), "{types:?}");
    assert_eq!(form_of(&request).part("file").map(|p| p.data().as_ref()), Some(&b"x"[..]));
    for framing in ["Content-Length", "transfer-encoding"] {
        let built = Client::builder().base_url(&server.url).header(framing, "5").build();
        let Err(Error::Config { message }) = built else { panic!("`{framing}` was accepted") };
        assert!(message.contains(framing), "{message}");
    }
}

#[tokio::test]
async fn a_copy_answered_with_its_key_alone_decodes() {
    // js-sdk 3.7.0 reads a copy's `Key` only; supabase-style servers answer `{Key}` without `Id`.
    let server = TestServer::start(|_| Reply::json(200, serde_json::json!({"Key": "avatars/user-2/me.png"}))).await;
    let body: CopyObjectRequest = serde_json::from_value(serde_json::json!({
        "bucketId": "avatars", "sourceKey": "user-1/me.png", "destinationKey": "user-2/me.png"
    }))
    .unwrap();
    let copy = client(&server).storage_pg().copy_object().body(body).send().await.unwrap();
    assert_eq!(copy.key, "avatars/user-2/me.png");
    assert_eq!(copy.id, None);
}

/// Lists with a 10 s safety net, returning the error and how many pages were asked for.
async fn listing_error(server: &TestServer) -> (cloudbase_api::Error, usize) {
    use futures_util::TryStreamExt;
    let listing = client(server).storage_pg().objects("b").list("").try_collect::<Vec<_>>();
    let result = tokio::time::timeout(std::time::Duration::from_secs(10), listing).await;
    let error = result.expect("the listing must end").unwrap_err();
    (error, server.requests().len())
}

#[tokio::test]
async fn a_listing_whose_cursors_cycle_ends_with_an_error() {
    let server = TestServer::start(|request| {
        let next = if request.json()["cursor"].as_str() == Some("A") { "B" } else { "A" };
        Reply::json(
            200,
            serde_json::json!({"folders": [], "objects": [{"name": "a"}], "hasNext": true, "nextCursor": next}),
        )
    })
    .await;
    let (error, requests) = listing_error(&server).await;
    assert!(error.to_string().contains("nextCursor"), "{error}");
    // None, A, B: the third page names A again.
    assert_eq!(requests, 3);
}

#[tokio::test]
async fn a_listing_of_endless_empty_pages_ends_with_an_error() {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let server = TestServer::start(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        Reply::json(
            200,
            serde_json::json!({"folders": [], "objects": [], "hasNext": true, "nextCursor": format!("c{n}")}),
        )
    })
    .await;
    let (error, requests) = listing_error(&server).await;
    assert!(error.to_string().contains("empty"), "{error}");
    assert_eq!(requests, cloudbase_api::objects::MAX_EMPTY_PAGES as usize);
}

/// The upload operations require a body: one never set is refused before any I/O, naming it.
#[tokio::test]
async fn an_upload_without_a_body_is_refused_before_any_request() {
    let server = TestServer::start(|_| Reply::json(200, serde_json::json!({"Key": "b/a"}))).await;
    let api = client(&server).storage_pg();
    let errors = [
        api.upload_object().bucket_id("b").object_name("a").send().await.map(|_| ()).unwrap_err(),
        api.update_object().bucket_id("b").object_name("a").send().await.map(|_| ()).unwrap_err(),
        api.upload_object_by_signed_url()
            .bucket_id("b")
            .object_name("a")
            .token("t")
            .send()
            .await
            .map(|_| ())
            .unwrap_err(),
    ];
    for error in errors {
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains("body"), "{error}");
    }
    assert!(server.requests().is_empty(), "{} requests reached the server", server.requests().len());
}

/// A gateway whose every signing answers `given` as the URL (single, batch and upload), with
/// `{host}` replaced by the `Host` the request was sent to.
async fn gateway_signing_as(given: &str) -> TestServer {
    let given = given.to_owned();
    TestServer::start(move |request| {
        let given = given.replace("{host}", request.header("host").unwrap_or_default());
        let path = request.path();
        if path.contains("/object/upload/sign/") {
            Reply::json(200, serde_json::json!({"url": given, "token": "SECRET-upload"}))
        } else if path.ends_with("/object/sign/b") {
            Reply::json(200, serde_json::json!([{"path": "a.png", "signedURL": given, "error": null}]))
        } else {
            Reply::json(200, serde_json::json!({"signedURL": given}))
        }
    })
    .await
}

/// The URL each signing helper hands back for `given`, or its error, with the operation it names.
async fn signed_by_each_helper(client: &Client) -> Vec<(&'static str, Result<String, Error>)> {
    let objects = client.storage_pg().objects("b");
    // An item the service could not sign is no URL: shown as text, so that it fails the tests.
    let batch = objects
        .signed_urls(["a.png"], 60)
        .await
        .map(|mut urls| urls.remove(0).unwrap_or_else(|failure| format!("not signed: {failure}")));
    vec![
        ("createSignedUrl", objects.signed_url("a.png", 60).await),
        ("createSignedUrls", batch),
        ("createSignedUploadUrl", objects.signed_upload_url("a.png", false).await.map(|upload| upload.url)),
    ]
}

/// Signed URLs are the service's, relative to `/v1/storages`: one holding a control character or
/// whitespace at an end, one that is no URL, one whose dot segments (literal, `%2E`-encoded, or
/// between `\`s) climb out of `/v1/storages/`, one with userinfo and one on another origin are
/// each a decode error of the signing operation, which shows neither a token nor a raw control
/// character.
#[tokio::test]
async fn a_signed_url_that_is_unfit_or_leads_out_of_storage_is_refused() {
    let refused = [
        "/object/sign/b/a.png?token=SECRET\r\nX-Injected: 1",
        "/object/sign/b/a\0.png?token=SECRET",
        " /object/sign/b/a.png?token=SECRET",
        "/object/sign/b/a.png?token=SECRET\n",
        "/object/sign/b/a.png?token=SECRET\t",
        "/object/sign/b/a\u{7f}.png?token=SECRET",
        "/object/sign/b/a\u{9b}31m.png?token=SECRET",
        "\u{a0}/object/sign/b/a.png?token=SECRET",
        "",
        "../../v1/functions/hello?token=SECRET",
        "/../../v1/functions/hello?token=SECRET",
        "%2E%2E/%2E%2E/v1/functions?token=SECRET",
        "/object/sign/%2e%2E/../../v1/functions?token=SECRET",
        "/object\\..\\..\\..\\v1\\functions?token=SECRET",
        "/object/sign/b/..%2F..%2F..%2F..%2Fv1%2Ffunctions?token=SECRET",
        "/object/sign/b/..%5C..%5C..%5C..%5Cv1?token=SECRET",
        "//other.example/v1/storages/object/sign/b/a.png?token=SECRET",
        "http://user:SECRET@{host}/v1/storages/object/sign/b/a.png?token=SECRET",
        "http://SECRET@{host}/v1/storages/object/sign/b/a.png",
        "https://other.example/v1/storages/object/sign/b/a.png?token=SECRET",
        "http://{host}/v1/functions/hello?token=SECRET",
        "javascript:alert(document.cookie)?token=SECRET",
        "http://[::1/object?token=SECRET",
    ];
    let mut wrong = Vec::new();
    for given in refused {
        let server = gateway_signing_as(given).await;
        for (operation, result) in signed_by_each_helper(&client(&server)).await {
            match result {
                Err(error @ Error::Decode(_)) => {
                    let (shown, debug) = (error.to_string(), format!("{error:?}"));
                    let leaks = shown.contains("SECRET") || debug.contains("SECRET");
                    if error.operation() != operation || leaks || shown.chars().any(char::is_control) {
                        wrong.push(format!("{given:?} by {operation}: {shown} / {debug}"));
                    }
                }
                other => wrong.push(format!("{given:?} by {operation}: {other:?}")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} signings not refused as they should be:\n{}",
        wrong.len(),
        refused.len() * 3,
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_refused_signed_url_is_named_with_its_character_escaped_and_its_query_hidden() {
    let server = gateway_signing_as("/object/sign/b/a.png?token=SECRET&expires=1\r\nX-Injected: 1").await;
    let error = client(&server).storage_pg().objects("b").signed_url("a.png", 60).await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.starts_with("createSignedUrl: "), "{shown}");
    assert!(shown.contains("signedURL") && shown.contains("\\r"), "{shown}");
    assert!(shown.contains("/object/sign/b/a.png?token=<redacted>&expires=<redacted>"), "{shown}");
    let server = gateway_signing_as("../../v1/functions/hello?token=SECRET").await;
    let error = client(&server).storage_pg().objects("b").signed_url("a.png", 60).await.unwrap_err();
    assert!(error.to_string().contains("/v1/storages/"), "{error}");
}

/// What stays under `/v1/storages/` is resolved there, on the base URL and its path.
#[tokio::test]
async fn a_signed_url_that_stays_in_storage_is_resolved_on_the_base_url() {
    let accepted = [
        "/object/sign/b/a.png?token=t",
        "object/sign/b/a.png?token=t",
        "/object/sign/b/./a.png?token=t",
        "/object/sign/b/x/../a.png?token=t",
        "/object/sign/b/x/%2E%2E/a.png?token=t",
        "http://{host}/v1/storages/object/sign/b/a.png?token=t",
        "http://{host}/gw/v1/storages/object/sign/b/a.png?token=t",
    ];
    for given in accepted {
        let server = gateway_signing_as(given).await;
        let (base, in_path) =
            if given.contains("/gw/") { (format!("{}/gw", server.url), "/gw") } else { (server.url.clone(), "") };
        let client = Client::builder().base_url(&base).credentials(Credentials::api_key("k")).build().unwrap();
        for (operation, result) in signed_by_each_helper(&client).await {
            let expected = format!("{}{in_path}/v1/storages/object/sign/b/a.png?token=t", server.url);
            assert_eq!(result.map_err(|e| e.to_string()), Ok(expected), "{given:?} by {operation}");
        }
    }
}

/// A signed upload and the signed links as `Debug` shows them: the token neither alone nor in
/// the URL's query, the host, the path and the other query keys kept.
#[tokio::test]
async fn signed_uploads_and_links_show_no_token_in_debug() {
    let server = TestServer::start(|request| {
        if request.path().starts_with("/v1/storages/object/upload/sign/") {
            Reply::json(200, serde_json::json!({"url": "/object/upload/sign/avatars/a.png?token=up-Secret-1", "token": "up-Secret-1"}))
        } else {
            Reply::json(200, serde_json::json!({"signedURL": "/object/sign/avatars/a.png?token=dl-Secret-2&download=a.png"}))
        }
    })
    .await;
    let client = client(&server);
    let upload = client.storage_pg().objects("avatars").signed_upload_url("a.png", false).await.unwrap();
    let host = server.url.trim_start_matches("http://");
    for shown in [format!("{upload:?}"), format!("{upload:#?}")] {
        assert!(!shown.contains("up-Secret-1"), "{shown}");
        assert!(
            shown.contains(host) && shown.contains("/v1/storages/object/upload/sign/avatars/a.png?token=<redacted>"),
            "{shown}"
        );
    }
    let reply = client
        .storage_pg()
        .create_signed_url()
        .bucket_id("avatars")
        .object_name("a.png")
        .body(SignRequest { expires_in: 60 })
        .send()
        .await
        .unwrap();
    let shown = format!("{reply:?}");
    assert!(
        !shown.contains("dl-Secret-2") && shown.contains("/object/sign/avatars/a.png?token=<redacted>&download=a.png"),
        "{shown}"
    );
}
