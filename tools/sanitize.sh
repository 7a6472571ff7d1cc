#!/usr/bin/env bash
# Builds ringengine under a sanitizer in its own build directory and runs
# every Meson test there: the GoogleTest suites (with the 10-million-message
# ring stresses, counters started near wrap-around), the real-time test on
# real servers, and pytest with the runtime preloaded into Python. The
# sanitizer's options come from the build's default test setup
# (tests/meson.build); any report fails the run.
#   tools/sanitize.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer, build-asan/
#   tools/sanitize.sh tsan   ThreadSanitizer, build-tsan/
set -uo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: tools/sanitize.sh asan|tsan}
case "$kind" in
  asan) dir=build-asan sanitize=address,undefined ;;
  tsan) dir=build-tsan sanitize=thread ;;
  *) echo "usage: tools/sanitize.sh asan|tsan" >&2; exit 2 ;;
esac
if [[ ! -f $dir/build.ninja ]]; then
  meson setup "$dir" -Db_sanitize="$sanitize" -Db_lundef=false -Dbenchmarks=disabled \
    -Dcpp_args=-fno-sanitize-recover=all -Dc_args=-fno-sanitize-recover=all >&2 || exit 1
fi
meson compile -C "$dir" >&2 || exit 1
meson test -C "$dir" --print-errorlogs
