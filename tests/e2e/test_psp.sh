#!/bin/sh
# The PSP pane (tab 5) in a real 80x24 terminal (tmux) on a demo store: a PSP
# written by keys - meeting form, three targets with their checks, made
# active - and a review, checked in SQLite; then what was being typed in a
# long field when the terminal went (SIGHUP to apterm, tmux kill-session,
# SIGKILL) is kept as a draft and offered back when the PSP is opened again.
. tests/lib.sh
db="$TEST_DIR/demo.db"
demo_store "$db" --pupils 40 --weeks 4

# A pupil on roll with no open PSP, found by UPN in the picker.
pupil_without_psp "$db"
[ -n "$upn" ] && ok "the demo store has a pupil with no open PSP ($name)" || not_ok "the demo store has a pupil with no open PSP"
pid_of() { q "SELECT id FROM pupil WHERE upn = '$upn'"; }
pupil=$(pid_of)

# ---- a PSP by keys ---------------------------------------------------------
start w 80x24 "$APTERM" --db "$db"
wait_for w "1 Roll" 10
keys w 5
expect_screen "5 opens the PSP pane, listing the open PSPs" w "open PSPs"
keys w a
expect_screen "a asks for the pupil" w "New PSP for:"
keys w -l "$upn"
expect_screen "typing the UPN narrows the roll to the pupil" w "1 pupil on roll"
keys w Enter
expect_screen "Enter makes a draft PSP and opens the editor" w "PSP of $name"
n=$(q "SELECT count(*) || '/' || min(status) FROM psp WHERE pupil_id = $pupil AND status != 'ceased'")
[ "$n" = "1/draft" ] && ok "the new PSP is one draft row" || not_ok "the new PSP is one draft row" "$n"
n=$(q "SELECT count(*) FROM psp_timetable t JOIN psp p ON p.id = t.psp_id WHERE p.pupil_id = $pupil AND p.status != 'ceased'")
[ "$n" = 5 ] && ok "its timetable has Monday to Friday" || not_ok "its timetable has Monday to Friday" "$n"

# Status, meeting date, then the lead, attendees, reason...
keys w Tab Tab
keys w -l "Ms Rees, deputy head"
keys w Tab
keys w -l "The pupil; mother; Ms Rees; the EWO"
keys w Tab
keys w -l "Leaves lessons most mornings since the move to a new class; at risk of exclusion."
keys w Tab Tab Tab
# ...three targets, each with a baseline, a measure and the four checks.
for t in 1 2 3; do
    keys w -l "Target number $t: stays in lessons for the whole morning."
    keys w Tab
    keys w -l "baseline $t"
    keys w Tab
    keys w -l "measure $t"
    keys w Tab y y y y Tab
