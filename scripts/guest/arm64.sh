#!/bin/sh
# Usage (in the arm64 guest, as root): arm64.sh KO [TEST...]
# The arm64 guest's userspace is the cross build's, in build/arm64/
# (scripts/arm64-build.sh). Bound, in this guest only, where the tree's own
# build is (build/selftests, build/tools, build/callers, lib), it is found by the
# selftests, the helpers and tools they run, and the suite's runner at the
# paths every other guest uses; then the runner (scripts/guest/tests.sh)
# loads KO and runs the TESTs as root and as nobody, as on the others.
set -eu
for d in selftests tools callers; do
	mkdir -p "build/$d"
	mount --bind "build/arm64/$d" "build/$d"
done
mount --bind build/arm64/lib lib
exec sh scripts/guest/tests.sh "$@"
