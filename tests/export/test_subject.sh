#!/bin/sh
# apterm export pupil UPN --out FILE.xlsx (issue 14): everything the store
# holds about one pupil, read back with openpyxl; audited as an export.
. tests/lib.sh
demo_script "" --pupils 40 --weeks 4
id=$(q "select p.id from pupil p where exists (select 1 from concern where pupil_id = p.id) and
        exists (select 1 from psp where pupil_id = p.id) and exists (select 1 from contact where pupil_id = p.id) limit 1")
upn=$(q "select upn from pupil where id = $id")
other=$(q "select upn from pupil where id <> $id limit 1")
# A change after the store was made, so the audit log has rows about the pupil (and one about another).
printf 'upn,destination\n%s,Coleg Gwent\n%s,Coleg Sir Gâr\n' "$upn" "$other" > change.csv
"$APTERM" --db "$db" import pupils change.csv >/dev/null 2>&1

lower=$(echo "$upn" | tr A-Z a-z)
out=$("$APTERM" --db "$db" export pupil "$lower" --out sar.xlsx 2>&1); rc=$?
[ $rc -eq 0 ] && [ -f sar.xlsx ] && ok "export pupil writes the workbook" || not_ok "export pupil writes the workbook" "rc=$rc" "$out"

want="$(q "select count(*) from contact where pupil_id = $id") $(q "select count(*) from concern where pupil_id = $id") $(q "select count(*) from attendance_mark where pupil_id = $id") $(q "select count(*) from psp_target where psp_id in (select id from psp where pupil_id = $id)")"
got=$("$PYTHON" - "$upn" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook("sar.xlsx")
upn = sys.argv[1]
def rows(name):
    ws = wb[name]
    n = 0
    for r in ws.iter_rows(min_row=5, values_only=True):
        if r[0] is not None and r[0] != "None held.":
            n += 1
    return n
assert wb["Pupil"]["B5"].value == upn, wb["Pupil"]["B5"].value
audit = [r for r in wb["Audit"].iter_rows(min_row=5, values_only=True)]
assert any(r[3] == "pupil" and "Coleg Gwent" in (r[7] or "") for r in audit), audit
assert not any("Sir G" in (r[7] or "") for r in audit), "another pupil's audit row"
print(rows("Contacts"), rows("Safeguarding"), rows("Attendance"), rows("PSP targets"))
PY
)
[ "$got" = "$want" ] && ok "the workbook holds the pupil's record, contacts, chronology, marks, PSP targets and audit rows, and no one else's" ||
    not_ok "the workbook holds everything about the pupil and nothing else" "want $want" "got $got"

[ "$(q "select json_extract(new_value, '\$.kind') || json_extract(new_value, '\$.pupils') || json_extract(new_value, '\$.detail') from audit_log where action = 'export' order by id desc limit 1")" = "pupil1$upn" ] &&
    ok "the subject access export is audited naming the pupil" || not_ok "the subject access export is audited" "$(q "select new_value from audit_log where action='export'")"

out=$("$APTERM" --db "$db" export pupil A000000000000 --out none.xlsx 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "no pupil has the UPN A000000000000" && [ ! -e none.xlsx ] &&
    ok "an unknown UPN is named and nothing is written" || not_ok "an unknown UPN is named and nothing is written" "rc=$rc" "$out"