done
expect_screen "the form scrolls down to the agreements" w "School agrees to"
keys w C-s
expect_screen "^S saves the draft PSP" w "Saved the PSP of $name"
psp=$(q "SELECT id FROM psp WHERE pupil_id = $pupil AND status != 'ceased'")
n=$(q "SELECT group_concat(position || ':' || baseline || ':' || measure || ':' || (is_measurable + start_known + is_achievable + everyday_language), ',')
       FROM (SELECT * FROM psp_target WHERE psp_id = $psp ORDER BY position)")
[ "$n" = "1:baseline 1:measure 1:4,2:baseline 2:measure 2:4,3:baseline 3:measure 3:4" ] && ok "three targets are stored with baseline, measure and checks" \
    || not_ok "three targets are stored with baseline, measure and checks" "$n"
n=$(q "SELECT lead || '|' || (reason LIKE 'Leaves lessons%') || '|' || (next_review_date = date(meeting_date, '+42 days')) FROM psp WHERE id = $psp")
[ "$n" = "Ms Rees, deputy head|1|1" ] && ok "lead and reason stored; next review suggested as meeting + 6 weeks" \
    || not_ok "lead and reason stored; next review suggested as meeting + 6 weeks" "$n"

# Agreed: Status Active.
keys w Enter
expect_screen "Enter opens the editor again" w "Status *"
keys w Right
keys w C-s
wait_for w "Saved the PSP of $name" 5
n=$(q "SELECT status FROM psp WHERE id = $psp")
[ "$n" = active ] && ok "Right then ^S makes the PSP active" || not_ok "Right then ^S makes the PSP active" "$n"

# A review: attended, progress on each target, outcome, notes.
keys w r
expect_screen "r opens the review form" w "Review of the PSP of $name"
keys w Tab
keys w -l "The pupil; mother; Ms Rees"
for t in 1 2 3; do keys w Tab; keys w -l "progress on $t"; done
keys w Tab Tab
keys w -l "Continue; more time in class after half term."
keys w C-s
expect_screen "^S adds the review" w "Review added"
n=$(q "SELECT count(*) || '|' || min(outcome) || '|' || min(attended) FROM psp_review WHERE psp_id = $psp")
[ "$n" = "1|continue|The pupil; mother; Ms Rees" ] && ok "the review is stored" || not_ok "the review is stored" "$n"
n=$(q "SELECT group_concat(progress, ',') FROM (SELECT p.progress FROM psp_review_progress p JOIN psp_target t ON t.id = p.target_id
       WHERE t.psp_id = $psp ORDER BY t.position)")
[ "$n" = "progress on 1,progress on 2,progress on 3" ] && ok "progress is stored against each target" \
    || not_ok "progress is stored against each target" "$n"
n=$(q "SELECT next_review_date = date(r.review_date, '+42 days') FROM psp p JOIN psp_review r ON r.psp_id = p.id WHERE p.id = $psp")
[ "$n" = 1 ] && ok "the review moved the next review on to its date + 6 weeks" \
    || not_ok "the review moved the next review on to its date + 6 weeks" "$n"
keys w q
expect_screen "q quits" w "EXIT=0"

# Opens the PSP of the pupil in a new session: the list searched by name.
open_psp() { # open_psp SESSION
    start "$1" 80x24 "$APTERM" --db "$db"
    wait_for "$1" "1 Roll" 10
    keys "$1" 5
    wait_for "$1" "open PSPs" 5
    keys "$1" /
    keys "$1" -l "$name"
    keys "$1" Enter
    wait_for "$1" "1 open PSP" 5
    keys "$1" Enter
}
long_a="The pupil is proud of the drawings made in art and talks about them at length with the key worker, who"
long_b=" uses them to start each morning calmly; this is working well and the family see it at home too."

# ---- SIGHUP in the middle of typing a long field ---------------------------
open_psp h
expect_screen "the PSP opens with no draft to offer" h "Status *"
keys h Tab Tab Tab Tab Tab Tab   # to What is working
keys h -l "$long_a"
sleep 3.5                        # a pause...
keys h -l "$long_b"              # ...and typing goes on
wait_for h "family see it" 5
pid=$(apterm_pid)
kill -HUP "$pid"
if wait_exit "$pid"; then ok "SIGHUP ends apterm in the middle of the form"; else not_ok "SIGHUP ends apterm in the middle of the form"; kill -9 "$pid"; fi
n=$(q "SELECT text FROM psp_draft WHERE psp_id = $psp AND field = 'form.what_is_working'")
[ "$n" = "$long_a$long_b" ] && ok "what was typed is in psp_draft, all of it" || not_ok "what was typed is in psp_draft, all of it" "$n"
n=$(q "SELECT login FROM psp_draft WHERE psp_id = $psp")
[ "$n" = "$(id -un)" ] && ok "the draft is the login's own" || not_ok "the draft is the login's own" "$n"
n=$(q "SELECT what_is_working FROM psp WHERE id = $psp")
[ -z "$n" ] && ok "the PSP itself is unchanged (nothing saved)" || not_ok "the PSP itself is unchanged (nothing saved)" "$n"

open_psp h2
expect_screen "opening the PSP again offers the draft back" h2 "A draft of What is working from"
expect_screen "the offer says the keys" h2 "r restore, d discard, Esc later"
keys h2 r
expect_screen "r restores it into the field" h2 "talks about them at length"
keys h2 C-s
expect_screen "^S saves the restored text" h2 "Saved the PSP of $name"
n=$(q "SELECT what_is_working FROM psp WHERE id = $psp")
[ "$n" = "$long_a$long_b" ] && ok "the restored text is saved in the PSP" || not_ok "the restored text is saved in the PSP" "$n"
n=$(q "SELECT count(*) FROM psp_draft WHERE psp_id = $psp")
[ "$n" = 0 ] && ok "saving discards the draft" || not_ok "saving discards the draft" "$n"
keys h2 q
wait_for h2 "EXIT=" 5

# ---- tmux kill-session (the terminal closes) -------------------------------
open_psp k
wait_for k "Status *" 5
keys k Tab Tab Tab Tab Tab       # to Previous strategies
keys k -l "Time-out card, a key adult at the start and end of the day, lunchtime club and a"
wait_for k "lunchtime club" 5
pid=$(apterm_pid)
tm kill-session -t k
if wait_exit "$pid"; then ok "closing the terminal ends apterm"; else not_ok "closing the terminal ends apterm"; kill -9 "$pid"; fi
n=$(q "SELECT text FROM psp_draft WHERE psp_id = $psp AND field = 'form.previous_strategies'")
case $n in
"Time-out card, a key adult at the start and end of the day, lunchtime club and a") ok "the text typed before the terminal closed is kept" ;;
*) not_ok "the text typed before the terminal closed is kept" "$n" ;;
esac

open_psp k2
expect_screen "the next opening offers the draft of Previous strategies" k2 "A draft of Previous strategies from"
keys k2 d
expect_screen "d discards it and opens the PSP" k2 "Status *"
n=$(q "SELECT count(*) FROM psp_draft WHERE psp_id = $psp")
[ "$n" = 0 ] && ok "the discarded draft is gone from the store" || not_ok "the discarded draft is gone from the store" "$n"
keys k2 Escape
wait_for k2 "open PSP" 5
keys k2 q
wait_for k2 "EXIT=" 5

# ---- SIGKILL: at most the last moments of typing are lost ------------------
open_psp x
wait_for x "Status *" 5
keys x Tab Tab Tab Tab           # to Reason for PSP: add to it
keys x C-e
keys x -l " First part of an addition."
sleep 3.5
keys x -l " Second"
wait_for x "Second" 5
sleep 0.3
pid=$(apterm_pid)
kill -KILL "$pid"
wait_exit "$pid"
n=$(q "SELECT text FROM psp_draft WHERE psp_id = $psp AND field = 'form.reason'")
case $n in
*"exclusion. First part of an addition."*) ok "after a SIGKILL the draft holds what was typed before the last pause" ;;
*) not_ok "after a SIGKILL the draft holds what was typed before the last pause" "$n" ;;
esac
# The list marks the PSP with a draft kept.
start l 80x24 "$APTERM" --db "$db"
wait_for l "1 Roll" 10
keys l 5
keys l /
keys l -l "$name"
keys l Enter
expect_screen "the list marks a PSP with a draft of yours with ✎" l "✎ a draft of yours is kept (Enter offers it back)"
keys l q
wait_for l "EXIT=" 5
