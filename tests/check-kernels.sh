#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The stock-kernel layer of `make check`: for Debian's 6.1 and 6.12 amd64
# kernels, build the modules against the unpacked headers (W=1, no
# warnings), boot the stock kernel in QEMU twice (the kernel's fscache
# loaded before ours, then after ours), and test the DKMS packaging and
# `make install` against the same headers.
#
# Writes one `ok <name>` or `not ok <name>` line per case to
# build/results/kernels.txt (replacing it) and exits non-zero if any case
# failed. Works from a cold cache: it downloads the kernel packages
# (about 200 MB for both series) with apt-get download on first use.
#
# Usage: tests/check-kernels.sh [SERIES...]    (default: 6.1 6.12)
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/stock-lib.sh
. "$(dirname "$0")/../scripts/stock-lib.sh"

results=$RESULTS_DIR/kernels.txt
scripts=$TOP/scripts
mkdir -p "$RESULTS_DIR" "$BUILD_DIR/stock"
: >"$results"

# Append result lines (`ok <name>` / `not ok <name>`) read from stdin.
collect()
{
	grep -E '^(not )?ok ' | tee -a "$results" || true
}

# Record one case from the exit status of the previous command.
record()
{
	local status=$1 name=$2

	if [ "$status" -eq 0 ]; then
		echo "ok $name" | collect
	else
		echo "not ok $name" | collect
	fi
}

# Boot SERIES with ORDER and record every TAP line of the guest as a case.
# The boot itself is a case too, so that a timeout or a crash shows up.
boot_case()
{
	local series=$1 order=$2 status=0 tap

	tap=$(mktemp)
	"$scripts/stock-boot.sh" "$series" "$order" >"$tap" || status=$?
	sed -n "s/^\(not \)\{0,1\}ok [0-9]* - \(.*\)$/\1ok stock-$series $order: \2/p" \
		"$tap" | collect
	rm -f "$tap"
	record "$status" "stock-$series $order boot"
}

check_series()
{
	local series=$1 krel status start

	start=$(date +%s)
	status=0
	krel=$(stock_release "$series") || status=$?
	if [ "$status" -eq 0 ]; then
		stock_fetch "$krel" >/dev/null || status=$?
	fi
	record "$status" "stock-$series fetch"
	[ "$status" -eq 0 ] || return 0
	log "$series is $krel"

	status=0
	"$scripts/stock-kernels.sh" "$series" || status=$?
	record "$status" "stock-$series build W=1"
	if [ "$status" -eq 0 ]; then
		status=0
		"$scripts/stock-initramfs.sh" "$series" >/dev/null || status=$?
		record "$status" "stock-$series initramfs"
		if [ "$status" -eq 0 ]; then
			boot_case "$series" kernel-first
			boot_case "$series" ours-first
		fi
	fi

	"$TOP/tests/stock-dkms.sh" "$series" | collect
	"$TOP/tests/stock-install.sh" "$series" | collect
	log "$series ($krel) checked in $(($(date +%s) - start)) s"
}

# shellcheck disable=SC2086 # a list of series
[ $# -gt 0 ] || set -- $STOCK_SERIES
for series in "$@"; do
	# A failing step must not stop the other series: run each in a
	# subshell, whose own failure is recorded too.
	status=0
	(check_series "$series") || status=$?
	[ "$status" -eq 0 ] || record "$status" "stock-$series checks completed"
done

passed=$(grep -c '^ok ' "$results" || true)
failed=$(grep -c '^not ok ' "$results" || true)
log "$passed passed, $failed failed (results in $results)"
[ "$failed" -eq 0 ]
