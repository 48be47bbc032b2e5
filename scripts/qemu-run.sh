#!/bin/sh
# Usage: qemu-run.sh [-k KVER | -b BZIMAGE] [-c CPU] [-m MEM] [-n NAME] -- COMMAND...
#
# Boot a kernel under QEMU (TCG), with the host's root filesystem mounted
# read-only over virtio-9p and this checkout mounted read-write at its own
# path, run COMMAND as root in the checkout (a shell command line), and exit
# with its status. The guest's kernel log is kept in the run directory and
# the run fails if it holds any kernel splat, even when COMMAND succeeded.
#   -k KVER     a Debian kernel installed on the host (/boot/vmlinuz-KVER)
#   -b BZIMAGE  a kernel built elsewhere, with virtio-9p built in
#   -c CPU      QEMU's CPU model and its flags (default max)
#   -m MEM      guest memory (default 2G)
#   -n NAME     name of the run directory under build/run (default: kernel)
#   -a ARGS     more kernel command-line arguments (may be given again)
# SVSHM_TIMEOUT bounds the whole boot (seconds, default 1200);
# SVSHM_QEMU_EXTRA adds QEMU options (-icount, a gdb stub).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
kver="" bzimage="" cpu=max mem=2G name="" append=""
while getopts k:b:c:m:n:a: opt; do
	case $opt in
	k) kver=$OPTARG ;;
	b) bzimage=$OPTARG ;;
	c) cpu=$OPTARG ;;
	m) mem=$OPTARG ;;
	n) name=$OPTARG ;;
	a) append="$append $OPTARG" ;;
	*) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ] || { [ -z "$kver" ] && [ -z "$bzimage" ]; }; then
	sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi

. "$here/lib/cache.sh"
mkdir -p "$svshm_cache/initramfs"
if [ -n "$kver" ]; then
	kernel=/boot/vmlinuz-$kver
	modset=$kver
else
	kernel=$bzimage
	modset=none
fi
[ -r "$kernel" ] || { echo "qemu-run: cannot read $kernel" >&2; exit 2; }

# The initramfs depends on the kernel's modules and on our /init only.
stamp=$(cat "$here/guest/initramfs-init.sh" "$here/initramfs.sh" | md5sum | cut -c1-12)
initrd=$svshm_cache/initramfs/$modset-$stamp.cpio.gz
if [ ! -f "$initrd" ]; then
	cache_lock "initramfs-$modset-$stamp"
	[ -f "$initrd" ] || "$here/initramfs.sh" "$modset" "$initrd"
	cache_unlock
fi

run=$top/build/run/${name:-${kver:-$(basename "$bzimage")}}
rm -rf "$run"
mkdir -p "$run"
printf '%s\n' "$*" >"$run/cmd"

# no_timer_check: at boot the kernel counts the timer's ticks over a
# TSC-timed wait and panics ("IO-APIC + timer doesn't work!") when too few
# came; under TCG on a loaded host they come late, not never (KVM's guests
# skip the check for the same reason).
cmdline="console=ttyS0 loglevel=4 panic=-1 mitigations=off no_timer_check"
cmdline="$cmdline svshm_checkout=$top svshm_rundir=$run $append"
# Two vCPUs on one TCG thread: multi-threaded TCG was seen to run stale
# translated code after the kernel patched its own text (an "Oops: int3" at
# boot under host load); SVSHM_TCG_THREAD=multi trades that risk for speed.
set +e
timeout "${SVSHM_TIMEOUT:-1200}" qemu-system-x86_64 \
	-accel tcg,thread=${SVSHM_TCG_THREAD:-single} ${SVSHM_QEMU_EXTRA:-} -cpu "$cpu" -smp 2 -m "$mem" \
	-nodefaults -no-reboot -display none -monitor none -serial stdio \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=checkout,path="$top",security_model=none \
	-device virtio-9p-pci,fsdev=checkout,mount_tag=checkout \
	</dev/null 2>&1 | tee "$run/console" | tr -d '\r'
set -e

if [ ! -f "$run/rc" ]; then
	echo "qemu-run: the guest died before the command finished (see $run/console)" >&2
	"$here/splat-check.sh" "$run/console" >&2
	exit 1
fi
rc=$(cat "$run/rc")
if ! "$here/splat-check.sh" "$run/dmesg" "$run/console" "$run/kmemleak" >&2; then
	echo "qemu-run: kernel splat in the guest's log ($run/dmesg)" >&2
	[ "$rc" -ne 0 ] || rc=1
fi
exit "$rc"
