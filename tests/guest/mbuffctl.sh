#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mbuffctl against the module, end to end: pools, create on both backends
# and memory types, list and info (text and JSON) from the areas' metadata
# alone, fill and dump, wait woken by notify (its handle holding one
# file), ring counted by the kernel, modes and owners (create --mode,
# chmod, chown) and what another user sees and may do, destroy, and the
# errors.  Needs the module with a pool.  Usage: mbuffctl.sh PHYS-OF-POOL
. "$(dirname "$0")/tap.sh"
pool=$(($1))
areas=/sys/class/misc/mbuff/areas
tap_plan 21

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
held="$(cat $areas/v1/files) $(cat $areas/v1/maps)"
mbuffctl list >/dev/null && info=$(mbuffctl info v1) &&
	[ "$(cat $areas/v1/files) $(cat $areas/v1/maps)" = "$held" ] &&
	[ "$held" = "1 1" ] && echo "$info" | grep -q '^files: *1$' &&
	echo "$info" | grep -q '^maps: *1$'
tap_ok $? "the waiter holds one file and one mapping, which list and info leave as they are ($held)"
mbuffctl notify v1
wait $w
tap_ok $? "wait is woken by notify ($(cat /tmp/wait.out))"
mbuffctl wait v1 --timeout 200 2>/tmp/wait.err
[ $? -eq 1 ] && grep -q 'no notification' /tmp/wait.err
tap_ok $? "wait --timeout with nothing to wait for exits 1 ($(cat /tmp/wait.err))"

mbuffctl ring c1 7 && mbuffctl ring c1 -- -1 &&
	[ "$(cat /sys/class/misc/mbuff/areas/c1/doorbells)" = 2 ]
tap_ok $? "two rings are counted by the kernel"

mbuffctl create p1 64K --vmalloc --mode=u=rw,g=r && [ "$(cat $areas/p1/mode)" = 0640 ] &&
	mbuffctl info p1 | grep -q '^mode: *0640 (rw-r-----)$' &&
	mbuffctl list | grep -qE '^p1 .* 0640 0 +0$'
tap_ok $? "create --mode=u=rw,g=r: mode 0640 in sysfs, info and list"
mbuffctl chmod g+w,o=r p1 && [ "$(cat $areas/p1/mode)" = 0664 ] &&
	mbuffctl chmod 0600 p1 && [ "$(cat $areas/p1/mode)" = 0600 ]
tap_ok $? "chmod g+w,o=r, then chmod 0600, as sysfs shows"
info=$(mbuffctl chown 1000:2000 p1 && mbuffctl info p1 --json)
[ "$(cat $areas/p1/owner):$(cat $areas/p1/group)" = 1000:2000 ] &&
	echo "$info" | grep -q '"uid": 1000, .*"gid": 2000, ' &&
	mbuffctl chown :0 p1 && [ "$(cat $areas/p1/owner):$(cat $areas/p1/group)" = 1000:0 ]
tap_ok $? "chown 1000:2000, then chown :0 ($info)"

# Another user, once /dev/mbuff lets everyone in (as a udev rule would).
devmode=$(stat -c %a /dev/mbuff)
chmod 0666 /dev/mbuff
nobody="run_as 65534:65534"
mbuffctl create c2 64K --contiguous --mode=0644
info=$($nobody mbuffctl info c2 --json)
$nobody mbuffctl info c2 | grep -q '^phys_addr: *-$' &&
	echo "$info" | grep -q '"phys_addr": null, .*"mode": "0644", "users": 1,'
tap_ok $? "another user reads a 0644 area's information, without its physical address ($info)"
out=$($nobody mbuffctl pools)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -qE '^pool0 +- +64M '
tap_ok $? "another user's pools hide the physical base"
out=$($nobody mbuffctl list)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && echo "$out" | grep -qE '^p1 .* - +1 +0 +0 +0 0600 1000 +0$' &&
	echo "$out" | grep -qE '^c1 +1M module +contiguous wc +- .* 0600 0 +0$'
tap_ok $? "another user lists every area; those it may not read with what sysfs shows (exit $rc)"
$nobody mbuffctl chmod 0666 c2 2>/tmp/perm.err; rc1=$?
$nobody mbuffctl dump c1 2>>/tmp/perm.err; rc2=$?
$nobody mbuffctl fill c2 --pattern 1 2>>/tmp/perm.err; rc3=$?
sed 's/^/# /' /tmp/perm.err
[ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && [ $rc3 -eq 1 ] &&
	grep -q "cannot chmod 'c2': Operation not permitted" /tmp/perm.err &&
	grep -q "cannot open 'c1': Permission denied" /tmp/perm.err &&
	grep -q "cannot open 'c2'.*Permission denied" /tmp/perm.err
tap_ok $? "another user may not chmod, read a 0600 area, nor write a 0644 one"
$nobody mbuffctl create u1 4K --mode=0640 &&
	[ "$(cat $areas/u1/owner):$(cat $areas/u1/mode)" = 65534:0640 ] &&
	$nobody mbuffctl destroy u1
tap_ok $? "another user creates an area of its own with --mode, and destroys it"
chmod "$devmode" /dev/mbuff
mbuffctl destroy c2 && mbuffctl destroy p1

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
