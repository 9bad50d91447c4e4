#!/bin/sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# Check the files of /proc/fs/fscache: their modes and formats when idle,
# and their formats while three background readers read them over and
# over during a load. Once the load is over, check the counters (ini
# equals rel, no op in progress). Last, check the proc_dir parameter.
#
# The load is fscache_ops_torture.ko if it was built, else the KUnit
# module, whose suites run while it loads; without either the load cases
# are skipped. Runs in the UML debug guest.
# run-guest: --timeout 900
set -u
# shellcheck source=scripts/guest-lib.sh
. /lib/fscache-ops/guest-lib.sh

mod=$MODDIR/fscache_ops.ko
torture=$MODDIR/fscache_ops_torture.ko
kunit=$MODDIR/fscache_ops_kunit.ko
readers=3
work=/tmp/proc-files
mkdir -p "$work"

# Parsers: each prints what it rejects and exits non-zero on a bad file.
cat >"$work/stats.awk" <<'EOF'
# The title, then "Label  : key=N key=N ..." rows: the label padded to 7
# characters, a colon and a space. Gauges (OpRun) may read -1 on SMP
# while an op moves between CPUs, so they may be negative.
function bad(why) { printf "stats line %d: %s: [%s]\n", NR, why, $0; err = 1 }
BEGIN {
	want["Ops    :1"] = "pend run enq can rej"
	want["Ops    :2"] = "ini dfr rel gc"
	want["OpRej  :1"] = "dead ioerr wdrawn misuse"
	want["OpWait :1"] = "wait woken cancelled intr tmo"
	want["OpRun  :1"] = "mythread fast slow queued complete"
	want["GC     :1"] = "runs requeue"
	want["Objects:1"] = "alive init dead"
	want["Caches :1"] = "alive init withdrawn"
	nwant = 8
}
NR == 1 { if ($0 != "FS-Cache operation manager statistics") bad("title"); next }
{
	if (substr($0, 8, 2) != ": ") { bad("no colon in column 8"); next }
	label = substr($0, 1, 8)
	if (label !~ /^[A-Z][A-Za-z]* *:$/) bad("label")
	seen[label]++
	key = label seen[label]
	keys = ""
	n = split(substr($0, 10), kv, " ")
	for (i = 1; i <= n; i++) {
		if (kv[i] !~ /^[a-z]+=-?[0-9]+$/) bad("field " kv[i])
		else if (kv[i] ~ /=-/ && label != "OpRun  :") bad("negative " kv[i])
		sub(/=.*/, "", kv[i])
		keys = keys (i > 1 ? " " : "") kv[i]
	}
	if (!(key in want)) bad("unexpected row")
	else if (want[key] != keys) bad("keys [" keys "], expected [" want[key] "]")
	rows++
}
END {
	if (NR < 1) bad("empty")
	if (rows != nwant) bad(rows " rows, expected " nwant)
	exit err
}
EOF

cat >"$work/histogram.awk" <<'EOF'
# A header naming the columns, then one row per bucket: the range in
# microseconds ("0-1", "2-3", ... and "N+" for the last) and 8 counts.
function bad(why) { printf "histogram line %d: %s: [%s]\n", NR, why, $0; err = 1 }
NR == 1 {
	if ($1 != "usecs" || NF != 9) bad("header")
	for (i = 2; i <= NF; i++)
		if ($i !~ /^(wait|run)_(mythread|fast|slow|exclusive)$/)
			bad("column " $i)
	next
}
{
	if (NF != 9) bad(NF " fields")
	if ($1 ~ /^[0-9]+-[0-9]+$/) {
		split($1, r, "-")
		if (r[1] != next_low) bad("range starts at " r[1] ", expected " next_low)
		next_low = r[2] + 1
	} else if ($1 ~ /^[0-9]+\+$/) {
		if ($1 + 0 != next_low) bad("last range")
		last = 1
	} else {
		bad("range " $1)
	}
	for (i = 2; i <= NF; i++)
		if ($i !~ /^[0-9]+$/) bad("count " $i)
	rows++
}
BEGIN { next_low = 0 }
END {
	if (rows != 25) bad(rows " buckets, expected 25")
	if (!last) bad("no open-ended last bucket")
	exit err
}
EOF

