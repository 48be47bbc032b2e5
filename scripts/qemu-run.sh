#!/bin/sh
# Usage: qemu-run.sh [-A arm64] [-k KVER | -b BZIMAGE] [-c CPU] [-m MEM] [-n NAME] -- COMMAND...
#
# Boot a kernel under QEMU (TCG), with the host's root filesystem mounted
# read-only over virtio-9p and this checkout mounted read-write at its own
# path, run COMMAND as root in the checkout (a shell command line), and exit
# with its status. The guest's kernel log is kept in the run directory and
# the run fails if it holds any kernel splat, even when COMMAND succeeded.
#   -A arm64    an arm64 guest: QEMU's virt machine, the kernel an Image
#               (-b), the root scripts/arm64-root.sh's instead of the host's
#   -k KVER     a Debian kernel installed on the host (/boot/vmlinuz-KVER)
#   -b BZIMAGE  a kernel built elsewhere, with virtio-9p built in
#   -c CPU      QEMU's CPU model and its flags (default max; arm64: max
#               with QEMU's own pointer authentication, the fast one)
#   -m MEM      guest memory (default 2G)
#   -n NAME     name of the run directory under build/run (default: kernel)
#   -a ARGS     more kernel command-line arguments (may be given again)
# SVSHM_TIMEOUT bounds the whole boot (seconds, default 1200);
# SVSHM_QEMU_EXTRA adds QEMU options (-icount, a gdb stub).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
kver="" bzimage="" cpu="" mem=2G name="" append="" arch=x86_64
while getopts A:k:b:c:m:n:a: opt; do
	case $opt in
	A) arch=$OPTARG ;;
	k) kver=$OPTARG ;;
	b) bzimage=$OPTARG ;;
	c) cpu=$OPTARG ;;
	m) mem=$OPTARG ;;
	n) name=$OPTARG ;;
	a) append="$append $OPTARG" ;;
	*) sed -n '2,19s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ] || { [ -z "$kver" ] && [ -z "$bzimage" ]; } ||
	{ [ "$arch" != x86_64 ] && { [ "$arch" != arm64 ] || [ -n "$kver" ]; }; }; then
	sed -n '2,19s/^# \{0,1\}//p' "$0" >&2
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

# The machine, and the root the guest mounts; no_timer_check: at boot an
# x86 kernel counts the timer's ticks over a TSC-timed wait and panics
# ("IO-APIC + timer doesn't work!") when too few came; under TCG on a
# loaded host they come late, not never (KVM's guests skip the check for
# the same reason).
root=/ busybox=/bin/busybox iname=$modset
if [ "$arch" = arm64 ]; then
	root=$("$here/arm64-root.sh")
	busybox=$root/bin/busybox iname=arm64-${root##*/}
	# The checkout's mount point, in a root the guest cannot write.
	mkdir -p "$root$top"
	machine="qemu-system-aarch64 -M virt -cpu ${cpu:-max,pauth-impdef=on}"
	console=ttyAMA0
else
	machine="qemu-system-x86_64 -cpu ${cpu:-max}"
	console="ttyS0 no_timer_check"
fi

# The initramfs depends on the kernel's modules, the busybox and our /init only.
stamp=$(cat "$here/guest/initramfs-init.sh" "$here/initramfs.sh" | md5sum | cut -c1-12)
initrd=$svshm_cache/initramfs/$iname-$stamp.cpio.gz
if [ ! -f "$initrd" ]; then
	cache_lock "initramfs-$iname-$stamp"
	[ -f "$initrd" ] || "$here/initramfs.sh" "$modset" "$initrd" "$busybox"
	cache_unlock
fi

run=$top/build/run/${name:-${kver:-$(basename "$bzimage")}}
rm -rf "$run"
mkdir -p "$run"
printf '%s\n' "$*" >"$run/cmd"

cmdline="console=$console loglevel=4 panic=-1 mitigations=off"
cmdline="$cmdline svshm_checkout=$top svshm_rundir=$run $append"
# Two vCPUs on one TCG thread: multi-threaded TCG was seen to run stale
# translated code after the kernel patched its own text (an "Oops: int3" at
# boot under host load); SVSHM_TCG_THREAD=multi trades that risk for speed.
set +e
# shellcheck disable=SC2086
timeout "${SVSHM_TIMEOUT:-1200}" $machine \
	-accel tcg,thread=${SVSHM_TCG_THREAD:-single} ${SVSHM_QEMU_EXTRA:-} -smp 2 -m "$mem" \
	-nodefaults -no-reboot -display none -monitor none -serial stdio \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	-fsdev local,id=hostroot,path="$root",security_model=none,readonly=on,multidevs=remap \
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
