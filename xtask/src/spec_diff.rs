//! `cargo xtask spec-diff`: what a spec change means for users of the generated API; and
//! `cargo xtask version-check`: that `cloudbase-api`'s version moved as far as the spec diff asks.
//!
//! Both sides of a diff are read as the generator reads them: as the area they are (method names
//! follow the area's naming rule, `codegen::names::operation_method`), each with its overlay.

use crate::cargo::workspace_root;
use crate::specs::{SETS, read_specs};
use codegen::review::spec_diff::Report;
use std::path::Path;
use std::process::ExitCode;

/// The IR of `area`'s spec `file`, read with its overlay `(file, text)`, if it has one.
pub(crate) fn load_ir(
    file: &str,
    area: &str,
    text: &str,
    overlay: Option<(&str, &str)>,
) -> Result<codegen::ir::Api, String> {
    let overlays: Vec<codegen::Overlay> =
        overlay.map(|(file, text)| codegen::Overlay { file, text }).into_iter().collect();
    codegen::ir_of(codegen::Spec { file, area, text, overlays: &overlays }).map_err(|e| e.to_string())
}

/// The area of a vendored spec's path (`specs/storage_pg.yaml` -> `storage_pg`).
fn area_of(file: &str) -> &str {
    codegen::Spec::from_file(file, "").area
}

/// What each overlay changes for users against its upstream spec.
pub(crate) fn spec_diff_overlays() -> Result<ExitCode, String> {
    let root = workspace_root();
    for spec in read_specs(&root, SETS[0].specs)? {
        let Some((overlay_file, overlay_text)) = &spec.overlay else { continue };
        println!("== {} against {overlay_file}", spec.file);
        let area = area_of(&spec.file);
        let upstream = load_ir(&spec.file, area, &spec.text, None)?;
        let overlaid = load_ir(&spec.file, area, &spec.text, Some((overlay_file, overlay_text)))?;
        print!("{}", codegen::review::spec_diff::diff(&upstream, &overlaid).render());
    }
    Ok(ExitCode::SUCCESS)
}

/// The overlay one side of `spec-diff <old> <new>` is read with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OverlayChoice {
    /// The area's overlay in the working tree, `specs/overlays/<area>.yaml`, if there is one.
    Current,
    /// This file.
    File(String),
    /// None: the spec as it is.
    Without,
}

/// `spec-diff [--area <area>] [--old-overlay <file> | --new-overlay <file> | --no-overlays] <old> <new>`.
#[derive(Debug, PartialEq, Eq)]
struct FilesArgs {
    area: Option<String>,
    old_overlay: OverlayChoice,
    new_overlay: OverlayChoice,
    old: String,
    new: String,
}

const FILES_USAGE: &str = "usage: cargo xtask spec-diff [--area <area>] [--old-overlay <file>] \
                           [--new-overlay <file>] [--no-overlays] <old.yaml> <new.yaml>";

