# shellcheck shell=sh disable=SC2034,SC2154 # sets what its callers read; $top is theirs
# Sourced, with $top the checkout and the current directory: what every
# entry script does before its guest. prepare_kernel [-p] [-s] [K]:
# install the packages and build the userspace (once per script: a later
# call skips them), then, with K (a name of scripts/kernels.sh), the kernel
# (lib/target.sh: kdir, boot, release; built first if svshm builds it) and
# svshm.ko against it, in ko (build/kernel/K/svshm.ko).
#   -p  the demo's: scripts/install-deps.sh demo, make lib tools, and a
#       plain module (build-module.sh -p, no W=1 or sparse)
#   -s  no packages, no userspace: the caller did them (make check, which
#       counts them as checks of its own)
# On failure it returns 1 with prepare_failed saying where: deps,
# userspace, kernel or module. Where prepare_check names a function (make
# check's check NAME COMMAND...), the building of a kernel and of the
# module run through it, each a check with a name.
. "$top/scripts/lib/target.sh"

prepare_kernel() {
	prepare_plain="" prepare_skip=""
	while :; do
		case ${1:-} in
		-p) prepare_plain=-p ;;
		-s) prepare_skip=1 ;;
		*) break ;;
		esac
		shift
	done
	if [ -z "$prepare_skip" ] && [ -z "${prepare_done:-}" ]; then
		prepare_failed=deps
		scripts/install-deps.sh ${prepare_plain:+demo} || return 1
		prepare_failed=userspace
		if [ -n "$prepare_plain" ]; then
			make -s lib tools || return 1
		else
			make -s lib selftests || return 1
		fi
		prepare_done=1
	fi
	[ -n "${1:-}" ] || return 0
	prepare_failed=kernel
	case $1 in
	newest | no-sysvipc | debug | arm64) _prepare_step "$1 kernel built" target "$1" || return 1 ;;
	*) target "$1" ;;
	esac
	prepare_failed=module
	ko=build/kernel/$1/svshm.ko
	_prepare_step "$1: svshm.ko builds clean (W=1, sparse)" _prepare_module "$1" || return 1
}

# _prepare_step NAME COMMAND...: COMMAND, through prepare_check if set.
_prepare_step() {
	if [ -n "${prepare_check:-}" ]; then
		"$prepare_check" "$@"
	else
		shift
		"$@"
	fi
}

# _prepare_module K: build-module.sh prints the module's path, which is ko.
_prepare_module() {
	[ -n "$prepare_plain" ] || rm -f "$ko"
	# shellcheck disable=SC2086
	scripts/build-module.sh $prepare_plain "$1" "$kdir" >/dev/null && [ -f "$ko" ]
}
