# SPDX-License-Identifier: GPL-2.0-only
#
# mbuff: build the module, the user-space programs and the tests; run the
# tests and the demo.  `make help` lists the targets.
#
#   make                 build everything for the default kernel
#   make GUEST_ARCH=arm64  cross-build the module, libmbuff, the tools and
#                        the guest tests for the arm64 guest (also: make
#                        guest-arm64; make KVER=<an arm64 version>); the
#                        same for armhf (32-bit ARM, Debian's armmp)
#   make matrix          build for every kernel `make test` boots (the
#                        first time, this builds the debug kernel)
#   make test            unit tests, static checks, runner self-tests, guest
#                        suites on every kernel of boot/kernels matrix (with
#                        KVER= or GUEST_ARCH=: on that kernel only)
#   make check           checkpatch --strict and sparse over the kernel code
#   make bench           mbuff against read(), ck_ring, a pipe, anonymous
#                        memory and its own scale (ratios, a plot)
#   make demo            boot a guest and show mbuff at work
#   make deps            install the Debian packages all of this needs
#   make install         install the module, libmbuff, headers, mbuffctl, man
#                        pages, the udev rule and sysusers file (DESTDIR=,
#                        PREFIX=, LIBDIR=, UDEVDIR=, SYSUSERSDIR=); also
#                        install-user (all but the module), install-dkms
#                        (the module's source for dkms, in DKMSDIR)
#   make deb             the Debian packages, in build/deb/
#
# Variables: KVER= (kernel version, default: the Debian 12 kernel of
# GUEST_ARCH; boot/kernels list), GUEST_ARCH= (x86_64, arm64 or armhf,
# default: the architecture of KVER), KDIR= (its headers), CROSS_COMPILE=
# (arm64 default: aarch64-linux-gnu-, armhf: arm-linux-gnueabihf-), V=1
# (show commands), CC=, CFLAGS=.

# The first pass makes sure the Debian packages are installed before the
# goals that boot kernels or build for all of them (the kernel versions
# are discovered from what it installed), then runs the real build.  A
# plain build, install and deb never run apt: they use what is there.
ifeq ($(MBUFF_INNER),)
goals := $(or $(MAKECMDGOALS),all)
withdeps := test demo bench matrix
.PHONY: $(goals) mbuff-outer
$(goals): mbuff-outer
	@:
mbuff-outer:
	@$(if $(filter $(withdeps),$(goals)),scripts/deps)
	@$(MAKE) --no-print-directory MBUFF_INNER=1 $(goals)
else

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

# Kbuild compiles the module's files in parallel, unless this make was
# given -j itself (its jobserver is passed on then).
KBUILD_JOBS := $(if $(filter -j% j%,$(MAKEFLAGS))$(findstring jobserver,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 1))

# Module builds go through ccache when it is there and its cache can be
# written: make test builds the same sources for nine kernels on every
# run.  MBUFF_CCACHE=0 turns it off.
MBUFF_CCACHE ?= 1
CCACHE_DIR ?= $(or $(MBUFF_CACHE),/var/cache/mbuff)/ccache
ifeq ($(MBUFF_CCACHE),1)
ifneq ($(shell command -v ccache >/dev/null && mkdir -p $(CCACHE_DIR) 2>/dev/null && test -w $(CCACHE_DIR) && echo y),)
KBUILD_CCACHE = CC="ccache $(CROSS_COMPILE)gcc"
export CCACHE_DIR
endif
endif

# pipefail: the quiet module build filters Kbuild's output through grep.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

TOP := $(CURDIR)
B := $(TOP)/build
# The one version of everything (module, library, packages): VERSION.
MBUFF_VERSION := $(shell cat $(TOP)/VERSION)
# The guest architecture follows KVER when only KVER is given; the kernel
# is the default one of the architecture when only GUEST_ARCH is.
ifeq ($(origin GUEST_ARCH),undefined)
GUEST_ARCH := $(if $(filter %-arm64,$(KVER)),arm64,$(if $(filter %-armmp %-armmp-lpae,$(KVER)),armhf,x86_64))
endif
ifeq ($(KVER),)
override KVER := $(shell boot/kernels default $(GUEST_ARCH))
endif
KDIR ?= $(shell boot/kernels kdir $(KVER))
KOBJ := $(B)/kmod/$(KVER)

