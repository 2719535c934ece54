#!/bin/sh
# apterm import ctf FILE.xml (issue 14): a school's Common Transfer File,
# read with libxml2 (no network, no entities, no DTD): versions 25 (<Sex>)
# and 24 (<Gender>, Welsh ALN items), names, FSM, looked after, SEN/EHCP and
# IDP, the home school from the header, contacts in order; dry run,
# re-import, all or nothing, and files that are not CTFs refused in words.
. tests/lib.sh
demo_script 2026-12-07 --pupils 20 --weeks 1
cp "$here/tests/data/ctf25-sample.xml" ctf25.xml
U1=$(upn 690200188001); U2=$(upn 690200188002)
sed -e "s/PUPIL_UPN_1/$U1/" -e "s/PUPIL_UPN_2/$U2/" "$here/tests/data/ctf24-wales.xml" > wales.xml
audit0=$(q "select count(*) from audit_log")

out=$("$APTERM" --db "$db" import ctf ctf25.xml --dry-run 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "add line 18: pupil D825200119042 (Gwenllian Rees-Llywelyn)" &&
   echo "$out" | grep -q "CTF 25.0, 1 pupil (a dry run: nothing was written)" &&
   [ "$(q "select count(*) from audit_log")" = "$audit0" ] && [ "$(q "select count(*) from pupil where upn = 'D825200119042'")" = 0 ]; then
    ok "a dry run of a CTF lists the pupil and contacts to add and writes nothing"
else not_ok "a dry run of a CTF writes nothing" "rc=$rc" "$out"; fi

out=$("$APTERM" --db "$db" import ctf ctf25.xml 2>&1); rc=$?
got=$(q "select legal_forename || '|' || legal_surname || '|' || preferred_name || '|' || dob || '|' || gender || '|' || fsm || cla || '|' || plan || '|' || aln_areas || '|' || s.name || '|' || s.urn from pupil p join school s on s.id = p.home_school_id where upn = 'D825200119042'")
want="Gwenllian|Rees-Llywelyn|Gwen|2012-03-14|female|10|ehcp|social, emotional and mental health; speech, language and communication|Example Park Academy|999001"
[ $rc -eq 0 ] && [ "$got" = "$want" ] && ok "CTF 25: names, <Sex>, FSM now, not looked after, EHCP, SEN needs by rank, home school from the header" ||
    not_ok "CTF 25 pupil read" "rc=$rc" "$out" "got  $got" "want $want"
got=$(q "select group_concat(priority || ':' || name || ':' || relationship || ':' || phone || ':' || phone2 || ':' || parental_responsibility, ';') from (select * from contact where pupil_id = (select id from pupil where upn = 'D825200119042') order by priority)")
want="1:Siân Rees:Mother:07700 900123:01632 960001:1;2:Dai O'Connor:Other relative:07700 900456::0"
[ "$got" = "$want" ] && ok "contacts in their <Order>, relationship in words, phones, parental responsibility" ||
    not_ok "contacts read" "got  $got" "want $want"

out=$("$APTERM" --db "$db" import ctf ctf25.xml 2>&1)
echo "$out" | grep -q "0 to add, 0 to change, 1 unchanged" && echo "$out" | grep -q "0 to add, 0 to change, 2 unchanged" &&
    ok "importing the same CTF again changes nothing" || not_ok "importing the same CTF again changes nothing" "$out"

sed 's/<Surname>Rees-Llywelyn</<Surname>Rees</' ctf25.xml > changed.xml
out=$("$APTERM" --db "$db" import ctf changed.xml --dry-run 2>&1)
echo "$out" | grep -q 'change line 18: pupil D825200119042' && echo "$out" | grep -q 'legal_surname: "Rees-Llywelyn" -> "Rees"' &&
    ok "a CTF for a pupil already in the store shows the changes field by field" || not_ok "a CTF change is shown field by field" "$out"

out=$("$APTERM" --db "$db" import ctf wales.xml 2>&1); rc=$?
got=$(q "select gender || fsm || cla || '|' || plan || '|' || aln_areas || '|' || (select urn from school where id = home_school_id) from pupil where upn = '$U1'")
[ $rc -eq 0 ] && [ "$got" = "male01|idp_la|COIN; BESD|6904001" ] && [ "$(q "select legal_surname from pupil where upn = '$U2'")" = "Ŵynne" ] &&
    ok "CTF 24 from Wales: <Gender>, FSM ended, looked after, LA IDP and areas of need, the home school found by URN" ||
    not_ok "CTF 24 from Wales" "rc=$rc" "$out" "got $got"

# ---- all or nothing: a bad UPN and a contact with no way to reach them ----
U3=$(upn 690200188003)
sed -e "s/PUPIL_UPN_1/$U3/" -e "s/PUPIL_UPN_2/X${U2#?}/" -e 's|<Phones><Phone><TelephoneType>H</TelephoneType><PhoneNo>01632 960777</PhoneNo></Phone></Phones>||' \
    "$here/tests/data/ctf24-wales.xml" > bad.xml
n0=$(q "select count(*) from pupil")
out=$("$APTERM" --db "$db" import ctf bad.xml 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "bad.xml line 43, column upn: \"X" && [ "$(q "select count(*) from pupil")" = "$n0" ]; then
    ok "a CTF with a bad UPN is refused naming its line, and nothing is written"
else not_ok "a CTF with a bad UPN is refused naming its line" "rc=$rc" "$out"; fi
sed -e "s/PUPIL_UPN_1/$U3/" -e "s/PUPIL_UPN_2/$(upn 690200188004)/" -e 's|<Phones><Phone><TelephoneType>H</TelephoneType><PhoneNo>01632 960777</PhoneNo></Phone></Phones>||' \
    "$here/tests/data/ctf24-wales.xml" > nophone.xml
out=$("$APTERM" --db "$db" import ctf nophone.xml 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "nophone.xml line 33, column phone: give a phone number or an email address" &&
   [ "$(q "select count(*) from pupil")" = "$n0" ]; then
    ok "a contact that cannot be reached refuses the whole CTF, pupils too, naming the contact's line"
else not_ok "a bad contact refuses the whole CTF" "rc=$rc" "$out"; fi

# ---- not a CTF ----
echo "upn,name" > notxml.xml
out=$("$APTERM" --db "$db" import ctf notxml.xml 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "notxml.xml line 1, column [0-9]*: is not a readable XML file" &&
    ok "a file that is not XML is refused in words, with its line and column" || not_ok "a file that is not XML is refused" "$out"
printf '<?xml version="1.0"?>\n<ATfile><Header/></ATfile>\n' > atf.xml
out=$("$APTERM" --db "$db" import ctf atf.xml 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "atf.xml is not a Common Transfer File: its root element is <ATfile>, not <CTfile> (it is an admissions transfer file)" &&
    ok "an XML file that is not a CTF is refused in words" || not_ok "an XML file that is not a CTF is refused" "$out"
cat > xxe.xml <<XML
<?xml version="1.0"?>
<!DOCTYPE CTfile [ <!ENTITY secret SYSTEM "file:///etc/passwd"> <!ENTITY a "aaaaaaaaaa"> ]>
<CTfile><Header><CTFversion>25.0</CTFversion></Header><CTFpupilData><Pupil><UPN>$U3</UPN>
<Surname>&secret;</Surname><Forename>&a;&a;</Forename><DOB>2012-01-01</DOB></Pupil></CTFpupilData></CTfile>
XML
out=$("$APTERM" --db "$db" import ctf xxe.xml 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "xxe.xml has a DOCTYPE declaration" && ! echo "$out" | grep -q "root:" &&
    [ "$(q "select count(*) from pupil where upn = '$U3'")" = 0 ] &&
    ok "a file with a DOCTYPE (entities, an external file) is refused and nothing of it is read" || not_ok "a DOCTYPE is refused" "$out"
sed 's/<CTFversion>25.0</<CTFversion>21.0</' ctf25.xml > old.xml
out=$("$APTERM" --db "$db" import ctf old.xml --dry-run 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "warning: CTF version 21.0; apterm reads versions 24 and 25" &&
    ok "an older CTF version is read with a warning" || not_ok "an older CTF version is read with a warning" "rc=$rc" "$out"
