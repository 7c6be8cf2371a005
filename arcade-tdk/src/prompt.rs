//! Prompts a toolkit serves: named templates of messages with arguments, listed by
//! `prompts/list` and produced by `prompts/get`; arguments can be completed
//! (`completion/complete`).
//!
//! ```
//! use futures_util::FutureExt;
//! use arcade_tdk::{Catalog, Completer, Content, Prompt, PromptArgument, PromptError,
//!     PromptMessage, Toolkit};
//!
//! let review = Prompt::new("code_review", |args| async move {
//!     let language = args.get("language").unwrap_or("Rust");
//!     Ok(vec![
//!         PromptMessage::user(Content::text(format!("Review this {language} code."))),
//!         PromptMessage::user(Content::text_resource("file:///src/lib.rs", "text/x-rust", "fn main() {}")),
//!     ])
//! })
//! .description("Asks for a code review")
//! .argument(PromptArgument::new("language").description("The language").required(true)
//!     .completer(Completer::from_list(["Rust", "Python"])));
//!
//! let catalog = Catalog::new(Toolkit::new("Kit").prompt(review)).unwrap();
//! let prompts = catalog.prompts();
//! let args = [("language".to_owned(), "Python".to_owned())].into();
//! let messages = prompts.get("code_review", args).now_or_never().unwrap().unwrap();
//! assert_eq!(messages[0].content, Content::text("Review this Python code."));
//! let missing = prompts.get("code_review", Default::default()).now_or_never().unwrap();
//! assert_eq!(missing.unwrap_err(), PromptError::MissingArgument("language".into()));
//! assert_eq!(prompts.complete("code_review", "language", "p").unwrap().values, ["Python"]);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::completion::{Completer, Completions};
use crate::content::Content;
use crate::context::ToolContext;
use crate::error::ToolError;

/// Who a prompt message is from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The assistant.
    Assistant,
}

/// One message of a prompt: text, an image, audio or an embedded resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PromptMessage {
    /// Who it is from.
    pub role: Role,
    /// What it says.
    pub content: Content,
}

impl PromptMessage {
    /// A message from the user.
    pub fn user(content: Content) -> Self {
        Self {
            role: Role::User,
            content,
        }
    }
    /// A message from the assistant.
    pub fn assistant(content: Content) -> Self {
        Self {
            role: Role::Assistant,
            content,
        }
    }
}

/// Why a prompt could not be produced.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PromptError {
    /// No prompt has this name (MCP: -32602).
    NotFound(String),
    /// A required argument was not given (MCP: -32602).
    MissingArgument(String),
    /// An argument the prompt does not declare (MCP: -32602).
    UnknownArgument(String),
    /// An argument's value is wrong, with a message for the client (MCP: -32602).
    InvalidArgument(String),
    /// The prompt function failed (MCP: -32603).
    Failed(String),
}

impl PromptError {
    /// A bad argument value.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::InvalidArgument(message.into())
    }
    /// The messages could not be produced.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }
}

impl fmt::Display for PromptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound(name) => write!(f, "Unknown prompt: {name}"),
            Self::MissingArgument(name) => write!(f, "Missing required argument: {name}"),
            Self::UnknownArgument(name) => write!(f, "Unknown argument: {name}"),
            Self::InvalidArgument(message) => write!(f, "Invalid argument: {message}"),
            Self::Failed(message) => write!(f, "Prompt failed: {message}"),
        }
    }
}

impl std::error::Error for PromptError {}

/// A request to the client that failed (declined, unsupported, or waiting for the
/// client's answer under 2026-07-28's `input_required`): the prompt failed.
impl From<ToolError> for PromptError {
    fn from(error: ToolError) -> Self {
        Self::Failed(error.message().to_owned())
    }
}

/// The arguments a prompt function gets (only declared ones; required ones present).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptArguments(BTreeMap<String, String>);

