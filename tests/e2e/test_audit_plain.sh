#!/bin/sh
# Issue 12, the audit of the store itself: every change to an audited table
# lands in audit_log by the store's own triggers, whoever makes it, not only
# through apterm's code. A plain connection from Python's sqlite3 module (with
# the two SQL functions the triggers call, apterm_login and
# apterm_audit_enabled, which apterm defines for its own connections; without
# them such a write is refused, tests/unit/test_store.c) inserts, updates and
# deletes a row of each audited table; each change must add exactly one
# audit_log row, in its own transaction, with the table, the row's key, the
# action, the login and the row's columns before (old_value) and after
# (new_value) as the connection itself read them. The five tables the demo
# leaves empty (what retention keeps, the registers closed) get a row first.
. tests/lib.sh
demo_script "" --pupils 12 --weeks 2

# Python's exit status is the script's: a failure part-way (a traceback)
# fails the script, not only the tables it reached.
"$PYTHON" - "$db" <<'EOF'
import json, sqlite3, sys

con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.create_function("apterm_login", 0, lambda: "sly")
con.create_function("apterm_audit_enabled", 0, lambda: 1)

# The tables apterm leaves out of the audit (db/store.c, table_is_audited; placement_week
# and progress_span are kept tables of migrations 037 and 039, where the store has them).
UNAUDITED = {"audit_log", "attendance_week", "flag_cache", "provider_attended_week", "psp_draft",
             "placement_week", "progress_span"}
tables = [t for (t,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                    "AND name NOT GLOB 'sqlite_*' ORDER BY name") if t not in UNAUDITED]

# Rows for the tables the demo leaves empty.
con.executescript("""
INSERT INTO retained_placement (provider_id, cohort, first_month, last_month) VALUES (1, 'Y9', '2026-09', '2026-11');
INSERT INTO retained_placement_month (placement, month, days, possible, attended, attended_hours)
    VALUES (last_insert_rowid(), '2026-10', 20, 40, 31, 77.5);
INSERT INTO retained_pupil (provider_id, cohort, first_month, last_month) VALUES (2, 'Y10', '2026-09', '2026-10');
INSERT INTO retained_count (month, provider_id, cohort, pupils, sessions, attended) VALUES ('2026-10', 1, 'Y9', 3, 60, 51);
INSERT INTO register_close (day, session, how, marked, closed_by) VALUES ('2026-10-05', 'am', 'manual', 7, 'sly');
""")

failures = 0
def report(name, good, *why):
    global failures
    print(("ok - " if good else "not ok - ") + name)
    if not good:
        failures += 1
        for line in why:
            print("#   " + str(line))

def last_audit():
    return con.execute("SELECT id, login, tbl, row_key, action, old_value, new_value FROM audit_log "
                       "ORDER BY id DESC LIMIT 1").fetchone()

def audit_count():
    return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]

def check(table, action, key, before, after, what):
    """One change made by what(): one audit row, with these old and new values."""
    n = audit_count()
    con.execute("BEGIN")
    what()
    in_tx = audit_count() - n  # seen inside the change's own transaction
    con.execute("COMMIT")
    row = last_audit()
    got_old = json.loads(row[5]) if row[5] is not None else None
    got_new = json.loads(row[6]) if row[6] is not None else None
    good = (in_tx == 1 and audit_count() == n + 1 and row[1] == "sly" and row[2] == table and row[3] == key
            and row[4] == action and got_old == before and got_new == after)
    report(f"a plain connection's {action} of a {table} row is in audit_log with its old and new values", good,
           f"audit rows added: {in_tx} (want 1)", f"got:  {row[1:5]} old={got_old} new={got_new}",
           f"want: sly {table} {key} {action} old={before} new={after}")

for table in tables:
    cols = [c for (c,) in con.execute("SELECT name FROM pragma_table_info(?) ORDER BY cid", (table,))]
    pk = [c for (c,) in con.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,))]
    rowid = con.execute("SELECT wr FROM pragma_table_list(?) WHERE schema = 'main'", (table,)).fetchone()[0] == 0
    keys = pk if pk else ["rowid"]
    where = " AND ".join(f'"{c}" IS ?' if c != "rowid" else "rowid = ?" for c in keys)
    sel = ", ".join(f'"{c}"' for c in cols)
    first = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) if c != "rowid" else "rowid" for c in keys)} '
                        f'FROM "{table}" LIMIT 1').fetchone()
    if first is None:
        report(f"{table} has a row to change", False, "the table is empty")
        continue
    def row(k):
        r = con.execute(f'SELECT {sel} FROM "{table}" WHERE {where}', k).fetchone()
        return dict(zip(cols, r)) if r else None
    def key_text(r, k):
        return "/".join(str(r[c]) for c in pk) if pk else str(k[0])

    # Update: the version raised where there is one (the store insists on it), else
    # the first column that takes a changed value; the old and new rows must differ.
    before = row(first)
    candidates = (["version"] if "version" in cols else []) + [c for c in cols if c not in pk and c != "version"]
    done = None
    for c in candidates:
        for change in (f'"{c}" = "{c}" + 1', f'"{c}" = "{c}" || \'.\''):
            con.execute("SAVEPOINT probe")
            try:
                con.execute(f'UPDATE "{table}" SET {change} WHERE {where}', first)
                if row(first) != before:
                    done = change
            except sqlite3.DatabaseError:
                pass
            con.execute("ROLLBACK TO probe")
            con.execute("RELEASE probe")
            if done:
                break
        if done:
            break
    if not done:
        report(f"a {table} row can be changed", False, "no column took a change")
        continue
    con.execute("BEGIN")
    con.execute(f'UPDATE "{table}" SET {done} WHERE {where}', first)
    after = row(first)
    con.execute("ROLLBACK")
    check(table, "update", key_text(before, first), before, after,
          lambda: con.execute(f'UPDATE "{table}" SET {done} WHERE {where}', first))
    if row(first) != after or after == before:
        report(f"the update of {table} changed the row", False, f"before {before}", f"after {row(first)}")

    # Delete, then insert the same row again (foreign keys are off on a plain connection).
    check(table, "delete", key_text(after, first), after, None,
          lambda: con.execute(f'DELETE FROM "{table}" WHERE {where}', first))
    names = cols + (["rowid"] if rowid and not pk else [])
    values = [after[c] for c in cols] + ([first[0]] if rowid and not pk else [])
    check(table, "insert", key_text(after, first), None, after,
          lambda: con.execute(f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})',
                              values))

report("the store has at least 33 audited tables, each changed above", len(tables) >= 33, f"{len(tables)} tables")
sys.exit(1 if failures else 0)
EOF
