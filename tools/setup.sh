#!/usr/bin/env bash
# Quick start, step 1: on a fresh Debian 12 machine, install what is missing
# (one apt-get command), build, and run the main job:
#     python3 -m ringengine ping
# Extra arguments go to `ping` (try --help). --no-run stops after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh

run=1
if [[ "${1:-}" == "--no-run" ]]; then run=0; shift; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  # The whole list in one command, so apt resolves jackd2 and librtaudio-dev together.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${PACKAGES[@]}" >&2
fi

bash tools/build.sh

if ((run)); then
  PYTHONPATH="$PWD/pyffi" exec /usr/bin/python3 -m ringengine ping "$@"
fi
