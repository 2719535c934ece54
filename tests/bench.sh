#!/bin/sh
# make bench: builds the 5,000-pupil, 39-week demo store once (cached in
# bench/cache/), then prints one figure per line as "name: value unit".
: "${APTERM:=./apterm}"
: "${PYTHON:=/usr/bin/python3}"
cache=bench/cache
db=$cache/bench-5000x39.db
mkdir -p "$cache"
if [ ! -f "$db" ]; then
    echo "Making the benchmark store (5,000 pupils, 39 weeks) once; it is cached in $cache" >&2
    start=$(date +%s.%N)
    "$APTERM" demo --db "$db.tmp" --pupils 5000 --weeks 39 --seed 1 >/dev/null || exit 1
    end=$(date +%s.%N)
    mv "$db.tmp" "$db"
    echo "demo_5000x39_s: $(awk "BEGIN { printf \"%.1f\", $end - $start }")"
fi
echo "store_mb: $(du -m "$db" | cut -f1)"
# Issue 14: the 5,000 pupils exported, then imported into a new store, then
# imported again (every line matched, nothing to change).
work=$(mktemp -d)
"$APTERM" --db "$db" export pupils --out "$work/pupils.csv" >/dev/null || exit 1
for run in import_5000_pupils_s reimport_5000_pupils_s; do
    start=$(date +%s.%N)
    "$APTERM" --db "$work/new.db" import pupils "$work/pupils.csv" >/dev/null || exit 1
    end=$(date +%s.%N)
    echo "$run: $(awk "BEGIN { printf \"%.2f\", $end - $start }")"
done
rm -rf "$work"
exec "$PYTHON" tests/bench.py "$APTERM" "$db"
