//! Asking the client from inside a tool: elicitation (a form, or a URL to open),
//! sampling (the client's model writes a message) and the client's roots — Arcade's
//! Python `context.ui.elicit`, `context.sampling.create_message` and `list_roots`.
//!
//! The tool calls [`ToolContext::elicit`], [`ToolContext::elicit_url`],
//! [`ToolContext::sample`] or [`ToolContext::list_roots`]; the server that runs it
//! sends the request to the client through a [`ClientRequests`] (the MCP server's, on
//! the session; the scripted answers of the test `Harness`, feature `testing`). Where
//! there is none, or the client did not declare the capability, the call fails with a
//! clear tool error; every wait is bounded by the server's timeout.
//!
//! ```
//! use arcade_tdk::interaction::Elicitation;
//! use arcade_tdk::{tool, ToolContext, ToolError};
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//!
//! /// What the user wants for the new incident.
//! #[derive(Debug, Deserialize, JsonSchema)]
//! struct Details {
//!     /// A short title.
//!     title: String,
//!     /// Page the on-call engineer?
//!     #[serde(default)]
//!     urgent: bool,
//! }
//!
//! /// Opens an incident after asking the user for its details.
//! #[tool]
//! async fn open_incident(context: ToolContext) -> Result<String, ToolError> {
//!     match context.elicit::<Details>("Describe the incident").await? {
//!         Elicitation::Accept(d) => Ok(format!("opened {:?} (urgent: {})", d.title, d.urgent)),
//!         Elicitation::Decline => Ok("the user declined".into()),
//!         Elicitation::Cancel => Err(ToolError::execution("cancelled by the user")),
//!     }
//! }
//!
//! // Without a client that answers, the tool gets a clear error, not a hang.
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let err = ToolContext::default().elicit::<Details>("Describe it").await.unwrap_err();
//! assert!(err.message().contains("elicitation"));
//! # });
//! ```

mod form;

use std::fmt;

use futures_util::future::BoxFuture;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::context::ToolContext;
use crate::error::ToolError;

/// A capability a client may declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientCapability {
    /// Form elicitation (`elicitation` or `elicitation.form`).
    Elicitation,
    /// URL elicitation (`elicitation.url`).
    ElicitationUrl,
    /// Sampling (`sampling`).
    Sampling,
    /// Roots (`roots`).
    Roots,
}

impl ClientCapability {
    /// How the capability is named in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Elicitation => "elicitation",
            Self::ElicitationUrl => "URL elicitation",
            Self::Sampling => "sampling",
            Self::Roots => "roots",
        }
    }
}

/// A request to the client, with its MCP params.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ClientRequest {
    /// `elicitation/create`: `{"mode"?, "message", "requestedSchema" | "url", ...}`.
    Elicit(Value),
    /// `sampling/createMessage`: `{"messages", "maxTokens", ...}`.
    Sample(Value),
    /// `roots/list`.
    ListRoots,
}

impl ClientRequest {
    /// The MCP method.
    pub fn method(&self) -> &'static str {
        match self {
            Self::Elicit(_) => "elicitation/create",
            Self::Sample(_) => "sampling/createMessage",
            Self::ListRoots => "roots/list",
        }
    }

    /// The params (`{}` for `roots/list`).
    pub fn params(&self) -> Value {
        match self {
            Self::Elicit(p) | Self::Sample(p) => p.clone(),
            Self::ListRoots => json!({}),
        }
    }

    /// The capability the client must have declared.
    pub fn capability(&self) -> ClientCapability {
        match self {
            Self::Elicit(p) if p.get("mode").and_then(Value::as_str) == Some("url") => {
                ClientCapability::ElicitationUrl
            }
            Self::Elicit(_) => ClientCapability::Elicitation,
            Self::Sample(_) => ClientCapability::Sampling,
            Self::ListRoots => ClientCapability::Roots,
        }
    }
}

