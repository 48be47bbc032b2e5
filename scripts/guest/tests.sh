#!/bin/sh
# Usage (in the guest, as root):
#   tests.sh [-t SECONDS] [-f CALLS] [-x | -s] [-i ROUNDS] [-w] [-r] [-k TREE -o OUT] [-m "TEST..."]
#            [-e "TEST..."] KO [TEST...]
# Load KO, run each selftest binary (default: all of build/selftests) as root
# and again as an unprivileged user (nobody, no capabilities); then, when no
# TEST is named or -x (the stress stages) is given, the torture run for
# SECONDS (default 5), the ioctl fuzzer for CALLS calls (default 200000) as
# root and as nobody, the same in a user namespace's instance, and fault
# injection where the kernel has it (ROUNDS rounds with -i; default the
# program's); unload KO and check that the library says why it has no
# device. -s: the stress stages only, no selftest (make stress). -w: last of
# the stages, native's id sequence walked through a whole wrap beside
# svshm's (SVSHM_LONG=1 id_wrap_test, as root; make stress).
# -r runs the selftests as root only. -k TREE -o OUT: the root pass runs
# through the kselftest runner, make run_tests TARGETS=svshm O=OUT in the
# kernel tree TREE (scripts/ksft-tree.sh; built there by make check), and
# its KTAP is split back into one TAP file per test.
# -m "TEST...": 32-bit selftests (make selftests32) after the others, as
# root (perm_matrix_test makes its unprivileged callers itself, and skips
# as nobody); with the fuzzer, build/selftests32's for a tenth of its calls
# as root and as nobody. Their TAP is NAME.m32.WHO.
# -e "TEST...": then these (64- or 32-bit) under svshm-exec, where every
# shm system call is svshm's and the tests compare libsvshm with raw
# system calls (selftests/backend.h): as root, and as nobody (not with -r)
# unless the test needs root (perm_matrix_test). Their TAP is NAME[.m32].exec.WHO.
# Where svshm-exec serves no program (its exit 126 and one line: another
# architecture), one skipped step says so.
# Each run's TAP goes to $svshm_rundir/tap/NAME.{root,user}.tap and to the
# console; the steps of this script are TAP lines of their own in guest.tap.
# The exit status is 1 if any step failed.
set -u
torture=5 fuzz=200000 stress="" only="" rounds="" wrap="" users="root user" ktree="" kout="" m32="" under_exec=""
while [ $# -gt 1 ]; do
	case $1 in
	-t) torture=$2; shift ;;
	-f) fuzz=$2; shift ;;
	-x) stress=1 ;;
	-s) stress=1 only=1 ;;
	-i) rounds=$2; shift ;;
	-w) wrap=1 ;;
	-r) users=root ;;
	-k) ktree=$2; shift ;;
	-o) kout=$2; shift ;;
	-m) m32=$2; shift ;;
	-e) under_exec=$2; shift ;;
	*) break ;;
	esac
	shift
