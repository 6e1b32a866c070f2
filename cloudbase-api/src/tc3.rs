//! Tencent Cloud API-key authentication (TC3-HMAC-SHA256) for the CloudBase HTTP gateway, as
//! `@cloudbase/node-sdk` 3.18.3 sends it.
//!
//! TC3-HMAC-SHA256 is Tencent Cloud's "signature v3" (签名方法 v3,
//! <https://cloud.tencent.com/document/api/213/30654>; in English, e.g.
//! <https://www.tencentcloud.com/document/product/267/37447>): a canonical request (method, path,
//! query, selected headers, SHA-256 of the payload) is hashed into a string to sign, which is signed
//! with HMAC-SHA256 under a key derived from the SecretKey, the UTC date of the timestamp and the
//! service: `HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")`.
//!
//! The CloudBase gateway (`https://<env>.api.tcloudbasegateway.com`) accepts it in place of a bearer
//! token (<https://docs.cloudbase.net/en/http-api/basic/tc3-auth>). node-sdk signs this way for
//! `POST /auth/v1/token/clientCredential` (exchanging the signature for an access token), for
//! `/v1/cloudrun/...` and for its other gateway calls (`src/utils/tcbopenapicommonrequester.ts:150-218`,
//! `src/utils/tcbopenapirequester.ts:152-226`), through `sign()` of `@cloudbase/signature-nodejs` 2.2.0
//! with `isCloudApi: true`, service `tcb` and the time `now - 1` second. This module reproduces that
//! library's output, which departs from Tencent's documented algorithm in places:
//!
//! - the canonical URI is the request path and the canonical query string is the URL's query exactly
//!   as sent (neither sorted nor re-encoded);
//! - every header node-sdk sends is signed: `Content-Type` (the call's), `Host`, `User-Agent` and
//!   `X-SDK-Version` (`tcb-node-sdk/3.18.3`), `X-Client-Timestamp` (milliseconds), `X-TCB-Region`
//!   (when a region is known), `X-TCB-Source` (`<source>,<runtime tag>`, e.g. `,unknown`), and any
//!   configured extra headers. Names are lowercased, trimmed and percent-encoded; values trimmed and
//!   lowercased, except `content-type`'s, kept verbatim (cut to `multipart/form-data` when it starts
//!   so);
//! - names are sorted as JavaScript's `localeCompare` sorts them (`_` before `-`, punctuation before
//!   digits and letters), not by byte;
//! - the payload is the JSON text of the request data (`JSON.stringify`, also the body node-sdk
//!   sends), or empty when there is none and for cloudrun `GET`s;
//! - the timestamp goes into the `Authorization` value (`, Timestamp=<seconds>`) instead of an
//!   `X-TC-Timestamp` header, and a temporary credential's session token follows it as
//!   `, Token=<token>` instead of an `X-TC-Token` header; neither is signed.
//!
//! Secrets are borrowed, never stored in the results, and never shown by `Debug`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::fmt;

/// The algorithm name, first in the string to sign and in the `Authorization` value.
pub(crate) const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The service name node-sdk signs gateway requests with (the credential scope's middle part).
pub(crate) const SERVICE_TCB: &str = "tcb";

/// The environment variable node-sdk takes the SecretId from, with [`ENV_SECRET_KEY`] and
/// [`ENV_SESSION_TOKEN`], when its configuration lacks a SecretId or a SecretKey and both variables
/// are set, as the cloud function runtime sets them (node-sdk `src/utils/tcbapirequester.ts:39-58`,
/// read from `process.env` in `src/utils/tcbcontext.ts:90-98`).
pub(crate) const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRETID";

/// The environment variable for the SecretKey (see [`ENV_SECRET_ID`]).
pub(crate) const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRETKEY";

/// The environment variable for the temporary credential's session token (see [`ENV_SECRET_ID`]).
pub(crate) const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSIONTOKEN";

/// The latest time JavaScript's `Date` can hold (8.64e15 ms); signature-nodejs throws beyond it.
const MAX_JS_DATE_SECONDS: u64 = 8_640_000_000_000;

/// A Tencent Cloud key pair, with the session token of a temporary credential, borrowed.
///
/// `Debug` shows the SecretId (it is sent in clear in every `Authorization` value) and hides the
/// SecretKey and the session token.
#[derive(Clone, Copy)]
pub(crate) struct Tc3Credentials<'a> {
    secret_id: &'a str,
    secret_key: &'a str,
    session_token: Option<&'a str>,
}

impl<'a> Tc3Credentials<'a> {
    /// A key pair; `session_token` is `Some` for temporary credentials (an empty one counts as none,
    /// as in node-sdk).
    pub(crate) fn new(secret_id: &'a str, secret_key: &'a str, session_token: Option<&'a str>) -> Self {
        Tc3Credentials { secret_id, secret_key, session_token }
    }

