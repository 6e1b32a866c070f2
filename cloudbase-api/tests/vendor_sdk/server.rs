//! The loopback server the Rust side of the comparison talks to: it records every request (the
//! support module's `TestServer`) and answers with the reply shapes of the vendor-SDK recorder
//! (`tools/vendor-sdk/lib/replies.cjs`, ported as far as the counterparts need), so multi-step
//! flows go on: sign-ins return tokens numbered in issue order, the classic upload's `uploadUrl`
//! and the download URLs point back here (under `/__cos/` and `/__cdn/`), rdb answers carry
//! `Content-Range`, chat streams end with `[DONE]`. A call may arm one of the recorder's one-shot
//! faults (`tools/vendor-sdk/lib/common.cjs`): the first matching request of the call gets it.

use crate::support::{Recorded, Reply, TestServer};
use base64::Engine;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const ENV: &str = "my-env-1a2b";
/// Where the upload URL and the download URLs point, on this server (the SDKs' COS and CDN hosts).
pub const COS: &str = "/__cos";
pub const CDN: &str = "/__cdn";

const FILE_BYTES: &[u8] = b"bright moonlight";
const PNG_BYTES: [u8; 16] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52];

/// A one-shot fault of the recorder, by the name its `fault.<name>` call id carries.
struct Fault {
    name: &'static str,
    method: Option<&'static str>,
    matches: fn(&str) -> bool,
    reply: fn(&mut State) -> Reply,
}

fn error_json(status: u16, body: Value) -> Reply {
    json_reply(status, body)
}

const FAULTS: &[Fault] = &[
    Fault {
        name: "function_401_expired",
        method: Some("POST"),
        matches: |p| p == "/v1/functions/sum",
        reply: |_| {
            error_json(
                401,
                json!({"code": "ACCESS_TOKEN_EXPIRED", "message": "access token expired", "requestId": "r-401"}),
            )
        },
    },
    Fault {
        name: "function_404",
        method: Some("POST"),
        matches: |p| p == "/v1/functions/sum",
        reply: |_| {
            error_json(
                404,
                json!({"code": "FUNCTION_NOT_FOUND", "message": "function not found", "requestId": "r-404"}),
            )
        },
    },
    Fault {
        name: "cloudrun_404",
        method: None,
        matches: |p| p.starts_with("/v1/cloudrun/shop/"),
        reply: |_| {
            error_json(404, json!({"code": "SERVICE_NOT_FOUND", "message": "Service not found.", "requestId": "r-404"}))
        },
    },
    Fault {
        name: "auth_invalid_password",
        method: Some("POST"),
        matches: |p| p == "/auth/v1/signin",
        reply: |_| {
            error_json(
                400,
                json!({"error": "invalid_password", "error_code": 4, "error_description": "password is wrong"}),
            )
        },
    },
    Fault {
        name: "captcha_required",
        method: Some("POST"),
        matches: |p| p == "/auth/v1/verification",
        reply: |_| {
            error_json(
                400,
                json!({"error": "captcha_required", "error_code": 4, "error_description": "captcha required"}),
            )
        },
    },
    Fault {
        name: "rdb_409",
        method: Some("POST"),
        matches: |p| p == "/v1/rdb/rest/students",
        reply: |_| {
            error_json(
                409,
                json!({"code": "DATABASE_23505", "message": "duplicate key value violates unique constraint \"students_pkey\"", "requestId": "r-409"}),
            )
        },
    },
    Fault {
        name: "ai_429",
        method: Some("POST"),
        matches: |p| p.starts_with("/v1/ai/"),
        reply: |_| {
            error_json(
                429,
                json!({"error": {"code": "rate_limit_exceeded", "message": "slow down", "type": "rate_limit_error"}}),
            )
        },
    },
    Fault {
        name: "ai_400",
        method: Some("POST"),
        matches: |p| p.starts_with("/v1/ai/"),
        reply: |_| {
            error_json(400, json!({"code": "AI_INVALID_MODEL", "message": "invalid model", "requestId": "r-400"}))
        },
    },
    Fault {
        name: "storage_item_missing",
        method: Some("POST"),
        matches: |p| p == "/v1/storages/get-objects-download-info",
        reply: |_| {
            json_reply(
                200,
                json!([{"cloudObjectId": cloud_object_id("poems/a.txt"), "code": "STORAGE_NOT_EXIST", "message": "storage object not exists"}]),
            )
        },
    },
    Fault {
        name: "token_expired_by_time",
        method: Some("POST"),
        matches: |p| p == "/auth/v1/signin",
        reply: |state| json_reply(200, state.tokens(json!({"expires_in": 31}))),
    },
];

