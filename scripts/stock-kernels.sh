#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the modules against Debian's stock amd64 kernel headers.
#
# For each series (6.1 and 6.12 by default) this downloads the kernel's
# linux-image, linux-headers, linux-headers-*-common and linux-kbuild
# packages with apt-get download, unpacks them under
# $CACHE_DIR/debs/<release>/root/ (never installing them), and builds every
# module of the project with W=1 in a copy of the sources under
# build/stock/<release>/src/. Any compiler or modpost warning fails the
# build. The .ko files are collected in build/stock/<release>/ko/.
#
# Usage:
#   scripts/stock-kernels.sh [SERIES...]     fetch and build (default: 6.1 6.12)
#   scripts/stock-kernels.sh release SERIES  print the kernel release
#   scripts/stock-kernels.sh fetch SERIES    fetch only, print the headers KDIR
#
# FSCACHE_OPS_STOCK_6_1 and FSCACHE_OPS_STOCK_6_12 pin a release (e.g.
# 6.1.0-57-amd64); STOCK_SRC builds another source tree than this clone.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/stock-lib.sh
. "$(dirname "$0")/stock-lib.sh"

# gcc-12 is the compiler the stock kernels name in .kernelvariables; the
# 6.12 headers carry vmlinux for BTF of modules, which needs pahole.
ensure_packages gcc-12 make dwarves

# Build all modules of $STOCK_SRC against the headers of KREL.
build_one()
{
	local krel=$1 kdir out log start status=0

	kdir=$(stock_kdir "$krel")
	out=$(stock_out "$krel")
	log=$out/build.log
	stock_copy_sources "$out/src"
	rm -rf "$out/ko"
	mkdir -p "$out/ko"

	start=$(date +%s)
	log "building against $krel headers (W=1), log in $log"
	make -C "$kdir" M="$out/src" W=1 -j"$JOBS" modules >"$log" 2>&1 ||
		status=$?
	if [ "$status" -ne 0 ]; then
		tail -n 40 "$log" >&2
		die "build against $krel failed (exit $status), see $log"
	fi
	if grep -E '(^|[[:space:]])(warning|WARNING):' "$log" >&2; then
		die "build against $krel printed warnings (above), see $log"
	fi

	find "$out/src" -name '*.ko' -exec cp -t "$out/ko" {} +
	[ -f "$out/ko/fscache_ops.ko" ] ||
		die "build against $krel produced no fscache_ops.ko"
	log "built $(cd "$out/ko" && echo *.ko) for $krel in $(($(date +%s) - start)) s"
}

case ${1:-} in
release)
	[ $# -eq 2 ] || die "usage: $0 release SERIES"
	stock_release "$2"
	;;
fetch)
	[ $# -eq 2 ] || die "usage: $0 fetch SERIES"
	krel=$(stock_release "$2")
	stock_fetch "$krel" >/dev/null
	stock_kdir "$krel"
	;;
-*)
	die "unknown option '$1'; usage: $0 [release|fetch] [SERIES...]"
	;;
*)
	# shellcheck disable=SC2086 # a list of series
	[ $# -gt 0 ] || set -- $STOCK_SERIES
	for series in "$@"; do
		krel=$(stock_release "$series")
		stock_fetch "$krel" >/dev/null
		build_one "$krel"
	done
	;;
esac
