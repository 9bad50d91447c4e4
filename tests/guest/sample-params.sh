#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Load the sample backend with invalid parameters: each load must fail
# with -EINVAL ("Invalid argument") and log an error that names the
# parameter. A valid load must still work afterwards.
#
# run-guest: --extra-file @TOP@/tests/guest/lib/sample.sh:/lib/fscache-ops/sample.sh
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh
# shellcheck source=tests/guest/lib/sample.sh
. /lib/fscache-ops/sample.sh

src=/tmp/src
cache=/tmp/cache
mod=$MODDIR/fscache_sample.ko

mkdir -p "$src/sub" "$cache"
echo data >"$src/a"
echo more >"$src/sub/b"
: >"$src/empty"

# reject NAME PARAMETER [MODULE-ARG]...: the load fails with EINVAL and
# the kernel log names PARAMETER.
reject()
{
	local name="$1" param="$2" out

	shift 2
	dmesg -c >/dev/null
	if out=$(insmod "$mod" "$@" 2>&1); then
		echo "    # insmod succeeded"
		rmmod fscache_sample
		tap_not_ok "$name"
		return
	fi
	echo "    # $out"
	dmesg | grep 'fscache_sample' | sed 's/^/    # /'
	if ! echo "$out" | grep -q 'Invalid argument'; then
		tap_not_ok "$name (not EINVAL)"
	elif ! dmesg | grep 'fscache_sample' | grep -q "$param"; then
		tap_not_ok "$name (log does not name $param)"
	elif grep -q '^fscache_sample ' /proc/modules; then
		tap_not_ok "$name (module left loaded)"
	else
		tap_ok "$name"
	fi
}

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko"

reject "no parameters" source_dir
reject "source_dir missing" source_dir backing_dir="$cache"
reject "source_dir not found" source_dir source_dir=/nonexistent \
	backing_dir="$cache"
reject "source_dir is a file" source_dir source_dir="$src/a" \
	backing_dir="$cache"
reject "source_dir relative" source_dir source_dir=tmp/src \
	backing_dir="$cache"
reject "backing_dir missing" backing_dir source_dir="$src"
reject "backing_dir inside source_dir" backing_dir source_dir="$src" \
	backing_dir="$src/sub"
reject "backing_dir contains source_dir" backing_dir source_dir="$src" \
	backing_dir=/tmp
reject "backing_dir equals source_dir" backing_dir source_dir="$src" \
	backing_dir="$src"
reject "in_flight zero" in_flight source_dir="$src" backing_dir="$cache" \
	in_flight=0
reject "in_flight too large" in_flight source_dir="$src" \
	backing_dir="$cache" in_flight=1025
reject "in_flight not a number" in_flight source_dir="$src" \
	backing_dir="$cache" in_flight=many
reject "fail_file not found" fail_file source_dir="$src" \
	backing_dir="$cache" fail_file=nosuch
reject "fail_file index too large" fail_file source_dir="$src" \
	backing_dir="$cache" fail_file=3
reject "fail_file empty file" fail_file source_dir="$src" \
	backing_dir="$cache" fail_file=empty

tap_check "valid load after rejected ones" insmod "$mod" \
	source_dir="$src" backing_dir="$cache" in_flight=1024
tap_check "valid load finishes" sample_wait 60 0
tap_check "valid load verified every byte" sample_all_verified
tap_check "rmmod fscache_sample" rmmod fscache_sample
tap_check "ops balanced" sample_ops_balanced
tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
