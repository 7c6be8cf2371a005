//! Requirements met from a context the Arcade Engine sent (the worker protocol): the
//! Engine resolved the token and secrets; what it did not send is a clear error, not a
//! call that fails half-way.

use crate::auth::ToolRequirements;
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::serve::local::Subject;

/// `context` (the Engine's) when it carries what `requirements` name: a token when
/// authorization is required, each declared secret. Otherwise a requirements error
/// naming what is missing (never a value).
pub(crate) fn engine_context_for(
    subject: Subject<'_>,
    requirements: &ToolRequirements,
    context: ToolContext,
) -> Result<ToolContext, ToolError> {
    if let Some(authorization) = &requirements.authorization
        && !context.authorization.has_token()
    {
        return Err(ToolError::requirements_not_met(
            format!(
                "The {subject} requires authorization ({}), but the request carried no token.",
                authorization.provider_name()
            ),
            "Ask the user to authorize, then try again.",
        ));
    }
    if let Some(key) = requirements
        .secret_keys()
        .find(|key| context.get_secret(key).is_err())
    {
        return Err(ToolError::requirements_not_met(
            format!("The {subject} requires the secret {key}, which the request did not carry."),
            format!("The secret {key} must be configured for this toolkit in the Arcade Engine."),
        ));
    }
    Ok(context)
}
