#!/bin/sh
# The Inclusion Panel pane (tab 7) in a real terminal (tmux, 80x24) on a demo
# store: the cases with the quotations warning and its reason; a case found
# by filter and search and opened by keys shows its option analysis; a
# quotation added by keys (the provider picked by typing its name) is saved
# with its annualised cost; c makes it the recommended option and choosing
# another clears it (one per case, checked in SQLite); the Inclusion Panel
# pack and the DMT report are written from the pane with a progress bar, and
# openpyxl opens both; an unwritable path is refused plainly; the panel's
# decision is recorded; a viewer can read and export but change nothing.
. tests/lib.sh
pane_script 2026-11-20 panel --pupils 40 --weeks 4
S=panel$$
n_cases=$(q "select count(*) from panel_case")

# The case: open, its pupil's only open case, the fewest quotations.
case_id=$(q "select c.id from panel_case c where c.status = 'open' and c.panel_date is not null
             and (select count(*) from panel_case o where o.pupil_id = c.pupil_id and o.status = 'open') = 1
             order by (select count(*) from quote where case_id = c.id), c.id limit 1")
upn=$(q "select u.upn from panel_case c join pupil u on u.id = c.pupil_id where c.id = $case_id")
n_quotes=$(q "select count(*) from quote where case_id = $case_id")
panel_date=$(q "select panel_date from panel_case where id = $case_id")
# A provider that has not quoted for it: active, its name plain ASCII to type.
prov_id=$(q "select id from provider where status = 'active' and name not glob '*[^ -~]*'
             and id not in (select provider_id from quote where case_id = $case_id) order by name limit 1")
prov=$(q "select name from provider where id = $prov_id")
basis=$(q "select case when cost_rate > 0 then cost_basis else 'session' end from provider where id = $prov_id")
if [ -z "$case_id" ] || [ -z "$prov_id" ]; then
    not_ok "the demo store has an open panel case and a provider to quote" "case: $case_id provider: $prov_id"
    exit 0
fi

start "$S" 80x24 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG HOME=$TEST_DIR $APTERM --db $db 2>$TEST_DIR/stderr"
wait_for "$S" "Pupil roll:" 15
keys "$S" 7
expect_screen "7 opens the Panel pane: \"$n_cases panel cases │ by panel date ▼\"" "$S" "$n_cases panel cases │ by panel date ▼"
wait_gone "$S" "counting the flags" 15
expect_screen "the hint line shows the pane's keys, the exports among them" "$S" \
    "Enter open  a add  D decide  x pack  X DMT  / search  f filter  ? help  q quit"

# ---- Filter (status Open) and search (the UPN) down to the case ----
open_panel_cases "$S" "$upn"
expect_screen "filter Open and search $upn leave one case" "$S" "1 of $n_cases panel cases │ search \"$upn\" │ filter: Open"
if [ "$n_quotes" -ge 1 ] && [ "$n_quotes" -lt 3 ]; then
    expect_screen "its quotations warning is explained under the list: \"3 quotations needed, $n_quotes received\"" \
        "$S" "3 quotations needed, $n_quotes received"
    screen "$S" | grep '^▶' | grep -q ' ~$'
    screen_ok $? "its row carries the ~ marker" "$S"
else
    echo "ok - the quotations warning under the list # SKIP the case has $n_quotes quotations"
    echo "ok - its row carries the ~ marker # SKIP the case has $n_quotes quotations"
fi

# ---- Enter opens the case: the option analysis ----
keys "$S" Enter
expect_screen "Enter opens the case: \"panel case $case_id\"" "$S" "panel case $case_id"
expect_screen "with its option analysis: \"Option analysis: $n_quotes quotation\"" "$S" "Option analysis: $n_quotes quotation"
expect_screen "and the quotation table's heading" "$S" "Sess/wk  £/session     £/week  Transport      A year"
expect_screen "the case's hint line" "$S" "a/Q add quote  e edit  c choose  D decide  E case  Esc back"

# ---- a: a quotation, the provider picked by typing its name ----
keys "$S" a
expect_screen "a asks for the provider: \"Quotation from:\"" "$S" "Quotation from:"
keys "$S" -l "$prov"
wait_for "$S" "▶$(printf '%s' "$prov" | cut -c1-20)" 5
keys "$S" Enter
expect_screen "Enter picks $prov and opens the quotation form" "$S" "New quotation for "
rights=$(case $basis in session) echo 2;; day) echo 1;; week) echo 0;; year) echo 3;; esac)
keys "$S" BTab
i=0
while [ "$i" -lt "$rights" ]; do keys "$S" Right; i=$((i + 1)); done
keys "$S" Tab C-u
# A blank rate is not £0.00: ^S refuses it, naming the field, and saves nothing.
n_before=$(q "select count(*) from quote where case_id = $case_id")
keys "$S" C-s
if wait_for "$S" "Not saved: Rate: must be given" 5 &&
    [ "$(q "select count(*) from quote where case_id = $case_id")" = "$n_before" ]; then
    ok "a blank rate is refused on ^S (\"Rate: must be given\"), nothing saved"
