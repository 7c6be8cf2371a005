//! Classic pagination (`limit`/`offset`/`more`/`total`) with PagerDuty's 10,000-record
//! ceiling: [`Session::get_page`] and [`Session::get_all`].

use std::fmt;
use std::marker::PhantomData;

use arcade_tdk::ToolError;
use futures_util::{StreamExt, stream};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use serde_json::Value;

use super::lenient::{SeqVisitor, absent_for};
use super::session::missing_key;
use super::{MAX_OFFSET, MAX_PAGE_SIZE, Query, Session};

/// One page of a classic paginated list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page<T> {
    /// The records.
    pub items: Vec<T>,
    /// The page size PagerDuty applied.
    pub limit: u32,
    /// The offset of the first record.
    pub offset: u32,
    /// Whether PagerDuty has more records after this page.
    pub more: bool,
    /// The total, when it was asked for (`total=true`).
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The offset of the next page, or `None` at the end or at PagerDuty's 10,000
    /// ceiling (check [`Page::hit_ceiling`]).
    pub fn next_offset(&self) -> Option<u32> {
        if !self.more {
            return None;
        }
        let step = if self.items.is_empty() {
            self.limit.max(1)
        } else {
            self.items.len() as u32
        };
        let next = self.offset.saturating_add(step);
        (next < MAX_OFFSET).then_some(next)
    }

    /// Whether more records exist but classic pagination cannot reach them.
    pub fn hit_ceiling(&self) -> bool {
        self.more && self.next_offset().is_none()
    }
}

/// Every page of a list, up to a maximum.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllPages<T> {
    /// The records, in order.
    pub items: Vec<T>,
    /// Whether records were left out (the maximum or the 10,000 ceiling was reached).
    pub truncated: bool,
    /// The total PagerDuty reported, when known.
    pub total: Option<u64>,
}

impl Session {
    /// One page of a classic paginated list whose records are under `key`.
    /// `limit` is clamped to 1..=100; a page past the 10,000 ceiling is refused.
    pub async fn get_page(
        &self,
        path: &str,
        key: &str,
        query: &Query,
        limit: u32,
        offset: u32,
        total: bool,
    ) -> Result<Page<Value>, ToolError> {
        self.get_page_of(path, key, query, limit, offset, total)
            .await
    }

    /// [`Session::get_page`] with each record read as `T` straight from the body: the
    /// rest of the body (and whatever `T` does not keep of a record) is skipped, not
    /// built into [`Value`]s. `T` decides how leniently a record is read.
    pub(crate) async fn get_page_of<T: DeserializeOwned>(
        &self,
        path: &str,
        key: &str,
        query: &Query,
        limit: u32,
        offset: u32,
        total: bool,
    ) -> Result<Page<T>, ToolError> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE);
        if offset >= MAX_OFFSET {
            return Err(ToolError::bad_input(format!(
                "offset {offset} is beyond PagerDuty's pagination ceiling of {MAX_OFFSET} records; narrow the query (for example with since/until) instead."
            )));
        }
        let limit = limit.min(MAX_OFFSET - offset);
        let query = query
            .clone()
            .set("limit", limit)
            .set("offset", offset)
            .opt("total", total.then_some("true"));
        let body: PageBody<T> = self
            .get_with(path, &query, |body| {
                let mut de = serde_json::Deserializer::from_slice(body);
                let body = PageSeed::<T>::new(key).deserialize(&mut de)?;
                de.end().map(|()| body)
            })
            .await?;
        let items = body.items.ok_or_else(|| missing_key(path, key))?;
        Ok(Page {
            limit: body.limit.map_or(limit, |v| v as u32),
            offset: body.offset.map_or(offset, |v| v as u32),
            more: body.more.unwrap_or(false),
            total: body.total,
            items,
        })
    }

    /// Every record of a paginated list, up to `max_items` (and PagerDuty's 10,000
    /// ceiling). Pages of 100; once the first page reports `total`, the rest are
    /// fetched a few at a time concurrently, in order.
    pub async fn get_all(
        &self,
        path: &str,
        key: &str,
        query: &Query,
        max_items: usize,
    ) -> Result<AllPages<Value>, ToolError> {
        let max_items = max_items.min(MAX_OFFSET as usize);
        let first_limit = (max_items as u32).clamp(1, MAX_PAGE_SIZE);
        let first = self
            .get_page(path, key, query, first_limit, 0, true)
            .await?;
        let total = first.total;
        let mut more = first.more;
        let mut items = first.items;
        let page = first.limit.max(1);
        if more && items.len() < max_items {
            match total {
                Some(total) => {
                    let end = (total as usize).min(max_items);
                    let offsets: Vec<u32> = (items.len()..end)
                        .step_by(page as usize)
                        .map(|o| o as u32)
                        .collect();
                    let pages: Vec<Result<Page<Value>, ToolError>> = stream::iter(offsets)
                        .map(|offset| self.get_page(path, key, query, page, offset, false))
                        .buffered(self.client.inner.page_concurrency)
                        .collect()
                        .await;
                    for p in pages {
                        let p = p?;
                        more = p.more;
                        items.extend(p.items);
                    }
                }
                None => {
                    let mut offset = items.len() as u32;
                    while more && items.len() < max_items && offset < MAX_OFFSET {
                        let p = self.get_page(path, key, query, page, offset, false).await?;
                        more = p.more;
                        if p.items.is_empty() {
                            break;
                        }
                        offset += p.items.len() as u32;
                        items.extend(p.items);
                    }
                }
            }
        }
        let truncated = items.len() > max_items
            || more
            || total.is_some_and(|t| (t as usize) > items.len().min(max_items));
        items.truncate(max_items);
        Ok(AllPages {
            items,
            truncated,
            total,
        })
    }
}

