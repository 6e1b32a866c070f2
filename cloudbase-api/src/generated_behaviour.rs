//! How generated types behave on the wire, checked on the codegen fixtures (one per construct).

use crate::fixtures::{object_struct, one_of, optional_nullable, read_write_only, recursive, string_enum};
use serde_json::json;

#[test]
fn string_enums_round_trip_known_and_unknown_values() {
    use string_enum::Target;
    assert_eq!(Target::from("NOT_USER"), Target::NotUser);
    assert_eq!(serde_json::from_value::<Target>(json!("count=exact")).unwrap(), Target::CountExact);
    // The value "Other" is a known variant; the catch-all moved aside to `Other2`.
    assert_eq!(serde_json::from_value::<Target>(json!("Other")).unwrap(), Target::Other);
    let unknown = serde_json::from_value::<Target>(json!("NEW_VALUE")).unwrap();
    assert_eq!(unknown, Target::Other2("NEW_VALUE".into()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("NEW_VALUE"));
    assert_eq!(Target::V404.to_string(), "404");
}

#[test]
fn unions_pick_the_variant_by_its_own_properties() {
    use one_of::{Animal, Content, ItemResult};
    let failure: ItemResult = serde_json::from_value(json!({"cloudObjectId": "x", "code": "E"})).unwrap();
    assert!(matches!(failure, ItemResult::Failure(ref f) if f.code.as_deref() == Some("E")));
    let success: ItemResult = serde_json::from_value(json!({"cloudObjectId": "x"})).unwrap();
    assert!(matches!(success, ItemResult::Success(_)));
    assert_eq!(serde_json::to_value(&failure).unwrap(), json!({"cloudObjectId": "x", "code": "E"}));

    assert!(matches!(serde_json::from_value(json!({"kind": "cat"})).unwrap(), Animal::Cat(_)));
    assert!(matches!(serde_json::from_value(json!({"kind": "Dog", "barks": true})).unwrap(), Animal::Dog(_)));
    let unknown = serde_json::from_value::<Animal>(json!({"kind": "cow"})).unwrap_err();
    assert!(unknown.to_string().contains("unknown `kind` value `cow`"), "{unknown}");

    assert_eq!(serde_json::from_value::<Content>(json!("text")).unwrap(), Content::String("text".into()));
    assert_eq!(serde_json::from_value::<Content>(json!(["a"])).unwrap(), Content::Array(vec!["a".into()]));
    let neither = serde_json::from_value::<Content>(json!(3)).unwrap_err();
    assert!(neither.to_string().contains("matches no variant of Content"), "{neither}");
}

#[test]
fn required_nullable_fields_are_sent_as_null_and_optional_ones_skipped() {
    let profile = optional_nullable::Profile { id: "1".into(), nickname: None, bio: None, avatar: None };
    assert_eq!(serde_json::to_value(&profile).unwrap(), json!({"id": "1", "nickname": null}));
    let missing_required = serde_json::from_value::<optional_nullable::Profile>(json!({"nickname": "n"}));
    assert!(missing_required.is_err());
    assert_eq!(optional_nullable::AllOptional::default(), serde_json::from_value(json!({})).unwrap());
}

#[test]
fn additional_properties_beside_known_ones_are_kept() {
    let wire = json!({"petId": "p1", "name": "Rex", "extraInfo": {"color": "brown", "size": 3}});
    let pet: object_struct::Pet = serde_json::from_value(wire.clone()).unwrap();
    let extra = pet.extra_info.as_ref().unwrap();
    assert_eq!(extra.color.as_deref(), Some("brown"));
    assert_eq!(extra.extra.get("size"), Some(&json!(3)));
    assert_eq!(serde_json::to_value(&pet).unwrap(), wire);
}

#[test]
fn recursive_types_nest() {
    let wire = json!({"value": "a", "next": {"value": "b", "children": [{"value": "c"}]}});
    let node: recursive::Node = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(node.next.as_ref().and_then(|n| n.children.as_ref()).map(Vec::len), Some(1));
    assert_eq!(serde_json::to_value(&node).unwrap(), wire);
}

#[test]
fn read_only_and_write_only_fields_are_optional() {
    let from_server: read_write_only::Account = serde_json::from_value(json!({"id": "a1", "name": "n"})).unwrap();
    assert_eq!(from_server.password, None);
    let to_server = read_write_only::Account { id: None, password: Some("pw".into()), name: "n".into() };
    assert_eq!(serde_json::to_value(&to_server).unwrap(), json!({"password": "pw", "name": "n"}));
}

/// Decodes `wire` as `T` and checks its `Debug`: no value in `secrets` shows (plain or `{:#?}`),
/// every text in `visible` does (plain).
#[allow(dead_code)] // used by the area tests, which some feature sets lack
fn assert_redacted<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    wire: serde_json::Value,
    secrets: &[&str],
    visible: &[&str],
) -> T {
    let value: T = serde_json::from_value(wire).unwrap();
    let shown = format!("{value:?}");
    for secret in secrets {
        for shown in [&shown, &format!("{value:#?}")] {
            assert!(!shown.contains(secret), "{} shows the secret {secret}: {shown}", std::any::type_name::<T>());
        }
    }
    for text in visible {
        assert!(shown.contains(text), "{} hides {text}: {shown}", std::any::type_name::<T>());
    }
    value
}

