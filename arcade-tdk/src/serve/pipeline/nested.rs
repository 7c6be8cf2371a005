//! Tool-to-tool calls through the pipeline ([`crate::calls`]): the called tool runs for
//! the same caller, with its own requirements met (locally: its secrets and its token
//! for the caller's user id; for the worker: from the context the Engine sent), its
//! logs and progress going to the calling tool's client, redacted with its own values.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::{Map, Value};

#[cfg(feature = "worker")]
use super::run;
use super::{CallOutcome, Caller, Pipeline};
use crate::calls::{CallScope, MAX_CALL_DEPTH, too_deep};
use crate::catalog::{Catalog, CatalogEntry};
use crate::context::{ContextSink, LogLevel, ToolContext};
use crate::error::ToolError;
use crate::redact::Redactor;
#[cfg(feature = "worker")]
use crate::serve::local::Subject;
use crate::tool::ToolValue;

/// The calls of a context the pipeline made for `caller`.
pub(super) struct LocalScope {
    pub(super) pipeline: Pipeline,
    pub(super) catalog: Arc<Catalog>,
    pub(super) caller: Caller,
    /// The fully-qualified names of the call path, outermost first.
    pub(super) chain: Vec<String>,
}

impl CallScope for LocalScope {
    fn call<'a>(
        &'a self,
        name: &'a str,
        args: Map<String, Value>,
        parent: &'a ToolContext,
    ) -> BoxFuture<'a, Result<ToolValue, ToolError>> {
        Box::pin(async move {
            let entry = callee(&self.catalog, &self.chain, name)?;
            let sink = parent.sink();
            let outcome = self
                .pipeline
                .call_in(entry, args, &self.caller, &self.chain, |redactor| {
                    nested_sink(sink, redactor)
                })
                .await;
            into_result(outcome)
        })
    }
}

/// The calls of a context the Arcade Engine sent (the worker protocol): the called tool
/// gets the Engine's context, its token only when it requires the same provider as the
/// tool the Engine called, and only the secrets it declares.
#[cfg(feature = "worker")]
pub(crate) struct EngineScope {
    catalog: Arc<Catalog>,
    provider: Option<String>,
    chain: Vec<String>,
}

#[cfg(feature = "worker")]
impl EngineScope {
    /// The scope of a call of `entry` that the Engine asked for.
    pub(crate) fn new(catalog: Arc<Catalog>, entry: &crate::catalog::CatalogEntry) -> Self {
        let requirements = entry.tool().spec().requirements();
        Self {
            catalog,
            provider: requirements
                .authorization
                .as_ref()
                .map(|a| a.provider_name().to_owned()),
            chain: vec![entry.fully_qualified_name().to_owned()],
        }
    }
}

#[cfg(feature = "worker")]
impl CallScope for EngineScope {
    fn call<'a>(
        &'a self,
        name: &'a str,
        args: Map<String, Value>,
        parent: &'a ToolContext,
    ) -> BoxFuture<'a, Result<ToolValue, ToolError>> {
        Box::pin(async move {
            let entry = callee(&self.catalog, &self.chain, name)?;
            let requirements = entry.tool().spec().requirements();
            let same_provider = requirements
                .authorization
                .as_ref()
                .is_some_and(|a| self.provider.as_deref() == Some(a.provider_name()));
            let context = parent.for_nested(requirements, same_provider);
            let subject = Subject::Tool(entry.mcp_name());
            let mut context = super::engine_context_for(subject, requirements, context)?;
            let mut chain = self.chain.clone();
            chain.push(entry.fully_qualified_name().to_owned());
            context.set_scope(Arc::new(EngineScope {
                catalog: self.catalog.clone(),
                provider: self.provider.clone(),
                chain,
            }));
            let sink = parent.sink();
            let execution = run(entry, args, context, |r| nested_sink(sink, r)).await;
            into_result(CallOutcome::Executed(execution))
        })
    }
}

/// The tool `name` that the call path `chain` may call: an error when the path is
/// already [`MAX_CALL_DEPTH`] long or the server has no such tool.
fn callee<'c>(
    catalog: &'c Catalog,
    chain: &[String],
    name: &str,
) -> Result<&'c CatalogEntry, ToolError> {
    if chain.len() >= MAX_CALL_DEPTH {
        return Err(too_deep(chain, name));
    }
    catalog.get(name).ok_or_else(|| {
        ToolError::fatal(format!(
            "Cannot call the tool {name}: this server has no such tool."
        ))
    })
}

/// The called tool's value, or its error as a [`ToolError`] for the calling tool.
fn into_result(outcome: CallOutcome) -> Result<ToolValue, ToolError> {
    match outcome {
        CallOutcome::Executed(execution) => execution
            .outcome
            .map_err(|e| ToolError::from_call_error(&e)),
        CallOutcome::Unmet(unmet) => Err(ToolError::from_call_error(&unmet.wire)),
    }
}

fn nested_sink(
    parent: Option<Arc<dyn ContextSink>>,
    redactor: Arc<Redactor>,
) -> Option<Arc<dyn ContextSink>> {
    parent.map(|inner| Arc::new(NestedSink { inner, redactor }) as Arc<dyn ContextSink>)
}

/// The calling tool's sink, with the called tool's values redacted first.
struct NestedSink {
    inner: Arc<dyn ContextSink>,
    redactor: Arc<Redactor>,
}

impl ContextSink for NestedSink {
    fn log(&self, level: LogLevel, message: &str, data: Option<&Value>) {
        let message = self.redactor.redact(message);
        let data = data.map(|d| {
            let mut d = d.clone();
            self.redactor.redact_value(&mut d);
            d
        });
        self.inner.log(level, &message, data.as_ref());
    }

    fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let message = message.map(|m| self.redactor.redact(m));
        self.inner.progress(progress, total, message.as_deref());
    }

    fn client_requests(&self) -> Option<&dyn crate::interaction::ClientRequests> {
        self.inner.client_requests()
    }
}
