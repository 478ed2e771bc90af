#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run a 0.7.2 program and pass its TAP and status through, then drop the
# user counts it could not drop itself (it lists them as "# left: NAME"):
# its DEALLOCATE, raw ioctl 2, never reaches the driver on this kernel.
# Usage: legacy_clean.sh PROGRAM [ARGS...]
out=/tmp/legacy_clean.$$
"$@" >$out 2>&1
rc=$?
cat $out
sed -n 's/^# left: //p' $out | while read -r name; do
	while area_poke "$name" destroy 2>/dev/null; do :; done
done
rm -f $out
exit $rc