/// Where a tool's requests to the client go: installed by the server that runs the tool
/// (through [`ContextSink::client_requests`](crate::context::ContextSink::client_requests)).
///
/// ```
/// use arcade_tdk::interaction::{ClientCapability, ClientRequest, ClientRequests};
/// use arcade_tdk::ToolError;
/// use futures_util::future::BoxFuture;
/// use serde_json::{json, Value};
///
/// /// A client whose user accepts every form with the same answer.
/// struct AlwaysYes;
///
/// impl ClientRequests for AlwaysYes {
///     fn supports(&self, capability: ClientCapability) -> bool {
///         capability == ClientCapability::Elicitation
///     }
///     fn send(&self, _request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
///         Box::pin(async { Ok(json!({"action": "accept", "content": {"ok": true}})) })
///     }
/// }
/// assert!(AlwaysYes.supports(ClientCapability::Elicitation));
/// ```
pub trait ClientRequests: Send + Sync {
    /// Whether the client declared `capability`.
    fn supports(&self, capability: ClientCapability) -> bool;
    /// Sends `request` and returns the client's result (its MCP JSON), or an error
    /// (the client failed, the wait timed out, the call was cancelled).
    fn send(&self, request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>>;
    /// Sends `request` under a key the tool chose ([`ToolContext::input`]): under the
    /// stateless 2026-07-28 revision the key of the request in `inputRequests`.
    /// Elsewhere the key does not matter: by default this is [`ClientRequests::send`].
    fn send_keyed(
        &self,
        key: String,
        request: ClientRequest,
    ) -> BoxFuture<'_, Result<Value, ToolError>> {
        let _ = key;
        self.send(request)
    }
    /// The tool asks to go on as an MCP task ([`ToolContext::start_task`]). `Ok` means
    /// "go on here": the call already is a task, or cannot become one. A server that
    /// defers the task answers with an error that ends this run, and runs the tool again
    /// as the task. By default, `Ok`.
    fn start_task(&self) -> Result<(), ToolError> {
        Ok(())
    }
}

/// The user's answer to an elicitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Elicitation<T> {
    /// The user submitted the form (or, for a URL, agreed to open it).
    Accept(T),
    /// The user declined.
    Decline,
    /// The user dismissed the request without choosing.
    Cancel,
}

impl<T> Elicitation<T> {
    /// The accepted value, if any.
    pub fn accepted(self) -> Option<T> {
        match self {
            Self::Accept(v) => Some(v),
            _ => None,
        }
    }

    /// MCP's name of the action: `accept`, `decline` or `cancel`.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Accept(_) => "accept",
            Self::Decline => "decline",
            Self::Cancel => "cancel",
        }
    }
}

/// A message of a sampling conversation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SamplingMessage {
    role: &'static str,
    content: Value,
}

/// Preferences for the client's choice of model (all optional; priorities in 0..=1).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelPreferences {
    /// Model names or families to prefer, in order (`"claude-3-5-sonnet"`, `"claude"`).
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "hints")]
    pub hints: Vec<String>,
    /// How much cost matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_priority: Option<f64>,
    /// How much speed matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed_priority: Option<f64>,
    /// How much capability matters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intelligence_priority: Option<f64>,
}

fn hints<S: serde::Serializer>(hints: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(hints.iter().map(|name| json!({ "name": name })))
}

/// A request for the client's model to write a message (`sampling/createMessage`).
///
/// ```
/// use arcade_tdk::interaction::{ModelPreferences, SamplingRequest};
///
/// let request = SamplingRequest::new("Summarize: the disk is full")
///     .system_prompt("You are terse.")
///     .max_tokens(50)
///     .model_preferences(ModelPreferences { hints: vec!["claude".into()], ..Default::default() });
/// let params = request.to_params();
/// assert_eq!(params["maxTokens"], 50);
/// assert_eq!(params["messages"][0]["content"]["text"], "Summarize: the disk is full");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SamplingRequest {
    messages: Vec<SamplingMessage>,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    system_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model_preferences: Option<ModelPreferences>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop_sequences: Vec<String>,
}

