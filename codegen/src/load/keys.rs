//! The keys whose grammar OpenAPI or HTTP fixes: paths, media types, response status codes.

use super::{shown, shown_char};

/// Why `path`, a key under `paths`, is not a path template: it must begin with exactly one
/// `/` (it is appended to the server's URL; `//host` would name another host, and so would
/// `/\host` to a URL parser that reads `\` as `/`), hold no `?` or `#` (a query or fragment is
/// not part of the path; query parameters are parameters), no whitespace or control character,
/// and its `{name}` templates must be balanced, not nested and not empty.
pub(crate) fn path_problem(path: &str) -> Option<String> {
    let why = (|| {
        if !path.starts_with('/') {
            return Some("does not begin with `/` (a path is appended to the server's URL; only `x-` extensions stand beside paths)".to_owned());
        }
        if path.starts_with("//") {
            return Some("begins with `//`, which a URL reads as the name of another host".to_owned());
        }
        let mut open = false;
        for (i, c) in path.char_indices() {
            match c {
                '?' | '#' => {
                    return Some(format!(
                        "holds `{c}`: a path has no query or fragment (query parameters are parameters `in: query`)"
                    ));
                }
                '\\' => return Some("holds `\\`, which URL parsers may read as `/`".to_owned()),
                c if c.is_whitespace() || c.is_control() => {
                    let mut one = String::new();
                    shown_char(c, &mut one);
                    return Some(format!("holds whitespace or a control character (`{one}`)"));
                }
                '{' if open => return Some("has a `{` inside a template".to_owned()),
                '{' if path[i + 1..].starts_with('}') => return Some("has an empty template `{}`".to_owned()),
                '{' => open = true,
                '}' if !open => return Some("has a `}` that closes nothing".to_owned()),
                '}' => open = false,
                _ => {}
            }
        }
        open.then(|| "has a `{` that is not closed".to_owned())
    })()?;
    Some(format!("path `{}` {why}", shown(path)))
}

/// Why `key`, a key of a Responses Object, is not one: `default`, a status code from 100 to
/// 599 or a range `1XX` to `5XX` (extensions are handled by the caller).
pub(crate) fn is_response_key(key: &str) -> bool {
    let b = key.as_bytes();
    key == "default"
        || (b.len() == 3
            && (b'1'..=b'5').contains(&b[0])
            && ((b[1].is_ascii_digit() && b[2].is_ascii_digit()) || (b[1] == b'X' && b[2] == b'X')))
}

/// tchar of RFC 9110 (section 5.6.2).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Why `key` is not a media type or range of RFC 9110 (sections 8.3.1 and 12.5.1):
/// `type/subtype` of tokens, `*/*` and `type/*` ranges, then parameters `; name=value` with a
/// token or a quoted string for value; only visible ASCII, space and tab (a media type ends up
/// in a `Content-Type` or `Accept` header).
pub(crate) fn media_type_problem(key: &str) -> Option<String> {
    let why = media_type_why(key)?;
    Some(format!("`{}` is not a media type: {why}", shown(key)))
}

