//! What a new version of a spec changes for users of the generated Rust API: operations,
//! parameters, bodies, replies and types, each change classified as breaking or not; then every
//! change of the doc text the generated code carries ([`super::doc_diff`]), code-like text
//! flagged first.

use super::doc_diff::{self, DocChange, escape};
use super::summary::ty_name;
use crate::ir::{Api, Success, Type, TypeDef, TypeId, TypeKind};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// One difference between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether code written against the old generated API may stop compiling or behave differently.
    pub breaking: bool,
    /// What changed, in one line.
    pub text: String,
}

/// All differences between two versions of a spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Changes to the API, in a stable order: operations first, then types.
    pub changes: Vec<Change>,
    /// Changes of doc text, in the new spec's order.
    pub docs: Vec<DocChange>,
}

impl Report {
    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// How many doc changes hold code-like text.
    pub fn code_like(&self) -> usize {
        self.docs.iter().filter(|d| !d.code_like.is_empty()).count()
    }

    /// Whether nothing changed, neither the API nor its docs.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.docs.is_empty()
    }

    /// A `WARNING` line per doc change holding code-like text (a doc test, raw HTML, control or
    /// bidi characters), one line per API change, each doc change with the lines it removes and
    /// adds, then a summary line with the semver class. Control, bidi and invisible characters
    /// are shown escaped (`\u{202e}`) wherever they occur.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for doc in self.docs.iter().filter(|d| !d.code_like.is_empty()) {
            let _ = writeln!(out, "WARNING {}: {}", escape(&doc.place), escape(&doc.code_like.join("; ")));
        }
        for change in &self.changes {
            let mark = if change.breaking { "BREAKING" } else { "ok      " };
            let _ = writeln!(out, "{mark} {}", escape(&change.text));
        }
        for doc in &self.docs {
            doc.render(&mut out);
        }
        let breaking = self.breaking();
        let other = self.changes.len() - breaking;
        let docs = self.docs.len();
        let class = match (breaking, other, docs) {
            (0, 0, 0) => "no changes for users of the generated API".to_owned(),
            (0, 0, 1) => "no API changes; 1 doc change: a patch version bump".to_owned(),
            (0, 0, n) => format!("no API changes; {n} doc changes: a patch version bump"),
            (0, _, _) => "no breaking change: a minor version bump".to_owned(),
            _ => "breaking changes: a major version bump (minor while the crate is 0.x)".to_owned(),
        };
        let _ = writeln!(
            out,
            "summary: {breaking} breaking, {other} other, {docs} doc ({} code-like); {class}",
            self.code_like()
        );
        out
    }

    fn push(&mut self, breaking: bool, text: String) {
        self.changes.push(Change { breaking, text });
    }

    /// The members (`what`: variants, fields) of type `name` removed, each a break, and added,
    /// a break when `added_breaks`.
    fn members(
        &mut self,
        name: &str,
        what: &str,
        (was, is): (&BTreeSet<String>, &BTreeSet<String>),
        added_breaks: bool,
    ) {
        for member in was.difference(is) {
            self.push(true, format!("{name}: {what} {member} removed"));
        }
        for member in is.difference(was) {
            self.push(added_breaks, format!("{name}: {what} {member} added"));
        }
    }
}

/// Compares two versions of one spec.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut report = Report::default();
    operations(old, new, &mut report);
    types(old, new, &mut report);
    report.docs = doc_diff::diff(old, new);
    report
}

fn operations(old: &Api, new: &Api, report: &mut Report) {
    let old_ops: BTreeMap<&str, &crate::ir::Operation> = old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let new_ops: BTreeMap<&str, &crate::ir::Operation> = new.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for (id, op) in &old_ops {
        if !new_ops.contains_key(id) {
            report.push(
                true,
                format!("operation {id} removed ({} {}; method {}())", op.method.as_str(), op.path, op.method_name),
            );
        }
    }
    for (id, op) in &new_ops {
        let Some(before) = old_ops.get(id) else {
            report.push(
                false,
                format!("operation {id} added ({} {}; method {}())", op.method.as_str(), op.path, op.method_name),
            );
            continue;
        };
        if (before.method, &before.path) != (op.method, &op.path) {
            report.push(
                false,
                format!(
                    "{id}: now {} {} (was {} {})",
                    op.method.as_str(),
                    op.path,
                    before.method.as_str(),
                    before.path
                ),
            );
        }
        if before.method_name != op.method_name {
            // `x-rust-name` added, changed or dropped: the old method is gone.
            report.push(true, format!("{id}: method renamed {}() -> {}()", before.method_name, op.method_name));
        }
        parameters(id, old, before, new, op, report);
        constants(id, before, op, report);
        body(id, old, before, new, op, report);
        replies(id, old, before, new, op, report);
    }
}

