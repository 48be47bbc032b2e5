#!/bin/sh
# Usage: build-kernel.sh VARIANT
# Build (once) one of the kernels svshm builds itself, from the newest
# Debian kernel source (scripts/newest-source.sh), as allnoconfig plus
# fragments of kernel/:
#   newest      guest.config sysvipc.config: the newest kernel, beside native
#   no-sysvipc  guest.config no-sysvipc.config: the kernel svshm is for
#   debug       guest.config sysvipc.config debug.config: the sanitizers
# The build tree is cached outside git, keyed by source version and the
# fragments, so a second call costs nothing (and two runs at once wait for
# each other). Prints the build directory: bzImage at arch/x86/boot/bzImage,
# and the KDIR to build svshm.ko against.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/cache.sh"
variant=${1:?usage: build-kernel.sh newest|no-sysvipc|debug}
case $variant in
newest) frags="guest sysvipc" ;;
no-sysvipc) frags="guest no-sysvipc" ;;
debug) frags="guest sysvipc debug" ;;
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
	{
		make -C "$src" O="$out" KCONFIG_ALLCONFIG="$out/fragments.config" allnoconfig
		# modules too: that writes Module.symvers, which svshm.ko links against.
		make -C "$src" O="$out" -j"$(nproc)" bzImage modules modules_prepare
	} >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
	# Every =y and =n of the fragments must have survived Kconfig.
	missing=$(echo "$config" | grep -E '^CONFIG_[A-Z0-9_]+=[yn]$' | while read -r l; do
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
