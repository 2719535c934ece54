#!/bin/sh
# The pupil roll (tab 1) in a real terminal (tmux) on a demo store: every pane
# opens cleanly; add (a Welsh name, a valid UPN), a bad UPN refused, edit;
# resize to 80x24 and back; q gives the terminal back; and a viewer (another
# OS login) can read but not change anything. Search, sort and filter, which
# only change what the screen shows, are golden screens
# (tests/golden/scripts/roll_list.keys).
. tests/lib.sh
pane_script 2026-11-20 roll --pupils 60 --weeks 4  # sed and wc below read UTF-8
me=$(id -un)
S=roll$$
on_roll_sql="(end_date IS NULL OR end_date >= '$TODAY')"
n_roll=$(q "select count(*) from pupil where $on_roll_sql")

# unaccent: lower case without the accents Welsh (and the demo's other) names carry, stdin to stdout.
unaccent() {
    sed 'y/ÂÊÎÔÛŴŶÄËÏÖÜẄŸÁÉÍÓÚẂÝÀÈÌÒÙẀỲâêîôûŵŷäëïöüẅÿáéíóúẃýàèìòùẁỳ/AEIOUWYAEIOUWYAEIOUWYAEIOUWYaeiouwyaeiouwyaeiouwyaeiouwy/' |
        tr 'A-Z' 'a-z'
}

start "$S" 120x40 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $APTERM --db $db"
expect_screen "the roll opens with its title: $n_roll on roll, sorted by name" "$S" \
    "Pupil roll: $n_roll on roll · sorted by name ▲"
tabbar=$(screen_line "$S" 1)

# ---- Every pane opens, shows its title or placeholder, and leaves no garbage ----
prev_body=$(screen "$S" | sed '1d;$d' | sed '$d')
for k in 2 3 4 5 6 7 1; do
    case $k in
    # What the body shows: a built pane's title, or the placeholder naming it.
    1) title="Roll" want="Pupil roll: $n_roll on roll" ;;
    2) title="Providers" want="providers │ by" ;;
    3) title="Attendance" want="Attendance|expected" ;;
    4) title="QA" want="QA|visit|Stage 1" ;;
    5) title="PSP" want="PSP|Pastoral" ;;
    6) title="Tracking" want="Tracking|Week of" ;;
    7) title="Panel" want="Panel|case" ;;
    esac
    name="pane $k ($title) opens with its title, the tab bar intact and no garbage"
    keys "$S" "$k"
    found=no
    tries=0
    while [ $tries -lt 50 ]; do
        # The body: below the tab bar, above the hint and status lines.
        if screen "$S" | sed '1d;$d' | sed '$d' | grep -qiE -- "$want"; then found=yes; break; fi
        sleep 0.1
        tries=$((tries + 1))
    done
    if [ $found = no ]; then
        not_ok "$name" "the body lacks \"$want\"" "$(screen "$S")"
        continue
    fi
    shot=$(settled_screen "$S")
    first=$(printf '%s\n' "$shot" | sed -n 1p)
    body=$(printf '%s\n' "$shot" | sed '1d;$d' | sed '$d')
    diff=$(redraw_diff "$S")
    if [ "$body" = "$prev_body" ]; then
        not_ok "$name" "the body is the previous pane's" "$shot"
    elif [ "$first" != "$tabbar" ]; then
        not_ok "$name" "the top line is not the tab bar: \"$first\"" "$shot"
    elif [ -n "$diff" ]; then
        not_ok "$name" "the screen differs from a full repaint (Ctrl-L): leftovers of the screen before" "$diff"
    else
        ok "$name"
    fi
    prev_body=$body
done

