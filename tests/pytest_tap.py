"""A pytest plugin that reports in TAP, so that Meson (protocol: 'tap')
counts and logs each pytest case as it does each GoogleTest case:

    python3 -m pytest -p pytest_tap -p no:terminal tests/python

One line per test: `ok`, `not ok` (with the failure as a YAML-ish comment
block), `ok ... # SKIP reason`, `not ok ... # TODO xfail`; the plan last.
"""
import os

# Opened at import, before pytest captures the output of the tests.
_OUT = os.fdopen(os.dup(1), "w", buffering=1)
_count = [0]


def pytest_configure(config):
    # The options the terminal plugin would have added, which pytest's own
    # failure reports read (-p no:terminal leaves them out).
    for name, value in (("verbose", 0), ("tbstyle", "short"), ("showlocals", False),
                        ("reportchars", ""), ("fulltrace", False), ("color", "no"),
                        ("code_highlight", "no")):
        if not hasattr(config.option, name):
            setattr(config.option, name, value)


def _line(ok, nodeid, directive=""):
    _count[0] += 1
    _OUT.write("%s %d - %s%s\n" % ("ok" if ok else "not ok", _count[0], nodeid, directive))


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if hasattr(report, "wasxfail"):
            if report.skipped:
                _line(False, report.nodeid, " # TODO xfail: %s" % report.wasxfail)
            else:
                _line(report.passed, report.nodeid)  # a non-strict xpass
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            _line(True, report.nodeid, " # SKIP %s" % reason.replace("\n", " "))
        else:
            _line(report.passed, report.nodeid)
    elif report.when == "teardown" and report.failed:
        _line(False, report.nodeid + " (teardown)")
    if report.failed:
        for text in str(report.longrepr).splitlines()[-60:]:
            _OUT.write("# %s\n" % text)


def pytest_collectreport(report):
    if report.failed:
        _line(False, "collecting " + report.nodeid)
        for text in str(report.longrepr).splitlines()[-60:]:
            _OUT.write("# %s\n" % text)


def pytest_sessionfinish(session, exitstatus):
    _OUT.write("1..%d\n" % _count[0])
    _OUT.flush()
