#!/usr/bin/env python3
"""check_layers.py finds what it is for: an include from a lower layer to a
higher one, and a folder the table does not name; and passes a clean tree.
Builds small trees in a temporary directory."""

import importlib.util
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def load_check():
    spec = importlib.util.spec_from_file_location(
        "check_layers", os.path.join(HERE, "check_layers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_layers = load_check()


class CheckLayersTest(unittest.TestCase):
    def tree(self, files):
        root = tempfile.mkdtemp(prefix="layers-")
        for path, text in files.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
        return root

    def test_includes_from_below_pass(self):
        root = self.tree({
            "gateway/http/curl_loop.h": '#include "gateway/common/log.h"\n',
            "gateway/service/x.cc": '#include "gateway/apivideo/a.h"\n'
                                    '#include "gateway/service/y.h"\n',
        })
        self.assertEqual(check_layers.breaches(root), [])

    def test_include_from_above_is_a_breach(self):
        root = self.tree({
            "gateway/http/curl_loop.cc":
                '#include "gateway/apivideo/errors.h"\n',
        })
        self.assertEqual(check_layers.breaches(root), [
            "gateway/http/curl_loop.cc: the http layer includes "
            "gateway/apivideo/"])

    def test_sibling_layers_may_not_include_each_other(self):
        root = self.tree({
            "gateway/policy/retry_policy.h":
                '#include "gateway/http/http_types.h"\n',
        })
        self.assertEqual(len(check_layers.breaches(root)), 1)

    def test_tests_and_testing_helpers_count(self):
        root = self.tree({
            "gateway/common/testing/fake.h":
                '#include "gateway/service/testing/error_details.h"\n',
        })
        self.assertEqual(len(check_layers.breaches(root)), 1)

    def test_unknown_folder_is_a_breach(self):
        root = self.tree({"gateway/cache/lru.h": "\n"})
        self.assertEqual(check_layers.breaches(root), [
            "gateway/cache/: a folder no layer table names"])

    def test_the_table_is_acyclic(self):
        def reaches(start, goal, seen=()):
            return any(step == goal or (step not in seen and
                                        reaches(step, goal, seen + (step,)))
                       for step in check_layers.ALLOWED[start])
        for layer in check_layers.ALLOWED:
            self.assertFalse(reaches(layer, layer), layer)


if __name__ == "__main__":
    sys.exit(unittest.main())
