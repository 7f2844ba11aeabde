# Upload Token Gateway: the two commands of the quick start are `make run` and
# `make test`; both install what is missing (Debian packages, npm packages)
# and build first.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
NODE_TEST_DIR := tests/emulator/node_client_test

.PHONY: all deps build run test test-unit test-integration node-deps format clean help

all: build

help:
	@echo "make run     build and start the gateway (on the emulator unless APIVIDEO_API_KEY is set)"
	@echo "make test    build and run every test"
	@echo "make build   build the gateway, the emulator and the tests into $(BUILD_DIR)/"
	@echo "make format  clang-format every C++ file"
	@echo "make clean   remove $(BUILD_DIR)/"

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@scripts/run.sh

# npm packages of the official-client test, exactly as locked.
node-deps: deps
	@if [ ! -f $(NODE_TEST_DIR)/node_modules/.package-lock.json ] || \
	    [ $(NODE_TEST_DIR)/package-lock.json -nt $(NODE_TEST_DIR)/node_modules/.package-lock.json ]; then \
	  echo "npm ci in $(NODE_TEST_DIR)"; \
	  cd $(NODE_TEST_DIR) && npm ci --no-audit --no-fund; \
	fi

test: build node-deps
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -LE integration

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
