# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# TAP helpers for guest scripts (busybox sh). scripts/run-guest.sh puts
# this file at /lib/fscache-ops/guest-lib.sh; a guest script sources it,
# calls tap_check or tap_ok/tap_not_ok once per case, and ends with
# tap_done, whose exit status is the number of failed cases (at most 125).
#
#   . /lib/fscache-ops/guest-lib.sh
#   tap_check "load fscache_ops" insmod "$MODDIR/fscache_ops.ko"
#   tap_done

TAP_N=0
TAP_FAILED=0

tap_ok()
{
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

tap_not_ok()
{
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

# Run a command as one case: tap_check NAME COMMAND [ARG]...
# The command's output goes to the console, indented.
tap_check()
{
	local name="$1" out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -z "$out" ] || printf "%s\n" "$out" | sed "s/^/    /"
	if [ $rc -eq 0 ]; then
		tap_ok "$name"
	else
		echo "    # '$*' exited with status $rc"
		tap_not_ok "$name"
	fi
	return $rc
}

# Print the plan and leave with the number of failures as the status.
tap_done()
{
	echo "1..$TAP_N"
	[ $TAP_FAILED -le 125 ] || TAP_FAILED=125
	exit $TAP_FAILED
}
