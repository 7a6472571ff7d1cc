#!/usr/bin/env bash
# Runs every benchmark and prints the tables of docs/benchmarks.md:
#   1. the rings (C++, Google Benchmark), ours beside boost and moodycamel,
#      repetitions interleaved at random, medians and ratios;
#   2. the Python path on CPython and on PyPy;
#   3. round trips through the null backend and, when jackd is installed,
#      through a JACK server (dummy driver) started here and stopped after.
# Writes build/bench/*.json and docs/rtt.png. --quick: fewer repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh

reps=15 quick=()
if [[ "${1:-}" == "--quick" ]]; then reps=3 quick=(--quick); fi
out=build/bench
mkdir -p "$out"

echo "== rings (C++)" >&2
build/benchmarks/ring_bench --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/rings.json" --benchmark_out_format=json >&2

jack_pid=""
stop_jack() { [[ -n "$jack_pid" ]] && kill "$jack_pid" 2>/dev/null && wait "$jack_pid" 2>/dev/null; true; }
trap stop_jack EXIT
jack=()
if command -v jackd >/dev/null && ! jack_lsp >/dev/null 2>&1; then
  jackd --no-realtime -d dummy -r 48000 -p 256 >"$out/jackd.log" 2>&1 &
  jack_pid=$!
  for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
fi
jack_lsp >/dev/null 2>&1 && jack=(--jack)

echo "== Python path (CPython)" >&2
/usr/bin/python3 benchmarks/python_bench.py "${quick[@]}" "${jack[@]}" \
  --json "$out/python-cpython.json" --plot docs/rtt.png >&2
if command -v pypy3 >/dev/null; then
  echo "== Python path (PyPy)" >&2
  pypy3 benchmarks/python_bench.py "${quick[@]}" --json "$out/python-pypy.json" >&2
fi
stop_jack

/usr/bin/python3 benchmarks/report.py "$out"
