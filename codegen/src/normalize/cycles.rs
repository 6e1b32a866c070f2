//! Types that contain themselves. Rust takes a type that holds itself behind an indirection
//! (`Box`, `Vec`, a map) and nothing else, and an alias never:
//!
//! - a struct field that closes a cycle is boxed (`schema::box_recursive_fields`);
//! - aliases that reach themselves through arrays and maps (`Tree = Vec<Tree>`) become newtypes
//!   ([`TypeDef::newtype`]), the `Vec` their indirection; with nothing but nullability between
//!   (`Nothing = Option<Nothing>`) they name no type, an error;
//! - a union that reaches itself through unions and aliases only (`A: oneOf [B, ..]`,
//!   `B: oneOf [A, ..]`) is an error: boxing would make it build, but decoding tries each variant
//!   on the same value, so a value no other variant takes is tried around the cycle without end.
//!   Through an object or an array each step decodes a smaller value, which ends.

use super::Normalizer;
use crate::error::{Error, Pointer};
use crate::ir::{Type, TypeDef, TypeKind};

impl Normalizer<'_> {
    /// Marks the aliases that contain themselves as newtypes, once every component is built (no
    /// type made later can be in a cycle: nothing in the components refers to it).
    pub(super) fn break_alias_cycles(&mut self) -> Result<(), Error> {
        let kinds: Vec<Option<&TypeKind>> = self.types.iter().map(|def| def.as_ref().map(|d| &d.kind)).collect();
        let is_alias = |id: usize| matches!(kinds.get(id), Some(Some(TypeKind::Alias(_))));
        // Alias to alias: anywhere inside its type, and where no array or map is between.
        let mut anywhere = vec![Vec::new(); kinds.len()];
        let mut direct = vec![Vec::new(); kinds.len()];
        for (index, kind) in kinds.iter().enumerate() {
            let Some(TypeKind::Alias(ty)) = kind else { continue };
            named_in(ty, false, &mut |id, contained| {
                if is_alias(id) {
                    anywhere[index].push(id);
                    if !contained {
                        direct[index].push(id);
                    }
                }
            });
        }
        let direct_cycles = Cycles::of(&direct);
        if let Some(index) = (0..kinds.len()).find(|&i| direct_cycles.on_cycle(i)) {
            let def = self.def(index);
            return Err(self.error(
                &Pointer::escaped(&def.pointer),
                format!("`{}` is defined only in terms of itself ($ref cycle)", def.origin),
            ));
        }
        let cycles = Cycles::of(&anywhere);
        for (index, slot) in self.types.iter_mut().enumerate() {
            if let Some(def) = slot
                && cycles.on_cycle(index)
            {
                def.newtype = true;
            }
        }
        Ok(())
    }

    /// Refuses a union that contains itself through unions and aliases only, at the variant
    /// that starts the cycle, naming the types around it.
    pub(super) fn refuse_union_cycles(&self) -> Result<(), Error> {
        let kinds: Vec<Option<&TypeKind>> = self.types.iter().map(|def| def.as_ref().map(|d| &d.kind)).collect();
        let passes = |id: usize| matches!(kinds.get(id), Some(Some(TypeKind::Union(_) | TypeKind::Alias(_))));
        // What each union and alias holds without an indirection (a newtype holds its type).
        let mut edges = vec![Vec::new(); kinds.len()];
        for (index, kind) in kinds.iter().enumerate() {
            let held: Vec<&Type> = match kind {
                Some(TypeKind::Union(u)) => u.variants.iter().map(|v| &v.ty).collect(),
                Some(TypeKind::Alias(ty)) => vec![ty],
                _ => continue,
            };
            edges[index] = held.into_iter().filter_map(direct_named).filter(|id| passes(*id)).collect();
        }
        let cycles = Cycles::of(&edges);
        for (index, kind) in kinds.iter().enumerate() {
            let Some(TypeKind::Union(union)) = kind else { continue };
            for (position, variant) in union.variants.iter().enumerate() {
                let Some(child) = direct_named(&variant.ty).filter(|c| passes(*c)) else { continue };
                if !cycles.same(child, index) || !cycles.on_cycle(index) {
                    continue;
                }
                let mut around = vec![self.shown(index)];
                around.extend(cycles.path(&edges, child, index).into_iter().map(|id| self.shown(id)));
                let def = self.def(index);
                let at = Pointer::escaped(&def.pointer).join(self.union_keyword(&def.pointer)).join(position);
                return Err(self.error(
                    &at,
                    format!(
                        "`{}` contains itself through this variant ({}), with no object or array between: it has \
                         no finite Rust type, and decoding would try it on the same value without end",
                        self.shown(index),
                        around.join(" -> ")
                    ),
                ));
            }
        }
        Ok(())
    }

    fn def(&self, index: usize) -> &TypeDef {
        self.type_def(crate::ir::TypeId(index))
    }

    /// A type as the spec's author knows it: a component schema by its key, else by its name.
    fn shown(&self, index: usize) -> String {
        let def = self.def(index);
        def.origin.strip_prefix("components.schemas.").unwrap_or(&def.name).to_owned()
    }

    /// Whether the union at `pointer` is written `oneOf` or `anyOf` (read back from the
    /// document, for an error only).
    fn union_keyword(&self, pointer: &str) -> &'static str {
        let document = serde_json::to_value(self.document).unwrap_or_default();
        match document.pointer(pointer) {
            Some(schema) if schema.get("anyOf").is_some() => "anyOf",
            _ => "oneOf",
        }
    }
}

