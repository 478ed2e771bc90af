#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel mapping and every user mapping of an area share one memory
# type: cached is write-back, write-combined is write-combining, uncached
# is uncached-minus - for mappings through /dev/mbuff and /dev/uioN alike.
# The kernel's is read from x86 PAT's own list, the users' from their page
# tables (the test client walks them), since user pages are mapped at
# fault time with the type PAT has for the range.  x86 only; needs a pool
# and debugfs.
. "$(dirname "$0")/tap.sh"
ctl=/sys/kernel/debug/mbuff_test/ctl
pat=/sys/kernel/debug/x86/pat_memtype_list
k() { echo "$*" >$ctl; }

tap_plan 6
if [ ! -r $pat ]; then
	echo "ok 1 # SKIP no $pat (not x86, or PAT off)"
	exit 4
fi
insmod /lib/modules/mbuff_test_client.ko
for t in cached wc uc; do
	k get pat-$t 1M contig $t create
done

# usertype PID DEV: the memory type and page size with which process PID
# maps the area it has open through DEV (mbuff or uio)
usertype() {
	addr=$(grep "/dev/$2" /proc/$1/maps | head -n 1 | cut -d- -f1)
	[ -n "$addr" ] && k memtype $1 0x$addr && cat $ctl
}

# check NAME EXPECTED: the PAT entries for the area's range and the pages
# two processes mapped (through /dev/mbuff and /dev/uioN) all have the
# expected type.
check() {
	phys=$(cat /sys/class/mbuff/$1/phys_addr)
	start=$(printf '0x%016x' $((phys)))
	end=$(printf '0x%016x' $((phys + 1048576)))
	area_poke --hold 30 $1 check 0 4096 0 &
	a=$!
	area_poke --uio --hold 30 $1 check 0 4096 0 &
	b=$!
	# Until both have mapped the area (a loaded debug kernel is slow).
	i=0
	while { ! grep -q /dev/mbuff /proc/$a/maps ||
		! grep -q /dev/uio /proc/$b/maps; } 2>/dev/null &&
		[ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2	# and read its first page
	grep -F "[mem $start-$end]" $pat >/tmp/pat.$1
	ua=$(usertype $a mbuff)
	ub=$(usertype $b uio)
	kill -USR1 $a $b	# done with their mappings
	wait $a && wait $b || return 1
	n=$(wc -l </tmp/pat.$1)
	other=$(grep -v -c " $2\$" /tmp/pat.$1)
	tap_diag "$1: $n PAT entries: $(sort -u /tmp/pat.$1 | sed 's/.*\] //' | tr '\n' ' '); users: '$ua', '$ub'"
	[ "$n" -ge 1 ] && [ "$other" -eq 0 ] &&
		[ "${ua% *}" = "$2" ] && [ "${ub% *}" = "$2" ]
}

check pat-cached write-back
tap_ok $? "a cached area: kernel, /dev/mbuff and /dev/uioN mappings are all write-back"
check pat-wc write-combining
tap_ok $? "a write-combined area: all write-combining"
check pat-uc uncached-minus
tap_ok $? "an uncached area: all uncached-minus"

# A 4 MiB area is placed 2 MiB-aligned and /dev/mbuff maps it at an
# aligned address: where the kernel maps pfns with 2 MiB entries (6.12
# on), the first touch maps 2 MiB at once; huge_map=0 keeps 4 KiB pages.
k get pat-huge 4M contig cached create
case $(uname -r) in
[1-5].*|6.[0-9].*|6.1[01].*) want=4K ;;
*) want=2M ;;
esac
huge() {
	area_poke --hold 30 pat-huge check 0 4096 0 &
	a=$!
	# Until it has mapped the area and read its first page (a debug
	# kernel on a loaded machine can take seconds).
	i=0
	while ! grep -q /dev/mbuff /proc/$a/maps 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
	u=$(usertype $a mbuff)
	kill -USR1 $a
	wait $a
	tap_diag "pat-huge, huge_map=$(cat /sys/module/mbuff/parameters/huge_map): '$u'"
	[ "$u" = "write-back $1" ]
}
huge $want
tap_ok $? "a 4 MiB contiguous area's first touch maps $want"
echo 0 >/sys/module/mbuff/parameters/huge_map
huge 4K
tap_ok $? "with huge_map=0, 4K pages"
echo 1 >/sys/module/mbuff/parameters/huge_map
rmmod mbuff_test_client
dmesg | grep -q 'x86/PAT:.*expected'
[ $? -ne 0 ]
tap_ok $? "no PAT conflict was logged"
tap_done
