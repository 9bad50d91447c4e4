#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a test kernel out of tree from Debian's 6.12 source.
#
# Usage: scripts/build-kernel.sh um|x86_64 [debug|bench]
#
# The build goes to $CACHE_DIR/kbuild/<arch>-<variant>-<hash>, where the
# hash covers the config fragments in scripts/configs/ and the kernel
# version. The config is UML's defconfig or x86_64's allnoconfig with the
# fragments merged on top (common-base, x86_64-base for x86_64,
# common-<variant>, <arch>-<variant>). A finished
# build leaves a stamp file, and a second call returns at once. The build
# folder is printed on stdout; the log is build/logs/kernel-<arch>-<variant>.log.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:-}
variant=${2:-debug}
case $arch in
um | x86_64) ;;
*) die "usage: $0 um|x86_64 [debug|bench]" ;;
esac
case $variant in
debug | bench) ;;
*) die "unknown variant '$variant' (expected debug or bench)" ;;
esac

"$TOP/scripts/fetch-kernel.sh" >/dev/null
kernel_source_vars
kbuild=$(kernel_build_dir "$arch" "$variant")
image=$(kernel_image "$arch" "$kbuild")
stamp=$kbuild/.fscache-ops-built

if [ -f "$stamp" ] && [ -f "$image" ]; then
	log "$arch-$variant kernel is up to date in $kbuild"
	echo "$kbuild"
	exit 0
fi

mkdir -p "$kbuild" "$LOG_DIR"
logfile=$LOG_DIR/kernel-$arch-$variant.log
log "building $arch-$variant kernel $KVER in $kbuild (log: $logfile)"
start=$(date +%s)

kmake()
{
	make -C "$KSRC" O="$kbuild" ARCH="$arch" "$@"
}

mapfile -t fragments < <(config_fragments "$arch" "$variant")
{
	kmake "$(config_base "$arch")"
	"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$kbuild" \
		"$kbuild/.config" "${fragments[@]}"
	kmake olddefconfig
} >"$logfile" 2>&1 || die "configuring the kernel failed; see $logfile"

# Report every option a fragment requests that Kconfig did not keep, for
# example one the arch does not support. The build goes on without it.
report=$kbuild/fscache-ops-dropped-options.txt
: >"$report"
grep -h -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' \
	"${fragments[@]}" | while read -r line; do
	case $line in
	"# "*)
		opt=${line#\# }
		opt=${opt%% *}
		actual=$(grep "^$opt=" "$kbuild/.config" || true)
		[ -z "$actual" ] || echo "$opt: requested off, got $actual" >>"$report"
		;;
	*)
		opt=${line%%=*}
		if ! grep -qx "$line" "$kbuild/.config"; then
			actual=$(grep "^$opt=" "$kbuild/.config" || echo "$opt unset")
			echo "$opt: requested ${line#*=}, got $actual" >>"$report"
		fi
		;;
	esac
done
if [ -s "$report" ]; then
	warn "options the $arch-$variant config did not keep:"
	sed 's/^/    /' "$report" >&2
fi

if ! kmake -j"$JOBS" >>"$logfile" 2>&1; then
	tail -n 30 "$logfile" >&2
	die "building the $arch-$variant kernel failed; see $logfile"
fi
[ -f "$image" ] || die "the build finished but $image is missing; see $logfile"

# Builds of the same arch and variant from older fragments are no longer
# used by this clone; remove them to bound the cache (about 1 GiB each).
for old in "$CACHE_DIR/kbuild/$arch-$variant"-*; do
	[ "$old" = "$kbuild" ] || [ ! -d "$old" ] || {
		log "removing the outdated build $old"
		rm -rf "$old"
	}
done

secs=$(($(date +%s) - start))
date -u '+%Y-%m-%dT%H:%M:%SZ' >"$stamp"
echo "build_seconds=$secs jobs=$JOBS" >>"$stamp"
log "built $arch-$variant kernel in $secs s"
echo "$kbuild"
