#!/bin/sh
# The imports from the TUI (issue 14), in a real terminal (tmux): i in the
# roll asks what and which file, shows the dry run's summary, asks "Import N
# records?" and imports in one transaction (audited), after which the roll
# shows the new pupils; a bad file shows every error with its line and
# column and writes nothing; n at the question writes nothing; i in the
# providers pane imports providers; ? lists the key.
. tests/lib.sh
here=$(pwd)
cd "$TEST_DIR" || exit 1
export LC_ALL=C.UTF-8
export APTERM_TODAY=2026-12-07
db="$TEST_DIR/imp.db"
demo_store "$db" --pupils 40 --weeks 1
q() { sqlite3 "$db" "$1"; }
upn() { echo "$(upn_check "$1")$1"; }
U1=$(upn 690200199001); U2=$(upn 690200199002); U3=$(upn 690200199003); U4=$(upn 690200199004)
bad_upn="B${U3#?}"; [ "$bad_upn" = "$U3" ] && bad_upn="C${U3#?}"

printf '\357\273\277upn,legal_forename,legal_surname,dob,gender,roll_status,cohort,fsm\r\n' > good.csv
printf '%s,Siân,Llŷr-Ŵynne,2012-05-01,female,dual_prs,pru_plus,yes\r\n' "$U1" >> good.csv
printf '%s,Dafydd,"ap Gruffydd ""Dai""",2011-10-20,male,sole_prs,ks4_pathway,no\r\n' "$U2" >> good.csv
cat > bad.csv <<CSV
upn,legal_forename,legal_surname,dob,gender,roll_status,cohort,fsm
$U3,Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,no
$bad_upn,Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,no
$U4,Gwen,Morgan,2012-02-30,female,dual_prs,pru_plus,no
CSV
printf 'upn,legal_forename,legal_surname,dob,gender,roll_status,cohort,fsm\n%s,Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,no\n' \
    "$U3" > cancel.csv
printf 'name,postcode,address,phone\n"Canolfan Tŷ Gwyn",CF10 1AA,"1 Heol y Bont, Caerdydd CF10 1AA",01632 960000\n' > prov.csv

S=imp$$
start "$S" 110x32 "APTERM_TODAY=$APTERM_TODAY APTERM_NOW=$APTERM_NOW APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "Pupil roll:" 10
pupils0=$(q "select count(*) from pupil")

# ask KIND_TABS FILE: i, then Tab past the kind (KIND_TABS times → on the choice), the file, ^S.
ask() {
    keys "$S" i
    wait_for "$S" "Import into the roll from a file" 5 || wait_for "$S" "Import providers from a file" 5
    for _ in $(seq 1 "$1"); do keys "$S" Right; done
    keys "$S" Tab
    keys "$S" -l "$2"
    keys "$S" C-s
}

# ---- ? lists the key ----
keys "$S" "?" G
expect_screen "? in the roll lists i: import a file" "$S" "Import a file (roll: pupils, contacts, placements, a CTF"
keys "$S" Escape
wait_gone "$S" "Keys of the Roll pane" 5

# ---- a good file: the dry run, the question, the import ----
ask 0 good.csv
if wait_for "$S" "Import 2 records (2 to add, 0 to change)?" 10 &&
   screen "$S" | grep -qF "add line 2: pupil $U1 (Siân Llŷr-Ŵynne)" &&
   screen "$S" | grep -qF "add line 3: pupil $U2 (Dafydd ap Gruffydd \"Dai\")"; then
    ok "i, a file and ^S show the dry run's summary and ask \"Import 2 records (…)?\""
else not_ok "i, a file and ^S show the dry run's summary and ask" "$(screen "$S")"; fi
[ "$(q "select count(*) from pupil")" = "$pupils0" ] && ok "nothing is written before the answer" ||
    not_ok "nothing is written before the answer" "$(q "select count(*) from pupil") pupils, were $pupils0"
keys "$S" y
expect_screen "y imports and says what was done" "$S" "2 added, 0 changed, 0 left alone"
got=$(q "select legal_forename || ' ' || legal_surname from pupil where upn in ('$U1', '$U2') order by upn desc")
if [ "$(q "select count(*) from pupil")" = $((pupils0 + 2)) ] && printf '%s\n' "$got" | grep -qF 'Siân Llŷr-Ŵynne' &&
   printf '%s\n' "$got" | grep -qF 'Dafydd ap Gruffydd "Dai"'; then
    ok "the two pupils are in the store exactly as in the file"
else not_ok "the two pupils are in the store exactly as in the file" "$got"; fi
[ "$(q "select count(*) from audit_log where action = 'import'")" = 1 ] && ok "the import is audited once" ||
    not_ok "the import is audited once" "$(q "select * from audit_log where action = 'import'")"
keys "$S" /
keys "$S" -l "Llŷr"
keys "$S" Enter
expect_screen "the roll shows the new pupil at once" "$S" "Siân Llŷr-Ŵynne"
keys "$S" Escape

# ---- the same file again: nothing to import ----
ask 0 good.csv
expect_screen "the same file again: nothing to import" "$S" "Nothing to import: all 2 records are already as the file has them"
keys "$S" y Escape   # keys are read in order: y is answered before Esc closes the view
wait_gone "$S" "Nothing to import: all" 5
[ "$(q "select count(*) from audit_log where action = 'import'")" = 1 ] && ok "y with nothing to import writes nothing" ||
    not_ok "y with nothing to import writes nothing"

