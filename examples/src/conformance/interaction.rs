//! The conformance fixtures that ask the client: sampling and elicitation (`test_sampling`,
//! `test_elicitation`, `test_elicitation_sep1034_defaults`,
//! `test_elicitation_sep1330_enums`), answering as the suite's reference server does.

use arcade_tdk::interaction::SamplingRequest;
use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Asks the client's model to answer `prompt` (at most 100 tokens).
#[tool]
pub async fn test_sampling(
    context: ToolContext,
    /// The prompt to send to the LLM
    prompt: String,
) -> Result<String, ToolError> {
    let answer = context
        .sample(SamplingRequest::new(prompt).max_tokens(100))
        .await?;
    Ok(format!(
        "LLM response: {}",
        answer.text().unwrap_or_default()
    ))
}

/// The form of `test_elicitation`.
#[derive(Deserialize, Serialize, JsonSchema)]
pub struct UserInfo {
    /// User's response
    pub username: String,
    /// User's email address
    pub email: String,
}

/// Asks the user for a username and an email address.
#[tool]
pub async fn test_elicitation(
    context: ToolContext,
    /// The message to show the user
    message: String,
) -> Result<String, ToolError> {
    let answer = context.elicit::<UserInfo>(message).await?;
    let action = answer.action();
    let content = answer
        .accepted()
        .map(|info| serde_json::to_value(info).unwrap_or_default());
    Ok(format!(
        "User response: <action: {action}, content: {}>",
        content.unwrap_or(Value::Null)
    ))
}

/// A status with a default (SEP-1034). Undocumented variants make a plain `enum`;
/// documented ones would make titled options (`oneOf` of `const`/`title`).
#[derive(Deserialize, Serialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
enum Status {
    #[default]
    Active,
    Inactive,
    Pending,
}

fn default_name() -> String {
    "John Doe".into()
}
fn default_age() -> i64 {
    30
}
fn default_score() -> f64 {
    95.5
}
fn default_verified() -> bool {
    true
}

/// The form of `test_elicitation_sep1034_defaults`: a default for every primitive type.
#[derive(Deserialize, Serialize, JsonSchema)]
struct Defaults {
    /// Name
    #[serde(default = "default_name")]
    name: String,
    /// Age
    #[serde(default = "default_age")]
    age: i64,
    /// Score
    #[serde(default = "default_score")]
    score: f64,
    /// Status
    #[serde(default)]
    status: Status,
    /// Verified
    #[serde(default = "default_verified")]
    verified: bool,
}

/// Elicits a form whose fields all have defaults (SEP-1034).
#[tool]
pub async fn test_elicitation_sep1034_defaults(context: ToolContext) -> Result<String, ToolError> {
    let answer = context
        .elicit::<Defaults>("Please review and update the form fields with defaults")
        .await?;
    let action = answer.action();
    let content = answer
        .accepted()
        .map(|d| serde_json::to_value(d).unwrap_or_default());
    Ok(completed(action, content))
}

/// The five enum shapes of SEP-1330 (the legacy `enumNames` has no Rust spelling, so
/// this form is written out).
fn sep1330_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "untitledSingle": {
                "type": "string",
                "enum": ["option1", "option2", "option3"]
            },
            "titledSingle": {
                "type": "string",
                "oneOf": [
                    {"const": "value1", "title": "First Option"},
                    {"const": "value2", "title": "Second Option"},
                    {"const": "value3", "title": "Third Option"}
                ]
            },
            "legacyEnum": {
                "type": "string",
                "enum": ["opt1", "opt2", "opt3"],
                "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array",
                "items": {"type": "string", "enum": ["option1", "option2", "option3"]}
            },
            "titledMulti": {
                "type": "array",
                "items": {"anyOf": [
                    {"const": "value1", "title": "First Choice"},
                    {"const": "value2", "title": "Second Choice"},
                    {"const": "value3", "title": "Third Choice"}
                ]}
            }
        }
    })
}

/// Elicits a form with every enum shape (SEP-1330).
#[tool]
pub async fn test_elicitation_sep1330_enums(context: ToolContext) -> Result<String, ToolError> {
    let answer = context
        .elicit_with_schema(
            "Please select options from the enum fields",
            sep1330_schema(),
        )
        .await?;
    let action = answer.action();
    Ok(completed(action, answer.accepted().map(Value::Object)))
}

fn completed(action: &str, content: Option<Value>) -> String {
    let content = content.unwrap_or(Value::Object(Map::new()));
    format!("Elicitation completed: action={action}, content={content}")
}

/// Adds the fixtures that ask the client to `toolkit`.
pub fn add_tools(toolkit: Toolkit) -> Toolkit {
    toolkit
        .tool(test_sampling::tool())
        .tool(test_elicitation::tool())
        .tool(test_elicitation_sep1034_defaults::tool())
        .tool(test_elicitation_sep1330_enums::tool())
}
