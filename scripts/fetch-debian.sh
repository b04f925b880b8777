#!/bin/bash
# Fetches the Debian guest's parts from Debian 13 ("trixie") riscv64: the
# kernel (linux-image-riscv64 -> linux-image-6.12.*-riscv64) and
# busybox-static, through apt with a private configuration under OUTDIR that
# never reads or writes the host's apt sources, state or caches. apt checks
# the archive's signature (debian-archive-keyring) and every file's hash.
#
# usage: scripts/fetch-debian.sh OUTDIR        (OUTDIR is build/debian)
#
# Leaves in OUTDIR:
#   vmlinux    the kernel as a flat RISC-V Image ("RSC\x05" at 0x38)
#   busybox    Debian's statically linked busybox for riscv64
#   VERSIONS   package names, versions and sha256s of the .debs and files
#   debs/      the downloaded packages; apt/ the private apt tree's config
#   .stamp     written last: when it exists the script does nothing
set -euo pipefail

SUITE=trixie
# Suite names to try, in order: the codename, then its alias while the
# alias still means the codename (checked against the signed Release).
SUITES=(trixie stable)
MIRROR=${HV_DEBIAN_MIRROR:-http://deb.debian.org/debian}   # a local mirror may stand in
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
ARCH=riscv64

die() { echo "fetch-debian.sh: $*" >&2; exit 1; }

[ $# = 1 ] || die "usage: $0 OUTDIR"
out=$1
stamp=$out/.stamp
if [ -e "$stamp" ] && [ -s "$out/vmlinux" ] && [ -s "$out/busybox" ]; then
	exit 0
fi

for tool in apt-get apt-cache dpkg-deb sha256sum; do
	command -v $tool >/dev/null || die "$tool not found (run scripts/deps.sh)"
done
[ -r "$KEYRING" ] || die "$KEYRING missing (install debian-archive-keyring)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
apt=$out/apt
rm -rf "$apt" "$out/debs" "$out/root"
mkdir -p "$apt"/{etc/apt.conf.d,etc/preferences.d,etc/sources.list.d} \
	"$apt"/state/lists/partial "$apt"/cache/archives/partial \
	"$apt"/log "$out/debs" "$out/root"
: >"$apt/state/status"

# Read through APT_CONFIG before anything else, so the host's apt.conf.d
# (Dir::Etc::parts) and apt.conf (Dir::Etc::main) are never consulted.
cat >"$apt/etc/apt.conf" <<CONF
Dir::Etc "$apt/etc/";
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$apt/etc/apt.conf.d/";
Dir::Etc::sourcelist "$apt/etc/sources.list";
Dir::Etc::sourceparts "$apt/etc/sources.list.d/";
Dir::Etc::preferences "$apt/etc/preferences";
Dir::Etc::preferencesparts "$apt/etc/preferences.d/";
Dir::Etc::trusted "/dev/null";
Dir::Etc::trustedparts "$apt/etc/trusted.gpg.d/";
Dir::State "$apt/state/";
Dir::State::lists "$apt/state/lists/";
Dir::State::status "$apt/state/status";
Dir::State::extended_states "$apt/state/extended_states";
Dir::Cache "$apt/cache/";
Dir::Cache::archives "$apt/cache/archives/";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Dir::Log "$apt/log/";
APT::Architecture "$ARCH";
APT::Architectures { "$ARCH"; };
DPkg::Options { "--admindir=$apt/state"; };
Acquire::Languages "none";
Acquire::Retries "2";
APT::Get::List-Cleanup "false";
CONF
mkdir -p "$apt/etc/trusted.gpg.d"
export APT_CONFIG=$apt/etc/apt.conf

# apt-get update from suite $1; fails unless the signed index it fetched
# is $SUITE's. The archive is reached through a cache that may serve one
# suite name's Release and Packages from different moments ("Mirror sync in
# progress?"), so the codename's alias is tried too (see SUITES).
update() {
	local suite=$1 log=$apt/log/update-$1.log
	rm -rf "$apt/state/lists"
	mkdir -p "$apt/state/lists/partial"
	echo "deb [arch=$ARCH signed-by=$KEYRING] $MIRROR $suite main" \
		>"$apt/etc/sources.list"
	echo "fetch-debian.sh: apt-get update ($suite/$ARCH from $MIRROR)" >&2
	if ! apt-get -q update >"$log" 2>&1 ||
		grep -q '^\(W\|E\|Err\):' "$log"; then
		sed 's/^/  /' "$log" >&2
		return 1
	fi
	local codename
	codename=$(sed -n 's/^Codename: //p' "$apt"/state/lists/*InRelease \
		2>/dev/null | head -1) || true
	if [ "$codename" != "$SUITE" ]; then
		echo "  $suite is \"$codename\", not $SUITE" >&2
		return 1
	fi
}
ok=
for s in "${SUITES[@]}"; do
	if update "$s"; then
		ok=$s
		break
	fi
done
[ -n "$ok" ] || die "apt-get update failed for ${SUITES[*]}: cannot fetch" \
	"or verify $SUITE's $ARCH index from $MIRROR (no network? a mirror" \
	"in mid-sync? a bad signature?)"

# Version of package $1 in the index, or nothing.
candidate() {
	apt-cache show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Version: //p' | head -1
}

# The metapackage names the real kernel package in its Depends.
meta=linux-image-$ARCH
[ -n "$(candidate $meta)" ] || die "package $meta not found in $SUITE/$ARCH"
kpkg=$(apt-cache show --no-all-versions $meta | sed -n 's/^Depends: //p' |
	tr ',' '\n' | sed 's/^ *//; s/ .*//' |
	grep -E "^linux-image-[0-9].*-$ARCH(-unsigned)?$" | head -1) || true
[ -n "$kpkg" ] || die "cannot resolve $meta's kernel package from its Depends"
pkgs=("$kpkg" busybox-static)
for p in "${pkgs[@]}"; do
	[ -n "$(candidate "$p")" ] || die "package $p not found in $SUITE/$ARCH"
done

echo "fetch-debian.sh: apt-get download ${pkgs[*]}" >&2
if ! (cd "$out/debs" && apt-get -q download "${pkgs[@]}") \
	>"$apt/log/download.log" 2>&1; then
	cat "$apt/log/download.log" >&2
	die "apt-get download ${pkgs[*]} failed"
fi

for deb in "$out"/debs/*.deb; do
	dpkg-deb -x "$deb" "$out/root"
done

# The kernel: Debian ships /boot/vmlinux-VERSION, a flat Image (with an EFI
# "MZ" stub header); older or other packagings ship vmlinuz, compressed.
kfile=$(find "$out/root/boot" -maxdepth 1 -type f \
	\( -name 'vmlinux-*' -o -name 'vmlinuz-*' \) | sort | head -1)
[ -n "$kfile" ] || die "no /boot/vmlinu[xz]-* in $kpkg"
is_image() {
	[ "$(od -An -tx1 -j56 -N4 "$1" | tr -d ' \n')" = 52534305 ]
}
case $(od -An -tx1 -N4 "$kfile" | tr -d ' \n') in
1f8b*) gzip -dc "$kfile" >"$out/vmlinux.tmp" ;;
fd377a58) xz -dc "$kfile" >"$out/vmlinux.tmp" ;;
28b52ffd) zstd -qdc "$kfile" >"$out/vmlinux.tmp" ;;
*) cp "$kfile" "$out/vmlinux.tmp" ;;
esac
is_image "$out/vmlinux.tmp" ||
	die "$kfile is not a flat RISC-V Image (no RSC\\x05 magic at 0x38)"
mv "$out/vmlinux.tmp" "$out/vmlinux"

bfile=$out/root/bin/busybox
[ -f "$bfile" ] || bfile=$out/root/usr/bin/busybox
[ -f "$bfile" ] || die "no busybox binary in busybox-static"
install -m 0755 "$bfile" "$out/busybox"

{
	echo "# Debian $SUITE $ARCH packages behind the Debian guest (suite $ok)"
	for deb in "$out"/debs/*.deb; do
		printf '%s %s %s %s\n' \
			"$(dpkg-deb -f "$deb" Package)" \
			"$(dpkg-deb -f "$deb" Version)" \
			"$(sha256sum <"$deb" | cut -d' ' -f1)" \
			"$(basename "$deb")"
	done
	printf 'file vmlinux %s from %s\n' \
		"$(sha256sum <"$out/vmlinux" | cut -d' ' -f1)" "${kfile#"$out"/root}"
	printf 'file busybox %s from %s\n' \
		"$(sha256sum <"$out/busybox" | cut -d' ' -f1)" "${bfile#"$out"/root}"
} >"$out/VERSIONS"
# Keep the .debs (the cache) and what was taken from them, not the rest.
rm -rf "$out/root" "$apt/state/lists" "$apt/cache"
touch "$stamp"
echo "fetch-debian.sh: done:" >&2
cat "$out/VERSIONS" >&2
