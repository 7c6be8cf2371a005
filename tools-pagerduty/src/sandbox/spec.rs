//! [`Fault`]s written as text, for the standalone sandbox's `--fault` flag and its
//! admin endpoint: `KIND[:TIMES][@PATH_PREFIX]`.

use std::str::FromStr;

use super::Fault;

/// A fault and the paths it applies to, parsed from `KIND[:TIMES][@PATH_PREFIX]`.
///
/// `KIND` is `rate-limit` (429 with `ratelimit-reset: 1`), `server-error` (500),
/// `unavailable` (503), `unauthorized` (401), `forbidden` (403), `not-found` (404),
/// `payment-required` (402), `malformed` (a 200 that is not JSON) or `slow=MS`
/// (answer after MS milliseconds). `TIMES` is how many requests get it (default: every
/// one); `PATH_PREFIX` limits it to paths that start with it.
///
/// ```
/// use tools_pagerduty::sandbox::{Fault, FaultSpec};
/// let spec: FaultSpec = "rate-limit:2@/incidents".parse().unwrap();
/// assert_eq!(spec.fault, Fault::RateLimit { times: 2, reset_secs: 1 });
/// assert_eq!(spec.path_prefix.as_deref(), Some("/incidents"));
/// assert!("explode".parse::<FaultSpec>().unwrap_err().contains("rate-limit"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FaultSpec {
    /// The fault.
    pub fault: Fault,
    /// The paths it applies to (all when `None`).
    pub path_prefix: Option<String>,
}

const KINDS: &str = "rate-limit, server-error, unavailable, unauthorized, forbidden, not-found, payment-required, malformed, slow=MS";

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (rest, path_prefix) = match text.split_once('@') {
            Some((rest, path)) if path.starts_with('/') => (rest, Some(path.to_owned())),
            Some((_, path)) => {
                return Err(format!(
                    "the path of a fault must start with `/`, not `{path}`"
                ));
            }
            None => (text, None),
        };
        let (kind, times) = match rest.split_once(':') {
            Some((kind, times)) => {
                let times = times
                    .parse::<u32>()
                    .ok()
                    .filter(|t| *t > 0)
                    .ok_or_else(|| {
                        format!("the count of a fault must be a positive number, not `{times}`")
                    })?;
                (kind, times)
            }
            None => (rest, u32::MAX),
        };
        let with_times = |fault: Fault| match fault {
            Fault::Status {
                status,
                message,
                code,
                ..
            } => Fault::Status {
                times,
                status,
                message,
                code,
            },
            other => other,
        };
        let fault = match kind {
            "rate-limit" => Fault::RateLimit {
                times,
                reset_secs: 1,
            },
            "server-error" => Fault::ServerError { times, status: 500 },
            "unavailable" => Fault::ServerError { times, status: 503 },
            "unauthorized" => with_times(Fault::unauthorized()),
            "forbidden" => with_times(Fault::forbidden()),
            "not-found" => with_times(Fault::not_found()),
            "payment-required" => with_times(Fault::payment_required()),
            "malformed" => Fault::Malformed { times },
            other => match other.strip_prefix("slow=") {
                Some(ms) => Fault::Slow {
                    times,
                    delay_ms: ms.parse().map_err(|_| {
                        format!("`slow=MS` needs a number of milliseconds, not `{ms}`")
                    })?,
                },
                None => return Err(format!("unknown fault `{other}`; the faults are {KINDS}")),
            },
        };
        Ok(Self { fault, path_prefix })
    }
}
