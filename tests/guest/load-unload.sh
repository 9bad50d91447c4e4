#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload fscache_ops.ko a few times and check that its /proc
# files come and go with it. Runs in the UML debug guest.
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh

mod=$MODDIR/fscache_ops.ko
proc=/proc/fs/fscache

for round in 1 2 3; do
	tap_check "round $round: insmod fscache_ops" insmod "$mod"
	tap_check "round $round: $proc/stats is readable" cat "$proc/stats"
	tap_check "round $round: module is listed" grep -q '^fscache_ops ' /proc/modules
	tap_check "round $round: rmmod fscache_ops" rmmod fscache_ops
	if [ -e "$proc/stats" ]; then
		tap_not_ok "round $round: $proc/stats removed on unload"
	else
		tap_ok "round $round: $proc/stats removed on unload"
	fi
done
tap_done