/// What a page's body holds: the records under its key (`None` when that is not an
/// array) and the pagination fields (`None` when absent or of another type).
struct PageBody<T> {
    items: Option<Vec<T>>,
    limit: Option<u64>,
    offset: Option<u64>,
    more: Option<bool>,
    total: Option<u64>,
}

/// Reads a [`PageBody`] whose records are under `key`; anything but an object reads as
/// a body without records.
struct PageSeed<'k, T> {
    key: &'k str,
    records: PhantomData<T>,
}

impl<'k, T> PageSeed<'k, T> {
    fn new(key: &'k str) -> Self {
        Self {
            key,
            records: PhantomData,
        }
    }
}

/// The key of a page's field: its records, a pagination field, or another.
enum PageKey {
    Items,
    Limit,
    Offset,
    More,
    Total,
    Other,
}

/// Reads a [`PageKey`], the records' key being `.0`.
struct KeySeed<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = PageKey;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PageKey, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = PageKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PageKey, E> {
        Ok(match v {
            _ if v == self.0 => PageKey::Items,
            "limit" => PageKey::Limit,
            "offset" => PageKey::Offset,
            "more" => PageKey::More,
            "total" => PageKey::Total,
            _ => PageKey::Other,
        })
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PageSeed<'_, T> {
    type Value = PageBody<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PageBody<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PageSeed<'_, T> {
    type Value = PageBody<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a page of `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageBody<T>, A::Error> {
        let mut body = Self::Value::empty();
        while let Some(key) = map.next_key_seed(KeySeed(self.key))? {
            match key {
                PageKey::Items => {
                    body.items = map.next_value_seed(Records(PhantomData))?;
                }
                PageKey::Limit => body.limit = map.next_value::<Value>()?.as_u64(),
                PageKey::Offset => body.offset = map.next_value::<Value>()?.as_u64(),
                PageKey::More => body.more = map.next_value::<Value>()?.as_bool(),
                PageKey::Total => body.total = map.next_value::<Value>()?.as_u64(),
                PageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(body)
    }

    absent_for!('de, PageBody::empty(); bool, i64, u64, f64, str, unit, seq);
}

impl<T> PageBody<T> {
    fn empty() -> Self {
        Self {
            items: None,
            limit: None,
            offset: None,
            more: None,
            total: None,
        }
    }
}

/// A page's records: an array of `T`, anything else `None`.
struct Records<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Records<T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(SeqVisitor(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_offset_and_ceiling() {
        let page = |offset, n, more| Page::<u8> {
            items: vec![0; n],
            limit: 100,
            offset,
            more,
            total: None,
        };
        assert_eq!(page(0, 100, true).next_offset(), Some(100));
        assert_eq!(page(0, 10, false).next_offset(), None);
        assert!(page(9_900, 100, true).hit_ceiling());
    }

    fn body<T: DeserializeOwned>(json: &str) -> PageBody<T> {
        let mut de = serde_json::Deserializer::from_str(json);
        PageSeed::new("incidents").deserialize(&mut de).unwrap()
    }

    #[test]
    fn a_page_body_reads_its_records_and_pagination_fields_and_skips_the_rest() {
        let b: PageBody<Value> = body(
            r#"{"more": true, "x": {"incidents": [9]}, "limit": 25, "incidents": [{"id": "P1"}, 2],
                "offset": "5", "total": null}"#,
        );
        assert_eq!(
            b.items,
            Some(vec![serde_json::json!({"id": "P1"}), 2.into()])
        );
        assert_eq!(
            (b.limit, b.offset, b.more, b.total),
            (Some(25), None, Some(true), None)
        );
    }

    #[test]
    fn records_that_are_not_an_array_or_a_body_that_is_not_an_object_read_as_none() {
        assert_eq!(body::<Value>(r#"{"incidents": {"id": "P1"}}"#).items, None);
        assert_eq!(body::<Value>(r#"{"users": []}"#).items, None);
        assert_eq!(body::<Value>("[1, 2]").items, None);
        assert_eq!(body::<Value>("null").items, None);
        let mut de = serde_json::Deserializer::from_str(r#"{"incidents": [1, }"#);
        assert!(
            PageSeed::<Value>::new("incidents")
                .deserialize(&mut de)
                .is_err()
        );
    }
}
