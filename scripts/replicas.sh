#!/usr/bin/env bash
# Replicas behind a real load balancer (issue 12): Redis, one fake PagerDuty that every
# replica talks to (so their data is one), 3 replicas of tools-pagerduty
# `serve http --stateless --store redis://...` (with the worker routes), and HAProxy
# round-robin over them (scripts/haproxy/replicas.cfg, health-checking /readyz), all
# on 127.0.0.1. Concurrent clients drive MCP (the 2025-11-25 handshake and 2026-07-28)
# and the worker protocol through the proxy for a fixed time, while one replica is
# restarted (SIGTERM, drain, exit 0, start) in the middle. Every call must be answered
# correctly; it ends with `N passed, N failed` (the driver's calls plus the checks
# below) and exits 1 if anything failed.
#
#   scripts/replicas.sh                     # 20 s, 12 clients
#   REPLICAS_SECS=60 REPLICAS_CLIENTS=48 scripts/replicas.sh
#   REPLICAS_PORT_BASE=28100 scripts/replicas.sh   # proxy on BASE, replicas BASE+1..3, Redis BASE+9
#
# Checks besides the calls: the restarted replica exited 0 after its drain; the fake
# PagerDuty, which allows one token 200 requests a second, answered no 429 although
# each replica paces itself to 150 a second (PAGERDUTY_RATE_LIMIT): the replicas share
# one budget through Redis (three times 150 would cross it).
#
# Front-door auth (another part of issue 12) is on: `replicas-driver issuer` is a test
# authorization server on loopback (a JWKS from a test-only RSA key, RS256 tokens for
# alice, bob and carol); every replica gets MCP_RESOURCE_SERVER_CANONICAL_URL (the
# HAProxy URL, the tokens' audience) and _AUTHORIZATION_SERVERS naming it, and the
# driver sends the users' tokens in turn (DRIVER_BEARERS). The PagerDuty token is the
# sandbox's one fake service-account token, given to every authenticated caller
# (MCP_RESOURCE_SERVER_SHARE_DEVELOPER_TOKENS=1). A check: a call through HAProxy
# without a token gets 401. REPLICAS_FRONT_DOOR=0 runs without it, the sandbox's fake
# credentials over unauthenticated HTTP (MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS=1, only
# right on loopback).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECS="${REPLICAS_SECS:-20}"
CLIENTS="${REPLICAS_CLIENTS:-12}"
BASE="${REPLICAS_PORT_BASE:-18100}"
PROXY_PORT="$BASE"
REDIS_PORT=$((BASE + 9))
REPLICA_PORTS=($((BASE + 1)) $((BASE + 2)) $((BASE + 3)))
export ARCADE_WORKER_SECRET="${ARCADE_WORKER_SECRET:-replicas-demo-worker-secret}"

log() { printf '== %s\n' "$*" >&2; }

# --- what it needs ------------------------------------------------------------------
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v curl >/dev/null || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for port in "$PROXY_PORT" "$REDIS_PORT" "${REPLICA_PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is in use: set REPLICAS_PORT_BASE to a free range"; exit 2
  fi
done

log "building tools-pagerduty (its redis feature among all) and replicas-driver"
scripts/build -q --bin tools-pagerduty --bin replicas-driver
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${REPLICAS_KEEP_LOGS:-0}" = 1 ]; then log "logs in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

wait_ready() { # wait_ready URL WHAT
  for _ in $(seq 1 200); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  log "$2 never became ready ($1)"; exit 1
}

# --- Redis and the fake PagerDuty ---------------------------------------------------
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

"$BIN/replicas-driver" sandbox --rate-limit 200 --rate-window-ms 1000 >"$WORK/sandbox.out" 2>&1 &
SANDBOX_PID=$!
PIDS+=("$SANDBOX_PID")
for _ in $(seq 1 100); do grep -q PAGERDUTY_EVENTS_URL "$WORK/sandbox.out" && break; sleep 0.1; done
PAGERDUTY_BASE_URL="$(sed -n 's/^PAGERDUTY_BASE_URL=//p' "$WORK/sandbox.out")"
PAGERDUTY_EVENTS_URL="$(sed -n 's/^PAGERDUTY_EVENTS_URL=//p' "$WORK/sandbox.out")"
[ -n "$PAGERDUTY_BASE_URL" ] || { log "the sandbox did not start"; cat "$WORK/sandbox.out" >&2; exit 1; }