/// The auth request bodies and replies that carry passwords, tokens, tickets and codes.
#[cfg(feature = "auth")]
#[test]
fn auth_types_redact_their_secrets_in_debug() {
    use crate::auth::*;
    let sign_in: SignInRequest = assert_redacted(
        json!({"username": "li.bai", "password": "pw-Secret-1"}),
        &["pw-Secret-1"],
        &["li.bai", "password: Some(<redacted>)", "verification_token: None"],
    );
    assert_eq!(sign_in.password.as_deref(), Some("pw-Secret-1"), "the value itself is untouched");
    let token: TokenResponse = assert_redacted(
        json!({"token_type": "Bearer", "access_token": "at-Secret-2", "refresh_token": "rt-Secret-3",
               "id_token": "id-Secret-4", "expires_in": 7200, "scope": "user", "sub": "u-42"}),
        &["at-Secret-2", "rt-Secret-3", "id-Secret-4"],
        &["Bearer", "7200", "u-42", "access_token: Some(<redacted>)"],
    );
    // A reply as `send()` gives it.
    let reply =
        crate::Response { head: crate::response::Head::new("Auth_SignIn", 200, Default::default()), value: token };
    let shown = format!("{reply:?}");
    assert!(!shown.contains("Secret") && shown.contains("u-42") && shown.contains("Auth_SignIn"), "{shown}");

    assert_redacted::<GrantTokenRequest>(
        json!({"grant_type": "refresh_token", "refresh_token": "rt-Secret-5", "password": "pw-Secret-6",
               "code": "code-Secret-7", "code_verifier": "cv-Secret-8", "device_code": "dc-Secret-9",
               "client_id": "client-1", "scope": "openid"}),
        &["rt-Secret-5", "pw-Secret-6", "code-Secret-7", "cv-Secret-8", "dc-Secret-9"],
        &["refresh_token\"", "client-1", "openid"],
    );
    assert_redacted::<VerifyRequest>(
        json!({"verification_id": "vid-1", "verification_code": "123-Secret"}),
        &["123-Secret"],
        &["vid-1", "verification_code: <redacted>"],
    );
    assert_redacted::<SignInCustomRequest>(
        json!({"provider_id": "custom", "ticket": "tk-Secret"}),
        &["tk-Secret"],
        &["custom"],
    );
    assert_redacted::<UpdatePasswordRequest>(
        json!({"old_password": "old-Secret", "new_password": "new-Secret", "confirm_password": "new-Secret"}),
        &["old-Secret", "new-Secret"],
        &["new_password: <redacted>"],
    );
    assert_redacted::<SudoResponse>(
        json!({"sudo_token": "sudo-Secret", "expires_in": 600}),
        &["sudo-Secret"],
        &["600"],
    );
    assert_redacted::<VerifyResponse>(
        json!({"verification_token": "vt-Secret", "expires_in": 600}),
        &["vt-Secret"],
        &["600"],
    );
    assert_redacted::<GetCaptchaDataResponse>(
        json!({"data": "image-data", "type": "image", "token": "cap-Secret", "expires_in": 60}),
        &["cap-Secret"],
        &["image-data", "60"],
    );
    // The key is the captcha's answer: whoever holds it with the token passes the captcha.
    assert_redacted::<VerifyCaptchaDataRequest>(
        json!({"token": "cap-Secret", "key": "ab12-Secret"}),
        &["cap-Secret", "ab12-Secret"],
        &["key: <redacted>"],
    );
    assert_redacted::<VerifyCaptchaDataResponse>(
        json!({"captcha_token": "ct-Secret", "expires_in": 60}),
        &["ct-Secret"],
        &["60"],
    );
    // Counters and flags named after credentials stay visible.
    assert_redacted::<Profile>(
        json!({"username": "li.bai", "has_password": true, "password_updated_at": "2026-01-02"}),
        &[],
        &["li.bai", "has_password: Some(true)", "2026-01-02"],
    );
}

