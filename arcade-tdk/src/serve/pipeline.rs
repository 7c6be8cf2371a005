//! The path of one call, in one place. Every adapter — the MCP handler (stdio and
//! HTTP), the `call` command and Arcade's worker protocol — runs a tool through here:
//!
//! 1. the transport's policy, by [`Caller`] (tools that need credentials may be refused
//!    over unauthenticated HTTP; a caller the front door authenticated is served);
//! 2. the tool's requirements: its declared secrets from the [`LocalEnvironment`], its
//!    token from the environment's token chain for the caller's user id (only per-user
//!    sources for an authenticated caller, see
//!    [`TokenChain::resolve_for_caller`](crate::token::TokenChain::resolve_for_caller)),
//!    or the context the Arcade Engine sent, for the worker;
//! 3. one [`Redactor`] for the call, built from that context, shared by the executor
//!    (errors) and the notification sink the adapter supplies (logs, progress);
//! 4. the [`executor`]: validation, the tool, panics contained;
//! 5. a token the upstream rejected (`UPSTREAM_RUNTIME_AUTH_ERROR`) is forgotten, so the
//!    next call fetches a fresh one;
//! 6. a requirement that failed becomes a [`ToolCallError`] like any tool error, and
//!    stays available as the [`ToolError`] it was, for adapters that word it
//!    differently (MCP, as Arcade's Python server does).
//!
//! ```
//! use std::sync::Arc;
//! use arcade_tdk::serve::local::LocalEnvironment;
//! use arcade_tdk::serve::pipeline::Pipeline;
//! use arcade_tdk::{tool, Catalog, ToolContext, ToolError, Toolkit};
//!
//! /// Read the API key's last four characters.
//! #[tool(requires_secrets = ["API_KEY"])]
//! fn key_tail(context: &ToolContext) -> Result<String, ToolError> {
//!     let key = context.get_secret("API_KEY")?;
//!     Err(ToolError::execution(format!("refused key {key}")))
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let catalog = Catalog::new(Toolkit::new("Demo").tool(key_tail::tool())).unwrap();
//! let entry = catalog.get("Demo.KeyTail").unwrap();
//! let pipeline = Pipeline::new(Arc::new(LocalEnvironment::from_vars([("API_KEY", "sk-99999")])));
//! let output = pipeline.call(entry, Default::default(), |_| None).await.into_output();
//! let error = output.error.unwrap();
//! assert!(error.message.ends_with("refused key [redacted]"));
//!
//! // Without the secret the tool does not run.
//! let pipeline = Pipeline::new(Arc::new(LocalEnvironment::from_vars::<&str, &str>([])));
//! let outcome = pipeline.call(entry, Default::default(), |_| None).await;
//! assert!(outcome.unmet().is_some());
//! # });
//! ```

#[cfg(feature = "worker")]
mod engine;
mod nested;
mod resource;

use std::sync::Arc;

use serde_json::{Map, Value};

// What the worker protocol (a context the Arcade Engine sent) calls through.
#[cfg(feature = "worker")]
pub(crate) use self::engine::engine_context_for;
#[cfg(feature = "worker")]
pub(crate) use self::nested::EngineScope;
#[cfg(feature = "worker")]
pub(crate) use self::resource::read_redacted as read_resource_redacted;

use crate::auth::ToolRequirements;
use crate::catalog::{Catalog, CatalogEntry};
use crate::context::{ContextSink, ToolContext};
use crate::error::{ErrorKind, ToolError};
use crate::executor::{self, Execution, ToolCallError, ToolCallOutput};
use crate::owner::ResourceOwner;
use crate::redact::Redactor;
use crate::serve::local::{LocalEnvironment, Subject};

/// The environment variable that lets tools needing credentials run over
/// unauthenticated HTTP (`1` or `true`), as in Arcade's Python server.
pub const ALLOW_CREDENTIALED_TOOLS_ENV: &str = "MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS";

/// The result of one call through the [`Pipeline`].
#[derive(Debug)]
pub enum CallOutcome {
    /// The tool ran (and may have failed).
    Executed(Execution),
    /// A requirement was not met (a missing secret, no token, credentials refused over
    /// this transport): the tool did not run.
    Unmet(Unmet),
}

/// A requirement that was not met, in both forms.
#[derive(Debug)]
pub struct Unmet {
    /// The error as the requirement check raised it.
    pub error: ToolError,
    /// Its wire form, as for any tool error (prefixed with the kind and tool name).
    pub wire: ToolCallError,
}

impl CallOutcome {
    /// Arcade's `ToolCallOutput` for either outcome.
    pub fn into_output(self) -> ToolCallOutput {
        match self {
            Self::Executed(execution) => execution.into_output(),
            Self::Unmet(unmet) => ToolCallOutput {
                value: None,
                logs: None,
                error: Some(unmet.wire),
                requires_authorization: None,
            },
        }
    }

