#!/bin/sh
# The command line of issue 2, run as a user would: help, version, usage
# errors, demo, check, users, configuration errors.
. tests/lib.sh
cd "$TEST_DIR" || exit 1
db="$TEST_DIR/demo.db"

out=$("$APTERM" --help 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q '^  demo ' && echo "$out" | grep -q '^  check ' &&
   echo "$out" | grep -q '^  user '; then ok "--help lists every subcommand"; else not_ok "--help lists every subcommand" "$out"; fi

out=$("$APTERM" --version 2>&1)
case "$out" in "apterm "[0-9]*) ok "--version prints the version" ;; *) not_ok "--version prints the version" "$out" ;; esac

"$APTERM" frobnicate >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q 'unknown command "frobnicate"' "$TEST_DIR/out" && grep -q Usage "$TEST_DIR/out"; then
    ok "a wrong subcommand prints usage and exits 2"; else not_ok "a wrong subcommand prints usage and exits 2" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" --frob >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q 'unknown option "--frob"' "$TEST_DIR/out"; then ok "a wrong option exits 2"
else not_ok "a wrong option exits 2" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" demo --db "$TEST_DIR/x.db" --pupils many >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- '--pupils "many"' "$TEST_DIR/out" && [ ! -e "$TEST_DIR/x.db" ]; then
    ok "demo rejects a bad --pupils, naming it, and makes no store"; else not_ok "demo rejects a bad --pupils" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

if "$APTERM" demo --db "$db" >"$TEST_DIR/out" 2>&1; then ok "demo makes a store"; else not_ok "demo makes a store" "$(cat "$TEST_DIR/out")"; fi

mode=$(stat -c %a "$db")
[ "$mode" = 600 ] && ok "a new store is mode 0600" || not_ok "a new store is mode 0600" "mode $mode"

jm=$(sqlite3 "$db" 'pragma journal_mode')
[ "$jm" = wal ] && ok "the store is in WAL mode" || not_ok "the store is in WAL mode" "$jm"

"$APTERM" demo --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "already exists" "$TEST_DIR/out"; then ok "demo refuses an existing store"
else not_ok "demo refuses an existing store" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" check --db "$db" >"$TEST_DIR/flags" 2>"$TEST_DIR/err"; rc=$?
if [ $rc -eq 1 ]; then ok "check exits 1 when a flag is red"; else not_ok "check exits 1 when a flag is red" "rc=$rc" "$(cat "$TEST_DIR/err")"; fi
missing=""
for kind in registration insurance qa_stage1 qa_stage2 monitoring safeguarding psp_review psp_end \
            reduced_timetable quotations intervention persistent_absence unauthorised_run; do
    grep -q "	$kind	" "$TEST_DIR/flags" || missing="$missing $kind"
done
[ -z "$missing" ] && ok "check lists flags of every kind on the demo store" ||
    not_ok "check lists flags of every kind on the demo store" "missing:$missing" "$(head -20 "$TEST_DIR/flags")"
reds=$(grep -c '^red	' "$TEST_DIR/flags"); ambers=$(grep -c '^amber	' "$TEST_DIR/flags")
if grep -q "^$reds red, $ambers amber$" "$TEST_DIR/err"; then ok "check's summary counts the lines it printed"
else not_ok "check's summary counts the lines it printed" "$reds red, $ambers amber" "$(cat "$TEST_DIR/err")"; fi

me=$(id -un)
"$APTERM" user list --db "$db" >"$TEST_DIR/out" 2>&1
grep -q "^$me  *admin" "$TEST_DIR/out" && ok "the login that made the store is its admin" ||
    not_ok "the login that made the store is its admin" "$(cat "$TEST_DIR/out")"

"$APTERM" user add officer1 officer --db "$db" >/dev/null 2>&1 && "$APTERM" user list --db "$db" >"$TEST_DIR/out" 2>&1
grep -q "^officer1  *officer" "$TEST_DIR/out" && ok "user add adds a login with its role" ||
    not_ok "user add adds a login with its role" "$(cat "$TEST_DIR/out")"

"$APTERM" user add officer2 chief --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q 'role "chief"' "$TEST_DIR/out"; then ok "user add refuses an unknown role, naming it (exit 2)"
else not_ok "user add refuses an unknown role" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

n=$(sqlite3 "$db" "select count(*) from audit_log where tbl='app_user' and row_key='officer1'")
[ "$n" = 1 ] && ok "adding a user is in the audit log" || not_ok "adding a user is in the audit log" "rows: $n"

# Configuration errors name the file and the key, and nothing starts.
printf '[attendance]\nclose_am = 25:00\n' > "$TEST_DIR/bad.ini"
"$APTERM" --config "$TEST_DIR/bad.ini" check --db "$db" >"$TEST_DIR/flags.bad" 2>"$TEST_DIR/out"; rc=$?
if [ $rc -eq 2 ] && grep -q "bad.ini" "$TEST_DIR/out" && grep -q "close_am" "$TEST_DIR/out" && [ ! -s "$TEST_DIR/flags.bad" ]; then
    ok "a bad value in apterm.ini names the file and key, and check exits 2 (not 1, a red flag)"; else not_ok "a bad value in apterm.ini names the file and key" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

