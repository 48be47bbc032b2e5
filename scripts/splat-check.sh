#!/bin/sh
# Usage: splat-check.sh LOG...
# Exit 1, printing the lines, if a kernel log holds a WARN, BUG, Oops, KASAN,
# UBSAN, lockdep or kmemleak report (or a panic); exit 0 otherwise.
set -u
pattern='WARNING: |BUG: |BUG kmalloc|Oops|general protection fault|kernel BUG|'\
'KASAN: |UBSAN: |possible circular locking|possible recursive locking|'\
'inconsistent lock state|possible irq lock inversion|lockdep is turned off|'\
'DEBUG_LOCKS_WARN_ON|held lock freed|suspicious RCU usage|unreferenced object|'\
'Kernel panic|Call Trace:|scheduling while atomic|'\
'sleeping function called from invalid context|list_(add|del) corruption'
found=$(cat "$@" 2>/dev/null | grep -E "$pattern" | head -n 40)
if [ -n "$found" ]; then
	echo "kernel splat:"
	printf '%s\n' "$found"
	exit 1
fi
exit 0
