//! Structure-aware fuzzing of the generator: the vendored specs, mutated (keys dropped and
//! renamed, values retyped, `$ref`s broken or made cyclic, odd names, deep nesting, huge enums,
//! duplicated operations) and given hostile values (non-finite numbers; text with control, bidi
//! and separator characters, code fences, indented blocks, backticks and HTML, as values and as
//! keys; media types with full-width punctuation; path keys without a leading `/` or with `//`,
//! `?` or `#`), must come back as `Ok` or as a `codegen::Error` with a location, never a panic and
//! never a hang; and what comes back as `Ok` holds no control character but the newline (and no
//! bidi control, which rustc refuses in comments and literals) in its code or its mock.
//!
//! `CODEGEN_FUZZ_CASES` (default 10,000) and `CODEGEN_FUZZ_SEED` set the run; `cargo xtask fuzz`
//! runs a longer one in release mode. Every case runs; the failures are then listed by kind and
//! cause, with how often each came, and the first inputs of each cause are written to
//! `target/fuzz-failures/` to become regression tests.

use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The areas: every spec in `specs/`, so that a new one is fuzzed from the day it is vendored.
fn areas(dir: &Path) -> Vec<String> {
    let mut areas: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    areas.sort();
    assert!(!areas.is_empty(), "no spec in {}", dir.display());
    areas
}

/// A case slower than this counts as a hang.
const HANG: Duration = Duration::from_secs(20);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(Value),
    Index(usize),
}