    /// The SecretId.
    #[cfg(test)]
    pub(crate) fn secret_id(&self) -> &'a str {
        self.secret_id
    }
}

impl fmt::Debug for Tc3Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &Redacted)
            .field("session_token", &self.session_token.map(|_| Redacted))
            .finish()
    }
}

/// Shown in place of a secret.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What is signed: the parts of one request.
#[derive(Clone, Copy)]
pub(crate) struct Tc3Request<'a> {
    /// The method, used as given (node-sdk passes its caller's spelling, e.g. `POST`).
    pub(crate) method: &'a str,
    /// The path as sent, e.g. `/auth/v1/token/clientCredential` (`/` for a bare host).
    pub(crate) canonical_uri: &'a str,
    /// The query as sent, without `?` (empty for none); not sorted or re-encoded.
    pub(crate) canonical_query: &'a str,
    /// The headers to sign, in the order they are set: when two names differ only in case or
    /// surrounding spaces, the later value is signed. They must include `Host` (the URL's host, with
    /// its port if it has one) and `Content-Type`.
    pub(crate) headers: &'a [(&'a str, &'a str)],
    /// The bytes hashed as the payload. node-sdk hashes the `JSON.stringify` text of the request data
    /// (the body it sends), nothing when there is no data, and nothing for cloudrun `GET`s.
    pub(crate) payload: &'a [u8],
    /// The service, [`SERVICE_TCB`] for the CloudBase gateway.
    pub(crate) service: &'a str,
    /// The signing time, seconds since the Unix epoch (node-sdk: the current time minus one second).
    pub(crate) timestamp: u64,
}

impl fmt::Debug for Tc3Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3Request")
            .field("method", &self.method)
            .field("canonical_uri", &self.canonical_uri)
            .field("canonical_query", &self.canonical_query)
            .field("headers", &self.headers)
            .field("payload_len", &self.payload.len())
            .field("service", &self.service)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// The result of [`sign`]: the signature and the intermediate values it was computed from. It holds
/// no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tc3Signature {
    /// The canonical request, before hashing.
    pub(crate) canonical_request: String,
    /// `TC3-HMAC-SHA256\n<timestamp>\n<credential scope>\n<hex SHA-256 of the canonical request>`.
    pub(crate) string_to_sign: String,
    /// The signature, lowercase hex.
    pub(crate) signature: String,
    /// The signed header names, `;`-separated, e.g. `content-type;host;user-agent`.
    pub(crate) signed_headers: String,
    /// `<UTC date of the timestamp>/<service>/tc3_request`, e.g. `2026-12-07/tcb/tc3_request`.
    pub(crate) credential_scope: String,
    /// The signing time, seconds since the Unix epoch.
    pub(crate) timestamp: u64,
}

/// Why a request could not be signed (signature-nodejs throws in the first three cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tc3Error {
    /// No non-empty `Host` header among the headers to sign.
    MissingHost,
    /// No non-empty `Content-Type` header among the headers to sign.
    MissingContentType,
    /// The timestamp is past the range of JavaScript dates (year 275760).
    TimestampOutOfRange,
    /// The HMAC implementation refused the key (HMAC-SHA256 takes keys of any length).
    InvalidKey,
}

impl fmt::Display for Tc3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tc3Error::MissingHost => "TC3 signing needs a Host header",
            Tc3Error::MissingContentType => "TC3 signing needs a Content-Type header",
            Tc3Error::TimestampOutOfRange => "TC3 signing timestamp out of range",
            Tc3Error::InvalidKey => "TC3 signing key rejected by HMAC",
        })
    }
}

impl std::error::Error for Tc3Error {}

/// Signs `request` as `@cloudbase/signature-nodejs` 2.2.0 does for node-sdk (`isCloudApi: true`).
pub(crate) fn sign(request: &Tc3Request<'_>, credentials: &Tc3Credentials<'_>) -> Result<Tc3Signature, Tc3Error> {
    let headers = canonical_headers(request.headers);
    if !headers.iter().any(|(name, value)| name == "host" && !value.is_empty()) {
        return Err(Tc3Error::MissingHost);
    }
    if !headers.iter().any(|(name, value)| name == "content-type" && !value.is_empty()) {
        return Err(Tc3Error::MissingContentType);
    }
    let date = utc_date(request.timestamp)?;

    let signed_headers = headers.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(";");
    let mut canonical_request = String::new();
    for part in [request.method, "\n", request.canonical_uri, "\n", request.canonical_query, "\n"] {
        canonical_request.push_str(part);
    }
    for (name, value) in &headers {
        for part in [name.as_str(), ":", value.as_str(), "\n"] {
            canonical_request.push_str(part);
        }
    }
    for part in ["\n", signed_headers.as_str(), "\n", sha256_hex(request.payload).as_str()] {
        canonical_request.push_str(part);
    }

    let credential_scope = format!("{date}/{}/tc3_request", request.service);
    let string_to_sign =
        format!("{ALGORITHM}\n{}\n{credential_scope}\n{}", request.timestamp, sha256_hex(canonical_request.as_bytes()));

    let mut date_key = Vec::with_capacity(3 + credentials.secret_key.len());
    date_key.extend_from_slice(b"TC3");
    date_key.extend_from_slice(credentials.secret_key.as_bytes());
    let secret_date = hmac_sha256(&date_key, date.as_bytes());
    // Best effort: do not leave the key copy behind in freed memory.
    date_key.fill(0);
    std::hint::black_box(&date_key);
    let secret_service = hmac_sha256(&secret_date?, request.service.as_bytes())?;
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request")?;
    let signature = hex(&hmac_sha256(&secret_signing, string_to_sign.as_bytes())?);

    Ok(Tc3Signature {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        credential_scope,
        timestamp: request.timestamp,
    })
}

