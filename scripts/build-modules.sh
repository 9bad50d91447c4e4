#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the project's modules against a cached test kernel.
#
# Usage: scripts/build-modules.sh um|x86_64 [debug|bench] [MAKE-ARG]...
#
# Kbuild in 6.12 writes an external module's objects next to its sources
# (it has no separate output folder for M= builds), so the sources
# are copied to build/<arch>/ (debug) or build/<arch>-bench/ and built
# there; the copy keeps its objects between runs, so rebuilds are
# incremental. Extra arguments go to make, e.g. W=1 or C=2. The output
# folder is printed on stdout; the log is build/logs/modules-<dir>.log,
# or $MODULES_LOG when set.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:-}
variant=${2:-debug}
shift $(($# < 2 ? $# : 2))
case $arch in
um | x86_64) ;;
*) die "usage: $0 um|x86_64 [debug|bench] [MAKE-ARG]..." ;;
esac

kbuild=$("$TOP/scripts/build-kernel.sh" "$arch" "$variant")
kernel_source_vars
out=$(module_build_dir "$arch" "$variant")
mkdir -p "$out" "$LOG_DIR"
logfile=${MODULES_LOG:-$LOG_DIR/modules-$(basename "$out").log}

# Copy the sources, keeping the build outputs (ignored by .gitignore)
# that the last build left, so make only rebuilds what changed.
rsync -a --delete --exclude=/.git --exclude=/build \
	--filter=':- .gitignore' "$TOP/" "$out/"

log "building modules for $arch-$variant in $out (log: $logfile)"
if ! make -C "$kbuild" ARCH="$arch" M="$out" -j"$JOBS" "$@" modules \
	>"$logfile" 2>&1; then
	tail -n 40 "$logfile" >&2
	die "building the modules for $arch-$variant failed; see $logfile"
fi
find "$out" -name '*.ko' -printf '    %P\n' | sort >&2
echo "$out"
