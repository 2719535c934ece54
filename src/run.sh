#!/bin/sh
# make run: makes a demo store when there is none, then opens it full screen.
# The store is apterm.db beside the shipped apterm.ini (its [store] path).
apterm=${1:-./apterm}
db=${APTERM_DB:-apterm.db}
if [ ! -e "$db" ]; then
    echo "No store at $db: making a demo store (fictional data)..."
    "$apterm" demo --db "$db" || exit 1
fi
if [ ! -t 0 ] || [ ! -t 1 ]; then
    echo "make run opens apterm full screen and needs a terminal; the store is ready at $db" >&2
    exit 1
fi
exec "$apterm" --db "$db"
