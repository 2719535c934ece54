#!/bin/sh
# Runs every test: the cmocka unit binaries given as arguments, then each
# end-to-end script in tests/e2e, export check in tests/export and the
# golden screens of tests/golden. Scripts
# report one line per test, "ok - NAME" or "not ok - NAME" (tests/lib.sh).
# Ends with one line "N passed, N failed" and exits non-zero on any failure.
: "${APTERM:=./apterm}"
: "${PYTHON:=/usr/bin/python3}"
APTERM=$(cd "$(dirname "$APTERM")" && pwd)/$(basename "$APTERM")
export APTERM PYTHON
# Under SANITIZE=1 a sanitizer report from any process, the full-screen
# program inside tmux included, goes to a file here and counts as a failure.
san_dir=$(mktemp -d)
export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$san_dir/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -rf "$log" "$san_dir"' EXIT

count() { # count NAME: adds the ok/not ok lines of $log
    p=$(grep -c '^ok - ' "$log")
    f=$(grep -c '^not ok - ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -gt 0 ]; then
        failures="$failures
$(grep '^not ok - ' "$log" | sed "s|^not ok - |  $1: |")"
    fi
}

for bin in "$@"; do
    name=$(basename "$bin")
    echo "== $name"
    "$bin" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or failed outside a test
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -gt 0 ] && failures="$failures
  $name: $(grep -E '^\[  FAILED  \] [a-z_]' "$log" | sed 's/.*\] //' | tr '\n' ' ')"
done

run_script() { # run_script NAME COMMAND...: a script of ok/not ok lines
    name=$1
    shift
    echo "== $name"
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    count "$name"
    if [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$log"; then
        failed=$((failed + 1))
        failures="$failures
  $name: exited $rc"
    fi
}

for script in tests/build/*.sh tests/e2e/*.sh tests/export/*.sh tests/golden/*.sh; do
    [ -f "$script" ] || continue
    run_script "$script" sh "$script"
done

# The short versions of make soak and make fuzz (a few seconds each). The
# fuzz targets are built by make test with clang into build/fuzz ($FUZZ_BIN).
run_script "make soak (short)" env SOAK_SECONDS="${SOAK_SECONDS:-10}" SOAK_PUPILS=120 sh tests/soak/soak.sh
if [ -n "${FUZZ_BIN:-}" ]; then
    # shellcheck disable=SC2086 # a list of paths
    run_script "make fuzz (short)" env FUZZ_RUNS="${FUZZ_RUNS:-300}" sh tests/fuzz/run.sh $FUZZ_BIN
fi

for report in "$san_dir"/*; do
    [ -f "$report" ] || continue
    echo "== sanitizer report $(basename "$report")"
    cat "$report"
    failed=$((failed + 1))
    failures="$failures
  sanitizer: $(grep -m1 -E 'ERROR|runtime error' "$report")"
done

echo
if [ "$failed" -gt 0 ]; then
    echo "Failed:$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
