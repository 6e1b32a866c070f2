//! Step 2: `openapiv3::OpenAPI` -> [`ir::Api`](crate::ir::Api). Every `$ref` is resolved and every name decided
//! here; anything the generator cannot represent faithfully is an [`Error`] naming its JSON pointer.

mod cycles;
mod example;
mod mock;
mod operation;
mod refs;
mod schema;
mod secret;

use crate::error::{Error, Pointer};
use crate::ir::{Api, Type, TypeDef, TypeId, TypeKind};
use crate::names::{self, Scope};
use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeMap;

/// The extension naming a Rust item where the naming rule reads badly (an operation's method, a
/// component schema's type).
pub(crate) const RUST_NAME: &str = "x-rust-name";

/// Builds the IR of one spec. `area` names the module (`auth`, `ai_model`, ...).
pub fn normalize(file: &str, area: &str, document: &OpenAPI) -> Result<Api, Error> {
    let mut normalizer = Normalizer::new(file, document);
    let api_struct = normalizer.type_names.claim(format!("{}Api", names::pascal(area, "Area")));
    normalizer.reserve_components()?;
    normalizer.build_components()?;
    normalizer.break_alias_cycles()?;
    normalizer.refuse_union_cycles()?;
    let mut operations = normalizer.operations(area)?;
    operation::mark_shadowed(&mut operations);
    let mut types = normalizer.finish()?;
    schema::check_binary(file, &types, &operations)?;
    schema::mark_union_variants(&mut types);
    schema::box_recursive_fields(&mut types);
    schema::mark_error_bodies(&mut types, &operations);
    schema::mark_three_state(&mut types, &operations);
    schema::share_runtime_types(&mut types);
    for op in &mut operations {
        op.errors = operation::error_decoding(&types, &op.responses);
        op.mock = mock::reply(&types, op);
    }
    let shared_errors = operation::shared_errors(&operations);
    let builder_imports = operation::builder_imports(&operations);
    Ok(Api {
        shared_errors,
        builder_imports,
        area: area.to_owned(),
        file: file.to_owned(),
        api_struct,
        title: document.info.title.clone(),
        description: document.info.description.clone(),
        operations,
        types,
    })
}

/// The case an `x-rust-name` must be in: a method's or a type's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Snake,
    Pascal,
}

/// State shared while one document is normalized.
pub(crate) struct Normalizer<'a> {
    pub(crate) file: &'a str,
    pub(crate) document: &'a OpenAPI,
    /// Slots for named types; a slot is reserved before it is built so refs can point at it.
    types: Vec<Option<TypeDef>>,
    /// Component schema name -> its type.
    components: IndexMap<String, TypeId>,
    pub(crate) type_names: Scope,
    /// Component schemas marked `nullable` that define a type: references to them are `Option`s.
    pub(crate) nullable_components: std::collections::BTreeSet<String>,
    /// Header types of bodiless replies, by the component response (or position) they are named for.
    pub(crate) header_types: std::collections::BTreeMap<String, TypeId>,
    /// Types of inline schemas inside components, by JSON pointer (built once, however many
    /// operations refer to the component).
    pub(crate) inline_types: std::collections::BTreeMap<String, Type>,
    /// Nesting depth of inline schemas, bounded so hostile specs cannot overflow the stack.
    pub(crate) depth: usize,
}

impl<'a> Normalizer<'a> {
    fn new(file: &'a str, document: &'a OpenAPI) -> Self {
        Normalizer {
            file,
            document,
            types: Vec::new(),
            components: IndexMap::new(),
            // Names the generated module uses unqualified: the prelude's, its imports, the crate's.
            type_names: Scope::with_reserved(&names::reserved_type_names()),
            nullable_components: Default::default(),
            header_types: Default::default(),
            inline_types: Default::default(),
            depth: 0,
        }
    }

    pub(crate) fn error(&self, pointer: &Pointer, message: impl Into<String>) -> Error {
        Error::at(self.file, pointer, message)
    }

