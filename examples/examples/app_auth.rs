//! "Using PagerDuty auth in app code", in Rust: get a PagerDuty token for a user
//! through Arcade.
//!
//! ```text
//! ARCADE_API_KEY=arc_... ARCADE_USER_ID=you@example.com \
//!     cargo run -p arcade-examples --features client --example app_auth [provider]
//! ```
//!
//! The provider defaults to `pagerduty` (use `arcade-pagerduty` for your own PagerDuty
//! app configured in Arcade). The token is never printed, only its length.

use std::process::ExitCode;
use std::time::Duration;

use arcade_tdk::client::Arcade;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    // Automatically finds the ARCADE_API_KEY (and ARCADE_BASE_URL) variables.
    let client = Arcade::from_env().map_err(|e| e.to_string())?;
    let user_id = std::env::var("ARCADE_USER_ID")
        .map_err(|_| "set ARCADE_USER_ID to the Arcade user id (e.g. your email)".to_owned())?;
    let provider = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pagerduty".to_owned());

    // Start the authorization process.
    let auth_response = client
        .auth()
        .start(&user_id, &provider, &["read"])
        .await
        .map_err(|e| e.to_string())?;

    if !auth_response.is_completed() {
        println!("Please complete the authorization challenge in your browser:");
        println!(
            "{}",
            auth_response.url.as_deref().unwrap_or("(no URL given)")
        );
    }

    // Wait for the authorization to complete (unlike arcadepy, not forever).
    let auth_response = client
        .auth()
        .wait_for_completion(&auth_response, Duration::from_secs(300))
        .await
        .map_err(|e| e.to_string())?;
    let token = auth_response
        .token()
        .ok_or("the authorization completed without a token")?;

    // Do something interesting with the token... but never print it.
    println!(
        "Authorized {user_id} with {provider}: got a token of {} characters.",
        token.len()
    );
    if let Some(info) = auth_response
        .context
        .as_ref()
        .and_then(|c| c.user_info.as_ref())
    {
        println!("User info keys: {:?}", info.keys().collect::<Vec<_>>());
    }
    Ok(())
}
