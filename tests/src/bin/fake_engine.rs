//! Test-only: the fake Arcade Engine (`arcade_tdk::testing::FakeEngine`) as a process, for
//! scripts that run a toolkit binary against it (`scripts/mcp-interop.sh`'s front-door
//! check). Every authorization completes; `USER=TOKEN` arguments give those users their
//! own token (others get the default one).
//!
//!   fake_engine API_KEY [USER=TOKEN ...]
//!
//! Prints `ready URL` on stdout, then serves until killed. Each authorization request is
//! printed as a line `authorize USER_ID REQUIREMENT_JSON` on stdout.

use std::collections::HashSet;
use std::io::Write;
use std::time::Duration;

use arcade_tdk::client::AuthorizationStatus;
use arcade_tdk::testing::FakeEngine;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(serve());
}

async fn serve() {
    let mut args = std::env::args().skip(1);
    let Some(api_key) = args.next() else {
        eprintln!("usage: fake_engine API_KEY [USER=TOKEN ...]");
        std::process::exit(2);
    };
    let engine = FakeEngine::start_with(&api_key, "fake-engine-default-token").await;
    engine.set_status(AuthorizationStatus::Completed);
    for pair in args {
        let Some((user, token)) = pair.split_once('=') else {
            eprintln!("fake_engine: expected USER=TOKEN, got {pair:?}");
            std::process::exit(2);
        };
        engine.set_token_for(user, token);
    }
    println!("ready {}", engine.url());
    std::io::stdout().flush().ok();
    // Report each authorization request once, as it arrives.
    let mut seen = HashSet::new();
    loop {
        for (i, request) in engine.requests().iter().enumerate() {
            if request.path == "/v1/auth/authorize" && seen.insert(i) {
                let user = request.body["user_id"].as_str().unwrap_or("?");
                println!("authorize {user} {}", request.body["auth_requirement"]);
                std::io::stdout().flush().ok();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
