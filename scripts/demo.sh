#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build what is missing, boot the UML debug guest and run
# tests/guest/demo.sh in it with all of the project's modules, printing
# the console. Installs missing Debian packages first (as root).
#
# Usage: scripts/demo.sh [run-guest.sh option]...
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/install-deps.sh"
out=$("$TOP/scripts/build-modules.sh" um debug)
kernel_source_vars
mapfile -t modules < <(find "$out" -name '*.ko' | sort)
script=$TOP/tests/guest/demo.sh
directives=$(guest_directives "$script")

# shellcheck disable=SC2086 # directives are option words
exec "$TOP/scripts/run-guest.sh" --arch um --variant debug \
	--script "$script" --name demo --modules "${modules[*]}" \
	$directives "$@"
