# Two commands do all the set-up on a fresh Debian or Ubuntu machine with a Swift toolchain:
#   make demo   builds in release mode and runs `uvio demo`
#   make test   runs the test suite
# Both first install libuv1-dev and pkg-config with apt-get when they are missing.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
SWIFT ?= swift
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: deps build test test-tsan test-asan test-sanitizers demo bench bench-allocations bench-side-by-side bench-instructions clean stress fuzz

deps:
	@pkg-config --exists libuv 2>/dev/null || { \
		echo "libuv not found by pkg-config: installing libuv1-dev and pkg-config"; \
		$(APT) update && $(APT) install -y libuv1-dev pkg-config; }

build: deps
	$(SWIFT) build

# Tests in parallel hold up to about 2,000 descriptors at once, more than the soft limit of 1024 that
# many machines start with. Every test recipe first raises the limit: to 65,536 where it may (as
# root), else the soft limit to the hard one.
RAISE_FD_LIMIT = ulimit -n 65536 2>/dev/null || ulimit -Sn "$$(ulimit -Hn)";

# Runs a test command ($(2)), keeping its output in the log $(1) too, then repeats the failures and
# the summary line, so that the last lines of a long log (all that CI may show) say which failed.
LOGGED_TEST = mkdir -p $(dir $(1)); status=0; $(2) 2>&1 | tee $(1) || status=$$?; \
	echo; grep -E "recorded an issue|Test run with|error:|^(ERROR|WARNING|SUMMARY): [A-Za-z]+Sanitizer" $(1) | tail -n 30 || true; \
	exit $$status

# swift-testing runs tests in parallel, or one at a time where fewer than 4,096 descriptors are
# allowed.
test: deps
	@$(RAISE_FD_LIMIT) limit=$$(ulimit -Sn); mode=--parallel; \
		if [[ $$limit != unlimited ]] && ((limit < 4096)); then \
			echo "descriptor limit $$limit < 4096: the tests run one at a time"; mode=--no-parallel; fi; \
		$(call LOGGED_TEST,.build/test.log,$(SWIFT) test $$mode --disable-xctest)

# The suite under ThreadSanitizer and under AddressSanitizer with leak detection, each in a build
# folder of its own. XCTest is left out: its runner leaks a few objects of its own at exit. Tests
# run one at a time: in parallel, a sanitizer slows the two cores so much that tests spend most of
# a minute waiting for a thread and hit their time limits.
SANITIZER_TEST = $(call LOGGED_TEST,.build-$(1)/test.log,$(SWIFT) test --disable-xctest --no-parallel \
	--sanitize=$(1) --scratch-path .build-$(1))

test-tsan: deps
	$(RAISE_FD_LIMIT) export TSAN_OPTIONS=halt_on_error=1; $(call SANITIZER_TEST,thread)

test-asan: deps
	$(RAISE_FD_LIMIT) export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1; $(call SANITIZER_TEST,address)

test-sanitizers: test-tsan test-asan

demo: deps
	$(SWIFT) run -c release uvio demo

# The benchmarks are their own package; the plugin writes results under Benchmarks/.
bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark $(BENCH_ARGS)

# The allocation guard that CI runs: fails if an echo round trip allocates once per message or more.
bench-allocations: deps
	Benchmarks/check-allocations.sh

# UVIO's echo servers next to a C libuv server and SwiftNIO, ratios to C; see README "Performance".
bench-side-by-side: deps
	Benchmarks/run-side-by-side.sh $(BENCH_ARGS)

# User-space instructions per message of each echo server under callgrind (needs valgrind): a
# figure the machine's load does not move; see CONTRIBUTING.md "Benchmarks".
bench-instructions: deps
	Benchmarks/run-instructions.sh $(BENCH_ARGS)

clean:
	rm -rf .build .build-thread .build-address .build-fuzz Benchmarks/.build

# The stress tests at the full size of issue 9 (10,000 connections, 30 s of churn, 1 GiB through
# the proxy, 1,000,000 datagrams, 200 memory rounds); `make test` runs them scaled down.
stress: deps
	$(RAISE_FD_LIMIT) UVIO_STRESS=full $(SWIFT) test --disable-xctest --filter Reliability

# libFuzzer targets for the address parser and the line reader, FUZZ_SECONDS each; see Fuzz/run.sh.
FUZZ_SECONDS ?= 30
fuzz: deps
	Fuzz/run.sh $(FUZZ_SECONDS)
