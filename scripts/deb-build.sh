#!/bin/sh
# Usage: deb-build.sh [-a i386]
# Build the Debian packages of debian/ (svshm-dkms, libsvshm1, libsvshm-dev,
# svshm-tools) with dpkg-buildpackage -us -uc -b, from a copy of the tree in
# build/deb/svshm-VERSION: dpkg-buildpackage writes the .debs, .buildinfo and
# .changes into the parent of the source tree, which must be under build/
# (make clean removes it), not the directory that holds the checkout.
# The build log is build/deb/build.log.
# -a i386: i386's library packages (libsvshm1:i386, libsvshm-dev:i386) on
# amd64, by gcc -m32 (gcc-12-multilib, libc6-dev-i386), into build/deb-i386;
# the build dependencies are not checked (-d): the i386 build needs none
# of the tools' (libkmod-dev:i386).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
out=$top/build/deb
opts="-b"
if [ "${1:-}" = -a ]; then
	out=$top/build/deb-$2
	opts="-B -a $2 -d"
fi
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
# shellcheck disable=SC2086
dpkg-buildpackage -us -uc $opts >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log"; exit 1; }
ls "$out"/*.deb
