//! Spec prose -> rustdoc that builds warning-free with `rustdoc -D warnings`.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for each line of `text` (none for empty text). The text is
/// Markdown written by the generator; spec prose goes through [`spec`] first.
pub fn attrs(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` attributes (module docs) for each line of `text`.
pub fn inner_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #![doc = #lines] )* }
}

/// Spec prose made safe for rustdoc (see [`sanitize`]).
pub fn spec(text: Option<&str>) -> Option<String> {
    text.map(sanitize)
}

/// The spec's description of an item with `what` the generator says about it (`` `name`: path
/// parameter, required. ``) after its first paragraph, so rustdoc's summary line is the spec's.
pub fn described(description: Option<&str>, what: String) -> String {
    match spec(description).filter(|d| !d.trim().is_empty()) {
        Some(description) => {
            let (first, rest) = description.split_once("\n\n").unwrap_or((&description, ""));
            let first = first.trim().trim_end_matches('.');
            paragraphs([Some(format!("{first}. {what}").as_str()), Some(rest)])
        }
        None => what,
    }
}

/// Joins paragraphs, skipping empty ones.
pub fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

/// Makes spec prose safe as Markdown in rustdoc:
/// - bare URLs become autolinks (`rustdoc::bare_urls`);
/// - `<`, `>`, `[` and `]` outside code spans are escaped, so `Bearer <token>` is not an HTML tag
///   and `content[0]` is not an intra-doc link;
/// - lines indented four or more spaces are pulled in, so they never become Rust doctests;
/// - fenced code blocks are marked `text` for the same reason.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for line in text.trim_end().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
        } else if in_fence {
            out.push_str(line);
        } else {
            let indent = (line.len() - trimmed.len()).min(2);
            out.push_str(&" ".repeat(indent));
            out.push_str(&escape_line(trimmed));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(len) = url_len(rest) {
                let url = &rest[..len];
                out.push('<');
                out.push_str(url);
                out.push('>');
                rest = &rest[len..];
                continue;
            }
            // `<` opens an HTML tag only before a letter, `/` or `!`; `>` quotes only at a line start.
            let tag_like = c == '<' && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/' || n == '!');
            let quote_like = c == '>' && out.trim().is_empty();
            if tag_like || quote_like || matches!(c, '[' | ']') {
                out.push('\\');
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unbalanced backtick would swallow the rest of the paragraph.
        out.push('`');
    }
    out
}

/// Length of an `http(s)://` URL at the start of `text`, without trailing punctuation.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end =
        text.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"' | ')' | '(')).unwrap_or(text.len());
    let trimmed = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    Some(trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(sanitize("Bearer <token> see https://x.y/z."), "Bearer \\<token> see <https://x.y/z>.");
        assert_eq!(sanitize("a -> b > c < 3\n> quoted"), "a -> b > c < 3\n\\> quoted");
        assert_eq!(sanitize("content[0].text and `a<b>[c]`"), "content\\[0\\].text and `a<b>[c]`");
        assert_eq!(sanitize("para\n        deep"), "para\n  deep");
        assert_eq!(sanitize("```\ncode\n```"), "```text\ncode\n```");
    }
}
