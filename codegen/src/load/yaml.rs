//! YAML text -> `serde_yaml::Value`, with a bound on what aliases expand to.
//!
//! serde_yaml expands every alias (`*name`) into a copy of its anchor's node, so a few lines of
//! nested aliases ("billion laughs") would build billions of values. The value is built here
//! node by node by the same parser, and reading stops as soon as its size passes the limit:
//! neither time nor memory grows past what a document of that size without aliases would take.

use crate::error::{Error, Location, Pointer};
use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};
use std::cell::{Cell, RefCell};
use std::fmt;

/// The least size limit of a document (see [`limit_for`]).
pub(crate) const MIN_LIMIT: usize = 100_000;

/// The size a document read from `text` may reach with its aliases expanded, counting 1 a value
/// (a key is a value too, a tag one more) and 1 a byte of a string: twice the text's length, or [`MIN_LIMIT`] if
/// that is more. Without aliases a document measures about its text's length (every value takes
/// a byte or more of it, a string about its own bytes; the vendored specs and overlays measure
/// 0.70 to 0.89 of it, at most 37% of their limit), so only aliases reach the limit.
pub(crate) fn limit_for(text_length: usize) -> usize {
    MIN_LIMIT.max(text_length.saturating_mul(2))
}

/// The size of a value as the limit counts it (see [`limit_for`]).
pub(crate) fn size_of(value: &Value) -> usize {
    match value {
        Value::String(s) => 1 + s.len(),
        Value::Sequence(items) => items.iter().fold(1, |size, item| size.saturating_add(size_of(item))),
        Value::Mapping(map) => {
            map.iter().fold(1, |size, (key, value)| size.saturating_add(size_of(key)).saturating_add(size_of(value)))
        }
        Value::Tagged(tagged) => 1usize.saturating_add(size_of(&tagged.value)),
        Value::Null | Value::Bool(_) | Value::Number(_) => 1,
    }
}

/// Parses YAML text: syntax errors carry their line; a document that passes its size limit
/// ([`limit_for`]) is refused with the line of the value being read and the JSON pointer where
/// the limit was passed.
pub(crate) fn parse(file: &str, text: &str) -> Result<Value, Error> {
    let budget =
        Budget { remaining: Cell::new(limit_for(text.len())), exceeded: Cell::new(false), tokens: RefCell::default() };
    let result = Node(&budget).deserialize(serde_yaml::Deserializer::from_str(text));
    result.map_err(|e| {
        if budget.exceeded.get() {
            let tokens = budget.tokens.borrow();
            let pointer = tokens.iter().rev().fold(Pointer::root(), |pointer, token| pointer.join(token));
            let location = match e.location() {
                Some(l) => Location::Line { line: l.line(), column: l.column(), pointer: Some(pointer.to_string()) },
                None => Location::Pointer(pointer.to_string()),
            };
            let limit = limit_for(text.len());
            return Error::new(
                file,
                Some(location),
                format!(
                    "with its YAML aliases (`*name`) expanded, the document passes its size limit of {limit} here, \
                     repeating the value written at this line (a value counts 1, a string also its length in bytes; \
                     the limit is twice the text's length or {MIN_LIMIT}, whichever is more)"
                ),
            );
        }
        let location = e.location().map(|l| Location::Line { line: l.line(), column: l.column(), pointer: None });
        Error::new(file, location, format!("invalid YAML: {}", super::strip_location(&e)))
    })
}

/// What is left of a document's size limit while it is read.
struct Budget {
    remaining: Cell<usize>,
    exceeded: Cell<bool>,
    /// Once the limit is passed, the pointer's tokens, innermost first, gathered on the way out.
    tokens: RefCell<Vec<String>>,
}

impl Budget {
    fn spend<E: de::Error>(&self, cost: usize) -> Result<(), E> {
        match self.remaining.get().checked_sub(cost) {
            Some(rest) => {
                self.remaining.set(rest);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom("the document passes its size limit"))
            }
        }
    }

    /// Notes the step an error came out of, when the error is the limit's.
    fn trace(&self, token: impl FnOnce() -> String) {
        if self.exceeded.get() {
            self.tokens.borrow_mut().push(token());
        }
    }
}

