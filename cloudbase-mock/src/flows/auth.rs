//! Stateful auth, for testing a `Session` end to end: verification codes that verify (or do
//! not), users found by phone, email or username, access tokens that expire and refresh, and
//! sign-out or revoke that ends the session. Built on the generated auth stubs ([`Stub::respond`](crate::Stub::respond)).

use crate::runtime::server::lock;
use crate::{Answer, MockServer};
use cloudbase_api::auth::{
    ErrorResponse, Profile, SendVerificationResponse, SignOutResponse, TokenResponse, VerifyResponse,
};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The auth flows of one [`MockServer`]; from [`MockServer::auth_flows`]. Cheap to clone: every
/// clone sees and changes the same state.
#[derive(Clone)]
pub struct AuthFlows {
    store: Arc<Mutex<Store>>,
}

impl std::fmt::Debug for AuthFlows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let store = lock(&self.store);
        f.debug_struct("AuthFlows")
            .field("users", &store.users.len())
            .field("access_tokens", &store.access.len())
            .field("token_lifetime", &store.lifetime)
            .finish_non_exhaustive()
    }
}

/// A user the flows know: signed up by a verified phone or email, added with a password, or
/// signed in anonymously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockUser {
    /// The user's id (`sub`).
    pub sub: String,
    /// The phone number, for a user who signed in with one.
    pub phone_number: Option<String>,
    /// The email address, for a user who signed in with one.
    pub email: Option<String>,
    /// The username, for a user added with a password.
    pub username: Option<String>,
    /// Signed in anonymously.
    pub anonymous: bool,
}

#[derive(Default)]
struct Store {
    code: String,
    lifetime: Duration,
    next: u64,
    users: Vec<MockUser>,
    passwords: BTreeMap<String, String>,
    /// verification_id -> (phone or email, whether it is a phone)
    verifications: BTreeMap<String, (String, bool)>,
    /// verification_token -> (phone or email, whether it is a phone)
    verified: BTreeMap<String, (String, bool)>,
    /// access token -> (user index, issued at, refresh token)
    access: BTreeMap<String, Access>,
    /// refresh token -> user index
    refresh: BTreeMap<String, usize>,
}

struct Access {
    user: usize,
    expires: Instant,
    refresh: String,
    revoked: bool,
}

impl Store {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}-{}", self.next)
    }

    fn issue(&mut self, user: usize) -> TokenResponse {
        let access = self.id("mock-access");
        let refresh = self.id("mock-refresh");
        let expires = Instant::now() + self.lifetime;
        self.access.insert(access.clone(), Access { user, expires, refresh: refresh.clone(), revoked: false });
        self.refresh.insert(refresh.clone(), user);
        TokenResponse {
            token_type: Some("Bearer".to_owned()),
            access_token: Some(access),
            refresh_token: Some(refresh),
            expires_in: Some(i32::try_from(self.lifetime.as_secs()).unwrap_or(i32::MAX)),
            sub: Some(self.users[user].sub.clone()),
            scope: Some(if self.users[user].anonymous { "anonymous" } else { "user" }.to_owned()),
            ..TokenResponse::default()
        }
    }

    fn user_by_contact(&mut self, contact: &str, phone: bool) -> usize {
        let found = self.users.iter().position(|u| {
            if phone { u.phone_number.as_deref() == Some(contact) } else { u.email.as_deref() == Some(contact) }
        });
        found.unwrap_or_else(|| {
            let sub = self.id("mock-user");
            let (phone_number, email) =
                if phone { (Some(contact.to_owned()), None) } else { (None, Some(contact.to_owned())) };
            self.users.push(MockUser { sub, phone_number, email, username: None, anonymous: false });
            self.users.len() - 1
        })
    }

    /// Why `token` is refused, for a token these flows issued.
    fn refusal(&self, token: &str) -> Option<String> {
        let access = self.access.get(token)?;
        if access.revoked {
            Some("the access token was revoked (signed out)".to_owned())
        } else if Instant::now() >= access.expires {
            Some("the access token has expired".to_owned())
        } else {
            None
        }
    }

    fn profile(&self, user: usize) -> Profile {
        let user = &self.users[user];
        Profile {
            sub: Some(user.sub.clone()),
            user_id: Some(user.sub.clone()),
            phone_number: user.phone_number.clone(),
            email: user.email.clone(),
            username: user.username.clone(),
            status: Some("ACTIVE".to_owned()),
            r#type: Some(if user.anonymous { "ANONYMOUS" } else { "USER" }.to_owned()),
            ..Profile::default()
        }
    }
}

/// An auth error in the auth service's shape.
fn error(status: u16, key: &str, description: &str) -> Answer {
    let body = ErrorResponse {
        error: Some(key.to_owned()),
        error_code: None,
        error_description: Some(description.to_owned()),
    };
    Answer::json(status, &body)
}

