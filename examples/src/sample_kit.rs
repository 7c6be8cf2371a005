//! The Rust twin of Arcade's Python `sample_kit.py`: twelve tools covering every type,
//! auth, secret and error case. Their definitions are tested against what Arcade's
//! Python TDK emits for the Python originals.

use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// A priority (a string enum).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Low.
    Low,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
}

/// How fast (Python's `Literal["fast", "slow"]`).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Fast.
    #[default]
    Fast,
    /// Slow.
    Slow,
}

/// A ticket to create.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TicketInput {
    /// Short title of the ticket
    pub title: String,
    /// Optional long description
    #[serde(default)]
    pub body: String,
    /// Labels to attach
    pub labels: Vec<String>,
}

fn one() -> i64 {
    1
}

/// An assignee (Python's pydantic model; its fields carry no descriptions there).
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(missing_docs)]
pub struct Assignee {
    pub user_id: String,
    #[serde(default = "one")]
    pub weight: i64,
    #[serde(default)]
    pub email: Option<String>,
}

/// Result of creating a ticket.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct TicketOutput {
    /// Ticket identifier
    #[serde(default)]
    pub id: String,
    /// Title echoed back
    #[serde(default)]
    pub title: String,
    /// Priority applied
    #[serde(default)]
    pub priority: Option<String>,
}

/// Echo the input text.
#[tool(output = "The same text")]
pub fn echo(
    /// Text to echo back
    text: String,
) -> String {
    text
}

/// Adds two numbers (the `desc` of the attribute is what the model reads).
#[tool(name = "AddNumbers", desc = "Add an integer and a float.")]
pub fn add_numbers(
    /// An integer
    a: i64,
    /// A float
    #[arg(default = 0.5)]
    b: f64,
) -> f64 {
    a as f64 + b
}

/// Return the flags that were passed.
#[tool(
    output = "Free-form dict",
    service_domains = [incident_management],
    operations = [read],
    read_only,
    destructive = false,
    idempotent,
    open_world,
    extras(team = "sre")
)]
pub fn get_flags(
    /// Whether to be verbose
    #[arg(default = true)]
    verbose: bool,
    /// A string Literal becomes an enum
    #[arg(default)]
    mode: Mode,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("verbose".into(), json!(verbose));
    out.insert("mode".into(), json!(mode));
    out
}

/// Tag several items.
#[tool(output = "Tags applied, one per item")]
pub fn tag_items(
    /// Tags to apply
    tags: Vec<String>,
    /// Item ids
    ids: Vec<i64>,
    /// Priority level
    priority: Priority,
    /// Optional note
    note: Option<String>,
    /// Renamed on the wire (2 string annotations)
    #[arg(name = "wire_ref", default = "x", inferrable = false)]
    internal_ref: String,
    /// List of enums
    priorities: Option<Vec<Priority>>,
) -> Vec<String> {
    let _ = (note, internal_ref, priorities);
    ids.iter()
        .flat_map(|i| {
            tags.iter()
                .map(move |t| format!("{i}:{t}:{}", priority.as_str()))
        })
        .collect()
}

/// Create a ticket.
#[tool(output = "The created ticket")]
pub async fn create_ticket(
    /// The ticket (TypedDict)
    ticket: TicketInput,
    /// Assignee (pydantic model)
    assignee: Assignee,
    /// Arbitrary extra fields
    extra: Option<Map<String, Value>>,
    /// List of TypedDicts
    tickets: Option<Vec<TicketInput>>,
) -> TicketOutput {
    let _ = (assignee, extra, tickets);
    TicketOutput {
        id: "T-1".into(),
        title: ticket.title,
        priority: None,
    }
}

/// List incidents using a generic OAuth2 provider requirement.
#[tool(
    output = "Raw response",
    requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = ["read"])
)]
pub async fn list_incidents_oauth2(
    context: ToolContext,
    /// Max incidents
    #[arg(default = 10)]
    limit: i64,
) -> Map<String, Value> {
    let token = context.get_auth_token_or_empty();
    let prefix: String = token.chars().take(4).collect();
    let mut out = Map::new();
    out.insert("token_prefix".into(), json!(prefix));
    out.insert("limit".into(), json!(limit));
    out
}

