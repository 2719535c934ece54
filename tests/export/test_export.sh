#!/bin/sh
# The two workbooks of issue 6, made by the real binary from a demo store and
# read back with openpyxl (tests/export/check_panel.py, check_dmt.py), which
# compare every figure with SQL over the same store; then the ways an export
# must fail without touching an existing file.
. tests/lib.sh
demo_script 2026-03-04 --pupils 80 --weeks 8      # a Wednesday in the spring term 2025/26
checks="$here/tests/export"

# export NAME ARGS...: runs apterm export ARGS; ok when it exits 0 with nothing on stderr.
export_ok() {
    name=$1
    shift
    if "$APTERM" export "$@" --db "$db" >"$TEST_DIR/out" 2>"$TEST_DIR/err" && [ ! -s "$TEST_DIR/err" ]; then
        ok "$name"
    else
        not_ok "$name" "$(cat "$TEST_DIR/out" "$TEST_DIR/err")"
    fi
}

export_ok "export panel --panel-date writes the pack, quietly when stderr is not a terminal" \
    panel --panel-date 2026-03-05 --out "$TEST_DIR/panel.xlsx"
export_ok "export panel without --panel-date writes every open case" panel --out "$TEST_DIR/open.xlsx"
grep -q "every open case" "$TEST_DIR/out" && ok "export panel says what it wrote" ||
    not_ok "export panel says what it wrote" "$(cat "$TEST_DIR/out")"
export_ok "export dmt writes the report for a range starting mid-week" \
    dmt --from 2026-01-14 --to 2026-03-04 --out "$TEST_DIR/dmt.xlsx"
export_ok "export dmt writes a range across a holiday with placements but no marks in it" \
    dmt --from 2025-12-01 --to 2026-02-20 --out "$TEST_DIR/dmt2.xlsx"

modes=$(stat -c %a "$TEST_DIR/panel.xlsx" "$TEST_DIR/open.xlsx" "$TEST_DIR/dmt.xlsx" | sort -u)
[ "$modes" = 600 ] && ok "workbooks are mode 0600" || not_ok "workbooks are mode 0600" "$modes"

"$PYTHON" "$checks/check_panel.py" "$db" "$TEST_DIR/panel.xlsx" 2026-03-05 2026-03-04 "panel of 2026-03-05"
"$PYTHON" "$checks/check_panel.py" "$db" "$TEST_DIR/open.xlsx" "" 2026-03-04 "open cases" expect-warning
"$PYTHON" "$checks/check_dmt.py" "$db" "$TEST_DIR/dmt.xlsx" 2026-01-14 2026-03-04 2026-03-04 "dmt"
"$PYTHON" "$checks/check_dmt.py" "$db" "$TEST_DIR/dmt2.xlsx" 2025-12-01 2026-02-20 2026-03-04 "dmt across a holiday"

# A range ending after today: the terminal says so (the Summary is checked by check_dmt.py).
"$APTERM" export dmt --from 2026-02-16 --to 2026-03-20 --out "$TEST_DIR/dmt3.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1
if grep -q "The range ends after today: committed spend counts 12 school days not yet reached" "$TEST_DIR/out"; then
    ok "export dmt of a range ending after today says so on the terminal, with the school days not yet reached"
else not_ok "export dmt of a range ending after today says so" "$(cat "$TEST_DIR/out")"; fi
"$APTERM" export dmt --from 2026-02-16 --to 2026-03-04 --out "$TEST_DIR/dmt4.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1
if ! grep -q "after today" "$TEST_DIR/out"; then
    ok "export dmt of a range ending today does not say it ends after today"
else not_ok "export dmt of a range ending today does not say it ends after today" "$(cat "$TEST_DIR/out")"; fi
"$PYTHON" "$checks/check_dmt.py" "$db" "$TEST_DIR/dmt3.xlsx" 2026-02-16 2026-03-20 2026-03-04 "dmt ending after today"

# ---- failures leave everything as it was

printf 'an earlier report\n' > "$TEST_DIR/keep.xlsx"
cp "$TEST_DIR/keep.xlsx" "$TEST_DIR/keep.orig"
untouched() { cmp -s "$TEST_DIR/keep.xlsx" "$TEST_DIR/keep.orig"; }
leftovers() { ls -A "$TEST_DIR" | grep '^\..*\.xlsx\.' ; }

"$APTERM" export dmt --from 2026-03-04 --to 2026-01-14 --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- "--from 2026-03-04 is after --to 2026-01-14" "$TEST_DIR/out" && untouched; then
    ok "a range whose start is after its end is refused (exit 2), naming --from and --to; the file is untouched"
