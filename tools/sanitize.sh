#!/usr/bin/env bash
# Builds ringengine under a sanitizer in its own build directory and runs the
# GoogleTest suites (with the 10-million-message ring stresses, counters
# started near wrap-around) and the pytest suite against that build.
#   tools/sanitize.sh asan   AddressSanitizer + UndefinedBehaviorSanitizer, build-asan/
#   tools/sanitize.sh tsan   ThreadSanitizer, build-tsan/
# Any report fails the run (halt_on_error).
set -uo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: tools/sanitize.sh asan|tsan}
case "$kind" in
  asan) dir=build-asan sanitize=address,undefined runtime=$(gcc -print-file-name=libasan.so)
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
        export ASAN_OPTIONS=abort_on_error=0:halt_on_error=1
        export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0" ;;
  tsan) dir=build-tsan sanitize=thread runtime=$(gcc -print-file-name=libtsan.so)
        export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tools/tsan.supp" ;;
  *) echo "usage: tools/sanitize.sh asan|tsan" >&2; exit 2 ;;
esac

if [[ ! -f $dir/build.ninja ]]; then
  meson setup "$dir" -Db_sanitize="$sanitize" -Db_lundef=false -Dbenchmarks=disabled \
    -Dcpp_args=-fno-sanitize-recover=all -Dc_args=-fno-sanitize-recover=all >&2 || exit 1
fi
meson compile -C "$dir" >&2 || exit 1
rm -rf "$dir/test-results" && mkdir -p "$dir/test-results"
status=0

echo "== $kind: meson test"
meson test -C "$dir" --print-errorlogs || status=1

echo "== $kind: pytest"
# Python itself is not instrumented: the runtime must be loaded first, with
# libstdc++ (which python3 does not link) right after it, or the runtime's
# __cxa_throw interceptor finds nothing to forward to. CPython's deliberate
# leaks at exit are not ours.
RINGENGINE_LIBRARY="$PWD/$dir/capi/libringengine.so" \
LD_PRELOAD="$runtime $(gcc -print-file-name=libstdc++.so.6)" \
ASAN_OPTIONS="$(printenv ASAN_OPTIONS):detect_leaks=0" \
  /usr/bin/python3 -m pytest tests/python -q -p no:cacheprovider \
  --junitxml="$dir/test-results/pytest.xml" || status=1

exit $status
