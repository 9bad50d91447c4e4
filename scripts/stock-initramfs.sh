#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs for booting a Debian stock kernel in QEMU with the
# project's modules: busybox-static, our .ko files from
# build/stock/<release>/ko/, the stock modules the test loads beside ours
# with their dependencies, a small real file tree for the sample backend,
# and tests/guest/stock-kernel.sh as the test. Run scripts/stock-kernels.sh
# first.
#
# The stock modules are the kernel's own fscache (netfs, plus the separate
# fscache module on 6.1) and cachefiles, its cache backend, which links
# against fscache's exports. Dependencies come from `modinfo -F depends` on
# the unpacked modules; compressed modules (.ko.xz, .ko.zst, .ko.gz) are
# decompressed, because busybox insmod loads plain ELF files only.
#
# Usage: scripts/stock-initramfs.sh SERIES
# Prints the path of build/stock/<release>/initramfs.cpio.gz.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=scripts/stock-lib.sh
. "$(dirname "$0")/stock-lib.sh"

[ $# -eq 1 ] || die "usage: $0 SERIES"
ensure_packages busybox-static cpio kmod xz-utils zstd gzip

krel=$(stock_release "$1")
root=$(stock_root "$krel")
out=$(stock_out "$krel")
moddir=$root/lib/modules/$krel/kernel
[ -f "$CACHE_DIR/debs/$krel/.unpacked" ] ||
	die "$krel is not fetched yet; run scripts/stock-kernels.sh $1"
[ -f "$out/ko/fscache_ops.ko" ] ||
	die "$out/ko/fscache_ops.ko is missing; run scripts/stock-kernels.sh $1"

# Print the file of stock module NAME (dashes and underscores are the same
# in module names).
module_file()
{
	local name=$1 file

	file=$(find "$moddir" -regextype posix-extended \
		-regex ".*/${name//[-_]/[-_]}\.ko(\.xz|\.zst|\.gz)?" -print -quit)
	[ -n "$file" ] || die "stock module $name not found under $moddir"
	echo "$file"
}

# Append NAME and, before it, its dependencies to the load order (each
# module once).
declare -A seen=()
order=()
add_module()
{
	local name=$1 file dep

	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	file=$(module_file "$name")
	for dep in $(modinfo -F depends "$file" | tr ',' ' '); do
		add_module "$dep"
	done
	order+=("$name")
}

# Copy stock module NAME into DIR as a plain NAME.ko.
install_module()
{
	local name=$1 dir=$2 file

	file=$(module_file "$name")
	case $file in
	*.ko.xz) xz -dc "$file" >"$dir/$name.ko" ;;
	*.ko.zst) zstd -qdc "$file" >"$dir/$name.ko" ;;
	*.ko.gz) gzip -dc "$file" >"$dir/$name.ko" ;;
	*) cp "$file" "$dir/$name.ko" ;;
	esac
}

fscache_config=$(sed -n 's/^CONFIG_FSCACHE=//p' "$root/boot/config-$krel")
case $fscache_config in
m) add_module fscache ;;
y) add_module netfs ;;
*) die "config-$krel has CONFIG_FSCACHE='$fscache_config', expected m or y" ;;
esac
add_module cachefiles

stage=$out/initramfs
rm -rf "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,etc,lib/modules/stock,lib/modules/ours}
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"

for name in "${order[@]}"; do
	install_module "$name" "$stage/lib/modules/stock"
done
printf '%s\n' "${order[@]}" >"$stage/etc/stock-modules"
cp "$out"/ko/*.ko "$stage/lib/modules/ours/"

# The sample backend's input: the module sources, a small tree of real
# files of several sizes.
mkdir -p "$stage/data/tree"
(cd "$out/src" && find . -type f \( -name '*.[ch]' -o -name '*.rst' \
	-o -name 'Kbuild' -o -name 'Makefile' \) -print0 |
	xargs -0 -r cp --parents -t "$stage/data/tree")

cat >"$stage/etc/stock.env" <<EOF
KREL=$krel
SERIES=$1
CONFIG_FSCACHE=$fscache_config
EOF
cp "$TOP/tests/guest/stock-kernel.sh" "$stage/stock-kernel.sh"
chmod +x "$stage/stock-kernel.sh"

# /init runs the test and powers the guest off. The marker line carries
# the test's exit status to the host, which cannot see it otherwise.
cat >"$stage/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
# Keep the console for the test output; the log stays readable via dmesg.
echo 1 >/proc/sys/kernel/printk
# Start on a fresh line, after the firmware's terminal escape sequences.
echo
status=0
/stock-kernel.sh "${fo_order:-kernel-first}" || status=$?
echo "fscache-ops-guest: exit $status"
sync
poweroff -f
EOF
chmod +x "$stage/init"

(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) | gzip -1 >"$out/initramfs.cpio.gz"
log "initramfs for $krel: stock modules ${order[*]}, ours $(cd "$out/ko" && echo *.ko)"
echo "$out/initramfs.cpio.gz"
