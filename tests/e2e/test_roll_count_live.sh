#!/bin/sh
# Issue 12: the roll's title counts the pupils on roll ("Pupil roll: N on
# roll"), and a session keeps that count as other processes change one
# pupil's end date (the feed reads that pupil's row again; the count is not
# taken again over the whole roll after each change). A pupil is on roll with
# no end date or one not before today: ended today they still count, ended
# yesterday they do not, and with the end date cleared they count again.
. tests/lib.sh
pane_script 2026-11-20 count --pupils 20 --weeks 2
run="APTERM_TODAY=$TODAY APTERM_NOW=$APTERM_NOW APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
on_roll="(end_date IS NULL OR end_date >= '$TODAY')"
n=$(q "select count(*) from pupil where $on_roll")
pid=$(q "select id from pupil where end_date is null order by id limit 1")

# set_end DATE|NULL: the pupil's end date, written as another process would
# (Python's sqlite3, with the audit the store's triggers make, so the feed sees it).
set_end() {
    case $1 in NULL) end=NULL ;; *) end="'$1'" ;; esac
    write_as test "UPDATE pupil SET end_date = $end, version = version + 1 WHERE id = $pid"
}

start live 120x40 "$run"
if wait_for live "Pupil roll: $n on roll ·" 20; then ok "the roll opens with $n on roll"
else not_ok "the roll opens with $n on roll" "$(screen live)"; fi

title_is() { screen live | grep -qF "Pupil roll: $1 on roll ·"; }
# Each step moves the count, so that each is seen only once the session has read it.
for step in "2026-11-19 $((n - 1)) ended yesterday, off roll" "$TODAY $n ended today, on roll" \
            "2026-11-19 $((n - 1)) ended yesterday again, off roll" "NULL $n end date cleared, on roll again"; do
    end=${step%% *}; rest=${step#* }; want=${rest%% *}; what=${rest#* }
    set_end "$end"
    if [ "$(q "select count(*) from pupil where $on_roll")" = "$want" ] && wait_until 10 title_is "$want"; then
        ok "another process's change: $what, the title says $want on roll"
    else
        not_ok "another process's change: $what, the title says $want on roll" "$(screen live | head -3)"
    fi
done
# And as a fresh start counts them.
start fresh 120x40 "$run"
if wait_for fresh "Pupil roll: $n on roll ·" 20 && title_is "$n"; then ok "a fresh start says the same: $n on roll"
else not_ok "a fresh start says the same: $n on roll" "$(screen fresh | head -3)" "$(screen live | head -3)"; fi
