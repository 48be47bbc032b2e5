#!/bin/sh
# Print the directory of Debian's linux-source-6.12, unpacked once into the
# cache (kselftest_harness.h, checkpatch.pl).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/cache.sh"

tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "kernel-source: linux-source-6.12 is not installed (scripts/install-deps.sh)" >&2
	exit 1
fi
name=$(basename "$tarball" .tar.xz)
dir="$svshm_cache/$name"
if [ ! -f "$dir/.unpacked" ]; then
	cache_lock "$name"
	if [ ! -f "$dir/.unpacked" ]; then
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		echo "kernel-source: unpacking $tarball into $dir" >&2
		tar -xJf "$tarball" -C "$dir.tmp" --strip-components=1
		mv "$dir.tmp" "$dir"
		touch "$dir/.unpacked"
	fi
fi
echo "$dir"
