#!/bin/bash
# Takes the kernel modules the Debian guest's /init loads out of the kernel
# package, uncompressed (Debian ships them as .ko.xz; busybox's insmod
# hands the kernel the file as it is), reproducibly: the same .deb gives
# the same bytes.
# usage: guests/debian/extract-modules.sh OUTDIR DEB
#
# Leaves in OUTDIR: virtio_mmio.ko, virtio_input.ko, evdev.ko (the power
# button: docs/platform.md) and MODULES, a line per module with its
# sha256 and path in the package (VERSIONS style).
set -euo pipefail

MODULES=(drivers/virtio/virtio_mmio drivers/virtio/virtio_input
	drivers/input/evdev)

[ $# = 2 ] || { echo "usage: $0 OUTDIR DEB" >&2; exit 1; }
out=$1 deb=$2
[ -r "$deb" ] || { echo "$0: $deb: no such package" >&2; exit 1; }

mkdir -p "$out"
stage=$(mktemp -d "$out/extract.XXXXXX")
trap 'rm -rf "$stage"' EXIT

pats=()
for m in "${MODULES[@]}"; do
	pats+=("./usr/lib/modules/*/kernel/$m.ko.xz")
done
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage" --wildcards "${pats[@]}"

{
	echo "# kernel modules of the Debian guest's initramfs, from $(basename "$deb")"
	for m in "${MODULES[@]}"; do
		src=$(find "$stage" -path "*/kernel/$m.ko.xz" | head -1)
		[ -n "$src" ] || { echo "$0: $m.ko.xz not in $deb" >&2; exit 1; }
		name=${m##*/}
		xz -dc "$src" >"$stage/$name.ko"
		mv "$stage/$name.ko" "$out/$name.ko"
		printf '%s %s from %s\n' "$name.ko" \
			"$(sha256sum <"$out/$name.ko" | cut -d' ' -f1)" \
			"${src#"$stage"}"
	done
} >"$stage/MODULES"
mv "$stage/MODULES" "$out/MODULES"
