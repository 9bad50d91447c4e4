#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian 12 packages that building and testing need, when
# they are missing. Needs root for the install; a user who has them all
# needs no root.
#
# Usage: scripts/install-deps.sh
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

packages=(
	# kernel and module builds
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
	python3 perl rsync xz-utils cpio
	"$KSRC_PKG"
	# guests: busybox for the initramfs, QEMU for x86_64
	busybox-static qemu-system-x86
	# static checks (git lists the files checkpatch reads)
	sparse git
	# the DKMS install test of the stock-kernel layer
	dkms
)
ensure_packages "${packages[@]}"
