#!/usr/bin/env bash
# Configures build/ on first use, then builds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/build.ninja ]]; then
  meson setup build >&2
fi
meson compile -C build >&2
