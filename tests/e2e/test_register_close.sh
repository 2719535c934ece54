#!/bin/sh
# The register closes without a screen (src/register.h): at close_am /
# close_pm the first apterm process to see the time has passed closes the
# day's register once - apterm close-register (for cron), apterm check,
# apterm mark, or the full-screen program, whichever comes first - every
# expected pupil without a mark gets N, and the closure is audited. Two
# processes at once close it once. Checked in SQLite.
#
# Friday 20 Nov 2026 (APTERM_TODAY): the demo store, made for that day,
# leaves part of the morning unreported. close_am 09:30, close_pm 13:45
# (apterm.ini defaults).
. tests/lib.sh
export LC_ALL=C.UTF-8
export APTERM_TODAY=2026-11-20
DAY=20777 # 2026-11-20 as attendance_mark.day (days since 1970-01-01)
base="$TEST_DIR/base.db"
APTERM_NOW=08:00 demo_store "$base" --pupils 40 --weeks 4
fresh() { rm -f "$1" "$1-wal" "$1-shm"; cp "$base" "$1"; }
q() { sqlite3 "$1" "$2"; }
# Expected this session and still without a mark (db/marks.c expected_on).
unreported() { # unreported DB am|pm
    wd=4
    q "$1" "SELECT count(*) FROM (SELECT l.pupil_id FROM placement l JOIN placement_session t ON t.placement_id = l.id
       WHERE l.status != 'proposed' AND l.start_date <= '$APTERM_TODAY'
         AND (l.end_date IS NULL OR l.end_date >= '$APTERM_TODAY') AND t.weekday = $wd AND t.session = '$2'
       GROUP BY l.pupil_id) e
       WHERE NOT EXISTS (SELECT 1 FROM attendance_mark m WHERE m.pupil_id = e.pupil_id AND m.day = $DAY AND m.session = '$2')"
}
closed_n() { q "$1" "SELECT count(*) FROM attendance_mark WHERE day = $DAY AND session = '$2' AND note = 'register closed'"; }
closures() { q "$1" "SELECT count(*) FROM register_close"; }

U_AM=$(unreported "$base" am)
U_PM=$(unreported "$base" pm)
if [ "$U_AM" -gt 0 ] && [ "$U_PM" -gt 0 ]; then ok "the demo store leaves $U_AM pupils unreported this morning, $U_PM this afternoon"
else not_ok "the demo store leaves pupils unreported this morning and afternoon" "am=$U_AM pm=$U_PM"; fi

