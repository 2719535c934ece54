#!/bin/sh
# The first-day absence calls list (tab 8, ui/calls.c) in a real terminal,
# checked in SQLite: after the morning register closes (Ctrl-R in the grid),
# the list holds the pupils with N, a looked-after pupil first and marked
# for escalation; a call logged with a reason code turns N into that code
# (with its absence_call row); a call that reaches nobody keeps the pupil on
# the list with the time of the attempt. Then the register closing by itself
# at close_am (apterm.ini's 09:30) with only the calls list open.
#
# Friday 20 Nov 2026 at 09:05 (APTERM_TODAY, APTERM_NOW), on a demo store made
# for that day, which leaves part of the morning unreported.
. tests/lib.sh
pane_script 2026-11-20 calls --pupils 40 --weeks 4  # a Friday of the autumn term (data/terms.csv)
me=$(id -un)

DB=$db
q() { sqlite3 "$DB" "$1"; }
EXP=$(expected_sql "$TODAY" 4 am) # the pupils expected this morning (Friday)
UNREPORTED="SELECT e.pupil_id FROM ($EXP) e WHERE NOT EXISTS (SELECT 1 FROM attendance_mark_v m
            WHERE m.pupil_id = e.pupil_id AND m.date = '$TODAY' AND m.session = 'am')"
# The pupils the calls list should hold: N or an unauthorised code of the store's set today.
ON_LIST="SELECT DISTINCT m.pupil_id FROM attendance_mark_v m
         LEFT JOIN attendance_code k ON k.code_set = 'wales' AND k.code = m.code
         WHERE m.date = '$TODAY' AND (m.code = 'N' OR k.category = 'unauthorised')"
ESCALATE="SELECT u.id FROM pupil u WHERE u.cla = 1
          OR EXISTS (SELECT 1 FROM concern c WHERE c.pupil_id = u.id AND c.kind = 'safeguarding')"
name_of() { q "SELECT coalesce(nullif(preferred_name, ''), legal_forename) || ' ' || legal_surname FROM pupil WHERE id = $1"; }
code_of() { q "SELECT code FROM attendance_mark_v WHERE pupil_id = $1 AND date = '$TODAY' AND session = '$2'"; }
utc_now() { q "SELECT datetime('now')"; }
# The name in the selected pupil's box: "── Name · Provider · AM N · PM – ──".
box_name() { screen "$1" | sed -n 's/^── \(.*\) · .* · AM .* · PM .*/\1/p' | sed 's/ · .*//'; }

unrep=$(q "SELECT group_concat(pupil_id) FROM ($UNREPORTED)")
U=$(q "SELECT count(*) FROM ($UNREPORTED)")
cla=$(q "SELECT e.pupil_id FROM ($UNREPORTED) e JOIN pupil u ON u.id = e.pupil_id WHERE u.cla = 1 ORDER BY 1 LIMIT 1")
if [ "$U" -lt 3 ] || [ -z "$cla" ]; then
    not_ok "the demo store leaves part of Friday morning unreported, a looked-after pupil among them" \
        "unreported: $U ($unrep); looked after among them: ${cla:-none}"
    exit 1
fi
cla_name=$(name_of "$cla")

# at_time SESSION NOW DB: apterm on DB at NOW today in a new 150x60 terminal,
# once the roll shows.
at_time() {
    start "$1" 150x60 "APTERM_TODAY=$TODAY APTERM_NOW=$2 APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $3"
    wait_for "$1" "1 Roll" 10
}

# ---- The register closes: the calls list holds the pupils with N ----
S=calls$$
at_time "$S" 09:05 "$db"
keys "$S" 3
wait_for "$S" "Fri AM:" 10
keys "$S" C-r
wait_for "$S" "(y/n)" 5
keys "$S" y
if wait_for "$S" "Fri 20 Nov AM closed: $U unmarked pupils got N" 5 &&
   [ "$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND code = 'N'
           AND pupil_id IN ($unrep)")" = "$U" ]; then
    ok "the grid's register close (Ctrl-R, y) gives the $U unreported pupils N"
else
    not_ok "the grid's register close (Ctrl-R, y) gives the $U unreported pupils N" "$(screen "$S" | tail -1)"
fi

K=$(q "SELECT count(*) FROM ($ON_LIST)")
# Still to reach: no call today that reached someone or gave a code.
REACHED="SELECT pupil_id FROM absence_call WHERE day = '$TODAY' AND (reached = 1 OR resulting_code IS NOT NULL)"
R=$(q "SELECT count(*) FROM ($ON_LIST) l WHERE l.pupil_id NOT IN ($REACHED)")
X=$(q "SELECT count(*) FROM ($ON_LIST) l WHERE l.pupil_id IN ($ESCALATE) AND l.pupil_id NOT IN ($REACHED)")
keys "$S" '!'
if wait_for "$S" "First-day absence calls $TODAY · $K pupils · $R to reach · $X to escalate" 5; then
    ok "! opens the calls list: $K pupils, $R to reach, $X to escalate (as SQLite has it)"
