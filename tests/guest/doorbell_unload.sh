#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A kernel client's doorbell does not outlive its kernel counts: when the
# last one goes through mbuff_free() (not mbuff_area_put()), the doorbell
# is cleared, so ringing after the client module is unloaded reaches no
# freed code.  The harness fails the run on the oops that would follow.
# Usage: doorbell_unload.sh
. "$(dirname "$0")/tap.sh"
ctl=/sys/kernel/debug/mbuff_test/ctl
k() { echo "$*" >$ctl; }

tap_plan 6
insmod /lib/modules/mbuff_test_client.ko
tap_ok $? "the test client module loads"
k get db 64K vmalloc cached create && area_poke db create 65536
tap_ok $? "the kernel creates 'db', a process holds it too"
k doorbell db on && area_poke db ring 1 && k rings db && grep -q 'rings=1' $ctl
tap_ok $? "a ring reaches the kernel's callback ($(cat $ctl))"
k handoff db && rmmod mbuff_test_client
tap_ok $? "the client drops its last count with mbuff_free() and is unloaded"
area_poke db ring 2 && area_poke db ring 3 &&
	[ "$(cat /sys/class/mbuff/db/doorbells)" = 3 ]
tap_ok $? "rings after the unload are counted and call nothing"
area_poke db destroy && [ ! -e /sys/class/mbuff/db ]
tap_ok $? "the area goes with its user count"
