#!/bin/sh
# Usage (in the guest, as root): deb.sh DEB...
# The Debian packages as a user installs them, on a Debian kernel: an
# overlay (tmpfs upper) over /etc, /usr and /var makes the host's read-only
# root writable; dpkg -i installs the packages, and svshm-dkms's postinst
# has DKMS build, sign and install svshm.ko for this kernel; svshm load
# loads that module; the demo, built against libsvshm-dev, runs on
# libsvshm1, and ipcmk through the preload library; svshm unload. Then
# Secure Boot's refusal of the module, which DKMS signed with a key the
# kernel does not trust: under lockdown (EPERM), then module.sig_enforce
# (EKEYREJECTED), svshm load must fail with one line saying so. Last,
# dpkg --purge must leave nothing behind. Each step is a TAP line in
# $svshm_rundir/tap/deb.tap.
set -u
out=${svshm_rundir:?}/tap
mkdir -p "$out"
# Each step's output in deb.log (lib/steps.sh); a TAP line with the
# seconds it took; on failure, its last lines as diagnostics.
# shellcheck source=scripts/lib/steps.sh
. "$(dirname "$0")/../lib/steps.sh"
step_log=$out/deb.log step_tap=$out/deb.tap
: >"$step_log"
kver=$(uname -r)
export DEBIAN_FRONTEND=noninteractive
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# The guest's root is the host's: a host with svshm installed would hide
# what the packages do.
clean_host() {
	! dpkg-query -W svshm-dkms libsvshm1 libsvshm-dev svshm-tools 2>/dev/null | grep -q .
}

# dpkg writes /var/lib/dpkg and /etc, the packages /usr (with /lib/modules:
# /lib is /usr/lib), DKMS /var/lib/dkms. /tmp and /run are tmpfs already.
overlay() {
	for d in etc usr var; do
		mkdir -p "/run/overlay/$d/upper" "/run/overlay/$d/work" &&
			mount -t overlay overlay -o "lowerdir=/$d,upperdir=/run/overlay/$d/upper,workdir=/run/overlay/$d/work" "/$d" ||
			return 1
	done
	# man-db's trigger reindexes every page: minutes under TCG, for nobody.
	rm -f /var/lib/man-db/auto-update
	# dkms needs <(...), through /dev/fd, and tee /dev/stderr: links that
	# udev makes, and the guest has no udev.
	for l in fd:fd fd/0:stdin fd/1:stdout fd/2:stderr; do
		[ -e "/dev/${l#*:}" ] || ln -s "/proc/self/${l%%:*}" "/dev/${l#*:}" || return 1
	done
	touch /var/lib/dpkg/svshm-guest && rm /var/lib/dpkg/svshm-guest
}

# DKMS would build for this kernel and the newest other one with headers
# (dkms's common.postinst): 2.5 minutes each under TCG. Only this one can
# be loaded here; the others' headers are hidden (dkms-build.sh builds
# with DKMS against every kernel of the matrix on the host, at native speed).
this_kernel_only() {
	for b in /lib/modules/*/build; do
		[ "$b" = "/lib/modules/$kver/build" ] || rm "$b" || return 1
	done
	ls -d /lib/modules/*/build
}

dkms_installed() {
	dkms status -m svshm -v 1.0 -k "$kver" | tee /dev/stderr | grep -q ': installed'
}

# The module modprobe finds is the one DKMS installed, signed with DKMS's key.
dkms_module() {
	path=$(modinfo -n svshm) && echo "$path" &&
		case $path in "/lib/modules/$kver/updates/dkms/svshm.ko"*) ;; *) false ;; esac &&
		modinfo -F signer svshm | tee /dev/stderr | grep -qx 'DKMS module signing key'
}

loaded() {
	svshm load && test -c /dev/svshm && svshm status | tee /dev/stderr | grep -qx 'version: 1.0'
}

# svshm-demo from the checkout's source, built as a user of the packages
# builds: svshm.h, -lsvshm through pkg-config, linked to libsvshm.so.1.
build_demo() {
	# shellcheck disable=SC2046
	cc -o /tmp/svshm-demo tools/svshm-demo.c $(pkg-config --cflags --libs svshm) &&
		ldd /tmp/svshm-demo | tee /dev/stderr | grep -q "libsvshm.so.1 => .*/$multiarch/libsvshm.so.1"
}

