#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The scale half of `make bench`, run inside a boot of its own: creating
# and mapping against the size, opens and creations during a large
# create, opening by name and listing with 100 and 10,000 areas, 1,000
# processes attaching to one area at once, all by scale_bench, which sits
# next to this script (or on PATH).  Prints its table, its "ratio:" lines
# and its data between "--- tsv ---" and "--- end ---".
#
# Boot with a 1 GiB pool and 2 GiB of RAM, and the module's default
# parameters (the point is what they allow):
#   boot/qemu-run -m 2G --smp 2 -A 'memmap=1G$1G' -p pools=1G@1G \
#       -t 900 --add build/guest/bench:/root/bench \
#       -- sh /root/bench/scale-bench.sh
# Arguments go to scale_bench (scale_bench -h lists them).
dir=$(cd "$(dirname "$0")" && pwd)
prog=$dir/scale_bench
[ -x "$prog" ] || prog=$(command -v scale_bench) || {
	echo "scale-bench.sh: no scale_bench next to $0 nor on PATH" >&2
	exit 1
}

cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
echo "# guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), clocksource $(cat $cs 2>/dev/null)"
echo "# module: max_areas=$(cat /sys/module/mbuff/parameters/max_areas 2>/dev/null)"
"$prog" -r "${MBUFF_BENCH_RUNS:-5}" "$@"
rc=$?
if [ $rc -eq 0 ]; then
	echo "# scale-bench: every case ran and checked out"
else
	echo "# scale-bench: FAILED (scale_bench exit $rc)"
fi
exit $rc
