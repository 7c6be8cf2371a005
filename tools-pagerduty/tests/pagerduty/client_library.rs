//! PagerDuty's own Python client library (PyPI `pagerduty`) against the sandbox: list
//! and get for every area the toolkit covers (`scripts/pagerduty_python_client.py`).
//! The library is installed by `scripts/pagerduty-python-client.sh` into
//! `.cache/pd-client/venv` (or `$PAGERDUTY_PY_CACHE/venv`); without that venv the test
//! says so and checks nothing, unless `REQUIRE_PAGERDUTY_PY=1` (CI sets it, after
//! running the script), when a missing venv fails it.

use std::path::PathBuf;

use tools_pagerduty::sandbox::Sandbox;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> Option<PathBuf> {
    let cache = std::env::var_os("PAGERDUTY_PY_CACHE")
        .map_or_else(|| root().join(".cache/pd-client"), PathBuf::from);
    let python = cache.join("venv/bin/python");
    python.exists().then_some(python)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_client_lists_and_gets_every_area_from_the_sandbox() {
    let Some(python) = python() else {
        assert!(
            std::env::var("REQUIRE_PAGERDUTY_PY").as_deref() != Ok("1"),
            "REQUIRE_PAGERDUTY_PY=1 but no `pagerduty` venv: run scripts/pagerduty-python-client.sh"
        );
        eprintln!(
            "note: no `pagerduty` venv; run scripts/pagerduty-python-client.sh once to install it"
        );
        return;
    };
    let sb = Sandbox::start().await;
    let script = root().join("scripts/pagerduty_python_client.py");
    let base = sb.base_url();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(&base)
            .arg("sandbox-user-PUSR001")
            .output()
    })
    .await
    .unwrap()
    .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        out.status.success() && last.ends_with(" passed, 0 failed"),
        "{stdout}\n{stderr}"
    );
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 25, "{last}");
    // The library paged: several requests for one list.
    let pages = sb
        .requests()
        .iter()
        .filter(|r| r.path == "/event_orchestrations")
        .count();
    assert!(pages >= 3, "{pages} pages of event orchestrations");
}
