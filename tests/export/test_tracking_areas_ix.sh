#!/bin/sh
# A placement's tracking areas (issue 13's field) in the placements export
# and import (issue 14): the column is exported as codes, an import names
# areas in words or codes and they are stored as codes, a word that is not
# an area is refused naming the line and the column with nothing written,
# re-importing the export changes nothing, and a file without the column
# leaves the areas as they were.
. tests/lib.sh
db="$TEST_DIR/areas.db"
demo_script 2026-12-07 --pupils 20 --weeks 1

"$APTERM" --db "$db" export placements --out placements.csv >/dev/null 2>&1
head -1 placements.csv | grep -q ',purpose,tracking_areas,setting_type,' &&
    ok "the placements export has a tracking_areas column" || not_ok "the placements export has a tracking_areas column" "$(head -1 placements.csv)"

PL=$(q "select id from placement order by id limit 1")
"$PYTHON" - "$PL" "$db" <<'PY'
import csv, sqlite3, sys
pl, db = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
upn, start = c.execute("select p.upn, pl.start_date from placement pl join pupil p on p.id = pl.pupil_id where pl.id = ?", (pl,)).fetchone()
r = [r for r in csv.DictReader(open("placements.csv", encoding="utf-8")) if r["upn"] == upn and r["start_date"] == start][0]
for name, areas in (("good.csv", "Wellbeing and emotional regulation, SOCIAL"), ("bad.csv", "wellbeing, maths")):
    w = csv.writer(open(name, "w", encoding="utf-8", newline=""))
    w.writerow(["upn", "provider", "provider_postcode", "start_date", "tracking_areas"])
    w.writerow([upn, r["provider"], r["provider_postcode"], start, areas])
w = csv.writer(open("without.csv", "w", encoding="utf-8", newline=""))
w.writerow(["upn", "provider", "provider_postcode", "start_date", "purpose"])
w.writerow([upn, r["provider"], r["provider_postcode"], start, "Therapeutic sessions, reviewed half-termly"])
PY
areas() { q "select tracking_areas from placement where id = $PL"; }

before=$(areas)
audit0=$(q "select count(*) from audit_log")
out=$("$APTERM" --db "$db" import placements bad.csv 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'line 2, column tracking_areas: .*"maths" is not a tracking area' &&
    [ "$(areas)" = "$before" ] && [ "$(q "select count(*) from audit_log")" = "$audit0" ] &&
    ok "a word that is not an area is refused by line and column; nothing is written" ||
    not_ok "a word that is not an area is refused by line and column" "rc=$rc" "$out" "areas: $(areas)"

out=$("$APTERM" --db "$db" import placements good.csv 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(areas)" = "wellbeing, social" ] &&
    ok "areas in words and in any case are stored as codes: \"wellbeing, social\"" ||
    not_ok "areas in words are stored as codes" "rc=$rc" "$out" "stored: $(areas)"

out=$("$APTERM" --db "$db" import placements good.csv 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q " 0 to add, 0 to change" &&
    ok "importing the same file again changes nothing (the words compare as the codes they are)" ||
    not_ok "importing the same file again changes nothing" "rc=$rc" "$out"

"$APTERM" --db "$db" export placements --out again.csv >/dev/null 2>&1
out=$("$APTERM" --db "$db" import placements again.csv --dry-run 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q " 0 to add, 0 to change" &&
    ok "re-importing the export changes nothing (the codes read back as they were written)" ||
    not_ok "re-importing the export changes nothing" "rc=$rc" "$out"

out=$("$APTERM" --db "$db" import placements without.csv 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(areas)" = "wellbeing, social" ] &&
    ok "a file without the column leaves the areas as they were" ||
    not_ok "a file without the column leaves the areas as they were" "rc=$rc" "$out" "stored: $(areas)"
