#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Load the kernel's own modules that boot/qemu-run --kmod put into the
# guest, dependencies first; "load-kmods.sh NAME ARGS..." gives ARGS to
# module NAME.  "load-kmods.sh -r" unloads them again, last first.
# Exit 0 when every one loaded (or unloaded), else 1.
order=/lib/modules/extra/order
[ -r $order ] || { echo "load-kmods.sh: no $order (boot with --kmod)" >&2; exit 1; }
if [ "${1:-}" = -r ]; then
	rc=0
	for m in $(sed '1!G;h;$!d' $order); do
		rmmod "$m" 2>/dev/null || rmmod "$(echo "$m" | tr - _)" || rc=1
	done
	exit $rc
fi
name=${1:-}
[ $# -gt 0 ] && shift
while read -r m; do
	if [ "$m" = "$name" ]; then
		insmod /lib/modules/extra/$m.ko "$@" || exit 1
	else
		insmod /lib/modules/extra/$m.ko || exit 1
	fi
done <$order
