# SPDX-License-Identifier: GPL-2.0
#
# svshm: System V shared memory as a module.
#   make                 module (against KDIR), libraries, tools
#   make lib, tools, module   one of those
#   make selftests       the selftests (kselftest_harness.h: scripts/kernel-source.sh)
#   make callers         the statically linked programs callers_test runs under
#                        svshm-exec, in build/callers (busybox: cached source build)
#   make lib32 selftests32   the libraries and the selftests for 32-bit (i386)
#                        callers, in build/lib32 and build/selftests32
#                        (gcc-12-multilib, libc6-dev-i386)
#   make selftests-nokmod   the selftests but lifecycle_test (libkmod), and
#                        the helpers: a cross build's for 32-bit ARM
#                        (scripts/armhf-build.sh)
#   make check           the whole test suite in QEMU guests (README)
#   make demo            the demo in a QEMU guest (installs what it needs)
#   make bench           native and svshm side by side, in each kernel's guest
#   make exec-cost       what svshm-exec costs a program without shm calls, on this host
#   make insns           instructions per call, native and svshm (scripts/insns.sh)
#   make stress          the long torture, fuzz and fault-injection run (debug kernel)
#   make kernels         build (or find cached) the kernels the matrix builds itself
#   make deps            install what the build and the test bed need (apt-get)
#   make install         module, libraries, headers, svshm.pc, tools, man pages,
#                        modules-load.d and udev files (DESTDIR, PREFIX)
#   make install-user    all of that but the module (debian/rules: DKMS builds it)
#   make uninstall       all that make install put there
#   make clean           back to what git has
#   make help            this text
# Variables (make NAME=VALUE):
#   KDIR       the kernel build tree svshm.ko is built against; default: the
#              running kernel's, else the newest kernel installed with headers
#              (scripts/kdir.sh), found once per make
#   PREFIX     where install puts things (/usr/local); BINDIR, SBINDIR, LIBDIR,
#              INCLUDEDIR, MANDIR, PKGCONFIGDIR below it
#   DESTDIR    a staging root for install and uninstall (a package's)
#   V=1        Kbuild's full command lines
#   CC, CFLAGS the userspace compiler and its flags (-O2 -g)
#   OUT        where lib, selftests and tools go, as OUT/lib, OUT/selftests and
#              OUT/tools (a cross build's: scripts/arm64-build.sh); default
#              lib/, build/selftests/ and build/tools/ (not O: Kbuild's)
#   SVSHM_KERNELS, SVSHM_TESTS   make check on these kernels, these selftests
#              only (scripts/check.sh; README, "Running things by hand")

ifeq ($(origin KDIR),undefined)
KDIR := $(shell scripts/kdir.sh)
else
# Named by the user (command line or environment): a failure names it.
KDIR_GIVEN := 1
endif

CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -D_GNU_SOURCE -Iuapi -Ilib
LDLIBS_T := -lpthread
SVSHM_LIB_DIR := lib
include lib/probes.mk
CFLAGS_NOPROBES := $(CFLAGS)
SVSHM_LIB_PROBES := $(call svshm_lib_probes,$(CC),$(CFLAGS))
CFLAGS += $(SVSHM_LIB_PROBES)

