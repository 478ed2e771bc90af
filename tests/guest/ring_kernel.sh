#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Rings between the kernel and a process, on both backends: 64 MiB
# kernel->user (tests/kmod/mbuff_ring_producer.ko to ring_stream consume)
# and 64 MiB user->kernel (ring_stream produce to mbuff_ring_consumer.ko),
# with no record lost and every checksum matching on both ends; a consumer
# blocked before the producer starts is woken and sleeps without spinning;
# each module unloads while its thread sleeps.
# Needs a pool of at least 4 MiB; usage: ring_kernel.sh [MIB]
. "$(dirname "$0")/tap.sh"
mib=${1:-64}
mods=/lib/modules
dbg=/sys/kernel/debug
start=/sys/module/mbuff_ring_producer/parameters/start

# A status value of a test module: val MODULE KEY
val() { sed -n "s/^$2 //p" "$dbg/mbuff_ring_$1/status"; }

# Run a TAP program and pass its cases on as this script's, renumbered.
sub() {
	"$@" >/tmp/ring_sub.out 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok 0 "${line#ok * - }" ;;
		"not ok "*) tap_ok 1 "${line#not ok * - }" ;;
		1..*) ;;
		"# "*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done </tmp/ring_sub.out
	return $rc
}

# Wait up to 5 s for a module's thread to report done.
done_wait() {
	i=0
	while [ "$(val "$1" done)" != 1 ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Wait up to 5 s for an area to go.
gone() {
	i=0
	while [ -e "/sys/class/misc/mbuff/areas/$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ ! -e "/sys/class/misc/mbuff/areas/$1" ]
}

# 1 + 6 + 2 kernel->user, 1 + 5 + 2 user->kernel, per backend; 1 + 8 + 1
# blocked; 4 unloads while asleep.
tap_plan $((2 * 17 + 10 + 4))

# Contiguous: a 4 MiB ring of 4096-byte records; vmalloc: a 1 MiB ring of
# 1000-byte records (padded in the ring, so they wrap anywhere).
for cfg in contig:4100K:4096 vmalloc:1028K:1000; do
	b=${cfg%%:*} rest=${cfg#*:}
	size=${rest%%:*} rec=${rest#*:}
	n=$(((mib * 1048576 + rec - 1) / rec))
	bytes=$((n * rec))

	insmod $mods/mbuff_ring_producer.ko area=k2u-$b size=$size backend=$b \
		record_size=$rec count=$n start=0
	tap_ok $? "$b: the kernel producer loads (a $size area, $n records of $rec bytes)"
	sub ring_stream consume --start $start k2u-$b $bytes
	done_wait producer
	[ "$(val producer records)" = $n ] && [ "$(val producer bytes)" = $bytes ] &&
		[ "$(val producer error)" = 0 ] && [ "$(val producer done)" = 1 ]
	tap_ok $? "$b: the kernel wrote exactly $n records, $bytes bytes"
	tap_diag "$b: producer slept $(val producer sleeps) times, notified $(val producer notifies), got $(val producer doorbells) doorbells"
	rmmod mbuff_ring_producer && gone k2u-$b
	tap_ok $? "$b: the producer unloads, and the area goes with the process"

	insmod $mods/mbuff_ring_consumer.ko area=u2k-$b size=$size backend=$b \
		count=$n
	tap_ok $? "$b: the kernel consumer loads"
	sub ring_stream produce --record $rec u2k-$b $bytes
	done_wait consumer
	[ "$(val consumer records)" = $n ] && [ "$(val consumer bytes)" = $bytes ] &&
		[ "$(val consumer errors)" = 0 ] && [ "$(val consumer error)" = 0 ] &&
		[ "$(val consumer done)" = 1 ]
	tap_ok $? "$b: the kernel read $n records in sequence, every checksum matching ($(val consumer errors) bad)"
	ns=$(val consumer ns)
	tap_diag "$b: consumer slept $(val consumer sleeps) times, notified $(val consumer notifies), got $(val consumer doorbells) doorbells; $((bytes / (ns / 1000 + 1))) MB/s as the kernel saw it"
	rmmod mbuff_ring_consumer && gone u2k-$b
	tap_ok $? "$b: the consumer unloads, and the area goes with the process"
done

insmod $mods/mbuff_ring_producer.ko area=k2u-blocked size=1028K \
	record_size=4096 count=2048 start=0
tap_ok $? "blocked: the kernel producer loads, not started"
sub ring_stream consume --blocked --start $start k2u-blocked 8M
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
