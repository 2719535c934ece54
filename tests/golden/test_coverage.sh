#!/bin/sh
# The golden screens cover every view, at both sizes. The list of views is
# read from the source, not written here: every `struct view_ops NAME = {`
# and every `struct pane_ops NAME = {` in ui/*.c, with its .title. A view is
# covered at a size when a screen that a script in tests/golden/scripts
# dumps (":dump NAME") is checked in under tests/golden/expected/SIZE and
# shows that view's help heading, which the shell draws only while the view
# is on top of the stack (ui/ui.c show_help): "Keys of TITLE" for a view,
# "Keys of the TITLE pane" for a pane. test_golden.sh proves each such
# screen is what apterm draws for its script; a screen no script dumps is
# stale and counts for nothing (and is reported). The help view cannot show
# its own help (? closes it): any help screen shows it.
#
#   UI=DIR sh tests/golden/test_coverage.sh   reads the views from DIR
#   instead of ui/ (the test of this test below uses it).
. tests/lib.sh
golden=tests/golden

# views FILE...: "KIND<TAB>NAME<TAB>TITLE" for every view and pane table,
# TITLE empty when it is not a string literal.
views() {
    awk '
        /^(static )?(const )?struct (view|pane)_ops [A-Za-z_0-9]+ *= *\{/ {
            kind = ($0 ~ /pane_ops/) ? "pane" : "view"
            name = $0; sub(/ *=.*/, "", name); sub(/.* /, "", name)
            inside = 1; title = ""; next
        }
        inside && /^\};/ { printf "%s\t%s\t%s\n", kind, name, title; inside = 0; next }
        inside && /^    \.title *= *"/ {
            title = $0; sub(/^[^"]*"/, "", title); sub(/",? *$/, "", title)
        }
    ' "$@"
}

# The screens the scripts dump, at a size: their paths, one a line.
screens() {
    for keys in "$golden"/scripts/*.keys; do
        sed -n 's/^:dump //p' "$keys"
    done | sort -u | while read -r dump; do
        [ -f "$golden/expected/$1/$dump" ] && echo "$golden/expected/$1/$dump"
    done
}

# cover DIR: one test line per view and size; returns 1 if any view is not shown.
cover() {
    list=$(views "$1"/*.c)
    if [ -z "$list" ]; then
        not_ok "golden coverage: views found in $1" "no struct view_ops or struct pane_ops with a .title"
        return 1
    fi
    bad=0
    for size in 80x24 60x16; do
        files=$(screens $size)
        headings=$(echo "$files" | xargs -r grep -h '^ Keys of ' | sed 's/ *$//' | sort -u)
        echo "$list" | while IFS='	' read -r kind name title; do
            if [ -z "$title" ]; then
                not_ok "golden coverage $size: $kind $name" "its .title is not a string literal, so no screen can be matched to it"
                echo bad
                continue
            fi
            case $kind in
                pane) want="Keys of the $title pane" ;;
                *) want="Keys of $title" ;;
            esac
            if [ "$name" = help_view ] && [ -n "$headings" ]; then
                ok "golden coverage $size: $kind \"$title\" (every help screen)"
            elif echo "$headings" | grep -qxF " $want"; then
                ok "golden coverage $size: $kind \"$title\""
            else
                not_ok "golden coverage $size: $kind \"$title\" ($name)" \
                    "no golden screen shows \"$want\": add keys to a script in $golden/scripts that open it, dump it and its help"
                echo bad
            fi
        done | tee "$TEST_DIR/cover.out" | grep -v '^bad$'
        grep -q "^bad$" "$TEST_DIR/cover.out" && bad=1
    done
    return $bad
}

if [ -n "${UI:-}" ]; then
    cover "$UI"
    exit $?
fi

cover ui >"$TEST_DIR/real.out"
cat "$TEST_DIR/real.out"
real_failures=$(grep -c '^not ok' "$TEST_DIR/real.out")

# Screens checked in that no script dumps: stale, so they prove nothing.
for size in 80x24 60x16; do
    stale=""
    for f in "$golden/expected/$size"/*; do
        [ -f "$f" ] || continue
        n=$(basename "$f")
        grep -qx "\(:dump\|:attrs\) $n" "$golden"/scripts/*.keys || stale="$stale $n"
    done
    [ -z "$stale" ] && ok "golden coverage $size: every expected screen is made by a script" ||
        not_ok "golden coverage $size: every expected screen is made by a script" "stale:$stale"
done

# The check itself fails for a view no screen shows, and for that one alone:
# a copy of ui/ with one more view; and for one whose title is not a literal.
mkdir -p "$TEST_DIR/ui"
cp ui/*.c "$TEST_DIR/ui/"
cat >> "$TEST_DIR/ui/ui.c" <<'C'
static const struct view_ops unseen_view = {
    .title = "a view no script opens",
    .keys = NULL,
};
C
out=$(UI="$TEST_DIR/ui" sh "$0" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q '^not ok - golden coverage 80x24: view "a view no script opens" (unseen_view)' &&
    echo "$out" | grep -q '^not ok - golden coverage 60x16: view "a view no script opens" (unseen_view)' &&
    [ "$(echo "$out" | grep -c '^not ok')" -eq $((real_failures + 2)) ] &&
    ok "golden coverage: a view no screen shows fails the check, named, at both sizes" ||
    not_ok "golden coverage: a view no screen shows fails the check, named, at both sizes" "rc=$rc" "$(echo "$out" | grep '^not ok' | head -5)"
cp ui/*.c "$TEST_DIR/ui/"
cat >> "$TEST_DIR/ui/ui.c" <<'C'
static const struct view_ops computed_view = {
    .title = some_title,
};
C
out=$(UI="$TEST_DIR/ui" sh "$0" 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q '^not ok - golden coverage 80x24: view computed_view' &&
    ok "golden coverage: a view whose title is not a literal fails the check, named" ||
    not_ok "golden coverage: a view whose title is not a literal fails the check, named" "rc=$rc" "$(echo "$out" | grep '^not ok' | head -5)"