pub fn cloud_object_id(key: &str) -> String {
    format!("cloud://{ENV}.6d79-{ENV}-1250000000/{key}")
}

/// An unsigned JWT, as the recorder issues them (some SDK paths decode the access token).
pub fn jwt(payload: &Value) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        b64(&json!({"alg": "RS256", "kid": "recorder", "typ": "JWT"}).to_string()),
        b64(&payload.to_string()),
        b64("recorder-signature")
    )
}

fn json_reply(status: u16, body: Value) -> Reply {
    Reply::new(status).header("Content-Type", "application/json; charset=utf-8").body(body.to_string())
}

#[derive(Default)]
struct State {
    base: String,
    token_seq: u64,
    fault: Option<&'static Fault>,
    fired: u32,
}

impl State {
    fn tokens(&mut self, extra: Value) -> Value {
        self.token_seq += 1;
        let n = self.token_seq;
        let mut tokens = json!({
            "token_type": "Bearer",
            "access_token": jwt(&json!({"iss": format!("https://{ENV}.api.tcloudbasegateway.com"), "sub": "u-1001", "aud": ENV, "scope": "user", "n": n, "exp": 4102444800u64, "iat": 1767225600u64})),
            "refresh_token": format!("rt-{n}"),
            "expires_in": 7200,
            "scope": "user",
            "sub": "u-1001",
            "groups": ["user"],
        });
        if let (Some(tokens), Value::Object(extra)) = (tokens.as_object_mut(), extra) {
            tokens.extend(extra);
        }
        tokens
    }
}

/// The recording server and what the harness tells it (the fault armed for the current call).
pub struct Recorder {
    pub server: TestServer,
    state: Arc<Mutex<State>>,
}

impl Recorder {
    pub async fn start() -> Recorder {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let server = TestServer::start(move |request| answer(&mut shared.lock().unwrap(), request)).await;
        state.lock().unwrap().base = server.url.clone();
        Recorder { server, state }
    }

    /// Arms the fault a `fault.<name>` call id names (none for other ids).
    pub fn begin_call(&self, call: &str) {
        let mut state = self.state.lock().unwrap();
        state.fault = call.strip_prefix("fault.").and_then(|name| FAULTS.iter().find(|f| f.name == name));
        state.fired = 0;
    }

    /// How many requests the armed fault answered.
    pub fn end_call(&self) -> u32 {
        let mut state = self.state.lock().unwrap();
        state.fault = None;
        std::mem::take(&mut state.fired)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }
}

fn answer(state: &mut State, request: &Recorded) -> Reply {
    let path = request.path().to_owned();
    if let Some(fault) = state.fault
        && state.fired == 0
        && fault.method.is_none_or(|m| m == request.method)
        && (fault.matches)(&path)
    {
        state.fired += 1;
        return (fault.reply)(state);
    }
    if path.starts_with(COS) {
        return Reply::new(200).header("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
    }
    if path.starts_with(CDN) {
        return Reply::new(200).header("Content-Type", "text/plain").body(FILE_BYTES);
    }
    gateway(state, request, &path).unwrap_or_else(|| {
        json_reply(404, json!({"code": "NOT_RECORDED", "message": format!("no reply for {} {path}", request.method)}))
    })
}

fn query_param(request: &Recorded, name: &str) -> Option<String> {
    request.query().split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned())
    })
}