/// The `authorization` value signature-nodejs returns:
/// `TC3-HMAC-SHA256 Credential=<SecretId>/<scope>, SignedHeaders=<names>, Signature=<hex>`.
pub(crate) fn signature_authorization(secret_id: &str, signature: &Tc3Signature) -> String {
    format!(
        "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={}, Signature={}",
        signature.credential_scope, signature.signed_headers, signature.signature
    )
}

/// The `Authorization` header value node-sdk sends to the CloudBase gateway: the library's value,
/// then `, Timestamp=<seconds>`, then `, Token=<session token>` for a temporary credential
/// (node-sdk `src/utils/tcbopenapicommonrequester.ts:210-215`).
pub(crate) fn authorization_header(credentials: &Tc3Credentials<'_>, signature: &Tc3Signature) -> String {
    let mut value = signature_authorization(credentials.secret_id, signature);
    value.push_str(", Timestamp=");
    value.push_str(&signature.timestamp.to_string());
    if let Some(token) = credentials.session_token.filter(|token| !token.is_empty()) {
        value.push_str(", Token=");
        value.push_str(token);
    }
    value
}

/// The signed headers as (name, value), canonical and sorted (signature-nodejs `formatKeyAndValue`
/// with `enableValueToLowerCase`, then `SortedKeyValue`).
fn canonical_headers(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut canonical: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for &(name, value) in headers {
        if name.is_empty() {
            continue;
        }
        let name = cam_safe_encode(js_trim(&name.to_lowercase()));
        let value = if name == "content-type" {
            if value.starts_with("multipart/form-data") { "multipart/form-data".to_owned() } else { value.to_owned() }
        } else {
            js_trim(value).to_lowercase()
        };
        match canonical.iter_mut().find(|(existing, _)| *existing == name) {
            Some(entry) => entry.1 = value,
            None => canonical.push((name, value)),
        }
    }
    canonical.sort_by(|(a, _), (b, _)| locale_compare(a, b));
    canonical
}

/// JavaScript's `String.prototype.trim`: its white space and line terminators (unlike `str::trim`,
/// it strips U+FEFF and keeps U+0085).
fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

fn is_js_space(c: char) -> bool {
    match c {
        // WhiteSpace: TAB, VT, FF, ZWNBSP and the Zs characters.
        '\t' | '\u{b}' | '\u{c}' | '\u{feff}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => {
            true
        }
        '\u{2000}'..='\u{200a}' => true,
        // LineTerminator.
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// signature-nodejs `camSafeUrlEncode`: `encodeURIComponent`, then `!'()*` encoded too, so everything
/// but ASCII letters, digits and `-_.~` becomes `%XX` (upper-case hex) of its UTF-8 bytes.
fn cam_safe_encode(s: &str) -> String {
    let mut encoded = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(nibble(byte >> 4).to_ascii_uppercase());
            encoded.push(nibble(byte & 0x0f).to_ascii_uppercase());
        }
    }
    encoded
}

/// The order `a.localeCompare(b)` gives encoded header names (Node's ICU root collation): by primary
/// weight `_` < `-` < `.` < `%` < `~` < digits < letters (letters case-insensitively), then lower case
/// before upper case. Encoded names hold no other characters; bytes break any remaining tie.
fn locale_compare(a: &str, b: &str) -> Ordering {
    fn primary(byte: u8) -> u16 {
        match byte {
            b'_' => 1,
            b'-' => 2,
            b'.' => 3,
            b'%' => 4,
            b'~' => 5,
            b'0'..=b'9' => 10 + u16::from(byte - b'0'),
            b'a'..=b'z' => 20 + u16::from(byte - b'a'),
            b'A'..=b'Z' => 20 + u16::from(byte - b'A'),
            _ => 100 + u16::from(byte),
        }
    }
    a.bytes()
        .map(primary)
        .cmp(b.bytes().map(primary))
        .then_with(|| {
            a.bytes().map(|byte| byte.is_ascii_uppercase()).cmp(b.bytes().map(|byte| byte.is_ascii_uppercase()))
        })
        .then_with(|| a.cmp(b))
}

