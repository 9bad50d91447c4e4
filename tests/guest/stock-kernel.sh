#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Guest test on a Debian stock kernel, run by the initramfs built by
# scripts/stock-initramfs.sh. It loads fscache_ops beside the kernel's own
# fscache, checks the /proc files of both, runs the sample backend when it
# was built, and unloads everything. Each step prints one TAP line.
#
# Usage: stock-kernel.sh ORDER
#   kernel-first  load the kernel's fscache modules, then ours; unload ours
#                 first
#   ours-first    load ours, then the kernel's; unload the kernel's first
#
# Both orders must work: a symbol exported twice, or a /proc/fs name taken
# by the first module, would make the second fail to load.
#
# /etc/stock.env gives KREL, SERIES and the stock kernel's CONFIG_FSCACHE
# (m on 6.1, where the fscache module creates the /proc/fs/fscache folder;
# y on 6.12, where netfs makes /proc/fs/fscache a symbolic link to
# /proc/fs/netfs). /etc/stock-modules lists the stock modules in load
# order. Our modules are in /lib/modules/ours.
set -u

# shellcheck source=/dev/null
. /etc/stock.env
order=${1:-kernel-first}
ours=/lib/modules/ours
stock_modules=$(tr '\n' ' ' </etc/stock-modules)

# On a kernel built with CONFIG_FSCACHE, fscache_ops leaves /proc/fs/fscache
# to the kernel and publishes its files under this folder.
ours_proc=/proc/fs/fscache_ops
ours_files="stats"

n=0
failed=0

# Print a TAP line for the exit status of the previous command.
tap()
{
	local status=$1 name=$2

	n=$((n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		failed=$((failed + 1))
	fi
}

# Run a command as test NAME; its output is shown as TAP comments on
# failure.
check()
{
	local name=$1 status=0

	shift
	"$@" >/tmp/check.out 2>&1 || status=$?
	tap "$status" "$name"
	[ "$status" -eq 0 ] || sed 's/^/# /' /tmp/check.out
}

load_stock()
{
	local m

	for m in $stock_modules; do
		insmod "/lib/modules/stock/$m.ko" || return 1
	done
}

unload_stock()
{
	local m list=""

	for m in $stock_modules; do
		list="$m $list"
	done
	for m in $list; do
		rmmod "$m" || return 1
	done
}

# The kernel's /proc/fs/fscache must be the kernel's: a folder with the
# kernel's "cookies" file on 6.1, a link to netfs on 6.12.
kernel_proc_is_kernels()
{
	if [ "$CONFIG_FSCACHE" = y ]; then
		[ -L /proc/fs/fscache ] || { ls -l /proc/fs; return 1; }
		[ "$(readlink /proc/fs/fscache)" = netfs ] || {
			ls -l /proc/fs/fscache
			return 1
		}
	elif [ ! -d /proc/fs/fscache ] || [ -L /proc/fs/fscache ]; then
		ls -l /proc/fs
		return 1
	fi
	[ -r /proc/fs/fscache/cookies ] || { ls -l /proc/fs/fscache/; return 1; }
	cat /proc/fs/fscache/stats >/dev/null
}

kernel_proc_absent()
{
	if [ -e /proc/fs/fscache ] || [ -L /proc/fs/fscache ]; then
		ls -l /proc/fs
		return 1
	fi
}

# Our files exist, are readable, and the stats file has the operation
# counter lines.
ours_proc_ok()
{
	local f

	for f in $ours_files; do
		[ -r "$ours_proc/$f" ] || { ls -l "$ours_proc"; return 1; }
		cat "$ours_proc/$f" >/dev/null || return 1
	done
	grep -q '^Ops    : ' "$ours_proc/stats" || {
		cat "$ours_proc/stats"
		return 1
	}
}

ours_proc_gone()
{
	[ ! -e "$ours_proc" ] || { ls -l /proc/fs; return 1; }
}

# The module's log names the folder it published under.
ours_log_names_proc()
{
	dmesg | grep 'fscache_ops' | grep -q "${ours_proc#/proc/}" || {
		dmesg | grep fscache_ops
		return 1
	}
}

no_duplicate_symbols()
{
	! dmesg | grep -i 'duplicate symbol'
}

# NOTE: an unsigned module taints the kernel (E) and prints a notice but
# loads: Debian's stock kernels do not set CONFIG_MODULE_SIG_FORCE.
no_kernel_warnings()
{
	! dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection'
}

# Run the sample backend over a copy of /data/tree on tmpfs, or report it
# skipped when it was not built.
run_sample()
{
	local dir=/tmp/sample

	if [ ! -f "$ours/fscache_sample.ko" ]; then
		n=$((n + 1))
		echo "ok $n - sample backend # SKIP fscache_sample.ko not built"
		return 0
	fi

	mkdir -p "$dir/src" "$dir/cache"
	cp -a /data/tree/. "$dir/src/"
	check "sample backend loads" insmod "$ours/fscache_sample.ko" \
		"source=$dir/src" "cache=$dir/cache"
	check "sample cached tree matches" diff -r "$dir/src" "$dir/cache"
	check "sample backend unloads" rmmod fscache_sample
}

load_ours()
{
	check "fscache_ops loads" insmod "$ours/fscache_ops.ko"
	check "fscache_ops proc files" ours_proc_ok
	check "fscache_ops log names its proc folder" ours_log_names_proc
}

echo "# $KREL ($SERIES), order $order"
echo "# stock modules: $stock_modules"
case $order in
kernel-first)
	check "kernel fscache modules load" load_stock
	check "kernel owns /proc/fs/fscache" kernel_proc_is_kernels
	load_ours
	check "kernel still owns /proc/fs/fscache" kernel_proc_is_kernels
	run_sample
	check "fscache_ops unloads" rmmod fscache_ops
	check "fscache_ops proc folder removed" ours_proc_gone
	check "kernel /proc/fs/fscache after unload" kernel_proc_is_kernels
	check "kernel fscache modules unload" unload_stock
	;;
ours-first)
	load_ours
	check "/proc/fs/fscache left free" kernel_proc_absent
	check "kernel fscache modules load after ours" load_stock
	check "kernel owns /proc/fs/fscache" kernel_proc_is_kernels
	check "fscache_ops proc files beside kernel's" ours_proc_ok
	run_sample
	check "kernel fscache modules unload first" unload_stock
	check "fscache_ops proc files after kernel's unload" ours_proc_ok
	check "fscache_ops unloads" rmmod fscache_ops
	check "fscache_ops proc folder removed" ours_proc_gone
	;;
*)
	echo "not ok 1 - unknown order '$order'"
	exit 1
	;;
esac
check "no duplicate symbol errors" no_duplicate_symbols
check "no kernel warnings" no_kernel_warnings
echo "1..$n"
if [ "$failed" -ne 0 ]; then
	echo "# kernel log:"
	dmesg | grep -iE 'fscache|netfs|cachefiles|module' | sed 's/^/# /'
fi
[ "$failed" -eq 0 ]