    /// Claims the names of all component schemas first, so they win over inline types.
    fn reserve_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.document.components else { return Ok(()) };
        // The names schemas ask for by `x-rust-name`, each with its first claimant: no other
        // schema gets one, by the rule or by asking too (a located error names both).
        let mut asked: BTreeMap<String, &str> = BTreeMap::new();
        for (key, schema) in &components.schemas {
            let pointer = Pointer::root().join("components").join("schemas").join(key);
            if let ReferenceOr::Item(schema) = schema
                && let Ok(Some(name)) = self.rust_name(&schema.schema_data.extensions, &pointer, Case::Pascal)
                && !self.type_names.contains(&name)
            {
                asked.entry(name).or_insert(key);
            }
        }
        for name in asked.keys() {
            self.type_names.claim(name.clone());
        }
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema
                && schema.schema_data.nullable
                && schema::creates_type(schema)
            {
                self.nullable_components.insert(name.clone());
            }
            let rust_name = self.component_name(name, schema, &asked)?;
            let id = TypeId(self.types.len());
            self.types.push(Some(TypeDef {
                name: rust_name,
                origin: format!("components.schemas.{name}"),
                pointer: Pointer::root().join("components").join("schemas").join(name).to_string(),
                docs: None,
                kind: TypeKind::Alias(Type::Any),
                newtype: false,
            }));
            self.components.insert(name.clone(), id);
        }
        Ok(())
    }

    /// A component schema's type name, claimed: its `x-rust-name` (of the names `asked` for, by
    /// their first claimant), else [`names::type_name`] of its key (a leading API version such as
    /// `v1` dropped where no other name needs the result).
    fn component_name(
        &mut self,
        key: &str,
        schema: &ReferenceOr<openapiv3::Schema>,
        asked: &BTreeMap<String, &str>,
    ) -> Result<String, Error> {
        let pointer = Pointer::root().join("components").join("schemas").join(key);
        let taken = |other: &str, how: &str| {
            format!(
                "is already the name of another type: that of schema `{other}` ({}){how}",
                Pointer::root().join("components").join("schemas").join(other)
            )
        };
        if let ReferenceOr::Item(schema) = schema
            && let Some(name) = self.rust_name(&schema.schema_data.extensions, &pointer, Case::Pascal)?
        {
            let at = pointer.join(RUST_NAME);
            if names::reserved_type_names().contains(&name.as_str()) {
                return Err(self.error(
                    &at,
                    format!("`{RUST_NAME}` `{name}` is a name the generated module uses for something else"),
                ));
            }
            return match asked.get(&name) {
                // Claimed for it by `reserve_components`.
                Some(first) if *first == key => Ok(name),
                Some(first) => Err(self.error(&at, format!("`{RUST_NAME}` `{name}` {}", taken(first, "")))),
                None => Err(self.error(
                    &at,
                    format!("`{RUST_NAME}` `{name}` is already the name of another type: the area's API struct"),
                )),
            };
        }
        let keys = self.document.components.iter().flat_map(|c| c.schemas.keys()).map(String::as_str);
        let name = names::type_name(key, keys, |name| self.type_names.contains(name));
        if names::reserved_type_names().contains(&name.as_str()) {
            return Err(self.error(
                &pointer,
                format!(
                    "component schema `{key}` would be the type `{name}`, a name the generated module \
                     uses for something else; name it with `{RUST_NAME}`"
                ),
            ));
        }
        if let Some(asker) = asked.get(&name) {
            let at = Pointer::root().join("components").join("schemas").join(asker).join(RUST_NAME);
            return Err(self.error(&at, format!("`{RUST_NAME}` `{name}` {}", taken(key, ", by the naming rule"))));
        }
        Ok(self.type_names.claim(name))
    }

    /// The `x-rust-name` among `extensions` of the item at `at`, checked to be a Rust name in
    /// `case`.
    pub(crate) fn rust_name(
        &self,
        extensions: &IndexMap<String, serde_json::Value>,
        at: &Pointer,
        case: Case,
    ) -> Result<Option<String>, Error> {
        let Some(value) = extensions.get(RUST_NAME) else { return Ok(None) };
        let at = at.join(RUST_NAME);
        let name = value.as_str().ok_or_else(|| self.error(&at, format!("`{RUST_NAME}` must be a string")))?;
        let (spelled, rule) = match case {
            Case::Snake => (names::snake(name, ""), "a snake_case"),
            Case::Pascal => (names::pascal(name, ""), "an UpperCamelCase"),
        };
        // `""` and `_` spell themselves but name nothing.
        if spelled != name || name.trim_matches('_').is_empty() {
            return Err(self.error(&at, format!("`{RUST_NAME}` `{name}` is not {rule} Rust name")));
        }
        Ok(Some(name.to_owned()))
    }

    fn build_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.document.components else { return Ok(()) };
        for (name, schema) in &components.schemas {
            let id = self.components[name];
            let pointer = Pointer::root().join("components").join("schemas").join(name);
            let type_name = self.type_def(id).name.clone();
            let (kind, docs) = self.named_schema(schema, &pointer, &type_name)?;
            let slot = self.types[id.0].as_mut().expect("component slots are filled at reservation");
            slot.kind = kind;
            slot.docs = docs;
        }
        Ok(())
    }

    pub(crate) fn component(&self, name: &str) -> Option<TypeId> {
        self.components.get(name).copied()
    }

    pub(crate) fn type_def(&self, id: TypeId) -> &TypeDef {
        self.types[id.0].as_ref().expect("type slots are filled before they are read")
    }

    /// Registers a new inline type under a name derived from its position.
    pub(crate) fn add_type(
        &mut self,
        hint: &str,
        origin: String,
        pointer: &Pointer,
        docs: Option<String>,
        kind: TypeKind,
    ) -> TypeId {
        let name = self.type_names.claim(hint.to_owned());
        let id = TypeId(self.types.len());
        self.types.push(Some(TypeDef { name, origin, pointer: pointer.to_string(), docs, kind, newtype: false }));
        id
    }

    /// Reserves a slot whose kind is decided later (the name is needed by nested types first).
    pub(crate) fn reserve_type(
        &mut self,
        hint: &str,
        origin: String,
        pointer: &Pointer,
        docs: Option<String>,
    ) -> TypeId {
        self.add_type(hint, origin, pointer, docs, TypeKind::Alias(Type::Any))
    }

    pub(crate) fn set_kind(&mut self, id: TypeId, kind: TypeKind) {
        if let Some(def) = self.types[id.0].as_mut() {
            def.kind = kind;
        }
    }

    fn finish(self) -> Result<Vec<TypeDef>, Error> {
        let types: Vec<TypeDef> = self.types.into_iter().flatten().collect();
        // An alias chain that loops back on itself (`A: {$ref: B}`, `B: {$ref: A}`) names no type.
        for (index, def) in types.iter().enumerate() {
            let mut current = index;
            let mut steps = 0;
            while let TypeKind::Alias(Type::Named(next)) = &types[current].kind {
                current = next.0;
                steps += 1;
                if current == index || steps > types.len() {
                    let pointer = def.pointer.clone();
                    return Err(Error::new(
                        self.file,
                        Some(crate::error::Location::Pointer(pointer)),
                        format!("`{}` is defined only in terms of itself ($ref cycle)", def.origin),
                    ));
                }
            }
        }
        Ok(types)
    }
}
