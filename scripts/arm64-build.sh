#!/bin/sh
# Usage: arm64-build.sh
# Cross-build the userspace of the arm64 guest (lib, selftests, tools, and
# callers_test's static programs: make callers) into
# build/arm64/ (make OUT=build/arm64) with Debian's cross compiler
# (CROSS_COMPILE, default aarch64-linux-gnu-: gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross). libkmod, which lifecycle_test and the admin
# command link against, comes from the guest's own root
# (scripts/arm64-root.sh): its header after the cross compiler's own, its
# libraries by -L, so that nothing of the root's C library is taken.
# Make's dependencies decide what is rebuilt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
root=$("$top/scripts/arm64-root.sh")
lib=$root/usr/lib/aarch64-linux-gnu
# libkmod's own libraries, in /lib of a root without merged /usr.
rlib=$root/lib/aarch64-linux-gnu
CFLAGS="-O2 -g -idirafter $root/usr/include -L$lib -Wl,-rpath-link,$lib:$rlib" \
	make -C "$top" -s OUT=build/arm64 CC="${CROSS_COMPILE:-aarch64-linux-gnu-}gcc" \
	lib selftests tools callers
