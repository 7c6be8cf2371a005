#!/usr/bin/env bash
# CI: `cargo arcade new` writes crates that are clean as generated: for each template
# (generic, --provider pagerduty), generated into a temporary directory with
# `--tdk-path` this checkout: cargo fmt --check, build, test, clippy -D warnings and
# `cargo package` (verified).
#
# Packaging a crate whose dependencies are unpublished: `cargo package` strips the
# `path` of each dependency (a published crate can only name versions), so it would look
# for arcade-tdk on crates.io, both to write the package's Cargo.lock and to verify the
# package (build it from the extracted `.crate`). `[patch.crates-io]` given with
# `--config` points those versions at this checkout for that one command: the package is
# then verified for real (its own files, built against the TDK here), and nothing of the
# patch ends up in the package. (The alternative, `--no-verify` after the build, would
# not catch a file missing from the package.)
#
# Builds share CARGO_TARGET_DIR with the workspace and start from the workspace's
# Cargo.lock, so they reuse the workspace's compiled dependencies.
set -euo pipefail
# The checkout's root, target dir and pinned toolchain (the generated crates live
# outside the checkout).
source "$(dirname "$0")/ci-env.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

scripts/build --quiet --bin cargo-arcade
bin="$CARGO_TARGET_DIR/debug/cargo-arcade"

patch=(
  --config "patch.crates-io.arcade-tdk.path=\"$root/arcade-tdk\""
  --config "patch.crates-io.arcade-tdk-macros.path=\"$root/arcade-tdk-macros\""
  --config "patch.crates-io.tools-pagerduty.path=\"$root/tools-pagerduty\""
)

for template in generic pagerduty; do
  name="tools-scaffold-$template"
  dir="$tmp/$name"
  provider=()
  [ "$template" = pagerduty ] && provider=(--provider pagerduty)
  printf -- '-- cargo arcade new %s %s\n' "$name" "${provider[*]}"
  "$bin" arcade new "$name" "${provider[@]}" --tdk-path "$root" --dir "$dir" >/dev/null
  cp Cargo.lock "$dir/"
  (
    cd "$dir"
    cargo fmt -- --check
    cargo build --quiet
    cargo test --quiet
    cargo clippy --quiet --all-targets -- -D warnings
    cargo package --quiet "${patch[@]}"
    ls "$CARGO_TARGET_DIR/package/$name-"*.crate >/dev/null
  )
  echo "-- $name: fmt, build, test, clippy and package clean"
done
