#!/bin/sh
# Issue 12, opening the attendance grid: the week's rows come from the
# placements' timetables in one read, in display order (provider, then the
# roll's name order), and each row's names and term figures are read only
# as the row comes into sight. Checked in a real terminal against stores
# shaped for it: the title's row count on a week with nobody and with one
# pupil; a pupil who joins mid-week is a row, one whose placement ended the
# day before the week is not, one whose ended on the week's Monday is; the
# order when providers' names differ only in case and when two pupils have
# the same legal names; a mark by another process on a row the grid has not
# read yet shows, with that pupil's term figure, when scrolled to; and a
# timetable change by another process changes that row in the open grid.
. tests/lib.sh
pane_script 2026-11-20 rows --pupils 40 --weeks 4 # Friday; the week is Mon 16 to Fri 20 Nov
run="APTERM_TODAY=$TODAY APTERM_NOW=09:05 APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"

# sql STATEMENTS: run on the store unaudited (the grid is started afresh
# after each change).
sql() { write_as "" "$1"; }

# grid NAME: apterm on the store, the grid open (tab 3).
grid() {
    start "$1" 120x40 "$run"
    wait_for "$1" "1 Roll" 10
    keys "$1" 3
    wait_for "$1" "expected (a: all)" 10
}

quit() {
    keys "$1" q
    wait_for "$1" "EXIT=" 5
    tm kill-session -t "$1"
}

# ---- A week with nobody: every placement a proposal, no mark that week ----
MON=$(q "SELECT CAST(julianday('2026-11-16') - 2440587.5 AS INTEGER)")
sql "UPDATE placement SET status = 'proposed', version = version + 1 WHERE status != 'proposed';
     DELETE FROM attendance_mark WHERE day BETWEEN $MON AND $MON + 4;"
grid none
if wait_for none "· 0 expected (a: all) ·" 5 && wait_for none "No pupil is timetabled this week" 1; then
    ok "a week with nobody expected: the title says 0 expected and the grid says nobody is timetabled"
else
    not_ok "a week with nobody expected: the title says 0 expected" "$(screen none)"
fi
quit none

# ---- One pupil ----
sql "UPDATE provider SET name = 'Gamma', version = version + 1 WHERE id = 1;
     UPDATE pupil SET legal_surname = 'Cole', legal_forename = 'Cara', preferred_name = '', version = version + 1
       WHERE id = 1;
     INSERT INTO placement (id, pupil_id, provider_id, status, start_date, end_date, cost_basis, rate)
       VALUES (9001, 1, 1, 'active', '2026-09-01', NULL, 'session', 5000);
     INSERT INTO placement_session (placement_id, weekday, session, hours)
       SELECT 9001, d.value, 'am', 3 FROM json_each('[0,1,2,3,4]') d;"
grid one
if wait_for one "· 1 expected (a: all) ·" 5 && wait_re one "Cara Cole +Gamma" 1 &&
    wait_re one "Fri AM: 1 expected, 0 marked, 1 unreported" 1; then
    ok "a week with one pupil expected: the title says 1 expected, the summary 1 unreported, one row"
else
    not_ok "a week with one pupil expected: the title says 1 expected" "$(screen one)"
fi
quit one

# ---- Joining and leaving at the week's edges; ties in the order ----
# Pupils 2 to 8, each with one placement (AM every weekday):
#   2 Dan Dee    Gamma, starts Wednesday 18th            -> a row, nothing expected Mon or Tue (then ?: unreported)
#   3 Finn Fox   Gamma, ended (and left) Sunday 15th     -> no row
#   4 Ella Eve   Gamma, ended (and left) Monday 16th     -> a row, "(left)", expected Monday only
#   5, 6         Beta, both legally Sam Jones, known as "Sam B" (5) and "Sam A" (6)
#                -> 5 before 6: same legal names, so by id, not by the name shown
#   7 Ann Zed    "alpha"; 8 Bob Able  "Alpha"
#                -> the providers' names are the same but for case: by the pupils' names, Able first
sql "UPDATE provider SET name = 'Beta', version = version + 1 WHERE id = 2;
     UPDATE provider SET name = 'alpha', version = version + 1 WHERE id = 3;
     UPDATE provider SET name = 'Alpha', version = version + 1 WHERE id = 4;
     UPDATE pupil SET legal_surname = 'Dee', legal_forename = 'Dan', preferred_name = '', version = version + 1 WHERE id = 2;
     UPDATE pupil SET legal_surname = 'Fox', legal_forename = 'Finn', preferred_name = '', end_date = '2026-11-15',
       version = version + 1 WHERE id = 3;
     UPDATE pupil SET legal_surname = 'Eve', legal_forename = 'Ella', preferred_name = '', end_date = '2026-11-16',
       version = version + 1 WHERE id = 4;
     UPDATE pupil SET legal_surname = 'Jones', legal_forename = 'Sam', preferred_name = 'Sam B', version = version + 1 WHERE id = 5;
     UPDATE pupil SET legal_surname = 'Jones', legal_forename = 'Sam', preferred_name = 'Sam A', version = version + 1 WHERE id = 6;
     UPDATE pupil SET legal_surname = 'Zed', legal_forename = 'Ann', preferred_name = '', version = version + 1 WHERE id = 7;
     UPDATE pupil SET legal_surname = 'Able', legal_forename = 'Bob', preferred_name = '', version = version + 1 WHERE id = 8;
     INSERT INTO placement (id, pupil_id, provider_id, status, start_date, end_date, cost_basis, rate) VALUES
       (9002, 2, 1, 'active', '2026-11-18', NULL, 'session', 5000),
       (9003, 3, 1, 'ended', '2026-09-01', '2026-11-15', 'session', 5000),
       (9004, 4, 1, 'ended', '2026-09-01', '2026-11-16', 'session', 5000),
       (9005, 5, 2, 'active', '2026-09-01', NULL, 'session', 5000),
       (9006, 6, 2, 'active', '2026-09-01', NULL, 'session', 5000),
       (9007, 7, 3, 'active', '2026-09-01', NULL, 'session', 5000),
       (9008, 8, 4, 'active', '2026-09-01', NULL, 'session', 5000);
     INSERT INTO placement_session (placement_id, weekday, session, hours)
       SELECT p.value, d.value, 'am', 3 FROM json_each('[9002,9003,9004,9005,9006,9007,9008]') p,
         json_each('[0,1,2,3,4]') d;"
