# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for testing on Debian's stock amd64 kernels (6.1 and 6.12):
# choosing the kernel release for a series, downloading and unpacking its
# image and headers packages without installing them, and the paths the
# stock-kernel scripts share. Source it after lib.sh, do not run it.
#
#   STOCK_SERIES      the series tested by default: "6.1 6.12"
#   stock_root KREL   $CACHE_DIR/debs/KREL/root, the unpacked packages
#   stock_kdir KREL   the unpacked linux-headers-KREL tree (a KDIR)
#   stock_out KREL    $BUILD_DIR/stock/KREL, per-clone outputs
#   STOCK_SRC         the module sources to build, $TOP by default
#
# The release of a series comes from Debian's meta-packages (for 6.1 the
# bookworm meta-package linux-image-amd64, for 6.12 linux-image-6.12-amd64
# from bookworm-security). FSCACHE_OPS_STOCK_6_1 and FSCACHE_OPS_STOCK_6_12
# pin a release instead, e.g. FSCACHE_OPS_STOCK_6_1=6.1.0-57-amd64.

STOCK_SERIES=${STOCK_SERIES:-"6.1 6.12"}
STOCK_SRC=${STOCK_SRC:-$TOP}
export STOCK_SERIES STOCK_SRC

stock_root()
{
	echo "$CACHE_DIR/debs/$1/root"
}

stock_kdir()
{
	echo "$CACHE_DIR/debs/$1/root/usr/src/linux-headers-$1"
}

stock_out()
{
	echo "$BUILD_DIR/stock/$1"
}

# Print the candidate "Depends:" field of a package, or nothing if apt does
# not know the package.
_apt_depends()
{
	apt-cache show --no-all-versions "$1" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n 1
}

# Run apt-get update once per process, and only as root.
_apt_update_once()
{
	[ -n "${_stock_apt_updated:-}" ] && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	log "running apt-get update to find the stock kernel packages"
	apt-get update -qq >&2 || die "apt-get update failed"
	_stock_apt_updated=1
}

# Print the kernel release (uname -r of the stock kernel) for SERIES.
stock_release()
{
	local series=$1 var pin meta deps krel

	var=FSCACHE_OPS_STOCK_${series//./_}
	pin=${!var:-}
	if [ -n "$pin" ]; then
		echo "$pin"
		return 0
	fi

	case $series in
	6.1) meta=linux-image-amd64 ;;
	*) meta=linux-image-$series-amd64 ;;
	esac
	deps=$(_apt_depends "$meta")
	if [ -z "$deps" ] && _apt_update_once; then
		deps=$(_apt_depends "$meta")
	fi
	[ -n "$deps" ] ||
		die "no package $meta in the configured apt sources; set $var to a kernel release"

	# "linux-image-6.1.0-57-amd64 (= 6.1.192-3)" gives 6.1.0-57-amd64.
	krel=$(echo "$deps" | tr ',|' '\n' |
		sed -n 's/^ *linux-image-\([^ ]*-amd64\)\( .*\)\{0,1\}$/\1/p' |
		head -n 1)
	case $krel in
	"$series".*) echo "$krel" ;;
	*) die "$meta depends on '$deps', not on a $series kernel; set $var" ;;
	esac
}

# Print the Debian packages to download for KREL: the image, the headers,
# and the common headers and kbuild packages the headers depend on.
stock_packages()
{
	local krel=$1 deps

	deps=$(_apt_depends "linux-headers-$krel")
	if [ -z "$deps" ] && _apt_update_once; then
		deps=$(_apt_depends "linux-headers-$krel")
	fi
	[ -n "$deps" ] || die "no package linux-headers-$krel in the apt sources"

	echo "linux-image-$krel"
	echo "linux-headers-$krel"
	echo "$deps" | tr ',|' '\n' |
		sed -n 's/^ *\(linux-headers-[^ ]*-common\|linux-kbuild-[^ ]*\)\( .*\)\{0,1\}$/\1/p' |
		sort -u
}

# Rewrite every absolute symbolic link under ROOT into a relative link to
# the same path inside ROOT, so that lib/modules/KREL/build points at the
# unpacked headers and not at the host's /usr/src.
_relink_absolute()
{
	local root=$1 link target rel

	find "$root" -type l -lname '/*' -print0 |
		while IFS= read -r -d '' link; do
			target=$(readlink "$link")
			rel=$(realpath -m --relative-to="$(dirname "$link")" \
				"$root$target")
			ln -sfn "$rel" "$link"
		done
}

# Download and unpack the packages of KREL under $CACHE_DIR/debs/KREL/ and
# fix the headers up for use from there. Nothing is installed. Prints the
# unpacked root.
stock_fetch()
{
	local krel=$1 dir root kdir dl pkgs start mk

	dir=$CACHE_DIR/debs/$krel
	root=$dir/root
	kdir=$(stock_kdir "$krel")
	if [ -f "$dir/.unpacked" ]; then
		echo "$root"
		return 0
	fi

	start=$(date +%s)
	mapfile -t pkgs < <(stock_packages "$krel")
	mkdir -p "$dir"
	dl=$(mktemp -d "$dir/.download.XXXXXX")
	# apt drops privileges to _apt for downloads when it can write there.
	if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
		chown _apt "$dl"
	fi
	log "downloading ${pkgs[*]}"
	(cd "$dl" && apt-get download -q "${pkgs[@]}" >&2) ||
		die "apt-get download ${pkgs[*]} failed"
	mv "$dl"/*.deb "$dir/"
	rmdir "$dl"

	rm -rf "$root"
	mkdir -p "$root"
	for pkg in "${pkgs[@]}"; do
		dpkg-deb -x "$dir/${pkg}_"*.deb "$root" ||
			die "dpkg-deb -x of $pkg failed"
	done
	_relink_absolute "$root"

	# The headers Makefile includes the common tree by its absolute
	# /usr/src path. Kbuild runs it from the headers folder (make -C), so
	# a path relative to that folder reaches the unpacked copy.
	mk=$kdir/Makefile
	[ -f "$mk" ] || die "$mk is missing from linux-headers-$krel"
	sed -i 's|^include /usr/src/\(linux-headers-[^/]*\)/Makefile$|include ../\1/Makefile|' "$mk"
	grep -q '^include \.\./linux-headers-' "$mk" ||
		die "unexpected layout of $mk: $(cat "$mk")"
	[ -f "$root/boot/vmlinuz-$krel" ] ||
		die "linux-image-$krel contains no boot/vmlinuz-$krel"

	printf '%s\n' "${pkgs[@]}" >"$dir/.unpacked"
	log "fetched and unpacked $krel in $(($(date +%s) - start)) s"
	echo "$root"
}

# Copy the project's source files (tracked and new, not ignored) into a
# fresh DEST, so that stock builds never touch the objects of builds in
# the clone.
stock_copy_sources()
{
	local dest=$1 file

	rm -rf "$dest"
	mkdir -p "$dest"
	(cd "$STOCK_SRC" && git ls-files -z --cached --others --exclude-standard) |
		while IFS= read -r -d '' file; do
			# A tracked file deleted in the work tree is skipped.
			[ -e "$STOCK_SRC/$file" ] || continue
			mkdir -p "$dest/$(dirname "$file")"
			cp -P "$STOCK_SRC/$file" "$dest/$file"
		done
}
