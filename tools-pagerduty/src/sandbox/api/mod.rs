//! The sandbox's REST and Events API behaviour: the routing table, here, and one
//! module of handlers per resource (mirroring `tools/`).

mod alert_grouping;
mod analytics;
mod changes;
mod common;
mod dependencies;
mod escalation;
mod events;
mod incidents;
mod maintenance;
mod oncall;
mod orchestrations;
mod priorities;
mod schedule_layers;
mod schedules;
mod services;
mod shift_render;
mod shift_schedules;
mod status_pages;
mod teams;
mod users;
mod webhooks;
mod workflows;

use std::sync::RwLock;

use serde_json::Value;

use self::common::{Q, Reply, bad, id_of, not_found, read, str_of, write_lock};
use super::{Db, RecordedRequest, error_body};

/// Routes one request. Reads share the lock, so concurrent reads (a client fetching
/// pages in parallel) are answered in parallel; writes take it alone.
pub(super) fn route(db: &RwLock<Db>, req: &RecordedRequest) -> Reply {
    let q = Q(&req.query);
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let method = req.method.as_str();

    if segs.first() == Some(&"v2") {
        return events::events(&mut write_lock(db), method, &segs, req.body.as_ref());
    }

    let auth = req.header("authorization").unwrap_or_default();
    let token = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("Token token="));
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return (401, error_body("Authentication failed", 2006, &[]));
    };
    // An account-level API key or client-credentials OAuth token: no user.
    let account_level = token.starts_with("acct");
    let me = {
        let db = read(db);
        db.users
            .iter()
            .find(|u| token.contains(id_of(u)))
            .or_else(|| db.users.first())
            .map(|u| id_of(u).to_owned())
            .unwrap_or_default()
    };

    // Analytics are reads sent as POST, with the filters in a JSON body.
    if method == "POST" && segs.starts_with(&["analytics", "metrics", "incidents"]) {
        return analytics::analytics(&read(db), &segs[3..], req.body.as_ref());
    }
    if method == "POST" && segs.starts_with(&["analytics", "metrics", "responders"]) {
        return analytics::responders(&read(db), &segs[3..], req.body.as_ref());
    }

    if method != "GET" {
        if token.starts_with("ro-") {
            return (403, error_body("Access Denied", 2010, &[]));
        }
        let mut db = write_lock(db);
        let from = req.header("from").unwrap_or_default();
        let actor = db
            .users
            .iter()
            .find(|u| str_of(u, "email") == from)
            .map(|u| id_of(u).to_owned());
        // Writes the OpenAPI marks with a required From need a valid one.
        let needs_from = matches!(segs.first(), Some(&"incidents" | &"maintenance_windows"))
            && segs.get(2) != Some(&"responder_requests");
        let Some(actor) = actor.or_else(|| (!needs_from).then(String::new)) else {
            return bad(&[
                "You must specify a user's email address in the From header to perform this action",
            ]);
        };
        return write(&mut db, method, &segs, &q, req.body.as_ref(), &actor);
    }

    get(&read(db), &segs, q, me, account_level)
}

/// Answers a `GET`.
fn get(db: &Db, segs: &[&str], q: Q<'_>, me: String, account_level: bool) -> Reply {
    match segs {
        ["users", "me"] => users::me(db, &q, &me, account_level),
        ["users"] => users::list(db, &q),
        ["users", id] => users::get(db, id, &q),
        ["users", id, "contact_methods"] => users::contact_methods(db, id),
        ["users", id, "notification_rules"] => users::notification_rules(db, id),
        ["teams"] => teams::list(db, &q),
        ["teams", id] => teams::get(db, id),
        ["teams", id, "members"] => teams::members(db, id, &q),
        ["schedules"] => schedules::list(db, &q),
        ["schedules", id] => schedules::get(db, id, &q),
        ["escalation_policies"] => escalation::list(db, &q),
        ["escalation_policies", id] => escalation::get(db, id),
        ["services"] => services::list(db, &q),
        ["services", id] => services::get(db, id),
        ["services", id, "change_events"] => changes::of_service(db, id, &q),
        ["priorities"] => priorities::list(db, &q),
        ["change_events"] => changes::list(db, &q),
        ["maintenance_windows"] => maintenance::list(db, &q),
        ["oncalls"] => oncall::list(db, &q),
        ["incidents"] => incidents::list(db, &q),
        ["incidents", id] => incidents::get(db, id),
        ["incidents", id, "alerts"] => incidents::alerts(db, id, &q),
        ["incidents", id, "related_change_events"] => {
            incidents::insight::related_change_events(db, id, &q)
        }
        ["incidents", id, "related_incidents"] => incidents::insight::related(db, id, &q),
        ["incidents", id, "past_incidents"] => incidents::insight::past(db, id, &q),
        ["incidents", id, "outlier_incident"] => incidents::insight::outlier(db, id, &q),
        ["incident_workflows"] => workflows::list(db, &q),
        ["incidents", id, "notes"] => incidents::notes(db, id),
        ["incidents", id, "log_entries"] => incidents::log_entries(db, id, &q),
        ["log_entries"] => incidents::all_log_entries(db, &q),
        ["status_pages"] => status_pages::list(db, &q),
        ["status_pages", ..] => status_pages::get(db, segs, &q),
        ["event_orchestrations"] => orchestrations::list(db, &q),
        ["event_orchestrations", "services", id] => {
            orchestrations::path(db, &format!("services/{id}"))
        }
        ["event_orchestrations", "services", id, "active"] => orchestrations::active(db, id),
        ["event_orchestrations", id] => orchestrations::get(db, id),
        [
            "event_orchestrations",
            id,
            part @ ("global" | "router" | "unrouted"),
        ] => orchestrations::path(db, &format!("{id}/{part}")),
        ["business_services"] => dependencies::list(db, &q),
        ["business_services", id] => dependencies::get(db, id),
        ["service_dependencies", "technical_services", id] => dependencies::technical(db, id),
        ["service_dependencies", "business_services", id] => dependencies::business(db, id),
        ["alert_grouping_settings"] => alert_grouping::list(db, &q),
        ["alert_grouping_settings", id] => alert_grouping::get(db, id),
        ["webhook_subscriptions"] => webhooks::list(db, &q),
        ["webhook_subscriptions", id] => webhooks::get(db, id),
        ["extension_schemas"] => webhooks::schemas(db, &q),
        ["extension_schemas", id] => webhooks::schema(db, id),
        ["v3", "schedules", rest @ ..] => shift_schedules::get(db, rest, &q),
        _ => not_found(),
    }
}

