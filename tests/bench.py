"""Figures for `make bench`, measured on the real binary in a pseudo-terminal.

startup_ms      time from starting apterm to its first complete frame (median of 7)
peak_rss_mb     peak resident memory (VmHWM) of a TUI session on the roll, fully loaded
roll_move_bytes bytes written to the terminal for one cursor move in the roll (80x24, median)
"""
import fcntl, os, pty, resource, select, signal, statistics, struct, sys, termios, time

APTERM, DB = sys.argv[1], sys.argv[2]
COLS, ROWS = 80, 24


def spawn():
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        os.environ.pop("NO_COLOR", None)
        os.execv(APTERM, [APTERM, "--db", DB])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    return pid, fd


def read_until_quiet(fd, quiet=0.15, limit=10.0, until=None):
    """Reads output until nothing arrives for `quiet` seconds (or `until` appears)."""
    data = b""
    start = time.monotonic()
    last = start
    while time.monotonic() - start < limit:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            last = time.monotonic()
            if until and until in data:
                return data, last - start
        elif data and time.monotonic() - last > quiet and not until:
            break
    return data, last - start


def finish(pid, fd):
    os.write(fd, b"q")
    try:
        read_until_quiet(fd, limit=2)
    finally:
        os.close(fd)
        os.waitpid(pid, 0)


def startup_ms():
    times = []
    for _ in range(7):
        t0 = time.monotonic()
        pid, fd = spawn()
        # The hint line is drawn last in the first frame: "q quit" closes it.
        data, _ = read_until_quiet(fd, until=b"q quit")
        times.append((time.monotonic() - t0) * 1000)
        finish(pid, fd)
    return statistics.median(times)


