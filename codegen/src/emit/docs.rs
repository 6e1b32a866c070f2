//! Spec prose and spec names -> rustdoc that is inert and builds warning-free with
//! `rustdoc -D warnings`.
//!
//! A spec is input from outside, so nothing in it may become a doc test, raw HTML, or a byte a
//! text diff would treat as binary. Two doors let spec text in, and both are here:
//! - prose (descriptions, summaries, titles) goes through [`sanitize`] (or [`spec`]);
//! - names (operation ids, paths, parameters, properties, enum values, media types, header
//!   names) go through [`code`], which writes them as one inert code span.
//!
//! Everything else in a doc comment is the generator's own text; [`attrs`] and [`inner_attrs`]
//! strip control characters from the whole text once more on the way out.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for each line of `text` (none for empty text). The text is
/// Markdown written by the generator; spec prose goes through [`spec`] first, spec names through
/// [`code`].
pub fn attrs(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` attributes (module docs) for each line of `text`.
pub fn inner_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

fn doc_lines(text: &str) -> Vec<String> {
    let text = printable(text);
    text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect()
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

/// An operation as its docs name it: `` `POST /path` (operationId `createThing`) ``, each part
/// a [`code`] span.
pub fn signature(op: &crate::ir::Operation) -> String {
    format!("{} (operationId {})", code(&format!("{} {}", op.method.as_str(), op.path)), code(&op.id))
}

/// A spec name as one inert Markdown code span: `` `name` ``.
///
/// Whatever the name holds stays inside the span: control characters (a newline too) are shown
/// as `\u{..}` escapes, the empty name as `""`, and the span's delimiter is one backtick longer than the longest run of
/// backticks in the name, so no backtick in it can close the span early. Inside a code span
/// Markdown reads neither HTML nor links.
pub fn code(name: &str) -> String {
    if name.is_empty() {
        // Shown as the empty string it is, rather than a span of nothing.
        return "`\"\"`".to_owned();
    }
    let mut shown = String::with_capacity(name.len());
    for c in name.chars() {
        if is_hidden(c) || c == '\n' {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    let longest = longest_backtick_run(&shown);
    let fence = "`".repeat(longest + 1);
    if longest > 0 { format!("{fence} {shown} {fence}") } else { format!("{fence}{shown}{fence}") }
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Characters no generated file holds: C0 and C1 controls other than the newline (a tab
/// too), bidi marks, embeddings, overrides and isolates (which `rustc` lints in comments and
/// literals), the Unicode line and paragraph separators, and the byte-order mark. Prose and
/// names never bring one in; the corpus and fuzz tests check generated files against this rule.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `text` without [hidden](is_hidden) characters: a CR before a newline goes, any other CR and
/// the Unicode separators become a newline, tabs become four spaces, the rest is dropped.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Makes spec prose inert Markdown for rustdoc:
/// - control characters, bidi controls and the Unicode separators are removed (CR and the
///   separators end a line), tabs become spaces;
/// - every fenced code block, backtick or tilde, at the top level or inside a list item or block
///   quote, becomes a top-level ```` ```text ```` block, so rustdoc never runs it; a fence left
///   open is closed at the end;
/// - outside those blocks no line is indented more than two spaces and runs of spaces inside
///   a line become one, so no indented code block can start, at the top level or in a list item;
/// - `<`, `[`, `]` and a `>` that would open a block quote are escaped outside code spans, so
///   `Bearer <token>` is not an HTML tag and `content[0]` is not an intra-doc link; a backtick
///   that opens no code span on its line is escaped too;
/// - bare URLs become autolinks (`rustdoc::bare_urls`).
///
/// The result is then read with the Markdown parser rustdoc uses ([`inert`]); should it still
/// hold raw HTML, a code block other than a `text` one, or a link that is not an `http(s)`
/// autolink, the prose is written as plain text instead: every ASCII punctuation mark escaped.
pub fn sanitize(text: &str) -> String {
    let text = printable(text);
    let markdown = markdown(&text);
    if inert(&markdown) { markdown } else { plain(&text) }
}

/// Options as rustdoc reads doc comments (`main_body_opts` in librustdoc's `html/markdown.rs`).
fn rustdoc_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Whether rustdoc would read `markdown` as text only: no raw HTML, no code block but a `text`
/// one, no link or image except an autolink to an `http(s)` URL.
pub fn inert(markdown: &str) -> bool {
    use pulldown_cmark::{CodeBlockKind, Event, LinkType, Parser, Tag};
    Parser::new_ext(markdown, rustdoc_options()).all(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) => false,
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => &*info == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        Event::Start(Tag::Link { link_type, dest_url, .. }) => {
            link_type == LinkType::Autolink && (dest_url.starts_with("https://") || dest_url.starts_with("http://"))
        }
        Event::Start(Tag::Image { .. }) => false,
        _ => true,
    })
}

/// The raw HTML rustdoc would pass through from `markdown` into the page, as written.
pub fn html(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser};
    Parser::new_ext(markdown, rustdoc_options())
        .filter_map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Some(html.into_string()),
            _ => None,
        })
        .collect()
}

