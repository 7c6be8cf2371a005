//! # tools-pagerduty
//!
//! PagerDuty tools for LLMs, built on [`arcade_tdk`]: the 14 read tools of Arcade's
//! PagerDuty toolkit (same names and parameters) plus incident response (acknowledge,
//! resolve, reassign, snooze, update, create, notes, alerts, timeline, related and
//! past incidents), incident workflows (`ListIncidentWorkflows`,
//! `StartIncidentWorkflow`), on-call (`WhoIsOnCall`) and the Events API (`SendEvent`,
//! `SendChangeEvent`).
//!
//! - [`toolkit`]: every tool; [`read_only_toolkit`]: only the read tools (or filter
//!   at serve time with the TDK's `ToolFilter { read_only: true, .. }`).
//! - [`client`]: the PagerDuty client the tools use (regions, pagination, retries,
//!   error mapping, the `From` header) and PagerDuty's OAuth app for `auth login`.
//! - `sandbox` (feature `sandbox`): a stateful fake PagerDuty for tests and demos, in
//!   process or standalone (`tools-pagerduty sandbox`, see `sandbox::command`).
//!
//! Credentials: reads need `PagerDuty(scopes = ["read"])`, writes `["write"]`. An OAuth
//! token is sent as `Bearer`, an API key (`TokenKind::ApiKey`) as `Token token=`.
//! Writes send `From: <email>` of the token's user, or `PAGERDUTY_FROM_EMAIL` for
//! account-level API keys. `PAGERDUTY_REGION=eu` or `PAGERDUTY_BASE_URL` select the
//! API host.
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `sandbox` | yes | `sandbox`: a stateful fake PagerDuty (REST API v2 and Events API v2) on loopback, for tests and demos, and the binary's `--sandbox` flag; pulls in axum |
//!
//! The binary is built on `arcade-tdk`'s default features (the MCP and worker servers,
//! the `auth` and `configure` commands). A library user who needs only the tools and
//! the client can depend on `tools-pagerduty = { version = "...", default-features = false }`.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod client;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod surface;
pub mod tools;

use arcade_tdk::cli::{Cli, Setup};
use arcade_tdk::{Tool, Toolkit};

use tools::{
    alert_grouping, alert_grouping_writes, analytics, briefing, changes, dependencies, escalation,
    escalation_writes, events, handoff, incidents, maintenance, oncall, orchestrations, priorities,
    schedule_writes, schedules, service_writes, services, shift_event_writes,
    shift_schedule_writes, shift_schedules, status_page_writes, status_pages, team_writes, teams,
    users, webhooks, workflows,
};

/// The toolkit's description, for the model.
pub const DESCRIPTION: &str = "Use this server when you need to interact with PagerDuty to enable users to manage incidents, schedules, on-calls, services, teams, and escalation policies.";

