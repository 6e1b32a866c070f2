//! Configuration from the process environment: [`ClientBuilder::from_env`].

use crate::client::BaseUrlRefused;
use crate::{Client, ClientBuilder, Credentials, Error, Region};
use std::ffi::OsString;

/// Where requests go instead of the environment's gateway (a proxy, a local mock server).
const BASE_URL: &str = "CLOUDBASE_BASE_URL";
/// The environment id, e.g. `my-env-1a2b`.
const ENV_ID: &str = "CLOUDBASE_ENV_ID";
/// `mainland`, `international`, or the environment's Tencent Cloud region (`ap-shanghai`).
const REGION: &str = "CLOUDBASE_REGION";
/// The device id of the authentication calls (`x-device-id`).
const DEVICE_ID: &str = "CLOUDBASE_DEVICE_ID";
/// Makes credentials of one kind from the variable's value.
type Kind = fn(String) -> Credentials;

/// The credentials, in their order of precedence: the first one set is used.
const CREDENTIALS: [(&str, Kind); 3] = [
    ("CLOUDBASE_API_KEY", Credentials::api_key),
    ("CLOUDBASE_ACCESS_TOKEN", Credentials::access_token),
    ("CLOUDBASE_PUBLISHABLE_KEY", Credentials::publishable_key),
];

impl ClientBuilder {
    /// A builder configured from the process environment, to finish with
    /// [`build`](Self::build) after any other setting.
    ///
    /// | variable | sets | |
    /// |---|---|---|
    /// | `CLOUDBASE_BASE_URL` | [`base_url`](Self::base_url) | takes precedence over the two below |
    /// | `CLOUDBASE_ENV_ID` | [`env_id`](Self::env_id) | required unless `CLOUDBASE_BASE_URL` is set (then it is the `client_id` of the authentication calls only) |
    /// | `CLOUDBASE_REGION` | [`region`](Self::region) | `mainland` (the default), `international`, or a region name such as `ap-shanghai` ([`Region::from_name`] lists them) |
    /// | `CLOUDBASE_API_KEY` | [`Credentials::api_key`] | the first credential set is used, in this order |
    /// | `CLOUDBASE_ACCESS_TOKEN` | [`Credentials::access_token`] | |
    /// | `CLOUDBASE_PUBLISHABLE_KEY` | [`Credentials::publishable_key`] | |
    /// | `TENCENTCLOUD_SECRETID`, `TENCENTCLOUD_SECRETKEY` | [`Credentials::secret_key`] | when no variable above is set and both are; what a cloud function's runtime sets, as node-sdk reads them |
    /// | `TENCENTCLOUD_SESSIONTOKEN` | [`Credentials::temporary_secret_key`] | with the two above |
    /// | `CLOUDBASE_DEVICE_ID` | [`device_id`](Self::device_id) | generated when the client is built if unset |
    ///
    /// A variable set to the empty string counts as unset; with no credential variable the client
    /// has no credentials (operations that need none still work). A value that cannot be used
    /// (not UTF-8, a control character (C0, DEL or C1) in any of them, an env id that is not a DNS
    /// label, an unknown region (the closest name is suggested), a base URL that does not parse or
    /// holds a user name or password, a credential with a character headers cannot carry) is
    /// [`Error::Config`] naming the variable; the value of a credential is never shown, and other
    /// values only with their control characters escaped (`\r`, `\u{85}`).
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), cloudbase_api::Error> {
    /// use std::time::Duration;
    ///
    /// let client = cloudbase_api::ClientBuilder::from_env()?.timeout(Duration::from_secs(10)).build()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<ClientBuilder, Error> {
        from_vars(|name| std::env::var_os(name))
    }
}

impl Client {
    /// A client configured from the process environment:
    /// [`ClientBuilder::from_env`]`()?.build()`, which lists the variables.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), cloudbase_api::Error> {
    /// // CLOUDBASE_ENV_ID=my-env-1a2b CLOUDBASE_API_KEY=... cargo run
    /// let client = cloudbase_api::Client::from_env()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }
}

