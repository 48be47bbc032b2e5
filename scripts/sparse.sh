#!/bin/sh
# Usage: sparse.sh
# Print the path of the sparse binary that build-module.sh runs (C=2
# CHECK=...). Bookworm's sparse (0.6.4) is too old for the headers of 7.x
# kernels, so this builds sid's from Debian's own source package: fetched
# with apt-get source through the private apt configuration of
# newest-source.sh -s (nothing is installed, the machine's apt sources are
# never touched), and compiled with the machine's gcc and make. Only the
# sparse program is built (make sparse, without LLVM, GTK, libxml or
# SQLite), so it needs nothing beyond gcc, make and dpkg-dev.
# The build is cached outside git in sparse-VERSION (keyed on the source
# version in the private lists), built in a .tmp directory and moved in
# place when done, under a lock so that two runs at once wait for each
# other. A second call only reads the lists: well under a second.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/cache.sh"
opts=$("$here/newest-source.sh" -s)

# shellcheck disable=SC2086
ver=$(apt-cache $opts showsrc sparse | sed -n 's/^Version: //p' | sort -V | tail -n 1)
if [ -z "$ver" ]; then
	echo "sparse: no sparse source package in the private apt lists" >&2
	exit 1
fi
key=sparse-$(printf '%s' "$ver" | tr -c 'A-Za-z0-9.+~-' '_')
dir=$svshm_cache/$key
if [ -x "$dir/sparse" ]; then
	echo "$dir/sparse"
	exit 0
fi

cache_lock "$key"
if [ ! -x "$dir/sparse" ]; then
	tmp=$dir.tmp
	rm -rf "$dir" "$tmp"
	mkdir -p "$tmp/deb"
	log=$tmp/build.log
	echo "sparse: building sparse $ver in $dir (log: $dir/build.log)" >&2
	{
		# shellcheck disable=SC2086
		(cd "$tmp/deb" && apt-get $opts -qq --download-only source "sparse=$ver")
		dpkg-source -x "$tmp/deb/"*.dsc "$tmp/src"
		# CC=gcc: Debian's patch names gcc-16, sid's compiler; sparse takes
		# its builtin include path (GCC_BASE) from the compiler it is built
		# with. SPARSE_VERSION: what sparse --version says (the default asks
		# git, which the cache is not).
		make -C "$tmp/src" -j"$(nproc)" CC=gcc HAVE_LLVM=no HAVE_GTK=no \
			HAVE_LIBXML=no HAVE_SQLITE=no HAVE_BOOLECTOR=no \
			SPARSE_VERSION="$ver" sparse
		"$tmp/src/sparse" --version
	} >"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
	cp "$tmp/src/sparse" "$tmp/sparse"
	# dpkg-source -x links the orig tarball beside src: drop it too.
	rm -rf "$tmp/deb" "$tmp/"*.orig.tar.*
	mv "$tmp" "$dir"
fi
echo "$dir/sparse"
