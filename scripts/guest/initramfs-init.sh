#!/bin/busybox sh
# /init of the guest's initramfs: load the 9p modules, mount the host's root
# read-only and the checkout read-write at the same path, then hand over to
# guest/init.sh on the new root. Kernel command-line words without a dot
# reach us as environment variables (svshm_checkout, svshm_rundir).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "initramfs: $*"
	reboot -f
}

while read -r m; do
	insmod "/lib/mod/$m" || fail "insmod $m"
done </lib/mod/order

opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$opts,ro,cache=loose" hostroot /newroot || fail "mount host root"
for d in tmp run var/tmp; do
	[ -d "/newroot/$d" ] && mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d"
done
# After the tmpfs mounts, so that a checkout under /tmp is not hidden.
mkdir -p "/newroot$svshm_checkout" 2>/dev/null
mount -t 9p -o "$opts" checkout "/newroot$svshm_checkout" || fail "mount checkout"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/sh "$svshm_checkout/scripts/guest/init.sh"
