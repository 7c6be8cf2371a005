//! The sandbox's REST and Events API behaviour.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::{Map, Value, json};

use super::seed::{at, object, ref_of, reference, summary};
use super::{Db, RecordedRequest, error_body};

type Reply = (u16, Value);

fn read(db: &RwLock<Db>) -> RwLockReadGuard<'_, Db> {
    db.read().unwrap_or_else(|e| e.into_inner())
}

fn write_lock(db: &RwLock<Db>) -> RwLockWriteGuard<'_, Db> {
    db.write().unwrap_or_else(|e| e.into_inner())
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn now_s() -> String {
    at(now(), 0)
}

struct Q<'a>(&'a [(String, String)]);

impl Q<'_> {
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    fn all(&self, k: &str) -> Vec<&str> {
        let key = format!("{k}[]");
        self.0
            .iter()
            .filter(|(x, _)| *x == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn includes(&self, v: &str) -> bool {
        self.all("include").contains(&v)
    }
}

fn bad(errors: &[&str]) -> Reply {
    (400, error_body("Invalid Input Provided", 2001, errors))
}

fn not_found() -> Reply {
    (404, error_body("Not Found", 2100, &[]))
}

fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// Classic pagination, as PagerDuty does it.
fn paginate<T: std::borrow::Borrow<Value>>(items: Vec<T>, key: &str, q: &Q<'_>) -> Reply {
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let offset = q
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    if offset + limit > 10_000 {
        return bad(&["Offset + limit must be less than or equal to 10000"]);
    }
    let total = items.len();
    let page: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|v| v.borrow().clone())
        .collect();
    let more = offset + page.len() < total;
    let total = (q.get("total") == Some("true")).then_some(total);
    // Built by hand: `json!` would serialise `page` into a second deep copy.
    let mut body = Map::with_capacity(5);
    body.insert(key.to_owned(), Value::Array(page));
    body.insert("limit".into(), limit.into());
    body.insert("offset".into(), offset.into());
    body.insert("more".into(), more.into());
    body.insert("total".into(), total.into());
    (200, Value::Object(body))
}

fn matches_query(v: &Value, q: &Q<'_>, fields: &[&str]) -> bool {
    match q.get("query") {
        Some(query) if !query.is_empty() => {
            let query = query.to_lowercase();
            fields
                .iter()
                .any(|f| str_of(v, f).to_lowercase().contains(&query))
        }
        _ => true,
    }
}

fn has_ref(v: &Value, key: &str, ids: &[&str]) -> bool {
    v.get(key)
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|r| ids.contains(&id_of(r))))
}

/// Routes one request. Reads share the lock, so concurrent reads (a client fetching
/// pages in parallel) are answered in parallel; writes take it alone.
pub(super) fn route(db: &RwLock<Db>, req: &RecordedRequest) -> Reply {
    let q = Q(&req.query);
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    let method = req.method.as_str();

    if segs.first() == Some(&"v2") {
        return events(&mut write_lock(db), method, &segs, req.body.as_ref());
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
        return analytics(&read(db), &segs[3..], req.body.as_ref());
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
        return write(&mut db, method, &segs, req.body.as_ref(), &actor);
    }

    get(&read(db), &segs, q, me, account_level)
}

