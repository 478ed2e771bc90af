#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The devmem source end to end: no module, MBUFF_DEVMEM names the range;
# what the library wrote is what busybox devmem reads; then the module
# claims the range and the library's open fails with a clear message.
# Needs a boot with mbuff.ko not loaded.  Usage: lib_devmem.sh SIZE PHYS
. "$(dirname "$0")/tap.sh"
export MBUFF_DEVMEM="dm=$1@$2"
tap_plan 3
lib_devmem dm "$2" free >/tmp/lib_devmem.out 2>&1
rc=$?
sed 's/^/# /' /tmp/lib_devmem.out
tap_ok $rc "lib_devmem (free range): the library maps it through /dev/mem"
v=$(devmem $(($2 + 0x300)) 32)
[ "$v" = 0x600DCAFE ]
tap_ok $? "busybox devmem reads what the library wrote (got $v)"
insmod /lib/modules/mbuff.ko "pools=$1@$2" && lib_devmem dm "$2" claimed >/tmp/lib_devmem.out 2>&1
rc=$?
sed 's/^/# /' /tmp/lib_devmem.out
tap_ok $rc "lib_devmem (claimed): refused with EPERM and a clear message"
rmmod mbuff
tap_done
