#!/bin/sh
# make check: install what is missing, run the static checks (checkpatch
# --strict, W=1 and sparse on each kernel), then boot each target kernel in
# QEMU, load svshm.ko, run every selftest as root and as an unprivileged
# user, unload, and check the kernel log; build and lint the Debian packages,
# and install them in one more guest (guest/deb.sh). Prints TAP per kernel
# and, last, "N passed, N failed" over everything; exits non-zero on any
# failure.
#   SVSHM_KERNELS="ver ..."   the kernels (default: scripts/kernels.sh)
#   SVSHM_TESTS="name ..."    only these selftests (default: all, and the
#                             fresh root: scripts/fresh-root.sh)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
passed=0 failed=0 skipped=0

# check NAME COMMAND...: one counted check; output shown on failure. Its
# output goes to $checklog: a lane of its own names another.
checklog=build/check.log
check() {
	name=$1
	shift
	if "$@" >"$checklog" 2>&1; then
		passed=$((passed + 1))
		echo "ok - $name"
	else
		failed=$((failed + 1))
		echo "not ok - $name"
		sed 's/^/#   /' "$checklog" | tail -n 40
		return 1
	fi
}

# count_tap FILE...: add up the test lines of TAP files (top level only).
count_tap() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		p=$(grep -cE '^ok [0-9]+' "$f" | head -n 1)
		s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$f" | head -n 1)
		x=$(grep -cE '^not ok [0-9]+' "$f" | head -n 1)
		passed=$((passed + p - s))
		skipped=$((skipped + s))
		failed=$((failed + x))
		# The failures, with guest.tap's diagnostics under each.
		grep -E '^(not ok [0-9]+|# > )' "$f" | sed "s|^|# $(basename "$f"): |"
	done
}

# timed SECS OUT COMMAND...: COMMAND, its output in OUT; its seconds and
# exit status to the file SECS, which collect reads.
timed() {
	secs_file=$1 out_file=$2
	shift 2
	rm -f "$secs_file"
	start=$(date +%s)
	"$@" >"$out_file" 2>&1
	rc=$?
	echo "$(($(date +%s) - start)) $rc" >"$secs_file"
}

# collect WHAT NOTE SECS LOG TAP...: one guest's or lane's end: its time
# and exit status (secs, rc: timed's SECS) in one line, its TAP counted.
collect() {
	secs="?" rc="?"
	[ -f "$3" ] && read -r secs rc <"$3"
	echo "# $1 ran $secs s$2, exit $rc, log $4"
	shift 4
	count_tap "$@"
}

# row NAME RELEASE TIME: the summary's row, of what was counted since p0
# and f0.
row() {
	summary="$summary
# | $1 | $2 | $((passed - p0)) | $((failed - f0)) | $3 |"
}

scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p build

# The README's commands on a minimal Debian root (scripts/fresh-root.sh),
# in the background from here, counted at the end: its minutes (apt, two
# module builds, two short guests) fill the second core while the static
# checks and the module builds before the guests use one; on a lane, after
# the guests, they would add to the whole. Not in a run of chosen selftests.
fresh=""
if [ -z "${SVSHM_TESTS:-}" ]; then
	timed build/fresh-root.secs build/fresh-root.tap scripts/fresh-root.sh &
	fresh=$!
fi
ksrc=$(scripts/kernel-source.sh)