/// The storage upload info: the upload token and authorization.
#[cfg(feature = "storage")]
#[test]
fn storage_upload_info_redacts_its_credentials_in_debug() {
    use crate::storage::*;
    assert_redacted::<GetObjectsUploadInfoResponseItemSuccess>(
        json!({"uploadUrl": "https://cos.example/a.png", "token": "cos-Secret", "authorization": "q-sign-Secret",
               "cloudObjectId": "cloud://env/a.png", "objectId": "a.png"}),
        &["cos-Secret", "q-sign-Secret"],
        &["https://cos.example/a.png", "cloud://env/a.png"],
    );
}

/// The signed URLs PG storage answers: the `token` in their query never shows, their path and
/// other query keys do (relative and absolute, required and optional).
#[cfg(feature = "storage_pg")]
#[test]
fn storage_pg_signed_urls_hide_their_tokens_in_debug() {
    use crate::storage_pg::*;
    let full = "https://env-1.api.tcloudbasegateway.com/v1/storages/object/upload/sign/avatars/a.png?token=up-Secret-1";
    assert_redacted::<SignUploadResponse>(
        json!({"url": "/object/upload/sign/avatars/a.png?token=up-Secret-1", "fullURL": full, "token": "up-Secret-1"}),
        &["up-Secret-1"],
        &[
            "\"/object/upload/sign/avatars/a.png?token=<redacted>\"",
            "Some(\"https://env-1.api.tcloudbasegateway.com/v1/storages/object/upload/sign/avatars/a.png?token=<redacted>\")",
            "token: <redacted>",
        ],
    );
    assert_redacted::<SignResponse>(
        json!({"signedURL": "/object/sign/avatars/a.png?token=dl-Secret-2&download=me.png",
               "fullSignedURL": "https://env-1.api.tcloudbasegateway.com/v1/storages/object/sign/avatars/a.png?token=dl-Secret-2"}),
        &["dl-Secret-2"],
        &["/object/sign/avatars/a.png?token=<redacted>&download=me.png", "env-1.api.tcloudbasegateway.com"],
    );
    assert_redacted::<SignBatchItem>(
        json!({"path": "a.png", "signedURL": "/object/sign/avatars/a.png?token=dl-Secret-3", "error": null}),
        &["dl-Secret-3"],
        &[
            "path: \"a.png\"",
            "signed_url: Some(\"/object/sign/avatars/a.png?token=<redacted>\")",
            "full_signed_url: None",
        ],
    );
}

