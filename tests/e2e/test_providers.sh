#!/bin/sh
# The provider directory (tab 2) in a real terminal (tmux) on a demo store:
# the flag of an unregistered provider with full-time pupils is explained in
# words under the cursor; its record lists the pupils placed, and Enter on
# one opens that pupil's record in the roll; an edit is saved to SQLite, and
# registering the provider clears its registration flag.
. tests/lib.sh
pane_script 2026-11-20 providers --pupils 60 --weeks 4
me=$(id -un)
S=prov$$
n_prov=$(q "select count(*) from provider")

# The provider the demo makes non-compliant: unregistered, with 5 or more
# pupils full time (apterm check says which, and why).
"$APTERM" check --db "$db" >"$TEST_DIR/flags" 2>/dev/null
line=$(grep '^red	registration	Provider: ' "$TEST_DIR/flags" | grep 'pupils at ' | head -1)
pname=$(printf '%s\n' "$line" | cut -f3 | sed 's/^Provider: //')
reason=$(printf '%s\n' "$line" | cut -f4)
if [ -n "$pname" ] && printf '%s' "$reason" | grep -q "must be a registered school"; then
    ok "apterm check names an unregistered provider with full-time pupils: $pname"
else
    not_ok "apterm check names an unregistered provider with full-time pupils" "$(head -20 "$TEST_DIR/flags")"
fi
sqlname=$(printf '%s' "$pname" | sed "s/'/''/g")
prov_id=$(q "select id from provider where name = '$sqlname'")
active="l.provider_id = $prov_id and l.status = 'active' and l.start_date <= '$TODAY' and (l.end_date is null or l.end_date >= '$TODAY')"
n_placed=$(q "select count(distinct pupil_id) from placement l where $active")

start "$S" 120x40 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10
keys "$S" 2
expect_screen "2 opens the provider directory: \"$n_prov providers │ by name ▲\"" "$S" "$n_prov providers │ by name ▲"
wait_gone "$S" "counting the flags" 10

# ---- The cursor onto the provider: its flag's reason in words ----
moves=0
# selected: the row under the cursor.
selected() { screen "$S" | grep '^▶'; }
# wait_moved ROW: waits (2 s at most) until the row under the cursor is another.
wait_moved() {
    tries=0
    while [ "$(selected)" = "$1" ] && [ $tries -lt 20 ]; do sleep 0.1; tries=$((tries + 1)); done
}
while ! selected | grep -qF -- "▶$pname" && [ $moves -lt "$n_prov" ]; do
    was=$(selected)
    keys "$S" j
    moves=$((moves + 1))
    wait_moved "$was"
done
if screen "$S" | grep -qF -- "▶$pname" && wait_for "$S" "! $reason" 3; then
    ok "with the cursor on $pname (j x$moves) the screen says why: \"$reason\""
else
    not_ok "with the cursor on $pname the screen says why: \"$reason\"" "$(screen "$S")"
fi
if screen "$S" | grep -F -- "▶$pname" | grep -q "Unregistered  *$n_placed .*!"; then
    ok "its row says Unregistered, $n_placed pupils placed and a red flag"
else
    not_ok "its row says Unregistered, $n_placed pupils placed and a red flag" "$(screen "$S" | grep -F -- "$pname")"
fi

# ---- Its record: the flags with reasons, the pupils placed now ----
keys "$S" Enter
expect_screen "Enter opens the record: \"Pupils placed now: $n_placed, ...\"" "$S" "Pupils placed now: $n_placed, "
missing=""
q "select case when u.preferred_name <> '' then u.preferred_name else u.legal_forename end || ' ' || u.legal_surname
   from placement l join pupil u on u.id = l.pupil_id where $active group by u.id
   order by u.legal_surname collate nocase, u.legal_forename collate nocase, u.id" >"$TEST_DIR/placed"
shot=$(screen "$S")
while IFS= read -r who; do
    printf '%s\n' "$shot" | grep -qF -- "$who" || missing="$missing, $who"
done <"$TEST_DIR/placed"
if [ -z "$missing" ] && printf '%s\n' "$shot" | grep -qF -- " ! $reason"; then
    ok "the record lists the registration flag with its reason and every pupil placed ($n_placed)"
else
    not_ok "the record lists the registration flag with its reason and every pupil placed ($n_placed)" "missing: ${missing#, }" "$shot"
fi

# ---- Enter on a placed pupil opens that pupil's record in the roll ----
keys "$S" j
second=$(sed -n 2p "$TEST_DIR/placed")
wait_for "$S" "Enter opens $second" 3 && screen "$S" | grep -qF -- "▶$second"
screen_ok $? "j moves to the second pupil placed; the status line says Enter opens $second" "$S"
keys "$S" Enter
if wait_for "$S" "Pupil record: $second" 5; then
    ok "Enter opens $second's record in the roll (\"Pupil record: $second\")"
