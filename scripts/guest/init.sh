#!/bin/sh
# PID 1 of the guest once the host's root is mounted: run the command that
# qemu-run.sh left in the run directory, record its exit status and the
# kernel log there, and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
run=$svshm_rundir
cd "$svshm_checkout" || /bin/busybox reboot -f
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/shm /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t devpts devpts /dev/pts
hostname svshm-guest

echo "guest: $(uname -r) up in $(cut -d' ' -f1 /proc/uptime) s"
sh "$run/cmd" </dev/null
echo $? >"$run/rc.tmp"
# kmemleak reports only what a scan found: ask for one before the log is taken.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$run/kmemleak"
fi
dmesg >"$run/dmesg"
mv "$run/rc.tmp" "$run/rc"
sync
/bin/busybox reboot -f
