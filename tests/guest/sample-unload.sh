#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Unload the sample backend while its operations are in flight: right
# after the load, and once copying is under way. Module exit withdraws
# the cache, which must cancel what is pending, wait for what runs, and
# leave no operation behind (the manager's ini and rel counts agree).
#
# run-guest: --extra-file @TOP@/tests/guest/lib/sample.sh:/lib/fscache-ops/sample.sh
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh
# shellcheck source=tests/guest/lib/sample.sh
. /lib/fscache-ops/sample.sh

src=/tmp/src
cache=/tmp/cache

# 64 files of 1 MiB: 32 chunks each, so that copying takes a while.
mkdir -p "$src/a" "$src/b" "$cache"
i=0
while [ $i -lt 32 ]; do
	dd if=/dev/urandom of="$src/a/f$i" bs=65536 count=16 2>/dev/null
	dd if=/dev/urandom of="$src/b/f$i" bs=65536 count=16 2>/dev/null
	i=$((i + 1))
done

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko"

# stopped_or_skip ROUND: pass if the backend logged that it stopped with
# work left, or report a skip if the run was over before the unload.
stopped_or_skip()
{
	if dmesg | grep -q 'fscache_sample: stopped:'; then
		tap_ok "round $1 unload stopped the run"
	elif dmesg | grep -q 'fscache_sample: complete:'; then
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - round $1 unload stopped the run # SKIP the run ended first"
	else
		tap_not_ok "round $1 unload stopped the run (no summary logged)"
	fi
}

# Round 1: unload at once, while objects are still being set up.
dmesg -c >/dev/null
tap_check "round 1 insmod fscache_sample" insmod \
	"$MODDIR/fscache_sample.ko" source_dir="$src" backing_dir="$cache" \
	in_flight=16
tap_check "round 1 rmmod at once" rmmod fscache_sample
stopped_or_skip 1
tap_check "round 1 ops balanced" sample_ops_balanced

# Round 2: unload half a second in, while copying is under way.
rm -rf "${cache:?}"/*
dmesg -c >/dev/null
tap_check "round 2 insmod fscache_sample" insmod \
	"$MODDIR/fscache_sample.ko" source_dir="$src" backing_dir="$cache" \
	in_flight=1
sleep 0.5
grep -E '^(state|verified|in flight):' "$SAMPLE_REPORT" | sed 's/^/#   /'
tap_check "round 2 rmmod" rmmod fscache_sample
stopped_or_skip 2
tap_check "round 2 ops balanced" sample_ops_balanced

# Round 3: the backend still works after that.
rm -rf "${cache:?}"/*
tap_check "round 3 insmod fscache_sample" insmod \
	"$MODDIR/fscache_sample.ko" source_dir="$src" backing_dir="$cache"
tap_check "round 3 finishes" sample_wait 300 0
tap_check "round 3 every byte verified" sample_all_verified
tap_check "round 3 rmmod fscache_sample" rmmod fscache_sample
tap_check "round 3 ops balanced" sample_ops_balanced

tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
