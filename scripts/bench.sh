#!/bin/sh
# make bench: native SysV shm and svshm side by side in one guest per target
# kernel (not the debug kernel: its sanitizers would be what is measured).
# Prints a Markdown table per kernel, as the README carries.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
make -s lib selftests
for k in $(scripts/kernels.sh | grep -v '^debug$'); do
	ko=$(scripts/build-module.sh "$k")
	echo "### $k, $(date -u +%Y-%m-%d), QEMU TCG, 2 vCPUs"
	scripts/qemu-run.sh -k "$k" -n "bench-$k" -- \
		"insmod $ko && build/selftests/bench -s ${SVSHM_BENCH_SECONDS:-1}; rmmod svshm" |
		grep '^|'
done
