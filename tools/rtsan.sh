#!/usr/bin/env bash
# Builds the engine with RealtimeSanitizer (clang-19, -Drtsan=true) in
# build-rtsan/ and runs its Meson tests: the callbacks of the null backend's
# thread, of offline blocks, and of JACK and PulseAudio servers (started by
# tools/audio_servers.py), thousands of pings and voice commands each, plus
# the C API suite. Every callback body runs in a real-time scope: any
# allocation, lock or blocking call there aborts with a stack trace.
# RtsanTest shows that an injected allocation and lock are caught.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=build-rtsan
if [[ ! -f $dir/build.ninja ]]; then
  CC=clang-19 CXX=clang++-19 meson setup "$dir" -Drtsan=true -Db_lundef=false \
    -Dbenchmarks=disabled >&2 || exit 1
fi
meson compile -C "$dir" >&2 || exit 1
meson test -C "$dir" --print-errorlogs
