#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bad pools= values are refused at load with a clear log line and leave
# nothing claimed; a good one loads, unloads cleanly and loads again.
# Needs a boot with memmap=64M$256M and mbuff.ko not loaded.
. "$(dirname "$0")/tap.sh"
ko=/lib/modules/mbuff.ko

# refused PARAMS LOG-TEXT DESCRIPTION
refused() {
	dmesg -c >/dev/null
	if insmod $ko "pools=$1" 2>/dev/null; then
		rmmod mbuff
		tap_ok 1 "$3: pools=$1 was accepted"
		return
	fi
	if ! dmesg | grep -q "$2"; then
		tap_diag "kernel log: $(dmesg | grep mbuff)"
		tap_ok 1 "$3: no '$2' in the kernel log"
	elif grep -q mbuff /proc/iomem || grep -q '^mbuff ' /proc/modules; then
		tap_ok 1 "$3: something was left claimed or loaded"
	else
		tap_ok 0 "$3: pools=$1 refused, '$2' logged, nothing claimed"
	fi
}

tap_plan 9
refused 64M@64M "overlaps System RAM" "a pool in RAM"
refused 64M@256M,32M@288M "overlaps pool0" "overlapping pools"
refused 64M@256M,64M@256M "overlaps pool0" "the same pool twice"
refused 1000@256M "not page aligned" "an unaligned size"
refused 64M@0x10000800 "not page aligned" "an unaligned address"
refused 64X@256M "cannot use it" "a bad suffix"
refused 64M "cannot use it" "a size without an address"

insmod $ko pools=64M@256M
grep -q 'mbuff pool0' /proc/iomem
tap_ok $? "pools=64M@256M loads and claims pool0"
rmmod mbuff && ! grep -q mbuff /proc/iomem && insmod $ko pools=32M@256M,32M@288M &&
	grep -q 'mbuff pool1' /proc/iomem && rmmod mbuff
tap_ok $? "unload releases the pool; two adjacent pools load and unload"
tap_done
