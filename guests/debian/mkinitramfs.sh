#!/bin/bash
# Builds the Debian guest's initramfs, reproducibly: the same inputs give
# the same bytes (sorted names, owner root, mtime 0, no device numbers,
# gzip without name or time).
# usage: guests/debian/mkinitramfs.sh OUT.cpio.gz BUSYBOX INIT WORKLOAD
#
# The archive holds /bin/busybox, /init, /workload.sh and empty /dev,
# /proc, /sys, /tmp, /root; /init makes busybox's applet links and mounts
# devtmpfs. /dev/console comes from the kernel's built-in initramfs.
set -euo pipefail

[ $# = 4 ] || { echo "usage: $0 OUT BUSYBOX INIT WORKLOAD" >&2; exit 1; }
out=$1 busybox=$2 init=$3 workload=$4

stage=$(mktemp -d "${out%/*}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root}
install -m 0755 "$busybox" "$stage/bin/busybox"
install -m 0755 "$init" "$stage/init"
install -m 0755 "$workload" "$stage/workload.sh"
chmod 0755 "$stage"/{bin,sbin,usr,usr/bin,usr/sbin,dev,proc,sys}
chmod 0700 "$stage/root"
chmod 1777 "$stage/tmp"
find "$stage" -exec touch -h -d @0 {} +

(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc --reproducible -R 0:0) |
	gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
