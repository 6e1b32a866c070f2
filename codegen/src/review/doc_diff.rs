//! What a new version of a spec changes in the doc text the generated code carries: the API's
//! title and description, each operation's summary, description and reference URL, the
//! descriptions of parameters, constants, bodies, responses, their headers, types and fields, and
//! the documented values an operation's `# Example` doc test is built from.
//!
//! Doc text is code's neighbour: a fenced or indented block in a doc comment is a doc test that
//! `cargo test` compiles and runs, raw HTML is passed through by rustdoc, and control or bidi
//! characters make a line read differently from what it holds. So every change is listed, and
//! changed text that holds any of these is flagged ([`code_like`]).

use crate::ir::{Api, Operation, TypeKind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// One change of doc text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocChange {
    /// Where the text is, named as the API changes name its item: `getItem: description`,
    /// ``getItem: query parameter `verbose` description``, `Item.count: description`.
    pub place: String,
    /// The text before; `None` when there was none.
    pub was: Option<String>,
    /// The text now; `None` when it was removed.
    pub is: Option<String>,
    /// What in the new text is code-like (see [`code_like`]), one entry each.
    pub code_like: Vec<String>,
}

impl DocChange {
    /// One line naming the change, then the lines removed (`-`) and added (`+`), escaped.
    pub(crate) fn render(&self, out: &mut String) {
        let what = match (&self.was, &self.is) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        };
        let _ = writeln!(out, "doc      {} {what}", escape(&self.place));
        let lines = |text: &Option<String>| -> Vec<String> {
            text.as_deref().map(|t| t.split('\n').map(escape).collect()).unwrap_or_default()
        };
        for line in line_diff(&lines(&self.was), &lines(&self.is)) {
            let _ = writeln!(out, "           {line}");
        }
    }
}

/// One piece of doc text of an API.
struct Doc {
    /// What identifies it across versions.
    key: String,
    /// The item it belongs to (an operation, a parameter, a type, a field): when the item itself
    /// is gone, its text goes with it and is not listed.
    item: String,
    place: String,
    /// As shown: prose as written, a documented value as pretty JSON.
    text: String,
    /// What is checked for code-like text: the prose, or each string of a documented value
    /// (JSON would escape the control characters the check looks for).
    checked: Vec<String>,
}

/// Every doc text of `api`, in document order, and every item that could carry one.
#[derive(Default)]
struct Docs {
    docs: Vec<Doc>,
    items: BTreeSet<String>,
    keys: BTreeSet<String>,
}

impl Docs {
    fn item(&mut self, item: &str) {
        self.items.insert(item.to_owned());
    }

    fn prose(&mut self, item: &str, aspect: &str, place: String, text: Option<&str>) {
        let Some(text) = text else { return };
        self.push(item, aspect, place, text.to_owned(), vec![text.to_owned()]);
    }

    fn value(&mut self, item: &str, aspect: &str, place: String, value: Option<&serde_json::Value>) {
        let Some(value) = value else { return };
        let mut checked = Vec::new();
        strings(value, &mut checked);
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
        self.push(item, aspect, place, text, checked);
    }

    fn push(&mut self, item: &str, aspect: &str, place: String, text: String, checked: Vec<String>) {
        // Two items of one name (which normalize refuses, but this is for reviewing anything)
        // keep both texts rather than letting one hide the other.
        let mut key = format!("{item}\u{0}{aspect}");
        let mut n = 1;
        while self.keys.contains(&key) {
            n += 1;
            key = format!("{item}\u{0}{aspect}#{n}");
        }
        self.keys.insert(key.clone());
        self.docs.push(Doc { key, item: item.to_owned(), place, text, checked });
    }
}

/// Every string of a JSON value, keys included.
fn strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

