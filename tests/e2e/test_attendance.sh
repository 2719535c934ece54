#!/bin/sh
# The morning attendance round in the grid (tab 3, ui/attendance.c), by keys
# in a real terminal, checked in SQLite: a full round (one keystroke per
# unreported pupil), an invalid key refused, undo, Backspace, a correction,
# register close (Ctrl-R) and two apterm sessions marking the same pupil's
# same session (no silent overwrite).
#
# Friday 20 Nov 2026 at 09:05 (APTERM_TODAY, APTERM_NOW): the demo store,
# made for that day, leaves part of the morning unreported; the register
# closes by itself at 09:30 (apterm.ini's default), long after this script.
. tests/lib.sh
pane_script 2026-11-20 round --pupils 40 --weeks 4  # a Friday of the autumn term (data/terms.csv)
NOW=09:05
me=$(id -un)
run_env="APTERM_TODAY=$TODAY APTERM_NOW=$NOW APTERM_CONFIG=$APTERM_CONFIG"

# ---- SQLite: what the grid should show (read-only) ----
DB=$db
q() { sqlite3 "$DB" "$1"; }
EXP=$(expected_sql "$TODAY" 4 am) # the pupils expected this morning (Friday)
HAS_MARK="EXISTS (SELECT 1 FROM attendance_mark_v m WHERE m.pupil_id = e.pupil_id
                  AND m.date = '$TODAY' AND m.session = 'am')"