fn parse_files_args(args: &[&str]) -> Result<FilesArgs, String> {
    let (mut area, mut old_overlay, mut new_overlay) = (None, OverlayChoice::Current, OverlayChoice::Current);
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            || args.next().map(|v| v.to_string()).ok_or_else(|| format!("{arg} needs a value; {FILES_USAGE}"));
        match *arg {
            "--area" => area = Some(value()?),
            "--old-overlay" => old_overlay = OverlayChoice::File(value()?),
            "--new-overlay" => new_overlay = OverlayChoice::File(value()?),
            "--no-overlays" => (old_overlay, new_overlay) = (OverlayChoice::Without, OverlayChoice::Without),
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`; {FILES_USAGE}")),
            file => files.push(file.to_owned()),
        }
    }
    let [old, new] = <[String; 2]>::try_from(files).map_err(|_| FILES_USAGE.to_owned())?;
    Ok(FilesArgs { area, old_overlay, new_overlay, old, new })
}

/// The area two spec files are: `--area`, else the first of the new file and the old one whose
/// name is an area's (`functions.yaml`, or the name CloudBase publishes it under,
/// `functions.v1.openapi.yaml`).
fn files_area(given: Option<&str>, files: [&str; 2], areas: &[&str]) -> Result<String, String> {
    if let Some(area) = given {
        return match areas.contains(&area) {
            true => Ok(area.to_owned()),
            false => Err(format!("--area {area}: not an area of specs/ ({})", areas.join(", "))),
        };
    }
    for file in files {
        let name = Path::new(file).file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let area =
            areas.iter().find(|area| crate::fetch::published_name(area) == name || name == format!("{area}.yaml"));
        if let Some(area) = area {
            return Ok((*area).to_owned());
        }
    }
    Err(format!(
        "neither {} nor {} is named like an area's spec: name its area with --area ({})",
        files[0],
        files[1],
        areas.join(", ")
    ))
}

pub(crate) fn spec_diff_files(args: &[&str]) -> Result<ExitCode, String> {
    let args = parse_files_args(args)?;
    let area = files_area(args.area.as_deref(), [&args.old, &args.new], crate::areas())?;
    let read = |path: &str| std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"));
    let current_overlay = codegen::overlay::file_for(&format!("{}/{area}.yaml", SETS[0].specs));
    let side = |file: &str, choice: &OverlayChoice| -> Result<codegen::ir::Api, String> {
        let overlay = match choice {
            OverlayChoice::Without => None,
            OverlayChoice::File(path) => Some((path.clone(), read(path)?)),
            OverlayChoice::Current => {
                let path = workspace_root().join(&current_overlay);
                match path.exists() {
                    true => Some((current_overlay.clone(), read(&path.to_string_lossy())?)),
                    false => None,
                }
            }
        };
        if let Some((overlay, _)) = &overlay {
            println!("{file}: read with {overlay}");
        }
        load_ir(file, &area, &read(file)?, overlay.as_ref().map(|(f, t)| (f.as_str(), t.as_str())))
    };
    let old_ir = side(&args.old, &args.old_overlay)?;
    let new_ir = side(&args.new, &args.new_overlay)?;
    let report = codegen::review::spec_diff::diff(&old_ir, &new_ir);
    print!("{}", report.render());
    print_next_version(Bump::of(&report))?;
    Ok(if report.breaking() > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// One vendored spec of the working tree against a git revision.
enum Compared {
    /// Both have it: what changed.
    Changed(Report),
    /// Only the working tree has it.
    Added { operations: usize },
    /// Only the revision has it: every one of its operations is gone.
    Removed { operations: usize },
}

impl Compared {
    fn bump(&self) -> Bump {
        match self {
            Compared::Changed(report) => Bump::of(report),
            Compared::Added { .. } => Bump::Minor,
            Compared::Removed { .. } => Bump::Major,
        }
    }

    fn render(&self) -> String {
        match self {
            Compared::Changed(report) => report.render(),
            Compared::Added { operations } => format!("new spec: {operations} operations\n"),
            Compared::Removed { operations } => {
                format!("BREAKING spec removed: its {operations} operations and its cargo feature are gone\n")
            }
        }
    }
}

/// Every vendored spec of the working tree against its version at `rev`, each side read with
/// the overlay it has there, and the specs `rev` had that the tree no longer has.
fn compare_with_git(root: &Path, rev: &str) -> Result<Vec<(String, Compared)>, String> {
    let dir = SETS[0].specs;
    let mut compared = Vec::new();
    let specs = read_specs(root, dir)?;
    for spec in &specs {
        let (file, area) = (&spec.file, area_of(&spec.file));
        let new_overlay = spec.overlay.as_ref().map(|(file, text)| (file.as_str(), text.as_str()));
        let new_ir = load_ir(file, area, &spec.text, new_overlay)?;
        let Some(old_text) = git_show(root, rev, file)? else {
            compared.push((file.clone(), Compared::Added { operations: new_ir.operations.len() }));
            continue;
        };
        let overlay_file = codegen::overlay::file_for(file);
        let old_overlay = git_show(root, rev, &overlay_file)?;
        let old_ir = load_ir(file, area, &old_text, old_overlay.as_deref().map(|t| (overlay_file.as_str(), t)))
            .map_err(|e| format!("{rev}:{e}"))?;
        compared.push((file.clone(), Compared::Changed(codegen::review::spec_diff::diff(&old_ir, &new_ir))));
    }
    for file in git_yaml_files(root, rev, dir)? {
        if specs.iter().any(|spec| spec.file == file) {
            continue;
        }
        let text = git_show(root, rev, &file)?.unwrap_or_default();
        let overlay_file = codegen::overlay::file_for(&file);
        let overlay = git_show(root, rev, &overlay_file)?;
        let old_ir = load_ir(&file, area_of(&file), &text, overlay.as_deref().map(|t| (overlay_file.as_str(), t)))
            .map_err(|e| format!("{rev}:{e}"))?;
        compared.push((file, Compared::Removed { operations: old_ir.operations.len() }));
    }
    Ok(compared)
}

/// Every vendored spec against its version at a git revision.
pub(crate) fn spec_diff_against_git(rev: &str) -> Result<ExitCode, String> {
    let compared = compare_with_git(&workspace_root(), rev)?;
    let mut bump = Bump::None;
    for (file, outcome) in &compared {
        println!("== {file} (against {rev})");
        print!("{}", outcome.render());
        bump = bump.max(outcome.bump());
    }
    print_next_version(bump)?;
    Ok(if bump == Bump::Major { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// `cargo xtask version-check [<rev>]`: the specs and overlays of the working tree against those
/// of `rev` (by default the first parent of `HEAD`, the commit before the one that lands; `HEAD`
/// itself in a clone that has no parent of it), and `cloudbase-api`'s version in the working
/// tree against its version at `rev`: it must be at least the version the spec diff asks for.
pub(crate) fn version_check(rev: Option<&str>) -> Result<(), String> {
    version_check_in(&workspace_root(), rev)
}

fn version_check_in(root: &Path, rev: Option<&str>) -> Result<(), String> {
    if !git_has(root, "HEAD")? {
        return Err(format!(
            "version-check reads the git history, and {} has no commit (not a git clone?)",
            root.display()
        ));
    }
    let rev = match rev {
        Some(rev) => rev.to_owned(),
        None if git_has(root, "HEAD^")? => "HEAD^".to_owned(),
        None => {
            println!(
                "HEAD has no parent in this clone: checking the changes not committed yet only \
                 (clone with --depth 2 or more to check HEAD's own)"
            );
            "HEAD".to_owned()
        }
    };
    if !git_has(root, &rev)? {
        return Err(format!("version-check: `{rev}` is no commit of this clone"));
    }
    let manifest = "cloudbase-api/Cargo.toml";
    let Some(old_manifest) = git_show(root, &rev, manifest)? else {
        println!("{rev} has no {manifest}: no version to move from");
        return Ok(());
    };
    let compared = compare_with_git(root, &rev)?;
    let bump = compared.iter().map(|(_, outcome)| outcome.bump()).max().unwrap_or(Bump::None);
    let old = version_line(&old_manifest).ok_or_else(|| format!("{rev}:{manifest} has no `version = \"...\"` line"))?;
    let current = current_version(root)?;
    let wanted =
        next_version(old, bump).ok_or_else(|| format!("{rev}:{manifest}: `{old}` is not major.minor.patch"))?;
    let (Some(have), Some(need)) = (semver(&current), semver(&wanted)) else {
        return Err(format!("{manifest}: version `{current}` is not major.minor.patch"));
    };
    let changed: Vec<String> = compared
        .iter()
        .filter(|(_, outcome)| outcome.bump() != Bump::None)
        .map(|(file, outcome)| format!("{file}: {}", outcome.bump().what()))
        .collect();
    if have >= need {
        match bump {
            Bump::None => {
                println!("version-check: the specs give users nothing new since {rev}; cloudbase-api {current}")
            }
            _ => println!(
                "version-check: {} since {rev} ({}): cloudbase-api {old} -> {current}, at least {wanted} asked",
                bump.what(),
                changed.join("; ")
            ),
        }
        return Ok(());
    }
    Err(format!(
        "version-check: {} since {rev} ({}) ask cloudbase-api to go from {old} to {wanted}, but {manifest} says \
         {current}: bump `version` there (`cargo xtask spec-diff --against-git {rev}` shows the changes)",
        bump.what(),
        changed.join("; ")
    ))
}

