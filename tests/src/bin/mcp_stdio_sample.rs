//! Test-only MCP stdio server over the sample kit, for `tests/tests/mcp/stdio.rs` and
//! `tests/tests/load.rs` (a real child process speaking newline-delimited JSON-RPC on
//! stdin/stdout).
//!
//! `LOAD_TEST_LEAK_BYTES=N` makes the server leak `N` bytes (touched, so resident) per
//! line it reads: the switch that shows the load test's memory bound can fail.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use arcade_examples::sample_kit;
use arcade_tdk::Catalog;
use arcade_tdk::serve::mcp::{McpOptions, serve_io, serve_stdio};
use tokio::io::{AsyncRead, ReadBuf};

/// Stdin that leaks `bytes` for every newline read through it.
struct LeakyStdin {
    inner: tokio::io::Stdin,
    bytes: usize,
}

impl AsyncRead for LeakyStdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        let lines = buf.filled()[before..]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        for _ in 0..lines {
            // Deliberate: filled (so resident) and never freed.
            std::mem::forget(vec![1u8; self.bytes]);
        }
        poll
    }
}

fn main() -> std::io::Result<()> {
    let catalog = Arc::new(Catalog::new(sample_kit::toolkit()).expect("no duplicate tools"));
    let options = McpOptions::for_catalog(&catalog);
    let leak: usize = std::env::var("LOAD_TEST_LEAK_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    if leak == 0 {
        return runtime.block_on(serve_stdio(catalog, options));
    }
    let stdin = LeakyStdin {
        inner: tokio::io::stdin(),
        bytes: leak,
    };
    runtime.block_on(serve_io(catalog, options, stdin, tokio::io::stdout()))
}
