#!/usr/bin/python3
"""check_system_files.py can fail: with install-deps.sh's list less
libguava-java it names guava.jar (the bug of #21), less libhiredis-dev a
hiredis header; with the whole list it passes. Runs against a built tree:

  scripts/check_system_files_test.py --source-dir DIR --build-dir DIR
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_system_files.py")
ROOT = os.path.dirname(HERE)
DIRS = {"source": ROOT, "build": os.path.join(ROOT, "build")}


def load_check():
    sys.dont_write_bytecode = True  # no scripts/__pycache__ in the checkout
    spec = importlib.util.spec_from_file_location("check_system_files", CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_system_files = load_check()


def install_deps_list():
    return subprocess.run(
        [os.path.join(DIRS["source"], "scripts", "install-deps.sh"), "--list"],
        capture_output=True, text=True, check=True).stdout.split()


def run_check(packages):
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("".join(p + "\n" for p in packages))
        listing.flush()
        return subprocess.run(
            ["/usr/bin/python3", CHECK, "--source-dir", DIRS["source"],
             "--build-dir", DIRS["build"], "--packages-from", listing.name],
            capture_output=True, text=True, check=False)


class CheckSystemFilesTest(unittest.TestCase):
    def test_the_whole_list_passes(self):
        result = run_check(install_deps_list())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("all installed by scripts/install-deps.sh",
                      result.stdout)

    def test_without_guava_names_its_jar_and_package(self):
        packages = [p for p in install_deps_list() if p != "libguava-java"]
        result = run_check(packages)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("/usr/share/java/guava.jar comes from Debian package "
                      "libguava-java, which scripts/install-deps.sh does not "
                      "install", result.stderr)
        self.assertIn("add libguava-java to it", result.stderr)

    def test_without_hiredis_names_a_header_and_its_package(self):
        packages = [p for p in install_deps_list() if p != "libhiredis-dev"]
        result = run_check(packages)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertRegex(result.stderr,
                         r"/usr/include/hiredis/\S+\.h comes from Debian "
                         r"package libhiredis-dev,")
        self.assertIn("add libhiredis-dev to it", result.stderr)


class PartsTest(unittest.TestCase):
    def test_dependencies_drop_versions_and_arch_qualifiers(self):
        self.assertEqual(
            check_system_files.parse_dependencies(
                "libc6 (>= 2.34), default-jre-headless | java-runtime:any, "
                "python3:any (<< 3.12)"),
            [["libc6"], ["default-jre-headless", "java-runtime"],
             ["python3"]])

    def test_closure_follows_installed_alternatives_and_providers(self):
        depends = {"a": [["b"], ["missing", "virtual"]], "b": [["c"]],
                   "impl": [], "c": [], "other": [["a"]]}
        provides = {name: {name} for name in depends}
        provides["virtual"] = {"impl"}
        self.assertEqual(check_system_files.closure(["a"], depends, provides),
                         {"a", "b", "c", "impl"})

    def test_merged_usr_both_ways(self):
        alias = check_system_files.merged_usr_alias
        self.assertEqual(alias("/usr/lib/x86_64-linux-gnu/libc.so.6"),
                         "/lib/x86_64-linux-gnu/libc.so.6")
        self.assertEqual(alias("/lib64/ld-linux-x86-64.so.2"),
                         "/usr/lib64/ld-linux-x86-64.so.2")
        self.assertEqual(alias("/usr/bin/java"), "/bin/java")
        self.assertIsNone(alias("/usr/share/java/guava.jar"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", default=DIRS["source"])
    parser.add_argument("--build-dir", default=DIRS["build"])
    args, rest = parser.parse_known_args()
    DIRS["source"] = os.path.abspath(args.source_dir)
    DIRS["build"] = os.path.abspath(args.build_dir)
    unittest.main(argv=[sys.argv[0]] + rest)
