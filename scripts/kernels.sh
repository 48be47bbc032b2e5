#!/bin/sh
# Print the kernels of the test matrix, one a line:
#   the newest installed Debian 6.1 and 6.12 amd64 kernels that have both an
#   image and headers (by version: scripts/install-deps.sh installs them);
#   newest, no-sysvipc, debug, arm64: the kernels scripts/build-kernel.sh
#   builds from the newest Debian kernel source (README, "Kernels"; arm64:
#   "Platforms").
# SVSHM_KERNELS="name ..." overrides the list (one kernel by hand, say).
set -eu
if [ -n "${SVSHM_KERNELS:-}" ]; then
	for k in $SVSHM_KERNELS; do echo "$k"; done
	exit 0
fi
for pattern in '6.1.0-*-amd64' '6.12.*+deb12-amd64'; do
	best=""
	for d in /lib/modules/$pattern; do
		v=${d##*/}
		[ -f "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/build" ] || continue
		best="$best $v"
	done
	v=$(printf '%s\n' $best | sort -V | tail -n 1)
	if [ -z "$v" ]; then
		echo "kernels: no kernel matching $pattern (scripts/install-deps.sh)" >&2
		exit 1
	fi
	echo "$v"
done
echo newest
echo no-sysvipc
echo debug
echo arm64
