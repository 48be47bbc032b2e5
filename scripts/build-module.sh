#!/bin/sh
# Usage: build-module.sh [-p] KVER [KDIR]
# Build svshm.ko for kernel KVER (against KDIR, default its /lib/modules
# build tree) in build/kernel/KVER (a copy of the
# sources, so that kernels do not overwrite each other's objects), with W=1
# and sparse (C=2; sid's sparse, built by scripts/sparse.sh, as bookworm's
# is too old for 7.x headers). Print the .ko's path; fail on any warning,
# error or sparse report.
# -p: a plain build, without W=1 and sparse (the demo's: it needs a module,
# not the checks, and sparse is built from source the first time), made
# once per kernel and module source: a later -p build with the same kernel
# tree, compiler and sources prints the module it already has.
# A kernel without a build tree fails at once, in one line, before sparse
# is built for nothing.
set -eu
plain=""
[ "${1:-}" = -p ] && { plain=1; shift; }
if [ -z "${1:-}" ]; then
	echo "usage: build-module.sh [-p] KVER [KDIR] (the kernels: scripts/kernels.sh)" >&2
	exit 1
fi
kver=$1
kdir=${2:-/lib/modules/$kver/build}
if [ ! -f "$kdir/Makefile" ]; then
	have=$(for m in /lib/modules/*/build/Makefile; do [ -f "$m" ] && echo "$m"; done |
		cut -d/ -f4 | tr '\n' ' ')
	echo "build-module: no build tree for kernel $kver at $kdir (no Makefile); installed with headers: ${have:-none }(scripts/kernels.sh lists the test bed's)" >&2
	exit 1
fi
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/kernel/$kver
# A tree configured for arm64 (scripts/build-kernel.sh arm64) is built
# with the cross compiler its kernel was built with.
cross=""
if grep -q '^CONFIG_ARM64=y' "$kdir/.config" 2>/dev/null && [ "$(uname -m)" != aarch64 ]; then
	cross="ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}"
fi

# The plain build's key: what the module is made of. The kernel tree by its
# release, configuration and exported symbols (a rebuilt or upgraded tree
# changes them), the compiler, and every source file of the module.
plain_key() {
	{
		echo "$kver $kdir"
		cat "$kdir/include/generated/utsrelease.h" "$kdir/.config" "$kdir/Module.symvers"
		${CC:-gcc} --version | head -n 1
		echo "$cross"
		cd "$top" && find Kbuild dkms.conf module uapi -type f \
			\( -name Kbuild -o -name dkms.conf -o -name '*.[ch]' \) |
			LC_ALL=C sort | xargs md5sum
	} 2>/dev/null | md5sum | cut -d' ' -f1
}
if [ -n "$plain" ]; then
	key=$(plain_key)
	if [ -f "$dir/svshm.ko" ] && [ "$(cat "$dir/.plain-key" 2>/dev/null)" = "$key" ]; then
		echo "$dir/svshm.ko"
		exit 0
	fi
fi
echo "build-module: building svshm.ko for $kver..." >&2
rm -rf "$dir"
mkdir -p "$dir"
cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$top/uapi" "$dir/"
log=$dir/build.log
if [ -n "$plain" ]; then
	# shellcheck disable=SC2086
	make -C "$kdir" M="$dir" $cross modules >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
	echo "$key" >"$dir/.plain-key"
	echo "$dir/svshm.ko"
	exit 0
fi
sparse=$("$top/scripts/sparse.sh")
# A caller's "make -s" would reach kbuild through MAKEFLAGS and silence the
# CHECK lines the test below looks for.
# shellcheck disable=SC2086
if ! MAKEFLAGS= make -C "$kdir" M="$dir" $cross W=1 C=2 CHECK="$sparse" modules >"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
# A kernel that finds the checker unusable says so and builds on without it
# (7.x: "C=2 specified, but ... is not up to date"): sparse must have run.
if ! grep -q '^  CHECK ' "$log"; then
	cat "$log" >&2
	echo "build-module: sparse ($sparse) did not run" >&2
	exit 1
fi
# Anything the compiler or sparse says is a finding.
if grep -E '(warning|error):|^[^ ]+:[0-9]+:[0-9]+: ' "$log" >&2; then
	exit 1
fi
echo "$dir/svshm.ko"
