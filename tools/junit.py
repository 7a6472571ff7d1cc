"""Writes a one-case JUnit file for a check that is not a test suite (the
fuzzer, the soak), so tools/summarize.py counts it.

Usage: junit.py OUT.xml NAME EXIT_STATUS [LOG]
"""
import sys
import xml.etree.ElementTree as ET


def main(out, name, status, log=None):
    suite = ET.Element("testsuite", name=name, tests="1")
    case = ET.SubElement(suite, "testcase", name=name)
    if int(status) != 0:
        failure = ET.SubElement(case, "failure", message="exit status %s" % status)
        if log:
            with open(log, errors="replace") as f:
                failure.text = f.read()[-4000:]
    ET.ElementTree(suite).write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