# ---- a bad file: every error, nothing written ----
pupils1=$(q "select count(*) from pupil")
ask 0 bad.csv
missing=""
if wait_for "$S" "2 errors: nothing was written" 10; then
    for want in "bad.csv line 3, column upn: \"$bad_upn\": UPN check letter" \
                "bad.csv line 4, column dob: expected a date, YYYY-MM-DD (got \"2012-02-30\")"; do
        screen "$S" | grep -qF -- "$want" || missing="$missing|$want"
    done
else missing="the count of errors"; fi
[ -z "$missing" ] && ok "a bad file shows every error with its file, line and column" ||
    not_ok "a bad file shows every error with its file, line and column" "missing: $missing" "$(screen "$S")"
keys "$S" y Escape
wait_gone "$S" "2 errors: nothing was written" 5
[ "$(q "select count(*) from pupil where upn = '$U3'")" = 0 ] && [ "$(q "select count(*) from pupil")" = "$pupils1" ] &&
    ok "a bad file writes nothing, not even its good lines (y does not import it)" ||
    not_ok "a bad file writes nothing" "$(q "select count(*) from pupil where upn = '$U3'")"

# ---- a long summary scrolls: 40 bad lines, the last one reached with G ----
{ echo "upn,legal_forename,legal_surname,dob"; for i in $(seq 10 49); do echo "$(upn 6902001991$i),Gwen,Morgan,2012-13-01"; done; } > many.csv
ask 0 many.csv
if wait_for "$S" "40 errors: nothing was written" 10 && wait_for "$S" "Lines 1-" 5 && ! screen "$S" | grep -qF "many.csv line 41,"; then
    keys "$S" G
    expect_screen "a summary longer than the screen scrolls: G shows its last line" "$S" "many.csv line 41, column dob"
else not_ok "a summary longer than the screen scrolls" "$(screen "$S")"; fi
keys "$S" Escape
wait_gone "$S" "40 errors: nothing was written" 5

# ---- a file that cannot be read: named on the form ----
ask 0 missing.csv
expect_screen "a file that is not there is named on the form" "$S" "cannot read $TEST_DIR/missing.csv"
keys "$S" Escape
wait_for "$S" "(y/n)" 5 && keys "$S" y
wait_gone "$S" "Import into the roll from a file" 5

# ---- cancel at the question ----
ask 0 cancel.csv
wait_for "$S" "Import 1 record (1 to add, 0 to change)?" 10
keys "$S" n
expect_screen "n at the question: \"Nothing imported\"" "$S" "Nothing imported"
[ "$(q "select count(*) from pupil where upn = '$U3'")" = 0 ] &&
    [ "$(q "select count(*) from audit_log where action = 'import'")" = 1 ] &&
    ok "n at the question writes nothing and audits nothing" || not_ok "n at the question writes nothing"
ask 0 cancel.csv
wait_for "$S" "Import 1 record (" 10
keys "$S" Escape
wait_gone "$S" "Import 1 record (" 5
[ "$(q "select count(*) from pupil where upn = '$U3'")" = 0 ] && ok "Esc at the question writes nothing" ||
    not_ok "Esc at the question writes nothing"

# ---- a school's CTF, the fourth choice ----
cp "$here/tests/data/ctf25-sample.xml" ctf25.xml
ask 3 ctf25.xml
if wait_for "$S" "add line 18: pupil D825200119042 (Gwenllian Rees-Llywelyn)" 10 && wait_for "$S" "Import " 5; then
    keys "$S" y
    wait_for "$S" "Imported ctf from" 10
    [ "$(q "select count(*) from pupil where upn = 'D825200119042'")" = 1 ] &&
        [ "$(q "select count(*) from contact c join pupil p on p.id = c.pupil_id where p.upn = 'D825200119042'")" -ge 1 ] &&
        ok "a CTF is imported from the roll: the pupil and their contacts, in one go" ||
        not_ok "a CTF is imported from the roll" "$(screen "$S")"
else not_ok "a CTF's dry run is shown from the roll" "$(screen "$S")"; fi

# ---- providers from the providers pane ----
keys "$S" 2
wait_for "$S" "providers │" 10
nprov=$(q "select count(*) from provider")
ask 0 prov.csv
wait_for "$S" "Import 1 record (1 to add, 0 to change)?" 10
keys "$S" y
expect_screen "i in the providers pane imports providers" "$S" "Imported providers from"
[ "$(q "select count(*) from provider where name = 'Canolfan Tŷ Gwyn'")" = 1 ] &&
    [ "$(q "select count(*) from provider")" = $((nprov + 1)) ] && ok "the provider is in the store" ||
    not_ok "the provider is in the store" "$(q "select count(*) from provider")"
keys "$S" /
keys "$S" -l "Canolfan"
keys "$S" Enter
expect_screen "the providers pane shows the new provider" "$S" "Canolfan Tŷ Gwyn"
keys "$S" q
wait_for "$S" "EXIT=" 10 >/dev/null
