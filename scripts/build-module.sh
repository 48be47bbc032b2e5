#!/bin/sh
# Usage: build-module.sh KVER [KDIR]
# Build svshm.ko for kernel KVER (against KDIR, default its /lib/modules
# build tree) in build/kernel/KVER (a copy of the
# sources, so that kernels do not overwrite each other's objects), with W=1
# and sparse (C=2; sid's sparse, built by scripts/sparse.sh, as bookworm's
# is too old for 7.x headers). Print the .ko's path; fail on any warning,
# error or sparse report.
set -eu
kver=$1
kdir=${2:-/lib/modules/$kver/build}
top=$(cd "$(dirname "$0")/.." && pwd)
sparse=$("$top/scripts/sparse.sh")
dir=$top/build/kernel/$kver
rm -rf "$dir"
mkdir -p "$dir"
cp -r "$top/Kbuild" "$top/module" "$top/uapi" "$dir/"
log=$dir/build.log
if ! make -C "$kdir" M="$dir" W=1 C=2 CHECK="$sparse" modules >"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
# Anything the compiler or sparse says is a finding.
if grep -E '(warning|error):|^[^ ]+:[0-9]+:[0-9]+: ' "$log" >&2; then
	exit 1
fi
echo "$dir/svshm.ko"
