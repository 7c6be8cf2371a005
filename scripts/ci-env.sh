# Sourced by the CI scripts that build crates outside the workspace: moves to the
# checkout's root (`root`), shares its target dir (so compiled dependencies are reused)
# and gives every cargo command the checkout's pinned toolchain (rust-toolchain.toml),
# which a crate in a temporary directory would not find on its own.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
channel=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-$channel}"
