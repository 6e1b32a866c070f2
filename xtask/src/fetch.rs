//! `cargo xtask fetch-specs`: download the published specs, check them, and replace the vendored
//! copies only if every one downloaded and loads.

use std::path::Path;
use std::time::Duration;

/// Where CloudBase publishes the specs; `CLOUDBASE_SPECS_URL` overrides it (a mirror, a test).
pub const DEFAULT_BASE: &str = "https://docs.cloudbase.net/openapi";

/// What fetching changed: per area, the previous and the new text.
pub struct Fetched {
    pub specs: Vec<(String, Option<String>, String)>,
}

/// Downloads every spec from `base`, validates each, then writes them all (each atomically, by
/// rename) and updates `specs/README.md`. Any failure before writing leaves `specs/` untouched.
pub fn fetch_specs(base: &str, root: &Path, today: &str) -> Result<Fetched, String> {
    // This process's TLS: rustls on ring (reqwest is built without a crypto provider of its own).
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let mut downloaded = Vec::new();
    let mut failures = Vec::new();
    for area in crate::areas() {
        let url = format!("{}/{}", base.trim_end_matches('/'), published_name(area));
        let text = client
            .get(&url)
            .send()
            .and_then(|r| r.error_for_status())
            .and_then(|r| r.text())
            .map_err(|e| format!("{url}: {}", with_causes(&e)));
        match text {
            Ok(text) => downloaded.push((*area, text)),
            Err(e) => failures.push(e),
        }
    }
    if !failures.is_empty() {
        return Err(format!(
            "could not download {} of {} specs (fetch-specs needs network access to the spec URLs); specs/ is unchanged:\n  {}",
            failures.len(),
            crate::areas().len(),
            failures.join("\n  ")
        ));
    }
    let mut rows = Vec::new();
    for (area, text) in &downloaded {
        let file = format!("specs/{area}.yaml");
        let api = codegen::ir_of(codegen::Spec { file: &file, area, text, overlays: &[] })
            .map_err(|e| format!("the downloaded {file} does not load, so specs/ is unchanged: {e}"))?;
        rows.push((format!("{area}.yaml"), api.operations.len(), sha256(text.as_bytes())));
    }
    let readme_path = root.join("specs/README.md");
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| format!("cannot read specs/README.md: {e}"))?;
    let readme = updated_readme(&readme, &rows, today)?;

    // Everything checked: write each file next to its target, then rename over it.
    let mut specs = Vec::new();
    for (area, text) in downloaded {
        let target = root.join(format!("specs/{area}.yaml"));
        let previous = std::fs::read_to_string(&target).ok();
        replace(&target, text.as_bytes())?;
        specs.push((format!("specs/{area}.yaml"), previous, text));
    }
    replace(&readme_path, readme.as_bytes())?;
    Ok(Fetched { specs })
}

/// An error with its chain of causes (reqwest's own message names only the URL).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn replace(target: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("spec");
    let temporary = target.with_file_name(format!(".{name}.download"));
    std::fs::write(&temporary, bytes).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
    std::fs::rename(&temporary, target).map_err(|e| format!("cannot replace {}: {e}", target.display()))
}

pub fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

