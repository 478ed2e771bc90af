#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Rings between the kernel and a process, on both backends: 64 MiB
# kernel->user (tests/kmod/mbuff_ring_producer.ko to ring_stream consume)
# and 64 MiB user->kernel (ring_stream produce to mbuff_ring_consumer.ko),
# with no record lost and every checksum matching on both ends: on the
# contiguous backend both ends fill and check records in place and
# publish or free them in batches, on the vmalloc one both copy (and the
# process reads through a doubled view).  Then the smallest rings, both
# ways, in place and copying: 4096 bytes of data holding one record, two,
# or one at a time with a pad before every other.  A consumer blocked
# before the producer starts is woken and sleeps without spinning; each
# module unloads while its thread sleeps.  Every stream has a time limit:
# one that stalls, asleep or spinning, fails its cases and the rest go on.
# Needs a pool of at least 4 MiB; usage: ring_kernel.sh [MIB [RECORDS]]
# RECORDS: how many each smallest ring carries (default 500, each one a
# wake-up of the other end: some 2 ms under TCG on a loaded machine; 300
# on a kernel with kmemleak, the debug kernel, where every record costs two
# wake-ups several times slower).  The ring's protocol is proven further
# on the host, where the stress tests move 200,000 records a stream and
# check for lost wake-ups.
. "$(dirname "$0")/tap.sh"
mib=${1:-64}
if [ -n "${2:-}" ]; then
	tiny_n=$2
elif [ -e /sys/kernel/debug/kmemleak ]; then
	tiny_n=300
else
	tiny_n=500
fi
mods=/lib/modules
dbg=/sys/kernel/debug
start=/sys/module/mbuff_ring_producer/parameters/start

# A status value of a test module: val MODULE KEY
val() { sed -n "s/^$2 //p" "$dbg/mbuff_ring_$1/status" 2>/dev/null; }

# sub CASES ring_stream MODE ARGS...: run ring_stream, passing its cases on
# as this script's, renumbered; the cases it did not get to (it was
# killed, it crashed) fail.  A stream with no progress for $stall seconds
# has stalled and fails (--timeout); one not over $stall + 60 seconds
# after that is killed.
stall=20
sub() {
	cases=$1 prog=$2 mode=$3
	shift 3
	timeout $((stall + 60)) "$prog" "$mode" --timeout $stall "$@" \
		>/tmp/ring_sub.out 2>&1
	rc=$?
	ran=0
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok 0 "${line#ok * - }"; ran=$((ran + 1)) ;;
		"not ok "*) tap_ok 1 "${line#not ok * - }"; ran=$((ran + 1)) ;;
		1..*) ;;
		"# "*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done </tmp/ring_sub.out
	while [ $ran -lt "$cases" ]; do
		ran=$((ran + 1))
		tap_ok 1 "$prog $mode: case $ran of $cases never ran (exit $rc)"
	done
	return $rc
}

