//! Classic pagination (`limit`/`offset`/`more`/`total`) with PagerDuty's 10,000-record
//! ceiling: [`Session::get_page`] and [`Session::get_all`].

use arcade_tdk::ToolError;
use futures_util::{StreamExt, stream};
use serde_json::Value;

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
        let mut body = self.get(path, &query).await?;
        let items = match body.get_mut(key).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => return Err(missing_key(path, key)),
        };
        let num = |k: &str| body.get(k).and_then(Value::as_u64);
        Ok(Page {
            limit: num("limit").map_or(limit, |v| v as u32),
            offset: num("offset").map_or(offset, |v| v as u32),
            more: body.get("more").and_then(Value::as_bool).unwrap_or(false),
            total: num("total"),
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
}
