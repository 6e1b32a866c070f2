//! Overlays: the project's corrections and additions to an upstream spec, as documents of the
//! OpenAPI Overlay Specification 1.0, applied in order to the spec's YAML before it is read as
//! OpenAPI.
//!
//! Each action selects nodes with an RFC 9535 JSONPath `target` and either merges `update` into
//! them or removes them (`remove: true`):
//! - a selected object gets `update` (an object) merged in recursively: a property only in the
//!   update is added, an object merges with an object, an array is appended to an array, a scalar
//!   replaces a scalar; any other pairing is an error (the rules the Overlay Specification 1.1
//!   spells out for 1.0's "recursively merged");
//! - a selected array gets `update` appended as one more entry;
//! - `remove: true` takes each selected node out of the object or array holding it.
//!
//! Stricter than the specification, so that an overlay cannot rot unnoticed: an action whose
//! target selects nothing is an error, as is an action that neither updates nor removes, a target
//! that selects a scalar, and any field the specification does not define (but `x-` extensions).
//! An action may not grow the document past the size limit a spec has (see [`crate::load`]), counted
//! on the length of the spec and its overlays together, nor an overlay's YAML aliases expand it
//! past its own. Errors name the overlay file and the action
//! (`specs/overlays/mysqldb.yaml: actions[3]: ...`); YAML syntax errors carry their line.
//!
//! The document keeps its YAML form (and so its key order, which decides the order of generated
//! fields and operations); a JSON copy of it is made for each query only.

use crate::error::{Error, Location};
use serde_json_path::JsonPath;
use serde_yaml::{Mapping, Value as Yaml};

/// An overlay document handed to the generator with its spec.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a> {
    /// The path reported in errors, e.g. `specs/overlays/mysqldb.yaml`.
    pub file: &'a str,
    /// The YAML text.
    pub text: &'a str,
}

/// Where the overlay of a spec file lives: `overlays/` beside it, under the same name
/// (`specs/mysqldb.yaml` -> `specs/overlays/mysqldb.yaml`).
pub fn file_for(spec_file: &str) -> String {
    match spec_file.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/overlays/{name}"),
        None => format!("overlays/{spec_file}"),
    }
}

/// One action of an overlay, checked.
struct Action<'a> {
    target: &'a str,
    update: Option<&'a Yaml>,
    remove: bool,
}

/// A step of a node's location: a key of an object or an index of an array.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Name(String),
    Index(usize),
}

/// How one action of an overlay fares against a spec (see [`report`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionReport {
    /// It changes the document.
    Applies,
    /// It changes nothing: the spec already has everything it adds (upstream caught up, so the
    /// action can go).
    Redundant,
    /// It cannot be applied: why (its target matches nothing, its update no longer fits, ...).
    Fails(String),
}

/// Checks every action of `overlay` against the spec `text` (`file` names it in errors), in
/// order, each on the result of the ones before that apply: which still change the spec, which
/// a new upstream made redundant, which no longer apply. Errors only when the spec or the
/// overlay document cannot be read at all.
pub fn report(file: &str, text: &str, overlay: Overlay<'_>) -> Result<Vec<ActionReport>, Error> {
    let mut document = crate::load::parse_yaml(file, text)?;
    let limit = crate::load::size_limit(text.len() + overlay.text.len());
    let root = parse(overlay)?;
    let actions = actions(overlay, &root)?;
    Ok(actions
        .iter()
        .map(|action| {
            // An update already standing at every selected node is redundant: applying it would
            // only append entries that are there already.
            if !action.remove && adds_nothing(&mut document, action) {
                return ActionReport::Redundant;
            }
            match apply_action(&mut document, action, limit) {
                Err(why) => ActionReport::Fails(why),
                Ok(()) => ActionReport::Applies,
            }
        })
        .collect())
}

