#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Run fscache_ops_torture.ko once per line of /etc/fscache-ops/torture.runs
# and check each run's summary. A line is a run name, a mode and the
# module parameters:
#
#   NAME full|cut|traced PARAM=VALUE...
#
# "full" waits for the run to end on its own; "cut" removes the module
# two seconds after loading it, which must stop the run cleanly;
# "traced" is "full" with the manager's tracepoints enabled, so that the
# code behind them runs too. Each run prints its summary line on the
# console for tests/torture.sh.
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh

runs=/etc/fscache-ops/torture.runs
summary_re='fscache_ops_torture: summary '

# Wait up to $1 seconds for the summary line of the current run.
wait_summary()
{
	local left=$1

	while [ "$left" -gt 0 ]; do
		dmesg | grep -q "$summary_re" && return 0
		sleep 1
		left=$((left - 1))
	done
	return 1
}

field()
{
	printf '%s\n' "$2" | sed -n "s/.* $1=\([0-9-]*\).*/\1/p"
}

tap_check "insmod fscache_ops" insmod "$MODDIR/fscache_ops.ko" || tap_done

while read -r name mode params; do
	case $name in '' | '#'*) continue ;; esac
	duration=$(printf '%s\n' "$params" | sed -n 's/.*duration=\([0-9]*\).*/\1/p')
	duration=${duration:-10}

	events=/sys/kernel/tracing/events/fscache_ops/enable
	if [ "$mode" = traced ]; then
		if [ -w $events ]; then
			echo 1 >$events
		else
			tap_not_ok "$name: tracepoints available"
			continue
		fi
	fi
	dmesg -c >/dev/null
	# shellcheck disable=SC2086 # the parameters are separate words
	if ! insmod "$MODDIR/fscache_ops_torture.ko" $params; then
		tap_not_ok "$name: insmod fscache_ops_torture"
		continue
	fi
	if [ "$mode" = cut ]; then
		sleep 2
		tap_check "$name: rmmod in the middle of the run" \
			rmmod fscache_ops_torture
	fi
	if ! wait_summary $((duration + 120)); then
		tap_not_ok "$name: summary printed"
		continue
	fi
	[ "$mode" = cut ] || tap_check "$name: rmmod" rmmod fscache_ops_torture
	[ "$mode" != traced ] || echo 0 >$events

	line=$(dmesg | grep "$summary_re" | tail -n 1)
	echo "torture-summary $name: ${line#*summary }"
	violations=$(field violations "$line")
	ops=$(field ops "$line")
	released=$(field released "$line")
	if [ "$violations" = 0 ]; then
		tap_ok "$name: no violations"
	else
		dmesg | grep VIOLATION | head -n 20
		tap_not_ok "$name: $violations violations"
	fi
	if [ -n "$ops" ] && [ "$ops" = "$released" ] && [ "$ops" -gt 0 ]; then
		tap_ok "$name: every op released ($ops)"
	else
		tap_not_ok "$name: ops=$ops released=$released"
	fi
done <"$runs"

tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
