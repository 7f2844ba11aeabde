#!/usr/bin/python3
"""Fails when the build, the tests or the client builds take a file from the
system that no package scripts/install-deps.sh installs provides (#21).

A machine that had, say, libguava-java already passed every test while a fresh
Debian 12 set up by install-deps.sh failed. This check gathers the files the
project takes from the system (headers in the compiler's depfiles, shared
libraries the built programs link, CMake package configs and .proto files,
the Java client's jars, the Go client's packages under /usr/share/gocode, the
Python modules the tests import, the programs and protoc plugins the build and
tests start), asks dpkg which package owns each, and fails unless that package
is in install-deps.sh's list or in what those packages depend on, transitively
(or is Essential: on every Debian). A file no package owns (a node in
/usr/local/bin, say) is a note.

  scripts/check_system_files.py --source-dir DIR --build-dir DIR
      [--packages-from FILE]   (package names, one a line, instead of
                                scripts/install-deps.sh --list)
      [--verbose]              (each file, what takes it, its owner)

Debian's /usr/bin/python3, standard library only. Needs no network, no root.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

# Programs the build, the tests and scripts/gen-clients.sh start, by name on
# PATH (python3 is /usr/bin/python3 whatever PATH says: the tests run that).
PROGRAMS = [
    "cmake", "pkg-config", "protoc", "grpc_cpp_plugin", "protoc-gen-go",
    "protoc-gen-go-grpc", "grpc_python_plugin", "grpc_java_plugin",
    "redis-server", "nghttpd", "openssl", "go", "java", "javac", "jar", "node",
    "npm", "ruby", "gem", "grpc_ruby_plugin",
]
FIXED_PROGRAMS = ["/usr/bin/python3", "/usr/bin/redis-server",
                  "/usr/sbin/nghttpd"]
# What the tests and the Python client import from Debian's python3-* packages,
# and what builds the client's wheel and the venv it is installed into.
PYTHON_MODULES = ["grpc", "grpc._cython.cygrpc", "google.protobuf", "yaml",
                  "pip", "setuptools", "wheel", "ensurepip"]
# What the Ruby client's gem requires from Debian's ruby-* packages.
RUBY_LIBRARIES = ["grpc", "google/protobuf", "google/rpc/status_pb",
                  "google/rpc/error_details_pb"]
# Parts of the build dir built only when an optional package is there
# (`scripts/install-deps.sh bench` installs it): their files may come from
# that mode's packages too.
BENCH_CACHE_ENTRIES = {"benchmark_DIR"}


class File:
    """A file taken from the system, and what takes it."""

    def __init__(self, path, why, scope="base"):
        self.path = path
        self.why = why
        self.scope = scope  # "base", or "bench" for the optional benchmarks


# --- Where the files come from ----------------------------------------------

def depfile_headers(build_dir):
    """Headers under /usr in the compiler's depfiles (*.o.d beside objects)."""
    files = {}
    for depfile in glob.glob(os.path.join(build_dir, "**", "*.o.d"),
                             recursive=True):
        scope = ("bench" if os.path.relpath(depfile, build_dir)
                 .startswith("bench" + os.sep) else "base")
        with open(depfile, encoding="utf-8", errors="replace") as f:
            text = f.read().replace("\\\n", " ")
        for token in re.split(r"(?<!\\)\s+", text):
            token = token.replace("\\ ", " ").rstrip(":")
            if token.startswith("/usr/") or token.startswith("/lib"):
                # A header any base target includes is base.
                if token not in files or scope == "base":
                    files[token] = File(token, "header", scope)
    return list(files.values())


