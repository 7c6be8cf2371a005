#!/usr/bin/env bash
# MCP interoperability checks with independent, official tools:
#
#  (a) the official conformance suite (npm @modelcontextprotocol/conformance: the stable
#      release and the pre-release that has the 2026-07-28 scenarios), `--suite all` once
#      per suite and spec revision (CONFORMANCE_RUNS), against the conformance fixture
#      toolkit (examples/examples/conformance.rs) over Streamable HTTP;
#  (b) the official Python MCP client (PyPI `mcp`) against the sample kit over stdio and
#      Streamable HTTP (scripts/mcp_python_client.py), and against the fixture toolkit
#      with exact content, log and progress assertions;
#  (c) front-door auth: a real authorization server (npm `oidc-provider`,
#      scripts/oidc/authorization-server.mjs), the sample kit with
#      MCP_RESOURCE_SERVER_* pointing at it and the fake Arcade Engine
#      (tests/src/bin/fake_engine.rs) for tokens, and the Python SDK's own OAuth client
#      (scripts/mcp_oauth_client.py: discovery, registration, PKCE, resource indicator)
#      signed in as two users in turn: each gets the Engine's token for their own `sub`.
#
# Installs what it needs (Node 22 from the npm package node@22, the suites, a Python venv)
# under .cache/mcp-interop (or $MCP_INTEROP_CACHE), idempotently; builds the two example
# binaries; prints one line per conformance run (scenarios passed, checks, seconds) and
# per client run, then a summary; exits non-zero on any failure.
#
#   scripts/mcp-interop.sh            # everything
#   MCP_INTEROP_KEEP=1 ...            # keep the logs (path printed at the end)
#   MCP_INTEROP_BUDGET=480            # seconds the checks may take after install and build
#
# Every process it starts is bounded: servers by `timeout 600` and killed on exit, each
# conformance run by `timeout 300`, each client run by `timeout 90`, the whole run by
# the budget.
#
# Expected failures are in scripts/conformance/expected-failures-*.yml, one file per run,
# each entry with its reason; a listed failure that starts passing fails the run too (the
# suite reports the entry as stale, so the lists stay exact).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MCP_INTEROP_CACHE:-$ROOT/.cache/mcp-interop}
NODE_PKG=node@22
CONF_STABLE=0.1.16
CONF_ALPHA=0.2.0-alpha.12
PY_MCP=2.3.0
OIDC_PROVIDER=oidc-provider@9.13.3
START=$(date +%s)

# -------------------------------------------------------------------------------------
# The conformance runs: `conformance server --suite all`, one process each (every server
# scenario the suite has, picked by the suite itself, not by a list kept here).
#   LABEL|SUITE-DIR|ARGS
# stable: the 0.1.x release (no --spec-version). alpha@DATE: the pre-release at that
# revision (cumulative: each scenario that applies to it). alpha@extensions: the
# pre-release with no --spec-version: every scenario at its own revision, the tasks
# extension (SEP-2663, examples/src/conformance/tasks.rs) and skills ones included.
# Each run's baseline is scripts/conformance/expected-failures-LABEL.yml (LABEL less
# `alpha@`); every entry there names its reason.
CONFORMANCE_RUNS=(
  "stable|conformance|"
  "alpha@2025-06-18|conformance-alpha|--spec-version 2025-06-18"
  "alpha@2025-11-25|conformance-alpha|--spec-version 2025-11-25"
  "alpha@2026-07-28|conformance-alpha|--spec-version 2026-07-28"
  "alpha@extensions|conformance-alpha|"
)
BASELINES=$ROOT/scripts/conformance

# -------------------------------------------------------------------------------------
log() { printf '%s\n' "$*" >&2; }
die() { log "mcp-interop: $*"; exit 2; }

npm_install() { # DIR PKG@VERSION: install PKG into CACHE/DIR unless that version is there
  local dir=$CACHE/$1 pkg=$2
  if [ "$(cat "$dir/.installed" 2>/dev/null)" = "$pkg" ]; then return 0; fi
  log "installing $pkg into $dir"
  mkdir -p "$dir"
  (cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --loglevel=error "$pkg" >/dev/null) || die "npm install $pkg failed"
  echo "$pkg" >"$dir/.installed"
}

