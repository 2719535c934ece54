#!/bin/sh
# Only apterm opens the team's store (issue 10). `make install` into a
# temporary prefix, as root, with a throw-away group and logins; then each
# attack on the store fails and work through apterm still succeeds:
# the sqlite3 shell cannot open the store, its -wal/-shm or its folder
# (reading the chronology, changing audit_log, dropping a trigger to promote
# oneself); LD_PRELOAD does not change the acting login; APTERM_TODAY and
# APTERM_NOW are ignored; --config/APTERM_CONFIG/--db give the group up; every
# export is audited with the login, what and how many pupils, a viewer's too.
# `make uninstall` then leaves the store.
. tests/lib.sh
unset APTERM_NOW # the installed apterm would say it ignores it (tested below)
export LC_ALL=C.UTF-8
# The checkout's apterm (demo data, the other side of a check) keeps the
# empty settings of tests/lib.sh; the installed one must find its own.
CHECKOUT_CONFIG=$APTERM_CONFIG
unset APTERM_CONFIG
checkout() { APTERM_CONFIG=$CHECKOUT_CONFIG "$APTERM" "$@"; }
names="the access tests"

skip=""
if [ "$(id -u)" != 0 ]; then skip="not root: make install, groupadd and useradd need root"
elif ! command -v useradd >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then skip="no useradd or runuser"
elif ! command -v sqlite3 >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then skip="no sqlite3 shell or cc"
fi
# The prefix must be on a file system that honours the set-group-id bit.
root_dir=$TEST_DIR
if [ -z "$skip" ] && findmnt -n -o OPTIONS -T "$root_dir" 2>/dev/null | grep -qw nosuid; then
    root_dir=$(mktemp -d /var/tmp/apterm-access-XXXXXX)
    if findmnt -n -o OPTIONS -T "$root_dir" 2>/dev/null | grep -qw nosuid; then
        skip="both /tmp and /var/tmp are mounted nosuid"
    fi
fi
if [ -n "$skip" ]; then
    echo "ok - $names # SKIP $skip"
    exit 0
fi

G=apg$$ OFF=apo$$ VIEW=apv$$ NOBODY=apn$$
P=$root_dir/inst
BIN=$P/usr/bin/apterm
STATE=$P/var/lib/apterm
STORE=$STATE/apterm.db
ETC=$P/etc
OUT=$root_dir/out
access_cleanup() {
    for u in "$OFF" "$VIEW" "$NOBODY"; do userdel -r "$u" >/dev/null 2>&1; done
    groupdel "$G" >/dev/null 2>&1
    [ "$root_dir" = "$TEST_DIR" ] || rm -rf "$root_dir"
    cleanup
}
trap access_cleanup EXIT
trap "exit 1" HUP INT TERM PIPE   # so that the EXIT trap cleans up when the run is cut short
chmod 755 "$TEST_DIR" "$root_dir"
for u in "$OFF" "$VIEW" "$NOBODY"; do useradd -m -s /bin/sh "$u" || { echo "not ok - useradd $u"; exit 1; }; done
mkdir -p "$OUT" && chmod 1777 "$OUT"

install_args="DESTDIR= PREFIX=$P/usr SYSCONFDIR=$ETC STATEDIR=$STATE APTERM_GROUP=$G"
# shellcheck disable=SC2086
if make --no-print-directory install $install_args >"$TEST_DIR/install.log" 2>&1; then
    ok "make install into a temporary prefix"
else
    not_ok "make install into a temporary prefix" "$(tail -20 "$TEST_DIR/install.log")"
    exit 1
fi
modes=$(stat -c '%a %U:%G' "$BIN" "$STATE" "$ETC/apterm/apterm.ini" "$P/usr/share/man/man1/apterm.1" | tr '\n' ' ')
expected="2755 root:$G 2770 root:$G 644 root:root 644 root:root "
if [ "$modes" = "$expected" ] && getent group "$G" >/dev/null && [ -z "$(getent group "$G" | cut -d: -f4)" ]; then
    ok "installed: the binary set-group-id $G, the store's folder 2770, nobody in the group"
else
    not_ok "installed: the binary set-group-id $G, the store's folder 2770, nobody in the group" \
        "got: $modes" "want: $expected" "group: $(getent group "$G")"
fi
if grep -qx "path = $STORE" "$ETC/apterm/apterm.ini" && grep -qx "group = $G" "$ETC/apterm/apterm.ini"; then
    ok "the installed apterm.ini names the team's store and group"
else
    not_ok "the installed apterm.ini names the team's store and group" "$(grep -n '^path\|^group' "$ETC/apterm/apterm.ini")"
