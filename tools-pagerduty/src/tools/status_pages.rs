//! Status pages: the pages, the severities, impacts and statuses a post is written
//! with, and the posts (incidents and maintenance shown to customers) with their updates.

use arcade_tdk::{ToolContext, ToolError, tool};
use futures_util::future::try_join3;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Ref, path_id, ref_at, s};
use crate::client::{Query, Session};

/// A status page.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPage {
    /// The status page ID (for GetStatusPage and ListStatusPagePosts).
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// `public` or `private`.
    pub status_page_type: Option<String>,
    /// The page's address.
    pub url: Option<String>,
    /// When it was published (ISO 8601 with zone).
    pub published_at: Option<String>,
}

impl StatusPage {
    pub(crate) fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name"),
            status_page_type: s(v, "status_page_type"),
            url: s(v, "url"),
            published_at: s(v, "published_at"),
        }
    }
}

/// The records of a status page list and whether PagerDuty has more.
fn listed<T>(answer: &Value, key: &str, map: impl Fn(&Value) -> T) -> (Vec<T>, bool) {
    let items = answer
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().map(map).collect())
        .unwrap_or_default();
    let more = answer.get("more").and_then(Value::as_bool).unwrap_or(false);
    (items, more)
}

/// The account's status pages.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPageList {
    /// The status pages.
    pub status_pages: Vec<StatusPage>,
    /// Whether PagerDuty has more than it returned (status page lists take no offset).
    pub more: bool,
}

/// Who a status page post is for.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StatusPageType {
    /// Public pages.
    Public,
    /// Private pages.
    Private,
}

impl StatusPageType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

/// List the account's status pages (what customers see about incidents and
/// maintenance), with their IDs. Use GetStatusPage for the severities, impacts and
/// statuses a post is written with, and ListStatusPagePosts for its posts.
#[tool(preset = super::pagerduty_read, output = "Status pages")]
pub async fn list_status_pages(
    context: ToolContext,
    /// Only `public` or `private` pages. Default is None (both).
    status_page_type: Option<StatusPageType>,
) -> Result<StatusPageList, ToolError> {
    let session = Session::from_context(&context)?;
    let q = Query::new().opt(
        "status_page_type",
        status_page_type.map(StatusPageType::as_str),
    );
    let answer = session.get("/status_pages", &q).await?;
    let (status_pages, more) = listed(&answer, "status_pages", StatusPage::from_api);
    Ok(StatusPageList { status_pages, more })
}

/// A severity, impact or status of a status page.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPageChoice {
    /// The ID (for a post's update).
    pub id: String,
    /// What it means, e.g. `Major`, `Investigating`.
    pub description: Option<String>,
    /// `incident` or `maintenance`: the posts it applies to.
    pub post_type: Option<String>,
}

impl StatusPageChoice {
    pub(crate) fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            description: s(v, "description"),
            post_type: s(v, "post_type"),
        }
    }
}

/// What a status page's posts are written with.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPageDetail {
    /// The status page ID.
    pub id: String,
    /// The severities (how bad).
    pub severities: Vec<StatusPageChoice>,
    /// The impacts (what a service suffers).
    pub impacts: Vec<StatusPageChoice>,
    /// The statuses (where the work stands).
    pub statuses: Vec<StatusPageChoice>,
    /// Whether any of the lists above was cut short.
    pub truncated: bool,
}

/// Get a status page's severities, impacts and statuses in one call, optionally
/// only those for `incident` or `maintenance` posts: the choices a post update is
/// written with.
#[tool(preset = super::pagerduty_read, output = "The page's severities, impacts and statuses")]
pub async fn get_status_page(
    context: ToolContext,
    /// The status page ID (from ListStatusPages).
    status_page_id: String,
    /// Only the choices for `incident` or `maintenance` posts. Default is None (both).
    post_type: Option<PostType>,
) -> Result<StatusPageDetail, ToolError> {
    let id = path_id("status page", &status_page_id)?;
    let session = Session::from_context(&context)?;
    let q = Query::new().opt("post_type", post_type.map(PostType::as_str));
    let (sev, imp, sta) = (
        format!("/status_pages/{id}/severities"),
        format!("/status_pages/{id}/impacts"),
        format!("/status_pages/{id}/statuses"),
    );
    let (sev, imp, sta) = try_join3(
        session.get(&sev, &q),
        session.get(&imp, &q),
        session.get(&sta, &q),
    )
    .await?;
    let (severities, m1) = listed(&sev, "severities", StatusPageChoice::from_api);
    let (impacts, m2) = listed(&imp, "impacts", StatusPageChoice::from_api);
    let (statuses, m3) = listed(&sta, "statuses", StatusPageChoice::from_api);
    Ok(StatusPageDetail {
        id,
        severities,
        impacts,
        statuses,
        truncated: m1 || m2 || m3,
    })
}