/// Every node of the tree, as the steps that lead to it.
fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(prefix.clone());
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(Step::Index(index));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(root: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut current = root;
    for step in path {
        current = match (step, current) {
            (Step::Key(key), Value::Mapping(map)) => map.get_mut(key)?,
            (Step::Index(index), Value::Sequence(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(current)
}

const ODD_NAMES: &[&str] = &[
    "",
    " ",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "_",
    "2fa",
    "名字",
    "a-b",
    "a b",
    "a.b",
    "{x}",
    "x}",
    "{",
    "~1",
    "a/b",
    "Option",
    "Result",
    "String",
    "Vec",
    "Error",
    "Client",
    "rt",
    "r#type",
    "Other",
    "default",
    "__proto__",
];

const ODD_REFS: &[&str] = &[
    "#/components/schemas/Missing",
    "#/components/parameters/Missing",
    "#/components/responses/Missing",
    "#/components/schemas/",
    "#/components/schemas",
    "#/paths/~1x",
    "#",
    "",
    "other.yaml#/components/schemas/A",
    "https://example.com/spec.yaml#/A",
    "#/components/schemas/a/b",
];

/// Text a spec may hold that must not reach the generated code as it is: control characters
/// (NUL, CRLF, a bare CR, escape, DEL, C1), bidi controls and separators, code fences (in list
/// items and block quotes too), indented blocks, backticks, HTML, and what would close a comment
/// or a literal.
const HOSTILE_TEXT: &[&str] = &[
    "a\0b",
    "\0",
    "line\r\nnext",
    "bare\rcarriage return",
    "\r",
    "abc\u{202e}fed",
    "\u{2066}isolated\u{2069}",
    "one\u{2028}two",
    "para\u{2029}graph",
    "\u{1b}[31mred",
    "tab\there",
    "del\u{7f}",
    "next\u{85}line",
    "```\nstd::process::exit(1);\n```",
    "```rust\nlet x = 1;\n```",
    "~~~\nlet x = 1;\n~~~",
    "- ```\n  let x = 1;\n  ```",
    "* ~~~\n  let x = 1;\n  ~~~",
    "1. ```\n   let x = 1;\n   ```",
    "> ```\n> let x = 1;\n> ```",
    "Text.\n\n    let indented = 1;\n",
    "\tlet tabbed = 1;",
    "    leading indent",
    "`",
    "``",
    "```",
    "an unbalanced `tick",
    "<script>alert(1)</script>",
    "<!-- hidden -->",
    "</div>",
    "<img src=x onerror=alert(1)>",
    "*/ fn injected() {} /*",
    "\"); panic!(\"",
    "#[doc = \"x\"]",
    "\\",
    "\\u{0}",
];

/// Media types with full-width or odd punctuation, spaces and control characters.
const HOSTILE_MEDIA: &[&str] = &[
    "application\u{ff0f}json",
    "application/json\u{ff1b}charset=utf-8",
    "\u{ff41}pplication/json",
    "text/plain\u{ff0c}text/html",
    "application/json\u{3000}",
    "application/ json",
    "application/json\0",
    "application/json\r\nX-Injected: 1",
    "multipart/form-data\u{ff1b} boundary=x",
    "text/event-stream\u{202e}",
    "application/json; charset=\"utf-8\"",
    "*/*",
    "application/*",
    "json",
    "",
];

/// Non-finite and extreme numbers.
fn odd_number(rng: &mut Rng) -> Value {
    let n = match rng.below(7) {
        0 => serde_yaml::Number::from(f64::INFINITY),
        1 => serde_yaml::Number::from(f64::NEG_INFINITY),
        2 => serde_yaml::Number::from(f64::NAN),
        3 => serde_yaml::Number::from(-0.0),
        4 => serde_yaml::Number::from(f64::MAX),
        5 => serde_yaml::Number::from(u64::MAX),
        _ => serde_yaml::Number::from(i64::MIN),
    };
    Value::Number(n)
}

/// A path key made odd: no leading `/`, a `//`, a query, a fragment.
fn odd_path(path: &str, rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => path.trim_start_matches('/').to_owned(),
        1 => format!("/{path}"),
        2 => path.replacen('/', "//", 2),
        3 => format!("{path}?x=1"),
        4 => format!("{path}#frag"),
        5 => format!("{path}/{{id}}?"),
        _ => format!("{path}/a\u{202e}b"),
    }
}

fn scalar(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::Number((rng.next() as i64 % 1000).into()),
        3 => Value::Number(serde_yaml::Number::from(f64::from(rng.below(100) as u32) / 7.0)),
        4 => Value::String((*rng.pick(ODD_NAMES)).to_owned()),
        5 => Value::String(
            ["string", "integer", "number", "boolean", "array", "object", "null", "strin"][rng.below(8)].to_owned(),
        ),
        6 => Value::Sequence(vec![]),
        7 => Value::Mapping(Mapping::new()),
        _ => odd_number(rng),
    }
}

fn nested(depth: usize) -> Value {
    let mut schema: Value = serde_yaml::from_str("{type: string}").unwrap();
    for level in 0..depth {
        let mut map = Mapping::new();
        if level % 2 == 0 {
            map.insert("type".into(), "array".into());
            map.insert("items".into(), schema);
        } else {
            map.insert("type".into(), "object".into());
            let mut properties = Mapping::new();
            properties.insert(format!("p{level}").into(), schema);
            map.insert("properties".into(), properties.into());
        }
        schema = Value::Mapping(map);
    }
    schema
}

/// Applies one random mutation; returns a short description for failure reports.
fn mutate(root: &mut Value, rng: &mut Rng) -> String {
    let mut all = Vec::new();
    paths(root, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let kind = rng.below(18);
    let shown = format!("{path:?}");
    // Mutations that act on the containing mapping's key.
    if let Some(Step::Key(key)) = path.last().cloned() {
        let parent = &path[..path.len() - 1];
        if kind == 0 {
            if let Some(Value::Mapping(map)) = node_mut(root, parent) {
                map.remove(&key);
            }
            return format!("drop {shown}");
        }
        if kind == 1 || kind == 12 {
            let name = if kind == 1 { rng.pick(ODD_NAMES) } else { rng.pick(HOSTILE_TEXT) }.to_string();
            if let Some(Value::Mapping(map)) = node_mut(root, parent)
                && let Some(value) = map.remove(&key)
            {
                map.insert(name.clone().into(), value);
            }
            return format!("rename {shown} to {name:?}");
        }
    }
    let Some(node) = node_mut(root, &path) else { return "no-op".into() };
    match kind {
        2 | 3 => {
            *node = scalar(rng);
            format!("retype {shown}")
        }
        4 => {
            let mut map = Mapping::new();
            map.insert("$ref".into(), (*rng.pick(ODD_REFS)).into());
            *node = Value::Mapping(map);
            format!("bad $ref at {shown}")
        }
        5 => {
            // A schema that refers to itself or to its neighbour: cycles.
            let names: Vec<String> =
                match root.get("components").and_then(|c| c.get("schemas")).and_then(Value::as_mapping) {
                    Some(schemas) => schemas.keys().filter_map(|k| k.as_str().map(str::to_owned)).collect(),
                    None => return "no schemas".into(),
                };
            if names.is_empty() {
                return "no schemas".into();
            }
            let a = rng.pick(&names).clone();
            let b = rng.pick(&names).clone();
            let mut reference = Mapping::new();
            reference.insert("$ref".into(), format!("#/components/schemas/{b}").into());
            let target = if rng.below(2) == 0 {
                Value::Mapping(reference)
            } else {
                serde_yaml::from_str(&format!(
                    "{{type: object, properties: {{self: {{$ref: '#/components/schemas/{b}'}}}}}}"
                ))
                .unwrap()
            };
            if let Some(schemas) =
                root.get_mut("components").and_then(|c| c.get_mut("schemas")).and_then(Value::as_mapping_mut)
            {
                schemas.insert(a.clone().into(), target);
            }
            format!("cycle {a} -> {b}")
        }
        6 => {
            let depth = 10 + rng.below(90);
            *node = nested(depth);
            format!("nest {depth} deep at {shown}")
        }
        7 => {
            let count = 1000 + rng.below(4000);
            let values: Vec<Value> =
                (0..count).map(|i| Value::String(format!("{}{}", rng.pick(ODD_NAMES), i % 50))).collect();
            let mut map = Mapping::new();
            map.insert("type".into(), "string".into());
            map.insert("enum".into(), Value::Sequence(values));
            *node = Value::Mapping(map);
            format!("enum of {count} at {shown}")
        }
        8 => {
            // Duplicate a whole path item under a new path (same operationIds).
            if let Some(paths) = root.get_mut("paths").and_then(Value::as_mapping_mut)
                && let Some((key, value)) = paths.iter().next().map(|(k, v)| (k.clone(), v.clone()))
            {
                let new_key = format!("{}/copy{{id}}", key.as_str().unwrap_or("/x"));
                paths.insert(new_key.into(), value);
            }
            "duplicate a path item".into()
        }
        9 => {
            if let Value::String(text) = node {
                let name: &&str = rng.pick(ODD_NAMES);
                text.push_str(name);
            } else {
                *node = Value::String(rng.pick(ODD_NAMES).to_string());
            }
            format!("odd text at {shown}")
        }
        10 => {
            if let Value::Sequence(items) = node {
                items.push(scalar(rng));
            } else if let Value::Mapping(map) = node {
                map.insert(rng.pick(ODD_NAMES).to_string().into(), scalar(rng));
            }
            format!("add junk at {shown}")
        }
        12 | 13 => {
            // Hostile text as the value, or appended to the text there.
            let hostile = rng.pick(HOSTILE_TEXT);
            match node {
                Value::String(text) if kind == 13 => text.push_str(hostile),
                _ => *node = Value::String((*hostile).to_owned()),
            }
            format!("hostile text {hostile:?} at {shown}")
        }
        14 => {
            // A non-finite or extreme number: as the value, or as a bound of a schema.
            let number = odd_number(rng);
            if let Value::Mapping(map) = node
                && map.contains_key("type")
            {
                let key =
                    ["minimum", "maximum", "multipleOf", "default", "example", "maxLength", "minItems"][rng.below(7)];
                map.insert(key.into(), number.clone());
                format!("{key}: {number:?} in the schema at {shown}")
            } else {
                *node = number.clone();
                format!("{number:?} at {shown}")
            }
        }
        15 => {
            // A media type of a `content` map made odd.
            let mut contents = Vec::new();
            for p in &all {
                if let Some(Step::Key(Value::String(k))) = p.last()
                    && k == "content"
                {
                    contents.push(p.clone());
                }
            }
            if contents.is_empty() {
                return "no content".into();
            }
            let media = rng.pick(HOSTILE_MEDIA).to_string();
            let at: Vec<Step> = rng.pick(&contents).clone();
            let Some(Value::Mapping(map)) = node_mut(root, &at) else { return "no content".into() };
            let Some(key) = map.keys().next().cloned() else { return "empty content".into() };
            if let Some(value) = map.remove(&key) {
                map.insert(media.clone().into(), value);
            }
            format!("media type {key:?} -> {media:?}")
        }
        16 => {
            // A path key made odd.
            let Some(paths) = root.get_mut("paths").and_then(Value::as_mapping_mut) else { return "no paths".into() };
            let keys: Vec<Value> = paths.keys().cloned().collect();
            if keys.is_empty() {
                return "no paths".into();
            }
            let key = rng.pick(&keys).clone();
            let odd = odd_path(key.as_str().unwrap_or("/x"), rng);
            if let Some(value) = paths.remove(&key) {
                paths.insert(odd.clone().into(), value);
            }
            format!("path {key:?} -> {odd:?}")
        }
        _ => {
            let other = rng.pick(&all).clone();
            let copy = node_mut(root, &other).map(|v| v.clone());
            if let (Some(copy), Some(node)) = (copy, node_mut(root, &path)) {
                *node = copy;
            }
            format!("copy {other:?} over {shown}")
        }
    }
}

/// How one case ended.
enum Outcome {
    /// Generated, and the output is clean.
    Generated,
    /// A `codegen::Error` naming the file and a location.
    Located,
    /// Anything else: what kind of failure, its cause in a few words (cases are grouped by
    /// it), the case described, and where its input is saved if it is one of the first.
    Failed { kind: &'static str, cause: String, case: String, saved: std::path::PathBuf, input: String },
}

/// A failure kind's cause: how many cases had it, and the first few of them.
#[derive(Default)]
struct Seen {
    count: usize,
    cases: Vec<String>,
}

/// How many cases of each cause are kept (and saved) for the report.
const KEPT: usize = 3;

#[test]
fn mutated_specs_never_panic_or_hang() {
    let cases: usize = std::env::var("CODEGEN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let seed: u64 =
        std::env::var("CODEGEN_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5EED_CAFE_F00D_D00D);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let specs: Vec<(String, Value)> = areas(&dir)
        .iter()
        .map(|area| {
            // Mutations start from the document the generator reads: the spec with its overlay.
            let file = format!("specs/{area}.yaml");
            let text = std::fs::read_to_string(dir.join(format!("{area}.yaml"))).unwrap();
            let overlay_file = codegen::overlay::file_for(&file);
            let overlay = std::fs::read_to_string(dir.join("..").join(&overlay_file)).ok();
            let overlays: Vec<codegen::Overlay> =
                overlay.iter().map(|text| codegen::Overlay { file: &overlay_file, text }).collect();
            let text = codegen::load::overlaid_yaml(&file, &text, &overlays).unwrap_or_else(|e| panic!("{e}"));
            (file, serde_yaml::from_str(&text).unwrap())
        })
        .collect();
    let started = Instant::now();
    // Silence the default panic message: a panic is caught and reported with its case below.
    std::panic::set_hook(Box::new(|_| {}));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    type Tally = (usize, usize, BTreeMap<(&'static str, String), Seen>);
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let specs = &specs;
                scope.spawn(move || {
                    let (mut ok, mut errors, mut failures) = (0, 0, BTreeMap::<_, Seen>::new());
                    let mut hangs = 0;
                    for case in (worker..cases).step_by(workers) {
                        match run_case(specs, seed, case) {
                            Outcome::Generated => ok += 1,
                            Outcome::Located => errors += 1,
                            Outcome::Failed { kind, cause, case, saved, input } => {
                                let seen = failures.entry((kind, cause)).or_default();
                                seen.count += 1;
                                if seen.cases.len() < KEPT {
                                    let _ = std::fs::create_dir_all(saved.parent().unwrap());
                                    let _ = std::fs::write(&saved, input);
                                    seen.cases.push(format!("{case}; input saved to {}", saved.display()));
                                }
                                // A hung case's thread runs on: a few are enough to report.
                                hangs += usize::from(kind == "hang");
                                if hangs == 3 {
                                    break;
                                }
                            }
                        }
                    }
                    (ok, errors, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a fuzz worker panicked")).collect()
    });
    let _ = std::panic::take_hook();
    let (mut ok, mut errors, mut failures) = (0, 0, BTreeMap::<_, Seen>::new());
    for (o, e, f) in tallies {
        ok += o;
        errors += e;
        for (key, seen) in f {
            let all = failures.entry(key).or_default();
            all.count += seen.count;
            all.cases.extend(seen.cases);
            all.cases.truncate(KEPT);
        }
    }
    let failed: usize = failures.values().map(|s| s.count).sum();
    println!(
        "{cases} cases (seed {seed}) in {:.1?}: {ok} generated, {errors} errors with a location, {failed} failures",
        started.elapsed()
    );
    if failed == 0 {
        assert_eq!(ok + errors, cases);
        return;
    }
    let mut report = format!("{failed} of {cases} cases failed (seed {seed}):\n");
    for ((kind, cause), seen) in &failures {
        report.push_str(&format!("\n{} x {kind}: {cause}\n", seen.count));
        for case in &seen.cases {
            report.push_str(&format!("    {case}\n"));
        }
    }
    panic!("{report}");
}

/// The first character of generated text that must not be there ([`codegen::emit::docs::is_hidden`]):
/// a control character other than the newline (a raw one in a literal or a comment would be a
/// different program, or none), or a bidi control (rustc refuses one in a comment or a literal).
fn forbidden_char(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| codegen::emit::docs::is_hidden(c))
}

/// The text of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The gist of a message: its first line, numbers and quoted parts replaced, so that cases with
/// one cause group together.
fn gist(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut out = String::new();
    let mut quoted = false;
    for c in line.chars().take(160) {
        match c {
            '`' | '"' => {
                quoted = !quoted;
                if quoted {
                    out.push_str("`..`");
                }
            }
            _ if quoted => {}
            '0'..='9' if out.ends_with('N') => {}
            '0'..='9' => out.push('N'),
            c => out.push(c),
        }
    }
    out
}

/// Runs one case (reproducible from the seed and its number).
fn run_case(specs: &[(String, Value)], seed: u64, case: usize) -> Outcome {
    let mut rng = Rng((seed ^ (case as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
    let (file, spec) = rng.pick(specs).clone();
    let mut spec = spec;
    let steps = 1 + rng.below(3);
    let what: Vec<String> = (0..steps).map(|_| mutate(&mut spec, &mut rng)).collect();
    let text = serde_yaml::to_string(&spec).unwrap();
    let (sender, receiver) = mpsc::channel();
    let input = (file.clone(), text.clone());
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| {
            codegen::generate(codegen::Spec::from_file(&input.0, &input.1)).map(|g| (g.code, g.mock))
        });
        let _ = sender.send(outcome.map_err(|payload| panic_text(&*payload)));
    });
    let (kind, cause, detail) = match receiver.recv_timeout(HANG) {
        Ok(Ok(Ok((code, mock)))) => {
            // NEW ASSERTION: generated code and mock hold no control character but the newline
            // and no bidi control. Expected to fail until spec text is escaped or refused
            // everywhere it reaches the output.
            let found = [("code", &code), ("mock", &mock)]
                .into_iter()
                .find_map(|(which, text)| forbidden_char(text).map(|(at, c)| (which, text, at, c)));
            let Some((which, text, at, c)) = found else { return Outcome::Generated };
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let line: String = text[line_start..line_end].trim_start().chars().take(120).collect();
            ("control character in generated output", format!("U+{:04X} in the {which}", c as u32), format!("{line:?}"))
        }
        Ok(Ok(Err(e))) if e.file() == file && e.location().is_some() => return Outcome::Located,
        Ok(Ok(Err(e))) => ("error without a location", gist(&e.to_string()), e.to_string()),
        Ok(Err(message)) => ("panic", gist(&message), message),
        Err(_) => ("hang", format!("no answer within {HANG:?}"), String::new()),
    };
    let saved = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../target/fuzz-failures/case-{seed}-{case}.yaml"));
    let what: Vec<String> = what.into_iter().map(|w| w.chars().take(200).collect()).collect();
    let detail: String = detail.chars().take(300).collect();
    Outcome::Failed {
        kind,
        cause,
        case: format!("case {case} ({file}, mutations {what:?}): {detail}"),
        saved,
        input: text,
    }
}
