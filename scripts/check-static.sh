#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks, one result line each in build/results/static.txt:
#
#   static.w1-um, static.w1-x86_64
#                      module build with W=1 against the UML and x86_64
#                      debug kernels; any compiler or modpost warning fails
#   static.sparse      module build with C=2 (sparse on every file) against
#                      the x86_64 debug kernel; any sparse warning fails
#   static.checkpatch  checkpatch.pl --strict --no-tree -f on every tracked
#                      .c and .h file; any error, warning or check fails
#                      (trace event headers skip four types that the
#                      TRACE_EVENT idiom always trips, see below)
#   static.kernel-doc  scripts/kernel-doc -none -Wall on include/*.h and the
#                      .c files of the module and the samples
#   static.symbols-<series>
#                      none of our exported symbols may be exported by
#                      Debian's stock amd64 kernel of that series (6.1 and
#                      6.12, from scripts/stock-kernels.sh fetch), because
#                      a module exporting a name the kernel already exports
#                      fails to load
#   static.symbols-test-kernels
#                      the same against the UML and x86_64 test kernels
#
# Usage: scripts/check-static.sh
# Details of each check go to build/logs/static-<check>.log.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

layer=static
mkdir -p "$RESULTS_DIR" "$LOG_DIR"
: >"$RESULTS_DIR/$layer.txt"
"$TOP/scripts/fetch-kernel.sh" >/dev/null
kernel_source_vars
failed=0

# Record CHECK as passed when its log has no line matching PATTERN.
verdict()
{
	local check=$1 logfile=$2 pattern=$3

	if grep -q -E "$pattern" "$logfile"; then
		grep -E "$pattern" "$logfile" | head -n 20 | sed 's/^/    /' >&2
		result "$layer" fail "$layer.$check"
		failed=1
	else
		result "$layer" ok "$layer.$check"
	fi
}

# Build the modules for ARCH with extra make arguments into the log of
# CHECK. A failed build is itself a failed check.
build_check()
{
	local check=$1 arch=$2

	shift 2
	MODULES_LOG=$LOG_DIR/static-$check.log \
		"$TOP/scripts/build-modules.sh" "$arch" debug "$@" >/dev/null
}

# 1. W=1 builds. Kbuild rebuilds every object when the flags change, so
#    each file is compiled, and warned about, in these runs.
for arch in um x86_64; do
	if build_check "w1-$arch" "$arch" W=1; then
		verdict "w1-$arch" "$LOG_DIR/static-w1-$arch.log" \
			'warning:|error:|^WARNING:'
	else
		result "$layer" fail "$layer.w1-$arch"
		failed=1
	fi
done

# 2. sparse on every file (C=2), against the x86_64 headers.
if build_check sparse x86_64 C=2 CHECK=sparse; then
	verdict sparse "$LOG_DIR/static-sparse.log" 'warning:|error:'
else
	result "$layer" fail "$layer.sparse"
	failed=1
fi

