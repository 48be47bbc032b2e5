# SPDX-License-Identifier: GPL-2.0
# The library's compile probes (lib/probes/), for the Makefiles that build
# lib/svshm.c (the top one and selftests/Makefile): set SVSHM_LIB_DIR to
# lib/, then add $(call svshm_lib_probes,COMPILER,FLAGS), expanded once
# (:=), to the flags of what that compiler builds. Each probe builds or
# fails with the compiler and flags the library is built with, so that a
# cross or -m32 build decides for its own target.
svshm_lib_probes = $(shell $(1) $(2) -c -o /dev/null \
	$(SVSHM_LIB_DIR)/probes/syscall_insn.c 2>/dev/null && echo -DSVSHM_SYSCALL_INSN)
