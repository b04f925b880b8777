#!/bin/bash
# Builds the Debian guest's initramfs, reproducibly: the same inputs give
# the same bytes (sorted names, owner root, mtime 0, no device numbers,
# gzip without name or time).
# usage: guests/debian/mkinitramfs.sh OUT.cpio.gz BUSYBOX INIT WORKLOAD MODDIR
#
# The archive holds /bin/busybox, /init, /workload.sh, MODDIR's *.ko in
# /lib/modules (extract-modules.sh) and empty /dev, /proc, /sys, /tmp,
# /root; /init makes busybox's applet links, mounts devtmpfs and loads
# the modules. /dev/console comes from the kernel's built-in initramfs.
set -euo pipefail

[ $# = 5 ] || {
	echo "usage: $0 OUT BUSYBOX INIT WORKLOAD MODDIR" >&2
	exit 1
}
out=$1 busybox=$2 init=$3 workload=$4 moddir=$5

stage=$(mktemp -d "${out%/*}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root} \
	"$stage/lib/modules"
install -m 0755 "$busybox" "$stage/bin/busybox"
install -m 0644 "$moddir"/*.ko "$stage/lib/modules/"
install -m 0755 "$init" "$stage/init"
install -m 0755 "$workload" "$stage/workload.sh"
chmod 0755 "$stage"/{bin,sbin,usr,usr/bin,usr/sbin,dev,proc,sys,lib} \
	"$stage/lib/modules"
chmod 0700 "$stage/root"
chmod 1777 "$stage/tmp"
find "$stage" -exec touch -h -d @0 {} +

(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc --reproducible -R 0:0) |
	gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
