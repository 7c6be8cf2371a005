//! The conformance scenario: every tool once against the sandbox, the writes on
//! their own objects, so that every operation of the fixture is exercised.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_with};
use serde_json::json;
use tools_pagerduty::sandbox::{Sandbox, routing_key};

/// Runs every tool once (the writes on their own incidents).
pub(super) async fn scenario(sb: &Sandbox) {
    for (tool, args) in [
        (
            "ListIncidents",
            json!({"status": "triggered", "urgency": "high", "service_ids": ["PSVC001"], "team_ids": ["PTEAM01"], "since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z"}),
        ),
        ("GetIncident", json!({"incident_id": "PINC001"})),
        ("IncidentBriefing", json!({"incident_id": "PINC020"})),
        ("ShiftHandoff", json!({"team_id": "PTEAM01", "hours": 168})),
        (
            "ShiftHandoff",
            json!({"schedule_id": "PSCH001", "hours": 168}),
        ),
        (
            "ListLogEntries",
            json!({"team_ids": ["PTEAM01"], "since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z", "time_zone": "UTC"}),
        ),
        ("GetIncidentTimeline", json!({"incident_id": "PINC001"})),
        ("ListIncidentNotes", json!({"incident_id": "PINC002"})),
        (
            "ListIncidentAlerts",
            json!({"incident_id": "PINC001", "status": "resolved"}),
        ),
        (
            "ListOncalls",
            json!({"team_ids": ["PTEAM01"], "schedule_ids": ["PSCH001"], "since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z"}),
        ),
        (
            "WhoIsOnCall",
            json!({"service_id": "PSVC001", "team_id": "PTEAM02"}),
        ),
        ("ListSchedules", json!({"time_zone": "UTC"})),
        ("ListServices", json!({"query": "api"})),
        ("GetService", json!({"service_id": "PSVC001"})),
        ("ListTeams", json!({})),
        ("GetTeam", json!({"team_id": "PTEAM01"})),
        ("ListEscalationPolicies", json!({})),
        (
            "GetEscalationPolicy",
            json!({"escalation_policy_id": "PEP0001"}),
        ),
        ("ListUsers", json!({})),
        ("SearchUsers", json!({"query": "carla"})),
        ("Whoami", json!({})),
        ("ListPriorities", json!({})),
        ("AcknowledgeIncidents", json!({"incident_ids": ["PINC025"]})),
        (
            "SnoozeIncident",
            json!({"incident_id": "PINC025", "duration_minutes": 60}),
        ),
        (
            "ResolveIncidents",
            json!({"incident_ids": ["PINC025"], "resolution": "fixed"}),
        ),
        (
            "ReassignIncidents",
            json!({"incident_ids": ["PINC026"], "user_ids": ["PUSR002"]}),
        ),
        (
            "ReassignIncidents",
            json!({"incident_ids": ["PINC026"], "escalation_policy_id": "PEP0001"}),
        ),
        (
            "UpdateIncident",
            json!({"incident_id": "PINC027", "urgency": "low", "priority_id": "PPRI002", "escalation_level": 2}),
        ),
        (
            "CreateIncident",
            json!({"title": "Spec check", "service_id": "PSVC002", "details": "d", "incident_key": "spec-1", "priority_id": "PPRI001", "escalation_policy_id": "PEP0001"}),
        ),
        (
            "CreateIncident",
            json!({"title": "Spec check 2", "service_id": "PSVC002", "assignee_user_ids": ["PUSR002"]}),
        ),
        (
            "AddIncidentNote",
            json!({"incident_id": "PINC028", "content": "note"}),
        ),
        (
            "AddResponders",
            json!({"incident_id": "PINC029", "message": "join", "user_ids": ["PUSR006"], "escalation_policy_ids": ["PEP0003"]}),
        ),
        (
            "CreateMaintenanceWindow",
            json!({"service_ids": ["PSVC004"], "start_time": "2030-01-01T00:00:00Z", "end_time": "2030-01-01T02:00:00Z", "description": "upgrade"}),
        ),
        (
            "ListMaintenanceWindows",
            json!({"service_ids": ["PSVC004"], "filter": "all"}),
        ),
        (
            "ListIncidentChangeEvents",
            json!({"incident_id": "PINC030"}),
        ),
        (
            "CreateStatusUpdate",
            json!({"incident_id": "PINC030", "message": "update"}),
        ),
        (
            "GetSchedule",
            json!({"schedule_id": "PSCH002", "time_zone": "UTC"}),
        ),
        (
            "CreateScheduleOverride",
            json!({"schedule_id": "PSCH002", "user_id": "PUSR004", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}),
        ),
    ] {
        call(sb, tool, args).await;
    }
    for (tool, args) in [
        (
            "ListChangeEvents",
            json!({"since": "2000-01-01T00:00:00Z", "team_ids": ["PTEAM01"], "integration_ids": ["PINTCI1"], "limit": 3, "offset": 1}),
        ),
        (
            "GetIncidentMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}),
        ),
        (
            "GetIncidentMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "scope": "teams", "urgency": "high", "aggregate_unit": "week"}),
        ),
        (
            "GetIncidentMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "scope": "services", "service_ids": ["PSVC001"]}),
        ),
        (
            "EscalateIncident",
            json!({"incident_id": "PINC030", "escalation_level": 1}),
        ),
        (
            "MergeIncidents",
            json!({"target_incident_id": "PINC029", "source_incident_ids": ["PINC028"]}),
        ),
        ("GetRelatedIncidents", json!({"incident_id": "PINC026"})),
        (
            "GetPastIncidents",
            json!({"incident_id": "PINC030", "limit": 3}),
        ),
        (
            "ListIncidentWorkflows",
            json!({"query": "incident", "limit": 2, "offset": 0}),
        ),
        (
            "StartIncidentWorkflow",
            json!({"workflow_id": "PIWF002", "incident_id": "PINC024"}),
        ),
        ("ListStatusPages", json!({"status_page_type": "public"})),
        (
            "GetStatusPage",
            json!({"status_page_id": "PSTP001", "post_type": "incident"}),
        ),
        (
            "ListStatusPagePosts",
            json!({"status_page_id": "PSTP001", "post_type": "incident"}),
        ),
        (
            "GetStatusPagePost",
            json!({"status_page_id": "PSTP001", "post_id": "PSPP001"}),
        ),
        ("ListEventOrchestrations", json!({"limit": 5, "offset": 5})),
        (
            "GetEventOrchestration",
            json!({"orchestration_id": "PORC001"}),
        ),
        ("GetEventOrchestration", json!({"service_id": "PSVC001"})),
        ("ListBusinessServices", json!({})),
        ("GetServiceDependencies", json!({"service_id": "PSVC001"})),
        (
            "GetServiceDependencies",
            json!({"service_id": "PBSV001", "kind": "business"}),
        ),
        (
            "ListAlertGroupingSettings",
            json!({"service_ids": ["PSVC002", "PSVC003"], "limit": 1}),
        ),
        (
            "ListAlertGroupingSettings",
            json!({"limit": 1, "after": "PAGS001"}),
        ),
        (
            "GetOutlierIncident",
            json!({"incident_id": "PINC001", "since": "2020-01-01T00:00:00Z"}),
        ),
        (
            "ListChangeEvents",
            json!({"service_id": "PSVC001", "since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "team_ids": ["PTEAM01"], "integration_ids": ["PINTCI1"], "limit": 3, "offset": 1}),
        ),
        (
            "GetResponderMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "team_ids": ["PTEAM01"], "responder_ids": ["PUSR001"], "urgency": "high"}),
        ),
        (
            "GetResponderMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "by_team": true}),
        ),
        (
            "AppendEventOrchestrationRouterRule",
            json!({"orchestration_id": "PORC004", "conditions": ["event.summary matches 'spec'"], "route_to": "PSVC002", "label": "Spec"}),
        ),
        (
            "CreateStatusPagePost",
            json!({"status_page_id": "PSTP001", "title": "Spec", "post_type": "maintenance", "message": "m", "status_id": "PSTP001STA4", "severity_id": "PSTP001SEV2", "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T01:00:00Z", "impacted_service_ids": ["PSVC003"], "impact_id": "PSTP001IMP2", "notify_subscribers": true}),
        ),
        (
            "CreateStatusPagePostUpdate",
            json!({"status_page_id": "PSTP001", "post_id": "PSPP002", "message": "m", "status_id": "PSTP001STA1", "severity_id": "PSTP001SEV1", "impacted_service_ids": ["PSVC003"], "impact_id": "PSTP001IMP1"}),
        ),
        (
            "CreateWebhookSubscription",
            json!({"url": "https://hooks.example.com/spec", "events": ["incident.triggered"], "scope": "service", "scope_id": "PSVC002", "description": "spec"}),
        ),
        (
            "UpdateWebhookSubscription",
            json!({"webhook_subscription_id": "PWHS002", "events": ["incident.resolved"], "active": false, "description": "d"}),
        ),
        (
            "DeleteWebhookSubscription",
            json!({"webhook_subscription_id": "PWHS003"}),
        ),
        (
            "CreateAlertGroupingSetting",
            json!({"name": "Spec", "kind": "content_based", "service_ids": ["PSVC005"], "fields": ["summary"], "aggregate": "any", "time_window_seconds": 600}),
        ),
        (
            "UpdateAlertGroupingSetting",
            json!({"alert_grouping_setting_id": "PAGS001", "name": "Gateway", "timeout_minutes": 10}),
        ),
        (
            "DeleteAlertGroupingSetting",
            json!({"alert_grouping_setting_id": "PAGS003"}),
        ),
        (
            "CreateService",
            json!({"name": "spec-service", "escalation_policy_id": "PEP0002", "description": "d", "team_ids": ["PTEAM02"], "acknowledgement_timeout_seconds": 600, "auto_resolve_timeout_seconds": 7200}),
        ),
        (
            "UpdateService",
            json!({"service_id": "PSVC005", "name": "spec-renamed", "description": "d", "status": "active", "acknowledgement_timeout_seconds": 900}),
        ),
        (
            "CreateEscalationPolicy",
            json!({"name": "Spec policy", "description": "d", "repeat_count": 1, "team_ids": ["PTEAM01"], "levels": [{"delay_minutes": 10, "schedule_ids": ["PSCH001"]}, {"delay_minutes": 20, "user_ids": ["PUSR002", "PUSR003"]}]}),
        ),
        (
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": "PEP0003", "name": "Spec renamed", "description": "d", "repeat_count": 0, "levels": [{"delay_minutes": 5, "user_ids": ["PUSR004"]}]}),
        ),
        (
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": "PEP0002", "name": "Spec renamed 2"}),
        ),
        (
            "CreateSchedule",
            json!({"name": "Spec rotation", "time_zone": "Europe/Berlin", "description": "d", "layers": [{"user_ids": ["PUSR001", "PUSR002"], "turn_length_hours": 24, "start": "2026-01-05T09:00:00+01:00", "name": "Day"}, {"user_ids": ["PUSR003"], "turn_length_hours": 168, "start": "2026-01-05T09:00:00Z", "rotation_start": "2026-01-01T09:00:00Z", "end": "2027-01-01T00:00:00Z"}]}),
        ),
        (
            "UpdateSchedule",
            json!({"schedule_id": "PSCH003", "name": "Spec schedule", "time_zone": "UTC", "layers": [{"user_ids": ["PUSR004", "PUSR005"], "turn_length_hours": 12, "start": "2026-01-01T00:00:00Z"}]}),
        ),
        (
            "UpdateSchedule",
            json!({"schedule_id": "PSCH003", "description": "layers kept"}),
        ),
        (
            "GetSchedule",
            json!({"schedule_id": "PSCH003", "since": "2026-06-01T00:00:00Z", "until": "2026-06-03T00:00:00Z"}),
        ),
        (
            "CreateTeam",
            json!({"name": "Spec team", "description": "d"}),
        ),
        (
            "UpdateTeam",
            json!({"team_id": "PTEAM02", "name": "Payments & Billing"}),
        ),
        (
            "AddTeamMember",
            json!({"team_id": "PTEAM02", "user_id": "PUSR006", "role": "observer"}),
        ),
        (
            "RemoveTeamMember",
            json!({"team_id": "PTEAM01", "user_id": "PUSR002"}),
        ),
        ("ListWebhookSubscriptions", json!({"limit": 3})),
        (
            "ListWebhookSubscriptions",
            json!({"scope": "service", "scope_id": "PSVC001"}),
        ),
    ] {
        call(sb, tool, args).await;
    }
    shift_schedules(sb).await;
    // Last: the team's objects are moved to another team.
    call(
        sb,
        "DeleteTeam",
        json!({"team_id": "PTEAM03", "reassignment_team_id": "PTEAM02"}),
    )
    .await;
    let mut ctx = sb.context("t", TokenKind::OAuth2);
    ctx.set_secret("PAGERDUTY_ROUTING_KEY", routing_key("PSVC001"));
    for (tool, args) in [
        (
            "SendEvent",
            json!({"action": "trigger", "summary": "s", "source": "h", "severity": "info", "dedup_key": "k1", "component": "c", "group": "g", "class": "cl", "custom_details": {"a": 1}}),
        ),
        (
            "SendEvent",
            json!({"action": "acknowledge", "dedup_key": "k1"}),
        ),
        (
            "SendChangeEvent",
            json!({"summary": "deploy", "source": "ci", "custom_details": {"v": "1"}}),
        ),
    ] {
        let out = call_with(tool, args, ctx.clone()).await;
        assert!(out["error"].is_null(), "{tool}: {out}");
    }
}

/// The shift-based (v3) schedule tools, every v3 operation once (the deletes last).
async fn shift_schedules(sb: &Sandbox) {
    let soon = common::utc_in;
    for (tool, args) in [
        (
            "ListShiftSchedules",
            json!({"query": "platform", "team_ids": ["PTEAM01"], "limit": 5, "offset": 0}),
        ),
        ("GetShiftSchedule", json!({"schedule_id": "PSHS001"})),
        (
            "ListCustomShifts",
            json!({"schedule_id": "PSHS001", "limit": 1, "offset": 1}),
        ),
        (
            "ListShiftOverrides",
            json!({"schedule_id": "PSHS001", "since": soon(-24), "until": soon(72)}),
        ),
        (
            "CreateShiftSchedule",
            json!({"name": "Spec v3", "time_zone": "Europe/Berlin", "team_ids": ["PTEAM02"]}),
        ),
        (
            "UpdateShiftSchedule",
            json!({"schedule_id": "PSHS003", "name": "Data on-call", "time_zone": "UTC"}),
        ),
        (
            "CreateShiftRotationEvent",
            json!({"schedule_id": "PSHS002", "name": "Weekends", "start": "2026-01-03T08:00:00Z", "end": "2026-01-05T08:00:00Z", "recurrence": ["RRULE:FREQ=WEEKLY"], "member_ids": ["PUSR003", "PUSR004"], "time_zone": "Europe/Berlin", "shifts_per_member": 2, "effective_until": "2027-01-01T00:00:00Z"}),
        ),
        (
            "CreateShiftRotationEvent",
            json!({"schedule_id": "PSHS001", "rotation_id": "PSHR001D", "name": "All hands", "start": "2026-01-01T12:00:00Z", "end": "2026-01-01T13:00:00Z", "recurrence": ["RRULE:FREQ=DAILY;INTERVAL=7"], "member_ids": ["PUSR001", "empty"], "strategy": "every_member"}),
        ),
        (
            "UpdateShiftRotationEvent",
            json!({"schedule_id": "PSHS001", "rotation_id": "PSHR001D", "event_id": "PSHE001D", "name": "Day", "member_ids": ["PUSR001", "PUSR002", "empty"]}),
        ),
        (
            "CreateCustomShifts",
            json!({"schedule_id": "PSHS002", "shifts": [{"start": soon(1), "end": soon(3), "member": "PUSR005"}, {"start": soon(4), "end": soon(5), "member": "empty"}]}),
        ),
        (
            "UpdateCustomShift",
            json!({"schedule_id": "PSHS001", "custom_shift_id": "PSCS002", "start": soon(30), "end": soon(32), "member": "PUSR007"}),
        ),
        (
            "CreateShiftOverrides",
            json!({"schedule_id": "PSHS001", "overrides": [{"rotation_id": "PSHR001N", "start": soon(1), "end": soon(2), "overridden": "PUSR003", "overriding": "PUSR008"}, {"custom_shift_id": "PSCS002", "start": soon(30), "end": soon(31), "overridden": "PUSR007", "overriding": "empty"}]}),
        ),
        (
            "UpdateShiftOverride",
            json!({"schedule_id": "PSHS001", "override_id": "PSOV001", "end": soon(48), "overriding": "PUSR006"}),
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "override", "part_id": "PSOV002"}),
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "custom_shift", "part_id": "PSCS001"}),
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "event", "rotation_id": "PSHR001N", "part_id": "PSHE001N"}),
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "rotation", "part_id": "PSHR001N"}),
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS003", "part": "schedule"}),
        ),
    ] {
        call(sb, tool, args).await;
    }
}