/// The code blocks of `markdown` rustdoc would compile as doc tests, as their text: indented
/// ones, and fenced ones whose info string names Rust or nothing rustdoc does not know (its
/// `LangString` rule), unless marked `ignore`.
pub fn doc_tests(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    const RUST_TAGS: &[&str] = &[
        "rust",
        "should_panic",
        "no_run",
        "compile_fail",
        "test_harness",
        "standalone_crate",
        "edition2015",
        "edition2018",
        "edition2021",
        "edition2024",
    ];
    let mut tests = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, rustdoc_options()) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let runs = match kind {
                    CodeBlockKind::Indented => true,
                    CodeBlockKind::Fenced(info) => {
                        let tokens: Vec<&str> =
                            info.split([',', ' ', '\t']).map(str::trim).filter(|t| !t.is_empty()).collect();
                        let ignored = tokens.iter().any(|t| t.starts_with("ignore"));
                        let other = tokens.iter().any(|t| !RUST_TAGS.contains(t) && !t.starts_with("ignore"));
                        let rust = tokens.contains(&"rust") || !other;
                        rust && !ignored
                    }
                };
                current = runs.then(String::new);
            }
            Event::Text(text) => {
                if let Some(code) = current.as_mut() {
                    code.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => tests.extend(current.take()),
            _ => {}
        }
    }
    tests
}

/// `text` as plain Markdown text: lines pulled in and single-spaced as in [`markdown`], every
/// ASCII punctuation mark escaped, bare URLs made autolinks.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.trim_end().lines() {
        let trimmed = line.trim_start();
        out.push_str(&" ".repeat((line.len() - trimmed.len()).min(2)));
        let line = single_spaced(trimmed);
        let mut rest = line.as_str();
        while let Some(c) = rest.chars().next() {
            if let Some(len) = url_len(rest) {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                rest = &rest[len..];
                continue;
            }
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// The Markdown-preserving half of [`sanitize`], on text already made [`printable`].
fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    // Prose lines a code span may run across (one paragraph), escaped together.
    let mut prose: Vec<String> = Vec::new();
    let mut in_fence = false;
    for line in text.trim_end().lines() {
        let fence = is_fence(line);
        if in_fence && !fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if fence || !continues_paragraph(line) {
            flush(&mut prose, &mut out);
        }
        if fence {
            out.push_str(if in_fence { "```\n" } else { "```text\n" });
            in_fence = !in_fence;
        } else {
            let trimmed = line.trim_start();
            let indent = (line.len() - trimmed.len()).min(2);
            prose.push(format!("{}{}", " ".repeat(indent), single_spaced(trimmed)));
        }
    }
    flush(&mut prose, &mut out);
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

/// Escapes the collected prose lines as one text and appends them to `out`.
fn flush(prose: &mut Vec<String>, out: &mut String) {
    if prose.is_empty() {
        return;
    }
    out.push_str(&escape(&prose.join("\n")));
    out.push('\n');
    prose.clear();
}

/// Whether `line` can only continue the paragraph before it, so a code span may run onto it:
/// it begins with a letter or digit (not an ordered-list marker) or a few marks that start no
/// block. Any other line might start a list item, block quote, heading or HTML block, where a
/// span from the line before cannot reach, so spans end before it.
fn continues_paragraph(line: &str) -> bool {
    let trimmed = line.trim_start();
    let Some(first) = trimmed.chars().next() else { return false };
    let digits = trimmed.len() - trimmed.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let ordered_marker = digits > 0 && trimmed[digits..].starts_with(['.', ')']);
    ((first.is_alphanumeric() && !ordered_marker) || matches!(first, '(' | '"' | '\'' | ',' | '.' | ';' | ':'))
        && !trimmed.starts_with("```")
}

/// Whether `line` opens or closes a fenced code block in any container: after its
/// [markers](after_markers), three backticks or three tildes. This is wider than CommonMark's
/// rule (which also bounds the indentation), so every line Markdown would read as a fence is
/// caught.
fn is_fence(line: &str) -> bool {
    let rest = after_markers(line);
    rest.starts_with("```") || rest.starts_with("~~~")
}

/// `line` after its indentation, block-quote markers (`>`) and list markers (`-`, `*`, `+`,
/// `1.`, `1)`, each followed by whitespace), however nested: where a block inside those
/// containers would begin.
pub fn after_markers(line: &str) -> &str {
    let mut rest = line.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix('>') {
            rest = after.trim_start();
            continue;
        }
        if let Some(after) = rest.strip_prefix(['-', '*', '+']).filter(|a| a.starts_with(char::is_whitespace)) {
            rest = after.trim_start();
            continue;
        }
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0
            && let Some(after) = rest[digits..].strip_prefix(['.', ')']).filter(|a| a.starts_with(char::is_whitespace))
        {
            rest = after.trim_start();
            continue;
        }
        return rest;
    }
}

