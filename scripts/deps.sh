#!/bin/bash
# Installs every Debian package that building, testing and the demo need.
# Idempotent: installs only what is missing. Needs root (or sudo) the first
# time; a machine that already has everything needs nothing.
set -euo pipefail

PKGS=(
	build-essential pkg-config bc cpio gzip
	gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu
	qemu-system-misc opensbi
	libfdt-dev device-tree-compiler libcmocka-dev libzstd-dev uuid-dev libssl-dev
	libxxhash-dev clang libclang-rt-14-dev
	libseccomp-dev libprotobuf-c-dev protobuf-c-compiler
	libcpg-dev libquorum-dev libvotequorum-dev libcmap-dev
	libcorosync-common-dev librdmacm-dev libibverbs-dev
	debian-archive-keyring gpgv apt dpkg xz-utils zstd coreutils
	hyperfine python3
	iproute2 iputils-ping util-linux openssl
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} = 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
