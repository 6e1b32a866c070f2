//! MongoDB Extended JSON types for the NoSQL database: requests may use the relaxed or the
//! strict form, replies use the strict form. Each type here reads both and writes the strict
//! (canonical) form, so documents round-trip without losing a type.
//!
//! ```
//! use cloudbase_api::ejson::{DateTime, Int32, ObjectId};
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Poet {
//!     #[serde(rename = "_id")]
//!     id: ObjectId,
//!     name: String,
//!     age: Int32,
//!     born: DateTime,
//! }
//!
//! let strict = r#"{"_id": {"$oid": "507f1f77bcf86cd799439011"}, "name": "李白",
//!                  "age": {"$numberInt": "61"}, "born": {"$date": {"$numberLong": "-40514083200000"}}}"#;
//! let poet: Poet = serde_json::from_str(strict).unwrap();
//! assert_eq!(poet.age, Int32(61));
//! let relaxed = r#"{"_id": {"$oid": "507f1f77bcf86cd799439011"}, "name": "李白", "age": 61,
//!                   "born": {"$date": "0686-02-28T00:00:00Z"}}"#;
//! let same: Poet = serde_json::from_str(relaxed).unwrap();
//! assert_eq!(same.born, poet.born);
//! ```

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};
use std::fmt;

fn wrapper<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    if object.len() == 1 { object.get(key) } else { None }
}

fn number_text<E: serde::de::Error>(value: &Value, key: &str) -> Result<Option<String>, E> {
    match wrapper(value, key) {
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(E::custom(format!("`{key}` must hold a string, not {other}"))),
        None => Ok(None),
    }
}

macro_rules! number_type {
    ($name:ident, $inner:ty, $key:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        pub struct $name(pub $inner);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                json!({ $key: self.0.to_string() }).serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                if let Some(text) = number_text::<D::Error>(&value, $key)? {
                    return text.parse().map($name).map_err(|_| D::Error::custom(format!("`{}` is not a valid {}", text, $key)));
                }
                relaxed_number::<$inner>(&value).map($name).ok_or_else(|| D::Error::custom(format!("expected a number or {{\"{}\": ...}}, got {value}", $key)))
            }
        }
    };
}

fn relaxed_number<T: std::str::FromStr>(value: &Value) -> Option<T> {
    match value {
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

number_type!(
    Int32,
    i32,
    "$numberInt",
    "A 32-bit integer: `{\"$numberInt\": \"30\"}`, or a plain number in relaxed form."
);
number_type!(
    Int64,
    i64,
    "$numberLong",
    "A 64-bit integer: `{\"$numberLong\": \"30\"}`, or a plain number in relaxed form."
);

/// A decimal kept as written: `{"$numberDecimal": "0.1"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decimal128(pub String);

impl Serialize for Decimal128 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$numberDecimal": self.0 }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Decimal128 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        number_text::<D::Error>(&value, "$numberDecimal")?
            .map(Decimal128)
            .ok_or_else(|| D::Error::custom(format!("expected {{\"$numberDecimal\": ...}}, got {value}")))
    }
}

/// A 64-bit float: `{"$numberDouble": "1.5"}` (also `"Infinity"`, `"-Infinity"`, `"NaN"`), or a
/// plain number in relaxed form.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Double(pub f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = if self.0.is_nan() {
            "NaN".to_owned()
        } else if self.0.is_infinite() {
            if self.0 > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        } else if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            format!("{:.1}", self.0)
        } else {
            self.0.to_string()
        };
        json!({ "$numberDouble": text }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Double {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if let Some(text) = number_text::<D::Error>(&value, "$numberDouble")? {
            return double_from_text(&text)
                .map(Double)
                .ok_or_else(|| D::Error::custom(format!("`{text}` is not a valid $numberDouble")));
        }
        value
            .as_f64()
            .map(Double)
            .ok_or_else(|| D::Error::custom(format!("expected a number or {{\"$numberDouble\": ...}}, got {value}")))
    }
}

/// The value of a `$numberDouble`'s text: a decimal number, `Infinity`, `-Infinity` or `NaN`.
fn double_from_text(text: &str) -> Option<f64> {
    match text {
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        other => other.parse().ok(),
    }
}

/// A 12-byte ObjectId, as 24 hex digits: `{"$oid": "507f1f77bcf86cd799439011"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(String);

