#!/bin/sh
# `apterm print`: the PSP, a QA visit report and the weekly tracking sheet as
# PDF, made by the real binary from a demo store and read back with
# poppler-utils (tests/export/check_pdf.py compares the text with SQL over the
# same store); then the ways a print must fail without touching a file.
. tests/lib.sh
demo_script 2026-03-04 --pupils 80 --weeks 8
checks="$here/tests/export"
q() { sqlite3 -readonly "$db" "$1"; }

# An active PSP with reviews and a reduced timetable; a closed visit with
# items answered No; an open visit.
upn=$(q "SELECT u.upn FROM psp p JOIN pupil u ON u.id = p.pupil_id WHERE p.status = 'active' AND
         p.reduced_timetable = 1 AND EXISTS (SELECT 1 FROM psp_review r WHERE r.psp_id = p.id) ORDER BY p.id LIMIT 1")
visit=$(q "SELECT v.id FROM qa_visit v WHERE v.closed = 1 AND EXISTS (SELECT 1 FROM qa_answer a WHERE
           a.visit_id = v.id AND a.answer = 'no') ORDER BY v.id LIMIT 1")
open_visit=$(q "SELECT id FROM qa_visit WHERE closed = 0 ORDER BY id LIMIT 1")
[ -n "$upn" ] && [ -n "$visit" ] && [ -n "$open_visit" ] && ok "the demo store has a PSP with reviews, a visit with No answers and an open visit" ||
    not_ok "the demo store has what the test needs" "upn=$upn visit=$visit open=$open_visit"

# print NAME KIND ARGS...: runs apterm print; ok when it exits 0, says "N pages", nothing on stderr.
pages=0
print_ok() {
    name=$1
    shift
    if "$APTERM" print "$@" --db "$db" >"$TEST_DIR/out" 2>"$TEST_DIR/err" && [ ! -s "$TEST_DIR/err" ] &&
        grep -q "^Wrote .*: [0-9]* pages*$" "$TEST_DIR/out"; then
        ok "$name"
        pages=$(sed -n 's/.*: \([0-9]*\) pages*$/\1/p' "$TEST_DIR/out")
    else
        not_ok "$name" "$(cat "$TEST_DIR/out" "$TEST_DIR/err")"
        pages=0
    fi
}

print_ok "print psp UPN writes the pupil's PSP and says how many pages" psp "$upn" --out "$TEST_DIR/psp.pdf"
"$PYTHON" "$checks/check_pdf.py" psp "$db" "$TEST_DIR/psp.pdf" "$upn" 2026-03-04 "$pages" "psp"
print_ok "print visit ID writes the visit's report" visit "$visit" --out "$TEST_DIR/visit.pdf"
"$PYTHON" "$checks/check_pdf.py" visit "$db" "$TEST_DIR/visit.pdf" "$visit" 2026-03-04 "$pages" "visit"
print_ok "print tracking --week writes the week's meeting sheet (any day of the week)" \
    tracking --week 2026-03-04 --out "$TEST_DIR/tracking.pdf"
"$PYTHON" "$checks/check_pdf.py" tracking "$db" "$TEST_DIR/tracking.pdf" 2026-03-02 2026-03-04 "$pages" "tracking"

modes=$(stat -c %a "$TEST_DIR/psp.pdf" "$TEST_DIR/visit.pdf" "$TEST_DIR/tracking.pdf" | sort -u)
[ "$modes" = 600 ] && ok "the PDFs are mode 0600" || not_ok "the PDFs are mode 0600" "$modes"
audited=$(q "SELECT group_concat(row_key, ' ') FROM (SELECT row_key FROM audit_log
             WHERE action = 'export' ORDER BY id)")
case "$audited" in
*"psp visit tracking"*) ok "each print is audited as an export (psp, visit, tracking)" ;;
*) not_ok "each print is audited as an export" "$audited" ;;
esac
name=$(q "SELECT COALESCE(NULLIF(preferred_name, ''), legal_forename) || ' ' || legal_surname FROM pupil WHERE upn = '$upn'")
pdftotext -enc UTF-8 "$TEST_DIR/psp.pdf" - | grep -q "$name" && ok "the pupil's name reads back exactly ($name)" ||
    not_ok "the pupil's name reads back exactly" "$name"

