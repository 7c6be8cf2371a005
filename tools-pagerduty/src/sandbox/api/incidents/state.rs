//! The incident model: its history (log entries), seeded incidents, changes and
//! creation, shared by the REST and Events API handlers.

use serde_json::{Map, Value, json};

use super::super::super::seed::{at, object, ref_of, reference, summary};
use super::super::common::{Reply, bad, id_of, now_s, str_of};
use crate::sandbox::{Db, error_body};

impl Db {
    pub(in crate::sandbox::api) fn log(
        &mut self,
        incident: usize,
        kind: &str,
        agent: Value,
        channel: &str,
        extra: Map<String, Value>,
    ) {
        let id = self.next("RLOG");
        let inc = &self.incidents[incident];
        let verb = kind.trim_end_matches("_log_entry");
        let mut e = object("log_entry", &id, &format!("{verb} by {}", summary(&agent)));
        e.insert("type".into(), json!(kind));
        e.insert("created_at".into(), json!(now_s()));
        e.insert("agent".into(), agent);
        e.insert("channel".into(), json!({"type": channel}));
        e.insert("service".into(), inc["service"].clone());
        e.insert("incident".into(), ref_of(inc));
        e.insert("teams".into(), inc["teams"].clone());
        e.insert("contexts".into(), json!([]));
        e.extend(extra);
        self.log_entries.push(Value::Object(e));
    }

    /// Adds a seeded incident with its alert and history (`spec` from the seed).
    pub(crate) fn push_incident(&mut self, spec: Value, now: time::OffsetDateTime, age: i64) {
        let id = str_of(&spec, "id").to_owned();
        let number = spec["number"].as_u64().unwrap_or_default();
        let title = str_of(&spec, "title").to_owned();
        let status = str_of(&spec, "status").to_owned();
        let created = str_of(&spec, "created_at").to_owned();
        let user = spec["user"].clone();
        let mut inc = object("incident", &id, &format!("[#{number}] {title}"));
        inc.insert("incident_number".into(), json!(number));
        inc.insert("title".into(), json!(title));
        inc.insert("description".into(), json!(title));
        inc.insert("created_at".into(), json!(created));
        inc.insert("updated_at".into(), json!(created));
        inc.insert("status".into(), json!(status));
        inc.insert("incident_key".into(), spec["incident_key"].clone());
        inc.insert("service".into(), spec["service"].clone());
        inc.insert(
            "escalation_policy".into(),
            spec["escalation_policy"].clone(),
        );
        inc.insert("teams".into(), json!([spec["team"].clone()]));
        inc.insert("urgency".into(), spec["urgency"].clone());
        inc.insert("priority".into(), spec["priority"].clone());
        inc.insert("is_mergeable".into(), json!(true));
        inc.insert("pending_actions".into(), json!([]));
        inc.insert("resolve_reason".into(), Value::Null);
        inc.insert("last_status_change_by".into(), spec["service"].clone());
        let ack_at = at(now, -age + 300);
        let res_at = at(now, -age + 3600);
        let (assignments, acks, last_change, resolved) = match status.as_str() {
            "triggered" => (
                json!([{"at": created, "assignee": user}]),
                json!([]),
                created.clone(),
                Value::Null,
            ),
            "acknowledged" => (
                json!([{"at": created, "assignee": user}]),
                json!([{"at": ack_at, "acknowledger": user}]),
                ack_at.clone(),
                Value::Null,
            ),
            _ => (json!([]), json!([]), res_at.clone(), json!(res_at)),
        };
        inc.insert("assignments".into(), assignments);
        inc.insert("acknowledgements".into(), acks);
        inc.insert("last_status_change_at".into(), json!(last_change));
        inc.insert("resolved_at".into(), resolved);
        let open = if status == "resolved" { 0 } else { 1 };
        inc.insert(
            "alert_counts".into(),
            json!({"all": 1, "triggered": open, "resolved": 1 - open}),
        );
        let inc = Value::Object(inc);
        let iref = ref_of(&inc);
        let svc = spec["service"].clone();
        let teams = json!([spec["team"].clone()]);
        // Alert.
        let alert_id = format!("PALR{number:03}");
        let mut alert = object("alert", &alert_id, &title);
        alert.insert("created_at".into(), json!(created));
        alert.insert(
            "status".into(),
            json!(if open == 1 { "triggered" } else { "resolved" }),
        );
        alert.insert("alert_key".into(), spec["incident_key"].clone());
        alert.insert("service".into(), svc.clone());
        alert.insert("incident".into(), iref.clone());
        alert.insert("suppressed".into(), json!(false));
        alert.insert(
            "severity".into(),
            json!(if spec["urgency"] == "high" {
                "critical"
            } else {
                "warning"
            }),
        );
        alert.insert(
            "integration".into(),
            reference("inbound_integration", "PINT001", "Events API v2"),
        );
        alert.insert(
            "body".into(),
            json!({"type": "alert_body", "contexts": [], "details": {"host": format!("{}-{}", str_of(&svc, "summary"), number % 3), "metric": "error_rate"}}),
        );
        self.alerts.push(Value::Object(alert));
        // History, oldest first.
        let mut entries = vec![("trigger_log_entry", created.clone(), svc.clone(), "api")];
        entries.push(("notify_log_entry", at(now, -age + 5), user.clone(), "auto"));
        if status != "triggered" {
            entries.push(("acknowledge_log_entry", ack_at, user.clone(), "mobile"));
        }
        if status == "resolved" {
            entries.push(("resolve_log_entry", res_at, user.clone(), "web_ui"));
        }
        for (kind, when, agent, channel) in entries {
            let lid = format!("RLOG{number:03}{}", kind.len());
            let verb = kind.trim_end_matches("_log_entry");
            let mut e = object("log_entry", &lid, &format!("{verb} by {}", summary(&agent)));
            e.insert("type".into(), json!(kind));
            e.insert("created_at".into(), json!(when));
            e.insert("agent".into(), agent);
            e.insert("channel".into(), json!({"type": channel}));
            e.insert("service".into(), svc.clone());
            e.insert("incident".into(), iref.clone());
            e.insert("teams".into(), teams.clone());
            e.insert("contexts".into(), json!([]));
            if kind == "notify_log_entry" {
                e.insert("user".into(), user.clone());
            }
            self.log_entries.push(Value::Object(e));
        }
        self.incidents.push(inc);
        self.log_entries
            .sort_by(|a, b| str_of(a, "created_at").cmp(str_of(b, "created_at")));
    }

