#!/bin/sh
# Issue 13, "recommend with a recorded reason": in a real terminal (tmux,
# 80x24) on a demo store, whose first open panel case has the suspended
# provider's quote chosen with a reason. The case view says so; c clears the
# choice (and the reason); c again asks for a reason; an empty or blank one
# saves nothing; a reason typed makes it the recommended option, stored and
# audited, and the quotations flag quotes it.
. tests/lib.sh
pane_script 2026-11-20 reason --pupils 40 --weeks 4
S=reason$$


line=$(q "select q.id, q.case_id, v.name, u.upn from quote q join provider v on v.id = q.provider_id
          join panel_case c on c.id = q.case_id join pupil u on u.id = c.pupil_id
          where q.recommend_reason != '' and v.status = 'suspended' and c.status = 'open' limit 1")
quote_id=${line%%|*}
rest=${line#*|}
case_id=${rest%%|*}
rest=${rest#*|}
prov=${rest%%|*}
upn=${rest#*|}
open_cases=$(q "select count(*) from panel_case c join pupil u on u.id = c.pupil_id
                where u.upn = '$upn' and c.status = 'open'")
if [ -z "$quote_id" ] || [ "$open_cases" != 1 ]; then
    not_ok "the demo store has one open case with a suspended provider's quote chosen with a reason" \
        "quote: $quote_id, open cases of the pupil: $open_cases"
    exit 0
fi
ok "the demo store's case $case_id has $prov's quote chosen with a reason"
reason() { q "select chosen || '|' || recommend_reason from quote where id = $quote_id"; }
reason_is() { [ "$(reason)" = "$1" ]; } # asked afresh on every poll of wait_until

start "$S" 80x24 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG HOME=$TEST_DIR $APTERM --db $db 2>$TEST_DIR/stderr"
wait_for "$S" "Pupil roll:" 15
keys "$S" 7
wait_for "$S" "panel cases │" 10
wait_gone "$S" "counting the flags" 15
open_panel_cases "$S" "$upn"
keys "$S" Enter
expect_screen "Enter opens the case: \"panel case $case_id\"" "$S" "panel case $case_id"
expect_text "the case's flag says the suspended provider is recommended for the reason recorded" "$S" \
    "$prov is suspended: recommended for the reason recorded: \"The only provider the pupil has engaged with"

# ---- c clears the choice and its reason ----
keys "$S" End c
expect_screen "c on the chosen quote clears the choice" "$S" "$prov is no longer the recommended option"
if wait_until 3 reason_is "0|"; then ok "SQLite: not chosen, and the reason is gone with the choice"
else not_ok "SQLite: not chosen, and the reason is gone with the choice" "got: $(reason)"; fi

# ---- c again: only with a reason ----
keys "$S" c
expect_screen "c asks for a reason, saying why one is needed" "$S" "Why not  $prov is suspended"
expect_screen "the form is titled as it is" "$S" "Recommend it all the same, with a reason"
keys "$S" C-s
expect_screen "^S with no reason saves nothing: \"must not be empty\"" "$S" "must not be empty"
keys "$S" "   " C-s
expect_screen "^S with spaces only saves nothing, naming the field" "$S" "Not saved: Reason: must not be empty"
reason_is "0|" && ok "SQLite: still not chosen after both" || not_ok "SQLite: still not chosen after both" "got: $(reason)"
keys "$S" C-u
keys "$S" -l "Only provider the pupil attends; review due next week"
keys "$S" C-s
expect_text "a reason typed: it is the recommended option, the flag quoting the reason" "$S" \
    "recommended for the reason recorded: \"Only provider the pupil attends; review due next week\""
if wait_until 3 reason_is "1|Only provider the pupil attends; review due next week"; then
    ok "SQLite holds the choice and its reason"
else
    not_ok "SQLite holds the choice and its reason" "got: $(reason)"
fi
got=$(q "select count(*) from audit_log where tbl = 'quote' and row_key = '$quote_id'
         and new_value like '%Only provider the pupil attends%'")
[ "$got" = 1 ] && ok "the reason is audited" || not_ok "the reason is audited" "audit rows: $got"
keys "$S" Escape
keys "$S" q
expect_screen "q quits cleanly" "$S" "EXIT=0"

# ---- apterm check quotes it ----
out=$("$APTERM" check --db "$db" 2>/dev/null)
case "$out" in
*"recommended for the reason recorded: \"Only provider the pupil attends; review due next week\""*)
    ok "apterm check flags the case, quoting the reason" ;;
*) not_ok "apterm check flags the case, quoting the reason" "$(printf '%s\n' "$out" | grep quotations)" ;;
esac
