#!/usr/bin/env bash
# Quick start, step 2: build if needed and run every test: the GoogleTest
# suites, the C header and ABI checks (meson test), and the pytest suite.
# Ends with one line "total: N passed, N failed, N skipped"; exits non-zero
# when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh || exit 1

results=build/test-results
rm -rf "$results" && mkdir -p "$results"
status=0

echo "== meson test (GoogleTest, C header, ABI)"
meson test -C build --print-errorlogs || status=1

echo "== pytest"
/usr/bin/python3 -m pytest tests/python -q -p no:cacheprovider \
  --junitxml="$results/pytest.xml" || status=1

/usr/bin/python3 tools/summarize.py build || status=1
exit $status
