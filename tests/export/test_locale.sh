#!/bin/sh
# Every export is the same whatever the locale: a decimal-comma locale
# forwarded by an SSH client (LC_ALL, LC_NUMERIC or LANG) must not turn 1.5
# into 1,5 in a workbook or the CSV, and Welsh names must still come out as
# they are spelt. The locale is built here with localedef (package locales),
# so the test never depends on which locales the system has.
. tests/lib.sh
demo_script 2026-03-04 --pupils 80 --weeks 8

locales="$TEST_DIR/locales"
mkdir -p "$locales"
localedef -i de_DE -f UTF-8 "$locales/de_DE.UTF-8" >"$TEST_DIR/localedef.out" 2>&1
comma=$(LOCPATH="$locales" LC_ALL=de_DE.UTF-8 "$PYTHON" -c \
    'import locale; locale.setlocale(locale.LC_ALL, ""); print(locale.localeconv()["decimal_point"])' 2>&1)
if [ "$comma" = "," ]; then
    ok "a decimal-comma locale de_DE.UTF-8 is built for the test"
else
    not_ok "a decimal-comma locale de_DE.UTF-8 is built for the test (needs the package locales)" \
        "$comma" "$(cat "$TEST_DIR/localedef.out")"
fi

# run NAME ENV...: every export under the environment (the user's locale
# variables cleared first), into files named after NAME.
run() {
    name=$1
    shift
    env -u LC_ALL -u LANG -u LANGUAGE -u LC_NUMERIC -u LC_CTYPE -u LC_TIME -u LC_COLLATE LOCPATH="$locales" "$@" \
        sh -c '
        "$APTERM" export marks --from 2026-01-05 --to 2026-03-04 --out "$1.csv" --db "$2" &&
        "$APTERM" export panel --out "$1-panel.xlsx" --db "$2" &&
        "$APTERM" export dmt --from 2026-01-14 --to 2026-03-04 --out "$1-dmt.xlsx" --db "$2"' \
        sh "$TEST_DIR/$name" "$db" >"$TEST_DIR/$name.out" 2>&1 ||
        not_ok "exports run under $*" "$(cat "$TEST_DIR/$name.out")"
    if grep -q "warning" "$TEST_DIR/$name.out"; then
        not_ok "no locale warning under $*" "$(cat "$TEST_DIR/$name.out")"
    fi
}
run c LC_ALL=C.UTF-8
run all LC_ALL=de_DE.UTF-8
run numeric LC_NUMERIC=de_DE.UTF-8
run lang LANG=de_DE.UTF-8
run ctype LC_CTYPE=de_DE.UTF-8 LC_NUMERIC=de_DE.UTF-8 LC_TIME=de_DE.UTF-8
run plain LC_ALL=C

grep -q "Llŷr" "$TEST_DIR/c.csv" && ok "the CSV under C.UTF-8 holds the Welsh name Llŷr" ||
    not_ok "the CSV under C.UTF-8 holds the Welsh name Llŷr"
for v in all numeric lang ctype plain; do
    if cmp -s "$TEST_DIR/c.csv" "$TEST_DIR/$v.csv"; then
        ok "the marks CSV is byte for byte the same under $v as under C.UTF-8"
    else
        not_ok "the marks CSV is byte for byte the same under $v as under C.UTF-8" \
            "$(diff "$TEST_DIR/c.csv" "$TEST_DIR/$v.csv" | head -4)"
    fi
done

"$PYTHON" "$here/tests/export/check_same.py" "panel pack" "ŷ" "$TEST_DIR/c-panel.xlsx" \
    "$TEST_DIR/all-panel.xlsx" "$TEST_DIR/numeric-panel.xlsx" "$TEST_DIR/lang-panel.xlsx" \
    "$TEST_DIR/ctype-panel.xlsx" "$TEST_DIR/plain-panel.xlsx" || not_ok "check_same.py ran on the panel packs"
"$PYTHON" "$here/tests/export/check_same.py" "DMT report" "Llŷr" "$TEST_DIR/c-dmt.xlsx" \
    "$TEST_DIR/all-dmt.xlsx" "$TEST_DIR/numeric-dmt.xlsx" "$TEST_DIR/lang-dmt.xlsx" \
    "$TEST_DIR/ctype-dmt.xlsx" "$TEST_DIR/plain-dmt.xlsx" || not_ok "check_same.py ran on the DMT reports"
