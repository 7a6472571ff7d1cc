"""Checks the shared library's ABI surface: it exports engine_* and nothing
else, it does not link libpython, and its soname carries the ABI major.

Usage: check_symbols.py LIBRARY ABI_MAJOR
"""
import subprocess
import sys


def main(library, abi_major):
    dynsym = subprocess.run(
        ["nm", "-D", "--defined-only", library],
        check=True, capture_output=True, text=True).stdout
    exported = [line.split()[-1] for line in dynsym.splitlines() if line.strip()]
    stray = [name for name in exported if not name.startswith("engine_")]
    problems = []
    if stray:
        problems.append("exports symbols outside engine_*: " + ", ".join(stray))
    for required in ("engine_create", "engine_send_ping", "engine_try_recv", "engine_destroy"):
        if required not in exported:
            problems.append("does not export " + required)

    dynamic = subprocess.run(
        ["readelf", "-d", library], check=True, capture_output=True, text=True).stdout
    needed = [line for line in dynamic.splitlines() if "(NEEDED)" in line]
    if any("libpython" in line for line in needed):
        problems.append("links libpython: " + " ".join(needed))
    soname = [line for line in dynamic.splitlines() if "(SONAME)" in line]
    if not soname or ("libringengine.so.%s]" % abi_major) not in soname[0]:
        problems.append("soname is not libringengine.so.%s: %s" % (abi_major, soname))

    for problem in problems:
        print("FAIL:", problem)
    print("%d symbols exported, %d NEEDED entries checked" % (len(exported), len(needed)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