    /// The unmet requirement, if that is what happened.
    pub fn unmet(&self) -> Option<&Unmet> {
        match self {
            Self::Unmet(unmet) => Some(unmet),
            Self::Executed(_) => None,
        }
    }
}

/// On whose behalf a call runs: the one decision of who gets which credentials.
#[derive(Clone, Debug, Default)]
pub enum Caller {
    /// The local user (stdio, `call`, HTTP without front-door auth): the environment's
    /// user id (`ARCADE_USER_ID`) and every token source.
    #[default]
    Local,
    /// A user the front door authenticated: their `sub` as the user id, the owner in
    /// the context, tokens only from per-user sources (unless the developer's are
    /// shared), and tools that need credentials are served.
    Authenticated(Arc<ResourceOwner>),
}

/// How tools run locally: the environment they take secrets and tokens from, and
/// whether tools that need credentials may run at all (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Pipeline {
    environment: Arc<LocalEnvironment>,
    credentialed_tools: bool,
    share_developer_tokens: bool,
    /// The catalog tools call other tools of ([`crate::calls`]), once set.
    catalog: Option<Arc<Catalog>>,
}

impl Pipeline {
    /// A pipeline over `environment`; tools that need credentials run.
    pub fn new(environment: Arc<LocalEnvironment>) -> Self {
        Self {
            environment,
            credentialed_tools: true,
            share_developer_tokens: false,
            catalog: None,
        }
    }

    /// The pipeline of a server of `catalog`: tools it runs may call the catalog's
    /// other tools ([`ToolContext::tools`]), through this pipeline, for the same caller.
    /// Without it such a call fails with a clear error.
    pub fn serving(mut self, catalog: Arc<Catalog>) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// Whether [authenticated](Caller::Authenticated) callers also get the developer's
    /// own tokens (environment variables, the developer's OAuth login), not only
    /// per-user ones. Off by default: one developer's token must not reach every user.
    pub fn share_developer_tokens(mut self, share: bool) -> Self {
        self.share_developer_tokens = share;
        self
    }

    /// Whether tools that need secrets or a token may run (`false` over unauthenticated
    /// HTTP unless the operator allows them): a refused tool fails with a requirement
    /// error that says how to allow it.
    pub fn credentialed_tools(mut self, allowed: bool) -> Self {
        self.credentialed_tools = allowed;
        self
    }

    /// The environment tools run in.
    pub fn environment(&self) -> &LocalEnvironment {
        &self.environment
    }

    /// Whether `entry` would be refused to the local caller because it needs
    /// credentials.
    pub fn refuses(&self, entry: &CatalogEntry) -> bool {
        self.refuses_for(entry, &Caller::Local)
    }

    /// Whether `entry` would be refused to `caller` because it needs credentials: an
    /// authenticated caller never is.
    pub fn refuses_for(&self, entry: &CatalogEntry, caller: &Caller) -> bool {
        match caller {
            Caller::Local => !self.credentialed_tools && needs_credentials(entry),
            Caller::Authenticated(_) => false,
        }
    }

    /// Runs `entry` with `args` for the local caller. `sink` is given the call's
    /// redactor and returns the notification sink for the tool's logs and progress, if
    /// the adapter has one.
    pub async fn call(
        &self,
        entry: &CatalogEntry,
        args: Map<String, Value>,
        sink: impl FnOnce(Arc<Redactor>) -> Option<Arc<dyn ContextSink>>,
    ) -> CallOutcome {
        self.call_as(entry, args, &Caller::Local, sink).await
    }

    /// Runs `entry` with `args` on behalf of `caller` (see [`Caller`]).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arcade_tdk::serve::local::LocalEnvironment;
    /// use arcade_tdk::serve::pipeline::{Caller, Pipeline};
    /// use arcade_tdk::{tool, Catalog, ResourceOwner, ToolContext, ToolError, Toolkit};
    ///
    /// /// Who am I?
    /// #[tool]
    /// fn whoami(context: &ToolContext) -> Result<String, ToolError> {
    ///     Ok(context.user_id.clone().unwrap_or_default())
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let catalog = Catalog::new(Toolkit::new("Demo").tool(whoami::tool())).unwrap();
    /// let entry = catalog.get("Demo.Whoami").unwrap();
    /// let pipeline = Pipeline::new(Arc::new(LocalEnvironment::default()));
    /// let caller = Caller::Authenticated(Arc::new(ResourceOwner::new("user-7", "https://auth.example.com")));
    /// let output = pipeline.call_as(entry, Default::default(), &caller, |_| None).await.into_output();
    /// assert_eq!(output.value.unwrap(), "user-7");
    /// # });
    /// ```
    pub async fn call_as(
        &self,
        entry: &CatalogEntry,
        args: Map<String, Value>,
        caller: &Caller,
        sink: impl FnOnce(Arc<Redactor>) -> Option<Arc<dyn ContextSink>>,
    ) -> CallOutcome {
        self.call_in(entry, args, caller, &[], sink).await
    }

