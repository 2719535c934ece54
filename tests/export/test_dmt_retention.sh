#!/bin/sh
# The DMT value-for-money report reads the counts retention keeps (issue 14):
# after apterm retention --apply erases pupils, the report of a past period
# of whole months gives the same figures as before (pupils, placements,
# committed and actual spend, sessions, hours; by cohort and summed over the
# providers), read back with openpyxl; a period that cuts a month says
# that month's kept counts are left out.
. tests/lib.sh
here=$(pwd)
cd "$TEST_DIR" || exit 1
db="$TEST_DIR/dmt.db"
APTERM_TODAY=2026-12-07 demo_store "$db" --pupils 30 --weeks 8
q() { sqlite3 "$db" "$1"; }
export APTERM_TODAY=2040-01-01   # the demo's ended placements are past the 6 years from here
ENDED="select pupil_id from placement group by pupil_id having count(*) = count(end_date)"
due=$(q "select count(*) from ($ENDED)")
figures() { # FROM TO NAME: the figures of the report for FROM..TO into NAME.txt
    "$APTERM" --db "$db" export dmt --from "$1" --to "$2" --out "$3.xlsx" >/dev/null 2>"$3.err" &&
        "$PYTHON" "$here/tests/export/dmt_figures.py" "$3.xlsx" > "$3.txt"
}
figures 2026-10-01 2026-11-30 two_before && figures 2026-11-01 2026-11-30 nov_before &&
    figures 2026-08-01 2027-03-31 year_before && figures 2026-10-15 2026-11-30 cut_before ||
    not_ok "the reports before the erasure are written" "$(cat ./*.err)"
# The erased pupils count in them: otherwise the comparison below proves nothing.
erased_committed=$(q "select count(*) from placement where pupil_id in ($ENDED) and start_date <= '2026-11-30'
                      and end_date >= '2026-10-01' and status <> 'proposed'")
[ "$due" -ge 1 ] && [ "$erased_committed" -ge 1 ] && ok "the demo has $due pupils to erase, with $erased_committed placements in the period" ||
    not_ok "the demo has pupils to erase with placements in the period" "due=$due placements=$erased_committed"

out=$(echo yes | "$APTERM" --db "$db" retention --apply 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(q "select count(*) from ($ENDED)")" = 0 ] && [ "$(q "select count(*) from placement where pupil_id not in (select id from pupil)")" = 0 ] &&
    ok "retention --apply erases the $due pupils" || not_ok "retention --apply erases the pupils" "rc=$rc" "$out"
[ "$(q "select count(*) from retained_placement")" -ge "$erased_committed" ] &&
    [ "$(q "select sum(committed_mp) > 0 from retained_placement_month")" = 1 ] &&
    [ "$(q "select count(*) from retained_pupil where provider_id = 0")" = "$due" ] &&
    ok "their placements' figures are kept month by month, with no pupil or day" ||
    not_ok "their placements' figures are kept" "$(q "select * from retained_placement limit 5")"
cols=$(q "select group_concat(name) from (select name from pragma_table_info('retained_placement') union all
          select name from pragma_table_info('retained_placement_month') union all select name from pragma_table_info('retained_pupil'))")
case ",$cols," in
*,pupil_id,*|*upn*|*name*|*,day,*|*_date*) not_ok "the kept figures have no pupil, name or day" "$cols" ;;
*) ok "the kept figures have no pupil, name or day" ;;
esac

figures 2026-10-01 2026-11-30 two_after && figures 2026-11-01 2026-11-30 nov_after &&
    figures 2026-08-01 2027-03-31 year_after && figures 2026-10-15 2026-11-30 cut_after ||
    not_ok "the reports after the erasure are written" "$(cat ./*.err)"
for p in nov two year; do
    # the only line allowed to differ: the count of months whose kept counts are included
    d=$(diff "${p}_before.txt" "${p}_after.txt" | grep '^[<>]' | grep -v 'Counts kept of erased pupils')
    [ -z "$d" ] && ok "the $p report gives the same figures after the erasure" ||
        not_ok "the $p report gives the same figures after the erasure" "$d"
done
grep -q "^summary Counts kept of erased pupils	2$" two_after.txt && ok "the Summary says two months of kept counts are included" ||
    not_ok "the Summary says how many months of kept counts are included" "$(grep Counts two_after.txt)"
"$PYTHON" - cut_after.xlsx <<'PY' && ok "a period that cuts a month says that month's kept counts are left out" ||
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
sys.exit(0 if "1 month of them is only partly in the period and is left out" in text else 1)
PY
    not_ok "a period that cuts a month says so" "$(diff cut_before.txt cut_after.txt)"
