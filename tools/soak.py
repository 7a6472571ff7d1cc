"""Soak: ping at full rate on the null backend for a while, draining the
replies, then check that the counters balance and resident memory stayed flat.

Usage: python3 tools/soak.py [--seconds 60] [--json]
Exits 1 when a check fails. CI runs a short version (--seconds 5).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "pyffi"))

from ringengine import AudioEngine, RingFullError  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
RSS_SLACK = 4 << 20  # growth allowed past the warm-up: 4 MiB


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def soak(seconds):
    refused = received = 0
    samples = []  # (t, rss)
    with AudioEngine(backend="null") as engine:
        start = time.monotonic()
        warm = start + min(2.0, seconds / 5)
        baseline = None
        next_sample = start
        while True:
            now = time.monotonic()
            if now - start >= seconds:
                break
            try:
                engine.send_ping()
            except RingFullError:
                refused += 1
                received += len(engine.recv_many_columns()[0])
            if now >= next_sample:
                received += len(engine.recv_many_columns()[0])
                samples.append((round(now - start, 2), rss_bytes()))
                next_sample = now + 0.25
                if baseline is None and now >= warm:
                    baseline = samples[-1][1]
        # Drain: wait until the audio thread took everything, then take the rest.
        deadline = time.monotonic() + 10
        while engine.stats.pings_handled < engine.stats.pings_sent and time.monotonic() < deadline:
            time.sleep(0.01)
        received += len(engine.recv_many_columns(1 << 20)[0])
        stats = engine.stats

    final = samples[-1][1]
    checks = {
        "every refused ping raised RingFullError": stats.pings_rejected == refused,
        "every accepted ping was handled": stats.pings_handled == stats.pings_sent,
        "every pong received or counted dropped":
            received + stats.pongs_dropped == stats.pings_sent,
        "pongs received match the counter": stats.pongs_received == received,
        "resident memory flat after warm-up": final - baseline <= RSS_SLACK,
    }
    return {
        "seconds": seconds,
        "pings_sent": stats.pings_sent,
        "pings_per_second": round(stats.pings_sent / seconds),
        "pings_rejected": stats.pings_rejected,
        "pongs_received": received,
        "pongs_dropped": stats.pongs_dropped,
        "callbacks": stats.callbacks,
        "xruns": stats.xruns,
        "rss_baseline_kib": baseline // 1024,
        "rss_final_kib": final // 1024,
        "checks": checks,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = soak(args.seconds)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            if key != "checks":
                print("%-18s %s" % (key, value))
        for name, ok in result["checks"].items():
            print("%s  %s" % ("ok  " if ok else "FAIL", name))
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
