#!/bin/sh
# Terminal control characters (ESC, BEL, other C0 and C1) are refused at every
# input of the command line, naming the field and line, and change nothing;
# text quoted back in a message never reaches the terminal raw.
. tests/lib.sh
demo_script 2026-11-23 --pupils 30 --weeks 6
ESC=$(printf '\033')
BEL=$(printf '\007')
C1=$(printf '\302\233')          # U+009B, the one-byte CSI of C1
upn=$(q "SELECT u.upn FROM pupil u JOIN placement l ON l.pupil_id = u.id
         JOIN placement_session t ON t.placement_id = l.id
         WHERE l.status = 'active' AND l.start_date <= '2026-11-24'
           AND (l.end_date IS NULL OR l.end_date >= '2026-11-24') AND t.weekday = 1 AND t.session = 'am'
         ORDER BY u.upn LIMIT 1")
marks() { q "SELECT count(*) FROM attendance_mark"; }
raw() { grep -q "$ESC\|$BEL\|$C1" "$1"; }   # true when a control character was printed

# refused NAME EXPECTED COMMAND...: exits 1, says EXPECTED, prints no control
# character, and the store's marks, closures and templates are unchanged.
state() { q "SELECT (SELECT count(*) FROM attendance_mark) || '/' || (SELECT count(*) FROM closure) || '/' ||
                    (SELECT count(*) FROM qa_template)"; }
refused() {
    name=$1 expected=$2
    shift 2
    before=$(state)
    "$@" >"$TEST_DIR/out" 2>&1; rc=$?
    if [ $rc -eq 1 ] && grep -q -- "$expected" "$TEST_DIR/out" && ! raw "$TEST_DIR/out" && [ "$(state)" = "$before" ]; then
        ok "$name"
    else
        not_ok "$name" "rc=$rc state $before -> $(state)" "$(cat -v "$TEST_DIR/out")"
    fi
}

for c in ESC BEL C1; do
    eval "ch=\$$c"
    refused "mark --note with $c is refused, naming the note" "Note: holds a control character" \
        "$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$upn" --code B --note "late ${ch}]0;x${BEL}"
done
# Either side of the boundary: DEL (0x7f) is a control, a no-break space (U+00A0) after C1 is not.
refused "mark --note with DEL is refused" "Note: holds a control character" \
    "$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$upn" --code B --note "$(printf 'a\177')"
"$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$upn" --code B --note "$(printf 'Tŷ\302\240Coch ~')" \
    >"$TEST_DIR/out" 2>&1 && [ "$(q "SELECT note FROM attendance_mark m JOIN pupil u ON u.id = m.pupil_id
        WHERE u.upn = '$upn' AND m.day = (SELECT CAST(julianday('2026-11-24') - 2440587.5 AS INTEGER))")" = "$(printf 'Tŷ\302\240Coch ~')" ] &&
    ok "a note with a no-break space, Welsh letters and ~ is recorded" ||
    not_ok "a note with a no-break space, Welsh letters and ~ is recorded" "$(cat "$TEST_DIR/out")"

printf 'date,session,upn,code,note\n2026-11-25,am,%s,B,fine\n2026-11-25,pm,%s,B,bad %s[2J\n' "$upn" "$upn" "$ESC" \
    > "$TEST_DIR/marks.csv"
refused "mark --file with ESC in a note is refused, naming the file, line and field" \
    "marks.csv line 3: field 5 (note): Note: holds a control character" \
    "$APTERM" mark --db "$db" --file "$TEST_DIR/marks.csv"

# calendar load: a closure reason with BEL.
"$APTERM" calendar list --db "$db" >/dev/null
printf 'academic_year,term,start,end\n2026/27,autumn,2026-09-01,2026-12-18\n' > "$TEST_DIR/terms.csv"
printf 'date,reason\n2026-10-26,Half term\n2026-10-27,Half term%s\n' "$BEL" > "$TEST_DIR/closures.csv"
refused "calendar load with BEL in a closure reason is refused, naming the file, line and field" \
    "closures.csv line 3: reason: holds a control character" \
    "$APTERM" calendar load "$TEST_DIR/terms.csv" "$TEST_DIR/closures.csv" --db "$db"

# templates load: a title, and an item, with ESC.
{
    printf '# key=stage1_safety stage=stage1 title="Safety %s[31mred"\n' "$ESC"
    printf 'section,text,safeguarding\nA,Fire drill,0\n'
} > "$TEST_DIR/title.csv"
refused "templates load with ESC in the title is refused, naming line 1" \
    "title.csv line 1: title: holds a control character" \
    "$APTERM" templates load "$TEST_DIR/title.csv" --db "$db"
{
    printf '# key=stage1_safety stage=stage1 title="Safety"\n'
    printf 'section,text,safeguarding\nA,Fire drill,0\nA,Exits %s]0;pwned%s,1\n' "$ESC" "$BEL"
} > "$TEST_DIR/item.csv"
refused "templates load with ESC in an item is refused, naming its line" \
    "item.csv line 4: item text: holds a control character" \
    "$APTERM" templates load "$TEST_DIR/item.csv" --db "$db"

# Text quoted back in a message (a file name, an argument) is escaped.
refused "a file name with ESC is quoted without it" "?\[2Jgone.csv" \
    "$APTERM" templates load "$TEST_DIR/${ESC}[2Jgone.csv" --db "$db"
"$APTERM" "frob${ESC}[2J" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q 'unknown command "frob?\[2J"' "$TEST_DIR/out" && ! raw "$TEST_DIR/out"; then
    ok "an unknown command with ESC is quoted without it"
else not_ok "an unknown command with ESC is quoted without it" "rc=$rc" "$(cat -v "$TEST_DIR/out")"; fi

# Behind apterm's back: the sqlite3 shell cannot write the store (the audit
# triggers refuse it), so stored text comes only through the checks above.
before=$(state)
sqlite3 "$db" "UPDATE qa_template SET title = 'x' || char(27) || '[2J' WHERE id = 1" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && [ "$(state)" = "$before" ] && [ "$(q "SELECT count(*) FROM qa_template WHERE title LIKE '%' || char(27) || '%'")" = 0 ]; then
    ok "a write from the sqlite3 shell is refused by the store"
else not_ok "a write from the sqlite3 shell is refused by the store" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi
"$APTERM" templates list --db "$db" >"$TEST_DIR/out" 2>&1 && ! raw "$TEST_DIR/out" && ok "templates list prints no control character" ||
    not_ok "templates list prints no control character" "$(cat -v "$TEST_DIR/out")"