    /// Applies a change to an incident as `actor`; `Err` is the reply.
    pub(in crate::sandbox::api) fn change(
        &mut self,
        i: usize,
        change: &Value,
        actor: &str,
    ) -> Result<(), Reply> {
        let actor_ref = self.user_ref(actor);
        let now = now_s();
        let current = str_of(&self.incidents[i], "status").to_owned();
        if let Some(status) = change.get("status").and_then(Value::as_str) {
            match (status, current.as_str()) {
                (_, "resolved") if status != "resolved" => {
                    return Err(bad(&["Incident Already Resolved"]));
                }
                ("acknowledged", "triggered") => {
                    let inc = &mut self.incidents[i];
                    inc["status"] = json!("acknowledged");
                    inc["acknowledgements"] = json!([{"at": now, "acknowledger": actor_ref}]);
                    inc["last_status_change_at"] = json!(now);
                    inc["last_status_change_by"] = actor_ref.clone();
                    self.log(
                        i,
                        "acknowledge_log_entry",
                        actor_ref.clone(),
                        "api",
                        Map::new(),
                    );
                }
                ("resolved", "triggered" | "acknowledged") => {
                    let inc = &mut self.incidents[i];
                    inc["status"] = json!("resolved");
                    inc["resolved_at"] = json!(now);
                    inc["assignments"] = json!([]);
                    inc["pending_actions"] = json!([]);
                    inc["last_status_change_at"] = json!(now);
                    inc["last_status_change_by"] = actor_ref.clone();
                    inc["alert_counts"] = json!({"all": inc["alert_counts"]["all"], "triggered": 0, "resolved": inc["alert_counts"]["all"]});
                    let iid = id_of(inc).to_owned();
                    for a in self
                        .alerts
                        .iter_mut()
                        .filter(|a| id_of(&a["incident"]) == iid)
                    {
                        a["status"] = json!("resolved");
                    }
                    let mut extra = Map::new();
                    if let Some(r) = change.get("resolution").and_then(Value::as_str) {
                        extra.insert("note".into(), json!(r));
                    }
                    self.log(i, "resolve_log_entry", actor_ref.clone(), "api", extra);
                }
                ("acknowledged", "acknowledged") | ("resolved", "resolved") => {}
                _ => return Err(bad(&["Invalid status transition"])),
            }
        }
        if let Some(title) = change.get("title").and_then(Value::as_str) {
            let inc = &mut self.incidents[i];
            let number = inc["incident_number"].clone();
            inc["title"] = json!(title);
            inc["summary"] = json!(format!("[#{number}] {title}"));
        }
        if let Some(u) = change.get("urgency").and_then(Value::as_str) {
            if u != "high" && u != "low" {
                return Err(bad(&["Urgency must be high or low"]));
            }
            self.incidents[i]["urgency"] = json!(u);
        }
        if let Some(p) = change.get("priority") {
            let pid = id_of(p);
            let Some(prio) = self.priorities.iter().find(|x| id_of(x) == pid).cloned() else {
                return Err(bad(&["Priority not found"]));
            };
            self.incidents[i]["priority"] = prio;
        }
        if let Some(assignments) = change.get("assignments").and_then(Value::as_array) {
            let mut list = Vec::new();
            for a in assignments {
                let uid = id_of(&a["assignee"]);
                if !self.users.iter().any(|u| id_of(u) == uid) {
                    return Err(bad(&["Assignee not found"]));
                }
                list.push(json!({"at": now, "assignee": self.user_ref(uid)}));
            }
            self.incidents[i]["assignments"] = json!(list);
            self.log(i, "assign_log_entry", actor_ref.clone(), "api", Map::new());
        }
        if let Some(ep) = change.get("escalation_policy") {
            let pid = id_of(ep).to_owned();
            let Some(policy) = self.policies.iter().find(|p| id_of(p) == pid).cloned() else {
                return Err(bad(&["Escalation policy not found"]));
            };
            let users = self.oncall_users(&pid, 1);
            let assigned: Vec<Value> = users
                .iter()
                .map(|u| json!({"at": now, "assignee": self.user_ref(u)}))
                .collect();
            let inc = &mut self.incidents[i];
            inc["escalation_policy"] = ref_of(&policy);
            inc["assignments"] = json!(assigned);
            self.log(i, "assign_log_entry", actor_ref.clone(), "api", Map::new());
        }
        if let Some(level) = change.get("escalation_level").and_then(Value::as_u64) {
            let pid = id_of(&self.incidents[i]["escalation_policy"]).to_owned();
            let users = self.oncall_users(&pid, level);
            if users.is_empty() {
                return Err(bad(&["Escalation level is out of range"]));
            }
            let assigned: Vec<Value> = users
                .iter()
                .map(|u| json!({"at": now, "assignee": self.user_ref(u)}))
                .collect();
            self.incidents[i]["assignments"] = json!(assigned);
            let mut extra = Map::new();
            extra.insert("escalation_level".into(), json!(level));
            self.log(i, "escalate_log_entry", actor_ref.clone(), "api", extra);
        }
        self.incidents[i]["updated_at"] = json!(now);
        Ok(())
    }

