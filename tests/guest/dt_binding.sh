#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The device-tree binding on arm64: the node of dts/qemu-virt.dtsi gives
# the module its pool and two areas at probe; the node whose region the
# kernel failed to reserve (dts/qemu-virt-unreserved.dtsi) is refused;
# the areas are usable by name, hold the module until the device is
# unbound, and go with it.  Boot with both fragments and mbuff.ko loaded.
. "$(dirname "$0")/tap.sh"
sys=/sys/class/misc/mbuff
tap_plan 8

[ "$(cat $sys/pools/pool0/phys_addr 2>/dev/null)" = 0x0000000050000000 ] &&
	[ "$(cat $sys/pools/pool0/size)" = 67108864 ]
tap_ok $? "the reserved-memory region at 0x50000000 is pool0 ($(cat $sys/pools/pool0/phys_addr 2>/dev/null))"

a=$(($(cat /sys/class/mbuff/adc0/phys_addr 2>/dev/null || echo 0)))
d=$(($(cat /sys/class/mbuff/dma0/phys_addr 2>/dev/null || echo 0)))
[ $a -ge $((0x50000000)) ] && [ $a -lt $((0x54000000)) ] &&
	[ "$(cat /sys/class/mbuff/adc0/size)" = 1048576 ] &&
	[ "$(cat /sys/class/mbuff/adc0/memtype)" = cached ]
tap_ok $? "child node area-adc: 'adc0', 1 MiB, cached, at $(printf '%#x' $a) in the pool"
[ $d -ge $((0x50000000)) ] && [ $((d % 0x200000)) -eq 0 ] &&
	[ "$(cat /sys/class/mbuff/dma0/memtype)" = write-combined ] &&
	[ "$(cat /sys/class/mbuff/dma0/kernel_users)" = 1 ]
tap_ok $? "child node area-dma: 'dma0', write-combined, 2 MiB aligned at $(printf '%#x' $d), held by the device"

! grep -q 48000000 $sys/pools/*/phys_addr && [ ! -e /sys/class/mbuff/never ] &&
	dmesg | grep -q 'failed to reserve memory for node' &&
	dmesg | grep -q 'mbuff.*reserved-memory .* refused'
tap_ok $? "the region the kernel failed to reserve is refused, and its area never made"

printf 'from dt' | mbuffctl fill adc0 --stdin && [ "$(mbuffctl dump adc0 --length 7 --raw)" = "from dt" ]
tap_ok $? "a program fills and reads 'adc0' by name"

! rmmod mbuff 2>/dev/null
tap_ok $? "rmmod is refused while the device holds its areas"

dev=$(basename "$(readlink -f /sys/bus/platform/drivers/mbuff/*mbuff 2>/dev/null | head -n 1)")
echo "$dev" >/sys/bus/platform/drivers/mbuff/unbind
n=0
while [ -e /sys/class/mbuff/adc0 ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
[ ! -e /sys/class/mbuff/adc0 ] && [ ! -e /sys/class/mbuff/dma0 ]
tap_ok $? "unbinding the device ($dev) lets its areas go"
n=0
while ! rmmod mbuff 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
! grep -q '^mbuff ' /proc/modules
tap_ok $? "then the module unloads"
tap_done
