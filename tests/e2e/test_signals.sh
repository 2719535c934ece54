#!/bin/sh
# An export interrupted by a signal leaves no partial copy of personal data:
# for SIGINT, SIGTERM, SIGHUP, SIGPIPE and SIGQUIT the temporary file beside
# the target (.NAME.apterm-XXXXXX) is removed, the target is left byte for
# byte as it was, and apterm ends by that signal (exit status 128 + N). A
# SIGKILL leaves the file; the next export to that folder removes it, but
# never the file of an export still running, nor anything not apterm's.
# Then the same from the TUI when the terminal hangs up mid-export.
. tests/lib.sh
db="$TEST_DIR/big.db"
demo_store "$db" --pupils 3000 --weeks 39
out="$TEST_DIR/out"
mkdir -p "$out"
export LC_ALL=C.UTF-8

temps() { ls -A "$1" | grep "\.apterm-[A-Za-z0-9]\{6\}\$"; }
signum() { case $1 in HUP) echo 1 ;; INT) echo 2 ;; QUIT) echo 3 ;; KILL) echo 9 ;; PIPE) echo 13 ;; TERM) echo 15 ;; esac; }
# The marks CSV of the whole store (about 790,000 marks: seconds), a DMT
# report of the year, or the panel pack, to FILE.
export_cmd() { # export_cmd KIND FILE
    case $1 in
    marks) echo "export marks --from 2020-01-01 --to 2030-12-31 --out $2" ;;
    dmt) echo "export dmt --from 2025-09-01 --to 2026-07-31 --out $2" ;;
    panel) echo "export panel --out $2" ;;
    esac
}

# interrupt KIND SIG FILE: starts the export as a foreground job would run
# (INT and QUIT not ignored), waits for its temporary file, stops it there
# (so that it cannot finish meanwhile), sends SIG, lets it go on, and leaves
# its exit status in $rc. Tries again (up to 5 times) when the export
# finished before its temporary file was seen. $caught says whether it was.
interrupt() {
    kind=$1 sig=$2 file=$3
    caught=no
    tries=0
    while [ "$caught" = no ] && [ $tries -lt 5 ]; do
        tries=$((tries + 1))
        # shellcheck disable=SC2046
        env --default-signal=INT,QUIT "$APTERM" --db "$db" $(export_cmd "$kind" "$file") >"$TEST_DIR/log" 2>&1 &
        pid=$!
        while kill -0 "$pid" 2>/dev/null && [ -z "$(temps "$(dirname "$file")")" ]; do sleep 0.01; done
        kill -STOP "$pid" 2>/dev/null
        if [ -n "$(temps "$(dirname "$file")")" ]; then
            caught=yes
            kill -"$sig" "$pid"
        fi
        kill -CONT "$pid" 2>/dev/null
        wait "$pid"
        rc=$?
    done
}

echo "the earlier export, kept" >"$TEST_DIR/earlier"
for sig in INT TERM HUP PIPE QUIT KILL; do
    cp "$TEST_DIR/earlier" "$out/marks.csv"
    interrupt marks "$sig" "$out/marks.csv"
    want=$((128 + $(signum "$sig")))
    left=$(temps "$out" | wc -l)
    if [ "$caught" = no ]; then
        not_ok "SIG$sig during export marks" "the export always finished before its temporary file was seen"
        continue
    fi
    [ "$rc" = "$want" ] && ok "SIG$sig ends export marks with status $want" ||
        not_ok "SIG$sig ends export marks with status $want" "status $rc" "$(cat "$TEST_DIR/log")"
    cmp -s "$TEST_DIR/earlier" "$out/marks.csv" && ok "after SIG$sig the earlier marks.csv is byte for byte as it was" ||
        not_ok "after SIG$sig the earlier marks.csv is byte for byte as it was" "$(head -c 200 "$out/marks.csv")"
    if [ "$sig" = KILL ]; then
        [ "$left" = 1 ] && ok "SIGKILL leaves its temporary file (nothing can catch it)" ||
            not_ok "SIGKILL leaves its temporary file (nothing can catch it)" "$(ls -A "$out")"
    else
        [ "$left" = 0 ] && ok "SIG$sig leaves no temporary file" || not_ok "SIG$sig leaves no temporary file" "$(ls -A "$out")"
    fi
done

