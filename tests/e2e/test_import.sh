#!/bin/sh
# Imports and exports of pupils, contacts, providers and placements as CSV
# (issue 14): round trips, a real-looking sample file (Welsh names, quotes,
# a BOM, CRLF), every kind of bad line, the dry run, re-import, a version
# conflict, Latin-1 refused, and all or nothing under kill -9.
. tests/lib.sh
demo_script 2026-12-07 --pupils 60 --weeks 2
U1=$(upn 690200199001); U2=$(upn 690200199002); U3=$(upn 690200199003)

# ---- round trips on the demo store ----
for k in pupils contacts providers placements; do
    "$APTERM" --db "$db" export $k --out "$TEST_DIR/$k.csv" >/dev/null 2>"$TEST_DIR/err" ||
        not_ok "export $k" "$(cat "$TEST_DIR/err")"
done
audit0=$(q "select count(*) from audit_log where action <> 'export'")
all_same=yes
for k in pupils contacts providers placements; do
    out=$("$APTERM" --db "$db" import $k "$TEST_DIR/$k.csv" 2>&1)
    echo "$out" | grep -q ": 0 to add, 0 to change, [0-9]* unchanged" || { all_same="$k: $out"; }
done
audit1=$(q "select count(*) from audit_log where action <> 'export'")
if [ "$all_same" = yes ] && [ "$audit0" = "$audit1" ]; then ok "re-importing each export changes nothing (no audit rows either)"
else not_ok "re-importing each export changes nothing" "$all_same" "audit $audit0 -> $audit1"; fi

n=$(($(wc -l < "$TEST_DIR/pupils.csv") - 1)); stored=$(q "select count(*) from pupil")
[ "$n" = "$stored" ] && ok "export pupils writes one line a pupil" || not_ok "export pupils writes one line a pupil" "$n lines, $stored pupils"
head -1 "$TEST_DIR/pupils.csv" | grep -q '^upn,legal_forename,legal_surname,' && ok "the export's header names the columns" ||
    not_ok "the export's header names the columns" "$(head -1 "$TEST_DIR/pupils.csv")"
q "select kind from (select json_extract(new_value, '\$.kind') kind from audit_log where action = 'export')" | sort -u |
    tr '\n' ' ' | grep -q "contacts placements providers pupils" && ok "each export is audited with its kind" ||
    not_ok "each export is audited with its kind" "$(q "select new_value from audit_log where action='export'")"

