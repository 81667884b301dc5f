# runts: build, test, demo. Everything runs as root on a Debian machine with
# node >= 20; `make deps` installs the Debian packages the tests use.
SHELL := /bin/bash
NODE_GYP := node_modules/.bin/node-gyp
# Bun's compiler, from npm (the bun package and its platform package
# @oven/bun-linux-x64, installed by npm ci): it makes the executable
BUN := node_modules/.bin/bun
# build against the node headers the machine ships, never a download
NODEDIR := $(shell [ -f /usr/include/node/node_api.h ] && echo --nodedir=/usr)
ROOTFS := bundles/busybox/rootfs
# two tiers: spec/unit (no root, no addon, no packages: `make test-unit`) and
# spec/integration (root, real containers, podman and containerd); a test
# still at spec/ top level runs with the integration tier
UNIT_TESTS := spec/unit/*.test.ts
TESTS ?= $(UNIT_TESTS) spec/integration/*.test.ts $(wildcard spec/*.test.ts)

.PHONY: asan-addon test-asan all build addon validator ts exe deps rootfs test test-unit test-node test-v2 demo clean bench bench-run conformance conformance-build conformance-selftest stress stress-run

all: build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

addon/build/Makefile: addon/binding.gyp node_modules/.package-lock.json
	cd addon && ../$(NODE_GYP) configure $(NODEDIR)

addon: addon/build/Makefile
	cd addon && ../$(NODE_GYP) build $(NODEDIR)

lib/config/validate.generated.ts: lib/config/schema.ts scripts/build-validator.mjs node_modules/.package-lock.json
	node scripts/build-validator.mjs

validator: lib/config/validate.generated.ts

ts: validator node_modules/.package-lock.json
	node_modules/.bin/tsc -p .
	node scripts/build-bundle.mjs

# dist/runts: the CLI bundle (dist/runts.js, which bin/runts-node runs under
# node) compiled by Bun to one executable with bytecode; bin/runts links to it.
# The addon is installed beside it (dist/runts.node), never embedded: the
# executable dlopens it from the directory of its own path (lib/native.ts).
# No --target: the compiler reuses its own binary, nothing is downloaded.
# No autoload: by default the executable reads .env and bunfig.toml from its
# working directory, and bunfig's preload runs any script, as root
# (spec/integration/cwd-config.test.ts).
# --compile-jit-policy=1000: JavaScriptCore tiers a function up to its JIT
# only after 1000x the usual calls, so a runts call stays in the bytecode
# interpreter and never pages in the JIT compilers' machine code: peak RSS of
# run 45.4 -> 41.8 MB, create 44.0 -> 40.2, no slower (bench/, README).
BUN_COMPILE := --compile --bytecode --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
  --no-compile-autoload-tsconfig --no-compile-autoload-package-json --compile-jit-policy=1000
exe: addon ts
	$(BUN) build $(BUN_COMPILE) dist/runts.js --outfile dist/runts.tmp
	mv -f dist/runts.tmp dist/runts
	install -m 0755 addon/build/Release/runts.node dist/runts.node

build: addon ts exe

deps:
	scripts/install-deps.sh

rootfs: deps
	bundles/make-rootfs.sh $(ROOTFS)

# builds everything and runs the sample busybox container
demo: deps build rootfs
	./bin/runts --root /run/runts run --bundle bundles/busybox runts-demo-$$$$

# against bin/runts, the compiled executable
test: deps build rootfs
	node_modules/.bin/tap --reporter=tap $(TESTS)

# the unit tier alone, as any user, after nothing but `npm ci`: it needs only
# the generated config validator (no addon, no root, no apt)
test-unit: validator
	node_modules/.bin/tap --reporter=tap $(UNIT_TESTS)

# the integration tests against bin/runts-node (the bundle under node): no
# behaviour may differ between the two (the unit tests run no runtime)
test-node: deps build rootfs
	RUNTS_BIN=bin/runts-node node_modules/.bin/tap --reporter=tap $(filter-out $(UNIT_TESTS),$(TESTS))

# The addon built with -fsanitize=address,undefined (in build/asan, a copy of
# addon/) under the tests that exercise its plan reader and the child: node
# loads it through RUNTS_TEST_ADDON, with libasan preloaded (an ASAN shared
# object in a non-ASAN node needs its runtime first in the library list).
# Leak reports are off: node itself never frees at exit. Any report fails the
# pass; the reports are in build/asan/logs.
ASAN_DIR := build/asan
ASAN_TESTS ?= $(addprefix spec/integration/,addon-reader.test.ts addon-input.test.ts bad-input.test.ts run.test.ts \
  exec.test.ts seccomp.test.ts seccomp-run.test.ts seccomp-late.test.ts process-setup.test.ts hooks.test.ts security-hooks.test.ts \
  sys-fs.test.ts)
asan-addon: node_modules/.package-lock.json
	rm -rf $(ASAN_DIR) && mkdir -p $(ASAN_DIR)/logs
	cp -r addon/src addon/helper addon/binding.gyp $(ASAN_DIR)/
	cd $(ASAN_DIR) && CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1" \
	  LDFLAGS="-fsanitize=address,undefined" ../../$(NODE_GYP) rebuild $(NODEDIR) >/dev/null

test-asan: deps build rootfs asan-addon
	LD_PRELOAD=$$($(CC) -print-file-name=libasan.so) \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=$(CURDIR)/$(ASAN_DIR)/logs/asan \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(ASAN_DIR)/logs/ubsan \
	RUNTS_TEST_ADDON=$(CURDIR)/$(ASAN_DIR)/build/Release/runts.node RUNTS_BIN=bin/runts-node \
	  node_modules/.bin/tap --reporter=tap --timeout=900 $(ASAN_TESTS)
	@if ls $(ASAN_DIR)/logs/* >/dev/null 2>&1; then echo "sanitizer reports:"; cat $(ASAN_DIR)/logs/*; exit 1; fi

# load, soak, races, hostile configs, broken state, signals and crashes
# (spec/stress): a table of runs, failures, leftovers and time; exit 1 on any
# failure or leftover. CI's counts by default; STRESS_FULL=1 for the full
# figures, or STRESS_PARALLEL= STRESS_SOAK= FUZZ_RUNS= ... (spec/stress/lib.ts),
# STRESS_ONLY=REGEX for some scenarios
stress: deps build rootfs stress-run

# the scenarios alone, on what is already built (ts-node ships with tap)
stress-run:
	node_modules/.bin/ts-node --transpile-only spec/stress/main.ts

# spec/v2/ in ../shared/v2vm (pure cgroup v2, systemd as PID 1), both cgroup
# drivers; prints how long it took (scripts/test-v2.sh)
test-v2: deps build rootfs
	scripts/test-v2.sh

# the executable, the node launcher, runc (and crun when installed and it
# runs here) interleaved, in one run: prints the table, puts it in README.md's
# performance section, writes bench/results.json (BENCH_ARGS="--reps 30",
# "--json", "--out FILE")
bench: deps build rootfs bench-run

# the bench alone, on what is already built
bench-run: bench/build/measure bench/build/bun-empty
	@[ -f /usr/share/containers/seccomp.json ] || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-github-containers-common >/dev/null; }
	node bench/bench.mjs --readme README.md $(BENCH_ARGS)

# Bun's own start, the floor under the executable: an empty program compiled the same way
bench/build/bun-empty: node_modules/.package-lock.json
	mkdir -p bench/build && echo 'process.exitCode = 0;' > bench/build/empty.js
	$(BUN) build $(BUN_COMPILE) bench/build/empty.js --outfile $@

bench/build/measure: bench/measure.c
	mkdir -p bench/build && $(CC) -O2 -Wall -Wextra -o $@ $<

# the OCI conformance suite (conformance/): RUNTIME=/path/to/runtime, or several
# comma-separated (the last is the reference: RUNTIME=runts,runc fails when runc
# passes a statement runts fails). CONFORMANCE_ARGS="--filter REGEX --json FILE"
RUNTIME ?= runts
conformance: conformance-build
	conformance/bin/runts-conformance --runtime $(RUNTIME) $(CONFORMANCE_ARGS)

conformance-build: conformance/build/probe conformance/build/js/main.js

conformance/build/probe: conformance/probe/probe.c
	mkdir -p conformance/build && $(CC) -static -O2 -Wall -Wextra -o $@ $<

conformance/build/js/main.js: $(wildcard conformance/src/*.ts conformance/src/tests/*.ts) conformance/tsconfig.json | node_modules/.package-lock.json
	node_modules/.bin/tsc -p conformance

# the suite against deliberately broken runtimes: each must be caught by its tests
conformance-selftest: conformance-build
	conformance/selftest/run.sh $(RUNTIME)

clean:
	rm -rf conformance/build
	rm -rf dist addon/build build lib/config/validate.generated.ts $(ROOTFS) .tap bench/build