cat >"$work/objects.awk" <<'EOF'
# Two header lines, then object rows ("cache id state n_ops n_in_progress
# n_exclusive pending") each followed by indented op rows, and lines that
# count the ops or objects left out. Writes the number of object
# rows to the file named by the variable "out".
function bad(why) { printf "objects line %d: %s: [%s]\n", NR, why, $0; err = 1 }
NR == 1 { if ($0 !~ /^CACHE +OBJECT +ST +OPS +INPROG +EXCL +PEND$/) bad("header 1"); next }
NR == 2 { if ($0 !~ /^  OP +TYPE +X +STATE +USAGE +SUBMIT_AGE +START_AGE$/) bad("header 2"); next }
/^  \.\.\. [0-9]+ more ops not shown$/ { next }
/^\.\.\. more objects not shown \(at most [0-9]+ are\)$/ { next }
/^  / {
	if (NF != 7 || $1 !~ /^[0-9a-f]{8}$/ || $2 !~ /^(mythread|fast|slow)$/ ||
	    $3 !~ /^[X-]$/ || $4 !~ /^(init|pend|run|done|cancel|dead)$/ ||
	    $5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ || $7 !~ /^([0-9]+|-)$/)
		bad("op row")
	if ($4 == "run" && $7 == "-") bad("op in progress without start age")
	next
}
{
	if (NF < 7 || $(NF-5) !~ /^[0-9a-f]{8}$/ || $(NF-4) !~ /^[LCADX][-K]$/)
		bad("object row")
	for (i = NF - 3; i <= NF; i++)
		if ($i !~ /^[0-9]+$/) bad("count " $i)
	objects++
}
END { if (out != "") print objects + 0 > out; exit err }
EOF

# Check one file with its parser; keep a copy of a bad read.
check_file()
{
	local dir=$1 name=$2 copy=$3

	cat "$dir/$name" >"$copy" 2>&1 || { echo "read of $dir/$name failed"; return 1; }
	awk -v out="$copy.count" -f "$work/$name.awk" "$copy"
}

# A background reader: parse every file until $work/stop appears; count
# good reads in $work/reader.N.ok and bad ones in $work/reader.N.bad, and
# the most objects one read of the objects file showed.
reader()
{
	local id=$1 dir=$2 ok=0 badn=0 most=0 f n

	while [ ! -e "$work/stop" ]; do
		for f in stats histogram objects; do
			if check_file "$dir" "$f" "$work/read.$id.$f" \
				>"$work/read.$id.msg" 2>&1; then
				ok=$((ok + 1))
			else
				badn=$((badn + 1))
				cp "$work/read.$id.$f" "$work/bad.$id.$f"
				cat "$work/read.$id.msg" >>"$work/bad.$id.msg"
			fi
			if [ "$f" = objects ]; then
				n=$(cat "$work/read.$id.objects.count" 2>/dev/null)
				if [ "${n:-0}" -gt "$most" ]; then
					most=$n
					cp "$work/read.$id.objects" \
						"$work/most.$id.objects"
				fi
			fi
		done
	done
	echo "$ok" >"$work/reader.$id.ok"
	echo "$badn" >"$work/reader.$id.bad"
	echo "$most" >"$work/reader.$id.objects"
}

# Print field KEY of the stats row whose label starts with LABEL; the
# second "Ops" row is asked for as "Ops2".
stat_field()
{
	local dir=$1 label=$2 key=$3

	awk -v label="$label" -v key="$key" '
		/^Ops / { ops++ }
		{ l = $1; if (l == "Ops" && ops == 2) l = "Ops2" }
		l == label {
			for (i = 2; i <= NF; i++)
				if (split($i, kv, "=") == 2 && kv[1] == key)
					print kv[2]
		}' "$dir/stats"
}

