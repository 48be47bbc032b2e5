#!/bin/sh
# Usage (in the arm64 guest, as root): arm64.sh [tests.sh's options] KO [TEST...]
# The arm64 guest's userspace is the cross build's, in build/arm64/
# (scripts/arm64-build.sh). Bound, in this guest only, where the tree's own
# build is (build/selftests, build/tools, build/callers, lib), it is found by the
# selftests, the helpers and tools they run, and the suite's runner at the
# paths every other guest uses; then the runner (scripts/guest/tests.sh)
# loads KO and runs the TESTs as root and as nobody, as on the others.
# The armhf build (scripts/armhf-build.sh), when there, is bound where the
# x86 guests find their i386 one (build/selftests32, build/lib32): the
# runner's -m list, compat_test's peer of the other width and the 32-bit
# preload library are found there.
set -eu
for d in selftests tools callers; do
	mkdir -p "build/$d"
	mount --bind "build/arm64/$d" "build/$d"
done
mount --bind build/arm64/lib lib
if [ -d build/armhf/selftests ]; then
	mkdir -p build/selftests32 build/lib32
	mount --bind build/armhf/selftests build/selftests32
	mount --bind build/armhf/lib build/lib32
fi
exec sh scripts/guest/tests.sh "$@"