# ---- apterm close-register, for cron: a minute before, at, after ----
db="$TEST_DIR/cron.db"
fresh "$db"
out=$(APTERM_NOW=09:29 "$APTERM" close-register --db "$db" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(closures "$db")" = 0 ] && [ "$(unreported "$db" am)" = "$U_AM" ] &&
   echo "$out" | grep -qx "AM register: open, closes at 09:30"; then
    ok "09:29: close-register closes nothing and says the AM register closes at 09:30"
else not_ok "09:29: close-register closes nothing" "rc=$rc" "$out"; fi
out=$(APTERM_NOW=09:30 "$APTERM" close-register --db "$db" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(closed_n "$db" am)" = "$U_AM" ] && [ "$(unreported "$db" am)" = 0 ] &&
   echo "$out" | grep -qx "AM register closed at 09:30: $U_AM unmarked pupils got N" &&
   echo "$out" | grep -qx "PM register: open, closes at 13:45" && [ "$(unreported "$db" pm)" = "$U_PM" ]; then
    ok "09:30: close-register closes the AM register: \"$U_AM unmarked pupils got N\"; the PM stays open"
else not_ok "09:30: close-register closes the AM register" "rc=$rc" "$out"; fi
row=$(q "$db" "SELECT how || '|' || marked || '|' || closed_by FROM register_close WHERE day = '$APTERM_TODAY' AND session = 'am'")
audit=$(q "$db" "SELECT count(*) FROM audit_log WHERE tbl = 'register_close' AND action = 'insert' AND login = '$(id -un)'")
[ "$row" = "automatic|$U_AM|$(id -un)" ] && [ "$audit" = 1 ] && ok "the closure is recorded and audited (who, how, how many)" ||
    not_ok "the closure is recorded and audited" "row=$row audit=$audit"
before=$(q "$db" "SELECT count(*) || '/' || total(version) FROM attendance_mark")
out=$(APTERM_NOW=09:31 "$APTERM" close-register --db "$db" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(q "$db" "SELECT count(*) || '/' || total(version) FROM attendance_mark")" = "$before" ] &&
   [ "$(closures "$db")" = 1 ] && echo "$out" | grep -qx "AM register: closed already"; then
    ok "09:31: close-register again writes nothing and says the AM register is closed already"
else not_ok "09:31: close-register again writes nothing" "rc=$rc" "$out"; fi
out=$(APTERM_NOW=13:45 "$APTERM" close-register --db "$db" 2>&1)
[ "$(closed_n "$db" pm)" = "$U_PM" ] && echo "$out" | grep -qx "PM register closed at 13:45: $U_PM unmarked pupils got N" &&
    ok "13:45: close-register closes the PM register" || not_ok "13:45: close-register closes the PM register" "$out"
out=$(APTERM_NOW=16:00 APTERM_TODAY=2026-11-21 "$APTERM" close-register --db "$db" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -qx "2026-11-21: not a school day, no register to close" && [ "$(closures "$db")" = 2 ] &&
    ok "on a Saturday close-register says there is no register to close" ||
    not_ok "on a Saturday close-register says there is no register to close" "rc=$rc" "$out"

# ---- a viewer's close-register closes nothing ----
db="$TEST_DIR/viewer.db"
fresh "$db"
"$APTERM" user add "$(id -un)" viewer --db "$db" >/dev/null
out=$(APTERM_NOW=10:00 "$APTERM" close-register --db "$db" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "viewer role" && [ "$(closures "$db")" = 0 ] && [ "$(unreported "$db" am)" = "$U_AM" ] &&
    ok "a viewer's close-register fails, saying why, and closes nothing" ||
    not_ok "a viewer's close-register fails, saying why, and closes nothing" "rc=$rc" "$out"
APTERM_NOW=10:00 "$APTERM" check --db "$db" >/dev/null 2>&1
[ "$(closures "$db")" = 0 ] && ok "a viewer's apterm check closes nothing" || not_ok "a viewer's apterm check closes nothing"

# ---- apterm check and apterm mark close it too, with no screen open ----
db="$TEST_DIR/check.db"
fresh "$db"
APTERM_NOW=09:29 "$APTERM" check --db "$db" >/dev/null 2>"$TEST_DIR/err"
[ "$(closures "$db")" = 0 ] && ok "apterm check at 09:29 closes nothing" || not_ok "apterm check at 09:29 closes nothing" "$(cat "$TEST_DIR/err")"
APTERM_NOW=09:30 "$APTERM" check --db "$db" >"$TEST_DIR/out" 2>"$TEST_DIR/err"
if [ "$(closed_n "$db" am)" = "$U_AM" ] && grep -qx "AM register closed at 09:30: $U_AM unmarked pupils got N" "$TEST_DIR/err" &&
   ! grep -q "register closed" "$TEST_DIR/out"; then
    ok "apterm check at 09:30 closes the AM register, saying so on stderr (stdout keeps only the flags)"
else not_ok "apterm check at 09:30 closes the AM register" "$(cat "$TEST_DIR/err")"; fi

db="$TEST_DIR/mark.db"
fresh "$db"
# The first unreported pupil this morning gets a late mark at 09:40: the mark
# is kept (not an N) and everyone else unreported gets N.
late=$(q "$db" "SELECT u.upn FROM pupil u JOIN placement l ON l.pupil_id = u.id JOIN placement_session t ON t.placement_id = l.id
       WHERE l.status = 'active' AND t.weekday = 4 AND t.session = 'am' AND l.start_date <= '$APTERM_TODAY'
         AND (l.end_date IS NULL OR l.end_date >= '$APTERM_TODAY')
         AND NOT EXISTS (SELECT 1 FROM attendance_mark m WHERE m.pupil_id = u.id AND m.day = $DAY AND m.session = 'am')
       ORDER BY u.id LIMIT 1")
APTERM_NOW=09:40 "$APTERM" mark --db "$db" --date "$APTERM_TODAY" --session am --upn "$late" --code / >"$TEST_DIR/out" 2>"$TEST_DIR/err"; rc=$?
code=$(q "$db" "SELECT m.code FROM attendance_mark m JOIN pupil u ON u.id = m.pupil_id WHERE u.upn = '$late' AND m.day = $DAY AND m.session = 'am'")
want=$((U_AM - 1))
if [ $rc -eq 0 ] && [ "$code" = / ] && [ "$(closed_n "$db" am)" = "$want" ] &&
   grep -qx "AM register closed at 09:30: $want unmarked pupils got N" "$TEST_DIR/err"; then
    ok "apterm mark at 09:40 records the late mark, then closes the register: the other $want get N"
else not_ok "apterm mark at 09:40 records the late mark, then closes the register" "rc=$rc code=$code" "$(cat "$TEST_DIR/out" "$TEST_DIR/err")"; fi

# ---- two processes at once close it once ----
races=0
for i in 1 2 3 4 5; do
    db="$TEST_DIR/race$i.db"
    fresh "$db"
    APTERM_NOW=14:00 "$APTERM" close-register --db "$db" >"$TEST_DIR/r1" 2>&1 &
    p1=$!
    APTERM_NOW=14:00 "$APTERM" close-register --db "$db" >"$TEST_DIR/r2" 2>&1 &
    p2=$!
    wait $p1; rc1=$?
    wait $p2; rc2=$?
    said=$(cat "$TEST_DIR/r1" "$TEST_DIR/r2" | grep -c "register closed at")
    audit=$(q "$db" "SELECT count(*) FROM audit_log WHERE tbl = 'register_close'")
    if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(closures "$db")" = 2 ] && [ "$audit" = 2 ] && [ "$said" = 2 ] &&
       [ "$(closed_n "$db" am)" = "$U_AM" ] && [ "$(closed_n "$db" pm)" = "$U_PM" ]; then
        races=$((races + 1))
    else
        not_ok "race $i" "rc=$rc1/$rc2 closures=$(closures "$db") audit=$audit said=$said" "$(cat "$TEST_DIR/r1" "$TEST_DIR/r2")"
    fi
done
[ $races = 5 ] && ok "two close-registers at once, five times: each register closed once, audited once, said once" ||
    not_ok "two close-registers at once close each register once ($races of 5)"

# ---- the full-screen program applies the same rule when it opens ----
db="$TEST_DIR/tui.db"
fresh "$db"
start T 150x40 "APTERM_TODAY=$APTERM_TODAY APTERM_NOW=09:45 APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
if wait_for T "AM register closed at 09:30: $U_AM unmarked pupils got N" 10 && [ "$(closed_n "$db" am)" = "$U_AM" ]; then
    ok "apterm opened at 09:45 with the AM register still open closes it and says so"
else not_ok "apterm opened at 09:45 with the AM register still open closes it" "$(screen T | tail -2)"; fi
keys T q
wait_for T "EXIT=0" 5 || not_ok "apterm quits" "$(screen T | tail -2)"
