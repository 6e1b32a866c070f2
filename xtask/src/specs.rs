//! The spec sets regen reads: each `.yaml` of a directory with the overlay beside it.

use std::path::{Path, PathBuf};

/// One directory of specs and where their generated modules go (paths relative to the root).
pub(crate) struct Set {
    pub(crate) specs: &'static str,
    pub(crate) out: &'static str,
    /// The `mod.rs` declaring every module: each behind the cargo feature of its name (the
    /// areas), or always (the fixtures, compiled in tests only).
    pub(crate) gated: bool,
    /// Where the areas' mock modules go (`cloudbase-mock`), for the set that has them.
    pub(crate) mock_out: Option<&'static str>,
}

pub(crate) const SETS: &[Set] = &[
    Set {
        specs: "specs",
        out: "cloudbase-api/src/generated",
        gated: true,
        mock_out: Some("cloudbase-mock/src/generated"),
    },
    Set { specs: "codegen/tests/fixtures", out: "cloudbase-api/src/generated/fixtures", gated: false, mock_out: None },
];

/// The stems of a spec directory's `.yaml` files (`auth`, `mysqldb`, ...), sorted.
pub(crate) fn area_names(dir: &Path) -> Result<Vec<String>, String> {
    Ok(yaml_files(dir)?
        .iter()
        .filter_map(|path| path.file_stem().and_then(|stem| stem.to_str()).map(str::to_owned))
        .collect())
}

/// The `.yaml` files of a directory, sorted so output never depends on the file system.
pub(crate) fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no specs found in {}", dir.display()));
    }
    Ok(files)
}

/// A spec file, with the overlay that `<dir>/overlays/<same name>` holds for it, if any.
pub(crate) struct SpecFile {
    /// Path relative to the root, e.g. `specs/mysqldb.yaml`.
    pub(crate) file: String,
    pub(crate) text: String,
    /// `(path relative to the root, text)` of its overlay.
    pub(crate) overlay: Option<(String, String)>,
}

impl SpecFile {
    pub(crate) fn generate(&self) -> Result<codegen::Generated, String> {
        let overlays = self.overlays();
        codegen::generate(codegen::Spec::from_file(&self.file, &self.text).with_overlays(&overlays))
            .map_err(|e| e.to_string())
    }

    pub(crate) fn overlays(&self) -> Vec<codegen::Overlay<'_>> {
        self.overlay.iter().map(|(file, text)| codegen::Overlay { file, text }).collect()
    }
}

/// Generates each spec on a thread of its own (specs are independent), in order.
pub(crate) fn generate_all(specs: &[SpecFile]) -> Vec<Result<codegen::Generated, String>> {
    std::thread::scope(|scope| {
        let threads: Vec<_> = specs.iter().map(|spec| scope.spawn(move || spec.generate())).collect();
        threads
            .into_iter()
            .zip(specs)
            .map(|(thread, spec)| {
                thread.join().unwrap_or_else(|_| Err(format!("{}: the generator panicked", spec.file)))
            })
            .collect()
    })
}

/// The `.yaml` files of a directory with their text and overlays (an overlay without its spec
/// is an error: it would silently apply to nothing).
pub(crate) fn read_specs(root: &Path, dir: &str) -> Result<Vec<SpecFile>, String> {
    let read = |path: &Path, file: &str| std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}"));
    let overlay_dir = root.join(dir).join("overlays");
    let specs = yaml_files(&root.join(dir))?
        .into_iter()
        .map(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let file = format!("{dir}/{name}");
            let text = read(&path, &file)?;
            let overlay_file = codegen::overlay::file_for(&file);
            let overlay_path = overlay_dir.join(name);
            let overlay = match overlay_path.exists() {
                true => Some((overlay_file.clone(), read(&overlay_path, &overlay_file)?)),
                false => None,
            };
            Ok(SpecFile { file, text, overlay })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if overlay_dir.is_dir() {
        for overlay in yaml_files(&overlay_dir).unwrap_or_default() {
            let name = overlay.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !specs.iter().any(|spec| spec.file == format!("{dir}/{name}")) {
                return Err(format!("{dir}/overlays/{name}: there is no {dir}/{name} to apply it to"));
            }
        }
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_are_found_beside_their_specs_and_never_alone() {
        let root = std::env::temp_dir().join(format!("cloudbase-rs-overlays-{}", std::process::id()));
        let overlays = root.join("specs/overlays");
        std::fs::create_dir_all(&overlays).unwrap();
        std::fs::write(root.join("specs/a.yaml"), "a").unwrap();
        std::fs::write(root.join("specs/b.yaml"), "b").unwrap();
        std::fs::write(overlays.join("a.yaml"), "fixes for a").unwrap();
        let specs = read_specs(&root, "specs").unwrap();
        let found: Vec<_> = specs
            .iter()
            .map(|s| (s.file.as_str(), s.overlay.as_ref().map(|(f, t)| (f.as_str(), t.as_str()))))
            .collect();
        assert_eq!(found, [("specs/a.yaml", Some(("specs/overlays/a.yaml", "fixes for a"))), ("specs/b.yaml", None)]);
        std::fs::write(overlays.join("c.yaml"), "fixes for nothing").unwrap();
        let error = read_specs(&root, "specs").err();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(error.as_deref(), Some("specs/overlays/c.yaml: there is no specs/c.yaml to apply it to"));
    }

    /// The spec directory is the list of areas; `cloudbase-api`'s cargo features must say the same
    /// (one feature per spec, all of them on by default), besides the TLS features `test` checks.
    #[test]
    fn every_spec_is_a_default_feature_and_every_feature_a_spec() {
        let root = crate::cargo::workspace_root();
        let output = crate::cargo::cargo_command()
            .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
            .current_dir(&root)
            .output()
            .unwrap();
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let package = metadata["packages"].as_array().unwrap().iter().find(|p| p["name"] == "cloudbase-api").unwrap();
        let features = package["features"].as_object().unwrap();
        let mut named: Vec<&str> = features.keys().map(String::as_str).filter(|f| *f != "default").collect();
        named.sort();
        let mut defaults: Vec<&str> =
            features["default"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
        defaults.sort();
        let areas = area_names(&root.join("specs")).unwrap();
        let tls = crate::ci::TLS_FEATURES;
        fn with<'a>(areas: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
            let mut all: Vec<&str> = areas.iter().map(String::as_str).chain(extra.iter().copied()).collect();
            all.sort();
            all
        }
        assert_eq!(
            named,
            with(&areas, &tls),
            "cloudbase-api/Cargo.toml [features] against specs/*.yaml and the TLS features"
        );
        assert_eq!(defaults, with(&areas, &tls[..1]), "the default features against specs/*.yaml and the default TLS");
    }
}
