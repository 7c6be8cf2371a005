//! The pieces of a lenient serde reader: [`absent_for!`] writes the visitor methods
//! for the kinds of value a reader does not take (each skipped and read as absent), and
//! [`SeqVisitor`] reads an array, anything else as `None`. A lenient reader never fails
//! on a value of the wrong kind, only on JSON that is not well formed: PagerDuty's
//! objects grow fields and change types more often than a tool should fail for it.
//! `tools::de` builds the field readers of the output structs from them, and
//! [`super::Session::get_page_of`] a page's records.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, SeqAccess, Visitor};

/// Writes the visitor methods for the kinds of value a reader does not take: each skips the
/// value (an array's or object's contents too) and reads as `$absent`.
macro_rules! absent_for {
    ($de:lifetime, $absent:expr; $($kind:ident),*) => { $(absent_for!(@ $kind, $de, $absent);)* };
    (@ bool, $de:lifetime, $absent:expr) => {
        fn visit_bool<E: ::serde::de::Error>(self, _: bool) -> Result<Self::Value, E> { Ok($absent) }
    };
    (@ i64, $de:lifetime, $absent:expr) => {
        fn visit_i64<E: ::serde::de::Error>(self, _: i64) -> Result<Self::Value, E> { Ok($absent) }
    };
    (@ u64, $de:lifetime, $absent:expr) => {
        fn visit_u64<E: ::serde::de::Error>(self, _: u64) -> Result<Self::Value, E> { Ok($absent) }
    };
    (@ f64, $de:lifetime, $absent:expr) => {
        fn visit_f64<E: ::serde::de::Error>(self, _: f64) -> Result<Self::Value, E> { Ok($absent) }
    };
    (@ str, $de:lifetime, $absent:expr) => {
        fn visit_str<E: ::serde::de::Error>(self, _: &str) -> Result<Self::Value, E> { Ok($absent) }
    };
    (@ unit, $de:lifetime, $absent:expr) => {
        fn visit_unit<E: ::serde::de::Error>(self) -> Result<Self::Value, E> { Ok($absent) }
    };
    (@ seq, $de:lifetime, $absent:expr) => {
        fn visit_seq<A: ::serde::de::SeqAccess<$de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<::serde::de::IgnoredAny>()?.is_some() {}
            Ok($absent)
        }
    };
    (@ map, $de:lifetime, $absent:expr) => {
        fn visit_map<A: ::serde::de::MapAccess<$de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<::serde::de::IgnoredAny, ::serde::de::IgnoredAny>()?.is_some() {}
            Ok($absent)
        }
    };
}

pub(crate) use absent_for;

/// The elements of an array, each read as `T`; anything but an array reads as `None`.
pub(crate) struct SeqVisitor<T>(pub PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SeqVisitor<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Some(items))
    }

    absent_for!('de, None; bool, i64, u64, f64, str, unit, map);
}
