#!/bin/sh
# The attendance command line of issue 4, run as a user would: apterm mark
# (one mark, refusals, --replace), apterm mark --file (all or nothing) and
# apterm export marks (the CSV, and a target that cannot be written).
. tests/lib.sh
demo_script 2026-11-23 --pupils 30 --weeks 6   # a Monday in the autumn term of data/terms.csv
me=$(id -un)

day() { q "SELECT CAST(julianday('$1') - 2440587.5 AS INTEGER)"; }
MON=$(day 2026-11-23)
TUE=$(day 2026-11-24)
marks() { q "SELECT count(*) FROM attendance_mark"; }

# Pupils timetabled on Tuesday morning (weekday 1) with no mark yet: the demo
# has no marks after today, so any of them will do.
upns=$(q "SELECT DISTINCT u.upn FROM pupil u JOIN placement l ON l.pupil_id = u.id
          JOIN placement_session t ON t.placement_id = l.id
          WHERE l.status = 'active' AND l.start_date <= '2026-11-24'
            AND (l.end_date IS NULL OR l.end_date >= '2026-11-24') AND t.weekday = 1 AND t.session = 'am'
          ORDER BY u.upn LIMIT 5")
set -- $upns
if [ $# -lt 5 ]; then not_ok "the demo store has pupils timetabled on Tuesday" "found: $upns"; exit 1; fi
U1=$1 U2=$2 U3=$3 U4=$4 U5=$5
mark_of() { q "SELECT m.code FROM attendance_mark m JOIN pupil u ON u.id = m.pupil_id
               WHERE u.upn = '$1' AND m.day = $2 AND m.session = '$3'"; }

# ---- --help ----
out=$("$APTERM" --help 2>&1)
if echo "$out" | grep -q '^  mark ' && echo "$out" | grep -q '^  export ' &&
   echo "$out" | grep -q 'apterm export marks --from'; then ok "--help lists mark and export"
else not_ok "--help lists mark and export" "$out"; fi

# ---- one mark ----
"$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$U1" --code b --source phone \
    --note "arrived by taxi" >"$TEST_DIR/out" 2>&1; rc=$?
row=$(q "SELECT m.code, m.source, m.note, m.updated_by, length(m.updated_at), m.provider_id IS NOT NULL
         FROM attendance_mark m JOIN pupil u ON u.id = m.pupil_id
         WHERE u.upn = '$U1' AND m.day = $TUE AND m.session = 'am'")
if [ $rc -eq 0 ] && [ "$row" = "B|phone|arrived by taxi|$me|19|1" ] && grep -q "Recorded B for .*$U1" "$TEST_DIR/out"; then
    ok "mark records one mark with its source, note, provider, login and time"
else not_ok "mark records one mark with its source, note, provider, login and time" "rc=$rc row=$row" "$(cat "$TEST_DIR/out")"; fi

n=$(q "SELECT count(*) FROM audit_log a JOIN pupil u ON a.row_key = u.id || '/$TUE/am'
       WHERE a.tbl = 'attendance_mark' AND u.upn = '$U1' AND a.login = '$me'")
[ "$n" = 1 ] && ok "the mark is in the audit log" || not_ok "the mark is in the audit log" "rows: $n"

"$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$U1" --code I >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "2026-11-24 AM is already recorded as B by $me at 20[0-9-]* [0-9:]*; give --replace to replace it" "$TEST_DIR/out" &&
   ! grep -q "since you opened it" "$TEST_DIR/out" && [ "$(mark_of "$U1" "$TUE" am)" = B ]; then
    ok "mark refuses to overwrite a mark, naming who set it in words for the command line"
else not_ok "mark refuses to overwrite a mark, naming who set it" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$U1" --code I --replace >"$TEST_DIR/out" 2>&1; rc=$?
row=$(q "SELECT m.code, m.reported_code, m.source, m.version FROM attendance_mark m JOIN pupil u ON u.id = m.pupil_id
         WHERE u.upn = '$U1' AND m.day = $TUE AND m.session = 'am'")
if [ $rc -eq 0 ] && [ "$row" = "I|B|officer|2" ]; then ok "mark --replace replaces it, keeping the provider's code"
else not_ok "mark --replace replaces it, keeping the provider's code" "rc=$rc row=$row" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --date 2026-11-24 --session pm --upn "$U2" --code / >/dev/null 2>&1
[ "$(mark_of "$U2" "$TUE" pm)" = '\' ] && ok "/ given for a PM session is stored as \\" ||
    not_ok "/ given for a PM session is stored as \\" "$(mark_of "$U2" "$TUE" pm)"

before=$(marks)
"$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn "$U3" --code Q >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q '"Q" is not an attendance code' "$TEST_DIR/out" && [ "$(marks)" = "$before" ]; then
    ok "mark refuses a bad code, naming it, and records nothing"
else not_ok "mark refuses a bad code, naming it, and records nothing" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --date 2026-11-28 --session am --upn "$U3" --code / >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "Saturday, not a school day" "$TEST_DIR/out" && [ "$(marks)" = "$before" ]; then
    ok "mark refuses a day that is not a school day"
else not_ok "mark refuses a day that is not a school day" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --date 2026-11-24 --session am --upn F000000000013 --code / >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "F000000000013" "$TEST_DIR/out"; then ok "mark names a UPN it does not know"
else not_ok "mark names a UPN it does not know" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --date 24/11/2026 --session am --upn "$U3" --code / >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- '--date "24/11/2026"' "$TEST_DIR/out"; then ok "mark with a malformed date exits 2"
else not_ok "mark with a malformed date exits 2" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --date 2026-11-24 --upn "$U3" --code / >"$TEST_DIR/out" 2>&1; rc=$?
[ $rc -eq 2 ] && ok "mark without --session exits 2" || not_ok "mark without --session exits 2" "rc=$rc" "$(cat "$TEST_DIR/out")"

# ---- a file of marks ----
cat >"$TEST_DIR/good.csv" <<EOF
date,session,upn,code,note,source
# Tuesday's morning reports
2026-11-24,am,$U3,/,,email
2026-11-24,am,$U4,I,"ill, mum rang",phone
2026-11-24,am,$U5,/,,
EOF
cat >"$TEST_DIR/bad.csv" <<EOF
date,session,upn,code
2026-11-24,pm,$U3,/
2026-11-24,pm,$U4,Q
2026-11-24,pm,$U5,/
EOF
before=$(marks)
"$APTERM" mark --db "$db" --file "$TEST_DIR/bad.csv" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "bad.csv line 3: field 4 (code)" "$TEST_DIR/out" && grep -q "nothing was recorded" "$TEST_DIR/out" &&
   [ "$(marks)" = "$before" ]; then ok "mark --file rejects the whole file for one bad line, naming line and field"
else not_ok "mark --file rejects the whole file for one bad line, naming line and field" "rc=$rc marks $before -> $(marks)" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" mark --db "$db" --file "$TEST_DIR/good.csv" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q "Recorded 3 marks" "$TEST_DIR/out" && [ "$(marks)" = $((before + 3)) ] &&
   [ "$(mark_of "$U4" "$TUE" am)" = I ]; then ok "mark --file records every mark of a good file"
else not_ok "mark --file records every mark of a good file" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

before=$(marks)
"$APTERM" mark --db "$db" --file "$TEST_DIR/good.csv" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "good.csv line 3: .* is already recorded as .*; give --replace to replace it; nothing was recorded" "$TEST_DIR/out" &&
   [ "$(marks)" = "$before" ]; then ok "mark --file refuses marks already there unless --replace"
else not_ok "mark --file refuses marks already there unless --replace" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

# ---- export ----
"$APTERM" export marks --db "$db" --from 2026-11-23 --to 2026-11-24 --out "$TEST_DIR/marks.csv" >"$TEST_DIR/out" 2>&1; rc=$?
expected=$(q "SELECT count(*) FROM attendance_mark WHERE day BETWEEN $MON AND $TUE")
lines=$(($(wc -l <"$TEST_DIR/marks.csv") - 1))
if [ $rc -eq 0 ] && head -1 "$TEST_DIR/marks.csv" | grep -q 'date,session,upn,surname,forename,code,meaning' &&
   [ "$lines" = "$expected" ] && grep -q "Wrote $expected marks" "$TEST_DIR/out" &&
   grep -q "^2026-11-24,am,$U4,.*,I,Illness.*,\"ill, mum rang\",$me," "$TEST_DIR/marks.csv"; then
    ok "export marks writes every mark of the range as CSV"
else not_ok "export marks writes every mark of the range as CSV" "rc=$rc lines=$lines expected=$expected" "$(cat "$TEST_DIR/out")" "$(head -3 "$TEST_DIR/marks.csv")"; fi

mode=$(stat -c %a "$TEST_DIR/marks.csv")
[ "$mode" = 600 ] && ok "the export is mode 0600" || not_ok "the export is mode 0600" "mode $mode"

echo "an existing file" >"$TEST_DIR/keep.csv"
"$APTERM" export marks --db "$db" --from 2026-11-24 --to 2026-11-23 --out "$TEST_DIR/keep.csv" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q -- "--from 2026-11-24 is after --to 2026-11-23" "$TEST_DIR/out" &&
   [ "$(cat "$TEST_DIR/keep.csv")" = "an existing file" ]; then ok "export refuses a range ending before it starts, leaving the file"
else not_ok "export refuses a range ending before it starts, leaving the file" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

# A disk that fills up part way (a file size limit, with SIGXFSZ ignored so
# write() fails with EFBIG): the existing file stays as it was and no
# temporary file is left. The limit (64 blocks: 32 KB in dash, 64 KB in bash)
# leaves room for the store's 32 KB -shm file, not for six weeks of marks.
(trap '' XFSZ; ulimit -f 64; exec "$APTERM" export marks --db "$db" --from 2026-01-01 --to 2026-12-31 \
    --out "$TEST_DIR/keep.csv") >"$TEST_DIR/out" 2>&1; rc=$?
left=$(ls -A "$TEST_DIR" | grep -c '^\.keep\.csv\.')
if [ $rc -eq 1 ] && grep -q "keep.csv" "$TEST_DIR/out" && grep -q "nothing was written" "$TEST_DIR/out" &&
   [ "$(cat "$TEST_DIR/keep.csv")" = "an existing file" ] && [ "$left" = 0 ]; then
    ok "export that cannot finish writing leaves the existing file untouched"
else not_ok "export that cannot finish writing leaves the existing file untouched" "rc=$rc temporary files: $left" "$(cat "$TEST_DIR/out")"; fi

"$APTERM" export marks --db "$db" --from 2026-11-23 --to 2026-11-24 --out "$TEST_DIR/no/such/dir/m.csv" >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -q "no/such/dir/m.csv" "$TEST_DIR/out" && grep -q "No such file or directory" "$TEST_DIR/out"; then
    ok "export names a target it cannot write"
else not_ok "export names a target it cannot write" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi

# A directory the user may not write to (permissions do not bind root, so only when not root).
if [ "$(id -u)" != 0 ]; then
    mkdir "$TEST_DIR/ro" && echo "an existing file" >"$TEST_DIR/ro/m.csv" && chmod 555 "$TEST_DIR/ro"
    "$APTERM" export marks --db "$db" --from 2026-11-23 --to 2026-11-24 --out "$TEST_DIR/ro/m.csv" >"$TEST_DIR/out" 2>&1; rc=$?
    chmod 755 "$TEST_DIR/ro"
    if [ $rc -eq 1 ] && grep -q "ro/m.csv" "$TEST_DIR/out" && [ "$(cat "$TEST_DIR/ro/m.csv")" = "an existing file" ]; then
        ok "export refuses an unwritable directory, leaving the existing file untouched"
    else not_ok "export refuses an unwritable directory, leaving the existing file untouched" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi
fi

"$APTERM" export frobs --db "$db" --from 2026-11-23 --to 2026-11-24 --out x.csv >"$TEST_DIR/out" 2>&1; rc=$?
if [ $rc -eq 2 ] && grep -q 'unknown export "frobs"' "$TEST_DIR/out"; then ok "export of an unknown kind exits 2"
else not_ok "export of an unknown kind exits 2" "rc=$rc" "$(cat "$TEST_DIR/out")"; fi
