# Upload Token Gateway: the two commands of the quick start are `make run` and
# `make test`; both install what is missing (Debian packages, npm packages)
# and build first.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
NODE_TEST_DIR := tests/emulator/node_client_test
# Each directory with a package-lock.json that make test needs installed.
NODE_DIRS := $(NODE_TEST_DIR) tests/emulator/spec_conformance deploy/schema clients/node clients/tools

.PHONY: all deps build run test test-unit test-integration node-deps format clean help

all: build

help:
	@echo "make run     build and start the gateway (on the emulator unless APIVIDEO_API_KEY is set)"
	@echo "make test    build and run every test"
	@echo "make build   build the gateway, the emulator and the tests into $(BUILD_DIR)/"
	@echo "make soak    100,000 RPCs with random upstream faults, with checks"
	@echo "make format  clang-format every C++ file"
	@echo "make test-asan  every test under ASan, UBSan and LeakSanitizer"
	@echo "make test-fresh make test and make run on a fresh minimal Debian 12 (chroot; root)"
	@echo "make fuzz    each libFuzzer target for FUZZ_SECONDS (60)"
	@echo "make tidy    clang-tidy; make format-check: clang-format changes nothing"
	@echo "make clients regenerate the clients in clients/ from proto/, build their packages"
	@echo "make clean   remove $(BUILD_DIR)/"

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@scripts/run.sh

# npm packages of the official-client test, the emulator's spec check
# (tests/emulator/spec_conformance) and the Kubernetes schema
# check (deploy/schema), exactly as locked.
node-deps: deps
	@for dir in $(NODE_DIRS); do \
	  if [ ! -f $$dir/node_modules/.package-lock.json ] || \
	      [ $$dir/package-lock.json -nt $$dir/node_modules/.package-lock.json ]; then \
	    echo "npm ci in $$dir"; \
	    (cd $$dir && npm ci --no-audit --no-fund) || exit 1; \
	  fi; \
	done

# A skipped test fails the run: on a machine set up by install-deps.sh every
# test can run, so a skip would only hide an untested path.
test: build node-deps
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) \
	  --output-junit ctest-junit.xml
	@scripts/check_no_skips.py $(BUILD_DIR)/ctest-junit.xml

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE integration

# 100,000 RPCs with ~20% random upstream faults against a live gateway and
# emulator; prints its figures and fails on a crash, a call outliving its
# deadline, a duplicate create or RSS growth of 10% or more.
.PHONY: soak
soak: build
	$(BUILD_DIR)/bin/gateway_soak

# The same libraries, binaries and C++ tests with Bazel (Debian's Bazel 4.2.3,
# offline), installing it first if missing, then the C++ client from a
# throwaway workspace of its own (clients/cpp/README.md). See README.md, "Bazel".
.PHONY: test-bazel
test-bazel:
	@scripts/install-deps.sh bazel
	bazel build //...
	bazel test //...
	clients/cpp/bazel-example.sh

# The README's quick start (make test, then make run) on a fresh minimal
# Debian 12, in a throwaway chroot (scripts/test-fresh.sh; root, network to
# the registries). Not in .ci/run: it takes as long as make test itself. Run
# it after any change to scripts/install-deps.sh, the Makefile, clients/ or
# scripts/run.sh.
.PHONY: test-fresh
test-fresh:
	@scripts/install-deps.sh fresh
	@scripts/test-fresh.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)

# Regenerates every client under clients/ from proto/ (clients/README.md),
# then builds each language's package into $(BUILD_DIR)/client-packages/
# (wheel, npm tarball, jar and POM, gem). Commit the generated code: make test
# fails while it is stale.
.PHONY: clients
clients: node-deps
	@scripts/gen-clients.sh
	@scripts/build-client-packages.sh $(BUILD_DIR)/client-packages

# Benchmarks (bench/README.md). make bench: the gateway against its floor,
# nginx, Little's law and the official Node client, in a Release build of
# its own ($(BENCH_BUILD_DIR)); BENCH_ARGS e.g. "--repeat 3 --seconds 10".
# make bench-smoke: a short load on the normal build that fails on any error
# or under a generous floor of calls/s; it never asserts on times.
BENCH_BUILD_DIR ?= build-bench
BENCH_TARGETS := upload_token_gateway apivideo_emulator bench_floor_server \
  bench_floor_curl
.PHONY: bench bench-smoke bench-deps
bench-deps:
	@scripts/install-deps.sh bench

