//! Local `$ref` resolution (`#/components/<kind>/<name>`), with cycle and dangling-ref errors.

use super::Normalizer;
use crate::error::{Error, Pointer};
use indexmap::IndexMap;
use openapiv3::{Components, ReferenceOr};

/// Chains of `$ref` longer than this are reported as cycles.
const MAX_REF_CHAIN: usize = 32;

impl<'a> Normalizer<'a> {
    /// The component name a `$ref` of the given kind points at, e.g. `Foo` for
    /// `#/components/schemas/Foo`.
    pub(crate) fn ref_name<'r>(&self, reference: &'r str, kind: &str, at: &Pointer) -> Result<&'r str, Error> {
        let prefix = format!("#/components/{kind}/");
        match reference.strip_prefix(prefix.as_str()) {
            Some(name) if !name.is_empty() && !name.contains('/') => Ok(name),
            _ if Pointer::from_ref(reference).is_none() => Err(self.error(
                &at.join("$ref"),
                format!(
                    "unsupported $ref `{reference}`: only local references (`#/components/{kind}/...`) are supported"
                ),
            )),
            _ => {
                Err(self.error(&at.join("$ref"), format!("$ref `{reference}` must point into `#/components/{kind}/`")))
            }
        }
    }

    /// Follows `$ref`s among one component kind (`parameters`, `responses`, ...) to the value,
    /// returning it with the pointer where it is defined.
    pub(crate) fn resolve<T>(
        &self,
        item: &'a ReferenceOr<T>,
        at: &Pointer,
        kind: &str,
        table: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(&'a T, Pointer), Error> {
        let mut current = item;
        let mut pointer = at.clone();
        for _ in 0..MAX_REF_CHAIN {
            match current {
                ReferenceOr::Item(value) => return Ok((value, pointer)),
                ReferenceOr::Reference { reference } => {
                    let name = self.ref_name(reference, kind, &pointer)?;
                    let target = self.document.components.as_ref().map(table).and_then(|t| t.get(name));
                    match target {
                        Some(next) => {
                            current = next;
                            pointer = Pointer::root().join("components").join(kind).join(name);
                        }
                        None => {
                            return Err(self.error(&pointer.join("$ref"), format!("missing $ref target `{reference}`")));
                        }
                    }
                }
            }
        }
        Err(self.error(at, format!("$ref chain in `components/{kind}` is a cycle (or longer than {MAX_REF_CHAIN})")))
    }
}
