//! The same logical calls as the vendor SDKs make (`tools/vendor-sdk/README.md`, "Call ids"),
//! written with `cloudbase-api` as a user would: its helpers where they exist, the generated
//! builders elsewhere. [`CALLS`] is the one list: each call id has a counterpart or the reason
//! the crate cannot express it yet, so a counterpart added later replaces one line there.

use cloudbase_api::rdb::{Is, Order, Resolution};
use cloudbase_api::session::{CodeSent, Session};
use cloudbase_api::{Client, Credentials, Error, TokenProvider};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

const PHONE: &str = "+86 13800138000";
const EMAIL: &str = "libai@example.com";
const FILE_ID: &str = "cloud://my-env-1a2b.6d79-my-env-1a2b-1250000000/poems/a.txt";
const PNG: [u8; 16] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52];

/// How each SDK is initialised (`tools/vendor-sdk/README.md`, "Fixed values"), as Rust
/// credentials, or why there are none.
pub fn credentials(sdk: &str) -> Result<Credentials, &'static str> {
    use crate::server::{ENV, jwt};
    let key = |sub: &str, scope: &str| jwt(&json!({"iss": ENV, "sub": sub, "scope": scope, "project_id": ENV, "n": 0}));
    match sdk {
        "js" => Ok(Credentials::publishable_key(key("anon", "publishable"))),
        "node" => Ok(Credentials::api_key(key("apikey-1", "admin"))),
        "node-tc3" => Ok(Credentials::secret_key("AKIDEXAMPLE", "SECRETEXAMPLE")),
        other => panic!("no such SDK: {other}"),
    }
}

/// What a counterpart read: `ok`, or what the fault calls read from their reply (an error is
/// written by the harness as `error CODE`).
pub type Outcome = Result<String, Error>;
pub type Counterpart = fn(Ctx) -> Pin<Box<dyn Future<Output = Outcome>>>;

