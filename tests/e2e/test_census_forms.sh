#!/bin/sh
# The AP census items on the forms (issue 14), in a real terminal (tmux):
# the pupil form takes the ULN (10 digits: 9 and 11 refused, and letters),
# middle names and ethnicity with the import's own rules (pupil_validate);
# the placement form takes the census reason and setting type; the record
# view shows them; and what the form saved is what `export census` writes.
. tests/lib.sh
cd "$TEST_DIR" || exit 1
export LC_ALL=C.UTF-8
export APTERM_TODAY=2026-12-07
printf '[attendance]\nregion = england\n' > "$APTERM_CONFIG"
db="$TEST_DIR/census.db"
demo_store "$db" --pupils 30 --weeks 1
q() { sqlite3 "$db" "$1"; }
S=cen$$
start "$S" 110x44 "APTERM_TODAY=$APTERM_TODAY APTERM_NOW=$APTERM_NOW APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10

# The pupil under the cursor: the form's title names them; the ULN is 6 fields down.
keys "$S" e
wait_for "$S" "Edit pupil: " 5
who=$(screen "$S" | sed -n 's/^ *Edit pupil: \(.*\)$/\1/p' | sed 's/ (changed)$//')
upn=$(screen "$S" | sed -n 's/^ *UPN \* *\([A-Z0-9]*\).*$/\1/p')
[ -n "$upn" ] && ok "the form shows the pupil's UPN" || not_ok "the form shows the pupil's UPN" "$(screen "$S")"
uln() { q "select uln || '|' || middle_names || '|' || ethnicity from pupil where upn = '$upn'"; }
before=$(uln)
keys "$S" Tab Tab Tab Tab Tab Tab
keys "$S" -l 123456789
keys "$S" C-s
expect_screen "a ULN of 9 digits is refused next to the field" "$S" '"123456789" is not a unique learner number (10 digits, or empty)'
keys "$S" -l 01
keys "$S" C-s
expect_screen "a ULN of 11 digits is refused" "$S" '"12345678901" is not a unique learner number'
keys "$S" BSpace BSpace BSpace BSpace BSpace BSpace
keys "$S" -l abcde
keys "$S" C-s
expect_screen "a ULN of 10 characters that are not all digits is refused" "$S" '"12345abcde" is not a unique learner number'
[ "$(uln)" = "$before" ] && ok "nothing is saved while the ULN is wrong" || not_ok "nothing is saved while the ULN is wrong" "$(uln)"
keys "$S" BSpace BSpace BSpace BSpace BSpace
keys "$S" -l 67890
keys "$S" Tab
keys "$S" -l "Rhys Owain"
keys "$S" Tab Right Right Right Right
wait_for "$S" "‹ White - Welsh ›" 5
keys "$S" C-s
wait_gone "$S" "Edit pupil: " 5
[ "$(uln)" = "1234567890|Rhys Owain|WWEL" ] && ok "a ULN of exactly 10 digits, middle names and ethnicity are saved" ||
    not_ok "a ULN of exactly 10 digits, middle names and ethnicity are saved" "$(uln)" "$(screen "$S")"

keys "$S" Enter
expect_screen "the record shows the ULN and ethnicity" "$S" "ULN: 1234567890 · Ethnicity: White - Welsh"
expect_screen "the record's legal name has the middle names" "$S" "Rhys Owain"
keys "$S" Escape

# ---- the placement form: census reason and setting type ----
pid=$(q "select id from pupil where upn = '$upn'")
lid=$(q "select id from placement where pupil_id = $pid order by start_date desc, id desc limit 1")
if [ -z "$lid" ]; then
    not_ok "the demo pupil has a placement" "pupil $pid"
else
    keys "$S" p
    wait_for "$S" "Placements" 5
    # The placement under the cursor is the first listed: find which one it is from its form.
    keys "$S" e
    wait_for "$S" "Edit the placement at " 5
    start_shown=$(screen "$S" | sed -n 's/^ *Start date \* *\([0-9-]*\).*$/\1/p')
    lid=$(q "select id from placement where pupil_id = $pid and start_date = '$start_shown' order by id limit 1")
    for _ in $(seq 1 11); do keys "$S" Tab; done # to the census setting type, after the tracking areas
    wait_for "$S" "AP census: only for a provider with neither URN nor UKPRN" 5
    keys "$S" Right Right Right
    keys "$S" Tab Right
    wait_for "$S" "‹ Permanent exclusion ›" 5
    keys "$S" C-s
    wait_gone "$S" "Edit the placement at " 5
    got=$(q "select census_reason || '|' || setting_type from placement where id = $lid")
    [ "$got" = "PEX|OTH" ] && ok "the placement form saves the census reason and the setting type" ||
        not_ok "the placement form saves the census reason and the setting type" "$got" "$(screen "$S")"
    keys "$S" Escape
    wait_gone "$S" "Placements" 5
    keys "$S" Enter
    expect_screen "the record shows the placement's census items" "$S" "census: Permanent exclusion, Other unregistered provider"
    keys "$S" Escape
fi
keys "$S" q
wait_for "$S" "EXIT=" 10 >/dev/null

# What the forms saved is what the census return writes (one set of fields).
"$APTERM" --db "$db" export census --date 2026-12-07 --out census.csv >/dev/null 2>&1
row=$(grep "^$upn," census.csv | head -1)
case "$row" in
*1234567890*"Rhys Owain"*WWEL*) ok "export census writes the ULN, middle names and ethnicity given on the form" ;;
*) not_ok "export census writes the ULN, middle names and ethnicity given on the form" "$row" ;;
esac
