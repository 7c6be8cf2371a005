//! How an output struct reads PagerDuty's JSON with serde, for the structs whose shape
//! is PagerDuty's: their fields have PagerDuty's names and say how each is read with
//! `#[serde(default, deserialize_with = "de::...")]`, and [`object`] reads one.
//!
//! The readers are as lenient as the hand-written mappers (`s`, `reference`,
//! `refs_at`, `Value::as_u64`, which use them): a field that is missing, `null`, an empty string or of
//! another type reads as absent, and never fails the whole object. `deserialize_with`
//! changes only how a field is read: schemars builds the schema from the field's type,
//! and `default` on an `Option` field that skips `None` adds no `default` keyword, so
//! the definitions stay as they are.
//!
//! A struct that computes a field (a name that falls back to the `summary`, a type
//! with `_reference` trimmed, a value nested deeper than its field) cannot say so in
//! serde: "the first non-empty of these keys" is not an attribute (an `alias` fails on
//! an object that has both keys, and PagerDuty sends both). Such a struct either keeps
//! a hand-written `from_api`, or is read into a private struct of PagerDuty's shape
//! and computed from it with `From` (`incidents::ApiIncident`, which a typed page reads
//! without a `Value` in between). So does a struct with a required `id`: a missing `id`
//! reads as `""`, which serde does only with `default`, and `default` would make `id`
//! optional in the schema (the definitions use schemars' deserialize contract).
//!
//! These readers are the one place that says what a text or a reference is: the
//! `Value` helpers `tools::text` and `tools::reference` read through them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use serde_json::Value;

use super::Ref;
use crate::client::lenient::{SeqVisitor, absent_for};

/// Reads an output struct from a PagerDuty object; anything but an object reads as
/// the struct's default (every field absent), as the hand-written mappers did.
pub(crate) fn object<T: DeserializeOwned + Default>(v: &Value) -> T {
    Object::<T>::deserialize(v).map_or_else(|_| T::default(), |o| o.0)
}

/// A string: absent when empty, a number as its decimal text (like [`super::s`]).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// A number or a boolean: absent when of another type (like `Value::as_u64`,
/// `as_i64`, `as_f64`, `as_bool`).
pub(crate) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    Ok(T::deserialize(Value::deserialize(d)?).ok())
}

/// A reference (`{id, summary}` or a full object; like [`super::ref_at`]).
pub(crate) fn reference<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Ref>, D::Error> {
    d.deserialize_any(RefVisitor)
}

/// An array of references, those without an `id` left out (like [`super::refs_at`]);
/// anything but an array reads as none.
pub(crate) fn references<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ref>, D::Error> {
    d.deserialize_any(SeqVisitor(PhantomData::<Reference>))
        .map(|refs| {
            refs.unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.0)
                .collect()
        })
}

/// An array of objects, each read as [`object`] reads one; anything but an array reads
/// as none.
pub(crate) fn objects<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    d.deserialize_any(SeqVisitor(PhantomData::<Object<T>>))
        .map(|items| items.unwrap_or_default().into_iter().map(|o| o.0).collect())
}

/// A struct read from an object, or its default from anything else: the record type
/// of a typed page ([`crate::client::Session::get_page_of`]) and of [`objects`].
#[derive(Debug, Default)]
pub(crate) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// A reference read as [`reference`] reads one, as an array element.
struct Reference(Option<Ref>);

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        reference(d).map(Reference)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map(|n| n.to_string()))
    }

    absent_for!('de, None; bool, unit, seq, map);
}

/// The keys of a reference that matter.
enum RefKey {
    Id,
    Summary,
    Name,
    Title,
    Other,
}

impl<'de> Deserialize<'de> for RefKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = RefKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RefKey, E> {
                Ok(match v {
                    "id" => RefKey::Id,
                    "summary" => RefKey::Summary,
                    "name" => RefKey::Name,
                    "title" => RefKey::Title,
                    _ => RefKey::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// A text field of a reference, read as [`text`] reads one.
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d).map(Text)
    }
}

struct RefVisitor;

impl<'de> Visitor<'de> for RefVisitor {
    type Value = Option<Ref>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reference")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut id, mut summary, mut name, mut title) = (None, None, None, None);
        while let Some(key) = map.next_key::<RefKey>()? {
            let slot = match key {
                RefKey::Id => &mut id,
                RefKey::Summary => &mut summary,
                RefKey::Name => &mut name,
                RefKey::Title => &mut title,
                RefKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value::<Text>()?.0;
        }
        Ok(id.map(|id| Ref {
            id,
            name: summary.or(name).or(title),
        }))
    }

    absent_for!('de, None; bool, i64, u64, f64, str, unit, seq);
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for ObjectVisitor<T> {
    type Value = Object<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Object)
    }

    absent_for!('de, Object(T::default()); bool, i64, u64, f64, str, unit, seq);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::object;
    use crate::tools::Ref;
    use crate::tools::analytics::MetricsRow;
    use crate::tools::oncall::Oncall;

    #[test]
    fn fields_read_leniently_like_the_hand_written_mappers() {
        let o: Oncall = object(&json!({
            "user": {"id": "PU1", "summary": "", "name": "Alice"},
            "escalation_policy": {"id": "", "summary": "no id"},
            "escalation_level": "2",
            "schedule": "PS1",
            "start": "",
            "end": 5,
        }));
        assert_eq!(
            o.user,
            Some(Ref {
                id: "PU1".into(),
                name: Some("Alice".into())
            })
        );
        assert_eq!(o.escalation_policy, None);
        assert_eq!(o.escalation_level, None);
        assert_eq!(o.schedule, None);
        assert_eq!(o.start, None);
        assert_eq!(o.end.as_deref(), Some("5"));
    }

    #[test]
    fn numbers_of_another_kind_read_as_absent() {
        let row: MetricsRow = object(&json!({
            "total_incident_count": -1,
            "mean_seconds_to_resolve": 3.5,
            "up_time_pct": 99,
            "service_id": "PSVC001",
        }));
        assert_eq!(row.total_incident_count, None);
        assert_eq!(row.mean_seconds_to_resolve, None);
        assert_eq!(row.up_time_pct, Some(99.0));
        assert_eq!(row.service_id.as_deref(), Some("PSVC001"));
    }

    #[test]
    fn anything_but_an_object_reads_as_the_default() {
        assert_eq!(object::<Oncall>(&json!(["PU1"])), Oncall::default());
        assert_eq!(object::<MetricsRow>(&json!(null)), MetricsRow::default());
    }
}
