#!/bin/sh
# Installs the Debian packages that building and testing runts use, only
# those missing (a fresh machine has none of them).
#   busybox-static   the sample bundle's root filesystem
#   runc             the reference runtime for differential tests
#   golang-github-opencontainers-specs-dev  the official schemas, to cross-check ours
#   jq strace        handy in tests and by hand
#   libseccomp-dev   the addon builds seccomp filters with libseccomp
#   golang-github-containers-common  podman's default seccomp profile
#                    (/usr/share/containers/seccomp.json), loaded in tests
#   podman conmon containerd uidmap  the real clients that spec/integration/podman.test.ts
#                    and spec/integration/containerd.test.ts drive (ctr, containerd-shim-runc-v2);
#                    uidmap's newuidmap/newgidmap also for spec/integration/rootless.test.ts
set -eu
pkgs="busybox-static runc golang-github-opencontainers-specs-dev jq libseccomp-dev golang-github-containers-common podman conmon containerd uidmap"
missing=""
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
[ -z "$missing" ] && exit 0
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null
