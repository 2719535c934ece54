#!/bin/sh
# Issue 12, the change feed: a session left open while other apterm
# processes make a random mix of changes - marks set, changed and cleared,
# pupils and providers edited by import - refreshes from the feed (only the
# rows each change touches) and then shows exactly what a fresh start shows:
# the roll (attendance, flags, the counts on the status line) and the
# attendance grid (every mark of the week). The random mix is seeded, so a
# failure can be run again.
. tests/lib.sh
pane_script 2026-11-20 feed --pupils 60 --weeks 4
run="APTERM_TODAY=$TODAY APTERM_NOW=$APTERM_NOW APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"

start live 120x40 "$run"
if wait_for live " red ~" 20; then ok "the session opens with its flags counted"
else not_ok "the session opens with its flags counted" "$(screen live)"; fi
# The grid opened too, so that both panes refresh from the feed; back to the roll.
keys live 3
wait_for live "AM" 10
keys live 1
wait_for live "Pupil roll:" 10

# ---- the other processes' changes ----
# Marks for the pupils the roll shows first (and so the grid's), on this
# week's and last week's school days, in random order with random codes;
# then pupils and providers edited by import (CLA, preferred names, a
# provider's insurance), then marks again.
plan="$TEST_DIR/plan"
q "select upn from pupil where end_date is null or end_date >= '$TODAY'
   order by legal_surname collate nocase, legal_forename collate nocase, id limit 30" > "$TEST_DIR/upns"
"$PYTHON" - "$TEST_DIR/upns" > "$plan" <<'EOF'
import random, sys
random.seed(12)
upns = open(sys.argv[1]).read().split()
days = ["2026-11-%02d" % d for d in (9, 10, 11, 12, 13, 16, 17, 18, 19, 20)]
codes = ["/", "B", "I", "C", "O", "N", "U", "M", "L", "G"]
for i in range(60):
    if i == 30:
        print("import")
    print("mark", random.choice(upns), random.choice(days), random.choice(["am", "pm"]), random.choice(codes))
EOF
marks=0
while read -r what upn day half code; do
    if [ "$what" = import ]; then
        "$APTERM" export pupils --db "$db" --out "$TEST_DIR/pupils.csv" >/dev/null
        "$PYTHON" - "$TEST_DIR/pupils.csv" <<'EOF'
import csv, sys
path = sys.argv[1]
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
for k, r in enumerate(rows[:12]):
    if k % 3 == 0 and "cla" in r:
        r["cla"] = "no" if r["cla"] == "yes" else "yes"
    if k % 4 == 1 and "preferred_name" in r:
        r["preferred_name"] = "Zed" if not r["preferred_name"] else ""
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
EOF
        "$APTERM" import pupils "$TEST_DIR/pupils.csv" --db "$db" >/dev/null 2>&1 ||
            not_ok "the pupils' import is accepted" "$("$APTERM" import pupils "$TEST_DIR/pupils.csv" --db "$db" 2>&1)"
        continue
    fi
    # A school day the calendar refuses (a closure) is refused here too: skipped.
    "$APTERM" mark --db "$db" --date "$day" --session "$half" --upn "$upn" --code "$code" --replace \
        >/dev/null 2>&1 && marks=$((marks + 1))
done < "$plan"
if [ "$marks" -ge 40 ]; then ok "other processes recorded $marks marks and an import"
else not_ok "other processes recorded $marks marks and an import" "expected at least 40 of 60"; fi

# ---- the refreshed session against a fresh start ----
start fresh 120x40 "$run"
wait_for fresh " red ~" 20
# The session may still be working through the feed (64 rows a turn): wait
# until its roll is the fresh one's, re-reading both each time.
body() { screen "$1" | sed '$d'; }      # all but the status line's message
same_roll() { [ "$(body live)" = "$(body fresh)" ]; }
if wait_until 20 same_roll; then ok "the refreshed roll is the fresh start's (attendance, flags)"
else not_ok "the refreshed roll is the fresh start's (attendance, flags)" "refreshed:" "$(screen live)" "fresh:" "$(screen fresh)"; fi
counts() { screen "$1" | grep -o '![0-9]* red ~[0-9]* amber'; }
same_counts() { [ -n "$(counts live)" ] && [ "$(counts live)" = "$(counts fresh)" ]; }
if wait_until 5 same_counts; then ok "the flag counts are the fresh start's: $(counts live)"
else not_ok "the flag counts are the fresh start's" "refreshed: $(counts live)" "fresh: $(counts fresh)"; fi

keys live 3
keys fresh 3
wait_for fresh "AM" 10
if wait_until 20 same_roll; then ok "the refreshed grid is the fresh start's (every mark of the week)"
else not_ok "the refreshed grid is the fresh start's (every mark of the week)" "refreshed:" "$(screen live)" "fresh:" "$(screen fresh)"; fi
# Last week's marks too.
keys live [
keys fresh [
sleep 0.5
if wait_until 10 same_roll; then ok "last week's grid is the fresh start's too"
else not_ok "last week's grid is the fresh start's too" "refreshed:" "$(screen live)" "fresh:" "$(screen fresh)"; fi

keys live q
keys fresh q
if wait_for live "EXIT=0" 5 && wait_for fresh "EXIT=0" 5; then ok "both sessions quit with exit status 0"
else not_ok "both sessions quit with exit status 0" "$(screen live)" "$(screen fresh)"; fi
