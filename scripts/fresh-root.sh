#!/bin/sh
# Usage: fresh-root.sh
# The README's first commands on a machine that has nothing else: a minimal
# root of this host's Debian release (debootstrap --variant=minbase, with
# git and make), where a git clone of this checkout's HEAD, as root, runs
# make demo to its "it worked" line (QEMU runs in the root, and its guest
# mounts that root over 9p), make demo again (the module already built),
# make, make install, and a program built with pkg-config --cflags --libs
# svshm, run without LD_LIBRARY_PATH. Each step is a TAP line, with its
# time; the status is 1 if any failed. Uncommitted changes are not in the
# clone. Needs root (chroot, mount: skipped otherwise) and debootstrap.
#
# The root is made once into the cache (fresh-root/, under its lock), from
# the Debian mirror this machine's apt sources name (scripts/mirror.sh),
# and kept as a tarball; each run unpacks it afresh into a tmpfs, so each
# run starts from what debootstrap made and nothing more. apt's downloads
# and lists are kept in the cache and mounted into the root, so a later run
# downloads only what the mirror changed since. Each run's output is in
# build/fresh-root/log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/lib/cache.sh"
# shellcheck source=scripts/lib/steps.sh
. "$here/lib/steps.sh"
cache=$svshm_cache/fresh-root
work=$top/build/fresh-root
root=$work/root
log=$work/log

if [ "$(id -u)" -ne 0 ]; then
	echo "ok 1 - fresh root # SKIP needs root (chroot, mount)"
	exit 0
fi
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ -z "$codename" ] || ! command -v debootstrap >/dev/null; then
	echo "not ok 1 - fresh root: needs debootstrap (apt-get install debootstrap) and a Debian release"
	exit 1
fi
include=git,make
base=$cache/$codename-minbase-$(echo "$include" | tr , -).tar

# The root is a tmpfs: whatever a run leaves goes with it, and nothing
# under it is removed file by file (a bind mount left behind would take
# the cache or the host's /dev along).
unmount_root() {
	mountpoint -q "$root" || return 0
	umount -R "$root" 2>/dev/null || umount -R -l "$root"
}
mount_root() {
	unmount_root
	mkdir -p "$root" &&
		mount -t tmpfs -o mode=0755 tmpfs "$root" &&
		mount --make-rprivate "$root"
}
# bind DIR TARGET: DIR at TARGET in the root; private, so that its
# unmounting reaches nothing outside.
bind() {
	mkdir -p "$root$2" && mount --bind "$1" "$root$2" && mount --make-private "$root$2"
}

mkdir -p "$work" "$cache"
: >"$log"
cache_lock fresh-root
trap unmount_root EXIT
trap 'exit 1' INT TERM HUP

# Each step's output in the log (lib/steps.sh); a TAP line with its
# seconds; on failure, its last lines as diagnostics.
step_log=$log step_prefix="- fresh root: " step_tail=15

# in_root COMMAND: a shell command line, as root in the clone, with a
# login's environment and nothing of this one's. INITRD=No: the root never
# boots its kernel (the demo's guest has an initramfs of its own), so the
# kernel's package makes it none: tens of seconds that would prove nothing.
in_root() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LANG=C.UTF-8 TERM=dumb INITRD=No \
		timeout 1800 chroot "$root" /bin/sh -c "cd /root/svshm && $1"
}

# The release as debootstrap makes it, with the apt sources a Debian
# installation has (the release, its updates, its security archive, from
# this machine's mirrors), once.
make_base() {
	[ -f "$base" ] && return 0
	mirror=$("$here/mirror.sh") || { echo "no Debian mirror in /etc/apt/sources*"; return 1; }
	security=$("$here/mirror.sh" debian-security) || security=""
	mkdir -p "$cache/debootstrap"
	mount_root || return 1
	debootstrap --variant=minbase --include="$include" --cache-dir="$cache/debootstrap" \
		"$codename" "$root" "$mirror" || return 1
	{
		echo "deb $mirror $codename main"
		echo "deb $mirror $codename-updates main"
		[ -z "$security" ] || echo "deb $security $codename-security main"
	} >"$root/etc/apt/sources.list" || return 1
	chroot "$root" apt-get clean || return 1
	tar -C "$root" --numeric-owner -cf "$base.tmp" . && mv "$base.tmp" "$base"
}