# One process stores, others (root, nobody) read it back; svshm-ipcs lists it.
demo() {
	text="stored through the packages"
	/tmp/svshm-demo "$text" &&
		/tmp/svshm-demo | grep -q "$text" &&
		setpriv --reuid=65534 --regid=65534 --clear-groups /tmp/svshm-demo | grep -q "$text" &&
		svshm-ipcs | tee /dev/stderr | grep -q 0x5653484d &&
		/tmp/svshm-demo -r
}

# util-linux's ipcmk, unmodified, makes an svshm segment through LD_PRELOAD.
preload() {
	id=$(LD_PRELOAD=/usr/lib/$multiarch/svshm/libsvshm-preload.so ipcmk -M 4096 |
		sed -n 's/^Shared memory id: //p')
	echo "ipcmk: id $id"
	[ -n "$id" ] && svshm-ipcs | tee /dev/stderr | grep -qw "$id" && svshm-ipcrm -m "$id"
}

unloaded() {
	svshm unload && ! test -e /dev/svshm
}

# refused HOW: svshm load fails in one line that says why, and the module
# stays out. The kernel answers EPERM for three causes, which the line
# must tell apart; each HOW is irreversible until reboot, hence this order.
refused() {
	as="" want="refused the module's signature.*/var/lib/dkms/mok.pub"
	case $1 in
	container) as="setpriv --bounding-set=-sys_module" want="no CAP_SYS_MODULE" ;;
	lockdown) echo integrity >/sys/kernel/security/lockdown || return 1 ;;
	sig_enforce) echo 1 >/sys/module/module/parameters/sig_enforce || return 1 ;;
	disabled)
		echo 1 >/proc/sys/kernel/modules_disabled || return 1
		want="disabled until the next boot"
		;;
	esac
	$as svshm load 2>/tmp/refused
	rc=$?
	cat /tmp/refused
	dmesg | tail -n 1
	[ $rc -eq 1 ] && [ "$(wc -l </tmp/refused)" -eq 1 ] && grep -q "$want" /tmp/refused &&
		! test -e /sys/module/svshm
}

# Nothing left: the sources, DKMS's tree, the modules, the files, the index.
purged() {
	left=$(ls -d /usr/src/svshm-1.0 /var/lib/dkms/svshm /lib/modules/*/updates/dkms/svshm.ko* \
		/usr/lib/"$multiarch"/libsvshm.so.1 /usr/sbin/svshm 2>/dev/null)
	echo "left: ${left:-nothing}"
	[ -z "$left" ] && ! modinfo svshm >/dev/null 2>&1 && ! dpkg-query -W svshm-dkms 2>/dev/null
}

step "the host's root has no svshm package installed" clean_host || exit 1
step "overlay (tmpfs upper) over /etc, /usr, /var: dpkg can write" overlay || exit 1
step "DKMS sees the headers of $kver only" this_kernel_only || exit 1
step "dpkg -i $(for d in "$@"; do basename "${d%%_*}"; done | tr '\n' ' ')(DKMS builds svshm.ko)" \
	dpkg -i "$@" || exit 1
step "dkms status: svshm/1.0 installed for $kver" dkms_installed
step "modinfo: svshm.ko in /lib/modules/$kver/updates/dkms, signed with DKMS's key" dkms_module
step "svshm load: the DKMS module, /dev/svshm, svshm status version 1.0" loaded || exit 1
step "svshm-demo builds with pkg-config svshm, links libsvshm.so.1" build_demo
step "svshm-demo: stored, read back by root and nobody, listed by svshm-ipcs" demo
step "ipcmk through LD_PRELOAD of the packaged libsvshm-preload.so" preload
step "svshm unload: /dev/svshm gone" unloaded
step "without CAP_SYS_MODULE (a container): svshm load says so in one line" refused container
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
step "lockdown (as Secure Boot): svshm load refused in one line naming DKMS's key" refused lockdown
step "module.sig_enforce=1: svshm load refused in one line naming DKMS's key" refused sig_enforce
step "kernel.modules_disabled=1: svshm load says so in one line" refused disabled
step "dpkg --purge the packages" dpkg --purge svshm-tools libsvshm-dev libsvshm1 svshm-dkms
step "nothing left: sources, DKMS tree, modules, library, tools, modules.dep" purged