/// Classic storage's links: a CDN link's `sign`, a COS link's `q-signature` and security token
/// never show; the host, the path and the other query keys do.
#[cfg(feature = "storage")]
#[test]
fn storage_links_hide_their_signatures_in_debug() {
    use crate::storage::*;
    let cdn = "https://6d79-env-1-1300000000.tcb.qcloud.la/a.png?sign=cdn-Secret-1&t=1700000000";
    assert_redacted::<GetObjectDownloadInfoResponseItemSuccess>(
        json!({"cloudObjectId": "cloud://env-1.6d79/a.png", "downloadUrl": cdn, "downloadUrlEncoded": cdn}),
        &["cdn-Secret-1"],
        &["https://6d79-env-1-1300000000.tcb.qcloud.la/a.png?sign=<redacted>&t=1700000000", "cloud://env-1.6d79/a.png"],
    );
    let cos = "https://bucket-1300000000.cos.ap-shanghai.myqcloud.com/a.png?q-sign-algorithm=sha1&q-ak=AKIDexample\
               &q-sign-time=1700000000;1700000600&q-key-time=1700000000;1700000600&q-header-list=host\
               &q-url-param-list=&q-signature=cos-Secret-2&x-cos-security-token=sts-Secret-3";
    assert_redacted::<GetObjectsUploadInfoResponseItemSuccess>(
        json!({"uploadUrl": cos, "downloadUrl": cdn, "token": "sts-Secret-3", "authorization": "q-sign-Secret-4",
               "cloudObjectId": "cloud://env-1.6d79/a.png", "objectId": "a.png"}),
        &["cos-Secret-2", "sts-Secret-3", "q-sign-Secret-4", "cdn-Secret-1"],
        &[
            "bucket-1300000000.cos.ap-shanghai.myqcloud.com/a.png?",
            "q-sign-time=1700000000;1700000600",
            "q-signature=<redacted>",
        ],
    );
}

/// Raw SQL's parameters are values the caller hands over (a password to compare, an email):
/// hidden; the statement and the role show.
#[cfg(feature = "mysqldb")]
#[test]
fn sql_parameters_are_hidden_in_debug() {
    use crate::mysqldb::*;
    assert_redacted::<ExecPgsqlRequest>(
        json!({"sql": "select id from users where email = $1 and password_hash = crypt($2, password_hash)",
               "parameters": ["li.bai@example.com", "pw-Secret-1"], "role": "cloudbase_read_only_user"}),
        &["li.bai@example.com", "pw-Secret-1"],
        &["select id from users where email = $1", "CloudbaseReadOnlyUser"],
    );
}

/// Secrets by every rule (name, `format: password`, `x-sensitive`), required, optional and
/// nullable, in arrays, in a nested struct and in a union variant; and the opt-outs.
#[test]
fn secret_fields_are_redacted_wherever_they_sit() {
    use crate::fixtures::secrets::{AccessToken, Credential, TokenRequest};
    assert_redacted::<TokenRequest>(
        json!({"grant_type": "authorization_code", "code": "code-S1", "code_verifier": "cv-S2",
               "password": "pw-S3", "verificationCode": "vc-S4", "pin": "pin-S5", "phone": "phone-S6",
               "scopes": ["scope-S7"]}),
        &["code-S1", "cv-S2", "pw-S3", "vc-S4", "pin-S5", "phone-S6", "scope-S7"],
        &["authorization_code", "password: <redacted>", "scopes: Some(<redacted>)"],
    );
    let token: AccessToken = assert_redacted(
        json!({"token_type": "Bearer", "access_token": "at-S8", "refresh_token": null, "expires_in": 60,
               "max_tokens": 4096, "has_password": true, "password_updated_at": "2026-01-02",
               "public_token": "pub-visible", "token_kind": "mac",
               "session": {"code": "E42", "secret": "sess-S9", "profile": {"k": "prof-S10"}},
               "credential": "cred-S11"}),
        &["at-S8", "sess-S9", "prof-S10", "cred-S11"],
        &[
            "token_type: Some(\"Bearer\")",
            "access_token: <redacted>",
            "refresh_token: None",
            "id_token: None",
            "max_tokens: Some(4096)",
            "has_password: Some(true)",
            "2026-01-02",
            "pub-visible",
            "Mac",
            "code: Some(\"E42\")",
            "secret: Some(<redacted>)",
            "Password(<redacted>)",
        ],
    );
    let reply =
        crate::Response { head: crate::response::Head::new("grantToken", 200, Default::default()), value: token };
    let shown = format!("{:?}", Some(vec![reply]));
    assert!(!shown.contains("-S") && shown.contains("Bearer"), "{shown}");
    assert_eq!(format!("{:?}", Credential::Integer(7)), "Integer(7)");

    // The request builder shows only its operation, whatever its parameters and body hold.
    let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let builder = client.secrets().grant_token().sudo_token("sudo-S12");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("sudo-S12") && shown.contains("grantToken"), "{shown}");
}