impl MockServer {
    /// Turns on stateful auth and returns its handle: sending a verification code
    /// (`Auth_SendVerification`) remembers the phone or email, verifying
    /// (`Auth_VerifyVerification`) accepts the one code ([`AuthFlows::DEFAULT_CODE`] unless set), signing
    /// in (`Auth_SignIn` with the verification token or a password, `Auth_SignUp`,
    /// `Auth_SignInAnonymously`) issues tokens that expire, refreshing (`Auth_GrantToken` with
    /// `grant_type=refresh_token`) replaces them, `User_Me` answers the token's user, and
    /// `Auth_SignOut` (with the session's bearer token) or `Auth_Revoke` (with the access token in
    /// its body, as the vendor's SDKs sign out) revokes the session. From then on, every operation that takes a bearer
    /// token refuses one these flows issued that has expired or was revoked, with a 401, as the
    /// gateway does; tokens the flows never issued (API keys, tokens of your own) pass.
    ///
    /// Mounted as stubs: stubs mounted earlier on these operations answer first; call
    /// [`MockServer::reset`] to turn the flows off.
    ///
    /// ```
    /// # async fn run() {
    /// use cloudbase_mock::{AuthFlows, MockServer};
    ///
    /// let server = MockServer::start().await;
    /// let flows = server.auth_flows();
    /// let auth = server.client().auth();
    /// let sent = auth.send_phone_code("+86 13800138000").await.unwrap();
    /// let verified = auth.verify_code(&sent, AuthFlows::DEFAULT_CODE).await.unwrap();
    /// let session = auth.sign_in_with_verification(&verified).await.unwrap();
    ///
    /// flows.expire_access_tokens(); // the next request is refused 401...
    /// let me = session.profile().await.unwrap(); // ...and the session refreshes once
    /// assert_eq!(me.phone_number.as_deref(), Some("+86 13800138000"));
    /// assert_eq!(server.auth().grant_token().received().len(), 1);
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run());
    /// ```
    pub fn auth_flows(&self) -> AuthFlows {
        let store = Arc::new(Mutex::new(Store {
            code: AuthFlows::DEFAULT_CODE.to_owned(),
            lifetime: AuthFlows::DEFAULT_TOKEN_LIFETIME,
            ..Store::default()
        }));
        let checked = store.clone();
        *lock(&self.state.token_check) = Some(Arc::new(move |token: &str| lock(&checked).refusal(token)));
        let auth = self.auth();

        let s = store.clone();
        auth.send_verification().respond(move |request, _| {
            let mut store = lock(&s);
            let (contact, phone) = match (&request.body.phone_number, &request.body.email) {
                (Some(phone), _) => (phone.clone(), true),
                (None, Some(email)) => (email.clone(), false),
                (None, None) => return error(400, "invalid_argument", "give a phone_number or an email"),
            };
            let is_user = store.users.iter().any(|u| {
                if phone { u.phone_number.as_ref() == Some(&contact) } else { u.email.as_ref() == Some(&contact) }
            });
            let id = store.id("mock-verification");
            store.verifications.insert(id.clone(), (contact, phone));
            let reply =
                SendVerificationResponse { verification_id: Some(id), expires_in: Some(600), is_user: Some(is_user) };
            Answer::json(200, &reply)
        });

        let s = store.clone();
        auth.verify_verification().respond(move |request, _| {
            let mut store = lock(&s);
            let Some(contact) = store.verifications.get(&request.body.verification_id).cloned() else {
                return error(400, "invalid_argument", "unknown verification_id");
            };
            if request.body.verification_code != store.code {
                return error(400, "invalid_argument", "the verification code does not match");
            }
            store.verifications.remove(&request.body.verification_id);
            let token = store.id("mock-verification-token");
            store.verified.insert(token.clone(), contact);
            Answer::json(200, &VerifyResponse { verification_token: Some(token), expires_in: Some(600) })
        });

        let s = store.clone();
        auth.sign_in().respond(move |request, _| {
            let mut store = lock(&s);
            let body = &request.body;
            if let Some(token) = &body.verification_token {
                let Some((contact, phone)) = store.verified.remove(token) else {
                    return error(400, "invalid_argument", "unknown or used verification_token");
                };
                let user = store.user_by_contact(&contact, phone);
                return Answer::json(200, &store.issue(user));
            }
            if let (Some(username), Some(password)) = (&body.username, &body.password) {
                let user = store.users.iter().position(|u| {
                    u.username.as_ref() == Some(username)
                        || u.phone_number.as_ref() == Some(username)
                        || u.email.as_ref() == Some(username)
                });
                return match user {
                    Some(user) if store.passwords.get(&store.users[user].sub) == Some(password) => {
                        Answer::json(200, &store.issue(user))
                    }
                    _ => error(400, "invalid_password", "the username or password is wrong"),
                };
            }
            error(400, "invalid_argument", "give a verification_token, or a username and a password")
        });

        let s = store.clone();
        auth.sign_up().respond(move |request, _| {
            let mut store = lock(&s);
            let Some((contact, phone)) =
                request.body.verification_token.as_ref().and_then(|t| store.verified.remove(t))
            else {
                return error(400, "invalid_argument", "sign-up needs an unused verification_token");
            };
            let user = store.user_by_contact(&contact, phone);
            if let Some(password) = &request.body.password {
                let sub = store.users[user].sub.clone();
                store.passwords.insert(sub, password.clone());
            }
            if let Some(Some(username)) = &request.body.username {
                store.users[user].username = Some(username.clone());
            }
            Answer::json(200, &store.issue(user))
        });

        let s = store.clone();
        auth.anonymous_token().respond(move |_, _| {
            let mut store = lock(&s);
            let sub = store.id("mock-anonymous");
            store.users.push(MockUser { sub, phone_number: None, email: None, username: None, anonymous: true });
            let user = store.users.len() - 1;
            Answer::json(200, &store.issue(user))
        });

        let s = store.clone();
        auth.grant_token().respond(move |request, _| {
            let mut store = lock(&s);
            if request.body.grant_type.clone().flatten().as_deref() != Some("refresh_token") {
                return error(400, "unsupported_grant_type", "the mock's auth flows grant refresh_token only");
            }
            let Some(user) = request.body.refresh_token.as_ref().and_then(|t| store.refresh.remove(t)) else {
                return error(400, "invalid_grant", "unknown, used or revoked refresh_token");
            };
            Answer::json(200, &store.issue(user))
        });

        let s = store.clone();
        auth.user_me().respond(move |_, received| {
            let store = lock(&s);
            match received.authorization("Bearer").and_then(|token| store.access.get(token).map(|a| a.user)) {
                Some(user) => Answer::json(200, &store.profile(user)),
                None => error(401, "unauthenticated", "the access token was not issued by the mock's auth flows"),
            }
        });

        let s = store.clone();
        auth.sign_out().respond(move |_, received| {
            let mut store = lock(&s);
            let Some(token) = received.authorization("Bearer") else {
                return error(401, "unauthenticated", "sign-out needs the session's access token");
            };
            if let Some(access) = store.access.get_mut(token) {
                access.revoked = true;
                let refresh = access.refresh.clone();
                store.refresh.remove(&refresh);
            }
            Answer::json(200, &SignOutResponse { redirect_uri: None })
        });

        // Revoke, as the vendor's SDK signs out: the access token in the body, no credentials.
        let s = store.clone();
        auth.revoke().respond(move |request, _| {
            let mut store = lock(&s);
            let Some(token) = request.body.as_ref().and_then(|body| body.token.as_ref()) else {
                return error(400, "invalid_argument", "revoke needs the access token in the body's `token`");
            };
            if let Some(access) = store.access.get_mut(token) {
                access.revoked = true;
                let refresh = access.refresh.clone();
                store.refresh.remove(&refresh);
            }
            Answer::json(200, &serde_json::json!({}))
        });

        AuthFlows { store }
    }
}

