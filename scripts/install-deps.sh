#!/bin/sh
# Usage: install-deps.sh [demo]
# Install what svshm needs, with apt-get: by default everything to build,
# boot and test (make check), and the kernel source unpacked; with demo,
# only what make demo needs (the 6.1 kernel and its headers, QEMU, the
# guest's initramfs tools, a compiler and the libraries' headers), and no
# kernel source: which is also what make, make install and a program built
# with pkg-config need (README, "From the tree").
# Every package is named: apt-get runs without recommends, and a machine
# may have nothing but what these lists bring (scripts/fresh-root.sh checks
# that on a minimal Debian root).
# Idempotent: when every package is present and the kernel source is unpacked,
# it returns in well under a second without touching the network.
set -eu

# The meta packages follow Debian's newest 6.1 (bookworm's default kernel) and
# newest 6.12 (bookworm's backport line), so a fresh machine gets both.
# gcc only recommends libc6-dev, the C library's headers.
DEMO="
linux-image-amd64 linux-headers-amd64
qemu-system-x86 busybox-static kmod cpio xz-utils gcc libc6-dev make util-linux
libkmod-dev pkgconf
"
PKGS="$DEMO
linux-image-6.12-amd64 linux-headers-6.12-amd64
linux-source-6.12
mandoc debootstrap
sparse dpkg-dev perl bc flex bison libelf-dev libssl-dev
procps
perl perl-modules-5.36 python3 python3-sysv-ipc postgresql-15
xvfb x11-apps
debhelper dh-dkms dkms lintian fakeroot
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm mmdebstrap
gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
gcc-12-multilib libc6-dev-i386 binutils-i686-linux-gnu
golang-go golang-golang-x-sys-dev
"
[ "${1:-}" = demo ] && PKGS=$DEMO

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
fi

[ "${1:-}" = demo ] && exit 0
# kselftest_harness.h and checkpatch.pl come from the Debian source tarball,
# unpacked once into a cache outside the tree.
exec "$(dirname "$0")/kernel-source.sh" >/dev/null
