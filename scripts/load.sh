#!/usr/bin/env bash
# The full load run (release build), all traffic to 127.0.0.1, every run bounded:
#
#   scripts/load.sh [CALLS] [CLIENTS] [STDIO_CALLS]      # defaults 100000 100 100000
#
# (LOAD_PROFILE=debug runs the debug build instead, where a release build is too slow to get.)
#
# * CALLS tool calls from CLIENTS concurrent MCP sessions over Streamable HTTP to a server
#   child process, every answer checked against its request;
# * STDIO_CALLS calls in a tight loop to the stdio server child process, and in-process
#   (no tokio task may be left);
# * 20 clients that disconnect mid-call (their calls must run until their session is
#   closed, then be dropped); a burst of 64 sessions whose memory must be given back;
#   SIGTERM during load.
#
# Prints the server's RSS, descriptor and thread counts before/under/after load, and
# fails on a mismatched answer, a descriptor leak, RSS growth after warm-up beyond
# 1 MiB + 64 bytes per call (LOAD_RSS_SLACK_KIB overrides the 1 MiB), a panic, or an
# unclean exit. The raw results (date, command, machine, the figures each test printed)
# are written to RELIABILITY-results.txt, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
export LOAD_CALLS="${1:-100000}"
export LOAD_CLIENTS="${2:-100}"
export LOAD_STDIO_CALLS="${3:-100000}"
ulimit -n 4096 2>/dev/null || true
profile=(--release)
[[ "${LOAD_PROFILE:-release}" == debug ]] && profile=()
cmd=(cargo test "${profile[@]}" -p arcade-tests --test load -- --nocapture --test-threads=1)
# Build first, so that the load average below is the machine's, not the compiler's.
cargo test "${profile[@]}" -p arcade-tests --test load --no-run
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
set +e
"${cmd[@]}" 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e
{
    echo "# Raw results of scripts/load.sh (see RELIABILITY.md)"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "command: scripts/load.sh $LOAD_CALLS $LOAD_CLIENTS $LOAD_STDIO_CALLS" \
        "(LOAD_CALLS=$LOAD_CALLS LOAD_CLIENTS=$LOAD_CLIENTS LOAD_STDIO_CALLS=$LOAD_STDIO_CALLS ${cmd[*]})"
    echo "machine: nproc $(nproc), $(uname -m), $(uname -sr); load average before the run $load_before"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "exit status: $status"
    grep -E '^(http load|stdio load|memory return|abandoned calls|sigterm):|^test .* \.\.\. |^test result:|panicked' "$log" || true
} > RELIABILITY-results.txt
exit "$status"
