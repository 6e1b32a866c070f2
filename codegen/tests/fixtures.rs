//! One small spec per row of the type-mapping table and per parameter, body, response and
//! security shape (`tests/fixtures/*.yaml`): the IR summary is a snapshot here. The emitted code
//! has one copy, `cloudbase-api/src/generated/fixtures/<name>.rs`, compiled and linted there
//! (under `cfg(test)`) and kept current by `cargo xtask regen --check`. For the fixtures of
//! request and reply shapes, the emitted mock module (`cloudbase-mock`) is a snapshot too; the
//! real areas' mock modules are compiled and tested in `cloudbase-mock`.

use std::path::Path;

/// Generates a fixture, with its overlay (`tests/fixtures/overlays/<name>.yaml`) if it has one.
fn generate(name: &str) -> codegen::Generated {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = format!("codegen/tests/fixtures/{name}.yaml");
    let text = read(&root.join(&file));
    let overlay_file = codegen::overlay::file_for(&file);
    let overlay_text = root.join(&overlay_file).exists().then(|| read(&root.join(&overlay_file)));
    let overlays: Vec<codegen::Overlay> =
        overlay_text.iter().map(|text| codegen::Overlay { file: &overlay_file, text }).collect();
    codegen::generate(codegen::Spec::from_file(&file, &text).with_overlays(&overlays)).unwrap_or_else(|e| panic!("{e}"))
}

macro_rules! fixture {
    ($name:ident) => {
        #[test]
        fn $name() {
            let generated = generate(stringify!($name));
            insta::assert_snapshot!(
                concat!(stringify!($name), "_ir"),
                codegen::review::summary::summary(&generated.api)
            );
        }
    };
    ($name:ident, mock) => {
        #[test]
        fn $name() {
            let generated = generate(stringify!($name));
            insta::assert_snapshot!(
                concat!(stringify!($name), "_ir"),
                codegen::review::summary::summary(&generated.api)
            );
            insta::assert_snapshot!(concat!(stringify!($name), "_mock"), generated.mock);
        }
    };
}

fixture!(object_struct);
fixture!(optional_nullable);
fixture!(string_enum);
fixture!(primitives);
fixture!(collections);
fixture!(one_of);
fixture!(all_of);
fixture!(inline_naming);
fixture!(recursive);
fixture!(names);
fixture!(parameters, mock);
fixture!(bodies, mock);
fixture!(responses, mock);
fixture!(security, mock);
fixture!(streaming, mock);
fixture!(read_write_only);
fixture!(free_form);
fixture!(secrets);
fixture!(overlaid);
fixture!(shared_types);
fixture!(examples);
fixture!(uploads, mock);
fixture!(downloads, mock);
fixture!(urls);

/// Every fixture file has a test above (a new file without one is a mistake).
#[test]
fn every_fixture_is_tested() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let this = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures.rs")).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            continue;
        }
        let name = entry.file_name().into_string().unwrap();
        let stem = name.trim_end_matches(".yaml");
        let tested = this.contains(&format!("fixture!({stem});")) || this.contains(&format!("fixture!({stem}, mock);"));
        assert!(tested, "fixture {name} has no test");
    }
}