fn gateway(state: &mut State, request: &Recorded, p: &str) -> Option<Reply> {
    let method = request.method.as_str();
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let ok = |body: Value| Some(json_reply(200, body));

    if let Some(a) = p.strip_prefix("/auth/v1").or_else(|| p.strip_prefix("/auth/v2")) {
        return match a {
            "/token/clientCredential" => {
                state.token_seq += 1;
                let n = state.token_seq;
                let token = jwt(&json!({"iss": ENV, "sub": "client-credential", "scope": "admin", "n": n}));
                ok(json!({"token_type": "Bearer", "access_token": token, "expires_in": 7200}))
            }
            "/signin/anonymously" => ok(state.tokens(json!({"scope": "anonymous", "groups": ["anonymous"]}))),
            "/signin" | "/signin/username" | "/signup" | "/signin/custom" | "/signin/with/provider" | "/token" => {
                ok(state.tokens(json!({})))
            }
            "/user/me" => ok(json!({
                "sub": "u-1001", "name": "Li Bai", "picture": "https://example.com/avatar/libai.png", "username": "libai",
                "email": "libai@example.com", "phone_number": "+86 13800138000", "gender": "MALE", "status": "ACTIVE",
                "groups": [{"id": "user"}], "providers": [{"id": "wx_open", "provider_user_id": "o-libai", "name": "Li Bai"}],
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                "password_updated_at": "2026-01-01T00:00:00Z", "user_id": "u-1001", "has_password": true, "type": "external",
            })),
            "/verification" => ok(json!({"verification_id": "vid-1", "expires_in": 600, "is_user": true})),
            "/verification/verify" => ok(json!({"verification_token": "vt-1", "expires_in": 600})),
            "/user/sudo" => ok(json!({"sudo_token": "st-1", "expires_in": 900})),
            "/provider/uri" => ok(json!({
                "uri": "https://open.weixin.qq.com/connect/qrconnect?appid=wx0&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&state=s1",
                "signout_uri": "",
            })),
            "/provider/token" => ok(json!({
                "provider_token": "pt-1", "expires_in": 1200,
                "provider_profile": {"provider_id": "wx_open", "sub": "o-libai", "name": "Li Bai"},
            })),
            "/captcha/data" => ok(json!({
                "data": "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
                "type": "image", "token": "ct-1", "expires_in": 300,
            })),
            _ => ok(json!({})),
        };
    }

    if let Some(rest) = p.strip_prefix("/v1/functions/") {
        return if rest == "sum" {
            ok(json!({"sum": 3}))
        } else {
            ok(json!({"page": 1, "plants": [{"id": 1, "name": "fern"}]}))
        };
    }
    if let Some(rest) = p.strip_prefix("/v1/model/") {
        let record = json!({"_id": "m-1", "name": "Li Bai", "grade": 3});
        return ok(match rest.rsplit('/').next() {
            Some("list") => json!({"data": {"records": [record], "total": 1}, "requestId": "r-model"}),
            Some("get") => json!({"data": record, "requestId": "r-model"}),
            _ => json!({"data": {}, "requestId": "r-model"}),
        });
    }
    if let Some(rest) = p.strip_prefix("/v1/apis/") {
        let (api, path) = rest.split_once('/').map_or((rest, String::new()), |(a, p)| (a, format!("/{p}")));
        return ok(json!({"ok": true, "api": api, "path": path}));
    }
    if let Some(rest) = p.strip_prefix("/v1/cloudrun/") {
        let (service, path) = rest.split_once('/').map_or((rest, String::new()), |(s, p)| (s, format!("/{p}")));
        return ok(json!({"ok": true, "service": service, "path": path, "method": method}));
    }
    if p.starts_with("/v1/ai/") {
        let model = body.get("model").and_then(Value::as_str).unwrap_or("hunyuan-lite").to_owned();
        if body.get("stream") == Some(&Value::Bool(true)) {
            let chunk = |delta: Value, finish: Value, usage: Option<Value>| {
                let mut chunk = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1723618716, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
                if let Some(usage) = usage {
                    chunk["usage"] = usage;
                }
                format!("data: {chunk}\n\n")
            };
            let usage = json!({"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16});
            return Some(
                Reply::new(200)
                    .header("Content-Type", "text/event-stream; charset=utf-8")
                    .header("Cache-Control", "no-cache")
                    .body(chunk(json!({"role": "assistant", "content": "Moonlight "}), Value::Null, None))
                    .body(chunk(json!({"content": "before my bed."}), Value::Null, None))
                    .body(chunk(json!({}), json!("stop"), Some(usage)))
                    .body("data: [DONE]\n\n"),
            );
        }
        return ok(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1723618716, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Moonlight before my bed."}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16},
        }));
    }

    let items = || body.as_array().cloned().unwrap_or_default();
    match p {
        "/v1/storages/get-objects-upload-info" => {
            let base = &state.base;
            return ok(Value::Array(
                items()
                    .iter()
                    .map(|it| {
                        let key = it["objectId"].as_str().unwrap_or_default();
                        json!({
                            "objectId": key,
                            "uploadUrl": format!("{base}{COS}/{key}?sign=q-sign-algorithm%3Dsha1"),
                            "downloadUrl": format!("{base}{CDN}/{key}"),
                            "token": "cos-security-token",
                            "authorization": "q-sign-algorithm=sha1&q-ak=AKIDCOS&q-sign-time=1767225600;1767229200&q-key-time=1767225600;1767229200&q-header-list=content-length;content-type;host&q-url-param-list=&q-signature=0000",
                            "cloudObjectMeta": "cos-object-meta",
                            "cloudObjectId": cloud_object_id(key),
                        })
                    })
                    .collect(),
            ));
        }
        "/v1/storages/get-objects-download-info" => {
            let base = &state.base;
            return ok(Value::Array(
                items()
                    .iter()
                    .map(|it| {
                        let id = it["cloudObjectId"].as_str().unwrap_or_default();
                        let key = id.splitn(4, '/').nth(3).unwrap_or_default();
                        json!({"cloudObjectId": id, "downloadUrl": format!("{base}{CDN}/{key}?sign=s1&t=1767229200")})
                    })
                    .collect(),
            ));
        }
        "/v1/storages/delete-objects" => {
            return ok(Value::Array(items().iter().map(|it| json!({"cloudObjectId": it["cloudObjectId"]})).collect()));
        }
        "/v1/storages/copy-objects" => {
            return ok(Value::Array(items().iter().map(|it| json!({"cloudObjectId": it["dstPath"]})).collect()));
        }
        _ => {}
    }

    if let Some(id) = p.strip_prefix("/v1/storages/bucket") {
        let id = id.trim_start_matches('/');
        let bucket = json!({"id": "avatars", "name": "avatars", "owner_id": "u-1001", "public": false, "type": "STANDARD",
            "file_size_limit": 1048576, "allowed_mime_types": ["image/png"],
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"});
        return match (method, id.is_empty()) {
            ("POST", _) => ok(json!({"name": body.get("name").cloned().unwrap_or(json!("avatars"))})),
            ("GET", true) => ok(json!([bucket])),
            ("GET", false) => ok(bucket),
            ("PUT", _) => ok(json!({"message": "Successfully updated"})),
            ("DELETE", _) => ok(json!({"message": "Successfully deleted"})),
            _ => None,
        };
    }
    if let Some(rest) = p.strip_prefix("/v1/storages/object") {
        let object = json!({"key": "user-1/me.png", "name": "user-1/me.png", "id": "obj-1",
            "updated_at": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z",
            "last_accessed_at": "2026-01-01T00:00:00Z", "metadata": {"size": 16, "mimetype": "image/png"}});
        let segments: Vec<&str> = rest.trim_start_matches('/').splitn(3, '/').collect();
        return match (method, segments.as_slice()) {
            (_, ["list", _]) => ok(json!({"folders": [], "objects": [object], "hasNext": false})),
            (_, ["copy"]) => ok(json!({"Id": "obj-2", "Key": format!("{}/{}", body["bucketId"].as_str().unwrap_or_default(), body["destinationKey"].as_str().unwrap_or_default())})),
            (_, ["move"]) => ok(json!({"message": "Successfully moved"})),
            (_, ["info", bucket, name]) => ok(json!({"id": "obj-1", "name": name, "version": "v1", "bucket_id": bucket, "size": 16,
                "content_type": "image/png", "cache_control": "max-age=3600", "etag": "\"e1\"", "metadata": {},
                "last_modified": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z"})),
            (_, ["sign", bucket]) => ok(Value::Array(
                body["paths"].as_array().cloned().unwrap_or_default().iter().map(|path| {
                    let path = path.as_str().unwrap_or_default();
                    json!({"path": path, "signedURL": format!("/object/sign/{bucket}/{path}?token=sig-{path}"), "error": null})
                }).collect(),
            )),
            (_, ["sign", bucket, name]) => ok(json!({"signedURL": format!("/object/sign/{bucket}/{name}?token=sig-1")})),
            (_, ["upload", "sign", rest]) => {
                ok(json!({"url": format!("/object/upload/sign/{rest}?token=up-1"), "token": "up-1"}))
            }
            ("DELETE", [bucket]) => ok(Value::Array(
                body["prefixes"].as_array().cloned().unwrap_or_default().iter().map(|name| json!({
                    "name": name, "bucket_id": bucket, "id": "obj-1", "version": "v1", "updated_at": "2026-01-01T00:00:00Z",
                    "created_at": "2026-01-01T00:00:00Z", "last_accessed_at": "2026-01-01T00:00:00Z", "metadata": {},
                })).collect(),
            )),
            ("POST" | "PUT", [_, _, ..]) => {
                let key = percent_encoding::percent_decode_str(rest.trim_start_matches('/')).decode_utf8_lossy();
                ok(json!({"Id": "obj-1", "Key": key}))
            }
            ("GET", [_, ..]) => Some(Reply::new(200).header("Content-Type", "image/png").header("ETag", "\"e1\"").body(PNG_BYTES)),
            _ => None,
        };
    }

    if let Some(tail) = p.strip_prefix("/v1/rdb/rest/") {
        let accept = request.header("accept").unwrap_or_default().to_owned();
        let prefer = request.header("prefer").unwrap_or_default().to_owned();
        let with_range = |reply: Reply, range: &str| reply.header("Content-Range", range);
        let student = json!({"id": 7, "name": "Li Bai", "grade": 3});
        if tail.starts_with("rpc/") {
            return if tail == "rpc/grade_sizes" {
                Some(with_range(json_reply(200, json!([{"grade": 3, "size": 1}])), "0-0/1"))
            } else {
                ok(json!(1))
            };
        }
        let representation = prefer.contains("return=representation");
        return Some(match method {
            "HEAD" => {
                Reply::new(200).header("Content-Type", "application/json; charset=utf-8").header("Content-Range", "*/1")
            }
            "GET" if accept.contains("application/vnd.pgrst.object+json") => Reply::new(200)
                .header("Content-Type", "application/vnd.pgrst.object+json; charset=utf-8")
                .header("Content-Range", "0-0/1")
                .body(student.to_string()),
            "GET" => with_range(json_reply(200, json!([student])), "0-0/1"),
            "POST" if representation => with_range(json_reply(201, body), "*/*"),
            "POST" => Reply::new(201).header("Content-Range", "*/*"),
            "PATCH" | "DELETE" if representation => {
                let mut row = student.clone();
                if let (Some(row), Some(set)) = (row.as_object_mut(), body.as_object()) {
                    row.extend(set.clone());
                }
                with_range(json_reply(200, json!([row])), "0-0/*")
            }
            "PATCH" | "DELETE" => Reply::new(204).header("Content-Range", "0-0/*"),
            _ => return None,
        });
    }

    if let Some(rest) = p.strip_prefix("/v1/database/instances/") {
        // instance / "databases" / database / tail
        let tail = rest.splitn(4, '/').nth(3).map(|t| format!("/{t}")).unwrap_or_default();
        let doc = json!({"_id": "d-1", "name": "Li Bai", "age": {"$numberInt": "30"}});
        // The recorder answers these 200; the spec documents 201, and cloudbase-api refuses a
        // status the spec does not document, so the flow would stop there.
        let created = |body: Value| Some(json_reply(201, body));
        let t: Vec<&str> = tail.trim_start_matches('/').split('/').collect();
        return match (method, t.as_slice()) {
            ("POST", ["collections"]) => created(json!({})),
            ("POST", ["transactions"]) => created(json!({"transactionId": "txn-1"})),
            (_, ["transactions", _, _]) => ok(json!({})),
            (_, ["commands"]) => ok(
                json!({"list": [[{"cursor": {"firstBatch": [doc], "id": {"$numberLong": "0"}, "ns": format!("{ENV}.poets")}, "ok": {"$numberDouble": "1.0"}}]]}),
            ),
            ("POST", ["collections", _, "documents"]) => {
                let n = body["data"].as_array().map_or(1, Vec::len);
                created(json!({"insertedIds": (1..=n).map(|i| format!("d-{i}")).collect::<Vec<_>>()}))
            }
            ("GET", ["collections", _, "documents"]) => {
                if query_param(request, "count").as_deref() == Some("true") {
                    ok(json!({"total": 1}))
                } else {
                    let number = |name| query_param(request, name).and_then(|v| v.parse::<i64>().ok());
                    ok(
                        json!({"offset": number("offset").unwrap_or(0), "limit": number("limit").unwrap_or(100), "list": [doc]}),
                    )
                }
            }
            ("PATCH", ["collections", _, "documents"]) => ok(json!({"updated": 1, "matched": 1, "upsert_id": ""})),
            (_, ["collections", _, "documents", "remove"]) => ok(json!({"deleted": 1})),
            (_, ["collections", _, "documents", "aggregations"]) => {
                ok(json!({"list": [{"_id": {"$numberInt": "3"}, "count": {"$numberInt": "1"}}]}))
            }
            ("GET", ["collections", _, "documents", _]) => ok(doc),
            ("DELETE", ["collections", _, "documents", _]) => ok(json!({"deleted": 1})),
            (_, ["collections", _, "documents", _]) => ok(json!({"updated": 1, "matched": 1, "upsert_id": ""})),
            _ => None,
        };
    }
    None
}
