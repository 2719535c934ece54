#!/bin/sh
# apterm retention (issue 14): pupils whose last placement ended more than
# [retention] years ago are listed; --apply asks, then erases them and the
# audit rows holding their data, keeping anonymised counts; audited.
. tests/lib.sh
demo_script "" --pupils 30 --weeks 2
# The demo's ended placements end in 2026-2027: seen from 2040 they are past 6 years, from 2032 not all.
export APTERM_TODAY=2040-01-01
due=$(q "select count(*) from (select pupil_id from placement group by pupil_id having count(*) = count(end_date))")
upn=$(q "select upn from pupil p where id in (select pupil_id from placement group by pupil_id having count(*) = count(end_date)) limit 1")
printf 'upn,destination\n%s,Coleg Cambria\n' "$upn" > change.csv
APTERM_TODAY= "$APTERM" --db "$db" import pupils change.csv >/dev/null 2>&1   # an audit row holding their data

out=$("$APTERM" --db "$db" retention --dry-run 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "^$due pupils* whose last placement ended more than 6 years ago" && echo "$out" | grep -q "^$upn "; then
    ok "retention lists the pupils past the retention period"
else not_ok "retention lists the pupils past the retention period" "due=$due" "$out"; fi
printf '[retention]\nyears = 20\n' > "$APTERM_CONFIG"
out=$("$APTERM" --db "$db" retention 2>&1)
echo "$out" | grep -q "^0 pupils whose last placement ended more than 20 years ago" && ok "[retention] years sets the period" ||
    not_ok "[retention] years sets the period" "$out"
printf '[retention]\nyears = 5\n' > "$APTERM_CONFIG"
out=$("$APTERM" --db "$db" retention 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "years" && ok "a period under 6 years is refused" || not_ok "a period under 6 years is refused" "rc=$rc" "$out"
: > "$APTERM_CONFIG"

n0=$(q "select count(*) from pupil")
out=$(echo no | "$APTERM" --db "$db" retention --apply 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "Nothing was erased" && [ "$(q "select count(*) from pupil")" = "$n0" ] &&
    ok "--apply erases nothing unless the answer is yes" || not_ok "--apply erases nothing unless the answer is yes" "$out"

marks=$(q "select count(*) from attendance_mark where pupil_id in (select pupil_id from placement group by pupil_id having count(*) = count(end_date))")
out=$(echo yes | "$APTERM" --db "$db" retention --apply 2>&1); rc=$?
left=$(q "select count(*) from pupil where upn = '$upn'")
if [ $rc -eq 0 ] && echo "$out" | grep -q "Erased $due pupil" && [ "$left" = 0 ] && [ "$(q "select count(*) from pupil")" = $((n0 - due)) ] &&
   [ "$(q "select coalesce(sum(sessions), 0) from retained_count")" -gt 0 ] && [ "$(q "select coalesce(sum(sessions), 0) from retained_count")" -le "$marks" ]; then
    ok "--apply erases them and keeps their attendance as anonymised counts"
else not_ok "--apply erases them and keeps anonymised counts" "rc=$rc" "$out" "marks $marks" "$(q "select * from retained_count limit 3")"; fi
[ "$(q "select count(*) from audit_log where old_value like '%$upn%' or new_value like '%$upn%'")" = 0 ] &&
    ok "no audit row keeps the data of an erased pupil" || not_ok "no audit row keeps the data of an erased pupil" "$(q "select id, tbl, action from audit_log where new_value like '%$upn%' or old_value like '%$upn%'")"
[ "$(q "select json_extract(new_value, '\$.pupils') from audit_log where action = 'erase'")" = "$due" ] &&
    ok "the erasure is audited with the count only" || not_ok "the erasure is audited" "$(q "select * from audit_log where action = 'erase'")"
[ "$(q "pragma foreign_key_check" | wc -l)" = 0 ] && [ "$(q "pragma integrity_check")" = ok ] &&
    ok "the store is whole after the erasure" || not_ok "the store is whole after the erasure" "$(q "pragma foreign_key_check" | head -3)"