expected() { q "SELECT count(*) FROM ($EXP)"; }
unreported() { q "SELECT count(*) FROM ($EXP) e WHERE NOT $HAS_MARK"; }
unreported_ids() { q "SELECT group_concat(pupil_id) FROM (SELECT e.pupil_id FROM ($EXP) e WHERE NOT $HAS_MARK ORDER BY 1)"; }
# Every mark in the store, with its version: any write changes it.
fingerprint() { q "SELECT count(*) || '/' || total(version) FROM attendance_mark"; }
mark_of() { q "SELECT code || '|' || coalesce(reported_code, '') || '|' || source || '|' || updated_by
               FROM attendance_mark_v WHERE pupil_id = $1 AND date = '$TODAY' AND session = 'am'"; }
name_of() { q "SELECT coalesce(nullif(preferred_name, ''), legal_forename) || ' ' || legal_surname FROM pupil WHERE id = $1"; }
utc_now() { q "SELECT datetime('now')"; }
# The summary line's figures for Friday morning.
summary_re() { printf 'Fri AM: +%s expected, +[0-9]+ marked, +%s unreported' "$1" "$2"; }
summary() { screen "$1" | grep -E 'Fri AM' | head -1; }

E=$(expected)
U=$(unreported)
if [ "$U" -lt 5 ] || [ "$E" -le "$U" ]; then
    not_ok "the demo store leaves part of Friday morning unreported" "expected $E, unreported $U"
    exit 1
fi

# ============ One officer's morning round ============
S=round$$
start "$S" 120x45 "$run_env $APTERM --db $db"
wait_for "$S" "1 Roll" 10
keys "$S" 3
wait_for "$S" "16–20 Nov 2026 · " 10 && wait_for "$S" "expected (a: all) · by phone (@)" 2
screen_ok $? "3 opens the attendance grid on this week (16–20 Nov 2026), marks by phone" "$S"
if wait_re "$S" "$(summary_re "$E" "$U")" 3; then
    ok "the summary counts this morning as SQLite does: $E expected, $U unreported"
else
    not_ok "the summary counts this morning as SQLite does: $E expected, $U unreported" "summary: $(summary "$S")"
fi
screen "$S" | grep -qE ' \?  [_·] *$'
screen_ok $? "unreported cells this morning show ?" "$S"

# ---- An invalid key records nothing ----
fp=$(fingerprint)
keys "$S" K
if wait_for "$S" "K is not a code in the Welsh set" 3 && sleep 0.3 && [ "$(fingerprint)" = "$fp" ] &&
   wait_re "$S" "$(summary_re "$E" "$U")" 1; then
    ok "K (not a code in the Welsh set) is refused with a message and records nothing"
else
    not_ok "K (not a code in the Welsh set) is refused with a message and records nothing" \
        "marks before $fp, after $(fingerprint)" "$(screen "$S" | tail -1)"
fi
keys "$S" b
if wait_for "$S" "b is not a code: codes are capitals (Shift+B records B)" 3 && sleep 0.3 &&
   [ "$(fingerprint)" = "$fp" ]; then
    ok "a lower-case b is refused (codes are capitals) and records nothing"
else
    not_ok "a lower-case b is refused (codes are capitals) and records nothing" \
        "marks before $fp, after $(fingerprint)" "$(screen "$S" | tail -1)"
fi

# ---- A mark, then u ----
stamp=$(utc_now)
keys "$S" /
wait_until 5 sh -c "[ \"\$(sqlite3 '$db' \"SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY'
    AND session = 'am' AND updated_at >= '$stamp'\")\" = 1 ]"
p1=$(q "SELECT pupil_id FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND updated_at >= '$stamp'")
if [ -n "$p1" ] && [ "$(mark_of "$p1")" = "/||phone|$me" ]; then
    ok "/ records the pupil under the cursor as present, by phone, by $me (SQLite)"
else
    not_ok "/ records the pupil under the cursor as present, by phone, by $me (SQLite)" "pupil: $p1, mark: $(mark_of "${p1:-0}")"
fi
keys "$S" u
n1=$(name_of "${p1:-0}")
if wait_for "$S" "Undone: $n1, Fri 20 Nov AM has no mark again" 5 && [ -z "$(mark_of "${p1:-0}")" ] &&
   [ "$(unreported)" = "$U" ] && wait_re "$S" "$(summary_re "$E" "$U")" 2; then
    ok "u undoes it: $n1 has no mark again in SQLite, and $U are unreported again"
else
    not_ok "u undoes it: the pupil has no mark again in SQLite" "mark: $(mark_of "${p1:-0}")" \
        "unreported: $(unreported)" "$(screen "$S" | tail -1)"
fi

# ---- The round: one code per unreported pupil, typed without waiting ----
todo=$(unreported_ids)
typed=$(awk -v n="$U" 'BEGIN { split("/ B / I / B / M / L", c, " "); for (i = 0; i < n; i++) printf "%s ", c[i % 10 + 1] }')
stamp=$(utc_now)
t0=$(date +%s)
# shellcheck disable=SC2086
keys "$S" $typed
if wait_for "$S" "Fri 20 Nov AM: every expected pupil has a mark" 15 && wait_re "$S" "$(summary_re "$E" 0)" 3; then
    ok "a full round by keys: $U keystrokes mark the $U unreported pupils; the summary says 0 unreported ($(($(date +%s) - t0)) s)"
else
    not_ok "a full round by keys: $U keystrokes mark the $U unreported pupils; the summary says 0 unreported" \
        "summary: $(summary "$S")" "$(screen "$S" | tail -1)"
fi
landed=$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND pupil_id IN ($todo)
            AND updated_by = '$me' AND updated_at >= '$stamp' AND updated_at <= datetime('now')")
left=$(unreported)
if [ "$landed" = "$U" ] && [ "$left" = 0 ]; then
    ok "SQLite has each of the $U marks, by $me at a time of this round; nobody expected is left unmarked"
else
    not_ok "SQLite has each of the $U marks, by $me at a time of this round; nobody expected is left unmarked" \
        "marks of this round by $me: $landed of $U" "still unreported: $left" \
        "$(q "SELECT pupil_id, code, updated_by, updated_at FROM attendance_mark_v WHERE date = '$TODAY'
              AND session = 'am' AND pupil_id IN ($todo)")"
fi
got=$(q "SELECT code FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND pupil_id IN ($todo)" | sort | tr '\n' ' ')
want=$(printf '%s\n' $typed | sort | tr '\n' ' ')
[ "$got" = "$want" ] && ok "the codes in SQLite are the keys typed ($want)" ||
    not_ok "the codes in SQLite are the keys typed" "typed: $want" "SQLite: $got"
how=$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND pupil_id IN ($todo)
         AND source = 'phone' AND provider_id IS NOT NULL")
[ "$how" = "$U" ] && ok "each mark stores its provider and that it came by phone" ||
    not_ok "each mark stores its provider and that it came by phone" "$how of $U"
audited=$(q "SELECT count(DISTINCT row_key) FROM audit_log WHERE tbl = 'attendance_mark' AND login = '$me'
             AND row_key IN (SELECT pupil_id || '/' || CAST(julianday('$TODAY') - 2440587.5 AS INTEGER) || '/am'
                             FROM attendance_mark_v WHERE pupil_id IN ($todo) AND date = '$TODAY' AND session = 'am')")
[ "$audited" = "$U" ] && ok "each mark of the round is in the audit log under $me" ||
    not_ok "each mark of the round is in the audit log under $me" "$audited of $U"

sleep 2 # the grid tells the other panes after a 1.5 s pause: let that redraw pass
d=$(redraw_diff "$S")
[ -z "$d" ] && ok "after the round the grid is drawn cleanly (the same as after Ctrl-L)" ||
    not_ok "after the round the grid is drawn cleanly (the same as after Ctrl-L)" "$d"

# ---- Backspace, then u puts it back ----
keys "$S" BSpace
if wait_re "$S" "Cleared . \(.*, Fri 20 Nov AM\); u puts it back" 5; then
    pn=$(q "SELECT e.pupil_id FROM ($EXP) e WHERE NOT $HAS_MARK")
    nn=$(name_of "${pn:-0}")
    if [ -n "$pn" ] && [ "$(unreported)" = 1 ] && screen "$S" | grep -qF "($nn, Fri 20 Nov AM); u puts it back" &&
       wait_re "$S" "$(summary_re "$E" 1)" 2; then
        ok "Backspace clears the mark under the cursor: gone from SQLite, 1 unreported"
    else
        not_ok "Backspace clears the mark under the cursor: gone from SQLite, 1 unreported" \
            "unmarked in SQLite: $pn ($nn)" "$(screen "$S" | tail -1)"
    fi
else
    pn=""
    not_ok "Backspace clears the mark under the cursor: gone from SQLite, 1 unreported" "$(screen "$S" | tail -1)"
fi
code=$(printf '%s\n' $typed | tail -1) # the round's last mark is the one under the cursor
keys "$S" u
if [ -n "$pn" ] && wait_for "$S" "Undone: $nn, Fri 20 Nov AM is $code again" 5 &&
   [ "$(mark_of "$pn")" = "$code||phone|$me" ] && [ "$(unreported)" = 0 ]; then
    ok "u after Backspace puts the mark back ($code, in SQLite)"
else
    not_ok "u after Backspace puts the mark back ($code, in SQLite)" "mark: $(mark_of "${pn:-0}")" "$(screen "$S" | tail -1)"
fi

# ---- A correction keeps the provider's code; u restores the mark as it was ----
new=M
[ "$code" = M ] && new=I
v=$(q "SELECT version FROM attendance_mark_v WHERE pupil_id = ${pn:-0} AND date = '$TODAY' AND session = 'am'")
keys "$S" "$new"
wait_until 5 sh -c "[ \"\$(sqlite3 '$db' \"SELECT version FROM attendance_mark_v WHERE pupil_id = ${pn:-0}
    AND date = '$TODAY' AND session = 'am'\")\" != '$v' ]"
if [ "$(mark_of "${pn:-0}")" = "$new|$code|officer|$me" ]; then
    ok "typing $new over the reported $code is the officer's correction: SQLite keeps $code beside it"
else
    not_ok "typing $new over the reported $code is the officer's correction: SQLite keeps $code beside it" \
        "mark: $(mark_of "${pn:-0}")"
fi
keys "$S" u
if wait_for "$S" "Undone: $nn, Fri 20 Nov AM is $code again" 5 && [ "$(mark_of "${pn:-0}")" = "$code||phone|$me" ]; then
    ok "u after the correction restores $code as reported by phone (SQLite)"
else
    not_ok "u after the correction restores $code as reported by phone (SQLite)" "mark: $(mark_of "${pn:-0}")" \
        "$(screen "$S" | tail -1)"
fi
keys "$S" q
expect_screen "q quits the grid's session cleanly" "$S" "EXIT=0" 5

# ============ Register close ============
db2="$TEST_DIR/close.db"
demo_store "$db2" --pupils 40 --weeks 4
DB=$db2
E2=$(expected)
U2=$(unreported)
C=close$$
start "$C" 120x45 "$run_env $APTERM --db $db2"
wait_for "$C" "1 Roll" 10
keys "$C" 3
wait_re "$C" "$(summary_re "$E2" "$U2")" 10

# ---- . repeats the pupil's code of the session before (Thursday PM) ----
stamp=$(utc_now)
fp=$(fingerprint)
keys "$C" .
wait_until 3 sh -c "[ \"\$(sqlite3 '$db2' \"SELECT count(*) || '/' || total(version) FROM attendance_mark\")\" != '$fp' ]"
p=$(q "SELECT pupil_id FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND updated_at >= '$stamp'")
if [ -n "$p" ]; then
    before=$(q "SELECT code FROM attendance_mark_v WHERE pupil_id = $p AND date = '2026-11-19' AND session = 'pm'")
    [ "$before" = '\' ] && before=/ # the afternoon's present code is the morning's /
    if [ -n "$before" ] && [ "$(mark_of "$p")" = "$before||phone|$me" ]; then
        ok ". repeats the pupil's Thursday PM code: $(name_of "$p") gets $before (SQLite)"
    else
        not_ok ". repeats the pupil's Thursday PM code" "$(name_of "$p"): Thu PM ${before:-none}, now $(mark_of "$p")"
    fi
elif wait_re "$C" "Nothing to repeat: .* has no mark on Thu 19 Nov PM" 2; then
    ok ". on a pupil with no Thursday PM mark records nothing and says so"
else
    not_ok ". repeats the pupil's Thursday PM code" "nothing recorded" "$(screen "$C" | tail -1)"
fi
U2=$(unreported)
n_before=$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND code = 'N'")
wait_re "$C" "$(summary_re "$E2" "$U2")" 3
fp=$(fingerprint)
keys "$C" C-r
if wait_for "$C" "Close Fri 20 Nov AM? $U2 unmarked pupils get N (y/n)" 5; then
    ok "Ctrl-R asks before closing the register, saying $U2 unmarked pupils get N"
else
    not_ok "Ctrl-R asks before closing the register, saying $U2 unmarked pupils get N" "$(screen "$C" | tail -1)"
fi
keys "$C" n
if wait_gone "$C" "(y/n)" 3 && sleep 0.3 && [ "$(fingerprint)" = "$fp" ] && wait_re "$C" "$(summary_re "$E2" "$U2")" 1; then
    ok "answering n closes nothing"
else
    not_ok "answering n closes nothing" "marks before $fp, after $(fingerprint)" "$(screen "$C" | tail -2)"
fi
stamp=$(utc_now)
keys "$C" C-r
wait_for "$C" "(y/n)" 5
keys "$C" y
if wait_for "$C" "Fri 20 Nov AM closed: $U2 unmarked pupils got N" 5; then
    ok "y closes the register: \"Fri 20 Nov AM closed: $U2 unmarked pupils got N\""
else
    not_ok "y closes the register: \"Fri 20 Nov AM closed: $U2 unmarked pupils got N\"" "$(screen "$C" | tail -1)"
fi
n_after=$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND code = 'N'")
n_new=$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND code = 'N'
           AND updated_by = '$me' AND updated_at >= '$stamp' AND note = 'register closed'")
if [ "$n_after" = $((n_before + U2)) ] && [ "$n_new" = "$U2" ] && [ "$(unreported)" = 0 ]; then
    ok "SQLite: N rows this morning $n_before before, $n_after after; each unmarked expected pupil got N by $me"
else
    not_ok "SQLite: each unmarked expected pupil got N ($n_before N rows before, $((n_before + U2)) wanted)" \
        "N rows after: $n_after, new by $me: $n_new, still unreported: $(unreported)"
fi
if wait_re "$C" "$(summary_re "$E2" 0)" 3; then ok "after the close the summary says 0 unreported"
else not_ok "after the close the summary says 0 unreported" "summary: $(summary "$C")"; fi
fp=$(fingerprint)
keys "$C" C-r
if wait_for "$C" "Fri 20 Nov AM: every expected pupil has a mark; nothing to close" 5 && sleep 0.3 &&
   [ "$(fingerprint)" = "$fp" ]; then
    ok "Ctrl-R again: nothing to close, nothing written"
else
    not_ok "Ctrl-R again: nothing to close, nothing written" "marks before $fp, after $(fingerprint)" "$(screen "$C" | tail -1)"
fi
# The afternoon has not begun at 09:05: its register cannot be closed yet.
fp=$(fingerprint)
keys "$C" Right
keys "$C" C-r
if wait_for "$C" "Fri 20 Nov PM has not begun: its register cannot be closed yet" 5 && sleep 0.3 &&
   [ "$(fingerprint)" = "$fp" ]; then
    ok "Ctrl-R on an afternoon still to come is refused, writing nothing"
else
    not_ok "Ctrl-R on an afternoon still to come is refused, writing nothing" "marks before $fp, after $(fingerprint)" \
        "$(screen "$C" | tail -2)"
fi
if wait_re "$C" "Fri PM:? +[0-9]+ expected,? +[0-9]+ marked,? +[0-9]+ to come" 3; then
    ok "the summary calls the afternoon's unmarked pupils \"to come\", not unreported"
else
    not_ok "the summary calls the afternoon's unmarked pupils \"to come\", not unreported" "$(screen "$C" | sed -n 3p)"
fi
keys "$C" q

# ============ Two sessions mark the same pupil's same session ============
# Session A runs as another OS login (an officer) when this host lets the
# test make one, so that B's message names someone else; otherwise as $me.
dir="$TEST_DIR/shared"
mkdir "$dir"
db3="$dir/two.db"
demo_store "$db3" --pupils 40 --weeks 4
DB=$db3
U3=$(unreported)
E3=$(expected)
officer_login apatt "$db3"
A=atta$$
B=attb$$
start "$B" 120x45 "$run_env $APTERM --db $db3"
wait_for "$B" "1 Roll" 10
start "$A" 120x45 "$run_env $as_officer $officer_apterm --db $db3"
wait_for "$A" "1 Roll" 10
keys "$A" 3
keys "$B" 3
if wait_re "$A" "$(summary_re "$E3" "$U3")" 10 && wait_re "$B" "$(summary_re "$E3" "$U3")" 10 &&
   wait_for "$A" "$officer (" 1; then
    ok "two sessions (A as $officer, B as $me) show the grid, $U3 unreported"
else
    not_ok "two sessions (A as $officer, B as $me) show the grid, $U3 unreported" "$(screen "$A")" "$(screen "$B")"
fi
# Both have the cursor on the first unreported pupil. B is held still (as
# if its officer were mid-keystroke) while A marks him, so B still shows
# the cell empty when its key comes: without this, B's live refresh
# (every 0.8 s) may show A's mark first, and B's key would then be a
# deliberate change of a mark B can see.
bpid=$(pgrep -P "$(tm display -p -t "$B" '#{pane_pid}')" -x apterm)
stamp=$(utc_now)
kill -STOP "$bpid"
keys "$A" /
wait_until 5 sh -c "[ \"\$(sqlite3 '$db3' \"SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY'
    AND session = 'am' AND updated_at >= '$stamp'\")\" = 1 ]"
p=$(q "SELECT pupil_id FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND updated_at >= '$stamp'")
keys "$B" I
kill -CONT "$bpid"
if wait_re "$B" "Not recorded: already marked / \(.*$officer.*\)" 5; then
    ok "B's I for the same pupil is refused: \"$(screen "$B" | grep -o 'Not recorded: .*' | sed 's/ *$//')\""
else
    not_ok "B's I for the same pupil is refused with a message naming $officer" "$(screen "$B" | tail -1)"
fi
if [ -n "$p" ] && [ "$(mark_of "$p")" = "/||phone|$officer" ] &&
   [ "$(q "SELECT version FROM attendance_mark_v WHERE pupil_id = $p AND date = '$TODAY' AND session = 'am'")" = 1 ]; then
    ok "no silent overwrite: SQLite keeps A's / by $officer (version 1)"
else
    not_ok "no silent overwrite: SQLite keeps A's / by $officer (version 1)" "pupil $p: $(mark_of "${p:-0}")"
fi
if wait_re "$B" "$(summary_re "$E3" $((U3 - 1)))" 3; then ok "B's grid then shows A's mark ($((U3 - 1)) unreported)"
else not_ok "B's grid then shows A's mark ($((U3 - 1)) unreported)" "summary: $(summary "$B")"; fi
# Live refresh: A marks the next pupil; B shows it without a key press.
sleep 2 # B's own refresh after the refusal is over
keys "$A" B
if wait_re "$B" "$(summary_re "$E3" $((U3 - 2)))" 3; then
    ok "A marks the next pupil: B counts it within 3 s without a key press"
else
    not_ok "A marks the next pupil: B counts it within 3 s without a key press" "summary: $(summary "$B")"
fi
keys "$A" q
keys "$B" q
if wait_for "$A" "EXIT=0" 5 && wait_for "$B" "EXIT=0" 5; then ok "both sessions quit with exit status 0"
else not_ok "both sessions quit with exit status 0" "$(screen "$A" | grep EXIT)" "$(screen "$B" | grep EXIT)"; fi
