#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites in a guest and record one result line per case.
#
# Usage: scripts/run-kunit.sh um|x86_64
#
# Builds the modules against the debug kernel of ARCH, boots it (QEMU
# with two CPUs for x86_64), loads fscache_ops.ko and then
# tests/fscache_ops_kunit.ko, whose suites run at load time because the
# kernel has CONFIG_KUNIT=y. The KTAP output on the console goes through
# the kernel tree's tools/testing/kunit/kunit.py parse. Results go to
# build/results/kunit-<arch>.txt as "ok <suite>.<case>" lines; a guest
# that fails to boot, times out or shows a kernel report adds a
# "not ok kunit-<arch>.guest" line, and a run with no cases parsed adds
# "not ok kunit-<arch>.results". The suites trigger WARN_ONCE on purpose
# (misuse cases), so the guest runs with --allow-warnings; every other
# kernel report still fails the guest line.
set -eu
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:-}
case $arch in
um | x86_64) ;;
*) die "usage: $0 um|x86_64" ;;
esac
layer=kunit-$arch
mkdir -p "$RESULTS_DIR" "$LOG_DIR"
: >"$RESULTS_DIR/$layer.txt"

if ! out=$("$TOP/scripts/build-modules.sh" "$arch" debug); then
	result "$layer" fail "$layer.build"
	exit 1
fi
kernel_source_vars
kunit_module=$out/tests/fscache_ops_kunit.ko
if [ ! -f "$kunit_module" ]; then
	warn "$kunit_module was not built (is CONFIG_KUNIT set in the kernel?)"
	result "$layer" fail "$layer.build"
	exit 1
fi

guest_script=$BUILD_DIR/guest/kunit-$arch.sh
mkdir -p "$BUILD_DIR/guest"
cat >"$guest_script" <<'EOF_GUEST'
#!/bin/sh
# Load the module, then the suites; KUnit prints KTAP while loading.
set -e
insmod "$MODDIR/fscache_ops.ko"
insmod "$MODDIR/fscache_ops_kunit.ko"
rmmod fscache_ops_kunit
rmmod fscache_ops
EOF_GUEST

smp=()
[ "$arch" = um ] || smp=(--smp 2)
guest_status=0
"$TOP/scripts/run-guest.sh" --arch "$arch" --variant debug \
	--script "$guest_script" --name kunit "${smp[@]}" --allow-warnings \
	--timeout "${KUNIT_TIMEOUT:-900}" \
	--modules "$out/fscache_ops.ko $kunit_module" \
	>"$LOG_DIR/$layer.run.log" 2>&1 || guest_status=$?
console=$LOG_DIR/guest-kunit-$arch-debug.log
tail -n 5 "$LOG_DIR/$layer.run.log" >&2

# Parse only what the guest printed after /init started: the kernel's
# built-in KUnit executor prints an empty "1..0" plan at boot, and the
# parser stops at the first plan it finds.
ktap=$LOG_DIR/$layer.ktap
sed -n '/^run-guest: init started/,$p' "$console" >"$ktap" 2>/dev/null || true
json=$LOG_DIR/$layer.json
rm -f "$json"
python3 "$KSRC/tools/testing/kunit/kunit.py" parse --json="$json" \
	"$ktap" >"$LOG_DIR/$layer.parse.log" 2>&1 || true
cat "$LOG_DIR/$layer.parse.log" >&2

# The JSON has one group per suite; a parameterised case is a nested
# group whose own status is folded from its parameters.
cases=0
if [ -s "$json" ]; then
	cases=$(python3 - "$json" "$RESULTS_DIR/$layer.txt" <<'EOF_PY'
import json
import sys


def fold(statuses):
    if any(s not in ("PASS", "SKIP") for s in statuses):
        return "FAIL"
    if statuses and all(s == "SKIP" for s in statuses):
        return "SKIP"
    return "PASS"


def walk(group, prefix, out):
    for case in group.get("test_cases", []):
        out.append((prefix + case["name"], case["status"]))
    for sub in group.get("sub_groups", []):
        inner = []
        walk(sub, "", inner)
        out.append((prefix + sub["name"], fold([s for _, s in inner])))


with open(sys.argv[1]) as f:
    root = json.load(f)
results = []
for suite in root.get("sub_groups", []):
    walk(suite, suite["name"] + ".", results)
for case in root.get("test_cases", []):
    results.append((case["name"], case["status"]))
with open(sys.argv[2], "a") as out:
    for name, status in results:
        if status == "PASS":
            out.write("ok %s\n" % name)
        elif status == "SKIP":
            out.write("ok %s # SKIP\n" % name)
        else:
            out.write("not ok %s\n" % name)
print(len(results))
EOF_PY
)
fi

if [ "$guest_status" -eq 0 ]; then
	result "$layer" ok "$layer.guest"
else
	warn "the guest run failed with status $guest_status; see $console"
	result "$layer" fail "$layer.guest"
fi
if [ "$cases" -eq 0 ]; then
	warn "no KUnit cases found in $console"
	result "$layer" fail "$layer.results"
fi

log "$cases KUnit cases; results in $RESULTS_DIR/$layer.txt"
! grep -q '^not ok' "$RESULTS_DIR/$layer.txt"
