#!/usr/bin/env bash
# Runs every benchmark and prints the tables of docs/benchmarks.md:
#   1. the rings (C++): ours beside the rtrb crate (built from its source by
#      tools/rtrb_crate.sh when cargo and $RTRB_SRC, default /tmp/rtrb, are
#      here; skipped, and said so, when not), boost and moodycamel, in rounds
#      of random order, with ratios to the crate of the same round;
#      then process() with pending pings (Google Benchmark);
#   2. the engine's sound: ns per voice-sample, per command, empty block;
#      the mixer's cost (buses, EQ, meters) and the DSP load it reports,
#      offline and on JACK; one key-locked voice's cost (Rubber Band);
#      64 looping voices beside SuperCollider's scsynth -N (skipped
#      without scsynth);
#   3. the Python path on CPython and on PyPy, round trips through null;
#      send_ping() called cold by `ringengine ping`, ten runs;
#      audio files loaded by load_file(), beside sox and python-soundfile;
#   4. the round trip on each server (tools/audio_servers.py starts and
#      stops each): JACK, PulseAudio (backends pulse and rtaudio),
#      PipeWire's Pulse layer and its JACK layer (pw-jack), and null.
# Writes build/bench/*.json and docs/rtt.png. --quick: fewer repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh

reps=15 cold_runs=10 quick=()
if [[ "${1:-}" == "--quick" ]]; then reps=3 cold_runs=3 quick=(--quick); fi
out=build/bench
mkdir -p "$out"

echo "== rings (C++), beside the rtrb crate when cargo and its source are here" >&2
crate=()
if harness=$(bash tools/rtrb_crate.sh); then
  crate=(--rtrb-crate "$harness")
else
  echo "ring_compare: SKIPPING the rtrb crate (see the line above); the rings run without it" >&2
fi
# Under SCHED_FIFO when we may (root, or CAP_SYS_NICE): on a machine busy with
# other work the two spinning threads are otherwise descheduled in turns,
# and a run measures the scheduler (round trips of 10-40 us, 1 M msg/s)
# rather than the rings. The kernel keeps 5% of each second for the others.
rt=()
if chrt -f 50 true 2>/dev/null; then
  rt=(chrt -f 50)
else
  echo "ring_compare: no SCHED_FIFO here; on a busy machine its figures are the scheduler's" >&2
fi
"${rt[@]}" build/benchmarks/ring_compare "${quick[@]}" "${crate[@]}" --json "$out/ring_compare.json"
echo "== process() with pending pings (C++)" >&2
build/benchmarks/process_bench --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/process.json" --benchmark_out_format=json >&2

echo "== the engine's sound (C++)" >&2
build/benchmarks/voice_bench --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/voices.json" --benchmark_out_format=json >&2

echo "== the mixer (C++): 32 voices on 1 or 8 buses, EQ and meters on or off" >&2
build/benchmarks/mixer_bench --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/mixer.json" --benchmark_out_format=json >&2
echo "== the DSP load the engine reports: the mixer beside the bare mix (offline, JACK)" >&2
rm -f "$out/mixer_load.json"
mixer_load=(/usr/bin/python3 benchmarks/mixer_load.py "$out/mixer_load.json")
"${mixer_load[@]}" offline offline "${quick[@]}" >&2 || true
/usr/bin/python3 tools/audio_servers.py run jack -- "${mixer_load[@]}" jack jack "${quick[@]}" >&2 || true

echo "== key lock (C++): one key-locked stereo voice, R3 and R2" >&2
build/benchmarks/keylock_bench --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/keylock.json" --benchmark_out_format=json >&2 || true

echo "== 64 looping voices beside SuperCollider (scsynth -N), rate 1.0 and 1.37" >&2
rm -f "$out/scsynth.json"
if command -v scsynth >/dev/null; then
  PYTHONPATH="$PWD/pyffi" /usr/bin/python3 benchmarks/scsynth_compare.py "$out/scsynth.json" \
    "${quick[@]}" >&2
else
  echo "skipped: scsynth not found (apt-get install supercollider-server)" >&2
fi

echo "== Python path (CPython)" >&2
/usr/bin/python3 benchmarks/python_bench.py "${quick[@]}" \
  --json "$out/python-cpython.json" --plot docs/rtt.png >&2
if command -v pypy3 >/dev/null; then
  echo "== Python path (PyPy)" >&2
  pypy3 benchmarks/python_bench.py "${quick[@]}" --json "$out/python-pypy.json" >&2
fi

echo "== Audio files: load_file() beside sox and python-soundfile" >&2
PYTHONPATH="$PWD/pyffi" /usr/bin/python3 benchmarks/file_load.py "$out/file_load.json" \
  "${quick[@]}" >&2

echo "== send_ping() called cold, beside a bare cffi call (ping, null backend)" >&2
rm -f "$out/ping_cold.jsonl"
for ((i = 0; i < cold_runs; i++)); do
  PYTHONPATH="$PWD/pyffi" /usr/bin/python3 -m ringengine ping --backend null \
    --count 3000 --rate 1000 --json >> "$out/ping_cold.jsonl"
done

echo "== round trip on each server (200 pings/s, each awaited)" >&2
rtt="$out/servers.json"
rm -f "$rtt"
servers=tools/audio_servers.py
measure=(/usr/bin/python3 benchmarks/server_rtt.py "$rtt")
q=("${quick[@]}")
"${measure[@]}" null null "${q[@]}" >&2 || true
/usr/bin/python3 $servers run jack -- "${measure[@]}" jack jack "${q[@]}" >&2 || true
/usr/bin/python3 $servers run pulse -- "${measure[@]}" pulse pulse "${q[@]}" >&2 || true
/usr/bin/python3 $servers run pulse -- "${measure[@]}" rtaudio-pulse rtaudio pulse "${q[@]}" >&2 || true
/usr/bin/python3 $servers run pipewire -- "${measure[@]}" pipewire-pulse pulse "${q[@]}" >&2 || true
/usr/bin/python3 $servers run pipewire -- pw-jack "${measure[@]}" pipewire-jack jack "${q[@]}" >&2 || true

/usr/bin/python3 benchmarks/report.py "$out"
