#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Run fscache_ops_bench.ko once per line of /etc/fscache-ops/bench.runs:
#
#   NAME CORE-MODULE BENCH-MODULE PARAM=VALUE...
#
# The bench runs while the module loads. Its log lines are printed again
# as "bench-out NAME: ..." so that tests/bench.sh can tell runs apart.
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh

while read -r name core bench params; do
	case $name in '' | '#'*) continue ;; esac
	dmesg -c >/dev/null
	tap_check "$name: insmod core" insmod "$core" || continue
	# shellcheck disable=SC2086 # the parameters are separate words
	if tap_check "$name: bench" insmod "$bench" $params; then
		dmesg | grep 'fscache_ops_bench: ' | sed "s/^/bench-out $name: /"
		tap_check "$name: rmmod bench" rmmod fscache_ops_bench
	fi
	tap_check "$name: rmmod core" rmmod fscache_ops
done </etc/fscache-ops/bench.runs
tap_done