else not_ok "a reversed range is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" export dmt --from 2026-02-30 --to 2026-03-04 --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- '--from "2026-02-30": expected a date' "$TEST_DIR/out" && untouched; then
    ok "a date that does not exist is refused, naming --from"
else not_ok "a bad --from is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" export dmt --from 2026-01-14 --to 4/3/2026 --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- '--to "4/3/2026": expected a date, YYYY-MM-DD' "$TEST_DIR/out" && untouched; then
    ok "a date not written YYYY-MM-DD is refused, naming --to"
else not_ok "a bad --to is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" export dmt --from 2010-01-01 --to 2026-03-04 --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "longer than ten years" "$TEST_DIR/out" && untouched; then
    ok "a range longer than ten years is refused"
else not_ok "a range longer than ten years is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" export panel --panel-date tomorrow --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- '--panel-date "tomorrow": expected a date' "$TEST_DIR/out" && untouched; then
    ok "a bad --panel-date is refused, naming it"
else not_ok "a bad --panel-date is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" export dmt --from 2026-01-14 --to 2026-03-04 --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--out" "$TEST_DIR/out" && ok "export dmt without --out is a usage error" ||
    not_ok "export dmt without --out is a usage error" "rc=$rc" "$(cat "$TEST_DIR/out")"

"$APTERM" export dmt --from 2026-01-14 --to 2026-03-04 --out "$TEST_DIR/no/such/dir/r.xlsx" --db "$db" \
    >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "cannot write $TEST_DIR/no/such/dir/r.xlsx" "$TEST_DIR/out" &&
   grep -q "No such file or directory" "$TEST_DIR/out" && [ ! -e "$TEST_DIR/no" ]; then
    ok "a target in a directory that does not exist fails with a clear message and creates nothing"
else not_ok "a target in a missing directory fails clearly" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

mkdir "$TEST_DIR/adir"
printf 'inside\n' > "$TEST_DIR/adir/file"
"$APTERM" export panel --out "$TEST_DIR/adir" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "cannot write $TEST_DIR/adir: it is a directory" "$TEST_DIR/out" &&
   [ "$(ls -A "$TEST_DIR/adir")" = file ] && [ "$(cat "$TEST_DIR/adir/file")" = inside ]; then
    ok "a target that is a directory fails with a clear message and the directory is untouched"
else not_ok "a target that is a directory fails clearly" "rc=$rc" "$(cat "$TEST_DIR/out")" "$(ls -A "$TEST_DIR/adir")"; fi

"$APTERM" export panel --out "$TEST_DIR/keep.xlsx/" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "cannot write" "$TEST_DIR/out" && untouched; then
    ok "a target through a file (keep.xlsx/) fails and the file is untouched"
else not_ok "a target through a file fails" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

if [ "$(id -u)" -ne 0 ]; then
    chmod 444 "$TEST_DIR/keep.xlsx"
    "$APTERM" export panel --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
    chmod 644 "$TEST_DIR/keep.xlsx"
    if [ $rc -eq 1 ] && grep -q "left as it was" "$TEST_DIR/out" && untouched; then
        ok "a read-only existing file is refused and untouched"
    else not_ok "a read-only existing file is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi
fi

[ -z "$(leftovers)" ] && ok "no temporary file is left beside a target after a failure" ||
    not_ok "no temporary file is left beside a target after a failure" "$(leftovers)"

chmod 644 "$TEST_DIR/keep.xlsx"
"$APTERM" export panel --out "$TEST_DIR/keep.xlsx" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! untouched && [ "$(stat -c %a "$TEST_DIR/keep.xlsx")" = 600 ] &&
   "$PYTHON" -c "import openpyxl, sys; openpyxl.load_workbook(sys.argv[1])" "$TEST_DIR/keep.xlsx" 2>/dev/null &&
   [ -z "$(leftovers)" ]; then
    ok "a successful export replaces an existing file whole, mode 0600, leaving no temporary file"
else not_ok "a successful export replaces an existing file" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

# Progress goes to a terminal only: through a pseudo-terminal it shows.
"$PYTHON" "$checks/on_tty.py" "$APTERM" export dmt --from 2026-01-14 --to 2026-03-04 --out "$TEST_DIR/tty.xlsx" \
    --db "$db" >"$TEST_DIR/tty.out" 2>&1
if grep -q "100% Done" "$TEST_DIR/tty.out" && grep -q "Reading the marks" "$TEST_DIR/tty.out"; then
    ok "on a terminal the export shows its progress"
else not_ok "on a terminal the export shows its progress" "$(tr '\r' '\n' < "$TEST_DIR/tty.out" | tail -5)"; fi
