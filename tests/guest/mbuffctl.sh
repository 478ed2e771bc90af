#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mbuffctl against the module, end to end: pools, create on both backends
# and memory types, list and info (text and JSON) from the areas' metadata
# alone, fill and dump, wait woken by notify (its handle holding one
# file), ring counted by the kernel, modes and owners (create --mode,
# chmod, chown) and what another user sees and may do, dma-bufs (export
# to a command that maps it, import of an exported dma-buf and of a
# dma-buf heap's buffer where the kernel has /dev/dma_heap/system),
# destroy, and the errors.  Needs the module with a pool.
# Usage: mbuffctl.sh PHYS-OF-POOL
. "$(dirname "$0")/tap.sh"
pool=$(($1))
areas=/sys/class/mbuff
tap_plan 31

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

# Wait for an area's teardown, which a dma-buf's release may start.
gone() {
	i=0
	while [ -d "$areas/$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ ! -d "$areas/$1" ]
}

out=$(mbuffctl pools)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q "$(printf '0x%x' $pool)\|$(printf '%016x' $pool)"
tap_ok $? "pools shows the claimed pool at $1"
mbuffctl pools --json | grep -q '"phys_addr"'
tap_ok $? "pools --json"

mbuffctl create c1 1M --backend=contig --memtype=wc && mbuffctl create v1 64K --vmalloc
tap_ok $? "create a write-combined contiguous area and a vmalloc area"
out=$(mbuffctl list)
echo "$out" | sed 's/^/# /'
echo "$out" | grep -q '^c1 ' && echo "$out" | grep -q '^v1 '
tap_ok $? "list shows both"
info=$(mbuffctl info c1 --json)
echo "$info" | grep -q '"memtype": *"write-combined"' &&
	echo "$info" | grep -q "\"phys_addr\": *$(($(cat /sys/class/mbuff/c1/phys_addr)))[,}]"
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
	[ "$(cat /sys/class/mbuff/c1/doorbells)" = 2 ]
tap_ok $? "two rings are counted by the kernel"

# dma-bufs: a command maps the area's dma-buf on descriptor 3.
out=$(mbuffctl export c1 -- dmabuf_peek 4096 13)
[ "$out" = "size 1048576
hello, kernel" ]
tap_ok $? "export gives a command the contiguous area's dma-buf on descriptor 3, which maps its bytes ($(echo "$out" | head -n 1))"
out=$(mbuffctl export v1 -- dmabuf_peek 0 4 wxyz) &&
	[ "$(mbuffctl dump v1 --length 4 --raw)" = wxyz ] &&
	[ "$(echo "$out" | tail -n 1 | od -An -tx1 | tr -d ' ')" = a5a5a5a50a ]
tap_ok $? "the command writes the vmalloc area through the dma-buf ($(echo "$out" | head -n 1))"
mbuffctl export v1 -- sh -c 'echo "$MBUFF_DMABUF_FD $(readlink /proc/self/fd/3)"; exit 7' \
	>/tmp/export.out
rc=$?
[ $rc -eq 7 ] && grep -q '^3 /dmabuf:' /tmp/export.out
tap_ok $? "export sets MBUFF_DMABUF_FD=3 and exits with the command's status (exit $rc, $(cat /tmp/export.out))"
mbuffctl create e1 64K --vmalloc &&
	files=$(mbuffctl export e1 -- sh -c "mbuffctl destroy e1 && cat $areas/e1/files") &&
	[ "$files" = 1 ] && gone e1
tap_ok $? "the dma-buf holds the area after its user count is dropped (files $files), until the command exits"

# Import: an exported dma-buf, inherited on descriptor 3, as a new name.
mbuffctl export v1 -- mbuffctl import v1d --fd 3 --mode=0640 &&
	info=$(mbuffctl info v1d --json) &&
	echo "$info" | grep -q '"size": 65536, "source": "module", "backend": "dmabuf", "memtype": "cached", "phys_addr": null,' &&
	echo "$info" | grep -q '"mode": "0640", "users": 1,' &&
	mbuffctl list | grep -qE '^v1d +64K module +dmabuf +cached +- '
tap_ok $? "import --fd 3 of an exported dma-buf makes a named dma-buf area with a user count ($info)"
mbuffctl fill v1d --pattern 0x3c --offset 8 --length 4 &&
	[ "$(mbuffctl dump v1d --length 4 --raw)" = wxyz ] &&
	mbuffctl dump v1 --offset 8 --length 4 | grep -q '3c 3c 3c 3c'
tap_ok $? "the imported area and the exported one are the same bytes"
mbuffctl export v1d -- true 2>/tmp/export.err
rc=$?
sed 's/^/# /' /tmp/export.err
[ $rc -eq 1 ] && grep -q "cannot export 'v1d': .*imported dma-buf.*Operation not supported" /tmp/export.err
tap_ok $? "an imported area is not exported again (exit $rc)"

# Import of a buffer of the system dma-buf heap (6.12; 6.1 has none).
if [ -e /dev/dma_heap/system ]; then
	mbuffctl import h1 --heap system 100K &&
		info=$(mbuffctl info h1 --json) &&
		echo "$info" | grep -q '"size": 102400, "source": "module", "backend": "dmabuf",' &&
		echo "$info" | grep -q '"users": 1,' &&
		printf 'from the heap' | mbuffctl fill h1 --stdin --offset 100000 &&
		[ "$(mbuffctl dump h1 --offset 100000 --length 13 --raw)" = 'from the heap' ]
	tap_ok $? "import --heap system 100K: a named area of a heap buffer, read and written ($info)"
	mbuffctl export h1 -- true 2>/dev/null
	rc=$?
	mbuffctl destroy h1 && gone h1 && [ $rc -eq 1 ]
	tap_ok $? "it is not exported again, and goes with its user count"
else
	mbuffctl import h1 --heap system 64K 2>/tmp/heap.err
	rc=$?
	sed 's/^/# /' /tmp/heap.err
	[ $rc -eq 1 ] && grep -q "cannot import 'h1': .*/dev/dma_heap" /tmp/heap.err &&
		[ ! -d $areas/h1 ]
	tap_ok $? "without /dev/dma_heap/system, import --heap system is refused clearly (exit $rc)"
	tap_skip "no /dev/dma_heap/system on this kernel"
fi

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
	echo "$out" | grep -qE '^c1 +1M module +contiguous +write-combined +- .* 0600 0 +0$'
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

mbuffctl destroy v1 && [ -d $areas/v1 ] && mbuffctl destroy v1d && gone v1d && gone v1
tap_ok $? "the import keeps the exported area after its own user count is gone, and lets it go with its own"

mbuffctl destroy c1 && ! mbuffctl info c1 2>/tmp/info.err &&
	grep -q "mbuffctl: cannot open 'c1': No such file or directory" /tmp/info.err
tap_ok $? "destroy, then info says the area is gone ($(cat /tmp/info.err))"
mbuffctl create bad/name 4096 2>/dev/null
rc1=$?
mbuffctl create big 1G --contiguous 2>/tmp/big.err
rc2=$?
[ $rc1 -eq 2 ] && [ $rc2 -eq 1 ] && grep -q 'Cannot allocate memory' /tmp/big.err
tap_ok $? "a bad name is a usage error (exit $rc1), a too large contiguous area an error (exit $rc2)"
tap_done
