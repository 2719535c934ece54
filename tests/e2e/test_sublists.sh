#!/bin/sh
# A pupil's sub-lists' own keys on the row under the cursor (ui/sublist.c's
# row_key), in a real terminal on a real store: K and J move a contact in
# the calling order, x ends a placement (its form, then SQLite), and x on a
# placement already ended says so and changes nothing. What the lists show
# after keys alone is in the golden screens (tests/golden/scripts/).
. tests/lib.sh
pane_script 2026-11-20 sublists --pupils 30 --weeks 4
S=sublists$$
upn=A690200516002
pid=$(q "select id from pupil where upn = '$upn'")
n=$(q "select count(*) from contact where pupil_id = $pid")
[ "$n" -ge 2 ] || not_ok "the demo pupil $upn has at least two contacts" "contacts: $n"
first=$(q "select id from contact where pupil_id = $pid order by priority limit 1")

start "$S" 100x30 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10 || not_ok "the roll opens" "$(screen "$S")"
search_for "$S" "$upn"
wait_for "$S" "1 pupil matches" 5
keys "$S" Enter
wait_for "$S" "Pupil record:" 5

# ---- Contacts: J later, K earlier ----
keys "$S" t
wait_for "$S" "Contacts of" 5 || not_ok "t opens the contacts" "$(screen "$S")"
priority() { q "select priority from contact where id = $first"; }
keys "$S" J
later() { [ "$(priority)" = 2 ]; }
moved=
if wait_until 5 later; then
    moved=yes
    ok "J moves the first contact later in the calling order (SQLite: priority 2)"
else
    not_ok "J moves the first contact later in the calling order (SQLite: priority 2)" "priority: $(priority)" "$(screen "$S")"
fi
keys "$S" K
earlier() { [ "$(priority)" = 1 ]; }
# Priority 1 again proves K only when J had moved it to 2.
[ -n "$moved" ] && wait_until 5 earlier && ok "K moves it back (SQLite: priority 1)" ||
    not_ok "K moves it back (SQLite: priority 1)" "priority: $(priority)${moved:-; J had not moved it}" "$(screen "$S")"
keys "$S" Escape
wait_for "$S" "Pupil record:" 5

# ---- Placements: x ends the active one; x again says it has ended ----
plid=$(q "select id from placement where pupil_id = $pid and status = 'active'")
keys "$S" p
wait_for "$S" "Placements of" 5 || not_ok "p opens the placements" "$(screen "$S")"
# The active placement under the cursor (the list may show ended ones too).
pos=$(q "select count(*) from placement where pupil_id = $pid and id < $plid")
i=0
while [ "$i" -lt "$pos" ]; do keys "$S" Down; i=$((i + 1)); done
keys "$S" x
expect_screen "x opens the form that ends the placement" "$S" "End the placement at"
keys "$S" C-s
ended() { [ "$(q "select status || '|' || end_date from placement where id = $plid")" = "ended|$TODAY" ]; }
wait_until 5 ended && ok "saving the form ends the placement today (SQLite: ended, $TODAY)" ||
    not_ok "saving the form ends the placement today (SQLite: ended, $TODAY)" \
        "$(q "select status || '|' || end_date from placement where id = $plid")" "$(screen "$S")"
version=$(q "select version from placement where id = $plid")
keys "$S" x
expect_screen "x on a placement already ended says so" "$S" "That placement has already ended"
[ "$(q "select version from placement where id = $plid")" = "$version" ] &&
    ok "x on a placement already ended changes nothing in SQLite" ||
    not_ok "x on a placement already ended changes nothing in SQLite" "version: $(q "select version from placement where id = $plid"), was $version"

keys "$S" Escape Escape q
