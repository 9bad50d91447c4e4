#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark the operation manager in the QEMU x86_64 bench guest (no
# lockdep, KASAN or kmemleak) and print a table of ratios to baselines
# measured the same way in the same boot.
#
# Usage: tests/bench.sh [--rounds N] [--quick]
#
# Runs:
#   1. 2 CPUs, the module as built by default (per-CPU event counters):
#      every benchmark of fscache_ops_bench.ko;
#   2. 2 CPUs, the module built with -DFSCACHE_OPS_STATS_SHARED (event
#      counters in one array of atomics shared by all CPUs, see
#      internal.h): the throughput benchmarks again, to compare the
#      per-CPU counters with shared ones;
#   3. 2 CPUs, the module built with CONFIG_FSCACHE_OPS_STATS=n (no
#      event counters): the throughput benchmarks again, to price the
#      counters;
#   4. 1 CPU, per-CPU counters: the scaling benchmark, for the ratio of
#      2 CPUs to 1.
# The table goes to stdout and to build/bench/table.md; the guests'
# consoles stay in build/bench/.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

rounds=7
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	--quick) rounds=3; shift ;;
	*) die "usage: $0 [--rounds N] [--quick]" ;;
	esac
done

work=$BUILD_DIR/bench
mods=$work/modules
rm -rf "$mods"
mkdir -p "$mods/percpu" "$mods/shared" "$mods/nostats"
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)

# 1. Three builds of the modules for the bench kernel.
out=$("$TOP/scripts/build-modules.sh" x86_64 bench)
cp "$out/fscache_ops.ko" "$out/tests/fscache_ops_bench.ko" "$mods/percpu/"
shared=1
if out=$(MODULES_LOG=$LOG_DIR/modules-x86_64-bench-shared.log \
	"$TOP/scripts/build-modules.sh" x86_64 bench \
	KCFLAGS=-DFSCACHE_OPS_STATS_SHARED); then
	cp "$out/fscache_ops.ko" "$out/tests/fscache_ops_bench.ko" \
		"$mods/shared/"
else
	warn "the build with shared counters failed; skipping that run"
	shared=0
fi
nostats=1
if out=$(MODULES_LOG=$LOG_DIR/modules-x86_64-bench-nostats.log \
	"$TOP/scripts/build-modules.sh" x86_64 bench \
	CONFIG_FSCACHE_OPS_STATS=n); then
	cp "$out/fscache_ops.ko" "$out/tests/fscache_ops_bench.ko" \
		"$mods/nostats/"
else
	warn "the build without event counters failed; skipping that run"
	nostats=0
fi

common="rounds=$rounds slow_max_active=16"
throughput="tests=fast,slow,mythread,scale"
g=/lib/bench

# 2. Boot with 2 CPUs, then with 1.
run_guest()
{
	local smp=$1 runs=$work/runs-smp$1

	cat >"$runs"
	log "running the benchmarks with $smp CPU(s)"
	"$TOP/scripts/run-guest.sh" --arch x86_64 --variant bench \
		--smp "$smp" --script "$TOP/tests/guest/bench.sh" \
		--name "bench-smp$smp" --ro-dir "$mods:$g" \
		--extra-file "$runs:/etc/fscache-ops/bench.runs" \
		--timeout 1200 >"$work/console-smp$smp.txt" 2>&1 ||
		die "the bench guest with $smp CPU(s) failed; see $work/console-smp$smp.txt"
}

{
	echo "percpu $g/percpu/fscache_ops.ko $g/percpu/fscache_ops_bench.ko $common"
	[ $shared -eq 0 ] ||
		echo "shared $g/shared/fscache_ops.ko $g/shared/fscache_ops_bench.ko $common $throughput"
	[ $nostats -eq 0 ] ||
		echo "nostats $g/nostats/fscache_ops.ko $g/nostats/fscache_ops_bench.ko $common $throughput"
} | run_guest 2
echo "percpu1 $g/percpu/fscache_ops.ko $g/percpu/fscache_ops_bench.ko $common tests=mythread,scale" |
	run_guest 1

load_after=$(cut -d ' ' -f 1-3 /proc/loadavg)

# 3. The table.
results=$(cat "$work/console-smp2.txt" "$work/console-smp1.txt" |
	sed -n 's/^bench-out \([a-z0-9]*\): .*fscache_ops_bench: result /\1 /p')
costs=$(sed -n 's/^bench-out percpu: .*fscache_ops_bench: cost what=\([a-z_]*\) ps=\([0-9]*\).*/\1 \2/p' \
	"$work/console-smp2.txt")
sizes=$(sed -n 's/^bench-out percpu: .*fscache_ops_bench: sizes: //p' \
	"$work/console-smp2.txt" | head -n 1)

# Print the median of one field: value RUN TEST FIELD
value()
{
	printf '%s\n' "$results" | awk -v run="$1" -v test="$2" -v f="$3" '
		$1 == run { ok = 0; v = ""
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "test" && kv[2] == test) ok = 1
				if (kv[1] == f) v = kv[2]
			}
			if (ok) { print v; exit }
		}'
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'
}