def peak_kb(pid):
    """The process's peak resident memory so far (VmHWM), in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def move_bytes(key=b"j", moves=15):
    """Median bytes per move, and the session's peak memory in MB: the roll
    fully loaded and the flags counted (the session waits for quiet first)."""
    pid, fd = spawn()
    read_until_quiet(fd, quiet=1.0)
    sizes = []
    for _ in range(moves):
        os.write(fd, key)
        data, _ = read_until_quiet(fd, quiet=0.15, limit=3)
        sizes.append(len(data))
    peak = peak_kb(pid) / 1024
    finish(pid, fd)
    return statistics.median(sizes), peak


print(f"startup_ms: {startup_ms():.1f}")
move, peak = move_bytes()
print(f"roll_move_bytes: {move:.0f}")
print(f"peak_rss_mb: {peak:.1f}")


# ---- issue 6: the two workbooks on the same store ----
# export_panel_s  time to write the Inclusion Panel pack of every open case (median of 3)
# export_dmt_s    time to write the DMT report for the year to today (median of 3)
# export_peak_mb  the larger peak resident memory of the two (each run measured on its own,
#                 from os.wait4's rusage of that child, not the TUI runs above)
import datetime as _dt
import tempfile as _tempfile


def _export_run(args, command="export"):
    """(seconds, peak MB) of one `apterm export ...` (or `apterm print ...`) run."""
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(APTERM, [APTERM, command] + args + ["--db", DB])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - t0
    if status != 0:
        raise SystemExit(f"apterm {command} {' '.join(args)} failed ({status})")
    return seconds, usage.ru_maxrss / 1024


def export_figures():
    today = _dt.date.fromisoformat(os.environ["APTERM_TODAY"]) if os.environ.get("APTERM_TODAY") else _dt.date.today()
    year_ago = today - _dt.timedelta(days=364)
    with _tempfile.TemporaryDirectory() as tmp:
        runs = {
            "panel": ["panel", "--out", os.path.join(tmp, "panel.xlsx")],
            "dmt": ["dmt", "--from", year_ago.isoformat(), "--to", today.isoformat(),
                    "--out", os.path.join(tmp, "dmt.xlsx")],
        }
        times, peak = {}, 0.0
        for name, args in runs.items():
            results = [_export_run(args) for _ in range(3)]
            times[name] = statistics.median(r[0] for r in results)
            peak = max([peak] + [r[1] for r in results])
    print(f"export_panel_s: {times['panel']:.2f}")
    print(f"export_dmt_s: {times['dmt']:.2f}")
    print(f"export_peak_mb: {peak:.1f}")


export_figures()


# ---- issue 15: the PDF documents on the same store ----
# print_tracking_s      time to write this week's tracking sheet, every pupil on roll (median of 3)
# print_tracking_pages  its pages
# print_psp_s           time to write one PSP (the open PSP with the most reviews; median of 5)
# print_peak_mb         the larger peak resident memory of the two
import re as _re
import sqlite3 as _psqlite3


def print_figures():
    today = _dt.date.fromisoformat(os.environ["APTERM_TODAY"]) if os.environ.get("APTERM_TODAY") else _dt.date.today()
    db = _psqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    upn = db.execute("SELECT u.upn FROM psp p JOIN pupil u ON u.id = p.pupil_id WHERE p.status = 'active' ORDER BY "
                     "(SELECT count(*) FROM psp_review r WHERE r.psp_id = p.id) DESC, p.id LIMIT 1").fetchone()[0]
    db.close()
    with _tempfile.TemporaryDirectory() as tmp:
        sheet = os.path.join(tmp, "tracking.pdf")
        tracking = [_export_run(["tracking", "--week", today.isoformat(), "--out", sheet], "print") for _ in range(3)]
        with open(sheet, "rb") as f:
            pages = len(_re.findall(rb"/Type\s*/Page[^s]", f.read()))
        psp = [_export_run(["psp", upn, "--out", os.path.join(tmp, "psp.pdf")], "print") for _ in range(5)]
    print(f"print_tracking_s: {statistics.median(r[0] for r in tracking):.2f}")
    print(f"print_tracking_pages: {pages}")
    print(f"print_psp_s: {statistics.median(r[0] for r in psp):.3f}")
    print(f"print_peak_mb: {max(r[1] for r in tracking + psp):.1f}")


print_figures()


# ---- issue 4: the attendance grid (tab 3) ----
# grid_move_bytes  bytes written to the terminal for one cursor move (↓) in the grid
#                  (80x24, median of 15), on a copy of the 5,000-pupil store
# grid_mark_bytes  bytes written for one mark: a code key that records and moves on to
#                  the next unreported pupil (80x24, median of 15), on the same copy
# round_keystrokes keys from the tab bar to a 40-pupil morning all marked: 3, then one
#                  code per pupil, until SQLite has no expected pupil unreported; on a
#                  small demo store made for it (goal: 40 plus at most 2)
# grid_open_ms     time from pressing 3 to the last byte of the grid's first frame on
#                  the 5,000-pupil store (median of 5)
# Each run has APTERM_TODAY on the first school day after the store's last marks (a
# morning with nobody reported yet), APTERM_NOW=09:05 and an empty configuration file
# (the defaults: Welsh codes, the AM register closing at 09:30).
import datetime as _gdt
import shutil as _gshutil
import sqlite3 as _gsqlite3
import subprocess as _gsubprocess
import tempfile as _gtempfile

_GRID_DOWN = b"\x1bOB"  # xterm's cursor down (kcud1), as ncurses reads it


def _grid_ro(path):
    return _gsqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _grid_school_day_after(path, day):
    """The first school day (a weekday in a term, not a closure) after `day`."""
    con = _grid_ro(path)
    try:
        for k in range(1, 60):
            d = day + _gdt.timedelta(days=k)
            if d.weekday() > 4:
                continue
            iso = d.isoformat()
            in_term = con.execute("SELECT 1 FROM term WHERE start_date <= ?1 AND end_date >= ?1", (iso,)).fetchone()
            closed = con.execute("SELECT 1 FROM closure WHERE day = ?1", (iso,)).fetchone()
            if in_term and not closed:
                return d
    finally:
        con.close()
    raise SystemExit(f"grid bench: no school day in the 60 days after {day}")


def _grid_morning(path):
    """APTERM_TODAY for a morning with nobody reported: the first school day after the last mark."""
    con = _grid_ro(path)
    try:
        last = con.execute("SELECT date(max(day) * 86400, 'unixepoch') FROM attendance_mark").fetchone()[0]
    finally:
        con.close()
    return _grid_school_day_after(path, _gdt.date.fromisoformat(last))


def _grid_unreported_am(path, day):
    """The pupils expected on day's morning (db/marks.c expected_on) with no mark."""
    con = _grid_ro(path)
    try:
        iso = day.isoformat()
        return [r[0] for r in con.execute(
            "SELECT e.pupil_id, u.upn FROM (SELECT l.pupil_id FROM placement l "
            "  JOIN placement_session t ON t.placement_id = l.id "
            "  WHERE l.status != 'proposed' AND l.start_date <= ?1 AND (l.end_date IS NULL OR l.end_date >= ?1) "
            "    AND t.weekday = ?2 AND t.session = 'am' GROUP BY l.pupil_id) e "
            "JOIN pupil u ON u.id = e.pupil_id "
            "WHERE NOT EXISTS (SELECT 1 FROM attendance_mark m WHERE m.pupil_id = e.pupil_id "
            "  AND m.day = CAST(julianday(?1) - 2440587.5 AS INTEGER) AND m.session = 'am') "
            "ORDER BY e.pupil_id", (iso, day.weekday()))]
    finally:
        con.close()


