#!/bin/sh
# Golden screens, as tig's tests do it: the real program runs headless
# (APTERM_SCRIPT, ui/script.h) on a virtual terminal of a fixed size, takes
# its keys from a script in tests/golden/scripts/, and writes the screen as
# text at each ":dump NAME"; each dump is compared with the checked-in
# tests/golden/expected/COLSxROWS/NAME, one test line per screen. Every
# script runs at 80x24 and at 60x16 (the smallest apterm draws), on its own
# copy of one demo store, on Friday 20 November 2026 at 09:05 (APTERM_TODAY,
# APTERM_NOW, and a shim that stops the wall clock there, so that stamps
# such as "last changed" are the same on every run), as the login "officer"
# (the same shim, so the status line is the same whoever runs the tests).
#
#   UPDATE=1 sh tests/golden/test_golden.sh   rewrites the expected screens
#   (then review them with git diff);
#   GOLDEN=roll sh tests/golden/test_golden.sh   runs one script.
# A line "# env: VAR=VALUE ..." in a script sets variables for its runs; a
# line "# sql: STATEMENT" is run on its copy of the store before apterm starts.
# No tmux and no terminal: the full-screen program's behaviour with a real
# pty (signals, two sessions, resize) stays in tests/e2e.
. tests/lib.sh
here=$(pwd)
golden="$here/tests/golden"
export LC_ALL=C.UTF-8 TZ=UTC APTERM_TODAY=2026-11-20 APTERM_NOW=09:05 NO_COLOR=1
unset APTERM_SCRIPT APTERM_SCREEN

# Every process here is the login "officer" (so also the demo store's admin)
# at 09:05:00 UTC on Friday 20 November 2026, with the wall clock stopped
# there (SQLite's 'now' included): a shim for getpwuid and the clock.
cat > "$TEST_DIR/fixed.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#define FIXED 1795165500L /* 2026-11-20 09:05:00 UTC */
struct passwd *getpwuid(uid_t uid)
{
    static struct passwd copy;
    struct passwd *(*real)(uid_t) = (struct passwd *(*)(uid_t))dlsym(RTLD_NEXT, "getpwuid");
    struct passwd *pw = real ? real(uid) : NULL;
    if (!pw)
        return NULL;
    copy = *pw;
    copy.pw_name = "officer";
    return &copy;
}
time_t time(time_t *t)
{
    if (t)
        *t = FIXED;
    return FIXED;
}
int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    tv->tv_sec = FIXED;
    tv->tv_usec = 0;
    return 0;
}
int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_REALTIME) {
        int (*real)(clockid_t, struct timespec *) =
            (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
        return real ? real(id, ts) : -1;
    }
    ts->tv_sec = FIXED;
    ts->tv_nsec = 0;
    return 0;
}
C
if ! cc -shared -fPIC -o "$TEST_DIR/fixed.so" "$TEST_DIR/fixed.c" -ldl 2>"$TEST_DIR/cc.err"; then
    not_ok "golden: build the login and clock shim" "$(cat "$TEST_DIR/cc.err")"
    exit 1
fi
# Under SANITIZE=1 the ASan runtime must come first.
asan=$(ldd "$APTERM" 2>/dev/null | awk '/libasan/ {print $3}')
preload="${asan:+$asan:}$TEST_DIR/fixed.so"

base="$TEST_DIR/base.db"
if ! LD_PRELOAD="$preload" "$APTERM" demo --db "$base" --pupils 40 --weeks 4 --seed 11 >/dev/null 2>"$TEST_DIR/demo.err"; then
    not_ok "golden: make the demo store" "$(cat "$TEST_DIR/demo.err")"
    exit 1
fi