/// Answers a write (any method but `GET`) as `actor`.
fn write(
    db: &mut Db,
    method: &str,
    segs: &[&str],
    q: &Q<'_>,
    body: Option<&Value>,
    actor: &str,
) -> Reply {
    let empty = Value::Null;
    let body = body.unwrap_or(&empty);
    match (method, segs) {
        ("PUT", ["incidents"]) => incidents::respond::update_many(db, body, actor),
        ("PUT", ["incidents", id]) => incidents::respond::update(db, id, body, actor),
        ("PUT", ["incidents", id, "merge"]) => incidents::respond::merge(db, id, body, actor),
        ("POST", ["incidents"]) => incidents::respond::create(db, body, actor),
        ("POST", ["incidents", id, "notes"]) => incidents::respond::add_note(db, id, body, actor),
        ("POST", ["incidents", id, "responder_requests"]) => {
            incidents::respond::request_responders(db, id, body)
        }
        ("POST", ["maintenance_windows"]) => maintenance::create(db, body, actor),
        ("POST", ["incidents", id, "status_updates"]) => {
            incidents::respond::status_update(db, id, body, actor)
        }
        ("POST", ["schedules", id, "overrides"]) => schedules::create_overrides(db, id, body),
        ("POST", ["schedules"]) => schedule_layers::create(db, body),
        ("PUT", ["schedules", id]) => schedule_layers::update(db, id, body),
        ("POST", ["incident_workflows", id, "instances"]) => workflows::start(db, id, body),
        ("POST", ["incidents", id, "snooze"]) => incidents::respond::snooze(db, id, body, actor),
        ("POST", ["status_pages", id, "posts"]) => status_pages::create_post(db, id, body),
        ("POST", ["status_pages", id, "posts", post, "post_updates"]) => {
            status_pages::create_post_update(db, id, post, body)
        }
        ("POST", ["escalation_policies"]) => escalation::create(db, body),
        ("PUT", ["escalation_policies", id]) => escalation::update(db, id, body),
        ("POST", ["services"]) => services::create(db, body),
        ("PUT", ["services", id]) => services::update(db, id, body),
        ("POST", ["teams"]) => teams::create(db, body),
        ("PUT", ["teams", id]) => teams::update(db, id, body),
        ("DELETE", ["teams", id]) => teams::delete(db, id, q),
        ("PUT", ["teams", id, "users", user]) => teams::add_member(db, id, user, body),
        ("DELETE", ["teams", id, "users", user]) => teams::remove_member(db, id, user),
        ("POST", ["alert_grouping_settings"]) => alert_grouping::create(db, body),
        ("PUT", ["alert_grouping_settings", id]) => alert_grouping::update(db, id, body),
        ("DELETE", ["alert_grouping_settings", id]) => alert_grouping::delete(db, id),
        ("POST", ["webhook_subscriptions"]) => webhooks::create(db, body),
        ("PUT", ["webhook_subscriptions", id]) => webhooks::update(db, id, body),
        ("DELETE", ["webhook_subscriptions", id]) => webhooks::delete(db, id),
        ("PUT", ["event_orchestrations", id, "router"]) => {
            orchestrations::put_router(db, id, body, actor)
        }
        (_, ["v3", "schedules", rest @ ..]) => shift_schedules::write(db, method, rest, body),
        _ => not_found(),
    }
}
