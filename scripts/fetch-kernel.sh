#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install Debian's linux-source-6.12 if missing and unpack it once into
# $CACHE_DIR/src/linux-<version>/. Prints the path of the tree.
#
# Usage: scripts/fetch-kernel.sh
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_packages "$KSRC_PKG" xz-utils
kernel_source_vars

stamp=$KSRC/.fscache-ops-unpacked
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(stat -c %Y "$KSRC_TAR")" ]; then
	echo "$KSRC"
	exit 0
fi

log "unpacking $KSRC_TAR into $KSRC"
start=$(date +%s)
mkdir -p "$CACHE_DIR/src"
tmp=$(mktemp -d "$CACHE_DIR/src/.unpack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$KSRC_TAR" -C "$tmp"
[ -f "$tmp/linux-source-$KSERIES/Makefile" ] ||
	die "$KSRC_TAR does not contain linux-source-$KSERIES/Makefile"
rm -rf "$KSRC"
mv "$tmp/linux-source-$KSERIES" "$KSRC"
stat -c %Y "$KSRC_TAR" >"$stamp"
log "unpacked in $(($(date +%s) - start)) s"
echo "$KSRC"