/// URL fields by name and by format, required, optional, nullable, in arrays and three-state:
/// each shown without its credentials; `x-sensitive` and the secret names still decide first.
#[test]
fn url_fields_show_without_their_credentials_wherever_they_sit() {
    use crate::fixtures::urls::{LinkUpdate, Links, Plain};
    assert_redacted::<Links>(
        json!({"url": "https://cdn.example/a.png?sign=S1&t=1", "signedURL": "/object/sign/b/a.png?token=S2",
               "downloadUrlEncoded": "https://cdn.example/a%20b.png?sign=S3", "mirror_urls": ["https://m.example/a?X-Amz-Signature=S4&X-Amz-Date=20260102", "https://m.example/b"],
               "home": "https://admin:S5@home.example/", "callback": "/cb#access_token=S6&state=st", "type": "https://t.example/?token=S7",
               "url_token": "S8", "login_url": "https://login.example/?next=S9", "docs_url": "https://docs.example/?token=visible",
               "url_count": 2, "url_kind": "signed", "path": "a.png"}),
        &["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9"],
        &[
            "url: \"https://cdn.example/a.png?sign=<redacted>&t=1\"",
            "signed_url: Some(\"/object/sign/b/a.png?token=<redacted>\")",
            "https://cdn.example/a%20b.png?sign=<redacted>",
            "Some([\"https://m.example/a?X-Amz-Signature=<redacted>&X-Amz-Date=20260102\", \"https://m.example/b\"])",
            "https://admin:<redacted>@home.example/",
            "/cb#access_token=<redacted>&state=st",
            "type: Some(\"https://t.example/?token=<redacted>\")",
            "url_token: Some(<redacted>)",
            "login_url: Some(<redacted>)",
            "https://docs.example/?token=visible",
            "url_count: Some(2)",
            "path: Some(\"a.png\")",
        ],
    );
    // Text that is not a URL cannot be split safely: hidden whole.
    assert_redacted::<Links>(json!({"url": "https://h.example/\r\n?token=S1"}), &["S1"], &["url: <redacted>"]);
    let update = LinkUpdate { url: Some(Some("/a?token=S1".into())), name: None };
    assert_eq!(format!("{update:?}"), r#"LinkUpdate { url: Some(Some("/a?token=<redacted>")), name: None }"#);
    assert_eq!(format!("{:?}", Plain { name: Some("n".into()) }), r#"Plain { name: Some("n") }"#);
}

/// A schema of exactly the gateway error's shape is the runtime's `GatewayError` (the same type,
/// so `body::<GatewayError>()` reads it in any area); near shapes keep structs of their own, with
/// their own wire names.
#[test]
fn the_gateway_error_shape_is_one_type() {
    use crate::fixtures::shared_types::{ErrorResponse, KeptExtra, SnakeRequestId};
    let shared: crate::GatewayError = ErrorResponse { code: Some("E1".into()), ..Default::default() };
    let value: ErrorResponse = serde_json::from_value(json!({"code": "E1", "requestId": "r1"})).unwrap();
    assert_eq!(value.request_id.as_deref(), Some("r1"));
    assert_eq!(shared.code, value.code);
    assert_eq!(std::any::TypeId::of::<ErrorResponse>(), std::any::TypeId::of::<crate::GatewayError>());
    // nosql's shape: `request_id` on the wire, which the gateway type would not read.
    let snake: SnakeRequestId = serde_json::from_value(json!({"request_id": "r2"})).unwrap();
    assert_eq!(snake.request_id.as_deref(), Some("r2"));
    let extra: KeptExtra = serde_json::from_value(json!({"code": "E3", "hint": "h"})).unwrap();
    assert_eq!(extra.extra.get("hint"), Some(&json!("h")));
}

/// A body of several forms that the operation requires, never set: refused before any I/O,
/// naming it (the base URL is a closed port: a request sent would be a transport error).
#[tokio::test]
async fn a_required_body_of_several_forms_is_checked_before_any_io() {
    let client = crate::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let error = client.uploads().upload_file().name("a.png").send().await.map(|_| ()).unwrap_err();
    assert!(matches!(error, crate::Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("body"), "{error}");
}
