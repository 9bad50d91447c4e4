#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make demo` (scripts/demo.sh): load fscache_ops,
# show its statistics and unload it. The sample backend's demonstration
# replaces this body once it exists.
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh

proc=/proc/fs/fscache

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko"
if [ -r "$proc/stats" ]; then
	echo "---- $proc/stats ----"
	cat "$proc/stats"
	echo "----"
	tap_ok "$proc/stats is readable"
else
	tap_not_ok "$proc/stats is readable"
fi
tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
