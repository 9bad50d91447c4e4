#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the result lines of every layer and print the closing line.
#
# Usage: scripts/summary.sh [RESULTS_DIR]
#
# Each build/results/<layer>.txt contains "ok <name>" and "not ok <name>"
# lines; "ok <name> # SKIP" counts as skipped. Prints a table of the
# layers, the failed cases, and last the line "N passed, N failed" (with
# ", N skipped" when there are skips). Exits 1 when a case failed or no
# result was found.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

dir=${1:-$RESULTS_DIR}
passed=0
failed=0
skipped=0

shopt -s nullglob
files=("$dir"/*.txt)
for f in "${files[@]}"; do
	p=$(grep -c -E '^ok ' "$f" || true)
	s=$(grep -c -E '^ok .* # SKIP' "$f" || true)
	n=$(grep -c -E '^not ok ' "$f" || true)
	printf '  %-24s %4d passed %4d failed %4d skipped\n' \
		"$(basename "$f" .txt)" $((p - s)) "$n" "$s"
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + n))
done
for f in "${files[@]}"; do
	grep -H -E '^not ok ' "$f" | sed "s|^$dir/||; s|^|  failed: |" || true
done
if [ ${#files[@]} -eq 0 ]; then
	echo "  no result files in $dir"
	failed=1
fi

line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line+=", $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
