# SPDX-License-Identifier: GPL-2.0
#
# svshm: System V shared memory as a module.
#   make                 module (against KDIR), libraries, tools
#   make selftests       the selftests (kselftest_harness.h: scripts/kernel-source.sh)
#   make check           the whole test suite in QEMU guests (README)
#   make demo            the demo in a QEMU guest (installs what it needs)
#   make bench           native and svshm side by side, in each kernel's guest
#   make stress          the long torture, fuzz and fault-injection run (debug kernel)
#   make kernels         build (or find cached) the kernels the matrix builds itself
#   make install         module (modules_install, depmod), libraries, header, tools
#   make clean           back to what git has
# KDIR defaults to the running kernel's build tree, else the newest
# kernel installed with headers (scripts/kdir.sh); found once per make.

ifeq ($(origin KDIR),undefined)
KDIR := $(shell scripts/kdir.sh)
endif

CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -Ilib
LDLIBS_T := -lpthread

LIBS := lib/libsvshm.so lib/libsvshm-preload.so
TESTS := $(patsubst %.c,build/%,$(wildcard selftests/*_test.c)) build/selftests/nodev \
	 build/selftests/torture build/selftests/fuzz \
	 build/selftests/faultinject build/selftests/bench \
	 build/selftests/abi_peer_v1 build/selftests/abi_peer_v3
TOOLS := build/tools/svshm-demo build/tools/svshm-ipcs build/tools/svshm-ipcrm
KSFT = $(shell scripts/kernel-source.sh)/tools/testing/selftests

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all module kdir-check lib selftests tools check demo bench stress kernels clean \
	deps install

# The selftests are not in plain make: they need the kernel's
# kselftest_harness.h, from 1.7 GB of unpacked kernel source (make check
# and make selftests fetch it). The userspace parts come first, so that a
# machine without kernel headers gets them and one line on what to install.
all: lib tools module

# One line, and a failure, when there is no kernel to build against.
kdir-check:
	@[ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ] || { echo "svshm: no kernel headers to build svshm.ko against: apt-get install linux-headers-$$(uname -r) (or linux-headers-amd64), or make KDIR=/path/to/kernel/build" >&2; exit 1; }

module: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib: $(LIBS)
selftests: $(TESTS)
tools: $(TOOLS)

lib/libsvshm.so: lib/svshm.c lib/svshm.h uapi/linux/svshm.h
	$(CC) $(CFLAGS) -fPIC -shared -Wl,-soname,libsvshm.so -o $@ lib/svshm.c

lib/libsvshm-preload.so: lib/svshm.c lib/preload.c lib/svshm.h uapi/linux/svshm.h
	$(CC) $(CFLAGS) -fPIC -shared -o $@ lib/svshm.c lib/preload.c

build/selftests/%: selftests/%.c $(wildcard selftests/*.h) lib/svshm.c lib/svshm.h uapi/linux/svshm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -isystem $(KSFT) -Iselftests -o $@ $< lib/svshm.c $(LDLIBS_T)

# The library built for another ABI version, for abi_test.
build/selftests/abi_peer_v%: selftests/abi_peer.c lib/svshm.c lib/svshm.h uapi/linux/svshm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DSVSHM_LIB_ABI=$* -o $@ selftests/abi_peer.c lib/svshm.c

# The release, one place: dkms.conf's (the tools' --version).
SVSHM_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

build/tools/%: tools/%.c tools/args.c tools/args.h lib/svshm.c lib/svshm.h uapi/linux/svshm.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DSVSHM_VERSION='"$(SVSHM_VERSION)"' -o $@ $< tools/args.c lib/svshm.c

deps:
	scripts/install-deps.sh

install: module lib tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 lib/libsvshm.so $(DESTDIR)$(PREFIX)/lib/libsvshm.so
	install -D -m 0755 lib/libsvshm-preload.so $(DESTDIR)$(PREFIX)/lib/libsvshm-preload.so
	install -D -m 0644 lib/svshm.h $(DESTDIR)$(PREFIX)/include/svshm.h
	install -D -m 0644 uapi/linux/svshm.h $(DESTDIR)$(PREFIX)/include/linux/svshm.h
	install -D -m 0755 build/tools/svshm-ipcs $(DESTDIR)$(PREFIX)/bin/svshm-ipcs
	install -D -m 0755 build/tools/svshm-ipcrm $(DESTDIR)$(PREFIX)/bin/svshm-ipcrm

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

stress:
	scripts/stress.sh

kernels:
	for v in newest no-sysvipc debug; do scripts/build-kernel.sh $$v || exit 1; done

# Back to what git has, with or without a KDIR: what Kbuild leaves in the
# tree is removed by name (.gitignore lists the same), not by the kernel's
# make clean, which needs the kernel the objects were built for.
clean:
	rm -rf build $(LIBS) .tmp_versions
	rm -f svshm.ko svshm.o svshm.mod svshm.mod.c svshm.mod.o .module-common.o \
		modules.order Module.symvers .*.cmd module/*.o module/.*.cmd \
		module/probes/*.o module/probes/.*.cmd
