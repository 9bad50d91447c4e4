# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Common variables and helpers for the scripts in this folder; source it,
# do not run it.
#
#   TOP        the clone (parent of scripts/)
#   BUILD_DIR  per-clone outputs: guest images, logs, results (gitignored)
#   CACHE_DIR  kernel trees and kernel builds, shared by all clones;
#              ${FSCACHE_OPS_CACHE:-$HOME/.cache/fscache-ops}
#   KSERIES    the kernel series the tests run on (Debian's linux-source-6.12)
#   KSRC_TAR   the source tarball that package installs
#
# KVER (the full version, e.g. 6.12.118) and KSRC (the unpacked tree) are
# set by kernel_source_vars once the package is installed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$TOP/build}
CACHE_DIR=${FSCACHE_OPS_CACHE:-$HOME/.cache/fscache-ops}
KSERIES=6.12
KSRC_PKG=linux-source-$KSERIES
KSRC_TAR=/usr/src/linux-source-$KSERIES.tar.xz
JOBS=${JOBS:-$(nproc)}
export TOP BUILD_DIR CACHE_DIR KSERIES KSRC_PKG KSRC_TAR JOBS

LOG_DIR=$BUILD_DIR/logs
RESULTS_DIR=$BUILD_DIR/results
export LOG_DIR RESULTS_DIR

_log_prefix=$(basename "$0" .sh)

log()
{
	printf '%s: %s\n' "$_log_prefix" "$*" >&2
}

warn()
{
	printf '%s: warning: %s\n' "$_log_prefix" "$*" >&2
}

die()
{
	printf '%s: error: %s\n' "$_log_prefix" "$*" >&2
	exit 1
}

# Install the Debian packages given as arguments that are not installed
# yet. Needs root; runs apt-get update once per process before the first
# install.
ensure_packages()
{
	local missing=() pkg status

	for pkg in "$@"; do
		status=$(dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null || true)
		case $status in
		*" installed") ;;
		*) missing+=("$pkg") ;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0

	[ "$(id -u)" -eq 0 ] ||
		die "missing packages: ${missing[*]}; install them or run as root"
	log "installing ${missing[*]}"
	if [ -z "${_apt_updated:-}" ]; then
		apt-get update -qq >&2 || die "apt-get update failed"
		_apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
}

# Set KVER and KSRC from the installed linux-source package. The upstream
# version is the package version up to the first '-' (6.12.118-1~deb12u1
# gives 6.12.118).
kernel_source_vars()
{
	local pkgver

	pkgver=$(dpkg-query -W -f '${Version}' "$KSRC_PKG" 2>/dev/null) ||
		die "$KSRC_PKG is not installed; run scripts/fetch-kernel.sh"
	KVER=${pkgver%%-*}
	KSRC=$CACHE_DIR/src/linux-$KVER
	export KVER KSRC
}

# Print the O= folder of the kernel build for ARCH (um, x86_64) and
# VARIANT (debug, bench): keyed by kernel version and a hash of the config
# fragments, so a changed fragment gets a fresh build next to the old one.
kernel_build_dir()
{
	local arch=$1 variant=$2 hash

	hash=$(config_fragments "$arch" "$variant" | xargs cat |
		{ cat; echo "$KVER"; } | sha256sum | cut -c1-12)
	echo "$CACHE_DIR/kbuild/$arch-$variant-$hash"
}

# Print the config fragments for ARCH and VARIANT, in merge order.
# x86_64 starts from allnoconfig (see config_base), so it adds a base
# fragment of its own.
config_fragments()
{
	local arch=$1 variant=$2 dir=$TOP/scripts/configs

	echo "$dir/common-base.config"
	[ "$arch" != x86_64 ] || echo "$dir/x86_64-base.config"
	echo "$dir/common-$variant.config"
	echo "$dir/$arch-$variant.config"
}

# Print the kconfig target the fragments of ARCH are merged onto: UML's
# defconfig is small, x86_64's builds hundreds of drivers the QEMU guests
# never use.
config_base()
{
	case $1 in
	x86_64) echo allnoconfig ;;
	*) echo defconfig ;;
	esac
}

# Print the folder where scripts/build-modules.sh builds the modules for
# ARCH and VARIANT: build/<arch> for debug, build/<arch>-bench for bench.
module_build_dir()
{
	local arch=$1 variant=$2

	if [ "$variant" = debug ]; then
		echo "$BUILD_DIR/$arch"
	else
		echo "$BUILD_DIR/$arch-$variant"
	fi
}

# Print the kernel image to boot for ARCH from its build folder.
kernel_image()
{
	local arch=$1 kbuild=$2

	case $arch in
	um) echo "$kbuild/linux" ;;
	x86_64) echo "$kbuild/arch/x86/boot/bzImage" ;;
	*) die "unknown arch '$arch' (expected um or x86_64)" ;;
	esac
}

# Print the run-guest.sh options a guest script requests on its
# "# run-guest: ..." header lines, with @TOP@ and @KSRC@ expanded.
# Needs KSRC (kernel_source_vars).
guest_directives()
{
	sed -n 's/^# run-guest: //p' "$1" |
		sed "s|@TOP@|$TOP|g; s|@KSRC@|$KSRC|g" | tr '\n' ' '
}

# Append one result line to build/results/LAYER.txt.
result()
{
	local layer=$1 status=$2 name=$3

	mkdir -p "$RESULTS_DIR"
	case $status in
	ok) echo "ok $name" >>"$RESULTS_DIR/$layer.txt" ;;
	*) echo "not ok $name" >>"$RESULTS_DIR/$layer.txt" ;;
	esac
	printf '%s: %s %s\n' "$layer" "$([ "$status" = ok ] && echo ok || echo 'not ok')" "$name" >&2
}
