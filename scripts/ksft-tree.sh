#!/bin/sh
# Usage: ksft-tree.sh SRC DEST
# Make DEST a kernel tree for the selftests' kselftest target without
# touching SRC (the cache's unpacked source, shared and read-only to us):
# symbolic links to SRC's entries, but tools/testing/selftests a real
# directory of links with svshm -> this checkout's selftests/, as a kernel
# developer would link it. Print DEST.
set -eu
src=$1 dest=$2
top=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$dest"
# link_all FROM TO SKIP: TO/x -> FROM/x for each entry x of FROM but SKIP.
link_all() {
	mkdir -p "$2"
	for e in "$1"/* "$1"/.[!.]*; do
		[ -e "$e" ] && [ "$(basename "$e")" != "$3" ] && ln -s "$e" "$2/"
	done
	return 0
}
link_all "$src" "$dest" tools
link_all "$src/tools" "$dest/tools" testing
link_all "$src/tools/testing" "$dest/tools/testing" selftests
link_all "$src/tools/testing/selftests" "$dest/tools/testing/selftests" svshm
ln -s "$top/selftests" "$dest/tools/testing/selftests/svshm"
cd "$dest" && pwd