/// Calls `found` with each named type inside `ty`, and whether an array or map is around it.
fn named_in(ty: &Type, contained: bool, found: &mut impl FnMut(usize, bool)) {
    match ty {
        Type::Named(id) => found(id.0, contained),
        Type::Nullable(inner) => named_in(inner, contained, found),
        Type::Array(inner) | Type::Map(inner) => named_in(inner, true, found),
        _ => {}
    }
}

/// The type a value holds without indirection: itself named, or named inside `Option`.
fn direct_named(ty: &Type) -> Option<usize> {
    match ty {
        Type::Named(id) => Some(id.0),
        Type::Nullable(inner) => direct_named(inner),
        _ => None,
    }
}

/// The cycles of a graph (`edges[node]`: the nodes it points at), by its strongly connected
/// components (Tarjan's algorithm, iterative, so a long chain of types cannot overflow the stack).
struct Cycles {
    component: Vec<usize>,
    size: Vec<usize>,
    self_loop: Vec<bool>,
}

impl Cycles {
    fn of(edges: &[Vec<usize>]) -> Self {
        const UNSEEN: usize = usize::MAX;
        let n = edges.len();
        let (mut index, mut low, mut on_stack) = (vec![UNSEEN; n], vec![0; n], vec![false; n]);
        let mut component = vec![UNSEEN; n];
        let mut size = Vec::new();
        let (mut stack, mut next) = (Vec::new(), 0);
        for root in 0..n {
            if index[root] != UNSEEN {
                continue;
            }
            // (node, how many of its edges are followed)
            let mut work = vec![(root, 0)];
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            while let Some((node, followed)) = work.last_mut() {
                let node = *node;
                if let Some(&target) = edges[node].get(*followed) {
                    *followed += 1;
                    if target >= n {
                        continue;
                    }
                    if index[target] == UNSEEN {
                        index[target] = next;
                        low[target] = next;
                        next += 1;
                        stack.push(target);
                        on_stack[target] = true;
                        work.push((target, 0));
                    } else if on_stack[target] {
                        low[node] = low[node].min(index[target]);
                    }
                    continue;
                }
                work.pop();
                if let Some((parent, _)) = work.last() {
                    low[*parent] = low[*parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let id = size.len();
                    let mut members = 0;
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component[member] = id;
                        members += 1;
                        if member == node {
                            break;
                        }
                    }
                    size.push(members);
                }
            }
        }
        let self_loop = (0..n).map(|node| edges[node].contains(&node)).collect();
        Cycles { component, size, self_loop }
    }

    /// Whether `node` lies on a cycle.
    fn on_cycle(&self, node: usize) -> bool {
        self.size[self.component[node]] > 1 || self.self_loop[node]
    }

    fn same(&self, a: usize, b: usize) -> bool {
        self.component[a] == self.component[b]
    }

    /// The nodes from `from` to `to` (both included) along edges inside their component.
    fn path(&self, edges: &[Vec<usize>], from: usize, to: usize) -> Vec<usize> {
        let mut previous = vec![usize::MAX; edges.len()];
        let mut queue = std::collections::VecDeque::from([from]);
        previous[from] = from;
        while let Some(node) = queue.pop_front() {
            if node == to {
                break;
            }
            for &next in &edges[node] {
                if next < edges.len() && previous[next] == usize::MAX && self.same(next, from) {
                    previous[next] = node;
                    queue.push_back(next);
                }
            }
        }
        let mut path = vec![to];
        let mut node = to;
        while node != from && previous[node] != usize::MAX {
            node = previous[node];
            path.push(node);
        }
        path.reverse();
        path
    }
}

#[cfg(test)]
mod tests {
    use super::Cycles;

    #[test]
    fn cycles_of_a_graph() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0, 5.
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0], vec![]];
        let cycles = Cycles::of(&edges);
        let on: Vec<bool> = (0..6).map(|n| cycles.on_cycle(n)).collect();
        assert_eq!(on, [true, true, true, true, false, false]);
        assert!(cycles.same(0, 2) && !cycles.same(0, 4));
        assert_eq!(cycles.path(&edges, 1, 0), [1, 2, 0]);
        assert_eq!(cycles.path(&edges, 3, 3), [3]);
        // A chain far longer than the stack allows for recursion.
        let long: Vec<Vec<usize>> = (0..200_000).map(|n| vec![(n + 1) % 200_000]).collect();
        assert!(Cycles::of(&long).on_cycle(123_456));
    }
}
