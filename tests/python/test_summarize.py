"""tools/summarize.py, the closing lines of every CI run: the counts, and
under each failed pytest case the first lines of its error, from Meson's
logs of a build directory (here made up, in the formats Meson writes)."""
import json
import subprocess
import sys

from conftest import ROOT

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="ringengine:python / pytest">
<testcase name="1 - tests/python/test_a.py::test_holds" classname="ringengine.ringengine:python / pytest"/>
<testcase name="2 - tests/python/test_a.py::test_breaks" classname="ringengine.ringengine:python / pytest"><failure/></testcase>
<testcase name="3 - tests/python/test_a.py::test_skipped" classname="ringengine.ringengine:python / pytest"><skipped/></testcase>
</testsuite></testsuites>
"""

TEXT_LOG = """ok 1 - tests/python/test_a.py::test_holds
not ok 2 - tests/python/test_a.py::test_breaks
# tests/python/test_a.py:9: in test_breaks
#     assert trip <= 512
# E   AssertionError: [(2160, 1420, 256)]
# E   assert 740 <= 512
ok 3 - tests/python/test_a.py::test_skipped # SKIP no server
"""


def summarize(build):
    return subprocess.run([sys.executable, "%s/tools/summarize.py" % ROOT, str(build)],
                          capture_output=True, text=True, timeout=60)


def test_a_failed_case_is_named_with_its_error(tmp_path):
    logs = tmp_path / "meson-logs"
    logs.mkdir()
    (logs / "testlog.junit.xml").write_text(JUNIT)
    (logs / "testlog.txt").write_text(TEXT_LOG)
    (logs / "testlog.json").write_text(json.dumps({"name": "ringengine:python / pytest",
                                                   "result": "FAIL"}) + "\n")
    run = summarize(tmp_path)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0].endswith("1 passed, 1 failed, 1 skipped")
    assert lines[1] == "    failed: 2 - tests/python/test_a.py::test_breaks"
    assert lines[2:4] == ["        E   AssertionError: [(2160, 1420, 256)]",
                          "        E   assert 740 <= 512"]
    assert lines[4] == "    meson test not OK: ringengine:python / pytest"
    assert lines[-1] == "total: 1 passed, 1 failed, 1 skipped"


def test_a_build_with_no_log_counts_as_a_failure(tmp_path):
    run = summarize(tmp_path)
    assert run.returncode == 1
    assert run.stdout.splitlines()[-1] == "total: 0 passed, 1 failed, 0 skipped"
