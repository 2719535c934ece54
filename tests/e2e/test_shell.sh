#!/bin/sh
# The full-screen program in a real terminal (tmux): it opens on a demo store,
# switches panes by number, quits with q and gives the terminal back.
. tests/lib.sh
db="$TEST_DIR/demo.db"
demo_store "$db" --pupils 40 --weeks 4

start main 100x30 "$APTERM" --db "$db"
expect_screen "the screen opens with the tab bar" main "1 Roll"
expect_screen "the status line shows the login and role" main "$(id -un) (admin)"
keys main 2
expect_screen "2 opens the Providers pane" main "providers │"
keys main q
expect_screen "q quits cleanly" main "EXIT=0"
expect_alt_off "quitting leaves the alternate screen" main

# A long store path gives way to the flag counts on the status line at 80
# columns (make bench's 50,000-pupil store, in a long temporary folder, had
# them cut off); with a short path both show.
long="$TEST_DIR/a-rather-long-folder-name-for-the-authority-stores/apterm-store-2026.db"
mkdir -p "${long%/*}" && cp "$db" "$long"
start longpath 80x24 "$APTERM" --db "$long"
if wait_re longpath '![0-9]+ red ~[0-9]+ amber' 20 && ! screen longpath | grep -q 'a-rather-long-folder'; then
    ok "a long store path gives way to the flag counts at 80 columns"
else not_ok "a long store path gives way to the flag counts at 80 columns" "$(screen longpath)"; fi
keys longpath q
start shortpath 80x24 sh -c "cd \"$TEST_DIR\" && exec \"$APTERM\" --db demo.db"
if wait_re shortpath '![0-9]+ red ~[0-9]+ amber' 20 && screen shortpath | grep -q 'demo.db │'; then
    ok "a short store path and the flag counts both show at 80 columns"
else not_ok "a short store path and the flag counts both show at 80 columns" "$(screen shortpath)"; fi
keys shortpath q

# roll_up SESSION [COMMAND...]: apterm on the store (or COMMAND) in a new
# 100x30 terminal, once the roll shows; pid is apterm's process.
roll_up() {
    session_=$1
    shift
    [ $# -gt 0 ] || set -- "$APTERM" --db "$db"
    start "$session_" 100x30 "$@"
    wait_for "$session_" "1 Roll" 10
    pid=$(pgrep -n -f "apterm --db $db")
}

# A hang-up (the SSH connection dropping) ends apterm promptly, also when it
# was started with SIGHUP ignored.
roll_up hup
kill -HUP "$pid"
expect_screen "SIGHUP ends apterm" hup "EXIT=" 3

roll_up term
kill -TERM "$pid"
expect_screen "SIGTERM ends apterm and restores the terminal" term "EXIT=" 3
expect_alt_off "after SIGTERM the alternate screen is off" term

# Closing the terminal under it (the pane's pty goes away) must not leave it spinning.
printf '#!/bin/sh\ntrap "" HUP\nexec "%s" --db "%s"\n' "$APTERM" "$db" > "$TEST_DIR/nohup.sh"
roll_up gone sh "$TEST_DIR/nohup.sh"
tm kill-session -t gone
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2>/dev/null; then not_ok "apterm exits within 2 s when its terminal goes, even under nohup"; kill -9 "$pid"
else ok "apterm exits within 2 s when its terminal goes, even under nohup"; fi

# Ctrl-C quits like q and gives the terminal back.
roll_up ctrlc
keys ctrlc C-c
expect_screen "Ctrl-C quits" ctrlc "EXIT=0" 3
expect_alt_off "after Ctrl-C the alternate screen is off" ctrlc

# A crash still gives the terminal back: the screen is restored before the
# process dies of the signal.
roll_up crash
kill -SEGV "$pid"
if wait_for crash "EXIT=139" 3; then ok "a crash (SIGSEGV) ends apterm"; else not_ok "a crash (SIGSEGV) ends apterm" "$(screen crash | tail -3)"; fi
alt=$(tm display -p -t crash '#{alternate_on}')
cur=$(tm display -p -t crash '#{cursor_flag}')
[ "$alt" = 0 ] && [ "$cur" = 1 ] && ok "after a crash the alternate screen is off and the cursor shows" ||
    not_ok "after a crash the alternate screen is off and the cursor shows" "alternate_on=$alt cursor_flag=$cur"

# Without colour (NO_COLOR) flags still read by their markers: the golden
# screens run with NO_COLOR (tests/golden/expected/*/roll.txt).

# A store others can read is named on the status line as the screen opens.
chmod 0644 "$db"
start open 120x30 "$APTERM" --db "$db"
expect_screen "a store readable by others is pointed out on opening" open "can be read by other users of this host" 10
keys open q
chmod 0600 "$db"