/// [`ClientBuilder::from_env`] over any source of variables.
fn from_vars(var: impl Fn(&str) -> Option<OsString>) -> Result<ClientBuilder, Error> {
    let read = |name: &'static str| match var(name) {
        None => Ok(None),
        Some(value) if value.is_empty() => Ok(None),
        Some(value) => {
            let value = value.into_string().map_err(|_| invalid(name, "is not valid UTF-8"))?;
            // Named by the character only: the value may be a secret.
            match crate::error::first_control(&value) {
                Some((c, at)) => Err(invalid(name, &format!("holds a control character (`{c}` at byte {at})"))),
                None => Ok(Some(value)),
            }
        }
    };
    let mut builder = Client::builder();
    let env_id = read(ENV_ID)?;
    if let Some(env_id) = &env_id
        && !crate::client::is_env_id(env_id)
    {
        let shown = crate::error::escape_controls(env_id);
        return Err(invalid(ENV_ID, &format!("= `{shown}` is not an env id (letters, digits and `-`, at most 63)")));
    }
    match (read(BASE_URL)?, env_id) {
        (Some(url), env_id) => {
            crate::client::parse_base_url(&url).map_err(|refused| match refused {
                BaseUrlRefused::NotAUrl(e) => invalid(BASE_URL, &format!("is not a URL ({e})")),
                BaseUrlRefused::Unfit(why) => invalid(BASE_URL, why),
            })?;
            builder = builder.base_url(url);
            if let Some(env_id) = env_id {
                builder = builder.env_id(env_id);
            }
        }
        (None, Some(env_id)) => {
            builder = builder.env_id(env_id);
        }
        (None, None) => {
            return Err(Error::Config { message: format!("set {ENV_ID} (or {BASE_URL}) in the environment") });
        }
    }
    if let Some(name) = read(REGION)? {
        let region = name.parse::<Region>().map_err(|error| match error {
            Error::Config { message } => invalid(REGION, &format!("= {message}")),
            other => other,
        })?;
        builder = builder.region(region);
    }
    if let Some(device_id) = read(DEVICE_ID)? {
        if !crate::client::is_device_id(&device_id) {
            return Err(invalid(DEVICE_ID, "is not 1 to 128 printable ASCII characters without spaces"));
        }
        builder = builder.device_id(device_id);
    }
    // Visible ASCII only: what a header value can carry as it is (no line break, no control
    // character, nothing a proxy would re-encode).
    let secret = |name: &'static str| match read(name)? {
        Some(secret) if !secret.bytes().all(|b| b.is_ascii_graphic()) => {
            Err(invalid(name, "holds a character other than visible ASCII (its value is not shown)"))
        }
        value => Ok(value),
    };
    for (name, credentials) in CREDENTIALS {
        if let Some(secret) = secret(name)? {
            return Ok(builder.credentials(credentials(secret)));
        }
    }
    // A Tencent Cloud key pair, as node-sdk takes it when it has no other credentials (and a
    // cloud function's runtime sets it): both or nothing.
    let (id, key) = (secret(crate::tc3::ENV_SECRET_ID)?, secret(crate::tc3::ENV_SECRET_KEY)?);
    if let (Some(id), Some(key)) = (id, key) {
        let credentials = match secret(crate::tc3::ENV_SESSION_TOKEN)? {
            Some(token) => Credentials::temporary_secret_key(id, key, token),
            None => Credentials::secret_key(id, key),
        };
        builder = builder.credentials(credentials);
    }
    Ok(builder)
}