/// `line` with every run of whitespace made one space.
fn single_spaced(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut space = false;
    for c in line.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Escapes prose (one paragraph, possibly several lines) outside its code spans.
fn escape(text: &str) -> String {
    let spans = code_spans(text);
    let mut spans = spans.iter().peekable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        if c == '`' {
            let run = text[at..].len() - text[at..].trim_start_matches('`').len();
            if let Some(&&(start, end)) = spans.peek()
                && start == at
            {
                out.push_str(&text[start..end]);
                spans.next();
                at = end;
            } else {
                for _ in 0..run {
                    out.push_str("\\`");
                }
                at += run;
            }
            continue;
        }
        let rest = &text[at..];
        if c == '\\' && rest[1..].starts_with('`') {
            // Backticks are read the same way with or without a backslash before them (see
            // `code_spans`), so the backslash is made a literal one.
            out.push_str("\\\\");
            at += 1;
            continue;
        }
        if c == '\\'
            && let Some(next) = rest[1..].chars().next().filter(char::is_ascii_punctuation)
        {
            // A Markdown escape stays one: `\<` is a literal `<`.
            out.push(c);
            out.push(next);
            at += 1 + next.len_utf8();
            continue;
        }
        if let Some(len) = url_len(rest) {
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            at += len;
            continue;
        }
        // `>` quotes only at a line start.
        let line_start = || out.bytes().rev().take_while(|&b| b != b'\n').all(|b| b == b' ');
        if (c == '>' && line_start()) || matches!(c, '<' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// The code spans of `text` as byte ranges, found as CommonMark finds them: a run of backticks
/// opens a span that ends at the next run of exactly as many backticks; a run with no such
/// partner is literal text (and is escaped by [`escape`]). A backslash before a backtick is
/// made a literal one by [`escape`], so runs are counted without regard to backslashes. Linear
/// in the text.
fn code_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => {
                let start = i;
                while i < bytes.len() && bytes[i] == b'`' {
                    i += 1;
                }
                runs.push((start, i - start));
            }
            _ => i += 1,
        }
    }
    // For each run, the index of the next run of the same length.
    let mut next_same = vec![None; runs.len()];
    let mut last_of_len = std::collections::HashMap::new();
    for (index, (_, len)) in runs.iter().enumerate().rev() {
        next_same[index] = last_of_len.insert(*len, index);
    }
    let mut spans = Vec::new();
    let mut index = 0;
    while index < runs.len() {
        match next_same[index] {
            Some(partner) => {
                let (start, _) = runs[index];
                let (end, len) = runs[partner];
                spans.push((start, end + len));
                index = partner + 1;
            }
            None => index += 1,
        }
    }
    spans
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
    use super::{code, doc_tests, inert, sanitize};

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(sanitize("Bearer <token> see https://x.y/z."), "Bearer \\<token> see <https://x.y/z>.");
        assert_eq!(sanitize("a -> b > c < 3\n> quoted"), "a -> b > c \\< 3\n\\> quoted");
        assert_eq!(sanitize("content[0].text and `a<b>[c]`"), "content\\[0\\].text and `a<b>[c]`");
        assert_eq!(sanitize("para\n        deep"), "para\n  deep");
        assert_eq!(sanitize("```\ncode\n```"), "```text\ncode\n```");
    }

    #[test]
    fn no_fence_form_opens_a_doc_test() {
        assert_eq!(sanitize("~~~\nrun();\n~~~"), "```text\nrun();\n```");
        assert_eq!(sanitize("- item\n\n  ```rust\n  run();\n  ```"), "- item\n\n```text\n  run();\n```");
        assert_eq!(sanitize("> ```\n> run();"), "```text\n> run();\n```");
        assert_eq!(sanitize("1. ~~~~rust\nrun();"), "```text\nrun();\n```");
        // Indented code, at the top level or in a list item, does not survive either.
        assert_eq!(sanitize("text\n\n    run();"), "text\n\n  run();");
        assert_eq!(sanitize("-     run();"), "- run();");
        assert_eq!(sanitize("-\trun();"), "- run();");
    }

    #[test]
    fn no_html_and_no_hidden_characters() {
        assert_eq!(sanitize("x ```<img src=x onerror=y>`"), "x \\`\\`\\`\\<img src=x onerror=y>\\`");
        assert_eq!(sanitize("``<b>`` `<i>`"), "``<b>`` `<i>`");
        assert_eq!(sanitize("<script>alert(1)</script>"), "\\<script>alert(1)\\</script>");
        assert_eq!(sanitize("a\0b\u{202e}c\rd\u{2028}e\r\nf"), "abc\nd\ne\nf");
        assert_eq!(sanitize("\\`<x>"), "\\\\\\`\\<x>");
    }

    #[test]
    fn code_spans_run_across_lines_of_a_paragraph_only() {
        assert_eq!(sanitize("with `{{\nname }}` and `a<b>`"), "with `{{\nname }}` and `a<b>`");
        // A list item is a block of its own: the span of the line before cannot reach into it.
        assert_eq!(sanitize("text `a\n- <img> b`"), "text \\`a\n- \\<img> b\\`");
        assert_eq!(sanitize("`a\n\n<b>`"), "\\`a\n\n\\<b>\\`");
    }

    #[test]
    fn what_rustdoc_would_still_misread_is_written_as_plain_text() {
        // A table splits cells before code spans are read; an ATX heading is one line.
        let table = "a | b\n--- | ---\nx `y <img src=x onerror=alert(1)> | z` w";
        assert!(!inert(&super::markdown(table)), "the Markdown-preserving pass lets this through");
        assert_eq!(
            sanitize(table),
            "a \\| b\n\\-\\-\\- \\| \\-\\-\\-\nx \\`y \\<img src\\=x onerror\\=alert\\(1\\)\\> \\| z\\` w"
        );
        let heading = "# Title `x <script>\ny` see https://x.y/z";
        assert!(!inert(&super::markdown(heading)));
        assert!(sanitize(heading).ends_with("see <https://x.y/z>"), "{}", sanitize(heading));
        for hostile in [table, heading, "~~~\nrun();", "- ```\n  run();", ">     run();", "1.     run();"] {
            let sanitized = sanitize(hostile);
            assert!(inert(&sanitized), "{hostile:?} -> {sanitized:?}");
            assert!(doc_tests(&sanitized).is_empty(), "{hostile:?} -> {sanitized:?}");
        }
    }

    #[test]
    fn doc_tests_are_found_as_rustdoc_finds_them() {
        assert_eq!(doc_tests("```\nrun();\n```"), ["run();\n"]);
        assert_eq!(doc_tests("```no_run\na();\n```\n\n~~~rust,ignore\nb();\n~~~"), ["a();\n"]);
        assert_eq!(doc_tests("```text\na\n```\n\n```json\n{}\n```"), Vec::<String>::new());
        assert_eq!(doc_tests("para\n\n    indented();"), ["indented();"]);
        assert_eq!(doc_tests("- item\n\n  ```\n  listed();\n  ```"), ["listed();\n"]);
    }

    #[test]
    fn names_are_one_code_span() {
        assert_eq!(code("name"), "`name`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x\n```rust\nrun();"), "```` x\\u{a}```rust\\u{a}run(); ````");
        assert_eq!(code("<script>\u{202e}\0"), "`<script>\\u{202e}\\u{0}`");
        assert_eq!(code(""), "`\"\"`");
    }
}