/// Whether an update already stands in `document` at every node its target selects: each of
/// its properties present with the same value, each entry it appends already in the array.
/// (`document` is only read.)
fn adds_nothing(document: &mut Yaml, action: &Action<'_>) -> bool {
    let update = action.update.unwrap_or(&Yaml::Null);
    let Ok(found) = select(document, action.target) else { return false };
    found.iter().all(|(steps, _)| match find(document, steps) {
        Some(Yaml::Sequence(items)) => items.contains(update),
        Some(node) => contains(node, update),
        None => false,
    })
}

/// Whether `existing` already holds everything merging `update` into it would add.
fn contains(existing: &Yaml, update: &Yaml) -> bool {
    match (existing, update) {
        (Yaml::Mapping(existing), Yaml::Mapping(update)) => update.iter().all(|(key, value)| {
            key_of(existing, key).and_then(|k| existing.get(&k)).is_some_and(|current| contains(current, value))
        }),
        (Yaml::Sequence(existing), Yaml::Sequence(update)) => update.iter().all(|entry| existing.contains(entry)),
        (existing, update) => existing == update,
    }
}

/// Applies every action of `overlay`, in order, to `document`, which no action may grow past
/// the size `limit` (`crate::load::size_limit`).
pub(crate) fn apply(document: &mut Yaml, overlay: Overlay<'_>, limit: usize) -> Result<(), Error> {
    let root = parse(overlay)?;
    let actions = actions(overlay, &root)?;
    for (index, action) in actions.iter().enumerate() {
        let fail = |message: String| Error::new(overlay.file, Some(Location::Action { index }), message);
        apply_action(document, action, limit).map_err(fail)?;
    }
    Ok(())
}

/// The overlay's YAML, read as a spec's is: syntax errors carry their line, and aliases may
/// not expand it past its size limit.
fn parse(overlay: Overlay<'_>) -> Result<Yaml, Error> {
    crate::load::parse_yaml(overlay.file, overlay.text)
}

/// The actions of an overlay document, after checking the document against the specification.
fn actions<'a>(overlay: Overlay<'_>, root: &'a Yaml) -> Result<Vec<Action<'a>>, Error> {
    let at =
        |pointer: &str, message: String| Error::new(overlay.file, Some(Location::Pointer(pointer.into())), message);
    let Some(root) = root.as_mapping() else {
        return Err(Error::new(overlay.file, None, "an overlay document must be a mapping"));
    };
    check_fields(root, &["overlay", "info", "extends", "actions"]).map_err(|m| at("", m))?;
    match root.get("overlay").and_then(Yaml::as_str) {
        Some(version) if version.starts_with("1.0.") => {}
        Some(version) => {
            return Err(at("/overlay", format!("unsupported Overlay version `{version}` (expected 1.0.x)")));
        }
        None => return Err(at("/overlay", "missing `overlay: 1.0.0`".to_owned())),
    }
    let info = root.get("info").and_then(Yaml::as_mapping);
    if !info.is_some_and(|info| ["title", "version"].iter().all(|k| info.get(*k).is_some_and(Yaml::is_string))) {
        return Err(at("/info", "`info` must have a `title` and a `version` (strings)".to_owned()));
    }
    let list = match root.get("actions").and_then(Yaml::as_sequence) {
        Some(list) if !list.is_empty() => list,
        _ => return Err(at("/actions", "`actions` must be a list of at least one action".to_owned())),
    };
    list.iter()
        .enumerate()
        .map(|(index, action)| {
            let fail = |message: String| Error::new(overlay.file, Some(Location::Action { index }), message);
            let action = action.as_mapping().ok_or_else(|| fail("an action must be a mapping".to_owned()))?;
            check_fields(action, &["target", "description", "update", "remove"]).map_err(fail)?;
            let target = match action.get("target") {
                Some(Yaml::String(target)) if target.starts_with('$') => target.as_str(),
                Some(_) => return Err(fail("`target` must be a JSONPath query starting with `$`".to_owned())),
                None => return Err(fail("missing `target`".to_owned())),
            };
            if action.get("description").is_some_and(|d| !d.is_string()) {
                return Err(fail("`description` must be a string".to_owned()));
            }
            let remove = match action.get("remove") {
                None => false,
                Some(Yaml::Bool(remove)) => *remove,
                Some(_) => return Err(fail("`remove` must be true or false".to_owned())),
            };
            let update = action.get("update");
            if update.is_none() && !remove {
                return Err(fail("the action neither updates nor removes anything".to_owned()));
            }
            if update.is_some() && remove {
                return Err(fail("an action either updates or removes, not both".to_owned()));
            }
            Ok(Action { target, update, remove })
        })
        .collect()
}