# Check the invariants of an idle manager.
check_idle()
{
	local dir=$1 when=$2 ini rel g

	ini=$(stat_field "$dir" Ops2 ini)
	rel=$(stat_field "$dir" Ops2 rel)
	if [ -n "$ini" ] && [ "$ini" = "$rel" ]; then
		tap_ok "$when: ini equals rel ($ini)"
	else
		tap_not_ok "$when: ini=$ini rel=$rel"
	fi
	for g in mythread fast slow queued; do
		if [ "$(stat_field "$dir" OpRun "$g")" = 0 ]; then
			tap_ok "$when: OpRun $g is 0"
		else
			tap_not_ok "$when: OpRun $g is $(stat_field "$dir" OpRun "$g")"
		fi
	done
	if [ "$(stat_field "$dir" Caches alive)" = 0 ]; then
		tap_ok "$when: no cache alive"
	else
		tap_not_ok "$when: caches alive: $(stat_field "$dir" Caches alive)"
	fi
}

# Wait up to $1 seconds for the torture summary line.
wait_torture()
{
	local left=$1

	while [ "$left" -gt 0 ]; do
		dmesg | grep -q 'fscache_ops_torture: summary ' && return 0
		sleep 1
		left=$((left - 1))
	done
	return 1
}

# 1. Idle: where the files are, their modes, their formats.
tap_check "insmod fscache_ops" insmod "$mod" || tap_done
dir=/proc/fs/fscache
if [ -d "$dir" ]; then
	tap_ok "files in $dir on a kernel without FS-Cache"
else
	tap_not_ok "$dir missing"
	ls -l /proc/fs
	tap_done
fi
tap_check "load message names $dir" sh -c "dmesg | grep -q 'in $dir\$'"
tap_check "proc_dir parameter shows fscache" \
	grep -qx fscache /sys/module/fscache_ops/parameters/proc_dir
for f in stats histogram objects; do
	mode=$(stat -c %A "$dir/$f")
	if [ "$mode" = "-r--r--r--" ]; then
		tap_ok "$f mode 0444"
	else
		tap_not_ok "$f mode $mode, expected -r--r--r--"
	fi
	tap_check "idle $f format" check_file "$dir" "$f" "$work/idle.$f"
done
cat "$dir/stats" "$dir/histogram" "$dir/objects"
check_idle "$dir" "idle"

# 2. The same files under load, read by several readers at once.
load=
if [ -f "$torture" ]; then
	load=torture
elif [ -f "$kunit" ]; then
	load=kunit
fi
if [ -z "$load" ]; then
	tap_ok "readers under load # SKIP no torture or KUnit module"
