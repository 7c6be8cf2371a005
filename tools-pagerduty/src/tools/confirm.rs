//! Confirmation of destructive writes through MCP elicitation.
//!
//! The write tools that destroy state or page people (see [`CONFIRMED_TOOLS`]) ask
//! the user "really do X?" before they write, when the client supports elicitation.
//! Declined, cancelled or unticked: the call ends with a tool error and nothing is
//! written. A client without elicitation (an agent, a script) proceeds as before.
//! `PAGERDUTY_CONFIRM_WRITES=0` (environment or context metadata) or the binary's
//! `--no-confirm-writes` turns the question off for automation.

use arcade_tdk::interaction::{ClientCapability, Elicitation};
use arcade_tdk::{ToolContext, ToolError};
use schemars::JsonSchema;
use serde::Deserialize;

/// The setting that turns confirmation off (`0`, `false`, `no` or `off`).
pub const CONFIRM_SETTING: &str = "PAGERDUTY_CONFIRM_WRITES";

/// The tools that ask for confirmation.
pub const CONFIRMED_TOOLS: &[&str] = &[
    "ResolveIncidents",
    "ReassignIncidents",
    "SnoozeIncident",
    "MergeIncidents",
    "EscalateIncident",
    "AddResponders",
    "CreateIncident",
    "CreateMaintenanceWindow",
    "CreateScheduleOverride",
    "AppendEventOrchestrationRouterRule",
    "CreateStatusPagePost",
    "CreateStatusPagePostUpdate",
    "UpdateService",
    "UpdateEscalationPolicy",
    "UpdateSchedule",
    "UpdateShiftRotationEvent",
    "UpdateCustomShift",
    "CreateShiftOverrides",
    "UpdateShiftOverride",
    "DeleteShiftSchedulePart",
    "DeleteWebhookSubscription",
    "DeleteAlertGroupingSetting",
    "DeleteTeam",
    "RemoveTeamMember",
];

/// The confirmation form.
#[derive(Debug, Deserialize, JsonSchema)]
struct Confirmation {
    /// Tick to go ahead.
    confirm: bool,
}

fn is_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off"
    )
}

/// Whether confirmation is on for this call (the context's metadata wins over the
/// environment).
pub(crate) fn enabled(context: &ToolContext) -> bool {
    let setting = context
        .get_metadata(CONFIRM_SETTING)
        .ok()
        .map(str::to_owned)
        .or_else(|| std::env::var(CONFIRM_SETTING).ok());
    !setting.is_some_and(|v| is_off(&v))
}

/// Asks the user to confirm `action` (e.g. "Resolve incidents PINC001, PINC002?") when
/// the client supports elicitation and confirmation is on; `Ok` means go ahead.
pub(crate) async fn confirm(context: &ToolContext, action: String) -> Result<(), ToolError> {
    if !enabled(context) || !context.client_supports(ClientCapability::Elicitation) {
        return Ok(());
    }
    let answer = context
        .input("confirm_write")
        .elicit::<Confirmation>(format!("{action} Tick `confirm` to go ahead."))
        .await?;
    let why = match answer {
        Elicitation::Accept(Confirmation { confirm: true }) => return Ok(()),
        Elicitation::Accept(_) => "did not tick `confirm`",
        Elicitation::Decline => "declined",
        Elicitation::Cancel => "cancelled",
    };
    Err(ToolError::execution(format!(
        "The user {why} the confirmation, so nothing was changed in PagerDuty."
    ))
    .with_can_retry(false)
    .with_additional_prompt_content(
        "Do not retry on your own; ask the user what they want instead.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_turns_it_off_only_with_an_off_word() {
        for off in ["0", "false", "No", " off "] {
            assert!(is_off(off), "{off}");
        }
        for on in ["1", "true", "yes", ""] {
            assert!(!is_off(on), "{on}");
        }
        let off = ToolContext::builder()
            .metadata(CONFIRM_SETTING, "0")
            .build();
        assert!(!enabled(&off));
    }
}