fi
if MANPATH=$P/usr/share/man man -w apterm >/dev/null 2>&1 && groff -man -ww -z "$P/usr/share/man/man1/apterm.1" 2>"$TEST_DIR/groff.err" &&
   [ ! -s "$TEST_DIR/groff.err" ]; then
    ok "man apterm finds the page, which renders without warnings"
else
    not_ok "man apterm finds the page, which renders without warnings" "$(cat "$TEST_DIR/groff.err")"
fi

# An ordinary login cannot make the team's store; root's first user add does.
out=$(runuser -u "$OFF" -- "$BIN" check 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "has not been made yet" && [ ! -e "$STORE" ]; then
    ok "a login cannot make the team's store before root does"
else
    not_ok "a login cannot make the team's store before root does" "$out"
fi
if "$BIN" user add "$OFF" officer >/dev/null && "$BIN" user add "$VIEW" viewer >/dev/null &&
   [ "$(stat -c '%a %G' "$STORE")" = "660 $G" ]; then
    ok "sudo apterm user add makes the store (0660, group $G) and adds the team"
else
    not_ok "sudo apterm user add makes the store (0660, group $G) and adds the team" "$(ls -la "$STATE")"
fi
# Demo data to attack: made by the checkout's apterm, then put in place as the
# team's store would be (root is its admin, as above).
checkout demo --db "$TEST_DIR/demo.db" --pupils 30 --weeks 2 >/dev/null
rm -f "$STORE" "$STORE-wal" "$STORE-shm"
cp "$TEST_DIR/demo.db" "$STORE" && chown "root:$G" "$STORE" && chmod 660 "$STORE"
"$BIN" user add "$OFF" officer >/dev/null && "$BIN" user add "$VIEW" viewer >/dev/null
asroot() { sqlite3 "$STORE" "$1"; }
[ "$(asroot "select count(*) from concern where summary <> ''")" -gt 0 ] || not_ok "the demo store has chronology text"

# ---- 1. the sqlite3 shell cannot read the store ----
denied() { echo "$1" | grep -qi "denied\|unable to open"; }
for who in "$OFF" "$VIEW"; do
    out=$(runuser -u "$who" -- sqlite3 "$STORE" 'select summary from concern' 2>&1)
    if [ $? -ne 0 ] && denied "$out"; then ok "sqlite3 as $who cannot read the chronology"
    else not_ok "sqlite3 as $who cannot read the chronology" "$out"; fi
    out=$(runuser -u "$who" -- sh -c "ls '$STATE'; cat '$STORE-wal' '$STORE-shm' '$STORE'" 2>&1)
    if [ "$(echo "$out" | grep -ci 'permission denied')" -ge 4 ]; then ok "$who cannot list the folder nor read -wal, -shm or the store"
    else not_ok "$who cannot list the folder nor read -wal, -shm or the store" "$out"; fi
    out=$(runuser -u "$who" -- "$BIN" check 2>&1 >/dev/null)
    if echo "$out" | grep -q "^[0-9]* red, [0-9]* amber$" && ! echo "$out" | grep -q "apterm:"; then
        ok "apterm check works for $who"
    else
        not_ok "apterm check works for $who" "$out"
    fi
done
# And the sanity check that the attack works when the store is not protected:
# the same command as root (who may open anything) reads it.
[ -n "$(asroot 'select summary from concern limit 1')" ] && ok "root's sqlite3 reads it (the attack itself works)" ||
    not_ok "root's sqlite3 reads it (the attack itself works)"

# ---- 2. and 3. audit_log and triggers cannot be changed around apterm ----
audit0=$(asroot "select count(*) || '/' || max(id) from audit_log")
for sql in "delete from audit_log" "update audit_log set login = 'nobody'" \
           "insert into audit_log (login, tbl, row_key, action) values ('x', 'x', 'x', 'insert')" \
           "drop trigger audit_app_user_upd; update app_user set role = 'admin', version = version + 1 where login = '$OFF'"; do
    out=$(runuser -u "$OFF" -- sqlite3 "$STORE" "$sql" 2>&1)
    if [ $? -ne 0 ] && denied "$out"; then ok "sqlite3 as $OFF cannot: ${sql%% where*}"
    else not_ok "sqlite3 as $OFF cannot: ${sql%% where*}" "$out"; fi
done
if [ "$(asroot "select count(*) || '/' || max(id) from audit_log")" = "$audit0" ] &&
   [ "$(asroot "select role from app_user where login = '$OFF'")" = officer ] &&
   [ "$(asroot "select count(*) from sqlite_schema where name = 'audit_app_user_upd'")" = 1 ]; then
    ok "the audit log, the trigger and the officer's role are as they were"
else
    not_ok "the audit log, the trigger and the officer's role are as they were"
fi

# ---- 4. LD_PRELOAD cannot fake the login ----
cat > "$TEST_DIR/fake.c" <<'EOF'
#include <pwd.h>
#include <sys/types.h>
static struct passwd root_pw = {"root", "x", 0, 0, "root", "/root", "/bin/sh"};
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
struct passwd *getpwuid(uid_t uid) { (void)uid; return &root_pw; }
EOF
cc -shared -fPIC -o "$TEST_DIR/fake.so" "$TEST_DIR/fake.c" && chmod 755 "$TEST_DIR/fake.so"
faked=$(runuser -u "$VIEW" -- env LD_PRELOAD="$TEST_DIR/fake.so" id -un 2>&1)
[ "$faked" = root ] && ok "the fake library makes a plain program believe it is root" ||
    not_ok "the fake library makes a plain program believe it is root" "$faked"
out=$(runuser -u "$VIEW" -- env LD_PRELOAD="$TEST_DIR/fake.so" "$BIN" user add "$NOBODY" admin 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q "only an admin" &&
   [ -z "$(asroot "select role from app_user where login = '$NOBODY'")" ]; then
    ok "with LD_PRELOAD a viewer still cannot add an admin"
else
    not_ok "with LD_PRELOAD a viewer still cannot add an admin" "$out"
fi
out=$(runuser -u "$VIEW" -- env LD_PRELOAD="$TEST_DIR/fake.so" "$BIN" export panel --out "$OUT/v.xlsx" 2>&1)
who=$(asroot "select login from audit_log where action = 'export' order by id desc limit 1")
if [ "$who" = "$VIEW" ]; then ok "with LD_PRELOAD the audit log names the real login ($VIEW)"
else not_ok "with LD_PRELOAD the audit log names the real login ($VIEW)" "audited as: $who" "$out"; fi

# ---- 5. APTERM_TODAY and APTERM_NOW are ignored ----
real=$(runuser -u "$OFF" -- "$BIN" check 2>/dev/null)
out=$(runuser -u "$OFF" -- env APTERM_TODAY=2031-03-03 APTERM_NOW=08:00 "$BIN" check 2>&1 >"$TEST_DIR/faked.txt")
if [ "$(cat "$TEST_DIR/faked.txt")" = "$real" ] && echo "$out" | grep -q "APTERM_TODAY is ignored" &&
   echo "$out" | grep -q "APTERM_NOW is ignored"; then
    ok "the installed apterm ignores APTERM_TODAY and APTERM_NOW, and says so"
else
    not_ok "the installed apterm ignores APTERM_TODAY and APTERM_NOW, and says so" "$out"
fi
# The other side: the checkout's apterm does take APTERM_TODAY (the check can fail).
cp "$STORE" "$TEST_DIR/copy.db"
a=$(checkout check --db "$TEST_DIR/copy.db" 2>/dev/null)
b=$(APTERM_TODAY=2031-03-03 checkout check --db "$TEST_DIR/copy.db" 2>/dev/null)
[ "$a" != "$b" ] && ok "the checkout's apterm does honour APTERM_TODAY" || not_ok "the checkout's apterm does honour APTERM_TODAY"
mark=$(asroot "select p.upn || ' ' || date(m.day * 86400, 'unixepoch') || ' ' || m.session || ' ' || m.code from attendance_mark m join pupil p on p.id = m.pupil_id
               where m.code in ('/', '\\') order by m.day desc limit 1")
set -- $mark
out=$(runuser -u "$OFF" -- env APTERM_TODAY=2020-01-06 "$BIN" mark --upn "$1" --date "$2" --session "$3" --code "$4" --replace 2>&1)
stamp=$(asroot "select substr(at, 1, 10) || ' ' || login from audit_log where tbl = 'attendance_mark' order by id desc limit 1")
if [ "$stamp" = "$(date -u +%F) $OFF" ]; then ok "a mark's audit row has the real date and the officer's login"
else not_ok "a mark's audit row has the real date and the officer's login" "audit: $stamp" "$out"; fi

# ---- 6. a user's --config, APTERM_CONFIG or --db cannot reach the shared store ----
home=$(getent passwd "$OFF" | cut -d: -f6)
printf '[store]\npath = %s\n' "$STORE" > "$home/evil.ini"
chown "$OFF" "$home/evil.ini"
for how in "--config $home/evil.ini" "APTERM_CONFIG=$home/evil.ini" "--db $STORE"; do
    case $how in
        APTERM_CONFIG=*) out=$(runuser -u "$OFF" -- env "$how" "$BIN" check 2>&1) ;;
        *) out=$(runuser -u "$OFF" -- "$BIN" check $how 2>&1) ;;
    esac
    if [ $? -ne 0 ] && echo "$out" | grep -q "without access to the team's store" && denied "$out"; then
        ok "$how gives the group up: the shared store cannot be opened"
    else
        not_ok "$how gives the group up: the shared store cannot be opened" "$out"
    fi
done
own=$(runuser -u "$OFF" -- sh -c "cd '$home' && '$BIN' demo --db own.db --pupils 5 --weeks 1 2>&1 && stat -c '%U:%G' own.db")
if echo "$own" | grep -qx "$OFF:$(id -gn "$OFF")"; then ok "--db on the user's own store works, as the user's own file"
else not_ok "--db on the user's own store works, as the user's own file" "$own"; fi
out=$(runuser -u "$OFF" -- "$BIN" export marks --from 2000-01-01 --to 2100-01-01 --out "$STORE" 2>&1)
if [ $? -ne 0 ] && [ "$(asroot 'pragma integrity_check')" = ok ]; then
    ok "an export aimed at the store itself is refused (the store is intact)"
else
    not_ok "an export aimed at the store itself is refused (the store is intact)" "$out"
fi

# ---- 7. exports are audited: who, what, how many pupils ----
before=$(asroot "select count(*) from audit_log where action = 'export'")
runuser -u "$OFF" -- "$BIN" export marks --from 2000-01-01 --to 2100-01-01 --out "$OUT/m.csv" >/dev/null 2>&1
runuser -u "$VIEW" -- "$BIN" export dmt --from 2024-01-01 --to 2030-12-31 --out "$OUT/d.xlsx" >/dev/null 2>&1
pupils=$(asroot "select count(distinct pupil_id) from attendance_mark")
got=$(asroot "select login || ' ' || row_key || ' ' || json_extract(new_value, '\$.file') || ' ' || json_extract(new_value, '\$.pupils')
              from audit_log where action = 'export' order by id desc limit 2" | sort)
want=$(printf '%s\n' "$OFF marks $OUT/m.csv $pupils" "$VIEW dmt $OUT/d.xlsx" | sort)
if [ "$(asroot "select count(*) from audit_log where action = 'export'")" = $((before + 2)) ] &&
   echo "$got" | grep -qx "$OFF marks $OUT/m.csv $pupils" && echo "$got" | grep -q "^$VIEW dmt $OUT/d.xlsx [0-9]"; then
    ok "CLI exports write audit rows: login, kind, file, pupils (a viewer's too)"
else
    not_ok "CLI exports write audit rows: login, kind, file, pupils (a viewer's too)" "got: $got" "want: $want"
fi

# A pane export in the terminal, as the viewer: the TUI works after the group is given up.
start acc 100x30 "runuser -u $VIEW -- $BIN"
if wait_for acc "Pupil roll:" 15; then
    ok "the installed apterm opens full screen for a viewer"
    keys acc 7
    wait_for acc "Inclusion Panel" 5
    keys acc x
    if wait_for acc "File" 5; then
        keys acc C-u "$OUT/pane.xlsx" Tab Enter
        wait_for acc "Wrote the Inclusion Panel pack" 15
    fi
    n=$(asroot "select count(*) from audit_log where action = 'export' and login = '$VIEW' and json_extract(new_value, '\$.file') = '$OUT/pane.xlsx'")
    if [ "$n" = 1 ]; then ok "the pane's pack export is audited with the viewer's login"
    else not_ok "the pane's pack export is audited with the viewer's login" "$(screen acc)"; fi
    keys acc q
else
    not_ok "the installed apterm opens full screen for a viewer" "$(screen acc)"
fi

# ---- make uninstall leaves the store ----
# shellcheck disable=SC2086
out=$(make --no-print-directory uninstall $install_args 2>&1)
if [ ! -e "$BIN" ] && [ ! -e "$P/usr/share/man/man1/apterm.1" ] && [ ! -e "$ETC/apterm/apterm.ini" ] &&
   [ -f "$STORE" ] && [ "$(stat -c '%a' "$STATE")" = 2770 ] && echo "$out" | grep -q "left as they are"; then
    ok "make uninstall removes the binary, man page and config, and leaves the store"
else
    not_ok "make uninstall removes the binary, man page and config, and leaves the store" "$out" "$(ls -laR "$P")"
fi
