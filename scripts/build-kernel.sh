#!/bin/sh
# Usage: build-kernel.sh VARIANT
# Build (once) one of the kernels svshm builds itself, from the newest
# Debian kernel source (scripts/newest-source.sh), as allnoconfig plus
# fragments of kernel/:
#   newest      guest.config sysvipc.config: the newest kernel, beside native
#   no-sysvipc  guest.config no-sysvipc.config: the kernel svshm is for
#   debug       guest.config sysvipc.config debug.config: the sanitizers
#   arm64       guest.config arm64.config sysvipc.config: the newest kernel
#               for QEMU's arm64 virt machine, cross-built (CROSS_COMPILE,
#               default Debian's aarch64-linux-gnu-)
# The build tree is cached outside git, keyed by source version and the
# fragments, so a second call costs nothing (and two runs at once wait for
# each other). Prints the build directory: the image at
# arch/x86/boot/bzImage (arch/arm64/boot/Image), and the KDIR to build
# svshm.ko against.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/cache.sh"
variant=${1:?usage: build-kernel.sh newest|no-sysvipc|debug|arm64}
arch="" image=bzImage
case $variant in
newest) frags="guest sysvipc" ;;
no-sysvipc) frags="guest no-sysvipc" ;;
debug) frags="guest sysvipc debug" ;;
arm64)
	frags="guest arm64 sysvipc" image=Image
	arch="ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}"
	;;
*) echo "build-kernel: unknown variant $variant" >&2; exit 2 ;;
esac
src=$("$top/scripts/newest-source.sh")
config=$(for f in $frags; do cat "$top/kernel/$f.config"; done)
key=$( (cat "$src/.debian-version"; echo "$config") | md5sum | cut -c1-12)
out=$svshm_cache/kernel-$variant-$key
if [ -f "$out/.built" ]; then
	echo "$out"
	exit 0
fi
cache_lock "kernel-$variant-$key"
if [ ! -f "$out/.built" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	echo "$config" >"$out/fragments.config"
	log=$out/build.log
	echo "build-kernel: building $variant ($(cat "$src/.debian-version")) in $out (log: $log)" >&2
	# shellcheck disable=SC2086
	{
		make -C "$src" O="$out" $arch KCONFIG_ALLCONFIG="$out/fragments.config" allnoconfig &&
		# modules too: that writes Module.symvers, which svshm.ko links against.
		nice make -C "$src" O="$out" $arch -j"$(nproc)" $image modules modules_prepare
	} >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
	# Every =y and =n of the fragments must have survived Kconfig: the last
	# assignment of each option, as Kconfig takes it.
	missing=$(echo "$config" | grep -E '^CONFIG_[A-Z0-9_]+=[yn]$' |
		awk -F= '{ last[$1] = $0; if (!seen[$1]++) order[n++] = $1 }
			END { for (i = 0; i < n; i++) print last[order[i]] }' | while read -r l; do
		case $l in
		*=n) grep -qx "# ${l%=n} is not set" "$out/.config" ||
			! grep -q "^${l%=n}=" "$out/.config" || echo "$l" ;;
		*) grep -qx "$l" "$out/.config" || echo "$l" ;;
		esac
	done)
	if [ -n "$missing" ]; then
		echo "build-kernel: options the config did not take:" $missing >&2
		exit 1
	fi
	touch "$out/.built"
fi
echo "$out"
