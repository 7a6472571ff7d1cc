#!/usr/bin/env bash
# Builds the engine with RealtimeSanitizer (clang-19, -Drtsan=true) in
# build-rtsan/ and runs the tests that drive real callbacks: the null
# backend's thread, offline blocks, and RtAudio on JACK and PulseAudio
# servers that the tests start and stop, thousands of pings each, plus the C
# API suite. Every callback body runs in a real-time scope: any allocation,
# lock or blocking call there aborts with a stack trace. RtsanTest shows that
# an injected allocation and lock are caught.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-rtsan
if [[ ! -f $dir/build.ninja ]]; then
  CC=clang-19 CXX=clang++-19 meson setup "$dir" -Drtsan=true -Db_lundef=false \
    -Dbenchmarks=disabled >&2 || exit 1
fi
meson compile -C "$dir" >&2 || exit 1
export RTSAN_OPTIONS="halt_on_error=1:external_symbolizer_path=/usr/lib/llvm-19/bin/llvm-symbolizer"
meson test -C "$dir" --print-errorlogs
