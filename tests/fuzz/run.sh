#!/bin/sh
# make fuzz: runs each libFuzzer target given (build/fuzz/tests/fuzz_NAME)
# from its seeds in tests/fuzz/corpus/NAME, with the words of
# tests/fuzz/NAME.dict where there is one, for FUZZ_SECONDS seconds each
# (default 60), adding what it finds to build/fuzz/corpus/NAME for the next
# run. With FUZZ_RUNS=N instead (make test) each target runs its seeds and N
# inputs more, from a fixed random seed, keeping nothing.
# A crash, a sanitizer report, a leak, a hang (over 10 s for one input) or a
# broken promise (tests/fuzz/fuzz.h) fails the target: its reproducer is
# kept in build/fuzz/crashes/ and the line says how to run it again.
# One line per target, "ok - ..." or "not ok - ...", then "N passed, N failed".
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_RUNS:=}"
here=$(cd "$(dirname "$0")" && pwd)
crashes=build/fuzz/crashes
mkdir -p "$crashes"
passed=0
failed=0
work=$(mktemp -d)
# The targets' demo stores: in memory where there is a tmpfs.
if [ -w /dev/shm ]; then stores=$(mktemp -d /dev/shm/apterm-fuzz-run.XXXXXX); else stores=$work; fi
export FUZZ_TMPDIR="$stores"
trap 'rm -rf "$work" "$stores"' EXIT
# The targets set APTERM_TODAY themselves; nothing of the caller's may leak in.
unset APTERM_CONFIG
# A smaller quarantine than the 256 MB default: each target starts 3 times faster.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

for bin in "$@"; do
    target=$(basename "$bin")
    name=${target#fuzz_}
    seeds=$here/corpus/$name
    if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
        echo "not ok - fuzz $name: no target $bin or no seeds in $seeds"
        failed=$((failed + 1))
        continue
    fi
    if [ -n "$FUZZ_RUNS" ]; then
        found=$work/$name
        budget="-runs=$FUZZ_RUNS -seed=1"
        what="$FUZZ_RUNS runs from its seeds"
    else
        found=build/fuzz/corpus/$name
        budget="-max_total_time=$FUZZ_SECONDS"
        what="$FUZZ_SECONDS s"
    fi
    mkdir -p "$found"
    dict=""
    [ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
    log=$work/$name.log
    before=$(ls "$crashes" | wc -l)
    # shellcheck disable=SC2086 # budget is two options, dict one or none
    "$bin" $budget $dict -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/$name-" "$found" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        echo "ok - fuzz $name: ${runs:-?} inputs ($what), no crash, leak or broken promise"
        passed=$((passed + 1))
    else
        repro=$(ls -t "$crashes" | head -1)
        [ "$(ls "$crashes" | wc -l)" -gt "$before" ] || repro=""
        echo "not ok - fuzz $name: exit $rc after ${runs:-?} inputs"
        grep -E '^fuzz: |ERROR: |SUMMARY: |runtime error' "$log" | head -5 | sed 's/^/#   /'
        if [ -n "$repro" ]; then
            echo "#   reproducer: $crashes/$repro (run: $bin $crashes/$repro)"
        else
            tail -20 "$log" | sed 's/^/#   /'
        fi
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