/// The default `maxTokens` of a [`SamplingRequest`].
pub const DEFAULT_MAX_TOKENS: u32 = 1000;

impl SamplingRequest {
    /// A conversation of one user message.
    pub fn new(user_text: impl Into<String>) -> Self {
        Self {
            messages: Vec::new(),
            max_tokens: DEFAULT_MAX_TOKENS,
            system_prompt: None,
            model_preferences: None,
            temperature: None,
            stop_sequences: Vec::new(),
        }
        .user(user_text)
    }

    /// Adds a user message.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.message("user", text.into())
    }

    /// Adds an assistant message (an earlier answer of the model).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message("assistant", text.into())
    }

    fn message(mut self, role: &'static str, text: String) -> Self {
        self.messages.push(SamplingMessage {
            role,
            content: json!({ "type": "text", "text": text }),
        });
        self
    }

    /// Sets the system prompt.
    pub fn system_prompt(mut self, prompt: impl Into<String>) -> Self {
        self.system_prompt = Some(prompt.into());
        self
    }

    /// Sets the most tokens the model may write (default [`DEFAULT_MAX_TOKENS`]).
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = max_tokens;
        self
    }

    /// Sets the model preferences.
    pub fn model_preferences(mut self, preferences: ModelPreferences) -> Self {
        self.model_preferences = Some(preferences);
        self
    }

    /// Sets the temperature.
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Adds a stop sequence.
    pub fn stop_sequence(mut self, stop: impl Into<String>) -> Self {
        self.stop_sequences.push(stop.into());
        self
    }

    /// The MCP params of the request.
    pub fn to_params(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The message the client's model wrote.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampledMessage {
    /// `assistant` (or `user`).
    pub role: String,
    /// The content block (`{"type": "text", "text": ...}`, an image, ...).
    pub content: Value,
    /// The model that wrote it.
    #[serde(default)]
    pub model: String,
    /// Why it stopped (`endTurn`, `maxTokens`, ...).
    #[serde(default)]
    pub stop_reason: Option<String>,
}

impl SampledMessage {
    /// The text, when the content is text.
    pub fn text(&self) -> Option<&str> {
        let block = match &self.content {
            Value::Array(blocks) => blocks.first()?,
            block => block,
        };
        (block.get("type")?.as_str()? == "text")
            .then(|| block.get("text")?.as_str())
            .flatten()
    }
}

/// A root the client exposes (a directory or other URI the user works in).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Root {
    /// The root's URI (`file:///home/user/project`).
    pub uri: String,
    /// A human-readable name.
    #[serde(default)]
    pub name: Option<String>,
}

impl ToolContext {
    /// Whether the client can answer requests needing `capability` (for a tool that
    /// adapts what it asks to the client).
    ///
    /// ```
    /// use arcade_tdk::interaction::ClientCapability;
    /// assert!(!arcade_tdk::ToolContext::default().client_supports(ClientCapability::Sampling));
    /// ```
    pub fn client_supports(&self, capability: ClientCapability) -> bool {
        self.client_requests()
            .is_some_and(|client| client.supports(capability))
    }

