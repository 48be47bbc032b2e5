# Sourced by the scripts that fill the cache (~/.cache/svshm, or
# $SVSHM_CACHE): where it is, and a lock per artifact, so that two runs
# sharing the cache (make check and make demo at once, say) wait for each
# other instead of unpacking or building into the same directory. Each
# artifact has its own lock file, so a script that holds one lock may call
# a script that takes another (a kernel build asks for its source).
svshm_cache=${SVSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svshm}
mkdir -p "$svshm_cache/locks"

# cache_lock NAME [FD]: hold the lock NAME until this shell exits or FD
# (default 9) is reopened; a script that holds two locks at once gives
# each its own FD.
cache_lock() {
	eval "exec ${2:-9}>\"\$svshm_cache/locks/\$1\""
	if ! flock -n "${2:-9}"; then
		echo "${0##*/}: waiting for another run to finish $1" >&2
		flock "${2:-9}"
	fi
}

# cache_unlock [FD]: let go of the lock on FD (default 9) before a long
# command that must not hold it.
cache_unlock() {
	eval "exec ${1:-9}>&-"
}