printf '[rules]\nno_such_rule = 3\n' > "$TEST_DIR/bad2.ini"
"$APTERM" --config "$TEST_DIR/bad2.ini" check --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "no_such_rule" "$TEST_DIR/out"; then ok "an unknown key in apterm.ini is refused (exit 2)"
else not_ok "an unknown key in apterm.ini is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" --config "$TEST_DIR/none.ini" check --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "none.ini" "$TEST_DIR/out"; then ok "a missing --config file is named (exit 2)"
else not_ok "a missing --config file is named" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

# A store made by a newer apterm is refused, and left alone.
cp "$db" "$TEST_DIR/newer.db"
sqlite3 "$TEST_DIR/newer.db" 'pragma user_version = 999'
"$APTERM" check --db "$TEST_DIR/newer.db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 3 ] && grep -q "check could not run: .*newer apterm" "$TEST_DIR/out" && [ "$(sqlite3 "$TEST_DIR/newer.db" 'pragma user_version')" = 999 ]; then
    ok "a store from a newer apterm is refused and untouched; check exits 3, could not run"; else not_ok "a store from a newer apterm is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

# Exit codes a script can trust: check's 3 (could not run) is neither 1 (red) nor 2 (usage).
"$APTERM" check --db "$TEST_DIR/no-such.db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 3 ] && grep -q "check could not run" "$TEST_DIR/out" && [ ! -e "$TEST_DIR/no-such.db" ]; then
    ok "check on a store that does not exist exits 3, could not run"
else not_ok "check on a store that does not exist exits 3" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi
"$APTERM" check --db "$db" extra >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'unexpected argument "extra"' "$TEST_DIR/out" && ok "check with a wrong argument exits 2" ||
    not_ok "check with a wrong argument exits 2" "rc=$rc" "$(cat "$TEST_DIR/out")"
"$APTERM" user list --db "$TEST_DIR/no-such.db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 1 ] && ok "another command that fails exits 1" || not_ok "another command that fails exits 1" "rc=$rc" "$(cat "$TEST_DIR/out")"
out=$("$APTERM" --help); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "^  3  check could not run" && echo "$out" | grep -q "^  2  a wrong command"; then
    ok "--help lists the exit codes"; else not_ok "--help lists the exit codes" "$out"; fi
# An empty store (made by opening it full screen) has no flag: check exits 0.
start empty 80x24 "$APTERM --db $TEST_DIR/empty.db"
if wait_for empty "Roll" 10; then
    keys empty q
    wait_for empty "EXIT=0" 10
fi
"$APTERM" check --db "$TEST_DIR/empty.db" >"$TEST_DIR/out" 2>"$TEST_DIR/err"; rc=$?
if [ $rc -eq 0 ] && [ ! -s "$TEST_DIR/out" ] && grep -q "^0 red, 0 amber$" "$TEST_DIR/err"; then
    ok "check exits 0 when no flag is red"; else not_ok "check exits 0 when no flag is red" "rc=$rc" "$(cat "$TEST_DIR/out" "$TEST_DIR/err")"; fi

# The calendar can be listed and replaced from files, all or nothing.
out=$("$APTERM" calendar list --db "$db" 2>&1)
if echo "$out" | grep -q "^2026/27 autumn 2026-09-0" && echo "$out" | grep -q "closure days"; then
    ok "calendar list shows the terms"; else not_ok "calendar list shows the terms" "$out"; fi
before=$(sqlite3 "$db" "select count(*) || '/' || (select count(*) from closure) from term")
printf 'academic_year,term,start,end\n2027/28,autumn,2027-09-01,2027-12-17\n2027/28,spring,2028-13-01,2028-03-24\n' > "$TEST_DIR/terms.csv"
printf 'date,reason\n' > "$TEST_DIR/closures.csv"
"$APTERM" calendar load "$TEST_DIR/terms.csv" "$TEST_DIR/closures.csv" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
after=$(sqlite3 "$db" "select count(*) || '/' || (select count(*) from closure) from term")
if [ $rc -eq 1 ] && grep -q "terms.csv line 3" "$TEST_DIR/out" && [ "$before" = "$after" ]; then
    ok "a bad calendar file is refused, naming the line, and nothing changes"
else not_ok "a bad calendar file is refused" "rc=$rc before=$before after=$after" "$(cat "$TEST_DIR/out")"; fi
printf 'academic_year,term,start,end\n2026/27,autumn,2026-09-01,2026-12-18\n' > "$TEST_DIR/terms.csv"
printf 'date,reason\n2026-10-26,Half term\n' > "$TEST_DIR/closures.csv"
"$APTERM" calendar load "$TEST_DIR/terms.csv" "$TEST_DIR/closures.csv" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
after=$(sqlite3 "$db" "select count(*) || '/' || (select count(*) from closure) from term")
if [ $rc -eq 0 ] && [ "$after" = "1/1" ]; then ok "calendar load replaces the terms and closure days"
else not_ok "calendar load replaces the terms and closure days" "rc=$rc after=$after" "$(cat "$TEST_DIR/out")"; fi