/// Only the named fields and `x-` extensions.
fn check_fields(mapping: &Mapping, known: &[&str]) -> Result<(), String> {
    for key in mapping.keys() {
        let name = key.as_str().unwrap_or_default();
        if !known.contains(&name) && !name.starts_with("x-") {
            return Err(format!(
                "unknown field `{}` (the Overlay Specification 1.0 has {})",
                shown(key),
                known.join(", ")
            ));
        }
    }
    Ok(())
}

/// The nodes `target` selects in `document`, each as its steps and its JSON pointer: at least
/// one, and only objects and arrays.
fn select(document: &Yaml, target: &str) -> Result<Vec<(Vec<Step>, String)>, String> {
    let query =
        JsonPath::parse(target).map_err(|e| format!("target `{target}` is not an RFC 9535 JSONPath query: {e}"))?;
    let json = serde_json::to_value(document)
        .map_err(|e| format!("the document cannot be read as JSON to look up the target: {e}"))?;
    let mut found = Vec::new();
    for node in query.query_located(&json) {
        let pointer = node.location().to_json_pointer();
        if !(node.node().is_object() || node.node().is_array()) {
            return Err(format!(
                "target `{target}` selects {} at `{pointer}`; an action changes objects and arrays only (select the object holding it)",
                kind_of(&serde_yaml::to_value(node.node()).unwrap_or(Yaml::Null))
            ));
        }
        let steps = node
            .location()
            .iter()
            .map(|step| match step.as_index() {
                Some(index) => Step::Index(index),
                None => Step::Name(step.as_name().unwrap_or_default().to_owned()),
            })
            .collect();
        found.push((steps, pointer));
    }
    if found.is_empty() {
        return Err(format!("target {target} matches nothing"));
    }
    Ok(found)
}

fn apply_action(document: &mut Yaml, action: &Action<'_>, limit: usize) -> Result<(), String> {
    let mut found = select(document, action.target)?;
    if let Some(update) = action.update {
        // Each selected node gets a copy of the update, and the next action may select the
        // copies: without a bound a few short actions would double the document again and again.
        let each = crate::load::size_of(update);
        if crate::load::size_of(document).saturating_add(found.len().saturating_mul(each)) > limit {
            return Err(format!(
                "the update (size {each}) at each of the {} nodes target {} selects would grow the document past \
                 its size limit of {limit} (a value counts 1, a string also its length in bytes; the limit is twice \
                 the length of the spec and its overlays, or {}, whichever is more)",
                found.len(),
                action.target,
                crate::load::MIN_SIZE_LIMIT,
            ));
        }
    }
    if action.remove {
        // Later entries of an array first, so the indexes of the others stay right.
        found.sort_by(|a, b| b.0.cmp(&a.0));
        for (steps, pointer) in &found {
            remove(document, steps).map_err(|m| format!("`{pointer}`: {m}"))?;
        }
        return Ok(());
    }
    let update = action.update.unwrap_or(&Yaml::Null);
    for (steps, pointer) in &found {
        let node =
            find(document, steps).ok_or_else(|| format!("`{pointer}` is gone (an earlier selected node held it)"))?;
        match node {
            Yaml::Mapping(target) => {
                let Yaml::Mapping(update) = update else {
                    return Err(format!(
                        "`{pointer}` is an object, so `update` must be an object, not {}",
                        kind_of(update)
                    ));
                };
                merge(target, update, pointer)?;
            }
            Yaml::Sequence(items) => items.push(update.clone()),
            other => return Err(format!("`{pointer}` is {}", kind_of(other))),
        }
    }
    Ok(())
}

