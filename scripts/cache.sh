# Sourced by the scripts that fill the cache (~/.cache/svshm, or
# $SVSHM_CACHE): where it is, and a lock per artifact, so that two runs
# sharing the cache (make check and make demo at once, say) wait for each
# other instead of unpacking or building into the same directory. Each
# artifact has its own lock file, so a script that holds one lock may call
# a script that takes another (a kernel build asks for its source).
svshm_cache=${SVSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svshm}
mkdir -p "$svshm_cache/locks"

# cache_lock NAME: hold the lock NAME until this shell exits (fd 9).
cache_lock() {
	exec 9>"$svshm_cache/locks/$1"
	if ! flock -n 9; then
		echo "${0##*/}: waiting for another run to finish $1" >&2
		flock 9
	fi
}
