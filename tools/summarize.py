"""Adds up every suite's results into one closing line:
    total: N passed, N failed, N skipped

Reads Meson's own logs of each build directory: its JUnit log has each
GoogleTest case and each pytest case (reported in TAP), and each other check
as one case. A Meson test that failed without a failing case in the log (a
crash before any case ran) counts as one failure, so nothing is ever counted
as passed that did not pass.

Usage: summarize.py BUILD_DIR [BUILD_DIR ...]
Each failed case is named under its build's line, with the first lines of
its error for a pytest case (the TAP diagnostics in testlog.txt), so the
last lines of a run say what broke and why. Exits 1 when anything failed or
nothing ran.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET


def junit_counts(path):
    """(passed, failed, skipped, names of the failed cases) of a JUnit XML file."""
    root = ET.parse(path).getroot()
    passed = failed = skipped = 0
    names = []
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            cls = case.get("classname", "")
            names.append(case.get("name", "?") if cls.startswith("ringengine")
                         else "%s.%s" % (cls, case.get("name", "?")))
        elif case.find("skipped") is not None or case.get("result") == "skipped":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, names


def meson_failures(build):
    """Names of the meson tests that did not pass."""
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        return []
    with open(log) as f:
        tests = [json.loads(line) for line in f if line.strip()]
    return [t["name"] for t in tests if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL")]


def pytest_errors(build, lines=4, width=1500):
    """{case name: its first `lines` error lines ("E ..."), each cut to
    `width` characters}, from the TAP diagnostics in the build's text log."""
    log = os.path.join(build, "meson-logs", "testlog.txt")
    errors, case = {}, None
    if not os.path.exists(log):
        return errors
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("not ok "):
                case = line[len("not ok "):].strip()
                errors[case] = []
            elif line.startswith("ok ") or not line.startswith("#"):
                case = None
            elif case is not None and line.startswith("# E ") and len(errors[case]) < lines:
                errors[case].append(line[2:].rstrip()[:width])
    return errors


def main(builds):
    totals = [0, 0, 0]
    for build in builds:
        log = os.path.join(build, "meson-logs", "testlog.junit.xml")
        if not os.path.exists(log):
            print("%-22s no test log" % (build + ":"))
            totals[1] += 1
            continue
        *counts, names = junit_counts(log)
        broken = meson_failures(build)
        if counts[1] == 0:
            counts[1] = len(broken)
        print("%-22s %d passed, %d failed, %d skipped" % (build + ":", *counts))
        errors = pytest_errors(build)
        for name in names:
            print("    failed: %s" % name)
            for line in errors.get(name, []):
                print("        %s" % line)
        for name in broken:  # a crash or a timeout shows here, with no case of its own
            print("    meson test not OK: %s" % name)
        totals = [a + b for a, b in zip(totals, counts)]
    print("total: %d passed, %d failed, %d skipped" % tuple(totals))
    return 1 if totals[1] or not totals[0] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["build"]))
