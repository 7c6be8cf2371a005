//! `worker`: Arcade's worker protocol (needs `ARCADE_WORKER_SECRET`).

use std::net::SocketAddr;
use std::sync::Arc;

use super::args::WorkerArgs;
use super::builder::{Cli, Extras};
use super::output::{CliError, CliResult};
use super::runtime;
use crate::serve::worker::{WorkerSecret, serve_worker};

pub(super) fn run(cli: &Cli, args: WorkerArgs, extras: &Extras) -> CliResult {
    let secret = WorkerSecret::from_env().map_err(|e| {
        CliError::usage(format_args!(
            "{e}. Set it to the worker secret configured in the Arcade Engine \
             (`export ARCADE_WORKER_SECRET=<secret>`)."
        ))
    })?;
    let catalog = Arc::new(cli.catalog(&args.filter, extras, true)?);
    let addr = SocketAddr::new(args.host, args.port);
    let rt = runtime::build(true)?;
    rt.block_on(async move {
        let listener = runtime::bind(addr).await?;
        if let Ok(local) = listener.local_addr() {
            tracing::info!(
                tools = catalog.len(),
                "worker listening on http://{local}/worker"
            );
        }
        serve_worker(listener, catalog, secret, runtime::shutdown_signal())
            .await
            .map_err(|e| format!("worker server failed: {e}"))
    })
    .map_err(CliError::failure)
}