/// Constants have no setter: users see no change, the wire does.
fn constants(id: &str, before: &crate::ir::Operation, op: &crate::ir::Operation, report: &mut Report) {
    let show = |o: &crate::ir::Operation| -> BTreeSet<String> {
        o.constants.iter().map(|c| format!("{} `{}={}`", c.location.as_str(), c.wire_name, c.value)).collect()
    };
    let (was, is) = (show(before), show(op));
    for c in was.difference(&is) {
        report.push(false, format!("{id}: no longer always sends {c}"));
    }
    for c in is.difference(&was) {
        report.push(false, format!("{id}: now always sends {c}"));
    }
}

fn parameters(
    id: &str,
    old: &Api,
    before: &crate::ir::Operation,
    new: &Api,
    op: &crate::ir::Operation,
    report: &mut Report,
) {
    let key = |p: &crate::ir::Param| (p.location.as_str(), p.wire_name.to_ascii_lowercase());
    let old_params: BTreeMap<_, _> = before.params.iter().map(|p| (key(p), p)).collect();
    let new_params: BTreeMap<_, _> = op.params.iter().map(|p| (key(p), p)).collect();
    for ((loc, _), p) in &old_params {
        if !new_params.contains_key(&key(p)) {
            report.push(true, format!("{id}: {loc} parameter `{}` removed (setter {}())", p.wire_name, p.name));
        }
    }
    for (k @ (loc, _), p) in &new_params {
        let Some(q) = old_params.get(k) else {
            let required = if p.required { "required " } else { "" };
            // Breaking only when callers must now set it (not when the client supplies it).
            report.push(
                p.caller_sets(),
                format!("{id}: {required}{loc} parameter `{}` added (setter {}())", p.wire_name, p.name),
            );
            continue;
        };
        if q.required != p.required {
            let now = if p.required { "now required" } else { "now optional" };
            report.push(p.caller_sets() && !q.caller_sets(), format!("{id}: {loc} parameter `{}` {now}", p.wire_name));
        }
        if q.client_default != p.client_default {
            let now = p.client_default.map_or("none", |d| d.as_str());
            report.push(
                q.client_default.is_some() && p.caller_sets(),
                format!("{id}: {loc} parameter `{}` client default now {now}", p.wire_name),
            );
        }
        let (was, is) = (ty_name(old, &q.ty), ty_name(new, &p.ty));
        if was != is {
            report.push(true, format!("{id}: {loc} parameter `{}` type {was} -> {is}", p.wire_name));
        }
        if q.constraints.pattern != p.constraints.pattern {
            // A stricter pattern refuses values that used to be sent.
            report.push(
                p.constraints.pattern.is_some(),
                format!(
                    "{id}: {loc} parameter `{}` pattern {:?} -> {:?}",
                    p.wire_name, q.constraints.pattern, p.constraints.pattern
                ),
            );
        }
    }
}

fn body(id: &str, old: &Api, before: &crate::ir::Operation, new: &Api, op: &crate::ir::Operation, report: &mut Report) {
    let media =
        |b: &crate::ir::RequestBody| b.forms.iter().map(|f| f.media_type.as_str()).collect::<Vec<_>>().join(", ");
    match (&before.body, &op.body) {
        (None, None) => {}
        (Some(b), None) => report.push(true, format!("{id}: request body ({}) removed", media(b))),
        (None, Some(b)) => report.push(
            b.required,
            format!("{id}: {}request body added ({})", if b.required { "required " } else { "" }, media(b)),
        ),
        (Some(a), Some(b)) => {
            for was in &a.forms {
                match b.forms.iter().find(|f| f.media_type == was.media_type) {
                    None => report.push(true, format!("{id}: request body form `{}` removed", was.media_type)),
                    Some(is) => {
                        let (was_ty, is_ty) = (ty_name(old, &was.ty), ty_name(new, &is.ty));
                        if was_ty != is_ty || was.setter != is.setter {
                            report.push(
                                true,
                                format!(
                                    "{id}: request body ({}) {was_ty} set by `{}` -> {is_ty} set by `{}`",
                                    is.media_type, was.setter, is.setter
                                ),
                            );
                        }
                    }
                }
            }
            for is in b.forms.iter().filter(|f| !a.forms.iter().any(|w| w.media_type == f.media_type)) {
                report.push(false, format!("{id}: request body form `{}` added", is.media_type));
            }
            if a.required != b.required {
                report.push(
                    b.required,
                    format!("{id}: request body now {}", if b.required { "required" } else { "optional" }),
                );
            }
        }
    }
}

