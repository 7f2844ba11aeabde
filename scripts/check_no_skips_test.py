#!/usr/bin/env python3
"""Tests of check_no_skips.py on JUnit files as CTest 3.25 writes them."""

import os
import subprocess
import sys
import tempfile
import unittest

CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "check_no_skips.py")

PASSED = ('<testcase name="A.Passes" classname="A.Passes" time="0.1" '
          'status="run"><system-out>ok</system-out></testcase>')
SKIPPED = ('<testcase name="A.Skips" classname="A.Skips" time="0.1" '
           'status="notrun"><skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"'
           '/><system-out>[  SKIPPED ]</system-out></testcase>')


def run_check(cases):
    with tempfile.NamedTemporaryFile("w", suffix=".xml") as junit:
        junit.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<testsuite name="Linux-c++" tests="{len(cases)}">'
                    f'{"".join(cases)}</testsuite>\n')
        junit.flush()
        return subprocess.run([sys.executable, CHECK, junit.name],
                              capture_output=True, text=True, check=False)


class CheckNoSkipsTest(unittest.TestCase):
    def test_a_run_without_skips_passes(self):
        self.assertEqual(run_check([PASSED, PASSED]).returncode, 0)

    def test_a_skipped_test_fails_the_run_and_is_named(self):
        result = run_check([PASSED, SKIPPED])
        self.assertEqual(result.returncode, 1)
        self.assertIn("SKIPPED A.Skips", result.stderr)
        self.assertNotIn("A.Passes", result.stderr)


if __name__ == "__main__":
    unittest.main()
