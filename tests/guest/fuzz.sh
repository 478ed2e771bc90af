#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# One run of the fuzzer (fuzz.c) as a guest test: each run ends by
# unloading mbuff.ko, so load it again for the next one, with the
# parameters of the first load (else MBUFF_FUZZ_PARAMS, default
# "pools=64M@256M"); load the kernel client too, which root
# workers drive; skip the i386 program on a kernel that cannot run it.
# Usage: fuzz.sh fuzz|fuzz32 [FUZZ-OPTIONS...]
prog=${1:?usage: fuzz.sh fuzz|fuzz32 [FUZZ-OPTIONS...]}
shift
saved=/tmp/fuzz.sh.params
p=/sys/module/mbuff/parameters

if [ -d /sys/module/mbuff ]; then
	[ -f "$saved" ] ||
		echo "pools=$(cat $p/pools)" >"$saved"
else
	params=${MBUFF_FUZZ_PARAMS:-pools=64M@256M}
	[ -f "$saved" ] && params=$(cat "$saved")
	# shellcheck disable=SC2086 # parameters are words
	if ! insmod /lib/modules/mbuff.ko $params; then
		echo "1..1"
		echo "not ok 1 - insmod mbuff.ko $params"
		exit 1
	fi
fi
if [ -f /lib/modules/mbuff_test_client.ko ] && [ ! -d /sys/module/mbuff_test_client ]; then
	insmod /lib/modules/mbuff_test_client.ko ||
		echo "# fuzz.sh: no kernel client (insmod failed)"
fi
"$prog" -h >/dev/null 2>&1
if [ $? -ge 126 ]; then
	echo "1..1"
	echo "ok 1 # SKIP $prog does not run on this kernel (no IA32 emulation?)"
	exit 4
fi
exec "$prog" "$@"
