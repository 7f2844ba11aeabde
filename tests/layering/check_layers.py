#!/usr/bin/env python3
"""Checks that gateway/'s folders keep to their layers.

Every folder of gateway/ is one layer (docs/architecture.md). A file may
include headers of its own layer and of the layers ALLOWED lists for it,
nothing else: no arrow from a lower layer to a higher one, so no cycle.
Tests count too: a test of a layer may use its own testing/ helpers and
those of the layers below.

Usage: check_layers.py --source-dir DIR   (exit 1 and a line per breach)
"""

import argparse
import os
import re
import sys

# What each layer may include, besides itself. Keep it in step with the
# table in docs/architecture.md.
ALLOWED = {
    "common": set(),
    "policy": set(),
    "reflection": set(),
    "observability": {"common"},
    "http": {"common"},
    "redis": {"common"},
    "security": {"common"},
    "apivideo": {"common", "http", "policy", "redis"},
    "governance": {"common", "policy", "apivideo", "redis"},
    "service": {"common", "observability", "policy", "apivideo", "governance",
                "security"},
    "server": {"common", "reflection"},
    "config": {"common", "http", "policy", "apivideo", "governance",
               "security", "service", "server"},
    "app": {"common", "observability", "http", "policy", "apivideo",
            "governance", "security", "service", "server", "config",
            "redis"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"gateway/([A-Za-z0-9_]+)/',
                     re.MULTILINE)


def breaches(source_dir):
    """'file: includes gateway/<layer>/' for every include that breaks the
    table, and a line for every folder the table does not know."""
    gateway = os.path.join(source_dir, "gateway")
    found = []
    for layer in sorted(os.listdir(gateway)):
        folder = os.path.join(gateway, layer)
        if not os.path.isdir(folder):
            continue
        if layer not in ALLOWED:
            found.append(f"gateway/{layer}/: a folder no layer table names")
            continue
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                if not name.endswith((".h", ".cc", ".proto")):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for used in sorted(set(INCLUDE.findall(text))):
                    if used != layer and used not in ALLOWED[layer]:
                        relative = os.path.relpath(path, source_dir)
                        found.append(f"{relative}: the {layer} layer "
                                     f"includes gateway/{used}/")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", required=True)
    options = parser.parse_args()
    found = breaches(options.source_dir)
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print(f"gateway/: {len(ALLOWED)} layers, every include within its "
              "layer's allowance")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
