#!/bin/sh
# Usage: debug-kernel.sh
# Build (once; make is incremental if a step was added) the debug kernel:
# Debian's linux-source-6.12 configured as allnoconfig plus kernel/debug.config
# (KASAN, lockdep, kmemleak, UBSAN, fault injection, virtio-9p built in, and
# little else: about 6 minutes on 2 cores). The build tree is
# cached outside git, keyed by source version and fragment, so a second call
# costs nothing. Prints the build directory (bzImage at
# arch/x86/boot/bzImage; also the KDIR to build svshm.ko against).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=$("$top/scripts/kernel-source.sh")
cache=${SVSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svshm}
key=$( (basename "$src"; cat "$top/kernel/debug.config") | md5sum | cut -c1-12)
out=$cache/debug-kernel-$key
if [ -f "$out/.built" ] && [ -f "$out/Module.symvers" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$out"
log=$out/build.log
echo "debug-kernel: building in $out (log: $log)" >&2
{
	make -C "$src" O="$out" KCONFIG_ALLCONFIG="$top/kernel/debug.config" allnoconfig
	# modules too: that writes Module.symvers, which svshm.ko links against.
	make -C "$src" O="$out" -j"$(nproc)" bzImage modules modules_prepare
} >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
# Every line of the fragment must have survived Kconfig's dependencies.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=y' "$top/kernel/debug.config" | while read -r l; do
	grep -qx "$l" "$out/.config" || echo "$l"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: options the config did not take:" $missing >&2
	exit 1
fi
touch "$out/.built"
echo "$out"
