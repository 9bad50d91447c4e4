#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Run the sample backend over a small tree made here, with the cases a
# folder walk and a chunked copy get wrong: an empty file, files just
# under, at and over the copy chunk (32 KiB), deep folders, names with
# spaces, an empty folder and a symbolic link (skipped). Checks the
# report, then compares the backing tree with the source from user space.
#
# run-guest: --extra-file @TOP@/tests/guest/lib/sample.sh:/lib/fscache-ops/sample.sh
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh
# shellcheck source=tests/guest/lib/sample.sh
. /lib/fscache-ops/sample.sh

src=/tmp/src
cache=/tmp/cache

mkdir -p "$src/deep/a/b/c/d/e/f/g/h" "$src/with space/sub dir" \
	"$src/empty dir" "$cache"
: >"$src/empty"
dd if=/dev/urandom of="$src/chunk-minus-one" bs=32767 count=1 2>/dev/null
dd if=/dev/urandom of="$src/chunk" bs=32768 count=1 2>/dev/null
dd if=/dev/urandom of="$src/big" bs=1000 count=300 2>/dev/null
echo "bottom of the tree" >"$src/deep/a/b/c/d/e/f/g/h/leaf.txt"
echo "spaces" >"$src/with space/sub dir/file name.txt"
chmod 0640 "$src/with space/sub dir/file name.txt"
ln -s big "$src/link-to-big"
echo "# source: $(find "$src" -type f | wc -l) files"

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko"
tap_check "insmod fscache_sample" insmod "$MODDIR/fscache_sample.ko" \
	source_dir="$src" backing_dir="$cache" in_flight=3
tap_check "backend finishes" sample_wait 120 0
sed 's/^/#   /' "$SAMPLE_REPORT"

tap_check "state is complete" test "$(sample_field state)" = complete
tap_check "six files found" test "$(sample_count files)" = 6
tap_check "symbolic link skipped" \
	grep -q 'skipped 1 entries' "$SAMPLE_REPORT"
tap_check "every byte verified" sample_all_verified
tap_check "ops were deferred" test "$(sample_count deferred)" -gt 0
tap_check "no op rejected" test "$(sample_count 'rejected ops')" = 0
tap_check "extra chunk runs enqueued" test "$(sample_count enqueued)" -gt 0

for f in empty chunk-minus-one chunk big deep/a/b/c/d/e/f/g/h/leaf.txt \
	"with space/sub dir/file name.txt"; do
	tap_check "backing copy of '$f' equal" cmp "$src/$f" "$cache/$f"
done
tap_check "mode copied by the exclusive op" test \
	"$(stat -c %a "$cache/with space/sub dir/file name.txt")" = 640
tap_check "mtime copied by the exclusive op" test \
	"$(stat -c %Y "$cache/big")" = "$(stat -c %Y "$src/big")"
tap_check "no link in the backing tree" test ! -e "$cache/link-to-big"

tap_check "ops balanced while loaded" sample_ops_balanced
tap_check "rmmod fscache_sample" rmmod fscache_sample
tap_check "report removed" test ! -e "$SAMPLE_REPORT"
tap_check "ops balanced after unload" sample_ops_balanced
tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