# x86_64 is the host: its libmbuff, tools and unit tests live in build/lib,
# build/bin and build/unit, its guest programs in build/guest.  arm64 and
# armhf are cross-built: Kbuild gets ARCH= and CROSS_COMPILE=, and
# libmbuff, the tools and the static guest programs go to build/lib-ARCH,
# build/bin-ARCH and build/guest-ARCH.
CROSS_ARCHES := arm64 armhf
ifneq ($(filter $(CROSS_ARCHES),$(GUEST_ARCH)),)
ifeq ($(GUEST_ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
KBUILD_ARCH := ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE)
else
CROSS_COMPILE ?= arm-linux-gnueabihf-
KBUILD_ARCH := ARCH=arm CROSS_COMPILE=$(CROSS_COMPILE)
endif
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LB := $(B)/lib-$(GUEST_ARCH)
BB := $(B)/bin-$(GUEST_ARCH)
GB := $(B)/guest-$(GUEST_ARCH)
else ifeq ($(GUEST_ARCH),x86_64)
KBUILD_ARCH :=
LB := $(B)/lib
BB := $(B)/bin
GB := $(B)/guest
else
$(error GUEST_ARCH=$(GUEST_ARCH): x86_64, arm64 or armhf)
endif

PREFIX ?= /usr/local
DESTDIR ?=

CC ?= gcc
# User-space objects through ccache as well, unless CC was given.
ifneq ($(KBUILD_CCACHE),)
ifneq ($(filter default file,$(origin CC)),)
CC := ccache $(CC)
endif
endif
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
# include/uapi first: <mbuff/mbuff.h> is the ABI header, as installed;
# build/include has the generated <mbuff/version.h>.  CPPFLAGS and
# LDFLAGS are dpkg-buildflags' (hardening) in a package build.
UCFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) -I$(TOP)/include/uapi \
	-I$(TOP)/include -I$(B)/include