# ---- A pupil with a diacritic in the forename, edited below ----
# (The search, sort and filter keys are in the golden screens:
# tests/golden/scripts/roll_list.keys.)
pick=$(q "select id || '|' || legal_forename || ' ' || legal_surname || '|' || upn || '|' || version from pupil
          where $on_roll_sql and preferred_name = '' and legal_forename glob '*[^ -~]*' order by id limit 1")
pid=${pick%%|*}; rest=${pick#*|}
pname=${rest%%|*}; rest=${rest#*|}
pupn=${rest%%|*}; pversion=${rest#*|}
forename=${pname%% *}
frag=$(printf '%s\n' "$forename" | unaccent)
if [ -z "$pick" ] || [ "$frag" = "$(printf '%s' "$forename" | tr 'A-Z' 'a-z')" ]; then
    not_ok "the demo store has a pupil with a diacritic in the forename" "picked: $pick"
fi

# ---- Add a pupil with a Welsh name and a valid UPN ----
fore="Gwenllïan" sur="Llŷr-Prydderch"
digits=690200699001
good=$(upn_check $digits)$digits
keys "$S" a
wait_for "$S" "New pupil" 5
keys "$S" "$fore" Tab "$sur" Tab Tab "2012-03-04" Tab Tab "$good"
wait_for "$S" "✓ a valid UPN" 5 && wait_for "$S" "Year 10 in 2026/27" 1
screen_ok $? "the form shows the year group from the date of birth and accepts the UPN's check letter" "$S"
keys "$S" C-s
expect_screen "Ctrl-S adds the pupil: \"Added $fore $sur to the roll\"" "$S" "Added $fore $sur to the roll"
wait_for "$S" "Pupil roll: $((n_roll + 1)) on roll" 5 && screen "$S" | grep -q "^▶$fore $sur  *Y10 "
screen_ok $? "the new pupil's row is on screen, under the cursor, name intact" "$S"
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
row=$(q "select lower(hex(legal_forename)) || ' ' || lower(hex(legal_surname)) || ' ' || dob || ' ' || version || ' ' || updated_by
         from pupil where upn = '$good'")
want_row="$(hex "$fore") $(hex "$sur") 2012-03-04 1 $me"
expect_equal "the new row in SQLite has the name's bytes intact, the date of birth and the login" "$row" "$want_row"

# ---- A bad UPN (wrong check letter) is refused, naming the problem, and nothing is saved ----
digits2=690200699002
right=$(upn_check $digits2)
wrong=Y
[ "$right" = Y ] && wrong=A
count_before=$(q "select count(*) from pupil")
keys "$S" a
wait_for "$S" "New pupil" 5
keys "$S" "Rhodri" Tab "Ap Iorwerth" Tab Tab "2011-10-01" Tab Tab "$wrong$digits2"
keys "$S" C-s
wait_for "$S" "Not saved: UPN: UPN check letter should be $right" 5 &&
    wait_for "$S" "! UPN check letter should be $right, not $wrong" 1
screen_ok $? "a wrong check letter is refused: \"UPN check letter should be $right, not $wrong\"" "$S"
keys "$S" Escape
wait_for "$S" "Close without saving your changes? (y/n)" 5
keys "$S" y
wait_for "$S" "Closed without saving" 5
count_after=$(q "select count(*) from pupil")
bad_rows=$(q "select count(*) from pupil where upn like '%$digits2'")
if [ "$count_after" = "$count_before" ] && [ "$bad_rows" = 0 ] && screen "$S" | grep -qF "Pupil roll: $((n_roll + 1)) on roll"; then
    ok "after the refused UPN nothing was saved (still $count_after pupils)"
else
    not_ok "after the refused UPN nothing was saved" "pupils $count_before -> $count_after, rows with the bad UPN: $bad_rows" "$(screen "$S")"
fi

# ---- Edit a pupil: the preferred name ----
keys "$S" /
wait_for "$S" "Search:" 5
keys "$S" "$pupn" Enter
wait_for "$S" "Search “$pupn”: 1 pupil matches" 5
keys "$S" e
expect_screen "e opens \"Edit pupil: $pname\"" "$S" "Edit pupil: $pname"
pref="$forename Bach"
surname=${pname#* }
keys "$S" Tab Tab C-u "$pref" C-s
expect_screen "Ctrl-S saves the edit: \"Saved $pref $surname\"" "$S" "Saved $pref $surname"
wait_for "$S" "▶$pref $surname" 5
screen_ok $? "the roll shows the pupil by the new preferred name" "$S"
expect_saved "SQLite has the new preferred name, the version one up and updated_by $me" pupil "$pid" preferred_name \
    "$pref" "$pversion"
keys "$S" Escape
wait_for "$S" "Pupil roll: $((n_roll + 1)) on roll ·" 5

# ---- A search typed past its field's 127 characters: the key is refused, naming the field ----
keys "$S" /
wait_for "$S" "Search:" 5
keys "$S" -l "$(printf '%126s' '' | tr ' ' z)"
keys "$S" -l y
wait_for "$S" "zzzy" 5 && screen_lacks "$S" "the field is full"
screen_ok $? "127 characters fit in the search (the 127th shown): nothing refused" "$S"
keys "$S" -l z
wait_for "$S" "Search: the field is full (127 characters)" 5
screen_ok $? "the 128th character is refused, naming the field: \"Search: the field is full (127 characters)\"" "$S"
keys "$S" Escape
wait_for "$S" "Pupil roll: $((n_roll + 1)) on roll ·" 5 && wait_gone "$S" "No pupil matches" 5
screen_ok $? "Esc clears the refused search and the roll is whole again" "$S"

# ---- Resize to 80x24 and back ----
# check_drawn COLS ROWS: the roll is drawn whole at that size.
check_drawn() {
    name="resized to $1x$2: the roll is drawn within the width, status line present, no garbage"
    if ! wait_until 5 sh -c "[ \"\$(tmux -S '$TMUX_SOCKET' display -p -t '$S' '#{window_width}x#{window_height}')\" = '$1x$2' ]"; then
        not_ok "$name" "tmux did not resize the window"
        return
    fi
    wait_for "$S" "Pupil roll: $((n_roll + 1)) on roll" 5
    shot=$(settled_screen "$S")
    widest=$(printf '%s\n' "$shot" | wc -L)
    nlines=$(printf '%s\n' "$shot" | wc -l)
    top=$(printf '%s\n' "$shot" | sed -n 1p)
    title=$(printf '%s\n' "$shot" | sed -n 2p)
    status=$(printf '%s\n' "$shot" | sed -n "${2}p")
    diff=$(redraw_diff "$S")
    if printf '%s\n' "$shot" | grep -q "EXIT="; then
        not_ok "$name" "apterm ended" "$shot"
    elif [ "$widest" -gt "$1" ] || [ "$nlines" -gt "$2" ]; then
        not_ok "$name" "a line is $widest columns wide / $nlines lines" "$shot"
    elif ! printf '%s' "$top" | grep -q "^ 1 Roll  2 Providers  3 Attendance"; then
        not_ok "$name" "the top line is not the tab bar" "$shot"
    elif ! printf '%s' "$title" | grep -q "^ Pupil roll: $((n_roll + 1)) on roll"; then
        not_ok "$name" "the second line is not the roll's title" "$shot"
    elif ! printf '%s' "$status" | grep -q "red ~[0-9]* amber"; then
        not_ok "$name" "the last line is not the status line" "$shot"
    elif [ -n "$diff" ]; then
        not_ok "$name" "the screen differs from a full repaint" "$diff"
    else
        ok "$name"
    fi
}
tm set-option -t "$S" window-size manual >/dev/null 2>&1
tm resize-window -t "$S" -x 80 -y 24
check_drawn 80 24
tm resize-window -t "$S" -x 120 -y 40
check_drawn 120 40
head=$(screen_line "$S" 4)
hw=$(printf '%s\n' "$head" | wc -L)
[ "$hw" -gt 100 ] && ok "back at 120 columns the roll's columns use the width again" ||
    not_ok "back at 120 columns the roll's columns use the width again" "heading line is $hw wide: $head"

# ---- q restores the terminal ----
keys "$S" q
expect_screen "q quits with exit status 0" "$S" "EXIT=0"
alt=$(tm display -p -t "$S" '#{alternate_on} #{cursor_flag}')
[ "$alt" = "0 1" ] && ok "after q the alternate screen is off and the cursor shown" ||
    not_ok "after q the alternate screen is off and the cursor shown" "alternate_on cursor_flag: $alt"

# ---- The viewer role: another OS login, reading only ----
viewer=aptv$$
vname="a viewer (OS login $viewer) sees the roll with the viewer role"
skip=""
if [ "$(id -u)" != 0 ]; then skip="not root: cannot make an OS login for the viewer"
elif ! command -v useradd >/dev/null 2>&1; then skip="no useradd on this host"
elif ! command -v runuser >/dev/null 2>&1 && ! command -v su >/dev/null 2>&1; then skip="neither runuser nor su"
elif ! useradd -M -s /bin/sh "$viewer" 2>"$TEST_DIR/useradd.err"; then skip="useradd failed: $(cat "$TEST_DIR/useradd.err")"
fi
if [ -n "$skip" ]; then
    echo "ok - $vname # SKIP $skip"
    echo "ok - the viewer's a says why not and nothing changes # SKIP $skip"
else
    trap 'cleanup; userdel -f "$viewer" 2>/dev/null' EXIT
    vdir="$TEST_DIR/shared"
    mkdir "$vdir"
    vdb="$vdir/viewer.db"
    "$APTERM" demo --db "$vdb" --pupils 30 --weeks 2 >/dev/null
    "$APTERM" user add "$viewer" viewer --db "$vdb" >/dev/null
    chmod 755 "$TEST_DIR"
    chmod 777 "$vdir"
    chmod 666 "$vdb"*
    chmod 644 "$APTERM_CONFIG"
    vcount=$(sqlite3 "$vdb" "select count(*) || '/' || max(version) || '/' || (select count(*) from audit_log) from pupil")
    if command -v runuser >/dev/null 2>&1; then as="runuser -u $viewer --"; else as="su $viewer -s /bin/sh -c"; fi
    V=view$$
    if [ "$as" = "su $viewer -s /bin/sh -c" ]; then
        start "$V" 120x40 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $as '$(apterm_for_other_logins) --db $vdb'"
    else
        start "$V" 120x40 "APTERM_TODAY=$TODAY APTERM_CONFIG=$APTERM_CONFIG $as $(apterm_for_other_logins) --db $vdb"
    fi
    # The store is open to every login here (0666), so apterm first says so on
    # the status line; Ctrl-L clears the message and shows the login again.
    wait_for "$V" "can be read by other users" 10 && keys "$V" C-l
    wait_for "$V" "Pupil roll: " 10 && wait_for "$V" "$viewer (viewer)" 3
    screen_ok $? "$vname" "$V"
    keys "$V" a
    said=no
    wait_for "$V" "You have the viewer role: you can read but not change anything" 5 && said=yes
    formed=no
    screen "$V" | grep -q "New pupil" && formed=yes
    keys "$V" e
    sleep 0.3
    screen "$V" | grep -q "Edit pupil" && formed=yes
    keys "$V" q
    wait_for "$V" "EXIT=" 5
    vafter=$(sqlite3 "$vdb" "select count(*) || '/' || max(version) || '/' || (select count(*) from audit_log) from pupil")
    if [ $said = yes ] && [ $formed = no ] && [ "$vafter" = "$vcount" ]; then
        ok "the viewer's a says why not and nothing changes"
    else
        not_ok "the viewer's a says why not and nothing changes" "message shown: $said, a form opened: $formed" \
            "pupils/max version/audit rows: $vcount -> $vafter" "$(screen "$V")"
    fi
fi
