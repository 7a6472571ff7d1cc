"""Command-line tools: python3 -m ringengine {ping,devices} [options]

ping     starts an engine, sends pings at a steady rate, collects the pongs
         and reports the backend chosen, the cost of send_ping(), the
         round-trip latency and every drop count. Exits 1 when a ping went
         unanswered.
devices  lists the output devices, the one `auto` would open marked '>'.
"""
import argparse
import json
import sys
import time

from . import (BACKENDS, AudioEngine, EngineError, EngineTimeoutError, RingFullError,
               __version__, query_devices)

clock = time.perf_counter_ns


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil(n * p / 100)
    return sorted_values[min(rank, len(sorted_values)) - 1]


def clock_overhead_ns(samples=2000):
    """Median cost of reading the clock, subtracted from each timed call."""
    diffs = []
    for _ in range(samples):
        t0 = clock()
        diffs.append(clock() - t0)
    diffs.sort()
    return diffs[len(diffs) // 2]


def run_ping(engine, count, rate, keep_samples=False):
    """Sends `count` pings at `rate` per second; returns the measurements
    (with every round trip, in ms, under "rtt_samples_ms" if keep_samples)."""
    overhead = clock_overhead_ns()
    period_ns = int(1e9 / rate)
    offline = engine.backend == "offline"
    sent_at = {}      # seq -> clock() when sent
    costs, rtts = [], []
    rejected = 0

    def take(pong, now):
        t0 = sent_at.pop(pong.seq, None)
        if t0 is not None:
            rtts.append(now - t0)

    start = clock()
    for i in range(count):
        # Until this ping is due, wait for pongs (recv sleeps between polls).
        due = start + i * period_ns
        while True:
            left = due - clock()
            if left <= 0:
                break
            try:
                pong = engine.recv(timeout=left / 1e9)
            except EngineTimeoutError:
                break
            take(pong, clock())
        t0 = clock()
        try:
            seq = engine.send_ping()
        except RingFullError:
            rejected += 1
            continue
        t1 = clock()
        costs.append(max(0, t1 - t0 - overhead))
        sent_at[seq] = t0
        if offline:
            engine.process()
        pong = engine.try_recv()
        while pong is not None:
            take(pong, clock())
            pong = engine.try_recv()

    # The last pongs: allow 3 s (a sound server may take seconds to start a
    # stream), or four blocks if those are longer.
    grace_ns = max(3_000_000_000, 4 * engine.block_frames * 1_000_000_000 // engine.sample_rate)
    deadline = clock() + grace_ns
    while sent_at and clock() < deadline:
        try:
            pong = engine.recv(timeout=max(0, deadline - clock()) / 1e9)
        except EngineTimeoutError:
            break
        take(pong, clock())

    costs.sort()
    rtts.sort()
    stats = engine.stats

    def ms(ns):
        return None if ns is None else round(ns / 1e6, 3)

    report = {
        "backend": engine.backend,
        "device": engine.device,
        "note": engine.note,
        "sample_rate": engine.sample_rate,
        "block_frames": engine.block_frames,
        "capacity": engine.capacity,
        "count": count,
        "rate": rate,
        "pings_sent": len(costs),
        "pongs_received": len(rtts),
        "pings_rejected": stats.pings_rejected,
        "pongs_dropped": stats.pongs_dropped,
        "xruns": stats.xruns,
        "send_ping_ns_median": percentile(costs, 50),
        "send_ping_ns_p99": percentile(costs, 99),
        "rtt_ms_p50": ms(percentile(rtts, 50)),
        "rtt_ms_p99": ms(percentile(rtts, 99)),
        "rtt_ms_max": ms(rtts[-1] if rtts else None),
        "warnings": engine.pop_warnings(),
    }
    if keep_samples:
        report["rtt_samples_ms"] = [ns / 1e6 for ns in rtts]
    return report


def print_report(r, out):
    block_ms = r["block_frames"] * 1000 / r["sample_rate"]
    print("ringengine %s: backend %s, device %r" % (__version__, r["backend"], r["device"]), file=out)
    if r["note"]:
        print("  (%s)" % r["note"], file=out)
    print("  %d Hz, blocks of %d frames (%.2f ms), rings of %d messages"
          % (r["sample_rate"], r["block_frames"], block_ms, r["capacity"]), file=out)
    print("%d pings sent at %g/s, %d pongs received"
          % (r["pings_sent"], r["rate"], r["pongs_received"]), file=out)

    def num(v, fmt):
        return "n/a" if v is None else fmt % v

    print("send_ping():  median %s, p99 %s" % (num(r["send_ping_ns_median"], "%d ns"),
                                               num(r["send_ping_ns_p99"], "%d ns")), file=out)
    print("round trip:   p50 %s, p99 %s, max %s" % (num(r["rtt_ms_p50"], "%.3f ms"),
                                                    num(r["rtt_ms_p99"], "%.3f ms"),
                                                    num(r["rtt_ms_max"], "%.3f ms")), file=out)
    print("drops:        pings_rejected %d, pongs_dropped %d, xruns %d"
          % (r["pings_rejected"], r["pongs_dropped"], r["xruns"]), file=out)
    for warning in r["warnings"]:
        print("warning: %s" % warning, file=out)


def print_devices(devices, out):
    """Prints devices as python -m sounddevice does: the one `auto` would open
    (the first API's default) marked '>'."""
    if not devices:
        print("no output devices found (%s)" % (devices.notes or "no audio API answered"), file=out)
        return
    chosen = next((d for d in devices if d.is_default and d.api == devices[0].api), devices[0])
    for i, d in enumerate(devices):
        mark = ">" if d is chosen else " "
        default = ", default" if d.is_default else ""
        print("%s %2d %s, %s (%d out%s)" % (mark, i, d.name, d.api, d.output_channels, default),
              file=out)
    if devices.notes:
        print("(%s)" % devices.notes, file=out)


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, not %d" % value)
    return value


def positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0, not %s" % text)
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m ringengine",
                                     description="ringengine command-line tools")
    commands = parser.add_subparsers(dest="command", required=True)
    ping = commands.add_parser(
        "ping", help="ping the audio thread and report costs and latency",
        description="Start an engine, send pings at a steady rate, collect the pongs, and "
                    "report the backend, the cost of send_ping() (clock overhead "
                    "subtracted), the round-trip latency and every drop count. Exits 1 "
                    "when a ping went unanswered.")
    ping.add_argument("--backend", choices=list(BACKENDS), default="auto")
    ping.add_argument("--device", help="output device name or unique substring")
    ping.add_argument("--api", help="RtAudio API: jack, pulse or alsa "
                                    "(default: $RINGENGINE_API, else each in that order)")
    ping.add_argument("--count", type=positive_int, default=1000, help="pings to send (1000)")
    ping.add_argument("--rate", type=positive_float, default=1000.0,
                      help="pings per second (1000)")
    ping.add_argument("--sample-rate", type=positive_int, default=48000)
    ping.add_argument("--block-frames", type=positive_int, default=256)
    ping.add_argument("--json", action="store_true", help="print one JSON object")
    devices = commands.add_parser(
        "devices", help="list the output devices",
        description="List the output devices of every audio API (or of --api), the one "
                    "backend 'auto' would open marked '>'. Says so when no server runs.")
    devices.add_argument("--api", help="jack, pulse or alsa (default: all)")
    args = parser.parse_args(argv)

    if args.command == "devices":
        try:
            print_devices(query_devices(args.api), sys.stdout)
        except EngineError as e:
            print("ringengine: %s" % e, file=sys.stderr)
            return 2
        return 0

    try:
        with AudioEngine(backend=args.backend, device=args.device, api=args.api,
                         sample_rate=args.sample_rate, block_frames=args.block_frames) as engine:
            report = run_ping(engine, args.count, args.rate)
    except EngineError as e:
        print("ringengine: %s" % e, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report, sys.stdout)
    return 0 if report["pongs_received"] == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
