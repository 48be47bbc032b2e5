#!/bin/sh
# Usage: newest-source.sh [-s]
# Print the directory of the newest kernel source Debian ships, unpacked
# once into the cache: the highest linux-source-X.Y of sid and
# trixie-backports. Those suites are read through a private apt
# configuration in the cache, written from the Debian mirror that this
# machine's own apt sources name; the machine's sources are never changed
# and nothing is installed. The version is chosen when the cache is first
# filled and kept (the file newest-source in the cache); delete that file,
# or set SVSHM_NEWEST=linux-source-X.Y, to move on (README).
# -s: print the private apt options instead (for apt-get source sparse).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/cache.sh"
apt=$svshm_cache/apt
opts="-o Dir::Etc::sourcelist=$apt/sources.list -o Dir::Etc::sourceparts=-
 -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache
 -o Dir::State::status=$apt/status -o Acquire::Check-Valid-Until=false
 -o Debug::NoLocking=1 -o APT::Sandbox::User=root"

# Refresh the private lists once (a later run reuses them).
apt_lists() {
	cache_lock apt 8
	[ -f "$apt/.updated" ] && return 0
	if ! m=$("$here/mirror.sh"); then
		echo "newest-source: no Debian mirror in /etc/apt/sources*" >&2
		exit 1
	fi
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	: >"$apt/status"
	key="signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
	for s in sid trixie-backports; do
		echo "deb [$key] $m $s main"
		echo "deb-src [$key] $m $s main"
	done >"$apt/sources.list"
	# shellcheck disable=SC2086
	apt-get $opts -qq update >&2
	touch "$apt/.updated"
}

if [ "${1:-}" = -s ]; then
	apt_lists
	echo $opts
	exit 0
fi

pkg=${SVSHM_NEWEST:-}
if [ -z "$pkg" ] && [ -f "$svshm_cache/newest-source" ]; then
	pkg=$(cat "$svshm_cache/newest-source")
fi
if [ -z "$pkg" ]; then
	apt_lists
	# shellcheck disable=SC2086
	pkg=$(apt-cache $opts pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$' |
		sort -V | tail -n 1)
	[ -n "$pkg" ] || { echo "newest-source: no linux-source-X.Y in sid or trixie-backports" >&2; exit 1; }
	echo "$pkg" >"$svshm_cache/newest-source"
fi

dir=$svshm_cache/$pkg
cache_lock "$pkg"
if [ ! -f "$dir/.unpacked" ]; then
	apt_lists
	tmp=$svshm_cache/$pkg.tmp
	rm -rf "$dir" "$tmp"
	mkdir -p "$tmp/deb"
	echo "newest-source: fetching $pkg" >&2
	# shellcheck disable=SC2086
	(cd "$tmp/deb" && apt-get $opts -qq download "$pkg") >&2
	dpkg-deb -x "$tmp/deb/"*.deb "$tmp/deb/root"
	dpkg-deb -f "$tmp/deb/"*.deb Version >"$tmp/deb/version"
	mkdir -p "$tmp/src"
	tar -xJf "$tmp/deb/root/usr/src/$pkg.tar.xz" -C "$tmp/src" --strip-components=1
	cp "$tmp/deb/version" "$tmp/src/.debian-version"
	mv "$tmp/src" "$dir"
	rm -rf "$tmp"
	touch "$dir/.unpacked"
fi
echo "$dir"
