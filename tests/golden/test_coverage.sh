#!/bin/sh
# The golden screens cover every view, at both sizes. The list of views is
# read from the source, not written here: every `struct view_ops NAME = {`,
# every `struct pane_ops NAME = {`, every `struct prompt_spec NAME = {`
# (a one-line prompt: ui/prompt.c runs each as a view with the spec's title
# and keys) and every `struct question NAME = {` (likewise, ui/question.c)
# in ui/*.c, with its .title. A view is
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
# TITLE empty when it is not a string literal. A table made any other way
# (an array, a compound literal, a variable filled in at run time) comes out
# as "view<TAB>FILE:LINE<TAB>", so it fails the check rather than escape it;
# ui/prompt.c and ui/question.c alone fill in view tables, each from a
# prompt_spec or a question checked here.
views() {
    awk '
        /^[ \t]*(static )?(const )?struct ((view|pane)_ops|prompt_spec|question) [A-Za-z_0-9]+ *= *\{/ {
            kind = ($0 ~ /pane_ops/) ? "pane" : "view"
            name = $0; sub(/ *=.*/, "", name); sub(/.* /, "", name)
            inside = 1; title = ""; next
        }
        FILENAME !~ /(^|\/)(prompt|question)\.c$/ && (/\(struct ((view|pane)_ops|prompt_spec|question)\) *\{/ || (/struct ((view|pane)_ops|prompt_spec|question)[ \t]+[A-Za-z_]/ && !/extern/ && !/struct ((view|pane)_ops|prompt_spec|question)[ \t]+[A-Za-z_0-9]+ *\(/)) {
            printf "view\t%s:%d\t\n", FILENAME, FNR
            next
        }
        inside && /^[ \t]*\};/ { printf "%s\t%s\t%s\n", kind, name, title; inside = 0; next }
        inside && /^[ \t]*\.title *= *"/ {
            title = $0; sub(/^[^"]*"/, "", title); sub(/",? *$/, "", title)
        }
    ' "$@"
}

# cover DIR: one test line per view and size; returns 1 if any view is not
# shown. (Few processes: each one costs on a loaded machine.)
cover() {
    views "$1"/*.c > "$TEST_DIR/views.tsv"
    if [ ! -s "$TEST_DIR/views.tsv" ]; then
        not_ok "golden coverage: views found in $1" "no struct view_ops or struct pane_ops with a .title"
        return 1
    fi
    sed -n 's/^:dump //p' "$golden"/scripts/*.keys | sort -u > "$TEST_DIR/dumps"
    bad=0
    for size in 80x24 60x16; do
        # The help headings on the screens the scripts dump (a screen not
        # checked in yet is test_golden.sh's failure, not a heading).
        (cd "$golden/expected/$size" && xargs -r grep -h '^ Keys of ' 2>/dev/null) < "$TEST_DIR/dumps" |
            sed 's/ *$//' > "$TEST_DIR/headings"
        awk -F'\t' -v size="$size" -v dir="$golden/scripts" '
            FNR == NR { seen[$0] = 1; any = 1; next }
            {
                kind = $1; name = $2; title = $3
                if (title == "") {
                    printf "not ok - golden coverage %s: %s %s\n#   its .title is not a string literal, so no screen can be matched to it\n", size, kind, name
                    bad = 1; next
                }
                want = kind == "pane" ? "Keys of the " title " pane" : "Keys of " title
                if (name == "help_view" && any)
                    printf "ok - golden coverage %s: %s \"%s\" (every help screen)\n", size, kind, title
                else if ((" " want) in seen)
                    printf "ok - golden coverage %s: %s \"%s\"\n", size, kind, title
                else {
                    printf "not ok - golden coverage %s: %s \"%s\" (%s)\n#   no golden screen shows \"%s\": add keys to a script in %s that open it, dump it and its help\n", size, kind, title, name, want, dir
                    bad = 1
                }
            }
            END { exit bad }
        ' "$TEST_DIR/headings" "$TEST_DIR/views.tsv" || bad=1
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
sed -n 's/^:\(dump\|attrs\) //p' "$golden"/scripts/*.keys | sort -u > "$TEST_DIR/made"
for size in 80x24 60x16; do
    stale=$(ls "$golden/expected/$size" | sort | comm -23 - "$TEST_DIR/made" | tr '\n' ' ')
    [ -z "$stale" ] && ok "golden coverage $size: every expected screen is made by a script" ||
        not_ok "golden coverage $size: every expected screen is made by a script" "stale: $stale"
done

# The check itself fails for a view no screen shows, and for that one alone:
# a copy of ui/ with one more view; and for one whose title is not a literal.
mkdir -p "$TEST_DIR/ui"
# Runs the check on a copy of ui/ with the C read from stdin added to ui.c:
# out gets what it printed, rc its exit status.
check_with() {
    cp ui/*.c "$TEST_DIR/ui/"
    cat >> "$TEST_DIR/ui/ui.c"
    out=$(UI="$TEST_DIR/ui" sh "$0" 2>&1)
    rc=$?
}

# expect_failed NAME MORE PATTERN...: ok NAME when that check failed, printed
# a line matching each PATTERN and (MORE not empty) exactly MORE "not ok"
# lines beyond those of the real ui/.
expect_failed() {
    name=$1 more=$2
    shift 2
    good=$([ $rc -ne 0 ] && echo yes)
    for pattern; do
        echo "$out" | grep -q "$pattern" || good=
    done
    [ -n "$more" ] && [ "$(echo "$out" | grep -c '^not ok')" -ne $((real_failures + more)) ] && good=
    [ -n "$good" ] && ok "$name" || not_ok "$name" "rc=$rc" "$(echo "$out" | grep '^not ok' | head -5)"
}

# unseen WHAT NAME TITLE: a copy of ui/ with the table NAME (its C on stdin,
# titled TITLE) added fails the check for it alone, named, at both sizes.
unseen() {
    check_with
    expect_failed "golden coverage: $1 no screen shows fails the check, named, at both sizes" 2 \
        "^not ok - golden coverage 80x24: view \"$3\" ($2)" "^not ok - golden coverage 60x16: view \"$3\" ($2)"
}
unseen "a view" unseen_view "a view no script opens" <<'C'
static const struct view_ops unseen_view = {
    .title = "a view no script opens",
    .keys = NULL,
};
C
unseen "a prompt" unseen_prompt "a prompt no script opens" <<'C'
static const struct prompt_spec unseen_prompt = {
    .title = "a prompt no script opens",
    .label = "Unseen:",
};
C
unseen "a question" unseen_question "a question no script asks" <<'C'
static const struct question unseen_question = {
    .title = "a question no script asks",
    .answers = NULL,
};
C
check_with <<'C'
static const struct view_ops computed_view = {
    .title = some_title,
};
C
expect_failed "golden coverage: a view whose title is not a literal fails the check, named" "" \
    '^not ok - golden coverage 80x24: view computed_view'
check_with <<'C'
static void made_at_run_time(const char *title)
{
    struct view_ops ops;
    ops.title = title;
}
C
expect_failed "golden coverage: a view table filled in at run time fails the check, named by file and line" "" \
    "^not ok - golden coverage 80x24: view $TEST_DIR/ui/ui.c:[0-9]"