# A Welsh name with every kind of accent the font must carry.
welsh_upn=$(q "SELECT u.upn FROM psp p JOIN pupil u ON u.id = p.pupil_id WHERE p.status != 'ceased' AND
               (u.legal_forename || u.legal_surname || u.preferred_name) GLOB '*[ŵŷâêîôûëïöüáéíóú]*' LIMIT 1")
if [ -n "$welsh_upn" ]; then
    print_ok "print psp of a pupil with a Welsh accented name" psp "$welsh_upn" --out "$TEST_DIR/welsh.pdf"
    wname=$(q "SELECT legal_surname FROM pupil WHERE upn = '$welsh_upn'")
    wfore=$(q "SELECT COALESCE(NULLIF(preferred_name, ''), legal_forename) FROM pupil WHERE upn = '$welsh_upn'")
    pdftotext -enc UTF-8 "$TEST_DIR/welsh.pdf" - | grep -q "$wfore $wname" &&
        ok "accented letters survive into the PDF text ($wfore $wname)" ||
        not_ok "accented letters survive into the PDF text" "$wfore $wname"
else
    not_ok "the demo store has an open PSP of a pupil with an accented name"
fi

# ---- failures leave everything as it was

printf 'an earlier document\n' > "$TEST_DIR/keep.pdf"
cp "$TEST_DIR/keep.pdf" "$TEST_DIR/keep.orig"
untouched() { cmp -s "$TEST_DIR/keep.pdf" "$TEST_DIR/keep.orig" && ! ls -A "$TEST_DIR" | grep -q '^\.keep\.pdf\.'; }

"$APTERM" print psp Z999999999999 --out "$TEST_DIR/keep.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "Z999999999999" "$TEST_DIR/out" && untouched; then
    ok "a UPN no pupil has is refused, naming it; the file is untouched"
else not_ok "an unknown UPN is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

no_psp=$(q "SELECT upn FROM pupil u WHERE NOT EXISTS (SELECT 1 FROM psp p WHERE p.pupil_id = u.id AND
            p.status != 'ceased') LIMIT 1")
"$APTERM" print psp "$no_psp" --out "$TEST_DIR/keep.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -ne 0 ] && grep -q "no open PSP" "$TEST_DIR/out" && untouched; then
    ok "a pupil without an open PSP is refused, saying so; the file is untouched"
else not_ok "a pupil without an open PSP is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" print visit "$open_visit" --out "$TEST_DIR/keep.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q "still open" "$TEST_DIR/out" && untouched; then
    ok "an open visit is refused (exit 2): its report is printed once it is closed"
else not_ok "an open visit is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" print visit 3x --out "$TEST_DIR/keep.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'print visit "3x"' "$TEST_DIR/out" && untouched &&
    ok "a visit number that is not a number is a usage error, naming it" ||
    not_ok "a bad visit number is a usage error" "rc=$rc" "$(cat "$TEST_DIR/out")"

"$APTERM" print tracking --week 2026-02-30 --out "$TEST_DIR/keep.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- '--week "2026-02-30": expected a date' "$TEST_DIR/out" && untouched &&
    ok "a --week that is not a date is refused (exit 2), naming --week" ||
    not_ok "a bad --week is refused" "rc=$rc" "$(cat "$TEST_DIR/out")"

"$APTERM" print psp "$upn" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--out" "$TEST_DIR/out" && ok "print without --out is a usage error" ||
    not_ok "print without --out is a usage error" "rc=$rc" "$(cat "$TEST_DIR/out")"

"$APTERM" print psp "$upn" --out "$TEST_DIR/no/such/dir/p.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "no/such/dir" "$TEST_DIR/out" && grep -q "nothing was written" "$TEST_DIR/out" &&
    ok "a target in a missing directory fails clearly, nothing written" ||
    not_ok "a target in a missing directory fails clearly" "rc=$rc" "$(cat "$TEST_DIR/out")"

"$APTERM" print psp "$upn" --out "$TEST_DIR/keep.pdf" --db "$db" >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 0 ] && head -c 5 "$TEST_DIR/keep.pdf" | grep -q '%PDF-' && [ "$(stat -c %a "$TEST_DIR/keep.pdf")" = 600 ] &&
    ok "a successful print replaces an existing file, whole, mode 0600" ||
    not_ok "a successful print replaces an existing file" "rc=$rc" "$(cat "$TEST_DIR/out")"

# Progress goes to a terminal only: through a pseudo-terminal it shows, and
# the page count follows; without a terminal (every print above) stderr
# stayed empty.
"$PYTHON" "$checks/on_tty.py" "$APTERM" print tracking --week 2026-03-02 --out "$TEST_DIR/tty.pdf" --db "$db" \
    >"$TEST_DIR/tty.out" 2>&1
if grep -q "Laying out the pupils" "$TEST_DIR/tty.out" && grep -q "100% Writing the pages" "$TEST_DIR/tty.out" &&
    grep -q "Wrote the tracking sheet" "$TEST_DIR/tty.out"; then
    ok "on a terminal print shows its progress, to the last page"
else not_ok "on a terminal print shows its progress" "$(tr '\r' '\n' < "$TEST_DIR/tty.out" | tail -5)"; fi