/// Every tool, in a stable order.
pub fn all_tools() -> Vec<&'static dyn Tool> {
    vec![
        // Arcade parity (read).
        incidents::list_incidents::tool(),
        incidents::get_incident::tool(),
        incidents::list_log_entries::tool(),
        oncall::list_oncalls::tool(),
        schedules::list_schedules::tool(),
        services::list_services::tool(),
        services::get_service::tool(),
        teams::list_teams::tool(),
        teams::get_team::tool(),
        escalation::list_escalation_policies::tool(),
        escalation::get_escalation_policy::tool(),
        users::list_users::tool(),
        users::search_users::tool(),
        users::whoami::tool(),
        // More reads.
        incidents::get_incident_timeline::tool(),
        incidents::list_incident_notes::tool(),
        incidents::list_incident_alerts::tool(),
        incidents::list_incident_change_events::tool(),
        schedules::get_schedule::tool(),
        oncall::who_is_on_call::tool(),
        priorities::list_priorities::tool(),
        maintenance::list_maintenance_windows::tool(),
        changes::list_change_events::tool(),
        analytics::get_incident_metrics::tool(),
        analytics::get_responder_metrics::tool(),
        incidents::get_related_incidents::tool(),
        incidents::get_past_incidents::tool(),
        incidents::get_outlier_incident::tool(),
        workflows::list_incident_workflows::tool(),
        // Responder views (read).
        briefing::incident_briefing::tool(),
        handoff::shift_handoff::tool(),
        // Breadth reads: status pages, event orchestrations, dependencies, alert
        // grouping, webhooks.
        status_pages::list_status_pages::tool(),
        status_pages::get_status_page::tool(),
        status_pages::list_status_page_posts::tool(),
        status_pages::get_status_page_post::tool(),
        orchestrations::list_event_orchestrations::tool(),
        orchestrations::get_event_orchestration::tool(),
        dependencies::list_business_services::tool(),
        dependencies::get_service_dependencies::tool(),
        alert_grouping::list_alert_grouping_settings::tool(),
        webhooks::list_webhook_subscriptions::tool(),
        // Shift-based (v3) schedules (read).
        shift_schedules::list_shift_schedules::tool(),
        shift_schedules::get_shift_schedule::tool(),
        shift_schedules::list_custom_shifts::tool(),
        shift_schedules::list_shift_overrides::tool(),
        // Incident response (write).
        incidents::acknowledge_incidents::tool(),
        incidents::resolve_incidents::tool(),
        incidents::reassign_incidents::tool(),
        incidents::snooze_incident::tool(),
        incidents::update_incident::tool(),
        incidents::create_incident::tool(),
        incidents::add_incident_note::tool(),
        incidents::create_status_update::tool(),
        incidents::add_responders::tool(),
        incidents::escalate_incident::tool(),
        incidents::merge_incidents::tool(),
        maintenance::create_maintenance_window::tool(),
        workflows::start_incident_workflow::tool(),
        // On-call changes (write).
        schedules::create_schedule_override::tool(),
        schedule_writes::create_schedule::tool(),
        schedule_writes::update_schedule::tool(),
        shift_schedule_writes::create_shift_schedule::tool(),
        shift_schedule_writes::update_shift_schedule::tool(),
        shift_event_writes::create_shift_rotation_event::tool(),
        shift_event_writes::update_shift_rotation_event::tool(),
        shift_schedule_writes::create_custom_shifts::tool(),
        shift_schedule_writes::update_custom_shift::tool(),
        shift_schedule_writes::create_shift_overrides::tool(),
        shift_schedule_writes::update_shift_override::tool(),
        shift_schedule_writes::delete_shift_schedule_part::tool(),
        // Writes responders use: routing, status pages.
        orchestrations::append_event_orchestration_router_rule::tool(),
        status_page_writes::create_status_page_post::tool(),
        status_page_writes::create_status_page_post_update::tool(),
        // Configuration (write): services, alert grouping, webhooks, teams.
        service_writes::create_service::tool(),
        service_writes::update_service::tool(),
        escalation_writes::create_escalation_policy::tool(),
        escalation_writes::update_escalation_policy::tool(),
        alert_grouping_writes::create_alert_grouping_setting::tool(),
        alert_grouping_writes::update_alert_grouping_setting::tool(),
        alert_grouping_writes::delete_alert_grouping_setting::tool(),
        webhooks::create_webhook_subscription::tool(),
        webhooks::update_webhook_subscription::tool(),
        webhooks::delete_webhook_subscription::tool(),
        team_writes::create_team::tool(),
        team_writes::update_team::tool(),
        team_writes::delete_team::tool(),
        team_writes::add_team_member::tool(),
        team_writes::remove_team_member::tool(),
        // Events API.
        events::send_event::tool(),
        events::send_change_event::tool(),
    ]
}

fn base() -> Toolkit {
    Toolkit::new("PagerDuty")
        .version(env!("CARGO_PKG_VERSION"))
        .description(DESCRIPTION)
        .resource(surface::timeline_app())
        .resource_template(surface::resources::incident())
        .resource_template(surface::resources::service())
        .resource_template(surface::resources::schedule())
        .prompt(surface::postmortem_prompt())
        .prompt(surface::handoff_prompt())
}

