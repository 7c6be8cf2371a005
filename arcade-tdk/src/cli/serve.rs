//! `serve`: the toolkit over MCP, on stdio or Streamable HTTP (with Arcade's worker
//! routes on the same port when `ARCADE_WORKER_SECRET` is set).

use std::net::SocketAddr;
use std::sync::Arc;

use super::args::{ServeArgs, Transport};
use super::builder::{Cli, Extras};
use super::output::{CliError, CliResult, Output};
use super::{replicas, runtime};
use crate::serve::mcp::{self, HttpOptions, McpOptions};

pub(super) fn run(
    cli: &mut Cli,
    args: ServeArgs,
    extras: Extras,
    io: &mut Output<'_>,
) -> CliResult {
    let toolkit = &cli.toolkit;
    let mut options =
        McpOptions::from_env(toolkit.get_name(), toolkit.get_version().unwrap_or("0.1.0"));
    if let Some(description) = toolkit.get_description() {
        options = options.with_instructions(description);
    }
    let catalog = Arc::new(cli.catalog(&args.filter, &extras, true)?);
    if catalog.is_empty() {
        tracing::warn!("no tools to serve (all filtered out)");
    }
    let environment = cli.take_environment();
    let rt = runtime::build(args.transport == Transport::Http)?;
    rt.block_on(replicas::install_store(&args.replica))?;
    let setup = rt.block_on(cli.setup("serve", &extras, environment, io))?;
    let mut options = options
        .with_environment(Arc::new(setup.environment))
        .with_output_schemas(!args.no_output_schemas);
    if let Some(served) = setup.served {
        options = options.with_served(served);
    }
    let _keep_alive = setup.keep_alive;
    match args.transport {
        Transport::Stdio => {
            tracing::info!(tools = catalog.len(), "serving MCP over stdio");
            rt.block_on(mcp::serve_stdio(catalog, options))
                .map_err(|e| CliError::failure(format_args!("MCP stdio server failed: {e}")))
        }
        Transport::Http => {
            let addr = SocketAddr::new(args.host, args.port);
            let mut http = HttpOptions::from_env();
            if setup.credentialed_tools_over_http {
                http = http.with_credentialed_tools(true);
            }
            if let Some(env) = &options.environment {
                http = with_front_door(http, env)?;
            }
            if args.stateless {
                http = http.with_stateful(false).with_json_response(true);
            }
            if !args.host.is_loopback() && http.allowed_hosts.is_empty() {
                tracing::warn!(
                    "listening on {}: MCP requests must still carry a loopback Host header \
                     unless MCP_TRANSPORT_ALLOWED_HOSTS lists the names clients use",
                    args.host
                );
            }
            rt.block_on(async move {
                let router = mcp::http_router(catalog.clone(), options, http);
                #[cfg(feature = "worker")]
                let router = with_worker_routes(router, &catalog);
                let listener = runtime::bind(addr).await?;
                if let Ok(local) = listener.local_addr() {
                    tracing::info!(
                        tools = catalog.len(),
                        "MCP server listening on http://{local}/mcp"
                    );
                }
                replicas::serve(router, listener, &args.replica)
                    .await
                    .map_err(|e| format!("MCP HTTP server failed: {e}"))
            })
            .map_err(CliError::failure)
        }
    }
}

/// Front-door auth from `MCP_RESOURCE_SERVER_*` (the environment or the `.env` file),
/// when set; a bad configuration stops the server before it listens.
fn with_front_door(
    http: HttpOptions,
    env: &crate::serve::local::LocalEnvironment,
) -> Result<HttpOptions, CliError> {
    #[cfg(feature = "front-door")]
    {
        use crate::serve::auth::{FrontDoor, ResourceServerConfig};
        let config = ResourceServerConfig::from_lookup(|name| env.var(name).map(str::to_owned))
            .map_err(CliError::usage)?;
        let Some(config) = config else {
            return Ok(http);
        };
        let door = FrontDoor::new(config).map_err(CliError::usage)?;
        tracing::info!(
            authorization_servers = door.config().authorization_servers.len(),
            "front-door auth on: /mcp requires an OAuth access token"
        );
        Ok(http.with_front_door(door))
    }
    #[cfg(not(feature = "front-door"))]
    {
        const VARS: [&str; 2] = [
            "MCP_RESOURCE_SERVER_CANONICAL_URL",
            "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
        ];
        match VARS.into_iter().find(|v| env.var(v).is_some()) {
            Some(var) => Err(CliError::usage(format_args!(
                "{var} is set, but this binary was built without the `front-door` feature: \
                 refusing to serve /mcp without the authentication it asks for"
            ))),
            None => Ok(http),
        }
    }
}

/// Adds the worker routes to the MCP router when `ARCADE_WORKER_SECRET` is set, as
/// Arcade's Python server does.
#[cfg(feature = "worker")]
fn with_worker_routes(router: axum::Router, catalog: &Arc<crate::Catalog>) -> axum::Router {
    use crate::serve::worker::{WORKER_SECRET_ENV, WorkerSecret, WorkerSecretError, worker_router};
    match WorkerSecret::from_env() {
        Ok(secret) => {
            tracing::info!("{WORKER_SECRET_ENV} is set: serving the worker routes at /worker too");
            router.merge(worker_router(catalog.clone(), secret))
        }
        Err(WorkerSecretError::Empty) => {
            tracing::warn!("{WORKER_SECRET_ENV} is empty: the worker routes are not served");
            router
        }
        Err(WorkerSecretError::Missing) => router,
    }
}
