"""Checks the shared library's ABI surface: it exports exactly the symbols
listed in capi/ringengine.symbols (libdrm's way: adding or removing a public
function is a deliberate edit of that list), each of them declared in the
header, it does not link libpython, and its soname carries the ABI major.

Usage: check_symbols.py LIBRARY ABI_MAJOR SYMBOL_LIST HEADER
"""
import re
import subprocess
import sys


def main(library, abi_major, symbol_list, header):
    dynsym = subprocess.run(
        ["nm", "-D", "--defined-only", library],
        check=True, capture_output=True, text=True).stdout
    exported = [line.split()[-1] for line in dynsym.splitlines() if line.strip()]
    with open(symbol_list) as f:
        expected = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    with open(header) as f:
        declared = set(re.findall(r"\b(engine_\w+)\s*\(", f.read()))
    problems = []
    for name in sorted(set(exported) - expected):
        problems.append("exports %s, which is not in %s" % (name, symbol_list))
    for name in sorted(expected - set(exported)):
        problems.append("does not export %s, listed in %s" % (name, symbol_list))
    for name in sorted(expected - declared):
        problems.append("%s is not declared in %s" % (name, header))
    for required in ("engine_create", "engine_send_ping", "engine_try_recv"):
        if required not in expected:
            problems.append("%s, a name the project was asked for, is gone" % required)

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
    sys.exit(main(*sys.argv[1:5]))