# Kernel sources, copied per kernel version (cp -p keeps their times, so
# Kbuild rebuilds only what changed).
KSRC := Kbuild VERSION $(wildcard kernel/*.[ch] uio/*.[ch] tests/kmod/*.[ch]) \
	$(shell find include -name '*.h')

# The headers a program includes: the ABI (<mbuff/mbuff.h>,
# <mbuff/mbuff_ring.h>) and what <mbuff.h> and the page markers need;
# name.h, spec.h and vocab.h are the tree's own.
PUBLIC_H := $(wildcard include/uapi/mbuff/*.h) include/mbuff/ring.h include/mbuff/pagemark.h
# <mbuff/version.h>: VERSION, for C.
VERSION_H := $(B)/include/mbuff/version.h

# /usr gets Debian's layout: the multiarch library directory, udev rules
# and sysusers files under /usr/lib; the module's configuration samples
# go to /etc then.
ifeq ($(PREFIX),/usr)
ifeq ($(origin LIBDIR),undefined)
LIBDIR := $(PREFIX)/lib/$(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch)
endif
SYSCONFDIR ?= /etc
else
LIBDIR ?= $(PREFIX)/lib
SYSCONFDIR ?= $(PREFIX)/etc
endif
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
UDEVDIR ?= $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# dkms looks for a module's source in /usr/src/NAME-VERSION.
DKMSDIR ?= /usr/src
# What dkms builds mbuff.ko from: no test module, no user space.
DKMS_SRC := Kbuild VERSION $(wildcard kernel/*.[ch] uio/*.[ch]) \
	$(shell find include -name '*.h')
LIB_SRC := $(wildcard userspace/lib/*.c)
LIB_OBJ := $(patsubst userspace/lib/%.c,$(LB)/obj/%.o,$(LIB_SRC))
LIB_H := userspace/lib/mbuff.h userspace/lib/internal.h
LIBA := $(LB)/libmbuff.a
LIBSO := $(LB)/libmbuff.so.$(MBUFF_VERSION)
# Programs built on the library see <mbuff.h> and link it statically.
LIBCFLAGS := -I$(TOP)/userspace/lib
# One directory per tool: userspace/tools/NAME/*.c builds NAME.
TOOLS := $(patsubst userspace/tools/%/,%,$(wildcard userspace/tools/*/))
TOOL_SRC = $(wildcard userspace/tools/$(1)/*.c)
TOOL_BIN := $(addprefix $(BB)/,$(TOOLS))
GUEST_TOOLS := $(addprefix $(GB)/bin/,$(TOOLS))

GUEST_C := $(wildcard tests/guest/*.c)
GUEST_SH := $(wildcard tests/guest/*.sh) tests/guest/run-guest-tests
GUEST_BIN := $(patsubst tests/guest/%.c,$(GB)/tests/%,$(GUEST_C)) \
	$(patsubst tests/guest/%,$(GB)/tests/%,$(GUEST_SH))
# The fuzzer also as an i386 program, for the kernel's compat ioctl path
# (x86_64 guests).  gcc-multilib conflicts with the arm64 cross compiler:
# the i686 cross compiler builds it.
ifeq ($(GUEST_ARCH),x86_64)
CC32 ?= i686-linux-gnu-gcc
GUEST_BIN += $(GB)/tests/fuzz32
endif
UNIT_C := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_C))
SHARED_H := $(VERSION_H) $(shell find include -name '*.h') $(wildcard tests/guest/*.h tests/guest/*/*.h) \
	$(wildcard tests/kmod/*.h tests/unit/*.h) $(LIB_H)
# The ring's stress test, plain and under each sanitizer (see unit-%).
STRESS_SAN := tsan asan
STRESS_BIN := $(B)/unit/ring_stress $(foreach s,$(STRESS_SAN),$(B)/unit-$(s)/ring_stress)

.PHONY: all module kmod-src sparse-kbuild lib tools guest unit test check \
	demo deps install install-module install-user install-dkms deb clean distclean help bench \
	bench-build guest-arm64 guest-armhf matrix

ifeq ($(GUEST_ARCH),x86_64)
all: module lib tools guest unit
else
all: module lib guest
endif

# MBUFF_VERSION_CODE compares like KERNEL_VERSION(): (major << 16) |
# (minor << 8) | patch.  Rewritten only when VERSION changed.
$(VERSION_H): VERSION
	@mkdir -p $(@D)
	$(Q)set -- $$(tr '.' ' ' <VERSION); { \
		echo '/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */'; \
		echo '/* Generated from VERSION by the Makefile: do not edit. */'; \
		echo '#ifndef MBUFF_VERSION_H'; \
		echo '#define MBUFF_VERSION_H'; \
		echo; \
		echo "#define MBUFF_VERSION_MAJOR $$1"; \
		echo "#define MBUFF_VERSION_MINOR $$2"; \
		echo "#define MBUFF_VERSION_PATCH $$3"; \
		echo '#define MBUFF_VERSION_STRING "$(MBUFF_VERSION)"'; \
		echo "#define MBUFF_VERSION_CODE (($$1 << 16) | ($$2 << 8) | $$3)"; \
		echo; \
		echo '#endif /* MBUFF_VERSION_H */'; \
	} >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; touch $@; else mv $@.tmp $@; fi

# libmbuff: one set of PIC objects, hidden unless exported, for both the
# shared library (with its symbol version map) and the static one.  Every
# program's rule has the generated header among its prerequisites
# (SHARED_H), so it exists before anything compiles, and a new VERSION
# rebuilds what includes it.
lib: $(LIBA) $(LIBSO)

$(LB)/obj/%.o: userspace/lib/%.c $(SHARED_H)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [lib]   $*")
	$(Q)$(CC) $(UCFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBSO): $(LIB_OBJ) userspace/lib/libmbuff.map
	$(if $(Q),@echo "  LD [lib]   libmbuff.so")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $(LIB_OBJ) -Wl,-soname,libmbuff.so.0 \
		-Wl,--version-script=userspace/lib/libmbuff.map
	$(Q)ln -sf libmbuff.so.$(MBUFF_VERSION) $(LB)/libmbuff.so.0
	$(Q)ln -sf libmbuff.so.0 $(LB)/libmbuff.so

tools: $(TOOL_BIN)

$(BB)/%: $(LIBA) $(SHARED_H) $(wildcard userspace/tools/*/*.[ch])
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [tool]  $*")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) $(LDFLAGS) -o $@ $(call TOOL_SRC,$*) $(LIBA)

$(GB)/bin/%: $(LIBA) $(SHARED_H) $(wildcard userspace/tools/*/*.[ch])
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [guest] $*")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) -static -o $@ $(call TOOL_SRC,$*) $(LIBA)

