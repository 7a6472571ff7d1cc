#!/usr/bin/env bash
# Mutation check: every patch in tools/mutants/ plants one small bug (a
# stride dropped, a weight not squared, a unit slipped, ...) and the tests
# named in its "Test:" lines must fail on it. Each mutant is built in one
# build directory kept for the purpose (build-mutants/: a copy of the
# sources, built at -O1 without the server backends), rebuilt incrementally
# (only the files its patch and the previous one touched), and checked only
# by the tests that cover its part, stopping at the first failure.
#   tools/mutants.sh                 every mutant
#   tools/mutants.sh NAME [NAME...]  those whose file name contains a NAME
# First the unmutated copy must pass every command the mutants name (else a
# "kill" proves nothing). Then one line per mutant:
#   killed   NAME  by TEST  (N s)
#   SURVIVED NAME  (every test it names passed)
#   BROKEN   NAME  (its patch no longer applies, or it does not compile)
# and a last line "mutants: N killed, N survived, N broken". Exits 1 when
# any mutant survived or is broken, or the baseline failed. The results
# are also a JUnit log (build-mutants/meson-logs/testlog.junit.xml: a
# killed mutant passes), which tools/summarize.py adds to the total.
#
# A patch's leading lines (before "diff") say what it plants and:
#   Test: BINARY [GTEST FILTER]      a GoogleTest binary of tests/, filtered
#   Test: pytest FILE [-k EXPR]      pytest on tests/python/FILE
# Several Test: lines run in turn until one fails. A patch of a header
# (included everywhere: rebuilding all that includes it would take minutes a
# mutant) names the files to rebuild instead:
#   Rebuild: FILE...                 the source files that must see it
# The header then keeps an old timestamp, so Ninja rebuilds only those
# (and relinks): the tests named must reach the mutated code through them
# (a DSP stage's test calls the stage itself; the engine's files that call
# a recorder's capture are listed for a recorder's mutant).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/build-mutants
src=$work/src
build=$work/build
python=/usr/bin/python3
started=$SECONDS

# The sources, copied file by file, each rewritten only when it differs, so
# that a second run rebuilds only what changed.
mkdir -p "$src"
while IFS= read -r -d '' f; do
  [[ -f $f ]] || continue
  if ! cmp -s "$f" "$src/$f"; then
    mkdir -p "$src/$(dirname "$f")"
    cp "$f" "$src/$f"
  fi
done < <(git ls-files -z --cached --others --exclude-standard -- . ':!:build*')

if [[ ! -f $build/build.ninja ]]; then
  meson setup "$build" "$src" -Dbuildtype=plain -Doptimization=1 -Dbenchmarks=disabled \
    -Djack=disabled -Dpulse=disabled -Drtaudio=disabled >&2 || exit 1
fi

# The binary a Test: line needs built ("pytest": the library).
target_of() {
  case "$1" in
    pytest) echo ringengine ;;
    *) echo "$1" ;;
  esac
}

# Runs one Test: line ($@) against the build; prints the first failing
# test's name on failure. Returns the command's status.
run_test() {
  local kind=$1
  shift
  local out rc
  if [[ $kind == pytest ]]; then
    local file=$1
    shift
    out=$(cd "$src" && RINGENGINE_LIBRARY="$build/capi/libringengine.so.1.4.0" \
      PYTHONPATH="$src/pyffi:$src/tests" timeout 300 "$python" -m pytest -x -q \
      -p no:cacheprovider "tests/python/$file" "$@" 2>&1)
    rc=$?
    [[ $rc -ne 0 ]] && { grep -m1 -oE '^FAILED [^ ]+' <<<"$out" | sed 's/^FAILED //' || echo "pytest $file"; }
  else
    local filter=${1:-*}
    out=$(cd "$build" && timeout 300 "tests/$kind" --gtest_filter="$filter" --gtest_fail_fast \
      --gtest_brief=1 2>&1)
    rc=$?
    [[ $rc -ne 0 ]] && { grep -m1 -oE '\[  FAILED  \] [^ ,]+' <<<"$out" | sed 's/.*\] //' ||
      echo "$kind (exit $rc)"; }
  fi
  return $rc
}

# An old timestamp, for a header whose change must rebuild only what a
# patch names.
old_stamp=$work/old-stamp
touch -d '2001-01-01 00:00:00' "$old_stamp"

