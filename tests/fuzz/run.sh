#!/bin/sh
# Builds the interchange fuzz targets with clang's libFuzzer (ASan + UBSan)
# into build/fuzz and runs each for FUZZ_SECONDS (default 60) from the seeds
# in tests/fuzz/seeds and tests/data. Not yet a `make fuzz` target (issue 9
# owns that): `sh tests/fuzz/run.sh` from the top of the checkout.
set -eu
: "${FUZZ_SECONDS:=60}" "${CLANG:=clang}"
out=build/fuzz
mkdir -p "$out/obj" "$out/corpus-import" "$out/corpus-ctf"
make --no-print-directory build/release/embedded.c >/dev/null
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fsanitize=address,undefined,fuzzer-no-link
        -I. -Isrc -Idb -Iui -Ibuild/release $(pkg-config --cflags ncursesw sqlite3 xlsxwriter libxml-2.0)"
libs="$(pkg-config --libs ncursesw sqlite3 xlsxwriter libxml-2.0) -liniparser -lm"
objs=""
for f in src/*.c db/*.c ui/*.c build/release/embedded.c; do
    case $f in src/main.c|src/cmd_*.c) continue ;; esac
    o="$out/obj/$(echo "$f" | tr / _).o"
    [ "$o" -nt "$f" ] || $CLANG $cflags -c -o "$o" "$f"
    objs="$objs $o"
done
cp tests/data/*.xml "$out/corpus-ctf/" 2>/dev/null || true
cp tests/fuzz/seeds/*.csv "$out/corpus-import/" 2>/dev/null || true
for t in import ctf; do
    $CLANG $cflags -fsanitize=fuzzer -o "$out/fuzz_$t" "tests/fuzz/fuzz_$t.c" $objs $libs
    "$out/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -max_len=8192 "$out/corpus-$t" 2>&1 | tail -3
done