kmod-src:
	$(Q)test -n "$(KVER)" -a -d "$(KDIR)" || \
		{ echo "no kernel headers (KVER=$(KVER) KDIR=$(KDIR))"; exit 1; }
	$(Q)mkdir -p $(KOBJ)
	$(Q)cp -p --parents $(KSRC) $(KOBJ)/

module: kmod-src
	$(Q)$(MAKE) $(KBUILD_JOBS) -C $(KDIR) M=$(KOBJ) $(KBUILD_ARCH) $(KBUILD_CCACHE) $(if $(filter 1,$(V)),V=1) \
		MBUFF_TEST_MODULES=1 modules \
		$(if $(filter 1,$(V)),,2>&1 | { grep -v -e '^  [A-Z]' -e 'Skipping BTF' -e 'Entering directory' -e 'Leaving directory' || true; })
	$(Q)test -f $(KOBJ)/mbuff.ko

# The module built with sparse run on every source (C=2), its warnings made
# errors, -k to go on and report every file; scripts/sparse turns Kbuild's
# output into TAP.  No -D__CHECK_ENDIAN__: since 4.10 __bitwise is always
# on under sparse and Kbuild's CHECKFLAGS has -Wbitwise.
SPARSE_CF := -Wsparse-error

sparse-kbuild: kmod-src
	$(Q)$(MAKE) -C $(KDIR) M=$(KOBJ) $(KBUILD_ARCH) $(KBUILD_CCACHE) V=0 C=2 CF="$(SPARSE_CF)" \
		MBUFF_TEST_MODULES=1 -k modules

guest: module $(GUEST_BIN) $(GUEST_TOOLS)

# An ARM guest's module, libmbuff, tools and tests, from any build.
guest-arm64:
	$(Q)$(MAKE) GUEST_ARCH=arm64 KVER=$(if $(filter %-arm64,$(KVER)),$(KVER)) guest
guest-armhf:
	$(Q)$(MAKE) GUEST_ARCH=armhf KVER=$(if $(filter %-armmp %-armmp-lpae,$(KVER)),$(KVER)) guest

# Every kernel of the test matrix: the module per kernel (build/kmod/KVER),
# the guest programs per architecture.  The debug kernel's KDIR is its
# build, made on first use and cached per machine (scripts/debug-kernel).
# The architectures build side by side (their outputs are apart), the
# kernels of one in turn; a failed build stops the target with its name.
matrix: all
	$(Q)mkdir -p $(B) && { boot/kernels matrix || true; } | grep -v "^kernels:" >$(B)/matrix.list || true
	$(Q)pids=; for a in $$(awk '{ print $$2 }' $(B)/matrix.list | sort -u); do \
		awk -v a=$$a '$$2 == a' $(B)/matrix.list | \
		while read -r name arch kver; do \
			if [ "$$arch" = x86_64 ]; then what=module; else what=guest; fi; \
			$(MAKE) GUEST_ARCH=$$arch KVER=$$kver $$what || \
				{ echo "matrix: the build for $$name ($$kver) failed" >&2; exit 1; }; \
		done & \
		pids="$$pids $$!"; \
	done; \
	ok=1; for p in $$pids; do wait $$p || ok=; done; [ -n "$$ok" ]

$(GB)/tests/%: tests/guest/%.c $(SHARED_H) $(LIBA)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [guest] $*")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) -static -o $@ $< $(LIBA)

$(GB)/tests/fuzz32: tests/guest/fuzz.c $(SHARED_H)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [i386]  fuzz32")
	$(Q)$(CC32) $(UCFLAGS) -static -o $@ $<

