//! Users: list, fuzzy search, and who the token belongs to.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    MAX_LIMIT, Pagination, Ref, clamp_limit, de, format_utc, kind_of, list_page, refs_at, s,
};
use crate::client::{Query, Session};

/// A user, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct User {
    /// The user ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The login email.
    pub email: Option<String>,
    /// The account role (`admin`, `user`, `limited_user`, `observer`, `owner`, ...).
    pub role: Option<String>,
    /// The job title.
    pub job_title: Option<String>,
    /// The user's time zone (IANA).
    pub time_zone: Option<String>,
    /// The user's teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// The user's web page.
    pub html_url: Option<String>,
}

// By hand, not serde (see `tools::de`): `name` falls back to `summary`.
impl User {
    /// The compact form of PagerDuty's user object.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            email: s(v, "email"),
            role: s(v, "role"),
            job_title: s(v, "job_title"),
            time_zone: s(v, "time_zone"),
            teams: refs_at(v, "teams"),
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of users.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct UserList {
    /// The users.
    pub users: Vec<User>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List users in the PagerDuty account with their email, role, time zone and teams.
/// To find a particular person, use SearchUsers.
#[tool(preset = super::pagerduty_read, output = "Users with pagination fields")]
pub async fn list_users(
    context: ToolContext,
    /// Maximum users to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<UserList, ToolError> {
    let session = Session::from_context(&context)?;
    let (users, pagination) = list_page(
        &session,
        "/users",
        &Query::new(),
        clamp_limit(limit, MAX_LIMIT),
        offset,
        User::from_api,
    )
    .await?;
    Ok(UserList { users, pagination })
}

/// A user matching a search.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct UserMatch {
    /// The user ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The login email.
    pub email: Option<String>,
    /// The account role.
    pub role: Option<String>,
    /// How well it matches, from 0.6 to 1.0.
    pub confidence: f64,
}

/// The result of a user search.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct UserSearch {
    /// The search string.
    pub query: String,
    /// The matches, best first (at most 10).
    pub matches: Vec<UserMatch>,
    /// Whether the single best match was accepted (only it is returned then).
    pub auto_accepted: bool,
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn dice(a: &str, b: &str) -> f64 {
    let (x, mut y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let total = (x.len() + y.len()) as f64;
    let mut common = 0.0;
    for g in &x {
        if let Some(i) = y.iter().position(|h| h == g) {
            y.swap_remove(i);
            common += 1.0;
        }
    }
    2.0 * common / total
}

/// How well `query` matches `candidate` (both lower-case), from 0 to 1.
pub fn similarity(query: &str, candidate: &str) -> f64 {
    if query.is_empty() || candidate.is_empty() {
        return 0.0;
    }
    if query == candidate {
        return 1.0;
    }
    let words: Vec<&str> = candidate
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let qwords: Vec<&str> = query.split_whitespace().collect();
    let coverage = query.chars().count() as f64 / candidate.chars().count() as f64;
    // Whole words ("alice" ~ "alice chen"), then word prefixes ("ali che").
    if !qwords.is_empty() && qwords.iter().all(|q| words.contains(q)) {
        return (0.9 + 0.09 * coverage).min(0.99);
    }
    if !qwords.is_empty()
        && qwords
            .iter()
            .all(|q| words.iter().any(|w| w.starts_with(q)))
    {
        return 0.85;
    }
    if candidate.contains(query) {
        return (0.75 + 0.2 * coverage).min(0.89);
    }
    dice(query, candidate)
}

/// Search users using local fuzzy matching on name/email.
///
/// Finds people from partial or misspelled names ("dmitry" finds Dmitri Volkov) and
/// returns matches with a confidence from 0.6 to 1.0, best first. Use the returned ID
/// with ReassignIncidents or CreateIncident. With `auto_accept_matches`, a single
/// match at 0.9 or above is accepted and returned alone.
#[tool(preset = super::pagerduty_read, output = "Fuzzy user matches with confidence scores")]
pub async fn search_users(
    context: ToolContext,
    /// Search string to match against user name and email.
    query: String,
    /// Auto-accept fuzzy matches above 0.9 confidence. Default is False
    #[arg(default = false)]
    auto_accept_matches: bool,
) -> Result<UserSearch, ToolError> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Err(ToolError::bad_input("`query` must not be empty."));
    }
    let session = Session::from_context(&context)?;
    let all = session
        .get_all("/users", "users", &Query::new(), 1000)
        .await?;
    let mut matches: Vec<UserMatch> = all
        .items
        .iter()
        .filter_map(|u| {
            let name = s(u, "name").unwrap_or_default().to_lowercase();
            let email = s(u, "email").unwrap_or_default().to_lowercase();
            let local = email.split('@').next().unwrap_or_default().to_owned();
            let score = [name.as_str(), email.as_str(), local.as_str()]
                .iter()
                .map(|c| similarity(&q, c))
                .fold(0.0, f64::max);
            (score >= 0.6).then(|| UserMatch {
                id: s(u, "id").unwrap_or_default(),
                name: s(u, "name"),
                email: s(u, "email"),
                role: s(u, "role"),
                confidence: (score * 100.0).round() / 100.0,
            })
        })
        .collect();
    matches.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    matches.truncate(10);
    let strong = matches.iter().filter(|m| m.confidence >= 0.9).count();
    let auto_accepted = auto_accept_matches && strong == 1;
    if auto_accepted {
        matches.truncate(1);
    }
    Ok(UserSearch {
        query,
        matches,
        auto_accepted,
    })
}

