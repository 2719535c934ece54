#!/bin/sh
# Issue 13: the tracking areas follow the purpose of the placement. In a real
# terminal (tmux, 100x30) on a demo store: a placement's "Tracking areas" is
# typed in its form - a word that is not an area is refused, naming the
# field, and nothing is saved; areas' words are stored as their codes - and
# the weekly tracking pane then rates the pupil in those areas only.
. tests/lib.sh
pane_script 2026-11-20 areas --pupils 30 --weeks 4
S=areas$$

# A pupil in Year 10 or above (all five areas by year group) with one
# placement, running today.
line=$(q "select u.upn, l.id from pupil u join placement l on l.pupil_id = u.id
          where u.dob <= '2011-08-31' and l.status = 'active' and l.start_date <= '$TODAY'
            and (l.end_date is null or l.end_date >= '$TODAY')
            and (select count(*) from placement k where k.pupil_id = u.id) = 1
            and (u.end_date is null or u.end_date >= '$TODAY')
          order by u.id limit 1")
upn=${line%%|*}
placement=${line#*|}
if [ -z "$upn" ]; then
    not_ok "the demo store has a Year 10+ pupil with one placement running" "$line"
    exit 0
fi
areas() { q "select tracking_areas from placement where id = $placement"; }

start "$S" 100x30 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10 || not_ok "the roll opens" "$(screen "$S")"
keys "$S" /
keys "$S" -l "$upn"
keys "$S" Enter Enter
wait_for "$S" "Pupil record:" 5
keys "$S" p
wait_for "$S" "Placements of " 5
keys "$S" e
expect_screen "e opens the placement's form" "$S" "Edit the placement"
# Shift-Tab from the first wraps round to the last field (the census reason),
# then back over the census setting type to the tracking areas.
keys "$S" BTab BTab BTab
expect_screen "the form has the Tracking areas field, with its help" "$S" "The areas the purpose needs"
keys "$S" -l "wellbeing, maths"
keys "$S" C-s
expect_screen "a word that is not an area is refused, naming the field" "$S" "Tracking areas: \"maths\" is not a tracking area"
[ -z "$(areas)" ] && ok "nothing is saved" || not_ok "nothing is saved" "stored: $(areas)"
keys "$S" C-u
keys "$S" -l "Wellbeing and emotional regulation, SOCIAL"
keys "$S" C-s
expect_screen "the areas' words save" "$S" "Saved the placement"
[ "$(areas)" = "wellbeing, social" ] && ok "SQLite holds them as codes: \"wellbeing, social\"" ||
    not_ok "SQLite holds them as codes: \"wellbeing, social\"" "stored: $(areas)"
expect_screen "the placements list shows them beside the cost" "$S" "· tracked in:"

# ---- the tracking pane follows the purpose ----
keys "$S" 6
wait_for "$S" "Tracking, week of" 10
keys "$S" /
keys "$S" -l "$upn"
keys "$S" Enter
wait_for "$S" "1 pupil matches" 5
row=$(screen "$S" | grep '^▶' | head -1)
if printf '%s\n' "$row" | grep -qE ' n/a [1-5x-]/[1-5x-] n/a [1-5x-]/[1-5x-] n/a '; then
    ok "the pupil's row: attendance, engagement and qualifications n/a"
else
    not_ok "the pupil's row: attendance, engagement and qualifications n/a" "row: $row"
fi
keys "$S" Enter
wait_for "$S" "Rating " 5
expect_screen "the rating line counts the two areas that apply" "$S" " of 2 rated"
keys "$S" 3
expect_screen "a digit on attendance is refused: it does not apply" "$S" "does not apply to this pupil"
keys "$S" Escape
keys "$S" q
expect_screen "q quits cleanly" "$S" "EXIT=0"
