"""The Python path, measured in one process, interleaved:

1. ns per call of send_ping(), try_recv() and a bare cffi call to the no-op
   engine_nop() (the floor of any cffi binding), median and p99;
2. draining 1024 replies: 1024 try_recv() calls, recv_many(), and
   recv_many_columns();
3. round trips through a real audio callback (null backend; JACK when a JACK
   server runs), p50/p99/max, against one block period + 1 ms.

Usage: python_bench.py [--quick] [--json FILE] [--plot FILE] [--jack]
Runs on CPython and PyPy alike. Prints a table; --json writes the figures.
"""
import argparse
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "pyffi"))

import ringengine  # noqa: E402
from ringengine import ffi, lib  # noqa: E402
from measure import clock_overhead_ns, percentile, ping  # noqa: E402

clock = time.perf_counter_ns


def per_call(fn, calls, overhead, out):
    """Times each of `calls` calls of fn alone; appends ns (clock cost removed)."""
    for _ in range(calls):
        t0 = clock()
        fn()
        t1 = clock()
        out.append(max(0, t1 - t0 - overhead))


def per_call_1(fn, arg, calls, overhead, out):
    """per_call for a function of one argument, with the same loop shape."""
    for _ in range(calls):
        t0 = clock()
        fn(arg)
        t1 = clock()
        out.append(max(0, t1 - t0 - overhead))


def batch_mean_1(fn, arg, calls):
    t0 = clock()
    for _ in range(calls):
        fn(arg)
    return (clock() - t0) / calls


def batch_mean(fn, calls):
    """Mean ns per call over a batch: no per-call clock, so no clock cost."""
    t0 = clock()
    for _ in range(calls):
        fn()
    return (clock() - t0) / calls


_close, _INVALID = lib.engine_close, lib.ENGINE_ERR_INVALID


class MethodFloor:
    """The least a method-based binding can do per call: a Python method that
    passes one pointer and checks the status it gets back. engine_close(NULL)
    does no work: it returns ENGINE_ERR_INVALID at once."""

    def __init__(self):
        self._h = ffi.NULL

    def call(self):
        rc = _close(self._h)   # looked up as send_ping() looks up its function
        if rc < _INVALID:
            raise RuntimeError(rc)
        return rc


