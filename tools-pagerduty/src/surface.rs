//! The toolkit's MCP surface beyond tools: the incident timeline MCP App (a `ui://`
//! page `IncidentBriefing` names) and the prompts (a postmortem draft, a shift
//! handoff).

pub mod resources;

use arcade_tdk::{Content, Prompt, PromptArgument, PromptError, PromptMessage, Resource};

use crate::tools::briefing::TIMELINE_APP_URI;

/// The incident timeline view: self-contained HTML, CSS and JS (no outside network;
/// its Content-Security-Policy allows none), which renders an `IncidentBriefing` result
/// delivered by the host (`ui/notifications/tool-result`).
pub const TIMELINE_HTML: &str = include_str!("surface/timeline.html");

/// The MCP App page of `IncidentBriefing`.
///
/// ```
/// let page = tools_pagerduty::surface::timeline_app();
/// assert_eq!(page.get_uri(), "ui://pagerduty/incident-timeline.html");
/// assert_eq!(page.to_json()["mimeType"], "text/html;profile=mcp-app");
/// ```
pub fn timeline_app() -> Resource {
    Resource::app(TIMELINE_APP_URI, "incident-timeline", TIMELINE_HTML)
        .title("Incident timeline")
        .description("An on-call and incident timeline view of an IncidentBriefing result.")
}

/// An ID a prompt puts into its text: PagerDuty's letters and digits.
fn id_argument(name: &str, value: &str) -> Result<String, PromptError> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(value.to_owned())
    } else {
        Err(PromptError::invalid_argument(format!(
            "`{name}` must be a PagerDuty ID like PABC123, not `{value}`"
        )))
    }
}

/// `postmortem_draft`: asks the model to draft a postmortem of one incident from the
/// briefing and the full timeline.
///
/// ```
/// use futures_util::FutureExt;
/// let catalog = arcade_tdk::Catalog::new(tools_pagerduty::toolkit()).unwrap();
/// let args = [("incident_id".to_owned(), "PINC001".to_owned())].into();
/// let messages = catalog.prompts().get("postmortem_draft", args).now_or_never().unwrap().unwrap();
/// assert!(format!("{:?}", messages[0].content).contains("PINC001"));
/// ```
pub fn postmortem_prompt() -> Prompt {
    Prompt::new("postmortem_draft", |args| async move {
        let id = id_argument("incident_id", args.get("incident_id").unwrap_or_default())?;
        Ok(vec![PromptMessage::user(Content::text(format!(
            "Draft a blameless postmortem of PagerDuty incident {id}.\n\
             1. Call PagerDuty_IncidentBriefing with incident_id=\"{id}\" for the incident, its alerts, notes, related changes, similar past incidents and responders.\n\
             2. Call PagerDuty_GetIncidentTimeline with incident_id=\"{id}\" and is_overview=false for the full history (follow next_offset while more is true).\n\
             Then write, in Markdown: Summary; Impact (who and what, for how long); Timeline (UTC, from the log entries); \
             Detection; Root cause and contributing factors (cite the related changes if they fit); Resolution; \
             What went well; What went poorly; Action items (owner, due date: TODO). \
             State only what the tool results show; mark anything you do not know as TODO."
        )))])
    })
    .description("Draft a postmortem of a PagerDuty incident from its briefing and full timeline")
    .argument(
        PromptArgument::new("incident_id")
            .description("The incident ID (e.g. PINC001)")
            .required(true),
    )
}

/// `shift_handoff`: asks the model to write a handoff note for a team or schedule.
///
/// ```
/// use futures_util::FutureExt;
/// let catalog = arcade_tdk::Catalog::new(tools_pagerduty::toolkit()).unwrap();
/// let args = [("team_id".to_owned(), "PTEAM01".to_owned())].into();
/// let messages = catalog.prompts().get("shift_handoff", args).now_or_never().unwrap().unwrap();
/// assert!(format!("{:?}", messages[0].content).contains("team_id=\\\"PTEAM01\\\""));
/// ```
pub fn handoff_prompt() -> Prompt {
    Prompt::new("shift_handoff", |args| async move {
        let scope = match (args.get("team_id"), args.get("schedule_id")) {
            (Some(team), None) => format!("team_id=\"{}\"", id_argument("team_id", team)?),
            (None, Some(schedule)) => {
                format!("schedule_id=\"{}\"", id_argument("schedule_id", schedule)?)
            }
            _ => {
                return Err(PromptError::invalid_argument(
                    "give exactly one of `team_id` or `schedule_id`",
                ));
            }
        };
        let hours = match args.get("hours") {
            Some(h) => match h.trim().parse::<u32>() {
                Ok(h @ 1..=168) => h,
                _ => {
                    return Err(PromptError::invalid_argument(format!(
                        "`hours` must be a whole number from 1 to 168, not `{h}`"
                    )));
                }
            },
            None => 12,
        };
        Ok(vec![PromptMessage::user(Content::text(format!(
            "Write my on-call shift handoff. Call PagerDuty_ShiftHandoff with {scope} and hours={hours}.\n\
             Then write a short note for the next responder: what is still open (most urgent first, with who has it and what was last done), \
             what opened and was resolved during the shift, anything that changed hands or escalated, and who is on call now. \
             For an open incident that needs context, call PagerDuty_IncidentBriefing. Keep it to what the results show."
        )))])
    })
    .description("Write an on-call shift handoff note for a team or schedule")
    .argument(PromptArgument::new("team_id").description("The team ID (or give schedule_id)"))
    .argument(PromptArgument::new("schedule_id").description("The schedule ID (or give team_id)"))
    .argument(PromptArgument::new("hours").description("The shift's length in hours (default 12)"))
}
