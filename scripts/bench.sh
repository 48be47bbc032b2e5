#!/bin/sh
# make bench: native SysV shm and svshm side by side in one guest per kernel
# that has both (not no-sysvipc, which has no native; not the debug kernel,
# whose sanitizers would be what is measured). Prints a Markdown table per
# kernel, as the README carries: time per operation, medians of alternating
# runs (selftests/benchmarks/bench.c says how). SVSHM_BENCH_SECONDS (default 1) is each
# case's time per backend. The guest raises shmmni for 30,000 keys and puts it
# back; the huge-page rows run where the module has a huge= parameter, with
# the module loaded again with huge=within_size.
# SVSHM_BENCH_ICOUNT=1 runs QEMU with -icount shift=0: the guest's clock then
# advances one nanosecond per instruction executed, so each figure counts
# instructions, free of the soft TLB's placement noise (no huge-page rows:
# they would only count the zeroing). Debian's 6.1 never reaches its console
# under -icount with this QEMU (7.2): it is left out of that run, with a row
# that says so; any other guest that does not finish leaves such a row too.
# SVSHM_BENCH_KERNELS="6.12... newest" runs only those (names as kernels.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib/prepare.sh
prepare_kernel
for k in ${SVSHM_BENCH_KERNELS:-$(scripts/kernels.sh | grep -vx -e debug -e no-sysvipc)}; do
	# A Debian kernel's release is its name (lib/target.sh).
	if [ "${SVSHM_BENCH_ICOUNT:-0}" = 1 ] && [ "${k#6.1.0-}" != "$k" ]; then
		echo "### $k: not run under -icount (it does not boot so)"
		continue
	fi
	prepare_kernel "$k"
	icount=""
	if [ "${SVSHM_BENCH_ICOUNT:-0}" = 1 ]; then
		echo "### $release, $(date -u +%Y-%m-%d), QEMU TCG -icount shift=0, 2 vCPUs: ns are instructions"
		export SVSHM_QEMU_EXTRA="-icount shift=0,sleep=off"
		icount=-i
	else
		echo "### $release, $(date -u +%Y-%m-%d), QEMU TCG, 2 vCPUs"
	fi
	# shellcheck disable=SC2086
	scripts/qemu-run.sh $boot -n "bench-$k" -- \
		sh scripts/guest/bench.sh $icount -s "${SVSHM_BENCH_SECONDS:-1}" "$ko" |
		grep '^|\|^####' ||
		echo "| $release: the guest did not finish (build/run/bench-$k/console) |"
done
