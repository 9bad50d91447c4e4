#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: install what is missing, build the test kernels and the
# modules, run every test layer and print the summary.
#
# Usage: scripts/check.sh [LAYER]...
#
# Layers, in order (default: all of them):
#   kernels       build the UML and x86_64 debug kernels (results in
#                 kernel-builds.txt)
#   static        scripts/check-static.sh
#   kunit-um      scripts/run-kunit.sh um
#   kunit-x86_64  scripts/run-kunit.sh x86_64
#   guest         scripts/run-guest-tests.sh (every tests/guest/*.sh in UML)
#   hooks         every tests/check-<name>.sh, when present
#
# Every layer writes "ok <name>" / "not ok <name>" lines to its file in
# build/results/. A layer that exits non-zero without writing a "not ok"
# line gets "not ok <layer>.run", so a layer that could not run is never
# counted as zero cases. The last line printed is
# scripts/summary.sh's "N passed, N failed"; the exit status is non-zero
# when any case failed.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

all_layers="kernels static kunit-um kunit-x86_64 guest hooks"
layers=${*:-$all_layers}

rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR" "$LOG_DIR"
check_start=$(date +%s)
timings=$LOG_DIR/check-timings.txt
: >"$timings"

# Print the number of "not ok" lines in all results files.
count_failures()
{
	cat "$RESULTS_DIR"/*.txt 2>/dev/null | grep -c '^not ok ' || true
}

# Run one layer: NAME names it in the log, the rest is the command. A
# layer that exits non-zero without adding a "not ok" line to any
# results file gets "not ok NAME.run" in build/results/NAME.txt.
run_layer()
{
	local name=$1 start status=0 failures_before

	shift
	log "=== $name: $*"
	start=$(date +%s)
	failures_before=$(count_failures)
	"$@" || status=$?
	echo "$name $(($(date +%s) - start)) s (status $status)" >>"$timings"
	if [ $status -ne 0 ] && [ "$(count_failures)" -eq "$failures_before" ]; then
		result "$name" fail "$name.run"
	fi
	log "=== $name finished with status $status in $(($(date +%s) - start)) s"
}

build_kernels()
{
	local arch status=0

	for arch in um x86_64; do
		if "$TOP/scripts/build-kernel.sh" "$arch" debug >/dev/null; then
			result kernel-builds ok "kernel-builds.$arch-debug"
		else
			result kernel-builds fail "kernel-builds.$arch-debug"
			status=1
		fi
	done
	return $status
}

run_hooks()
{
	local hook name found=0

	for hook in "$TOP"/tests/check-*.sh; do
		[ -f "$hook" ] || continue
		found=1
		name=$(basename "$hook" .sh)
		run_layer "$name" bash "$hook"
	done
	[ $found -eq 1 ] || log "no tests/check-*.sh hooks yet"
}

if ! "$TOP/scripts/install-deps.sh"; then
	result setup fail "setup.install-deps"
fi

for layer in $layers; do
	case $layer in
	kernels) run_layer kernel-builds build_kernels ;;
	static) run_layer static "$TOP/scripts/check-static.sh" ;;
	kunit-um) run_layer kunit-um "$TOP/scripts/run-kunit.sh" um ;;
	kunit-x86_64) run_layer kunit-x86_64 "$TOP/scripts/run-kunit.sh" x86_64 ;;
	guest) run_layer guest "$TOP/scripts/run-guest-tests.sh" ;;
	hooks) run_hooks ;;
	*) die "unknown layer '$layer' (expected one of: $all_layers)" ;;
	esac
done

echo "check finished in $(($(date +%s) - check_start)) s" >>"$timings"
log "layer times:"
sed 's/^/    /' "$timings" >&2
exec "$TOP/scripts/summary.sh"