    pub(in crate::sandbox::api) fn create_incident(
        &mut self,
        body: &Value,
        actor: Option<&str>,
    ) -> Result<usize, Reply> {
        let service_id = id_of(&body["service"]);
        let Some(svc) = self
            .services
            .iter()
            .find(|s| id_of(s) == service_id)
            .cloned()
        else {
            return Err(bad(&["Service not found"]));
        };
        let title = str_of(body, "title");
        if title.is_empty() {
            return Err(bad(&["Title cannot be empty"]));
        }
        let key = str_of(body, "incident_key");
        if !key.is_empty()
            && self
                .incidents
                .iter()
                .any(|i| str_of(i, "incident_key") == key && str_of(i, "status") != "resolved")
        {
            return Err((
                400,
                error_body(
                    "Invalid Input Provided",
                    2001,
                    &["Open incident with this incident key already exists"],
                ),
            ));
        }
        let number = self
            .incidents
            .iter()
            .filter_map(|i| i["incident_number"].as_u64())
            .max()
            .unwrap_or(0)
            + 1;
        let id = self.next("PNEW");
        let now = now_s();
        let policy_id = if body.get("escalation_policy").is_some() {
            id_of(&body["escalation_policy"]).to_owned()
        } else {
            id_of(&svc["escalation_policy"]).to_owned()
        };
        let Some(policy) = self
            .policies
            .iter()
            .find(|p| id_of(p) == policy_id)
            .cloned()
        else {
            return Err(bad(&["Escalation policy not found"]));
        };
        let assignees: Vec<String> = match body.get("assignments").and_then(Value::as_array) {
            Some(a) => a.iter().map(|x| id_of(&x["assignee"]).to_owned()).collect(),
            None => self.oncall_users(&policy_id, 1),
        };
        let assignments: Vec<Value> = assignees
            .iter()
            .map(|u| json!({"at": now, "assignee": self.user_ref(u)}))
            .collect();
        let urgency = body
            .get("urgency")
            .and_then(Value::as_str)
            .unwrap_or("high");
        let priority = match body.get("priority") {
            Some(p) => match self.priorities.iter().find(|x| id_of(x) == id_of(p)) {
                Some(p) => p.clone(),
                None => return Err(bad(&["Priority not found"])),
            },
            None => Value::Null,
        };
        let mut inc = object("incident", &id, &format!("[#{number}] {title}"));
        inc.insert("incident_number".into(), json!(number));
        inc.insert("title".into(), json!(title));
        inc.insert("description".into(), json!(title));
        inc.insert("created_at".into(), json!(now));
        inc.insert("updated_at".into(), json!(now));
        inc.insert("status".into(), json!("triggered"));
        inc.insert(
            "incident_key".into(),
            if key.is_empty() {
                json!(id.to_lowercase())
            } else {
                json!(key)
            },
        );
        inc.insert("service".into(), ref_of(&svc));
        inc.insert("escalation_policy".into(), ref_of(&policy));
        inc.insert("teams".into(), svc["teams"].clone());
        inc.insert("urgency".into(), json!(urgency));
        inc.insert("priority".into(), priority);
        inc.insert("assignments".into(), json!(assignments));
        inc.insert("acknowledgements".into(), json!([]));
        inc.insert("last_status_change_at".into(), json!(now));
        inc.insert("last_status_change_by".into(), ref_of(&svc));
        inc.insert("resolved_at".into(), Value::Null);
        inc.insert("is_mergeable".into(), json!(true));
        inc.insert("pending_actions".into(), json!([]));
        inc.insert("resolve_reason".into(), Value::Null);
        inc.insert(
            "alert_counts".into(),
            json!({"all": 0, "triggered": 0, "resolved": 0}),
        );
        if let Some(details) = body.get("body").and_then(|b| b.get("details")) {
            self.bodies.insert(
                id.clone(),
                json!({"type": "incident_body", "details": details}),
            );
        }
        self.incidents.push(Value::Object(inc));
        let i = self.incidents.len() - 1;
        let agent = match actor {
            Some(a) => self.user_ref(a),
            None => ref_of(&svc),
        };
        self.log(i, "trigger_log_entry", agent, "api", Map::new());
        Ok(i)
    }
}