else
    not_ok "! opens the calls list: $K pupils, $R to reach, $X to escalate (as SQLite has it)" "$(screen "$S" | sed -n 2p)"
fi
missing=""
for id in $(echo "$unrep" | tr ',' ' '); do
    n=$(name_of "$id")
    screen "$S" | grep -qE "^.([!~] )?$n +.* N +[^ ]+ +none +to call " || missing="$missing $n;"
done
[ -z "$missing" ] && ok "each of the $U pupils with N is on the list: AM N, no call yet, to call" ||
    not_ok "each of the $U pupils with N is on the list: AM N, no call yet, to call" "missing or wrong:$missing" "$(screen "$S")"

# A looked-after pupil: marked "!" and among the first rows (escalations first).
row=$(screen "$S" | sed -n '4,$p' | grep -nF "! $cla_name " | head -1 | cut -d: -f1)
if [ -n "$row" ] && [ "$row" -le "$X" ]; then
    ok "$cla_name, looked after (CLA), is marked ! and listed among the $X to escalate first"
else
    not_ok "$cla_name, looked after (CLA), is marked ! and listed among the $X to escalate first" \
        "row: ${row:-not found}" "$(screen "$S")"
fi
keys "$S" Home
i=1
while [ "$i" -lt "${row:-1}" ]; do keys "$S" Down; i=$((i + 1)); done
if wait_for "$S" "── $cla_name · " 3 && wait_for "$S" "! Escalate: looked after (CLA)" 2; then
    ok "selecting $cla_name shows \"! Escalate: looked after (CLA)\""
else
    not_ok "selecting $cla_name shows \"! Escalate: looked after (CLA)\"" "$(screen "$S" | tail -10)"
fi
# The calls list moves with the keys of every list: j and k as well as the arrows.
keys "$S" j
if wait_gone "$S" "── $cla_name · " 3 && keys "$S" k && wait_for "$S" "── $cla_name · " 3; then
    ok "j moves down the calls list and k back up, as in every list"
else
    not_ok "j moves down the calls list and k back up, as in every list" "$(screen "$S" | tail -10)"
fi
# Under it, the contacts in calling order (contact.priority), numbered.
# A pupil absent without authorisation for 10 school days running is flagged in the list too.
run_name=$(APTERM_TODAY=$TODAY "$APTERM" check --db "$db" 2>/dev/null |
    awk -F'\t' '$1 == "red" && $2 == "unauthorised_run" { print $3; exit }' | sed 's/^Pupil: //; s/ (.*//')
if [ -n "$run_name" ] && screen "$S" | grep -qF -- "! $run_name"; then
    ok "the calls list flags $run_name, absent without authorisation 10 school days running, with !"
else
    not_ok "the calls list flags a pupil with 10 school days of unauthorised absence" "pupil: ${run_name:-none found}" \
        "$(screen "$S" | head -20)"
fi
want=$(q "SELECT name FROM contact WHERE pupil_id = $cla ORDER BY priority, id LIMIT 3" |
       awk '{ printf "%d. %s\n", NR, $0 }')
got=$(screen "$S" | sed -n 's/^ \([1-9]\. \)/\1/p' | sed 's/ (.*//; s/  [0-9+].*//')
if [ -n "$want" ] && [ "$(printf '%s\n' "$got" | head -n "$(printf '%s\n' "$want" | wc -l)")" = "$want" ]; then
    ok "the box lists $cla_name's contacts in calling order: $(printf '%s' "$want" | tr '\n' ' ')"
else
    not_ok "the box lists $cla_name's contacts in calling order" "want:" "$want" "got:" "$got"
fi

