//! Writing to status pages: a new post (an incident or maintenance customers see)
//! and a post's next update.

use arcade_tdk::{ToolContext, ToolError, tool};
use serde_json::{Value, json};

use super::status_pages::{PostType, PostUpdate, StatusPagePost, StatusPagePostDetail};
use super::{check_time, path_id, path_ids};
use crate::client::{Method, Session};

/// A post update's body: the message with the page's status, severity and impacts.
fn update_body(
    post_id: Option<&str>,
    message: &str,
    status_id: &str,
    severity_id: &str,
    impacted_service_ids: Option<Vec<String>>,
    impact_id: Option<String>,
    notify_subscribers: bool,
) -> Result<Value, ToolError> {
    if message.trim().is_empty() || message.len() > 10_000 {
        return Err(ToolError::bad_input(
            "`message` must say what customers are told (1-10,000 characters).",
        ));
    }
    let status = path_id("status page status", status_id)?;
    let severity = path_id("status page severity", severity_id)?;
    let services = impacted_service_ids
        .filter(|s| !s.is_empty())
        .map(|s| path_ids("status page service", &s, 50))
        .transpose()?;
    let impacted = match (services, impact_id) {
        (None, None) => Vec::new(),
        (Some(services), Some(impact)) => {
            let impact = path_id("status page impact", &impact)?;
            services
                .iter()
                .map(|s| {
                    json!({
                        "service": {"id": s, "type": "status_page_service"},
                        "impact": {"id": impact, "type": "status_page_impact"},
                    })
                })
                .collect()
        }
        _ => {
            return Err(ToolError::bad_input(
                "`impacted_service_ids` and `impact_id` go together: the impact applies to those services.",
            ));
        }
    };
    let mut update = json!({
        "type": "status_page_post_update",
        "message": message,
        "status": {"id": status, "type": "status_page_status"},
        "severity": {"id": severity, "type": "status_page_severity"},
        "impacted_services": impacted,
        "update_frequency_ms": null,
        "notify_subscribers": notify_subscribers,
    });
    if let Some(post) = post_id {
        update["post"] = json!({"id": post, "type": "status_page_post"});
    }
    Ok(update)
}

/// Publish a new post on a status page: an incident or planned maintenance that
/// customers see, with its first update (message, status, severity, impacted services).
/// Take the status, severity and impact IDs from GetStatusPage. Customers see it at
/// once (and subscribers are emailed with `notify_subscribers`): confirm the wording
/// with the user first.
#[tool(preset = super::pagerduty_create, output = "The created post and its first update")]
pub async fn create_status_page_post(
    context: ToolContext,
    /// The status page ID (from ListStatusPages).
    status_page_id: String,
    /// The title customers see.
    title: String,
    /// `incident` or `maintenance`.
    post_type: PostType,
    /// The first update's message.
    message: String,
    /// The status ID (from GetStatusPage), e.g. the one for `Investigating`.
    status_id: String,
    /// The severity ID (from GetStatusPage).
    severity_id: String,
    /// Start (ISO 8601 with zone). Default is None (now); required for maintenance.
    starts_at: Option<String>,
    /// End (ISO 8601 with zone). Default is None; required for maintenance.
    ends_at: Option<String>,
    /// The status page services impacted. Default is None.
    impacted_service_ids: Option<Vec<String>>,
    /// The impact ID (from GetStatusPage) for those services. Default is None.
    impact_id: Option<String>,
    /// Email the page's subscribers. Default is false.
    #[arg(default)]
    notify_subscribers: bool,
) -> Result<StatusPagePostDetail, ToolError> {
    let page = path_id("status page", &status_page_id)?;
    if title.trim().is_empty() || title.len() > 255 {
        return Err(ToolError::bad_input(
            "`title` must say what customers see (1-255 characters).",
        ));
    }
    check_time("starts_at", &starts_at)?;
    check_time("ends_at", &ends_at)?;
    if post_type == PostType::Maintenance && (starts_at.is_none() || ends_at.is_none()) {
        return Err(ToolError::bad_input(
            "A maintenance post needs `starts_at` and `ends_at`.",
        ));
    }
    let update = update_body(
        None,
        &message,
        &status_id,
        &severity_id,
        impacted_service_ids,
        impact_id,
        notify_subscribers,
    )?;
    super::confirm::confirm(
        &context,
        format!(
            "Publish the {} post \"{title}\" on status page {page}{}? Customers see it at once.",
            post_type.as_str(),
            if notify_subscribers {
                ", emailing its subscribers"
            } else {
                ""
            }
        ),
    )
    .await?;
    let body = json!({"post": {
        "type": "status_page_post",
        "title": title,
        "post_type": post_type.as_str(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "updates": [update],
        "status_page": {"id": page, "type": "status_page"},
    }});
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(Method::POST, &format!("/status_pages/{page}/posts"), &body)
        .await?;
    let post = super::answered_field(&answer, "post")?;
    let updates = post
        .get("updates")
        .and_then(Value::as_array)
        .map(|u| u.iter().map(PostUpdate::from_api).collect())
        .unwrap_or_default();
    Ok(StatusPagePostDetail {
        post: StatusPagePost::from_api(post),
        updates,
        truncated: false,
    })
}

/// Add an update to a status page post: what customers are told now, with the
/// status (e.g. `Identified`, `Resolved`), severity and impacted services. Take the IDs
/// from GetStatusPage and the post from ListStatusPagePosts. Customers see it at once:
/// confirm the wording with the user first.
#[tool(preset = super::pagerduty_create, output = "The created update")]
pub async fn create_status_page_post_update(
    context: ToolContext,
    /// The status page ID.
    status_page_id: String,
    /// The post ID (from ListStatusPagePosts).
    post_id: String,
    /// What customers are told.
    message: String,
    /// The status ID (from GetStatusPage).
    status_id: String,
    /// The severity ID (from GetStatusPage).
    severity_id: String,
    /// The status page services impacted. Default is None.
    impacted_service_ids: Option<Vec<String>>,
    /// The impact ID (from GetStatusPage) for those services. Default is None.
    impact_id: Option<String>,
    /// Email the page's subscribers. Default is false.
    #[arg(default)]
    notify_subscribers: bool,
) -> Result<PostUpdate, ToolError> {
    let page = path_id("status page", &status_page_id)?;
    let post = path_id("status page post", &post_id)?;
    let update = update_body(
        Some(&post),
        &message,
        &status_id,
        &severity_id,
        impacted_service_ids,
        impact_id,
        notify_subscribers,
    )?;
    super::confirm::confirm(
        &context,
        format!("Publish this update on post {post} of status page {page}: \"{message}\"? Customers see it at once."),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::POST,
            &format!("/status_pages/{page}/posts/{post}/post_updates"),
            &json!({ "post_update": update }),
        )
        .await?;
    let update = super::answered_field(&answer, "post_update")?;
    Ok(PostUpdate::from_api(update))
}