grid edges
wait_for edges "· 7 expected (a: all) ·" 5
# The rows' names, top to bottom, and one row's cells.
names() { screen edges | sed -n 's/^[ !~] \([A-Z][A-Za-z ()]*[a-z)]\) \{2,\}[A-Za-z].*/\1/p' | sed 's/ *$//' | paste -sd '|'; }
order=$(names)
want="Bob Able|Ann Zed|Sam B Jones|Sam A Jones|Cara Cole|Dan Dee|Ella Eve (left)"
expect_equal "the rows in display order: providers by name whatever the case, then the roll's order (same legal names: by id)" \
    "$order" "$want"
if screen_lacks edges "Finn Fox"; then ok "a pupil whose placement ended the day before the week has no row"
else not_ok "a pupil whose placement ended the day before the week has no row" "$(screen edges)"; fi
row_of_name() { screen edges | grep -E "^[ !~] $1 " | head -1; }
if row_of_name "Dan Dee" | grep -Eq "Gamma +·  ·   ·  ·   \?  ·   \?  ·   \?  ·"; then
    ok "a pupil who joins on the Wednesday is a row, expected from Wednesday only"
else
    not_ok "a pupil who joins on the Wednesday is a row, expected from Wednesday only" "$(row_of_name "Dan Dee")"
fi
if row_of_name "Ella Eve \(left\)" | grep -Eq "Gamma +\?  ·   ·  ·   ·  ·   ·  ·   ·  ·"; then
    ok "a pupil whose placement ended on the week's Monday is a row, expected on the Monday only"
else
    not_ok "a pupil whose placement ended on the week's Monday is a row, expected on the Monday only" \
        "$(row_of_name "Ella Eve \(left\)")"
fi
# ^O: the roll's order alone (legal surname, forename, then id); ^O again: back.
keys edges C-o
wait_for edges "Rows in name order" 5
expect_equal "^O puts the rows in the roll's order, whatever their providers" "$(names)" \
    "Bob Able|Cara Cole|Dan Dee|Ella Eve (left)|Sam B Jones|Sam A Jones|Ann Zed"
keys edges C-o
wait_for edges "Rows by provider, then name" 5
expect_equal "^O again puts them back by provider" "$(names)" "$want"
quit edges