impl ObjectId {
    /// Checks that `hex` is 24 hexadecimal digits.
    pub fn parse(hex: &str) -> Result<ObjectId, String> {
        if hex.len() == 24 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(ObjectId(hex.to_ascii_lowercase()))
        } else {
            Err(format!("`{hex}` is not 24 hexadecimal digits"))
        }
    }

    /// The 24 hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ObjectId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$oid": self.0 }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ObjectId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match wrapper(&value, "$oid") {
            Some(Value::String(hex)) => ObjectId::parse(hex).map_err(D::Error::custom),
            _ => Err(D::Error::custom(format!("expected {{\"$oid\": ...}}, got {value}"))),
        }
    }
}

/// A point in time, in milliseconds since the Unix epoch (UTC). Strict form
/// `{"$date": {"$numberLong": "..."}}`; relaxed `{"$date": "2024-01-02T03:04:05.678Z"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DateTime(pub i64);

impl DateTime {
    /// The time now.
    pub fn now() -> DateTime {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        DateTime(since.as_millis() as i64)
    }

    /// Milliseconds since the Unix epoch.
    pub fn timestamp_millis(self) -> i64 {
        self.0
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$date": { "$numberLong": self.0.to_string() } }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let Some(inner) = wrapper(&value, "$date") else {
            return Err(D::Error::custom(format!("expected {{\"$date\": ...}}, got {value}")));
        };
        if let Some(text) = number_text::<D::Error>(inner, "$numberLong")? {
            return text
                .parse()
                .map(DateTime)
                .map_err(|_| D::Error::custom(format!("`{text}` is not a valid $numberLong")));
        }
        match inner {
            Value::String(text) => parse_rfc3339(text)
                .map(DateTime)
                .ok_or_else(|| D::Error::custom(format!("`{text}` is not an ISO-8601 date"))),
            Value::Number(n) => {
                n.as_i64().map(DateTime).ok_or_else(|| D::Error::custom("a $date number must be an integer"))
            }
            other => Err(D::Error::custom(format!("unexpected $date value {other}"))),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` -> milliseconds since the epoch.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, time) = text.split_once(['T', 't'])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: i64 = date_parts.next()?.parse().ok()?;
    let day: i64 = date_parts.next()?.parse().ok()?;
    let (clock, offset_minutes) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let sign_at = time.rfind(['+', '-'])?;
        let (clock, offset) = time.split_at(sign_at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (h, m) = offset[1..].split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        if !(0..=23).contains(&h) || !(0..=59).contains(&m) {
            return None;
        }
        (clock, sign * (h * 60 + m))
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, fraction),
        None => (clock, ""),
    };
    let mut hms = hms.splitn(3, ':');
    let (h, m, s): (i64, i64, i64) = (hms.next()?.parse().ok()?, hms.next()?.parse().ok()?, hms.next()?.parse().ok()?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || !(0..=23).contains(&h)
        || !(0..=59).contains(&m)
        || !(0..=60).contains(&s)
    {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis: i64 =
        if fraction.is_empty() { 0 } else { format!("{:0<3}", &fraction[..fraction.len().min(3)]).parse().ok()? };
    // The year comes from the wire: out of range is "not a date", never an overflow.
    let seconds = days_from_civil(year, month, day)?
        .checked_mul(86_400)?
        .checked_add(h * 3600 + m * 60 + s)?
        .checked_sub(offset_minutes.checked_mul(60)?)?;
    seconds.checked_mul(1000)?.checked_add(millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), `None`
/// when the year is too far out for the arithmetic.
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    let y = if month <= 2 { year.checked_sub(1)? } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era.checked_mul(146_097)?.checked_add(doe - 719_468)
}

/// Binary data: `{"$binary": {"base64": "...", "subType": "00"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    /// The bytes, base64-encoded.
    pub base64: String,
    /// The BSON subtype, two hex digits (`00` generic, `04` UUID).
    pub subtype: String,
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$binary": { "base64": self.base64, "subType": self.subtype } }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let object = value.as_object();
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        // Canonical form, then the legacy `{"$binary": "...", "$type": "00"}`.
        if let Some(inner) = wrapper(&value, "$binary").and_then(Value::as_object)
            && let (Some(base64), Some(subtype)) = (text(inner.get("base64")), text(inner.get("subType")))
        {
            return Ok(Binary { base64, subtype });
        }
        if let Some(object) = object
            && object.len() == 2
            && let (Some(base64), Some(subtype)) = (text(object.get("$binary")), text(object.get("$type")))
        {
            return Ok(Binary { base64, subtype });
        }
        Err(D::Error::custom(format!("expected {{\"$binary\": {{\"base64\", \"subType\"}}}}, got {value}")))
    }
}

/// A regular expression: `{"$regularExpression": {"pattern": "^李", "options": "i"}}`; the
/// legacy `{"$regex": "^李", "$options": "i"}` is read too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regex {
    /// The pattern.
    pub pattern: String,
    /// Option letters, e.g. `i`.
    pub options: String,
}

impl Serialize for Regex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$regularExpression": { "pattern": self.pattern, "options": self.options } }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Regex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        if let Some(inner) = wrapper(&value, "$regularExpression").and_then(Value::as_object)
            && let Some(pattern) = text(inner.get("pattern"))
        {
            return Ok(Regex { pattern, options: text(inner.get("options")).unwrap_or_default() });
        }
        if let Some(object) = value.as_object()
            && let Some(pattern) = text(object.get("$regex"))
            && object.keys().all(|k| k == "$regex" || k == "$options")
        {
            return Ok(Regex { pattern, options: text(object.get("$options")).unwrap_or_default() });
        }
        Err(D::Error::custom(format!("expected {{\"$regularExpression\": ...}}, got {value}")))
    }
}