pub enum Rust {
    /// The Rust call.
    Call(Counterpart),
    /// Why the crate cannot make it (`Not("...")` in `CALLS`; every call has a counterpart today).
    #[allow(dead_code)]
    Not(&'static str),
}

macro_rules! call {
    ($f:ident) => {
        Rust::Call(|c| Box::pin($f(c)))
    };
}

/// Every call id the SDKs drive.
pub const CALLS: &[(&str, Rust)] = &[
    ("auth.send_phone_code", call!(send_phone_code)),
    ("auth.verify_code", call!(verify_code)),
    ("auth.sign_in_verification", call!(sign_in_verification)),
    ("auth.sign_up", call!(sign_up)),
    ("auth.otp_phone", call!(otp_phone)),
    ("auth.otp_phone_user", call!(otp_phone_user)),
    ("auth.sign_in_anonymously", call!(sign_in_anonymously)),
    ("auth.sign_in_password", call!(sign_in_password)),
    ("auth.user_me", call!(user_me)),
    ("auth.refresh_token", call!(refresh_token)),
    ("auth.sudo", call!(sudo)),
    ("auth.set_password", call!(set_password)),
    ("auth.update_basic_info", call!(update_basic_info)),
    ("auth.provider_uri", call!(provider_uri)),
    ("auth.provider_token", call!(provider_token)),
    ("auth.sign_in_provider", call!(sign_in_provider)),
    ("auth.sign_in_ticket", call!(sign_in_ticket)),
    ("auth.captcha", call!(captcha)),
    ("auth.client_credential", call!(client_credential)),
    ("auth.otp_email", call!(otp_email)),
    ("auth.otp_reset_password", call!(otp_reset_password)),
    ("auth.otp_reauthenticate", call!(otp_reauthenticate)),
    ("auth.otp_current_user", call!(otp_current_user)),
    ("auth.sign_in_password_again", call!(sign_in_password)),
    ("functions.invoke", call!(invoke)),
    ("functions.web_get", call!(web_get)),
    ("functions.web_subpath", call!(web_subpath)),
    ("cloudrun.get_query", call!(cloudrun_get_query)),
    ("cloudrun.post", call!(cloudrun_post)),
    ("cloudrun.put", call!(cloudrun_put)),
    ("cloudrun.patch", call!(cloudrun_patch)),
    ("cloudrun.delete", call!(cloudrun_delete)),
    ("cloudrun.root", call!(cloudrun_root)),
    ("cloudrun.function", call!(cloudrun_post)),
    ("apis.call", call!(apis_call)),
    ("ai.chat", call!(ai_chat)),
    ("ai.stream", call!(ai_stream)),
    ("storage.upload", call!(storage_upload)),
    ("storage.temp_url", call!(storage_temp_url)),
    ("storage.download", call!(storage_download)),
    ("storage.delete", call!(storage_delete)),
    ("storage.copy", call!(storage_copy)),
    ("storage_pg.upload", call!(pg_upload)),
    ("storage_pg.update", call!(pg_update)),
    ("storage_pg.list", call!(pg_list)),
    ("storage_pg.sign", call!(pg_sign)),
    ("storage_pg.sign_batch", call!(pg_sign_batch)),
    ("storage_pg.info", call!(pg_info)),
    ("storage_pg.exists", call!(pg_info)),
    ("storage_pg.download", call!(pg_download)),
    ("storage_pg.move", call!(pg_move)),
    ("storage_pg.copy", call!(pg_copy)),
    ("storage_pg.remove", call!(pg_remove)),
    ("storage_pg.sign_upload", call!(pg_sign_upload)),
    ("storage_pg.create_bucket", call!(pg_create_bucket)),
    ("storage_pg.update_bucket", call!(pg_update_bucket)),
    ("storage_pg.list_buckets", call!(pg_list_buckets)),
    ("storage_pg.get_bucket", call!(pg_get_bucket)),
    ("storage_pg.delete_bucket", call!(pg_delete_bucket)),
    ("rdb.select", call!(rdb_select)),
    ("rdb.single", call!(rdb_single)),
    ("rdb.in_or", call!(rdb_in_or)),
    ("rdb.ilike", call!(rdb_ilike)),
    ("rdb.insert", call!(rdb_insert)),
    ("rdb.upsert", call!(rdb_upsert)),
    ("rdb.update", call!(rdb_update)),
    ("rdb.delete", call!(rdb_delete)),
    ("rdb.head_count", call!(rdb_head_count)),
    ("rdb.rpc", call!(rdb_rpc)),
    ("rdb.rpc_get", call!(rdb_rpc_get)),
    ("rdb.schema", call!(rdb_schema)),
    ("rdb.mysql_select", call!(rdb_mysql_select)),
    ("nosql.add", call!(nosql_add)),
    ("nosql.query", call!(nosql_query)),
    ("nosql.doc_get", call!(nosql_doc_get)),
    ("nosql.doc_update", call!(nosql_doc_update)),
    ("nosql.doc_set", call!(nosql_doc_set)),
    ("nosql.doc_remove", call!(nosql_doc_remove)),
    ("nosql.where_update", call!(nosql_where_update)),
    ("nosql.remove", call!(nosql_remove)),
    ("nosql.count", call!(nosql_count)),
    ("nosql.aggregate", call!(nosql_aggregate)),
    ("nosql.create_collection", call!(nosql_create_collection)),
    ("nosql.transaction", call!(nosql_transaction)),
    ("nosql.run_commands", call!(nosql_run_commands)),
    ("model.list", call!(model_list)),
    ("fault.function_401_expired", call!(invoke)),
    ("fault.function_404", call!(invoke)),
    ("fault.cloudrun_404", call!(cloudrun_post)),
    ("fault.rdb_409", call!(rdb_insert)),
    ("fault.ai_429", call!(ai_chat)),
    ("fault.ai_400", call!(ai_chat)),
    ("fault.storage_item_missing", call!(storage_temp_url_item)),
    ("fault.auth_invalid_password", call!(sign_in_password)),
    ("fault.captcha_required", call!(send_phone_code)),
    ("fault.token_expired_by_time", call!(token_expired_by_time)),
    ("auth.sign_out", call!(sign_out)),
];

/// What the Rust side must read from each fault's reply (`tools/vendor-sdk/README.md`, "Faults").
pub const FAULT_OUTCOMES: &[(&str, &str)] = &[
    ("fault.function_401_expired", "ok"), // refreshed once and retried
    ("fault.function_404", "error 404 FUNCTION_NOT_FOUND"),
    ("fault.cloudrun_404", "error 404 SERVICE_NOT_FOUND"),
    ("fault.rdb_409", "error 409 DATABASE_23505"),
    ("fault.ai_429", "error 429 rate_limit_exceeded"),
    ("fault.ai_400", "error 400 AI_INVALID_MODEL"),
    ("fault.storage_item_missing", "ok, item STORAGE_NOT_EXIST"),
    ("fault.auth_invalid_password", "error 400 invalid_password"),
    ("fault.captcha_required", "error 400 captcha_required"),
    ("fault.token_expired_by_time", "ok"),
];

/// The state of one SDK's run: the client it was initialised with and, as in the SDKs, the
/// session of the last sign-in (calls after it are made as that user).
#[derive(Clone)]
pub struct Ctx(Arc<(Client, Mutex<Option<Session>>, String)>);

impl Ctx {
    pub fn new(sdk: &str, client: Client) -> Ctx {
        Ctx(Arc::new((client, Mutex::new(None), sdk.to_owned())))
    }

