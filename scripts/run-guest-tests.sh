#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every guest script in tests/guest/ in the UML debug guest.
#
# Usage: scripts/run-guest-tests.sh [SCRIPT]...
#
# Each script boots its own guest with all of the project's modules in
# /lib/modules-ours/ (fscache_ops.ko, the test and sample modules). A
# script may add run-guest.sh options on header lines of the form
#
#   # run-guest: --allow-warnings --timeout 600
#   # run-guest: --ro-dir @KSRC@/Documentation:/data
#
# where @TOP@ is the clone and @KSRC@ the kernel source tree, or opt out
# with "# run-guest: skip" (for scripts that another runner boots; the
# stock-*.sh scripts, run by scripts/stock-boot.sh, are skipped too).
#
# Results go to build/results/guest.txt: one line per TAP case the script
# printed, "ok guest.<script>.<case>", and one line for the run itself,
# "ok guest.<script>", which fails on a non-zero exit status, a timeout
# or a kernel report.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

layer=guest
mkdir -p "$RESULTS_DIR"
: >"$RESULTS_DIR/$layer.txt"

if [ $# -gt 0 ]; then
	scripts=("$@")
else
	scripts=("$TOP"/tests/guest/*.sh)
fi

if ! out=$("$TOP/scripts/build-modules.sh" um debug); then
	result "$layer" fail "$layer.build"
	exit 1
fi
kernel_source_vars
mapfile -t modules < <(find "$out" -name '*.ko' | sort)

failed=0
for script in "${scripts[@]}"; do
	[ -f "$script" ] || continue
	name=$(basename "$script" .sh)
	case $name in
	stock-*) continue ;;
	esac
	directives=$(guest_directives "$script")
	if [ "$directives" = "skip " ]; then
		log "skipping $name (run by another runner)"
		continue
	fi

	status=0
	# shellcheck disable=SC2086 # directives are option words
	"$TOP/scripts/run-guest.sh" --arch um --variant debug \
		--script "$script" --name "$name" \
		--modules "${modules[*]}" $directives \
		>"$LOG_DIR/$layer-$name.run.log" 2>&1 || status=$?
	tail -n 3 "$LOG_DIR/$layer-$name.run.log" >&2
	console=$LOG_DIR/guest-$name-um-debug.log

	# TAP lines from the guest: "ok 3 - name" or "not ok 3 - name".
	tr -d '\r' <"$console" |
		sed -n -E 's/^(not ok|ok) [0-9]+ - (.*)$/\1 '"$layer.$name"'.\2/p' \
			>>"$RESULTS_DIR/$layer.txt"

	if [ "$status" -eq 0 ]; then
		result "$layer" ok "$layer.$name"
	else
		warn "$name failed with status $status; see $console"
		result "$layer" fail "$layer.$name"
		failed=1
	fi
done
grep -q . "$RESULTS_DIR/$layer.txt" || {
	warn "no guest scripts found in tests/guest/"
	result "$layer" fail "$layer.scripts"
	failed=1
}
exit $failed
