"""Turns tools/bench.sh's JSON into the Markdown tables of docs/benchmarks.md.

Usage: report.py BENCH_DIR
"""
import json
import os
import platform
import sys


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return "%s, %d cores, Linux %s" % (cpu, os.cpu_count(), platform.release())


def aggregates(path):
    """{benchmark: {aggregate: result}} of a Google Benchmark JSON file."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if "aggregate_name" not in b:
            continue
        name = b["run_name"].replace("/real_time", "").replace("/manual_time", "")
        out.setdefault(name, {})[b["aggregate_name"]] = b
    return out


def medians(path):
    return {name: a["median"] for name, a in aggregates(path).items() if "median" in a}


def voices(path):
    agg = aggregates(path)
    lines = ["| the engine's sound, a 256-frame stereo block | median | mean ± stddev | target |",
             "| --- | --- | --- | --- |"]

    def row(label, name, key, scale, unit, target=""):
        a = agg[name]
        med, mean, sd = (a[k][key] * scale for k in ("median", "mean", "stddev"))
        lines.append("| %s | %.2f %s | %.2f ± %.2f | %s |" % (label, med, unit, mean, sd, target))

    for n in (1, 32, 64):
        row("%d voice%s sounding: ns per voice-sample" % (n, "" if n == 1 else "s"),
            "voices/steady/%d" % n, "ns_per_voice_sample", 1e9, "ns", "≤ 3 ns")
    row("64 voices, gain ramping: ns per voice-sample", "voices/ramping/64",
        "ns_per_voice_sample", 1e9, "ns")
    for n in (1, 16, 256):
        a = agg["voices/commands/%d" % n]["median"]
        lines.append("| %d set_param at frames inside the block: ns per command (block included) "
                     "| %.1f ns | | |" % (n, a["real_time"] / n))
    row("empty block, 32 idle voices", "voices/empty_block_32_idle", "real_time", 1, "ns",
        "≤ 100 ns")
    return "\n".join(lines)


def mixer(path, load_path):
    """The mixer_bench table, and mixer_load's DSP load per backend."""
    agg = aggregates(path)
    period_us = 256 / 48000 * 1e6
    lines = ["| 32 voices, 256-frame stereo blocks | median µs a block | min .. max of the "
             "repetitions | DSP load (median) |",
             "| --- | --- | --- | --- |"]
    names = {(1, 0, 0): "1 bus, no EQ, no meters (the bare mix)",
             (1, 0, 1): "1 bus, meters", (8, 0, 0): "8 buses", (8, 0, 1): "8 buses, meters",
             (8, 1, 0): "8 buses, EQ in every bus and the master",
             (8, 1, 1): "8 buses, EQ and meters"}
    times = {}
    for (buses, eq, meters), label in names.items():
        key = "mixer/32_voices/buses:%d/eq:%d/meters:%d" % (buses, eq, meters)
        a = agg[key]
        unit = 1e-3 if a["median"]["time_unit"] == "ns" else 1.0
        med = a["median"]["real_time"] * unit
        times[(buses, eq, meters)] = med
        lines.append("| %s | %.1f | %.1f .. %.1f | %.2f %% |" % (
            label, med, a["min"]["real_time"] * unit, a["max"]["real_time"] * unit,
            100 * med / period_us))
    per_bus = (times[(8, 0, 0)] - times[(1, 0, 0)]) / 7
    per_eq = (times[(8, 1, 0)] - times[(8, 0, 0)]) / 9
    per_meter = (times[(8, 0, 1)] - times[(8, 0, 0)]) / (32 + 9)
    lines.append("")
    per_voice = (times[(8, 1, 1)] - times[(1, 0, 0)]) / 32
    lines.append("Per block, from these medians: a bus %.2f µs, an EQ in the path %.2f µs, "
                 "a meter %.2f µs (41 meters: 32 voices, 8 buses, the master); the whole "
                 "mixer over the bare mix, per voice: %.2f µs."
                 % (per_bus, per_eq, per_meter, per_voice))
    if load_path and os.path.exists(load_path):
        with open(load_path) as f:
            loads = json.load(f)
        lines += ["", "| engine.dsp_load, 32 voices, 8 buses, EQ and meters | median of rounds "
                  "| min .. max | largest block | the bare mix | mixer / bare |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for label, r in loads.items():
            if "error" in r:
                lines.append("| %s | %s | | | | |" % (label, r["error"]))
                continue
            m, b = r["mixer"], r["bare"]
            lines.append("| %s (%s) | %.2f %% | %.2f .. %.2f %% | %.1f %% | %.2f %% | %.1fx |" % (
                label, r["device"], 100 * m["average"]["median"], 100 * m["average"]["min"],
                100 * m["average"]["max"], 100 * m["peak"]["max"], 100 * b["average"]["median"],
                r["ratio_mixer_to_bare"]["median"]))
    return "\n".join(lines)


def servers(path):
    with open(path) as f:
        data = json.load(f)
    lines = ["| server (backend) | device | first pong, ms | p50 ms | p99 ms | max ms "
             "| output latency ms | pings |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for label, r in data.items():
        if "error" in r:
            lines.append("| %s | %s | | | | | | |" % (label, r["error"]))
            continue
        lines.append("| %s (%s) | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %d/%d |" % (
            label, r["backend"], r["device"], r["first_pong_ms"], r["rtt_ms_p50"],
            r["rtt_ms_p99"], r["rtt_ms_max"], r["latency_ms"], r["pongs_received"],
            r["pings_sent"]))
    return "\n".join(lines)


RINGS = (("ringengine", "ringengine"), ("rtrb_crate", "rtrb crate"),
         ("rtrb_peer", "rtrb peer (C++)"), ("boost", "boost::lockfree"),
         ("moodycamel", "moodycamel"), ("no_ring", "no ring"))
WORKLOADS = (("throughput", "throughput, consumer keeps up", "M msg/s", True),
             ("slow_consumer", "throughput, consumer works per message", "M msg/s", True),
             ("bulk64", "throughput, bulk calls of 64", "M msg/s", True),
             ("round_trip", "round trip", "ns", False))


# ring_compare's elements, in the order of its table.
ELEMENTS = ("Message", "16a8", "32a8", "16a4", "24a4", "32a4")


def element_order(name):
    return (ELEMENTS.index(name), 0) if name in ELEMENTS else (len(ELEMENTS), int(name))


def spread(values, fmt):
    v = sorted(values)
    return ("%s / **%s** / %s" % (fmt, fmt, fmt)) % (v[0], v[len(v) // 2], v[-1])


def ratio(r, a, b):
    """min / median / max of r[a] / r[b] over the rounds, paired by round."""
    if a not in r or b not in r:
        return ""
    return spread([x / y for x, y in zip(r[a], r[b])], "%.2f")


def rings(path):
    """Ring figures with min / median / max over the rounds, and ratios of
    figures of the same round: ours to the rtrb crate (to the C++ peer when
    the run had no crate), the peer to the crate, ours to no ring."""
    with open(path) as f:
        d = json.load(f)
    res = d["results"]
    base = "rtrb_crate" if any("rtrb_crate" in r for s in res.values() for r in s.values()) \
        else "rtrb_peer"
    base_label = dict(RINGS)[base]
    lines = ["%d rounds; capacity %d; min / **median** / max over the rounds. The ratio "
             "columns divide one figure by another *of the same round*; for round trips lower "
             "is better, for throughput higher. *No ring* is the same work "
             "without a ring: the consumer's work alone (a ceiling), and a mailbox of one cache "
             "line each way. *Element*: `Message` is the engine's own (24 bytes, aligned to 8); 16a8 is "
             "16 bytes aligned to 8, and so on; every ring and the crate ran on the same "
             "elements.%s" % (
                 d["rounds"], d["capacity"],
                 "" if base == "rtrb_crate" else " **This run had no rtrb crate** (no cargo or "
                 "no rtrb source): the ratios are to the C++ peer."), "",
             "| workload | element | " + " | ".join(label for _, label in RINGS)
             + " | ringengine / %s | rtrb peer / rtrb crate | ringengine / no ring |" % base_label,
             "| --- | --- | " + " | ".join("---" for _ in RINGS) + " | --- | --- | --- |"]
    for key, label, unit, _ in WORKLOADS:
        for size in sorted(res.get(key, {}), key=element_order):
            r = res[key][size]
            cells = [spread(r[ring], "%.0f") if ring in r else "" for ring, _ in RINGS]
            if key == "bulk64" and size in res.get("throughput", {}):
                single = {"ringengine": res["throughput"][size]["ringengine"]}
                ours = "bulk / single: " + spread(
                    [a / b for a, b in zip(r["ringengine"], single["ringengine"])], "%.2f")
            else:
                ours = ratio(r, "ringengine", base)
            lines.append("| %s, %s | %s | %s | %s | %s | %s |" % (
                label, unit, size, " | ".join(cells), ours, ratio(r, "rtrb_peer", "rtrb_crate"),
                ratio(r, "ringengine", "no_ring")))
    return "\n".join(lines)


def process(path):
    med = medians(path)
    lines = ["| audio thread: `process()` on a 256-frame block | median ns | ns per ping |",
             "| --- | --- | --- |"]
    lines.append("| empty block, in a plain loop (no timer) | %.1f | |"
                 % med["process/empty_block"]["real_time"])
    # Blocks with pings are timed one by one (manual timing), which adds one
    # clock read to each; the slope against the empty block removes it.
    base = med["process/pending/0"]["real_time"]
    lines.append("| empty block, timed alone (one clock read included) | %.1f | |" % base)
    for n in (1, 64, 1024):
        t_ns = med["process/pending/%d" % n]["real_time"]
        lines.append("| %d pending pings, timed alone | %.1f | %.1f |" % (n, t_ns, (t_ns - base) / n))
    return "\n".join(lines)


def python(path):
    with open(path) as f:
        d = json.load(f)
    c = d["calls"]
    floor = c["floor"]["batch_mean_ns"]
    lines = ["**%s**" % d["python"], "",
             "| call | median ns | p99 ns | batch mean ns | / floor |", "| --- | --- | --- | --- | --- |"]
    for name in ("floor", "floor_1arg", "floor_method", "send_ping_raw", "send_ping",
                 "try_recv", "try_recv_empty"):
        if name not in c:
            continue
        r = c[name]
        lines.append("| `%s` | %s | %s | %.1f | %.2fx |" % (
            {"floor": "engine_nop() (floor)", "try_recv_empty": "try_recv() on empty",
             "floor_1arg": "engine_config_init(NULL) (one-pointer floor)",
             "floor_method": "a method around engine_close(NULL) (method floor)",
             "send_ping_raw": "engine_send_ping(handle), the cffi call alone"}.get(
                name, name + "()"), r["median_ns"], r["p99_ns"], r["batch_mean_ns"],
            r["batch_mean_ns"] / floor))
    lines += ["", "| draining 1024 replies | median µs | speed-up |", "| --- | --- | --- |"]
    for name, r in d["bulk"].items():
        lines.append("| `%s` | %.1f | %.1fx |" % (name, r["median_us"], r["speedup"]))
    lines += ["", "| round trip through | p50 ms | p99 ms | max ms | target p99 ms | pongs |",
              "| --- | --- | --- | --- | --- | --- |"]
    for name, r in d["rtt"].items():
        lines.append("| %s (%s) | %s | %s | %s | %s | %d/%d |" % (
            name, r["device"], r["rtt_ms_p50"], r["rtt_ms_p99"], r["rtt_ms_max"],
            r["target_p99_ms"], r["pongs_received"], r["pings_sent"]))
    return "\n".join(lines)


def ping_cold(path):
    """send_ping() called cold (after a 1 ms wait) beside the bare cffi call,
    over the runs of `ringengine ping --json`, one JSON object per line."""
    with open(path) as f:
        runs = [json.loads(line) for line in f if line.strip()]

    def over(key):
        return spread([r[key] for r in runs], "%.0f")

    ratios = spread([r["send_ping_ns_median"] / r["bare_call_ns_median"] for r in runs], "%.2f")
    return "\n".join([
        "%d runs; min / **median** / max over the runs of each run's figure." % len(runs), "",
        "| `send_ping()` median ns | `send_ping()` p99 ns | bare call median ns "
        "| bare call p99 ns | `send_ping()` / bare call, medians |",
        "| --- | --- | --- | --- | --- |",
        "| %s | %s | %s | %s | %s |" % (over("send_ping_ns_median"), over("send_ping_ns_p99"),
                                       over("bare_call_ns_median"), over("bare_call_ns_p99"),
                                       ratios)])


def keylock(path):
    """keylock_bench: one key-locked stereo voice's share of a core, and how
    many one core holds in real time at 256 frames."""
    agg = aggregates(path)
    moving = {"0": "steady, rate 1.25", "1": "rate and pitch moving every block",
              "2": "rate moving", "3": "pitch moving"}
    lines = ["| key-locked stereo voice, 256-frame block at 48 kHz | engine | CPU per block "
             "| share of a core: median (mean ± stddev) | voices per core in real time |",
             "| --- | --- | --- | --- | --- |"]
    # R3 (R:3) first, then its short window (R:1), then R2 (R:2).
    order = {"3": 0, "1": 1, "2": 2}

    def key(name):
        parts = dict(p.split(":") for p in name.split("/")[1:] if ":" in p)
        return order.get(parts.get("R"), 9), parts.get("moving", "")

    for name in sorted(agg, key=key):
        a = agg[name]
        med = a.get("median")
        if med is None or "core_pct" not in med:
            continue
        parts = dict(p.split(":") for p in name.split("/")[1:] if ":" in p)
        mean, sd = a["mean"]["core_pct"], a["stddev"]["core_pct"]
        lines.append("| %s | %s | %.0f µs | %.1f %% (%.1f ± %.1f) | %.1f |" % (
            moving.get(parts.get("moving"), name), med.get("label", ""),
            med["cpu_time"], med["core_pct"], mean, sd, med["voices_rt"]))
    return "\n".join(lines)


def scsynth(path):
    """scsynth_compare.py: 64 looping voices beside scsynth -N, each side
    minus its zero-voice run."""
    with open(path) as f:
        d = json.load(f)
    lines = ["%d looping voices of one mono buffer, %g s at %d Hz stereo, %d rounds, each "
             "side minus its own zero-voice run" % (d["voices"], d["seconds"],
                                                    d["sample_rate"], d["rounds"]), "",
             "| side | rate | wall s min | median | max | CPU s median | peak of the output |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    ratios = []
    for c in d["cases"]:
        if "ratio" in c:
            ratios.append("rate %g: ours / scsynth %.3f (wall), %.3f (CPU); the issue's "
                          "bound %.1f" % (c["rate"], c["ratio"], c["cpu_ratio"], c["bound"]))
        elif not c["measured"]:
            lines.append("| %s | %g | not measured (no voice parameter \"rate\" yet) "
                         "| | | | |" % (c["side"], c["rate"]))
        else:
            w = c["wall"]
            lines.append("| %s | %g | %.3f | %.3f | %.3f | %.3f | %.2f |" % (
                c["side"], c["rate"], w["min"], w["median"], w["max"], c["cpu"]["median"],
                c["peak"]))
    return "\n".join(lines + [""] + ratios)


def main(directory):
    print("Machine: %s\n" % machine())
    print("### Rings\n")
    print(rings(os.path.join(directory, "ring_compare.json")))
    if os.path.exists(os.path.join(directory, "process.json")):
        print("\n### The audio thread's cost of messages\n")
        print(process(os.path.join(directory, "process.json")))
    if os.path.exists(os.path.join(directory, "voices.json")):
        print("\n### The engine's sound\n")
        print(voices(os.path.join(directory, "voices.json")))
    if os.path.exists(os.path.join(directory, "mixer.json")):
        print("\n### The mixer\n")
        print(mixer(os.path.join(directory, "mixer.json"),
                    os.path.join(directory, "mixer_load.json")))
    if os.path.exists(os.path.join(directory, "keylock.json")):
        print("\n### Key lock\n")
        print(keylock(os.path.join(directory, "keylock.json")))
    if os.path.exists(os.path.join(directory, "scsynth.json")):
        print("\n### Beside SuperCollider (scsynth -N)\n")
        print(scsynth(os.path.join(directory, "scsynth.json")))
    if os.path.exists(os.path.join(directory, "ping_cold.jsonl")):
        print("\n### Sending cold\n")
        print(ping_cold(os.path.join(directory, "ping_cold.jsonl")))
    if os.path.exists(os.path.join(directory, "servers.json")):
        print("\n### Round trip on each server\n")
        print(servers(os.path.join(directory, "servers.json")))
    for impl, name in (("cpython", "CPython"), ("pypy", "PyPy")):
        path = os.path.join(directory, "python-%s.json" % impl)
        if os.path.exists(path):
            print("\n### Python path, %s\n" % name)
            print(python(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/bench"))
