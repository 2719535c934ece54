#!/bin/sh
# The QA pane in a real terminal (tmux, 80x24) on a demo store: a Stage 1
# checklist answered by keys; a "No" on a safeguarding item flags the
# provider (in SQLite, in `apterm check` and in the Providers pane) until a
# later visit answers it "Yes". Then `apterm templates`: an edited checklist
# loads as a new revision and the visits keep their wording.
. tests/lib.sh
db="$TEST_DIR/demo.db"
demo_store "$db" --pupils 40 --weeks 4


# A provider in use (a pupil placed today), not state-maintained, with no
# safeguarding No open.
"$APTERM" check --db "$db" >"$TEST_DIR/before" 2>/dev/null
pick=""
for id in $(q "SELECT p.id FROM provider p WHERE p.registration NOT IN ('maintained_school', 'pru', 'academy')
                 AND EXISTS (SELECT 1 FROM placement l WHERE l.provider_id = p.id AND l.status = 'active'
                   AND l.start_date <= date('now', 'localtime')
                   AND (l.end_date IS NULL OR l.end_date >= date('now', 'localtime')))
               ORDER BY p.id"); do
    name=$(q "SELECT name FROM provider WHERE id = $id")
    if ! grep -F "	Provider: $name	" "$TEST_DIR/before" | grep -q '^red	qa_safeguarding	'; then
        pick=$id
        break
    fi
done
if [ -z "$pick" ]; then not_ok "the demo store has a provider in use without a safeguarding No"; exit 1; fi
ok "the demo store has a provider in use without a safeguarding No"
pos=$(q "SELECT min(i.position) FROM qa_template_item i JOIN qa_template t ON t.id = i.template_id
         WHERE t.key = 'stage1_safety' AND i.safeguarding = 1
           AND t.revision = (SELECT max(revision) FROM qa_template WHERE key = 'stage1_safety')")
items=$(q "SELECT count(*) FROM qa_template_item i JOIN qa_template t ON t.id = i.template_id
           WHERE t.key = 'stage1_safety' AND t.revision = (SELECT max(revision) FROM qa_template WHERE key = 'stage1_safety')")

flag_in_check() { # true when `apterm check` flags the provider's safeguarding No
    "$APTERM" check --db "$db" 2>/dev/null | grep -F "	Provider: $name	" | grep -q '^red	qa_safeguarding	'
}

# In the new visit form: the Stage 1 checklist (←/→ cycle the checklists).
choose_stage1() {
    i=0
    while [ $i -lt 6 ]; do
        wait_for q "New QA visit to" 5 || return 1
        screen q | grep -qF "‹ Stage 1: health" && return 0
        keys q Right
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}

# keys_n SESSION KEY N: the key N times.
keys_n() {
    k=0
    while [ "$k" -lt "$3" ]; do
        keys "$1" "$2"
        k=$((k + 1))
    done
}

start q 80x24 "$APTERM" --db "$db"
wait_for q "1 Roll" 10
keys q 4
expect_screen "4 opens the QA pane, most overdue first" q "most overdue first"
expect_screen "the list shows the due dates of each stage" q "Stage 1     Stage 2     Monitoring"
keys q /
keys q -l "$name"
keys q Enter
sleep 0.3
keys q Enter
expect_screen "Enter opens the provider's visits and due dates" q "Safeguard.   no safeguarding item is answered No"
keys q a
if choose_stage1; then ok "a starts a new visit; the Stage 1 checklist is chosen"
else not_ok "a starts a new visit; the Stage 1 checklist is chosen" "$(screen q)"; fi
keys q Tab Tab
keys q -l "Mererid Howells; Llŷr Evans"
keys q C-s
expect_screen "saving the form opens the checklist with a counter" q "0 of $items answered"
expect_screen "unanswered items are marked" q "▶ ?"
visit=$(q "SELECT max(id) FROM qa_visit WHERE provider_id = $pick AND closed = 0")
[ "$(q "SELECT stage || ' ' || visitors FROM qa_visit WHERE id = $visit")" = "stage1 Mererid Howells; Llŷr Evans" ] &&
    ok "the visit is in the store with its stage and visitors" ||
    not_ok "the visit is in the store with its stage and visitors" "$(q "SELECT * FROM qa_visit WHERE id = $visit")"

# Yes to the items before the first safeguarding item, then No to it.
keys_n q y $((pos - 1))
keys q n
expect_screen "a No on a safeguarding item shows the flag at once" q "! 1 safeguarding No"
expect_screen "the counter follows the answers" q "$pos of $items answered"
got=$(q "SELECT count(*), sum(a.answer = 'yes'), sum(a.answer = 'no' AND i.safeguarding = 1)
         FROM qa_answer a JOIN qa_template_item i ON i.id = a.item_id WHERE a.visit_id = $visit")
[ "$got" = "$pos|$((pos - 1))|1" ] && ok "each answer is in SQLite as it is keyed" ||
    not_ok "each answer is in SQLite as it is keyed" "got $got, expected $pos|$((pos - 1))|1"
flag_in_check && ok "apterm check flags the provider red (qa_safeguarding)" ||
    not_ok "apterm check flags the provider red (qa_safeguarding)"

# The Providers pane shows it (after the shell counts the flags again).
keys q 2
wait_for q "providers │" 5
keys q /
keys q -l "$name"
keys q Enter
sleep 0.3
keys q Enter
expect_screen "the Providers pane shows the safeguarding flag with its reason" q "safeguarding item answered No"

# Back to the checklist: answer the rest and close the visit.
keys q 4
expect_screen "the QA pane is still on the checklist" q "$pos of $items answered"
keys_n q y $((items - pos))
expect_screen "answering every item says so" q "All $items items answered"
keys q C
expect_screen "C asks for the outcome" q "Close the Stage 1 visit"
expect_screen "the outcome is suggested from the answers" q "‹ Unsatisfactory ›"
expect_screen "the close form shows a follow-up as the next due date" q "(the visit date + 28 days: a follow-up"
keys q C-s
expect_screen "closing returns to the visits with the next due date" q "the next Stage 1 visit is due on"
got=$(q "SELECT closed || ' ' || outcome || ' ' || (next_due = date(visit_date, '+28 days')) FROM qa_visit WHERE id = $visit")
[ "$got" = "1 unsatisfactory 1" ] && ok "the closed visit has its outcome and next due date in SQLite" ||
    not_ok "the closed visit has its outcome and next due date in SQLite" "$got"
flag_in_check && ok "closing the visit keeps the safeguarding flag" || not_ok "closing the visit keeps the safeguarding flag"

# A later visit answers the item Yes: the flag goes.
keys q a
if choose_stage1; then ok "a second Stage 1 visit starts"; else not_ok "a second Stage 1 visit starts" "$(screen q)"; fi
keys q Tab Tab
keys q -l "Mererid Howells"
keys q C-s
expect_screen "the second checklist opens" q "0 of $items answered"
keys_n q y "$pos"
expect_screen "a Yes to the item answers the earlier No once this visit is closed" q "clears when this visit is closed"
flag_in_check && ok "a Yes on a visit still open does not clear the flag" ||
    not_ok "a Yes on a visit still open does not clear the flag"
keys_n q y $((items - pos))
expect_screen "answering every item of the second visit says so" q "All $items items answered"
keys q C
expect_screen "C asks for the second visit's outcome" q "Close the Stage 1 visit"
keys q C-s
expect_screen "closing the second visit: no No is open" q "Safeguard.   no safeguarding item is answered No"
flag_in_check && not_ok "apterm check no longer flags the provider" || ok "apterm check no longer flags the provider"
keys q 2
if wait_gone q "safeguarding item answered No" 10; then ok "the Providers pane no longer shows the flag"
else not_ok "the Providers pane no longer shows the flag" "$(screen q)"; fi
# The Providers pane is still on the provider's record: q goes back to the list, then quits.
keys q q
wait_for q "providers │" 5
keys q q
expect_screen "q quits cleanly" q "EXIT=0"

# Checklists are data: an edited file is a new revision; visits keep theirs.
sed 's/The site and every space pupils use were seen on this visit/Every space pupils use was seen on this visit/' \
    data/qa-stage1.csv >"$TEST_DIR/stage1.csv"
out=$("$APTERM" templates load "$TEST_DIR/stage1.csv" --db "$db" 2>&1)
echo "$out" | grep -q "as stage1_safety revision 2" && ok "templates load adds revision 2" ||
    not_ok "templates load adds revision 2" "$out"
out=$("$APTERM" templates load "$TEST_DIR/stage1.csv" --db "$db" 2>&1)
echo "$out" | grep -q "is the same as stage1_safety revision 2: nothing was loaded" &&
    ok "loading the same file again adds nothing" || not_ok "loading the same file again adds nothing" "$out"
printf '# key=stage1_safety stage=stage1 title="Broken"\nsection,text,safeguarding\nA,Fine,0\nB,Bad,maybe\n' \
    >"$TEST_DIR/bad.csv"
out=$("$APTERM" templates load "$TEST_DIR/bad.csv" --db "$db" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "bad.csv line 4: .*nothing was loaded" &&
    [ "$(q "SELECT count(*) FROM qa_template WHERE key = 'stage1_safety'")" = 2 ]; then
    ok "a bad file is refused naming its line, and nothing is written"
else not_ok "a bad file is refused naming its line, and nothing is written" "rc=$rc $out"; fi
[ "$(q "SELECT t.revision FROM qa_visit v JOIN qa_template t ON t.id = v.template_id WHERE v.id = $visit")" = 1 ] &&
    ok "the visit keeps the revision it was answered against" ||
    not_ok "the visit keeps the revision it was answered against"
out=$("$APTERM" templates list --db "$db" 2>&1)
echo "$out" | grep -Eq '^stage1_safety +2\* stage1' && ok "templates list marks the latest revision" ||
    not_ok "templates list marks the latest revision" "$out"
