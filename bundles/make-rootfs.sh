#!/bin/sh
# Builds bundles/<name>/rootfs from Debian's busybox-static: one static
# binary plus a symlink per applet, and the few files a shell expects.
# Usage: bundles/make-rootfs.sh DIR   (installs busybox-static when missing)
set -eu
dir=${1:?usage: make-rootfs.sh ROOTFS_DIR}
if ! dpkg -s busybox-static >/dev/null 2>&1; then
  echo "installing busybox-static" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
[ -x "$dir/bin/busybox" ] && exit 0
mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/etc" "$dir/proc" "$dir/sys" \
  "$dir/dev" "$dir/tmp" "$dir/root" "$dir/home" "$dir/var"
cp /bin/busybox "$dir/bin/busybox"
for applet in $("$dir/bin/busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
chmod 1777 "$dir/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
