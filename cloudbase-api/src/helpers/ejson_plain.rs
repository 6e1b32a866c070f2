//! Decoding strict Extended JSON into the types a struct declares: a plain `i64` field reads
//! `{"$numberLong": "61"}`, a `String` field reads `{"$date": ...}` as RFC 3339, while an
//! [`Int32`](super::Int32) field or a `serde_json::Value` still sees the wrapper itself.
//!
//! The decoder walks the document as the target type asks for it (a serde `Deserializer` over
//! `&Value`): where the type asks for a number, a string or a `SystemTime` and the value is a
//! wrapper whose meaning is unambiguous there, it hands over the plain value; everywhere else
//! (`deserialize_any`: `Value`, the ejson types, untagged enums) the value goes as it is.

use super::{days_from_civil, double_from_text, parse_rfc3339};
use serde::Deserializer;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{DeserializeSeed, EnumAccess, Error as _, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Value};

type Error = serde_json::Error;

/// The one key of a wrapper object (`{"$numberLong": ...}`), with its value.
fn wrapper(value: &Value) -> Option<(&str, &Value)> {
    let object = value.as_object()?;
    if object.len() != 1 {
        return None;
    }
    object.iter().next().map(|(key, inner)| (key.as_str(), inner))
}

/// A wrapped number: `$numberInt` and `$numberLong` as integers, `$numberDouble` as a float.
enum Number {
    Integer(i64),
    Float(f64),
}

fn number(value: &Value) -> Result<Option<Number>, Error> {
    let Some((key, inner)) = wrapper(value) else { return Ok(None) };
    let text = match (key, inner) {
        ("$numberInt" | "$numberLong" | "$numberDouble", Value::String(text)) => text,
        ("$numberInt" | "$numberLong" | "$numberDouble", other) => {
            return Err(Error::custom(format!("`{key}` must hold a string, not {other}")));
        }
        _ => return Ok(None),
    };
    let invalid = || Error::custom(format!("`{text}` is not a valid {key}"));
    Ok(Some(match key {
        "$numberInt" => Number::Integer(text.parse::<i32>().map_err(|_| invalid())?.into()),
        "$numberLong" => Number::Integer(text.parse().map_err(|_| invalid())?),
        _ => Number::Float(double_from_text(text).ok_or_else(invalid)?),
    }))
}

/// The milliseconds since the epoch of `{"$date": ...}` (canonical `{"$numberLong": ...}`,
/// relaxed RFC 3339 text, or a bare integer).
fn date_millis(value: &Value) -> Result<Option<i64>, Error> {
    let Some(("$date", inner)) = wrapper(value) else { return Ok(None) };
    let millis = match inner {
        Value::String(text) => parse_rfc3339(text),
        Value::Number(n) => n.as_i64(),
        other => match number(other)? {
            Some(Number::Integer(millis)) => Some(millis),
            _ => None,
        },
    };
    millis.map(Some).ok_or_else(|| Error::custom(format!("unexpected $date value {inner}")))
}

/// `millis` as RFC 3339 in UTC with milliseconds (`2024-01-02T03:04:05.678Z`), for years 0 to
/// 9999 (what four year digits hold).
fn rfc3339(millis: i64) -> Option<String> {
    let (days, in_day) = (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000));
    let (year, month, day) = civil_from_days(days)?;
    if !(0..=9999).contains(&year) {
        return None;
    }
    let (seconds, millis) = (in_day / 1000, in_day % 1000);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    ))
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm,
/// the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> Option<(i64, i64, i64)> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = era.checked_mul(400)?.checked_add(yoe)? + i64::from(month <= 2);
    debug_assert_eq!(days_from_civil(year, month, day), Some(days));
    Some((year, month, day))
}

/// A value of a document, decoded as the target type asks.
#[derive(Clone, Copy)]
pub(super) struct Plain<'a>(pub(super) &'a Value);

macro_rules! numbers {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match number(self.0)? {
                Some(Number::Integer(n)) => visitor.visit_i64(n),
                Some(Number::Float(f)) => visitor.visit_f64(f),
                None => self.0.$method(visitor),
            }
        }
    )*};
}

macro_rules! as_json {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Plain<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
            other => other.deserialize_any(visitor),
        }
    }

    numbers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
    );

    as_json!(
        deserialize_bool,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(millis) = date_millis(self.0)? {
            let text =
                rfc3339(millis).ok_or_else(|| Error::custom(format!("$date {millis} is outside years 0-9999")))?;
            return visitor.visit_string(text);
        }
        match wrapper(self.0) {
            Some(("$oid" | "$numberDecimal", Value::String(text))) => visitor.visit_borrowed_str(text),
            _ => self.0.deserialize_str(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // `std::time::SystemTime` reads itself as this struct.
        if name == "SystemTime"
            && fields == ["secs_since_epoch", "nanos_since_epoch"]
            && let Some(millis) = date_millis(self.0)?
        {
            if millis < 0 {
                return Err(Error::custom(format!("$date {millis} is before 1970, which SystemTime does not read")));
            }
            let since = serde_json::json!({
                "secs_since_epoch": millis / 1000,
                "nanos_since_epoch": (millis % 1000) * 1_000_000,
            });
            return since.deserialize_struct(name, fields, visitor);
        }
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) if map.len() == 1 => visitor.visit_enum(Variant(map.iter().next())),
            other => other.deserialize_enum(name, variants, visitor),
        }
    }
}

