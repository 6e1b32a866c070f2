//! `docs/vendor-sdk-wire.md`: the rows of its tables (a backticked key `sdk call aspect`, the
//! SDK's side, ours, the verdict, the SDK source) and its counts table (one row per SDK).

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub sdk: String,
    pub ours: String,
    pub verdict: String,
    pub source: String,
}

impl Row {
    pub fn render(&self) -> String {
        let escape = |s: &str| s.replace('|', "\\|");
        format!(
            "| `{}` | {} | {} | {} | {} |",
            self.key,
            escape(&self.sdk),
            escape(&self.ours),
            escape(&self.verdict),
            escape(&self.source)
        )
    }
}

/// The cells of a table line, `\|` unescaped.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().unwrap().push('|');
                chars.next();
            }
            '|' => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

pub struct Doc {
    pub rows: Vec<Row>,
    /// The counts table: SDK -> its cells after the first.
    pub counts: BTreeMap<String, Vec<String>>,
}

pub fn parse(doc: &str, sdks: &[&str]) -> Doc {
    let mut rows = Vec::new();
    let mut counts = BTreeMap::new();
    for line in doc.lines().filter(|l| l.trim_start().starts_with('|')) {
        let cells = cells(line);
        let first = cells[0].as_str();
        if let Some(key) =
            first.strip_prefix('`').and_then(|k| k.strip_suffix('`')).filter(|k| k.split(' ').count() >= 3)
        {
            assert_eq!(cells.len(), 5, "docs/vendor-sdk-wire.md: a row needs 5 cells: {line}");
            rows.push(Row {
                key: key.to_owned(),
                sdk: cells[1].clone(),
                ours: cells[2].clone(),
                verdict: cells[3].clone(),
                source: cells[4].clone(),
            });
        } else if sdks.contains(&first) {
            counts.insert(first.to_owned(), cells[1..].to_vec());
        }
    }
    Doc { rows, counts }
}