/// Answers a `GET`.
fn get(db: &Db, segs: &[&str], q: Q<'_>, me: String, account_level: bool) -> Reply {
    match segs {
        ["users", "me"] => {
            if account_level {
                return (
                    400,
                    error_body(
                        "Because this request was made using an account-level access token, we were unable to determine the user's identity. Please use a user-level token.",
                        2500,
                        &[],
                    ),
                );
            }
            user(db, &me, &q)
        }
        ["users"] => {
            let teams = q.all("team_ids");
            let items = db
                .users
                .iter()
                .filter(|u| matches_query(u, &q, &["name", "email"]))
                .filter(|u| teams.is_empty() || has_ref(u, "teams", &teams))
                .map(|u| expand_user(db, u, &q))
                .collect();
            paginate(items, "users", &q)
        }
        ["users", id] => user(db, id, &q),
        ["users", id, "contact_methods"] => match db.contact_methods.get(*id) {
            Some(c) => (200, json!({"contact_methods": c})),
            None => not_found(),
        },
        ["users", id, "notification_rules"] => match db.notification_rules.get(*id) {
            Some(r) => (200, json!({"notification_rules": r})),
            None => not_found(),
        },
        ["teams"] => {
            let items = db
                .teams
                .iter()
                .filter(|t| matches_query(t, &q, &["name"]))
                .cloned()
                .collect();
            paginate(items, "teams", &q)
        }
        ["teams", id] => match db.teams.iter().find(|t| id_of(t) == *id) {
            Some(t) => (200, json!({"team": t})),
            None => not_found(),
        },
        ["teams", id, "members"] => {
            if !db.teams.iter().any(|t| id_of(t) == *id) {
                return not_found();
            }
            let items = db
                .members
                .iter()
                .filter(|(t, _, _)| t == id)
                .filter_map(|(_, u, role)| {
                    let user = db.users.iter().find(|x| id_of(x) == u)?;
                    Some(json!({"user": ref_of(user), "role": role}))
                })
                .collect();
            paginate(items, "members", &q)
        }
        ["schedules"] => {
            let teams = q.all("team_ids");
            let items = db
                .schedules
                .iter()
                .filter(|s| matches_query(s, &q, &["name"]))
                .filter(|s| teams.is_empty() || has_ref(s, "teams", &teams))
                .cloned()
                .collect();
            paginate(items, "schedules", &q)
        }
        ["schedules", id] => match db.schedules.iter().find(|s| id_of(s) == *id) {
            Some(s) => {
                let mut s = s.clone();
                if let (Some(since), Some(until)) = (q.get("since"), q.get("until")) {
                    let overlaps =
                        |e: &Value| str_of(e, "start") < until && str_of(e, "end") > since;
                    let overrides: Vec<Value> = db
                        .overrides
                        .get(*id)
                        .map(|o| {
                            o.iter()
                                .filter(|e| overlaps(e))
                                .map(|e| json!({"start": e["start"], "end": e["end"], "user": e["user"]}))
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut rendered: Vec<Value> = db
                        .oncalls
                        .iter()
                        .filter(|o| id_of(&o["schedule"]) == *id && o["escalation_level"] == 1)
                        .filter(|o| overlaps(o))
                        .map(|o| json!({"start": o["start"], "end": o["end"], "user": o["user"]}))
                        .collect();
                    rendered.extend(overrides.iter().cloned());
                    rendered.sort_by(|a, b| str_of(a, "start").cmp(str_of(b, "start")));
                    s["final_schedule"] = json!({"name": "Final Schedule", "rendered_schedule_entries": rendered, "rendered_coverage_percentage": 100.0});
                    s["overrides_subschedule"] =
                        json!({"name": "Overrides", "rendered_schedule_entries": overrides});
                }
                (200, json!({"schedule": s}))
            }
            None => not_found(),
        },
        ["escalation_policies"] => {
            let teams = q.all("team_ids");
            let users = q.all("user_ids");
            let items = db
                .policies
                .iter()
                .filter(|p| matches_query(p, &q, &["name"]))
                .filter(|p| teams.is_empty() || has_ref(p, "teams", &teams))
                .filter(|p| {
                    users.is_empty()
                        || db.oncalls.iter().any(|o| {
                            o["escalation_policy"]["id"] == p["id"]
                                && users.contains(&id_of(&o["user"]))
                        })
                })
                .cloned()
                .collect();
            paginate(items, "escalation_policies", &q)
        }
        ["escalation_policies", id] => match db.policies.iter().find(|p| id_of(p) == *id) {
            Some(p) => (200, json!({"escalation_policy": p})),
            None => not_found(),
        },
        ["services"] => {
            let teams = q.all("team_ids");
            let mut items: Vec<Value> = db
                .services
                .iter()
                .filter(|s| matches_query(s, &q, &["name"]))
                .filter(|s| teams.is_empty() || has_ref(s, "teams", &teams))
                .map(|s| service(db, s))
                .collect();
            items.sort_by(|a, b| str_of(a, "name").cmp(str_of(b, "name")));
            paginate(items, "services", &q)
        }
        ["services", id] => match db.services.iter().find(|s| id_of(s) == *id) {
            Some(s) => (200, json!({"service": service(db, s)})),
            None => not_found(),
        },
        ["priorities"] => paginate(db.priorities.clone(), "priorities", &q),
        ["change_events"] => {
            let teams = q.all("team_ids");
            let integrations = q.all("integration_ids");
            let (since, until) = (q.get("since"), q.get("until"));
            let mut items: Vec<Value> = db
                .change_events
                .iter()
                .filter(|c| since.is_none_or(|t| str_of(c, "timestamp") >= t))
                .filter(|c| until.is_none_or(|t| str_of(c, "timestamp") < t))
                .filter(|c| {
                    integrations.is_empty() || integrations.contains(&id_of(&c["integration"]))
                })
                .filter(|c| {
                    teams.is_empty()
                        || c["services"].as_array().into_iter().flatten().any(|svc| {
                            db.services
                                .iter()
                                .any(|x| id_of(x) == id_of(svc) && has_ref(x, "teams", &teams))
                        })
                })
                .cloned()
                .collect();
            items.sort_by(|a, b| str_of(b, "timestamp").cmp(str_of(a, "timestamp")));
            paginate(items, "change_events", &q)
        }
        ["maintenance_windows"] => {
            let services = q.all("service_ids");
            let now = now_s();
            let filter = q.get("filter").unwrap_or("all");
            let items = db
                .maintenance_windows
                .iter()
                .filter(|w| {
                    services.is_empty() || services.iter().any(|s| has_ref(w, "services", &[s]))
                })
                .filter(|w| {
                    let (start, end) = (str_of(w, "start_time"), str_of(w, "end_time"));
                    match filter {
                        "ongoing" => start <= now.as_str() && end > now.as_str(),
                        "future" => start > now.as_str(),
                        "past" => end <= now.as_str(),
                        "open" => end > now.as_str(),
                        _ => true,
                    }
                })
                .cloned()
                .collect();
            paginate(items, "maintenance_windows", &q)
        }
        ["oncalls"] => {
            let eps = q.all("escalation_policy_ids");
            let schedules = q.all("schedule_ids");
            let users = q.all("user_ids");
            let now = now_s();
            let since = q.get("since").map(str::to_owned).unwrap_or(now.clone());
            let until = q.get("until").map(str::to_owned).unwrap_or(now);
            let items = db
                .oncalls
                .iter()
                .filter(|o| eps.is_empty() || eps.contains(&id_of(&o["escalation_policy"])))
                .filter(|o| schedules.is_empty() || schedules.contains(&id_of(&o["schedule"])))
                .filter(|o| users.is_empty() || users.contains(&id_of(&o["user"])))
                .filter(|o| {
                    // Overlaps [since, until]; permanent entries always do.
                    let (start, end) = (str_of(o, "start"), str_of(o, "end"));
                    (start.is_empty() || start <= until.as_str())
                        && (end.is_empty() || end > since.as_str())
                })
                .cloned()
                .collect();
            paginate(items, "oncalls", &q)
        }
        ["incidents"] => {
            let statuses = q.all("statuses");
            let urgencies = q.all("urgencies");
            let services = q.all("service_ids");
            let teams = q.all("team_ids");
            let users = q.all("user_ids");
            let since = q.get("since").unwrap_or_default();
            let until = q.get("until").unwrap_or_default();
            let mut items: Vec<&Value> = db
                .incidents
                .iter()
                .filter(|i| statuses.is_empty() || statuses.contains(&str_of(i, "status")))
                .filter(|i| urgencies.is_empty() || urgencies.contains(&str_of(i, "urgency")))
                .filter(|i| services.is_empty() || services.contains(&id_of(&i["service"])))
                .filter(|i| teams.is_empty() || has_ref(i, "teams", &teams))
                .filter(|i| {
                    users.is_empty()
                        || i["assignments"].as_array().is_some_and(|a| {
                            a.iter().any(|x| users.contains(&id_of(&x["assignee"])))
                        })
                })
                .filter(|i| since.is_empty() || str_of(i, "created_at") >= since)
                .filter(|i| until.is_empty() || str_of(i, "created_at") < until)
                .filter(|i| {
                    q.get("incident_key")
                        .is_none_or(|k| str_of(i, "incident_key") == k)
                })
                .collect();
            if q.get("sort_by") == Some("created_at:desc") {
                items.reverse();
            }
            paginate(items, "incidents", &q)
        }
        ["incidents", id] => match find_incident(db, id) {
            Some(i) => (200, json!({"incident": db.incidents[i]})),
            None => not_found(),
        },
        ["incidents", id, "alerts"] => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let iid = id_of(&db.incidents[i]).to_owned();
            let statuses = q.all("statuses");
            let items = db
                .alerts
                .iter()
                .filter(|a| id_of(&a["incident"]) == iid)
                .filter(|a| statuses.is_empty() || statuses.contains(&str_of(a, "status")))
                .cloned()
                .collect();
            paginate(items, "alerts", &q)
        }
        ["incidents", id, "related_change_events"] => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let inc = &db.incidents[i];
            let created = str_of(inc, "created_at");
            let service = id_of(&inc["service"]);
            let mut related: Vec<Value> = db
                .change_events
                .iter()
                .filter(|c| str_of(c, "timestamp") <= created && has_ref(c, "services", &[service]))
                .cloned()
                .collect();
            related.sort_by(|a, b| str_of(b, "timestamp").cmp(str_of(a, "timestamp")));
            let limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
            related.truncate(limit);
            for (n, c) in related.iter_mut().enumerate() {
                let reason = if n == 0 {
                    "most_recent"
                } else {
                    "related_service"
                };
                c["correlation_reason"] = json!({"reason": reason});
            }
            (200, json!({"change_events": related}))
        }
        ["incidents", id, "related_incidents"] => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            (
                200,
                related_incidents(db, i, q.all("additional_details").contains(&"incident")),
            )
        }
        ["incidents", id, "past_incidents"] => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let limit = match q.get("limit").map(str::parse::<usize>) {
                None => 5,
                Some(Ok(l)) if (1..=999).contains(&l) => l,
                Some(_) => return bad(&["limit must be between 1 and 999"]),
            };
            let mut past = past_incidents(db, i);
            let total = (q.get("total") == Some("true")).then_some(past.len());
            past.truncate(limit);
            (
                200,
                json!({"past_incidents": past, "total": total, "limit": limit}),
            )
        }
        ["incident_workflows"] => {
            let items = db
                .workflows
                .iter()
                .filter(|w| matches_query(w, &q, &["name"]))
                .collect();
            paginate(items, "incident_workflows", &q)
        }
        ["incidents", id, "notes"] => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let iid = id_of(&db.incidents[i]);
            (
                200,
                json!({"notes": db.notes.get(iid).cloned().unwrap_or_default()}),
            )
        }
        ["incidents", id, "log_entries"] => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let iid = id_of(&db.incidents[i]).to_owned();
            let items = log_entries(db, &q, |e| id_of(&e["incident"]) == iid);
            paginate(items, "log_entries", &q)
        }
        ["log_entries"] => {
            let teams = q.all("team_ids");
            let items = log_entries(db, &q, |e| teams.is_empty() || has_ref(e, "teams", &teams));
            paginate(items, "log_entries", &q)
        }
        _ => not_found(),
    }
}