OUT ?=
B := $(if $(OUT),$(OUT),build)
L := $(if $(OUT),$(OUT)/lib,lib)
LIBS := $(L)/libsvshm.so.1 $(L)/libsvshm.so $(L)/libsvshm-preload.so
-include selftests/programs.mk
TESTS := $(patsubst selftests/%.c,$(B)/selftests/%,$(wildcard selftests/*_test.c)) \
	 $(addprefix $(B)/selftests/,$(SVSHM_HELPERS) $(SVSHM_ABI_PEERS) $(SVSHM_MEASURES))
TOOLS := $(B)/tools/svshm-demo $(B)/tools/svshm-ipcs $(B)/tools/svshm-ipcrm \
	 $(B)/tools/svshm-ipcmk $(B)/tools/svshm $(B)/tools/svshm-exec
KSFT = $(shell scripts/kernel-source.sh)/tools/testing/selftests

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# Debian's packages move it to a directory of its own: it has no soname.
PRELOADDIR ?= $(LIBDIR)
# systemd and udev read these under /usr/local/lib as under /usr/lib.
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
MANPAGES := $(wildcard man/*.[1-8])

.PHONY: all module kdir-check lib lib32 selftests selftests32 selftests-nokmod tools callers check demo bench exec-cost insns stress kernels clean \
	deps install install-lib install-user uninstall help

# The selftests are not in plain make: they need the kernel's
# kselftest_harness.h, from 1.7 GB of unpacked kernel source (make check
# and make selftests fetch it). The userspace parts come first, so that a
# machine without kernel headers gets them and one line on what to install.
all: lib tools module

# One line, and a failure, when there is no kernel to build against: the
# KDIR the user named, or the headers of the installed kernels.
kdir-check:
ifdef KDIR_GIVEN
	@[ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ] || { d=$$(scripts/kdir.sh); echo "svshm: KDIR=$(KDIR) is not a kernel build tree (it has no Makefile): name one, or leave KDIR out to build against $${d:-the running kernel's, once its headers are installed (linux-headers-$$(uname -r))}" >&2; exit 1; }
else
	@[ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ] || { echo "svshm: no kernel headers to build svshm.ko against: apt-get install linux-headers-$$(uname -r) (or linux-headers-amd64), or make KDIR=/path/to/kernel/build" >&2; exit 1; }
endif

module: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

lib: $(LIBS)
selftests: $(TESTS)
tools: $(TOOLS)

# The soname carries the library's ABI: a change to the shm* prototypes or
# to what they mean bumps it. libsvshm.so is the link-time name (-lsvshm).
LIB_H := lib/svshm.h lib/sys_ioctl.h uapi/linux/svshm.h
$(L)/libsvshm.so.1: lib/svshm.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared -Wl,-soname,libsvshm.so.1 $(CPPFLAGS) $(LDFLAGS) -o $@ lib/svshm.c

$(L)/libsvshm.so: $(L)/libsvshm.so.1
	ln -sf libsvshm.so.1 $@

$(L)/libsvshm-preload.so: lib/svshm.c lib/preload.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -shared $(CPPFLAGS) $(LDFLAGS) -o $@ lib/svshm.c lib/preload.c

$(B)/selftests/%: selftests/%.c $(wildcard selftests/*.h) lib/svshm.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -isystem $(KSFT) -Iselftests -o $@ $< lib/svshm.c $(LDLIBS_T)

# 32-bit callers: i386 builds of the libraries and of the selftests that
# have no library without an i386 build here (lifecycle_test's libkmod),
# beside the 64-bit ones, which they share segments with.
# gcc -m32 finds the kernel's uapi <asm/*.h> through /usr/include/asm,
# a link that Debian's gcc-multilib makes and that conflicts with its cross
# compilers (the arm64 lane's): searched last, the 64-bit multiarch
# directory gives the same headers, which serve both widths, and nothing
# else that the directories before it lack.
CC32 ?= $(CC) -m32 -idirafter /usr/include/$(shell $(CC) -print-multiarch)
CFLAGS32 := $(CFLAGS_NOPROBES) $(call svshm_lib_probes,$(CC32),$(CFLAGS_NOPROBES))
LIBS32 := build/lib32/libsvshm.so.1 build/lib32/libsvshm.so build/lib32/libsvshm-preload.so
# The programs a build without libkmod makes: the 32-bit ones, i386's here
# and armhf's (make OUT=build/armhf CC=arm-linux-gnueabihf-gcc lib
# selftests-nokmod: scripts/armhf-build.sh).
NOKMOD := $(filter-out lifecycle_test,$(patsubst selftests/%.c,%,$(wildcard selftests/*_test.c))) \
	  $(SVSHM_HELPERS)
TESTS32 := $(addprefix build/selftests32/,$(NOKMOD))
lib32: $(LIBS32)
selftests32: $(TESTS32)
selftests-nokmod: $(addprefix $(B)/selftests/,$(NOKMOD))

build/lib32/libsvshm.so.1: lib/svshm.c lib/svshm.h uapi/linux/svshm.h
	@mkdir -p $(dir $@)
	$(CC32) $(CFLAGS32) -fPIC -shared -Wl,-soname,libsvshm.so.1 $(CPPFLAGS) $(LDFLAGS) -o $@ lib/svshm.c

build/lib32/libsvshm.so: build/lib32/libsvshm.so.1
	ln -sf libsvshm.so.1 $@

build/lib32/libsvshm-preload.so: lib/svshm.c lib/preload.c lib/svshm.h uapi/linux/svshm.h
	@mkdir -p $(dir $@)
	$(CC32) $(CFLAGS32) -fPIC -shared $(CPPFLAGS) $(LDFLAGS) -o $@ lib/svshm.c lib/preload.c

build/selftests32/%: selftests/%.c $(wildcard selftests/*.h) lib/svshm.c lib/svshm.h uapi/linux/svshm.h
	@mkdir -p $(dir $@)
	$(CC32) $(CFLAGS32) -isystem $(KSFT) -Iselftests -o $@ $< lib/svshm.c $(LDLIBS_T)

# An unmodified program with 64-bit times: glibc's __shmctl64 where the
# ABI's time_t has 32 bits (compat_test runs it).
TIME64 := -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
$(B)/selftests/time64_peer: CFLAGS += $(TIME64)
build/selftests32/time64_peer: CFLAGS32 += $(TIME64)

# The measurements (selftests/benchmarks/): make bench and make insns run them.
$(B)/selftests/%: selftests/benchmarks/%.c $(wildcard selftests/*.h) lib/svshm.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -isystem $(KSFT) -Iselftests -o $@ $< lib/svshm.c $(LDLIBS_T)

# lifecycle_test loads and unloads through libkmod.
$(B)/selftests/lifecycle_test: LDLIBS_T += -lkmod

# The library built for another ABI version, for abi_test.
$(B)/selftests/abi_peer_v%: selftests/abi_peer.c lib/svshm.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DSVSHM_LIB_ABI=$* -o $@ selftests/abi_peer.c lib/svshm.c

# The callers that callers_test runs under svshm-exec: programs whose shm
# calls are raw system calls, which no preload library reaches. A C program
# on glibc linked statically; a Go program on golang.org/x/sys/unix
# (Debian's golang-go and golang-golang-x-sys-dev, GOPATH mode: offline, no
# module download; Go links it statically itself); busybox's ipcs and ipcrm,
# static (scripts/busybox-build.sh: cached, so a rebuild here is a copy).
# A cross build (scripts/arm64-build.sh: OUT and CC) builds them for CC's
# architecture.
CC_ARCH = $(firstword $(subst -, ,$(shell $(CC) -dumpmachine)))
GOARCH_CC = $(patsubst x86_64,amd64,$(patsubst aarch64,arm64,$(patsubst i%86,386,$(CC_ARCH))))
callers: $(addprefix $(B)/callers/,$(SVSHM_CALLERS))

$(B)/callers/peer-static: selftests/peer_static.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_NOPROBES) -static -o $@ $<

$(B)/callers/peer-go: selftests/go/peer.go
	@mkdir -p $(dir $@)
	GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$(CURDIR)/build/gocache GOFLAGS= \
		GOARCH=$(GOARCH_CC) CGO_ENABLED=0 go build -o $@ $<

$(B)/callers/busybox: selftests/busybox.config scripts/busybox-build.sh
	scripts/busybox-build.sh $(if $(filter aarch64,$(CC_ARCH)),-a arm64) $@ >/dev/null

# The release, one place: dkms.conf's (the tools' --version).
SVSHM_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

TOOL_SRC := tools/args.c tools/device.c
TOOL_DEPS := $(TOOL_SRC) tools/args.h tools/device.h $(wildcard tools/exec_regs_*.h) uapi/linux/svshm.h

$(B)/tools/%: tools/%.c $(TOOL_DEPS) lib/svshm.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -DSVSHM_VERSION='"$(SVSHM_VERSION)"' -o $@ $< $(TOOL_SRC) lib/svshm.c

# The admin command loads and unloads through libkmod; libsvshm's code gives
# it the device's choice.
$(B)/tools/svshm: tools/svshm.c $(TOOL_DEPS) lib/svshm.c $(LIB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) -DSVSHM_VERSION='"$(SVSHM_VERSION)"' -o $@ $< $(TOOL_SRC) lib/svshm.c -lkmod

build/svshm.pc: svshm.pc.in dkms.conf
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(SVSHM_VERSION)|' svshm.pc.in >$@

deps:
	scripts/install-deps.sh

# The kernel release KDIR builds for, as uname -r gives it: the module's
# directory under /lib/modules. Not include/config/kernel.release, which
# Debian's 6.1 headers fill with the upstream version (6.1.192 for the
# kernel that says 6.1.0-57-amd64): modules_install is told this one.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# Nothing outside DESTDIR: the module goes under $(DESTDIR)/lib/modules
# (INSTALL_MOD_PATH), and depmod runs only for a real install (DESTDIR
# empty); a staged tree (a package) runs depmod where it is installed.
# The kernel's modules_install talks of a signing key and a System.map that
# a module built out of tree has no use for: its output is shown only when
# it fails, or with V=1.
MODULES_INSTALL = $(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KVER) \
	INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates DEPMOD=true modules_install
install: module install-user
ifeq ($(V),1)
	$(MODULES_INSTALL)
else
	@echo "modules_install: svshm.ko into $(DESTDIR)/lib/modules/$(KVER)/updates"
	@$(MODULES_INSTALL) >build/modules_install.log 2>&1 || \
		{ cat build/modules_install.log >&2; exit 1; }
endif
	$(if $(DESTDIR),,depmod -a $(KVER))

# The libraries, their headers, svshm.pc and libsvshm(3) alone: what an
# i386 library package holds (debian/rules).
install-lib: lib build/svshm.pc
	install -D -m 0755 lib/libsvshm.so.1 $(DESTDIR)$(LIBDIR)/libsvshm.so.1
	ln -sf libsvshm.so.1 $(DESTDIR)$(LIBDIR)/libsvshm.so
	install -D -m 0755 lib/libsvshm-preload.so $(DESTDIR)$(PRELOADDIR)/libsvshm-preload.so
	install -D -m 0644 lib/svshm.h $(DESTDIR)$(INCLUDEDIR)/svshm.h
	install -D -m 0644 uapi/linux/svshm.h $(DESTDIR)$(INCLUDEDIR)/linux/svshm.h
	install -D -m 0644 build/svshm.pc $(DESTDIR)$(PKGCONFIGDIR)/svshm.pc
	install -D -m 0644 man/libsvshm.3 $(DESTDIR)$(MANDIR)/man3/libsvshm.3
	$(LDCONFIG)

install-user: install-lib tools
	install -D -m 0755 build/tools/svshm-ipcs $(DESTDIR)$(BINDIR)/svshm-ipcs
	install -D -m 0755 build/tools/svshm-ipcrm $(DESTDIR)$(BINDIR)/svshm-ipcrm
	install -D -m 0755 build/tools/svshm-ipcmk $(DESTDIR)$(BINDIR)/svshm-ipcmk
	install -D -m 0755 build/tools/svshm-exec $(DESTDIR)$(BINDIR)/svshm-exec
	install -D -m 0755 build/tools/svshm $(DESTDIR)$(SBINDIR)/svshm
	for m in $(MANPAGES); do \
		install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/} || exit 1; \
	done
	install -D -m 0644 data/svshm-modules-load.conf $(DESTDIR)$(MODULESLOADDIR)/svshm.conf
	install -D -m 0644 data/60-svshm.rules $(DESTDIR)$(UDEVRULESDIR)/60-svshm.rules
	$(LDCONFIG)

# A real install (DESTDIR empty) refreshes the dynamic linker's cache, or a
# program linked with -lsvshm finds no libsvshm.so.1 until someone runs
# ldconfig; LIBDIR must be one of its directories (/usr/local/lib is).
LDCONFIG = $(if $(DESTDIR),,ldconfig)

# What install put there, file by file (the directories stay: others may share them).
uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/svshm.ko*
	$(if $(DESTDIR),,depmod -a $(KVER))
	rm -f $(DESTDIR)$(LIBDIR)/libsvshm.so.1 $(DESTDIR)$(LIBDIR)/libsvshm.so \
		$(DESTDIR)$(PRELOADDIR)/libsvshm-preload.so \
		$(DESTDIR)$(INCLUDEDIR)/svshm.h $(DESTDIR)$(INCLUDEDIR)/linux/svshm.h \
		$(DESTDIR)$(PKGCONFIGDIR)/svshm.pc \
		$(DESTDIR)$(BINDIR)/svshm-ipcs $(DESTDIR)$(BINDIR)/svshm-ipcrm \
		$(DESTDIR)$(BINDIR)/svshm-ipcmk $(DESTDIR)$(BINDIR)/svshm-exec \
		$(DESTDIR)$(SBINDIR)/svshm \
		$(DESTDIR)$(MODULESLOADDIR)/svshm.conf $(DESTDIR)$(UDEVRULESDIR)/60-svshm.rules
	for m in $(MANPAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	$(LDCONFIG)

check:
	scripts/check.sh

# The comment at the top of this file, so that the two never differ.
help:
	@awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' $(firstword $(MAKEFILE_LIST))

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

insns:
	scripts/insns.sh

# What svshm-exec costs a program that makes no shm call, on this host's
# own CPU (no module needed; make bench has the rest, in guests).
exec-cost: $(B)/selftests/exec_cost $(B)/tools/svshm-exec
	$(B)/selftests/exec_cost -n $(B)/tools/svshm-exec

stress:
	scripts/stress.sh

kernels:
	for v in newest no-sysvipc debug arm64; do scripts/build-kernel.sh $$v || exit 1; done

# Back to what git has, with or without a KDIR: what Kbuild leaves in the
# tree is removed by name (.gitignore lists the same), not by the kernel's
# make clean, which needs the kernel the objects were built for.
clean:
	rm -rf build $(LIBS) .tmp_versions
	rm -f svshm.ko svshm.o svshm.mod svshm.mod.c svshm.mod.o .module-common.o \
		modules.order Module.symvers .*.cmd module/*.o module/.*.cmd \
		module/probes/*.o module/probes/.*.cmd
	# A kselftest build without O= writes beside the sources (selftests/.gitignore).
	cd selftests && rm -rf *_test $(SVSHM_HELPERS) $(SVSHM_ABI_PEERS) $(SVSHM_MEASURES) \
		$(SVSHM_TEST_TOOLS) $(SVSHM_CALLERS) .gocache
