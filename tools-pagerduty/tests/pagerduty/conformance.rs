//! Spec conformance: every request the tools send (method, path template, query
//! parameter names with their `[]` suffixes and their values against the parameters'
//! schemas, required headers such as `From`) exists in PagerDuty's REST OpenAPI, every
//! status the sandbox answers is one the operation documents, and the answers match the
//! operations' response schemas. The fixture is extracted from the OpenAPI by
//! `tests/fixtures/extract_openapi.py`, and names the document (version, sha256) it came
//! from.

mod scenario;

use scenario::scenario;
use serde_json::Value;
use std::collections::BTreeMap;
use tools_pagerduty::sandbox::Sandbox;

/// Fields PagerDuty really sends as `null` although the OpenAPI does not mark them
/// nullable: an open incident (no priority, resolve reason, resolved_at), a permanent
/// on-call (no schedule, start or end), and a service that never had an incident.
const SPEC_ERRATA: &[&str] = &[
    "/last_incident_timestamp",
    "/priority",
    "/resolve_reason",
    "/resolved_at",
    "/schedule",
    "/start",
    "/end",
];

/// Statuses the sandbox answers although the operation does not document them, with
/// the reason for each: `(operation, status, reason)`. Empty: every status the scenario
/// sees is documented.
const UNDOCUMENTED_STATUSES: &[(&str, u16, &str)] = &[];

/// The whole fixture: `source` (the documents it was extracted from) and `operations`.
fn fixture() -> Value {
    serde_json::from_str(include_str!("../fixtures/pagerduty-operations.json")).unwrap()
}

/// The operations, keyed by `METHOD /path/{template}`.
fn spec() -> Value {
    fixture()["operations"].take()
}

/// Whether the operation documents `status` (exactly, or through a `5XX` pattern).
fn documents_status(op: &Value, status: u16) -> bool {
    let class = format!("{}XX", status / 100);
    op["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .any(|s| s == status.to_string() || s == class)
}

/// A query value as the JSON its schema describes (the wire only carries strings).
fn typed(value: &str, schema: &Value) -> Value {
    let ty = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .find_map(|t| t.as_str().filter(|t| *t != "null")),
        ty => ty.as_str(),
    };
    let parsed = match ty {
        Some("integer") => value.parse::<i64>().ok().map(Value::from),
        Some("number") => value.parse::<f64>().ok().map(Value::from),
        Some("boolean") => value.parse::<bool>().ok().map(Value::from),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(value.to_owned()))
}

/// `instance` against `schema` (formats such as `date-time` included).
fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("bad parameter schema {schema}: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect()
}

/// Checks every query parameter of a request: its name is in the spec, an array
/// parameter is sent in form style (repeated `key[]=` pairs, or `key=a,b` where the spec
/// says `explode: false`), a scalar one at most once, and the values match the
/// parameter's schema (type, enum, format, bounds, unique items).
fn query_problems(key: &str, params: &[Value], query: &[(String, String)]) -> Vec<String> {
    let mut grouped: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in query {
        grouped.entry(name).or_default().push(value);
    }
    let mut problems = Vec::new();
    for (name, values) in grouped {
        let Some(param) = params
            .iter()
            .find(|p| p["in"] == "query" && p["name"] == name)
        else {
            problems.push(format!(
                "{key}: query parameter `{name}` is not in the spec"
            ));
            continue;
        };
        let schema = &param["schema"];
        let mut errors = Vec::new();
        if schema["type"] == "array" {
            // Form style: exploded is `key[]=a&key[]=b`, unexploded `key=a,b`.
            let exploded = param["explode"] != false;
            if exploded != name.ends_with("[]") || (!exploded && values.len() > 1) {
                errors.push(format!(
                    "the array is not sent in form style (explode: {exploded})"
                ));
            }
            let items: Vec<Value> = values
                .iter()
                .flat_map(|v| {
                    if exploded {
                        vec![*v]
                    } else {
                        v.split(',').collect()
                    }
                })
                .map(|v| typed(v, &schema["items"]))
                .collect();
            errors.extend(schema_errors(schema, &Value::Array(items)));
        } else if name.ends_with("[]") {
            // The spec types some `[]` parameters (`urgencies[]`) by their items.
            for value in &values {
                errors.extend(schema_errors(schema, &typed(value, schema)));
            }
        } else {
            if values.len() > 1 {
                errors.push(format!("a scalar is sent {} times", values.len()));
            }
            for value in &values {
                errors.extend(schema_errors(schema, &typed(value, schema)));
            }
        }
        for e in errors {
            problems.push(format!(
                "{key}: query parameter `{name}` = {values:?} does not match the spec: {e}"
            ));
        }
    }
    problems
}

fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

#[tokio::test]
async fn every_request_is_in_the_openapi_and_every_answer_matches_it() {
    let sb = Sandbox::start().await;
    scenario(&sb).await;
    let spec = spec();
    let ops = spec.as_object().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    let mut validated = 0;
    let mut requests_validated = 0;
    for req in sb.requests() {
        if req.path.starts_with("/v2/") {
            // Events API v2: the routing key is the credential, never a header.
            assert!(req.header("authorization").is_none());
        }
        let Some((key, op)) = ops.iter().find(|(k, _)| {
            let (m, t) = k.split_once(' ').unwrap();
            m == req.method && matches_template(t, &req.path)
        }) else {
            problems.push(format!("{} {}: no such operation", req.method, req.path));
            continue;
        };
        seen.insert(key.clone());
        let params = op["parameters"].as_array().unwrap();
        problems.extend(query_problems(key, params, &req.query));
        let status = req.response_status;
        if !documents_status(op, status)
            && !UNDOCUMENTED_STATUSES
                .iter()
                .any(|(k, s, _)| k == key && *s == status)
        {
            problems.push(format!(
                "{key}: sandbox answered {status}, which the OpenAPI does not document (it lists {})",
                op["statuses"]
            ));
        }
        for p in params
            .iter()
            .filter(|p| p["in"] == "header" && p["required"] == true)
        {
            let name = p["name"].as_str().unwrap();
            if req.header(name).is_none() {
                problems.push(format!("{key}: required header `{name}` missing"));
            }
        }
        if !req.path.starts_with("/v2/")
            && req.header("accept") != Some("application/vnd.pagerduty+json;version=2")
        {
            problems.push(format!("{key}: wrong Accept"));
        }
        match (op["request"].is_object(), &req.body) {
            (true, Some(body)) => {
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft4)
                    .build(&op["request"])
                    .unwrap_or_else(|e| panic!("{key}: bad request schema: {e}"));
                for e in validator.iter_errors(body).take(3) {
                    problems.push(format!(
                        "{key}: request body does not match the schema at {}: {e}",
                        e.instance_path()
                    ));
                }
                requests_validated += 1;
            }
            (true, None) => problems.push(format!("{key}: request without a body")),
            (false, Some(_)) => problems.push(format!("{key}: unexpected request body")),
            (false, None) => {}
        }
        if let (Some(resp), Some(body)) = (op["response"].as_object(), &req.response_body())
            && req.response_status == resp["status"].as_u64().unwrap() as u16
        {
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&resp["schema"])
                .unwrap_or_else(|e| panic!("{key}: bad schema: {e}"));
            for e in validator.iter_errors(body).take(3) {
                let at = e.instance_path().to_string();
                if body.pointer(&at).is_some_and(Value::is_null)
                    && SPEC_ERRATA.iter().any(|f| at.ends_with(f))
                {
                    continue;
                }
                // `include[]` expands references into full objects, which the
                // OpenAPI does not model.
                if req.query.iter().any(|(k, _)| k == "include[]")
                    && (at.contains("/contact_methods/") || at.contains("/notification_rules/"))
                {
                    continue;
                }
                problems.push(format!(
                    "{key}: response does not match the schema at {}: {e}",
                    e.instance_path()
                ));
            }
            validated += 1;
        } else if !(200..300).contains(&req.response_status) {
            problems.push(format!("{key}: sandbox answered {}", req.response_status));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every operation in the fixture was exercised.
    let missing: Vec<&String> = ops.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing.iter().all(|k| k.as_str() == "GET /users/{id}"),
        "not exercised: {missing:?}"
    );
    assert!(validated > 20);
    assert!(
        requests_validated >= 12,
        "{requests_validated} request bodies validated"
    );
}