# ---- A mark by another process on a row not read yet ----
# 300 pupils: the grid reads the names of the rows in sight and a few more
# (att_model.h ROWS_READ), so the last rows are read only when scrolled
# to. The pupil: one expected this morning with a single placement at the
# provider last by name (so among the last rows), named in SQLite.
db="$TEST_DIR/many.db"
demo_store "$db" --pupils 300 --weeks 4
run="APTERM_TODAY=$TODAY APTERM_NOW=09:05 APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
EXP=$(expected_sql "$TODAY" 4 am)
pick=$(q "SELECT l.pupil_id FROM placement l JOIN provider v ON v.id = l.provider_id
          WHERE l.pupil_id IN ($EXP)
            AND (SELECT count(*) FROM placement o WHERE o.pupil_id = l.pupil_id AND o.status != 'proposed'
                 AND o.start_date <= '2026-11-20' AND (o.end_date IS NULL OR o.end_date >= '2026-11-16')) = 1
            AND l.status != 'proposed' AND l.start_date <= '2026-11-20' AND (l.end_date IS NULL OR l.end_date >= '2026-11-20')
            AND NOT EXISTS (SELECT 1 FROM attendance_mark m
                 WHERE m.pupil_id = l.pupil_id AND m.day = $MON + 4 AND m.session = 'am')
          ORDER BY v.name COLLATE NOCASE DESC, l.pupil_id DESC LIMIT 1")
upn=$(q "SELECT upn FROM pupil WHERE id = $pick")
name=$(q "SELECT coalesce(nullif(preferred_name, ''), legal_forename) || ' ' || legal_surname FROM pupil WHERE id = $pick")
week_rows=$(q "SELECT count(*) FROM (SELECT pupil_id FROM placement l JOIN placement_session t ON t.placement_id = l.id
          WHERE l.status != 'proposed' AND l.start_date <= '2026-11-20' AND (l.end_date IS NULL OR l.end_date >= '2026-11-16')
          UNION SELECT pupil_id FROM attendance_mark WHERE day BETWEEN $MON AND $MON + 4)")
grid late
if [ "$week_rows" -gt 240 ] && wait_for late "· $week_rows expected (a: all) ·" 5 && screen_lacks late "$name"; then
    ok "the 300-pupil store's grid opens with $week_rows rows; $name is not on the first screen"
else
    not_ok "the 300-pupil store's grid opens with $week_rows rows; $name is not on the first screen" "$(screen late)"
fi
# The term figure SQLite gives the pupil (attendance_week over the term's weeks).
term_now() {
    q "SELECT CAST(100.0 * sum(w.attending) / sum(w.possible) AS INTEGER) FROM attendance_week w, term t
          WHERE t.start_date <= '2026-11-20' AND t.end_date >= '2026-11-20' AND w.pupil_id = $pick
            AND w.week BETWEEN CAST(julianday(t.start_date) - 2440587.5 AS INTEGER) - (CAST(julianday(t.start_date) - 2440587.5 AS INTEGER) + 3) % 7
            AND CAST(julianday(t.end_date) - 2440587.5 AS INTEGER)"
}
term_before=$(term_now)
printf 'date,session,upn,code\n2026-11-20,am,%s,O\n' "$upn" > "$TEST_DIR/late.csv"
"$APTERM" mark --file "$TEST_DIR/late.csv" --db "$db" >/dev/null || not_ok "another process records the mark"
term=$(term_now) # with the mark
# The session takes the mark from the feed; then the last row, and up the
# grid until the pupil's row is on the screen.
row_shows_o() { screen late | grep -E "^[ !~] $name " | grep -q " O  [·_?] *\$"; }
keys late End
found=0
for _ in 1 2 3 4 5 6 7 8; do
    if wait_until 3 row_shows_o; then found=1; break; fi
    keys late Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up
done
if [ $found = 1 ]; then
    ok "scrolled to, the row read late shows the other process's O this morning"
else
    not_ok "scrolled to, the row read late shows the other process's O this morning" "$(screen late)"
fi
# The cursor on the pupil (= finds): the summary's term figure is SQLite's, the mark counted.
keys late =
wait_for late "Find:" 5
keys late -l "$name"
keys late Enter
# The figure moved with the mark (else a summary that missed it would pass too).
if [ "$term" != "$term_before" ] && wait_re late "term +$term%" 5; then
    ok "that pupil's term figure in the summary is SQLite's, with the mark ($term%)"
else
    not_ok "that pupil's term figure in the summary is SQLite's, with the mark ($term%)" \
        "before the mark: $term_before%" "$(screen late | sed -n 3p)"
fi
# Another process changes the pupil's timetable (audited, as apterm's own
# writes are): the open grid reads the week again from the change feed, and
# the pupil's Friday afternoon turns expected (_, still to come) or, if it
# was, not (·). The placement's kept week of sessions (placement_week)
# changed in the same transaction.
placement=$(q "SELECT id FROM placement WHERE pupil_id = $pick AND status != 'proposed'
          AND start_date <= '2026-11-20' AND (end_date IS NULL OR end_date >= '2026-11-16')")
if [ "$(q "SELECT count(*) FROM placement_session WHERE placement_id = $placement AND weekday = 4 AND session = 'pm'")" = 0 ]; then
    before="·" after="_" change="INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES ($placement, 4, 'pm', 2)"
else
    before="_" after="·" change="DELETE FROM placement_session WHERE placement_id = $placement AND weekday = 4 AND session = 'pm'"
fi
fri_pm() { screen late | grep -E "^[ !~] $name " | grep -q " O  $1 *\$"; }
if fri_pm "$before"; then
    write_as officer2 "$change"
    if wait_until 5 fri_pm "$after"; then
        ok "another process's timetable change shows in the open grid: Friday PM $before -> $after"
    else
        not_ok "another process's timetable change shows in the open grid: Friday PM $before -> $after" "$(screen late)"
    fi
else
    not_ok "the pupil's Friday PM shows $before before the timetable change" "$(screen late)"
fi
quit late