/// The kind of a status page post.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PostType {
    /// Incidents.
    Incident,
    /// Planned maintenance.
    Maintenance,
}

impl PostType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::Maintenance => "maintenance",
        }
    }
}

/// A status page post, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPagePost {
    /// The post ID (for GetStatusPagePost).
    pub id: String,
    /// The title customers see.
    pub title: Option<String>,
    /// `incident` or `maintenance`.
    pub post_type: Option<String>,
    /// Start (ISO 8601 with zone).
    pub starts_at: Option<String>,
    /// End, when it has one.
    pub ends_at: Option<String>,
    /// The PagerDuty incident it tells about.
    pub linked_resource: Option<Ref>,
}

impl StatusPagePost {
    pub(crate) fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            title: s(v, "title"),
            post_type: s(v, "post_type"),
            starts_at: s(v, "starts_at"),
            ends_at: s(v, "ends_at"),
            linked_resource: ref_at(v, "linked_resource"),
        }
    }
}

/// A status page's posts.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPagePostList {
    /// The posts.
    pub posts: Vec<StatusPagePost>,
    /// Whether PagerDuty has more than it returned.
    pub more: bool,
}

/// List the posts of a status page (incidents and maintenance shown to customers),
/// optionally only incidents or maintenance. Use GetStatusPagePost for a post's
/// updates.
#[tool(preset = super::pagerduty_read, output = "Status page posts")]
pub async fn list_status_page_posts(
    context: ToolContext,
    /// The status page ID (from ListStatusPages).
    status_page_id: String,
    /// Only `incident` or `maintenance` posts. Default is None (both).
    post_type: Option<PostType>,
) -> Result<StatusPagePostList, ToolError> {
    let id = path_id("status page", &status_page_id)?;
    let session = Session::from_context(&context)?;
    let q = Query::new().opt("post_type", post_type.map(PostType::as_str));
    let answer = session
        .get(&format!("/status_pages/{id}/posts"), &q)
        .await?;
    let (posts, more) = listed(&answer, "posts", StatusPagePost::from_api);
    Ok(StatusPagePostList { posts, more })
}

/// An update of a status page post.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PostUpdate {
    /// The update ID.
    pub id: String,
    /// What customers were told.
    pub message: Option<String>,
    /// When (ISO 8601 with zone).
    pub reported_at: Option<String>,
    /// The status it set.
    pub status: Option<Ref>,
    /// The severity it set.
    pub severity: Option<Ref>,
    /// The services it named as impacted.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub impacted_services: Vec<Ref>,
    /// `approved` or `not_reviewed`.
    pub reviewed_status: Option<String>,
}

impl PostUpdate {
    pub(crate) fn from_api(v: &Value) -> Self {
        let impacted = v
            .get("impacted_services")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|i| ref_at(i, "service")).collect())
            .unwrap_or_default();
        Self {
            id: s(v, "id").unwrap_or_default(),
            message: s(v, "message"),
            reported_at: s(v, "reported_at"),
            status: ref_at(v, "status"),
            severity: ref_at(v, "severity"),
            impacted_services: impacted,
            reviewed_status: s(v, "reviewed_status"),
        }
    }
}

/// A status page post with its updates.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusPagePostDetail {
    /// The post.
    #[serde(flatten)]
    pub post: StatusPagePost,
    /// Its updates, oldest first.
    pub updates: Vec<PostUpdate>,
    /// Whether the updates were cut short.
    pub truncated: bool,
}

/// Get a status page post with its updates (what customers were told, and when):
/// the post and its updates in one call.
#[tool(preset = super::pagerduty_read, output = "The post and its updates")]
pub async fn get_status_page_post(
    context: ToolContext,
    /// The status page ID.
    status_page_id: String,
    /// The post ID (from ListStatusPagePosts).
    post_id: String,
) -> Result<StatusPagePostDetail, ToolError> {
    let id = path_id("status page", &status_page_id)?;
    let post = path_id("status page post", &post_id)?;
    let session = Session::from_context(&context)?;
    let base = format!("/status_pages/{id}/posts/{post}");
    let updates = format!("{base}/post_updates");
    let (raw, updates) = futures_util::future::try_join(
        session.get_object(&base, "post", &Query::new()),
        session.get(&updates, &Query::new()),
    )
    .await?;
    let (mut updates, more) = listed(&updates, "post_updates", PostUpdate::from_api);
    updates.sort_by(|a, b| a.reported_at.cmp(&b.reported_at));
    Ok(StatusPagePostDetail {
        post: StatusPagePost::from_api(&raw),
        updates,
        truncated: more,
    })
}
