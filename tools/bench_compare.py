"""Runs the Google Benchmark executables of two builds -- OLD (say, the
commit before a change) and NEW -- alternately in one run, and prints per
case whether NEW stays within the noise OLD shows against itself
(issue 31, item 6: "nothing gets slower").

Usage:
    tools/bench_compare.py OLD_BUILD NEW_BUILD [--rounds N]
        [--benches voice_bench,mixer_bench,process_bench]
        [--json OUT.json] [-- EXTRA BENCHMARK ARGS]
    tools/bench_compare.py --report OUT.json    (the table again, from --json)

OLD_BUILD and NEW_BUILD are Meson build directories; each bench is run as
BUILD/benchmarks/NAME --benchmark_format=json, plus EXTRA BENCHMARK ARGS
(say --benchmark_filter=voices/steady). Every round runs each bench once
per side, OLD then NEW (old, new, old, new, ...), so a drift of the
machine's speed reaches both sides alike; rounds default to 9, at least 7.

The figure of a case is its `real_time` in one run (one repetition, Google
Benchmark's own iteration count), in ns: the wall time of one iteration,
which for the cases timed by hand (UseManualTime) is the timed region.
Only the cases both builds have are compared; a case on one side only is
listed as such.

Per case the script prints OLD's and NEW's median, min and max over the
rounds, and ratio = median(NEW) / median(OLD). The noise band is where
OLD's own runs fall around OLD's median:

    band = [min(OLD) / median(OLD), max(OLD) / median(OLD)]

The verdict is "within noise" when the ratio lies inside the band (the
median of NEW lies within the range of OLD's runs), "slower" when the
ratio is above the band, "faster" when below it. The paired column is
the median, min and max of NEW/OLD of the same round, and "new slower in"
counts the rounds whose NEW run took longer than their OLD run: a second
look at the same data, which moves less with slow drifts of the machine.
A shift smaller than the band but in the same direction in (nearly) every
round shows there, not in the verdict: with no difference, all R rounds
one way happen by chance with probability 2 / 2^R (1 in 1024 for 11).

Stdlib only; run with /usr/bin/python3.
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, "benchmarks"))
from report import machine  # noqa: E402  (the machine line of docs/benchmarks.md)

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
BENCHES = "voice_bench,mixer_bench,process_bench"


def run_bench(executable, extra):
    """{case: real time in ns} of one run of one executable."""
    run = subprocess.run([executable, "--benchmark_format=json"] + extra,
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s exited %d:\n%s" % (executable, run.returncode, run.stderr))
    out = {}
    for b in json.loads(run.stdout)["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or "error_occurred" in b:
            continue
        name = b["run_name"].replace("/manual_time", "").replace("/real_time", "")
        out.setdefault(name, []).append(b["real_time"] * UNIT_NS[b["time_unit"]])
    # With --benchmark_repetitions in EXTRA, a run's figure is its median.
    return {name: statistics.median(v) for name, v in out.items()}


def verdict(ratio, band):
    if ratio < band[0]:
        return "faster"
    if ratio > band[1]:
        return "slower"
    return "within noise"


def summarize(old, new):
    """The figures of one case from its per-round lists (same length)."""
    mo, mn = statistics.median(old), statistics.median(new)
    band = (min(old) / mo, max(old) / mo)
    ratio = mn / mo
    paired = [n / o for o, n in zip(old, new)]
    return {
        "old": {"median": mo, "min": min(old), "max": max(old), "runs": old},
        "new": {"median": mn, "min": min(new), "max": max(new), "runs": new},
        "ratio": ratio,
        "band": band,
        "paired": {"median": statistics.median(paired), "min": min(paired), "max": max(paired),
                   "new_slower": sum(1 for p in paired if p > 1), "rounds": len(paired)},
        "verdict": verdict(ratio, band),
    }


def fmt(ns):
    return "%.0f" % ns if ns >= 1000 else "%.1f" % ns if ns >= 10 else "%.2f" % ns


def table(results):
    lines = [
        "| case | old median ns (min .. max) | new median ns (min .. max) "
        "| new/old | noise band | verdict | paired new/old (min .. max) | new slower in |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for bench, cases in results.items():
        for name, r in cases.items():
            o, n, p = r["old"], r["new"], r["paired"]
            lines.append("| %s | %s (%s .. %s) | %s (%s .. %s) | %.3f | %.3f .. %.3f | %s "
                         "| %.3f (%.3f .. %.3f) | %d of %d |" % (
                             name, fmt(o["median"]), fmt(o["min"]), fmt(o["max"]),
                             fmt(n["median"]), fmt(n["min"]), fmt(n["max"]),
                             r["ratio"], r["band"][0], r["band"][1], r["verdict"],
                             p["median"], p["min"], p["max"], p["new_slower"], p["rounds"]))
    return "\n".join(lines)


def compare(runs):
    """Summaries of the cases both sides ran in every round, and a line for
    each case one side lacks."""
    results, only = {}, []
    for b, sides in runs.items():
        old_cases = set.intersection(*(set(x) for x in sides["old"]))
        new_cases = set.intersection(*(set(x) for x in sides["new"]))
        order = list(sides["new"][0]) + [c for c in sides["old"][0] if c not in sides["new"][0]]
        results[b] = {}
        for c in order:
            if c in old_cases and c in new_cases:
                results[b][c] = summarize([x[c] for x in sides["old"]],
                                          [x[c] for x in sides["new"]])
            else:
                only.append("%s: %s only in %s" % (b, c, "old" if c in old_cases else "new"))
    return results, only


def report(record):
    rounds = record["rounds"]
    results, only = compare(record["runs"])
    print("%s; %s" % (record["started"], record["machine"]))
    print("old: %s; new: %s; %d rounds, each running every bench old then new; figures are "
          "real time per iteration in ns, min .. max over the rounds."
          % (record["old"], record["new"], rounds))
    print("new/old = median(new) / median(old); noise band = [min(old), max(old)] / median(old); "
          "verdict: new/old inside the band = within noise, above = slower, below = faster.")
    print("paired = new/old of the same round; new slower in = rounds whose new run took "
          "longer (all %d one way by chance: p = %.2g).\n" % (rounds, 2 / 2 ** rounds))
    print(table(results))
    for line in only:
        print(line)
    return results, only


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", nargs="?", help="the OLD Meson build directory")
    parser.add_argument("new", nargs="?", help="the NEW Meson build directory")
    parser.add_argument("--rounds", type=int, default=9, help="rounds, at least 7 (default 9)")
    parser.add_argument("--benches", default=BENCHES, help="default " + BENCHES)
    parser.add_argument("--json", help="write every run's figures and the summary here")
    parser.add_argument("--report", metavar="JSON",
                        help="print the table again from a --json file; runs nothing")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:len(argv) - len(extra) - (1 if "--" in argv else 0)])
    if args.report:
        with open(args.report) as f:
            report(json.load(f))
        return
    if not (args.old and args.new):
        parser.error("OLD_BUILD and NEW_BUILD are needed (or --report)")
    if args.rounds < 7:
        parser.error("--rounds: at least 7")
    benches = args.benches.split(",")
    exe = {side: {b: os.path.join(d, "benchmarks", b) for b in benches}
           for side, d in (("old", args.old), ("new", args.new))}
    for side in exe:
        for b, path in exe[side].items():
            if not os.access(path, os.X_OK):
                sys.exit("%s: no executable %s" % (side, path))

    started = datetime.datetime.now(datetime.timezone.utc)
    runs = {b: {"old": [], "new": []} for b in benches}
    for r in range(args.rounds):
        for b in benches:
            for side in ("old", "new"):
                print("round %d/%d: %s %s" % (r + 1, args.rounds, side, b),
                      file=sys.stderr, flush=True)
                runs[b][side].append(run_bench(exe[side][b], extra))

    record = {"started": started.strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
              "rounds": args.rounds, "old": args.old, "new": args.new, "extra": extra,
              "runs": runs}
    results, only = report(record)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(record, results=results, only=only), f, indent=1)


if __name__ == "__main__":
    main()
