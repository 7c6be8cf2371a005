#!/usr/bin/env bash
# Writes what the toolkit binaries print (definitions in every format, help texts, CLI
# errors, sandbox calls, `auth status`) into DIR, one file per command, so that two
# checkouts can be compared with `diff -r`: a refactoring must leave every byte as it was.
#
#   bash scripts/snapshot-outputs.sh /tmp/before   # on the old commit
#   bash scripts/snapshot-outputs.sh /tmp/after    # on the new one
#   diff -r /tmp/before /tmp/after
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: snapshot-outputs.sh DIR}
mkdir -p "$out"
cargo build -q -p tools-pagerduty --all-features --bin tools-pagerduty
cargo build -q -p arcade-examples --all-features --example sample_kit
target=$(realpath "${CARGO_TARGET_DIR:-target}")
pd="$target/debug/tools-pagerduty"
kit="$target/debug/examples/sample_kit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A clean environment: no tokens, no .env, an empty token cache.
run() {
  local name=$1; shift
  (cd "$tmp" && env -i PATH="$PATH" HOME="$tmp" ARCADE_TDK_TOKEN_DIR="$tmp/tokens" "$@") \
    >"$out/$name.out" 2>"$out/$name.err"
  echo "exit $?" >>"$out/$name.out"
}
for f in arcade mcp openai anthropic; do
  run "kit-tools-$f" "$kit" tools --format "$f"
  run "pd-tools-$f" "$pd" tools --format "$f"
done
run pd-tools-readonly "$pd" tools --read-only
run pd-tools-areas "$pd" tools --areas incidents,oncall
run pd-tools-bad-area "$pd" tools --areas nope
run pd-tools-only "$pd" tools --tools ListIncidents,GetIncident
run pd-tools-unknown "$pd" tools --tools Nope
for sub in "" tools serve worker call auth "auth login" "auth status" "auth logout"; do
  # shellcheck disable=SC2086
  run "pd-help-${sub// /-}" "$pd" $sub --help
  # shellcheck disable=SC2086
  run "kit-help-${sub// /-}" "$kit" $sub --help
done
run pd-version "$pd" --version
run pd-bad-flag "$pd" tools --nope
run pd-no-command "$pd"
run pd-worker-no-secret "$pd" worker
run pd-call-unknown "$pd" call Nope
run pd-call-bad-input "$pd" call ListIncidents --input '[1]'
run pd-call-list "$pd" call --sandbox ListIncidents --input '{"status": "triggered"}'
run pd-call-whoami "$pd" call --sandbox WhoAmI
run pd-call-get-missing "$pd" call --sandbox GetIncident --input '{"incident_id": "PNOPE00"}'
run pd-call-no-token "$pd" call ListIncidents
run pd-auth-status "$pd" auth status
run pd-auth-logout "$pd" auth logout
run kit-call-add "$kit" call AddNumbers --input '{"a": 2, "b": "3"}'
run kit-call-fail "$kit" call Fail
run kit-call-secret "$kit" call UseSecrets
run kit-call-oauth "$kit" call ListIncidentsOauth2
run kit-auth-status "$kit" auth status pagerduty
# What differs between any two runs: the temporary folder, the sandbox's port, and the
# sandbox's timestamps (its data is seeded relative to now).
sed -i -E -e "s#$tmp#TMP#g" -e 's#127\.0\.0\.1:[0-9]+#127.0.0.1:PORT#g' \
  -e 's#[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z#TIME#g' "$out"/*
echo "snapshot written to $out ($(ls "$out" | wc -l) files)"
