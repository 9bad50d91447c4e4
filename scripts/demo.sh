#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build what is missing, boot the UML debug guest, and have
# the sample backend cache a real folder tree through the operation
# manager (tests/guest/demo.sh runs in the guest). Installs missing Debian
# packages first (as root).
#
# Usage: [DEMO_SOURCE=FOLDER] scripts/demo.sh [run-guest.sh option]...
#
#   DEMO_SOURCE   the tree to cache, mounted read-only in the guest through
#                 hostfs (default: Documentation/ of the kernel source
#                 tree, about 10,000 files)
#
# Shows the guest script's output and the modules' log lines; the whole
# console is in build/logs/guest-demo-um-debug.log. Exits 0 only if every
# byte was verified and the manager released every operation it
# initialised.
set -eu -o pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/install-deps.sh"
out=$("$TOP/scripts/build-modules.sh" um debug)
kernel_source_vars
source_dir=${DEMO_SOURCE:-$KSRC/Documentation}
[ -d "$source_dir" ] ||
	die "DEMO_SOURCE=$source_dir is not a folder; give a folder to cache"
source_dir=$(cd "$source_dir" && pwd)
mapfile -t modules < <(find "$out" -name '*.ko' | sort)
script=$TOP/tests/guest/demo.sh
# The script's own --ro-dir names the default tree; this one replaces it.
directives=$(guest_directives "$script" | sed 's/--ro-dir [^ ]*//g')

# Guest output only: drop the boot log and the kernel lines that are not
# from our modules, but keep the runner's own lines. Its standard error
# joins the pipe so that its verdict comes after the guest's output.
show_guest_output()
{
	awk '/^run-guest: init started/ { shown = 1 }
	/^(build-[a-z]+|run-guest(\.sh)?): / ||
	shown && (!/^\[ *[0-9.]+\] / || /\] fscache_(ops|sample): /) {
		print
		fflush()
	}'
}

log "caching $source_dir in the guest (console: $LOG_DIR/guest-demo-um-debug.log)"
# shellcheck disable=SC2086 # directives are option words
"$TOP/scripts/run-guest.sh" --arch um --variant debug \
	--script "$script" --name demo --modules "${modules[*]}" \
	--ro-dir "$source_dir:/data" $directives "$@" 2>&1 | show_guest_output
