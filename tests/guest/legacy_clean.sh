#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run a 0.7.2 program and pass its TAP and status through, then check that
# it left no area behind: its areas go with its mappings and descriptors,
# so once it has exited none of the names it lists ("# used: NAME" and
# "# left: NAME") may be in /sys/class/mbuff/.  An area left is
# reported as a diagnostic, and the run fails (exit 1) if nothing else did.
# Usage: legacy_clean.sh PROGRAM [ARGS...]
areas=/sys/class/mbuff
out=/tmp/legacy_clean.$$
"$@" >$out 2>&1
rc=$?
cat $out
if [ ! -d $areas ]; then
	echo "# legacy_clean.sh: no $areas, nothing checked"
	rm -f $out
	exit $rc
fi
left=$(sed -n -e 's/^# used: //p' -e 's/^# left: //p' $out | sort -u |
	while read -r name; do
		[ -n "$name" ] && [ -e "$areas/$name" ] && echo "$name"
	done)
rm -f $out
for name in $left; do
	echo "# legacy_clean.sh: $1 has exited and area \"$name\" is still in $areas"
done
if [ -n "$left" ]; then
	case $rc in
	0|4) exit 1 ;;
	esac
fi
exit $rc