target_row()
{
	local name=$1 test=$2 unit=$3 target=$4 cmp=$5 ours base r sp met

	ours=$(value percpu "$test" ours)
	base=$(value percpu "$test" base)
	r=$(value percpu "$test" ratio)
	sp=$(value percpu "$test" spread)
	[ -n "$ours" ] || return 0
	met=$(awk -v r="$r" -v t="$target" -v c="$cmp" 'BEGIN {
		if (c == "ge") print (r >= t ? "yes" : "no");
		else if (c == "le") print (r <= t ? "yes" : "no");
		else print "-" }')
	printf '| %s | %s %s | %s %s | %s | %s | %s | %s |\n' "$name" \
		"$ours" "$unit" "$base" "$unit" "$r" "$sp" "$target" "$met"
}

{
	echo "| benchmark (2 CPUs unless noted) | ours, median | baseline, median | ratio | spread ours/base | target | met |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	target_row "FAST ops vs queue_work (system_wq)" fast ops/s 0.95 ge
	target_row "SLOW ops vs queue_work (unbound, WQ_MEM_RECLAIM)" slow ops/s 0.95 ge
	target_row "MYTHREAD submit+put vs lock-pair loop" mythread ops/s 0.5 ge
	target_row "exclusive hand-off vs queue_work latency" handoff ns - -
	target_row "scaling, MYTHREAD, all CPUs" scale_mythread ops/s - -
	target_row "scaling, FAST, all CPUs" scale_fast ops/s - -

	for t in scale_mythread scale_fast; do
		two=$(value percpu "$t" ours)
		one=$(value percpu1 "$t" ours)
		if [ -z "$two" ] || [ -z "$one" ]; then continue; fi
		r=$(ratio "$two" "$one")
		met=$(awk -v r="$r" 'BEGIN { print (r >= 1.8 ? "yes" : "no") }')
		echo "| $t: 2 CPUs vs 1 CPU | $two ops/s | $one ops/s | $r | - | 1.8 | $met |"
	done
	two=$(value percpu scale_fast base)
	one=$(value percpu1 scale_fast base)
	if [ -n "$two" ] && [ -n "$one" ]; then
		echo "| lock-pair loop (baseline): 2 CPUs vs 1 CPU | $two ops/s | $one ops/s | $(ratio "$two" "$one") | - | - | - |"
	fi

	# Runs loaded one after the other: compare the figures themselves,
	# with each run's spread beside them.
	for other in shared nostats; do
		case $other in
		shared) [ $shared -eq 1 ] || continue; what="shared atomic counters" ;;
		nostats) [ $nostats -eq 1 ] || continue; what="no counters" ;;
		esac
		for t in fast slow mythread scale_mythread scale_fast; do
			on=$(value percpu "$t" ours)
			off=$(value "$other" "$t" ours)
			if [ -z "$on" ] || [ -z "$off" ]; then continue; fi
			sp_on=$(value percpu "$t" spread)
			sp_off=$(value "$other" "$t" spread)
			echo "| $t: per-CPU counters vs $what | $on ops/s | $off ops/s | $(ratio "$on" "$off") | ${sp_on%%/*}/${sp_off%%/*} | - | - |"
		done
	done

	op=$(printf '%s\n' "$sizes" | sed -n 's/.*struct fscache_operation=\([0-9]*\).*/\1/p')
	obj=$(printf '%s\n' "$sizes" | sed -n 's/.*struct fscache_object=\([0-9]*\).*/\1/p')
	if [ -n "$op" ]; then
		met=$([ "$op" -le 128 ] && echo yes || echo no)
		echo "| sizeof(struct fscache_operation) | $op bytes | - | - | - | 128 | $met |"
		echo "| sizeof(struct fscache_object) | $obj bytes | - | - | - | - | - |"
	fi
} >"$work/table.md"

{
	echo "| primitive (2 CPUs, one thread) | ns per call |"
	echo "| --- | --- |"
	printf '%s\n' "$costs" | awk 'NF == 2 { printf "| %s | %.1f |\n", $1, $2 / 1000 }'
} >"$work/costs.md"

echo
echo "Kernel: $(sed -n 's/.*Linux version \([^ ]*\).*/\1/p' "$work/console-smp2.txt" | head -n 1) (x86_64 bench variant)"
hv=$(sed -n 's/.*Hypervisor detected: \(.*\)/\1/p' "$work/console-smp2.txt" | head -n 1)
echo "QEMU accelerator: ${hv:+KVM (guest saw hypervisor $hv)}${hv:-TCG (no hypervisor detected)}"
echo "Host load average: $load_before before, $load_after after"
echo "Rounds: $rounds; ratios are ours/baseline (for hand-off, lower is better)"
cat "$work/table.md"
echo
cat "$work/costs.md"
