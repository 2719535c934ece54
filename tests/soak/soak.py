"""make soak: faults and load against the real binary and a real store.

Run by tests/soak/soak.sh (see there for the knobs). Two parts share the
budget of SOAK_SECONDS:

1. kill -9 at a random moment during `apterm mark --file` (files of a few
   hundred marks, each with its own note) and during `apterm export
   marks|panel|dmt`; after each: the store passes PRAGMA integrity_check, the
   file's marks are all in the store or none are, its audit rows are as many
   as its marks in the store, the export's target (made whole before) is
   still whole, and the next export to that folder leaves no file named
   ".TARGET..." beside it.
2. SOAK_WRITERS writers run `apterm mark` on triples (pupil, date, session)
   of their own while SOAK_READERS readers loop `apterm check` and the
   exports; then no acknowledged mark is lost (each is in the audit log and
   the last one of each triple is in the store) and no write failed. The
   write latency (p50, p99) is printed as a figure, not asserted.

Prints one line per test, "ok - NAME" or "not ok - NAME" (with "#" lines
saying why), figures as "# name: value", and "N passed, N failed" last.
"""

import csv
import datetime
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

APTERM = os.environ.get("APTERM", "./apterm")
SECONDS = float(os.environ.get("SOAK_SECONDS", "180"))
PUPILS = int(os.environ.get("SOAK_PUPILS", "300"))
WRITERS = int(os.environ.get("SOAK_WRITERS", "8"))
READERS = int(os.environ.get("SOAK_READERS", "4"))
SEED = int(os.environ.get("SOAK_SEED") or time.time_ns() % 1000000)
FILE_MARKS = int(os.environ.get("SOAK_FILE_MARKS", "300"))
TODAY = "2026-11-27"  # a Friday in the autumn term of data/terms.csv
MARKS_FROM, MARKS_TO = "2026-11-16", "2026-11-27"
DMT_FROM = "2026-11-02"
HEADER = ("date,session,upn,surname,forename,code,meaning,reported_code,provider,source,note,"
          "recorded_by,recorded_at")

passed = 0
failed = 0


def ok(name):
    global passed
    passed += 1
    print(f"ok - {name}", flush=True)


def not_ok(name, *why):
    global failed
    failed += 1
    print(f"not ok - {name}", flush=True)
    for line in why:
        for part in str(line).splitlines() or [""]:
            print(f"#   {part}", flush=True)


def check(name, cond, *why):
    if cond:
        ok(name)
    else:
        not_ok(name, *why)
    return cond


def figure(name, value):
    print(f"# {name}: {value}", flush=True)


