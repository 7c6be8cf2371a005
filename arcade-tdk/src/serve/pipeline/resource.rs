//! Resource reads through the pipeline: the resource's requirements checked and met
//! for the caller (the transport's policy, secrets, the token for the caller's user
//! id), the function run with that context, its errors redacted.

use super::{Caller, Pipeline, requires_credentials, unsupported_transport_for};
use crate::error::ToolError;
use crate::redact::Redactor;
use crate::resource::{ResourceError, ResourceResult, Resources};
use crate::serve::local::Subject;

impl Pipeline {
    /// Reads `uri` of `resources` on behalf of `caller`, as [`Pipeline::call_as`] runs
    /// a tool: a resource that needs a token or secrets gets them (the token for the
    /// caller's user id), or the read fails with
    /// [`ResourceError::RequirementsNotMet`] before its function runs; the token and
    /// secret values never appear in the error.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arcade_tdk::serve::local::LocalEnvironment;
    /// use arcade_tdk::serve::pipeline::{Caller, Pipeline};
    /// use arcade_tdk::{Catalog, ResourceContents, ResourceError, ResourceTemplate, Toolkit};
    ///
    /// let toolkit = Toolkit::new("Kit").resource_template(
    ///     ResourceTemplate::new("kit://keys/{id}", "key", |request| async move {
    ///         let key = request.context().get_secret("KIT_KEY")?;
    ///         Ok(vec![ResourceContents::text(request.uri(), "text/plain", format!("{} chars", key.len()))])
    ///     })
    ///     .requires_secrets(["KIT_KEY"]),
    /// );
    /// let catalog = Catalog::new(toolkit).unwrap();
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let env = LocalEnvironment::from_vars([("KIT_KEY", "sk-12345")]);
    /// let pipeline = Pipeline::new(Arc::new(env));
    /// let read = pipeline.read_resource(catalog.resources(), "kit://keys/1", &Caller::Local).await;
    /// assert_eq!(read.unwrap()[0].text.as_deref(), Some("8 chars"));
    ///
    /// let pipeline = Pipeline::new(Arc::new(LocalEnvironment::default()));
    /// let read = pipeline.read_resource(catalog.resources(), "kit://keys/1", &Caller::Local).await;
    /// assert!(matches!(read, Err(ResourceError::RequirementsNotMet(e)) if e.message().contains("Missing secret: KIT_KEY")));
    /// # });
    /// ```
    pub async fn read_resource(
        &self,
        resources: &Resources,
        uri: &str,
        caller: &Caller,
    ) -> ResourceResult {
        let subject = Subject::Resource(uri);
        let Some(requirements) = resources.requirements_of(uri) else {
            return Err(ResourceError::not_found(uri));
        };
        let owner = match caller {
            Caller::Local => {
                if !self.credentialed_tools && requires_credentials(requirements) {
                    let error = unsupported_transport_for(subject, requirements);
                    return Err(ResourceError::RequirementsNotMet(error));
                }
                None
            }
            Caller::Authenticated(owner) => Some(owner),
        };
        let context = self
            .environment
            .context_for_requirements(subject, requirements, owner, self.share_developer_tokens)
            .await
            .map_err(ResourceError::RequirementsNotMet)?;
        let read = read_redacted(resources, uri, context).await;
        if let (Err(ResourceError::TokenRejected(_)), Some(requirement)) =
            (&read, &requirements.authorization)
        {
            let user_id = owner.map_or(self.environment.user_id(), |o| o.user_id.as_str());
            self.environment.forget_token(subject, requirement, user_id);
        }
        read
    }
}

/// Reads `uri` with `context` (its requirements met), redacting the context's token and
/// secrets from the error.
pub(crate) async fn read_redacted(
    resources: &Resources,
    uri: &str,
    context: crate::context::ToolContext,
) -> ResourceResult {
    let redactor = Redactor::for_context(&context);
    resources
        .read_with(uri, context)
        .await
        .map_err(|error| redact(error, &redactor))
}

/// `error` with the call's secret values scrubbed from its texts.
fn redact(error: ResourceError, redactor: &Redactor) -> ResourceError {
    match error {
        ResourceError::NotFound(text) => ResourceError::NotFound(redactor.redact(&text)),
        ResourceError::InvalidParams(text) => ResourceError::InvalidParams(redactor.redact(&text)),
        ResourceError::Failed(text) => ResourceError::Failed(redactor.redact(&text)),
        ResourceError::TokenRejected(text) => ResourceError::TokenRejected(redactor.redact(&text)),
        ResourceError::RequirementsNotMet(error) => {
            let mut redacted = ToolError::requirements_not_met(
                redactor.redact(error.message()),
                redactor.redact(error.additional_prompt_content().unwrap_or_default()),
            );
            for (key, value) in error.extra().into_iter().flatten() {
                let mut value = value.clone();
                redactor.redact_value(&mut value);
                redacted = redacted.with_extra(key.clone(), value);
            }
            ResourceError::RequirementsNotMet(redacted)
        }
    }
}
