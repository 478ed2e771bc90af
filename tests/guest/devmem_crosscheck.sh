#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What devmem_reserved left through its mmap of /dev/mem is what busybox
# devmem reads at the same physical address, and the other way round.
# Usage: devmem_crosscheck.sh PHYS (the start of the reserved range)
. "$(dirname "$0")/tap.sh"
phys=$(($1))
tap_plan 2
v=$(devmem $((phys + 0x100)) 32)
[ "$v" = 0x4D425546 ]
tap_ok $? "busybox devmem reads the word written through mmap (got $v)"
devmem $((phys + 0x200)) 32 0x600DF00D
v=$(devmem $((phys + 0x200)) 32)
[ "$v" = 0x600DF00D ]
tap_ok $? "busybox devmem writes and reads back (got $v)"
tap_done