def call_costs(rounds, calls):
    """Interleaved rounds of the floor, send_ping() and try_recv()."""
    engine = ringengine.AudioEngine(backend="offline")
    nop = lib.engine_nop
    # engine_config_init(NULL) does nothing: the floor of a call that passes
    # one pointer, as send_ping() passes the engine's handle.
    nop_1, null = lib.engine_config_init, ffi.NULL
    overhead = clock_overhead_ns()
    method = MethodFloor().call
    # send_ping() without its method: the cffi call of engine_send_ping on the
    # handle, so that send_ping() minus this is the Python method's part and
    # this minus floor_1arg is the library's (lock, ring push).
    send_ping_raw, handle = lib.engine_send_ping, engine._h
    samples = {"floor": [], "floor_1arg": [], "floor_method": [], "send_ping_raw": [],
               "send_ping": [], "try_recv": [], "try_recv_empty": []}
    means = {k: [] for k in samples}
    for _ in range(rounds):
        # send_ping: the ring has room for `calls` pings (capacity 1024).
        engine.process()
        engine.recv_many(1024)
        per_call(nop, calls, overhead, samples["floor"])
        per_call_1(nop_1, null, calls, overhead, samples["floor_1arg"])
        per_call(method, calls, overhead, samples["floor_method"])
        per_call(engine.send_ping, calls, overhead, samples["send_ping"])
        engine.process()
        engine.recv_many(1024)
        per_call_1(send_ping_raw, handle, calls, overhead, samples["send_ping_raw"])
        engine.process()
        per_call(engine.try_recv, calls, overhead, samples["try_recv"])
        per_call(engine.try_recv, calls, overhead, samples["try_recv_empty"])
        means["floor"].append(batch_mean(nop, calls))
        means["floor_1arg"].append(batch_mean_1(nop_1, null, calls))
        means["floor_method"].append(batch_mean(method, calls))
        means["send_ping"].append(batch_mean(engine.send_ping, calls))
        engine.process()
        engine.recv_many(1024)
        means["send_ping_raw"].append(batch_mean_1(send_ping_raw, handle, calls))
        engine.process()
        means["try_recv"].append(batch_mean(engine.try_recv, calls))
        means["try_recv_empty"].append(batch_mean(engine.try_recv, calls))
    engine.close()
    result = {}
    for name, xs in samples.items():
        xs.sort()
        ms = sorted(means[name])
        result[name] = {"median_ns": percentile(xs, 50), "p99_ns": percentile(xs, 99),
                        "batch_mean_ns": round(ms[len(ms) // 2], 1)}
    return result


def bulk_drain(rounds):
    """Median µs to drain 1024 waiting replies, three ways."""
    engine = ringengine.AudioEngine(backend="offline")

    def loop():
        for _ in range(1024):
            engine.try_recv()

    ways = {"try_recv_x1024": loop,
            "recv_many": lambda: engine.recv_many(1024),
            "recv_many_columns": lambda: engine.recv_many_columns(1024)}
    times = {k: [] for k in ways}
    for _ in range(rounds):
        for name, fn in ways.items():
            engine.send_pings(1024)
            engine.process()
            t0 = clock()
            fn()
            times[name].append(clock() - t0)
            assert engine.stats.pongs_sent == engine.stats.pongs_received
    engine.close()
    med = {k: sorted(v)[len(v) // 2] / 1000 for k, v in times.items()}
    return {k: {"median_us": round(v, 1), "speedup": round(med["try_recv_x1024"] / v, 1)}
            for k, v in med.items()}


def round_trips(backend, count, api=None):
    report = ping(backend, count, rate=1000, api=api, samples=True)
    if "error" in report:
        raise SystemExit("python_bench: %s: %s" % (backend, report["error"]))
    block_ms = report["block_frames"] * 1000 / report["sample_rate"]
    report["block_ms"] = round(block_ms, 3)
    report["target_p99_ms"] = round(block_ms + 1, 3)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (for CI)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--plot", help="write the round-trip distribution (PNG) here")
    parser.add_argument("--jack", action="store_true", help="also measure through JACK")
    args = parser.parse_args(argv)

    rounds, calls, pings = (5, 200, 300) if args.quick else (60, 1000, 3000)
    impl = "%s %s" % (platform.python_implementation(), platform.python_version())
    results = {"python": impl, "calls": call_costs(rounds, calls), "bulk": bulk_drain(rounds)}
    results["rtt"] = {"null": round_trips("null", pings)}
    if args.jack:
        results["rtt"]["jack"] = round_trips("jack", pings)

    c = results["calls"]
    floor = c["floor"]["batch_mean_ns"]
    print("Python path on %s (ns per call; median and p99 per call, clock cost removed;"
          " batch mean)" % impl)
    for name in ("floor", "floor_1arg", "floor_method", "send_ping", "try_recv",
                 "try_recv_empty"):
        r = c[name]
        print("  %-15s median %5s  p99 %6s  batch mean %7.1f  (%.2fx floor)"
              % (name, r["median_ns"], r["p99_ns"], r["batch_mean_ns"],
                 r["batch_mean_ns"] / floor))
    print("Draining 1024 replies (median us, speed-up over 1024 try_recv calls)")
    for name, r in results["bulk"].items():
        print("  %-18s %8.1f us  %5.1fx" % (name, r["median_us"], r["speedup"]))
    print("Round trip Python -> audio callback -> Python (ms)")
    for name, r in results["rtt"].items():
        print("  %-5s %s: p50 %s  p99 %s  max %s  (target p99 <= %s: block %s + 1)  %d/%d pongs"
              % (name, r["device"], r["rtt_ms_p50"], r["rtt_ms_p99"], r["rtt_ms_max"],
                 r["target_p99_ms"], r["block_ms"], r["pongs_received"], r["pings_sent"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.plot:
        plot(results, args.plot, pings)
    return 0


def plot(results, path, pings):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    for name in results["rtt"]:
        samples = results["rtt"][name].get("rtt_samples_ms")
        if samples:
            ax.hist(samples, bins=60, alpha=0.6, label="%s (p99 %.2f ms)"
                    % (name, results["rtt"][name]["rtt_ms_p99"]))
        block = results["rtt"][name]["block_ms"]
    ax.axvline(block + 1, color="k", linestyle="--", label="block + 1 ms")
    ax.set_xlabel("round trip, ms (Python send_ping -> audio callback -> recv)")
    ax.set_ylabel("pings")
    ax.set_title("ringengine round-trip latency, %d pings at 1000/s" % pings)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    sys.exit(main())
