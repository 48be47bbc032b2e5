# shellcheck shell=sh disable=SC2154 # step_log and the rest are the caller's
# Sourced by the scripts whose steps are commands, each a TAP line
# (scripts/fresh-root.sh, scripts/guest/deb.sh: the guest sees the checkout).
# step DESCRIPTION COMMAND...: run COMMAND with its output appended to
# $step_log under a "# DESCRIPTION" line; print "ok N DESCRIPTION (S s)",
# the seconds it took, with $step_prefix before the description; on failure
# "not ok", and the last $step_tail (default 8) lines of its output as
# diagnostics. The lines go to $step_tap as well when it is set. Returns
# COMMAND's status; step_n counts the steps, step_failed the failures.
step_n=0 step_failed=0

step() {
	step_desc=$1
	shift
	step_t0=${step_t0:-$(date +%s)}
	echo "# $step_desc" >>"$step_log"
	step_mark=$(wc -l <"$step_log")
	"$@" >>"$step_log" 2>&1
	step_rc=$?
	step_n=$((step_n + 1)) step_t1=$(date +%s)
	[ $step_rc -eq 0 ] || step_failed=$((step_failed + 1))
	if [ $step_rc -eq 0 ]; then
		echo "ok $step_n ${step_prefix:-}$step_desc ($((step_t1 - step_t0)) s)"
	else
		echo "not ok $step_n ${step_prefix:-}$step_desc ($((step_t1 - step_t0)) s)"
		tail -n +$((step_mark + 1)) "$step_log" | tail -n "${step_tail:-8}" | sed 's/^/# > /'
	fi | tee -a "${step_tap:-/dev/null}"
	step_t0=$step_t1
	return $step_rc
}
