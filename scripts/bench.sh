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
. scripts/target.sh
scripts/install-deps.sh
make -s lib selftests
for k in ${SVSHM_BENCH_KERNELS:-$(scripts/kernels.sh | grep -vx -e debug -e no-sysvipc)}; do
	target "$k"
	if [ "${SVSHM_BENCH_ICOUNT:-0}" = 1 ] && [ "${k#6.1.0-}" != "$k" ]; then
		echo "### $release: not run under -icount (it does not boot so)"
		continue
	fi
	ko=$(scripts/build-module.sh "$k" "$kdir")
	if [ "${SVSHM_BENCH_ICOUNT:-0}" = 1 ]; then
		echo "### $release, $(date -u +%Y-%m-%d), QEMU TCG -icount shift=0, 2 vCPUs: ns are instructions"
		export SVSHM_QEMU_EXTRA="-icount shift=0,sleep=off"
	else
		echo "### $release, $(date -u +%Y-%m-%d), QEMU TCG, 2 vCPUs"
	fi
	# shellcheck disable=SC2086
	scripts/qemu-run.sh $boot -n "bench-$k" -- \
		"insmod $ko && build/selftests/bench -s ${SVSHM_BENCH_SECONDS:-1}
		 if [ ${SVSHM_BENCH_ICOUNT:-0} = 1 ]; then
			:
		 elif [ -e /sys/module/svshm/parameters/huge ]; then
			rmmod svshm && insmod $ko huge=within_size &&
			build/selftests/bench -H -s ${SVSHM_BENCH_SECONDS:-1} | grep -v '^| ---\\|^| case'
		 else
			echo '| first touch, 64 MiB, huge=within_size | skipped: no huge= parameter |'
		 fi
		 rmmod svshm" |
		grep '^|' ||
		echo "| $release: the guest did not finish (build/run/bench-$k/console) |"
done