# The next export to that folder (another file) removes what the kill -9 left.
stale=$(temps "$out")
"$APTERM" --db "$db" export marks --from 2026-01-05 --to 2026-01-05 --out "$out/monday.csv" >"$TEST_DIR/log" 2>&1; rc=$?
[ $rc = 0 ] && [ -z "$(temps "$out")" ] && [ -n "$stale" ] &&
    ok "the next export to the folder removes the temporary file a kill -9 left ($stale)" ||
    not_ok "the next export to the folder removes the temporary file a kill -9 left" "rc=$rc stale=$stale" "$(ls -A "$out")"

# The workbooks too (written by libxlsxwriter through the same module).
for k in "dmt TERM" "dmt HUP" "panel INT" "dmt KILL"; do
    set -- $k
    cp "$TEST_DIR/earlier" "$out/$1.xlsx"
    interrupt "$1" "$2" "$out/$1.xlsx"
    want=$((128 + $(signum "$2")))
    left=$(temps "$out" | wc -l)
    expect_left=0
    [ "$2" = KILL ] && expect_left=1
    if [ "$caught" = yes ] && [ "$rc" = "$want" ] && [ "$left" = $expect_left ] && cmp -s "$TEST_DIR/earlier" "$out/$1.xlsx"; then
        ok "SIG$2 during export $1: status $want, $left temporary file left, the earlier file untouched"
    else
        not_ok "SIG$2 during export $1: status $want, $expect_left temporary file left, the earlier file untouched" \
            "caught=$caught rc=$rc left=$left" "$(ls -A "$out")" "$(cat "$TEST_DIR/log")"
    fi
done
"$APTERM" --db "$db" export panel --out "$out/pack.xlsx" >"$TEST_DIR/log" 2>&1; rc=$?
[ $rc = 0 ] && [ -z "$(temps "$out")" ] && ok "and the next workbook written there removes the one the kill -9 left" ||
    not_ok "and the next workbook written there removes the one the kill -9 left" "rc=$rc" "$(ls -A "$out")"

# A signal apterm was started with ignored (nohup, a background job) stays
# ignored: the export carries on and is written whole.
cp "$TEST_DIR/earlier" "$out/marks.csv"
caught=no
(trap '' HUP; exec "$APTERM" --db "$db" $(export_cmd marks "$out/marks.csv")) >"$TEST_DIR/log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null && [ -z "$(temps "$out")" ]; do sleep 0.01; done
kill -STOP "$pid" 2>/dev/null
[ -n "$(temps "$out")" ] && caught=yes && kill -HUP "$pid"
kill -CONT "$pid" 2>/dev/null
wait "$pid"; rc=$?
lines=$(wc -l <"$out/marks.csv")
if [ "$caught" = yes ] && [ $rc = 0 ] && [ "$lines" -gt 700000 ] && [ -z "$(temps "$out")" ]; then
    ok "under nohup a SIGHUP does not stop the export ($lines lines written)"
else not_ok "under nohup a SIGHUP does not stop the export" "caught=$caught rc=$rc lines=$lines" "$(cat "$TEST_DIR/log")"; fi

# ---- The sweep removes only what is stale and apterm's --------------------
# An export still running (stopped here, its file locked) keeps its file
# while another export to the same folder runs, and then finishes.
rm -f "$out/marks.csv"
env --default-signal=INT,QUIT "$APTERM" --db "$db" $(export_cmd marks "$out/marks.csv") >"$TEST_DIR/log1" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null && [ -z "$(temps "$out")" ]; do sleep 0.01; done
kill -STOP "$pid"
running=$(temps "$out")
"$APTERM" --db "$db" export marks --from 2026-01-06 --to 2026-01-06 --out "$out/tuesday.csv" >"$TEST_DIR/log" 2>&1; rc2=$?
still=$(temps "$out")
kill -CONT "$pid"
wait "$pid"; rc=$?
if [ -n "$running" ] && [ "$still" = "$running" ] && [ $rc2 = 0 ]; then
    ok "another export to the folder leaves the temporary file of an export still running"
else not_ok "another export to the folder leaves the temporary file of an export still running" \
    "running=$running after=$still rc=$rc2" "$(cat "$TEST_DIR/log")"; fi
lines=$(wc -l <"$out/marks.csv" 2>/dev/null)
if [ $rc = 0 ] && [ "${lines:-0}" -gt 700000 ] && [ -z "$(temps "$out")" ]; then
    ok "and that export then finishes whole ($lines lines)"
else not_ok "and that export then finishes whole" "rc=$rc lines=$lines" "$(cat "$TEST_DIR/log1")"; fi

