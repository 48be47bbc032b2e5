#!/bin/sh
# Usage: busybox-build.sh [-a arm64] [OUT]
# A statically linked busybox with ipcs and ipcrm, the callers that
# callers_test runs under svshm-exec: Debian's busybox-static has neither
# applet. Built from the busybox source package of this machine's Debian
# release (its codename in /etc/os-release), fetched through a private apt
# configuration in the cache whose deb-src line names the mirror of this
# machine's own apt sources (scripts/mirror.sh); the machine's sources are
# never changed and nothing is installed. The configuration is allnoconfig
# with selftests/busybox.config on top. The binary is cached under the
# source's version and a hash of that fragment, so that a later run copies
# it without network or compiler; it is copied to OUT (default
# build/callers/busybox, build/arm64/callers/busybox with -a arm64, the
# arm64 guest's, cross-built with aarch64-linux-gnu-gcc).
set -eu
# Run from svshm's make (make callers), whose flags (-Wextra -Werror, and
# the variables of its command line: CC, OUT) are not busybox's: its own
# build gets none of them.
unset CFLAGS CPPFLAGS LDFLAGS CC MAKEFLAGS MFLAGS MAKELEVEL
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib/cache.sh"
arch="" cross=""
if [ "${1:-}" = -a ]; then
	[ "$2" = arm64 ] || { echo "busybox-build: no architecture $2" >&2; exit 2; }
	arch=-arm64 cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
	shift 2
fi
out=${1:-$top/build${arch:+/arm64}/callers/busybox}
frag=$top/selftests/busybox.config
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
apt=$svshm_cache/apt-$suite-src
opts="-o Dir::Etc::sourcelist=$apt/sources.list -o Dir::Etc::sourceparts=-
 -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache
 -o Dir::State::status=$apt/status -o Debug::NoLocking=1
 -o APT::Sandbox::User=root"

# The private source lists, read once (a later run reuses them).
cache_lock "apt-$suite-src" 8
if [ ! -f "$apt/.updated" ]; then
	m=$("$here/mirror.sh") || { echo "busybox-build: no Debian mirror in /etc/apt/sources*" >&2; exit 1; }
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	: >"$apt/status"
	key="signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
	{
		echo "deb-src [$key] $m $suite main"
		echo "deb-src [$key] $m $suite-updates main"
		if s=$("$here/mirror.sh" debian-security); then
			echo "deb-src [$key] $s $suite-security main"
		fi
	} >"$apt/sources.list"
	# shellcheck disable=SC2086
	apt-get $opts -qq update >&2
	touch "$apt/.updated"
fi
# shellcheck disable=SC2086
ver=$(apt-cache $opts showsrc busybox | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$ver" ] || { echo "busybox-build: no busybox source in $suite" >&2; exit 1; }
cache_unlock 8

name=busybox-$(echo "$ver" | tr ':~' '__')$arch-$(sha256sum "$frag" | cut -c1-12)
dir=$svshm_cache/$name
cache_lock "$name"
if [ ! -x "$dir/busybox" ]; then
	tmp=$dir.tmp
	rm -rf "$dir" "$tmp"
	mkdir -p "$tmp"
	echo "busybox-build: fetching busybox $ver" >&2
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get $opts -qq source --download-only "busybox=$ver") >&2
	dpkg-source -q -x "$tmp"/busybox_*.dsc "$tmp/src" >&2
	# allnoconfig, the fragment's options on it, and what they depend on
	# at its defaults (oldconfig with no answers).
	make -s -C "$tmp/src" allnoconfig >&2
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*}
		sed -i "/^$opt=/d; /^# $opt is not set/d" "$tmp/src/.config"
		echo "$line" >>"$tmp/src/.config"
	done <"$frag"
	make -s -C "$tmp/src" oldconfig </dev/null >/dev/null
	# The fragment's options must have stuck: a name that Kconfig does not
	# know is dropped silently by oldconfig.
	grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS= read -r line; do
		grep -qx "$line" "$tmp/src/.config" ||
			{ echo "busybox-build: $line did not stick" >&2; exit 1; }
	done
	make -s -C "$tmp/src" -j"$(nproc)" CROSS_COMPILE="$cross" busybox >&2
	mkdir -p "$dir"
	cp "$tmp/src/busybox" "$tmp/src/.config" "$dir/"
	rm -rf "$tmp"
fi
mkdir -p "$(dirname "$out")"
cp "$dir/busybox" "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