# Wait up to 5 s for a module's thread to report done.
done_wait() {
	i=0
	while [ "$(val "$1" 'done')" != 1 ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
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

# The producer's counts: records N and BYTES written, no error, done.
wrote() {
	[ "$(val producer records)" = "$1" ] && [ "$(val producer bytes)" = "$2" ] &&
		[ "$(val producer error)" = 0 ] && [ "$(val producer 'done')" = 1 ]
}

# The consumer's: N records and BYTES read, in sequence, none bad, done.
read_ok() {
	[ "$(val consumer records)" = "$1" ] && [ "$(val consumer bytes)" = "$2" ] &&
		[ "$(val consumer errors)" = 0 ] && [ "$(val consumer error)" = 0 ] &&
		[ "$(val consumer 'done')" = 1 ]
}

# A smallest ring: tiny k2u|u2k inplace|copy BACKEND RECORD N streams N
# records of RECORD bytes through an 8K area, a control page and 4096
# bytes of data; 7 cases kernel->user, 6 user->kernel.  In place, both
# ends batch more than the data holds: a producer publishes only when its
# next reservation fails (the ring is full, or a pad took the rest), a
# consumer frees only when it finds nothing more, each just before it
# sleeps, and each wakes the other only then.  Either end that breaks the
# rule stalls the stream.
tiny() {
	way=$1 how=$2 b=$3 rec=$4 n=$5
	name=tiny-$way-$how-$rec
	bytes=$((n * rec))
	if [ "$how" = inplace ]; then
		kin="inplace=1 batch=8192" uin=--inplace ubatch="--batch 8K"
	else
		kin=inplace=0 uin='' ubatch=''
	fi
	if [ "$way" = k2u ]; then
		# shellcheck disable=SC2086 # $kin, $uin, $ubatch: options
		insmod $mods/mbuff_ring_producer.ko area=$name size=8K backend=$b \
			record_size=$rec count=$n $kin start=0
		# shellcheck disable=SC2086
		sub 6 ring_stream consume $ubatch --start $start $name $bytes
		done_wait producer
		wrote $n $bytes
		r=$?
		tap_diag "$name: producer slept $(val producer sleeps) times, notified $(val producer notifies), got $(val producer doorbells) doorbells"
		rmmod mbuff_ring_producer && gone $name && [ $r = 0 ]
		tap_ok $? "$name: the kernel wrote $n records of $rec bytes ($how) into 4096 bytes of data, unloaded, the area gone"
	else
		# shellcheck disable=SC2086
		insmod $mods/mbuff_ring_consumer.ko area=$name size=8K backend=$b \
			count=$n $kin
		# shellcheck disable=SC2086
		sub 5 ring_stream produce --record $rec $uin $ubatch $name $bytes
		done_wait consumer
		read_ok $n $bytes
		r=$?
		bad=$(val consumer errors)
		tap_diag "$name: consumer slept $(val consumer sleeps) times, notified $(val consumer notifies), got $(val consumer doorbells) doorbells"
		rmmod mbuff_ring_consumer && gone $name && [ $r = 0 ]
		tap_ok $? "$name: the kernel read $n records of $rec bytes ($how) in sequence, every checksum matching ($bad bad), unloaded, the area gone"
	fi
}

# 1 + 6 + 2 kernel->user, 1 + 5 + 2 user->kernel, per backend; 6 tiny
# rings of 7 kernel->user, 6 of 6 user->kernel; 1 + 8 + 1 blocked; 4
# unloads while asleep.
tap_plan $((2 * 17 + 6 * 7 + 6 * 6 + 10 + 4))

# Contiguous: a 4 MiB ring of 4096-byte records, in place at both ends;
# vmalloc: a 1 MiB ring of 1000-byte records (padded in the ring: they
# reach its end anywhere, and a pad fills it), copied at both ends, the
# process reading through a doubled view.
for cfg in contig:4100K:4096:1 vmalloc:1028K:1000:0; do
	b=${cfg%%:*} rest=${cfg#*:}
	size=${rest%%:*} rest=${rest#*:}
	rec=${rest%%:*} kin=${rest#*:}
	n=$(((mib * 1048576 + rec - 1) / rec))
	bytes=$((n * rec))
	if [ "$kin" = 1 ]; then how="in place" uin=--inplace view=''; else
		how=copying uin='' view=--doubled; fi

	insmod $mods/mbuff_ring_producer.ko area=k2u-$b size=$size backend=$b \
		record_size=$rec count=$n inplace=$kin start=0
	tap_ok $? "$b: the kernel producer loads (a $size area, $n records of $rec bytes, $how)"
	# shellcheck disable=SC2086 # $view is one option or none
	sub 6 ring_stream consume $view --start $start k2u-$b $bytes
	done_wait producer
	wrote $n $bytes
	tap_ok $? "$b: the kernel wrote exactly $n records, $bytes bytes"
	tap_diag "$b: producer slept $(val producer sleeps) times, notified $(val producer notifies), got $(val producer doorbells) doorbells"
	rmmod mbuff_ring_producer && gone k2u-$b
	tap_ok $? "$b: the producer unloads, and the area goes with the process"

	insmod $mods/mbuff_ring_consumer.ko area=u2k-$b size=$size backend=$b \
		count=$n inplace=$kin
	tap_ok $? "$b: the kernel consumer loads ($how)"
	# shellcheck disable=SC2086 # $uin is one option or none
	sub 5 ring_stream produce --record $rec $uin u2k-$b $bytes
	done_wait consumer
	read_ok $n $bytes
	tap_ok $? "$b: the kernel read $n records in sequence, every checksum matching ($(val consumer errors) bad)"
	ns=$(val consumer ns)
	tap_diag "$b: consumer slept $(val consumer sleeps) times, notified $(val consumer notifies), got $(val consumer doorbells) doorbells; $((bytes / (${ns:-0} / 1000 + 1))) MB/s as the kernel saw it"
	rmmod mbuff_ring_consumer && gone u2k-$b
	tap_ok $? "$b: the consumer unloads, and the area goes with the process"
done

# The smallest rings, 4096 bytes of data: a record whose footprint is all
# of it (4088 bytes), half of it (2040), and just over half (2048: one
# record at a time, and every other one starts after a pad to the end).
# A producer that does not commit before it sleeps, or a consumer that
# does not free what it peeked before it sleeps, stalls the ones in place.
for rec in 4088 2040 2048; do
	b=vmalloc
	[ $rec = 4088 ] && b=contig
	for how in inplace copy; do
		tiny k2u $how $b $rec $tiny_n
		tiny u2k $how $b $rec $tiny_n
	done
done

insmod $mods/mbuff_ring_producer.ko area=k2u-blocked size=1028K \
	record_size=4096 count=2048 start=0
tap_ok $? "blocked: the kernel producer loads, not started"
sub 8 ring_stream consume --blocked --start $start k2u-blocked 8M
rmmod mbuff_ring_producer && gone k2u-blocked
tap_ok $? "blocked: the producer unloads"

# kthread_stop() must not hang on a thread asleep in wait_event.
insmod $mods/mbuff_ring_producer.ko area=asleep size=64K count=0 &&
	sleep 0.3 && [ "$(val producer sleeps)" = 1 ] && rmmod mbuff_ring_producer
tap_ok $? "a producer asleep on a full ring unloads"
insmod $mods/mbuff_ring_producer.ko area=asleep size=64K start=0 &&
	rmmod mbuff_ring_producer
tap_ok $? "a producer waiting to be started unloads"
insmod $mods/mbuff_ring_consumer.ko area=asleep size=64K &&
	sleep 0.3 && [ "$(val consumer sleeps)" = 1 ] && rmmod mbuff_ring_consumer
tap_ok $? "a consumer asleep on an empty ring unloads"
gone asleep
tap_ok $? "no area is left"
tap_done