fn collect(api: &Api) -> Docs {
    let mut d = Docs::default();
    d.item("api");
    d.prose("api", "title", "spec title".to_owned(), Some(&api.title));
    d.prose("api", "description", "spec description".to_owned(), api.description.as_deref());
    for op in &api.operations {
        operation(&mut d, op);
    }
    for def in &api.types {
        let name = &def.name;
        let item = format!("type {name}");
        d.item(&item);
        d.prose(&item, "docs", format!("type {name}: description"), def.docs.as_deref());
        let fields: Vec<(&str, &str, Option<&str>)> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| (&*f.wire_name, &*f.name, f.docs.as_deref())).collect(),
            TypeKind::Form(f) => f.fields.iter().map(|f| (&*f.wire_name, &*f.name, f.docs.as_deref())).collect(),
            TypeKind::Headers(h) => h.fields.iter().map(|f| (&*f.wire_name, &*f.name, f.docs.as_deref())).collect(),
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::Union(_) | TypeKind::Runtime(_) => Vec::new(),
        };
        for (wire, rust, docs) in fields {
            let item = format!("type {name} field {wire}");
            d.item(&item);
            d.prose(&item, "docs", format!("{name}.{rust}: description"), docs);
        }
    }
    d
}

fn operation(d: &mut Docs, op: &Operation) {
    let id = &op.id;
    let item = format!("op {id}");
    d.item(&item);
    d.prose(&item, "summary", format!("{id}: summary"), op.summary.as_deref());
    d.prose(&item, "description", format!("{id}: description"), op.description.as_deref());
    d.prose(&item, "docs_url", format!("{id}: reference URL"), op.docs_url.as_deref());
    for p in &op.params {
        let (loc, wire) = (p.location.as_str(), &p.wire_name);
        let item = format!("op {id} param {loc} {wire}");
        d.item(&item);
        let place = format!("{id}: {loc} parameter `{wire}`");
        d.prose(&item, "docs", format!("{place} description"), p.docs.as_deref());
        d.value(&item, "example", format!("{place} example"), p.example.as_ref());
    }
    for c in &op.constants {
        let (loc, wire) = (c.location.as_str(), &c.wire_name);
        let item = format!("op {id} constant {loc} {wire}");
        d.item(&item);
        d.prose(&item, "docs", format!("{id}: constant {loc} `{wire}` description"), c.docs.as_deref());
    }
    if let Some(body) = &op.body {
        let item = format!("op {id} body");
        d.item(&item);
        d.prose(&item, "docs", format!("{id}: request body description"), body.docs.as_deref());
        for form in &body.forms {
            let media = &form.media_type;
            let item = format!("op {id} body {media}");
            d.item(&item);
            d.value(&item, "example", format!("{id}: request body ({media}) example"), form.example.as_ref());
        }
    }
    for r in &op.responses {
        let status = r.status.to_string();
        let item = format!("op {id} response {status}");
        d.item(&item);
        d.prose(&item, "description", format!("{id}: response {status} description"), Some(&r.description));
        for h in &r.headers {
            let name = &h.name;
            let item = format!("op {id} response {status} header {name}");
            d.item(&item);
            d.prose(&item, "docs", format!("{id}: response {status} header `{name}` description"), h.docs.as_deref());
        }
    }
}

/// Every change of doc text from `old` to `new`: new and changed text in the new document's
/// order, then text removed from items that remain.
pub fn diff(old: &Api, new: &Api) -> Vec<DocChange> {
    let (old, new) = (collect(old), collect(new));
    let old_docs: BTreeMap<&str, &Doc> = old.docs.iter().map(|d| (d.key.as_str(), d)).collect();
    let new_keys: BTreeSet<&str> = new.docs.iter().map(|d| d.key.as_str()).collect();
    let mut changes = Vec::new();
    for doc in &new.docs {
        let was = old_docs.get(doc.key.as_str()).map(|d| &d.text);
        if was == Some(&doc.text) {
            continue;
        }
        changes.push(DocChange {
            place: doc.place.clone(),
            was: was.cloned(),
            is: Some(doc.text.clone()),
            code_like: doc.checked.iter().flat_map(|text| code_like(text)).collect(),
        });
    }
    for doc in old.docs.iter().filter(|d| !new_keys.contains(d.key.as_str()) && new.items.contains(&d.item)) {
        changes.push(DocChange {
            place: doc.place.clone(),
            was: Some(doc.text.clone()),
            is: None,
            code_like: Vec::new(),
        });
    }
    changes
}

