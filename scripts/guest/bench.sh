#!/bin/sh
# Usage (in the guest, as root): bench.sh [-i] [-s SECONDS] KO
# make bench's guest half (scripts/bench.sh): load KO, run the benchmark
# (SECONDS per case and backend, default 1), then, where the module has a
# huge= parameter, load it again with huge=within_size for the huge-page
# rows (their table's head left out: they follow the first table), or a row
# that says why there are none; then svshm-exec's costs (a table of their
# own); unload KO. -i: the guest runs under
# -icount, where the huge-page rows would only count the zeroing: none.
icount="" secs=1
while [ $# -gt 1 ]; do
	case $1 in
	-i) icount=1 ;;
	-s) secs=$2; shift ;;
	*) break ;;
	esac
	shift
done
ko=$1
insmod "$ko" && build/selftests/bench -s "$secs"
if [ -n "$icount" ]; then
	:
elif [ -e /sys/module/svshm/parameters/huge ]; then
	rmmod svshm && insmod "$ko" huge=within_size &&
		build/selftests/bench -H -s "$secs" | grep -v '^| ---\|^| case'
else
	echo '| first touch, 64 MiB, huge=within_size | skipped: no huge= parameter |'
fi
# What svshm-exec costs (selftests/benchmarks/exec_cost.c), with the
# module loaded as the first table had it.
rmmod svshm 2>/dev/null
insmod "$ko" && build/selftests/exec_cost -s "$secs" build/tools/svshm-exec
rmmod svshm