/// Merges `update` into `target` by the rules in the module docs.
fn merge(target: &mut Mapping, update: &Mapping, at: &str) -> Result<(), String> {
    for (key, value) in update {
        let here = format!("{at}/{}", shown(key).replace('~', "~0").replace('/', "~1"));
        let Some(existing) = key_of(target, key).and_then(|k| target.get_mut(&k)) else {
            target.insert(key.clone(), value.clone());
            continue;
        };
        match (existing, value) {
            (Yaml::Mapping(existing), Yaml::Mapping(value)) => merge(existing, value, &here)?,
            (Yaml::Sequence(existing), Yaml::Sequence(value)) => existing.extend(value.iter().cloned()),
            (existing, value) if is_scalar(existing) && is_scalar(value) => *existing = value.clone(),
            (existing, value) => {
                return Err(format!(
                    "`{here}`: the update has {} where the document has {}; only objects, arrays and scalars merge with their own kind",
                    kind_of(value),
                    kind_of(existing)
                ));
            }
        }
    }
    Ok(())
}

fn remove(document: &mut Yaml, steps: &[Step]) -> Result<(), String> {
    let Some((last, parent)) = steps.split_last() else {
        return Err("the document itself cannot be removed".to_owned());
    };
    match (find(document, parent), last) {
        (Some(Yaml::Mapping(map)), Step::Name(name)) => {
            let key = key_of(map, &Yaml::String(name.clone())).ok_or("already removed")?;
            map.shift_remove(&key);
        }
        (Some(Yaml::Sequence(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => return Err("already removed (an earlier selected node held it)".to_owned()),
    }
    Ok(())
}

/// The node at `steps`, if it is there.
fn find<'a>(mut node: &'a mut Yaml, steps: &[Step]) -> Option<&'a mut Yaml> {
    for step in steps {
        node = match (node, step) {
            (Yaml::Mapping(map), Step::Name(name)) => {
                let key = key_of(map, &Yaml::String(name.clone()))?;
                map.get_mut(&key)?
            }
            (Yaml::Sequence(items), Step::Index(index)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The key of `map` that reads as `key` does in JSON (YAML's `200:` is the JSON key `"200"`).
fn key_of(map: &Mapping, key: &Yaml) -> Option<Yaml> {
    if map.contains_key(key) {
        return Some(key.clone());
    }
    let wanted = scalar_text(key)?;
    map.keys().find(|k| scalar_text(k).as_deref() == Some(wanted.as_str())).cloned()
}

fn scalar_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn shown(key: &Yaml) -> String {
    scalar_text(key).unwrap_or_else(|| serde_yaml::to_string(key).unwrap_or_default().trim().to_owned())
}

fn is_scalar(value: &Yaml) -> bool {
    matches!(value, Yaml::Null | Yaml::Bool(_) | Yaml::Number(_) | Yaml::String(_))
}

fn kind_of(value: &Yaml) -> &'static str {
    match value {
        Yaml::Null => "null",
        Yaml::Bool(_) => "a boolean",
        Yaml::Number(_) => "a number",
        Yaml::String(_) => "a string",
        Yaml::Sequence(_) => "an array",
        Yaml::Mapping(_) => "an object",
        Yaml::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlaid(document: &str, overlay: &str) -> Result<Yaml, String> {
        let mut document: Yaml = serde_yaml::from_str(document).unwrap();
        apply(&mut document, Overlay { file: "o.yaml", text: overlay }, usize::MAX).map_err(|e| e.to_string())?;
        Ok(document)
    }

    fn yaml(text: &str) -> Yaml {
        serde_yaml::from_str(text).unwrap()
    }

    const DOC: &str = "
paths:
  /a:
    get:
      tags: [x]
      parameters:
        - {name: p, in: query}
        - {name: dummy, in: query}
      responses:
        200: {description: ok}
";

    #[test]
    fn updates_merge_recursively_and_keep_key_order() {
        let result = overlaid(
            DOC,
            "
overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.paths['/a'].get
    description: several kinds at once
    update:
      summary: added
      tags: [y]
      responses:
        '200': {description: changed}
        204: {description: empty}
",
        )
        .unwrap();
        let get = &result["paths"]["/a"]["get"];
        assert_eq!(get["tags"], yaml("[x, y]"), "arrays are appended");
        assert_eq!(get["responses"][200]["description"], yaml("changed"), "'200' is the document's 200");
        assert_eq!(get["responses"].as_mapping().unwrap().len(), 2);
        let keys: Vec<String> = get.as_mapping().unwrap().keys().map(shown).collect();
        assert_eq!(keys, ["tags", "parameters", "responses", "summary"]);
    }

    #[test]
    fn arrays_get_the_update_appended_and_removals_take_nodes_out() {
        let result = overlaid(
            DOC,
            "
overlay: 1.0.1
info: {title: t, version: '1'}
actions:
  - target: $.paths.*.get.parameters
    update: {name: added, in: header}
  - target: $.paths.*.get.parameters[?@.name == 'dummy' || @.name == 'p']
    remove: true
",
        )
        .unwrap();
        assert_eq!(result["paths"]["/a"]["get"]["parameters"], yaml("[{name: added, in: header}]"));
    }

    #[test]
    fn overlays_live_beside_their_specs() {
        assert_eq!(file_for("specs/mysqldb.yaml"), "specs/overlays/mysqldb.yaml");
        assert_eq!(file_for("codegen/tests/fixtures/overlaid.yaml"), "codegen/tests/fixtures/overlays/overlaid.yaml");
        assert_eq!(file_for("auth.yaml"), "overlays/auth.yaml");
    }

    #[test]
    fn reports_tell_which_actions_still_apply() {
        let overlay = "
overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.paths['/a'].get
    description: upstream has it now
    update: {tags: [x], responses: {200: {description: ok}}}
  - target: $.paths['/a'].get.parameters
    description: upstream has this parameter now
    update: {name: p, in: query}
  - target: $.paths['/a'].get.parameters
    description: still needed
    update: {name: q, in: query}
  - target: $.paths['/gone']
    remove: true
";
        let report = report("d.yaml", DOC, Overlay { file: "o.yaml", text: overlay }).unwrap();
        assert_eq!(report[..3], [ActionReport::Redundant, ActionReport::Redundant, ActionReport::Applies]);
        assert_eq!(report[3], ActionReport::Fails("target $.paths['/gone'] matches nothing".to_owned()));
    }

    #[test]
    fn mistakes_are_errors_naming_the_action() {
        let case = |actions: &str| {
            let overlay = format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}");
            overlaid(DOC, &overlay).unwrap_err()
        };
        assert_eq!(
            case("  - {target: '$.paths', update: {}}\n  - {target: \"$.paths['/b']\", update: {x: 1}}"),
            "o.yaml: actions[1]: target $.paths['/b'] matches nothing"
        );
        assert!(
            case("  - {target: '$.paths[', update: {}}").contains("actions[0]: target `$.paths[` is not an RFC 9535")
        );
        assert!(
            case("  - {target: '$.paths.*.get.tags[0]', remove: true}")
                .contains("selects a string at `/paths/~1a/get/tags/0`")
        );
        assert!(
            case("  - {target: '$.paths.*.get', update: {tags: {a: 1}}}")
                .contains("`/paths/~1a/get/tags`: the update has an object where the document has an array")
        );
        assert!(case("  - {target: '$.paths.*.get', update: [1]}").contains("must be an object, not an array"));
        assert!(case("  - {target: '$.paths'}").contains("neither updates nor removes"));
        assert!(case("  - {target: '$', remove: true}").contains("the document itself cannot be removed"));
        assert!(case("  - {target: '$.paths', update: {}, copy: '$.x'}").contains("unknown field `copy`"));
        let error =
            overlaid(DOC, "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: [\n").unwrap_err();
        assert!(error.starts_with("o.yaml:5:"), "{error}");
        assert!(
            overlaid(DOC, "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions: []")
                .unwrap_err()
                .contains("unsupported Overlay version `1.1.0`")
        );
    }
}
