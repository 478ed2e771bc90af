# SPDX-License-Identifier: GPL-2.0-only
#
# mbuff: build the module, the user-space programs and the tests; run the
# tests and the demo.  `make help` lists the targets.
#
#   make                 build everything for the default kernel
#   make test            unit tests, static checks, runner self-tests, guests
#   make check           checkpatch --strict and sparse over the kernel code
#   make demo            boot a guest and show mbuff at work
#   make deps            install the Debian packages all of this needs
#   make install         install module, headers (DESTDIR=, PREFIX=)
#
# Variables: KVER= (kernel version, default: newest installed generic
# Debian kernel), KDIR= (its headers), ARCH= and CROSS_COMPILE= (passed to
# Kbuild), V=1 (show commands), CC=, CFLAGS=.

# The first pass only makes sure the Debian packages are installed (the
# kernel version is discovered from them), then runs the real build.
ifeq ($(MBUFF_INNER),)
goals := $(or $(MAKECMDGOALS),all)
nodeps := clean distclean deps help
.PHONY: $(goals) mbuff-outer
$(goals): mbuff-outer
	@:
mbuff-outer:
	@$(if $(filter-out $(nodeps),$(goals)),scripts/deps)
	@$(MAKE) --no-print-directory MBUFF_INNER=1 $(goals)
else

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

# pipefail: the quiet module build filters Kbuild's output through grep.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

TOP := $(CURDIR)
B := $(TOP)/build
GUEST_ARCH ?= x86_64
KVER ?= $(shell boot/kernels default $(GUEST_ARCH))
KDIR ?= $(shell boot/kernels kdir $(KVER))
KOBJ := $(B)/kmod/$(KVER)

PREFIX ?= /usr/local
DESTDIR ?=

CC ?= gcc
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
# include/uapi first: <linux/mbuff.h> is the ABI header in user space.
UCFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I$(TOP)/include/uapi -I$(TOP)/include

# Kernel sources, copied per kernel version (cp -p keeps their times, so
# Kbuild rebuilds only what changed).
KSRC := Kbuild $(wildcard kernel/*.[ch] uio/*.[ch] tests/kmod/*.[ch]) \
	$(shell find include -name '*.h')

GUEST_C := $(wildcard tests/guest/*.c)
GUEST_SH := $(wildcard tests/guest/*.sh) tests/guest/run-guest-tests
GUEST_BIN := $(patsubst tests/guest/%.c,$(B)/guest/tests/%,$(GUEST_C)) \
	$(patsubst tests/guest/%,$(B)/guest/tests/%,$(GUEST_SH))
UNIT_C := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_C))
SHARED_H := $(shell find include -name '*.h') $(wildcard tests/guest/*.h tests/guest/*/*.h)

.PHONY: all module kmod-src sparse-kbuild guest unit test check demo deps \
	install clean distclean help

all: module guest unit

kmod-src:
	$(Q)test -n "$(KVER)" -a -d "$(KDIR)" || \
		{ echo "no kernel headers (KVER=$(KVER) KDIR=$(KDIR))"; exit 1; }
	$(Q)mkdir -p $(KOBJ)
	$(Q)cp -p --parents $(KSRC) $(KOBJ)/

module: kmod-src
	$(Q)$(MAKE) -C $(KDIR) M=$(KOBJ) $(if $(filter 1,$(V)),V=1) modules \
		$(if $(filter 1,$(V)),,2>&1 | { grep -v -e '^  [A-Z]' -e 'Skipping BTF' -e 'Entering directory' -e 'Leaving directory' || true; })
	$(Q)test -f $(KOBJ)/mbuff.ko

# The module built with sparse run on every source (C=2), its warnings made
# errors, -k to go on and report every file; scripts/sparse turns Kbuild's
# output into TAP.  No -D__CHECK_ENDIAN__: since 4.10 __bitwise is always
# on under sparse and Kbuild's CHECKFLAGS has -Wbitwise.
SPARSE_CF := -Wsparse-error

sparse-kbuild: kmod-src
	$(Q)$(MAKE) -C $(KDIR) M=$(KOBJ) V=0 C=2 CF="$(SPARSE_CF)" -k modules

guest: module $(GUEST_BIN)

$(B)/guest/tests/%: tests/guest/%.c $(SHARED_H)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [guest] $*")
	$(Q)$(CC) $(UCFLAGS) -static -o $@ $<

$(B)/guest/tests/%: tests/guest/%
	@mkdir -p $(@D)
	$(Q)install -m 755 $< $@

unit: $(UNIT_BIN)

$(B)/unit/%: tests/unit/%.c $(SHARED_H)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC [unit]  $*")
	$(Q)$(CC) $(UCFLAGS) -o $@ $< -lcriterion

test: all
	$(Q)scripts/run-tests --kernel $(KVER)

# Both run even when the first fails.
check:
	$(Q)rc=0; scripts/checkpatch || rc=1; \
		scripts/sparse --kernel $(KVER) || rc=1; exit $$rc

demo: all
	$(Q)scripts/demo --kernel $(KVER)

deps:
	$(Q)scripts/deps

install: module
	$(Q)install -D -m 644 $(KOBJ)/mbuff.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/mbuff.ko
	$(Q)$(if $(DESTDIR),:,depmod $(KVER))
	$(Q)install -d $(DESTDIR)$(PREFIX)/include/mbuff
	$(Q)install -m 644 include/mbuff/*.h $(DESTDIR)$(PREFIX)/include/mbuff/

clean:
	$(Q)rm -rf $(B)/kmod $(B)/guest $(B)/unit $(B)/runs $(B)/tests

distclean:
	$(Q)rm -rf $(B)

help:
	@sed -n '3,16s/^# \{0,1\}//p' Makefile

endif