# Guest tests that include an example or its edu driver header.
$(GB)/tests/edu_dma $(GB)/tests/edu_pages $(GB)/tests/edu_kmod: \
	$(wildcard userspace/examples/*.[ch])

$(GB)/tests/%: tests/guest/%
	@mkdir -p $(@D)
	$(Q)install -m 755 $< $@

unit: $(UNIT_BIN) $(STRESS_BIN)

$(B)/unit/%: tests/unit/%.c $(SHARED_H) $(LIBA)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [unit]  $*")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) -o $@ $< $(LIBA) -lcriterion

# Built as the kernel builds the ring header (no strict aliasing), so that
# it counts the loads of shared fields the kernel's code makes.
$(B)/unit/test_ring_hostile: private UCFLAGS += -fno-strict-aliasing

# A plain program (TAP), not Criterion: Criterion's runner does not start
# under TSAN.  The sanitizer builds compile the library in, so that it is
# instrumented too.  -Wno-tsan: TSAN does not model the ring's fences
# (W1/W2), so GCC warns about them; the test's lost-wake-up rounds check
# those instead.
STRESS_CFLAGS_tsan := -fsanitize=thread -Wno-tsan
STRESS_CFLAGS_asan := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

$(B)/unit/ring_stress: tests/unit/ring_stress.c $(SHARED_H) $(LIBA)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [unit]  ring_stress")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) -o $@ $< $(LIBA)

$(B)/unit-%/ring_stress: tests/unit/ring_stress.c $(LIB_SRC) $(SHARED_H)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [$*]  ring_stress")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) $(STRESS_CFLAGS_$*) -o $@ $< $(LIB_SRC)

# Not part of `make test`: what it measures depends on the machine.
# scripts/bench runs the host programs, then the guest ones in one boot of
# the default kernel, and gathers tables, ratios and the plot in
# build/bench/.  bench-build builds them only.
# The host programs are x86_64's (the host's); the guest programs and
# their scripts are built for GUEST_ARCH.
ifeq ($(GUEST_ARCH),x86_64)
BENCH_HOST := $(patsubst bench/host/%.c,$(B)/bench/%,$(wildcard bench/host/*.c))
endif
BENCH_GUEST := $(patsubst bench/guest/%.c,$(GB)/bench/%,$(wildcard bench/guest/*.c)) \
	$(patsubst bench/guest/%,$(GB)/bench/%,$(wildcard bench/guest/*.sh))

bench-build: module lib $(BENCH_HOST) $(BENCH_GUEST)

bench: all bench-build
	$(Q)scripts/bench

# Host programs compare against Concurrency Kit's rings (libck-dev).
$(B)/bench/%: bench/host/%.c $(SHARED_H) $(LIBA)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [bench] $*")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) -o $@ $< $(LIBA) -lck

$(GB)/bench/%: bench/guest/%.c $(SHARED_H) $(LIBA)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [bench] $*")
	$(Q)$(CC) $(UCFLAGS) $(LIBCFLAGS) -static -o $@ $< $(LIBA)

$(GB)/bench/%.sh: bench/guest/%.sh
	@mkdir -p $(@D)
	$(Q)install -m 755 $< $@

# Without KVER= or GUEST_ARCH=, the guest suites run on every kernel of the
# matrix; with either, on that kernel only (the host parts are x86_64's).
ifneq ($(filter command line,$(origin KVER) $(origin GUEST_ARCH)),)
test: all $(if $(filter $(CROSS_ARCHES),$(GUEST_ARCH)),host)
	$(Q)scripts/run-tests --kernel $(KVER)
else
test: matrix
	$(Q)scripts/run-tests
endif

# The host's build, from an ARM one.
host:
	$(Q)$(MAKE) GUEST_ARCH=x86_64 KVER=$(shell boot/kernels default x86_64) all

# Both run even when the first fails.
check:
	$(Q)rc=0; scripts/checkpatch || rc=1; \
		scripts/sparse --kernel $(KVER) || rc=1; exit $$rc

demo: all
	$(Q)scripts/demo --kernel $(KVER)

deps:
	$(Q)scripts/deps

# install: the module for KVER, and install-user.  Never a test module.
install: install-module install-user

install-module: module
	$(Q)install -D -m 644 $(KOBJ)/mbuff.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/mbuff.ko
	$(Q)$(if $(DESTDIR),:,depmod $(KVER))

# Everything but the module (what the Debian packages but mbuff-dkms
# hold).  The configuration samples in SYSCONFDIR are all comments; an
# existing one is the administrator's and is kept.
install-user: lib tools
	$(Q)install -d $(DESTDIR)$(INCLUDEDIR)/mbuff $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(BASHCOMPDIR)
	$(Q)install -m 644 $(PUBLIC_H) $(VERSION_H) $(DESTDIR)$(INCLUDEDIR)/mbuff/
	$(Q)install -m 644 userspace/lib/mbuff.h $(DESTDIR)$(INCLUDEDIR)/
	$(Q)install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/
	$(Q)install -m 644 $(LIBSO) $(DESTDIR)$(LIBDIR)/
	$(Q)ln -sf libmbuff.so.$(MBUFF_VERSION) $(DESTDIR)$(LIBDIR)/libmbuff.so.0
	$(Q)ln -sf libmbuff.so.0 $(DESTDIR)$(LIBDIR)/libmbuff.so
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(MBUFF_VERSION)|' \
		userspace/lib/mbuff.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/mbuff.pc
	$(Q)$(if $(TOOL_BIN),install -m 755 $(TOOL_BIN) $(DESTDIR)$(PREFIX)/bin/)
	$(Q)for f in $(wildcard userspace/man/*.[0-9]); do \
		s=$${f##*.}; install -D -m 644 $$f $(DESTDIR)$(MANDIR)/man$$s/$${f##*/}; \
	done
	$(Q)install -m 644 packaging/udev/60-mbuff.rules $(DESTDIR)$(UDEVDIR)/
	$(Q)install -m 644 packaging/sysusers.d/mbuff.conf $(DESTDIR)$(SYSUSERSDIR)/
	$(Q)install -m 644 packaging/bash-completion/mbuffctl $(DESTDIR)$(BASHCOMPDIR)/
	$(Q)for d in modprobe.d modules-load.d; do \
		f=$(DESTDIR)$(SYSCONFDIR)/$$d/mbuff.conf; \
		[ -e $$f ] || install -D -m 644 packaging/$$d/mbuff.conf $$f; \
	done

