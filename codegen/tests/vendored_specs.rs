//! `specs/README.md` records a sha256 and operation count per vendored spec; this keeps that
//! record true, so it never goes stale. (Regen itself never refuses a changed spec.)

use sha2::{Digest, Sha256};
use std::path::Path;

#[test]
fn readme_records_every_spec_with_its_hash() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let readme = std::fs::read_to_string(specs.join("README.md")).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&specs)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "expected the ten CloudBase specs, found {files:?}");
    for file in files {
        let bytes = std::fs::read(specs.join(&file)).unwrap();
        let hash = format!("{:x}", Sha256::digest(&bytes));
        let text = String::from_utf8(bytes).unwrap();
        let operations =
            codegen::ir_of(codegen::Spec::from_file(&format!("specs/{file}"), &text)).unwrap().operations.len();
        let row = format!("| {file} | {operations} | `{hash}` |");
        assert!(readme.contains(&row), "specs/README.md lacks the row\n{row}\n(update it after changing the spec)");
    }
}
