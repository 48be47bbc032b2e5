#!/bin/sh
# make stress: the long reliability run on the debug kernel (KASAN, lockdep,
# kmemleak, UBSAN, fault injection): guest/tests.sh's stress stages, alone
# (-s): torture for SVSHM_STRESS_SECONDS (default 120), the fuzzer for
# SVSHM_FUZZ_CALLS calls (default 1000000) as root and as nobody (and a
# fifth of them, up to 40,000, in a user namespace's instance), fault
# injection for 1000 rounds, and native's id sequence walked through a
# whole wrap beside svshm's (id_wrap_test with SVSHM_LONG=1); then the
# checks that nothing is left and the module unloads. Prints the steps'
# TAP (build/run/stress/tap/guest.tap); fails on any failed step, splat or
# leak. make check runs a short version of the same stages.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/lib/prepare.sh
prepare_kernel debug
rc=0
# shellcheck disable=SC2086
SVSHM_TIMEOUT=${SVSHM_TIMEOUT:-10800} scripts/qemu-run.sh $boot -n stress -- \
	sh scripts/guest/tests.sh -s -t "${SVSHM_STRESS_SECONDS:-120}" -f "${SVSHM_FUZZ_CALLS:-1000000}" \
	-i 1000 -w "$ko" || rc=$?
cat build/run/stress/tap/guest.tap 2>/dev/null || true
exit "$rc"
