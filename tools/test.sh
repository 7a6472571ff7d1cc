#!/usr/bin/env bash
# Quick start, step 2: build if needed and run every test, all of it through
# `meson test` (tests/meson.build says what each suite proves):
#   - build/: the GoogleTest suites, the C header and example builds, the
#     exported-symbol check, the real-time test on JACK and PulseAudio,
#     pytest on CPython and on PyPy, the install into a fresh prefix, a
#     5-second soak
#   - build-no-rubberband/: the key-lock tests of a build without Rubber
#     Band (-Drubberband=disabled), which must refuse key lock clearly
#   - unless --quick: the same under ASan+UBSan and under TSan
#     (tools/sanitize.sh), the real-callback tests under RealtimeSanitizer
#     (tools/rtsan.sh), 100000 fuzzing runs of the C ABI (tools/fuzz.sh),
#     and the mutation check (tools/mutants.sh: every planted bug in
#     tools/mutants/ must fail the tests that cover its part)
# Ends with one line "total: N passed, N failed, N skipped" over all of it,
# added up from Meson's own logs; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1
bash tools/build.sh || exit 1
status=0
dirs=(build)

echo "== build: meson test"
meson test -C build --print-errorlogs || status=1

echo "== build-no-rubberband: meson test --suite keylock"
norb=build-no-rubberband
if [[ ! -f $norb/build.ninja ]]; then
  meson setup "$norb" -Drubberband=disabled -Dbenchmarks=disabled >&2 || status=1
fi
meson compile -C "$norb" ringengine >&2 &&
  meson test -C "$norb" --no-rebuild --suite keylock --print-errorlogs || status=1
dirs+=("$norb")

if ((!quick)); then
  for kind in asan tsan; do
    echo "== build-$kind: meson test"
    bash tools/sanitize.sh "$kind" || status=1
    dirs+=("build-$kind")
  done
  echo "== build-rtsan: meson test (RealtimeSanitizer)"
  bash tools/rtsan.sh || status=1
  dirs+=(build-rtsan)
  echo "== build-fuzz: meson test --suite fuzz"
  bash tools/fuzz.sh 100000 || status=1
  dirs+=(build-fuzz)
  echo "== build-mutants: tools/mutants.sh (each planted bug must fail its tests)"
  start=$SECONDS
  bash tools/mutants.sh || status=1
  echo "mutants phase: $((SECONDS - start)) s"
  dirs+=(build-mutants)
fi

echo "== summary"
/usr/bin/python3 tools/summarize.py "${dirs[@]}" || status=1
exit $status
