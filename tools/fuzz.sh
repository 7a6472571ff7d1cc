#!/usr/bin/env bash
# Fuzzes the C ABI with libFuzzer (clang-19, with ASan and UBSan): random
# programs of C API calls on the offline backend (tests/fuzz/capi_fuzz.cpp).
#   tools/fuzz.sh [RUNS]     default 100000 executions
# Starts from the corpus kept in tests/fuzz/corpus (new finds go to
# build-fuzz/corpus, not into the repository). A crash, a sanitizer report or
# a broken invariant fails the run and leaves the input in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100000}
dir=build-fuzz
if [[ ! -f $dir/build.ninja ]]; then
  CC=clang-19 CXX=clang++-19 meson setup "$dir" -Dfuzzing=true -Dbenchmarks=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >&2
fi
meson compile -C "$dir" tests/capi_fuzz >&2
rm -rf "$dir/test-results"
mkdir -p "$dir/corpus" "$dir/test-results"
status=0
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$dir/tests/capi_fuzz" -runs="$runs" -max_len=1024 -artifact_prefix="$dir/" \
  "$dir/corpus" tests/fuzz/corpus 2>"$dir/fuzz.log" || status=$?
tail -n 3 "$dir/fuzz.log"
/usr/bin/python3 tools/junit.py "$dir/test-results/fuzz.xml" "capi_fuzz ($runs runs)" \
  "$status" "$dir/fuzz.log"
exit $status
