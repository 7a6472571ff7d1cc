"""Generates ringengine/_cdef.py from the C header, so the binding's view of
the ABI has a single hand-written source: capi/ringengine.h.

Takes what stands between the header's `cdef-begin` and `cdef-end` markers,
drops the comments but the header's area banners (`/* ==== N. Area ==== */`,
kept as `/* N. Area */` so the cdef reads in the header's areas; cffi skips
comments), and keeps the rest (declarations and integer #defines, which cffi
parses as they are).

Usage: gen_cdef.py [HEADER [OUTPUT]]   (default: the repository's files)
A test regenerates the file and fails if the committed copy differs.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_HEADER = os.path.join(HERE, os.pardir, "capi", "ringengine.h")
DEFAULT_OUTPUT = os.path.join(HERE, "ringengine", "_cdef.py")


def cdef_from_header(text):
    begin = text.index("/* cdef-begin */") + len("/* cdef-begin */")
    end = text.index("/* cdef-end */")
    body = re.sub(r"/\* ==== (.*?) =+ \*/", "\0\\1\0", text[begin:end])
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    body = re.sub(r"\0(.*?)\0", "/* \\1 */", body)
    lines = [line.rstrip() for line in body.splitlines()]
    out, blank = [], True
    for line in lines:
        if not line.strip():
            if not blank:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    return "\n".join(out).strip() + "\n"


def render(cdef):
    return (
        '"""The C declarations cffi needs, generated from capi/ringengine.h by\n'
        "pyffi/gen_cdef.py. Do not edit: change the header and regenerate.\n"
        '"""\n\n'
        'CDEF = """\n' + cdef + '"""\n')


def main(argv):
    header = argv[1] if len(argv) > 1 else DEFAULT_HEADER
    output = argv[2] if len(argv) > 2 else DEFAULT_OUTPUT
    with open(header) as f:
        text = render(cdef_from_header(f.read()))
    with open(output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