/// What a spec change asks of `cloudbase-api`'s version, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bump {
    /// Nothing users see changed.
    None,
    /// Only doc text changed.
    Patch,
    /// The API changed, compatibly.
    Minor,
    /// Something is breaking.
    Major,
}

impl Bump {
    /// The changes that ask for this bump, as the check names them.
    fn what(self) -> &'static str {
        match self {
            Bump::None => "no changes",
            Bump::Patch => "doc changes",
            Bump::Minor => "API additions",
            Bump::Major => "breaking changes",
        }
    }

    fn of(report: &Report) -> Bump {
        if report.breaking() > 0 {
            Bump::Major
        } else if !report.changes.is_empty() {
            Bump::Minor
        } else if !report.docs.is_empty() {
            Bump::Patch
        } else {
            Bump::None
        }
    }
}

/// The version `cloudbase-api` goes to for these changes, as CONTRIBUTING.md says.
fn print_next_version(bump: Bump) -> Result<(), String> {
    let current = current_version(&workspace_root())?;
    match next_version(&current, bump) {
        Some(next) if next != current => println!("version: cloudbase-api {current} -> {next}"),
        Some(_) => println!("version: cloudbase-api stays {current}"),
        None => return Err(format!("cloudbase-api's version `{current}` is not major.minor.patch")),
    }
    Ok(())
}