impl AuthFlows {
    /// The code every verification accepts unless [`set_code`](Self::set_code) says otherwise.
    pub const DEFAULT_CODE: &str = "123456";

    /// How long issued access tokens live unless [`set_token_lifetime`](Self::set_token_lifetime)
    /// says otherwise: CloudBase's two hours.
    pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(7200);

    /// The code verifications accept from now on.
    pub fn set_code(&self, code: impl Into<String>) {
        lock(&self.store).code = code.into();
    }

    /// How long access tokens issued from now on live.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.store).lifetime = lifetime;
    }

    /// Expires every access token issued so far (refresh tokens stay valid): the next request
    /// with one is refused 401, as after the token's lifetime.
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        for access in lock(&self.store).access.values_mut() {
            access.expires = now;
        }
    }

    /// Adds a user who signs in with `username` and `password` (`Auth_SignIn`); returns its id.
    pub fn add_user(&self, username: &str, password: &str) -> String {
        let mut store = lock(&self.store);
        let sub = store.id("mock-user");
        store.users.push(MockUser {
            sub: sub.clone(),
            phone_number: None,
            email: None,
            username: Some(username.to_owned()),
            anonymous: false,
        });
        store.passwords.insert(sub.clone(), password.to_owned());
        sub
    }

    /// Every user the flows know, in the order they appeared.
    pub fn users(&self) -> Vec<MockUser> {
        lock(&self.store).users.clone()
    }

    /// The number of access tokens issued so far (sign-ins and refreshes).
    pub fn tokens_issued(&self) -> usize {
        lock(&self.store).access.len()
    }
}
