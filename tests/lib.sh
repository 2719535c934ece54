# Shared by the end-to-end scripts: sourced, not run.
# Each test reports one line, "ok - NAME" or "not ok - NAME" (tests/run.sh counts them).
# $APTERM is the binary under test; every script works in its own temporary directory.

set -u
: "${APTERM:=$(pwd)/apterm}"
: "${PYTHON:=/usr/bin/python3}"
TEST_DIR=$(mktemp -d /tmp/apterm-e2e-XXXXXX)
TMUX_SOCKET="$TEST_DIR/tmux.sock"
export APTERM_CONFIG="$TEST_DIR/apterm.ini"   # never pick up a developer's own config
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
