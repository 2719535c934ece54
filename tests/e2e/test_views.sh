#!/bin/sh
# The view stack (ui/view.h) in a real terminal, for what needs one: a record
# open over the roll follows another login's change without a key; a form
# shows the text cursor in its field; Ctrl-C in a changed form asks first and
# y quits; pasting; the register's timer while a view is open. What a view
# shows after keys alone is in the golden screens (tests/golden/scripts/
# views.keys).
. tests/lib.sh
pane_script 2026-11-20 views --pupils 30 --weeks 4
S=views$$

start "$S" 100x30 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10 || not_ok "the roll opens" "$(screen "$S")"

# ---- A record open over the roll follows a change made by another login ----
keys "$S" Enter
wait_for "$S" "Pupil record:" 5
upn=$(screen "$S" | sed -n 's/.*· UPN \([0-9A-Z]*\).*/\1/p' | head -1)
att_line() { screen "$S" | grep "Attendance this term" | head -1; }
before=$(att_line)
current=$(q "select code from attendance_mark m join pupil p on p.id = m.pupil_id
             where p.upn = '$upn' and m.session = 'am' and m.day = (julianday('$TODAY') - julianday('1970-01-01'))")
code=O
[ "$current" = O ] && code=/
if [ -z "$upn" ] || [ -z "$before" ]; then
    not_ok "the record shows the pupil's UPN and attendance" "$(screen "$S")"
else
    "$APTERM" mark --db "$db" --date "$TODAY" --session am --upn "$upn" --code "$code" --replace >/dev/null 2>&1
    changed() { now=$(att_line); [ -n "$now" ] && [ "$now" != "$before" ]; }
    if wait_until 5 changed; then
        ok "an open record shows another login's new mark without a key ($(att_line | sed 's/^ *//'))"
    else
        not_ok "an open record shows another login's new mark without a key" "before: $before" "$(screen "$S")"
    fi
fi

# What a view shows after keys alone (its help, closing it, q, the pane
# numbers, a form's questions and F1, Ctrl-G in a field, a question at 60
# columns) is in the golden screens: tests/golden/scripts/views.keys.
keys "$S" q
wait_for "$S" "Pupil roll:" 5

# ---- A form: the text cursor is in the field being typed in ----
keys "$S" a
wait_for "$S" "New pupil" 5
keys "$S" "Rhodri"
wait_for "$S" "New pupil (changed)" 5
cursor() { tm display -p -t "$S" '#{cursor_flag} #{cursor_y}'; }
set -- $(cursor)
line=$(screen_line "$S" $(($2 + 1)))
if [ "$1" = 1 ] && printf '%s\n' "$line" | grep -q "Legal forename.*Rhodri"; then
    ok "the text cursor shows, on the line of the field being typed in"
else
    not_ok "the text cursor shows, on the line of the field being typed in" "cursor: $*" "line: $line"
fi

# ---- Ctrl-C in a changed form asks like Esc ----
keys "$S" C-c
expect_screen "Ctrl-C in a changed form asks first" "$S" "Quit apterm without saving your changes? (y/n)"
keys "$S" n
sleep 0.3
screen "$S" | grep -q "New pupil (changed)" && ! screen "$S" | grep -q "EXIT="
screen_ok $? "n to the Ctrl-C question keeps apterm and the form" "$S"
keys "$S" C-c
wait_for "$S" "Quit apterm without saving" 5
keys "$S" y
expect_screen "y to the Ctrl-C question quits cleanly" "$S" "EXIT=0"
n=$(q "select count(*) from pupil where legal_forename = 'Rhodri' and legal_surname = ''")
[ "$n" = 0 ] && ok "nothing of the unsaved form was saved" || not_ok "nothing of the unsaved form was saved" "$n rows"

# ---- Pasting into a form (the terminal's bracketed paste) ----
P=paste$$
start "$P" 100x30 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$P" "Pupil roll:" 10
keys "$P" a
wait_for "$P" "New pupil" 5
paste() { tm set-buffer -- "$1" && tm paste-buffer -p -t "$P"; }
paste "$(printf 'Mo\007th\037er')"
wait_for "$P" "Legal forename: pasted text with a control character (U+0007): nothing pasted" 5 &&
    screen "$P" | grep -q "Legal forename \* *$" && ! screen "$P" | grep -q "New pupil (changed)"
screen_ok $? "a paste holding control characters is refused whole, naming the field; the field stays empty" "$P"
paste "Mother"
wait_for "$P" "Legal forename *  Mother" 5
screen_ok $? "a plain paste goes into the field as typed text" "$P"
long=$(printf '%0495d' 0 | tr 0 x)
keys "$P" Tab
paste "$long"
wait_for "$P" "Legal surname: pasted text too long (495 characters" 5 &&
    screen "$P" | grep -q "Legal surname \* *$"
screen_ok $? "a 495-character paste into a 100-character field is refused whole, not cut, naming the field" "$P"
keys "$P" Escape
wait_for "$P" "Close without saving" 5
keys "$P" y
wait_for "$P" "Pupil roll:" 5
paste "qqq"
sleep 0.3
screen "$P" | grep -q "Paste where text is typed" && ! screen "$P" | grep -q "EXIT="
screen_ok $? "a paste on a pane is not taken as keys (a pasted q does not quit)" "$P"

# ---- The register's timer runs while a view is open ----
# The clock starts at 09:29:56 (APTERM_NOW); the morning register closes at
# 09:30 (apterm.ini's default) while a pupil's record is open over the roll.
n_marks() { q "select count(*) from attendance_mark_v where date = '$TODAY' and session = 'am' and code = 'N'"; }
before_n=$(n_marks)
R=timer$$
start "$R" 100x30 "APTERM_TODAY=$TODAY APTERM_NOW=09:29:56 APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$R" "Pupil roll:" 10
keys "$R" Enter
wait_for "$R" "Pupil record:" 5
more_n() { [ "$(n_marks)" -gt "$before_n" ]; }
if wait_until 20 more_n && screen "$R" | grep -q "Pupil record:"; then
    ok "the morning register closes on time while a record is open (N marks: $before_n, then $(n_marks))"
else
    not_ok "the morning register closes on time while a record is open" "N marks: $before_n, then $(n_marks)" "$(screen "$R")"
fi

# ---- A form reports every bad field at once ----
keys "$P" Enter
wait_for "$P" "Pupil record:" 5
keys "$P" t
wait_for "$P" "Contacts of " 5
keys "$P" a
wait_for "$P" "New contact for" 5
keys "$P" -l "Test Contact"
keys "$P" Tab Tab
keys "$P" -l "12"
keys "$P" Tab Tab
keys "$P" -l "not-an-email"
keys "$P" C-s
wait_for "$P" "(and 1 more)" 5 && screen "$P" | grep -q '! "12" has too few digits' &&
    screen "$P" | grep -q '! "not-an-email" is not an email address'
screen_ok $? "a contact with a bad phone and a bad email: both fields are marked at once" "$P"
n=$(q "select count(*) from contact where name = 'Test Contact'")
[ "$n" = 0 ] && ok "and nothing is saved" || not_ok "and nothing is saved" "$n rows"

# ---- q in a provider's record (opened from the pane's list) goes back, as in a view ----
keys "$P" Escape
wait_for "$P" "Close without saving" 5
keys "$P" y
wait_for "$P" "Contacts of " 5
keys "$P" Escape
wait_for "$P" "Pupil record:" 5
keys "$P" Escape
wait_for "$P" "Pupil roll:" 5
keys "$P" 2
wait_for "$P" "providers │" 5
keys "$P" Enter
wait_gone "$P" "providers │" 5
keys "$P" q
wait_for "$P" "providers │" 5 && ! screen "$P" | grep -q "EXIT="
screen_ok $? "q in a provider's record goes back to the list; apterm keeps running" "$P"
keys "$P" q
expect_screen "q on the providers' list quits" "$P" "EXIT=0"
