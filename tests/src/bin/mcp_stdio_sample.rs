//! Test-only MCP stdio server over the sample kit, for `tests/tests/mcp/stdio.rs` (a real
//! child process speaking newline-delimited JSON-RPC on stdin/stdout).

use std::sync::Arc;

use arcade_examples::sample_kit;
use arcade_tdk::Catalog;
use arcade_tdk::serve::mcp::{McpOptions, serve_stdio};

fn main() -> std::io::Result<()> {
    let catalog = Arc::new(Catalog::new(sample_kit::toolkit()).expect("no duplicate tools"));
    let options = McpOptions::for_catalog(&catalog);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve_stdio(catalog, options))
}
