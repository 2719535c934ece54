#!/bin/sh
# Every wait in the test scripts must ask its question afresh on each poll.
# `wait_until 3 test "$(x)" = y` expands $(x) once, before the wait starts, so
# it only passes when the answer was already there (and fails under load):
# pass a function or `sh -c '...'` instead. This scans tests/ for a wait whose
# arguments hold an unescaped command substitution.
. tests/lib.sh

# stale_waits FILE...: the lines of a wait_until whose command (up to the
# first ; & or |) holds $( or a backquote not escaped with a backslash. (The
# text that wait_for and wait_gone look for is rightly worked out once.)
stale_waits() {
    grep -nE 'wait_until[[:space:]]+[0-9]+[[:space:]][^;&|]*[^\\](\$\(|`)' "$@" /dev/null |
        grep -vE '^[^:]*:[0-9]+:[[:space:]]*#'
}

# The scan itself must catch the shape it is there for, and let the right one pass.
cat >"$TEST_DIR/sample.sh" <<'SAMPLE'
if wait_until 3 test "$(chosen)" = "$id"; then ok x; fi
wait_until 5 sh -c "[ \"\$(sqlite3 db 'select 1')\" = 1 ]"
wait_until 3 chosen_is "$id"
wait_for "$S" "Pupil roll: $(count) on roll" 5 && [ "$(x)" = y ]
wait_until 2 other_row && [ "$(x)" = y ]
SAMPLE
found=$(stale_waits "$TEST_DIR/sample.sh")
if [ "$(printf '%s\n' "$found" | grep -c .)" -eq 1 ] && printf '%s\n' "$found" | grep -q ':1:'; then
    ok "the scan finds a wait that expands \$(...) once, and passes one that asks afresh"
else
    not_ok "the scan finds a wait that expands \$(...) once, and passes one that asks afresh" "$found"
fi

found=$(stale_waits tests/lib.sh tests/e2e/*.sh tests/export/*.sh tests/soak/*.sh 2>/dev/null | grep -v '/test_waits.sh:')
if [ -z "$found" ]; then ok "no wait in tests/ polls a value expanded once before it starts"
else not_ok "no wait in tests/ polls a value expanded once before it starts" "$found"; fi