/// A way to reach the user.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ContactMethod {
    /// `email`, `phone`, `sms` or `push_notification`.
    pub kind: String,
    /// The label (e.g. `Work`).
    pub label: Option<String>,
    /// The address or number.
    pub address: Option<String>,
}

/// When and how the user is notified.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct NotificationRule {
    /// `high` or `low` urgency incidents.
    pub urgency: Option<String>,
    /// Minutes after the incident is assigned.
    pub start_delay_in_minutes: Option<u64>,
    /// The contact method used.
    pub contact_method: Option<String>,
}

/// An on-call shift of the user.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Shift {
    /// The escalation policy.
    #[serde(default, deserialize_with = "de::reference")]
    pub escalation_policy: Option<Ref>,
    /// The level of the policy.
    #[serde(default, deserialize_with = "de::lenient")]
    pub escalation_level: Option<u64>,
    /// The schedule, when the shift comes from one.
    #[serde(default, deserialize_with = "de::reference")]
    pub schedule: Option<Ref>,
    /// Start (UTC); absent for permanent on-call.
    #[serde(default, deserialize_with = "de::text")]
    pub start: Option<String>,
    /// End (UTC); absent for permanent on-call.
    #[serde(default, deserialize_with = "de::text")]
    pub end: Option<String>,
}

/// The authenticated user.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Whoami {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// How to reach them.
    pub contact_methods: Vec<ContactMethod>,
    /// How they are notified.
    pub notification_rules: Vec<NotificationRule>,
    /// Whether they are on call right now.
    pub is_on_call_now: bool,
    /// Their current on-call shifts.
    pub on_call_now: Vec<Shift>,
    /// Their next on-call shift start within 30 days (UTC).
    pub next_on_call_start: Option<String>,
    /// Its end (UTC).
    pub next_on_call_end: Option<String>,
}

fn kind(v: &Value) -> String {
    kind_of(v, &["_reference", "_contact_method", "_rule"])
}

/// Get the authenticated PagerDuty user's profile with contact and notification summaries.
///
/// Returns who the credential belongs to (name, email, role, teams, time zone), how
/// they are contacted, and whether they are on call now or when next (within 30
/// days). Call it first to resolve "me" / "my incidents". An account-level API key has
/// no user and gets an error.
#[tool(preset = super::pagerduty_read, output = "The authenticated user's profile and on-call status")]
pub async fn whoami(context: ToolContext) -> Result<Whoami, ToolError> {
    let session = Session::from_context(&context)?;
    let me = session
        .current_user(&["contact_methods", "notification_rules", "teams"])
        .await?;
    let id = s(&me, "id").unwrap_or_default();
    let now = time::OffsetDateTime::now_utc();
    let now_s = format_utc(now);
    let oncalls = session
        .get_all(
            "/oncalls",
            "oncalls",
            &Query::new()
                .list("user_ids", [id.as_str()])
                .set("since", &now_s)
                .set("until", format_utc(now + time::Duration::days(30)))
                .set("time_zone", "UTC"),
            200,
        )
        .await?;
    let shift = de::object::<Shift>;
    let (current, future): (Vec<&Value>, Vec<&Value>) = oncalls
        .items
        .iter()
        .partition(|o| s(o, "start").is_none_or(|st| st <= now_s));
    let next = future
        .iter()
        .min_by(|a, b| s(a, "start").cmp(&s(b, "start")))
        .map(|o| shift(o));
    let list = |key: &str| {
        me.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    Ok(Whoami {
        user: User::from_api(&me),
        contact_methods: list("contact_methods")
            .iter()
            .map(|c| ContactMethod {
                kind: kind(c),
                label: s(c, "label"),
                address: s(c, "address"),
            })
            .collect(),
        notification_rules: list("notification_rules")
            .iter()
            .map(|r| NotificationRule {
                urgency: s(r, "urgency"),
                start_delay_in_minutes: r.get("start_delay_in_minutes").and_then(Value::as_u64),
                contact_method: r.get("contact_method").map(kind),
            })
            .collect(),
        is_on_call_now: !current.is_empty(),
        on_call_now: current.iter().map(|o| shift(o)).collect(),
        next_on_call_start: next.as_ref().and_then(|n| n.start.clone()),
        next_on_call_end: next.and_then(|n| n.end),
    })
}

#[cfg(test)]
mod tests {
    use super::similarity;

    #[test]
    fn fuzzy_scores() {
        assert_eq!(similarity("alice chen", "alice chen"), 1.0);
        assert!(similarity("alice", "alice chen") >= 0.9);
        assert!(similarity("ali che", "alice chen") >= 0.85);
        assert!(similarity("dmitry", "dmitri volkov") < 0.9);
        assert!(similarity("dmitry", "dmitri") >= 0.6);
        assert!(similarity("zzz", "alice chen") < 0.6);
    }
}
