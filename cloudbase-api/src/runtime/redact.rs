//! What `Debug` shows of a URL, generated or hand-written: the URL as it is, but for the values
//! that work as credentials, each `<redacted>`:
//!
//! - the password of its userinfo (`https://user:<redacted>@host/`);
//! - the value of each query or fragment pair whose key carries a credential by name
//!   ([`is_credential_name`]: `token`, `access_token`, `x-cos-security-token`, `q-signature`,
//!   `X-Amz-Signature`, `X-Amz-Security-Token`, `X-Amz-Credential`, `Signature`, ...) or is a
//!   signed link's signature ([`SIGNATURE_KEYS`]: a CloudBase CDN link's `sign`, `sig`,
//!   `auth_key`). A key is read percent-decoded and case-insensitively, `_` as `-`, as the
//!   credential name rule reads header names.
//!
//! The scheme, host, port, path and every other key and value stay, so a log still says which
//! object, which host and which expiry. Text that is not a URL (it does not parse, absolute or
//! relative, or holds a control character or white space, which parsers drop or mend) is shown
//! as `<redacted>` whole: where it would split is unknown.

use crate::response::is_credential_name;
use percent_encoding::percent_decode_str;
use std::borrow::Cow;
use std::fmt;

/// Query keys that carry a signed link's signature without a credential word in their name,
/// compared in lower case with `_` read as `-`: `sign` (CloudBase's and Tencent Cloud CDN's
/// signed links, `?sign=…&t=…`), `sig` (SAS-style links), `auth-key` (CDN authentication).
pub(crate) const SIGNATURE_KEYS: &[&str] = &["sign", "sig", "auth-key"];

/// Whether the query or fragment key `key` (as it appears, percent-encoded) has a credential as
/// its value.
pub(crate) fn is_credential_key(key: &str) -> bool {
    let key = key.replace('+', " ");
    let key = percent_decode_str(&key).decode_utf8_lossy();
    if is_credential_name(&key) {
        return true;
    }
    let key = key.to_ascii_lowercase().replace('_', "-");
    SIGNATURE_KEYS.contains(&key.as_str())
}

/// `text` as `Debug` may show it: its credentials `<redacted>` (see the module's rule), or
/// `None` when it is not a URL, to be shown as `<redacted>` whole.
pub(crate) fn shown_url(text: &str) -> Option<Cow<'_, str>> {
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let scheme = scheme_len(text);
    let parsed = match scheme {
        Some(_) => reqwest::Url::parse(text).ok()?,
        None => {
            let base = reqwest::Url::parse("http://base.invalid/").ok()?;
            base.join(text).ok()?
        }
    };
    let (before_fragment, fragment) = split_once(text, '#');
    let (before_query, query) = split_once(before_fragment, '?');
    // The authority: after `scheme://` or a leading `//`, up to the path, query or fragment
    // (`\` too, as URL parsers read it in http(s) URLs).
    let authority_start = match scheme {
        Some(len) if before_query[len..].starts_with("//") => Some(len + 2),
        None if before_query.starts_with("//") => Some(2),
        _ => None,
    };
    let mut password = None;
    if let Some(start) = authority_start {
        let rest = &before_query[start..];
        let end = rest.find(['/', '\\']).unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            password = Some((start + colon + 1, start + at));
        }
    }
    // The parser and this reading agree on whether there is a password, or nothing is shown.
    let parsed_password =
        parsed.password().is_some_and(|p| !p.is_empty()) && (scheme.is_some() || authority_start.is_some());
    if parsed_password != password.is_some_and(|(from, to)| from < to) {
        return None;
    }
    let hidden_query = query.map(redacted_pairs);
    let hidden_fragment = fragment.map(redacted_pairs);
    let unchanged = password.is_none_or(|(from, to)| from == to)
        && hidden_query.as_ref().is_none_or(|q| matches!(q, Cow::Borrowed(_)))
        && hidden_fragment.as_ref().is_none_or(|q| matches!(q, Cow::Borrowed(_)));
    if unchanged {
        return Some(Cow::Borrowed(text));
    }
    let mut shown = String::with_capacity(text.len());
    match password {
        Some((from, to)) if from < to => {
            shown.push_str(&before_query[..from]);
            shown.push_str("<redacted>");
            shown.push_str(&before_query[to..]);
        }
        _ => shown.push_str(before_query),
    }
    if let Some(query) = hidden_query {
        shown.push('?');
        shown.push_str(&query);
    }
    if let Some(fragment) = hidden_fragment {
        shown.push('#');
        shown.push_str(&fragment);
    }
    Some(Cow::Owned(shown))
}

/// The length of `text`'s scheme (`https`), when it starts with one and `:`.
fn scheme_len(text: &str) -> Option<usize> {
    let colon = text.find(':')?;
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .then_some(colon + 1)
}