# --- the replicas -------------------------------------------------------------------
# Settings that must be equal on every replica (docs/deploy.md).
export PAGERDUTY_BASE_URL PAGERDUTY_EVENTS_URL
export PAGERDUTY_ACCESS_TOKEN=sandbox-fake-token
export PAGERDUTY_RATE_LIMIT=150/1s
# REPLICAS_STORE=memory shows what the shared store prevents (the 429 check fails).
export ARCADE_STORE_URL="${REPLICAS_STORE:-redis://127.0.0.1:$REDIS_PORT}"
export ARCADE_DRAIN_TIMEOUT=30s
export ARCADE_SERVER_STATELESS=1
export RUST_LOG="${RUST_LOG:-info}"
FRONT_DOOR="${REPLICAS_FRONT_DOOR:-1}"
if [ "$FRONT_DOOR" = 1 ]; then
  export MCP_RESOURCE_SERVER_CANONICAL_URL="http://127.0.0.1:$PROXY_PORT/mcp"
  "$BIN/replicas-driver" issuer --audience "$MCP_RESOURCE_SERVER_CANONICAL_URL" \
    --users alice,bob,carol >"$WORK/issuer.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q '^DRIVER_BEARERS=' "$WORK/issuer.out" && break; sleep 0.1; done
  MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS="$(sed -n 's/^MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS=//p' "$WORK/issuer.out")"
  DRIVER_BEARERS="$(sed -n 's/^DRIVER_BEARERS=//p' "$WORK/issuer.out")"
  [ -n "$DRIVER_BEARERS" ] || { log "the issuer did not start"; cat "$WORK/issuer.out" >&2; exit 1; }
  export MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS DRIVER_BEARERS
  export MCP_RESOURCE_SERVER_SHARE_DEVELOPER_TOKENS=1
  unset MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS
  log "front-door auth on: tokens from $(sed 's/.*"issuer":"\([^"]*\)".*/\1/' <<<"$MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS")"
else
  unset MCP_RESOURCE_SERVER_CANONICAL_URL MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS DRIVER_BEARERS
  export MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS=1
fi

REPLICA_PIDS=()
start_replica() { # start_replica INDEX
  local port="${REPLICA_PORTS[$1]}"
  "$BIN/tools-pagerduty" serve http --host 127.0.0.1 --port "$port" \
    >>"$WORK/replica$1.log" 2>&1 &
  REPLICA_PIDS[$1]=$!
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$port/readyz" "replica $1"
}
for i in 0 1 2; do start_replica "$i"; done
log "replicas on ports ${REPLICA_PORTS[*]}, sharing Redis on $REDIS_PORT"

# --- HAProxy ------------------------------------------------------------------------
PROXY_ADDR="127.0.0.1:$PROXY_PORT" \
REPLICA1="127.0.0.1:${REPLICA_PORTS[0]}" REPLICA2="127.0.0.1:${REPLICA_PORTS[1]}" \
REPLICA3="127.0.0.1:${REPLICA_PORTS[2]}" \
  haproxy -db -f scripts/haproxy/replicas.cfg >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$PROXY_PORT/readyz" "HAProxy"

checks_passed=0
checks_failed=0
check() { # check OK MESSAGE
  if [ "$1" = 1 ]; then checks_passed=$((checks_passed + 1)); echo "ok: $2"
  else checks_failed=$((checks_failed + 1)); echo "FAILED: $2"; fi
}

if [ "$FRONT_DOOR" = 1 ]; then
  status="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PROXY_PORT/mcp" \
    -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
    -H 'mcp-protocol-version: 2026-07-28' -H 'mcp-method: tools/list' \
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}')"
  check "$([ "$status" = 401 ] && echo 1)" "a call through HAProxy without a token got HTTP $status (401 expected)"
fi

# --- drive, and restart one replica in the middle -----------------------------------
log "driving $CLIENTS clients for ${SECS}s through http://127.0.0.1:$PROXY_PORT"
"$BIN/replicas-driver" drive --url "http://127.0.0.1:$PROXY_PORT/mcp" \
  --worker-url "http://127.0.0.1:$PROXY_PORT" --clients "$CLIENTS" --secs "$SECS" \
  >"$WORK/driver.out" 2>"$WORK/driver.err" &
DRIVER_PID=$!
PIDS+=("$DRIVER_PID")

sleep "$(awk "BEGIN {print $SECS / 2}")"
log "restarting replica 2 (SIGTERM, drain, start)"
kill -TERM "${REPLICA_PIDS[1]}"
rc=0
wait "${REPLICA_PIDS[1]}" || rc=$?
check "$([ "$rc" = 0 ] && echo 1)" "replica 2 drained and exited $rc after SIGTERM"
grep -q "drained: every request in flight was answered" "$WORK/replica1.log" \
  && check 1 "replica 2 answered every call it had in flight" \
  || check 0 "replica 2 dropped calls at its drain deadline"
start_replica 1

rc=0
wait "$DRIVER_PID" || rc=$?
cat "$WORK/driver.err" >&2
calls="$(tail -n 1 "$WORK/driver.out")"
passed="$(echo "$calls" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')"
failed="$(echo "$calls" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')"
[ -n "$passed" ] || { passed=0; failed=1; log "the driver printed no result"; }
echo "calls: $calls"

kill -TERM "$SANDBOX_PID"
wait "$SANDBOX_PID" || true
violations="$(sed -n 's/^sandbox_429s //p' "$WORK/sandbox.out")"
check "$([ "${violations:-x}" = 0 ] && echo 1)" \
  "the fake PagerDuty answered ${violations:-?} 429s (one token's budget, shared by 3 replicas through Redis)"
if grep -q "shared store unavailable" "$WORK"/replica*.log; then
  check 0 "a replica lost the shared store during the run"
fi

echo "$((passed + checks_passed)) passed, $((failed + checks_failed)) failed"
[ "$((failed + checks_failed))" = 0 ]
