# SPDX-License-Identifier: GPL-2.0-only
# TAP helpers for the guest shell tests (busybox sh), sourced.
tap_n=0
tap_failed=0

tap_plan() { echo "1..$1"; }

# tap_ok STATUS DESCRIPTION: STATUS 0 is a pass.
tap_ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

tap_diag() { echo "# $*"; }

tap_done() { [ "$tap_failed" -eq 0 ] && exit 0; exit 1; }
