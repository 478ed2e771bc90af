#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Extent records: buffers of an area written by the kernel thread (cpu) or
# by QEMU's edu device through DMA (edu) are handed to a process through a
# ring (tests/kmod/mbuff_ring_extent.ko to ring_extent) and checked there
# in place, every byte; a buffer is reused only once its record was
# consumed.  The module counts what it wrote, unloads while its thread
# sleeps (edu: also in the middle of a transfer) and leaves no area; bad
# parameters are refused before anything is taken.
# Needs a pool; edu needs a guest with -d edu.  Usage: ring_extent.sh cpu|edu
. "$(dirname "$0")/tap.sh"
dev=$1
ko=/lib/modules/mbuff_ring_extent.ko
dbg=/sys/kernel/debug/mbuff_ring_extent/status
start=/sys/module/mbuff_ring_extent/parameters/start
case $dev in
cpu|edu) ;;
*) echo "usage: ring_extent.sh cpu|edu" >&2; exit 2 ;;
esac

# A value of the module's status: val KEY
val() { sed -n "s/^$1 //p" $dbg; }

# Run a TAP program and pass its cases on as this script's, renumbered;
# its "buffers N" comment is kept in $buffers.
sub() {
	"$@" >/tmp/ring_extent.out 2>&1
	rc=$?
	buffers=$(sed -n 's/^# buffers \([0-9]*\)$/\1/p' /tmp/ring_extent.out)
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok 0 "${line#ok * - }" ;;
		"not ok "*) tap_ok 1 "${line#not ok * - }" ;;
		1..*) ;;
		"# "*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done </tmp/ring_extent.out
	return $rc
}