echo "# static checks"
checkpatch() {
	perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
		-f module/*.[ch] module/probes/*.c uapi/linux/*.h | grep -E 'ERROR|WARNING|CHECK' && return 1
	return 0
}
check "checkpatch --strict: module/ uapi/" checkpatch
check "userspace builds with -Wall -Wextra -Werror" make -s lib selftests tools
check "32-bit userspace builds (gcc -m32: build/lib32, build/selftests32)" make -s lib32 selftests32
# The static programs callers_test runs under svshm-exec (make callers):
# busybox is built once from Debian's source and cached, so this is seconds
# but for the first run (scripts/busybox-build.sh).
check "callers build: static C, Go, busybox with ipcs and ipcrm (build/callers)" make -s callers
check "man pages lint clean (mandoc -Tlint)" mandoc -Tlint -Wwarning man/*
check "make install DESTDIR stages all, make uninstall takes all back" scripts/install-check.sh
check "Debian packages build: dpkg-buildpackage -us -uc -b (build/deb)" scripts/deb-build.sh &&
	check "lintian: no errors in the packages" lintian --fail-on error build/deb/svshm_*.changes &&
	debs="build/deb/svshm-dkms_*.deb build/deb/libsvshm1_*.deb build/deb/libsvshm-dev_*.deb build/deb/svshm-tools_*.deb"
check "Debian i386 library packages build on amd64 (build/deb-i386)" scripts/deb-build.sh -a i386
# The kselftest target, linked into a kernel tree as a developer would; the
# guests run the root pass through its runner (make run_tests).
ktree=$(scripts/ksft-tree.sh "$ksrc" build/ksft/linux) kout=$top/build/ksft/out ksft=""
check "kselftest target builds: make -C tools/testing/selftests TARGETS=svshm" \
	make -s -C "$ktree/tools/testing/selftests" TARGETS=svshm O="$kout" &&
	ksft="-k $ktree -o $kout"

. scripts/lib/prepare.sh
prepare_check=check
kernels=$(scripts/kernels.sh) || { echo "0 passed, 1 failed"; exit 1; }
summary=""

# kernel_prepare K: K built (once: scripts/build-kernel.sh caches the ones
# svshm builds), its module built clean (lib/prepare.sh, each a check) and
# through DKMS; sets what kernel_guest needs (boot, ko, env, long, tests,
# runner, kself, m32, execs). Fails with no module.
kernel_prepare() {
	k=$1
	echo "# kernel $k"
	tests="" long="" env="" runner="sh scripts/guest/tests.sh" kself=$ksft m32="" execs=""
	for t in ${SVSHM_TESTS:-}; do tests="$tests build/selftests/$t"; done
	# 32-bit processes beside the 64-bit ones in every guest, but in a run
	# of chosen selftests: these -m32 builds (on arm64, armhf's, bound
	# there by scripts/guest/arm64.sh; svshm-exec serves no 32-bit ARM
	# program yet, so exec_test's 32-bit build is x86's only).
	[ -n "${SVSHM_TESTS:-}" ] || for t in diff get ctl attach nattch perm_matrix compat exec; do
		[ "$t$k" != execarm64 ] || continue
		m32="$m32 build/selftests32/${t}_test"
	done
	# Raw system calls served by svshm-exec, held to native's recorded
	# results: the scenarios and the permission matrix, and the scenarios
	# from a 32-bit process (its ipc(2)-free direct calls).
	[ -n "${SVSHM_TESTS:-}" ] ||
		execs="build/selftests/diff_test build/selftests/perm_matrix_test build/selftests32/diff_test"
	case $k in
	debug)
		# The sanitizers: longer torture, as many fuzz calls as the other
		# kernels; make stress runs a million per user, and longer.
		long="-t 10 -x -r"
		# Sanitizers under TCG are slow: the selftests run as root only, and
		# without the three that are about breadth, not the kernel (900
		# forked permission cases, a PostgreSQL server, 1.4 million
		# creations to wrap the id sequence); the other kernels run all of
		# them as root and as nobody.
		if [ -z "${SVSHM_TESTS:-}" ]; then
			for t in build/selftests/*_test; do
				case $t in *perm_matrix_test | *programs_test | *id_wrap_test) continue ;; esac
				tests="$tests $t"
			done
			execs="build/selftests/diff_test"
			# Nor the 32-bit permission matrix (7 minutes here).
			m32=$(echo "$m32" | sed 's|build/selftests32/perm_matrix_test||')
		fi
		;;
	no-sysvipc)
		# The tests that need native SysV IPC must find it missing here.
		env="SVSHM_EXPECT_NO_SYSVIPC=1"
		;;
	arm64)
		# Its userspace is cross-built into build/arm64, which
		# scripts/guest/arm64.sh binds where the guest runner looks; the
		# kselftest runner's programs are the host's. Every selftest as
		# root and as nobody, without the torture and fuzz stages: the
		# kernel's paths are the x86 kernels' (README, "Platforms").
		# The 32-bit list is armhf's (build/armhf), through CONFIG_COMPAT.
		check "arm64: userspace cross-built (scripts/arm64-build.sh)" scripts/arm64-build.sh ||
			return 1
		# The 32-bit list is x86's but for exec_test (svshm-exec serves
		# no 32-bit ARM process yet): diff_test holds armhf to native's
		# traces recorded for its four-page SHMLBA, compat_test sizes its
		# too-big segment past the largest hole armhf's address space has.
		m32=""
		[ -n "${SVSHM_TESTS:-}" ] || for t in diff get ctl attach nattch perm_matrix compat; do
			m32="$m32 build/selftests32/${t}_test"
		done
		check "armhf: 32-bit userspace cross-built (scripts/armhf-build.sh)" \
			scripts/armhf-build.sh || m32=""
		# svshm-exec serves arm64's 64-bit processes, not armhf's yet.
		execs=$(echo "$execs" | sed 's|build/selftests32/[a-z_]*||g')
		runner="sh scripts/guest/arm64.sh" kself=""
		if [ -z "$tests" ]; then
			for t in selftests/*_test.c; do tests="$tests build/selftests/$(basename "$t" .c)"; done
		fi
		;;
	esac
	if ! prepare_kernel -s "$k"; then
		[ "$prepare_failed" = kernel ] || { failed=$((failed + 1)); echo "not ok - $k: no module to test"; }
		return 1
	fi
	# DKMS builds on the machine that runs the kernel: not across architectures.
	[ "$k" = arm64 ] ||
		check "$k: dkms build svshm against its tree (README's DKMS steps)" \
			scripts/dkms-build.sh "$k" "$release" "$kdir"
	return 0
}

# kernel_guest K: K's guest runs the selftests, with kernel_prepare's
# settings; its time and exit status go to build/guest-K.secs.
kernel_guest() {
	# shellcheck disable=SC2086
	timed "build/guest-$1.secs" "build/guest-$1.log" env SVSHM_TIMEOUT=2400 \
		scripts/qemu-run.sh $boot -n "$1" -- $env $runner $long $kself -m "'$m32'" \
		-e "'$execs'" "$ko" $tests
}

# kernel_collect K NOTE P F: count K's guest, P passed and F failed before
# it (its preparation), into a row of the summary.
kernel_collect() {
	k=$1 p0=$((passed - $3)) f0=$((failed - $4))
	run=build/run/$k
	collect "$k: guest" "$2" "build/guest-$k.secs" "build/guest-$k.log" "$run"/tap/*.tap
	check "$k: kernel log free of splats and leaks" scripts/splat-check.sh -a "$run/dmesg" \
		"$run/console" "$run/kmemleak"
	early=$(scripts/splat-check.sh -b "$run/dmesg" "$run/console" | head -n 1)
	[ -z "$early" ] || check "$k: $early" scripts/splat-check.sh -b "$run/dmesg" "$run/console"
	check "$k: guest finished" test -f "$run/rc"
	row "$k" "$release" "$secs s"
}

# Two lanes, one per core (QEMU's TCG takes one): the kernels' guests in
# turn on one; on the other, first the packages installed in a guest of
# the first Debian kernel (dpkg -i, DKMS's build there, the demo, Secure
# Boot's refusal, purge: scripts/guest/deb.sh, minutes of a DKMS build under
# TCG), then the debug kernel's guest, the longest, then the arm64 kernel,
# made there (its kernel, module and userspace cross-built: with a fresh
# cache, beside the first lane's guests) and its guest. They are counted
# after the kernels', each with its own time; the arm64 preparation's
# checks through build/arm64-lane.counts, as the lane is a subshell.
debk=$(printf '%s\n' "$kernels" | grep -vxE 'newest|no-sysvipc|debug|arm64' | head -n 1)
[ -n "${debs:-}" ] && [ -n "$debk" ] || debk=""
dbg=""
if printf '%s\n' "$kernels" | grep -qx debug; then
	p0=$passed f0=$failed
	kernel_prepare debug && dbg=debug
	dbg_p=$((passed - p0)) dbg_f=$((failed - f0)) dbg_release=${release:-}
	[ -n "$dbg" ] || row debug - -
fi
arm=""
printf '%s\n' "$kernels" | grep -qx arm64 && arm=arm64
rm -f build/arm64-lane.log build/arm64-lane.counts build/guest-arm64.secs
if [ -n "$debk$dbg$arm" ]; then
	# shellcheck disable=SC2086
	(
		[ -z "$debk" ] || timed build/guest-deb.secs build/guest-deb.log env SVSHM_TIMEOUT=1800 \
			scripts/qemu-run.sh -k "$debk" -n "deb-$debk" -- sh scripts/guest/deb.sh $debs
		[ -z "$dbg" ] || kernel_guest debug
		if [ -n "$arm" ]; then
			checklog=build/check-arm64.log p0=$passed f0=$failed release=""
			kernel_prepare arm64 >build/arm64-lane.log 2>&1 && kernel_guest arm64
			echo "$((passed - p0)) $((failed - f0)) ${release:--}" >build/arm64-lane.counts
		fi
	) &
	lane=$!
fi
for k in $kernels; do
	case $k in debug | arm64) continue ;; esac
	p0=$passed f0=$failed
	kernel_prepare "$k" || {
		row "$k" - -
		continue
	}
	kernel_guest "$k"
	kernel_collect "$k" "" $((passed - p0)) $((failed - f0))
done

if [ -n "${lane:-}" ]; then
	wait "$lane"
	if [ -n "$dbg" ]; then
		release=$dbg_release
		kernel_collect debug " (beside the other kernels')" "$dbg_p" "$dbg_f"
	fi
	if [ -n "$arm" ]; then
		cat build/arm64-lane.log 2>/dev/null
		arm_p=0 arm_f=1 release=-
		[ -f build/arm64-lane.counts ] && read -r arm_p arm_f release <build/arm64-lane.counts
		passed=$((passed + arm_p)) failed=$((failed + arm_f))
		if [ -f build/guest-arm64.secs ]; then
			kernel_collect arm64 " (beside the other kernels')" "$arm_p" "$arm_f"
		else
			p0=$((passed - arm_p)) f0=$((failed - arm_f))
			row arm64 - -
		fi
	fi
	if [ -n "$debk" ]; then
		echo "# packages on $debk"
		p0=$passed f0=$failed
		collect "packages: guest" " (beside the kernels')" build/guest-deb.secs build/guest-deb.log \
			"build/run/deb-$debk/tap/deb.tap"
		check "packages: the guest finished" test -f "build/run/deb-$debk/rc"
		row packages "$debk" "$secs s"
	fi
fi

if [ -n "$fresh" ]; then
	wait "$fresh"
	p0=$passed f0=$failed
	collect "fresh root:" " (beside the rest)" build/fresh-root.secs build/fresh-root/log build/fresh-root.tap
	# A run that stopped without a "not ok" was killed, or broke.
	fresh_ended() { [ "$rc" = 0 ] || grep -q '^not ok' build/fresh-root.tap; }
	check "fresh root: ran to its end" fresh_ended
	row "fresh root" - "$secs s"
fi

echo "# | kernel | release | passed | failed | guest |$summary"
echo "# skipped: $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
