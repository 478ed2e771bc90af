#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mbuffctl against the module, end to end: pools, create on both backends
# and memory types, list and info (text and JSON), fill and dump, wait
# woken by notify, ring counted by the kernel, destroy, and the errors.
# Needs the module with a pool.  Usage: mbuffctl.sh PHYS-OF-POOL
. "$(dirname "$0")/tap.sh"
pool=$(($1))
tap_plan 12

out=$(mbuffctl pools)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q "$(printf '0x%x' $pool)\|$(printf '%016x' $pool)"
tap_ok $? "pools shows the claimed pool at $1"
mbuffctl pools --json | grep -q '"phys_addr"'
tap_ok $? "pools --json"

mbuffctl create c1 1M --contiguous --cache=wc && mbuffctl create v1 64K --vmalloc
tap_ok $? "create a write-combined contiguous area and a vmalloc area"
out=$(mbuffctl list)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^c1 ' && echo "$out" | grep -q '^v1 '
tap_ok $? "list shows both"
info=$(mbuffctl info c1 --json)
echo "$info" | grep -q '"memtype": *"wc"' &&
	echo "$info" | grep -q "\"phys_addr\": *$(($(cat /sys/class/misc/mbuff/areas/c1/phys_addr)))[,}]"
tap_ok $? "info --json gives the memory type and the physical base sysfs shows ($info)"

printf 'hello, kernel' | mbuffctl fill c1 --stdin --offset 4096 &&
	[ "$(mbuffctl dump c1 --offset 4096 --length 13 --raw)" = "hello, kernel" ]
tap_ok $? "fill --stdin then dump --raw give the same bytes"
mbuffctl fill v1 --pattern 0xa5 --length 32 && mbuffctl dump v1 --length 32 | grep -q 'a5 a5 a5'
tap_ok $? "fill --pattern then a hex dump"

mbuffctl wait v1 --timeout 5000 >/tmp/wait.out &
w=$!
sleep 1
mbuffctl notify v1
wait $w
tap_ok $? "wait is woken by notify ($(cat /tmp/wait.out))"
mbuffctl wait v1 --timeout 200 2>/tmp/wait.err
[ $? -eq 1 ] && grep -q 'no notification' /tmp/wait.err
tap_ok $? "wait --timeout with nothing to wait for exits 1 ($(cat /tmp/wait.err))"

mbuffctl ring c1 7 && mbuffctl ring c1 -- -1 &&
	[ "$(cat /sys/class/misc/mbuff/areas/c1/doorbells)" = 2 ]
tap_ok $? "two rings are counted by the kernel"

mbuffctl destroy c1 && mbuffctl destroy v1 && ! mbuffctl info c1 2>/tmp/info.err &&
	grep -q "mbuffctl: cannot open 'c1': No such file or directory" /tmp/info.err
tap_ok $? "destroy, then info says the area is gone ($(cat /tmp/info.err))"
mbuffctl create bad/name 4096 2>/dev/null
rc1=$?
mbuffctl create big 1G --contiguous 2>/tmp/big.err
rc2=$?
[ $rc1 -eq 2 ] && [ $rc2 -eq 1 ] && grep -q 'Cannot allocate memory' /tmp/big.err
tap_ok $? "a bad name is a usage error (exit $rc1), a too large contiguous area an error (exit $rc2)"
tap_done
