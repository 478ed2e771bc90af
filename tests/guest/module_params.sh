#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Module parameters and unloading: rmmod is refused while an area exists
# and clean afterwards; max_areas and legacy_backend work; /dev/mbuff is
# root's, 0600 (a udev rule, not the module, opens it to a group); a bad
# legacy_backend is refused at load, a dev_mode= of old is ignored.
# Reloads mbuff.ko several times and leaves it loaded with POOLS.
# Usage: module_params.sh POOLS
. "$(dirname "$0")/tap.sh"
ko=/lib/modules/mbuff.ko
pools=$1

gone() {
	n=0
	while [ -n "$(ls /sys/class/mbuff 2>/dev/null)" ] && [ $n -lt 100 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	[ -z "$(ls /sys/class/mbuff 2>/dev/null)" ]
}

tap_plan 10
area_poke held create 4096 && ! rmmod mbuff 2>/dev/null && grep -q '^mbuff ' /proc/modules
tap_ok $? "rmmod mbuff is refused while an area exists"
area_poke held destroy && gone && rmmod mbuff && ! grep -q '^mbuff ' /proc/modules &&
	! grep -q mbuff /proc/iomem
tap_ok $? "after the last area goes, rmmod succeeds and releases the pool"

insmod $ko pools=$pools max_areas=2 && area_poke a1 create 4096 && area_poke a2 create 4096
tap_ok $? "max_areas=2: two areas"
err=$(area_poke a3 create 4096 2>&1)
echo "$err" | grep -q 'No space left on device'
tap_ok $? "max_areas=2: a third is refused with ENOSPC ($err)"
area_poke a1 destroy && area_poke a2 destroy && gone && rmmod mbuff
tap_ok $? "cleaned up and unloaded"

# A 0.7.2 area lives as long as its mapping: look while the program holds it.
insmod $ko pools=$pools legacy_backend=contig &&
	[ "$(cat /sys/module/mbuff/parameters/legacy_backend)" = contiguous ] &&
	{ legacy_poke lg fill 0 4096 0x42 3 & } &&
	n=0 && while [ ! -e /sys/class/mbuff/lg/backend ] && [ $n -lt 100 ]; do
		sleep 0.05; n=$((n + 1)); done &&
	[ "$(cat /sys/class/mbuff/lg/backend)" = contiguous ] &&
	[ "$(stat -c '%a %u %g' /dev/mbuff)" = "600 0 0" ] && wait $! && gone
tap_ok $? "legacy_backend=contig (an alias, shown as contiguous) puts 0.7.2 areas in the pool; /dev/mbuff is 0600 root:root; the area goes with the program"
rmmod mbuff
dmesg -c >/dev/null
insmod $ko dev_mode=0666 && dmesg | grep -q "unknown parameter 'dev_mode' ignored" &&
	[ "$(stat -c %a /dev/mbuff)" = 600 ] && rmmod mbuff
tap_ok $? "dev_mode= (removed) is ignored with a warning; the node stays 0600"
dmesg -c >/dev/null
! insmod $ko legacy_backend=bogus 2>/dev/null && dmesg | grep -q 'legacy_backend=bogus: use vmalloc, contiguous or any'
tap_ok $? "legacy_backend=bogus is refused with a clear message"
insmod $ko pools=$pools
tap_ok $? "reloads with pools=$pools"
# What modinfo prints: the .modinfo strings of the module file.
n=$(strings $ko | grep -c -E '^parm=(pools|legacy_backend|max_areas|max_vmalloc_mb|default_mode|user_max_areas|user_max_vmalloc_mb|user_max_pool_mb):.*default')
[ "$n" -eq 8 ] && ! strings $ko | grep -q '^parm=dev_mode'
tap_ok $? "modinfo describes the 8 parameters with their defaults ($n), and no dev_mode"
tap_done