impl PromptArguments {
    /// An argument's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
    /// Every argument given.
    pub fn all(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

/// A declared argument of a prompt.
#[derive(Clone, Debug)]
pub struct PromptArgument {
    name: String,
    title: Option<String>,
    description: Option<String>,
    required: bool,
    completer: Option<Completer>,
}

impl PromptArgument {
    /// An optional argument named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            title: None,
            description: None,
            required: false,
            completer: None,
        }
    }
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    /// Sets the human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
    /// Whether the argument must be given.
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }
    /// Completes the argument's values with `completer`.
    pub fn completer(mut self, completer: Completer) -> Self {
        self.completer = Some(completer);
        self
    }

    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(self.name));
        if let Some(v) = &self.title {
            out.insert("title".into(), json!(v));
        }
        if let Some(v) = &self.description {
            out.insert("description".into(), json!(v));
        }
        out.insert("required".into(), json!(self.required));
        Value::Object(out)
    }
}

/// The result of a prompt function.
pub type PromptResult = Result<Vec<PromptMessage>, PromptError>;

type PromptFn =
    Arc<dyn Fn(PromptArguments, ToolContext) -> BoxFuture<'static, PromptResult> + Send + Sync>;

/// A prompt: a name, arguments, and a function producing its messages.
#[derive(Clone)]
pub struct Prompt {
    name: String,
    title: Option<String>,
    description: Option<String>,
    arguments: Vec<PromptArgument>,
    messages: PromptFn,
}

impl fmt::Debug for Prompt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prompt")
            .field("name", &self.name)
            .field("arguments", &self.arguments)
            .finish_non_exhaustive()
    }
}

impl Prompt {
    /// A prompt whose messages `messages` produces from the arguments.
    pub fn new<F, Fut>(name: impl Into<String>, messages: F) -> Self
    where
        F: Fn(PromptArguments) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PromptResult> + Send + 'static,
    {
        Self::with_context(name, move |args, _| messages(args))
    }