# 3. checkpatch on every tracked C file of ours.
mapfile -t c_files < <(cd "$TOP" && git ls-files '*.c' '*.h' 2>/dev/null)
if [ ${#c_files[@]} -eq 0 ]; then
	# Not a git checkout, or nothing committed yet: take the work tree.
	mapfile -t c_files < <(cd "$TOP" &&
		find . -name '*.[ch]' -not -path './build/*' -printf '%P\n' |
		grep -v -E '\.mod\.c$' | sort)
fi
logfile=$LOG_DIR/static-checkpatch.log
: >"$logfile"

# Run checkpatch on the files given; extra options come first.
checkpatch()
{
	(cd "$TOP" && "$KSRC/scripts/checkpatch.pl" --strict --no-tree \
		--quiet --show-types "$@") >>"$logfile" 2>&1
}

# Trace event headers are written in the TRACE_EVENT idiom that
# checkpatch cannot parse: the EM()/E_() enum tables are macros ending in
# a semicolon with an unused argument, and TP_PROTO( and friends end
# lines with '('. Those four types are ignored there, and only there.
trace_ignore=COMPLEX_MACRO,MACRO_ARG_UNUSED,TRAILING_SEMICOLON,OPEN_ENDED_LINE
plain_files=()
trace_files=()
for f in "${c_files[@]}"; do
	case $f in
	include/trace/*) trace_files+=("$f") ;;
	*) plain_files+=("$f") ;;
	esac
done
checkpatch_status=0
if [ ${#c_files[@]} -eq 0 ]; then
	echo "no .c or .h files found" >"$logfile"
	checkpatch_status=1
fi
if [ ${#plain_files[@]} -gt 0 ]; then
	checkpatch -f "${plain_files[@]}" || checkpatch_status=1
fi
if [ ${#trace_files[@]} -gt 0 ]; then
	checkpatch --ignore "$trace_ignore" -f "${trace_files[@]}" ||
		checkpatch_status=1
fi
if [ $checkpatch_status -eq 0 ]; then
	result "$layer" ok "$layer.checkpatch"
else
	grep -A2 -E '^(ERROR|WARNING|CHECK):' "$logfile" | head -n 30 |
		sed 's/^/    /' >&2
	result "$layer" fail "$layer.checkpatch"
	failed=1
fi

# 4. kernel-doc on the public headers and the sources that export.
logfile=$LOG_DIR/static-kernel-doc.log
mapfile -t doc_files < <(cd "$TOP" && ls include/*.h ./*.c samples/*.c \
	2>/dev/null)
if [ ${#doc_files[@]} -eq 0 ]; then
	echo "no files for kernel-doc" >"$logfile"
	result "$layer" fail "$layer.kernel-doc"
	failed=1
else
	(cd "$TOP" && "$KSRC/scripts/kernel-doc" -none -Wall \
		"${doc_files[@]}") >"$logfile" 2>&1 || true
	verdict kernel-doc "$logfile" 'warning|error'
fi

# 5. Exported symbols against the kernels the module must load beside.
#    The Module.symvers of an external module build lists only that
#    build's own exports (columns: CRC, symbol, module, export type).
ours=$(module_build_dir x86_64 debug)/Module.symvers
exports=$LOG_DIR/static-our-exports.txt
if [ -f "$ours" ]; then
	awk '{ print $2 }' "$ours" | sort -u >"$exports"
else
	: >"$exports"
fi

# Check our exports against the Module.symvers files given; CHECK names
# the result line.
symbols_check()
{
	local check=$1 logfile=$LOG_DIR/static-$1.log clash

	shift
	clash=$(awk '{ print $2 }' "$@" | sort -u | comm -12 "$exports" -)
	{
		echo "our exports: $(wc -l <"$exports")"
		echo "checked against: $*"
		[ -z "$clash" ] || echo "exported by both: $clash"
	} >"$logfile"
	if [ ! -s "$exports" ]; then
		echo "no exports found in $ours (did the x86_64 build fail?)" >>"$logfile"
		result "$layer" fail "$layer.$check"
		failed=1
	elif [ -n "$clash" ]; then
		# shellcheck disable=SC2086 # one symbol per word
		printf '    exported by the kernel too: %s\n' $clash >&2
		result "$layer" fail "$layer.$check"
		failed=1
	else
		result "$layer" ok "$layer.$check"
	fi
}

for series in 6.1 6.12; do
	check=symbols-$series
	if [ -x "$TOP/scripts/stock-kernels.sh" ] &&
		kdir=$("$TOP/scripts/stock-kernels.sh" fetch "$series" \
			2>"$LOG_DIR/static-$check.fetch.log") &&
		[ -f "$kdir/Module.symvers" ]; then
		symbols_check "$check" "$kdir/Module.symvers"
	else
		warn "could not fetch the stock $series headers; see $LOG_DIR/static-$check.fetch.log"
		result "$layer" fail "$layer.$check"
		failed=1
	fi
done

test_symvers=()
for arch in um x86_64; do
	kbuild=$(kernel_build_dir "$arch" debug)
	[ ! -f "$kbuild/Module.symvers" ] ||
		test_symvers+=("$kbuild/Module.symvers")
done
if [ ${#test_symvers[@]} -eq 2 ]; then
	symbols_check symbols-test-kernels "${test_symvers[@]}"
else
	result "$layer" fail "$layer.symbols-test-kernels"
	failed=1
fi

exit $failed