done
ko=$1
shift
exec_users=$users
[ $# -gt 0 ] && [ -z "$stress" ] && torture=0 fuzz=0
out=${svshm_rundir:?}/tap
mkdir -p "$out"
n=0 failures=0
t0=$(date +%s)
# step OK|FAIL description [LOG]: a TAP line, with the seconds since the
# last step; a failure carries the lines of LOG that say why, as diagnostics
# that make check shows (the console log is not kept by CI).
step() {
	n=$((n + 1)) t1=$(date +%s)
	if [ "$1" = OK ]; then
		echo "ok $n $2 ($((t1 - t0)) s)"
	else
		failures=$((failures + 1))
		echo "not ok $n $2 ($((t1 - t0)) s)"
		[ -n "${3:-}" ] && grep -E 'violation|unexpected|bad|^not ok|Expected|FAIL' "$3" |
			head -n 8 | sed 's/^/# > /'
	fi >>"$out/guest.tap"
	t0=$t1
}

# run_step DESCRIPTION LOG COMMAND...: one step: COMMAND's output in LOG
# (kept with the run) and on the console, and its TAP line.
run_step() {
	desc=$1 log=$2
	shift 2
	echo "# $desc"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	if [ $rc -eq 0 ]; then step OK "$desc"; else step FAIL "$desc exits $rc" "$log"; fi
}

# The mark in the kernel log and on the console that tells the test bed's
# splats from svshm's (scripts/splat-check.sh): what comes before it
# happened before svshm.ko was loaded.
echo "guest-tests: loading svshm.ko" >/dev/kmsg
echo "guest-tests: loading svshm.ko"
if insmod "$ko"; then
	step OK "insmod $(basename "$ko")"
else
	step FAIL "insmod $(basename "$ko")"
	exit 1
fi

if [ -n "$only" ]; then
	set --
elif [ $# -eq 0 ]; then
	set -- build/selftests/*_test
fi
# Absolute: the kselftest runner starts each test in its own directory.
case $ko in /*) ;; *) ko=$PWD/$ko ;; esac
export SVSHM_KO="$ko"

# The root pass through the kselftest runner. Its KTAP nests each test's
# TAP under "# "; the lines between "# selftests: svshm: NAME" and the
# runner's "ok N selftests: svshm: NAME" are NAME's own output, kept as
# NAME.root.tap as a run by hand would have written it.
if [ -n "$ktree" ]; then
	names=""
	for t in "$@"; do names="$names $(basename "$t")"; done
	echo "# root pass: make run_tests in $ktree (kselftest runner)"
	# The runner writes to /dev/stdout, a link that udev makes on a real
	# system; the guest has no udev.
	for l in 0:stdin 1:stdout 2:stderr; do
		[ -e "/dev/${l#*:}" ] || ln -sf "/proc/self/fd/${l%%:*}" "/dev/${l#*:}"
	done
	SVSHM_TESTS="$names" make -s -C "$ktree/tools/testing/selftests" TARGETS=svshm \
		O="$kout" run_tests 2>&1 | tee "$out/kselftest.ktap"
	cur=""
	while IFS= read -r line; do
		case $line in
		"# selftests: svshm: "*)
			cur=${line#\# selftests: svshm: }
			: >"$out/$cur.root.tap"
			;;
		"ok "*" selftests: svshm: "* | "not ok "*" selftests: svshm: "*)
			name=${line##* selftests: svshm: }
			name=${name%% *}
			case $line in
			ok*) step OK "$name as root exits 0 (kselftest runner)" ;;
			*) step FAIL "$name as root: ${line#* selftests: svshm: } (kselftest runner)" "$out/$name.root.tap" ;;
			esac
			cur=""
			;;
		"# "*) [ -n "$cur" ] && printf '%s\n' "${line#\# }" >>"$out/$cur.root.tap" ;;
		"#") [ -n "$cur" ] && echo >>"$out/$cur.root.tap" ;;
		esac
	done <"$out/kselftest.ktap"
	# Every test must have answered: a runner that stopped early fails.
	# (Not $n: step() counts with it.)
	for want in $names; do
		grep -qE "^(not )?ok [0-9]+ selftests: svshm: $want( |\$)" "$out/kselftest.ktap" ||
			step FAIL "$want as root: no result from the kselftest runner" "$out/kselftest.ktap"
	done
	users=$(echo "$users" | sed 's/root//')
fi

unpriv="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
for t in "$@"; do
	name=$(basename "$t")
	for who in $users; do
		if [ $who = root ]; then runner=""; else runner=$unpriv; fi
		# shellcheck disable=SC2086
		run_step "$name as $who" "$out/$name.$who.tap" $runner timeout 900 "$t"
	done
done
# Every x86 kernel of the matrix runs 32-bit programs (IA32_EMULATION in
# kernel/guest.config; the sysctl is its mark): one clear failure here if
# one does not, rather than an exec error in every step.
# Elsewhere (arm64's CONFIG_COMPAT for armhf), the first of them, asked for
# its list of tests (the harness's -l, exit 4), says the same when the
# kernel or its C library's loader cannot run it (the shell's 126 and 127).
if [ -n "$m32" ] && [ "$(uname -m)" = x86_64 ] && [ ! -e /proc/sys/abi/vsyscall32 ]; then
	step FAIL "32-bit selftests: this kernel runs no 32-bit programs (CONFIG_IA32_EMULATION=n)"
	m32=""
else
	for first in $m32; do break; done
	why="" rc=0
	[ -z "$m32" ] || why=$("$first" -l 2>&1 >/dev/null) || rc=$?
	if [ $rc -ge 126 ]; then
		step FAIL "32-bit selftests: this kernel does not run $first: $(echo "$why" | head -n 1)"
		m32=""
	fi
fi
for t in $m32; do
	name=$(basename "$t").m32
	run_step "$name as root" "$out/$name.root.tap" timeout 900 "$t"
done

# Under svshm-exec. A host it cannot serve says so in one line (exit 126):
# a skip on another architecture, a failure on x86-64, which it serves.
if [ -n "$under_exec" ]; then
	why=$(build/tools/svshm-exec /bin/true 2>&1) || {
		case $(uname -m) in
		x86_64) step FAIL "svshm-exec cannot run here: $(echo "$why" | head -n 1)" ;;
		*) step OK "selftests under svshm-exec # SKIP $(echo "$why" | head -n 1)" ;;
		esac
		under_exec=""
	}
fi
for t in $under_exec; do
	name=$(basename "$t")
	case $t in build/selftests32/*) name=$name.m32 ;; esac
	for who in $exec_users; do
		[ "$who" = root ] || case $t in */perm_matrix_test) continue ;; esac
		if [ "$who" = root ]; then runner=""; else runner=$unpriv; fi
		# shellcheck disable=SC2086
		run_step "$name under svshm-exec as $who" "$out/$name.exec.$who.tap" \
			$runner timeout 900 build/tools/svshm-exec "$t"
	done
done

# Many processes colliding on a few keys (longer on the debug kernel).
if [ "$torture" -gt 0 ]; then
	run_step torture "$out/torture.log" build/selftests/torture -p 8 -t "$torture"
fi
# The fuzzer as root, then as nobody against root's sentinel segments.
if [ "$fuzz" -gt 0 ]; then
	for who in root user; do
		if [ $who = root ]; then as=""; else as="-u 65534"; fi
		run_step "fuzz as $who" "$out/fuzz.$who.log" build/selftests/fuzz -c "$fuzz" $as
		[ -z "$m32" ] || run_step "32-bit fuzz as $who" "$out/fuzz.m32.$who.log" \
			build/selftests32/fuzz -c $((fuzz / 10)) $as
	done
fi

# The same in a container (scripts/guest/userns-run.sh): root of a user namespace
# with its own IPC namespace and an svshm instance bound over /dev/svshm,
# where capabilities count in that namespace on both backends. The
# permission matrix when it is among the tests; fewer fuzz calls (the same
# paths, on another table).
if [ "$fuzz" -gt 0 ]; then
	in_userns() { # in_userns WHAT COMMAND...: one step; output in userns-WHAT.log
		what=$1
		shift
		run_step "$what in a user namespace's instance" "$out/userns-$(echo "$what" | tr ' ' _).log" \
			sh scripts/guest/userns-run.sh "$@"
	}
	# Removing the callers' native segments takes CAP_SYS_ADMIN in the user
	# namespace that owns the IPC namespace: the container's root has it in
	# an IPC namespace of its own only.
	for t in "$@"; do
		case $t in */perm_matrix_test)
			if unshare --ipc true 2>/dev/null; then
				in_userns perm_matrix_test "$t"
			else
				step OK "perm_matrix_test in a user namespace's instance # SKIP no IPC namespaces here (CONFIG_IPC_NS=n)"
			fi ;;
		esac
	done
	# The paths are the same as in /dev/svshm's: a fifth of its calls, and
	# no more than 40,000 (the debug kernel's million would add minutes).
	ucalls=$((fuzz / 5 < 40000 ? fuzz / 5 : 40000))
	in_userns "fuzz as root" build/selftests/fuzz -c $ucalls
	in_userns "fuzz as nobody" build/selftests/fuzz -c $ucalls -u 65534