bench: bench-deps
	cmake -S . -B $(BENCH_BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD_DIR) -j $(JOBS) --target $(BENCH_TARGETS) \
	  bench_json_mapping bench_ownership_index
	@if [ ! -f bench/node/node_modules/.package-lock.json ] || \
	    [ bench/node/package-lock.json -nt bench/node/node_modules/.package-lock.json ]; then \
	  cd bench/node && npm ci --no-audit --no-fund; \
	fi
	/usr/bin/python3 bench/bench.py --build-dir $(BENCH_BUILD_DIR) $(BENCH_ARGS)
	$(BENCH_BUILD_DIR)/bin/bench_json_mapping --benchmark_min_time=0.2
	$(BENCH_BUILD_DIR)/bin/bench_ownership_index --benchmark_min_time=0.2

bench-smoke: bench-deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS) --target $(BENCH_TARGETS)
	/usr/bin/python3 bench/bench.py --smoke --seconds 3 --build-dir $(BUILD_DIR)

# Sanitizers and fuzzing (SECURITY.md), each in a build directory of its own.
# make test-asan: every ctest test, gateway child processes included, built
# with gcc's AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer;
# any report fails the test that caused it.
# make fuzz: the libFuzzer targets of fuzz/, built with clang, each run for
# FUZZ_SECONDS from its seed corpus (fuzz/corpus/<name>); fails on the first
# crash, leak or sanitizer report and keeps the input in
# $(FUZZ_BUILD_DIR)/artifacts/.
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS := json_mapping errors page_token validation
SANITIZER_ENV := \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86:detect_stack_use_after_return=0:strict_string_checks=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86 \
  LSAN_OPTIONS=exitcode=86
.PHONY: test-asan fuzz fuzz-deps
# -O1 -g1 (line tables, enough for the reports' stack traces) instead of
# RelWithDebInfo's -O2 -g: the sanitized build compiles in about 40 % less time
# (27.8 s against 16.2 s for tests/integration/upload_token_service_test.cc).
test-asan: node-deps
	cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
	  -DGATEWAY_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)
	env $(SANITIZER_ENV) ctest --test-dir $(ASAN_BUILD_DIR) \
	  --output-on-failure -j $(JOBS) --timeout 600

fuzz-deps:
	@scripts/install-deps.sh fuzz

fuzz: fuzz-deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DGATEWAY_FUZZ=ON
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) \
	  --target $(addprefix fuzz_,$(FUZZERS))
	@mkdir -p $(FUZZ_BUILD_DIR)/artifacts
	@for name in $(FUZZERS); do \
	  echo "fuzz_$$name: $(FUZZ_SECONDS) s"; \
	  mkdir -p $(FUZZ_BUILD_DIR)/corpus/$$name || exit 1; \
	  $(FUZZ_BUILD_DIR)/bin/fuzz_$$name -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD_DIR)/artifacts/fuzz_$$name- \
	    $(FUZZ_BUILD_DIR)/corpus/$$name fuzz/corpus/$$name \
	    2> $(FUZZ_BUILD_DIR)/fuzz_$$name.log || \
	    { tail -n 60 $(FUZZ_BUILD_DIR)/fuzz_$$name.log; \
	      echo "fuzz_$$name failed; input in $(FUZZ_BUILD_DIR)/artifacts/"; \
	      exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' \
	    $(FUZZ_BUILD_DIR)/fuzz_$$name.log; \
	done

# make tidy: clang-tidy (.clang-tidy) on the C++ sources of the gateway, the
# fuzzers and the C++ client (tests excepted), with the compile_commands.json
# of a clang build directory of its own; only the generated protobuf headers
# are built there.
# make format-check: fails unless clang-format (.clang-format) would leave
# every tracked C++ file unchanged.
TIDY_BUILD_DIR ?= build-tidy
TIDY_PROTOS := upload_tokens_proto google_rpc_proto health_proto \
  reflection_proto apivideo_json_proto page_token_proto governance_proto \
  gateway_build_info_inc upload_token_client_generated
.PHONY: tidy format-check
tidy: fuzz-deps
	cmake -S . -B $(TIDY_BUILD_DIR) -DCMAKE_CXX_COMPILER=clang++ \
	  -DGATEWAY_FUZZ=ON > /dev/null
	cmake --build $(TIDY_BUILD_DIR) -j $(JOBS) --target $(TIDY_PROTOS)
	run-clang-tidy -quiet -j $(JOBS) -p $(TIDY_BUILD_DIR) \
	  -header-filter='^$(CURDIR)/(gateway|fuzz|clients/cpp)/' \
	  '^$(CURDIR)/(gateway|fuzz|clients/cpp)/(?!.*_test\.cc$$).*\.cc$$'

format-check: fuzz-deps
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
