//! Which operations and types differ between two versions of a generated file, for
//! `cargo xtask regen --check`.

/// Which operations and types differ between two versions of a generated file, for
/// `cargo xtask regen --check`: one line per kind of difference.
pub fn describe_changes(old: &str, new: &str) -> Vec<String> {
    use std::collections::BTreeSet;
    let (Ok(old), Ok(new)) = (syn::parse_file(old), syn::parse_file(new)) else {
        return vec!["the committed file is not valid Rust".to_owned()];
    };
    let (old_items, old_ops) = items(&old);
    let (new_items, new_ops) = items(&new);
    let name = |item: &ItemKey, ops: &Operations| match ops.get(&item.name) {
        Some(id) => format!("operation {id}"),
        None if item.kind == "imports" => item.name.clone(),
        None => format!("type {}", item.name),
    };
    let mut changed = BTreeSet::new();
    let mut added = BTreeSet::new();
    for (key, tokens) in &new_items {
        match old_items.get(key) {
            None => added.insert(name(key, &new_ops)),
            Some(before) if before != tokens => changed.insert(name(key, &new_ops)),
            Some(_) => false,
        };
    }
    let mut removed: BTreeSet<String> =
        old_items.keys().filter(|k| !new_items.contains_key(*k)).map(|k| name(k, &old_ops)).collect();
    // Operations and types are reported by name: one that has items on both sides changed (an
    // impl added to a type, a struct where a re-export was); one only new is added, only old removed.
    let old_names: BTreeSet<String> = old_items.keys().map(|k| name(k, &old_ops)).collect();
    let new_names: BTreeSet<String> = new_items.keys().map(|k| name(k, &new_ops)).collect();
    changed.extend(added.intersection(&old_names).cloned());
    changed.extend(removed.intersection(&new_names).cloned());
    added.retain(|n| !old_names.contains(n));
    removed.retain(|n| !new_names.contains(n));
    let changed: Vec<String> = changed.into_iter().collect();
    let mut lines = Vec::new();
    for (label, set) in
        [("changed", changed), ("added", added.into_iter().collect()), ("removed", removed.into_iter().collect())]
    {
        if !set.is_empty() {
            lines.push(format!("{label}: {}", set.join(", ")));
        }
    }
    if lines.is_empty() {
        lines.push("only formatting or comments differ".to_owned());
    }
    lines
}

/// A top-level item: its kind, the type it defines or implements for, and the trait if any.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ItemKey {
    kind: &'static str,
    name: String,
    of_trait: String,
}

/// Request builder name -> operationId.
type Operations = std::collections::BTreeMap<String, String>;

/// Top-level items with their tokens, and the operationId of each request builder (from its
/// `OPERATION` constant).
fn items(file: &syn::File) -> (std::collections::BTreeMap<ItemKey, String>, Operations) {
    let mut items = std::collections::BTreeMap::new();
    let mut operations = Operations::new();
    collect_items(&file.items, "", &mut items, &mut operations);
    (items, operations)
}

/// Items of a module, those of inline modules (`builders`) under their path (`builders::Name`).
fn collect_items(
    list: &[syn::Item],
    prefix: &str,
    items: &mut std::collections::BTreeMap<ItemKey, String>,
    operations: &mut Operations,
) {
    use quote::ToTokens;
    for item in list {
        if let syn::Item::Mod(module) = item
            && let Some((_, content)) = &module.content
        {
            collect_items(content, &format!("{prefix}{}::", module.ident), items, operations);
            continue;
        }
        // A type is one entry whatever defines it (a struct, an enum, an alias, a re-export).
        let (kind, name, of_trait) = match item {
            syn::Item::Struct(s) => ("type", s.ident.to_string(), String::new()),
            syn::Item::Enum(e) => ("type", e.ident.to_string(), String::new()),
            syn::Item::Type(t) => ("type", t.ident.to_string(), String::new()),
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_)) => {
                ("type", use_name(&u.tree).unwrap_or_else(|| u.tree.to_token_stream().to_string()), String::new())
            }
            // The module's imports: one entry.
            syn::Item::Use(u) => {
                let key = ItemKey { kind: "imports", name: format!("{prefix}imports"), of_trait: String::new() };
                items.entry(key).or_default().push_str(&u.to_token_stream().to_string());
                continue;
            }
            syn::Item::Impl(i) => {
                let name = i.self_ty.to_token_stream().to_string();
                if let Some(id) = i.items.iter().find_map(operation_id) {
                    operations.insert(format!("{prefix}{name}"), id);
                }
                let of_trait =
                    i.trait_.as_ref().map(|(path, _)| path.to_token_stream().to_string()).unwrap_or_default();
                ("impl", name, of_trait)
            }
            other => ("item", other.to_token_stream().to_string(), String::new()),
        };
        let name = if kind == "item" { name } else { format!("{prefix}{name}") };
        items.insert(ItemKey { kind, name, of_trait }, item.to_token_stream().to_string());
    }
}

/// The name a `use` brings in: the last segment, or its `as` name.
fn use_name(tree: &syn::UseTree) -> Option<String> {
    match tree {
        syn::UseTree::Path(path) => use_name(&path.tree),
        syn::UseTree::Name(name) => Some(name.ident.to_string()),
        syn::UseTree::Rename(rename) => Some(rename.rename.to_string()),
        syn::UseTree::Glob(_) | syn::UseTree::Group(_) => None,
    }
}

/// The `id` of a builder's `const OPERATION: rt::Operation = rt::Operation { id: "...", .. }`.
fn operation_id(member: &syn::ImplItem) -> Option<String> {
    let syn::ImplItem::Const(constant) = member else { return None };
    let syn::Expr::Struct(value) = &constant.expr else { return None };
    if constant.ident != "OPERATION" {
        return None;
    }
    value.fields.iter().find_map(|field| match (&field.member, &field.expr) {
        (syn::Member::Named(n), syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(id), .. })) if n == "id" => {
            Some(id.value())
        }
        _ => None,
    })
}
