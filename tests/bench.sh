#!/bin/sh
# make bench: builds the 5,000-pupil, 39-week demo store once (cached in
# bench/cache/), then prints one figure per line as "name: value unit".
# SCALE=50000 (make bench SCALE=50000) uses a store of that many pupils,
# cached beside it; BENCH_ONLY=multi_user runs only issue 12's multi-user
# figures, BENCH_ONLY=export only the exports' (tests/bench.py says which).
: "${APTERM:=./apterm}"
: "${PYTHON:=/usr/bin/python3}"
: "${SCALE:=5000}"
case $SCALE in '' | *[!0-9]*) echo "SCALE must be a number of pupils, not \"$SCALE\"" >&2; exit 2 ;; esac
cache=bench/cache
db=$cache/bench-${SCALE}x39.db
mkdir -p "$cache"
if [ ! -f "$db" ]; then
    echo "Making the benchmark store ($SCALE pupils, 39 weeks) once; it is cached in $cache" >&2
    start=$(date +%s.%N)
    "$APTERM" demo --db "$db.tmp" --pupils "$SCALE" --weeks 39 --seed 1 >/dev/null || exit 1
    end=$(date +%s.%N)
    mv "$db.tmp" "$db"
    echo "demo_${SCALE}x39_s: $(awk "BEGIN { printf \"%.1f\", $end - $start }")"
fi
echo "store_mb: $(du -m "$db" | cut -f1)"
# Issue 14: the 5,000 pupils exported, then imported into a new store, then
# imported again (every line matched, nothing to change).
if [ -z "${BENCH_ONLY:-}" ]; then
work=$(mktemp -d)
"$APTERM" --db "$db" export pupils --out "$work/pupils.csv" >/dev/null || exit 1
for run in import_${SCALE}_pupils_s reimport_${SCALE}_pupils_s; do
    start=$(date +%s.%N)
    "$APTERM" --db "$work/new.db" import pupils "$work/pupils.csv" >/dev/null || exit 1
    end=$(date +%s.%N)
    echo "$run: $(awk "BEGIN { printf \"%.2f\", $end - $start }")"
done
rm -rf "$work"
fi
exec "$PYTHON" tests/bench.py "$APTERM" "$db"
