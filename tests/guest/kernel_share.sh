#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A kernel module (tests/kmod/mbuff_test_client.ko, through the exported
# API) and user processes see each other's bytes in both directions, on
# both backends and through both /dev/mbuff and /dev/uioN; the kernel's
# notification wakes a user waiter, the user's doorbell reaches the kernel.
# Needs a pool; usage: kernel_share.sh
. "$(dirname "$0")/tap.sh"
ctl=/sys/kernel/debug/mbuff_test/ctl
k() { echo "$*" >$ctl; }

tap_plan 17
insmod /lib/modules/mbuff_test_client.ko
tap_ok $? "the test client module loads"

for b in vmalloc contig; do
	k get k-$b 1M $b cached create
	tap_ok $? "kernel: mbuff_area_get('k-$b', 1M, $b)"
	k fill k-$b 0 4096 0xab && area_poke k-$b check 0 4096 0xab
	tap_ok $? "$b: the kernel's bytes are seen by a process through /dev/mbuff"
	area_poke k-$b fill 8192 4096 0xcd && k check k-$b 8192 4096 0xcd
	tap_ok $? "$b: a process's bytes are seen by the kernel"
	area_poke --uio k-$b fill 65536 100 0x11 && k check k-$b 65536 100 0x11
	tap_ok $? "$b: bytes written through /dev/uioN reach the kernel"
done

k info k-contig
kphys=$(sed -n 's/.*phys=\(0x[0-9a-f]*\).*/\1/p' $ctl)
uio=$(cat /sys/class/mbuff/k-contig/uio)
uaddr=$(cat /sys/class/uio/$uio/maps/map0/addr)
# UIO's map0/addr is readable by everyone: it never shows the address.
[ -n "$kphys" ] && [ $((kphys)) -ne 0 ] && [ $((uaddr)) -eq 0 ] &&
	[ $((kphys)) -eq $(($(area_poke k-contig phys))) ]
tap_ok $? "the kernel API's physical address $kphys is sysfs phys_addr; UIO's map0 addr is $uaddr"

area_poke k-vmalloc wait 5000 >/tmp/waiter.out &
waiter=$!
sleep 1
k notify k-vmalloc
wait $waiter
tap_ok $? "a process blocked on /dev/uioN is woken by mbuff_area_notify() ($(cat /tmp/waiter.out))"
area_poke k-vmalloc wait 300 2>/dev/null
[ $? -ne 0 ]
tap_ok $? "with no new notification, a wait times out"

k doorbell k-contig on && area_poke k-contig ring 42 && area_poke k-contig ring 7 &&
	k rings k-contig && grep -q 'rings=2 last=7' $ctl
tap_ok $? "two doorbell rings from user space reach the kernel callback ($(cat $ctl))"

k alloc legacy-k 65536 && k fill legacy-k 0 65536 0x5a &&
	legacy_poke legacy-k check 0 65536 0x5a && legacy_poke legacy-k fill 0 16 0x33 &&
	k check legacy-k 0 16 0x33 &&
	[ "$(cat /sys/class/mbuff/legacy-k/users)" = 0 ]
# The 0.7.2 programs' counts went with their mappings: no user count left.
tap_ok $? "kernel mbuff_alloc() and a 0.7.2 program share 'legacy-k' both ways; the program left no count"

rmmod mbuff 2>/dev/null
[ $? -ne 0 ] && grep -q '^mbuff ' /proc/modules
tap_ok $? "rmmod mbuff is refused while a kernel client holds areas"
k put k-vmalloc && k put k-contig && k free legacy-k && rmmod mbuff_test_client
tap_ok $? "the client drops its areas and unloads"
# Names go at once, UIO devices just after (teardown on a workqueue).
left() { ls /sys/class/mbuff; cat /sys/class/uio/*/name 2>/dev/null | grep mbuff:; }
n=0
while [ -n "$(left)" ] && [ $n -lt 100 ]; do
	sleep 0.05
	n=$((n + 1))
done
[ -z "$(left)" ]
tap_ok $? "no area and no mbuff UIO device is left"
tap_done