# ---- A call with a reason: N becomes I ----
stamp=$(utc_now)
keys "$S" Enter
wait_for "$S" "Log a call: $cla_name" 5 && wait_for "$S" "ESCALATE: looked after (CLA)" 1
screen_ok $? "Enter opens the call form for $cla_name, which says to escalate" "$S"
# Called (the first contact) → Person → Reached: yes → What was said → Code: I.
keys "$S" Tab Tab Space Tab "Carer says flu, back Monday" Tab I
wait_for "$S" "I  Illness" 3
keys "$S" C-s
if wait_for "$S" "Call logged: $cla_name now I" 5; then ok "Ctrl-S logs the call: \"Call logged: $cla_name now I\""
else not_ok "Ctrl-S logs the call: \"Call logged: $cla_name now I\"" "$(screen "$S" | tail -3)"; fi
call=$(q "SELECT reached || '|' || coalesce(resulting_code, '') || '|' || called_by || '|' || outcome
          FROM absence_call WHERE pupil_id = $cla AND day = '$TODAY' AND called_at >= '$stamp'")
am=$(code_of "$cla" am)
src=$(q "SELECT source FROM attendance_mark_v WHERE pupil_id = $cla AND date = '$TODAY' AND session = 'am'")
if [ "$am" = I ] && [ "$src" = call ] && [ "$call" = "1|I|$me|Carer says flu, back Monday" ]; then
    ok "SQLite: $cla_name's AM N is now I (from the call), with an absence_call row (reached, I, by $me)"
else
    not_ok "SQLite: $cla_name's AM N is now I (from the call), with an absence_call row" \
        "AM mark: $am ($src)" "absence_call: $call"
fi
if wait_for "$S" "· $((K - 1)) pupils ·" 3 && ! screen "$S" | grep -qF "! $cla_name "; then
    ok "an authorised reason takes $cla_name off the list ($((K - 1)) left)"
else
    not_ok "an authorised reason takes $cla_name off the list ($((K - 1)) left)" "$(screen "$S" | sed -n 2,6p)"
fi

# ---- A call that reaches nobody: still N, still on the list ----
other=$(box_name "$S")
oid=$(q "SELECT id FROM pupil WHERE coalesce(nullif(preferred_name, ''), legal_forename) || ' ' || legal_surname = '$(
    printf '%s' "$other" | sed "s/'/''/g")' AND id IN ($unrep)")
stamp=$(utc_now)
keys "$S" Enter
wait_for "$S" "Log a call: $other" 5
# Person: typed (in case no contact is on file) → Reached stays no → What was said.
keys "$S" Tab "Home number" Tab Tab "No answer; voicemail left"
keys "$S" C-s
if [ -n "$oid" ] && wait_for "$S" "Call logged: $other (not reached)" 5; then
    ok "a call that reaches nobody is logged: \"Call logged: $other (not reached)\""
else
    not_ok "a call that reaches nobody is logged: \"Call logged: $other (not reached)\"" "pupil id: $oid" "$(screen "$S" | tail -3)"
fi
call=$(q "SELECT reached || '|' || coalesce(resulting_code, '') || '|' || called_by
          FROM absence_call WHERE pupil_id = ${oid:-0} AND day = '$TODAY' AND called_at >= '$stamp'")
if [ "$call" = "0||$me" ] && [ "$(code_of "${oid:-0}" am)" = N ]; then
    ok "SQLite: an absence_call row (not reached, no code); $other keeps N"
else
    not_ok "SQLite: an absence_call row (not reached, no code); $other keeps N" "absence_call: $call" "AM: $(code_of "${oid:-0}" am)"
fi
other_row() { screen "$S" | grep -E "^.(! )?$other +.* N +[^ ]+ +1, [0-2][0-9]:[0-5][0-9] +no answer "; }
if wait_until 3 other_row; then
    ok "$other stays on the list: 1 call at HH:MM, no answer"
else
    not_ok "$other stays on the list: 1 call at HH:MM, no answer" "$(screen "$S" | grep -F "$other")"
fi
# "!" in the grid opens the calls list on the grid's pupil.
if [ -n "$run_name" ]; then
    keys "$S" 3
    wait_for "$S" "expected (a: all)" 5
    keys "$S" =
    wait_for "$S" "Find:" 3
    keys "$S" "$run_name" Enter
    sleep 0.3
    keys "$S" '!'
    if wait_for "$S" "── $run_name · " 5; then ok "! in the grid opens the calls list on the grid's pupil ($run_name)"
    else not_ok "! in the grid opens the calls list on the grid's pupil ($run_name)" "$(screen "$S" | tail -9)"; fi
fi
keys "$S" 1
wait_for "$S" "Pupil roll:" 5
keys "$S" 8
expect_screen "8 opens the calls list from the roll" "$S" "First-day absence calls $TODAY · $((K - 1)) pupils" 5
keys "$S" q
expect_screen "q quits cleanly" "$S" "EXIT=0" 5

# ---- The register closes by itself at close_am with the calls list open ----
db2="$TEST_DIR/auto.db"
demo_store "$db2" --pupils 40 --weeks 4
DB=$db2
U2=$(q "SELECT count(*) FROM ($UNREPORTED)")
T=auto$$
at_time "$T" 09:29:54 "$db2"
keys "$T" 8
wait_for "$T" "First-day absence calls $TODAY" 5
if wait_for "$T" "AM register closed at 09:30: $U2 unmarked pupils got N" 12; then
    ok "at 09:30 (close_am) the AM register closes by itself: \"$U2 unmarked pupils got N\""
else
    not_ok "at 09:30 (close_am) the AM register closes by itself: \"$U2 unmarked pupils got N\"" "$(screen "$T" | tail -1)"
fi
K2=$(q "SELECT count(*) FROM ($ON_LIST)")
n2=$(q "SELECT count(*) FROM attendance_mark_v WHERE date = '$TODAY' AND session = 'am' AND code = 'N' AND updated_by = '$me'
        AND note = 'register closed'")
if [ "$n2" = "$U2" ] && wait_for "$T" "First-day absence calls $TODAY · $K2 pupils" 3; then
    ok "the N marks are in SQLite and the open calls list shows them ($K2 pupils) without a key press"
else
    not_ok "the N marks are in SQLite and the open calls list shows them ($K2 pupils) without a key press" \
        "N by the close: $n2 of $U2" "$(screen "$T" | sed -n 2p)"
fi
