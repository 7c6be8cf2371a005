#!/usr/bin/env bash
# PagerDuty's Python client library (PyPI `pagerduty`) against the standalone sandbox:
# list (`iter_all`, the cursor iterator for alert grouping settings) and get (`rget`)
# for every area the toolkit covers. Ends with `N passed, N failed`; exits 1 on a failure.
#
#   scripts/pagerduty-python-client.sh
#
# Installs `pagerduty` (PAGERDUTY_PY_VERSION, default 7.2.0) into a venv under
# .cache/pd-client (or $PAGERDUTY_PY_CACHE), idempotently, as scripts/mcp-interop.sh does
# for its Python packages; builds tools-pagerduty (CARGO_TARGET_DIR is honoured), starts
# `tools-pagerduty sandbox` on a free loopback port and runs
# scripts/pagerduty_python_client.py against it. `cargo test -p tools-pagerduty` runs the
# same Python checks when that venv exists (client_library::the_python_client...).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PAGERDUTY_PY_CACHE:-$ROOT/.cache/pd-client}
VERSION=${PAGERDUTY_PY_VERSION:-7.2.0}
log() { echo "pagerduty-python-client: $*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$CACHE"
if [ "$(cat "$CACHE/venv/.installed" 2>/dev/null)" != "pagerduty==$VERSION" ]; then
  log "installing pagerduty==$VERSION into $CACHE/venv"
  [ -x "$CACHE/venv/bin/python" ] || python3 -m venv "$CACHE/venv" || die "python3 -m venv failed"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "pagerduty==$VERSION" \
    || die "pip install pagerduty failed"
  echo "pagerduty==$VERSION" >"$CACHE/venv/.installed"
fi

(cd "$ROOT" && scripts/build -q --bin tools-pagerduty) || die "cargo build failed"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/tools-pagerduty

INFO=$(mktemp)
trap 'kill "$SANDBOX" 2>/dev/null; rm -f "$INFO"' EXIT
"$BIN" sandbox --port 0 >"$INFO" 2>/dev/null &
SANDBOX=$!
for _ in $(seq 50); do [ -s "$INFO" ] && break; sleep 0.1; done
[ -s "$INFO" ] || die "the sandbox printed nothing"
BASE=$("$CACHE/venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$INFO")
TOKEN=$("$CACHE/venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["user_token"])' "$INFO")
timeout 120 "$CACHE/venv/bin/python" "$ROOT/scripts/pagerduty_python_client.py" "$BASE" "$TOKEN"
