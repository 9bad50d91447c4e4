#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Torture the operation manager in the debug guests: UML (lockdep,
# kmemleak, UBSAN; uniprocessor) and QEMU x86_64 with 2 CPUs (the same
# plus KASAN).
#
# Usage: tests/torture.sh [--duration SECONDS] [--results FILE]
#                         [--arch um|x86_64] [--quick]
#
#   --duration S   length of the main run in each guest (default: 270 s
#                  on UML and 60 s on x86_64, or $TORTURE_DURATION for
#                  both)
#   --results F    append one `ok NAME` / `not ok NAME` line per check
#   --arch A       run one guest only (default both)
#   --quick        what `make check` runs: 15 s per guest
#
# Extra module parameters for the main runs may be given in
# $TORTURE_PARAMS, e.g. TORTURE_PARAMS="threads=8 excl_pct=30".
#
# Each guest also loads the module once and removes it two seconds into
# the run. The script fails if any run reports a violation, leaves an op
# unreleased, or the console shows a kernel report (lockdep, KASAN,
# kmemleak, UBSAN, a warning); it prints the totals of all runs last.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

# UML runs about 40k ops/s with KASAN, lockdep and kmemleak on this
# project's 2-core build machine and x86_64 under TCG about 5k, so the
# UML run is the longer one: 270 s there and 60 s on x86_64 add up to
# about 10^7 ops (measured: 7.87 million in a 200 s UML run).
duration=${TORTURE_DURATION:-}
results=
arches="um x86_64"
extra=${TORTURE_PARAMS:-}

while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	--arch) arches=$2; shift 2 ;;
	--quick) duration=15; shift ;;
	*) die "usage: $0 [--duration S] [--results FILE] [--arch A] [--quick]" ;;
	esac
done
case $duration in
'') ;;
*[!0-9]* | 0) die "invalid --duration '$duration'" ;;
esac

result()
{
	local status=$1 name=$2

	echo "$status $name"
	[ -z "$results" ] || echo "$status $name" >>"$results"
}

[ -z "$results" ] || mkdir -p "$(dirname "$results")"
work=$BUILD_DIR/torture
mkdir -p "$work"
failed=0
total_ops=0

for arch in $arches; do
	case $arch in
	um) params="threads=4 objects=8" arch_duration=${duration:-270} ;;
	x86_64) params="threads=4 objects=8" arch_duration=${duration:-60} ;;
	*) die "unknown arch '$arch'" ;;
	esac

	if ! out=$("$TOP/scripts/build-modules.sh" "$arch" debug); then
		result "not ok" "torture-$arch: modules built"
		failed=1
		continue
	fi
	runs=$work/$arch.runs
	{
		echo "# name mode parameters"
		echo "$arch-main full duration=$arch_duration $params $extra"
		echo "$arch-cut cut duration=30 $params"
	} >"$runs"

	log "running the torture test on $arch for ${arch_duration}s"
	console=$work/console-$arch.txt
	rc=0
	"$TOP/scripts/run-guest.sh" --arch "$arch" --variant debug \
		--script "$TOP/tests/guest/torture.sh" --name torture \
		--modules "$out/fscache_ops.ko $out/tests/fscache_ops_torture.ko" \
		--extra-file "$runs:/etc/fscache-ops/torture.runs" \
		--timeout $((arch_duration + 400)) >"$console" 2>&1 || rc=$?

	grep -E '^(ok|not ok) [0-9]+ - |torture-summary ' "$console" |
		sed 's/^/    /' || true
	if [ $rc -eq 0 ]; then
		result ok "torture-$arch"
	else
		grep -E 'VIOLATION|BUG:|WARNING:|KASAN|UBSAN|kmemleak:|lockdep|possible .* locking|run-guest:' \
			"$console" | head -n 30 | sed 's/^/    # /' || true
		result "not ok" "torture-$arch (guest exit $rc, console: $console)"
		failed=1
	fi

	while read -r ops; do
		total_ops=$((total_ops + ops))
	done < <(sed -n 's/.*torture-summary [^ ]*: ops=\([0-9]*\).*/\1/p' \
		"$console")
done

log "total ops over all runs: $total_ops"
exit $failed
