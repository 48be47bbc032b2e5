# SPDX-License-Identifier: GPL-2.0
# The library's compile probes (lib/probes/), for the Makefiles that build
# lib/svshm.c (the top one and selftests/Makefile): set SVSHM_LIB_DIR to
# lib/ and CC and CFLAGS first, then add $(SVSHM_LIB_PROBES) to CFLAGS.
# Each probe builds or fails with the compiler and flags the library is
# built with, so that a cross or -m32 build decides for its own target.
SVSHM_LIB_PROBES := $(shell $(CC) $(CFLAGS) -c -o /dev/null \
	$(SVSHM_LIB_DIR)/probes/syscall_insn.c 2>/dev/null && echo -DSVSHM_SYSCALL_INSN)