fn media_type_why(key: &str) -> Option<String> {
    if let Some(c) = key.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ' || *c == '\t')) {
        let mut one = String::new();
        shown_char(c, &mut one);
        return Some(format!("it holds `{one}`, which a header cannot carry (only visible ASCII, space and tab)"));
    }
    let b = key.as_bytes();
    let token = |from: usize| from + b[from..].iter().take_while(|b| is_tchar(**b)).count();
    let type_end = token(0);
    let subtype_end = if type_end > 0 && b.get(type_end) == Some(&b'/') { token(type_end + 1) } else { type_end };
    if type_end == 0 || subtype_end <= type_end + 1 {
        return Some("expected `type/subtype` (tokens), a range `type/*` or `*/*`".to_owned());
    }
    if &key[..type_end] == "*" && &key[type_end + 1..subtype_end] != "*" {
        return Some("a range is `*/*` or `type/*`".to_owned());
    }
    // parameters = *( OWS ";" OWS [ parameter ] ), parameter = name "=" ( token / quoted-string )
    let ows = |at: usize| at + b[at..].iter().take_while(|b| **b == b' ' || **b == b'\t').count();
    let mut at = subtype_end;
    loop {
        let next = ows(at);
        match b.get(next) {
            None if next == at => return None,
            None => return Some("ends in whitespace".to_owned()),
            Some(b';') => at = ows(next + 1),
            Some(&c) => {
                return Some(format!("unexpected `{}` at `{}` (parameters follow `;`)", c as char, &key[next..]));
            }
        }
        if at == b.len() || b[at] == b';' {
            continue;
        }
        let name_end = token(at);
        if name_end == at {
            return Some(format!("expected a parameter `name=value` at `{}`", &key[at..]));
        }
        let name = &key[at..name_end];
        if b.get(name_end) != Some(&b'=') {
            return Some(format!("parameter `{name}` has no `=value`"));
        }
        at = name_end + 1;
        if b.get(at) == Some(&b'"') {
            at += 1;
            loop {
                match b.get(at) {
                    None => return Some(format!("unterminated quoted string in parameter `{name}`")),
                    Some(b'"') => break,
                    Some(b'\\') if b.get(at + 1).is_some() => at += 2,
                    Some(_) => at += 1,
                }
            }
            at += 1;
        } else {
            let value_end = token(at);
            if value_end == at {
                return Some(format!("parameter `{name}` has no value (a token or a quoted string)"));
            }
            at = value_end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_and_ranges() {
        for fine in [
            "application/json",
            "*/*",
            "text/*",
            "application/vnd.pgrst.object+json",
            "application/json;charset=utf-8",
            "application/json ; charset=\"utf-8\"",
            "text/plain;\tcharset=utf-8 ;",
            "a/b;;c=d",
            "text/plain; x=\"a \\\" b\\\\\"; q=0.5",
        ] {
            assert_eq!(media_type_problem(fine), None, "{fine}");
        }
        for (bad, why) in [
            ("", "expected `type/subtype`"),
            ("json", "expected `type/subtype`"),
            ("/json", "expected `type/subtype`"),
            ("application/", "expected `type/subtype`"),
            ("application/json/x", "unexpected `/` at `/x`"),
            (" application/json", "expected `type/subtype`"),
            ("application/json ", "ends in whitespace"),
            ("application /json", "expected `type/subtype`"),
            ("*/json", "a range is"),
            ("application/json; charset", "parameter `charset` has no `=value`"),
            ("application/json; charset=", "parameter `charset` has no value"),
            ("application/json; =x", "expected a parameter `name=value` at `=x`"),
            ("application/json; a=b c=d", "unexpected `c` at `c=d`"),
            ("text/plain; x=\"abc", "unterminated quoted string in parameter `x`"),
            ("text/plain; x=\"abc\\\"", "unterminated quoted string"),
            ("application/json；charset=utf-8", "it holds `\\u{ff1b}`"),
            ("application/json\r\nX: 1", "it holds `\\r`"),
            ("application/json\u{7f}", "it holds `\\u{7f}`"),
        ] {
            let problem = media_type_problem(bad).unwrap_or_else(|| panic!("{bad:?} passed"));
            assert!(problem.contains(why), "{bad:?}: {problem}");
        }
    }

    #[test]
    fn response_keys() {
        for fine in ["default", "100", "200", "599", "1XX", "5XX"] {
            assert!(is_response_key(fine), "{fine}");
        }
        for bad in ["", "Default", "20", "2000", "600", "099", "6XX", "2xx", "2X0", "20O"] {
            assert!(!is_response_key(bad), "{bad}");
        }
    }

    #[test]
    fn paths() {
        for fine in ["/", "/a", "/a/{b}/{c}.json", "/v1/数据", "/a/{b}{c}"] {
            assert_eq!(path_problem(fine), None, "{fine}");
        }
    }
}
