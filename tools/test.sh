#!/usr/bin/env bash
# Quick start, step 2: build if needed and run every test.
#   - meson test: the GoogleTest suites, the C99 header build, the ABI check
#   - pytest on CPython, and again on PyPy (the same package, unchanged)
#   - meson install into a fresh prefix, used through pkg-config, the
#     installed Python package and ctypes (tests/install)
#   - a 5-second soak (tools/soak.py)
#   - unless --quick: the GoogleTest and pytest suites under ASan+UBSan and
#     under TSan (tools/sanitize.sh), the real-callback tests under
#     RealtimeSanitizer (tools/rtsan.sh), and 100000 fuzzing runs of the C
#     ABI (tools/fuzz.sh)
# Ends with one line "total: N passed, N failed, N skipped" over all of it;
# exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
bash tools/build.sh || exit 1

results=build/test-results
rm -rf "$results" && mkdir -p "$results"
status=0
dirs=(build)

echo "== meson test (GoogleTest, C header, ABI)"
meson test -C build --print-errorlogs || status=1

echo "== pytest (CPython)"
/usr/bin/python3 -m pytest tests/python -q -p no:cacheprovider \
  --junitxml="$results/pytest.xml" || status=1

if command -v pypy3 >/dev/null; then
  echo "== pytest (PyPy)"
  pypy3 -m pytest tests/python -q -p no:cacheprovider \
    --junitxml="$results/pytest-pypy.xml" || status=1
fi

echo "== install into a fresh prefix (pkg-config, C, Python, ctypes)"
/usr/bin/python3 -m pytest tests/install -q -p no:cacheprovider \
  --junitxml="$results/install.xml" || status=1

echo "== soak (5 s)"
soak=0
/usr/bin/python3 tools/soak.py --seconds 5 > "$results/soak.log" 2>&1 || soak=$?
cat "$results/soak.log"
/usr/bin/python3 tools/junit.py "$results/soak.xml" "soak (5 s)" "$soak" "$results/soak.log"
((soak == 0)) || status=1

if ((!quick)); then
  for kind in asan tsan; do
    echo "== sanitizer: $kind"
    bash tools/sanitize.sh "$kind" || status=1
    dirs+=("build-$kind")
  done
  echo "== RealtimeSanitizer: the engine in null, offline, JACK and PulseAudio callbacks"
  bash tools/rtsan.sh || status=1
  dirs+=(build-rtsan)
  echo "== fuzzing the C ABI"
  bash tools/fuzz.sh 100000 || status=1
  dirs+=(build-fuzz)
fi

echo "== summary"
/usr/bin/python3 tools/summarize.py "${dirs[@]}" || status=1
exit $status