fn invalid(name: &str, what: &str) -> Error {
    Error::Config { message: format!("{name} {what}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn client(vars: &[(&str, &str)]) -> Result<Client, Error> {
        let vars: HashMap<String, OsString> = vars.iter().map(|(k, v)| (k.to_string(), OsString::from(v))).collect();
        from_vars(|name| vars.get(name).cloned())?.build()
    }

    fn message(result: Result<Client, Error>) -> String {
        match result {
            Err(Error::Config { message }) => message,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn env_id_and_region_give_the_gateway() {
        let mainland = client(&[("CLOUDBASE_ENV_ID", "my-env-1a2b")]).unwrap();
        assert_eq!(mainland.base_url(), "https://my-env-1a2b.api.tcloudbasegateway.com");
        for (region, host) in [
            ("international", "api.intl.tcloudbasegateway.com"),
            ("International", "api.intl.tcloudbasegateway.com"),
            ("ap-singapore", "api.intl.tcloudbasegateway.com"),
            ("mainland", "api.tcloudbasegateway.com"),
            ("ap-shanghai", "api.tcloudbasegateway.com"),
        ] {
            let client = client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_REGION", region)]).unwrap();
            assert_eq!(client.base_url(), format!("https://e1.{host}"), "{region}");
        }
    }

    #[test]
    fn the_base_url_takes_precedence_over_the_env_id() {
        let both = client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_BASE_URL", "http://127.0.0.1:4010/")]).unwrap();
        assert_eq!(both.base_url(), "http://127.0.0.1:4010");
        // The env id is still the client's (the `client_id` of the authentication calls).
        assert_eq!(both.env_id(), Some("e1"));
        let no_env = client(&[("CLOUDBASE_BASE_URL", "http://127.0.0.1:4010/")]).unwrap();
        assert_eq!(no_env.env_id(), None);
    }

    #[test]
    fn the_device_id_is_read_or_generated() {
        let set = client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_DEVICE_ID", "dev-7f3a")]).unwrap();
        assert_eq!(set.device_id(), "dev-7f3a");
        let generated = client(&[("CLOUDBASE_ENV_ID", "e1")]).unwrap();
        let other = client(&[("CLOUDBASE_ENV_ID", "e1")]).unwrap();
        assert_eq!(generated.device_id().len(), 32, "{}", generated.device_id());
        assert!(generated.device_id().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(generated.device_id(), other.device_id());
        // Derived clients keep it.
        assert_eq!(generated.without_credentials().device_id(), generated.device_id());
        let bad = message(client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_DEVICE_ID", "a\r\nX-Injected: 1")]));
        assert!(bad.starts_with("CLOUDBASE_DEVICE_ID holds a control character"), "{bad}");
        let spaced = message(client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_DEVICE_ID", "a b")]));
        assert!(spaced.starts_with("CLOUDBASE_DEVICE_ID is not"), "{spaced}");
        assert!(!bad.contains('\n'), "{bad}");
    }

    #[test]
    fn the_first_credential_set_is_used() {
        let all = [
            ("CLOUDBASE_ENV_ID", "e1"),
            ("CLOUDBASE_API_KEY", "key-1"),
            ("CLOUDBASE_ACCESS_TOKEN", "token-1"),
            ("CLOUDBASE_PUBLISHABLE_KEY", "pub-1"),
        ];
        let credentials = |vars: &[(&str, &str)]| format!("{:?}", client(vars).unwrap());
        assert!(credentials(&all).contains("Credentials::ApiKey"), "{}", credentials(&all));
        assert!(credentials(&[all[0], all[2], all[3]]).contains("Credentials::AccessToken"));
        assert!(credentials(&[all[0], all[3]]).contains("Credentials::PublishableKey"));
        // Empty counts as unset.
        assert!(credentials(&[all[0], ("CLOUDBASE_API_KEY", ""), all[3]]).contains("Credentials::PublishableKey"));
        assert!(credentials(&[all[0]]).contains("credentials: None"), "{}", credentials(&[all[0]]));
        // A Tencent Cloud key pair (a cloud function's runtime sets one) comes last, both or none.
        let pair = [("TENCENTCLOUD_SECRETID", "AKIDEXAMPLE"), ("TENCENTCLOUD_SECRETKEY", "secret-k")];
        let shown = credentials(&[all[0], pair[0], pair[1]]);
        assert!(shown.contains("Credentials::SecretKey") && !shown.contains("secret-k"), "{shown}");
        assert!(credentials(&[all[0], pair[0]]).contains("credentials: None"));
        assert!(credentials(&[all[0], all[1], pair[0], pair[1]]).contains("Credentials::ApiKey"));
        let temporary = credentials(&[all[0], pair[0], pair[1], ("TENCENTCLOUD_SESSIONTOKEN", "tok-9")]);
        assert!(temporary.contains("Credentials::SecretKey") && !temporary.contains("tok-9"), "{temporary}");
    }

    #[test]
    fn errors_name_the_variable_and_never_a_secret() {
        assert_eq!(message(client(&[])), "set CLOUDBASE_ENV_ID (or CLOUDBASE_BASE_URL) in the environment");
        assert_eq!(message(client(&[("CLOUDBASE_ENV_ID", "")])), message(client(&[])));
        let bad_env = message(client(&[("CLOUDBASE_ENV_ID", "evil.com/x")]));
        assert!(bad_env.starts_with("CLOUDBASE_ENV_ID = `evil.com/x` is not an env id"), "{bad_env}");
        let bad_region = message(client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_REGION", "moon")]));
        assert!(bad_region.starts_with("CLOUDBASE_REGION = `moon` is not"), "{bad_region}");

        let bad_url = message(client(&[("CLOUDBASE_BASE_URL", "http://admin:hunter2@[::1")]));
        assert!(bad_url.starts_with("CLOUDBASE_BASE_URL is not a URL"), "{bad_url}");
        assert!(!bad_url.contains("hunter2"), "{bad_url}");
        let not_http = message(client(&[("CLOUDBASE_BASE_URL", "ftp://admin:hunter2@host")]));
        assert_eq!(not_http, "CLOUDBASE_BASE_URL must be an http(s) URL with a host");
        let query = message(client(&[("CLOUDBASE_BASE_URL", "http://admin:hunter2@host/?token=t")]));
        assert_eq!(query, "CLOUDBASE_BASE_URL must not have a query or fragment");

        for name in ["CLOUDBASE_API_KEY", "CLOUDBASE_ACCESS_TOKEN", "CLOUDBASE_PUBLISHABLE_KEY"] {
            let shown = message(client(&[("CLOUDBASE_ENV_ID", "e1"), (name, "sk-secret\r\nX: 1")]));
            assert!(shown.starts_with(name) && !shown.contains("sk-secret"), "{shown}");
        }
    }

    #[test]
    fn control_characters_are_refused_in_every_variable_and_echoed_escaped() {
        let base = ("CLOUDBASE_BASE_URL", "http://127.0.0.1:4010");
        let cases = [
            vec![("CLOUDBASE_BASE_URL", "http://127.0.0.1:4010/\r\nX-Injected: 1")],
            vec![("CLOUDBASE_ENV_ID", "e1\r\n")],
            vec![base, ("CLOUDBASE_REGION", "ap-shanghai\r\nX-Injected: 1")],
            vec![base, ("CLOUDBASE_DEVICE_ID", "dev\u{85}")],
            vec![base, ("CLOUDBASE_API_KEY", "sk-1\u{85}")],
            vec![base, ("CLOUDBASE_ACCESS_TOKEN", "tok\u{9b}")],
            vec![base, ("CLOUDBASE_PUBLISHABLE_KEY", "pub\t1")],
            vec![base, ("TENCENTCLOUD_SECRETID", "AKID"), ("TENCENTCLOUD_SECRETKEY", "key\u{7f}")],
        ];
        for vars in cases {
            let name = vars.last().unwrap().0;
            let shown = message(client(&vars));
            assert!(shown.starts_with(name), "{shown}");
            assert!(shown.contains("control character"), "{shown}");
            assert!(!shown.chars().any(char::is_control), "{shown:?}");
            assert!(!["sk-1", "tok", "pub", "key"].iter().any(|s| shown.contains(s)), "{shown}");
        }
        let region = message(client(&[base, ("CLOUDBASE_REGION", "ap-shanghai\r\n")]));
        assert!(region.contains("`\\r`"), "{region}");
    }

    #[test]
    fn a_base_url_with_userinfo_is_refused() {
        let shown = message(client(&[("CLOUDBASE_BASE_URL", "http://admin:hunter2@127.0.0.1:4010")]));
        assert_eq!(shown, "CLOUDBASE_BASE_URL must not hold a user name or password");
    }

    #[test]
    fn a_misspelled_region_is_refused_with_the_closest_name() {
        let shown = message(client(&[("CLOUDBASE_ENV_ID", "e1"), ("CLOUDBASE_REGION", "ap-shangai")]));
        assert!(shown.starts_with("CLOUDBASE_REGION = `ap-shangai` is not"), "{shown}");
        assert!(shown.contains("did you mean `ap-shanghai`?"), "{shown}");
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_named() {
        use std::os::unix::ffi::OsStringExt;
        let vars = |name: &str| (name == "CLOUDBASE_ENV_ID").then(|| OsString::from_vec(vec![b'e', 0xff]));
        let error = from_vars(vars).unwrap_err();
        assert_eq!(error.to_string(), "client configuration: CLOUDBASE_ENV_ID is not valid UTF-8");
    }
}