/// The README with each spec's row (operations, sha256) and the vendoring date replaced.
fn updated_readme(readme: &str, rows: &[(String, usize, String)], today: &str) -> Result<String, String> {
    let mut out = String::with_capacity(readme.len());
    let mut replaced = 0;
    for line in readme.lines() {
        if let Some((file, operations, hash)) =
            rows.iter().find(|(file, _, _)| line.starts_with(&format!("| {file} |")))
        {
            out.push_str(&format!("| {file} | {operations} | `{hash}` |"));
            replaced += 1;
        } else if line.starts_with("- **Vendored:**") {
            out.push_str(&format!(
                "- **Vendored:** {today}, from `{DEFAULT_BASE}/<area>.v1.openapi.yaml` (PG-mode storage: \
                 `storage.v1.postgres.openapi.yaml`) by `cargo xtask fetch-specs`."
            ));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if replaced != rows.len() {
        return Err("specs/README.md does not have one table row per spec; fix it by hand first".to_owned());
    }
    Ok(out)
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let days =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0)
            as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `cargo xtask fetch-specs`.
pub(crate) fn fetch_specs_command() -> Result<std::process::ExitCode, String> {
    let base = std::env::var("CLOUDBASE_SPECS_URL").unwrap_or_else(|_| DEFAULT_BASE.to_owned());
    let fetched = fetch_specs(&base, &crate::cargo::workspace_root(), &today())?;
    let mut breaking = 0;
    let mut stale_actions = 0;
    for (file, previous, text) in &fetched.specs {
        println!("== {file}");
        let area = codegen::Spec::from_file(file, text).area;
        // Both sides with the area's overlay, as regen reads them; without it where it no longer
        // applies to the new upstream (the overlay report below says which action fails).
        let overlay_file = codegen::overlay::file_for(file);
        let overlay_text = std::fs::read_to_string(crate::cargo::workspace_root().join(&overlay_file)).ok();
        let overlay = overlay_text.as_deref().map(|text| (overlay_file.as_str(), text));
        let load = |text: &str| crate::spec_diff::load_ir(file, area, text, overlay);
        let (new_ir, overlay) = match load(text) {
            Ok(ir) => (ir, overlay),
            Err(e) if overlay.is_some() => {
                println!("{overlay_file} does not apply to the new upstream ({e}): both sides read without it");
                (crate::spec_diff::load_ir(file, area, text, None)?, None)
            }
            Err(e) => return Err(e),
        };
        match previous {
            Some(previous) if previous == text => println!("unchanged"),
            Some(previous) => {
                let old_ir = crate::spec_diff::load_ir(file, area, previous, overlay)?;
                let report = codegen::review::spec_diff::diff(&old_ir, &new_ir);
                print!("{}", report.render());
                breaking += report.breaking();
            }
            None => println!("new spec: {} operations", new_ir.operations.len()),
        }
        stale_actions += report_overlay(file, text)?;
    }
    if stale_actions > 0 {
        println!(
            "\n{stale_actions} overlay action(s) no longer apply or are redundant: fix or remove them before regen"
        );
    }
    println!(
        "\nnext: cargo xtask regen, review the snapshots (CONTRIBUTING.md, Reviewing snapshots), read the \
         generated diff, bump the version as summarized above (cargo xtask version-check)"
    );
    Ok(if breaking > 0 { std::process::ExitCode::FAILURE } else { std::process::ExitCode::SUCCESS })
}

/// After fetching: how each action of the spec's overlay fares against the new upstream text.
/// Returns how many no longer apply or are redundant.
pub(crate) fn report_overlay(file: &str, text: &str) -> Result<usize, String> {
    let overlay_file = codegen::overlay::file_for(file);
    let Ok(overlay_text) = std::fs::read_to_string(crate::cargo::workspace_root().join(&overlay_file)) else {
        return Ok(0);
    };
    let overlay = codegen::Overlay { file: &overlay_file, text: &overlay_text };
    let report = codegen::overlay::report(file, text, overlay).map_err(|e| e.to_string())?;
    let mut stale = 0;
    for (index, outcome) in report.iter().enumerate() {
        match outcome {
            codegen::overlay::ActionReport::Applies => println!("{overlay_file}: actions[{index}]: still applies"),
            codegen::overlay::ActionReport::Redundant => {
                stale += 1;
                println!("{overlay_file}: actions[{index}]: REDUNDANT: the new upstream already has what it adds");
            }
            codegen::overlay::ActionReport::Fails(why) => {
                stale += 1;
                println!("{overlay_file}: actions[{index}]: NO LONGER APPLIES: {why}");
            }
        }
    }
    Ok(stale)
}

/// The file name CloudBase publishes an area's spec under: `<area>.v1.openapi.yaml`, except
/// PG-mode storage, published as `storage.v1.postgres.openapi.yaml` (storage_pg.md).
pub(crate) fn published_name(area: &str) -> String {
    match area {
        "storage_pg" => "storage.v1.postgres.openapi.yaml".to_owned(),
        area => format!("{area}.v1.openapi.yaml"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::path::PathBuf;

    /// A copy of `specs/` (with `specs/overlays/`) in a temporary directory.
    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("cloudbase-fetch-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&crate::cargo::workspace_root().join("specs"), &root.join("specs"));
        root
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &to.join(entry.file_name()));
            } else {
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
    }

    /// Every file under `specs/` (overlays included), by its path there, with its bytes.
    fn snapshot(root: &Path) -> Vec<(String, Vec<u8>)> {
        fn walk(dir: &Path, prefix: &str, files: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = format!("{prefix}{}", entry.file_name().into_string().unwrap());
                if entry.file_type().unwrap().is_dir() {
                    walk(&entry.path(), &format!("{name}/"), files);
                } else {
                    files.push((name, std::fs::read(entry.path()).unwrap()));
                }
            }
        }
        let mut files = Vec::new();
        walk(&root.join("specs"), "", &mut files);
        files.sort();
        files
    }

    #[test]
    fn without_network_nothing_changes() {
        let root = scratch("offline");
        let before = snapshot(&root);
        // A closed loopback port stands in for an unreachable network.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let error = fetch_specs(&format!("http://127.0.0.1:{port}/openapi"), &root, "2030-01-01").err().unwrap();
        let areas = crate::areas().len();
        assert!(error.contains(&format!("could not download {areas} of {areas} specs")), "{error}");
        assert!(error.contains("specs/ is unchanged"), "{error}");
        assert_eq!(snapshot(&root), before);
    }

    /// Serves `specs/<area>.yaml` bodies at `/openapi/<published name>` on loopback.
    fn serve(bodies: Vec<(String, String)>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/openapi", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut request = [0u8; 4096];
                let n = stream.read(&mut request).unwrap_or(0);
                let head = String::from_utf8_lossy(&request[..n]).to_string();
                let path = head.split(' ').nth(1).unwrap_or("").to_owned();
                let body = bodies
                    .iter()
                    .find(|(area, _)| path.ends_with(&format!("/{}", super::published_name(area))))
                    .map(|(_, b)| b.clone());
                let reply = match body {
                    Some(body) => {
                        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
                    }
                    None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
                };
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        url
    }

    /// The index of `area` in a list of downloads.
    fn at(bodies: &[(String, String)], area: &str) -> usize {
        bodies.iter().position(|(name, _)| name == area).unwrap()
    }

    fn published(root: &Path) -> Vec<(String, String)> {
        crate::areas()
            .iter()
            .map(|a| (a.to_string(), std::fs::read_to_string(root.join(format!("specs/{a}.yaml"))).unwrap()))
            .collect()
    }

    #[test]
    fn an_invalid_download_changes_nothing() {
        let root = scratch("invalid");
        let before = snapshot(&root);
        let mut bodies = published(&root);
        let nosql = at(&bodies, "nosql");
        bodies[nosql].1 = "openapi: 3.0.3\ninfo: {title: broken".to_owned();
        let error = fetch_specs(&serve(bodies), &root, "2030-01-01").err().unwrap();
        assert!(error.contains("the downloaded specs/nosql.yaml does not load"), "{error}");
        assert_eq!(snapshot(&root), before);
    }

    #[test]
    fn a_good_download_replaces_the_specs_and_the_readme_record() {
        let root = scratch("good");
        let mut bodies = published(&root);
        let functions = at(&bodies, "functions");
        bodies[functions].1 =
            bodies[functions].1.replace("summary: Invoke a cloud function", "summary: Invoke a function");
        let changed_hash = sha256(bodies[functions].1.as_bytes());
        let fetched = fetch_specs(&serve(bodies.clone()), &root, "2030-01-01").unwrap();
        assert_eq!(fetched.specs.len(), crate::areas().len());
        assert_eq!(std::fs::read_to_string(root.join("specs/functions.yaml")).unwrap(), bodies[functions].1);
        let readme = std::fs::read_to_string(root.join("specs/README.md")).unwrap();
        // The download changed a summary only: the row keeps the count of the published
        // operations it had (a test keeps that record true), with the new sha256.
        let before = std::fs::read_to_string(crate::cargo::workspace_root().join("specs/README.md")).unwrap();
        let row = before.lines().find(|line| line.starts_with("| functions.yaml | ")).unwrap();
        let operations = row.split(" | ").nth(1).unwrap();
        assert!(readme.contains(&format!("| functions.yaml | {operations} | `{changed_hash}` |")), "{readme}");
        assert!(readme.contains("- **Vendored:** 2030-01-01"), "{readme}");
        // Overlays are the project's: fetching never touches them.
        let overlay = crate::cargo::workspace_root().join("specs/overlays/mysqldb.yaml");
        assert_eq!(std::fs::read(root.join("specs/overlays/mysqldb.yaml")).unwrap(), std::fs::read(overlay).unwrap());
        assert!(
            !std::fs::read_dir(root.join("specs")).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".download"))
        );
    }

    #[test]
    fn dates() {
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn an_upstream_that_adopted_the_overlay_makes_every_action_redundant() {
        let root = crate::cargo::workspace_root();
        let text = std::fs::read_to_string(root.join("specs/mysqldb.yaml")).unwrap();
        let overlay_text = std::fs::read_to_string(root.join("specs/overlays/mysqldb.yaml")).unwrap();
        let overlay = codegen::Overlay { file: "specs/overlays/mysqldb.yaml", text: &overlay_text };
        let actions = codegen::overlay::report("specs/mysqldb.yaml", &text, overlay).unwrap().len();
        assert_eq!(report_overlay("specs/mysqldb.yaml", &text).unwrap(), 0, "today's upstream needs every action");
        let adopted = codegen::load::overlaid_yaml("specs/mysqldb.yaml", &text, &[overlay]).unwrap();
        assert_eq!(report_overlay("specs/mysqldb.yaml", &adopted).unwrap(), actions);
        // An upstream without `components.parameters` (nor the path-level lists): the action that
        // adds the header parameters there no longer applies.
        let renamed = text.replace("  parameters:\n", "  params:\n");
        assert!(report_overlay("specs/mysqldb.yaml", &renamed).unwrap() >= 1);
    }
}
