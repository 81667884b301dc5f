#!/usr/bin/env bash
# make test-v2: runts' cgroup v2 tests (spec/v2/) inside the pure cgroup v2 VM
# with systemd as PID 1 (../shared/v2vm: Debian 12, emulated, 25-35x slower
# than this machine). What runs there is what `make build` made here (same
# Debian, same node binary): the guest would take minutes to compile it. The
# tree goes in as one tar over the 9p share (many small files over 9p are
# slow) and is unpacked in the guest's /tmp. Prints how long it all took.
#   V2VM_DIR: the VM's tools (default ../shared/v2vm, else /work/shared/v2vm)
#   TEST_V2_STOP=1: stop the VM afterwards (CI); TEST_V2_FILES: test files
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
VM=${V2VM_TOOLS:-}
for d in "$TOP/../shared/v2vm" /work/shared/v2vm; do [ -z "$VM" ] && [ -x "$d/run.sh" ] && VM=$d; done
[ -n "$VM" ] || { echo "test-v2: no v2vm tools (../shared/v2vm/run.sh)" >&2; exit 2; }
t0=$(date +%s)
[ -f "${V2VM_DIR:-/var/tmp/v2vm}/disk.raw" ] || "$VM/build.sh" || exit 1
mkdir -p "$TOP/.v2"
tar -C "$TOP" -cf "$TOP/.v2/tree.tar" --exclude=./.git --exclude=./.v2 --exclude=./.tap \
  --exclude=./conformance --exclude=./bench . || exit 1
files=${TEST_V2_FILES:-spec/v2/*.test.ts}
V2VM_SHARE=$TOP "$VM/run.sh" "rm -rf /tmp/runts-v2 && mkdir /tmp/runts-v2 && tar -C /tmp/runts-v2 -xf .v2/tree.tar &&
  cd /tmp/runts-v2 && node_modules/.bin/tap --reporter=tap --timeout=3600 $files"
rc=$?
rm -f "$TOP/.v2/tree.tar"
[ "${TEST_V2_STOP:-0}" = 1 ] && "$VM/run.sh" --stop
echo "test-v2: exit $rc in $(( $(date +%s) - t0 )) s (VM boot if needed, copy, tests)"
exit $rc