# The module's source as dkms builds it, in DKMSDIR/mbuff-VERSION: Kbuild,
# the kernel code and headers, VERSION and dkms.conf; no test module.
# Then: dkms install mbuff/VERSION.
DKMS_DEST = $(DESTDIR)$(DKMSDIR)/mbuff-$(MBUFF_VERSION)

install-dkms:
	$(Q)rm -rf $(DKMS_DEST)
	$(Q)install -d $(DKMS_DEST)
	$(Q)cp --parents $(DKMS_SRC) $(DKMS_DEST)/
	$(Q)chmod -R u=rwX,go=rX $(DKMS_DEST)
	$(Q)sed 's/#MODULE_VERSION#/$(MBUFF_VERSION)/' packaging/dkms/dkms.conf \
		>$(DKMS_DEST)/dkms.conf

# The Debian packages (debian/), built from a copy of the tree in
# build/deb/src, so that nothing is left in the source tree (a package
# build writes in debian/ and in the parent directory).  The .debs and
# .buildinfo/.changes land in build/deb/.
DEB_DIR := $(B)/deb
DEB_SRC := $(DEB_DIR)/src/mbuff-$(MBUFF_VERSION)

deb:
	$(Q)rm -rf $(DEB_DIR)
	$(Q)mkdir -p $(DEB_SRC)
	$(Q)tar -C $(TOP) --exclude=./build --exclude=./.git -cf - . | tar -C $(DEB_SRC) -xf -
	$(Q)cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b >$(DEB_DIR)/build.log 2>&1 || \
		{ tail -n 40 $(DEB_DIR)/build.log; echo "make deb: failed, see $(DEB_DIR)/build.log"; exit 1; }
	$(Q)mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/src/*.changes $(DEB_DIR)/
	$(Q)rm -rf $(DEB_DIR)/src
	$(Q)$(if $(Q),ls $(DEB_DIR)/*.deb | sed 's|^$(TOP)/|  DEB       |')

clean:
	$(Q)rm -rf $(B)/kmod $(B)/guest $(B)/unit $(B)/runs $(B)/tests $(B)/lib $(B)/bin \
		$(foreach a,arm64 armhf,$(B)/guest-$(a) $(B)/lib-$(a) $(B)/bin-$(a)) \
		$(addprefix $(B)/unit-,$(STRESS_SAN)) $(B)/bench $(B)/include $(B)/deb

distclean:
	$(Q)rm -rf $(B)

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile

endif