fn success_name(api: &Api, success: &Success) -> String {
    match success {
        Success::Single(case) => case.content.as_ref().map(|c| ty_name(api, &c.ty)).unwrap_or_else(|| "()".to_owned()),
        Success::Body(status) => format!("Body [{status}]"),
        Success::Enum { name, .. } => format!("{name} {{ {} }}", success_variants(api, success).join(", ")),
    }
}

/// A success enum's variants as users match them: `Created`, `Json(RecordOrRecords)`.
fn success_variants(api: &Api, success: &Success) -> Vec<String> {
    let Success::Enum { variants, .. } = success else { return Vec::new() };
    variants
        .iter()
        .map(|v| match &v.case.content {
            Some(c) => format!("{}({})", v.name, ty_name(api, &c.ty)),
            None => v.name.clone(),
        })
        .collect()
}

fn replies(
    id: &str,
    old: &Api,
    before: &crate::ir::Operation,
    new: &Api,
    op: &crate::ir::Operation,
    report: &mut Report,
) {
    match (&before.success, &op.success) {
        // Success enums are #[non_exhaustive]: a newly documented reply is a variant added.
        (Success::Enum { name: a, .. }, Success::Enum { name: b, .. }) if a == b => {
            let was: BTreeSet<String> = success_variants(old, &before.success).into_iter().collect();
            let is: BTreeSet<String> = success_variants(new, &op.success).into_iter().collect();
            for v in was.difference(&is) {
                report.push(true, format!("{id}: send() no longer returns {a}::{v}"));
            }
            for v in is.difference(&was) {
                report.push(false, format!("{id}: send() may now return {a}::{v}"));
            }
        }
        _ => {
            let (was, is) = (success_name(old, &before.success), success_name(new, &op.success));
            if was != is {
                report.push(true, format!("{id}: send() now returns {is} (was {was})"));
            }
        }
    }
    let media = |o: &crate::ir::Operation| -> BTreeSet<(String, String)> {
        o.responses
            .iter()
            .flat_map(|r| r.contents.iter().map(move |c| (r.status.to_string(), c.media_type.clone())))
            .collect()
    };
    let statuses =
        |o: &crate::ir::Operation| -> BTreeSet<String> { o.responses.iter().map(|r| r.status.to_string()).collect() };
    let (old_statuses, new_statuses) = (statuses(before), statuses(op));
    for status in old_statuses.difference(&new_statuses) {
        report.push(false, format!("{id}: response {status} no longer documented"));
    }
    for status in new_statuses.difference(&old_statuses) {
        report.push(false, format!("{id}: response {status} documented"));
    }
    let (old_media, new_media) = (media(before), media(op));
    for (status, media) in old_media.difference(&new_media).filter(|(s, _)| new_statuses.contains(s)) {
        report.push(false, format!("{id}: response {status} no longer {media}"));
    }
    for (status, media) in new_media.difference(&old_media).filter(|(s, _)| old_statuses.contains(s)) {
        report.push(false, format!("{id}: response {status} may now be {media}"));
    }
    match (&before.stream, &op.stream) {
        (Some(_), None) => report.push(true, format!("{id}: send_stream() removed")),
        (None, Some(s)) => report.push(false, format!("{id}: send_stream() added ({})", ty_name(new, &s.item))),
        (Some(a), Some(b)) => {
            let (was, is) = (ty_name(old, &a.item), ty_name(new, &b.item));
            if was != is {
                report.push(true, format!("{id}: send_stream() items {was} -> {is}"));
            }
            if a.terminator != b.terminator {
                report.push(true, format!("{id}: stream terminator {:?} -> {:?}", a.terminator, b.terminator));
            }
        }
        (None, None) => {}
    }
}

/// Types users build themselves: those reachable from request parameters and bodies. Adding a
/// field to one breaks struct literals; adding one to a reply type does not.
fn request_types(api: &Api) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Type> = Vec::new();
    for op in &api.operations {
        stack.extend(op.params.iter().map(|p| &p.ty));
        stack.extend(op.body.iter().flat_map(|b| &b.forms).map(|f| &f.ty));
    }
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => stack.push(inner),
            Type::Named(id) if seen.insert(*id) => match &api.type_def(*id).kind {
                TypeKind::Alias(t) => stack.push(t),
                TypeKind::Struct(s) => {
                    stack.extend(s.fields.iter().map(|f| &f.ty));
                    stack.extend(s.extra.iter().map(|e| &e.value));
                }
                TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                TypeKind::Form(f) => stack.extend(f.fields.iter().map(|f| &f.ty)),
                TypeKind::Enum(_) | TypeKind::Runtime(_) | TypeKind::Headers(_) => {}
            },
            _ => {}
        }
    }
    seen
}

