#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kunit-intree`: run the KUnit suites with the kernel's own
# kunit.py, which builds in tree, for developers who want its workflow
# (filters, --raw_output, --arch=x86_64 with --qemu_args).
#
# Usage: scripts/kunit-intree.sh [kunit.py run option]...
#   e.g. scripts/kunit-intree.sh --arch=x86_64 --qemu_args="-smp 2"
#
# The overlay: a hard-linked copy of the cached 6.12 tree in
# $CACHE_DIR/src/kunit-linux-<version>/ (cheap, and the shared tree stays
# untouched), with fs/fscache_ops a symbolic link to this clone and one
# line appended to the copy's fs/Kconfig and fs/Makefile each. kunit.py
# then runs with --kunitconfig=tests/.kunitconfig and its build folder in
# $CACHE_DIR/kunit-build/.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/fetch-kernel.sh" >/dev/null
kernel_source_vars
[ -f "$TOP/Kconfig" ] || die "$TOP/Kconfig is missing; the in-tree build needs it"
[ -f "$TOP/tests/.kunitconfig" ] || die "$TOP/tests/.kunitconfig is missing"

tree=$CACHE_DIR/src/kunit-linux-$KVER
stamp=$tree/.fscache-ops-overlay
if [ ! -f "$stamp" ]; then
	log "making the overlay tree $tree"
	rm -rf "$tree"
	cp -al "$KSRC" "$tree"
	# Give the two edited files their own inodes, so the edits do not
	# reach the shared tree through the hard links.
	for f in fs/Kconfig fs/Makefile; do
		cp --remove-destination "$KSRC/$f" "$tree/$f"
	done
	echo 'source "fs/fscache_ops/Kconfig"' >>"$tree/fs/Kconfig"
	# shellcheck disable=SC2016 # a make variable, not a shell one
	echo 'obj-$(CONFIG_FSCACHE_OPS) += fscache_ops/' >>"$tree/fs/Makefile"
	touch "$stamp"
fi
ln -sfn "$TOP" "$tree/fs/fscache_ops"

arch=um
for arg in "$@"; do
	case $arg in
	--arch=*) arch=${arg#--arch=} ;;
	esac
done
build=$CACHE_DIR/kunit-build/$arch
mkdir -p "$build"
cd "$tree"
exec python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$TOP/tests/.kunitconfig" --build_dir="$build" \
	--jobs="$JOBS" "$@"
