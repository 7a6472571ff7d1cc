"""The DSP load the engine reports (engine.dsp_load) with 32 voices into 8
buses, the EQ in every bus's and the master's path and the meters on,
beside the same 32 voices on one bus with no EQ and no meters, in
alternating rounds of one run, on one backend. Added to a JSON file of
results by label; tools/bench.sh runs it offline and on JACK (under
tools/audio_servers.py).

Usage: mixer_load.py OUT.json LABEL BACKEND [--quick]
On a real-time backend each round plays 3 s and reads the load every 0.25 s
(after a second of warm-up); offline, each round renders 3 s of blocks.
"""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pyffi"))
import ringengine  # noqa: E402

SETUPS = {
    "mixer": {"buses": 8, "meter_ms": 50, "eq": True},
    "bare": {"buses": 1, "meter_ms": 0, "eq": False},
}


def one_round(backend, setup, seconds=3.0):
    """[(average, peak)] of the reads of one engine's DSP load."""
    with ringengine.AudioEngine(backend=backend, buses=setup["buses"],
                                meter_ms=setup["meter_ms"]) as e:
        for v in range(32):
            e.set_param(v, "freq", 110.0 + 7 * v)
            e.set_param(v, "gain_db", -30.0)
            e.set_param(v, "pan", -1 + 2 * v / 32)
            e.set_param(v, "bus", v % setup["buses"])
        if setup["eq"]:
            for bus in list(range(setup["buses"])) + ["master"]:
                e.set_bus(bus, "eq_low", float("-inf"))
                e.set_bus(bus, "eq_mid", -3.0)
                e.set_bus(bus, "eq_high", 2.0)
        reads = []
        if backend == "offline":
            e.render(e.block_frames * 8)
            e.dsp_load  # noqa: B018 (starts the interval)
            for _ in range(int(seconds * 4)):
                e.render(e.sample_rate // 4)
                reads.append(tuple(e.dsp_load))
        else:
            time.sleep(1.0)
            e.dsp_load  # noqa: B018
            for _ in range(int(seconds * 4)):
                time.sleep(0.25)
                reads.append(tuple(e.dsp_load))
        block_ms = e.block_frames * 1000 / e.sample_rate
        return reads, block_ms, e.device


def summary(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def main(argv):
    quick = "--quick" in argv
    args = [a for a in argv[1:] if a != "--quick"]
    out, label, backend = args[:3]
    rounds = 2 if quick else 5
    medians = {name: [] for name in SETUPS}
    peaks = {name: [] for name in SETUPS}
    ratios = []
    device = block_ms = None
    try:
        for _ in range(rounds):
            this = {}
            for name, setup in SETUPS.items():
                reads, block_ms, device = one_round(backend, setup)
                this[name] = statistics.median(a for a, _ in reads)
                medians[name].append(this[name])
                peaks[name].append(max(p for _, p in reads))
            ratios.append(this["mixer"] / this["bare"] if this["bare"] else float("nan"))
    except ringengine.EngineError as e:
        result = {"error": str(e)}
    else:
        result = {"device": device, "block_ms": block_ms, "rounds": rounds,
                  "ratio_mixer_to_bare": summary(ratios)}
        for name in SETUPS:
            result[name] = {"average": summary(medians[name]), "peak": summary(peaks[name])}
    results = {}
    if os.path.exists(out):
        with open(out) as f:
            results = json.load(f)
    results[label] = result
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    if "error" in result:
        print("  %-8s %s" % (label, result["error"]))
        return 1
    m = result["mixer"]["average"]
    print("  %-8s 32 voices, 8 buses, EQ, meters: DSP load median %.2f %% (%.2f .. %.2f), "
          "peak up to %.1f %%; %.1fx the bare mix" % (
              label, 100 * m["median"], 100 * m["min"], 100 * m["max"],
              100 * result["mixer"]["peak"]["max"], result["ratio_mixer_to_bare"]["median"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
