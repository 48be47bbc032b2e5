#!/bin/sh
# Usage (in the guest, as root): insns.sh KO TEXT READY
# make insns' guest half (scripts/insns.sh): load KO, write the address of
# its .text to TEXT (gdb places the module's symbols there), and run
# selftests/benchmarks/insns.c, which creates READY when gdb may attach.
set -eu
insmod "$1"
cat /sys/module/svshm/sections/.text >"$2"
exec build/selftests/insns "$3"