/// `cloudbase-api`'s version in the working tree at `root`.
fn current_version(root: &Path) -> Result<String, String> {
    let manifest = root.join("cloudbase-api/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    version_line(&text)
        .map(str::to_owned)
        .ok_or_else(|| format!("{} has no `version = \"...\"` line", manifest.display()))
}

/// The package's `version = "..."` of a manifest (the first such line: `[package]` comes first).
fn version_line(manifest: &str) -> Option<&str> {
    manifest.lines().find_map(|line| line.strip_prefix("version = \"")?.strip_suffix('"'))
}

/// `major.minor.patch` as numbers, to compare.
fn semver(version: &str) -> Option<(u64, u64, u64)> {
    let mut parts = version.split('.').map(|part| part.parse::<u64>().ok());
    let parsed = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(parsed)
}

/// Cargo's semver rules: below 1.0.0 a breaking change bumps the minor and anything else the
/// patch; from 1.0.0, breaking bumps the major, additions the minor and doc changes the patch.
fn next_version(current: &str, bump: Bump) -> Option<String> {
    let (major, minor, patch) = semver(current)?;
    Some(match (major, bump) {
        (_, Bump::None) => current.to_owned(),
        (0, Bump::Major) => format!("0.{}.0", minor + 1),
        (0, Bump::Minor | Bump::Patch) | (_, Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
        (_, Bump::Major) => format!("{}.0.0", major + 1),
        (_, Bump::Minor) => format!("{major}.{}.0", minor + 1),
    })
}

/// Whether `rev` names a commit of the clone at `root`.
fn git_has(root: &Path, rev: &str) -> Result<bool, String> {
    let status = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    Ok(status.success())
}

/// The `.yaml` files directly in `dir` at `rev` (`specs/auth.yaml`, ...).
fn git_yaml_files(root: &Path, rev: &str, dir: &str) -> Result<Vec<String>, String> {
    let listed = std::process::Command::new("git")
        .args(["ls-tree", "--name-only", &format!("{rev}:{dir}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listed.status.success() {
        return Ok(Vec::new());
    }
    Ok(String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter(|name| name.ends_with(".yaml"))
        .map(|name| format!("{dir}/{name}"))
        .collect())
}

/// The text of `file` at git revision `rev`, or `None` when the revision has no such file.
pub(crate) fn git_show(root: &Path, rev: &str, file: &str) -> Result<Option<String>, String> {
    let shown = std::process::Command::new("git")
        .args(["show", &format!("{rev}:{file}")])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !shown.status.success() {
        return Ok(None);
    }
    String::from_utf8(shown.stdout).map(Some).map_err(|_| format!("{rev}:{file} is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_cargos_semver_rules() {
        assert_eq!(next_version("0.1.3", Bump::Major).as_deref(), Some("0.2.0"));
        assert_eq!(next_version("0.1.3", Bump::Minor).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("0.1.3", Bump::Patch).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("0.1.3", Bump::None).as_deref(), Some("0.1.3"));
        assert_eq!(next_version("1.4.2", Bump::Major).as_deref(), Some("2.0.0"));
        assert_eq!(next_version("1.4.2", Bump::Minor).as_deref(), Some("1.5.0"));
        assert_eq!(next_version("1.4.2", Bump::Patch).as_deref(), Some("1.4.3"));
        assert_eq!(next_version("1.4", Bump::Minor), None);
        assert_eq!(next_version("1.4.2-rc.1", Bump::Minor), None);
    }

    #[test]
    fn two_files_name_their_area_and_each_side_its_overlay() {
        let parsed = |args: &[&str]| parse_files_args(args);
        assert_eq!(
            parsed(&["old.yaml", "new.yaml"]),
            Ok(FilesArgs {
                area: None,
                old_overlay: OverlayChoice::Current,
                new_overlay: OverlayChoice::Current,
                old: "old.yaml".into(),
                new: "new.yaml".into()
            })
        );
        let given = parsed(&["--area", "functions", "--old-overlay", "o.yaml", "a", "b"]).unwrap();
        assert_eq!(given.area.as_deref(), Some("functions"));
        assert_eq!(
            (given.old_overlay, given.new_overlay),
            (OverlayChoice::File("o.yaml".into()), OverlayChoice::Current)
        );
        let bare = parsed(&["--no-overlays", "a", "b"]).unwrap();
        assert_eq!((bare.old_overlay, bare.new_overlay), (OverlayChoice::Without, OverlayChoice::Without));
        assert!(parsed(&["a"]).is_err());
        assert!(parsed(&["a", "b", "c"]).is_err());
        assert!(parsed(&["--area"]).unwrap_err().contains("--area needs a value"));
        assert!(parsed(&["--overlay", "x", "a", "b"]).unwrap_err().contains("unknown option `--overlay`"));

        let areas = ["functions", "storage", "storage_pg"];
        let area = |given: Option<&str>, old: &str, new: &str| files_area(given, [old, new], &areas);
        assert_eq!(area(None, "/tmp/old.yaml", "specs/functions.yaml").as_deref(), Ok("functions"));
        assert_eq!(area(None, "functions.v1.openapi.yaml", "/tmp/x").as_deref(), Ok("functions"));
        assert_eq!(area(None, "a", "dl/storage.v1.postgres.openapi.yaml").as_deref(), Ok("storage_pg"));
        assert_eq!(area(Some("storage"), "a", "specs/functions.yaml").as_deref(), Ok("storage"));
        assert!(area(Some("auth"), "a", "b").unwrap_err().contains("not an area"));
        assert!(area(None, "old.yaml", "new.yaml").unwrap_err().contains("--area"));
    }

    const SPEC: &str = "\
openapi: 3.0.3
info: {title: things, version: '1'}
paths:
  /v1/things:
    get:
      operationId: thingsListThings
      responses:
        '200': {description: ok}
";

    /// The overlay `specs/overlays/things.yaml`, with one action (written at the list's indentation).
    fn overlay(action: &str) -> String {
        format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{action}")
    }

    const ADD_VERSIONS: &str = "\
- target: $.paths
  update:
    /v1/things/versions:
      get:
        operationId: thingsListVersions
        responses:
          '200': {description: ok}
";

    const RENAME: &str = "\
- target: $.paths['/v1/things'].get
  update:
    x-rust-name: all_things
";

    #[test]
    fn methods_are_named_as_the_area_names_them_and_overlays_count() {
        let upstream = load_ir("specs/things.yaml", "things", SPEC, None).unwrap();
        let added = overlay(ADD_VERSIONS);
        let overlaid =
            load_ir("specs/things.yaml", "things", SPEC, Some(("specs/overlays/things.yaml", &added))).unwrap();
        let report = codegen::review::spec_diff::diff(&upstream, &overlaid).render();
        assert!(
            report.contains("operation thingsListVersions added (GET /v1/things/versions; method list_versions())"),
            "{report}"
        );
        // An overlay's `x-rust-name` takes the old method away.
        let renamed = overlay(RENAME);
        let renamed =
            load_ir("specs/things.yaml", "things", SPEC, Some(("specs/overlays/things.yaml", &renamed))).unwrap();
        let report = codegen::review::spec_diff::diff(&upstream, &renamed);
        assert_eq!(report.breaking(), 1, "{}", report.render());
        assert!(report.render().contains("thingsListThings: method renamed list_things() -> all_things()"));
    }

    /// A git repository holding one area, `things`, and `cloudbase-api` at `version`.
    fn repository(name: &str) -> std::path::PathBuf {
        let root = std::env::temp_dir().join(format!("cloudbase-rs-version-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("specs/overlays")).unwrap();
        std::fs::create_dir_all(root.join("cloudbase-api")).unwrap();
        std::fs::write(root.join("specs/things.yaml"), SPEC).unwrap();
        std::fs::write(root.join("specs/overlays/things.yaml"), overlay(ADD_VERSIONS)).unwrap();
        set_version(&root, "0.3.1");
        git(&root, &["init", "--quiet"]);
        commit(&root, "first");
        root
    }

    fn set_version(root: &Path, version: &str) {
        let manifest = format!("[package]\nname = \"cloudbase-api\"\nversion = \"{version}\"\n");
        std::fs::write(root.join("cloudbase-api/Cargo.toml"), manifest).unwrap();
    }

    fn git(root: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(root)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn commit(root: &Path, message: &str) {
        git(root, &["add", "--all"]);
        git(root, &["commit", "--quiet", "--allow-empty", "-m", message]);
    }

    #[test]
    fn a_breaking_change_without_the_version_it_asks_for_fails() {
        let root = repository("breaking");
        // A clone of one commit: the uncommitted changes against HEAD.
        assert_eq!(version_check_in(&root, None), Ok(()));
        std::fs::remove_file(root.join("specs/overlays/things.yaml")).unwrap();
        let error = version_check_in(&root, None).unwrap_err();
        assert!(error.contains("breaking changes since HEAD (specs/things.yaml: breaking changes)"), "{error}");
        assert!(error.contains("from 0.3.1 to 0.4.0"), "{error}");
        set_version(&root, "0.3.2");
        assert!(version_check_in(&root, None).is_err(), "a patch bump for a breaking change");
        set_version(&root, "0.4.0");
        assert_eq!(version_check_in(&root, None), Ok(()));
        // Landed: HEAD against its parent.
        set_version(&root, "0.3.1");
        commit(&root, "an operation removed, the version kept");
        let error = version_check_in(&root, None).unwrap_err();
        assert!(error.contains("since HEAD^"), "{error}");
        set_version(&root, "0.4.0");
        commit(&root, "the version bumped");
        // The bump is its own commit: HEAD against HEAD^ has no API change; against the commit
        // before both, the bump covers the change.
        assert_eq!(version_check_in(&root, None), Ok(()));
        assert_eq!(version_check_in(&root, Some("HEAD~2")), Ok(()));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn additions_ask_for_a_patch_bump_below_1_0_and_a_removed_spec_is_breaking() {
        let root = repository("additions");
        let mut spec = SPEC.to_owned();
        spec.push_str("  /v1/things/{id}:\n    get:\n      operationId: thingsGet\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n");
        std::fs::write(root.join("specs/things.yaml"), &spec).unwrap();
        let error = version_check_in(&root, Some("HEAD")).unwrap_err();
        assert!(
            error.contains("API additions since HEAD (specs/things.yaml: API additions) ask cloudbase-api to go from 0.3.1 to 0.3.2"),
            "{error}"
        );
        set_version(&root, "0.3.2");
        assert_eq!(version_check_in(&root, Some("HEAD")), Ok(()));
        std::fs::remove_file(root.join("specs/things.yaml")).unwrap();
        std::fs::remove_file(root.join("specs/overlays/things.yaml")).unwrap();
        std::fs::write(root.join("specs/other.yaml"), SPEC.replace("things", "other")).unwrap();
        let error = version_check_in(&root, Some("HEAD")).unwrap_err();
        assert!(
            error.contains(
                "breaking changes since HEAD (specs/other.yaml: API additions; specs/things.yaml: breaking changes)"
            ),
            "{error}"
        );
        assert!(version_check_in(&root, Some("no-such-rev")).unwrap_err().contains("is no commit"));
        std::fs::remove_dir_all(root.join(".git")).unwrap();
        assert!(version_check_in(&root, None).unwrap_err().contains("has no commit (not a git clone?)"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