else
    not_ok "a blank rate is refused on ^S (\"Rate: must be given\"), nothing saved" "$(screen "$S" | tail -3)"
fi
keys "$S" -l "250"
keys "$S" Tab BSpace 4 Tab BSpace
keys "$S" -l "12"
keys "$S" Tab C-u
keys "$S" -l "15"
expect_screen "the form works out the year as it is typed: £250 + £15 a week x 39 = £10,335.00" "$S" \
    "£10,335.00 = tuition £9,750.00 + transport £585.00"
keys "$S" C-s
expect_screen "^S saves it: \"Added the quotation: £10,335.00 a year\"" "$S" "Added the quotation: £10,335.00 a year"
got=$(q "select cost_basis || '/' || rate || '/' || sessions_per_week || '/' || hours_per_week || '/' ||
             transport_per_week || '/' || chosen || '/' || updated_by from quote
         where case_id = $case_id and provider_id = $prov_id")
if [ "$got" = "week/25000/4/12.0/1500/0/$(id -un)" ]; then
    ok "SQLite holds the quotation: per week, £250.00, 4 sessions, 12 h, transport £15.00, not chosen"
else
    not_ok "SQLite holds the quotation: per week, £250.00, 4 sessions, 12 h, transport £15.00, not chosen" "got: $got"
fi
quote_id=$(q "select id from quote where case_id = $case_id and provider_id = $prov_id")
screen "$S" | grep '^▶' | grep -qF "£10,335.00"
screen_ok $? "the new quotation is in the table under the cursor, £10,335.00 a year" "$S"
now=$((n_quotes + 1))
if [ "$now" -lt 3 ]; then
    expect_screen "the warning follows at once: \"3 quotations needed, $now received\"" "$S" "3 quotations needed, $now received"
else
    wait_gone "$S" "quotations needed" 5
    screen_ok $? "with $now quotations the warning has gone" "$S"
fi

# ---- c: the recommended option, one per case ----
chosen() { q "select group_concat(id) from quote where case_id = $case_id and chosen = 1"; }
chosen_is() { [ "$(chosen)" = "$1" ]; } # asked afresh on every poll of wait_until
keys "$S" c
expect_screen "c makes it the recommended option: \"Recommended option: $prov\"" "$S" "Recommended option: $prov"
if wait_until 3 chosen_is "$quote_id"; then ok "SQLite: quotation $quote_id is the case's one chosen"
else not_ok "SQLite: quotation $quote_id is the case's one chosen" "chosen: $(chosen)"; fi
screen "$S" | grep '^▶' | grep -q '£10,335.00 \*$'
screen_ok $? "its row is marked * (recommended)" "$S"
if [ "$n_quotes" -ge 1 ]; then
    other=$(q "select id from quote where case_id = $case_id and id <> $quote_id order by id desc limit 1")
    keys "$S" k c
    if wait_until 3 chosen_is "$other"; then
        ok "k then c chooses the quotation above; SQLite: it alone is chosen ($other)"
    else
        not_ok "k then c chooses the quotation above; SQLite: it alone is chosen ($other)" "chosen: $(chosen)"
    fi
    keys "$S" j c
    if wait_until 3 chosen_is "$quote_id"; then ok "j then c chooses the new one again, and only it"
    else not_ok "j then c chooses the new one again, and only it" "chosen: $(chosen)"; fi
fi
expect_screen "the line under the table names the recommended option" "$S" "* recommended: $prov, £10,335.00 a year"
d=$(redraw_diff "$S")
if [ -z "$d" ]; then ok "the case view as drawn is what a full repaint draws"
else not_ok "the case view as drawn is what a full repaint draws" "$d"; fi
w=$(widest_line "$S")
[ "$w" -le 80 ] && ok "nothing is drawn past 80 columns ($w)" || not_ok "nothing is drawn past 80 columns" "widest: $w"

# ---- x: the Inclusion Panel pack, from the case (its panel date) ----
keys "$S" x
expect_screen "x asks where to write the pack and for which panel: \"Panel date  $panel_date\"" "$S" \
    "Panel date  $panel_date"
expect_screen "the file offered by default: ~/panel-pack-$panel_date.xlsx" "$S" "~/panel-pack-$panel_date.xlsx"
keys "$S" C-u
keys "$S" -l "$TEST_DIR/pack.xlsx"
keys "$S" Enter Enter
expect_text "Enter, Enter writes it and says where: \"Wrote the Inclusion Panel pack to $TEST_DIR/pack.xlsx\"" "$S" \
    "Wrote the Inclusion Panel pack to $TEST_DIR/pack.xlsx" 20
expect_screen "the progress bar has reached 100%" "$S" "] 100%"
if [ -f "$TEST_DIR/pack.xlsx" ] && [ "$(stat -c %a "$TEST_DIR/pack.xlsx")" = 600 ]; then
    ok "the pack's file has appeared, mode 0600"
else
    not_ok "the pack's file has appeared, mode 0600" "$(ls -la "$TEST_DIR")"
fi
check "openpyxl opens the pack; its option analysis has $prov at 10335, recommended" "$PYTHON" -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def table(name, must):
    """The rows of a sheet under its header row, as dicts."""
    head, rows = None, []
    for row in wb[name].iter_rows(values_only=True):
        if head is None:
            if must in row:
                head = list(row)
        elif any(v is not None for v in row):
            rows.append(dict(zip(head, row)))
    return rows
# The costs go on over "Option totals", which repeats the case and option number.
totals = {(r["Case"], r["Option"]): r for r in table("Option totals", "Annual total")}
for r in table("Option analysis", "Provider"):
    if r["Provider"] == sys.argv[2]:
        t = totals.get((r["Case"], r["Option"]), {})
        total, rec = t.get("Annual total"), t.get("Recommended")
        if total is not None and abs(total - 10335) < 0.005 and rec:
            sys.exit(0)
        sys.exit("row found: total %r, recommended %r" % (total, rec))
sys.exit("no row for %s" % sys.argv[2])
' "$TEST_DIR/pack.xlsx" "$prov"
keys "$S" Escape
expect_screen "any key goes back to the case" "$S" "panel case $case_id"

# ---- an unwritable path: refused plainly, nothing written ----
keys "$S" x C-u
keys "$S" -l "$TEST_DIR/no/such/dir/pack.xlsx"
keys "$S" Enter Enter
expect_text "a directory that does not exist: \"The pack was not written: cannot write ...: No such file or directory; nothing was written\"" "$S" \
    "The pack was not written: cannot write $TEST_DIR/no/such/dir/pack.xlsx: the directory $TEST_DIR/no/such/dir: No such file or directory; nothing was written"
[ ! -e "$TEST_DIR/no" ] && ok "and nothing was made" || not_ok "and nothing was made" "$(ls -laR "$TEST_DIR/no")"
keys "$S" Escape
wait_for "$S" "panel case $case_id" 5

# ---- X: the export's form (the shared form runner) ----
keys "$S" X
wait_for "$S" "Write the DMT value-for-money report" 5
keys "$S" Tab Tab C-u
keys "$S" -l "2026-10-31"
expect_screen "the file name follows the last day typed: ~/dmt-report-2026-10-31.xlsx" "$S" "~/dmt-report-2026-10-31.xlsx"
keys "$S" BTab BTab C-u
keys "$S" -l "$TEST_DIR/report.txt"
keys "$S" C-s
if wait_for "$S" "the file's name must end in .xlsx" 5 && screen "$S" | grep -q "Write the DMT value-for-money report" &&
   [ ! -e "$TEST_DIR/report.txt" ]; then
    ok "a file not ending in .xlsx is refused next to File, the form stays open, nothing written"
else
    not_ok "a file not ending in .xlsx is refused next to File, the form stays open, nothing written" "$(screen "$S")"
fi
keys "$S" Escape
wait_for "$S" "Close without saving" 5
keys "$S" y
expect_screen "Esc, y: \"No report written\"" "$S" "No report written"

# ---- X: the DMT report with the dates offered, to ~/ ----
keys "$S" X
expect_screen "X asks for the file and the range (from 1 September)" "$S" "From *  2026-09-01"
keys "$S" Enter Enter Enter
expect_text "Enter x3 writes it to ~/dmt-report-$TODAY.xlsx (HOME expanded)" "$S" \
    "Wrote the DMT report to $TEST_DIR/dmt-report-$TODAY.xlsx" 30
check "openpyxl opens the DMT report" "$PYTHON" -c '
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
sys.exit(0 if "Summary" in wb.sheetnames else "sheets: %s" % wb.sheetnames)
' "$TEST_DIR/dmt-report-$TODAY.xlsx"
keys "$S" Escape
wait_for "$S" "panel case $case_id" 5

# ---- D: the panel's decision ----
keys "$S" D
expect_screen "D opens the decision form, Agreed offered" "$S" "‹ Agreed ›"
# Its panel (listed for $panel_date) has not met yet: the decision is refused,
# naming the panel date (issue 13). Held today instead, it is recorded.
keys "$S" Tab Tab
keys "$S" -l "Agreed: $prov, four sessions a week."
keys "$S" C-s
expect_screen "a decision before the panel has met is refused" "$S" "has not met yet"
keys "$S" S-Tab C-u
keys "$S" -l "today"
keys "$S" C-s
panel_date=$TODAY
# Agreed with a chosen quote: the placement is offered (issue 13).
expect_screen "^S records it and offers the placement from the chosen quote" "$S" \
    "Make the placement from the chosen quote? (y/n)"
keys "$S" y
expect_screen "y makes it: \"Added a proposed placement at ...\"" "$S" "Added a proposed placement at"
got=$(q "select l.status || '|' || l.provider_id || '|' || l.cost_basis || '|' || l.rate
         from placement l where l.panel_case_id = $case_id")
want=$(q "select 'proposed|' || provider_id || '|' || cost_basis || '|' || rate from quote
          where case_id = $case_id and chosen = 1")
[ -n "$got" ] && [ "$got" = "$want" ] && ok "SQLite: one proposed placement from the chosen quote, linked to the case" ||
    not_ok "SQLite: one proposed placement from the chosen quote, linked to the case" "got: $got" "want: $want"
got=$(q "select status || '|' || decision || '|' || panel_date from panel_case where id = $case_id")
if [ "$got" = "agreed|Agreed: $prov, four sessions a week.|$panel_date" ]; then
    ok "SQLite: the case is agreed, with the decision in words and its panel date"
else
    not_ok "SQLite: the case is agreed, with the decision in words and its panel date" "got: $got"
fi
expect_screen "a decided case says its quotations are the record" "$S" "The case is decided: its quotations are the record"
keys "$S" Escape
expect_screen "Esc goes back to the list" "$S" "panel cases │ search"
keys "$S" q
wait_for "$S" "EXIT=" 10
if screen "$S" | grep -q "EXIT=0" && [ ! -s "$TEST_DIR/stderr" ]; then ok "q quits cleanly, nothing on stderr"
else not_ok "q quits cleanly, nothing on stderr" "$(screen "$S")" "$(cat "$TEST_DIR/stderr")"; fi

# ---- A viewer: reads, exports, changes nothing ----
viewer=aptp$$
vname="a viewer's a and c say why not and nothing changes"
skip=""
if [ "$(id -u)" != 0 ]; then skip="not root: cannot make an OS login for the viewer"
elif ! command -v useradd >/dev/null 2>&1; then skip="no useradd on this host"
elif ! command -v runuser >/dev/null 2>&1; then skip="no runuser"
elif ! useradd -M -s /bin/sh "$viewer" 2>"$TEST_DIR/useradd.err"; then skip="useradd failed: $(cat "$TEST_DIR/useradd.err")"
fi
if [ -n "$skip" ]; then
    echo "ok - $vname # SKIP $skip"
    echo "ok - a viewer may write the pack # SKIP $skip"
    echo "ok - and the viewer's pack is there # SKIP $skip"
else
    trap 'cleanup; userdel -f "$viewer" 2>/dev/null' EXIT
    vdir="$TEST_DIR/shared"
    mkdir "$vdir"
    cp "$db" "$vdir/v.db"
    vdb="$vdir/v.db"
    "$APTERM" user add "$viewer" viewer --db "$vdb" >/dev/null
    chmod 755 "$TEST_DIR"
    chmod 777 "$vdir"
    chmod 666 "$vdb"*
    chmod 644 "$APTERM_CONFIG"
    state() { sqlite3 "$vdb" "select count(*) || '/' || sum(version) || '/' || sum(chosen) from quote"; }
    before=$(state)
    V=pview$$
    start "$V" 80x24 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG HOME=$vdir runuser -u $viewer -- $(apterm_for_other_logins) --db $vdb"
    wait_for "$V" "Pupil roll:" 15
    keys "$V" 7
    wait_for "$V" "panel cases" 10
    keys "$V" a
    said=no
    wait_for "$V" "You have the viewer role: you can read but not change anything" 5 && said=yes
    keys "$V" Enter
    wait_for "$V" "Option analysis" 5
    keys "$V" c
    said_c=no
    wait_for "$V" "You have the viewer role: you can read but not change anything" 5 && said_c=yes
    after=$(state)
    if [ $said = yes ] && [ $said_c = yes ] && [ "$after" = "$before" ]; then ok "$vname"
    else not_ok "$vname" "a said: $said, c said: $said_c, quotes/versions/chosen: $before -> $after" "$(screen "$V")"; fi
    keys "$V" x C-u
    keys "$V" -l "$vdir/viewer-pack.xlsx"
    keys "$V" Enter Enter
    expect_text "a viewer may write the pack: \"Wrote the Inclusion Panel pack to $vdir/viewer-pack.xlsx\"" "$V" \
        "Wrote the Inclusion Panel pack to $vdir/viewer-pack.xlsx" 20
    [ -f "$vdir/viewer-pack.xlsx" ] && ok "and the viewer's pack is there" || not_ok "and the viewer's pack is there"
    keys "$V" Escape q
fi
