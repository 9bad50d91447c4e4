#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a test script that lives with its tests, for the Makefile targets
# torture, bench and check-kernels.
#
# Usage: scripts/run-hook.sh NAME SCRIPT [ARG]...
#
# SCRIPT is relative to the clone. It must exist; a missing one is an
# error, so `make torture` never passes without running a torture test.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: $0 NAME SCRIPT [ARG]..."
name=$1
script=$TOP/$2
shift 2
[ -f "$script" ] || die "$name: $script does not exist yet"
exec bash "$script" "$@"
