//! How an output struct reads PagerDuty's JSON with serde, for the structs whose shape
//! is PagerDuty's: their fields have PagerDuty's names and say how each is read with
//! `#[serde(default, deserialize_with = "de::...")]`, and [`object`] reads one.
//!
//! The readers are as lenient as the hand-written mappers (`s`, `reference`,
//! `refs_at`, `Value::as_u64`): a field that is missing, `null`, an empty string or of
//! another type reads as absent, and never fails the whole object. `deserialize_with`
//! changes only how a field is read: schemars builds the schema from the field's type,
//! and `default` on an `Option` field that skips `None` adds no `default` keyword, so
//! the definitions stay as they are.
//!
//! A struct that computes a field (a name that falls back to the `summary`, a type
//! with `_reference` trimmed, a value nested deeper than its field) keeps its
//! hand-written `from_api`: serde cannot say "the first non-empty of these keys"
//! (an `alias` fails on an object that has both keys, and PagerDuty sends both). So
//! does a struct with a required `id`: a missing `id` reads as `""`, which serde does
//! only with `default`, and `default` would make `id` optional in the schema (the
//! definitions use schemars' deserialize contract).

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::Value;

use super::{Ref, reference as ref_of, text as text_of};

/// Reads an output struct from a PagerDuty object; anything but an object reads as
/// the struct's default (every field absent), as the hand-written mappers did.
pub(crate) fn object<T: DeserializeOwned + Default>(v: &Value) -> T {
    T::deserialize(v).unwrap_or_default()
}

/// A string: absent when empty, a number as its decimal text (like [`super::s`]).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text_of(&Value::deserialize(d)?))
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
    Ok(ref_of(&Value::deserialize(d)?))
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