/// A BSON timestamp: `{"$timestamp": {"t": 1565545664, "i": 1}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    /// Seconds since the epoch.
    pub t: u32,
    /// Ordinal within the second.
    pub i: u32,
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$timestamp": { "t": self.t, "i": self.i } }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let inner = wrapper(&value, "$timestamp").and_then(Value::as_object);
        let field =
            |name: &str| inner.and_then(|o| o.get(name)).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        match (field("t"), field("i")) {
            (Some(t), Some(i)) => Ok(Timestamp { t, i }),
            _ => Err(D::Error::custom(format!("expected {{\"$timestamp\": {{\"t\", \"i\"}}}}, got {value}"))),
        }
    }
}

macro_rules! key_type {
    ($name:ident, $key:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                json!({ $key: 1 }).serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                match wrapper(&value, $key) {
                    Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok($name),
                    _ => Err(D::Error::custom(format!("expected {{\"{}\": 1}}, got {value}", $key))),
                }
            }
        }
    };
}

key_type!(MinKey, "$minKey", "The value below every other: `{\"$minKey\": 1}`.");
key_type!(MaxKey, "$maxKey", "The value above every other: `{\"$maxKey\": 1}`.");

/// Decodes a document as the server sends it (strict Extended JSON) into `T`, reading each
/// wrapped value as the plain type `T` declares where that is unambiguous:
///
/// | `T` declares | reads |
/// |---|---|
/// | an integer (`i64`, `u8`, ...) | `{"$numberInt": "61"}`, `{"$numberLong": "61"}` (range-checked) |
/// | a float (`f64`, `f32`) | `{"$numberDouble": "1.5"}` (`"NaN"`, `"Infinity"` too), the integers above |
/// | `String` (also `chrono::DateTime`, or `time`'s RFC 3339 serde) | `{"$date": ...}` as RFC 3339 in UTC with milliseconds; `{"$oid": ...}` and `{"$numberDecimal": ...}` as their text |
/// | `std::time::SystemTime` | `{"$date": ...}` from 1970 on |
///
/// Anything else sees the value as sent: the types of this module (for when the exact BSON type
/// matters, or to write it back), `serde_json::Value`, and untagged or internally tagged enums
/// (which serde buffers before deciding), which therefore need the wrapper types. A `$numberDouble`
/// for an integer, or a `$date` for a number, is an error rather than a guess. The
/// [`documents`](crate::documents) helpers decode replies with this.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Poet {
///     name: String,
///     age: i64,
///     born: String,
/// }
///
/// let reply = serde_json::json!({"name": "李白", "age": {"$numberInt": "61"},
///                                "born": {"$date": {"$numberLong": "1700000000123"}}});
/// let poet: Poet = cloudbase_api::ejson::from_document(&reply).unwrap();
/// assert_eq!((poet.age, poet.born.as_str()), (61, "2023-11-14T22:13:20.123Z"));
/// ```
pub fn from_document<'a, T: Deserialize<'a>>(document: &'a Value) -> Result<T, serde_json::Error> {
    T::deserialize(plain::Plain(document))
}

#[path = "ejson_plain.rs"]
mod plain;