#[test]
fn fixture_scopes_match_tool_requirements() {
    // Reads use operations whose Scoped-OAuth scope ends in `.read`, writes `.write`.
    let spec = spec();
    for (key, op) in spec.as_object().unwrap() {
        if key.contains(" /v2/") {
            continue; // Events API: authorized by the routing key.
        }
        let scope = op["scope"].as_str().unwrap_or("");
        let (method, path) = key.split_once(' ').unwrap();
        if path.starts_with("/v3/") {
            // The v3 schedules API has no scope in the spec; the client names
            // PagerDuty's schedule scopes for it (in 403 messages).
            assert!(op["scope"].is_null(), "{key}: {scope}");
            let expected = if method == "GET" {
                "schedules.read"
            } else {
                "schedules.write"
            };
            assert_eq!(
                tools_pagerduty::client::required_scope(method, path),
                Some(expected),
                "{key}"
            );
            continue;
        }
        if method == "GET" {
            assert!(
                scope.is_empty() || scope.ends_with(".read"),
                "{key}: {scope}"
            );
        } else {
            assert!(scope.ends_with(".write"), "{key}: {scope}");
        }
        if !scope.is_empty() {
            assert_eq!(
                tools_pagerduty::client::required_scope(method, path),
                Some(scope),
                "{key}"
            );
        }
    }
}

/// The reference folder (`../shared/reference/pagerduty` beside the clone), or the one
/// `PAGERDUTY_REFERENCE_DIR` names.
fn reference_dir() -> std::path::PathBuf {
    std::env::var_os("PAGERDUTY_REFERENCE_DIR").map_or_else(
        || {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/reference/pagerduty")
        },
        Into::into,
    )
}