    /// A prompt whose function also gets a [`ToolContext`], through which it asks the
    /// client while producing the messages ([`ToolContext::elicit`],
    /// [`ToolContext::sample`], [`ToolContext::input`], ...): over the session at
    /// 2025-11-25, and at 2026-07-28 as an `input_required` result of `prompts/get`
    /// that the client answers by calling again (the prompt then runs again, getting the
    /// recorded answers). A `?` on a request turns its error into
    /// [`PromptError::Failed`].
    ///
    /// ```
    /// use futures_util::FutureExt;
    /// use arcade_tdk::{Catalog, Content, Prompt, PromptError, PromptMessage, Toolkit};
    /// use serde_json::json;
    ///
    /// let prompt = Prompt::with_context("briefing", |_args, context| async move {
    ///     let schema = json!({"type": "object", "properties": {"topic": {"type": "string"}}});
    ///     let answer = context.input("topic").elicit_with_schema("Which topic?", schema).await?;
    ///     let topic = answer.accepted().and_then(|c| c.get("topic").cloned()).unwrap_or_default();
    ///     Ok(vec![PromptMessage::user(Content::text(format!("Brief me on {topic}.")))])
    /// });
    /// let catalog = Catalog::new(Toolkit::new("Kit").prompt(prompt)).unwrap();
    /// // Without a client to ask, the prompt fails with a clear error.
    /// let failed = catalog.prompts().get("briefing", Default::default()).now_or_never().unwrap();
    /// assert!(matches!(failed, Err(PromptError::Failed(m)) if m.contains("elicitation")));
    /// ```
    pub fn with_context<F, Fut>(name: impl Into<String>, messages: F) -> Self
    where
        F: Fn(PromptArguments, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PromptResult> + Send + 'static,
    {
        Self {
            name: name.into(),
            title: None,
            description: None,
            arguments: Vec::new(),
            messages: Arc::new(move |args, context| Box::pin(messages(args, context))),
        }
    }

    /// A prompt without arguments whose messages are always `messages`.
    pub fn fixed(name: impl Into<String>, messages: Vec<PromptMessage>) -> Self {
        Self::new(name, move |_| std::future::ready(Ok(messages.clone())))
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
    /// Sets the human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
    /// Declares an argument.
    pub fn argument(mut self, argument: PromptArgument) -> Self {
        self.arguments.push(argument);
        self
    }
    /// The name.
    pub fn get_name(&self) -> &str {
        &self.name
    }
    /// The description.
    pub fn get_description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The listing in MCP's form (`name`, `title`, `description`, `arguments`).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(self.name));
        if let Some(v) = &self.title {
            out.insert("title".into(), json!(v));
        }
        if let Some(v) = &self.description {
            out.insert("description".into(), json!(v));
        }
        if !self.arguments.is_empty() {
            let args: Vec<Value> = self.arguments.iter().map(PromptArgument::to_json).collect();
            out.insert("arguments".into(), Value::Array(args));
        }
        Value::Object(out)
    }

    fn arguments_from(
        &self,
        given: BTreeMap<String, String>,
    ) -> Result<PromptArguments, PromptError> {
        if let Some(unknown) = given
            .keys()
            .find(|k| !self.arguments.iter().any(|a| &a.name == *k))
        {
            return Err(PromptError::UnknownArgument(unknown.clone()));
        }
        if let Some(missing) = self
            .arguments
            .iter()
            .find(|a| a.required && !given.contains_key(&a.name))
        {
            return Err(PromptError::MissingArgument(missing.name.clone()));
        }
        Ok(PromptArguments(given))
    }
}

/// The prompts of a catalog, by name.
#[derive(Clone, Debug, Default)]
pub struct Prompts {
    prompts: Vec<Prompt>,
}

impl Prompts {
    pub(crate) fn add(&mut self, prompts: &[Prompt]) -> Result<(), String> {
        for prompt in prompts {
            if self.prompts.iter().any(|p| p.name == prompt.name) {
                return Err(format!("prompt {} is declared twice", prompt.name));
            }
            self.prompts.push(prompt.clone());
        }
        Ok(())
    }

    /// The prompts, in declaration order.
    pub fn list(&self) -> &[Prompt] {
        &self.prompts
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.prompts.is_empty()
    }

    /// The messages of the prompt `name` for `arguments`, after checking them against
    /// the declared arguments; a prompt made by [`Prompt::with_context`] gets a context
    /// without a client (see [`Prompts::get_with`]).
    pub async fn get(&self, name: &str, arguments: BTreeMap<String, String>) -> PromptResult {
        self.get_with(name, arguments, ToolContext::default()).await
    }

    /// [`Prompts::get`] with the context a [`Prompt::with_context`] prompt gets (the MCP
    /// server's, whose client it can ask).
    pub async fn get_with(
        &self,
        name: &str,
        arguments: BTreeMap<String, String>,
        context: ToolContext,
    ) -> PromptResult {
        let prompt = self
            .prompts
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| PromptError::NotFound(name.to_owned()))?;
        let arguments = prompt.arguments_from(arguments)?;
        (prompt.messages)(arguments, context).await
    }

    /// Suggestions for the argument `argument` of the prompt `name`, given what was typed;
    /// none when the argument has no completer.
    pub fn complete(
        &self,
        name: &str,
        argument: &str,
        typed: &str,
    ) -> Result<Completions, PromptError> {
        let prompt = self
            .prompts
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| PromptError::NotFound(name.to_owned()))?;
        let argument = prompt
            .arguments
            .iter()
            .find(|a| a.name == argument)
            .ok_or_else(|| PromptError::UnknownArgument(argument.to_owned()))?;
        Ok(argument
            .completer
            .as_ref()
            .map(|c| c.complete(typed))
            .unwrap_or_default())
    }
}
