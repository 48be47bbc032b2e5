#!/bin/sh
# The demo's guest half (see demo.sh). Usage: guest-demo.sh KO
set -eu
demo=build/tools/svshm-demo
say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; }

run insmod "$1"
run ls -l /dev/svshm
run "$demo"
run "$demo" "hello from process one"
run "$demo"
say "(as nobody) $demo"
setpriv --reuid=65534 --regid=65534 --clear-groups "$demo"
run cat /proc/svshm
run "$demo" -n "the same on native SysV shm"
run "$demo" -n
run ipcs -m
run "$demo" -r
run "$demo" -n -r
run "$demo"
run rmmod svshm
