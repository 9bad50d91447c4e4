# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# Helpers for the guest scripts that run the sample backend. A script
# asks run-guest.sh to copy this file with the header line
#
#   # run-guest: --extra-file @TOP@/tests/guest/lib/sample.sh:/lib/fscache-ops/sample.sh
#
# and sources it after guest-lib.sh.

SAMPLE_REPORT=/proc/fs/fscache_sample

# Print the folder of fscache_ops's statistics files: /proc/fs/fscache,
# or /proc/fs/fscache_ops on kernels whose own FS-Cache took that name.
sample_ops_proc()
{
	local dir

	for dir in /proc/fs/fscache /proc/fs/fscache_ops; do
		if grep -qs '^FS-Cache operation manager' "$dir/stats"; then
			echo "$dir"
			return 0
		fi
	done
	return 1
}

# Print the value of one report field: sample_field verified
sample_field()
{
	sed -n "s/^$1: *//p" "$SAMPLE_REPORT"
}

# Wait up to $1 seconds for the backend to finish; print a progress line
# every $2 seconds (0: none). Fails on timeout.
sample_wait()
{
	local limit="$1" every="$2" t=0 state

	while [ "$t" -lt "$limit" ]; do
		state=$(sample_field state)
		case $state in
		complete | stopped) return 0 ;;
		esac
		if [ "$every" -gt 0 ] && [ $((t % every)) -eq 0 ] && [ "$t" -gt 0 ]; then
			echo "# ${t} s: $(sample_field verified | cut -d, -f1) verified of $(sample_field files | cut -d' ' -f1)"
		fi
		sleep 1
		t=$((t + 1))
	done
	echo "# timed out after $limit s; report:"
	sed 's/^/#   /' "$SAMPLE_REPORT"
	return 1
}

# Succeed if every file and every byte was verified, with nothing
# mismatched, failed, rejected or stopped.
sample_all_verified()
{
	local files verified bytes total

	files=$(sample_field files | cut -d' ' -f1)
	verified=$(sample_field verified | sed -n 's/^\([0-9]*\) files.*/\1/p')
	bytes=$(sample_field verified | sed -n 's/.* \([0-9]*\) of .*/\1/p')
	total=$(sample_field verified | sed -n 's/.* of \([0-9]*\) bytes.*/\1/p')
	echo "# verified $verified of $files files, $bytes of $total bytes"
	[ -n "$files" ] && [ "$verified" = "$files" ] &&
		[ -n "$total" ] && [ "$bytes" = "$total" ] &&
		[ "$(sample_field mismatches)" = "0 files" ] &&
		[ "$(sample_field failed)" = "0 files" ] &&
		[ "$(sample_field rejected)" = "0 files" ]
}

# Succeed if the manager initialised as many operations as it released.
sample_ops_balanced()
{
	local dir line ini rel

	dir=$(sample_ops_proc) || { echo "# no statistics file found"; return 1; }
	line=$(grep '^Ops *: ini=' "$dir/stats")
	ini=$(echo "$line" | sed -n 's/.*ini=\([0-9]*\).*/\1/p')
	rel=$(echo "$line" | sed -n 's/.*rel=\([0-9]*\).*/\1/p')
	echo "# $line"
	[ -n "$ini" ] && [ "$ini" = "$rel" ]
}

# Print the number in a report field that starts with one:
# sample_count "rejected ops"
sample_count()
{
	sample_field "$1" | sed -n 's/^\([0-9]*\).*/\1/p'
}
