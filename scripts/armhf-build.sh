#!/bin/sh
# Usage: armhf-build.sh
# Cross-build the 32-bit ARM (armhf) userspace of the arm64 guest into
# build/armhf/ (make OUT=build/armhf): the library and every selftest but
# lifecycle_test, which needs libkmod (make selftests-nokmod), with
# Debian's cross compiler (CROSS_COMPILE, default arm-linux-gnueabihf-:
# gcc-arm-linux-gnueabihf and libc6-dev-armhf-cross). They link against
# nothing but the C library, which the guest's root carries for armhf
# beside arm64's (scripts/arm64-root.sh). The library's probes
# (lib/probes.mk) run with this compiler, so they decide for armhf.
# Make's dependencies decide what is rebuilt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cc=${CROSS_COMPILE:-arm-linux-gnueabihf-}gcc
command -v "$cc" >/dev/null ||
	{ echo "armhf-build: needs $cc (scripts/install-deps.sh)" >&2; exit 1; }
CFLAGS="-O2 -g" make -C "$top" -s OUT=build/armhf CC="$cc" lib selftests-nokmod
