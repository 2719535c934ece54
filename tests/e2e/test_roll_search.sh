#!/bin/sh
# The roll's search as you type, which folds each row once and then matches
# every key against the folded rows (ui/roll.c, issue 12): a pupil whose UPN
# is changed in the form is found by the new UPN at the next search and no
# longer by the old one; a name is found with its accents and case folded.
. tests/lib.sh
pane_script 2026-11-20 search --pupils 60 --weeks 4
S=search$$
on_roll="(end_date IS NULL OR end_date >= '$TODAY')"
row=$(q "select id || '|' || legal_forename || ' ' || legal_surname || '|' || upn from pupil
         where $on_roll and preferred_name = '' order by id limit 1")
pid=${row%%|*}; rest=${row#*|}
name=${rest%%|*}; old=${rest#*|}
new=$(upn 690200699011)

start "$S" 120x40 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10
search_for "$S" "$old"
wait_for "$S" "Search “$old”: 1 pupil matches" 5 && screen_has "$S" -F "$name"
screen_ok $? "the search finds the pupil by the UPN ($old)" "$S"

# The UPN changed in the form (the sixth field): the kept search for the
# old UPN now matches nobody, and a search for the new one finds the pupil.
keys "$S" e
wait_for "$S" "Edit pupil: $name" 5
keys "$S" Tab Tab Tab Tab Tab C-u "$new"
wait_for "$S" "✓ a valid UPN" 5
keys "$S" C-s
wait_for "$S" "Saved $name" 5
got=$(q "select upn from pupil where id = $pid")
expect_equal "the form saved the new UPN" "$got" "$new"
wait_for "$S" "No pupil matches the search and filter." 5
screen_ok $? "the old UPN no longer finds the pupil" "$S"
keys "$S" /
wait_for "$S" "Search:" 5
keys "$S" C-u "$new" Enter
wait_for "$S" "Search “$new”: 1 pupil matches" 5 && screen_has "$S" -F "$name"
screen_ok $? "the new UPN finds the pupil at the next search" "$S"

# Accents and case: the surname typed in capitals without its accents.
accented=$(q "select legal_surname from pupil where $on_roll and legal_surname glob '*[^ -~]*' order by id limit 1")
if [ -n "$accented" ]; then
    plain=$("$PYTHON" -c 'import sys, unicodedata
s = unicodedata.normalize("NFD", sys.argv[1])
print("".join(c for c in s if not unicodedata.combining(c)).upper())' "$accented")
    want=$(q "select count(*) from pupil where $on_roll and legal_surname = '$accented'")
    keys "$S" /
    wait_for "$S" "Search:" 5
    keys "$S" C-u "$plain" Enter
    if [ "$want" = 1 ]; then says="1 pupil matches"; else says="$want pupils match"; fi
    wait_for "$S" "Search “$plain”: $says" 5
    screen_ok $? "\"$plain\" finds the $want pupil(s) named $accented" "$S"
else
    not_ok "the demo store has a surname with an accent"
fi
