#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection in the sample backend: the backing write of one file
# fails with -EIO, the backend puts the cache in the I/O-error state, and
# the manager rejects every later submission with -EIO. With one file in
# flight, the files before the failed one must stay verified and the
# rest must be rejected; unloading must still be clean. A second run
# names the file by path with several files in flight.
#
# run-guest: --extra-file @TOP@/tests/guest/lib/sample.sh:/lib/fscache-ops/sample.sh
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh
# shellcheck source=tests/guest/lib/sample.sh
. /lib/fscache-ops/sample.sh

src=/tmp/src
cache=/tmp/cache

mkdir -p "$src" "$cache"
for i in 00 01 02 03 04 05 06 07 08 09 10 11; do
	dd if=/dev/urandom of="$src/f$i" bs=1000 count=100 2>/dev/null
done

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko"

# Run 1: index 5 (f05), one file in flight.
dmesg -c >/dev/null
tap_check "insmod with fail_file=5" insmod "$MODDIR/fscache_sample.ko" \
	source_dir="$src" backing_dir="$cache" in_flight=1 fail_file=5
tap_check "run 1 finishes" sample_wait 120 0
sed 's/^/#   /' "$SAMPLE_REPORT"
tap_check "run 1 names f05 as fail_file" \
	grep -q '^fail_file: *f05 (index 5)' "$SAMPLE_REPORT"
tap_check "files before f05 verified" \
	test "$(sample_count verified)" = 5
tap_check "f05 failed" test "$(sample_field failed)" = "1 files"
tap_check "files after f05 rejected" \
	test "$(sample_field rejected)" = "6 files"
tap_check "rejections counted as -EIO" \
	grep -q '^rejected ops: *[1-9][0-9]* (-EIO [1-9]' "$SAMPLE_REPORT"
tap_check "no mismatch" test "$(sample_field mismatches)" = "0 files"
tap_check "I/O error logged" \
	sh -c "dmesg | grep -q 'I/O error, new operations are rejected'"
for i in 00 01 02 03 04; do
	tap_check "f$i equal in the backing tree" cmp "$src/f$i" "$cache/f$i"
done
tap_check "run 1 rmmod fscache_sample" rmmod fscache_sample
tap_check "run 1 ops balanced" sample_ops_balanced

# Run 2: by path, four files in flight. Files in flight when the error
# hits may end rejected, so only the failed one is counted exactly.
rm -rf "${cache:?}"/*
tap_check "insmod with fail_file=f03" insmod "$MODDIR/fscache_sample.ko" \
	source_dir="$src" backing_dir="$cache" in_flight=4 fail_file=f03
tap_check "run 2 finishes" sample_wait 120 0
sed 's/^/#   /' "$SAMPLE_REPORT"
tap_check "run 2 f03 failed" test "$(sample_field failed)" = "1 files"
tap_check "run 2 no mismatch" test "$(sample_field mismatches)" = "0 files"
tap_check "run 2 rejected ops counted" \
	test "$(sample_count 'rejected ops')" -gt 0
tap_check "run 2 rmmod fscache_sample" rmmod fscache_sample
tap_check "run 2 ops balanced" sample_ops_balanced

tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