class Soak:
    def __init__(self, work):
        self.work = work
        self.db = os.path.join(work, "soak.db")
        self.env = dict(os.environ)
        self.env["APTERM_TODAY"] = TODAY
        self.env["APTERM_CONFIG"] = os.path.join(work, "apterm.ini")
        self.env["LC_ALL"] = "C.UTF-8"
        with open(self.env["APTERM_CONFIG"], "w", encoding="utf-8"):
            pass
        self.rng = random.Random(SEED)

    def cmd(self, *args):
        return [APTERM, *args, "--db", self.db]

    def run(self, *args, timeout=120):
        return subprocess.run(self.cmd(*args), env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def sql(self, query, params=()):
        """A read-only look at the store, as another process would have."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(query, params).fetchall()
        finally:
            con.close()

    def setup(self):
        r = self.run("demo", "--pupils", str(PUPILS), "--weeks", "6", "--seed", "1", timeout=600)
        if r.returncode != 0:
            not_ok(f"a demo store of {PUPILS} pupils is made", r.stdout + r.stderr)
            return False
        self.upn = dict(self.sql("SELECT id, upn FROM pupil ORDER BY id"))
        closed = {d for (d,) in self.sql("SELECT day FROM closure")}
        marked = {d for (d,) in self.sql("SELECT DISTINCT date(day * 86400, 'unixepoch') FROM attendance_mark")}
        days = []
        for start, end in self.sql("SELECT start_date, end_date FROM term ORDER BY start_date"):
            d = datetime.date.fromisoformat(start)
            last = min(datetime.date.fromisoformat(end), datetime.date.fromisoformat(TODAY))
            while d <= last:
                iso = d.isoformat()
                if d.weekday() < 5 and iso not in closed and iso not in marked:
                    days.append(iso)
                d += datetime.timedelta(days=1)
        # Triples no mark of the demo is on: school days before today that it left unmarked.
        self.triples = [(p, day, sess) for day in days for p in sorted(self.upn) for sess in ("am", "pm")]
        figure("store", f"{PUPILS} pupils, {len(days)} unmarked school days, {len(self.triples)} free sessions")
        # The first half for the files of part 1, the second for the writers of part 2.
        half = len(self.triples) // 2
        self.file_triples, self.write_triples = self.triples[:half], self.triples[half:]
        return len(self.file_triples) >= FILE_MARKS * 2 and len(self.write_triples) >= WRITERS

    # ---- 1. kill -9 ---------------------------------------------------------------------------

    def integrity(self):
        return self.sql("PRAGMA integrity_check")

    def mark_file(self, n, triples):
        path = os.path.join(self.work, f"marks-{n}.csv")
        note = f"soak file {n}."
        codes = ["/", "\\", "I", "M", "B"]
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["date", "session", "upn", "code", "note", "source"])
            for pupil, day, sess in triples:
                code = self.rng.choice(codes)
                if code in "/\\":
                    code = "/" if sess == "am" else "\\"
                w.writerow([day, sess, self.upn[pupil], code, note, "phone"])
        return path, note

    def count_note(self, note):
        """Marks in the store with this note, and audit rows that wrote it."""
        marks = self.sql("SELECT count(*) FROM attendance_mark WHERE note = ?", (note,))[0][0]
        audit = self.sql("SELECT count(*) FROM audit_log WHERE tbl = 'attendance_mark' AND action IN "
                         "('insert', 'update') AND json_extract(new_value, '$.note') = ?", (note,))[0][0]
        return marks, audit

    def killed(self, args, delay):
        """Runs apterm with args, sends SIGKILL after delay seconds; True when it was killed."""
        p = subprocess.Popen(self.cmd(*args), env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
        p.wait()
        return p.returncode == -signal.SIGKILL

    def timed(self, *args):
        t = time.monotonic()
        r = self.run(*args)
        return time.monotonic() - t, r

    def target_whole(self, kind, path):
        """'' when the file at path is a whole export, else what is wrong."""
        if not os.path.exists(path):
            return f"{path} is gone"
        if kind == "marks":
            with open(path, encoding="utf-8-sig", newline="") as f:
                text = f.read()
            if not text.startswith(HEADER + "\n") and not text.startswith(HEADER + "\r\n"):
                return f"{path} does not start with the header"
            if not text.endswith("\n"):
                return f"{path} does not end with a whole line"
            width = HEADER.count(",") + 1
            for i, row in enumerate(csv.reader(text.splitlines(True)), 1):
                if len(row) != width:
                    return f"{path} line {i} has {len(row)} fields, not {width}"
            return ""
        try:
            import openpyxl  # pylint: disable=import-outside-toplevel
            wb = openpyxl.load_workbook(path, read_only=True)
            sheets = wb.sheetnames
            wb.close()
            return "" if sheets else f"{path} has no sheets"
        except Exception as e:  # noqa: BLE001 - any failure to open is the finding
            return f"openpyxl cannot open {path}: {e}"

    def strays(self, folder, target):
        return sorted(f for f in os.listdir(folder) if f.startswith("." + target))

    def kill_phase(self, deadline):
        next_triple = 0
        # An uninterrupted import and each export, to know how long they take.
        path, note = self.mark_file(0, self.file_triples[:FILE_MARKS])
        t_import, r = self.timed("mark", "--file", path)
        next_triple = FILE_MARKS
        marks, audit = self.count_note(note)
        check(f"an uninterrupted mark --file of {FILE_MARKS} marks records each, with one audit row each",
              r.returncode == 0 and marks == FILE_MARKS and audit == FILE_MARKS,
              f"exit {r.returncode}: {r.stderr.strip()}", f"{marks} marks and {audit} audit rows with its note")
        exports = {
            "marks": ("export", "marks", "--from", MARKS_FROM, "--to", MARKS_TO, "--out"),
            "panel": ("export", "panel", "--out"),
            "dmt": ("export", "dmt", "--from", DMT_FROM, "--to", TODAY, "--out"),
        }
        ext = {"marks": "csv", "panel": "xlsx", "dmt": "xlsx"}
        t_export = {}
        for kind, args in exports.items():
            folder = os.path.join(self.work, f"out-{kind}")
            os.mkdir(folder)
            target = os.path.join(folder, f"{kind}.{ext[kind]}")
            t_export[kind], r = self.timed(*args, target)
            if r.returncode != 0:
                not_ok(f"export {kind} runs", r.stderr)
                return
        figure("uninterrupted_s", f"mark --file {t_import:.3f}, " +
               ", ".join(f"export {k} {v:.3f}" for k, v in t_export.items()))

        stats = {"imports": 0, "killed_imports": 0, "partial": 0, "audit_mismatch": 0, "integrity": 0,
                 "exports": 0, "killed_exports": 0, "broken_targets": 0, "kills_leaving_one": 0,
                 "strays_after": 0, "export_failed": 0, "wrapped": 0}
        problems = []
        n = 0
        while time.monotonic() < deadline:
            n += 1
            if n % 2:
                if next_triple + FILE_MARKS > len(self.file_triples):
                    next_triple = 0
                    stats["wrapped"] += 1
                triples = self.file_triples[next_triple:next_triple + FILE_MARKS]
                next_triple += FILE_MARKS
                path, note = self.mark_file(n, triples)
                args = ["mark", "--file", path] + (["--replace"] if stats["wrapped"] else [])
                was_killed = self.killed(args, self.rng.uniform(0, t_import * 1.2))
                stats["imports"] += 1
                stats["killed_imports"] += was_killed
                marks, audit = self.count_note(note)
                if marks not in (0, FILE_MARKS):
                    stats["partial"] += 1
                    problems.append(f"file {n}: {marks} of {FILE_MARKS} marks in the store")
                if audit != marks:
                    stats["audit_mismatch"] += 1
                    problems.append(f"file {n}: {marks} marks but {audit} audit rows")
                if not was_killed and marks != FILE_MARKS:
                    problems.append(f"file {n}: not killed, yet {marks} of {FILE_MARKS} marks recorded")
                    stats["partial"] += 1
            else:
                kind = ("marks", "panel", "dmt")[(n // 2) % 3]
                folder = os.path.join(self.work, f"out-{kind}")
                name = f"{kind}.{ext[kind]}"
                target = os.path.join(folder, name)
                there = set(self.strays(folder, name))
                was_killed = self.killed([*exports[kind], target], self.rng.uniform(0, t_export[kind] * 1.2))
                stats["exports"] += 1
                stats["killed_exports"] += was_killed
                stats["kills_leaving_one"] += bool(set(self.strays(folder, name)) - there)
                wrong = self.target_whole(kind, target)
                if wrong:
                    stats["broken_targets"] += 1
                    problems.append(f"export {kind} killed: {wrong}")
                r = self.run(*exports[kind], target)
                if r.returncode != 0:
                    stats["export_failed"] += 1
                    problems.append(f"export {kind} after a kill: exit {r.returncode}: {r.stderr.strip()}")
                left = self.strays(folder, name)
                if left:
                    stats["strays_after"] += 1
                    if stats["strays_after"] <= 3:
                        problems.append(f"after the next export {kind}: left in {folder}: {' '.join(left)}")
                wrong = self.target_whole(kind, target)
                if wrong:
                    stats["broken_targets"] += 1
                    problems.append(f"export {kind} after a kill: {wrong}")
            if n % 10 == 0 or time.monotonic() >= deadline:
                res = self.integrity()
                if res != [("ok",)]:
                    stats["integrity"] += 1
                    problems.append(f"integrity_check after run {n}: {res[:5]}")
        figure("kill_runs", ", ".join(f"{k} {v}" for k, v in stats.items()))
        res = self.integrity()
        check(f"PRAGMA integrity_check is ok after each of {n} runs killed at random (every 10th and the last)",
              stats["integrity"] == 0 and res == [("ok",)], *[p for p in problems if "integrity" in p], res)
        check(f"each of {stats['imports']} mark --file runs ({stats['killed_imports']} killed) recorded all of its "
              f"{FILE_MARKS} marks or none",
              stats["partial"] == 0, *[p for p in problems if "marks in the store" in p or "not killed" in p][:10])
        check("audit rows = marks written, for every file", stats["audit_mismatch"] == 0,
              *[p for p in problems if "audit rows" in p][:10])
        check(f"after {stats['exports']} exports ({stats['killed_exports']} killed) each target is still a whole "
              "file (the CSV has its header and whole lines; openpyxl opens the workbook)",
              stats["broken_targets"] == 0, *[p for p in problems if "killed:" in p or "after a kill:" in p][:10])
        check("the export after each kill succeeds", stats["export_failed"] == 0,
              *[p for p in problems if "exit" in p][:10])
        check("the next export to a folder leaves no \".TARGET...\" temporary file there "
              f"({stats['kills_leaving_one']} of {stats['killed_exports']} kills left one)", stats["strays_after"] == 0,
              *[p for p in problems if "left in" in p])

    # ---- 2. writers and readers ---------------------------------------------------------------

    def load_phase(self, deadline):
        start_audit = self.sql("SELECT coalesce(max(id), 0) FROM audit_log")[0][0]
        pool = self.write_triples
        results = [[] for _ in range(WRITERS)]   # (note, triple, ok, seconds, message)
        reader_fail = []
        reader_runs = [0] * READERS
        stop = threading.Event()

        def writer(w):
            mine = pool[w::WRITERS]
            i = 0
            rng = random.Random(SEED * 100 + w)
            while not stop.is_set() and time.monotonic() < deadline:
                pupil, day, sess = mine[i % len(mine)]
                replace = i >= len(mine)
                note = f"soak w{w} n{i}."
                code = "/" if sess == "am" else "\\"
                code = rng.choice([code, "I", "M"])
                args = ["mark", "--date", day, "--session", sess, "--upn", self.upn[pupil], "--code", code,
                        "--note", note, "--source", "phone"] + (["--replace"] if replace else [])
                t = time.monotonic()
                r = self.run(*args)
                results[w].append((note, (pupil, day, sess), r.returncode == 0, time.monotonic() - t,
                                   (r.stderr or r.stdout).strip()))
                i += 1

        def reader(k):
            folder = os.path.join(self.work, f"reader-{k}")
            os.mkdir(folder)
            jobs = [
                ("check",),
                ("export", "marks", "--from", MARKS_FROM, "--to", MARKS_TO, "--out", f"{folder}/m.csv"),
                ("export", "panel", "--out", f"{folder}/p.xlsx"),
                ("export", "dmt", "--from", DMT_FROM, "--to", TODAY, "--out", f"{folder}/d.xlsx"),
            ]
            j = k
            while not stop.is_set() and time.monotonic() < deadline:
                args = jobs[j % len(jobs)]
                r = self.run(*args)
                # check exits 1 when there is a red flag (the demo has them).
                if r.returncode not in ((0, 1) if args[0] == "check" else (0,)):
                    reader_fail.append(f"{' '.join(args[:2])}: exit {r.returncode}: {r.stderr.strip()}")
                reader_runs[k] += 1
                j += 1

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
        threads += [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        writes = [x for rs in results for x in rs]
        acked = [x for x in writes if x[2]]
        failures = [x for x in writes if not x[2]]
        lat = sorted(x[3] for x in acked)

        def pct(p):
            return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else float("nan")

        figure("writes", f"{len(writes)} by {WRITERS} writers, {len(acked)} acknowledged, {len(failures)} failed; "
               f"{sum(reader_runs)} reader runs by {READERS} readers")
        figure("write_latency_s", f"p50 {pct(50):.3f}, p99 {pct(99):.3f}, max {lat[-1] if lat else 0:.3f} "
               "(the goal is p99 under 1 s)")
        messages = {}
        for x in failures:
            messages[x[4]] = messages.get(x[4], 0) + 1
        check(f"none of {len(writes)} writes by {WRITERS} concurrent writers failed", not failures,
              *[f"{count} x {msg}" for msg, count in sorted(messages.items(), key=lambda m: -m[1])[:10]])

        # Every acknowledged mark was written (the audit log keeps each), and the last one
        # acknowledged for each triple is the one in the store.
        written = {row[0] for row in self.sql(
            "SELECT json_extract(new_value, '$.note') FROM audit_log WHERE id > ? AND tbl = 'attendance_mark'",
            (start_audit,))}
        lost = [x[0] for x in acked if x[0] not in written]
        last = {}
        for rs in results:
            for note, triple, good, _, _ in rs:
                if good:
                    last[triple] = note
        day_of = {}
        for (pupil, day, sess), note in last.items():
            day_of.setdefault(day, []).append((pupil, sess, note))
        wrong = []
        for day, items in day_of.items():
            have = {(p, s): n for p, s, n in self.sql(
                "SELECT pupil_id, session, note FROM attendance_mark WHERE day = "
                "CAST(julianday(?) - 2440587.5 AS INTEGER)", (day,))}
            for pupil, sess, note in items:
                if have.get((pupil, sess)) != note:
                    wrong.append(f"{day} {sess} pupil {pupil}: store has {have.get((pupil, sess))!r}, "
                                 f"the last acknowledged was {note!r}")
        check(f"no acknowledged write of {len(acked)} is lost: each is in the audit log, and the last of each of "
              f"{len(last)} sessions is in the store", not lost and not wrong,
              *(lost[:5] + wrong[:5]))
        check(f"the {READERS} readers' {sum(reader_runs)} runs of check and the exports all succeeded",
              not reader_fail, *reader_fail[:10])
        res = self.integrity()
        check("PRAGMA integrity_check is ok after the writers and readers", res == [("ok",)], res)


def main():
    work = tempfile.mkdtemp(prefix="apterm-soak-")
    try:
        figure("soak", f"{SECONDS:g} s, {PUPILS} pupils, {WRITERS} writers + {READERS} readers, "
               f"seed {SEED} (SOAK_SEED={SEED} repeats the random choices)")
        s = Soak(work)
        t0 = time.monotonic()
        if s.setup():
            left = SECONDS - (time.monotonic() - t0)
            s.kill_phase(time.monotonic() + max(left * 0.55, 2))
            s.load_phase(time.monotonic() + max(SECONDS - (time.monotonic() - t0), 3))
        else:
            not_ok("the demo store has room for the soak's marks", f"{len(getattr(s, 'triples', []))} free sessions")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
