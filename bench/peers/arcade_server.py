"""Peer server for bench/run: Arcade's Python `arcade-mcp-server` serving the same
12-tool sample toolkit as `examples/examples/sample_kit.rs` (Arcade's own
`tests/fixtures/arcade-wire/sample_kit.py`, imported from there). The benchmark calls
`SampleKit_Echo`.

Usage: python arcade_server.py [stdio|http] [port]
Run with ARCADE_USAGE_TRACKING=0 (bench/run sets it): otherwise every call spawns a
telemetry subprocess.
"""

import os
import sys

sys.path.insert(
    0,
    os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "arcade-wire"
    ),
)

import sample_kit  # noqa: E402
from arcade_mcp_server import MCPApp  # noqa: E402

app = MCPApp(name="sample_kit", version="1.0.0", log_level="WARNING")
for func in sample_kit.ALL_TOOLS:
    app.add_tool(func)

if __name__ == "__main__":
    transport = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if transport == "stdio":
        app.run(transport="stdio")
    else:
        port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
        app.run(transport="http", host="127.0.0.1", port=port)
