#!/bin/sh
# apterm backup and apterm restore (issue 14): a checked, dated copy made
# with SQLite's backup API, private to its owner, the last N kept; a restore
# checks the file first, keeps the current store aside and refuses a store
# from a newer apterm or a file that is not a store. Both audited.
. tests/lib.sh
demo_script "" --pupils 30 --weeks 2

out=$("$APTERM" --db "$db" backup 2>&1); rc=$?
file=$(ls "$TEST_DIR"/backups/apterm-*.db 2>/dev/null | head -1)
if [ $rc -eq 0 ] && [ -n "$file" ] && echo "$out" | grep -q "checked (integrity ok, [0-9]* tables, [0-9]* rows, the same as the store)"; then
    ok "backup makes a dated, checked copy in backups/ beside the store"
else not_ok "backup makes a dated, checked copy beside the store" "rc=$rc" "$out"; fi
[ "$(sqlite3 "$file" 'pragma integrity_check')" = ok ] &&
    [ "$(sqlite3 "$file" 'select count(*) from pupil')" = "$(q 'select count(*) from pupil')" ] &&
    ok "the copy is a whole store" || not_ok "the copy is a whole store"
modes="$(stat -c %a "$TEST_DIR/backups") $(stat -c %a "$file")"
[ "$modes" = "700 600" ] && ok "the backup folder is 0700 and the copy 0600" || not_ok "the backup folder is 0700 and the copy 0600" "$modes"
[ "$(q "select count(*) from audit_log where action = 'backup'")" = 1 ] && ok "the backup is audited" ||
    not_ok "the backup is audited" "$(q "select * from audit_log where action = 'backup'")"

mkdir -m 755 open
out=$("$APTERM" --db "$db" backup --to open 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "open can be read by other users of this host" && [ -z "$(ls open)" ] &&
    ok "a folder other logins can read is refused" || not_ok "a folder other logins can read is refused" "rc=$rc" "$out"

printf '[backup]\nkeep = 2\n' > "$APTERM_CONFIG"
mkdir -m 700 mine; touch mine/notes.db mine/apterm-old.db
for i in 1 2 3; do "$APTERM" --db "$db" backup --to mine >/dev/null 2>&1; sleep 1; done
n=$(ls mine | grep -c '^apterm-[0-9-]*\.db$')
[ "$n" = 2 ] && [ -e mine/notes.db ] && [ -e mine/apterm-old.db ] && ok "only the last [backup] keep backups are kept, nothing else is touched" ||
    not_ok "only the last [backup] keep backups are kept" "$(ls mine)"
: > "$APTERM_CONFIG"

# ---- restore ----
before=$(q "select count(*) from pupil")
printf 'upn,legal_surname\n%s,Changed\n' "$(q "select upn from pupil order by id limit 1")" > change.csv
"$APTERM" --db "$db" import pupils change.csv >/dev/null 2>&1
[ "$(q "select count(*) from pupil where legal_surname = 'Changed'")" = 1 ] || not_ok "the store changed after the backup"
out=$("$APTERM" --db "$db" restore "$file" 2>&1); rc=$?
aside=$(ls "$TEST_DIR"/backups/apterm-before-restore-*.db 2>/dev/null | head -1)
if [ $rc -eq 0 ] && [ "$(q "select count(*) from pupil where legal_surname = 'Changed'")" = 0 ] &&
   [ "$(q "select count(*) from pupil")" = "$before" ] && [ -n "$aside" ] &&
   [ "$(sqlite3 "$aside" "select count(*) from pupil where legal_surname = 'Changed'")" = 1 ]; then
    ok "restore puts the backup back and keeps the store as it was aside"
else not_ok "restore puts the backup back and keeps the store aside" "rc=$rc" "$out"; fi
[ "$(q "select count(*) from audit_log where action = 'restore'")" = 1 ] && ok "the restore is audited in the restored store" ||
    not_ok "the restore is audited" "$(q "select * from audit_log where action in ('backup','restore')")"

cp "$file" newer.db; chmod 600 newer.db; sqlite3 newer.db 'pragma user_version = 999'
sum0=$(q "select count(*) || '/' || max(id) from audit_log")
out=$("$APTERM" --db "$db" restore newer.db 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "newer.db was made by a newer apterm" && [ "$(q "select count(*) || '/' || max(id) from audit_log")" = "$sum0" ] &&
    ok "a store from a newer apterm is refused and nothing changes" || not_ok "a store from a newer apterm is refused" "rc=$rc" "$out"
echo "not a store" > junk.db
out=$("$APTERM" --db "$db" restore junk.db 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "junk.db is not a readable SQLite file" && ok "a file that is not a store is refused in words" ||
    not_ok "a file that is not a store is refused in words" "rc=$rc" "$out"
sqlite3 other.db 'create table t (x); pragma user_version = 3'
out=$("$APTERM" --db "$db" restore other.db 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "other.db is not an apterm store" && ok "an SQLite file of another program is refused" ||
    not_ok "an SQLite file of another program is refused" "rc=$rc" "$out"
