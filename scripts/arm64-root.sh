#!/bin/sh
# Usage: arm64-root.sh
# Print the directory of the arm64 guest's root filesystem (QEMU exports it
# over 9p read-only in place of the host's: scripts/qemu-run.sh -A arm64).
# It holds Debian's arm64 packages of this machine's release, from the
# mirror its apt sources name (scripts/mirror.sh), unpacked with
# mmdebstrap --variant=extract: nothing of them runs on the host (no
# maintainer scripts, no emulation), so what those scripts would have made
# is made here from the packages' own files (the users and groups, the
# /bin/sh and awk links; the loader's cache is left out: the libraries are
# where the loader looks anyway). What the guest runs: the shell and the tools of
# scripts/guest/tests.sh (coreutils, util-linux's setpriv, kmod's insmod),
# a static busybox for the initramfs, PostgreSQL 15, perl and python3 with
# sysv_ipc for programs_test; libkmod-dev, which the cross build of the
# userspace links against (scripts/arm64-build.sh). Beside them, armhf's C
# library (libc6:armhf, a foreign architecture of the root, in the
# multiarch directories /lib/arm-linux-gnueabihf and the loader
# /lib/ld-linux-armhf.so.3 where its programs name it): the 32-bit ARM
# programs the kernel runs through CONFIG_COMPAT (scripts/armhf-build.sh).
# Made once into the cache, keyed by the release, the package list and
# this script, under a lock, in a .tmp directory moved in place when done.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/cache.sh"
pkgs="base-files base-passwd libc6 libc-bin dash bash coreutils util-linux mount kmod
 busybox-static grep sed mawk findutils procps hostname tzdata
 postgresql-15 perl python3 python3-sysv-ipc libkmod-dev libc6:armhf"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "arm64-root: no Debian release in /etc/os-release" >&2; exit 1; }
# shellcheck disable=SC2086
key=$( (echo "$codename"; echo $pkgs; cat "$0") | md5sum | cut -c1-12)
dir=$svshm_cache/arm64-root-$codename-$key
if [ -f "$dir/.made" ]; then
	echo "$dir"
	exit 0
fi
cache_lock "arm64-root-$codename-$key"
if [ ! -f "$dir/.made" ]; then
	command -v mmdebstrap >/dev/null ||
		{ echo "arm64-root: needs mmdebstrap (scripts/install-deps.sh)" >&2; exit 1; }
	mirror=$("$here/mirror.sh") ||
		{ echo "arm64-root: no Debian mirror in /etc/apt/sources*" >&2; exit 1; }
	security=$("$here/mirror.sh" debian-security) || security=""
	tmp=$dir.tmp
	rm -rf "$dir" "$tmp"
	mkdir -p "$tmp"
	log=$svshm_cache/arm64-root-$codename-$key.log
	echo "arm64-root: unpacking Debian $codename arm64 into $dir (log: $log)" >&2
	{
		echo "deb $mirror $codename main"
		echo "deb $mirror $codename-updates main"
		[ -z "$security" ] || echo "deb $security $codename-security main"
	} >"$tmp.list"
	# shellcheck disable=SC2086
	mmdebstrap --variant=extract --architectures=arm64,armhf --mode=root \
		--include="$(echo $pkgs | tr ' ' ,)" "$codename" "$tmp/root" "$tmp.list" \
		>"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
	r=$tmp/root
	# What the maintainer scripts would have made.
	cp "$r/usr/share/base-passwd/passwd.master" "$r/etc/passwd"
	cp "$r/usr/share/base-passwd/group.master" "$r/etc/group"
	[ -e "$r/bin/sh" ] || ln -s dash "$r/bin/sh"
	[ -e "$r/usr/bin/awk" ] || ln -s mawk "$r/usr/bin/awk"
	for d in dev proc sys run tmp var/tmp root; do mkdir -p "$r/$d"; done
	# Checks, so that a missing piece fails here and not in the guest.
	for f in bin/sh usr/bin/awk bin/busybox sbin/insmod usr/bin/setpriv usr/bin/timeout \
		usr/lib/postgresql/15/bin/postgres usr/lib/postgresql/15/bin/pgbench \
		usr/bin/perl usr/bin/python3 lib/ld-linux-aarch64.so.1 usr/include/libkmod.h \
		lib/ld-linux-armhf.so.3 lib/arm-linux-gnueabihf/libc.so.6; do
		[ -e "$r/$f" ] || { echo "arm64-root: no /$f in the root" >&2; exit 1; }
	done
	mv "$r" "$dir"
	rm -rf "$tmp" "$tmp.list"
	touch "$dir/.made"
fi
echo "$dir"
