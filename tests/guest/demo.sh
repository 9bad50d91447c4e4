#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make demo` (scripts/demo.sh): the sample backend
# caches the folder mounted read-only at /data (the kernel tree's
# Documentation/ unless DEMO_SOURCE chose another) into a tmpfs through
# the operation manager, reads it all back and verifies every byte. Prints
# the backend's report and the manager's statistics, unloads both modules,
# and fails unless every byte was verified and the manager initialised as
# many operations as it released.
#
# run-guest: --extra-file @TOP@/tests/guest/lib/sample.sh:/lib/fscache-ops/sample.sh
# run-guest: --ro-dir @KSRC@/Documentation:/data --timeout 1200
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh
# shellcheck source=tests/guest/lib/sample.sh
. /lib/fscache-ops/sample.sh

src=/data
cache=/cache

mkdir -p "$cache"
tap_check "tmpfs at $cache" mount -t tmpfs -o size=90% tmpfs "$cache"
echo "# source: $src, $(du -sh "$src" | cut -f1) (read-only)"

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko"
tap_check "insmod fscache_sample" insmod "$MODDIR/fscache_sample.ko" \
	source_dir="$src" backing_dir="$cache" in_flight=16
tap_check "backend finishes" sample_wait 1100 15

echo "---- $SAMPLE_REPORT ----"
cat "$SAMPLE_REPORT"
proc=$(sample_ops_proc)
echo "---- $proc/stats ----"
cat "$proc/stats"
if [ -r "$proc/histogram" ]; then
	echo "---- $proc/histogram ----"
	cat "$proc/histogram"
fi
echo "----"

tap_check "every byte verified" sample_all_verified
tap_check "ops were deferred" test "$(sample_count deferred)" -gt 0
tap_check "rmmod fscache_sample" rmmod fscache_sample
tap_check "ops balanced (ini = rel)" sample_ops_balanced
tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_check "umount $cache" umount "$cache"
tap_done