# A new root from the tarball: the host's name servers, apt's caches, the
# kernel's file systems (QEMU needs /dev and /proc), and the clone.
fresh() {
	make_base || return 1
	mount_root && tar -C "$root" --numeric-owner -xf "$base" || return 1
	rm -f "$root/etc/resolv.conf" && cp -L /etc/resolv.conf "$root/etc/resolv.conf" || return 1
	mkdir -p "$cache/archives/partial" "$cache/lists/partial"
	bind "$cache/archives" /var/cache/apt/archives && bind "$cache/lists" /var/lib/apt/lists &&
		bind /dev /dev && mount -t proc proc "$root/proc" && mount -t sysfs sysfs "$root/sys" ||
		return 1
	head=$(git -C "$top" rev-parse HEAD) &&
		git clone -q "$top" "$root/root/svshm" && git -C "$root/root/svshm" checkout -q --detach "$head"
}

# make demo, in the clone, to its last line; FIRST is 1 when it must build
# the module, and 0 when it must take the one it built before.
demo() {
	out=$(in_root "make demo" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ $rc -eq 0 ] || return 1
	printf '%s\n' "$out" | tail -n 1 | grep -q '^svshm demo: it worked' || return 1
	built=0
	printf '%s\n' "$out" | grep -q 'building svshm.ko for' && built=1
	[ "$built" = "$1" ] || { echo "fresh-root: the module was built: $built, expected $1"; return 1; }
}

# make install: its lines, none of them the kernel's (signing, depmod);
# the module where depmod found it.
make_install() {
	out=$(in_root "make install" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ $rc -eq 0 ] || return 1
	if printf '%s\n' "$out" | grep -E 'SSL error|sign-file|Warning|^  (SIGN|DEPMOD|INSTALL) '; then
		echo "fresh-root: make install printed the kernel's noise (above)"
		return 1
	fi
	in_root 'grep "updates/svshm.ko" /lib/modules/*/modules.dep'
}

# A program of a user's, built as the README says, run as a user runs it:
# the loader finds libsvshm.so.1 with no LD_LIBRARY_PATH (make install ran
# ldconfig). The root has the host's /dev, and the host does not load
# svshm.ko: then the call fails with ENOSYS and the library's one line says
# why; where the host has the device, the segment is made and removed.
user_program() {
	cat >"$root/root/prog.c" <<'EOF' || return 1
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <svshm.h>

int main(int argc, char **argv)
{
	int id = svshm_shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);

	(void)argv;
	if (argc == 1) {
		if (id != -1 || errno != ENOSYS) {
			printf("svshm_shmget: %d (%s), not ENOSYS\n", id, strerror(errno));
			return 1;
		}
		printf("svshm_shmget: ENOSYS without the module\n");
		return 0;
	}
	if (id == -1 || svshm_shmctl(id, IPC_RMID, NULL) == -1) {
		perror("svshm");
		return 1;
	}
	printf("svshm_shmget: segment %d made and removed\n", id);
	return 0;
}
EOF
	# shellcheck disable=SC2016
	in_root 'cd /root && cc -Wall -Werror -o prog prog.c $(pkg-config --cflags --libs svshm) || exit 1
		[ ! -c /dev/svshm ] || exec ./prog loaded
		./prog 2>prog.err; rc=$?; cat prog.err
		[ $rc -eq 0 ] && grep -q "^libsvshm: cannot open /dev/svshm" prog.err'
}

echo "# fresh root: $codename, log $log"
step "a minimal Debian $codename (debootstrap minbase, git, make) and a git clone of HEAD" fresh &&
	step "make demo, as root: installs its packages, builds svshm.ko, it worked" demo 1 &&
	step "make demo again: svshm.ko not rebuilt, it worked" demo 0 &&
	step "make: libraries, tools, svshm.ko" in_root make &&
	step "make install: no kernel noise, depmod found svshm.ko" make_install &&
	step "cc prog.c \$(pkg-config --cflags --libs svshm): runs without LD_LIBRARY_PATH, ENOSYS with no module" \
		user_program
# apt's cache keeps only what the mirror still has.
[ ! -d "$root/root/svshm" ] || in_root "apt-get -qq autoclean" >>"$log" 2>&1
[ "$step_failed" -eq 0 ] && [ "$step_n" -gt 0 ]