/// A document for the NoSQL operations: `value` serialized (with the types above in strict
/// form) as a JSON object.
pub fn to_document(value: &impl Serialize) -> Result<Map<String, Value>, String> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("a document must be an object, not {other}")),
        Err(e) => Err(format!("cannot serialize the document: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug>(
        strict: Value,
        relaxed: Option<Value>,
        expected: T,
    ) {
        let from_strict: T = serde_json::from_value(strict.clone()).unwrap();
        assert_eq!(from_strict, expected);
        assert_eq!(serde_json::to_value(&from_strict).unwrap(), strict, "written strict");
        if let Some(relaxed) = relaxed {
            assert_eq!(serde_json::from_value::<T>(relaxed).unwrap(), expected);
        }
    }

    #[test]
    fn every_type_reads_strict_and_relaxed_and_writes_strict() {
        round_trip(json!({"$numberInt": "30"}), Some(json!(30)), Int32(30));
        round_trip(
            json!({"$numberLong": "9007199254740993"}),
            Some(json!(9007199254740993i64)),
            Int64(9_007_199_254_740_993),
        );
        round_trip(json!({"$numberDouble": "1.5"}), Some(json!(1.5)), Double(1.5));
        round_trip(json!({"$numberDouble": "2.0"}), Some(json!(2.0)), Double(2.0));
        round_trip(json!({"$numberDecimal": "0.1"}), None, Decimal128("0.1".into()));
        round_trip(
            json!({"$oid": "507f1f77bcf86cd799439011"}),
            None,
            ObjectId::parse("507f1f77bcf86cd799439011").unwrap(),
        );
        round_trip(
            json!({"$date": {"$numberLong": "1704164645678"}}),
            Some(json!({"$date": "2024-01-02T03:04:05.678Z"})),
            DateTime(1_704_164_645_678),
        );
        round_trip(
            json!({"$binary": {"base64": "AQID", "subType": "00"}}),
            Some(json!({"$binary": "AQID", "$type": "00"})),
            Binary { base64: "AQID".into(), subtype: "00".into() },
        );
        round_trip(
            json!({"$regularExpression": {"pattern": "^李", "options": "i"}}),
            Some(json!({"$regex": "^李", "$options": "i"})),
            Regex { pattern: "^李".into(), options: "i".into() },
        );
        round_trip(json!({"$timestamp": {"t": 1565545664, "i": 1}}), None, Timestamp { t: 1_565_545_664, i: 1 });
        round_trip(json!({"$minKey": 1}), None, MinKey);
        round_trip(json!({"$maxKey": 1}), None, MaxKey);
    }

    #[test]
    fn dates_with_offsets_and_special_doubles() {
        let offset: DateTime = serde_json::from_value(json!({"$date": "2024-01-02T11:04:05+08:00"})).unwrap();
        assert_eq!(offset, DateTime(1_704_164_645_000));
        let infinite: Double = serde_json::from_value(json!({"$numberDouble": "-Infinity"})).unwrap();
        assert_eq!(infinite.0, f64::NEG_INFINITY);
        assert!(serde_json::from_value::<Double>(json!({"$numberDouble": "NaN"})).unwrap().0.is_nan());
    }

    #[test]
    fn wrong_shapes_are_errors() {
        assert!(serde_json::from_value::<ObjectId>(json!({"$oid": "xyz"})).is_err());
        assert!(serde_json::from_value::<Int32>(json!({"$numberInt": "1.5"})).is_err());
        assert!(serde_json::from_value::<Int32>(json!("30")).is_err());
        assert!(serde_json::from_value::<DateTime>(json!({"$date": "yesterday"})).is_err());
        // Out of range or malformed: an error, never a panic or a wrapped value.
        for date in [
            "9223372036854775807-01-01T00:00:00Z",
            "-9223372036854775808-01-01T00:00:00Z",
            "292278994-08-17T07:12:55.808Z",
            "2024-01-02T03:04:05+9223372036854775807:00",
            "2024-01-02T03:04:05.éé9Z",
            "2024-01-02T-9223372036854775808:04:05Z",
        ] {
            let read = std::panic::catch_unwind(|| serde_json::from_value::<DateTime>(json!({ "$date": date })));
            assert!(read.as_ref().is_ok_and(|r| r.is_err()), "{date}: {read:?}");
        }
        let last: DateTime = serde_json::from_value(json!({"$date": "9999-12-31T23:59:59.999Z"})).unwrap();
        assert_eq!(last, DateTime(253_402_300_799_999));
        let before: DateTime = serde_json::from_value(json!({"$date": "1969-12-31T23:59:59.999Z"})).unwrap();
        assert_eq!(before, DateTime(-1));
        assert!(serde_json::from_value::<MinKey>(json!({"$minKey": 2})).is_err());
    }
}
