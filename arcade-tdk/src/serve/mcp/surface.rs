//! The MCP answers for a catalog's resources, prompts and completions: listing,
//! reading, getting, completing, and the per-session resource subscriptions. The
//! handler calls these; the types are rmcp's, filled from the catalog's JSON listings.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use rmcp::ErrorData;
use rmcp::model::SubscriptionFilter;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, CompletionInfo, GetPromptResult, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, Prompt, PromptMessage, ReadResourceResult,
    Reference, Resource, ResourceContents, ResourceTemplate, ResourceUpdatedNotificationParam,
    ServerCapabilities,
};
use rmcp::service::{Peer, RoleServer, SubscriptionContext};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::catalog::Catalog;
use crate::completion::Completions;
use crate::prompt::PromptError;
use crate::resource::{Listening, ResourceError};
use crate::serve::pipeline::{Caller, Pipeline};

/// Declares what the catalog serves: resource subscriptions once it has resources, and
/// completions once it has prompts or templates. A catalog without them keeps the
/// capabilities (empty `prompts` and `resources`) Arcade's Python server declares.
pub(crate) fn capabilities(catalog: &Catalog, capabilities: &mut ServerCapabilities) {
    if !catalog.resources().is_empty()
        && let Some(resources) = capabilities.resources.as_mut()
    {
        resources.subscribe = Some(true);
    }
    if !catalog.prompts().is_empty() || !catalog.resources().templates().is_empty() {
        capabilities.completions = Some(Default::default());
    }
}

/// rmcp's type from our JSON listing (the shapes are MCP's; a mismatch is a bug, logged).
fn convert<T: DeserializeOwned>(value: Value) -> Option<T> {
    serde_json::from_value(value)
        .inspect_err(|err| tracing::error!(%err, "unrepresentable MCP item left out"))
        .ok()
}

pub(crate) fn list_resources(catalog: &Catalog) -> ListResourcesResult {
    let items = catalog.resources().list().iter();
    ListResourcesResult::with_all_items(
        items
            .filter_map(|r| convert::<Resource>(r.to_json()))
            .collect(),
    )
}

pub(crate) fn list_resource_templates(catalog: &Catalog) -> ListResourceTemplatesResult {
    let items = catalog.resources().templates().iter();
    ListResourceTemplatesResult::with_all_items(
        items
            .filter_map(|t| convert::<ResourceTemplate>(t.to_json()))
            .collect(),
    )
}

/// A resource error as MCP's: not found is -32002 until 2025-11-25 and -32602 from
/// 2026-07-28 (SEP-2164), with the URI in `data`.
fn resource_error(error: ResourceError, uri: &str, modern: bool) -> ErrorData {
    let message = error.to_string();
    let data = Some(json!({ "uri": uri }));
    match error {
        ResourceError::NotFound(_) if modern => ErrorData::invalid_params(message, data),
        ResourceError::NotFound(_) => ErrorData::resource_not_found(message, data),
        ResourceError::InvalidParams(_) => ErrorData::invalid_params(message, data),
        ResourceError::RequirementsNotMet(error) => {
            // As a tool's requirements error: what the user must do, and where to
            // authorize when a token source gave a link.
            let mut data = serde_json::Map::new();
            data.insert("uri".into(), json!(uri));
            data.insert("errorKind".into(), json!(error.kind().as_str()));
            if let Some(text) = error.additional_prompt_content() {
                data.insert("llm_instructions".into(), json!(text));
            }
            if let Some(url) = error.extra().and_then(|e| e.get("authorization_url")) {
                data.insert("authorization_url".into(), url.clone());
            }
            ErrorData::internal_error(message, Some(Value::Object(data)))
        }
        _ => ErrorData::internal_error(message, data),
    }
}

