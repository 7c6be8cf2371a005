#!/usr/bin/env bash
# The full load run (release build), all traffic to 127.0.0.1, every run bounded:
#
#   scripts/load.sh [CALLS] [CLIENTS] [STDIO_CALLS]      # defaults 100000 100 100000
#
# * CALLS tool calls from CLIENTS concurrent MCP sessions over Streamable HTTP to a server
#   child process, every answer checked against its request;
# * STDIO_CALLS calls in a tight loop to the stdio server child process, and in-process
#   (no tokio task may be left);
# * 20 clients that disconnect mid-call; SIGTERM during load.
#
# Prints the server's RSS, descriptor and thread counts before/under/after load, and
# fails on a mismatched answer, a descriptor leak, RSS growth beyond
# LOAD_MAX_RSS_GROWTH_MB (default 64), a panic, or an unclean exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export LOAD_CALLS="${1:-100000}"
export LOAD_CLIENTS="${2:-100}"
export LOAD_STDIO_CALLS="${3:-100000}"
ulimit -n 4096 2>/dev/null || true
cargo test --release -p arcade-tests --test load -- --nocapture --test-threads=1