/// The UTC date of `timestamp` as `new Date(timestamp * 1000).toISOString()` writes it: `YYYY-MM-DD`,
/// `+YYYYYY-MM-DD` from year 10000.
fn utc_date(timestamp: u64) -> Result<String, Tc3Error> {
    if timestamp > MAX_JS_DATE_SECONDS {
        return Err(Tc3Error::TimestampOutOfRange);
    }
    let (year, month, day) = civil_from_days(timestamp / 86_400);
    Ok(if year <= 9999 { format!("{year:04}-{month:02}-{day:02}") } else { format!("+{year:06}-{month:02}-{day:02}") })
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<[u8; 32], Tc3Error> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| Tc3Error::InvalidKey)?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().into())
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(nibble(byte >> 4));
        out.push(nibble(byte & 0x0f));
    }
    out
}

/// The lower-case hex digit of `value & 0x0f`.
fn nibble(value: u8) -> char {
    let value = value & 0x0f;
    char::from(if value < 10 { b'0' + value } else { b'a' + (value - 10) })
}

#[cfg(test)]
mod tests {
    use super::*;

    // (a) Tencent Cloud's worked example of "Signature v3" (CVM DescribeInstances), values as
    // published in tencentyun/intlcloud-documents, `API/API 3.0/计算/容器服务/调用方式/接口鉴权 v3_intl.md`
    // (last changed in commit 3e54dadc, 2019-08-23; the text of the tencentcloud.com "Signature v3"
    // pages): the request (lines 35-47), HashedRequestPayload (72), the CanonicalRequest (78-86),
    // HashedCanonicalRequest (104), the StringToSign (113-118), the Signature (160) and the
    // Authorization (165).