/// OAuth2(id=...) sets the provider *id*, not provider_id.
#[tool(requires_auth = OAuth2(id = "arcade-pagerduty", scopes = ["read"]))]
pub fn oauth2_by_id(context: &ToolContext) -> String {
    context.get_auth_token_or_empty().to_owned()
}

/// Return who the PagerDuty token belongs to.
#[tool(output = "User info", requires_auth = PagerDuty(scopes = ["read", "write"]))]
pub async fn pagerduty_whoami(context: ToolContext) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("token".into(), json!(context.get_auth_token_or_empty()));
    out.insert(
        "user_info".into(),
        Value::Object(context.authorization.user_info().clone()),
    );
    out
}

/// Read a secret and metadata from the context.
#[tool(
    requires_auth = PagerDuty(),
    requires_secrets = ["MY_API_KEY", "my_api_key", "OTHER_SECRET"],
    requires_metadata = ["client_id", "coordinator_url", "Region"]
)]
pub fn use_secrets(context: ToolContext) -> Result<String, ToolError> {
    let secret = context.get_secret("MY_API_KEY")?;
    let tail = &secret[secret.len().saturating_sub(4)..];
    Ok(format!(
        "{tail}|{}|{}",
        context.get_metadata("client_id")?,
        context.user_id.as_deref().unwrap_or("None")
    ))
}

/// Read a secret only (no auth).
#[tool(output = "Last 4 chars of the secret", requires_secrets = ["MY_API_KEY"])]
pub fn secret_only(context: ToolContext) -> Result<String, ToolError> {
    let secret = context.get_secret("MY_API_KEY")?;
    Ok(secret[secret.len().saturating_sub(4)..].to_owned())
}

/// Raise the requested error type.
#[tool]
pub fn fail(
    /// Which error to raise
    kind: String,
) -> Result<String, ToolError> {
    Err(match kind.as_str() {
        "retry" => ToolError::retry("Try again")
            .with_developer_message("dev details")
            .with_additional_prompt_content("use a smaller limit")
            .with_retry_after_ms(1500)
            .with_extra("k", "v"),
        "context" => ToolError::context_required("Need more info", "which project?"),
        "fatal" => ToolError::fatal("It broke").with_developer_message("stack-ish"),
        "exec" => ToolError::execution("Generic execution error"),
        "upstream404" => {
            ToolError::upstream(404, "Not found upstream").with_extra("endpoint", "/x")
        }
        "upstream503" => ToolError::upstream(503, "Upstream down"),
        "ratelimit" => ToolError::rate_limited("Slow down", 2000),
        "valueerror" => panic!("secret=hunter2"),
        "httpx" => {
            let mut headers = reqwest_headers();
            headers.insert("retry-after", "3".parse().expect("a valid header value"));
            let url = "https://api.pagerduty.com/incidents?x=1"
                .parse()
                .expect("a valid URL");
            arcade_tdk::http::status_error(429, &headers, &url, "GET")
        }
        _ => return Ok("ok".to_owned()),
    })
}

fn reqwest_headers() -> arcade_tdk::http::HeaderMap {
    arcade_tdk::http::HeaderMap::new()
}

/// Deprecated echo.
#[tool(output = "Maybe text", deprecated = "Use echo instead")]
pub fn old_echo(
    /// Text
    text: String,
) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The sample toolkit, `SampleKit` 1.0.0.
pub fn toolkit() -> Toolkit {
    Toolkit::new("sample_kit")
        .description("Sample kit")
        .version("1.0.0")
        .tool(echo::tool())
        .tool(add_numbers::tool())
        .tool(get_flags::tool())
        .tool(tag_items::tool())
        .tool(create_ticket::tool())
        .tool(list_incidents_oauth2::tool())
        .tool(oauth2_by_id::tool())
        .tool(pagerduty_whoami::tool())
        .tool(use_secrets::tool())
        .tool(secret_only::tool())
        .tool(fail::tool())
        .tool(old_echo::tool())
}
