#!/bin/sh
# Usage: install-check.sh
# make install DESTDIR=d stages everything under d, and make uninstall
# DESTDIR=d takes every file back. Runs in a copy of the tree (the module
# is built in place by make install, and its objects must not reach the
# per-kernel builds of build-module.sh), against scripts/kdir.sh's kernel.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/install-check/tree
d=$top/build/install-check/destdir
rm -rf "$top/build/install-check"
mkdir -p "$tree" "$d"
cd "$top"
cp -r Kbuild Makefile dkms.conf svshm.pc.in module uapi lib tools man data scripts "$tree/"
rm -f "$tree"/lib/*.so "$tree"/lib/*.so.*
# The release as the Makefile's KVER reads it (Debian's 6.1 headers put
# another in include/config/kernel.release).
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$(scripts/kdir.sh)/include/generated/utsrelease.h")
leak() { ls /lib/modules/"$kver"/updates/svshm.ko* 2>/dev/null; }
[ -z "$(leak)" ] || { echo "install-check: svshm.ko already in /lib/modules/$kver/updates"; exit 1; }
make -s -C "$tree" install DESTDIR="$d" PREFIX=/usr >"$top/build/install-check/install.log" 2>&1 ||
	{ cat "$top/build/install-check/install.log"; exit 1; }
missing=0
ls "$d/lib/modules/$kver/updates/"svshm.ko* >/dev/null 2>&1 ||
	{ echo "install-check: svshm.ko not staged in lib/modules/$kver/updates"; missing=1; }
for f in usr/lib/libsvshm.so.1 usr/lib/libsvshm.so \
	usr/lib/libsvshm-preload.so usr/include/svshm.h usr/include/linux/svshm.h \
	usr/lib/pkgconfig/svshm.pc usr/bin/svshm-ipcs usr/bin/svshm-ipcrm usr/bin/svshm-ipcmk \
	usr/sbin/svshm usr/share/man/man4/svshm.4 usr/share/man/man3/libsvshm.3 \
	usr/share/man/man8/svshm.8 usr/share/man/man1/svshm-ipcs.1 \
	usr/share/man/man1/svshm-ipcrm.1 usr/share/man/man1/svshm-ipcmk.1 \
	usr/lib/modules-load.d/svshm.conf usr/lib/udev/rules.d/60-svshm.rules; do
	[ -e "$d/$f" ] || [ -L "$d/$f" ] || { echo "install-check: not staged: $f"; missing=1; }
done
[ "$(readelf -d "$d/usr/lib/libsvshm.so.1" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = libsvshm.so.1 ] ||
	{ echo "install-check: libsvshm.so.1 has another soname"; missing=1; }
[ "$(readlink "$d/usr/lib/libsvshm.so")" = libsvshm.so.1 ] ||
	{ echo "install-check: libsvshm.so is not a link to libsvshm.so.1"; missing=1; }
PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_LIBDIR=$d/usr/lib/pkgconfig pkg-config --libs svshm |
	grep -q -- -lsvshm || { echo "install-check: pkg-config svshm"; missing=1; }
[ -z "$(leak)" ] || { echo "install-check: make install wrote $(leak) outside DESTDIR"; missing=1; }
make -s -C "$tree" uninstall DESTDIR="$d" PREFIX=/usr >>"$top/build/install-check/install.log" 2>&1 ||
	{ cat "$top/build/install-check/install.log"; exit 1; }
left=$(find "$d" ! -type d)
[ -z "$left" ] || { echo "install-check: left after make uninstall:"; echo "$left"; missing=1; }
exit $missing
