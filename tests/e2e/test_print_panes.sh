#!/bin/sh
# `p` in the Tracking, PSP and QA panes (a real 100x30 terminal in tmux on a
# demo store): the file name is offered in the home directory, ^S writes (the shared form runner)
# the PDF (read back with pdfinfo), Esc writes nothing, a name not ending
# .pdf is refused.
. tests/lib.sh
export LC_ALL=C.UTF-8
export APTERM_TODAY=2026-03-04
db="$TEST_DIR/print.db"
demo_store "$db" --pupils 40 --weeks 6
q() { sqlite3 -readonly "$db" "$1"; }
home="$TEST_DIR/home"
mkdir -p "$home"
S=prt$$
pdf_pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
has_pdf() { [ -n "$(pdf_pages "$1")" ]; }

start "$S" 100x30 "HOME=$home APTERM_TODAY=$APTERM_TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
wait_for "$S" "1 Roll" 10

# ---- Tracking: this week's sheet
keys "$S" 6
wait_for "$S" "Tracking, week of" 10
keys "$S" p
expect_screen "p in the Tracking pane asks where to write the sheet, offering a name" "$S" \
    "File *  ~/tracking-2026-03-02.pdf"
keys "$S" Escape
expect_screen "Esc writes nothing and says so" "$S" "Nothing written"
[ -z "$(ls -A "$home")" ] && ok "after Esc no file is there" || not_ok "after Esc no file is there" "$(ls -A "$home")"
keys "$S" p
wait_for "$S" "File *" 5
keys "$S" BSpace BSpace BSpace C-s
expect_screen "a name not ending .pdf is refused, naming the field" "$S" "File: the name must end in .pdf"
keys "$S" p d f C-s
expect_screen "^S writes the sheet and says where, with its pages" "$S" "Wrote the tracking sheet for the week" 30
if wait_until 10 has_pdf "$home/tracking-2026-03-02.pdf" &&
    [ "$(stat -c %a "$home/tracking-2026-03-02.pdf")" = 600 ]; then
    ok "the tracking sheet is a PDF in the home directory, mode 0600 ($(pdf_pages "$home/tracking-2026-03-02.pdf") pages)"
else
    not_ok "the tracking sheet is a PDF in the home directory" "$(ls -la "$home")"
fi

# ---- PSP: the PSP under the cursor
keys "$S" 5
wait_for "$S" "open PSP" 10
keys "$S" p
expect_screen "p in the PSP pane offers a psp-N-DATE.pdf name" "$S" "-2026-03-04.pdf"
keys "$S" C-s
expect_screen "^S writes the PSP" "$S" "Wrote the PSP of" 20
psp=$(ls "$home" | grep '^psp-[0-9]*-2026-03-04\.pdf$' | head -1)
id=$(printf '%s\n' "$psp" | sed 's/^psp-\([0-9]*\)-.*/\1/')
upn=$(q "SELECT u.upn FROM psp p JOIN pupil u ON u.id = p.pupil_id WHERE p.id = ${id:-0}")
if [ -n "$psp" ] && has_pdf "$home/$psp" && pdftotext "$home/$psp" - | grep -q "$upn"; then
    ok "the PSP under the cursor is written ($psp, the pupil's UPN in it)"
else
    not_ok "the PSP under the cursor is written" "$(ls "$home")" "upn=$upn"
fi

# ---- QA: a provider whose latest visit is closed
name=$(q "SELECT p.name FROM provider p WHERE (SELECT closed FROM qa_visit v WHERE v.provider_id = p.id
          ORDER BY visit_date DESC, id DESC LIMIT 1) = 1 ORDER BY p.name LIMIT 1")
visit=$(q "SELECT v.id FROM qa_visit v JOIN provider p ON p.id = v.provider_id WHERE p.name = '$(printf '%s' "$name" | sed "s/'/''/g")'
           ORDER BY visit_date DESC, v.id DESC LIMIT 1")
keys "$S" 4
wait_for "$S" "most overdue first" 10
keys "$S" /
keys "$S" -l "$name"
keys "$S" Enter
sleep 0.3
keys "$S" Enter
wait_for "$S" "Safeguard." 10
keys "$S" p
expect_screen "p on a visit offers qa-visit-N-DATE.pdf" "$S" "~/qa-visit-$visit-2026-03-04.pdf"
keys "$S" C-s
expect_screen "^S writes the visit's report" "$S" "Wrote the report of the" 20
has_pdf "$home/qa-visit-$visit-2026-03-04.pdf" && ok "the visit report is a PDF in the home directory" ||
    not_ok "the visit report is a PDF in the home directory" "$(ls "$home")" "$(screen "$S")"