/// A service reference as the service-dependency relationships carry it.
fn dependency_ref(id: &str) -> Value {
    json!({"id": id, "type": "technical_service_reference", "self": format!("https://api.pagerduty.com/services/{id}")})
}

/// `GET /incidents/{id}/related_incidents`: the incidents on other services created
/// within 12 hours of incident `i`, most recent first (at most 20). Incidents on
/// services with a seeded dependency are related by it; the others by "machine
/// learning" (similar contents). Without `additional_details[]=incident` the incidents
/// are the short form PagerDuty sends (id, created_at, self, title).
fn related_incidents(db: &Db, i: usize, full: bool) -> Value {
    let inc = &db.incidents[i];
    let created = str_of(inc, "created_at");
    let service = id_of(&inc["service"]);
    let mut related: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|o| id_of(&o["service"]) != service)
        .filter(|o| {
            seconds_between(created, str_of(o, "created_at")).is_some_and(|d| d.abs() <= 12 * 3600)
        })
        .collect();
    related.sort_by(|a, b| str_of(b, "created_at").cmp(str_of(a, "created_at")));
    related.truncate(20);
    let list: Vec<Value> = related
        .into_iter()
        .map(|o| {
            let other = id_of(&o["service"]);
            let dependency = db.dependencies.iter().find(|(d, s)| {
                (d == service && s == other) || (d == other && s == service)
            });
            let relationship = match dependency {
                Some((dependent, supporting)) => json!({
                    "type": "service_dependency",
                    "metadata": {
                        "dependent_services": [dependency_ref(dependent)],
                        "supporting_services": [dependency_ref(supporting)],
                    },
                }),
                None => {
                    let n = o["incident_number"].as_u64().unwrap_or(0);
                    json!({
                        "type": "machine_learning_inferred",
                        "metadata": {
                            "grouping_classification": "similar_contents",
                            "user_feedback": {"positive_feedback_count": n % 4 + 1, "negative_feedback_count": n % 2},
                        },
                    })
                }
            };
            let incident = if full {
                o.clone()
            } else {
                json!({"id": o["id"], "created_at": o["created_at"], "self": o["self"], "title": o["title"]})
            };
            json!({"incident": incident, "relationships": [relationship]})
        })
        .collect();
    json!({ "related_incidents": list })
}

