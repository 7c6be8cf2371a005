#!/usr/bin/env bash
# CI: the PagerDuty toolkit's MCP App (the incident timeline view of IncidentBriefing)
# rendered in a real headless Chromium. Installs Debian's `chromium` when it is missing,
# then runs the ignored test `mcp_app` of tools-pagerduty, which serves the app's page
# and a real IncidentBriefing result from the sandbox to a small MCP Apps host page,
# checks the text a person would see (title, timeline entries, on-call names) and keeps
# the screenshot at $CARGO_TARGET_DIR/mcp-app/timeline.png. Ends with
# `N passed, N failed`.
set -uo pipefail
source "$(dirname "$0")/ci-env.sh"

PASS=0
FAIL=0
check() {
  local name=$1
  shift
  if "$@"; then
    echo "PASS $name"
    PASS=$((PASS + 1))
  else
    echo "FAIL $name"
    FAIL=$((FAIL + 1))
  fi
}

find_chromium() {
  for bin in "${CHROMIUM:-}" chromium chromium-browser; do
    if [ -n "$bin" ] && command -v "$bin" >/dev/null 2>&1; then
      command -v "$bin"
      return 0
    fi
  done
  return 1
}

if ! find_chromium >/dev/null; then
  echo "chromium is missing: apt-get install -y chromium"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1; }
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1
  fi
fi
CHROMIUM=$(find_chromium) || CHROMIUM=""
export CHROMIUM
check "chromium is installed (${CHROMIUM:-none})" test -n "$CHROMIUM"

out="$CARGO_TARGET_DIR/mcp-app"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -n "$CHROMIUM" ]; then
  rm -f "$out/timeline.png"
  scripts/test -q --test pagerduty mcp_app -- --ignored --nocapture >"$log" 2>&1
  status=$?
  grep -E '^(MCP App|test |thread|  )' "$log" | head -40
  check "the app renders a real briefing in Chromium (title, timeline, on-call)" test "$status" = 0
  check "the screenshot is kept ($out/timeline.png)" test -s "$out/timeline.png"
else
  check "the app renders a real briefing in Chromium" false
  check "the screenshot is kept" false
fi

echo "mcp-app-check: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
