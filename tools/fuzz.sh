#!/usr/bin/env bash
# Fuzzes the C ABI with libFuzzer (clang-19, with ASan and UBSan): random
# programs of C API calls on the offline backend (tests/fuzz/capi_fuzz.cpp),
# as the Meson test suite 'fuzz' of build-fuzz/.
#   tools/fuzz.sh [RUNS]     default 100000 executions
# Starts from the corpus kept in tests/fuzz/corpus; new finds go to
# build-fuzz/tests/fuzz/corpus, a crashing input to build-fuzz/tests/fuzz/.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100000}
dir=build-fuzz
if [[ ! -f $dir/build.ninja ]]; then
  CC=clang-19 CXX=clang++-19 meson setup "$dir" -Dfuzzing=true -Dbenchmarks=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >&2 || exit 1
fi
meson configure "$dir" -Dfuzz_runs="$runs" >&2
meson compile -C "$dir" >&2 || exit 1
meson test -C "$dir" --suite fuzz --print-errorlogs