    /// [`call_as`](Self::call_as) of a tool that the tools of `chain` called (outermost
    /// first; empty for a call from the client).
    async fn call_in(
        &self,
        entry: &CatalogEntry,
        args: Map<String, Value>,
        caller: &Caller,
        chain: &[String],
        sink: impl FnOnce(Arc<Redactor>) -> Option<Arc<dyn ContextSink>>,
    ) -> CallOutcome {
        if self.refuses_for(entry, caller) {
            return unmet(entry, unsupported_transport(entry));
        }
        let owner = match caller {
            Caller::Local => None,
            Caller::Authenticated(owner) => Some(owner),
        };
        let context = self
            .environment
            .context_for_caller(entry, owner, self.share_developer_tokens)
            .await;
        let mut context = match context {
            Ok(context) => context,
            Err(error) => return unmet(entry, error),
        };
        if let Some(catalog) = &self.catalog {
            let mut chain = chain.to_vec();
            chain.push(entry.fully_qualified_name().to_owned());
            context.set_scope(Arc::new(nested::LocalScope {
                pipeline: self.clone(),
                catalog: catalog.clone(),
                caller: caller.clone(),
                chain,
            }));
        }
        let execution = run(entry, args, context, sink).await;
        if let Err(error) = &execution.outcome
            && error.kind == ErrorKind::UpstreamRuntimeAuthError
        {
            let user_id = owner.map_or(self.environment.user_id(), |o| o.user_id.as_str());
            self.environment.token_rejected_for(entry, user_id);
        }
        CallOutcome::Executed(execution)
    }
}

/// Runs `entry` with a context its caller built (the Arcade Engine's, for the worker
/// protocol): one redactor for the call, shared with the sink `sink` returns.
pub async fn run(
    entry: &CatalogEntry,
    args: Map<String, Value>,
    mut context: ToolContext,
    sink: impl FnOnce(Arc<Redactor>) -> Option<Arc<dyn ContextSink>>,
) -> Execution {
    let redactor = Arc::new(Redactor::for_context(&context));
    if let Some(sink) = sink(redactor.clone()) {
        context.set_sink(sink);
    }
    executor::execute_redacted(entry, args, context, &redactor).await
}

fn unmet(entry: &CatalogEntry, error: ToolError) -> CallOutcome {
    let wire = ToolCallError::from_tool_error(&error, entry.definition().name.as_str());
    CallOutcome::Unmet(Unmet { error, wire })
}

/// Whether `entry` needs a token or secrets.
pub fn needs_credentials(entry: &CatalogEntry) -> bool {
    requires_credentials(entry.tool().spec().requirements())
}

/// Whether `requirements` name a token or secrets.
fn requires_credentials(requirements: &crate::auth::ToolRequirements) -> bool {
    requirements.authorization.is_some() || requirements.secret_keys().next().is_some()
}

/// Why a tool that needs credentials does not run over unauthenticated HTTP (as in
/// Arcade's Python server): anyone who can reach the port would use the developer's
/// secrets and tokens.
fn unsupported_transport(entry: &CatalogEntry) -> ToolError {
    let subject = Subject::Tool(entry.mcp_name());
    unsupported_transport_for(subject, entry.tool().spec().requirements())
}

fn unsupported_transport_for(subject: Subject<'_>, requirements: &ToolRequirements) -> ToolError {
    let (tool, kind, verb) = match subject {
        Subject::Tool(name) => (name, "tool", "execute"),
        Subject::Resource(uri) => (uri, "resource", "read"),
    };
    let what = match (
        requirements.authorization.is_some(),
        requirements.secret_keys().next().is_some(),
    ) {
        (true, true) => "authorization and secrets",
        (true, false) => "authorization",
        _ => "secrets",
    };
    let var = ALLOW_CREDENTIALED_TOOLS_ENV;
    ToolError::requirements_not_met(
        format!(
            "Unsupported transport: {kind} '{tool}' requires {what}, which this server does not provide \
             over unauthenticated HTTP.\n\n  To fix, either:\n  1. Serve the toolkit over stdio, or\n  \
             2. On a trusted machine, allow such tools over HTTP:  export {var}=1\n\n  \
             Then restart the server."
        ),
        format!(
            "The MCP server cannot {verb} the '{tool}' {kind} over its HTTP transport because the {kind} \
             requires {what} and the HTTP transport does not authenticate users. Tell the user to serve \
             the toolkit over stdio, or (on a trusted machine) to set {var}=1 and restart the server."
        ),
    )
}
