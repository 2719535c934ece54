#!/bin/sh
# A probe of the store under concurrent writers and readers (issue 9, "Stalls"):
# WRITERS processes each loop `apterm mark --replace` on pupil sessions of their
# own, while READERS processes loop `apterm check` and `apterm export dmt`, on
# one demo store, for SECONDS. It prints the writes tried, how many failed
# (and the distinct messages), the p50/p99/max write latency, and whether the
# last acknowledged code of every session written is the one in the store.
# Exits 1 when a write failed or an acknowledged write is not in the store.
#
#   APTERM=build/release/apterm sh tests/soak/writers_readers_probe.sh [SECONDS] [WRITERS] [READERS]
#
# The store is made with `apterm demo --pupils 2000 --weeks 20` in a temporary
# folder ($PROBE_DIR to keep it somewhere else), removed at the end.
set -u
: "${APTERM:=$(pwd)/apterm}"
case $APTERM in /*) ;; *) APTERM=$(pwd)/$APTERM ;; esac
SECONDS_=${1:-60}
WRITERS=${2:-8}
READERS=${3:-4}
DIR=$(mktemp -d "${PROBE_DIR:-/tmp}/apterm-probe-XXXXXX")
trap 'rm -rf "$DIR"' EXIT
export APTERM_TODAY=2026-12-04
export APTERM_CONFIG="$DIR/apterm.ini"
: >"$APTERM_CONFIG"
db=$DIR/store.db
"$APTERM" demo --db "$db" --pupils 2000 --weeks 20 >/dev/null || exit 1

# Every writer gets its own pupils: the AM sessions of the last school week
# marked in the store, dealt out round robin.
sqlite3 -separator ' ' "$db" "SELECT p.upn, v.date FROM attendance_mark_v v JOIN pupil p ON p.id = v.pupil_id
    WHERE v.session = 'am' AND v.date >= date('$APTERM_TODAY', '-4 days') ORDER BY p.upn, v.date" |
    awk -v n="$WRITERS" -v dir="$DIR" '{ print > (dir "/slots." (NR % n)) }'

now_ms() { date +%s%3N; }

writer() { # writer N: marks its slots in turn, B and L alternately, until the end time
    i=$1 end=$2 k=0
    while [ "$(now_ms)" -lt "$end" ]; do
        while read -r upn day; do
            [ "$(now_ms)" -lt "$end" ] || break
            k=$((k + 1))
            code=B
            [ $((k % 2)) -eq 0 ] && code=L
            t0=$(now_ms)
            if out=$("$APTERM" mark --db "$db" --date "$day" --session am --upn "$upn" --code "$code" --replace 2>&1); then
                echo "ok $(($(now_ms) - t0)) $upn $day $code" >>"$DIR/log.$i"
            else
                echo "fail $(($(now_ms) - t0)) $upn $day $code $out" >>"$DIR/log.$i"
            fi
        done <"$DIR/slots.$i"
    done
}

reader() { # reader N: check, then an export, until the end time
    i=$1 end=$2
    while [ "$(now_ms)" -lt "$end" ]; do
        "$APTERM" check --db "$db" >/dev/null 2>>"$DIR/reader.$i" || [ $? -eq 1 ] || echo "check failed" >>"$DIR/rfail.$i"
        "$APTERM" export dmt --db "$db" --out "$DIR/dmt.$i.xlsx" --from 2026-09-01 --to "$APTERM_TODAY" \
            >/dev/null 2>>"$DIR/reader.$i" || echo "export failed" >>"$DIR/rfail.$i"
    done
}

end=$(($(now_ms) + SECONDS_ * 1000))
pids=""
i=0
while [ "$i" -lt "$WRITERS" ]; do writer "$i" "$end" & pids="$pids $!"; i=$((i + 1)); done
i=0
while [ "$i" -lt "$READERS" ]; do reader "$i" "$end" & pids="$pids $!"; i=$((i + 1)); done
for p in $pids; do wait "$p"; done

cat "$DIR"/log.* >"$DIR/all"
total=$(wc -l <"$DIR/all")
failed=$(grep -c '^fail' "$DIR/all")
reader_failures=$(cat "$DIR"/rfail.* 2>/dev/null | wc -l)
lat=$(awk '{ print $2 }' "$DIR/all" | sort -n)
pct() { printf '%s\n' "$lat" | awk -v p="$1" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i] }'; }
echo "writers: $WRITERS, readers: $READERS, seconds: $SECONDS_"
echo "writes tried: $total"
echo "writes failed: $failed"
grep '^fail' "$DIR/all" | cut -d' ' -f6- | sed 's/[0-9][0-9:-]* [0-9][0-9:]*//g' | sort | uniq -c | head -5
echo "reader runs failed: $reader_failures"
echo "write latency ms: p50 $(pct 50) p99 $(pct 99) max $(pct 100)"

# Every session's last acknowledged code must be what the store holds.
lost=0
grep '^ok' "$DIR/all" | awk '{ last[$3 " " $4] = $5 } END { for (k in last) print k, last[k] }' >"$DIR/expected"
sqlite3 -separator ' ' "$db" "SELECT p.upn, v.date, v.code FROM attendance_mark_v v JOIN pupil p ON p.id = v.pupil_id
    WHERE v.session = 'am'" | sort >"$DIR/actual"
sort "$DIR/expected" | comm -23 - "$DIR/actual" >"$DIR/lost"
lost=$(wc -l <"$DIR/lost")
echo "acknowledged writes not in the store: $lost"
[ "$failed" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$reader_failures" -eq 0 ]