/// Reads `uri` for `caller` through the pipeline (the resource's requirements, the
/// caller's token, redaction).
pub(crate) async fn read_resource(
    pipeline: &Pipeline,
    catalog: &Catalog,
    uri: &str,
    caller: &Caller,
    modern: bool,
) -> Result<ReadResourceResult, ErrorData> {
    let contents = pipeline
        .read_resource(catalog.resources(), uri, caller)
        .await
        .map_err(|e| resource_error(e, uri, modern))?;
    let contents = contents
        .into_iter()
        .filter_map(|c| convert::<ResourceContents>(serde_json::to_value(c).unwrap_or_default()));
    Ok(ReadResourceResult::new(contents.collect()))
}

fn prompt_error(error: PromptError) -> ErrorData {
    match error {
        PromptError::Failed(_) => ErrorData::internal_error(error.to_string(), None),
        _ => ErrorData::invalid_params(error.to_string(), None),
    }
}

pub(crate) fn list_prompts(catalog: &Catalog) -> ListPromptsResult {
    let items = catalog.prompts().list().iter();
    ListPromptsResult::with_all_items(
        items
            .filter_map(|p| convert::<Prompt>(p.to_json()))
            .collect(),
    )
}

pub(crate) async fn get_prompt(
    catalog: &Catalog,
    name: &str,
    arguments: Option<serde_json::Map<String, Value>>,
    context: crate::context::ToolContext,
) -> Result<GetPromptResult, ErrorData> {
    let mut given = BTreeMap::new();
    for (key, value) in arguments.unwrap_or_default() {
        let Value::String(value) = value else {
            return Err(ErrorData::invalid_params(
                format!("Argument {key} must be a string"),
                None,
            ));
        };
        given.insert(key, value);
    }
    let prompts = catalog.prompts();
    let messages = prompts
        .get_with(name, given, context)
        .await
        .map_err(prompt_error)?;
    let messages = messages
        .into_iter()
        .filter_map(|m| convert::<PromptMessage>(serde_json::to_value(m).unwrap_or_default()));
    let mut result = GetPromptResult::new(messages.collect());
    result.description = prompts
        .list()
        .iter()
        .find(|p| p.get_name() == name)
        .and_then(|p| p.get_description().map(str::to_owned));
    Ok(result)
}

pub(crate) fn complete(
    catalog: &Catalog,
    request: &CompleteRequestParams,
) -> Result<CompleteResult, ErrorData> {
    let typed = &request.argument.value;
    let name = &request.argument.name;
    let found: Completions = match &request.r#ref {
        Reference::Prompt(prompt) => catalog
            .prompts()
            .complete(&prompt.name, name, typed)
            .map_err(prompt_error)?,
        Reference::Resource(template) => catalog
            .resources()
            .complete(&template.uri, name, typed)
            .map_err(|_| {
            ErrorData::invalid_params(format!("Unknown resource template: {}", template.uri), None)
        })?,
        _ => {
            return Err(ErrorData::invalid_params(
                "Unknown completion reference",
                None,
            ));
        }
    };
    let mut info = CompletionInfo::default();
    info.total = u32::try_from(found.total).ok();
    info.has_more = Some(found.has_more);
    info.values = found.values;
    Ok(CompleteResult::new(info))
}

/// The most URIs one session may subscribe to (templates match unboundedly many).
const MAX_SUBSCRIPTIONS: usize = 1024;

/// One session's resource subscriptions: the URIs, and while there are any, a task
/// that sends `notifications/resources/updated` for them. Dropped with the session.
#[derive(Default)]
pub(crate) struct Subscriptions {
    uris: Arc<Mutex<HashSet<String>>>,
    listening: Mutex<Vec<Listening>>,
}

