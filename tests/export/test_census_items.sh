#!/bin/sh
# The census items the officer records on the pupil (uln, middle_names,
# ethnicity) and on the placement (setting_type, census_reason), migration
# 030: given through the CSV imports, checked against their code lists, and
# carried into apterm export census, whose row is then complete.
. tests/lib.sh
printf '[attendance]\nregion = england\n' > "$APTERM_CONFIG"
db="$TEST_DIR/england.db"
demo_script 2026-12-07 --pupils 30 --weeks 2
D=2026-12-07
OPEN="pl.status <> 'proposed' and pl.start_date <= '$D' and (pl.end_date is null or pl.end_date >= '$D')"

"$APTERM" --db "$db" export pupils --out pupils.csv >/dev/null 2>&1
"$APTERM" --db "$db" export placements --out placements.csv >/dev/null 2>&1
head -1 pupils.csv | grep -q ',uln,middle_names,ethnicity,' && head -1 placements.csv | grep -q ',setting_type,census_reason,' &&
    ok "the pupils and placements exports have the census columns" ||
    not_ok "the exports have the census columns" "$(head -1 pupils.csv)" "$(head -1 placements.csv)"

# A pupil of 14 or over with one open placement at a provider with neither URN nor UKPRN.
row=$(q "select p.upn, pl.id from placement pl join pupil p on p.id = pl.pupil_id join provider pr on pr.id = pl.provider_id
         where $OPEN and pr.urn = '' and pr.ukprn = '' and p.dob <= date('$D', '-14 years')
         and (select count(*) from placement x where x.pupil_id = p.id) = 1 limit 1")
U=${row%|*}; PL=${row#*|}
[ -n "$U" ] || not_ok "the demo store has a pupil to complete" "$row"

"$APTERM" --db "$db" export census --date $D --out before.csv > before.out 2>&1
before_incomplete=$(sed -n 's/^\([0-9]*\) rows\{0,1\} with items not recorded yet.*/\1/p' before.out)
grep "^$U," before.csv | grep -q ',uln; ethnicity; reason$' && ok "before: the pupil's row names ULN, ethnicity and reason unknown" ||
    not_ok "before: the pupil's row names the unknown items" "$(grep "^$U," before.csv)"

# ---- recording them through the imports ----
printf 'upn,uln,middle_names,ethnicity\r\n%s,1234567890,Ŵyn Mair,wwel\r\n' "$U" > items.csv
out=$("$APTERM" --db "$db" import pupils items.csv 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(q "select uln || '|' || middle_names || '|' || ethnicity from pupil where upn = '$U'")" = "1234567890|Ŵyn Mair|WWEL" ] &&
    echo "$out" | grep -q 'ethnicity: "" -> "WWEL"' &&
    ok "import pupils records ULN, middle names and ethnicity (code in any case)" || not_ok "import pupils records the census items" "rc=$rc" "$out"
"$PYTHON" - "$U" "$(q "select start_date from placement where id = $PL")" <<'PY'
import csv, sys
upn, start = sys.argv[1], sys.argv[2]
r = [r for r in csv.DictReader(open("placements.csv", encoding="utf-8")) if r["upn"] == upn and r["start_date"] == start][0]
w = csv.writer(open("place.csv", "w", encoding="utf-8", newline=""))
w.writerow(["upn", "provider", "provider_postcode", "start_date", "setting_type", "census_reason"])
w.writerow([upn, r["provider"], r["provider_postcode"], start, "OOT", "PEX"])
PY
out=$("$APTERM" --db "$db" import placements place.csv 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(q "select setting_type || '|' || census_reason from placement where id = $PL")" = "OOT|PEX" ] &&
    ok "import placements records the setting type and the reason" || not_ok "import placements records setting type and reason" "rc=$rc" "$out"

out=$("$APTERM" --db "$db" export census --date $D --out after.csv 2>&1)
after_incomplete=$(echo "$out" | sed -n 's/^\([0-9]*\) rows\{0,1\} with items not recorded yet.*/\1/p')
line=$(grep "^$U," after.csv)
"$PYTHON" - "$U" <<'PY' && [ "$after_incomplete" = $((before_incomplete - 1)) ] &&
import csv, sys
r = [r for r in csv.DictReader(open("after.csv", encoding="utf-8")) if r["upn"] == sys.argv[1]][0]
want = {"uln": "1234567890", "middle_names": "Ŵyn Mair", "ethnicity": "WWEL", "setting_type": "OOT", "reason": "PEX",
        "urn": "", "ukprn": "", "unknown": ""}
bad = {k: r[k] for k in want if r[k] != want[k]}
sys.exit(1 if bad else 0)
PY
    ok "the census row is complete once the officer has recorded the items (and one fewer row is listed)" ||
    not_ok "the census row is complete once recorded" "$line" "incomplete $before_incomplete -> $after_incomplete"
"$APTERM" --db "$db" import pupils items.csv 2>&1 | grep -q "0 to add, 0 to change, 1 unchanged" &&
    ok "re-importing the same items changes nothing" || not_ok "re-importing the same items changes nothing"

# ---- the reason from an Inclusion Panel case: permanent exclusion (pex) gives PEX; at risk of it does not ----
cases=$(q "select pc.reason || ' ' || p.upn from placement pl join panel_case pc on pc.id = pl.panel_case_id
           join pupil p on p.id = pl.pupil_id where $OPEN and pl.census_reason = '' and pc.reason in ('pex', 'risk_of_pex')")
wrong=; npex=0; nrisk=0
for pair in $(echo "$cases" | tr ' ' ':'); do
    reason=${pair%%:*}; u=${pair#*:}
    got=$(awk -F, -v u="$u" '$1 == u { print $13 }' after.csv | sort -u | tr '\n' ' ')
    if [ "$reason" = pex ]; then npex=$((npex + 1)); [ "$got" = "PEX " ] || wrong="$wrong [$u pex: $got]"
    else nrisk=$((nrisk + 1)); case "$got" in *PEX*) wrong="$wrong [$u risk_of_pex: $got]";; esac; fi
done
[ "$npex" -ge 1 ] && [ "$nrisk" -ge 1 ] && [ -z "$wrong" ] &&
    ok "a placement from a panel case about a permanent exclusion has reason PEX ($npex); one about the risk of it has none ($nrisk)" ||
    not_ok "the reason from the panel case" "pex $npex, risk $nrisk" "$wrong"

# ---- the ULN is given from 14: at the boundary and either side ----
young=$(q "select p.upn from placement pl join pupil p on p.id = pl.pupil_id where $OPEN and p.uln = '' and p.upn <> '$U' limit 1")
uln_flag() { # DOB: is uln named unknown on the census day for $young born on DOB?
    printf 'upn,dob\n%s,%s\n' "$young" "$1" > dob.csv
    "$APTERM" --db "$db" import pupils dob.csv >/dev/null 2>&1 || { echo error; return; }
    "$APTERM" --db "$db" export census --date $D --out dob_census.csv >/dev/null 2>&1
    grep "^$young," dob_census.csv | awk -F, '{ print ($NF ~ /uln/) ? "named" : "not named" }' | sort -u
}
a=$(uln_flag 2012-12-08); b=$(uln_flag 2012-12-07); c=$(uln_flag 2012-12-06)
[ "$a" = "not named" ] && [ "$b" = named ] && [ "$c" = named ] &&
    ok "a missing ULN is named from the 14th birthday on (13 the day before: not named)" ||
    not_ok "ULN from 14" "day before 14: $a" "14 that day: $b" "14 the day before: $c"

# ---- bad values: each named, nothing written ----
audit0=$(q "select count(*) from audit_log where action <> 'export'")
printf 'upn,uln,middle_names,ethnicity\n%s,123456789,,\n%s,12345678901,,\n%s,12345abcde,,\n%s,,,WXYZ\n%s,1234567890,,\n' "$U" "$U" "$U" "$U" "$U" > bad.csv
out=$("$APTERM" --db "$db" import pupils bad.csv 2>&1); rc=$?
missing=
for want in "bad.csv line 2, column uln: \"123456789\" is not a unique learner number" \
            "bad.csv line 3, column uln: \"12345678901\" is not a unique learner number" \
            "bad.csv line 4, column uln: \"12345abcde\" is not a unique learner number" \
            "bad.csv line 5, column ethnicity: expected one of WBRI," ; do
    echo "$out" | grep -qF "$want" || missing="$missing [$want]"
done
[ $rc -eq 1 ] && [ -z "$missing" ] && [ "$(q "select count(*) from audit_log where action <> 'export'")" = "$audit0" ] &&
    [ "$(q "select uln from pupil where upn = '$U'")" = 1234567890 ] &&
    ok "a ULN of 9 or 11 digits or with letters, and an unknown ethnicity code, are refused by line and column; nothing is written" ||
    not_ok "bad ULN and ethnicity refused" "rc=$rc" "missing:$missing" "$out"
printf 'upn,provider,provider_postcode,start_date,setting_type,census_reason\n' > badpl.csv
tail -1 place.csv | sed 's/,OOT,PEX.*$/,XYZ,PEX/' >> badpl.csv
tail -1 place.csv | sed 's/,OOT,PEX.*$/,OOT,BEHAVIOUR/' >> badpl.csv
out=$("$APTERM" --db "$db" import placements badpl.csv 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "line 2, column setting_type: expected one of NFE, OOT, OTH, WBP or nothing" &&
    echo "$out" | grep -q "line 3, column census_reason: expected one of PEX," &&
    [ "$(q "select setting_type || census_reason from placement where id = $PL")" = OOTPEX ] &&
    ok "an unknown setting type or reason is refused by line and column; nothing is written" ||
    not_ok "bad setting type and reason refused" "rc=$rc" "$out"

# (The store's CHECKs on these columns are tested in tests/unit/test_records.c: the sqlite3 shell
# cannot write to the store at all, since its audit triggers refuse writes from outside apterm.)

# ---- from a school's CTF: UniqueLearnerNumber, MiddleNames, Ethnicity ----
CTF_UPN=D825200119042
sed "s|<UPN>$CTF_UPN</UPN>|<UPN>$CTF_UPN</UPN><UniqueLearnerNumber>9876543210</UniqueLearnerNumber>|" \
    "$here/tests/data/ctf25-sample.xml" > ctf.xml
out=$("$APTERM" --db "$db" import ctf ctf.xml 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(q "select uln || '|' || middle_names || '|' || ethnicity from pupil where upn = '$CTF_UPN'")" = "9876543210|Ŵyn Mair|WWEL" ] &&
    ok "import ctf records UniqueLearnerNumber, MiddleNames and Ethnicity" || not_ok "import ctf records the census items" "rc=$rc" "$out"
sed -e 's|<Ethnicity>WWEL</Ethnicity>|<Ethnicity>WXYQ</Ethnicity>|' -e 's|<MiddleNames>Ŵyn Mair</MiddleNames>|<MiddleNames>Mair</MiddleNames>|' ctf.xml > ctf-unknown.xml
out=$("$APTERM" --db "$db" import ctf ctf-unknown.xml 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q 'ctf-unknown.xml line [0-9]*: warning: ethnicity code "WXYQ" is not one apterm knows' &&
    [ "$(q "select middle_names || '|' || ethnicity from pupil where upn = '$CTF_UPN'")" = "Mair|WWEL" ] &&
    ok "a CTF ethnicity code apterm does not list is warned of and left as stored; the rest comes in" ||
    not_ok "an unknown CTF ethnicity code is warned of" "rc=$rc" "$out"
sed 's|<UniqueLearnerNumber>9876543210<|<UniqueLearnerNumber>987654321<|' ctf.xml > ctf-baduln.xml
audit0=$(q "select count(*) from audit_log where action <> 'export'")
out=$("$APTERM" --db "$db" import ctf ctf-baduln.xml 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'ctf-baduln.xml line [0-9]*, column uln: "987654321" is not a unique learner number' &&
    [ "$(q "select count(*) from audit_log where action <> 'export'")" = "$audit0" ] &&
    ok "a CTF with a 9-digit ULN is refused naming its line; nothing is written" || not_ok "a bad CTF ULN is refused" "rc=$rc" "$out"
