#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The short torture pass of `make check`: 15 s in each debug guest, with
# one `ok`/`not ok` line per guest in build/results/torture.txt.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

mkdir -p "$RESULTS_DIR"
: >"$RESULTS_DIR/torture.txt"
exec "$TOP/tests/torture.sh" --quick --results "$RESULTS_DIR/torture.txt"