    /// Requests to the client under the key `key`: under the stateless 2026-07-28
    /// revision it names the request in the `input_required` result's `inputRequests`
    /// (the methods of [`ToolContext`] number their requests `elicit-0`, `sample-1`,
    /// ...). Several requests awaited together (`tokio::join!`) are asked in one round.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let context = arcade_tdk::ToolContext::default();
    /// let roots = context.input("client_roots").list_roots().await;
    /// assert!(roots.is_err()); // no client here
    /// # });
    /// ```
    pub fn input(&self, key: impl Into<String>) -> Input<'_> {
        Input {
            context: self,
            key: Some(key.into()),
        }
    }

    fn unkeyed(&self) -> Input<'_> {
        Input {
            context: self,
            key: None,
        }
    }

    /// Asks the user to fill in a form whose schema is derived from `T` (a struct of
    /// strings, numbers, booleans, unit enums and `Vec`s of unit enums; `Option` fields
    /// and `#[serde(default)]` fields are optional, doc comments are descriptions, a
    /// `#[serde(default)]` of a `Serialize` type is the form's default; unit enum
    /// variants with doc comments become titled options).
    ///
    /// A `T` the form cannot express fails here, at the first call, naming the field.
    /// See the [module docs](self) for an example.
    pub async fn elicit<T: JsonSchema + DeserializeOwned>(
        &self,
        message: impl Into<String>,
    ) -> Result<Elicitation<T>, ToolError> {
        self.unkeyed().elicit(message).await
    }

    /// Asks the user to fill in a form with an explicit MCP form schema (for what a Rust
    /// type does not say, e.g. legacy `enumNames`); the schema is checked first.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let context = arcade_tdk::ToolContext::default();
    /// let nested = serde_json::json!({"type": "object", "properties": {"a": {"type": "object"}}});
    /// let err = context.elicit_with_schema("?", nested).await.unwrap_err();
    /// assert!(err.message().contains("field `a`"));
    /// # });
    /// ```
    pub async fn elicit_with_schema(
        &self,
        message: impl Into<String>,
        schema: Value,
    ) -> Result<Elicitation<Map<String, Value>>, ToolError> {
        self.unkeyed().elicit_with_schema(message, schema).await
    }

    /// Asks the user to open `url` (URL-mode elicitation: an authorization link, a
    /// payment page); `Accept` means the user agreed to open it, not that they finished.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let context = arcade_tdk::ToolContext::default();
    /// let err = context.elicit_url("Authorize PagerDuty", "https://example.com/auth").await.unwrap_err();
    /// assert!(err.message().contains("URL elicitation"));
    /// # });
    /// ```
    pub async fn elicit_url(
        &self,
        message: impl Into<String>,
        url: impl Into<String>,
    ) -> Result<Elicitation<()>, ToolError> {
        self.unkeyed().elicit_url(message, url).await
    }

    /// Asks the client's model to write a message.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use arcade_tdk::interaction::SamplingRequest;
    /// # let context = arcade_tdk::ToolContext::default();
    /// let err = context.sample(SamplingRequest::new("Hi")).await.unwrap_err();
    /// assert!(err.message().contains("sampling"));
    /// # });
    /// ```
    pub async fn sample(&self, request: SamplingRequest) -> Result<SampledMessage, ToolError> {
        self.unkeyed().sample(request).await
    }

    /// The roots the client exposes.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let context = arcade_tdk::ToolContext::default();
    /// assert!(context.list_roots().await.unwrap_err().message().contains("roots"));
    /// # });
    /// ```
    pub async fn list_roots(&self) -> Result<Vec<Root>, ToolError> {
        self.unkeyed().list_roots().await
    }
}

/// Requests to the client under a key of the tool's choosing: see [`ToolContext::input`].
/// Each method does what [`ToolContext`]'s method of the same name does.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    context: &'a ToolContext,
    key: Option<String>,
}

