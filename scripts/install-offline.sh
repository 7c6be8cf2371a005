#!/usr/bin/env bash
# Publishing check: every publishable crate packaged, and `cargo install tools-pagerduty`
# and `cargo install cargo-arcade` from their packaged `.crate`s, offline, with an empty
# CARGO_HOME, as on a clean machine that has only a directory of crates.
#
# 1. `cargo package` the four publishable crates (arcade-tdk-macros, arcade-tdk,
#    tools-pagerduty, cargo-arcade) with --no-verify: step 3 is their verification, a
#    build of each from its `.crate` and nothing else (what `cargo package`'s own verify
#    does, once instead of twice). arcade-tdk's feature subsets are checked by `.ci/run`'s
#    `--no-default-features` step.
# 2. Vendor the registry crates they depend on (`cargo vendor` of a scratch crate that
#    depends on the packaged tools-pagerduty, pinned by the workspace's Cargo.lock) into a
#    directory source, and add our packaged crates to it.
# 3. With CARGO_HOME an empty directory holding only a config.toml that replaces
#    crates.io with that directory: `cargo install tools-pagerduty cargo-arcade --offline
#    --debug`.
# 4. Run the installed binaries: `--version`, `tools --format mcp`, `cargo arcade --help`.
#
# Time: the install shares CARGO_TARGET_DIR with the workspace. Cargo rebuilds a crate
# of a directory source when its path changes, and only then (such crates are taken to
# be immutable, like crates.io's): so the vendored third-party crates live at a fixed
# path under the target dir (compiled once, then reused), while each of our crates is
# put in a directory named after its `.crate`'s sha256, so that new code is always
# compiled. The script prints how long each part took.
set -euo pipefail
source "$(dirname "$0")/ci-env.sh"
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml)
crates=(arcade-tdk-macros arcade-tdk tools-pagerduty cargo-arcade)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stable="$CARGO_TARGET_DIR/install-offline"
vendor="$stable/vendor"
seconds() { date +%s; }
t0=$(seconds)

echo "-- cargo package ${crates[*]} ($version)"
# cargo extracts a packaged crate of a local registry once and never refreshes it (see
# .ci/run): drop stale extracts of ours.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/{arcade-tdk,arcade-tdk-macros,tools-pagerduty,cargo-arcade}-[0-9]*
package_args=()
for c in "${crates[@]}"; do package_args+=(-p "$c"); done
cargo package --quiet --no-verify --allow-dirty "${package_args[@]}"
t1=$(seconds)

echo "-- cargo vendor the dependencies of the packaged crates"
mkdir -p "$work/unpacked" "$work/resolve/src"
for c in "${crates[@]}"; do
  tar -xzf "$CARGO_TARGET_DIR/package/$c-$version.crate" -C "$work/unpacked"
done
{
  printf '[package]\nname = "resolve"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
  printf '[dependencies]\ntools-pagerduty = "=%s"\n\n[patch.crates-io]\n' "$version"
  # cargo-arcade has no library to depend on; its one dependency (clap) is among these.
  for c in arcade-tdk-macros arcade-tdk tools-pagerduty; do
    printf '%s = { path = "%s/unpacked/%s-%s" }\n' "$c" "$work" "$c" "$version"
  done
} > "$work/resolve/Cargo.toml"
: > "$work/resolve/src/lib.rs"
cp Cargo.lock "$work/resolve/"
# `cargo vendor` empties the directory first (our crates of an earlier run included).
(cd "$work/resolve" && cargo vendor --quiet --versioned-dirs "$vendor" >/dev/null)
for c in "${crates[@]}"; do
  crate_file="$CARGO_TARGET_DIR/package/$c-$version.crate"
  sum=$(sha256sum "$crate_file" | cut -d' ' -f1)
  dir="$vendor/$c-$version-${sum:0:16}"
  mkdir -p "$dir"
  tar -xzf "$crate_file" -C "$dir" --strip-components=1
  printf '{"files":{},"package":"%s"}\n' "$sum" > "$dir/.cargo-checksum.json"
done
echo "   $(find "$vendor" -mindepth 1 -maxdepth 1 -type d | wc -l) crates in the directory source"
t2=$(seconds)

echo "-- cargo install tools-pagerduty cargo-arcade --offline --debug, with an empty CARGO_HOME"
home="$work/cargo-home"
mkdir -p "$home"
cat > "$home/config.toml" <<TOML
[source.crates-io]
replace-with = "vendored"

[source.vendored]
directory = "$vendor"

[net]
offline = true
TOML
(cd "$work" && CARGO_HOME="$home" cargo install tools-pagerduty cargo-arcade --offline --debug --quiet --root "$work/root")
t3=$(seconds)

echo "-- the installed binaries"
bin="$work/root/bin/tools-pagerduty"
"$bin" --version
"$bin" --version | grep -qx "PagerDuty $version"
"$bin" tools --format mcp | head -n 5
"$bin" tools --format mcp | grep -q '"name": "PagerDuty_ListIncidents"'
"$work/root/bin/cargo-arcade" arcade --help | grep -q 'new'
echo "-- offline install works: package $((t1 - t0))s, vendor $((t2 - t1))s, install $((t3 - t2))s"
