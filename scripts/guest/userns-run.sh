#!/bin/sh
# Usage (as root): userns-run.sh COMMAND [ARG...]
# Run COMMAND as the root of a container: in a new user namespace that maps
# uids and gids 0-65535 onto the same ids outside, with new IPC and mount
# namespaces, where an svshm instance is mounted and bound over /dev/svshm,
# as a container runtime gives a container its own devices. Programs that
# open /dev/svshm (libsvshm, the fuzzer) then use that instance, and native
# SysV IPC is the new IPC namespace's, whose capabilities count in the new
# user namespace as the instance's do: both backends answer as in a
# container. A kernel without IPC namespaces (CONFIG_IPC_NS=n: the kernels
# scripts/build-kernel.sh builds) keeps the initial one, and this says so.
# Exits with COMMAND's status, or 125 if the container cannot be made.
#
# util-linux 2.38's unshare maps ranges only through newuidmap, which is
# not installed: the child waits on a FIFO while this script, root outside,
# writes its maps.
set -u

if [ "${1:-}" = --inside ]; then
	fifo=$2
	shift 2
	read -r go <"$fifo" && [ "$go" = go ] || exit 125
	dir=$(mktemp -d /tmp/svshm-instance.XXXXXX) || exit 125
	if ! mount -t svshm none "$dir" || ! mount --bind "$dir/svshm" /dev/svshm; then
		echo "userns-run: cannot mount an svshm instance over /dev/svshm" >&2
		rmdir "$dir"
		exit 125
	fi
	# statfs's f_type: the instance's filesystem, SVSHM_FS_MAGIC.
	if [ "$(stat -f -c %t /dev/svshm)" != 5653484d ]; then
		echo "userns-run: /dev/svshm is not the svshm filesystem's file" >&2
		exit 125
	fi
	"$@"
	rc=$?
	umount /dev/svshm "$dir"
	rmdir "$dir"
	exit $rc
fi

[ $# -gt 0 ] || { sed -n '2,12s/^# \{0,1\}//p' "$0" >&2; exit 2; }
ipc=--ipc
if ! unshare --ipc true 2>/dev/null; then
	ipc=""
	echo "userns-run: no IPC namespaces in this kernel (CONFIG_IPC_NS=n): native SysV IPC stays the initial namespace's" >&2
fi
fifo=$(mktemp -u /tmp/svshm-userns.XXXXXX)
mkfifo -m 600 "$fifo" || exit 125
unshare --user $ipc --mount sh "$0" --inside "$fifo" "$@" &
pid=$!
# The maps can be written once the child is in its namespace.
me=$(readlink /proc/self/ns/user)
i=0
while [ "$(readlink "/proc/$pid/ns/user")" = "$me" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# A child that died before opening the FIFO would leave a writer waiting.
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
say() { timeout 10 sh -c 'echo "$1" >"$2"' sh "$1" "$fifo"; }
if echo "0 0 65536" >"/proc/$pid/uid_map" && echo "0 0 65536" >"/proc/$pid/gid_map"; then
	say go
else
	echo "userns-run: cannot map the user namespace's ids" >&2
	say no
fi
wait $pid
rc=$?
rm -f "$fifo"
exit $rc
