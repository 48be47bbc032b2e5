#!/bin/sh
# Usage: splat-check.sh [-b | -a] LOG...
# Exit 1, printing the lines, if a kernel log holds a WARN, BUG, Oops, KASAN,
# UBSAN, lockdep or kmemleak report (or a panic); exit 0 otherwise.
# guest/tests.sh marks the kernel log and the console just before it loads
# svshm.ko: a splat before the mark is the test bed's (its kernel, QEMU),
# and is headed "test bed: kernel splat before svshm.ko was loaded: LINE".
# -b looks only before the mark, -a only after it; both are for guests that
# ran guest/tests.sh, where no mark in any log means svshm.ko was never
# loaded. A log without the mark beside one with it (kmemleak's report,
# taken at the end) is after it.
set -u
side=""
case ${1:-} in
-b) side=before; shift ;;
-a) side=after; shift ;;
esac
pattern='WARNING: |BUG: |BUG kmalloc|Oops|general protection fault|kernel BUG|'\
'KASAN: |UBSAN: |possible circular locking|possible recursive locking|'\
'inconsistent lock state|possible irq lock inversion|lockdep is turned off|'\
'DEBUG_LOCKS_WARN_ON|held lock freed|suspicious RCU usage|unreferenced object|'\
'Kernel panic|Call Trace:|scheduling while atomic|'\
'sleeping function called from invalid context|list_(add|del) corruption'
mark='guest-tests: loading svshm.ko'

# part before|after LOG: the log's lines on that side of the mark.
part() {
	if grep -qF "$mark" "$2" 2>/dev/null; then
		awk -v m="$mark" -v side="$1" 'index($0, m) { seen = 1; next }
			(side == "after") == (seen == 1)' "$2"
	elif [ "$1" = after ]; then
		cat "$2" 2>/dev/null
	fi
}
splats() {
	tr -d '\r' | grep -E "$pattern" | head -n 40
}

marked=""
for f in "$@"; do
	grep -qF "$mark" "$f" 2>/dev/null && marked=1
done
early="" late=""
if [ -n "$marked" ]; then
	early=$(for f in "$@"; do part before "$f"; done | splats)
	late=$(for f in "$@"; do part after "$f"; done | splats)
elif [ "$side" = before ]; then
	early=$(cat "$@" 2>/dev/null | splats)
elif [ -z "$side" ]; then
	late=$(cat "$@" 2>/dev/null | splats)
fi

rc=0
if [ -n "$early" ] && [ "$side" != after ]; then
	first=$(printf '%s\n' "$early" | head -n 1 | sed 's/^\[ *[0-9.]*\] //')
	echo "test bed: kernel splat before svshm.ko was loaded: $first"
	printf '%s\n' "$early"
	rc=1
fi
if [ -n "$late" ] && [ "$side" != before ]; then
	echo "kernel splat:"
	printf '%s\n' "$late"
	rc=1
fi
exit $rc
