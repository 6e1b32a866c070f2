//! URLs the server gives (signed links, storage hosts' download and upload URLs), checked before
//! a helper hands one back or follows it.
//!
//! The rules, for every such URL:
//! - its text holds no control character (C0, DEL, C1) and neither starts nor ends with
//!   whitespace: URL parsing drops tabs and line breaks and trims the ends, so such a text would
//!   be sent, or read by whoever gets it, as another URL than the one checked;
//! - it is an `http` or `https` URL with a host, without userinfo (the HTTP stack sends a
//!   URL's userinfo as an `Authorization: Basic` header; a link that carries it shows it to
//!   whoever it is shared with).
//!
//! A URL the service gives relative to a prefix of the gateway (PG storage's signed URLs,
//! relative to `/v1/storages`) is resolved there with the WHATWG URL rules (dot segments,
//! `%2E`-encoded or not, and `\` as a separator) and must stay on the base URL's origin under
//! that prefix, with no `.` or `..` left between encoded separators (`%2F`, `%5C`).
//!
//! A refused URL is shown in errors with its userinfo, query values and fragment as
//! `<redacted>` (they carry the signature or the token), control characters escaped, and cut
//! to [`SHOWN_CHARS`].

use crate::error::{escape_controls, first_control};
use reqwest::Url;

/// Longest part of a refused URL an error shows, in characters.
const SHOWN_CHARS: usize = 200;

/// `text`, an absolute URL as the rules above say (on any origin), parsed.
pub(crate) fn absolute(text: &str) -> Result<Url, String> {
    plain(text)?;
    let url = Url::parse(text).map_err(|e| format!("is not an absolute URL ({e})"))?;
    fit(&url)?;
    Ok(url)
}

/// `text` as [`absolute`], to be requested by a client whose base URL is `base`: a plain `http`
/// URL is refused when `base` is `https`, since what the request carries (a file, the storage
/// host's token) would then travel unencrypted.
pub(crate) fn followed(base: &str, text: &str) -> Result<Url, String> {
    let url = absolute(text)?;
    if url.scheme() == "http" && base.starts_with("https:") {
        return Err("is plain http while the base URL is https: the request would travel unencrypted".to_owned());
    }
    Ok(url)
}

/// `text`, relative to `root` (a path ending in `/`, e.g. `/v1/storages/`) on `base`: a leading
/// `/` is taken as that prefix's root, as the service means it (`/object/sign/...` is
/// `{base}/v1/storages/object/sign/...`); an absolute URL must be on `base`'s origin. Either
/// way the result is under `root`.
pub(crate) fn under(base: &Url, root: &str, text: &str) -> Result<Url, String> {
    plain(text)?;
    let mut prefix = base.clone();
    prefix.set_path(root);
    prefix.set_query(None);
    prefix.set_fragment(None);
    let url = match Url::parse(text) {
        Ok(url) => url,
        Err(_) => prefix.join(text.strip_prefix('/').unwrap_or(text)).map_err(|e| format!("is not a URL ({e})"))?,
    };
    fit(&url)?;
    if url.origin() != base.origin() {
        return Err(format!("leads to another origin ({}) than the base URL's", url.origin().ascii_serialization()));
    }
    if !url.path().starts_with(root) {
        return Err(format!("leads out of `{root}`"));
    }
    let decoded = percent_encoding::percent_decode_str(url.path()).collect::<Vec<u8>>();
    if decoded.split(|b| *b == b'/' || *b == b'\\').any(|piece| piece == b"." || piece == b"..") {
        return Err(format!("has a `.` or `..` segment between encoded separators, which may lead out of `{root}`"));
    }
    Ok(url)
}

/// No control character, no whitespace at either end, not empty.
fn plain(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Err("is empty".to_owned());
    }
    if let Some((character, at)) = first_control(text) {
        return Err(format!("holds a control character (`{character}` at byte {at})"));
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Err("starts or ends with whitespace".to_owned());
    }
    Ok(())
}

/// http(s), a host, no userinfo.
fn fit(url: &Url) -> Result<(), String> {
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("is not an http(s) URL with a host".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("holds a user name or password".to_owned());
    }
    Ok(())
}

/// What an error shows of a refused URL `text`: userinfo, every query value and the fragment as
/// `<redacted>`, control characters escaped, at most [`SHOWN_CHARS`] characters.
pub(crate) fn shown(text: &str) -> String {
    let (rest, fragment) = match text.split_once('#') {
        Some((rest, _)) => (rest, "#<redacted>"),
        None => (text, ""),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => {
            let pairs = query.split('&').map(|pair| match pair.split_once('=') {
                Some((key, _)) => format!("{key}=<redacted>"),
                None if pair.is_empty() => String::new(),
                None => "<redacted>".to_owned(),
            });
            (rest, format!("?{}", pairs.collect::<Vec<_>>().join("&")))
        }
        None => (rest, String::new()),
    };
    // The authority runs from `//` to the path; its userinfo ends at its last `@`.
    let rest = match rest.find("//") {
        Some(start) => {
            let authority = &rest[start + 2..];
            let end = authority.find(['/', '\\']).unwrap_or(authority.len());
            match authority[..end].rfind('@') {
                Some(at) => format!("{}//<redacted>{}", &rest[..start], &authority[at..]),
                None => rest.to_owned(),
            }
        }
        None => rest.to_owned(),
    };
    let text = escape_controls(&format!("{rest}{query}{fragment}"));
    if text.chars().count() > SHOWN_CHARS {
        let mut cut: String = text.chars().take(SHOWN_CHARS).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

/// The reason a [`DecodeError`](crate::DecodeError) gives for the URL `text` of the reply's
/// `field`, refused because it `why`.
pub(crate) fn refusal(field: &str, text: &str, why: &str) -> String {
    format!("`{field}` {why}: `{}`", shown(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_to_follow_is_no_weaker_than_the_base_url() {
        let cos = "http://bucket.cos.example/a.png?sign=s";
        assert!(followed("https://env.api.tcloudbasegateway.com", cos).unwrap_err().contains("plain http"));
        assert!(followed("https://env.api.tcloudbasegateway.com", "https://bucket.cos.example/a.png").is_ok());
        assert!(followed("http://127.0.0.1:8080", cos).is_ok());
        assert!(followed("https://gw", "http://user:pw@cos/").unwrap_err().contains("user name"));
    }

    #[test]
    fn what_an_error_shows_hides_userinfo_query_values_and_fragments() {
        assert_eq!(
            shown("https://u:pw@cos.example/a.txt?sign=s1&t=2&bare#frag"),
            "https://<redacted>@cos.example/a.txt?sign=<redacted>&t=<redacted>&<redacted>#<redacted>"
        );
        assert_eq!(shown("/object/sign/b/a\r\n.png?token=x\r\ny"), "/object/sign/b/a\\r\\n.png?token=<redacted>");
        assert_eq!(shown("//a@b/c@d"), "//<redacted>@b/c@d");
        assert_eq!(shown(&"x".repeat(300)).chars().count(), SHOWN_CHARS + 1);
    }
}