/// What in `text` is code-like, one entry per finding (`line 3: code fence (```)`): a line that
/// opens a fenced code block (three or more backticks or tildes, after indentation, list markers
/// `-`, `*`, `+`, `1.`, `1)` and block quotes `>`), a line indented four or more columns (an
/// indented code block, in a block quote too), raw HTML (`<` before a letter, `/`, `!` or `?`),
/// and control characters other than the newline, bidi controls and invisible separators.
pub fn code_like(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let n = index + 1;
        let content = crate::emit::docs::after_markers(line);
        if content.starts_with("```") {
            found.push(format!("line {n}: code fence (```)"));
        } else if content.starts_with("~~~") {
            found.push(format!("line {n}: code fence (~~~)"));
        }
        if indented_code(line) {
            found.push(format!("line {n}: indented code (4 or more spaces)"));
        }
        let mut html = BTreeSet::new();
        for (at, _) in line.match_indices('<') {
            if let Some(next) = line[at + 1..].chars().next()
                && (next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?'))
                && html.insert(next)
            {
                found.push(format!("line {n}: raw HTML (<{next})"));
            }
        }
        let mut seen = BTreeSet::new();
        for c in line.chars().filter(|&c| invisible(c).is_some()) {
            if seen.insert(c) {
                let what = invisible(c).unwrap_or_default();
                found.push(format!("line {n}: {what} U+{:04X}", c as u32));
            }
        }
    }
    found
}

/// Whether the line, or what follows its block-quote markers, is indented four or more columns
/// (a tab reaching the next multiple of four) before some text.
fn indented_code(line: &str) -> bool {
    let mut rest = line;
    loop {
        let mut column = 0;
        let mut end = rest.len();
        for (at, c) in rest.char_indices() {
            match c {
                ' ' => column += 1,
                '\t' => column += 4 - column % 4,
                _ => {
                    end = at;
                    break;
                }
            }
        }
        let content = &rest[end..];
        if content.trim().is_empty() {
            return false;
        }
        if column >= 4 {
            return true;
        }
        match content.strip_prefix('>') {
            // One space after `>` belongs to the marker.
            Some(after) => rest = after.strip_prefix(' ').unwrap_or(after),
            None => return false,
        }
    }
}

/// What a character that reads as nothing or as something else is: control characters (C0
/// other than the newline, DEL, C1), bidi controls, and invisible separators and marks.
fn invisible(c: char) -> Option<&'static str> {
    match c {
        '\n' => None,
        c if c.is_control() => Some("control character"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => {
            Some("bidi control")
        }
        '\u{00AD}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' => Some("invisible character"),
        _ => None,
    }
}

/// `text` with every control, bidi and invisible character (the newline too) written as an escape:
/// `\r`, `\t`, `\n`, else `\u{202e}`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if invisible(c).is_some() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The lines removed (`- `) and added (`+ `) from `was` to `is`, unchanged runs in between
/// shown as `  ...`. A longest common subsequence where it is cheap, else everything between
/// the common first and last lines replaced.
fn line_diff(was: &[String], is: &[String]) -> Vec<String> {
    let prefix = was.iter().zip(is).take_while(|(a, b)| a == b).count();
    let suffix = was[prefix..].iter().rev().zip(is[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    let (a, b) = (&was[prefix..was.len() - suffix], &is[prefix..is.len() - suffix]);
    let mut out = Vec::new();
    if prefix > 0 {
        out.push("  ...".to_owned());
    }
    if a.len().saturating_mul(b.len()) > 1_000_000 {
        out.extend(a.iter().map(|l| marked('-', l)));
        out.extend(b.iter().map(|l| marked('+', l)));
    } else {
        // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
        let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
            }
        }
        let (mut i, mut j) = (0, 0);
        let mut gap = false;
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                if !gap {
                    out.push("  ...".to_owned());
                    gap = true;
                }
                i += 1;
                j += 1;
            } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.push(marked('-', &a[i]));
                gap = false;
                i += 1;
            } else {
                out.push(marked('+', &b[j]));
                gap = false;
                j += 1;
            }
        }
    }
    if suffix > 0 {
        out.push("  ...".to_owned());
    }
    out
}

/// `- line`, or a bare `-` for an empty line.
fn marked(mark: char, line: &str) -> String {
    if line.is_empty() { mark.to_string() } else { format!("{mark} {line}") }
}
