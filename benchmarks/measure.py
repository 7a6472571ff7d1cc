"""What the Python benchmarks share: nearest-rank percentiles, the cost of
reading the clock, and the round trip measured by the package's own
`python3 -m ringengine ping` (run as a user runs it, in a process of its
own), so no benchmark reaches into the package's private modules."""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYFFI = os.path.join(HERE, os.pardir, "pyffi")

clock = time.perf_counter_ns


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, int(-(-len(sorted_values) * p // 100)))  # ceil(n * p / 100)
    return sorted_values[min(rank, len(sorted_values)) - 1]


def clock_overhead_ns(samples=2000):
    """Median cost of reading the clock, subtracted from each timed call."""
    diffs = []
    for _ in range(samples):
        t0 = clock()
        diffs.append(clock() - t0)
    diffs.sort()
    return diffs[len(diffs) // 2]


def ping(backend, count, rate, api=None, samples=False, python=None, prefix=()):
    """Runs `ping --json` in a process of its own; returns its report, or
    {"error": ...} when the command could not open the backend. `python`
    defaults to this interpreter; `prefix` runs it under, say, pw-jack."""
    command = list(prefix) + [python or sys.executable, "-m", "ringengine", "ping",
                              "--backend", backend, "--count", str(count),
                              "--rate", str(rate), "--json"]
    if api:
        command += ["--api", api]
    if samples:
        command.append("--samples")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PYFFI, env.get("PYTHONPATH")) if p)
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    if run.returncode == 2 or not run.stdout.strip():
        return {"error": run.stderr.strip() or "ping exited %d" % run.returncode}
    return json.loads(run.stdout)
