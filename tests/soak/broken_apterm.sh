#!/bin/sh
# A deliberately broken apterm, to see that make soak's checks can fail:
#   REAL_APTERM=build/release/apterm APTERM=tests/soak/broken_apterm.sh \
#       SOAK_SECONDS=10 SOAK_PUPILS=120 sh tests/soak/soak.sh
# must report "not ok" for all-or-nothing files (it imports a file in two
# halves, so a kill between them leaves half) and for lost writes (it says
# about a third of single marks were recorded without recording them). The
# audit check may fail too: a kill of this script does not stop the first
# half's apterm, which can still be writing while the soak counts.
real=${REAL_APTERM:?set REAL_APTERM to the real binary}
if [ "$1" = mark ] && [ "$2" = --file ]; then
    f=$3
    shift 3
    n=$(wc -l <"$f")
    h=$(((n + 1) / 2))
    head -n "$h" "$f" >"$f.a"
    { head -n 1 "$f"; tail -n +$((h + 1)) "$f"; } >"$f.b"
    "$real" mark --file "$f.a" "$@" >/dev/null && sleep 0.05 && exec "$real" mark --file "$f.b" "$@"
    exit 1
fi
if [ "$1" = mark ] && [ $(($$ % 3)) -eq 0 ]; then
    exit 0 # "recorded", but nothing was
fi
exec "$real" "$@"