/// The areas the binary's `--areas` narrows to (area, tool names), like the `--areas`
/// of PagerDuty's own MCP server. A tool may be in several areas; every tool is in at
/// least one.
///
/// ```
/// let areas = tools_pagerduty::areas();
/// let incidents = areas.iter().find(|(a, _)| *a == "incidents").unwrap();
/// assert!(incidents.1.contains(&"AcknowledgeIncidents"));
/// ```
pub fn areas() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "incidents",
            vec![
                "ListIncidents",
                "GetIncident",
                "GetIncidentTimeline",
                "ListIncidentNotes",
                "ListIncidentAlerts",
                "ListIncidentChangeEvents",
                "GetRelatedIncidents",
                "GetPastIncidents",
                "GetOutlierIncident",
                "IncidentBriefing",
                "ShiftHandoff",
                "ListLogEntries",
                "ListPriorities",
                "AcknowledgeIncidents",
                "ResolveIncidents",
                "ReassignIncidents",
                "SnoozeIncident",
                "UpdateIncident",
                "CreateIncident",
                "AddIncidentNote",
                "CreateStatusUpdate",
                "AddResponders",
                "EscalateIncident",
                "MergeIncidents",
                "ListIncidentWorkflows",
                "StartIncidentWorkflow",
            ],
        ),
        (
            "oncall",
            vec![
                "ListOncalls",
                "WhoIsOnCall",
                "ShiftHandoff",
                "GetSchedule",
                "CreateScheduleOverride",
            ],
        ),
        (
            "schedules",
            vec![
                "ListSchedules",
                "GetSchedule",
                "CreateScheduleOverride",
                "CreateSchedule",
                "UpdateSchedule",
                "ListShiftSchedules",
                "GetShiftSchedule",
                "ListCustomShifts",
                "ListShiftOverrides",
                "CreateShiftSchedule",
                "UpdateShiftSchedule",
                "CreateShiftRotationEvent",
                "UpdateShiftRotationEvent",
                "CreateCustomShifts",
                "UpdateCustomShift",
                "CreateShiftOverrides",
                "UpdateShiftOverride",
                "DeleteShiftSchedulePart",
            ],
        ),
        (
            "services",
            vec![
                "ListServices",
                "GetService",
                "CreateService",
                "UpdateService",
                "ListMaintenanceWindows",
                "CreateMaintenanceWindow",
            ],
        ),
        (
            "teams",
            vec![
                "ListTeams",
                "GetTeam",
                "CreateTeam",
                "UpdateTeam",
                "DeleteTeam",
                "AddTeamMember",
                "RemoveTeamMember",
            ],
        ),
        (
            "escalation_policies",
            vec![
                "ListEscalationPolicies",
                "GetEscalationPolicy",
                "CreateEscalationPolicy",
                "UpdateEscalationPolicy",
            ],
        ),
        ("users", vec!["ListUsers", "SearchUsers", "Whoami"]),
        (
            "maintenance",
            vec!["ListMaintenanceWindows", "CreateMaintenanceWindow"],
        ),
        ("events", vec!["SendEvent", "SendChangeEvent"]),
        (
            "changes",
            vec![
                "ListChangeEvents",
                "ListIncidentChangeEvents",
                "SendChangeEvent",
            ],
        ),
        (
            "analytics",
            vec!["GetIncidentMetrics", "GetResponderMetrics"],
        ),
        (
            "workflows",
            vec!["ListIncidentWorkflows", "StartIncidentWorkflow"],
        ),
        (
            "status_pages",
            vec![
                "ListStatusPages",
                "GetStatusPage",
                "ListStatusPagePosts",
                "GetStatusPagePost",
                "CreateStatusPagePost",
                "CreateStatusPagePostUpdate",
            ],
        ),
        (
            "event_orchestrations",
            vec![
                "ListEventOrchestrations",
                "GetEventOrchestration",
                "AppendEventOrchestrationRouterRule",
            ],
        ),
        (
            "service_dependencies",
            vec!["ListBusinessServices", "GetServiceDependencies"],
        ),
        (
            "alert_grouping",
            vec![
                "ListAlertGroupingSettings",
                "CreateAlertGroupingSetting",
                "UpdateAlertGroupingSetting",
                "DeleteAlertGroupingSetting",
            ],
        ),
        (
            "webhooks",
            vec![
                "ListWebhookSubscriptions",
                "CreateWebhookSubscription",
                "UpdateWebhookSubscription",
                "DeleteWebhookSubscription",
            ],
        ),
    ]
}

