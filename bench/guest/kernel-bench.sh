#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The guest half of `make bench`, run inside one boot: kernel->user streams
# (read() against the ring in place, copied and device-written), the
# one-pass limit and mapped areas against anonymous memory, all by
# kernel_bench, which sits next to this script (or on PATH).  Prints its
# table, its "ratio:" lines and its data between "--- tsv ---" and
# "--- end ---" (the guest's files are lost at poweroff).
#
# Boot with a pool for the contiguous areas, room for the buffers (1 GiB)
# and the edu device; it takes some 80 s on a quiet host, three times that
# when other guests load it:
#   boot/qemu-run -m 1G --smp 2 -A 'memmap=64M$256M' -p pools=64M@256M \
#       -d edu -t 1500 --add build/guest/bench:/root/bench \
#       --add bench/guest/kernel-bench.sh:/root/bench/kernel-bench.sh \
#       -- sh /root/bench/kernel-bench.sh
# Arguments go to kernel_bench after the script's own (kernel_bench -h
# lists them); a device=edu line is added when the boot has -d edu.
#
# Exits 0 only if every case ran and every record checked out; with
# MBUFF_BENCH_SKIP_OK=1, a case skipped for a missing module is no failure.
dir=$(cd "$(dirname "$0")" && pwd)
prog=$dir/kernel_bench
[ -x "$prog" ] || prog=$(command -v kernel_bench) || {
	echo "kernel-bench.sh: no kernel_bench next to $0 nor on PATH" >&2
	exit 1
}

cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
echo "# guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), clocksource $(cat $cs 2>/dev/null)"
# MBUFF_BENCH_RUNS: runs per case (scripts/bench passes it); -e: a
# device=edu line as well when the guest has the device.
"$prog" -r "${MBUFF_BENCH_RUNS:-5}" -e "$@"
rc=$?
case $rc in
0) echo "# kernel-bench: every case ran, every record checked out" ;;
3)
	echo "# kernel-bench: a case was skipped (see above)"
	[ "${MBUFF_BENCH_SKIP_OK:-0}" = 1 ] && rc=0
	;;
*) echo "# kernel-bench: FAILED (kernel_bench exit $rc)" ;;
esac
# Every module unloaded: the driver's kernel log check sees their exits.
for m in mbuff_ring_producer mbuff_ring_extent mbuff_bench_read; do
	if [ -e /sys/module/$m ]; then
		echo "# kernel-bench: $m still loaded" >&2
		rc=1
	fi
done
exit $rc
