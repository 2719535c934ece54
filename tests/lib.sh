# Shared by the end-to-end scripts: sourced, not run.
# Each test reports one line, "ok - NAME" or "not ok - NAME" (tests/run.sh counts them).
# $APTERM is the binary under test; every script works in its own temporary directory.

set -u
: "${APTERM:=$(pwd)/apterm}"
case $APTERM in /*) ;; *) APTERM=$(pwd)/$APTERM ;; esac  # scripts run from other folders
: "${PYTHON:=/usr/bin/python3}"
TEST_DIR=$(mktemp -d /tmp/apterm-e2e-XXXXXX)
TMUX_SOCKET="$TEST_DIR/tmux.sock"
export APTERM_CONFIG="$TEST_DIR/apterm.ini"   # never pick up a developer's own config
# Every apterm closes today's registers once close_am / close_pm has passed
# (src/register.h), so a script's apterm runs at 08:00 unless the script says
# otherwise: no test depends on the time of day it is run.
: "${APTERM_NOW:=08:00}"
export APTERM_NOW
: > "$APTERM_CONFIG"
cleanup() {
    tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null
    rm -rf "$TEST_DIR"
}
trap cleanup EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for line in "$@"; do echo "#   $line"; done; }

# expect_equal NAME GOT WANT: one test line, ok when GOT is WANT; otherwise
# not ok with both.
expect_equal() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

# check NAME COMMAND...: runs the command; ok when it exits 0.
check() {
    name=$1
    shift
    if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}

# A demo store made once per script.
demo_store() { # demo_store PATH [ARGS...]
    path=$1
    shift
    [ -f "$path" ] || "$APTERM" demo --db "$path" "$@" >/dev/null
}

# demo_script TODAY [ARGS...]: the start of a script that works on one demo
# store: here = the checkout, the current folder $TEST_DIR, APTERM_TODAY =
# TODAY (exported; "" leaves it as it is), and the store $db (default
# $TEST_DIR/demo.db) made by demo_store with ARGS.
demo_script() {
    here=$(pwd)
    cd "$TEST_DIR" || exit 1
    if [ -n "$1" ]; then APTERM_TODAY=$1; export APTERM_TODAY; fi
    shift
    : "${db:=$TEST_DIR/demo.db}"
    demo_store "$db" "$@"
}

# pane_script TODAY NAME [ARGS...]: the start of a script on the panes: text
# in UTF-8 (LC_ALL), TODAY and APTERM_TODAY (exported) = TODAY, and the store
# db = $TEST_DIR/NAME.db made by demo_store with ARGS.
pane_script() {
    LC_ALL=C.UTF-8
    TODAY=$1 APTERM_TODAY=$1
    export LC_ALL APTERM_TODAY
    db="$TEST_DIR/$2.db"
    shift 2
    demo_store "$db" "$@"
}

# search_for SESSION TEXT: / opens the search box, TEXT is typed, Enter.
search_for() {
    keys "$1" /
    wait_for "$1" "Search:" 5
    keys "$1" -l "$2"
    keys "$1" Enter
}

# open_panel_cases SESSION UPN: in the Panel pane, the filter set to the
# open cases (f, status Open), then the search for UPN.
open_panel_cases() {
    keys "$1" f
    wait_for "$1" "Filter the panel cases" 5
    keys "$1" Down Right Enter
    wait_for "$1" "cases shown: F clears the filter" 5
    search_for "$1" "$2"
}

# expect_saved NAME TABLE ID COLUMN VALUE VERSION: the row ID of TABLE in
# $db has COLUMN = VALUE, version VERSION + 1 and updated_by $me: an edit
# saved by this login.
expect_saved() {
    expect_equal "$1" "$(q "select $4 || '|' || version || '|' || updated_by from $2 where id = $3")" "$5|$(($6 + 1))|$me"
}

# q SQL: what SQL answers on the script's store $db.
q() { sqlite3 "$db" "$1"; }

# write_as LOGIN STATEMENTS: writes to $db as another program would, through
# Python's sqlite3 with apterm's two SQL functions defined (the store refuses
# writes without them): audited as LOGIN, so the change feed sees it; with
# LOGIN "" not audited (for a store the test starts afresh afterwards).
write_as() {
    "$PYTHON" - "$db" "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.create_function("apterm_audit_enabled", 0, lambda: 1 if sys.argv[2] else 0)
con.create_function("apterm_login", 0, lambda: sys.argv[2] or "test")
con.executescript(sys.argv[3])
con.commit()
EOF
}

# expected_sql DATE WEEKDAY SESSION: the query of the pupils expected at the
# session of DATE (WEEKDAY 0 = Monday), as db/marks.c expected_on finds them.
expected_sql() {
    printf '%s' "SELECT l.pupil_id FROM placement l JOIN placement_session t ON t.placement_id = l.id
     WHERE l.status != 'proposed' AND l.start_date <= '$1'
       AND (l.end_date IS NULL OR l.end_date >= '$1') AND t.weekday = $2 AND t.session = '$3'
     GROUP BY l.pupil_id"
}

# apterm_pid: apterm's own process on $db (not the shell tmux runs it under).
apterm_pid() { pgrep -n -f "^$APTERM --db $db"; }

# apterm_for_other_logins: prints the path of a copy of $APTERM that another
# login can run. A new user's checkout may sit where no other login can reach
# it (a clone in /root is 0700), so a test that runs apterm as another login
# runs this copy, made once in the test folder (0755), never the checkout's.
apterm_for_other_logins() {
    if [ ! -x "$TEST_DIR/bin/apterm" ]; then
        mkdir -p "$TEST_DIR/bin" && cp "$APTERM" "$TEST_DIR/bin/apterm" || return 1
    fi
    chmod 755 "$TEST_DIR" "$TEST_DIR/bin" "$TEST_DIR/bin/apterm" || return 1
    printf '%s\n' "$TEST_DIR/bin/apterm"
}

# officer_login PREFIX DB: sets officer (a login), as_officer (what runs a
# command as it) and officer_apterm (its apterm). Where the test may make one
# (root, useradd, runuser), a new OS login PREFIX$$ that is an officer in the
# store DB, with the test folder, DB's folder and files and the config opened
# to it, removed at exit; otherwise this login.
officer_login() {
    officer=$(id -un)
    as_officer=""
    officer_apterm=$APTERM
    if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 &&
       useradd -M -s /bin/sh "$1$$" 2>/dev/null; then
        officer=$1$$
        trap 'cleanup; userdel -f "$officer" 2>/dev/null' EXIT
        "$APTERM" user add "$officer" officer --db "$2" >/dev/null
        chmod 755 "$TEST_DIR"
        chmod 777 "$(dirname "$2")"
        chmod 666 "$2"*
        chmod 644 "$APTERM_CONFIG"
        as_officer="runuser -u $officer --"
        officer_apterm=$(apterm_for_other_logins)
    fi
}

# ---- tmux: the real binary in a real terminal ----
tm() { tmux -S "$TMUX_SOCKET" "$@"; }

# start SESSION COLSxROWS COMMAND: a detached terminal running COMMAND, then a
# shell prompt line "EXIT=<code>" when it ends (so the test sees how it ended).
start() {
    session=$1 size=$2
    shift 2
    cols=${size%x*} rows=${size#*x}
    tm new-session -d -s "$session" -x "$cols" -y "$rows" \
        "env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $*; echo EXIT=\$?; sleep 30"
}

screen() { tm capture-pane -p -t "$1"; }

keys() { session=$1; shift; tm send-keys -t "$session" "$@"; }

# screen_has SESSION GREP-OPTION TEXT: whether the screen holds TEXT, as it is
# (-F) or as an extended regular expression (-E).
screen_has() { screen "$1" | grep -q "$2" -- "$3"; }
# screen_lacks SESSION TEXT: whether the screen does not hold TEXT as it is.
screen_lacks() { ! screen_has "$1" -F "$2"; }

# wait_for SESSION TEXT [SECONDS]: true when TEXT appears on the screen in time.
wait_for() { wait_until "${3:-10}" screen_has "$1" -F "$2"; }
# wait_re SESSION REGEX [SECONDS]: wait_for with an extended regular expression.
wait_re() { wait_until "${3:-10}" screen_has "$1" -E "$2"; }
# wait_gone SESSION TEXT [SECONDS]: true when TEXT has left the screen in time.
wait_gone() { wait_until "${3:-10}" screen_lacks "$1" "$2"; }

# expect_screen NAME SESSION TEXT [SECONDS]: one test line.
expect_screen() {
    if wait_for "$2" "$3" "${4:-10}"; then ok "$1"; else not_ok "$1" "screen lacks: $3" "$(screen "$2")"; fi
}

# screen_ok STATUS NAME SESSION: one test line, ok when STATUS (the $? of the
# check just made) is 0, otherwise not ok with the screen.
screen_ok() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2" "$(screen "$3")"; fi; }

# expect_alt_off NAME SESSION: one test line, ok when the program in SESSION
# has left the alternate screen (the terminal given back).
expect_alt_off() {
    alt=$(tm display -p -t "$2" '#{alternate_on}')
    [ "$alt" = 0 ] && ok "$1" || not_ok "$1" "alternate_on=$alt"
}

# ---- Helpers of the pane tests (roll, providers, two sessions) ----

# expect_text NAME SESSION TEXT [SECONDS]: TEXT on the screen, read as one
# line (a long message wraps over several lines of the pane).
flat() { screen "$1" | tr '\n' ' ' | tr -s ' '; }
expect_text() {
    i=0
    while [ "$i" -lt $((${4:-10} * 10)) ]; do
        if flat "$2" | grep -qF -- "$3"; then ok "$1"; return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    not_ok "$1" "screen lacks: $3" "$(screen "$2")"
}

# upn_check TWELVE: the check letter for a UPN's last 12 characters (src/upn.h):
# characters 2-13 weighted 2..13, the sum mod 23 as a letter of the table.
upn_check() {
    printf '%s\n' "$1" | awk '{
        t = "ABCDEFGHJKLMNPQRTUVWXYZ"; s = 0
        for (i = 1; i <= 12; i++) {
            c = substr($0, i, 1)
            v = index("0123456789", c) ? c + 0 : index(t, c) - 1
            s += v * (i + 1)
        }
        print substr(t, s % 23 + 1, 1)
    }'
}

# upn TWELVE: the whole UPN, its check letter and then TWELVE.
upn() { echo "$(upn_check "$1")$1"; }

# wait_until SECONDS COMMAND...: true when COMMAND succeeds within SECONDS.
wait_until() {
    limit=$1
    shift
    i=0
    while [ "$i" -lt $((limit * 10)) ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# screen_line SESSION N: line N of the screen (1 is the top line).
screen_line() { screen "$1" | sed -n "${2}p"; }

# settled_screen SESSION: the screen once two captures 0.2 s apart agree (at most ~3 s).
settled_screen() {
    prev=$(screen "$1")
    i=0
    while [ "$i" -lt 15 ]; do
        sleep 0.2
        cur=$(screen "$1")
        [ "$cur" = "$prev" ] && break
        prev=$cur
        i=$((i + 1))
    done
    printf '%s\n' "$cur"
}

# redraw_diff SESSION: nothing when the screen as drawn is the screen a full
# repaint (Ctrl-L) draws, bar the status line (the key clears its message);
# otherwise the two screens, for the report. Leftovers of an earlier screen
# that the program does not know are there show up as a difference.
redraw_diff() {
    before=$(settled_screen "$1" | sed '$d')
    keys "$1" C-l
    after=$(settled_screen "$1" | sed '$d')
    if [ "$before" != "$after" ]; then
        echo "as drawn:"
        printf '%s\n' "$before"
        echo "after Ctrl-L:"
        printf '%s\n' "$after"
    fi
}

# widest_line SESSION: the display width of the screen's widest line.
widest_line() { screen "$1" | LC_ALL=C.UTF-8 wc -L; }

# wait_exit PID [TENTHS]: true when the process has ended within TENTHS
# tenths of a second (30 unless given).
wait_exit() {
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt "${2:-30}" ]; do sleep 0.1; i=$((i + 1)); done
    ! kill -0 "$1" 2>/dev/null
}

# pupil_without_psp DB: sets upn and name (as the screens show it: preferred
# or legal forename, surname) of the first pupil on roll with no open PSP;
# both "" when there is none.
pupil_without_psp() {
    row=$(sqlite3 "$1" "SELECT upn || '|' || CASE WHEN preferred_name != '' THEN preferred_name ELSE legal_forename END
         || ' ' || legal_surname FROM pupil
         WHERE id NOT IN (SELECT pupil_id FROM psp WHERE status != 'ceased')
           AND (end_date IS NULL OR end_date >= date('now')) ORDER BY id LIMIT 1")
    upn=${row%%|*}
    name=${row#*|}
}
