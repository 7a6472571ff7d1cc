"""Round trip Python -> audio callback -> Python on whatever server runs now,
for one backend, added to a JSON file of results by label. tools/bench.sh
runs it under tools/audio_servers.py once per server (JACK, PulseAudio,
PipeWire's Pulse and JACK layers) and once on the null backend.

Usage: server_rtt.py OUT.json LABEL BACKEND [API] [--quick]
At 200 pings a second, each awaited (the issue's steady state), after the
first pong; the start-up (constructor to first pong) is reported apart.
"""
import json
import os
import sys

from measure import ping


def main(argv):
    quick = "--quick" in argv
    args = [a for a in argv[1:] if a != "--quick"]
    out, label, backend = args[:3]
    api = args[3] if len(args) > 3 else None
    r = ping(backend, 300 if quick else 2000, rate=200, api=api)
    results = {}
    if os.path.exists(out):
        with open(out) as f:
            results = json.load(f)
    results[label] = {k: v for k, v in r.items() if k != "rtt_samples_ms"}
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    if "error" in r:
        print("  %-15s %s" % (label, r["error"]))
        return 1
    print("  %-15s %-22s first pong %8.3f ms  p50 %6.3f  p99 %6.3f  max %6.3f ms  latency %.2f ms"
          % (label, r["device"], r["first_pong_ms"], r["rtt_ms_p50"], r["rtt_ms_p99"],
             r["rtt_ms_max"], r["latency_ms"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