# What is not a stale temporary file of this user's apterm is left alone;
# the one that is goes.
side="$TEST_DIR/side"
mkdir -p "$side"
echo data >"$side/.report.xlsx.apterm-Ab12Cd"          # stale, apterm's: removed
echo data >"$side/.report.xlsx.Ab12Cd"                 # another tool's (rsync names its files so)
echo data >"$side/.report.xlsx.apterm-Ab12C"           # five characters, not six
echo data >"$side/.report.xlsx.apterm-Ab12C_"          # not a letter or digit
echo data >"$side/.report.xlsx.apterm-Ab12Cde"         # seven characters
echo data >"$side/report.xlsx.apterm-Ab12Cd"           # not hidden
echo data >"$side/..apterm-Ab12Cd"                     # no target name
mkdir "$side/.dir.apterm-Ab12Cd"                       # a directory
ln -s "$TEST_DIR/earlier" "$side/.link.apterm-Ab12Cd"  # a symbolic link
others=""
if [ "$(id -u)" = 0 ]; then
    echo data >"$side/.theirs.csv.apterm-Zz98Yy"       # another login's
    chown 65534 "$side/.theirs.csv.apterm-Zz98Yy"
    others=" .theirs.csv.apterm-Zz98Yy"
fi
before=$(ls -A "$side" | grep -v '^\.report\.xlsx\.apterm-Ab12Cd$' | sort | tr '\n' ' ')
"$APTERM" --db "$db" export marks --from 2026-01-05 --to 2026-01-05 --out "$side/m.csv" >"$TEST_DIR/log" 2>&1; rc=$?
after=$(ls -A "$side" | grep -v '^m\.csv$' | sort | tr '\n' ' ')
[ $rc = 0 ] && [ ! -e "$side/.report.xlsx.apterm-Ab12Cd" ] && ok "a stale .report.xlsx.apterm-Ab12Cd of this user is removed" ||
    not_ok "a stale .report.xlsx.apterm-Ab12Cd of this user is removed" "rc=$rc" "$(ls -A "$side")"
[ "$before" = "$after" ] && ok "names that are not apterm's, a directory, a link$others are left alone" ||
    not_ok "names that are not apterm's, a directory, a link$others are left alone" "before: $before" "after:  $after"
[ "$(cat "$TEST_DIR/earlier")" = "the earlier export, kept" ] && ok "the file the link points to is untouched" ||
    not_ok "the file the link points to is untouched"

# ---- The TUI: the terminal hangs up in the middle of an export -------------
HOME_DIR="$TEST_DIR/home"
mkdir -p "$HOME_DIR"
cp "$TEST_DIR/earlier" "$HOME_DIR/dmt.xlsx"
start tui 100x30 "HOME=$HOME_DIR $APTERM --db $db"
wait_for tui "1 Roll" 20
tui_pid=$(pgrep -n -f "^$APTERM --db $db")
keys tui 7
wait_for tui "panel cases" 20
keys tui X
wait_for tui "From" 10
keys tui C-u
keys tui -l "$HOME_DIR/dmt.xlsx"
caught=no
keys tui Enter Enter Enter
i=0
while [ $i -lt 3000 ] && [ -z "$(temps "$HOME_DIR")" ] && kill -0 "$tui_pid" 2>/dev/null; do sleep 0.01; i=$((i + 1)); done
kill -STOP "$tui_pid"
if [ -n "$(temps "$HOME_DIR")" ]; then
    caught=yes
    kill -HUP "$tui_pid"
fi
kill -CONT "$tui_pid"
gone=no
i=0
while [ $i -lt 100 ]; do
    if ! kill -0 "$tui_pid" 2>/dev/null; then gone=yes; break; fi
    sleep 0.1
    i=$((i + 1))
done
if [ "$caught" = no ]; then
    not_ok "SIGHUP in the TUI mid-export" "the export finished before its temporary file was seen" "$(screen tui)"
else
    [ $gone = yes ] && ok "SIGHUP in the middle of the TUI's DMT export ends apterm" ||
        not_ok "SIGHUP in the middle of the TUI's DMT export ends apterm" "$(screen tui)"
    [ -z "$(temps "$HOME_DIR")" ] && cmp -s "$TEST_DIR/earlier" "$HOME_DIR/dmt.xlsx" &&
        ok "and leaves no temporary file, the earlier file untouched" ||
        not_ok "and leaves no temporary file, the earlier file untouched" "$(ls -A "$HOME_DIR")"
    expect_alt_off "and gives the terminal back" tui
fi
[ $gone = yes ] || kill -9 "$tui_pid" 2>/dev/null
exit 0