impl Subscriptions {
    fn uris(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.uris.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Subscribes to `uri` (which must name a resource or match a template).
    pub(crate) fn subscribe(
        &self,
        catalog: &Catalog,
        uri: &str,
        peer: &Peer<RoleServer>,
    ) -> Result<(), ErrorData> {
        if !catalog.resources().contains(uri) {
            return Err(resource_error(ResourceError::not_found(uri), uri, false));
        }
        {
            let mut uris = self.uris();
            if uris.len() >= MAX_SUBSCRIPTIONS && !uris.contains(uri) {
                return Err(ErrorData::invalid_params(
                    format!("Too many subscriptions (at most {MAX_SUBSCRIPTIONS} per session)"),
                    None,
                ));
            }
            uris.insert(uri.to_owned());
        }
        let mut listening = self.listening.lock().unwrap_or_else(|e| e.into_inner());
        if listening.is_empty() {
            let (tx, mut rx) = mpsc::unbounded_channel::<String>();
            for updates in catalog.resources().updates() {
                let uris = self.uris.clone();
                let tx = tx.clone();
                listening.push(updates.listen(move |uri| {
                    if uris.lock().unwrap_or_else(|e| e.into_inner()).contains(uri) {
                        let _ = tx.send(uri.to_owned());
                    }
                }));
            }
            // Ends when the listeners (and their senders) are dropped with the session.
            let peer = peer.clone();
            tokio::spawn(async move {
                while let Some(uri) = rx.recv().await {
                    let param = ResourceUpdatedNotificationParam::new(uri);
                    if let Err(err) = peer.notify_resource_updated(param).await {
                        tracing::debug!(%err, "could not send a resource update");
                        break;
                    }
                }
            });
        }
        Ok(())
    }

    /// Unsubscribes from `uri`.
    pub(crate) fn unsubscribe(&self, uri: &str) {
        self.uris().remove(uri);
    }
}

/// What a 2026-07-28 `subscriptions/listen` stream gets: the requested resource URIs
/// the catalog serves (no list changes: the served set is fixed). `None` (method not
/// found) for a catalog without resources, which advertises no `subscribe`.
pub(crate) fn accepted_filter(
    catalog: &Catalog,
    requested: &SubscriptionFilter,
    lists_change: bool,
) -> Option<SubscriptionFilter> {
    if catalog.resources().is_empty() && !lists_change {
        return None;
    }
    let mut accepted = SubscriptionFilter::new();
    if lists_change {
        // rmcp intersects these with what was requested and what is advertised.
        accepted.tools_list_changed = requested.tools_list_changed;
        accepted.prompts_list_changed = requested.prompts_list_changed;
        accepted.resources_list_changed = requested.resources_list_changed;
    }
    accepted.resource_subscriptions = requested.resource_subscriptions.as_ref().map(|uris| {
        let served = uris.iter().filter(|u| catalog.resources().contains(u));
        served.take(MAX_SUBSCRIPTIONS).cloned().collect()
    });
    Some(accepted)
}

/// Runs one `subscriptions/listen` stream until the client cancels it: resource updates
/// for its accepted URIs, and the list changes it accepted as `changes` brings them.
pub(crate) async fn listen(
    catalog: &Catalog,
    context: SubscriptionContext,
    mut changes: tokio::sync::broadcast::Receiver<Arc<super::list_changed::Changed>>,
) {
    let uris: HashSet<String> = context
        .accepted()
        .resource_subscriptions
        .iter()
        .flatten()
        .cloned()
        .collect();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let uris = Arc::new(uris);
    let _listening: Vec<Listening> = catalog
        .resources()
        .updates()
        .iter()
        .map(|updates| {
            let (uris, tx) = (uris.clone(), tx.clone());
            updates.listen(move |uri| {
                if uris.contains(uri) {
                    let _ = tx.send(uri.to_owned());
                }
            })
        })
        .collect();
    drop(tx);
    loop {
        tokio::select! {
            () = context.cancelled() => return,
            Some(uri) = rx.recv() => {
                if let Err(err) = context.sink().notify_resource_updated(uri).await {
                    tracing::debug!(%err, "could not send a resource update");
                    return;
                }
            }
            changed = changes.recv() => match changed {
                Ok(changed) => {
                    if let Err(err) = changed.notify_listener(context.sink()).await {
                        tracing::debug!(%err, "could not send a list change");
                        return;
                    }
                }
                // Missed some: say every list changed, so the client lists them again.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let all = super::list_changed::Changed::all();
                    if all.notify_listener(context.sink()).await.is_err() {
                        return;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    return context.cancelled().await;
                }
            },
        }
    }
}
