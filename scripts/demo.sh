#!/bin/sh
# make demo: boot the 6.1 guest, load svshm.ko and run the seed program as
# separate processes: one stores a text, others read it back, on svshm and,
# side by side, on native SysV shm. Installs only what that needs (no
# kernel source, no test programs) and builds the module without the
# static checks of make check. Ends on one line that says whether it worked.
#   SVSHM_KERNELS="ver"   another installed Debian kernel (default: the 6.1 one)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Every way out says how it went: a failure before the guest (a package,
# the build) ends on the same FAILED line as one in it.
said=""
fail() {
	said=1
	echo "svshm demo: FAILED: $*"
	exit 1
}
trap '[ $? -eq 0 ] || [ -n "$said" ] || echo "svshm demo: FAILED (see the lines above)"' EXIT

cat <<'INTRO'
svshm demo: System V shared memory served by a kernel module.
It boots Debian's 6.1 kernel in QEMU (about 10 s under TCG), loads svshm.ko
(/dev/svshm appears), and runs build/tools/svshm-demo as separate processes:
one stores a text in a segment, the next ones (root, then nobody) read it
back; the segment is listed in /proc/svshm and by svshm-ipcs; then the same
program does the same on the kernel's own SysV shm, side by side.
INTRO
. scripts/lib/prepare.sh
if ! prepare_kernel -p; then
	case $prepare_failed in
	deps) fail "could not install its packages (scripts/install-deps.sh demo)" ;;
	*) fail "the libraries and tools did not build (make lib tools, above)" ;;
	esac
fi
# The first line of the matrix is the 6.1 kernel; the others (6.12, the
# kernels make check builds) are not the demo's, and may be missing.
k=$(scripts/kernels.sh 2>/dev/null | head -n 1)
if [ -z "$k" ] || [ ! -f "/boot/vmlinuz-$k" ]; then
	fail "no Debian 6.1 kernel with headers installed (apt-get install linux-image-amd64 linux-headers-amd64)"
fi
prepare_kernel -p "$k" || fail "svshm.ko did not build for $k (the log is above)"
rc=0
scripts/qemu-run.sh -k "$k" -n demo -- sh scripts/guest/demo.sh "$ko" || rc=$?
if [ "$rc" -eq 0 ] && grep -q '^svshm demo: every step as expected' build/run/demo/console; then
	said=1
	echo "svshm demo: it worked: processes shared a segment through svshm.ko on $k, as on native SysV shm"
	exit 0
fi
fail "guest exit $rc; the guest's console is in build/run/demo/console"
