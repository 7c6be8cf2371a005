//! [`Harness`]: call a toolkit's tools from a test through the real pipeline.

use std::sync::{Arc, Mutex, OnceLock};

use futures_util::future::BoxFuture;
use serde_json::{Map, Value};

use super::ClientScript;
use super::output::{CaptureSink, Captured, TestOutput};
use crate::auth::ToolAuthorization;
use crate::catalog::{Catalog, CatalogEntry};
use crate::context::{Authorization, ContextSink, TokenKind};
use crate::error::ToolError;
use crate::interaction::Elicitation;
use crate::serve::local::LocalEnvironment;
use crate::serve::pipeline::{CallOutcome, Pipeline};
use crate::token::{TokenChain, TokenSource};
use crate::toolkit::Toolkit;

/// Calls the tools of a toolkit from a test, through the same
/// [`Pipeline`](crate::serve::pipeline) as the MCP servers and the `call` command:
/// requirements (a tool whose secret or token was not given fails with the error users
/// see, and does not run), argument validation and coercion, redaction of secrets and
/// tokens, panics contained, errors in Arcade's wire form. Logs and progress the tool
/// sends are captured ([`TestOutput::logs`], [`TestOutput::progress`]).
///
/// ```
/// use arcade_tdk::testing::Harness;
/// use arcade_tdk::{tool, ErrorKind, ToolContext, ToolError, Toolkit};
/// use serde_json::json;
///
/// /// Who am I?
/// #[tool(requires_auth = PagerDuty(scopes = ["read"]), requires_secrets = ["MY_API_KEY"])]
/// async fn whoami(context: ToolContext) -> Result<serde_json::Value, ToolError> {
///     let token = context.authorization.token()?;
///     let key = context.get_secret("MY_API_KEY")?;
///     context.log().info(&format!("using {key}"));
///     Ok(json!({"name": "Ada", "token_length": token.len(), "user": context.user_id}))
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let toolkit = || Toolkit::new("Demo").tool(whoami::tool());
/// let harness = Harness::new(toolkit())
///     .token("test-token")
///     .secret("MY_API_KEY", "k3y-value")
///     .user_id("user@example.com");
/// let out = harness.call("Whoami", json!({})).await;
/// assert_eq!(out.value()["name"], "Ada");
/// assert_eq!(out.field("/user"), "user@example.com");
/// // The secret's value never reaches a log message.
/// assert_eq!(out.logs()[0].message, "using [redacted]");
///
/// // Without the secret the tool does not run.
/// let out = Harness::new(toolkit()).token("test-token").call("Demo.Whoami", json!({})).await;
/// out.assert_error_kind(ErrorKind::ToolRequirementsNotMet);
/// assert!(out.error().message.contains("MY_API_KEY"));
/// # });
/// ```
///
/// A tool that asks the client (elicitation, sampling, roots, see
/// [`crate::interaction`]) gets the harness's scripted answers, in order
/// ([`Harness::answer_elicitation`], [`Harness::answer_sampling`], [`Harness::roots`]);
/// without one, the client does not have the capability.
///
/// ```
/// use arcade_tdk::interaction::{Elicitation, SamplingRequest};
/// use arcade_tdk::testing::Harness;
/// use arcade_tdk::{tool, ToolContext, ToolError, Toolkit};
/// use serde_json::json;
///
/// /// What should the incident be called?
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Title {
///     /// The title.
///     title: String,
/// }
///
/// /// Names an incident, asking the user; summarizes it with the client's model.
/// #[tool]
/// async fn name_incident(context: ToolContext) -> Result<String, ToolError> {
///     let Elicitation::Accept(t) = context.elicit::<Title>("Name the incident").await? else {
///         return Ok("no name".into());
///     };
///     let summary = context.sample(SamplingRequest::new(format!("Summarize {}", t.title))).await?;
///     Ok(format!("{}: {}", t.title, summary.text().unwrap_or_default()))
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let harness = Harness::new(Toolkit::new("Demo").tool(name_incident::tool()))
///     .answer_elicitation(Elicitation::Accept(json!({"title": "Disk full"})))
///     .answer_sampling("The disk is full.");
/// let out = harness.call("NameIncident", json!({})).await;
/// assert_eq!(out.value(), "Disk full: The disk is full.");
/// assert_eq!(harness.client_script().requests()[0].method(), "elicitation/create");
///
/// let declined = Harness::new(Toolkit::new("Demo").tool(name_incident::tool()))
///     .answer_elicitation(Elicitation::Decline);
/// assert_eq!(declined.call("NameIncident", json!({})).await.value(), "no name");
/// # });
/// ```
pub struct Harness {
    catalog: Arc<Catalog>,
    token: Option<String>,
    token_kind: TokenKind,
    user_info: Map<String, Value>,
    secrets: Vec<(String, String)>,
    metadata: Vec<(String, String)>,
    user_id: Option<String>,
    tokens: Option<Arc<TokenChain>>,
    pipeline: OnceLock<Pipeline>,
    client: ClientScript,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("tools", &self.catalog.len())
            .field("token", &self.token.as_ref().map(|_| self.token_kind))
            .field(
                "secrets",
                &self.secrets.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

impl Harness {
    /// A harness over `toolkit`'s tools, with no token, secrets or metadata and the
    /// user id `"anonymous"` (as a local server without `ARCADE_USER_ID`).
    ///
    /// Panics, saying why, when the toolkit is not a valid catalog (two tools of the
    /// same name): that is a bug in the toolkit the test should report.
    pub fn new(toolkit: Toolkit) -> Self {
        match Catalog::new(toolkit) {
            Ok(catalog) => Self::for_catalog(Arc::new(catalog)),
            Err(err) => panic!("the toolkit is not a valid catalog: {err}"),
        }
    }

    /// A harness over an existing catalog (e.g. one narrowed with a `ToolFilter`).
    pub fn for_catalog(catalog: Arc<Catalog>) -> Self {
        Self {
            catalog,
            token: None,
            token_kind: TokenKind::OAuth2,
            user_info: Map::new(),
            secrets: Vec::new(),
            metadata: Vec::new(),
            user_id: None,
            tokens: None,
            pipeline: OnceLock::new(),
            client: ClientScript::new(),
        }
    }

    /// Adds the client's answer to the next elicitation a tool sends (see
    /// [`ClientScript::elicitation`]).
    pub fn answer_elicitation(mut self, answer: Elicitation<Value>) -> Self {
        self.client = self.client.elicitation(answer);
        self
    }

    /// Adds the client's answer to the next sampling request: the model's text.
    pub fn answer_sampling(mut self, text: impl Into<String>) -> Self {
        self.client = self.client.sampling(text);
        self
    }

    /// The client's roots.
    pub fn roots<I, S>(mut self, uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.client = self.client.roots(uris);
        self
    }

    /// Replaces the client's whole script.
    pub fn client(mut self, script: ClientScript) -> Self {
        self.client = script;
        self
    }

    /// The client's script: what is left of it, and the requests the tools sent.
    pub fn client_script(&self) -> &ClientScript {
        &self.client
    }

    fn changed(mut self) -> Self {
        self.pipeline = OnceLock::new();
        self
    }

    /// The token every tool that requires authorization gets (an OAuth access token,
    /// sent as `Bearer`; see [`token_kind`](Self::token_kind)).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self.changed()
    }

    /// The kind of the token given to [`token`](Self::token) (default
    /// `TokenKind::OAuth2`): `TokenKind::ApiKey` for a provider API key (for PagerDuty
    /// `Token token=...`). Gives no token by itself.
    pub fn token_kind(mut self, kind: TokenKind) -> Self {
        self.token_kind = kind;
        self.changed()
    }

    /// What the provider said about the token's user (`context.authorization.user_info()`).
    pub fn user_info(mut self, user_info: Map<String, Value>) -> Self {
        self.user_info = user_info;
        self.changed()
    }

    /// Tokens from these sources instead of [`token`](Self::token) (e.g. an
    /// `ArcadeTokenSource` on a [`FakeEngine`](super::FakeEngine), see
    /// [`arcade_engine`](Self::arcade_engine)).
    pub fn tokens(mut self, chain: TokenChain) -> Self {
        self.tokens = Some(Arc::new(chain));
        self.changed()
    }

    /// Tokens from the Arcade Engine at `engine` (a [`FakeEngine`](super::FakeEngine)),
    /// as a local server with `ARCADE_API_KEY` gets them: a pending authorization fails
    /// the call with the URL to open ([`TestOutput::requires_authorization`]).
    pub fn arcade_engine(self, engine: &super::FakeEngine) -> Self {
        let source = crate::token::ArcadeTokenSource::new(engine.client());
        self.tokens(TokenChain::new(vec![Box::new(source)]))
    }

    /// A secret tools may declare (`requires_secrets`).
    pub fn secret(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.secrets.push((key.into(), value.into()));
        self.changed()
    }

    /// A metadata entry every tool's context carries (`context.get_metadata`), e.g.
    /// `PAGERDUTY_BASE_URL` pointing at a sandbox.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self.changed()
    }

    /// The user the tools run for (default `"anonymous"`).
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self.changed()
    }

    /// The catalog the harness calls into.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// The environment the calls run in: the given secrets, metadata and user id, and
    /// the token (or token sources). The in-process MCP client uses it too.
    pub fn environment(&self) -> LocalEnvironment {
        let mut env = LocalEnvironment::from_vars(self.secrets.iter().cloned());
        for (key, value) in &self.metadata {
            env = env.with_metadata(key, value);
        }
        if let Some(user_id) = &self.user_id {
            env = env.with_user_id(user_id);
        }
        let chain = match (&self.tokens, &self.token) {
            (Some(shared), _) => TokenChain::new(vec![Box::new(Shared(shared.clone()))]),
            (None, Some(token)) => TokenChain::new(vec![Box::new(FixedToken(
                Authorization::new(token, self.token_kind).with_user_info(self.user_info.clone()),
            ))]),
            (None, None) => TokenChain::default(),
        };
        env.with_tokens(chain)
    }

    fn pipeline(&self) -> &Pipeline {
        self.pipeline.get_or_init(|| {
            Pipeline::new(Arc::new(self.environment())).serving(self.catalog.clone())
        })
    }

    /// The tool named `name`: its name (`Whoami`), `Toolkit.Tool` or `Toolkit_Tool`,
    /// case-insensitively. Panics listing the tools when there is none.
    pub fn entry(&self, name: &str) -> &CatalogEntry {
        let found = self.catalog.get(name).or_else(|| {
            self.catalog
                .entries()
                .iter()
                .find(|e| e.definition().name.eq_ignore_ascii_case(name))
        });
        match found {
            Some(entry) => entry,
            None => {
                let names: Vec<&str> = self
                    .catalog
                    .entries()
                    .iter()
                    .map(|e| e.fully_qualified_name())
                    .collect();
                panic!("no tool named {name:?}; the toolkit has {names:?}")
            }
        }
    }

    /// Calls the tool `name` with `args` (a JSON object; `null` is `{}`). Panics when
    /// there is no such tool or `args` is not an object: both are mistakes in the test.
    pub async fn call(&self, name: &str, args: Value) -> TestOutput {
        let entry = self.entry(name);
        let args = match args {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => panic!("the arguments of {name} must be a JSON object, not {other}"),
        };
        let captured = Arc::new(Mutex::new(Captured::default()));
        let sink_captured = captured.clone();
        let client = self.client.clone();
        let outcome = self
            .pipeline()
            .call(entry, args, move |redactor| {
                Some(Arc::new(CaptureSink {
                    captured: sink_captured,
                    redactor,
                    client: Some(client),
                }) as Arc<dyn ContextSink>)
            })
            .await;
        let unmet = matches!(outcome, CallOutcome::Unmet(_));
        let captured = std::mem::take(&mut *captured.lock().unwrap_or_else(|e| e.into_inner()));
        TestOutput {
            tool: entry.fully_qualified_name().to_owned(),
            output: outcome.into_output(),
            unmet,
            logs: captured.logs,
            progress: captured.progress,
        }
    }
}

/// One token for every requirement.
struct FixedToken(Authorization);

impl TokenSource for FixedToken {
    fn name(&self) -> &'static str {
        "harness"
    }

    fn token<'a>(
        &'a self,
        _requirement: &'a ToolAuthorization,
        _user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>> {
        let auth = self.0.clone();
        Box::pin(async move { Ok(Some(auth)) })
    }
}

/// The harness's chain, shared between its pipeline and its MCP servers.
struct Shared(Arc<TokenChain>);

impl TokenSource for Shared {
    fn name(&self) -> &'static str {
        "harness"
    }

    fn token<'a>(
        &'a self,
        requirement: &'a ToolAuthorization,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>> {
        Box::pin(async move { self.0.resolve(requirement, user_id).await.map(Some) })
    }

    fn invalidate(&self, requirement: &ToolAuthorization, user_id: &str) {
        self.0.invalidate(requirement, user_id);
    }
}
