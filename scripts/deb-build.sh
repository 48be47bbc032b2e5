#!/bin/sh
# Usage: deb-build.sh
# Build the Debian packages of debian/ (svshm-dkms, libsvshm1, libsvshm-dev,
# svshm-tools) with dpkg-buildpackage -us -uc -b, from a copy of the tree in
# build/deb/svshm-VERSION: dpkg-buildpackage writes the .debs, .buildinfo and
# .changes into the parent of the source tree, which must be under build/
# (make clean removes it), not the directory that holds the checkout.
# The build log is build/deb/build.log.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
out=$top/build/deb
src=$out/svshm-$version
rm -rf "$out"
mkdir -p "$src"
cd "$top"
# The whole tree but build/ and .git: the source package is the project.
# Its clean target (make clean) then drops whatever build outputs came along.
for f in * .[!.]*; do
	case $f in build | .git) continue ;; esac
	cp -r "$f" "$src/"
done
cd "$src"
dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
ls "$out"/*.deb
