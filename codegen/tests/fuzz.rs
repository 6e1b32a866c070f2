//! Structure-aware fuzzing of the generator: the vendored specs, mutated (keys dropped and
//! renamed, values retyped, `$ref`s broken or made cyclic, odd names, deep nesting, huge enums,
//! duplicated operations), must come back as `Ok` or as a `codegen::Error` with a location, never
//! a panic and never a hang.
//!
//! `CODEGEN_FUZZ_CASES` (default 10,000) and `CODEGEN_FUZZ_SEED` set the run; `cargo xtask fuzz`
//! runs a longer one in release mode. A failing case is written to `target/fuzz-failures/` to
//! become a regression test.

use serde_yaml::{Mapping, Value};
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

fn scalar(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::Number((rng.next() as i64 % 1000).into()),
        3 => Value::Number(serde_yaml::Number::from(f64::from(rng.below(100) as u32) / 7.0)),
        4 => Value::String((*rng.pick(ODD_NAMES)).to_owned()),
        5 => Value::String(
            ["string", "integer", "number", "boolean", "array", "object", "null", "strin"][rng.below(8)].to_owned(),
        ),
        6 => Value::Sequence(vec![]),
        _ => Value::Mapping(Mapping::new()),
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
    let kind = rng.below(12);
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
        if kind == 1 {
            let name = rng.pick(ODD_NAMES).to_string();
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
    let outcomes: Vec<Result<(usize, usize), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let specs = &specs;
                scope.spawn(move || {
                    let (mut ok, mut errors) = (0, 0);
                    for case in (worker..cases).step_by(workers) {
                        match run_case(specs, seed, case) {
                            Ok(true) => ok += 1,
                            Ok(false) => errors += 1,
                            Err(failure) => return Err(failure),
                        }
                    }
                    Ok((ok, errors))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a fuzz worker panicked".into()))).collect()
    });
    let _ = std::panic::take_hook();
    let (mut ok, mut errors) = (0, 0);
    for outcome in outcomes {
        let (o, e) = outcome.unwrap_or_else(|failure| panic!("{failure}"));
        ok += o;
        errors += e;
    }
    println!("{cases} cases in {:.1?}: {ok} generated, {errors} errors with a location", started.elapsed());
    assert_eq!(ok + errors, cases);
}

/// Runs one case (reproducible from the seed and its number): `Ok(true)` generated,
/// `Ok(false)` an error with a location, `Err` a failure described for the report.
fn run_case(specs: &[(String, Value)], seed: u64, case: usize) -> Result<bool, String> {
    let mut rng = Rng((seed ^ (case as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
    let (file, spec) = rng.pick(specs).clone();
    let mut spec = spec;
    let steps = 1 + rng.below(3);
    let what: Vec<String> = (0..steps).map(|_| mutate(&mut spec, &mut rng)).collect();
    let text = serde_yaml::to_string(&spec).unwrap();
    let (sender, receiver) = mpsc::channel();
    let input = (file.clone(), text.clone());
    std::thread::spawn(move || {
        let outcome =
            std::panic::catch_unwind(|| codegen::generate(codegen::Spec::from_file(&input.0, &input.1)).map(|_| ()));
        let _ = sender.send(outcome.map_err(|_| ()));
    });
    let failure = match receiver.recv_timeout(HANG) {
        Ok(Ok(Ok(()))) => return Ok(true),
        Ok(Ok(Err(e))) if e.file() == file && e.location().is_some() => return Ok(false),
        Ok(Ok(Err(e))) => format!("an error without a location: {e}"),
        Ok(Err(())) => "the generator panicked".to_owned(),
        Err(_) => format!("no answer within {HANG:?}"),
    };
    let saved = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../target/fuzz-failures/case-{seed}-{case}.yaml"));
    let _ = std::fs::create_dir_all(saved.parent().unwrap());
    let _ = std::fs::write(&saved, &text);
    let what: Vec<String> = what.into_iter().map(|w| w.chars().take(200).collect()).collect();
    Err(format!("case {case} (seed {seed}, {file}, mutations {what:?}): {failure}; input saved to {}", saved.display()))
}