# Wait up to 10 s for the thread to report done.
done_wait() {
	i=0
	while [ "$(val "done")" != 1 ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Wait up to 10 s for the thread to sleep (for the consumer).
sleep_wait() {
	i=0
	while [ "$(val sleeps 2>/dev/null)" != 1 ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(val sleeps)" = 1 ]
}

# Wait up to 5 s for an area to go.
gone() {
	i=0
	while [ -e "/sys/class/mbuff/$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ ! -e "/sys/class/mbuff/$1" ]
}

# Transfers the device makes for a record of $1 bytes: each piece of at
# most 4095 bytes goes in and out of its buffer.
transfers() { echo $((2 * (($1 + 4094) / 4095))); }

# One stream: run NAME COUNT RECORD SLOTS OPTIONS MODULE-PARAMETERS...
# (SLOTS: the buffers the area holds; OPTIONS: more for ring_extent, "" for
# none); 3 + 7 (+ 1 with --calls) cases.  Leaves the times the thread
# slept for a buffer in $slept.
run() {
	name=$1 n=$2 rec=$3 slots=$4 opt=$5
	shift 5
	insmod $ko area="$name" device="$dev" count="$n" record_size="$rec" \
		start=0 "$@"
	tap_ok $? "$dev: the module loads ($*)"
	# shellcheck disable=SC2086 # $opt is options or none
	sub ring_extent --start $start --record $rec $opt $name $n
	done_wait
	want=
	[ "$dev" = edu ] && want=$((n * $(transfers "$rec")))
	[ "$(val records)" = "$n" ] && [ "$(val bytes)" = $((n * rec)) ] &&
		[ "$(val error)" = 0 ] && [ "$(val "done")" = 1 ] &&
		[ "$(val slots)" = "$slots" ] && [ "$buffers" = "$slots" ] &&
		[ "$(val transfers)" = "${want:-0}" ]
	tap_ok $? "$dev: $n records of $rec bytes written$([ "$dev" = cpu ] || echo " by the device in $want transfers"), through all $slots buffers (the consumer saw ${buffers:-?})"
	ns=$(val ns)
	slept=$(val slot_sleeps)
	tap_diag "$dev: $(val commits) commits, slept $(val sleeps) times ($(val slot_sleeps) for a buffer), notified $(val notifies), got $(val doorbells) doorbells; $((n * rec / (ns / 1000000 + 1))) kB/s as the kernel saw it$([ "$dev" = cpu ] || echo ", $(($(val dma_ns) / 1000000)) ms waiting for the device")"
	rmmod mbuff_ring_extent && gone "$name"
	tap_ok $? "$dev: the module unloads, and the area goes with the process"
}

# A bad parameter: refused with its message, no area left.
refuse() {
	msg=$1
	shift
	dmesg -c >/dev/null
	! insmod $ko area=rext-bad "$@" 2>/dev/null &&
		dmesg | grep -q "mbuff_ring_extent: $msg" && gone rext-bad
	tap_ok $? "refused: $* ($msg)"
}

if [ "$dev" = cpu ]; then
	tap_plan $((3 * 10 + 2 + 3 + 8))
	# The defaults: 64 KiB of ring data, 239 buffers of 4096 bytes.
	run rext-def 4000 4096 239 "--calls 4" backend=contig
	# A ring of 4 KiB wraps every 170 records; 32 buffers.
	run rext-wrap 4000 4096 32 "--calls 2" backend=contig size=136K \
		data=4K
	# vmalloc, records of 1000 bytes (buffers 1024 apart), 5 buffers,
	# every record published alone.
	run rext-vm 3000 1000 5 "" backend=vmalloc size=64K data=4K slots=5 \
		batch=1
else
	tap_plan $((2 * 10 + 4 + 8 + 2 + 10 + 1 + 1))
	# 4096-byte records (4 transfers each: the device moves 4095 bytes
	# at most) in 4 buffers, one reused.  A transfer takes QEMU 100 ms.
	run rext-edu 5 4096 4 "" size=24K data=4K
	# 2000-byte records in 4 buffers, published two at a time.
	run rext-edu2 8 2000 4 "" size=64K data=4K slots=4 batch=4000
fi

# Load with PARAMETERS, run CHECK, unload whatever came of it: loaded
# CHECK PARAMETERS...; fails if any step failed.
loaded() {
	check=$1
	shift
	insmod $ko area=rext-asleep device="$dev" "$@" || return 1
	eval "$check"
	r=$?
	rmmod mbuff_ring_extent || r=1
	return $r
}

# Unloading while the thread sleeps for a buffer (no consumer), and before
# it was started.
# shellcheck disable=SC2016 # loaded() evaluates the check
loaded 'sleep_wait && [ "$(val slot_sleeps)" = 1 ]' size=24K data=4K \
	slots=2 count=0 record_size=100
tap_ok $? "$dev: the module unloads while its thread sleeps for a buffer"
loaded : data=4K start=0
tap_ok $? "$dev: the module unloads before its thread was started"
if [ "$dev" = edu ]; then
	# With no consumer, the device fills 239 buffers, 4 transfers of
	# 100 ms each, before the thread first sleeps.
	# shellcheck disable=SC2016 # loaded() evaluates the check
	loaded 'sleep 0.3 && [ "$(val sleeps)" = 0 ]' count=0
	tap_ok $? "edu: the module unloads while the device copies records"
fi
gone rext-asleep
tap_ok $? "no area is left"

refuse "bad parameter: device=bogus" device=bogus
refuse "bad parameter: record_size=8192 is more than the edu device's buffer" \
	device=edu record_size=8192
refuse "bad parameter: record_size=8 " record_size=8
refuse "bad parameter: data=5000 " data=5000 size=1M
refuse "bad parameter: data=2048 " data=2048 size=1M
refuse "bad parameter: size=12K holds no buffer" size=12K data=8K
refuse "bad parameter: slots=33, but size=136K holds 32 buffers" \
	size=136K data=4K slots=33
refuse "bad parameter: backend=vmalloc (device=edu needs contiguous)" \
	device=edu backend=vmalloc

if [ "$dev" = edu ]; then
	# The device is another driver's: refused, with nothing taken.
	if insmod /lib/modules/mbuff_edu_dma.ko area=rext-edu-dma len=4000; then
		refuse "device=edu: no edu device" device=edu
	else
		tap_ok 1 "mbuff_edu_dma.ko loads"
	fi
	rmmod mbuff_edu_dma && gone rext-edu-dma
	tap_ok $? "the other driver unloads"
	# The device is free again.  A slow consumer holds each record
	# 600 ms, the device needs 200 ms for one: it must wait for buffers,
	# and none may change while held.
	run rext-edu3 4 2000 2 "--hold 600" size=16K data=4K slots=2 batch=1
	[ "${slept:-0}" -gt 0 ]
	tap_ok $? "edu: the device waited for the consumer to free a buffer (${slept:-?} times)"
	# The device unbound while the thread runs: it stops, and says why.
	drv=/sys/bus/pci/drivers/mbuff_ring_extent
	err=
	if insmod $ko area=rext-unbind device=edu size=24K data=4K count=0; then
		sleep 0.5
		for d in "$drv"/*:*; do basename "$d"; done >"$drv/unbind"
		err=$(val error) fin=$(val "done")
		rmmod mbuff_ring_extent && gone rext-unbind &&
			[ "$err" = -19 ] && [ "$fin" = 0 ]
	else
		false
	fi
	tap_ok $? "edu: the device unbound while streaming: the thread stops (error ${err:-?}), the module unloads"
fi
tap_done
