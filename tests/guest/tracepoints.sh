#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Enable the fscache_ops trace events through tracefs, run operations,
# and check the trace. The three events must fire, and an operation that
# started at submission must show INIT, SUBMIT, START, COMPL and RELEAS
# in that order. No operation may have an event after its release.
#
# The operations come from fscache_ops_torture.ko (a short run) if it was
# built, else from the KUnit module; without either, or without tracefs,
# the cases are skipped. Runs in the UML debug guest.
# run-guest: --timeout 900
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh

mod=$MODDIR/fscache_ops.ko
torture=$MODDIR/fscache_ops_torture.ko
kunit=$MODDIR/fscache_ops_kunit.ko
tracing=/sys/kernel/tracing
trace=/tmp/trace.txt

if [ ! -d "$tracing/events" ]; then
	mount -t tracefs tracefs "$tracing" 2>/dev/null
fi
if [ ! -d "$tracing/events" ]; then
	tap_ok "trace events # SKIP no tracefs in this kernel"
	tap_done
fi

tap_check "insmod fscache_ops" insmod "$mod" || tap_done
events=$tracing/events/fscache_ops
tap_check "events/fscache_ops exists" test -d "$events"
for e in fscache_ops_op fscache_ops_op_ref fscache_ops_object; do
	tap_check "event $e exists" test -f "$events/$e/enable"
done

echo 0 >"$tracing/tracing_on"
: >"$tracing/trace"
# Room for a burst of events on each CPU, in KiB.
echo 8192 >"$tracing/buffer_size_kb"
tap_check "enable the fscache_ops events" sh -c "echo 1 >'$events/enable'"
tap_check "events/fscache_ops/enable reads 1" grep -qx 1 "$events/enable"
echo 1 >"$tracing/tracing_on"

if [ -f "$torture" ]; then
	insmod "$torture" duration=2 death_ms=0 sigkill_ms=0 max_inflight=64
	left=120
	while [ $left -gt 0 ] &&
		! dmesg | grep -q 'fscache_ops_torture: summary '; do
		sleep 1
		left=$((left - 1))
	done
	tap_check "rmmod fscache_ops_torture" rmmod fscache_ops_torture
elif [ -f "$kunit" ]; then
	insmod "$kunit"
	tap_check "rmmod fscache_ops_kunit" rmmod fscache_ops_kunit
else
	tap_ok "operations traced # SKIP no torture or KUnit module"
	tap_check "rmmod fscache_ops" rmmod fscache_ops
	tap_done
fi

echo 0 >"$tracing/tracing_on"
tap_check "disable the fscache_ops events" sh -c "echo 0 >'$events/enable'"
cat "$tracing/trace" >"$trace"
echo "    # $(grep -c 'fscache_ops_' "$trace") fscache_ops events traced"
for e in fscache_ops_op fscache_ops_op_ref fscache_ops_object; do
	tap_check "$e events traced" grep -q " $e: " "$trace"
done

# One line per op: its debug id, then its fscache_ops_op reasons in order.
awk '
	/ fscache_ops_op: / {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^op=/) {
				id = substr($i, 4)
				why = $(i + 2)
				break
			}
		if (!(id in seq))
			order[n++] = id
		seq[id] = seq[id] " " why
	}
	END { for (i = 0; i < n; i++) print order[i] seq[order[i]] }
' "$trace" >/tmp/ops.txt
echo "    # $(wc -l </tmp/ops.txt) ops traced; the first ones:"
head -n 5 /tmp/ops.txt | sed 's/^/    # /'

# The trace buffer may have dropped the start of the run, so only ops
# whose INIT was kept are judged.
full=$(grep -c '^[0-9a-f]* INIT' /tmp/ops.txt)
if [ "$full" -gt 0 ]; then
	tap_ok "$full ops traced from INIT on"
else
	tap_not_ok "no op traced from INIT on"
fi
match=$(grep -m 1 '^[0-9a-f]* INIT SUBMIT START COMPL RELEAS$' /tmp/ops.txt)
if [ -n "$match" ]; then
	grep " op=${match%% *} " "$trace" | sed 's/^/    # /'
	tap_ok "op ${match%% *}: INIT SUBMIT START COMPL RELEAS in order"
else
	tap_not_ok "no op with INIT SUBMIT START COMPL RELEAS in order"
fi
late=$(grep ' RELEAS .' /tmp/ops.txt | head -n 3)
if [ -z "$late" ]; then
	tap_ok "no op event after RELEAS"
else
	echo "$late" | sed 's/^/    # /'
	tap_not_ok "op events after RELEAS"
fi
# Every op that was submitted after its INIT was kept starts, is rejected
# or pends, and every started op completes or is cancelled before release.
bad=$(awk '$2 == "INIT" && / RELEAS$/ {
		s = $0
		if (s ~ / START / && s !~ / START .*(COMPL|CANCEL)/) print
		if (s ~ / SUBMIT / && s !~ / SUBMIT (START|PEND|REJECT)/) print
	}' /tmp/ops.txt | head -n 3)
if [ -z "$bad" ]; then
	tap_ok "released ops: started ones completed or cancelled first"
else
	echo "$bad" | sed 's/^/    # /'
	tap_not_ok "released ops with transitions out of order"
fi

tap_check "rmmod fscache_ops" rmmod fscache_ops
tap_done