def _grid_spawn(db, today, config):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                          APTERM_TODAY=today.isoformat(), APTERM_NOW="09:05", APTERM_CONFIG=config)
        os.environ.pop("NO_COLOR", None)
        os.execv(APTERM, [APTERM, "--db", db])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    # The first frame, then whatever the roll loads straight after it.
    read_until_quiet(fd, until=b"q quit")
    read_until_quiet(fd, quiet=0.7, limit=20)
    return pid, fd


def _grid_open(fd):
    """Presses 3 and waits for the grid: (milliseconds to its frame's last byte, bytes)."""
    t0 = time.monotonic()
    os.write(fd, b"3")
    data, last = read_until_quiet(fd, quiet=0.5, limit=20)
    if b"expected" not in data:
        raise SystemExit("grid bench: the grid did not open on 3")
    return last * 1000 if data else float("nan"), data


def _grid_per_key(fd, key, n=15):
    sizes = []
    for _ in range(n):
        os.write(fd, key)
        data, _ = read_until_quiet(fd, quiet=0.15, limit=3)
        sizes.append(len(data))
    return statistics.median(sizes)


def grid_figures():
    with _gtempfile.TemporaryDirectory(prefix="apterm-grid-bench-") as tmp:
        config = os.path.join(tmp, "apterm.ini")
        open(config, "w").close()
        today = _grid_morning(DB)

        # The 5,000-pupil store: opening it, as it is.
        opens = []
        for _ in range(5):
            pid, fd = _grid_spawn(DB, today, config)
            ms, _ = _grid_open(fd)
            opens.append(ms)
            finish(pid, fd)

        # Moves and marks write to the store: on a copy, so the cached store stays as made.
        copy = os.path.join(tmp, "grid.db")
        for suffix in ("", "-wal"):
            if os.path.exists(DB + suffix):
                _gshutil.copy2(DB + suffix, copy + suffix)
        pid, fd = _grid_spawn(copy, today, config)
        _grid_open(fd)
        move = _grid_per_key(fd, _GRID_DOWN)
        mark = _grid_per_key(fd, b"/")
        finish(pid, fd)

        # A 40-pupil morning: a small demo store, opened on the school day after its
        # last marks; pupils expected beyond 40 are marked beforehand from the command
        # line, so that exactly 40 are left for the round.
        small = os.path.join(tmp, "round.db")
        made_for = _gdt.date(2026, 11, 20)  # a Friday of the autumn term in data/terms.csv
        env = dict(os.environ, APTERM_TODAY=made_for.isoformat(), APTERM_CONFIG=config)
        for pupils in (60, 80, 120, 200):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(small + suffix):
                    os.remove(small + suffix)
            _gsubprocess.run([APTERM, "demo", "--db", small, "--pupils", str(pupils), "--weeks", "4"],
                             env=env, check=True, stdout=_gsubprocess.DEVNULL)
            day = _grid_school_day_after(small, made_for)
            todo = _grid_unreported_am(small, day)
            if len(todo) >= 40:
                break
        else:
            raise SystemExit("grid bench: no demo store with 40 pupils expected on a morning")
        if len(todo) > 40:
            con = _grid_ro(small)
            upns = dict(con.execute("SELECT id, upn FROM pupil").fetchall())
            con.close()
            marks = os.path.join(tmp, "before.csv")
            with open(marks, "w") as f:
                f.write("date,session,upn,code\n")
                for pupil in todo[40:]:
                    f.write(f"{day.isoformat()},am,{upns[pupil]},/\n")
            _gsubprocess.run([APTERM, "mark", "--file", marks, "--db", small],
                             env=dict(env, APTERM_TODAY=day.isoformat()), check=True, stdout=_gsubprocess.DEVNULL)
        if len(_grid_unreported_am(small, day)) != 40:
            raise SystemExit("grid bench: the round store does not have 40 pupils unreported")
        pid, fd = _grid_spawn(small, day, config)
        _grid_open(fd)
        keys = 1  # the 3 that opened the grid
        while _grid_unreported_am(small, day) and keys < 200:
            os.write(fd, b"/")
            keys += 1
            read_until_quiet(fd, quiet=0.1, limit=3)
        finish(pid, fd)
        if _grid_unreported_am(small, day):
            raise SystemExit("grid bench: 200 keystrokes did not mark the 40-pupil morning")

    print(f"grid_move_bytes: {move:.0f}")
    print(f"grid_mark_bytes: {mark:.0f}")
    print(f"round_keystrokes: {keys}")
    print(f"grid_open_ms: {statistics.median(opens):.1f}")


grid_figures()