install() {
  command -v npm >/dev/null || die "npm is needed (any Node >= 18) to install Node 22"
  command -v python3 >/dev/null || die "python3 (>= 3.10) is needed"
  mkdir -p "$CACHE"
  npm_install node22 "$NODE_PKG"
  export PATH=$CACHE/node22/node_modules/.bin:$PATH
  case "$(node --version)" in v22.*) ;; *) die "Node 22 not first on PATH: $(node --version)" ;; esac
  npm_install conformance "@modelcontextprotocol/conformance@$CONF_STABLE"
  npm_install conformance-alpha "@modelcontextprotocol/conformance@$CONF_ALPHA"
  npm_install oidc "$OIDC_PROVIDER"
  if [ "$(cat "$CACHE/venv/.installed" 2>/dev/null)" != "mcp==$PY_MCP" ]; then
    log "installing mcp==$PY_MCP into $CACHE/venv"
    [ -x "$CACHE/venv/bin/python" ] || python3 -m venv "$CACHE/venv" || die "python3 -m venv failed"
    "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "mcp==$PY_MCP" || die "pip install mcp failed"
    echo "mcp==$PY_MCP" >"$CACHE/venv/.installed"
  fi
}

build() {
  log "building the example binaries"
  (cd "$ROOT" && scripts/build -q --example conformance --example sample_kit --bin fake_engine) ||
    die "cargo build failed"
  local target
  target=${CARGO_TARGET_DIR:-$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
  BIN=$target/debug/examples
  FAKE_ENGINE=$target/debug/fake_engine
  [ -x "$BIN/conformance" ] && [ -x "$BIN/sample_kit" ] && [ -x "$FAKE_ENGINE" ] ||
    die "binaries not found in $target/debug"
}

PIDS=()
WORK=""
WATCHDOG=""
cleanup() {
  if [ -n "$WATCHDOG" ]; then pkill -P "$WATCHDOG" 2>/dev/null; kill "$WATCHDOG" 2>/dev/null; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  if [ -n "$WORK" ] && [ -z "${MCP_INTEROP_KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'log "mcp-interop: stopped after the ${BUDGET}s budget (MCP_INTEROP_BUDGET)"; exit 124' TERM

# The checks (after installing and building) must end within BUDGET seconds.
BUDGET=${MCP_INTEROP_BUDGET:-480}
start_watchdog() {
  (sleep "$BUDGET" && kill -TERM $$) &
  WATCHDOG=$!
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_http() { # NAME BINARY: starts `BINARY serve http` on a free port, sets URL
  local name=$1 bin=$2 port i
  port=$(free_port)
  # Bounded: the server dies after 10 minutes whatever happens to this script.
  timeout 600 "$bin" serve http --port "$port" --log-level warn >"$WORK/$name.server.log" 2>&1 &
  PIDS+=($!)
  URL=http://127.0.0.1:$port/mcp
  for i in $(seq 1 100); do
    if curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/"; then return 0; fi
    sleep 0.1
  done
  cat "$WORK/$name.server.log" >&2
  die "$name did not start listening on port $port"
}

PASS=0 FAIL=0
SUMMARY=()
record() { # STATUS LABEL DETAIL
  SUMMARY+=("$(printf '%-5s %-52s %s' "$1" "$2" "$3")")
  printf '%-5s %-52s %s\n' "$1" "$2" "$3"
  case $1 in PASS | XFAIL) PASS=$((PASS + 1)) ;; *) FAIL=$((FAIL + 1)) ;; esac
}

strip() { sed 's/\x1b\[[0-9;]*m//g'; }

# Checks that every entry of a baseline file has a `# reason`; prints the entries.
baseline_entries() { # FILE
  local line bad=0
  while IFS= read -r line; do
    case $line in
    *'  - '*)
      if [[ $line != *' # '?* ]]; then
        log "mcp-interop: $1: an entry without its '# reason': $line"
        bad=1
      fi
      printf '%s\n' "$line" | sed -E 's/^ *- *([^ #]+).*/\1/'
      ;;
    esac
  done <"$1"
  return $bad
}

conformance_run() { # LABEL SUITE-DIR [args...]: `--suite all` once, against CONF_URL
  local label=$1 dir=$2 baseline out rc started seconds passed entries
  shift 2
  baseline=$BASELINES/expected-failures-${label#alpha@}.yml
  [ -f "$baseline" ] || die "no baseline $baseline"
  entries=$(baseline_entries "$baseline") || die "every baseline entry needs its reason"
  out=$WORK/conformance-${label/@/-}.log
  started=$(date +%s)
  (cd "$CACHE/$dir" && timeout 300 npx --no-install conformance server --url "$CONF_URL" \
    --suite all --expected-failures "$baseline" "$@") >"$out" 2>&1
  rc=$?
  seconds=$(($(date +%s) - started))
  # The suite's summary: one `✓ scenario: N passed, M failed` (or ✗) line per scenario;
  # a scenario whose only bad check is a WARNING is ✓ there, but the baseline counts it
  # (`  ~ entry` lines): "clean" is neither ✗ nor baselined.
  local total bad checks
  total=$(strip <"$out" | grep -c '^[✓✗] ')
  bad=$({
    strip <"$out" | sed -n 's/^✗ \([^:]*\):.*/\1/p'
    strip <"$out" | sed -n 's/^  ~ \([^: ]*\).*/\1/p'
  } | sort -u | grep -c .)
  passed=$((total - bad))
  checks=$(strip <"$out" | grep -o 'Total: [0-9]* passed, [0-9]* failed' | tail -1 | sed 's/Total: //')
  local detail="$passed/$total scenarios clean (checks: ${checks:-none}) in ${seconds}s"
  if [ $rc -eq 0 ] && [ "$total" -gt 0 ]; then
    if [ -n "$entries" ]; then
      record XFAIL "conformance $label" "$detail; baseline: $(echo $entries)"
    else
      record PASS "conformance $label" "$detail"
    fi
  else
    record FAIL "conformance $label" "$detail, exit $rc"
    strip <"$out" | grep -E '^✗ |^  [✗✓] |Unexpected|Stale|Error' | head -12 | sed 's/^/        /'
  fi
}

python_client() { # LABEL args...
  local label=$1 out rc
  shift
  out=$WORK/python-$(echo "$label" | tr ' /' '__').log
  timeout 90 "$CACHE/venv/bin/python" "$ROOT/scripts/mcp_python_client.py" "$@" >"$out" 2>"$out.stderr"
  rc=$?
  local counts
  counts=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  if [ $rc -eq 0 ]; then
    record PASS "python mcp $label" "${counts:-}"
  else
    record FAIL "python mcp $label" "${counts:-exit $rc}"
    grep '^FAIL' "$out" | head -8 | sed 's/^/        /'
    [ -s "$out.stderr" ] && tail -5 "$out.stderr" | sed 's/^/        /'
  fi
}

wait_line() { # FILE PATTERN: waits (5 s at most) for a line matching PATTERN in FILE, prints it
  local i
  for i in $(seq 1 50); do
    if grep -m1 "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# The sample kit behind front-door auth, with a real authorization server and the fake
# Arcade Engine; the Python SDK's OAuth client signs in as alice, then bob.
front_door() {
  local as_port mcp_port engine issuer servers user mode label out rc i asked
  as_port=$(free_port)
  mcp_port=$(free_port)
  timeout 600 "$FAKE_ENGINE" arc_interop_key \
    "alice@example.com=pd-token-of-alice" "bob@example.com=pd-token-of-bob" >"$WORK/engine.log" 2>&1 &
  PIDS+=($!)
  engine=$(wait_line "$WORK/engine.log" '^ready ' | cut -d' ' -f2) || die "the fake engine did not start"
  # Node resolves `oidc-provider` from the script's own folder: run a copy beside the package.
  cp "$ROOT/scripts/oidc/authorization-server.mjs" "$CACHE/oidc/"
  timeout 600 node "$CACHE/oidc/authorization-server.mjs" "$as_port" "http://127.0.0.1:$mcp_port/mcp" \
    >"$WORK/oidc.log" 2>&1 &
  PIDS+=($!)
  issuer=$(wait_line "$WORK/oidc.log" '^ready ' | cut -d' ' -f2) || {
    cat "$WORK/oidc.log" >&2
    die "oidc-provider did not start"
  }
  servers="[{\"authorization_server_url\":\"$issuer\",\"issuer\":\"$issuer\",\"jwks_uri\":\"$issuer/jwks\"}]"
  MCP_RESOURCE_SERVER_CANONICAL_URL=http://127.0.0.1:$mcp_port/mcp \
    MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS=$servers \
    ARCADE_API_KEY=arc_interop_key ARCADE_BASE_URL=$engine \
    timeout 600 "$BIN/sample_kit" serve http --port "$mcp_port" --log-level warn \
    >"$WORK/front-door.server.log" 2>&1 &
  PIDS+=($!)
  for i in $(seq 1 100); do
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$mcp_port/" && break
    sleep 0.1
  done
  for user in alice bob; do
    for mode in legacy auto; do
      label="$user@example.com $mode"
      out=$WORK/python-front-door-$user-$mode.log
      timeout 90 "$CACHE/venv/bin/python" "$ROOT/scripts/mcp_oauth_client.py" \
        --url "http://127.0.0.1:$mcp_port/mcp" --mode "$mode" --user "$user@example.com" \
        --call SampleKit_Oauth2ById --expect "pd-token-of-$user" >"$out" 2>&1
      rc=$?
      if [ $rc -eq 0 ]; then
        record PASS "python mcp OAuth $label" "$(grep -c '^ok' "$out") checks"
      else
        record FAIL "python mcp OAuth $label" "exit $rc"
        grep -E '^FAIL|Error' "$out" | head -8 | sed 's/^/        /'
      fi
    done
  done
  # The Engine was asked for exactly these two users, each for their own token.
  asked=$(awk '/^authorize /{print $2}' "$WORK/engine.log" | sort -u | tr '\n' ' ')
  if [ "$asked" = "alice@example.com bob@example.com " ]; then
    record PASS "front-door: the Engine saw each caller's sub" "$asked"
  else
    record FAIL "front-door: the Engine saw each caller's sub" "asked for: ${asked:-nobody}"
  fi
}

main() {
  install
  build
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcp-interop.XXXXXX")
  start_watchdog

  start_http conformance "$BIN/conformance"
  CONF_URL=$URL
  start_http sample_kit "$BIN/sample_kit"
  SAMPLE_URL=$URL
  log "conformance fixtures at $CONF_URL, sample kit at $SAMPLE_URL"

  echo "== official conformance suite: $CONF_STABLE (stable) and $CONF_ALPHA, --suite all =="
  local run label dir args
  for run in "${CONFORMANCE_RUNS[@]}"; do
    IFS='|' read -r label dir args <<<"$run"
    # shellcheck disable=SC2086 # ARGS are words
    conformance_run "$label" "$dir" $args
  done

  echo "== official Python client (mcp $PY_MCP) =="
  for mode in legacy auto; do
    python_client "sample kit stdio $mode" --stdio "$BIN/sample_kit serve stdio --log-level warn" --mode "$mode"
    python_client "sample kit http $mode" --url "$SAMPLE_URL" --mode "$mode"
    python_client "fixtures http $mode" --url "$CONF_URL" --kit conformance --mode "$mode"
    python_client "fixtures stdio $mode" --stdio "$BIN/conformance serve stdio --log-level warn" --kit conformance --mode "$mode"
  done

  echo "== front-door auth: oidc-provider, the Python SDK's OAuth client, the fake Arcade Engine =="
  front_door

  local elapsed=$(($(date +%s) - START))
  echo
  echo "== summary =="
  printf '%s\n' "${SUMMARY[@]}"
  echo "(XFAIL: only the checks of the run's baseline failed, scripts/conformance/*.yml)"
  [ -n "${MCP_INTEROP_KEEP:-}" ] && echo "logs: $WORK"
  echo "mcp-interop: $PASS passed, $FAIL failed in ${elapsed}s"
  [ "$FAIL" -eq 0 ]
}

main "$@"