impl Input<'_> {
    fn client_for(&self, capability: ClientCapability) -> Result<&dyn ClientRequests, ToolError> {
        match self.context.client_requests() {
            Some(client) if client.supports(capability) => Ok(client),
            _ => Err(ToolError::execution(format!(
                "This tool needs {what} from the client, but the client does not support \
                 {what} (it did not declare the capability).",
                what = capability.as_str()
            ))
            .with_can_retry(false)),
        }
    }

    async fn send(
        &self,
        capability: ClientCapability,
        request: ClientRequest,
    ) -> Result<Value, ToolError> {
        let client = self.client_for(capability)?;
        match &self.key {
            Some(key) => client.send_keyed(key.clone(), request).await,
            None => client.send(request).await,
        }
    }

    /// See [`ToolContext::elicit`].
    pub async fn elicit<T: JsonSchema + DeserializeOwned>(
        self,
        message: impl Into<String>,
    ) -> Result<Elicitation<T>, ToolError> {
        let schema = form::form_schema_for::<T>()?;
        match self.elicit_with_schema(message, schema).await? {
            Elicitation::Accept(content) => serde_json::from_value(Value::Object(content))
                .map(Elicitation::Accept)
                .map_err(|err| {
                    ToolError::execution(format!(
                        "The client's answer does not fit the form: {err}"
                    ))
                }),
            Elicitation::Decline => Ok(Elicitation::Decline),
            Elicitation::Cancel => Ok(Elicitation::Cancel),
        }
    }

    /// See [`ToolContext::elicit_with_schema`].
    pub async fn elicit_with_schema(
        self,
        message: impl Into<String>,
        schema: Value,
    ) -> Result<Elicitation<Map<String, Value>>, ToolError> {
        form::check_form_schema(&schema)?;
        let params = json!({ "message": message.into(), "requestedSchema": schema });
        let result = self
            .send(ClientCapability::Elicitation, ClientRequest::Elicit(params))
            .await?;
        elicitation_of(result, form::content_object)
    }

    /// See [`ToolContext::elicit_url`].
    pub async fn elicit_url(
        self,
        message: impl Into<String>,
        url: impl Into<String>,
    ) -> Result<Elicitation<()>, ToolError> {
        let params = json!({
            "mode": "url",
            "message": message.into(),
            "url": url.into(),
            "elicitationId": elicitation_id(),
        });
        let result = self
            .send(
                ClientCapability::ElicitationUrl,
                ClientRequest::Elicit(params),
            )
            .await?;
        elicitation_of(result, |_| Ok(()))
    }

    /// See [`ToolContext::sample`].
    pub async fn sample(self, request: SamplingRequest) -> Result<SampledMessage, ToolError> {
        let result = self
            .send(
                ClientCapability::Sampling,
                ClientRequest::Sample(request.to_params()),
            )
            .await?;
        serde_json::from_value(result).map_err(|err| {
            ToolError::execution(format!("The client's sampling result is malformed: {err}"))
        })
    }

    /// See [`ToolContext::list_roots`].
    pub async fn list_roots(self) -> Result<Vec<Root>, ToolError> {
        #[derive(Deserialize)]
        struct Roots {
            roots: Vec<Root>,
        }
        let result = self
            .send(ClientCapability::Roots, ClientRequest::ListRoots)
            .await?;
        serde_json::from_value::<Roots>(result)
            .map(|r| r.roots)
            .map_err(|err| ToolError::execution(format!("The client's roots are malformed: {err}")))
    }
}

/// Reads an `ElicitResult`: `{"action": "accept" | "decline" | "cancel", "content"?}`.
fn elicitation_of<T>(
    result: Value,
    accept: impl FnOnce(Option<Value>) -> Result<T, ToolError>,
) -> Result<Elicitation<T>, ToolError> {
    let mut result = match result {
        Value::Object(map) => map,
        other => {
            return Err(ToolError::execution(format!(
                "The client's elicitation result is malformed: {other}"
            )));
        }
    };
    match result.get("action").and_then(Value::as_str) {
        Some("accept") => accept(result.remove("content")).map(Elicitation::Accept),
        Some("decline") => Ok(Elicitation::Decline),
        Some("cancel") => Ok(Elicitation::Cancel),
        other => Err(ToolError::execution(format!(
            "The client's elicitation result has an unknown action: {other:?}"
        ))),
    }
}

/// A fresh id for a URL elicitation.
fn elicitation_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("elicit-{nanos:x}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl fmt::Display for ClientCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
