#!/bin/sh
# scripts/insns.sh [KERNEL]: what one call of each control path executes in
# the kernel, instruction by instruction, native beside svshm, function by
# function: the guest runs selftests/benchmarks/insns.c, and gdb on QEMU's stub
# single-steps one call of each (scripts/insns.py). Unlike times under TCG,
# the counts do not move between runs of one build. KERNEL is one that
# svshm builds itself (default newest), whose vmlinux gdb reads.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib/prepare.sh
k=${1:-newest}
case $k in
newest | debug) ;;
*) echo "insns.sh: $k: gdb needs the kernel's vmlinux: newest or debug" >&2; exit 2 ;;
esac
command -v gdb >/dev/null || { echo "insns.sh: needs gdb (apt-get install gdb)" >&2; exit 1; }
prepare_kernel "$k"
mkdir -p build
# gdb 13 cannot reach a stub on a Unix socket: a local TCP port (SVSHM_GDB_PORT).
port=${SVSHM_GDB_PORT:-$((20000 + $$ % 20000))}
ready=build/insns.ready text=build/insns.text
rm -f "$ready" "$text"
# shellcheck disable=SC2086
SVSHM_QEMU_EXTRA="-gdb tcp:127.0.0.1:$port" \
	scripts/qemu-run.sh $boot -a nokaslr -n insns -- \
	sh scripts/guest/insns.sh "$ko" "$text" "$ready" >build/insns.log 2>&1 &
qemu=$!
i=0
until [ -s "$ready" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $qemu 2>/dev/null; then
		echo "insns.sh: the guest did not get ready (build/insns.log)" >&2
		kill $qemu 2>/dev/null || true
		exit 1
	fi
	sleep 1
done
echo "# $release, $(date -u +%Y-%m-%d): instructions in the kernel for one call"
gdb -q -batch -ex "file $kdir/vmlinux" \
	-ex "add-symbol-file $ko $(cat "$text")" \
	-ex "target remote 127.0.0.1:$port" -x scripts/insns.py 2>&1 | grep -E '^(##|   [a-z])|rror'
wait $qemu || true
