#!/bin/sh
# SIGQUIT (Ctrl-\ in a cooked terminal, or kill -QUIT) ends the full-screen
# program as SIGHUP and SIGTERM do: the terminal is given back (alternate
# screen off, cursor shown, cooked mode) and a PSP being typed is kept as a
# draft. And apterm never writes a core dump (it would hold personal data):
# its core file size limit is 0 whatever it was started with, and a crash
# leaves no core file.
. tests/lib.sh
db="$TEST_DIR/demo.db"
demo_store "$db" --pupils 40 --weeks 4

# A pupil on roll with no open PSP and a plain name.
pupil_without_psp "$db"
pupil=$(q "SELECT id FROM pupil WHERE upn = '$upn'")

# The pane runs stty -a once apterm has gone, to show the terminal's mode.
tm new-session -d -s quit -x 100 -y 40 \
    "env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $APTERM --db $db; echo EXIT=\$?; stty -a; sleep 30"
wait_for quit "1 Roll" 10
keys quit 5
wait_for quit "open PSPs" 5
keys quit a
wait_for quit "New PSP for:" 5
keys quit -l "$upn"
wait_for quit "1 pupil on roll" 5
keys quit Enter
expect_screen "a new PSP opens in the editor" quit "PSP of $name"
keys quit Tab Tab Tab Tab        # to Reason for PSP
typed="Leaves lessons most mornings since the move to a new class"
keys quit -l "$typed"
wait_for quit "move to a new class" 5
alt=$(tm display -p -t quit '#{alternate_on}')
pid=$(apterm_pid)
kill -QUIT "$pid"
if wait_exit "$pid" 50; then ok "SIGQUIT ends apterm in the middle of the form"
else not_ok "SIGQUIT ends apterm in the middle of the form"; kill -9 "$pid"; fi
wait_for quit "EXIT=" 5
alt2=$(tm display -p -t quit '#{alternate_on}')
[ "$alt" = 1 ] && [ "$alt2" = 0 ] && ok "after SIGQUIT the alternate screen is off" ||
    not_ok "after SIGQUIT the alternate screen is off" "alternate_on before: $alt, after: $alt2"
modes=$(screen quit | tr -s ' \n' '\n\n')
if printf '%s\n' "$modes" | grep -qx icanon && printf '%s\n' "$modes" | grep -qx echo; then
    ok "after SIGQUIT the terminal is cooked again (stty: icanon echo)"
else not_ok "after SIGQUIT the terminal is cooked again (stty: icanon echo)" "$(screen quit | tail -8 | sed 's/^/  /')"; fi
psp=$(q "SELECT id FROM psp WHERE pupil_id = $pupil AND status != 'ceased'")
n=$(q "SELECT text FROM psp_draft WHERE psp_id = '$psp' AND field = 'form.reason'")
[ "$n" = "$typed" ] && ok "what was typed is kept in psp_draft" || not_ok "what was typed is kept in psp_draft" "psp $psp: $n"
tm kill-session -t quit

# On the Roll the cursor is hidden (in the form it shows anyway); SIGQUIT
# shows it again.
start roll 100x30 "$APTERM" --db "$db"
wait_for roll "1 Roll" 10
sleep 0.5
cur=$(tm display -p -t roll '#{cursor_flag}')
pid=$(apterm_pid)
kill -QUIT "$pid"
wait_for roll "EXIT=" 5
cur2=$(tm display -p -t roll '#{cursor_flag}')
[ "$cur" = 0 ] && [ "$cur2" = 1 ] && ok "SIGQUIT on the Roll (cursor hidden) shows the cursor again" ||
    not_ok "SIGQUIT on the Roll (cursor hidden) shows the cursor again" "cursor_flag before: $cur, after: $cur2"

# ---- No core dumps --------------------------------------------------------
# Started with core dumps allowed (ulimit -c unlimited) in a folder of its
# own: inside apterm the limit is 0.
cdir="$TEST_DIR/cores"
mkdir -p "$cdir"
start core 100x30 "sh -c 'cd $cdir && ulimit -c unlimited && exec $APTERM --db $db'"
wait_for core "1 Roll" 10
pid=$(apterm_pid)
limit=$(grep '^Max core file size' "/proc/$pid/limits")
case $limit in
*"size"*" 0 "*" 0 "*) ok "inside apterm the core file size limit is 0 (ulimit -c 0), though it was started unlimited" ;;
*) not_ok "inside apterm the core file size limit is 0 (ulimit -c 0), though it was started unlimited" "$limit" ;;
esac
# A crash: SIGSEGV. Where a process like it does leave a core in its folder
# here (the kernel's core_pattern writes one to the working folder), apterm
# must not.
kill -SEGV "$pid"
wait_for core "EXIT=139" 5
apterm_cores=$(ls "$cdir" | grep -c '^core')
sdir="$TEST_DIR/sleep-cores"
mkdir -p "$sdir"
(cd "$sdir" && ulimit -c unlimited && exec sleep 30) &
spid=$!
sleep 0.2
kill -SEGV "$spid"
wait "$spid"
if [ "$(ls "$sdir" | grep -c '^core')" -gt 0 ]; then
    [ "$apterm_cores" = 0 ] && ok "a crash of apterm writes no core file (where sleep, crashed alike, wrote one)" ||
        not_ok "a crash of apterm writes no core file (where sleep, crashed alike, wrote one)" "$(ls -la "$cdir")"
else
    echo "# skip: this host writes no core file to the working folder (core_pattern $(cat /proc/sys/kernel/core_pattern)), so the crash check cannot tell"
fi

# Not dumpable: another process of the same login cannot read apterm's memory
# or environment through /proc, as it can a dumpable process's (sleep's).
# Run as the login nobody from a copy of the binary that login can reach.
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    pdir="$TEST_DIR/nobody"
    mkdir -p "$pdir"
    cp "$APTERM" "$pdir/apterm"
    chmod 711 "$TEST_DIR"
    chmod 777 "$pdir"
    got=$(runuser -u nobody -- sh -c '
        cd "$1" || exit 1
        ./apterm demo --db ./d.db --pupils 3000 --weeks 39 >/dev/null 2>&1 &
        p=$!
        sleep 30 &
        s=$!
        # apterm turns dumping off, then sets the core limit: wait for the limit.
        i=0
        while [ $i -lt 100 ] && ! grep -q "^Max core file size *0 *0 " /proc/$p/limits 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
        cat /proc/$p/environ >/dev/null 2>&1 && echo "apterm readable" || echo "apterm unreadable"
        cat /proc/$s/environ >/dev/null 2>&1 && echo "sleep readable" || echo "sleep unreadable"
        kill $p $s
        wait' sh "$pdir" 2>&1 | tr '\n' ' ')
    chmod 700 "$TEST_DIR"
    [ "$got" = "apterm unreadable sleep readable " ] &&
        ok "apterm is not dumpable: the same login cannot read its /proc/PID/environ (it can sleep's)" ||
        not_ok "apterm is not dumpable: the same login cannot read its /proc/PID/environ (it can sleep's)" "$got"
else
    echo "# skip: not root, or no runuser or login nobody: the dumpable check needs a second process of another login"
fi
exit 0
