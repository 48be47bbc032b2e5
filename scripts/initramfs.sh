#!/bin/sh
# Usage: initramfs.sh KVER|none OUT [BUSYBOX]
# Build the guest's initramfs: static busybox (the host's /bin/busybox, or
# BUSYBOX: another architecture's, for its guest), the modules a 9p root
# needs on kernel KVER (none for a kernel with virtio-9p built in), and
# guest/initramfs-init.sh as /init. Compressed modules are stored decompressed,
# since busybox's insmod reads neither .xz nor .zst.
set -eu
kver=$1
out=$2
busybox=${3:-/bin/busybox}
here=$(cd "$(dirname "$0")" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/lib/mod" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/newroot"
cp "$busybox" "$tmp/bin/busybox"
cp "$here/guest/initramfs-init.sh" "$tmp/init"
chmod 755 "$tmp/init"

: >"$tmp/lib/mod/order"
if [ "$kver" != none ]; then
	for m in virtio_pci 9pnet_virtio 9p; do
		modprobe -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r path; do
		name=$(basename "$path")
		case "$name" in
		*.ko.xz) xz -dc "$path" >"$tmp/lib/mod/${name%.xz}"; name=${name%.xz} ;;
		*.ko.zst) zstd -qdc "$path" >"$tmp/lib/mod/${name%.zst}"; name=${name%.zst} ;;
		*) cp "$path" "$tmp/lib/mod/$name" ;;
		esac
		echo "$name" >>"$tmp/lib/mod/order"
	done
fi
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