/// `GET /incidents/{id}/past_incidents`: the incidents of the 6 months before incident
/// `i` on its service, most similar first. The score is higher for the same title and
/// for a more recent incident.
fn past_incidents(db: &Db, i: usize) -> Vec<Value> {
    let inc = &db.incidents[i];
    let created = str_of(inc, "created_at");
    let mut scored: Vec<(f64, &Value)> = db
        .incidents
        .iter()
        .filter(|o| id_of(o) != id_of(inc) && o["service"]["id"] == inc["service"]["id"])
        .filter_map(|o| {
            let gap = seconds_between(str_of(o, "created_at"), created)?;
            if gap <= 0 || gap > 183 * 86_400 {
                return None;
            }
            let base = if o["title"] == inc["title"] {
                80.0
            } else {
                20.0
            };
            let recency = 10.0 / (1.0 + gap as f64 / 86_400.0);
            let score = ((base + recency) * 10_000.0_f64).round() / 10_000.0;
            Some((score, o))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .map(|(score, o)| {
            json!({
                "incident": {"id": o["id"], "created_at": o["created_at"], "self": o["self"], "title": o["title"]},
                "score": score,
            })
        })
        .collect()
}

fn log_entries(db: &Db, q: &Q<'_>, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    let overview = q.get("is_overview") == Some("true");
    let since = q.get("since").unwrap_or_default();
    let until = q.get("until").unwrap_or_default();
    let mut items: Vec<Value> = db
        .log_entries
        .iter()
        .filter(|e| keep(e))
        .filter(|e| !overview || str_of(e, "type") != "notify_log_entry")
        .filter(|e| since.is_empty() || str_of(e, "created_at") >= since)
        .filter(|e| until.is_empty() || str_of(e, "created_at") < until)
        .cloned()
        .collect();
    // Newest first; entries are stored oldest first.
    items.reverse();
    items
}

fn user(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    match db.users.iter().find(|u| id_of(u) == id) {
        Some(u) => (200, json!({"user": expand_user(db, u, q)})),
        None => not_found(),
    }
}

fn expand_user(db: &Db, u: &Value, q: &Q<'_>) -> Value {
    let mut u = u.clone();
    let id = id_of(&u).to_owned();
    if q.includes("contact_methods") {
        u["contact_methods"] = json!(db.contact_methods.get(&id).cloned().unwrap_or_default());
    }
    if q.includes("notification_rules") {
        u["notification_rules"] =
            json!(db.notification_rules.get(&id).cloned().unwrap_or_default());
    }
    u
}

fn service(db: &Db, s: &Value) -> Value {
    let mut s = s.clone();
    let now = now_s();
    let in_maintenance = db.maintenance_windows.iter().any(|w| {
        has_ref(w, "services", &[id_of(&s)])
            && str_of(w, "start_time") <= now.as_str()
            && str_of(w, "end_time") > now.as_str()
    });
    if in_maintenance && str_of(&s, "status") != "disabled" {
        s["status"] = json!("maintenance");
    } else if str_of(&s, "status") != "disabled" {
        let open: Vec<&str> = db
            .incidents
            .iter()
            .filter(|i| i["service"]["id"] == s["id"])
            .map(|i| str_of(i, "status"))
            .collect();
        s["status"] = json!(if open.contains(&"triggered") {
            "critical"
        } else if open.contains(&"acknowledged") {
            "warning"
        } else {
            "active"
        });
    }
    s["last_incident_timestamp"] = db
        .incidents
        .iter()
        .filter(|i| i["service"]["id"] == s["id"])
        .map(|i| str_of(i, "created_at").to_owned())
        .max()
        .map_or(Value::Null, Value::String);
    s
}

fn find_incident(db: &Db, id: &str) -> Option<usize> {
    db.incidents.iter().position(|i| {
        id_of(i) == id
            || i["incident_number"]
                .as_u64()
                .is_some_and(|n| n.to_string() == id)
    })
}

impl Db {
    fn next(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{:05}", self.next_id)
    }

    fn user_ref(&self, id: &str) -> Value {
        self.users
            .iter()
            .find(|u| id_of(u) == id)
            .map(ref_of)
            .unwrap_or_else(|| reference("user", id, id))
    }

    fn log(
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

    fn oncall_users(&self, policy: &str, level: u64) -> Vec<String> {
        let now = now_s();
        self.oncalls
            .iter()
            .filter(|o| id_of(&o["escalation_policy"]) == policy && o["escalation_level"] == level)
            .filter(|o| {
                let (s, e) = (str_of(o, "start"), str_of(o, "end"));
                (s.is_empty() || s <= now.as_str()) && (e.is_empty() || e > now.as_str())
            })
            .map(|o| id_of(&o["user"]).to_owned())
            .collect()
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
    fn change(&mut self, i: usize, change: &Value, actor: &str) -> Result<(), Reply> {
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

    fn create_incident(&mut self, body: &Value, actor: Option<&str>) -> Result<usize, Reply> {
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

fn write(db: &mut Db, method: &str, segs: &[&str], body: Option<&Value>, actor: &str) -> Reply {
    let empty = Value::Null;
    let body = body.unwrap_or(&empty);
    match (method, segs) {
        ("PUT", ["incidents"]) => {
            let Some(list) = body.get("incidents").and_then(Value::as_array) else {
                return bad(&["incidents is required"]);
            };
            if list.len() > 250 {
                return (413, error_body("Request Entity Too Large", 2001, &[]));
            }
            let mut idx = Vec::new();
            for change in list {
                match find_incident(db, id_of(change)) {
                    Some(i) => idx.push(i),
                    None => return bad(&["Incident not found"]),
                }
            }
            for (change, &i) in list.iter().zip(&idx) {
                if let Err(reply) = db.change(i, change, actor) {
                    return reply;
                }
            }
            let incidents: Vec<Value> = idx.iter().map(|&i| db.incidents[i].clone()).collect();
            (
                200,
                json!({"incidents": incidents, "limit": incidents.len(), "offset": 0, "more": false, "total": null}),
            )
        }
        ("PUT", ["incidents", id]) => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let Some(change) = body.get("incident") else {
                return bad(&["incident is required"]);
            };
            match db.change(i, change, actor) {
                Ok(()) => (200, json!({"incident": db.incidents[i]})),
                Err(reply) => reply,
            }
        }
        ("PUT", ["incidents", id, "merge"]) => {
            let Some(target) = find_incident(db, id) else {
                return not_found();
            };
            let Some(sources) = body.get("source_incidents").and_then(Value::as_array) else {
                return bad(&["source_incidents is required"]);
            };
            let mut idx = Vec::new();
            for source in sources {
                match find_incident(db, id_of(source)) {
                    Some(i) if i == target => {
                        return bad(&["An incident cannot be merged into itself"]);
                    }
                    Some(i) => idx.push(i),
                    None => return bad(&["Incident not found"]),
                }
            }
            if idx.is_empty() {
                return bad(&["source_incidents cannot be empty"]);
            }
            let target_ref =
                json!({"id": id_of(&db.incidents[target]), "type": "incident_reference"});
            for &i in &idx {
                let source_id = id_of(&db.incidents[i]).to_owned();
                for alert in db
                    .alerts
                    .iter_mut()
                    .filter(|a| id_of(&a["incident"]) == source_id)
                {
                    alert["incident"] = target_ref.clone();
                }
                if str_of(&db.incidents[i], "status") != "resolved"
                    && let Err(reply) = db.change(i, &json!({"status": "resolved"}), actor)
                {
                    return reply;
                }
            }
            let inc = &db.incidents[target];
            (
                200,
                json!({"incident": {
                    "id": id_of(inc),
                    "type": "incident_reference",
                    "summary": inc["summary"],
                    "self": inc["self"],
                    "html_url": inc["html_url"],
                }}),
            )
        }
        ("POST", ["incidents"]) => {
            let Some(spec) = body.get("incident") else {
                return bad(&["incident is required"]);
            };
            match db.create_incident(spec, Some(actor)) {
                Ok(i) => (201, json!({"incident": db.incidents[i]})),
                Err(reply) => reply,
            }
        }
        ("POST", ["incidents", id, "notes"]) => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let content = body["note"]["content"].as_str().unwrap_or_default();
            if content.trim().is_empty() {
                return bad(&["Note content cannot be empty"]);
            }
            let nid = db.next("PNOTE");
            let note = json!({
                "id": nid,
                "user": db.user_ref(actor),
                "channel": {"summary": "The PagerDuty website or APIs"},
                "content": content,
                "created_at": now_s(),
            });
            let iid = id_of(&db.incidents[i]).to_owned();
            db.notes.entry(iid).or_default().push(note.clone());
            let agent = db.user_ref(actor);
            let mut extra = Map::new();
            extra.insert("note".into(), json!(content));
            db.log(i, "annotate_log_entry", agent, "note", extra);
            (200, json!({"note": note}))
        }
        ("POST", ["incidents", id, "responder_requests"]) => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let requester = str_of(body, "requester_id").to_owned();
            if !db.users.iter().any(|u| id_of(u) == requester) {
                return bad(&["Requester not found"]);
            }
            let Some(targets) = body
                .get("responder_request_targets")
                .and_then(Value::as_array)
            else {
                return bad(&["responder_request_targets is required"]);
            };
            let now = now_s();
            let inc_ref = ref_of(&db.incidents[i]);
            let mut out = Vec::new();
            for t in targets {
                let target = &t["responder_request_target"];
                let tid = id_of(target).to_owned();
                let (kind, users) = match str_of(target, "type") {
                    "user_reference" if db.users.iter().any(|u| id_of(u) == tid) => {
                        ("user", vec![tid.clone()])
                    }
                    "escalation_policy_reference"
                        if db.policies.iter().any(|p| id_of(p) == tid) =>
                    {
                        ("escalation_policy", db.oncall_users(&tid, 1))
                    }
                    _ => return bad(&["Responder request target not found"]),
                };
                let responders: Vec<Value> = users
                    .iter()
                    .map(|u| {
                        json!({"state": "pending", "user": db.user_ref(u), "incident": inc_ref,
                               "updated_at": now, "message": body["message"],
                               "requester": db.user_ref(&requester), "requested_at": now})
                    })
                    .collect();
                out.push(json!({"responder_request_target": {"type": kind, "id": tid, "incidents_responders": responders}}));
            }
            let rr = json!({
                "incident": inc_ref,
                "requester": db.user_ref(&requester),
                "requested_at": now,
                "message": body["message"],
                "responder_request_targets": out,
            });
            db.responder_requests.push(rr.clone());
            (200, json!({"responder_request": rr}))
        }
        ("POST", ["maintenance_windows"]) => {
            let w = &body["maintenance_window"];
            let (start, end) = (str_of(w, "start_time"), str_of(w, "end_time"));
            if start.is_empty() || end.is_empty() {
                return bad(&["start_time and end_time are required"]);
            }
            if start.ends_with('Z') && end.ends_with('Z') && end <= start {
                return bad(&["End time must be after start time"]);
            }
            let mut services = Vec::new();
            for s in w["services"].as_array().cloned().unwrap_or_default() {
                match db.services.iter().find(|x| id_of(x) == id_of(&s)) {
                    Some(svc) => services.push(ref_of(svc)),
                    None => return bad(&["Service not found"]),
                }
            }
            if services.is_empty() {
                return bad(&["At least one service is required"]);
            }
            let id = db.next("PMW");
            let description = str_of(w, "description").to_owned();
            let mut window = object("maintenance_window", &id, &description);
            window.insert(
                "sequence_number".into(),
                json!(db.maintenance_windows.len() + 1),
            );
            window.insert("start_time".into(), json!(start));
            window.insert("end_time".into(), json!(end));
            window.insert("description".into(), json!(description));
            window.insert("services".into(), json!(services));
            window.insert("teams".into(), json!([]));
            window.insert("created_by".into(), db.user_ref(actor));
            let window = Value::Object(window);
            db.maintenance_windows.push(window.clone());
            (201, json!({"maintenance_window": window}))
        }
        ("POST", ["incidents", id, "status_updates"]) => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            let message = str_of(body, "message");
            if message.trim().is_empty() {
                return bad(&["message is required"]);
            }
            let update = json!({
                "id": db.next("PSTU"),
                "message": message,
                "sender": db.user_ref(actor),
                "created_at": now_s(),
            });
            db.status_updates
                .push(json!({"incident": id_of(&db.incidents[i]), "status_update": update}));
            (200, json!({"status_update": update}))
        }
        ("POST", ["schedules", id, "overrides"]) => {
            if !db.schedules.iter().any(|s| id_of(s) == *id) {
                return not_found();
            }
            let Some(list) = body.get("overrides").and_then(Value::as_array) else {
                return bad(&["overrides is required"]);
            };
            let mut out = Vec::new();
            for o in list {
                let (start, end) = (str_of(o, "start"), str_of(o, "end"));
                let uid = id_of(&o["user"]);
                let mut created = json!({"start": start, "end": end, "user": db.user_ref(uid)});
                if !db.users.iter().any(|u| id_of(u) == uid) {
                    out.push(
                        json!({"status": 400, "errors": ["User not found"], "override": created}),
                    );
                } else if start.ends_with('Z') && end.ends_with('Z') && end <= start {
                    out.push(json!({"status": 400, "errors": ["Override must end after its start"], "override": created}));
                } else {
                    created["id"] = json!(db.next("QOVR"));
                    db.overrides
                        .entry((*id).to_owned())
                        .or_default()
                        .push(created.clone());
                    out.push(json!({"status": 201, "override": created}));
                }
            }
            (201, Value::Array(out))
        }
        ("POST", ["incident_workflows", id, "instances"]) => {
            let Some(workflow) = db.workflows.iter().find(|w| id_of(w) == *id).cloned() else {
                return not_found();
            };
            let incident_id = body["incident_workflow_instance"]["incident"]["id"]
                .as_str()
                .unwrap_or_default();
            if incident_id.is_empty() {
                return bad(&["incident_workflow_instance.incident.id is required"]);
            }
            let Some(i) = find_incident(db, incident_id) else {
                return bad(&["Incident not found"]);
            };
            if workflow["is_enabled"] == false {
                return bad(&["Incident Workflow is disabled and cannot be started"]);
            }
            let instance = json!({
                "id": db.next("PIWI"),
                "type": "incident_workflow_instance",
                "incident": ref_of(&db.incidents[i]),
            });
            let mut stored = instance.clone();
            stored["incident_workflow"] = ref_of(&workflow);
            db.workflow_instances.push(stored);
            (201, json!({ "incident_workflow_instance": instance }))
        }
        ("POST", ["incidents", id, "snooze"]) => {
            let Some(i) = find_incident(db, id) else {
                return not_found();
            };
            if str_of(&db.incidents[i], "status") != "acknowledged" {
                return bad(&["Incident must be acknowledged to snooze"]);
            }
            let Some(duration) = body.get("duration").and_then(Value::as_i64) else {
                return bad(&["duration is required"]);
            };
            let until = at(now(), duration);
            db.incidents[i]["pending_actions"] = json!([{"type": "unacknowledge", "at": until}]);
            db.incidents[i]["updated_at"] = json!(now_s());
            let agent = db.user_ref(actor);
            let mut extra = Map::new();
            extra.insert(
                "changed_actions".into(),
                json!([{"type": "unacknowledge", "at": until}]),
            );
            db.log(i, "snooze_log_entry", agent, "api", extra);
            (201, json!({"incident": db.incidents[i]}))
        }
        _ => not_found(),
    }
}

fn event_error(message: &str, errors: &[&str]) -> Reply {
    (
        400,
        json!({"status": "invalid event", "message": message, "errors": errors}),
    )
}

fn events(db: &mut Db, method: &str, segs: &[&str], body: Option<&Value>) -> Reply {
    if method != "POST" {
        return (404, json!({"status": "not found", "message": "Not Found"}));
    }
    let Some(body) = body else {
        return event_error("Event object is invalid", &["Body is empty"]);
    };
    let key = str_of(body, "routing_key");
    let Some(service_id) = db.routing_keys.get(key).cloned() else {
        return event_error("Event object is invalid", &["Invalid routing key"]);
    };
    match segs {
        ["v2", "change", "enqueue"] => {
            if str_of(&body["payload"], "summary").is_empty() {
                return event_error(
                    "Event object is invalid",
                    &["'payload.summary' is missing or blank"],
                );
            }
            let mut event = body.clone();
            event["routing_key"] = json!("[redacted]");
            let svc = db
                .services
                .iter()
                .find(|s| id_of(s) == service_id)
                .map(ref_of);
            let p = &body["payload"];
            let change = json!({
                "id": db.next("CHG"),
                "type": "change_event",
                "summary": p["summary"],
                "timestamp": p.get("timestamp").cloned().unwrap_or_else(|| json!(now_s())),
                "source": p.get("source").cloned().unwrap_or(Value::Null),
                "services": [svc],
                "integration": {"id": "PINT001", "type": "inbound_integration_reference"},
                "custom_details": p.get("custom_details").cloned().unwrap_or(json!({})),
                "links": body.get("links").cloned().unwrap_or(json!([])),
            });
            db.change_events.push(change);
            db.events.push(event);
            (
                202,
                json!({"status": "success", "message": "Change event processed"}),
            )
        }
        ["v2", "enqueue"] => {
            let action = str_of(body, "event_action");
            let dedup = str_of(body, "dedup_key").to_owned();
            let mut event = body.clone();
            event["routing_key"] = json!("[redacted]");
            match action {
                "trigger" => {
                    let p = &body["payload"];
                    let severity = str_of(p, "severity");
                    if str_of(p, "summary").is_empty() || str_of(p, "source").is_empty() {
                        return event_error(
                            "Event object is invalid",
                            &["'payload.summary' and 'payload.source' are required"],
                        );
                    }
                    if !["critical", "error", "warning", "info"].contains(&severity) {
                        return event_error(
                            "Event object is invalid",
                            &["'payload.severity' is invalid"],
                        );
                    }
                    let dedup = if dedup.is_empty() {
                        db.next("dedup-")
                    } else {
                        dedup
                    };
                    let open = db.incidents.iter().position(|i| {
                        str_of(i, "incident_key") == dedup
                            && str_of(i, "status") != "resolved"
                            && id_of(&i["service"]) == service_id
                    });
                    let i = match open {
                        Some(i) => i,
                        None => {
                            let urgency = if matches!(severity, "critical" | "error") {
                                "high"
                            } else {
                                "low"
                            };
                            let spec = json!({
                                "title": str_of(p, "summary"),
                                "service": {"id": service_id},
                                "incident_key": dedup,
                                "urgency": urgency,
                            });
                            match db.create_incident(&spec, None) {
                                Ok(i) => i,
                                Err(_) => {
                                    return event_error(
                                        "Event object is invalid",
                                        &["Cannot create incident"],
                                    );
                                }
                            }
                        }
                    };
                    let aid = db.next("PALR");
                    let inc = db.incidents[i].clone();
                    let mut alert = object("alert", &aid, str_of(p, "summary"));
                    alert.insert("created_at".into(), json!(now_s()));
                    alert.insert("status".into(), json!("triggered"));
                    alert.insert("alert_key".into(), json!(dedup));
                    alert.insert("service".into(), inc["service"].clone());
                    alert.insert("incident".into(), ref_of(&inc));
                    alert.insert("suppressed".into(), json!(false));
                    alert.insert("severity".into(), json!(severity));
                    alert.insert(
                        "body".into(),
                        json!({"type": "alert_body", "contexts": [], "details": p.get("custom_details").cloned().unwrap_or(Value::Null)}),
                    );
                    db.alerts.push(Value::Object(alert));
                    let counts = &mut db.incidents[i]["alert_counts"];
                    let all = counts["all"].as_u64().unwrap_or(0) + 1;
                    let trig = counts["triggered"].as_u64().unwrap_or(0) + 1;
                    *counts = json!({"all": all, "triggered": trig, "resolved": all - trig});
                    db.events.push(event);
                    (
                        202,
                        json!({"status": "success", "message": "Event processed", "dedup_key": dedup}),
                    )
                }
                "acknowledge" | "resolve" => {
                    if dedup.is_empty() {
                        return event_error(
                            "Event object is invalid",
                            &["'dedup_key' is required"],
                        );
                    }
                    let open = db.incidents.iter().position(|i| {
                        str_of(i, "incident_key") == dedup
                            && str_of(i, "status") != "resolved"
                            && id_of(&i["service"]) == service_id
                    });
                    if let Some(i) = open {
                        let status = if action == "resolve" {
                            "resolved"
                        } else {
                            "acknowledged"
                        };
                        let svc_ref = db.incidents[i]["service"].clone();
                        let inc = &mut db.incidents[i];
                        inc["status"] = json!(status);
                        inc["last_status_change_at"] = json!(now_s());
                        inc["last_status_change_by"] = svc_ref.clone();
                        if status == "resolved" {
                            inc["resolved_at"] = json!(now_s());
                            inc["assignments"] = json!([]);
                        }
                        let kind = format!("{}_log_entry", action);
                        db.log(i, &kind, svc_ref, "api", Map::new());
                    }
                    db.events.push(event);
                    (
                        202,
                        json!({"status": "success", "message": "Event processed", "dedup_key": dedup}),
                    )
                }
                _ => event_error("Event object is invalid", &["'event_action' is invalid"]),
            }
        }
        _ => (404, json!({"status": "not found", "message": "Not Found"})),
    }
}

/// Seconds between two RFC 3339 times.
fn seconds_between(from: &str, to: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let from = time::OffsetDateTime::parse(from, &Rfc3339).ok()?;
    let to = time::OffsetDateTime::parse(to, &Rfc3339).ok()?;
    Some((to - from).whole_seconds())
}

fn mean(values: &[i64]) -> Value {
    if values.is_empty() {
        Value::Null
    } else {
        json!(values.iter().sum::<i64>() / values.len() as i64)
    }
}

/// `POST /analytics/metrics/incidents/{all|services|teams}`: metrics of the incidents
/// created in the filter's range, for the whole account or per service or team.
fn analytics(db: &Db, scope: &[&str], body: Option<&Value>) -> Reply {
    let empty = Value::Null;
    let body = body.unwrap_or(&empty);
    let filters = &body["filters"];
    let (Some(start), Some(end)) = (
        filters["created_at_start"].as_str(),
        filters["created_at_end"].as_str(),
    ) else {
        return bad(&["filters.created_at_start and filters.created_at_end are required"]);
    };
    let ids = |key: &str| -> Vec<&str> {
        filters[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    };
    let (services, teams) = (ids("service_ids"), ids("team_ids"));
    let urgency = filters["urgency"].as_str();
    let incidents: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|i| str_of(i, "created_at") >= start && str_of(i, "created_at") < end)
        .filter(|i| services.is_empty() || services.contains(&id_of(&i["service"])))
        .filter(|i| teams.is_empty() || has_ref(i, "teams", &teams))
        .filter(|i| urgency.is_none_or(|u| str_of(i, "urgency") == u))
        .collect();
    let group = match scope {
        ["all"] => None,
        ["services"] => Some("service"),
        ["teams"] => Some("team"),
        _ => return not_found(),
    };
    let mut groups: Vec<(Option<Value>, Vec<&Value>)> = Vec::new();
    for inc in incidents {
        let keys: Vec<Option<Value>> = match group {
            None => vec![None],
            Some("service") => vec![Some(inc["service"].clone())],
            Some(_) => inc["teams"]
                .as_array()
                .into_iter()
                .flatten()
                .cloned()
                .map(Some)
                .collect(),
        };
        for key in keys {
            match groups
                .iter_mut()
                .find(|(k, _)| k.as_ref().map(id_of) == key.as_ref().map(id_of))
            {
                Some((_, list)) => list.push(inc),
                None => groups.push((key, vec![inc])),
            }
        }
    }
    let data: Vec<Value> = groups
        .into_iter()
        .map(|(key, list)| {
            let resolve: Vec<i64> = list
                .iter()
                .filter_map(|i| {
                    seconds_between(str_of(i, "created_at"), i["resolved_at"].as_str()?)
                })
                .collect();
            let ack: Vec<i64> = list
                .iter()
                .filter_map(|i| {
                    seconds_between(
                        str_of(i, "created_at"),
                        i["acknowledgements"][0]["at"].as_str()?,
                    )
                })
                .collect();
            let mut row = json!({
                "total_incident_count": list.len(),
                "total_incidents_acknowledged": ack.len(),
                "mean_seconds_to_resolve": mean(&resolve),
                "mean_seconds_to_first_ack": mean(&ack),
                "total_escalation_count": 0,
                "total_interruptions": list.len(),
            });
            if let Some(key) = key {
                let prefix = group.unwrap_or_default();
                row[format!("{prefix}_id")] = json!(id_of(&key));
                row[format!("{prefix}_name")] = key["summary"].clone();
            }
            row
        })
        .collect();
    (
        200,
        json!({
            "data": data,
            "filters": filters,
            "aggregate_unit": body.get("aggregate_unit").cloned().unwrap_or(Value::Null),
            "time_zone": body.get("time_zone").cloned().unwrap_or(json!("Etc/UTC")),
        }),
    )
}
