//! The sandbox's own endpoints under `/_sandbox/` (not PagerDuty's): the state, saving
//! it, latency and faults, switched while it runs.
//!
//! | request | effect |
//! |---|---|
//! | `GET /_sandbox/state` | the state (the JSON a state file holds) |
//! | `POST /_sandbox/save` | writes the state to the `--save` file, if any; answers it |
//! | `PUT /_sandbox/latency` `{"ms": 250}` | delays every response by that much (0: none) |
//! | `POST /_sandbox/faults` `{"fault": "rate-limit:3@/incidents"}` | injects a fault ([`FaultSpec`]) |
//! | `DELETE /_sandbox/faults` | removes every fault |
//!
//! Admin requests are not recorded and no fault applies to them.

use std::time::Duration;

use axum::http::Method;
use serde_json::{Value, json};

use super::spec::FaultSpec;
use super::{FaultRule, Shared, error_body, state};

/// The answer to an admin request: status and JSON.
pub(super) fn handle(
    inner: &Shared,
    method: &Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let bad = |message: String| (400, error_body("Invalid Input Provided", 2001, &[&message]));
    match (method.as_str(), path) {
        ("GET", "/_sandbox/state") => (200, state::to_json(&inner.db())),
        ("POST", "/_sandbox/save") => {
            let snapshot = state::to_json(&inner.db());
            let path = inner.lock().options.save_path.clone();
            match path {
                Some(path) => match state::write(&path, &snapshot) {
                    Ok(()) => (
                        200,
                        json!({"saved": path.display().to_string(), "state": snapshot}),
                    ),
                    Err(e) => (500, error_body("Internal Server Error", 2000, &[&e])),
                },
                None => (200, json!({"saved": null, "state": snapshot})),
            }
        }
        ("PUT" | "POST", "/_sandbox/latency") => match body.and_then(|b| b["ms"].as_u64()) {
            Some(ms) => {
                inner.lock().options.latency = Duration::from_millis(ms);
                (200, json!({"latency_ms": ms}))
            }
            None => bad("the body must be {\"ms\": <milliseconds>}".to_owned()),
        },
        ("POST", "/_sandbox/faults") => {
            let Some(text) = body.and_then(|b| b["fault"].as_str()) else {
                return bad("the body must be {\"fault\": \"KIND[:TIMES][@PATH]\"}".to_owned());
            };
            match text.parse::<FaultSpec>() {
                Ok(spec) => {
                    let mut guard = inner.lock();
                    guard
                        .faults
                        .push(FaultRule::new(spec.fault, spec.path_prefix));
                    (200, json!({"faults": guard.faults.len()}))
                }
                Err(e) => bad(e),
            }
        }
        ("DELETE", "/_sandbox/faults") => {
            inner.lock().faults.clear();
            (200, json!({"faults": 0}))
        }
        _ => (
            404,
            error_body(
                "Not Found",
                2100,
                &[
                    "unknown sandbox endpoint; see /_sandbox/state, /_sandbox/save, /_sandbox/latency, /_sandbox/faults",
                ],
            ),
        ),
    }
}