fn split_once(text: &str, at: char) -> (&str, Option<&str>) {
    match text.split_once(at) {
        Some((before, after)) => (before, Some(after)),
        None => (text, None),
    }
}

/// `key=value&...` with the value of each credential key `<redacted>`.
fn redacted_pairs(pairs: &str) -> Cow<'_, str> {
    let hides =
        |pair: &str| pair.split_once('=').is_some_and(|(key, value)| !value.is_empty() && is_credential_key(key));
    if !pairs.split('&').any(hides) {
        return Cow::Borrowed(pairs);
    }
    let shown: Vec<Cow<'_, str>> = pairs
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if hides(pair) => Cow::Owned(format!("{key}=<redacted>")),
            _ => Cow::Borrowed(pair),
        })
        .collect();
    Cow::Owned(shown.join("&"))
}

/// A URL's text for `Debug`: [`shown_url`]'s text, quoted as a string's `Debug` quotes it, or
/// `<redacted>` for text that is not a URL.
pub(crate) struct ShownUrl<'a>(pub(crate) &'a str);

impl fmt::Debug for ShownUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match shown_url(self.0) {
            Some(text) => fmt::Debug::fmt(&*text, f),
            None => f.write_str("<redacted>"),
        }
    }
}

/// What generated code holds URLs in: text, optional, nullable, in arrays, boxed.
pub(crate) trait UrlText {
    fn fmt_url(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl UrlText for String {
    fn fmt_url(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&ShownUrl(self), f)
    }
}

impl<T: UrlText> UrlText for Option<T> {
    fn fmt_url(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&Urls(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: UrlText> UrlText for Vec<T> {
    fn fmt_url(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Urls)).finish()
    }
}

impl<T: UrlText> UrlText for Box<T> {
    fn fmt_url(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt_url(f)
    }
}

/// A field holding URLs, for `Debug`: each URL as [`ShownUrl`] shows it, inside the `Some` and
/// `[...]` its type prints.
pub(crate) struct Urls<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: UrlText + ?Sized> fmt::Debug for Urls<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_url(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> String {
        format!("{:?}", ShownUrl(text))
    }

    #[test]
    fn credential_values_are_hidden_and_the_rest_kept() {
        assert_eq!(
            shown("/object/sign/b/a.png?token=T1&download=a.png"),
            r#""/object/sign/b/a.png?token=<redacted>&download=a.png""#
        );
        assert_eq!(
            shown("https://h.example/a?X-Amz-Credential=C&X-Amz-Signature=S&X-Amz-Security-Token=T&X-Amz-Expires=60"),
            r#""https://h.example/a?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>&X-Amz-Security-Token=<redacted>&X-Amz-Expires=60""#
        );
        assert_eq!(shown("https://cdn.example/a.png?SIGN=S&t=1"), r#""https://cdn.example/a.png?SIGN=<redacted>&t=1""#);
        assert_eq!(
            shown("https://h.example/a?x%2Dcos%2Dsecurity%2Dtoken=T"),
            r#""https://h.example/a?x%2Dcos%2Dsecurity%2Dtoken=<redacted>""#
        );
        assert_eq!(
            shown("https://h.example/cb#access_token=A&state=s"),
            r#""https://h.example/cb#access_token=<redacted>&state=s""#
        );
        assert_eq!(shown("https://u:pw@h.example/a?token=T"), r#""https://u:<redacted>@h.example/a?token=<redacted>""#);
        assert_eq!(shown("//u:pw@h.example/a"), r#""//u:<redacted>@h.example/a""#);
    }

    #[test]
    fn urls_without_credentials_are_shown_as_they_are() {
        for text in [
            "https://h.example/a.png?t=1&designs=2&signed=3",
            "/object/public/b/%E5%A4%B4.png",
            "https://u@h.example/",
            "https://h.example/a?token=",
            "https://h.example/a?token",
            "cloud://env.bucket/a.png",
            "",
        ] {
            assert_eq!(shown(text), format!("{text:?}"));
        }
    }

    #[test]
    fn text_that_is_not_a_url_is_hidden_whole() {
        for text in [
            "https://u:pw@[::1/a",
            "https://u:p/w@h.example/",
            "https://u:p\\w@h.example/",
            " https://h.example/?token=T",
            "https://h.example/\r\n?tok\nen=T",
            "https://h.example/a?tok\ten=T",
            "http://[",
        ] {
            assert_eq!(shown(text), "<redacted>", "{text:?}");
        }
    }

    #[test]
    fn options_and_arrays_show_each_url() {
        let field = Some(vec!["/a?token=T".to_owned(), "/b".to_owned()]);
        assert_eq!(format!("{:?}", Urls(&field)), r#"Some(["/a?token=<redacted>", "/b"])"#);
        assert_eq!(format!("{:#?}", Urls(&field)), format!("{:#?}", Some(vec!["/a?token=<redacted>", "/b"])));
        assert_eq!(format!("{:?}", Urls(&None::<String>)), "None");
    }
}