    fn sdk(&self) -> &str {
        &self.0.2
    }

    /// The signed-in user's client, or the initial one.
    fn client(&self) -> Client {
        self.0.1.lock().unwrap().as_ref().map_or_else(|| self.0.0.clone(), Session::client)
    }

    fn session(&self) -> Session {
        self.0.1.lock().unwrap().clone().expect("signed in")
    }

    fn signed_in(&self, session: Session) -> Outcome {
        *self.0.1.lock().unwrap() = Some(session);
        ok()
    }

    /// A session from a sign-in the helpers do not wrap (ticket, provider, sign-up).
    fn restore(&self, reply: cloudbase_api::auth::TokenResponse) -> Outcome {
        let access = reply.access_token.expect("an access token");
        self.signed_in(Session::restore(&self.client(), access, reply.refresh_token, None))
    }
}

fn ok() -> Outcome {
    Ok("ok".to_owned())
}

// ---------------------------------------------------------------- auth

async fn send_phone_code(c: Ctx) -> Outcome {
    c.client().auth().send_phone_code(PHONE).await?;
    ok()
}

async fn verify_code(c: Ctx) -> Outcome {
    let sent = CodeSent { verification_id: "vid-1".into(), to: PHONE.into(), is_user: None };
    c.client().auth().verify_code(&sent, "123456").await?;
    ok()
}

async fn sign_in_verification(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::SignInRequest {
        username: Some(PHONE.into()),
        verification_token: Some("vt-1".into()),
        ..Default::default()
    };
    let reply = c.client().auth().sign_in().body(body).send().await?;
    c.restore(reply.into_inner())
}

async fn sign_up(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::SignUpRequest {
        phone_number: Some(PHONE.into()),
        verification_code: Some("123456".into()),
        verification_token: Some("vt-1".into()),
        name: Some(Some("Li Bai".into())),
        password: Some("Passw0rd!".into()),
        username: Some(Some("libai".into())),
        ..Default::default()
    };
    let reply = c.client().auth().sign_up().body(body).send().await?;
    c.restore(reply.into_inner())
}

async fn otp_phone(c: Ctx) -> Outcome {
    let auth = c.client().auth();
    let sent = auth.send_phone_code(PHONE).await?;
    let verified = auth.verify_code(&sent, "123456").await?;
    c.signed_in(auth.sign_in_with_verification(&verified).await?)
}

async fn send_verification(c: &Ctx, body: cloudbase_api::auth::SendVerificationRequest) -> Outcome {
    c.client().auth().send_verification().body(body).send().await?;
    ok()
}

async fn otp_phone_user(c: Ctx) -> Outcome {
    use cloudbase_api::auth::{SendVerificationRequest, SendVerificationRequestTarget};
    let body = SendVerificationRequest {
        phone_number: Some(PHONE.into()),
        target: Some(SendVerificationRequestTarget::User),
        ..Default::default()
    };
    send_verification(&c, body).await
}

async fn sign_in_anonymously(c: Ctx) -> Outcome {
    let client = c.client();
    c.signed_in(client.auth().sign_in_anonymously(client.device_id()).await?)
}

async fn sign_in_password(c: Ctx) -> Outcome {
    c.signed_in(c.client().auth().sign_in_with_password("libai", "Passw0rd!").await?)
}

async fn user_me(c: Ctx) -> Outcome {
    c.session().profile().await?;
    ok()
}

async fn refresh_token(c: Ctx) -> Outcome {
    let session = c.session();
    session.invalidate(&session.tokens().0); // the next token() refreshes
    session.token().await?;
    ok()
}

async fn sudo(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::SudoRequest { password: Some("Passw0rd!".into()), ..Default::default() };
    c.client().auth().user_sudo().body(body).send().await?;
    ok()
}

async fn set_password(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::UpdatePasswordRequest {
        new_password: "N3wPassw0rd!".into(),
        sudo_token: Some("st-1".into()),
        old_password: None,
        confirm_password: None,
    };
    c.client().auth().user_update_password().body(body).send().await?;
    ok()
}

async fn update_basic_info(c: Ctx) -> Outcome {
    use cloudbase_api::auth::{EditUserBasicInfoRequest, EditUserBasicInfoRequestGender};
    let body = EditUserBasicInfoRequest {
        nickname: Some("Li Bai".into()),
        gender: Some(EditUserBasicInfoRequestGender::Male),
        ..Default::default()
    };
    c.client().auth().user_edit_user_basic_info().body(body).send().await?;
    ok()
}

async fn provider_uri(c: Ctx) -> Outcome {
    let auth = c.client().auth();
    auth.gen_provider_redirect_uri()
        .provider_id("wx_open")
        .redirect_uri("https://app.example.com/callback")
        .state("s1")
        .send()
        .await?;
    ok()
}

async fn provider_token(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::GrantProviderTokenRequest {
        provider_id: "wx_open".into(),
        provider_code: Some("code-1".into()),
        provider_redirect_uri: Some("https://app.example.com/callback".into()),
    };
    c.client().auth().grant_provider_token().body(body).send().await?;
    ok()
}

async fn sign_in_provider(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::SignInWithProviderRequest {
        provider_token: "pt-1".into(),
        provider_id: None,
        force_disable_sign_up: None,
        sync_profile: None,
    };
    let reply = c.client().auth().sign_in_with_provider().body(body).send().await?;
    c.restore(reply.into_inner())
}

async fn sign_in_ticket(c: Ctx) -> Outcome {
    c.signed_in(c.client().auth().sign_in_with_ticket("ticket-1").await?)
}

async fn captcha(c: Ctx) -> Outcome {
    let body = cloudbase_api::auth::GetCaptchaDataRequest {
        state: Some("POST:/v1/verification".into()),
        redirect_uri: Some(String::new()),
    };
    c.client().auth().get_captcha_data().body(body).send().await?;
    ok()
}

/// With a key (js, node) the SDKs return it and send nothing, and so does this; with a
/// SecretId/SecretKey (node-tc3) the signature is exchanged for an administrator token.
async fn client_credential(c: Ctx) -> Outcome {
    use cloudbase_api::auth::{ClientCredentialRequest, ClientCredentialRequestGrantType};
    if c.sdk() == "node-tc3" {
        let body = ClientCredentialRequest { grant_type: ClientCredentialRequestGrantType::ClientCredentials };
        c.client().auth().client_credential().body(body).send().await?;
    }
    ok()
}

async fn otp_email(c: Ctx) -> Outcome {
    c.client().auth().send_email_code(EMAIL).await?;
    ok()
}

async fn otp_reset_password(c: Ctx) -> Outcome {
    use cloudbase_api::auth::{SendVerificationRequest, SendVerificationRequestTarget, SendVerificationRequestUsage};
    let body = SendVerificationRequest {
        email: Some(EMAIL.into()),
        usage: Some(SendVerificationRequestUsage::Recovery),
        target: Some(SendVerificationRequestTarget::User),
        ..Default::default()
    };
    send_verification(&c, body).await
}

async fn otp_reauthenticate(c: Ctx) -> Outcome {
    use cloudbase_api::auth::{SendVerificationRequest, SendVerificationRequestUsage};
    let body = SendVerificationRequest {
        email: Some(EMAIL.into()),
        usage: Some(SendVerificationRequestUsage::Reauthentication),
        ..Default::default()
    };
    send_verification(&c, body).await
}

async fn otp_current_user(c: Ctx) -> Outcome {
    use cloudbase_api::auth::{SendVerificationRequest, SendVerificationRequestTarget};
    let body = SendVerificationRequest {
        phone_number: Some(PHONE.into()),
        target: Some(SendVerificationRequestTarget::CurUser),
        ..Default::default()
    };
    send_verification(&c, body).await
}

async fn sign_out(c: Ctx) -> Outcome {
    c.session().sign_out().await?;
    ok()
}

/// Signs in (the reply's token expires in 31 s), then calls a function: the session refreshes
/// a token within a minute of expiry first, so no wait is needed for it to.
async fn token_expired_by_time(c: Ctx) -> Outcome {
    sign_in_password(c.clone()).await?;
    invoke(c).await
}

// ---------------------------------------------------------------- functions and CloudRun

async fn invoke(c: Ctx) -> Outcome {
    let _: Value = c.client().functions().invoke("sum", &json!({"a": 1, "b": 2})).await?;
    ok()
}

async fn web_get(c: Ctx) -> Outcome {
    c.client().functions().web("plants-http").get("").query("page", 1).send::<Value>().await?;
    ok()
}

async fn web_subpath(c: Ctx) -> Outcome {
    let plants = c.client().functions().web("plants-http");
    plants.post("/user-plants").json(&json!({"page": 1})).send::<Value>().await?;
    ok()
}

fn order() -> Value {
    json!({"sku": "tea", "qty": 2})
}

async fn cloudrun_get_query(c: Ctx) -> Outcome {
    let shop = c.client().cloudrun().service("shop");
    shop.get("orders").query("page", 1).query("q", "green tea").send::<Value>().await?;
    ok()
}

async fn cloudrun_post(c: Ctx) -> Outcome {
    c.client().cloudrun().service("shop").post("orders").json(&order()).send::<Value>().await?;
    ok()
}

async fn model_list(c: Ctx) -> Outcome {
    use cloudbase_api::model::{CreateItemEnvType, ListRequest};
    let body: ListRequest =
        serde_json::from_value(json!({"filter": {"where": {}}, "pageSize": 10, "pageNumber": 1, "getCount": true}))
            .expect("a ListRequest");
    c.client().model().get_records().env_type(CreateItemEnvType::Prod).model_name("students").body(body).send().await?;
    ok()
}

async fn apis_call(c: Ctx) -> Outcome {
    c.client().apis().post().name("plants-http").any_path("user-plants").body(json!({"page": 1})).send().await?;
    ok()
}

async fn cloudrun_put(c: Ctx) -> Outcome {
    c.client().cloudrun().service("shop").put("orders/42").json(&order()).send::<Value>().await?;
    ok()
}

async fn cloudrun_patch(c: Ctx) -> Outcome {
    c.client().cloudrun().service("shop").patch("orders/42").json(&order()).send::<Value>().await?;
    ok()
}

async fn cloudrun_delete(c: Ctx) -> Outcome {
    c.client().cloudrun().service("shop").delete("orders/42").send::<Value>().await?;
    ok()
}

async fn cloudrun_root(c: Ctx) -> Outcome {
    c.client().cloudrun().service("shop").post("").send::<Value>().await?;
    ok()
}

// ---------------------------------------------------------------- AI

async fn ai_chat(c: Ctx) -> Outcome {
    c.client().ai_model().chat("cloudbase", "hunyuan-lite").user("Hello").send().await?;
    ok()
}

async fn ai_stream(c: Ctx) -> Outcome {
    let mut chunks = c.client().ai_model().chat("cloudbase", "hunyuan-lite").user("Hello").send_stream().await?;
    while let Some(chunk) = chunks.next().await {
        chunk?;
    }
    ok()
}

// ---------------------------------------------------------------- classic storage

async fn storage_upload(c: Ctx) -> Outcome {
    c.client().storage().upload("poems/a.txt", b"bright moonlight".to_vec()).await?;
    ok()
}

async fn storage_temp_url(c: Ctx) -> Outcome {
    let max_age = std::time::Duration::from_secs(120);
    c.client().storage().download_urls_valid_for([FILE_ID], max_age).await?;
    ok()
}

async fn storage_temp_url_item(c: Ctx) -> Outcome {
    let links = c.client().storage().download_urls([FILE_ID]).await?;
    match &links[0] {
        Err(failure) => Ok(format!("ok, item {}", failure.code)),
        Ok(_) => ok(),
    }
}

/// The helper gives download URLs; the caller fetches them (no credentials go to the CDN).
async fn storage_download(c: Ctx) -> Outcome {
    let links = c.client().storage().download_urls([FILE_ID]).await?;
    let url = links[0].as_ref().ok().and_then(|l| l.download_url.clone()).expect("a download URL");
    let bytes = reqwest::get(url).await.expect("the CDN answers").bytes().await.expect("a body");
    assert_eq!(&bytes[..], b"bright moonlight");
    ok()
}

async fn storage_delete(c: Ctx) -> Outcome {
    c.client().storage().delete_files([FILE_ID]).await?;
    ok()
}

async fn storage_copy(c: Ctx) -> Outcome {
    let item = cloudbase_api::storage::CopyObjectsRequestItem {
        src_path: FILE_ID.into(),
        dst_path: FILE_ID.replace("a.txt", "b.txt"),
        overwrite: Some(true),
        remove_original: Some(false),
    };
    c.client().storage().copy_objects().body(vec![item]).send().await?;
    ok()
}

// ---------------------------------------------------------------- PG-mode storage

fn avatars(c: &Ctx) -> cloudbase_api::objects::Objects {
    c.client().storage_pg().objects("avatars")
}

async fn pg_upload(c: Ctx) -> Outcome {
    avatars(&c).upload("user-1/me.png", PNG.to_vec()).content_type("image/png").upsert(true).send().await?;
    ok()
}

async fn pg_update(c: Ctx) -> Outcome {
    let update = c.client().storage_pg().update_object().bucket_id("avatars").object_name("user-1/me.png");
    update.bytes(PNG.to_vec()).content_type("image/png").send().await?;
    ok()
}

async fn pg_list(c: Ctx) -> Outcome {
    use cloudbase_api::storage_pg::{
        ListObjectsRequest, ListObjectsSortBy, ListObjectsSortByColumn, ListObjectsSortByOrder,
    };
    let sort_by =
        ListObjectsSortBy { column: Some(ListObjectsSortByColumn::Name), order: Some(ListObjectsSortByOrder::Asc) };
    let body = ListObjectsRequest {
        prefix: Some("user-1".into()),
        limit: Some(10),
        sort_by: Some(sort_by),
        ..Default::default()
    };
    c.client().storage_pg().list_objects().bucket_id("avatars").body(body).send().await?;
    ok()
}

async fn pg_sign(c: Ctx) -> Outcome {
    avatars(&c).signed_url("user-1/me.png", 600).await?;
    ok()
}

async fn pg_sign_batch(c: Ctx) -> Outcome {
    avatars(&c).signed_urls(["user-1/me.png", "user-1/b.png"], 600).await?;
    ok()
}

async fn pg_info(c: Ctx) -> Outcome {
    c.client().storage_pg().get_object_info().bucket_id("avatars").object_name("user-1/me.png").send().await?;
    ok()
}

async fn pg_download(c: Ctx) -> Outcome {
    let bytes = avatars(&c).download("user-1/me.png").await?.collect().await?;
    assert_eq!(bytes.len(), 16);
    ok()
}

async fn pg_move(c: Ctx) -> Outcome {
    let body = cloudbase_api::storage_pg::MoveObjectRequest {
        bucket_id: "avatars".into(),
        source_key: "user-1/me.png".into(),
        destination_key: "user-1/moved.png".into(),
        destination_bucket: None,
    };
    c.client().storage_pg().move_object().body(body).send().await?;
    ok()
}

async fn pg_copy(c: Ctx) -> Outcome {
    let body = cloudbase_api::storage_pg::CopyObjectRequest {
        bucket_id: "avatars".into(),
        source_key: "user-1/me.png".into(),
        destination_key: "user-1/copy.png".into(),
        destination_bucket: None,
        copy_metadata: None,
        metadata: None,
    };
    c.client().storage_pg().copy_object().body(body).send().await?;
    ok()
}

async fn pg_remove(c: Ctx) -> Outcome {
    avatars(&c).remove(["user-1/me.png"]).await?;
    ok()
}

async fn pg_sign_upload(c: Ctx) -> Outcome {
    avatars(&c).signed_upload_url("user-1/new.png", false).await?;
    ok()
}

async fn pg_create_bucket(c: Ctx) -> Outcome {
    use cloudbase_api::storage_pg::{CreateBucketRequest, FileSizeLimit};
    let body = CreateBucketRequest {
        id: Some("avatars".into()),
        name: "avatars".into(),
        public: Some(false),
        file_size_limit: Some(Some(FileSizeLimit::Integer(1048576))),
        allowed_mime_types: Some(Some(vec!["image/png".into()])),
        r#type: None,
    };
    c.client().storage_pg().create_bucket().body(body).send().await?;
    ok()
}

async fn pg_update_bucket(c: Ctx) -> Outcome {
    let body = cloudbase_api::storage_pg::UpdateBucketRequest {
        public: Some(true),
        file_size_limit: Some(None),
        allowed_mime_types: None,
    };
    c.client().storage_pg().update_bucket().bucket_id("avatars").body(body).send().await?;
    ok()
}

async fn pg_list_buckets(c: Ctx) -> Outcome {
    c.client().storage_pg().list_buckets().send().await?;
    ok()
}

async fn pg_get_bucket(c: Ctx) -> Outcome {
    c.client().storage_pg().get_bucket().bucket_id("avatars").send().await?;
    ok()
}

async fn pg_delete_bucket(c: Ctx) -> Outcome {
    c.client().storage_pg().delete_bucket().bucket_id("avatars").send().await?;
    ok()
}

// ---------------------------------------------------------------- rdb

async fn rdb_select(c: Ctx) -> Outcome {
    let students = c.client().mysqldb().from("students").select("id,name,grade");
    let page = students.eq("name", "Li Bai").gte("grade", 3).order("grade", Order::desc().nulls_last()).range(0, 9);
    page.count_exact().fetch::<Value>().await?;
    ok()
}

async fn rdb_single(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").select("id,name,grade").eq("id", 7).single::<Value>().await?;
    ok()
}

async fn rdb_in_or(c: Ctx) -> Outcome {
    let students = c.client().mysqldb().from("students").select("*").in_("grade", [3, 4]);
    students.or(|any| any.eq("status", "active").is("deleted_at", Is::Null)).fetch::<Value>().await?;
    ok()
}

async fn rdb_ilike(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").select("*").ilike("name", "%bai%").fetch::<Value>().await?;
    ok()
}

async fn rdb_insert(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").insert(json!([{"name": "Li Bai", "grade": 3}])).execute().await?;
    ok()
}

async fn rdb_upsert(c: Ctx) -> Outcome {
    let rows = json!([{"id": 7, "name": "Li Bai", "grade": 3}]);
    let upsert = c.client().mysqldb().from("students").insert(rows).upsert(Resolution::MergeDuplicates);
    upsert.on_conflict(["id"]).execute().await?;
    ok()
}

async fn rdb_update(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").update(json!({"grade": 4})).eq("id", 7).returning::<Value>().await?;
    ok()
}

async fn rdb_delete(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").delete().eq("id", 7).execute().await?;
    ok()
}

async fn rdb_head_count(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").count().send().await?;
    ok()
}

async fn rdb_rpc(c: Ctx) -> Outcome {
    c.client().mysqldb().rpc("grade_sizes", json!({"min_grade": 3})).fetch::<Value>().await?;
    ok()
}

async fn rdb_rpc_get(c: Ctx) -> Outcome {
    let _: Value = c.client().mysqldb().rpc("count_students", json!({"min_grade": 3})).get().value().await?;
    ok()
}

async fn rdb_schema(c: Ctx) -> Outcome {
    c.client().mysqldb().database("public").from("students").select("id,name,grade").fetch::<Value>().await?;
    ok()
}

async fn rdb_mysql_select(c: Ctx) -> Outcome {
    c.client().mysqldb().from("students").select("id,name,grade").eq("name", "Li Bai").fetch::<Value>().await?;
    ok()
}

// ---------------------------------------------------------------- NoSQL

fn poets(c: &Ctx) -> cloudbase_api::documents::Collection {
    c.client().nosql().collection("poets")
}

async fn nosql_add(c: Ctx) -> Outcome {
    poets(&c).insert(&[json!({"name": "Li Bai", "age": 61})]).await?;
    ok()
}

async fn nosql_query(c: Ctx) -> Outcome {
    let adults = poets(&c).find(&json!({"age": {"$gte": 18}})).order("age", true).offset(5).limit(10);
    adults.projection(&json!({"name": 1})).fetch::<Value>().await?;
    ok()
}

async fn nosql_doc_get(c: Ctx) -> Outcome {
    poets(&c).get::<Value>("d-1").await?;
    ok()
}

async fn nosql_doc_update(c: Ctx) -> Outcome {
    poets(&c).update(&json!({"_id": "d-1"}), &json!({"$set": {"age": 62}})).one().send().await?;
    ok()
}

async fn nosql_doc_set(c: Ctx) -> Outcome {
    poets(&c).update(&json!({"_id": "d-1"}), &json!({"name": "Li Bai", "age": 62})).one().upsert().send().await?;
    ok()
}

async fn nosql_doc_remove(c: Ctx) -> Outcome {
    poets(&c).remove(&json!({"_id": "d-1"}), None).await?;
    ok()
}

async fn nosql_where_update(c: Ctx) -> Outcome {
    poets(&c).update(&json!({"name": "Li Bai"}), &json!({"$set": {"age": 62}})).send().await?;
    ok()
}

async fn nosql_remove(c: Ctx) -> Outcome {
    poets(&c).remove(&json!({"name": "Li Bai"}), None).await?;
    ok()
}

async fn nosql_count(c: Ctx) -> Outcome {
    poets(&c).find(&json!({"age": {"$gte": 18}})).count().await?;
    ok()
}

async fn nosql_aggregate(c: Ctx) -> Outcome {
    let pipeline = [json!({"$match": {"age": {"$gte": 18}}}), json!({"$group": {"_id": "$age", "count": {"$sum": 1}}})];
    poets(&c).aggregate::<Value>(&pipeline).await?;
    ok()
}

async fn nosql_create_collection(c: Ctx) -> Outcome {
    let body = cloudbase_api::nosql::CreateCollectionRequest { collection_name: "poets".into() };
    c.client().nosql().create_collection().instance("(default)").database("(default)").body(body).send().await?;
    ok()
}

async fn nosql_transaction(c: Ctx) -> Outcome {
    c.client().nosql().begin_transaction().await?.commit().await?;
    ok()
}

async fn nosql_run_commands(c: Ctx) -> Outcome {
    let find = cloudbase_api::ejson::to_document(&json!({"find": "poets", "filter": {"name": "Li Bai"}})).unwrap();
    let body = cloudbase_api::nosql::RunCommandsRequest { commands: vec![find], transaction_id: None };
    c.client().nosql().run_commands().instance("(default)").database("(default)").body(body).send().await?;
    ok()
}