/// The `PagerDuty` toolkit with every tool.
pub fn toolkit() -> Toolkit {
    base().tools_from(all_tools())
}

/// The `PagerDuty` toolkit with only the tools marked read-only (safe to offer with a
/// read-only grant or key).
pub fn read_only_toolkit() -> Toolkit {
    base().tools_from(all_tools().into_iter().filter(|t| t.spec().is_read_only()))
}

/// The binary's command line: the TDK's standard one plus `--enable-write-tools`
/// (`serve`, `worker`: without it only read-only tools are offered), `--areas`
/// (`tools`, `serve`, `worker`; see [`areas`]) and `--sandbox` (`serve`, `call`: run
/// against an in-process fake PagerDuty with a fake token; needs the `sandbox` feature,
/// on by default). `auth login|status|logout` use PagerDuty's OAuth app
/// ([`client::oauth_app`]): set `PAGERDUTY_OAUTH_CLIENT_ID` to your app's client id.
/// With the `sandbox` feature, `sandbox [--host --port --state --save --latency --fault
/// --format]` runs the fake PagerDuty as a standalone server and prints its URL and
/// credentials (see `sandbox::command`).
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     tools_pagerduty::cli().run()
/// }
/// ```
pub fn cli() -> Cli {
    let cli = Cli::new(toolkit())
        .write_tools_opt_in("--enable-write-tools")
        .areas(areas())
        .flag(
            "--sandbox",
            "Run against an in-process FAKE PagerDuty (seeded demo data, a fake token): no account needed, nothing real is touched.",
        )
        .flag(
            "--no-confirm-writes",
            "Do not ask the user to confirm destructive writes through elicitation (for automation; same as PAGERDUTY_CONFIRM_WRITES=0).",
        )
        .on_serve(serve_hook);
    #[cfg(feature = "sandbox")]
    let cli = cli.subcommand(sandbox::command::command(), sandbox::command::run);
    cli.oauth_provider(client::oauth_app())
}

/// `--no-confirm-writes`, then `--sandbox`.
async fn serve_hook(mut setup: Setup) -> Result<Setup, String> {
    if setup.flag("no-confirm-writes") {
        setup.update_environment(|env| env.with_metadata(tools::confirm::CONFIRM_SETTING, "0"));
    }
    sandbox_hook(setup).await
}

/// `--sandbox`: starts the sandbox and points the tools at it.
#[cfg(feature = "sandbox")]
async fn sandbox_hook(mut setup: Setup) -> Result<Setup, String> {
    use arcade_tdk::token::{EnvTokenSource, TokenChain};
    use sandbox::{Sandbox, routing_key};

    if !setup.flag("sandbox") {
        return Ok(setup);
    }
    let sandbox = Sandbox::start().await;
    let base = sandbox.base_url();
    let events = sandbox.events_url();
    setup.notice(format!(
        "SANDBOX MODE: the PagerDuty tools talk to a FAKE PagerDuty at {base},\n\
         not to your account. Its data (users, services, incidents...) is made up,\n\
         writes change only this process's copy, and everything is gone on exit.\n\
         Any PagerDuty token or API key in the environment is ignored."
    ));
    let tokens = TokenChain::new(vec![Box::new(EnvTokenSource::from_vars([(
        "PAGERDUTY_ACCESS_TOKEN",
        "sandbox-fake-token",
    )]))]);
    setup.update_environment(|env| {
        env.with_tokens(tokens)
            .with_metadata("PAGERDUTY_BASE_URL", base)
            .with_metadata("PAGERDUTY_EVENTS_URL", events)
            .with_var("PAGERDUTY_ROUTING_KEY", routing_key("PSVC001"))
    });
    // The credentials are fake: nothing to protect over HTTP.
    setup.allow_credentialed_tools_over_http();
    setup.keep_alive(sandbox);
    Ok(setup)
}

#[cfg(not(feature = "sandbox"))]
async fn sandbox_hook(setup: Setup) -> Result<Setup, String> {
    if setup.flag("sandbox") {
        return Err("--sandbox needs the `sandbox` feature: build with `cargo run -p tools-pagerduty --features sandbox -- ...`".into());
    }
    Ok(setup)
}
