#!/bin/sh
# make stress: the long reliability run on the debug kernel (KASAN, lockdep,
# kmemleak, UBSAN, fault injection): torture for SVSHM_STRESS_SECONDS
# (default 120), the fuzzer for SVSHM_FUZZ_CALLS calls (default 1000000) as
# root and as nobody, fault injection for 1000 rounds, and native's id
# sequence walked through a whole wrap beside svshm's (id_wrap_test with
# SVSHM_LONG=1); fails on any violation, splat or leak. make check runs a
# short version of the same.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/target.sh
scripts/install-deps.sh
make -s lib selftests
target debug
ko=$(scripts/build-module.sh debug "$kdir")
# shellcheck disable=SC2086
SVSHM_TIMEOUT=${SVSHM_TIMEOUT:-10800} exec scripts/qemu-run.sh $boot -n stress -- \
	"insmod $ko && build/selftests/torture -p 8 -t ${SVSHM_STRESS_SECONDS:-120} &&
	 build/selftests/fuzz -c ${SVSHM_FUZZ_CALLS:-1000000} &&
	 build/selftests/fuzz -c ${SVSHM_FUZZ_CALLS:-1000000} -u 65534 &&
	 build/selftests/faultinject -r 1000 &&
	 SVSHM_LONG=1 build/selftests/id_wrap_test && rmmod svshm"