else
    not_ok "Enter opens $second's record in the roll" "$(screen "$S")"
fi
screen "$S" | grep -qF -- "$pname"
screen_ok $? "the pupil's record shows the placement at $pname" "$S"
keys "$S" Escape
wait_for "$S" "Pupil roll:" 5 && wait_for "$S" "▶$second" 3
screen_ok $? "Esc goes back to the roll with the cursor on $second" "$S"

# ---- Edit a provider field and save ----
# Going to the roll closed the record's view; the list's cursor stayed on
# the provider, so Enter opens its record again.
keys "$S" 2
if wait_for "$S" "▶$pname" 5; then ok "back on tab 2 the list's cursor is still on $pname"
else not_ok "back on tab 2 the list's cursor is still on $pname" "$(screen "$S")"; fi
keys "$S" Enter
wait_for "$S" "Pupils placed now: $n_placed, " 5
version=$(q "select version from provider where id = $prov_id")
phone="029 2000 1234"
keys "$S" e
expect_screen "e opens the provider's form: \"Provider: $pname\"" "$S" "Provider: $pname"
# Name, Organisation, Registered manager, Address (four lines), then Phone.
keys "$S" Tab Tab Tab Tab C-u "$phone" C-s
expect_screen "Ctrl-S saves it: \"Saved $pname\"" "$S" "Saved $pname"
screen "$S" | grep -q "^ *Phone  *$phone\$"
screen_ok $? "the record shows the new phone number" "$S"
expect_saved "SQLite has the new phone, the version one up and updated_by $me" provider "$prov_id" phone "$phone" "$version"

# ---- Registering the provider clears its registration flag ----
keys "$S" e
wait_for "$S" "Provider: $pname" 5
# Registration is the seventh field: a pick-list; Registered independent school is its first choice.
keys "$S" Tab Tab Tab Tab Tab Tab
wait_for "$S" "‹ Unregistered AP ›" 3
keys "$S" Right
wait_for "$S" "‹ Registered independent school ›" 3
keys "$S" C-s
wait_for "$S" "Saved $pname" 5
reg=$(q "select registration from provider where id = $prov_id")
if [ "$reg" = independent_school ] && wait_gone "$S" "must be a registered school" 5 &&
   screen "$S" | grep -qF "Registered independent school"; then
    ok "after registering it as an independent school the registration flag is gone"
else
    not_ok "after registering it as an independent school the registration flag is gone" "registration: $reg" "$(screen "$S")"
fi
keys "$S" Escape
wait_for "$S" "▶$pname" 5 && screen "$S" | grep -F -- "▶$pname" | grep -q "Independent"
screen_ok $? "Esc goes back to the list, the row now Independent" "$S"

# (The contacts view, its help and q back one view at a time are golden:
# tests/golden/scripts/providers_views.keys.)

# ---- A record deleted by another login while it is open ----
keys "$S" a
wait_for "$S" "Name" 5
keys "$S" -l "Gone Meanwhile Farm"
keys "$S" C-s
expect_screen "a, a name, ^S adds the provider and opens its record" "$S" "Added Gone Meanwhile Farm"
P=prov2$$
start "$P" 120x40 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$P" "1 Roll" 10
keys "$P" 2
wait_for "$P" "providers │" 5
keys "$P" /
keys "$P" -l "Gone Meanwhile"
keys "$P" Enter d
wait_for "$P" "Delete Gone Meanwhile Farm" 5
keys "$P" y
expect_screen "another login deletes it: \"Deleted Gone Meanwhile Farm\"" "$P" "Deleted Gone Meanwhile Farm"
keys "$P" q
if wait_for "$S" "no longer in the store" 10 && wait_for "$S" "Esc goes back" 3; then
    ok "the open record says the provider is no longer in the store, and that Esc goes back"
else
    not_ok "the open record says the provider is no longer in the store, and that Esc goes back" "$(screen "$S")"
fi
keys "$S" Escape
if wait_for "$S" "providers │" 5 && ! screen "$S" | grep -q "Gone Meanwhile Farm  "; then
    ok "Esc goes back to the list, the provider gone from it"
else
    not_ok "Esc goes back to the list, the provider gone from it" "$(screen "$S")"
fi

# F with no filter on says so (it said "Filter cleared: every provider shown").
keys "$S" F
expect_screen "F with no filter on says there is no filter to clear" "$S" "No filter to clear"

# Search as you type is in the golden screens (tests/golden/scripts/providers_list.keys).
keys "$S" q
expect_screen "q quits with exit status 0" "$S" "EXIT=0"
