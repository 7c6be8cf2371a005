//! `arcade-bench pagerduty`: listing every incident of the fake PagerDuty, ours vs a peer.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Error, Opts, quantile, sorted};

pub(crate) fn pagerduty(args: &[String]) -> Result<Value, Error> {
    use tools_pagerduty::client::{Credential, PagerDutyClient, Query, RateLimit};
    use tools_pagerduty::sandbox::Sandbox;
    let opts = Opts::parse(args)?;
    let extra = opts.num("incidents", 5000)?;
    let latency = Duration::from_millis(opts.num("latency-ms", 20)?);
    let limit = opts.num("rate-limit", 25)?;
    let window = Duration::from_millis(opts.num("rate-window-ms", 100)?);
    let runs = opts.num("runs", 5)?.max(1);
    let concurrency = opts.num("concurrency", 4)? as usize;
    // Our client's own pacing, per the same window (0: none, only 429s are handled).
    let client_limit = opts.num("client-rate-limit", 0)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let sandbox = rt.block_on(
        Sandbox::builder()
            .extra_incidents(extra as usize)
            .latency(latency)
            .rate_limit(limit as u32, window)
            .start(),
    );
    let url = sandbox.base_url();
    // `extra` incidents on top of the 30 seeded ones.
    let expected = extra + 30;
    let settle = || std::thread::sleep(window + Duration::from_millis(50));
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    let (mut ours_429, mut peer_429) = (0, 0);
    let mut ours_requests = 0;
    for _ in 0..runs {
        settle();
        let before = sandbox.rate_limit_violations();
        let requests_before = sandbox.requests().len();
        let t = Instant::now();
        let all = rt.block_on(async {
            let builder = PagerDutyClient::builder()
                .base_url(url.parse()?)
                .page_concurrency(concurrency);
            let builder = match client_limit {
                0 => builder.no_rate_limit(),
                n => builder.rate_limit(RateLimit::new(n as u32, window)),
            };
            let session = builder
                .build()?
                .session(Credential::oauth("bench-token"), None);
            session
                .get_all("/incidents", "incidents", &Query::new(), 10_000)
                .await
                .map_err(|e| Error::from(e.to_string()))
        })?;
        ours.push(t.elapsed().as_secs_f64());
        ours_429 += sandbox.rate_limit_violations() - before;
        ours_requests = sandbox.requests().len() - requests_before;
        if all.items.len() as u64 != expected {
            return Err(format!("ours listed {} of {expected}", all.items.len()).into());
        }
        if !opts.rest.is_empty() {
            settle();
            let before = sandbox.rate_limit_violations();
            let out = Command::new(&opts.rest[0])
                .args(&opts.rest[1..])
                .arg(&url)
                .stderr(Stdio::inherit())
                .output()?;
            if !out.status.success() {
                return Err(format!("the peer failed: {}", out.status).into());
            }
            let v: Value = serde_json::from_slice(&out.stdout)?;
            if v["count"].as_u64() != Some(expected) {
                return Err(format!("the peer listed {} of {expected}", v["count"]).into());
            }
            peer.push(v["secs"].as_f64().ok_or("the peer printed no secs")?);
            peer_429 += sandbox.rate_limit_violations() - before;
        }
        sandbox.clear_requests();
    }
    let side = |xs: Vec<f64>, violations: u64| {
        let xs = sorted(xs);
        json!({
            "list_ms_median": quantile(&xs, 0.5) * 1e3,
            "list_ms_p99": quantile(&xs, 0.99) * 1e3,
            "runs_ms": xs.iter().map(|x| (x * 1e4).round() / 10.0).collect::<Vec<_>>(),
            "rate_limit_429s": violations,
        })
    };
    let mut ours = side(ours, ours_429);
    ours["requests_per_listing"] = json!(ours_requests);
    ours["page_concurrency"] = json!(concurrency);
    ours["client_rate_limit"] = json!(client_limit);
    Ok(json!({
        "incidents": expected,
        "latency_ms": latency.as_millis() as u64,
        "rate_limit": format!("{limit} requests per rolling {} ms", window.as_millis()),
        "ours": ours,
        "python": if peer.is_empty() { Value::Null } else { side(peer, peer_429) },
    }))
}
