//! What reading a resource needs, declared as a tool declares it
//! ([`ToolRequirements`]).

use crate::auth::{ToolAuthorization, ToolRequirements};

/// Sets the OAuth requirement.
pub(super) fn set_auth(requirements: &mut ToolRequirements, authorization: ToolAuthorization) {
    requirements.authorization = Some(authorization);
}

/// Adds secret keys, deduplicated case-insensitively as for tools.
pub(super) fn add_secrets<S: AsRef<str>>(
    requirements: &mut ToolRequirements,
    keys: impl IntoIterator<Item = S>,
) {
    let mut all: Vec<String> = requirements.secret_keys().map(str::to_owned).collect();
    all.extend(keys.into_iter().map(|k| k.as_ref().to_owned()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    requirements.secrets = ToolRequirements::new(None, &all, &[]).secrets;
}
