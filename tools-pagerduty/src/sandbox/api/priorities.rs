//! Priorities.

use super::common::{Q, Reply, paginate};
use crate::sandbox::Db;

/// `GET /priorities`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    paginate(db.priorities.clone(), "priorities", q)
}