else
	rm -f "$work/stop"
	dmesg -c >/dev/null
	i=1
	while [ $i -le $readers ]; do
		reader $i "$dir" &
		i=$((i + 1))
	done

	if [ "$load" = torture ]; then
		tap_check "insmod fscache_ops_torture" \
			insmod "$torture" duration=8 objects=8 threads=4
		if wait_torture 300; then
			tap_ok "torture run finished"
		else
			tap_not_ok "torture summary not printed within 300 s"
		fi
		dmesg | grep 'fscache_ops_torture: summary '
		tap_check "rmmod fscache_ops_torture" rmmod fscache_ops_torture
	else
		tap_check "insmod fscache_ops_kunit (suites run)" insmod "$kunit"
		tap_check "rmmod fscache_ops_kunit" rmmod fscache_ops_kunit
	fi

	touch "$work/stop"
	wait
	total_ok=0
	total_bad=0
	most=0
	i=1
	while [ $i -le $readers ]; do
		ok=$(cat "$work/reader.$i.ok")
		badn=$(cat "$work/reader.$i.bad")
		n=$(cat "$work/reader.$i.objects")
		echo "    # reader $i: $ok good reads, $badn bad, at most $n objects"
		total_ok=$((total_ok + ok))
		total_bad=$((total_bad + badn))
		[ "$n" -gt "$most" ] && most=$n
		if [ "$ok" -gt 0 ]; then
			tap_ok "reader $i read every file"
		else
			tap_not_ok "reader $i made no good read"
		fi
		i=$((i + 1))
	done
	if [ "$total_bad" -eq 0 ]; then
		tap_ok "$total_ok reads under load, all well formed"
	else
		tap_not_ok "$total_bad of $((total_ok + total_bad)) reads under load malformed"
		cat "$work"/bad.*.msg | head -n 40
		for f in "$work"/bad.*.*; do
			case $f in *.msg | *.count) continue ;; esac
			echo "    # $f:"
			head -n 20 "$f" | sed 's/^/    /'
		done
	fi
	if [ -f "$work/most.1.objects" ]; then
		echo "    # the fullest objects listing reader 1 saw:"
		head -n 40 "$work/most.1.objects"
	fi
	if [ "$load" = torture ]; then
		if [ "$most" -gt 0 ]; then
			tap_ok "objects file listed live objects ($most)"
		else
			tap_not_ok "objects file never listed an object under load"
		fi
	fi
	cat "$dir/stats" "$dir/histogram"
	check_idle "$dir" "after $load"
	tap_check "objects listing empty after $load" \
		sh -c "[ \$(wc -l <'$dir/objects') -eq 2 ]"
fi
tap_check "rmmod fscache_ops" rmmod fscache_ops

# 3. The proc_dir parameter: invalid names fail the load and name the
#    parameter; a valid one moves the files.
long=abcdefghijklmnopqrstuvwxyz0123456
for bad in a/b "" . .. "$long"; do
	dmesg -c >/dev/null
	if insmod "$mod" "proc_dir=$bad" 2>/dev/null; then
		tap_not_ok "proc_dir='$bad' rejected"
		rmmod fscache_ops
	else
		tap_ok "proc_dir='$bad' rejected"
		if dmesg | grep -q 'proc_dir=.* is invalid'; then
			tap_ok "proc_dir='$bad': error names the parameter"
		else
			dmesg | tail -n 5
			tap_not_ok "proc_dir='$bad': no error naming the parameter"
		fi
	fi
done

if tap_check "insmod proc_dir=fscache_test" insmod "$mod" proc_dir=fscache_test; then
	tap_check "stats in /proc/fs/fscache_test" \
		check_file /proc/fs/fscache_test stats "$work/custom.stats"
	if [ -e /proc/fs/fscache ]; then
		tap_not_ok "/proc/fs/fscache not created"
	else
		tap_ok "/proc/fs/fscache not created"
	fi
	tap_check "proc_dir parameter shows fscache_test" \
		grep -qx fscache_test /sys/module/fscache_ops/parameters/proc_dir
	tap_check "rmmod after proc_dir=fscache_test" rmmod fscache_ops
	if [ -e /proc/fs/fscache_test ]; then
		tap_not_ok "/proc/fs/fscache_test removed on unload"
	else
		tap_ok "/proc/fs/fscache_test removed on unload"
	fi
fi

# A name that another part of the kernel owns already.
taken=
for entry in /proc/fs/*; do
	[ -e "$entry" ] || continue
	taken=${entry##*/}
	break
done
if [ -n "$taken" ]; then
	dmesg -c >/dev/null
	if insmod "$mod" "proc_dir=$taken" 2>/dev/null; then
		tap_not_ok "proc_dir=$taken (exists) rejected"
		rmmod fscache_ops
	else
		tap_ok "proc_dir=$taken (exists) rejected"
		tap_check "error says /proc/fs/$taken exists" \
			sh -c "dmesg | grep -q '/proc/fs/$taken exists already'"
	fi
else
	tap_ok "proc_dir on an existing name # SKIP /proc/fs is empty"
fi
tap_done