#[test]
fn fixture_names_the_openapi_it_was_extracted_from() {
    let source = fixture()["source"].take();
    let rest = &source["rest"];
    assert_eq!(rest["file"], "rest-openapiv3.json");
    assert_eq!(rest["version"], "2.0.0");
    assert_eq!(rest["upstream"]["repository"], "PagerDuty/api-schema");
    assert_eq!(rest["upstream"]["commit"], "91a06fb");
    assert_eq!(source["events"]["file"], "events-v2-openapiv3.json");
    assert_eq!(source["events"]["version"], "2.0");
    let dir = reference_dir();
    for doc in ["rest", "events"] {
        let file = dir.join(source[doc]["file"].as_str().unwrap());
        let Ok(bytes) = std::fs::read(&file) else {
            eprintln!(
                "note: {} is absent, the fixture's {doc} hash is not checked",
                file.display()
            );
            continue;
        };
        let digest = sha256_hex(&bytes);
        assert_eq!(
            source[doc]["sha256"].as_str(),
            Some(digest.as_str()),
            "{} changed: regenerate the fixture with extract_openapi.py",
            file.display()
        );
        let parsed: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(parsed["info"]["version"], source[doc]["version"], "{doc}");
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_query_and_status_checks_reject_what_the_spec_does_not_allow() {
    let spec = spec();
    let check = |key: &str, pairs: &[(&str, &str)]| {
        let query: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        query_problems(key, spec[key]["parameters"].as_array().unwrap(), &query)
    };
    assert_eq!(
        check(
            "GET /incidents",
            &[
                ("statuses[]", "triggered"),
                ("statuses[]", "acknowledged"),
                ("urgencies[]", "high"),
                ("service_ids[]", "PSVC001"),
                ("service_ids[]", "PSVC002"),
                ("limit", "10"),
                ("total", "true"),
                ("sort_by", "created_at:desc,urgency:asc"),
            ]
        ),
        Vec::<String>::new()
    );
    let incidents = "GET /incidents";
    for (key, pairs, expected) in [
        (
            incidents,
            &[("statuses[]", "open")][..],
            "`statuses[]` = [\"open\"] does not match the spec: \"open\" is not one of",
        ),
        (
            incidents,
            &[("urgencies[]", "medium")][..],
            "`urgencies[]` = [\"medium\"] does not match the spec: \"medium\" is not one of",
        ),
        (
            incidents,
            &[("limit", "ten")][..],
            "`limit` = [\"ten\"] does not match the spec: \"ten\" is not of type \"integer\"",
        ),
        (
            incidents,
            &[("total", "yes")][..],
            "`total` = [\"yes\"] does not match the spec: \"yes\" is not of type \"boolean\"",
        ),
        (
            incidents,
            &[("limit", "1"), ("limit", "2")][..],
            "`limit` = [\"1\", \"2\"] does not match the spec: a scalar is sent 2 times",
        ),
        (
            incidents,
            &[("sort_by", "a,b,c")][..],
            "`sort_by` = [\"a,b,c\"] does not match the spec: [\"a\",\"b\",\"c\"] has more than 2 items",
        ),
        (
            incidents,
            &[("sort_by", "a"), ("sort_by", "b")][..],
            "`sort_by` = [\"a\", \"b\"] does not match the spec: the array is not sent in form style (explode: false)",
        ),
        (
            incidents,
            &[("service_ids[]", "PSVC001"), ("service_ids[]", "PSVC001")][..],
            "`service_ids[]` = [\"PSVC001\", \"PSVC001\"] does not match the spec: [\"PSVC001\",\"PSVC001\"] has non-unique elements",
        ),
        (
            incidents,
            &[("sort_by[]", "created_at")][..],
            "`sort_by[]` is not in the spec",
        ),
        (
            "GET /oncalls",
            &[("since", "yesterday")][..],
            "`since` = [\"yesterday\"] does not match the spec: \"yesterday\" is not a \"date-time\"",
        ),
    ] {
        let problems = check(key, pairs);
        assert_eq!(problems.len(), 1, "{pairs:?}: {problems:?}");
        assert!(
            problems[0].starts_with(&format!("{key}: query parameter {expected}")),
            "{pairs:?}: {}",
            problems[0]
        );
    }
    let op = &spec[incidents];
    assert!(documents_status(op, 200));
    assert!(documents_status(op, 429));
    assert!(!documents_status(op, 201));
    assert!(!documents_status(op, 500), "GET /incidents lists no 5XX");
    assert!(documents_status(&spec["POST /v2/enqueue"], 503), "`5XX`");
}

/// The seeded IDs the library reads are asked with, by path parameter.
fn seeded_path(template: &str) -> String {
    template
        .replace("/status_pages/{id}", "/status_pages/PSTP001")
        .replace("{severity_id}", "PSTP001SEV0")
        .replace("{impact_id}", "PSTP001IMP0")
        .replace("{status_id}", "PSTP001STA0")
        .replace("{post_id}", "PSPP001")
        .replace("{post_update_id}", "PSPU00")
        .replace(
            "/event_orchestrations/{id}",
            "/event_orchestrations/PORC001",
        )
        .replace("{service_id}", "PSVC001")
        .replace("/business_services/{id}", "/business_services/PBSV001")
        .replace(
            "/alert_grouping_settings/{id}",
            "/alert_grouping_settings/PAGS001",
        )
        .replace(
            "/webhook_subscriptions/{id}",
            "/webhook_subscriptions/PWHS001",
        )
        .replace("/extension_schemas/{id}", "/extension_schemas/PEXS001")
        .replace("/v3/schedules/{id}", "/v3/schedules/PSHS001")
        .replace("{rotation_id}", "PSHR001D")
        .replace("{custom_shift_id}", "PSCS001")
        .replace("{override_id}", "PSOV001")
}

#[tokio::test]
async fn the_read_endpoints_client_libraries_use_answer_as_the_openapi_says() {
    let sb = Sandbox::start().await;
    let library = fixture()["library_reads"].take();
    let ops = library.as_object().unwrap();
    assert!(ops.len() >= 16, "{}", ops.len());
    let http = reqwest::Client::new();
    let mut problems = Vec::new();
    for (key, op) in ops {
        let (method, template) = key.split_once(' ').unwrap();
        assert_eq!(method, "GET", "{key}");
        let path = seeded_path(template);
        assert!(!path.contains('{'), "{key}: no seeded ID for {path}");
        let answer = http
            .get(format!("{}{path}", sb.base_url()))
            .header("authorization", "Token token=lib")
            .header("accept", "application/vnd.pagerduty+json;version=2")
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap();
        if status != op["response"]["status"].as_u64().unwrap() as u16 {
            problems.push(format!("{key}: {path} answered {status}: {body}"));
            continue;
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&op["response"]["schema"])
            .unwrap_or_else(|e| panic!("{key}: bad schema: {e}"));
        for e in validator.iter_errors(&body).take(3) {
            problems.push(format!(
                "{key}: response does not match the schema at {}: {e}",
                e.instance_path()
            ));
        }
        // An unknown ID is a 404 the operation documents.
        if !template.ends_with('}') {
            continue;
        }
        let missing = format!("{}/PNOPE99", path.rsplit_once('/').unwrap().0);
        let answer = http
            .get(format!("{}{missing}", sb.base_url()))
            .header("authorization", "Token token=lib")
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        if !documents_status(op, status) {
            problems.push(format!("{key}: {missing} answered {status}, undocumented"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
