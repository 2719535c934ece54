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
#   GOLDEN=roll sh tests/golden/test_golden.sh   runs one script (or several:
#   GOLDEN="roll views").
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

# The runs' folders, and each run's home folder (where an export writes by
# default). A screen naming a file there shows this folder's random name;
# it is written as XXXXXX in the dumps (the same length, so lines fold alike).
runs=$(mktemp -d /tmp/apterm-golden-XXXXXX) || exit 1
trap 'cleanup; rm -rf "$runs"' EXIT

base="$runs/base.db"
if ! LD_PRELOAD="$preload" "$APTERM" demo --db "$base" --pupils 40 --weeks 4 --seed 11 >/dev/null 2>"$TEST_DIR/demo.err"; then
    not_ok "golden: make the demo store" "$(cat "$TEST_DIR/demo.err")"
    exit 1
fi

# Few processes per screen (each one costs on a loaded machine): the
# expected screens' checksums once per size, one md5sum and one awk per run;
# and the runs of two scripts, both sizes, side by side.
for size in 80x24 60x16; do
    (cd "$golden/expected/$size" 2>/dev/null && md5sum -- * 2>/dev/null) > "$TEST_DIR/want-$size.sum"
done

# run_at SIZE: apterm on $keys at one size in its own folder ($vars: the
# script's variables); its exit status in the folder's file rc.
run_at() {
    # shellcheck disable=SC2086 # the script's VAR=VALUE words
    (cd "$runs/$name-$1" && env HOME="$runs/$name-$1" LD_PRELOAD="$preload" APTERM_SCREEN=$1 APTERM_SCRIPT="$keys" $vars \
        "$APTERM" --db demo.db >stdout 2>stderr </dev/null
    echo $? > rc)
}