/// One node of the document, read as `serde_yaml::Value` reads it (tags, duplicate keys and all),
/// each value paid for as it is built.
#[derive(Clone, Copy)]
struct Node<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.0.spend(1)?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        self.0.spend(1)?;
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        self.0.spend(1)?;
        Ok(Value::Number(u.into()))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.0.spend(1)?;
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.0.spend(1 + s.len())?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.0.spend(1 + s.len())?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.spend(1)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        self.0.spend(1)?;
        let mut sequence = Vec::new();
        loop {
            match items.next_element_seed(self) {
                Ok(Some(item)) => sequence.push(item),
                Ok(None) => break,
                Err(e) => {
                    let index = sequence.len();
                    self.0.trace(|| index.to_string());
                    return Err(e);
                }
            }
        }
        Ok(Value::Sequence(sequence))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        self.0.spend(1)?;
        let mut mapping = Mapping::new();
        // A limit passed inside a key has no pointer below the mapping.
        while let Some(key) = entries.next_key_seed(self)? {
            if mapping.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate entry {}", shown_key(&key))));
            }
            match entries.next_value_seed(self) {
                Ok(value) => {
                    mapping.insert(key, value);
                }
                Err(e) => {
                    self.0.trace(|| token_of(&key));
                    return Err(e);
                }
            }
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged node (`!name value`), as serde_yaml reads it into `Value::Tagged`.
        let (tag, contents) = data.variant_seed(TagName)?;
        self.0.spend(1)?;
        let value = contents.newtype_variant_seed(self)?;
        Ok(Value::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value })))
    }
}

/// The tag of a tagged node.
struct TagName;

impl<'de> DeserializeSeed<'de> for TagName {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        let tag = String::deserialize(deserializer)?;
        if tag.is_empty() {
            return Err(de::Error::custom("empty YAML tag is not allowed"));
        }
        Ok(tag)
    }
}

/// A key in serde_yaml's words for a duplicate entry.
fn shown_key(key: &Value) -> String {
    match key {
        Value::Null => "with null key".to_owned(),
        Value::Bool(b) => format!("with key `{b}`"),
        Value::Number(n) => format!("with key {n}"),
        Value::String(s) => format!("with key {s:?}"),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => "in YAML map".to_owned(),
    }
}

/// A key as a JSON pointer token.
fn token_of(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_yaml_reads() {
        let text = "a: [1, -2, 3.5, .inf, true, null, '', x]\n? [k]\n: {b: !t {c: 1}}\nd: &d {e: f}\ng: *d\n'h': ~\n";
        assert_eq!(parse("t.yaml", text).unwrap(), serde_yaml::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_as_serde_yaml_has_them() {
        for text in ["a: 1\na: 2\n", "b:\n  - {a: 1, a: 2}\n"] {
            let e = parse("t.yaml", text).unwrap_err();
            let theirs = serde_yaml::from_str::<Value>(text).unwrap_err();
            assert_eq!(e.message(), format!("invalid YAML: {}", super::super::strip_location(&theirs)));
            let line = theirs.location().unwrap().line();
            assert!(matches!(e.location(), Some(Location::Line { line: l, .. }) if *l == line), "{e:?}");
        }
        let e = parse("t.yaml", "a: [\n").unwrap_err();
        assert!(e.message().starts_with("invalid YAML: "), "{e}");
        assert!(matches!(e.location(), Some(Location::Line { .. })), "{e:?}");
    }

    #[test]
    fn the_size_of_a_value_is_what_reading_it_spent() {
        let text = "a: [1, 'two', !t {c: three}]\nb: &b {d: [e]}\nf: *b\n";
        let value = parse("t.yaml", text).unwrap();
        // The mapping, then `a` and [1, 'two', the tag on {c: three}], `b` and {d: [e]}, `f` and its copy.
        assert_eq!(size_of(&value), 1 + (2 + (1 + 1 + 4 + (1 + (1 + 2 + 6)))) + (2 + (1 + 2 + (1 + 2))) + (2 + 6));
        // Reading spent exactly that: a limit one smaller is passed.
        let budget = Budget {
            remaining: Cell::new(size_of(&value) - 1),
            exceeded: Cell::new(false),
            tokens: RefCell::default(),
        };
        assert!(Node(&budget).deserialize(serde_yaml::Deserializer::from_str(text)).is_err());
        assert!(budget.exceeded.get());
        let budget =
            Budget { remaining: Cell::new(size_of(&value)), exceeded: Cell::new(false), tokens: RefCell::default() };
        assert!(Node(&budget).deserialize(serde_yaml::Deserializer::from_str(text)).is_ok());
        assert_eq!(budget.remaining.get(), 0);
    }

    #[test]
    fn a_long_string_repeated_counts_its_length() {
        let long = "x".repeat(20_000);
        let text = format!("a: &a {long}\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n");
        let e = parse("t.yaml", &text).unwrap_err();
        assert_eq!(e.pointer(), Some("/b/3"), "{e}");
    }
}