for keys in "$golden"/scripts/*.keys; do
    name=$(basename "$keys" .keys)
    [ -n "${GOLDEN:-}" ] && [ "$GOLDEN" != "$name" ] && continue
    for size in 80x24 60x16; do
        run="$TEST_DIR/$name-$size"
        mkdir -p "$run"
        cp "$base" "$run/demo.db"
        # A script may set variables for its run: "# env: APTERM_NOW=09:45";
        # and change its store first: "# sql: STATEMENT" (what another login
        # left behind, such as a kept draft).
        vars=$(sed -n 's/^# env: //p' "$keys")
        sed -n 's/^# sql: //p' "$keys" > "$run/setup.sql"
        if [ -s "$run/setup.sql" ] && ! sqlite3 -bail "$run/demo.db" < "$run/setup.sql" 2>"$run/sql.err"; then
            not_ok "golden $size $name: the script's # sql: lines" "$(cat "$run/sql.err")"
            continue
        fi
        # shellcheck disable=SC2086 # the script's VAR=VALUE words
        (cd "$run" && env LD_PRELOAD="$preload" APTERM_SCREEN=$size APTERM_SCRIPT="$keys" $vars \
            "$APTERM" --db demo.db >"$run/stdout" 2>"$run/stderr" </dev/null)
        rc=$?
        if [ $rc -ne 0 ] || [ -s "$run/stderr" ]; then
            not_ok "golden $size $name: apterm ran the script" "exit $rc" "$(head -5 "$run/stderr")"
            continue
        fi
        expected="$golden/expected/$size"
        for dump in $(sed -n 's/^:\(dump\|attrs\) //p' "$keys"); do
            got="$run/$dump"
            want="$expected/$dump"
            if [ ! -f "$got" ]; then
                not_ok "golden $size $name: $dump" "apterm wrote no screen $dump"
            elif [ -n "${UPDATE:-}" ]; then
                mkdir -p "$expected"
                cp "$got" "$want"
                ok "golden $size $name: $dump (written)"
            elif [ ! -f "$want" ]; then
                not_ok "golden $size $name: $dump" "no expected screen $want: make it with UPDATE=1 and review it"
            elif cmp -s "$got" "$want"; then
                ok "golden $size $name: $dump"
            else
                not_ok "golden $size $name: $dump" "$(diff -u "$want" "$got" | head -40)"
            fi
        done
    done
done

# ---- the headless mode refuses what it cannot do, naming it ----
run="$TEST_DIR/bad"
mkdir -p "$run"
cp "$base" "$run/demo.db"
printf 'j\n<Bogus>\n' > "$run/bad.keys"
out=$(cd "$run" && LD_PRELOAD="$preload" APTERM_SCRIPT="$run/bad.keys" "$APTERM" --db demo.db 2>&1 </dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "bad.keys line 2: unknown key name at \"<Bogus>\"" &&
    ok "golden: a script with an unknown key is refused, naming the file and line (exit 2)" ||
    not_ok "golden: a script with an unknown key is refused, naming the file and line" "rc=$rc" "$out"
printf ':dumpp x\n' > "$run/bad.keys"
out=$(cd "$run" && LD_PRELOAD="$preload" APTERM_SCRIPT="$run/bad.keys" "$APTERM" --db demo.db 2>&1 </dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "line 1: unknown command \":dumpp x\"" &&
    ok "golden: a script with an unknown command is refused" || not_ok "golden: a script with an unknown command is refused" "rc=$rc" "$out"
printf ':dump x.txt\n' > "$run/ok.keys"
out=$(cd "$run" && LD_PRELOAD="$preload" APTERM_SCREEN=80 APTERM_SCRIPT="$run/ok.keys" "$APTERM" --db demo.db 2>&1 </dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "APTERM_SCREEN \"80\": expected COLSxROWS" && [ ! -e "$run/x.txt" ] &&
    ok "golden: a bad APTERM_SCREEN is refused, naming it" || not_ok "golden: a bad APTERM_SCREEN is refused" "rc=$rc" "$out"
printf ':dump no/such/dir/x.txt\n' > "$run/nodir.keys"
out=$(cd "$run" && LD_PRELOAD="$preload" APTERM_SCRIPT="$run/nodir.keys" "$APTERM" --db demo.db 2>&1 </dev/null); rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q ":dump no/such/dir/x.txt" &&
    ok "golden: a screen that cannot be written fails the run (exit 1), naming it" ||
    not_ok "golden: a screen that cannot be written fails the run" "rc=$rc" "$out"
# Wide characters take two columns on screen and come out once in the dump.
printf '/\344\270\255\346\226\207\n:dump wide.txt\n' > "$run/wide.keys"
(cd "$run" && LD_PRELOAD="$preload" APTERM_SCREEN=60x16 APTERM_SCRIPT="$run/wide.keys" "$APTERM" --db demo.db </dev/null 2>&1)
line=$(grep "Search:" "$run/wide.txt" 2>/dev/null)
case "$line" in
    *"Search: 中文 "*) ok "golden: a wide character is dumped once, in its two columns" ;;
    *) not_ok "golden: a wide character is dumped once, in its two columns" "$line" ;;
esac
# Below 60x16 apterm draws no pane: it says how big a terminal it needs.
printf ':dump small.txt\n' > "$run/small.keys"
(cd "$run" && LD_PRELOAD="$preload" APTERM_SCREEN=59x16 APTERM_SCRIPT="$run/small.keys" "$APTERM" --db demo.db </dev/null 2>&1)
grep -q "apterm needs at least 60x16" "$run/small.txt" 2>/dev/null && ! grep -q "Pupil roll" "$run/small.txt" &&
    ok "golden: at 59x16 the screen says apterm needs at least 60x16" ||
    not_ok "golden: at 59x16 the screen says apterm needs at least 60x16" "$(cat "$run/small.txt" 2>&1)"
