//! `auth login|status|logout`: the user's own OAuth app (see
//! [`token::oauth`](crate::token::oauth)), looked up where `serve` looks.

use super::args::{AuthArgs, AuthCommand};
use super::builder::Cli;
use super::output::{CliError, CliResult, Output};
use super::runtime;
use crate::serve::local::LocalEnvironment;
use crate::token::oauth::{self, OAuthError, OAuthProvider};

pub(super) fn run(cli: &mut Cli, args: AuthArgs, io: &mut Output<'_>) -> CliResult {
    let environment = &cli.take_environment();
    let cli = &*cli;
    match args.command {
        AuthCommand::Login {
            provider,
            no_browser,
        } => login(cli, environment, provider, no_browser, io),
        AuthCommand::Status { provider } => status(cli, environment, provider, io),
        AuthCommand::Logout { provider } => logout(cli, environment, provider, io),
    }
}

fn login(
    cli: &Cli,
    environment: &LocalEnvironment,
    provider: Option<String>,
    no_browser: bool,
    io: &mut Output<'_>,
) -> CliResult {
    let (id, app) = configured_app(cli, provider, environment)?;
    let rt = runtime::build(false)?;
    let result = rt.block_on(async {
        let pending = oauth::start_login(&app).await?;
        let _ = writeln!(
            io.err,
            "To authorize {id}, open this URL in your browser:

  {}

Waiting for the redirect to {} ...",
            pending.authorize_url(),
            pending.redirect_uri()
        );
        let _ = io.err.flush();
        if !no_browser {
            oauth::open_in_browser(pending.authorize_url());
        }
        pending.finish().await
    });
    let outcome = result.map_err(|e| CliError::failure(format_args!("login failed: {e}")))?;
    let _ = writeln!(io.out, "{outcome}");
    Ok(())
}

fn status(
    cli: &Cli,
    environment: &LocalEnvironment,
    provider: Option<String>,
    io: &mut Output<'_>,
) -> CliResult {
    let id = provider_id(cli, provider)?;
    let mut any = false;
    let var = crate::token::var_prefix(&id);
    let set = |name: &str| environment.var(name).is_some();
    let access = format!("{var}_ACCESS_TOKEN");
    let key = format!("{var}_API_KEY");
    let env_line = if set(&access) {
        any = true;
        format!("{access} is set (an OAuth access token; used first)")
    } else if set(&key) {
        any = true;
        format!("{key} is set (an API key; used first)")
    } else {
        format!("neither {access} nor {key} is set")
    };
    let source = match environment.dotenv_path() {
        Some(path) => format!("environment and {}", path.display()),
        None => "environment".to_owned(),
    };
    let _ = writeln!(io.out, "{source}: {env_line}");
    let oauth_line = match oauth_app(cli, &id, environment) {
        Ok(app) => match oauth::status(&app) {
            Ok(status) => {
                any |= status.logged_in;
                status.to_string()
            }
            Err(e) => format!("{id}: {e}"),
        },
        Err(e) => format!("{e}"),
    };
    let _ = writeln!(io.out, "own OAuth app: {oauth_line}");
    let arcade_line = if set("ARCADE_API_KEY") {
        any = true;
        "ARCADE_API_KEY is set: tokens come from the Arcade Engine (the user authorizes at the URL a tool call returns)".to_owned()
    } else {
        "ARCADE_API_KEY is not set".to_owned()
    };
    let _ = writeln!(io.out, "Arcade Engine: {arcade_line}");
    if any {
        Ok(())
    } else {
        Err(CliError::silent_failure())
    }
}

fn logout(
    cli: &Cli,
    environment: &LocalEnvironment,
    provider: Option<String>,
    io: &mut Output<'_>,
) -> CliResult {
    let (id, app) = configured_app(cli, provider, environment)?;
    if oauth::logout(&app).map_err(CliError::failure)? {
        let _ = writeln!(
            io.out,
            "{id}: logged out (the cached token was removed; it is not revoked at the provider)"
        );
    } else {
        let _ = writeln!(io.out, "{id}: not logged in");
    }
    Ok(())
}

/// The provider `auth` works on: the one given, else the toolkit's only one.
fn provider_id(cli: &Cli, given: Option<String>) -> Result<String, CliError> {
    if let Some(id) = given {
        return Ok(id.to_ascii_lowercase());
    }
    let mut ids: Vec<String> = cli
        .toolkit
        .get_tools()
        .iter()
        .filter_map(|t| t.spec().requirements().authorization.as_ref())
        .map(|r| r.provider_name().to_ascii_lowercase())
        .collect();
    ids.sort();
    ids.dedup();
    match ids.len() {
        1 => Ok(ids.remove(0)),
        0 => Err(CliError::usage(
            "no tool of this toolkit needs OAuth; name the provider: `auth login PROVIDER`",
        )),
        _ => Err(CliError::usage(format_args!(
            "this toolkit's tools use several providers ({}); name one: `auth login PROVIDER`",
            ids.join(", ")
        ))),
    }
}

/// The OAuth app for `id`: one given to [`Cli::oauth_provider`], else the one the
/// environment (or the `.env` file) configures, as `serve` would find it.
fn oauth_app(
    cli: &Cli,
    id: &str,
    environment: &LocalEnvironment,
) -> Result<OAuthProvider, OAuthError> {
    OAuthProvider::require_lookup_with(
        id,
        |name| environment.var(name).map(str::to_owned),
        &cli.oauth_providers,
    )
}

/// The provider id and its OAuth app for `auth login|logout`.
fn configured_app(
    cli: &Cli,
    provider: Option<String>,
    environment: &LocalEnvironment,
) -> Result<(String, OAuthProvider), CliError> {
    let id = provider_id(cli, provider)?;
    let app = oauth_app(cli, &id, environment).map_err(CliError::usage)?;
    Ok((id, app))
}
