#!/usr/bin/env python3
"""Fails when a CTest run skipped a test.

make test promises that every test runs on a fresh Debian 12 machine
(scripts/install-deps.sh installs what they need), so a skipped test is a
gap in coverage, not a pass. Reads the JUnit file of `ctest --output-junit`.

Usage: check_no_skips.py JUNIT_XML
"""

import sys
import xml.etree.ElementTree as ElementTree


def skipped_tests(junit_path):
    """Names of the test cases the JUnit file records as skipped."""
    root = ElementTree.parse(junit_path).getroot()
    return [case.get("name") for case in root.iter("testcase")
            if case.find("skipped") is not None]


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    skipped = skipped_tests(argv[1])
    for name in skipped:
        print(f"SKIPPED {name}", file=sys.stderr)
    if skipped:
        print(f"{len(skipped)} test(s) skipped: every test must run "
              f"(scripts/install-deps.sh installs what they need)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