def linked_libraries(build_dir):
    """Shared libraries under /lib or /usr that ldd says <build>/bin links."""
    bin_dir = os.path.join(build_dir, "bin")
    exes = sorted(p for p in glob.glob(os.path.join(bin_dir, "*"))
                  if os.path.isfile(p) and os.access(p, os.X_OK))
    if not exes:
        return []
    out = subprocess.run(["ldd"] + exes, capture_output=True, text=True,
                         check=False).stdout
    files, exe = {}, None
    for line in out.splitlines():
        if not line.startswith(("\t", " ")) and line.endswith(":"):
            exe = os.path.basename(line[:-1]) if len(exes) > 1 else None
            continue
        match = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if not match:
            continue
        path = match.group(1)
        if not path.startswith(("/lib", "/usr/")):
            continue
        scope = "bench" if exe and exe.startswith("bench_") else "base"
        if path not in files or scope == "base":
            files[path] = File(path, "shared library", scope)
    if len(exes) == 1:  # ldd prints no "NAME:" header for a single file
        for f in files.values():
            f.scope = ("bench" if os.path.basename(exes[0])
                       .startswith("bench_") else "base")
    return list(files.values())


def cmake_cache_files(build_dir):
    """A file of each package config dir (<Pkg>_DIR) and the .proto files of
    each proto dir (*_PROTO_DIR) that CMakeCache.txt points at under /usr."""
    cache = os.path.join(build_dir, "CMakeCache.txt")
    if not os.path.exists(cache):
        return []
    files = []
    with open(cache, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = re.match(r"([\w.+-]+_DIR):PATH=(/usr/\S+)$", line.strip())
            if not match or not os.path.isdir(match.group(2)):
                continue
            name, directory = match.groups()
            scope = "bench" if name in BENCH_CACHE_ENTRIES else "base"
            if name.endswith("_PROTO_DIR"):
                for proto in sorted(glob.glob(os.path.join(directory, "**",
                                                           "*.proto"),
                                              recursive=True)):
                    files.append(File(proto, ".proto", scope))
            elif name.endswith("_DIR") and "INCLUDE" not in name:
                configs = sorted(glob.glob(os.path.join(directory, "*.cmake")),
                                 key=lambda c: (not re.search(
                                     r"(Config|-config)\.cmake$", c), c))
                if configs:
                    files.append(File(configs[0], "CMake package config",
                                      scope))
    return files


# What clients/java/test-package.sh adds beside the Java client's declared
# dependencies: Debian's netty has no ALPN of its own, so TLS needs tcnative.
JAVA_TEST_FILES = ["/usr/share/java/netty-tcnative.jar",
                   "/usr/lib/x86_64-linux-gnu/jni/libnetty-tcnative.so"]


def java_jars(source_dir):
    """The jars clients/java/build-package.sh --classpath resolves from the
    Java client's POM (compile and run time), and the test's extra files."""
    script = os.path.join(source_dir, "clients", "java", "build-package.sh")
    result = subprocess.run([script, "--classpath"], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        # build-package.sh names the missing artifact; that is a finding too.
        return [], [result.stderr.strip() or "build-package.sh --classpath failed"]
    files = [File(jar, "jar") for jar in result.stdout.strip().split(":")
             if jar]
    notes = []
    for path in JAVA_TEST_FILES:
        if os.path.exists(path):
            files.append(File(path, "Java client test"))
        else:
            notes.append(f"{path} does not exist")
    return files, notes


def go_sources(source_dir):
    """A .go file of each package under /usr/share/gocode that the Go client
    builds against, as clients/go/test-package.sh --deps lists them (the
    directories its offline build maps the module's dependencies to)."""
    if not shutil.which("go"):
        return [], ["go is not on PATH: the Go client's packages are not checked"]
    script = os.path.join(source_dir, "clients", "go", "test-package.sh")
    result = subprocess.run([script, "--deps"], capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        return [], ["test-package.sh --deps of the Go client failed: "
                    + result.stderr.strip()]
    files = []
    for directory in result.stdout.split():
        if not directory.startswith("/usr/share/gocode/"):
            continue
        sources = sorted(glob.glob(os.path.join(directory, "*.go")),
                         key=lambda g: (g.endswith("_test.go"), g))
        if sources:
            files.append(File(sources[0], "Go package " + directory))
    return files, []


def python_modules():
    """Where /usr/bin/python3 imports the tests' Debian modules from."""
    files, notes = [], []
    for module in PYTHON_MODULES:
        result = subprocess.run(
            ["/usr/bin/python3", "-c",
             f"import {module} as m; print(m.__file__)"],
            capture_output=True, text=True, check=False)
        if result.returncode == 0:
            files.append(File(result.stdout.strip(), "Python module " + module))
        else:
            notes.append(f"/usr/bin/python3 cannot import {module}")
    return files, notes


def ruby_libraries():
    """Where ruby loads the Ruby client's dependencies from."""
    if not shutil.which("ruby"):
        return [], ["ruby is not on PATH: the Ruby client's gems are not checked"]
    files, notes = [], []
    for library in RUBY_LIBRARIES:
        result = subprocess.run(
            ["ruby", "-e", "require ARGV[0]; suffix = '/' + ARGV[0] + '.rb'; "
             "puts $LOADED_FEATURES.find { |f| f.end_with?(suffix) }",
             library], capture_output=True, text=True, check=False)
        path = result.stdout.strip()
        if result.returncode == 0 and path:
            files.append(File(path, "Ruby library " + library))
        else:
            notes.append(f"ruby cannot require {library}")
    return files, notes


def programs():
    """The programs the build and the tests start, as PATH finds them."""
    files, notes = [], []
    for name in PROGRAMS:
        path = shutil.which(name)
        if path:
            files.append(File(path, "program " + name))
        else:
            notes.append(f"{name} is not on PATH")
    for path in FIXED_PROGRAMS:
        if os.path.exists(path):
            files.append(File(path, "program " + path))
        else:
            notes.append(f"{path} does not exist")
    return files, notes


# --- Packages ----------------------------------------------------------------

def install_deps_list(source_dir, mode=None):
    script = os.path.join(source_dir, "scripts", "install-deps.sh")
    args = [script, "--list"] + ([mode] if mode else [])
    out = subprocess.run(args, capture_output=True, text=True,
                         check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def parse_dependencies(field):
    """'a (>= 1) | b:any, c' -> [['a', 'b'], ['c']]"""
    groups = []
    for group in field.split(","):
        names = []
        for alternative in group.split("|"):
            alternative = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alternative)
            name = alternative.strip().split(":")[0]
            if name:
                names.append(name)
        if names:
            groups.append(names)
    return groups


def installed_packages():
    """{package: [dependency groups]}, {virtual or real name: {packages}},
    and the Essential packages (on every Debian system, install-deps.sh or
    not), from one dpkg-query."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f",
         "${db:Status-Abbrev}\t${Package}\t${Essential}\t${Provides}\t"
         "${Depends}\t${Pre-Depends}\n"],
        capture_output=True, text=True, check=True).stdout
    depends, provides, essential = {}, {}, set()
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) != 6 or not fields[0].startswith("ii"):
            continue
        _, package, is_essential, provided, deps, predeps = fields
        if is_essential == "yes":
            essential.add(package)
        depends.setdefault(package, []).extend(
            parse_dependencies(deps) + parse_dependencies(predeps))
        provides.setdefault(package, set()).add(package)
        for group in parse_dependencies(provided):
            for name in group:
                provides.setdefault(name, set()).add(package)
    return depends, provides, essential


def closure(roots, depends, provides):
    """The roots and every installed package they depend on, transitively;
    of alternatives (a | b), every installed one counts."""
    seen = set(roots)
    queue = list(roots)
    while queue:
        package = queue.pop()
        for group in depends.get(package, []):
            for name in group:
                for real in provides.get(name, ()):
                    if real not in seen:
                        seen.add(real)
                        queue.append(real)
    return seen


def merged_usr_alias(path):
    """/usr/lib/x -> /lib/x and back: Debian 12 merged /usr, but dpkg knows
    each file under the path its package shipped it at."""
    for short in ("/lib", "/lib64", "/bin", "/sbin", "/lib32", "/libx32"):
        if path.startswith(short + "/"):
            return "/usr" + path
        if path.startswith("/usr" + short + "/"):
            return path[len("/usr"):]
    return None


def candidates(path):
    """Paths dpkg may know the file by: resolved first (/usr/bin/java ->
    /etc/alternatives -> /usr/lib/jvm/...), then as given."""
    out = []
    for p in (os.path.realpath(path), path):
        for q in (p, merged_usr_alias(p)):
            if q and q not in out:
                out.append(q)
    return out


def owners(paths):
    """{path: [packages]} for every path dpkg -S knows (one dpkg call)."""
    found = {}
    if not paths:
        return found
    # Exact paths only: dpkg -S would read wildcards as patterns.
    paths = [p for p in paths if not re.search(r"[*?\[\]\\]", p)]
    out = subprocess.run(["dpkg", "-S"] + paths, capture_output=True,
                         text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("diversion by"):
            continue
        packages, sep, path = line.partition(": ")
        if sep:
            found[path] = [p.strip().split(":")[0]
                           for p in packages.split(",")]
    return found


# --- The check ---------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--source-dir", default=here)
    parser.add_argument("--build-dir", default=os.path.join(here, "build"))
    parser.add_argument("--packages-from", metavar="FILE",
                        help="package names, one a line, instead of "
                             "scripts/install-deps.sh --list")
    parser.add_argument("--verbose", action="store_true",
                        help="print each file, what takes it and its owner")
    args = parser.parse_args()
    source_dir = os.path.abspath(args.source_dir)
    build_dir = os.path.abspath(args.build_dir)

    if args.packages_from:
        with open(args.packages_from, encoding="utf-8") as f:
            base = [line.split("#")[0].strip() for line in f]
        base = [p for p in base if p]
    else:
        base = install_deps_list(source_dir)
    # The benchmarks (bench/, bin/bench_*) may use what `install-deps.sh
    # bench` adds to the base list.
    everyday = set(install_deps_list(source_dir))
    bench = base + [p for p in install_deps_list(source_dir, "bench")
                    if p not in everyday]

    notes = []
    files = depfile_headers(build_dir) + linked_libraries(build_dir)
    files += cmake_cache_files(build_dir)
    for gather in (lambda: java_jars(source_dir),
                   lambda: go_sources(source_dir), python_modules,
                   ruby_libraries, programs):
        found, more_notes = gather()
        files += found
        notes += more_notes
    if not any(f.why == "header" for f in files):
        notes.append(f"no depfiles (*.o.d) under {build_dir}: build first")

    depends, provides, essential = installed_packages()
    allowed = {"base": closure(base + sorted(essential), depends, provides),
               "bench": closure(bench + sorted(essential), depends, provides)}

    by_path = {}
    for f in files:
        if f.path not in by_path or f.scope == "base":
            by_path[f.path] = f
    known = owners(sorted({c for p in by_path for c in candidates(p)}))

    failures, checked_packages, unowned = [], set(), []
    for path, f in sorted(by_path.items()):
        packages = next((known[c] for c in candidates(path) if c in known),
                        None)
        if args.verbose:
            print(f"{path}\t{f.why}\t{f.scope}\t{','.join(packages or [])}")
        if packages is None:
            unowned.append(f"{path} ({f.why}) belongs to no Debian package")
            continue
        if any(p in allowed[f.scope] for p in packages):
            checked_packages.update(p for p in packages
                                    if p in allowed[f.scope])
            continue
        failures.append((path, packages[0]))

    for note in notes + unowned:
        print("note: " + note)
    for path, package in failures:
        print(f"{path} comes from Debian package {package}, which "
              "scripts/install-deps.sh does not install (nor anything it "
              f"installs depends on it): add {package} to it", file=sys.stderr)
    checked = len(by_path) - len(unowned)
    if failures:
        missing = sorted({p for _, p in failures})
        print(f"{len(failures)} of {checked} files come from packages "
              f"scripts/install-deps.sh does not install: {' '.join(missing)}",
              file=sys.stderr)
        return 1
    print(f"{checked} files from {len(checked_packages)} packages, all "
          "installed by scripts/install-deps.sh")
    return 0


if __name__ == "__main__":
    sys.exit(main())