fn kind_name(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Alias(_) => "type alias",
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union enum",
        TypeKind::Runtime(_) => "shared runtime type",
        TypeKind::Form(_) => "form struct",
        TypeKind::Headers(_) => "headers struct",
    }
}

fn types(old: &Api, new: &Api, report: &mut Report) {
    let old_types: BTreeMap<&str, &TypeDef> = old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, (TypeId, &TypeDef)> =
        new.types.iter().enumerate().map(|(i, t)| (t.name.as_str(), (TypeId(i), t))).collect();
    let built_by_users = request_types(new);
    for (name, def) in &old_types {
        if !new_types.contains_key(name) {
            report.push(true, format!("{} {name} removed", kind_name(def)));
        }
    }
    for (name, (id, def)) in &new_types {
        let Some(before) = old_types.get(name) else {
            report.push(false, format!("{} {name} added", kind_name(def)));
            continue;
        };
        match (&before.kind, &def.kind) {
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let (was, is) = (ty_name(old, a), ty_name(new, b));
                if was != is {
                    report.push(true, format!("type {name} = {is} (was {was})"));
                }
            }
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                let old_fields: BTreeMap<&str, _> = a.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
                let new_fields: BTreeMap<&str, _> = b.fields.iter().map(|f| (f.wire_name.as_str(), f)).collect();
                for (wire, f) in &old_fields {
                    if !new_fields.contains_key(wire) {
                        report.push(true, format!("{name}.{}: field removed", f.name));
                    }
                }
                for (wire, f) in &new_fields {
                    let Some(g) = old_fields.get(wire) else {
                        let reason = if f.required {
                            "required field added"
                        } else if built_by_users.contains(id) {
                            "optional field added (breaks struct literals without ..Default::default())"
                        } else {
                            "optional field added"
                        };
                        report.push(f.required || built_by_users.contains(id), format!("{name}.{}: {reason}", f.name));
                        continue;
                    };
                    let (was, is) = (ty_name(old, &g.ty), ty_name(new, &f.ty));
                    if was != is {
                        report.push(true, format!("{name}.{}: type {was} -> {is}", f.name));
                    }
                    if g.required != f.required {
                        // `T` <-> `Option<T>` either way.
                        let now = if f.required { "now required" } else { "now optional" };
                        report.push(true, format!("{name}.{}: {now}", f.name));
                    }
                }
                if a.extra.is_some() != b.extra.is_some() {
                    report.push(
                        true,
                        format!(
                            "{name}: additional properties {}",
                            if b.extra.is_some() { "now kept" } else { "no longer kept" }
                        ),
                    );
                }
            }
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                let old_values: BTreeSet<&str> = a.variants.iter().map(|v| v.value.as_str()).collect();
                let new_values: BTreeSet<&str> = b.variants.iter().map(|v| v.value.as_str()).collect();
                for value in old_values.difference(&new_values) {
                    report.push(true, format!("{name}: value {value:?} removed (its variant is gone)"));
                }
                for value in new_values.difference(&old_values) {
                    // Enums are #[non_exhaustive]; the value used to decode as the catch-all variant.
                    report.push(false, format!("{name}: value {value:?} added (formerly decoded as {})", b.other));
                }
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                let show = |api: &Api, u: &crate::ir::Union| -> BTreeSet<String> {
                    u.variants.iter().map(|v| format!("{}({})", v.name, ty_name(api, &v.ty))).collect()
                };
                report.members(name, "variant", (&show(old, a), &show(new, b)), true);
            }
            (TypeKind::Headers(a), TypeKind::Headers(b)) => {
                let show = |api: &Api, h: &crate::ir::Headers| -> BTreeSet<String> {
                    h.fields.iter().map(|f| format!("{}: {}", f.name, ty_name(api, &f.ty))).collect()
                };
                // The struct is #[non_exhaustive]: a new header is no break.
                report.members(name, "header field", (&show(old, a), &show(new, b)), false);
            }
            (TypeKind::Form(a), TypeKind::Form(b)) => {
                let show = |api: &Api, form: &crate::ir::Form| -> BTreeSet<String> {
                    form.fields
                        .iter()
                        .map(|f| format!("{}: {}{}", f.name, ty_name(api, &f.ty), if f.required { "" } else { "?" }))
                        .collect()
                };
                // Forms are built with struct literals (`..Default::default()` covers a new field
                // only where the caller used it).
                report.members(name, "form field", (&show(old, a), &show(new, b)), true);
            }
            (TypeKind::Runtime(a), TypeKind::Runtime(b)) if a == b => {}
            _ => report.push(true, format!("{name}: now a {} (was a {})", kind_name(def), kind_name(before))),
        }
    }
}
