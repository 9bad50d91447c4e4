#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test the DKMS packaging (dkms.conf) against a Debian stock kernel's
# unpacked headers: dkms add, build, install, status and remove, all in a
# scratch DKMS tree under build/stock/<release>/dkms/, so nothing reaches
# the host's /var/lib/dkms, /usr/src or /lib/modules. The test checks
# that those host folders are unchanged afterwards.
#
# dkms 3.0.10 signs modules when it finds the kernel's sign-file, with a
# key it creates in /var/lib/dkms by default. It takes sign_file,
# mok_signing_key and mok_certificate from the environment when
# /etc/dkms/framework.conf does not set them. So the test points them at
# the unpacked sign-file and at a key made in the scratch tree.
#
# Usage: tests/stock-dkms.sh SERIES
# Prints one `ok <name>` or `not ok <name>` line per case; exits non-zero
# if any case failed. Run scripts/stock-kernels.sh SERIES first.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=scripts/stock-lib.sh
. "$(dirname "$0")/../scripts/stock-lib.sh"

[ $# -eq 1 ] || die "usage: $0 SERIES"
series=$1
ensure_packages dkms kmod openssl

krel=$(stock_release "$series")
root=$(stock_root "$krel")
kdir=$(stock_kdir "$krel")
scratch=$(stock_out "$krel")/dkms
log_file=$scratch.log
[ -f "$CACHE_DIR/debs/$krel/.unpacked" ] ||
	die "$krel is not fetched yet; run scripts/stock-kernels.sh $series"

failed=0
# Print a result line for case NAME from STATUS (0 passes).
case_result()
{
	local status=$1 name=$2

	if [ "$status" -eq 0 ]; then
		echo "ok dkms-$series $name"
	else
		echo "not ok dkms-$series $name"
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

# Print a fingerprint of the host folders dkms would use by default.
host_state()
{
	find /var/lib/dkms "/lib/modules/$krel" /usr/src -maxdepth 3 \
		-printf '%p %y %s %T@\n' 2>/dev/null | sort | sha256sum
}

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$STOCK_SRC/dkms.conf")
[ -n "$version" ] || die "no PACKAGE_VERSION in $STOCK_SRC/dkms.conf"

rm -rf "$scratch" "$log_file"
mkdir -p "$scratch/tree" "$scratch/src" "$scratch/root/lib/modules/$krel"
# dkms installs only for kernels present in the install tree. The module
# lists of the stock kernel stand in for its installed modules, which the
# test does not need.
cp "$root/lib/modules/$krel"/modules.{builtin,builtin.modinfo,order} \
	"$scratch/root/lib/modules/$krel/"
stock_copy_sources "$scratch/src/fscache-ops-$version"
before=$(host_state)

# dkms reads these variables from the environment (see above).
sign_file=$(echo "$root"/usr/lib/linux-kbuild-*/scripts/sign-file)
mok_signing_key=$scratch/mok.key
mok_certificate=$scratch/mok.pub
export sign_file mok_signing_key mok_certificate

trees=(--dkmstree "$scratch/tree" --sourcetree "$scratch/src"
	--installtree "$scratch/root/lib/modules")
target=(-m fscache-ops -v "$version" -k "$krel" --kernelsourcedir "$kdir")
installed=$scratch/root/lib/modules/$krel/updates/dkms/fscache_ops.ko

run_case "version matches module" \
	grep -q "^MODULE_VERSION(\"$version\");" "$STOCK_SRC/main.c" || true
if run_case add dkms add -m fscache-ops -v "$version" "${trees[@]}" &&
	run_case build dkms build "${target[@]}" "${trees[@]}" &&
	run_case install dkms install --no-depmod "${target[@]}" "${trees[@]}"; then
	run_case "installed module" test -f "$installed" || true
	run_case "installed vermagic" \
		sh -c "modinfo -F vermagic '$installed' | grep -q '^$krel '" || true
	run_case "module signed" \
		sh -c "modinfo -F signer '$installed' | grep -q ." || true
	# depmod -e lists symbols the module needs that the kernel lacks or
	# exports with another version (CRC) than the module was built for.
	run_case "depmod resolves symbols" \
		sh -c "depmod -b '$scratch/root' -E '$kdir/Module.symvers' -e '$krel' 2>&1 |
			{ ! grep .; }" || true
	run_case status sh -c "dkms status -m fscache-ops ${trees[*]} |
		grep -q '$krel.*: installed'" || true
	run_case remove dkms remove "${target[@]}" --no-depmod "${trees[@]}" ||
		true
	run_case "remove deletes module" test ! -e "$installed" || true
fi
run_case "host dkms and module folders unchanged" \
	test "$before" = "$(host_state)" || true

[ "$failed" -eq 0 ] || log "$failed dkms case(s) failed for $krel; see $log_file"
[ "$failed" -eq 0 ]
