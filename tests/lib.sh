# Shared by the end-to-end scripts: sourced, not run.
# Each test reports one line, "ok - NAME" or "not ok - NAME" (tests/run.sh counts them).
# $APTERM is the binary under test; every script works in its own temporary directory.

set -u
: "${APTERM:=$(pwd)/apterm}"
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

# wait_for SESSION TEXT [SECONDS]: true when TEXT appears on the screen in time.
wait_for() {
    session=$1 text=$2 limit=${3:-10}
    i=0
    while [ "$i" -lt $((limit * 10)) ]; do
        if screen "$session" | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# expect_screen NAME SESSION TEXT [SECONDS]: one test line.
expect_screen() {
    if wait_for "$2" "$3" "${4:-10}"; then ok "$1"; else not_ok "$1" "screen lacks: $3" "$(screen "$2")"; fi
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

# wait_gone SESSION TEXT [SECONDS]: true when TEXT has left the screen in time.
wait_gone() {
    session=$1 text=$2 limit=${3:-10}
    i=0
    while [ "$i" -lt $((limit * 10)) ]; do
        if ! screen "$session" | grep -qF -- "$text"; then return 0; fi
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
