#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The user-space edu driver (userspace/examples/edu_dma.c) moves bytes
# RAM -> device -> RAM between two offsets of a contiguous area by its
# physical address, and refuses a transfer that would leave the area.
# Needs a guest with -d edu and a pool.  Usage: edu_user.sh
. "$(dirname "$0")/tap.sh"

tap_plan 5
# A user count keeps the area (and its physical address) between the runs.
area_poke edu-u create 1048576 contig || tap_diag "cannot create edu-u"
out=$(edu_dma edu-u 1M 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && echo "$out" | grep -q ': 0 differ, 0 bytes outside touched'
tap_ok $? "4000 bytes from offset 0 to 0x10000 through the device, every byte checked"

phys=$(echo "$out" | sed -n "s/^area 'edu-u': .* at physical \(0x[0-9a-f]*\)$/\1/p")
[ -n "$phys" ] && [ $((phys)) -eq $(($(area_poke edu-u phys 2>/dev/null || echo -1))) ] 2>/dev/null
tap_ok $? "the physical address used ($phys) is the area's"

out=$(edu_dma edu-u 1M 0xff000 0x1001 4095 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && echo "$out" | grep -q ': 0 differ, 0 bytes outside touched'
tap_ok $? "4095 bytes from the last page of the area, unaligned, to offset 0x1001"

out=$(edu_dma edu-u 1M 0 0xff800 4000 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 1 ] && echo "$out" | grep -q refused && ! echo "$out" | grep -q 'edu: DMA'
tap_ok $? "a destination running past the end of the area is refused, no DMA issued"

out=$(edu_dma edu-u 1M 0 0x100 4096 2>&1; edu_dma edu-u 1M 0x100 0 4000 2>&1)
echo "$out" | sed 's/^/# /'
[ "$(echo "$out" | grep -c refused)" -eq 2 ] && ! echo "$out" | grep -q 'edu: DMA'
tap_ok $? "more than the device buffer, and overlapping ranges, are refused"
area_poke edu-u destroy
tap_done