# The files a patch changes, and its Rebuild: files made to rebuild: the
# headers among the first aged, the second touched (also on the way back,
# so their objects are remade unmutated when next needed).
mark_rebuild() {
  local p=$1 f
  mapfile -t rebuild < <(sed -n 's/^Rebuild: *//p' "$p" | tr ' ' '\n' | sed '/^$/d')
  ((${#rebuild[@]} == 0)) && return 0
  while IFS= read -r f; do
    touch -r "$old_stamp" "$src/$f"
  done < <(sed -n 's|^+++ b/||p' "$p" | cut -f1)
  for f in "${rebuild[@]}"; do touch "$src/$f"; done
}

shopt -s nullglob
patches=()
for p in tools/mutants/*.patch; do
  name=$(basename "$p" .patch)
  if (($# > 0)); then
    keep=0
    for want in "$@"; do [[ $name == *"$want"* ]] && keep=1; done
    ((keep)) || continue
  fi
  patches+=("$p")
done
if ((${#patches[@]} == 0)); then
  echo "mutants: no patch in tools/mutants/ matches" >&2
  exit 2
fi

# The targets and the distinct commands of the mutants chosen.
declare -A targets=() commands=()
for p in "${patches[@]}"; do
  while IFS= read -r line; do
    read -r -a words <<<"$line"
    targets[$(target_of "${words[0]}")]=1
    commands[$line]=1
  done < <(sed -n 's/^Test: *//p' "$p")
done

echo "== mutants: building ${!targets[*]} (-O1) in $build" >&2
meson compile -C "$build" "${!targets[@]}" >&2 || exit 1

# The baseline: unmutated, every command passes.
baseline=0
for c in "${!commands[@]}"; do
  read -r -a words <<<"$c"
  if ! failed=$(run_test "${words[@]}"); then
    echo "baseline FAILED: $c ($failed): a mutant's kill would prove nothing"
    baseline=1
  fi
done
((baseline)) && exit 1
echo "== mutants: baseline passed (${#commands[@]} commands, $((SECONDS - started)) s so far)"

killed=0 survived=0 broken=0
cases=()
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' <<<"$1"; }
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  t0=$SECONDS
  verdict="" by=""
  if ! (cd "$src" && patch -p1 -s -f --dry-run <"$root/$p" >/dev/null 2>&1); then
    verdict=BROKEN by="its patch no longer applies"
  else
    (cd "$src" && patch -p1 -s -f <"$root/$p" >/dev/null)
    mark_rebuild "$p"
    mapfile -t tests < <(sed -n 's/^Test: *//p' "$p")
    want=()
    for t in "${tests[@]}"; do
      read -r -a words <<<"$t"
      want+=("$(target_of "${words[0]}")")
    done
    if ! meson compile -C "$build" $(printf '%s\n' "${want[@]}" | sort -u) >/dev/null 2>&1; then
      verdict=BROKEN by="it does not compile"
    else
      for t in "${tests[@]}"; do
        read -r -a words <<<"$t"
        if ! by=$(run_test "${words[@]}"); then
          verdict=killed
          break
        fi
      done
      [[ -z $verdict ]] && verdict=SURVIVED by="every test it names passed"
    fi
    (cd "$src" && patch -p1 -s -f -R <"$root/$p" >/dev/null) || {
      echo "mutants: could not take $name back out of $src" >&2
      exit 1
    }
    mark_rebuild "$p"
    rm -f "$src"/*.orig "$src"/*/*.orig
  fi
  secs=$((SECONDS - t0))
  case $verdict in
    killed) killed=$((killed + 1)); printf 'killed   %-34s by %s (%d s)\n' "$name" "$by" "$secs"
      cases+=("<testcase classname=\"mutants\" name=\"$name\" time=\"$secs\"/>") ;;
    SURVIVED) survived=$((survived + 1)); printf 'SURVIVED %-34s (%s)\n' "$name" "$by"
      cases+=("<testcase classname=\"mutants\" name=\"$name\" time=\"$secs\"><failure message=\"survived: $(xml_escape "$by")\"/></testcase>") ;;
    BROKEN) broken=$((broken + 1)); printf 'BROKEN   %-34s (%s)\n' "$name" "$by"
      cases+=("<testcase classname=\"mutants\" name=\"$name\" time=\"$secs\"><failure message=\"broken: $(xml_escape "$by")\"/></testcase>") ;;
  esac
done

mkdir -p "$work/meson-logs"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo "<testsuites><testsuite name=\"mutants\" tests=\"${#cases[@]}\">"
  printf '%s\n' "${cases[@]}"
  echo '</testsuite></testsuites>'
} >"$work/meson-logs/testlog.junit.xml"
: >"$work/meson-logs/testlog.json"

echo "mutants: $killed killed, $survived survived, $broken broken ($((SECONDS - started)) s)"
((survived == 0 && broken == 0))
