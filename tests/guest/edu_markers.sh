#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The edu device fills 2 KiB pages of a contiguous area in a scrambled
# order, each in two transfers (all but the last 8 bytes, then those);
# a consumer process finds the finished pages by their page markers alone
# and checks every byte (userspace/examples/edu_pages.c).  Needs a guest
# with -d edu and a pool.  Usage: edu_markers.sh
. "$(dirname "$0")/tap.sh"

tap_plan 6
out=$(edu_pages edu-p 4 16 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] &&
	echo "$out" | grep -q '^consumer: 16 of 16 pages taken by their markers, 0 bytes differ, 0 unexpected'
tap_ok $? "16 pages written by the device into 4 marked pages, each taken once, every byte intact"

# The driver fills the slots in the order 0 3 2 1 0 ... (page (seq * 7) % 4,
# not ring order); the consumer, told nothing, must find each number in the
# slot the driver put it in.
drv=$(echo "$out" | sed -n 's/^driver: #\([0-9]*\) -> page \([0-9]*\) .*/\2 \1/p' | sort)
con=$(echo "$out" | sed -n 's/^consumer: page \([0-9]*\) holds #\([0-9]*\)$/\1 \2/p' | sort)
order=$(echo "$out" | sed -n 's/^driver: #[0-9]* -> page \([0-9]*\) .*/\1/p' | tr '\n' ' ')
[ "$(echo "$con" | grep -c .)" -eq 16 ] && [ "$con" = "$drv" ] &&
	[ "${order#0 3 2 1 }" != "$order" ]
tap_ok $? "the slots were filled out of ring order ($order) and each page was found in its slot"

half=$(echo "$out" | sed -n 's/.* \([0-9]*\) looks at half-written pages$/\1/p')
[ -n "$half" ] && [ "$half" -gt 0 ]
tap_ok $? "the consumer looked at pages between the two transfers ${half:-?} times and never took one early"

echo "$out" | grep -q "^edu_pages: the device wrote 16 pages (48 transfers); the consumer took each once, intact$"
tap_ok $? "the driver's summary agrees"

out=$(edu_pages edu-p 40 4 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 1 ] && echo "$out" | grep -q refused && ! echo "$out" | grep -q -e 'edu: ' -e '^driver:'
tap_ok $? "40 pages do not fit the 64 KiB area: refused, no DMA"
area_poke edu-p destroy >/dev/null 2>&1

area_poke edu-pv create 65536 vmalloc >/dev/null 2>&1
out=$(edu_pages edu-pv 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 1 ] && ! echo "$out" | grep -q -e 'edu: ' -e '^driver:'
tap_ok $? "a vmalloc area (no single physical address) is refused, no DMA"
area_poke edu-pv destroy >/dev/null 2>&1
tap_done