    const TENCENT_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const TENCENT_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const TENCENT_PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn tencent_request<'a>(headers: &'a [(&'a str, &'a str)], timestamp: u64) -> Tc3Request<'a> {
        Tc3Request {
            method: "POST",
            canonical_uri: "/",
            canonical_query: "",
            headers,
            payload: TENCENT_PAYLOAD.as_bytes(),
            service: "cvm",
            timestamp,
        }
    }

    const TENCENT_HEADERS: &[(&str, &str)] =
        &[("Content-Type", "application/json; charset=utf-8"), ("Host", "cvm.tencentcloudapi.com")];

    #[test]
    fn tencent_worked_example_payload_hash() {
        assert_eq!(
            sha256_hex(TENCENT_PAYLOAD.as_bytes()),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
    }

    #[test]
    fn tencent_worked_example() -> Result<(), Tc3Error> {
        let credentials = Tc3Credentials::new(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, None);
        let signature = sign(&tencent_request(TENCENT_HEADERS, 1551113065), &credentials)?;
        assert_eq!(
            signature.canonical_request,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n\
             content-type;host\n\
             35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            sha256_hex(signature.canonical_request.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            signature.string_to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(signature.credential_scope, "2019-02-25/cvm/tc3_request");
        assert_eq!(signature.signed_headers, "content-type;host");
        assert_eq!(signature.signature, "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
        assert_eq!(
            signature_authorization(TENCENT_SECRET_ID, &signature),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        Ok(())
    }

    // (b) Vectors printed by `tools/vendor-sdk/tc3-vectors.cjs`, which calls `sign()` of
    // `@cloudbase/signature-nodejs` 2.2.0 (Node v20.20.2) with the arguments node-sdk 3.18.3 passes
    // (`isCloudApi: true`, node-sdk's header object, `JSON.stringify`'d data). To regenerate:
    // `npm ci --prefix tools/vendor-sdk && node tools/vendor-sdk/tc3-vectors.cjs`.

    struct Vector {
        method: &'static str,
        canonical_uri: &'static str,
        canonical_query: &'static str,
        headers: &'static [(&'static str, &'static str)],
        payload: &'static str,
        timestamp: u64,
        session_token: Option<&'static str>,
        canonical_request: &'static str,
        string_to_sign: &'static str,
        credential_scope: &'static str,
        signed_headers: &'static str,
        signature: &'static str,
        authorization: &'static str,
        authorization_header: &'static str,
    }

    fn check(vector: &Vector) -> Result<(), Tc3Error> {
        let credentials = Tc3Credentials::new(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, vector.session_token);
        let request = Tc3Request {
            method: vector.method,
            canonical_uri: vector.canonical_uri,
            canonical_query: vector.canonical_query,
            headers: vector.headers,
            payload: vector.payload.as_bytes(),
            service: SERVICE_TCB,
            timestamp: vector.timestamp,
        };
        let signature = sign(&request, &credentials)?;
        assert_eq!(signature.canonical_request, vector.canonical_request);
        assert_eq!(signature.string_to_sign, vector.string_to_sign);
        assert_eq!(signature.credential_scope, vector.credential_scope);
        assert_eq!(signature.signed_headers, vector.signed_headers);
        assert_eq!(signature.signature, vector.signature);
        assert_eq!(signature_authorization(credentials.secret_id(), &signature), vector.authorization);
        assert_eq!(authorization_header(&credentials, &signature), vector.authorization_header);
        Ok(())
    }

    /// A cloudrun `GET` with a query (`tcbopenapirequester` signs an empty payload for `GET`).
    #[test]
    fn node_vector_cloudrun_get_with_query() -> Result<(), Tc3Error> {
        check(&Vector {
            method: "GET",
            canonical_uri: "/v1/cloudrun/hello-svc/items",
            canonical_query: "b=2&a=1&q=%E4%B8%AD%20x",
            headers: &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("User-Agent", "tcb-node-sdk/3.18.3"),
                ("X-TCB-Source", ",unknown"),
                ("X-Client-Timestamp", "1796601599123"),
                ("X-SDK-Version", "tcb-node-sdk/3.18.3"),
                ("Host", "my-env-1gxyz.api.tcloudbasegateway.com"),
                ("X-TCB-Region", "ap-shanghai"),
            ],
            payload: "",
            timestamp: 1796601599,
            session_token: None,
            canonical_request: "GET\n/v1/cloudrun/hello-svc/items\nb=2&a=1&q=%E4%B8%AD%20x\n\
                content-type:application/json; charset=utf-8\nhost:my-env-1gxyz.api.tcloudbasegateway.com\n\
                user-agent:tcb-node-sdk/3.18.3\nx-client-timestamp:1796601599123\nx-sdk-version:tcb-node-sdk/3.18.3\n\
                x-tcb-region:ap-shanghai\nx-tcb-source:,unknown\n\n\
                content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source\n\
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            string_to_sign: "TC3-HMAC-SHA256\n1796601599\n2026-12-06/tcb/tc3_request\n\
                10292a8e40acfb091278e1271050312bd78849cd897239403a99d23824208776",
            credential_scope: "2026-12-06/tcb/tc3_request",
            signed_headers: "content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source",
            signature: "8e4570ee88ddf061f623f12652bd50cd54d3cce89ff9efe7db57be4bacbc43bc",
            authorization: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2026-12-06/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=8e4570ee88ddf061f623f12652bd50cd54d3cce89ff9efe7db57be4bacbc43bc",
            authorization_header: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2026-12-06/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=8e4570ee88ddf061f623f12652bd50cd54d3cce89ff9efe7db57be4bacbc43bc, Timestamp=1796601599",
        })
    }

    /// `auth().getClientCredential()`: `POST /auth/v1/token/clientCredential`.
    #[test]
    fn node_vector_client_credential_post_json() -> Result<(), Tc3Error> {
        check(&Vector {
            method: "POST",
            canonical_uri: "/auth/v1/token/clientCredential",
            canonical_query: "",
            headers: &[
                ("content-type", "application/json"),
                ("User-Agent", "tcb-node-sdk/3.18.3"),
                ("X-TCB-Source", ",unknown"),
                ("X-Client-Timestamp", "1796601600000"),
                ("X-SDK-Version", "tcb-node-sdk/3.18.3"),
                ("Host", "my-env-1gxyz.api.tcloudbasegateway.com"),
                ("X-TCB-Region", "ap-shanghai"),
            ],
            payload: r#"{"grant_type":"client_credentials"}"#,
            timestamp: 1796601600,
            session_token: None,
            canonical_request: "POST\n/auth/v1/token/clientCredential\n\ncontent-type:application/json\n\
                host:my-env-1gxyz.api.tcloudbasegateway.com\nuser-agent:tcb-node-sdk/3.18.3\n\
                x-client-timestamp:1796601600000\nx-sdk-version:tcb-node-sdk/3.18.3\nx-tcb-region:ap-shanghai\n\
                x-tcb-source:,unknown\n\n\
                content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source\n\
                46333dc00fd2301169f9c46a93be801e6d5010877877b0a20706596580df89f9",
            string_to_sign: "TC3-HMAC-SHA256\n1796601600\n2026-12-07/tcb/tc3_request\n\
                1458ccdcebcc470b2a24701cda0faf2aad80dfda79263ebdab1c6f7f33f5bd22",
            credential_scope: "2026-12-07/tcb/tc3_request",
            signed_headers: "content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source",
            signature: "19de3159e9f5ceb4c0fdd353a784a68b144a6fa318c8dd5a7afd106cd74c8acd",
            authorization: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2026-12-07/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=19de3159e9f5ceb4c0fdd353a784a68b144a6fa318c8dd5a7afd106cd74c8acd",
            authorization_header: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2026-12-07/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=19de3159e9f5ceb4c0fdd353a784a68b144a6fa318c8dd5a7afd106cd74c8acd, Timestamp=1796601600",
        })
    }

    /// A JSON body with non-ASCII text (hashed as UTF-8), on a leap day.
    #[test]
    fn node_vector_post_non_ascii_body() -> Result<(), Tc3Error> {
        check(&Vector {
            method: "POST",
            canonical_uri: "/v1/functions/echo",
            canonical_query: "webfn=true",
            headers: &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("User-Agent", "tcb-node-sdk/3.18.3"),
                ("X-TCB-Source", "miniapp,scf"),
                ("X-Client-Timestamp", "1709251199000"),
                ("X-SDK-Version", "tcb-node-sdk/3.18.3"),
                ("Host", "my-env-1gxyz.api.tcloudbasegateway.com"),
                ("X-TCB-Region", "ap-guangzhou"),
            ],
            payload: "{\"name\":\"未命名\",\"note\":\"café ✓ 😀\",\"n\":1}",
            timestamp: 1709251199,
            session_token: None,
            canonical_request: "POST\n/v1/functions/echo\nwebfn=true\ncontent-type:application/json; charset=utf-8\n\
                host:my-env-1gxyz.api.tcloudbasegateway.com\nuser-agent:tcb-node-sdk/3.18.3\n\
                x-client-timestamp:1709251199000\nx-sdk-version:tcb-node-sdk/3.18.3\nx-tcb-region:ap-guangzhou\n\
                x-tcb-source:miniapp,scf\n\n\
                content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source\n\
                2da352b41d4e65992af768caa655130e0c0d9c7338af759a1ac3323f061161cc",
            string_to_sign: "TC3-HMAC-SHA256\n1709251199\n2024-02-29/tcb/tc3_request\n\
                43555eb630106bbe6c01d66356f0f3134850ac7fa9b2001af77bac065ba7cc6b",
            credential_scope: "2024-02-29/tcb/tc3_request",
            signed_headers: "content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source",
            signature: "75e2655de343b7ea3c26b3d0c724301a0d70ca0b02be4e201ed1d6ca31f00133",
            authorization: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-02-29/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=75e2655de343b7ea3c26b3d0c724301a0d70ca0b02be4e201ed1d6ca31f00133",
            authorization_header: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-02-29/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=75e2655de343b7ea3c26b3d0c724301a0d70ca0b02be4e201ed1d6ca31f00133, Timestamp=1709251199",
        })
    }

    /// A temporary credential: the session token follows the timestamp as `Token=`, unsigned.
    #[test]
    fn node_vector_session_token_post() -> Result<(), Tc3Error> {
        check(&Vector {
            method: "POST",
            canonical_uri: "/v1/cloudrun/hello-svc/",
            canonical_query: "",
            headers: &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("User-Agent", "tcb-node-sdk/3.18.3"),
                ("X-TCB-Source", ",scf"),
                ("X-Client-Timestamp", "1709164800000"),
                ("X-SDK-Version", "tcb-node-sdk/3.18.3"),
                ("Host", "my-env-1gxyz.api.tcloudbasegateway.com"),
                ("X-TCB-Region", "ap-shanghai"),
            ],
            payload: r#"{"hello":"world"}"#,
            timestamp: 1709164800,
            session_token: Some("tmp-token-abc/DEF+123="),
            canonical_request: "POST\n/v1/cloudrun/hello-svc/\n\ncontent-type:application/json; charset=utf-8\n\
                host:my-env-1gxyz.api.tcloudbasegateway.com\nuser-agent:tcb-node-sdk/3.18.3\n\
                x-client-timestamp:1709164800000\nx-sdk-version:tcb-node-sdk/3.18.3\nx-tcb-region:ap-shanghai\n\
                x-tcb-source:,scf\n\n\
                content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source\n\
                93a23971a914e5eacbf0a8d25154cda309c3c1c72fbb9914d47c60f3cb681588",
            string_to_sign: "TC3-HMAC-SHA256\n1709164800\n2024-02-29/tcb/tc3_request\n\
                3f5a5c969c35740f4ae90f50ad3e15bad2a600d6f114f3c60b07f67031aa1baf",
            credential_scope: "2024-02-29/tcb/tc3_request",
            signed_headers: "content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source",
            signature: "35d868b1aa625881a490f68eab8708f0d89495e9165e6db31587f6497551a73e",
            authorization: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-02-29/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=35d868b1aa625881a490f68eab8708f0d89495e9165e6db31587f6497551a73e",
            authorization_header: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-02-29/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-sdk-version;x-tcb-region;x-tcb-source, \
                Signature=35d868b1aa625881a490f68eab8708f0d89495e9165e6db31587f6497551a73e, Timestamp=1709164800, \
                Token=tmp-token-abc/DEF+123=",
        })
    }

    /// Names with upper case and spaces, values with spaces and upper case, `content-type` twice (the
    /// later wins), a multipart content type, an empty value, and names whose order is
    /// `localeCompare`'s, not byte order (`x-tcb_trace` before `x-tcb-region`).
    #[test]
    fn node_vector_headers_case_spaces_and_order() -> Result<(), Tc3Error> {
        check(&Vector {
            method: "POST",
            canonical_uri: "/v1/storages/get-objects-upload-info",
            canonical_query: "",
            headers: &[
                (" X-Custom-Header ", "  Mixed Case VALUE  "),
                ("content-type", "application/json"),
                ("Content-Type", "multipart/form-data; boundary=----XyZ"),
                ("X-Tcb_Trace", "A"),
                ("x-tcb1", "B"),
                ("X-Tcb.Dot", "C"),
                ("x-tcbz", "D"),
                ("X-Empty", ""),
                ("User-Agent", "tcb-node-sdk/3.18.3"),
                ("X-TCB-Source", "MiniApp,Unknown"),
                ("X-Client-Timestamp", "1551113065000"),
                ("X-SDK-Version", "tcb-node-sdk/3.18.3"),
                ("Host", "my-env-1gxyz.api.tcloudbasegateway.com"),
                ("X-TCB-Region", "AP-Shanghai"),
            ],
            payload: r#"[{"objectId":"a/b c.png"}]"#,
            timestamp: 1551113065,
            session_token: None,
            canonical_request: "POST\n/v1/storages/get-objects-upload-info\n\ncontent-type:multipart/form-data\n\
                host:my-env-1gxyz.api.tcloudbasegateway.com\nuser-agent:tcb-node-sdk/3.18.3\n\
                x-client-timestamp:1551113065000\nx-custom-header:mixed case value\nx-empty:\n\
                x-sdk-version:tcb-node-sdk/3.18.3\nx-tcb_trace:a\nx-tcb-region:ap-shanghai\n\
                x-tcb-source:miniapp,unknown\nx-tcb.dot:c\nx-tcb1:b\nx-tcbz:d\n\n\
                content-type;host;user-agent;x-client-timestamp;x-custom-header;x-empty;x-sdk-version;x-tcb_trace;\
                x-tcb-region;x-tcb-source;x-tcb.dot;x-tcb1;x-tcbz\n\
                fd8f81372450c519f1e17c1bb12e3d38e2e008f245797a20d71bfcafd974e4b2",
            string_to_sign: "TC3-HMAC-SHA256\n1551113065\n2019-02-25/tcb/tc3_request\n\
                94b5043f8cd88c4f3d297f232306c9e5532bd678f8246f9ad9e62b190f4cec88",
            credential_scope: "2019-02-25/tcb/tc3_request",
            signed_headers: "content-type;host;user-agent;x-client-timestamp;x-custom-header;x-empty;x-sdk-version;\
                x-tcb_trace;x-tcb-region;x-tcb-source;x-tcb.dot;x-tcb1;x-tcbz",
            signature: "060ac484bb731c2416ce16ed6ba68935c5be6ff6828212313231fbb90bb566c9",
            authorization: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-custom-header;x-empty;x-sdk-version;\
                x-tcb_trace;x-tcb-region;x-tcb-source;x-tcb.dot;x-tcb1;x-tcbz, \
                Signature=060ac484bb731c2416ce16ed6ba68935c5be6ff6828212313231fbb90bb566c9",
            authorization_header: "TC3-HMAC-SHA256 \
                Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/tcb/tc3_request, \
                SignedHeaders=content-type;host;user-agent;x-client-timestamp;x-custom-header;x-empty;x-sdk-version;\
                x-tcb_trace;x-tcb-region;x-tcb-source;x-tcb.dot;x-tcb1;x-tcbz, \
                Signature=060ac484bb731c2416ce16ed6ba68935c5be6ff6828212313231fbb90bb566c9, Timestamp=1551113065",
        })
    }

    // (c) The UTC date of the timestamp (expected values from Node's
    // `new Date(t * 1000).toISOString().split('T')[0]`, which signature-nodejs uses).

    #[test]
    fn date_around_midnight_utc() {
        for (timestamp, date) in [
            (0, "1970-01-01"),
            (86_399, "1970-01-01"),
            (86_400, "1970-01-02"),
            (1_551_113_065, "2019-02-25"),
            (1_796_601_599, "2026-12-06"),
            (1_796_601_600, "2026-12-07"),
            (1_796_687_999, "2026-12-07"),
        ] {
            assert_eq!(utc_date(timestamp), Ok(date.to_owned()), "{timestamp}");
        }
    }

    #[test]
    fn date_leap_days() {
        for (timestamp, date) in [
            (1_709_164_799, "2024-02-28"),
            (1_709_164_800, "2024-02-29"),
            (1_709_251_199, "2024-02-29"),
            (1_709_251_200, "2024-03-01"),
            (951_782_399, "2000-02-28"),
            (951_782_400, "2000-02-29"),
            (951_868_800, "2000-03-01"),
            (4_107_542_399, "2100-02-28"),
            (4_107_542_400, "2100-03-01"),
        ] {
            assert_eq!(utc_date(timestamp), Ok(date.to_owned()), "{timestamp}");
        }
    }

    #[test]
    fn date_range_ends_like_javascript() {
        assert_eq!(utc_date(253_402_300_799), Ok("9999-12-31".to_owned()));
        assert_eq!(utc_date(253_402_300_800), Ok("+010000-01-01".to_owned()));
        assert_eq!(utc_date(MAX_JS_DATE_SECONDS), Ok("+275760-09-13".to_owned()));
        assert_eq!(utc_date(MAX_JS_DATE_SECONDS + 1), Err(Tc3Error::TimestampOutOfRange));
        assert_eq!(utc_date(u64::MAX), Err(Tc3Error::TimestampOutOfRange));
    }

    // Details and edges.

    #[test]
    fn debug_hides_the_secret_key_and_the_token() -> Result<(), Tc3Error> {
        let credentials = Tc3Credentials::new("AKIDpublic", "very-secret-key", Some("very-secret-token"));
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(shown.contains("AKIDpublic"), "{shown}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(
            format!("{credentials:?}"),
            r#"Tc3Credentials { secret_id: "AKIDpublic", secret_key: <redacted>, session_token: Some(<redacted>) }"#
        );
        let signature = sign(&tencent_request(TENCENT_HEADERS, 1551113065), &credentials)?;
        let shown = format!("{signature:?} {:?}", tencent_request(TENCENT_HEADERS, 1));
        assert!(!shown.contains("very-secret"), "{shown}");
        Ok(())
    }

    #[test]
    fn empty_session_token_is_no_token() -> Result<(), Tc3Error> {
        let signature = sign(
            &tencent_request(TENCENT_HEADERS, 1551113065),
            &Tc3Credentials::new(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, None),
        )?;
        let with_empty = Tc3Credentials::new(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, Some(""));
        assert!(authorization_header(&with_empty, &signature).ends_with(", Timestamp=1551113065"));
        Ok(())
    }

    #[test]
    fn host_and_content_type_are_required() {
        let credentials = Tc3Credentials::new(TENCENT_SECRET_ID, TENCENT_SECRET_KEY, None);
        let no_host: &[(&str, &str)] = &[("Content-Type", "application/json")];
        assert_eq!(sign(&tencent_request(no_host, 1), &credentials), Err(Tc3Error::MissingHost));
        let no_type: &[(&str, &str)] = &[("Host", "h"), ("Content-Type", "")];
        assert_eq!(sign(&tencent_request(no_type, 1), &credentials), Err(Tc3Error::MissingContentType));
        let late: &[(&str, &str)] = &[("Host", "h"), ("Content-Type", "a/b")];
        assert_eq!(
            sign(&tencent_request(late, MAX_JS_DATE_SECONDS + 1), &credentials),
            Err(Tc3Error::TimestampOutOfRange)
        );
    }

    #[test]
    fn any_key_length_signs() {
        let headers: &[(&str, &str)] = &[("Host", "h"), ("Content-Type", "a/b")];
        let long_key = "k".repeat(1000);
        for key in ["", "k", long_key.as_str()] {
            assert!(sign(&tencent_request(headers, 1), &Tc3Credentials::new("id", key, None)).is_ok());
        }
    }

    #[test]
    fn header_names_sort_like_locale_compare() {
        // Node 20: ['x','x_a','x-','x-a','x.a','x%2A','x~a','x0','xa'] is sorted by localeCompare.
        let sorted = ["x", "x_a", "x-", "x-a", "x.a", "x%2A", "x~a", "x0", "xa"];
        let mut names = sorted;
        names.reverse();
        names.sort_by(|a, b| locale_compare(a, b));
        assert_eq!(names, sorted);
    }

    #[test]
    fn names_are_encoded_and_values_trimmed_like_javascript() {
        assert_eq!(cam_safe_encode("a b!'()*~_-.Z9é"), "a%20b%21%27%28%29%2A~_-.Z9%C3%A9");
        assert_eq!(js_trim("\u{feff}\u{3000} v \u{2028}"), "v");
        assert_eq!(js_trim("\u{85}v\u{85}"), "\u{85}v\u{85}");
    }
}