# ---- a real-looking sample: BOM, CRLF, quotes, Welsh names ----
printf '\357\273\277upn,legal_forename,legal_surname,preferred_name,dob,gender,home_school,home_school_urn,roll_status,cohort,fsm,cla,plan,aln_areas\r\n' > sample.csv
printf '%s,Siân,Llŷr-Ŵynne,,2012-05-01,female,Ysgol Gyfun Cwm Tawel,6909901,dual_prs,pru_plus,yes,no,ehcp,"speech, language and communication"\r\n' "$U1" >> sample.csv
printf '%s,Dafydd,"ap Gruffydd ""Dai""",Dai,2011-10-20,male,Ysgol Gyfun Cwm Tawel,6909901,sole_prs,ks4_pathway,no,yes,none,\r\n' "$U2" >> sample.csv
pupils0=$(q "select count(*) from pupil")
out=$("$APTERM" --db "$db" import pupils sample.csv --dry-run 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "add line 2: pupil $U1 (Siân Llŷr-Ŵynne)" &&
   echo "$out" | grep -q "2 to add, 0 to change, 0 unchanged (a dry run: nothing was written)" &&
   [ "$(q "select count(*) from pupil")" = "$pupils0" ]; then ok "a dry run lists what would be added and writes nothing"
else not_ok "a dry run lists what would be added and writes nothing" "rc=$rc" "$out"; fi
out=$("$APTERM" --db "$db" import pupils sample.csv 2>&1); rc=$?
got=$(q "select legal_surname || '|' || preferred_name from pupil where upn = '$U2'")
if [ $rc -eq 0 ] && [ "$got" = 'ap Gruffydd "Dai"|Dai' ] &&
   [ "$(q "select legal_surname from pupil where upn = '$U1'")" = "Llŷr-Ŵynne" ]; then
    ok "a file with a BOM, CRLF, quotes and Welsh letters is imported exactly"
else not_ok "a file with a BOM, CRLF, quotes and Welsh letters is imported exactly" "rc=$rc" "$out" "$got"; fi
[ "$(q "select count(*) from school where urn = '6909901'")" = 1 ] && ok "a home school new to the store is added once" ||
    not_ok "a home school new to the store is added once" "$(q "select * from school where urn='6909901'")"
[ "$(q "select count(*) from audit_log where action = 'import'")" = 1 ] && ok "the import is audited" ||
    not_ok "the import is audited" "$(q "select * from audit_log where action='import'")"
out=$("$APTERM" --db "$db" import pupils sample.csv 2>&1)
echo "$out" | grep -q "0 to add, 0 to change, 2 unchanged" && ok "importing the same file again changes nothing" ||
    not_ok "importing the same file again changes nothing" "$out"

# A change, field by field, old -> new; the UPN is matched trimmed and upper-cased.
lower=$(echo "$U1" | tr A-Z a-z)
printf 'upn,legal_surname,fsm\n  %s ,Llŷr,no\n' "$lower" > change.csv
v0=$(q "select version from pupil where upn = '$U1'")
out=$("$APTERM" --db "$db" import pupils change.csv --dry-run 2>&1)
if echo "$out" | grep -q "change line 2: pupil $U1" && echo "$out" | grep -q 'legal_surname: "Llŷr-Ŵynne" -> "Llŷr"' &&
   echo "$out" | grep -q 'fsm: "yes" -> "no"' && [ "$(q "select version from pupil where upn = '$U1'")" = "$v0" ]; then
    ok "a dry run shows each change as old -> new and changes nothing"
else not_ok "a dry run shows each change as old -> new and changes nothing" "$out"; fi
"$APTERM" --db "$db" import pupils change.csv >/dev/null 2>&1
[ "$(q "select legal_surname || fsm || version from pupil where upn = '$U1'")" = "Llŷr0$((v0 + 1))" ] &&
    ok "a real run makes the change, and only to the columns the file has" ||
    not_ok "a real run makes the change" "$(q "select * from pupil where upn = '$U1'")"

# ---- every kind of bad line, all reported, nothing written ----
bad_upn="B${U3#?}"; [ "$bad_upn" = "$U3" ] && bad_upn="C${U3#?}"
cat > bad.csv <<CSV
upn,legal_forename,legal_surname,dob,gender,roll_status,cohort,fsm
$U3,Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,no
$bad_upn,Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,no
$(upn 690200199004),Gwen,,2012-01-01,female,dual_prs,pru_plus,no
$(upn 690200199005),Gwen,Morgan,2012-02-30,female,dual_prs,pru_plus,no
$(upn 690200199006),Gwen,Morgan,2012-01-01,fenyw,dual_prs,pru_plus,no
$(upn 690200199007),Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,maybe
$(upn 690200199008),Gwen,Morgan,2012-01-01,female,dual_prs
$(upn 690200199009),Gwen,Morgan,2027-01-01,female,dual_prs,pru_plus,no
$U3,Gwen,Morgan,2012-01-01,female,dual_prs,pru_plus,no
CSV
pupils0=$(q "select count(*) from pupil")
out=$("$APTERM" --db "$db" import pupils bad.csv 2>&1); rc=$?
missing=""
for want in "bad.csv line 3, column upn: \"$bad_upn\": UPN check letter" \
            "bad.csv line 4, column legal_surname: must not be empty" \
            "bad.csv line 5, column dob: expected a date, YYYY-MM-DD (got \"2012-02-30\")" \
            "bad.csv line 6, column gender: expected one of female, male, other or nothing (got \"fenyw\")" \
            "bad.csv line 7, column fsm: expected yes or no (got \"maybe\")" \
            "bad.csv line 8: 6 fields, but the header has 8 columns" \
            "bad.csv line 9, column dob: " \
            "bad.csv line 10: pupil $U3 (Gwen Morgan) is also on line 2" \
            "8 errors in bad.csv: nothing was written"; do
    echo "$out" | grep -qF "$want" || missing="$missing|$want"
done
if [ $rc -eq 1 ] && [ -z "$missing" ] && [ "$(q "select count(*) from pupil")" = "$pupils0" ]; then
    ok "every bad line is named by line, column and what is expected, and nothing is written"
else not_ok "every bad line is named by line, column and what is expected" "rc=$rc" "missing: $missing" "$out"; fi

printf 'upn,legal_forname\n%s,Gwen\n' "$U3" > header.csv
out=$("$APTERM" --db "$db" import pupils header.csv 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'line 1: column 2, "legal_forname", is not a column of a pupil file' &&
    ok "an unknown column in the header is named" || not_ok "an unknown column in the header is named" "$out"

printf 'upn,legal_forename,legal_surname\n%s,Si\342n,Morgan\n' "$U3" > latin1.csv
out=$("$APTERM" --db "$db" import pupils latin1.csv 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "latin1.csv line 2: is not UTF-8 text (it looks like Latin-1" &&
    ok "a Latin-1 file is refused in words" || not_ok "a Latin-1 file is refused in words" "$out"

# ---- a version conflict ----
"$APTERM" --db "$db" export pupils --out before.csv >/dev/null 2>&1
printf 'upn,destination\n%s,Coleg Gwent\n' "$U2" > other.csv
"$APTERM" --db "$db" import pupils other.csv >/dev/null 2>&1      # someone else's change since the export
sed "s/^$U2,Dafydd,/$U2,Dafi,/" before.csv > mine.csv
out=$("$APTERM" --db "$db" import pupils mine.csv 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "mine.csv line [0-9]*, column version: pupil $U2 (Dafi ap Gruffydd \"Dai\") was changed by $(id -un) at .* since this file was exported" &&
   [ "$(q "select legal_forename || destination from pupil where upn = '$U2'")" = "DafyddColeg Gwent" ]; then
    ok "a change to a record changed since the export is named, not overwritten"
else not_ok "a change to a record changed since the export is named" "rc=$rc" "$out"; fi
out=$("$APTERM" --db "$db" import pupils before.csv 2>&1); rc=$?
echo "$out" | grep -q "column version: pupil $U2" && [ "$(q "select destination from pupil where upn = '$U2'")" = "Coleg Gwent" ] &&
    ok "re-importing an old export does not undo a later change" || not_ok "re-importing an old export does not undo a later change" "$out"

# ---- providers on name and postcode; contacts in their calling order ----
name=$(q "select name from provider order by id limit 1"); addr=$(q "select address from provider order by id limit 1")
pc=$(echo "$addr" | grep -o 'NP[0-9]* [0-9][A-Z][A-Z]$')
printf 'name,postcode,address,phone\n"%s",%s,"1 New Road, Cwmbrân %s",01632 960000\n"  %s ",%s,"%s",01632 960111\n' \
    "$name" "NP44 9ZZ" "NP44 9ZZ" "$name" "$(echo "$pc" | tr A-Z a-z | tr -d ' ')" "$addr" > prov.csv
n0=$(q "select count(*) from provider where name = '$(echo "$name" | sed "s/'/''/g")'")
out=$("$APTERM" --db "$db" import providers prov.csv 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "1 to add, 1 to change" &&
   [ "$(q "select count(*) from provider where name = '$(echo "$name" | sed "s/'/''/g")'")" = $((n0 + 1)) ]; then
    ok "providers are matched on name and postcode (case and spaces ignored), never on the name alone"
else not_ok "providers are matched on name and postcode" "rc=$rc" "$out"; fi
printf 'upn,name,priority,relationship,phone\n%s,Nia Morgan,1,Nain,01632 960222\n' "$U1" > contacts.csv
"$APTERM" --db "$db" import contacts contacts.csv >/dev/null 2>&1
printf 'upn,name,priority,relationship,phone\n%s,Gareth Morgan,1,Tad,01632 960223\n' "$U1" > contacts2.csv
out=$("$APTERM" --db "$db" import contacts contacts2.csv 2>&1)
[ "$(q "select group_concat(name, ';') from (select name from contact c join pupil p on p.id = c.pupil_id where upn = '$U1' order by priority)")" = "Gareth Morgan;Nia Morgan" ] &&
    ok "a contact imported with priority 1 is called first" || not_ok "a contact imported with priority 1 is called first" "$out"

# ---- all or nothing under kill -9 ----
{
    echo "upn,legal_forename,legal_surname,dob,roll_status,cohort"
    i=0
    while [ $i -lt 3000 ]; do
        s=$(printf '6902005%05d' $i); echo "$(upn_check "$s")$s,Rhys,Jones$i,2012-03-04,dual_prs,pru_plus"; i=$((i + 1))
    done
} > big.csv
pupils0=$(q "select count(*) from pupil")
# Killed once every line is checked (the last "add" line is printed before the first write).
"$APTERM" --db "$db" import pupils big.csv >big.out 2>&1 &
pid=$!
wait_until 60 grep -q "^add line 3001:" big.out
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(q "select count(*) from pupil"); ic=$(q "pragma integrity_check")
if [ "$ic" = ok ] && [ -n "$pupils0" ] && { [ "$n" = "$pupils0" ] || [ "$n" = $((pupils0 + 3000)) ]; }; then
    ok "an import killed with kill -9 leaves all of it or none of it ($n pupils)"
else not_ok "an import killed with kill -9 leaves all of it or none of it" "$pupils0 -> $n" "$ic"; fi
