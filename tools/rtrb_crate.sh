#!/usr/bin/env bash
# Builds benchmarks/rtrb_crate, ring_compare's harness for the real rtrb
# crate, against rtrb's own source in $RTRB_SRC (default /tmp/rtrb; a clone
# of https://github.com/mgeier/rtrb at its newest commit when issue 39 was
# measured, 9dfc2b851be3d8955a9c6be0b4b3be46765ad253, with its crossbeam
# submodule, which holds the cache_padded.rs that src/ links to; any later
# commit builds too while the API stays). Nothing of rtrb is in this
# repository. rtrb has no dependencies beyond core and alloc
# (its dev-dependencies are not built), so `cargo build --offline` works.
#
# Prints the harness's path on stdout, or prints why not on stderr and exits
# with 1 when cargo or the source is missing; tools/bench.sh then skips the
# crate and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${RTRB_SRC:-/tmp/rtrb}"
cargo="${CARGO:-$(command -v cargo || echo "$HOME/.cargo/bin/cargo")}"
if [[ ! -x "$cargo" ]] && ! command -v "$cargo" >/dev/null; then
  echo "rtrb crate: no cargo (set CARGO, or install Rust)" >&2
  exit 1
fi
if [[ ! -f "$src/Cargo.toml" ]] || ! grep -q '^name = "rtrb"' "$src/Cargo.toml"; then
  echo "rtrb crate: no rtrb source at $src (git clone https://github.com/mgeier/rtrb $src," \
    "git -C $src checkout 9dfc2b851be3d8955a9c6be0b4b3be46765ad253," \
    "git -C $src submodule update --init; or set RTRB_SRC)" >&2
  exit 1
fi
if [[ ! -f "$src/src/cache_padded.rs" ]]; then
  echo "rtrb crate: $src/src/cache_padded.rs is missing: its crossbeam submodule is not" \
    "checked out (git -C $src submodule update --init)" >&2
  exit 1
fi
# A copy of the harness in build/, its path dependency pointed at $src, so
# that neither the source tree nor rtrb's gets a Cargo.lock or a target/.
out=build/rtrb_crate
mkdir -p "$out/harness/src"
cp benchmarks/rtrb_crate/src/main.rs "$out/harness/src/main.rs"
sed "s|path = \"/tmp/rtrb\"|path = \"$src\"|" benchmarks/rtrb_crate/Cargo.toml \
  > "$out/harness/Cargo.toml"
echo "rtrb crate: $(git -C "$src" describe --tags --always 2>/dev/null || echo "$src")," \
  "$("$cargo" --version)" >&2
CARGO_TARGET_DIR="$PWD/$out/target" "$cargo" build --release --offline --quiet \
  --manifest-path "$out/harness/Cargo.toml" >&2
echo "$PWD/$out/target/release/rtrb_compare"
