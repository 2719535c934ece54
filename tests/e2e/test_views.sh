#!/bin/sh
# The view stack (ui/view.h) in a real terminal: a record open over the roll
# follows another login's change without a key; ? in a view lists exactly its
# keys and closing the help moves nothing; a pane number from a view opens the
# pane; a form shows the text cursor in its field; Esc and Ctrl-C in a changed
# form both ask first, and "n" goes back to the form as it was.
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

# ---- ? in a view lists exactly the keys it takes; closing it moves nothing ----
keys "$S" "?"
wait_for "$S" "Keys of the pupil record" 5 && screen "$S" | grep -q "Edit the record under the cursor" &&
    ! screen "$S" | grep -qE "Add a record|Search as you type|Sort by the next column"
screen_ok $? "? in the record lists its keys and none it does not take (no add, search or sort)" "$S"
i=0
while [ $i -lt 40 ]; do keys "$S" Down; i=$((i + 1)); done
keys "$S" j x Enter
sleep 0.3
screen "$S" | grep -q "Keys of the pupil record"
screen_ok $? "the help stays open on Down past its end, j, x and Enter" "$S"
keys "$S" Escape
expect_screen "Esc closes the help back to the record" "$S" "Pupil record:"

# ---- q closes the record (a view), back to the roll ----
keys "$S" q
wait_gone "$S" "Pupil record:" 5 && wait_for "$S" "Pupil roll:" 2
screen_ok $? "q closes the record back to the roll, apterm still running" "$S"

# ---- Closing the roll's help never moves the roll's cursor ----
keys "$S" j j j
sleep 0.3
row_before=$(screen "$S" | grep "^▶" | head -1)
keys "$S" "?"
wait_for "$S" "Keys of the Roll pane" 5
i=0
while [ $i -lt 40 ]; do keys "$S" Down; i=$((i + 1)); done
keys "$S" G Escape
wait_for "$S" "Pupil roll:" 5
sleep 0.3
row_after=$(screen "$S" | grep "^▶" | head -1)
if [ -n "$row_before" ] && [ "$row_before" = "$row_after" ]; then
    ok "the roll's cursor is where it was after the help closes"
else
    not_ok "the roll's cursor is where it was after the help closes" "before: $row_before" "after:  $row_after"
fi

# ---- A pane number from a view opens that pane ----
keys "$S" Enter
wait_for "$S" "Pupil record:" 5
keys "$S" 2
wait_gone "$S" "Pupil record:" 5 && wait_for "$S" "providers" 5
screen_ok $? "2 in an open record opens the providers pane" "$S"
keys "$S" 1
wait_for "$S" "Pupil roll:" 5

# ---- A pane number from a sub-view (a pupil's placements) opens that pane ----
keys "$S" Enter
wait_for "$S" "Pupil record:" 5
keys "$S" p
wait_for "$S" "Placements of " 5
keys "$S" 3
wait_gone "$S" "Placements of " 5 && wait_for "$S" "Attendance" 5 && ! screen "$S" | grep -q "Pupil record:"
screen_ok $? "3 in a pupil's placements opens the attendance pane, closing the views above it" "$S"
keys "$S" 1
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

# ---- Esc in a changed form asks; n goes back to the form, saying nothing ----
keys "$S" Escape
expect_screen "Esc in a changed form asks first" "$S" "Close without saving your changes? (y/n)"
keys "$S" n
sleep 0.3
status=$(screen_line "$S" 30)
wait_gone "$S" "Close without saving" 3 && screen "$S" | grep -q "New pupil (changed)" &&
    ! printf '%s\n' "$status" | grep -q "Nothing changed"
screen_ok $? "n to \"Close without saving?\" goes back to the form, no \"Nothing changed\"" "$S"

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

# ---- At 60 columns a question keeps its "?" and its (y/n) ----
T=narrow$$
start "$T" 60x16 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$T" "Pupil roll:" 10
keys "$T" a
wait_for "$T" "New pupil" 5
keys "$T" "Rhodri"
keys "$T" C-c
sleep 0.5
last=$(screen "$T" | tail -1 | sed 's/ *$//')
case $last in
*"…? (y/n)") ok "at 60 columns the question is cut before its \"?\", which stays with (y/n)" ;;
*) not_ok "at 60 columns the question is cut before its \"?\", which stays with (y/n)" "status: $last" ;;
esac
keys "$T" y
expect_screen "and y still quits" "$T" "EXIT=0"

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

# ---- A typed control key that edits nothing is said, naming the field ----
C=ctrl$$
start "$C" 100x30 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$C" "Pupil roll:" 10
keys "$C" a
wait_for "$C" "New pupil" 5
keys "$C" -l "Mo"
keys "$C" C-g
wait_for "$C" "Legal forename: Ctrl-G is not a key of a text field" 5 && screen "$C" | grep -q "Legal forename \*  Mo *$"
screen_ok $? "Ctrl-G in a text field is refused, naming the field; the text is unchanged" "$C"

# ---- F1 is the help in a form (? is a character there); closing it changes nothing ----
keys "$C" F1
wait_for "$C" "Keys of the form" 5 && screen "$C" | grep -q "Save the form (one transaction)" &&
    ! screen "$C" | grep -q "Pupil roll"
screen_ok $? "F1 in a form lists the form's keys" "$C"
keys "$C" Escape
wait_for "$C" "New pupil (changed)" 5 && screen "$C" | grep -q "Legal forename \*  Mo *$"
screen_ok $? "Esc closes the help back to the form as it was" "$C"
keys "$C" "?"
wait_for "$C" "Legal forename *  Mo?" 5 && ! screen "$C" | grep -q "Keys of the form"
screen_ok $? "? in a form's text field is typed, not the help" "$C"
