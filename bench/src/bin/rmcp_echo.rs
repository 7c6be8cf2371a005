//! The peer: an echo tool on `rmcp`'s own `#[tool]` macros and its default stdio
//! transport (`rmcp::transport::stdio()`, multi-thread runtime), as rmcp's examples
//! write a server. Used only by `bench/run`.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{ServiceExt, schemars, tool, tool_router};
use serde::Deserialize;

/// The echo tool's input.
#[derive(Deserialize, schemars::JsonSchema)]
struct EchoInput {
    /// Text to echo back.
    text: String,
}

/// A server with one tool.
#[derive(Clone)]
struct Echo;

#[tool_router(server_handler)]
impl Echo {
    /// Echo the input text.
    #[tool(name = "echo", description = "Echo the input text.")]
    fn echo(&self, Parameters(EchoInput { text }): Parameters<EchoInput>) -> String {
        text
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = Echo.serve(rmcp::transport::stdio()).await?;
    service.waiting().await?;
    Ok(())
}
