//! `worker`: Arcade's worker protocol (needs `ARCADE_WORKER_SECRET`).

use std::net::SocketAddr;
use std::sync::Arc;

use super::args::WorkerArgs;
use super::builder::{Cli, Extras};
use super::output::{CliError, CliResult};
use super::{replicas, runtime};
use crate::serve::worker::{WorkerSecret, worker_router};

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
    rt.block_on(replicas::install_store(&args.replica))?;
    rt.block_on(async move {
        let listener = runtime::bind(addr).await?;
        if let Ok(local) = listener.local_addr() {
            tracing::info!(
                tools = catalog.len(),
                "worker listening on http://{local}/worker"
            );
        }
        replicas::serve(worker_router(catalog, secret), listener, &args.replica)
            .await
            .map_err(|e| format!("worker server failed: {e}"))
    })
    .map_err(CliError::failure)
}
