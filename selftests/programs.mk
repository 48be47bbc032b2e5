# SPDX-License-Identifier: GPL-2.0
# The programs built from selftests/ beside the *_test ones, named once for
# the top Makefile, the kselftest Makefile and make clean: the helpers the
# tests and make check run (abi_peer_vN is abi_peer.c built for ABI N), the
# measurements in benchmarks/ (a folder no program is named after: a
# kselftest build without O= writes the programs beside it), and the tools
# the kselftest build adds for the tests that run them, and the static
# programs callers_test runs under svshm-exec (the tree's build puts these in
# build/callers: make callers; the kselftest build beside the tests).
# time64_peer is built with 64-bit times (_TIME_BITS=64) in every build;
# compat_test runs it. A tree without
# selftests/ (a staged install) builds none of them.
SVSHM_HELPERS := nodev torture fuzz faultinject time64_peer
SVSHM_ABI_PEERS := abi_peer_v1 abi_peer_v3
SVSHM_MEASURES := bench insns exec_cost
SVSHM_TEST_TOOLS := svshm svshm-ipcs svshm-ipcrm svshm-ipcmk svshm-exec libsvshm-preload.so
SVSHM_CALLERS := peer-static peer-go busybox
