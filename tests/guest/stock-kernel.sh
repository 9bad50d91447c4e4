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
# to the kernel and publishes its files under this folder (proc.c).
ours_proc=/proc/fs/fscache_ops
ours_files="stats histogram objects"

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

# Wait until the sample backend reports a final state, for at most 120 s.
sample_finished()
{
	local i=0

	while [ "$i" -lt 240 ]; do
		if grep -qE '^state: +(complete|stopped)$' \
			/proc/fs/fscache_sample; then
			return 0
		fi
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# The sample backend verified every file it found, with no mismatch,
# failure, rejection or stop.
sample_report_clean()
{
	local report=/proc/fs/fscache_sample files verified

	cat "$report"
	grep -qE '^state: +complete$' "$report" || return 1
	files=$(sed -n 's/^files: *\([0-9]*\) .*/\1/p' "$report")
	verified=$(sed -n 's/^verified: *\([0-9]*\) files.*/\1/p' "$report")
	[ -n "$files" ] && [ "$files" -gt 0 ] && [ "$verified" = "$files" ] ||
		return 1
	for field in mismatches failed rejected stopped; do
		grep -qE "^$field: +0 files$" "$report" || return 1
	done
}

# Run the sample backend over a copy of /data/tree on tmpfs, or report it
# skipped when it was not built. The backend checks every byte it caches
# itself; diff then compares the backing tree with the source on its own.
run_sample()
{
	local dir=/tmp/sample

	if [ ! -f "$ours/fscache_sample.ko" ]; then
		n=$((n + 1))
		echo "ok $n - sample backend # SKIP fscache_sample.ko not built"
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "$dir/src" "$dir/backing"
	cp -a /data/tree/. "$dir/src/"
	check "sample backend loads" insmod "$ours/fscache_sample.ko" \
		"source_dir=$dir/src" "backing_dir=$dir/backing"
	check "sample backend finishes" sample_finished
	check "sample verified every file" sample_report_clean
	check "sample backing tree matches" diff -r "$dir/src" "$dir/backing"
	check "sample backend unloads" rmmod fscache_sample
}

# Loading with proc_dir naming the kernel's folder fails cleanly, and
# leaves the kernel's folder alone.
proc_dir_taken_rejected()
{
	if insmod "$ours/fscache_ops.ko" proc_dir=fscache; then
		rmmod fscache_ops
		return 1
	fi
	dmesg | grep -q 'fscache_ops: /proc/fs/fscache exists already'
}

# proc_dir chooses another folder, which goes away on unload.
proc_dir_chosen()
{
	insmod "$ours/fscache_ops.ko" proc_dir=fscache_ops_alt || return 1
	grep '^Ops    : ' /proc/fs/fscache_ops_alt/stats || return 1
	rmmod fscache_ops || return 1
	[ ! -e /proc/fs/fscache_ops_alt ]
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
	check "proc_dir=fscache rejected" proc_dir_taken_rejected
	check "kernel /proc/fs/fscache after rejection" kernel_proc_is_kernels
	check "proc_dir chooses the folder" proc_dir_chosen
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
