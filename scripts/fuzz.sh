#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time each (default 60 s), starting from the
# committed seeds in fuzz/corpus/<target> (never modified: new inputs go to a scratch
# directory). Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Exit status: 0 when no target found a crash, otherwise 1; crashing inputs are left in
# fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(args mcp_stdio worker)
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# arcade-tdk denies unsafe_code, with one justified exception (malloc_trim in
# serve/memory.rs): no sanitizer, for speed.
cargo +nightly fuzz build -s none
status=0
for target in "${targets[@]}"; do
    mkdir -p "$scratch/$target"
    echo "== $target: ${seconds}s"
    if ! cargo +nightly fuzz run -s none "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
        2>"$scratch/$target.log"; then
        status=1
        echo "!! $target failed; see fuzz/artifacts/$target/"
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)|^#[0-9]+ *DONE|SUMMARY|panicked' "$scratch/$target.log" || true
done
exit "$status"
