#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian stock kernel in QEMU with the initramfs from
# scripts/stock-initramfs.sh and run tests/guest/stock-kernel.sh in it.
#
# Usage: scripts/stock-boot.sh SERIES ORDER
#   ORDER is kernel-first or ours-first (see tests/guest/stock-kernel.sh).
#
# The guest's TAP lines go to standard output; the whole console is kept
# in build/stock/<release>/console-ORDER.log. Exits 0 only if the guest
# script passed. QEMU runs with TCG by default (FSCACHE_OPS_QEMU_ACCEL=kvm
# where /dev/kvm is usable); FSCACHE_OPS_STOCK_TIMEOUT (seconds, default
# 180) bounds the whole boot, after which QEMU is killed.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/stock-lib.sh
. "$(dirname "$0")/stock-lib.sh"

[ $# -eq 2 ] || die "usage: $0 SERIES kernel-first|ours-first"
series=$1
order=$2
case $order in
kernel-first | ours-first) ;;
*) die "unknown ORDER '$order' (expected kernel-first or ours-first)" ;;
esac
ensure_packages qemu-system-x86

accel=${FSCACHE_OPS_QEMU_ACCEL:-tcg}
timeout_s=${FSCACHE_OPS_STOCK_TIMEOUT:-180}
krel=$(stock_release "$series")
out=$(stock_out "$krel")
kernel=$(stock_root "$krel")/boot/vmlinuz-$krel
initrd=$out/initramfs.cpio.gz
console=$out/console-$order.log
[ -f "$kernel" ] || die "$kernel is missing; run scripts/stock-kernels.sh $series"
[ -f "$initrd" ] || die "$initrd is missing; run scripts/stock-initramfs.sh $series"

start=$(date +%s)
status=0
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel "$accel" -cpu max -smp 2 -m 1G \
	-nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet fo_order=$order" \
	</dev/null >"$console" 2>&1 || status=$?
elapsed=$(($(date +%s) - start))

tr -d '\r' <"$console" | grep -E '^(not )?ok [0-9]+ - |^# |^1\.\.' || true
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	die "$krel guest ($order) timed out after $timeout_s s and was killed; console in $console"
fi
guest_status=$(tr -d '\r' <"$console" |
	sed -n 's/^fscache-ops-guest: exit \([0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$guest_status" ]; then
	tail -n 30 "$console" >&2
	die "$krel guest ($order) stopped without reporting (QEMU exit $status) after $elapsed s; console in $console"
fi
log "$krel guest ($order) finished in $elapsed s with exit $guest_status"
[ "$guest_status" -eq 0 ]