fi

if [ "$fuzz" -gt 0 ] && [ -d /sys/kernel/debug/failslab ]; then
	run_step "fault injection" "$out/faultinject.log" build/selftests/faultinject ${rounds:+-r "$rounds"}
fi
if [ -n "$wrap" ]; then
	run_step "id sequences through a whole wrap (SVSHM_LONG=1 id_wrap_test)" "$out/id_wrap_long.tap" \
		env SVSHM_LONG=1 build/selftests/id_wrap_test
fi

# Every test removes what it made: a segment holds the module, so rmmod is
# refused while one exists, in /dev/svshm or in a mounted instance. Name
# what is left (id, key, size, creator pid; mount points), then remove it,
# so that the rmmod below tests the module, not the tests.
left=$(awk 'NR > 1 { printf "id %d key %#x size %s cpid %d; ", $2, $1 < 0 ? $1 + 4294967296 : $1, $4, $5 }' /proc/svshm)
if [ -z "$left" ]; then
	step OK "no segment left in /proc/svshm"
else
	step FAIL "segments left in /proc/svshm: $left"
	build/tools/svshm-ipcrm --all
fi
mounts=$(awk '$3 == "svshm" { printf "%s ", $2 }' /proc/mounts)
if [ -z "$mounts" ]; then
	step OK "no svshm filesystem left mounted"
else
	step FAIL "svshm filesystems left mounted: $mounts"
	for m in $mounts; do umount "$m"; done
fi
if rmmod svshm; then
	step OK "rmmod svshm"
else
	step FAIL "rmmod svshm"
fi
if [ -e /dev/svshm ]; then step FAIL "/dev/svshm gone after rmmod"; else step OK "/dev/svshm gone after rmmod"; fi
# The library without the module: ENOSYS and one line naming the cause.
run_step nodev "$out/nodev.tap" build/selftests/nodev
[ "$failures" -eq 0 ]