# The scripts to run (GOLDEN="NAME ...": those).
scripts=""
for keys in "$golden"/scripts/*.keys; do
    name=$(basename "$keys" .keys)
    case " ${GOLDEN:-$name} " in *" $name "*) ;; *) continue ;; esac
    scripts="$scripts $name"
done

# First every run.
batch=0
for name in $scripts; do
    keys="$golden/scripts/$name.keys"
    # One pass over the script: the variables it sets for its runs ("# env:
    # APTERM_NOW=09:45"), what it changes in its copy of the store first
    # ("# sql: STATEMENT": what another login left behind, such as a kept
    # draft), and the screens it writes (:dump and :attrs).
    part="$runs/$name"
    : > "$part.vars"; : > "$part.sql"; : > "$part.dumps"
    awk -v p="$part" '
        /^# env: / { sub(/^# env: /, ""); print > (p ".vars"); next }
        /^# sql: / { sub(/^# sql: /, ""); print > (p ".sql"); next }
        /^:(dump|attrs) / { sub(/^:[a-z]+ /, ""); print > (p ".dumps") }
    ' "$keys"
    vars=""
    while IFS= read -r line; do vars="$vars $line"; done < "$part.vars"
    mkdir -p "$part-80x24" "$part-60x16"
    # The sample files a script may import (tests/data): in its own folder,
    # so the screens show a name, never this machine's path.
    cp "$here"/tests/data/ctf25-sample.xml "$part-80x24/" && cp "$here"/tests/data/ctf25-sample.xml "$part-60x16/" || exit 1
    (umask 077 && tee "$part-80x24/demo.db" "$part-60x16/demo.db" < "$base" > /dev/null)
    if [ -s "$part.sql" ]; then
        if ! sqlite3 -bail "$part-80x24/demo.db" < "$part.sql" 2>"$part.sql.err" ||
            ! sqlite3 -bail "$part-60x16/demo.db" < "$part.sql" 2>"$part.sql.err"; then
            continue
        fi
    fi
    run_at 80x24 &
    run_at 60x16 &
    batch=$((batch + 1))
    [ $((batch % 2)) -eq 0 ] && wait
done
wait
grep -rlI 'apterm-golden-' "$runs" 2>/dev/null | xargs -r sed -i ':a; s/\(apterm-golden-X*\)[A-WYZa-z0-9]/\1X/; ta'

# Then every screen, script by script.
for name in $scripts; do
    part="$runs/$name"
    if [ -s "$part.sql.err" ]; then
        not_ok "golden $name: the script's # sql: lines" "$(cat "$part.sql.err")"
        continue
    fi
    dumps=""
    while IFS= read -r line; do dumps="$dumps $line"; done < "$part.dumps"
    for size in 80x24 60x16; do
        run="$part-$size"
        rc=1
        [ -f "$run/rc" ] && read -r rc < "$run/rc"
        if [ "$rc" -ne 0 ] || [ -s "$run/stderr" ]; then
            not_ok "golden $size $name: apterm ran the script" "exit $rc" "$(head -5 "$run/stderr")"
            continue
        fi
        expected="$golden/expected/$size"
        if [ -n "${UPDATE:-}" ]; then
            mkdir -p "$expected"
            for dump in $dumps; do
                if [ -f "$run/$dump" ]; then
                    cp "$run/$dump" "$expected/$dump"
                    ok "golden $size $name: $dump (written)"
                else
                    not_ok "golden $size $name: $dump" "apterm wrote no screen $dump"
                fi
            done
            continue
        fi
        # shellcheck disable=SC2086 # the screens' names, one word each
        (cd "$run" && md5sum -- $dumps 2>/dev/null) |
            awk -v want="$TEST_DIR/want-$size.sum" -v dumps="$dumps" -v what="golden $size $name" '
                BEGIN { while ((getline line < want) > 0) { split(line, f, "  "); sum[f[2]] = f[1] } }
                { split($0, f, "  "); got[f[2]] = f[1] }
                END {
                    n = split(dumps, d, " ")
                    for (i = 1; i <= n; i++) {
                        if (!(d[i] in got)) printf "not ok - %s: %s\n#   apterm wrote no screen %s\n", what, d[i], d[i]
                        else if (!(d[i] in sum)) printf "not ok - %s: %s\n#   no expected screen %s: make it with UPDATE=1 and review it\n", what, d[i], d[i]
                        else if (got[d[i]] == sum[d[i]]) printf "ok - %s: %s\n", what, d[i]
                        else printf "@diff %s\n", d[i]
                    }
                }' |
            while IFS= read -r line; do
                case $line in
                    "@diff "*)
                        dump=${line#@diff }
                        not_ok "golden $size $name: $dump" "$(diff -u "$expected/$dump" "$run/$dump" | head -40)" ;;
                    *) echo "$line" ;;
                esac
            done
    done
done

# ---- the headless mode refuses what it cannot do, naming it ----
run="$TEST_DIR/bad"
mkdir -p "$run"
cp "$base" "$run/demo.db"
# refused NAME RC TEXT FILE KEYS [VAR=VALUE...]: apterm, headless on the copy
# of the demo store with the script FILE of KEYS (printf's format) and the
# VARs set, exits RC, says TEXT and dumps no x.txt.
refused() {
    name=$1 want=$2 text=$3 file=$4 keys=$5
    shift 5
    printf "$keys" > "$run/$file"
    rm -f "$run/x.txt"
    out=$(cd "$run" && env LD_PRELOAD="$preload" "$@" APTERM_SCRIPT="$run/$file" "$APTERM" --db demo.db 2>&1 </dev/null)
    rc=$?
    if [ $rc -eq "$want" ] && echo "$out" | grep -q -- "$text" && [ ! -e "$run/x.txt" ]; then ok "$name"
    else not_ok "$name" "rc=$rc" "$out"; fi
}
refused "golden: a script with an unknown key is refused, naming the file and line (exit 2)" 2 \
    "bad.keys line 2: unknown key name at \"<Bogus>\"" bad.keys 'j\n<Bogus>\n'
refused "golden: a script with an unknown command is refused" 2 "line 1: unknown command \":dumpp x\"" \
    bad.keys ':dumpp x\n'
refused "golden: a bad APTERM_SCREEN is refused, naming it" 2 "APTERM_SCREEN \"80\": expected COLSxROWS" \
    ok.keys ':dump x.txt\n' APTERM_SCREEN=80
refused "golden: a screen that cannot be written fails the run (exit 1), naming it" 1 ":dump no/such/dir/x.txt" \
    nodir.keys ':dump no/such/dir/x.txt\n'
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