struct Items<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|item| seed.deserialize(Plain(item))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'a> {
    entries: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'a> Entries<'a> {
    fn new(map: &'a Map<String, Value>) -> Self {
        Entries { entries: map.iter(), value: None }
    }
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().ok_or_else(|| Error::custom("a map value was asked for before its key"))?;
        seed.deserialize(Plain(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An externally tagged enum variant `{"Variant": payload}`.
struct Variant<'a>(Option<(&'a String, &'a Value)>);

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Error;
    type Variant = Plain<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Plain<'de>), Error> {
        let (name, payload) = self.0.ok_or_else(|| Error::custom("an enum needs one variant"))?;
        Ok((seed.deserialize(BorrowedStrDeserializer::new(name))?, Plain(payload)))
    }
}

impl<'de> VariantAccess<'de> for Plain<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        serde::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DateTime, Int32, Int64, ObjectId, from_document};
    use serde::Deserialize;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    /// A document as the server answers it: every number and date wrapped (canonical form).
    fn strict() -> Value {
        json!({
            "_id": {"$oid": "507f1f77bcf86cd799439011"},
            "name": "李白",
            "age": {"$numberInt": "61"},
            "works": {"$numberLong": "1010"},
            "height": {"$numberDouble": "1.75"},
            "born": {"$date": {"$numberLong": "1700000000123"}},
            "tags": [{"$numberInt": "1"}, {"$numberInt": "2"}],
            "scores": {"poetry": {"$numberDouble": "9.5"}},
            "missing": null
        })
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Poet {
        #[serde(rename = "_id")]
        id: String,
        name: String,
        age: i64,
        works: u32,
        height: f64,
        born: String,
        tags: Vec<u8>,
        scores: BTreeMap<String, f32>,
        missing: Option<i64>,
    }

    #[test]
    fn plain_types_read_the_wrapped_values() {
        let poet: Poet = from_document(&strict()).unwrap();
        assert_eq!(
            poet,
            Poet {
                id: "507f1f77bcf86cd799439011".into(),
                name: "李白".into(),
                age: 61,
                works: 1010,
                height: 1.75,
                born: "2023-11-14T22:13:20.123Z".into(),
                tags: vec![1, 2],
                scores: BTreeMap::from([("poetry".to_owned(), 9.5)]),
                missing: None,
            }
        );
    }

    #[test]
    fn wrappers_and_values_still_see_the_exact_type() {
        #[derive(Debug, Deserialize)]
        struct Exact {
            #[serde(rename = "_id")]
            id: ObjectId,
            age: Int32,
            works: Int64,
            born: DateTime,
            #[serde(flatten)]
            rest: BTreeMap<String, Value>,
        }
        let exact: Exact = from_document(&strict()).unwrap();
        assert_eq!((exact.id.as_str(), exact.age, exact.works), ("507f1f77bcf86cd799439011", Int32(61), Int64(1010)));
        assert_eq!(exact.born, DateTime(1_700_000_000_123));
        assert_eq!(exact.rest["height"], json!({"$numberDouble": "1.75"}));
        let whole: Value = from_document(&strict()).unwrap();
        assert_eq!(whole, strict());
    }

    #[test]
    fn dates_read_as_system_time_and_relaxed_forms_too() {
        #[derive(Debug, Deserialize)]
        struct When {
            at: SystemTime,
            text: String,
        }
        let when: When = from_document(&json!({
            "at": {"$date": {"$numberLong": "1700000000123"}},
            "text": {"$date": "2024-02-29T12:00:00+08:00"}
        }))
        .unwrap();
        assert_eq!(when.at, UNIX_EPOCH + Duration::from_millis(1_700_000_000_123));
        assert_eq!(when.text, "2024-02-29T04:00:00.000Z");
        let before: Result<When, _> = from_document(&json!({"at": {"$date": {"$numberLong": "-1"}}, "text": "x"}));
        assert!(before.unwrap_err().to_string().contains("before 1970"));
    }

    #[test]
    fn ambiguous_or_out_of_range_values_are_errors() {
        #[derive(Debug, Deserialize)]
        struct Small {
            #[allow(dead_code)]
            n: u8,
        }
        for (value, says) in [
            (json!({"n": {"$numberInt": "300"}}), "300"),
            (json!({"n": {"$numberDouble": "1.5"}}), "floating point"),
            (json!({"n": {"$numberInt": "x"}}), "not a valid $numberInt"),
            (json!({"n": {"$numberLong": 5}}), "must hold a string"),
            (json!({"n": {"$date": {"$numberLong": "5"}}}), "expected u8"),
        ] {
            let error = from_document::<Small>(&value).unwrap_err().to_string();
            assert!(error.contains(says), "{value}: {error}");
        }
        assert!(from_document::<i32>(&json!({"$numberInt": "3000000000"})).is_err(), "out of i32");
    }

    #[test]
    fn dates_format_and_parse_back() {
        for millis in [0, 1, -1, 951_782_400_000, 253_402_300_799_999, -62_167_219_200_000] {
            let text = super::rfc3339(millis).unwrap();
            assert_eq!(super::parse_rfc3339(&text), Some(millis), "{text}");
        }
        assert_eq!(super::rfc3339(253_402_300_800_000), None, "year 10000");
        assert_eq!(super::rfc3339(-62_167_219_200_001), None, "before year 0");
    }

    #[test]
    fn enums_read_their_payload_plainly() {
        #[derive(Debug, Deserialize, PartialEq)]
        enum Shape {
            Circle { radius: i64 },
            Square(i64),
            Dot,
        }
        let shapes: Vec<Shape> = from_document(
            &json!([{"Circle": {"radius": {"$numberInt": "2"}}}, {"Square": {"$numberLong": "3"}}, "Dot"]),
        )
        .unwrap();
        assert_eq!(shapes, [Shape::Circle { radius: 2 }, Shape::Square(3), Shape::Dot]);
    }
}
