#!/bin/sh
# The demo's guest half (see scripts/demo.sh). Usage: demo.sh KO
# Each step is shown with its command; the ones that read the segment are
# checked, and the last line says every step went as expected (demo.sh
# looks for it). set -e: the first failure ends the demo.
set -eu
demo=build/tools/svshm-demo
text="hello from process one"
say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; }
# expect WORDS COMMAND...: run it, show its output, require WORDS in it.
expect() {
	want=$1
	shift
	say "$*"
	out=$("$@")
	printf '%s\n' "$out"
	case $out in
	*"$want"*) ;;
	*) echo "svshm demo: expected \"$want\" in that output" >&2; exit 1 ;;
	esac
}

echo "# load the module: /dev/svshm appears"
run insmod "$1"
run ls -l /dev/svshm
echo "# nothing stored yet; one process stores a text; the next process reads it"
expect "nothing stored yet" "$demo"
run "$demo" "$text"
expect "$text" "$demo"
echo "# an unprivileged user reads it too (the segment is 0666)"
expect "$text" setpriv --reuid=65534 --regid=65534 --clear-groups "$demo"
echo "# the segment, key 0x5653484d (\"VSHM\"), in /proc/svshm and svshm-ipcs"
expect "1448298573" cat /proc/svshm
expect "0x5653484d" build/tools/svshm-ipcs
echo "# the same program on the kernel's own SysV shm"
run "$demo" -n "the same on native SysV shm"
expect "the same on native SysV shm" "$demo" -n
expect "0x5653484d" ipcs -m
echo "# remove both segments; unload the module"
run "$demo" -r
run "$demo" -n -r
expect "nothing stored yet" "$demo"
run rmmod svshm
echo
echo "svshm demo: every step as expected"
