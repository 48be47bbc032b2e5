#!/bin/sh
# Usage: dkms-build.sh NAME RELEASE KDIR
# README's DKMS steps, as written, against one kernel of the matrix: the
# sources copied to svshm-VERSION, dkms add, then dkms build -k RELEASE
# --kernelsourcedir KDIR (a kernel built by hand has no /lib/modules link
# to its tree). Everything DKMS keeps stays in build/dkms/NAME (its source,
# build and install trees, and the signing key it makes where the kernel
# can check signatures): the host's /usr/src, /var/lib/dkms and
# /lib/modules are not touched. dkms install needs the kernel installed in
# /lib/modules; the package's guest test (guest/deb.sh) installs for real.
set -eu
name=$1 release=$2 kdir=$3
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
d=$top/build/dkms/$name
rm -rf "$d"
mkdir -p "$d/src/svshm-$version" "$d/tree" "$d/modules"
cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$top/uapi" "$d/src/svshm-$version/"
trees="--dkmstree $d/tree --sourcetree $d/src --installtree $d/modules"
# dkms reads its signing key's place from the environment when
# /etc/dkms/framework.conf leaves it unset, as Debian's does.
export mok_signing_key="$d/mok.key" mok_certificate="$d/mok.pub"
# shellcheck disable=SC2086
dkms add "svshm/$version" $trees
# shellcheck disable=SC2086
if ! dkms build "svshm/$version" -k "$release" --kernelsourcedir "$kdir" $trees; then
	cat "$d/tree/svshm/$version/build/make.log" 2>/dev/null
	exit 1
fi
ko=$(ls "$d/tree/svshm/$version/$release/"*/module/svshm.ko*)
modinfo "$ko" | grep -E '^(filename|version|vermagic|signer):'
# Built for this kernel, with the release of dkms.conf.
modinfo -F vermagic "$ko" | grep -q "^$release " &&
	[ "$(modinfo -F version "$ko")" = "$version" ]
