#!/usr/bin/env python3
"""Checks that README.md's promises are tied to tests that exist.

README.md's "Errors" and "Failure behaviour" tables are a contract; the
table in tests/README.md names, for each of their rows (by its first cell),
the tests that keep it: `file.cc: Suite.Test`, or `file.cc: (unit)` for a
unit test file as a whole. This check fails, listing every problem, when

* a row of README's tables is missing from tests/README.md, or
  tests/README.md names a row README no longer has;
* a named file does not exist, or does not define the named test
  (TEST, TEST_F or TEST_P with that suite and name);
* a row has no end-to-end test (tests/integration/) and is not listed under
  "Unit tests only", or is listed there but has one.

Run by `make test` (ctest: readme_contract_check); with --self-test it
breaks the tables in memory a few ways and fails unless each is caught
(ctest: readme_contract_check_catches_breakage).

    check_readme_contract.py --source-dir REPO [--self-test]
"""

import argparse
import os
import re
import sys

README_SECTIONS = ("## Errors", "## Failure behaviour")
SEARCHED = ("tests", "gateway")


def table_rows(text, section):
    """First cells of the table rows in `section` of a Markdown text."""
    start = text.find("\n" + section + "\n")
    if start < 0:
        return None
    end = text.find("\n## ", start + len(section) + 2)
    body = text[start:end if end >= 0 else len(text)]
    rows = []
    for line in body.splitlines():
        if not line.startswith("| ") or set(line) <= set("|- "):
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # the header goes


def contract(text):
    """({README row: [(file, test or None)]}, {rows listed as unit only})."""
    rows = table_rows(text, "## README's promises and the tests that keep them")
    tests = {}
    for cells in rows or []:
        entries = []
        for entry in cells[1].split(", ") if len(cells) > 1 else []:
            match = re.fullmatch(r"(\w+\.cc): (?:(\w+\.\w+)|\(unit\))", entry)
            entries.append((match.group(1), match.group(2)) if match
                           else (entry, "?"))
        tests[cells[0]] = entries
    unit_only = set()
    start = text.find("### Unit tests only")
    if start >= 0:
        for line in text[start:].splitlines():
            if line.startswith("- "):
                unit_only.add(line[2:].strip())
    return tests, unit_only


def find_file(root, name):
    for top in SEARCHED:
        for directory, _, files in os.walk(os.path.join(root, top)):
            if "node_modules" in directory:
                continue
            if name in files:
                return os.path.join(directory, name)
    return None


def check(root, readme, tests_readme):
    problems = []
    promised = []
    for section in README_SECTIONS:
        rows = table_rows(readme, section)
        if rows is None:
            problems.append(f"README.md has no section {section!r}")
            continue
        promised.extend(cells[0] for cells in rows)
    tests, unit_only = contract(tests_readme)
    for row in promised:
        if row not in tests:
            problems.append(f"README row {row!r} names no test in "
                            "tests/README.md")
    for row in tests:
        if row not in promised:
            problems.append(f"tests/README.md names a row README.md does not "
                            f"have: {row!r}")
    sources = {}
    for row, entries in tests.items():
        end_to_end = False
        if not entries:
            problems.append(f"{row!r}: no test")
        for name, test in entries:
            if test == "?":
                problems.append(f"{row!r}: {name!r} is not "
                                "'file.cc: Suite.Test' or 'file.cc: (unit)'")
                continue
            path = find_file(root, name)
            if path is None:
                problems.append(f"{row!r}: no file {name}")
                continue
            if test is None:
                continue
            if path not in sources:
                with open(path, encoding="utf-8") as f:
                    sources[path] = f.read()
            suite, case = test.split(".")
            if not re.search(rf"TEST(?:_F|_P)?\(\s*{suite}\s*,\s*{case}\s*\)",
                             sources[path]):
                problems.append(f"{row!r}: {name} defines no {test}")
                continue
            if f"{os.sep}integration{os.sep}" in path:
                end_to_end = True
        if not end_to_end and row not in unit_only:
            problems.append(f"{row!r}: no end-to-end test, and not listed "
                            "under 'Unit tests only'")
        if end_to_end and row in unit_only:
            problems.append(f"{row!r}: listed under 'Unit tests only' but has "
                            "an end-to-end test")
    for row in unit_only:
        if row not in tests:
            problems.append(f"'Unit tests only' lists {row!r}, which is no row")
    return problems


def with_unit_tests_only(tests_readme):
    """tests/README.md with the first row that names a unit test left with
    its unit tests only (and not listed under 'Unit tests only')."""
    lines = tests_readme.split("\n")
    for i, line in enumerate(lines):
        cells = line.split(" | ")
        if line.startswith("| ") and len(cells) == 2 and "(unit)" in cells[1]:
            units = [t for t in cells[1].rstrip(" |").split(", ")
                     if "(unit)" in t]
            lines[i] = f"{cells[0]} | {', '.join(units)} |"
            return "\n".join(lines)
    return tests_readme


def with_row_listed_as_unit_only(readme, tests_readme):
    """tests/README.md listing a row that has end-to-end tests under 'Unit
    tests only'."""
    first = table_rows(readme, "## Errors")[0][0]
    return tests_readme.rstrip("\n") + f"\n\n- {first}\n"


def self_test(root, readme, tests_readme):
    """Breaks the tables one way at a time; each must be caught."""
    first = table_rows(readme, "## Errors")[0][0]
    breakages = [
        ("a README row without tests", readme.replace(
            "| " + first + " |", "| " + first + " (new) |", 1), tests_readme,
         "names no test"),
        ("a test that does not exist", readme, tests_readme.replace(
            "GatewayProcessTest.CallsBeyondTheInFlightLimitAreRefusedAtOnce",
            "GatewayProcessTest.CallsBeyondTheLimit", 1), "defines no"),
        ("a file that does not exist", readme, tests_readme.replace(
            "upstream_tls_test.cc:", "upstream_ssl_test.cc:", 1), "no file"),
        ("a unit-only row not listed", readme, with_unit_tests_only(
            tests_readme),
         "no end-to-end test"),
        ("a row with an end-to-end test listed as unit-only", readme,
         with_row_listed_as_unit_only(readme, tests_readme),
         "but has an end-to-end test"),
    ]
    failures = []
    for what, broken_readme, broken_tests, expected in breakages:
        if broken_readme == readme and broken_tests == tests_readme:
            failures.append(f"{what}: could not break the tables; update "
                            "this self-test")
            continue
        problems = check(root, broken_readme, broken_tests)
        if any(expected in p for p in problems):
            print(f"caught: {what}")
        else:
            failures.append(f"{what}: not caught (wanted {expected!r}; got "
                            f"{problems})")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--self-test", action="store_true")
    options = parser.parse_args()
    with open(os.path.join(options.source_dir, "README.md"),
              encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(options.source_dir, "tests", "README.md"),
              encoding="utf-8") as f:
        tests_readme = f.read()
    if options.self_test:
        problems = check(options.source_dir, readme, tests_readme)
        if problems:
            problems = ["the unbroken tables fail, so no breakage proves "
                        "anything"] + problems
        else:
            problems = self_test(options.source_dir, readme, tests_readme)
    else:
        problems = check(options.source_dir, readme, tests_readme)
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if not problems and not options.self_test:
        print("README.md's tables: every row names tests that exist")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
