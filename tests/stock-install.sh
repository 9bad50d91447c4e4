#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test `make install` against a Debian stock kernel's unpacked headers:
# install into a staging folder (INSTALL_MOD_PATH) from a copy of the
# sources, then check the installed module with modinfo: license,
# version, description, author, and a description for every parameter.
# The host's /lib/modules must stay unchanged.
#
# Usage: tests/stock-install.sh SERIES
# Prints one `ok <name>` or `not ok <name>` line per case; exits non-zero
# if any case failed. Run scripts/stock-kernels.sh SERIES first.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/stock-lib.sh
. "$(dirname "$0")/../scripts/stock-lib.sh"

[ $# -eq 1 ] || die "usage: $0 SERIES"
series=$1
ensure_packages kmod make gcc-12

krel=$(stock_release "$series")
kdir=$(stock_kdir "$krel")
work=$(stock_out "$krel")/install
staging=$work/staging
log_file=$work.log
[ -f "$CACHE_DIR/debs/$krel/.unpacked" ] ||
	die "$krel is not fetched yet; run scripts/stock-kernels.sh $series"

failed=0
case_result()
{
	local status=$1 name=$2

	if [ "$status" -eq 0 ]; then
		echo "ok install-$series $name"
	else
		echo "not ok install-$series $name"
		failed=$((failed + 1))
	fi
}

# Run a command as case NAME, its output going to the log.
run_case()
{
	local name=$1 status=0

	shift
	echo "### $name: $*" >>"$log_file"
	"$@" >>"$log_file" 2>&1 || status=$?
	case_result "$status" "$name"
	return "$status"
}

host_state()
{
	find "/lib/modules/$krel" -maxdepth 3 -printf '%p %y %s %T@\n' \
		2>/dev/null | sort | sha256sum
}

# Check that modinfo FIELD of the installed module is not empty.
has_field()
{
	local field=$1 value

	value=$(modinfo -F "$field" "$installed")
	echo "$field: $value"
	[ -n "$value" ]
}

# Check that every parameter has a description: modinfo prints
# "name:description (type)", and "name: (type)" or "name:(type)" without.
params_described()
{
	local line bad=0

	while IFS= read -r line; do
		echo "parm: $line"
		case ${line#*:} in
		"" | "(*" | " (*") bad=1 ;;
		esac
	done < <(modinfo -F parm "$installed")
	return "$bad"
}

rm -rf "$work" "$log_file"
mkdir -p "$staging"
stock_copy_sources "$work/src"
before=$(host_state)

run_case "make install" make -C "$work/src" install \
	INSTALL_MOD_PATH="$staging" KDIR="$kdir" || true
installed=$(find "$staging/lib/modules/$krel" -name 'fscache_ops.ko*' \
	-print -quit 2>/dev/null || true)
if run_case "module installed" test -n "$installed"; then
	run_case "depmod lists module" grep -q 'fscache_ops\.ko' \
		"$staging/lib/modules/$krel/modules.dep" || true
	for field in license version description author; do
		run_case "modinfo $field" has_field "$field" || true
	done
	run_case "modinfo parameter descriptions" params_described || true
fi
run_case "host module folder unchanged" test "$before" = "$(host_state)" ||
	true

[ "$failed" -eq 0 ] || log "$failed install case(s) failed for $krel; see $log_file"
[ "$failed" -eq 0 ]
