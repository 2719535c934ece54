"""Figures for `make bench`, measured on the real binary in a pseudo-terminal.

startup_ms      time from starting apterm to its first complete frame (median of 7)
peak_rss_mb     peak resident memory (VmHWM) of a TUI session on the roll, fully loaded
roll_move_bytes bytes written to the terminal for one cursor move in the roll (80x24, median)
"""
import fcntl, os, pty, resource, select, signal, statistics, struct, sys, termios, time

APTERM, DB = sys.argv[1], sys.argv[2]
# BENCH_ONLY=multi_user runs only that part (the figures of issue 12); likewise
# BENCH_ONLY=grid (the attendance grid's figures), BENCH_ONLY=search and
# BENCH_ONLY=export (the workbooks and the marks CSV).
_ONLY = os.environ.get("BENCH_ONLY", "")
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


if not _ONLY:
    print(f"startup_ms: {startup_ms():.1f}")
    move, peak = move_bytes()
    print(f"roll_move_bytes: {move:.0f}")
    print(f"peak_rss_mb: {peak:.1f}")


# ---- issue 6 and 12: the exports on the same store ----
# export_panel_s       time to write the Inclusion Panel pack of every open case (median of 3)
# export_dmt_s         time to write the DMT report for the year to today (median of 3)
# export_dmt_peak_mb   the DMT report's peak resident memory (the largest of its runs)
# export_peak_mb       the larger peak resident memory of the two workbooks
# export_marks_term_s  the marks CSV of the store's last 13 weeks of marks (median of 3),
# export_marks_peak_mb and its peak memory
# BENCH_ONLY=export runs only these figures.
# A peak is the run's own: GNU time's %M (the wait4 rusage of a child that time
# forked). Python's own os.wait4 would not do: Linux keeps the high-water mark
# of the memory a process had before execve, so a child forked from this
# Python process reports at least this process's size at the fork (372 MB
# for the marks CSV at 50,000 pupils, after openpyxl had read the DMT report).
import datetime as _dt
import sqlite3 as _esqlite3
import tempfile as _tempfile

_GNU_TIME = "/usr/bin/time"


def _export_run(args, command="export"):
    """(seconds, peak MB) of one `apterm export ...` (or `apterm print ...`) run."""
    if not os.access(_GNU_TIME, os.X_OK):
        raise SystemExit(f"bench: {_GNU_TIME} (Debian package time) is needed for the exports' peak memory")
    with _tempfile.NamedTemporaryFile(prefix="apterm-bench-peak-") as peak:
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execv(_GNU_TIME, [_GNU_TIME, "-f", "%M", "-o", peak.name, APTERM, command] + args + ["--db", DB])
        _, status = os.waitpid(pid, 0)
        seconds = time.monotonic() - t0
        if status != 0:
            raise SystemExit(f"apterm {command} {' '.join(args)} failed ({status})")
        with open(peak.name) as f:
            kb = int(f.read().split()[-1])
    return seconds, kb / 1024


def marks_term_run():
    """(seconds, peak MB) of each of 3 runs of the marks CSV of the store's last 13 weeks of marks."""
    con = _esqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    last = con.execute("SELECT date(max(day) * 86400, 'unixepoch') FROM attendance_mark").fetchone()[0]
    con.close()
    to = _dt.date.fromisoformat(last)
    with _tempfile.TemporaryDirectory(prefix="apterm-marks-bench-") as tmp:
        return [_export_run(["marks", "--from", (to - _dt.timedelta(weeks=13)).isoformat(), "--to", to.isoformat(),
                             "--out", os.path.join(tmp, "marks.csv")]) for _ in range(3)]


def export_figures():
    today = _dt.date.fromisoformat(os.environ["APTERM_TODAY"]) if os.environ.get("APTERM_TODAY") else _dt.date.today()
    year_ago = today - _dt.timedelta(days=364)
    with _tempfile.TemporaryDirectory() as tmp:
        runs = {
            "panel": ["panel", "--out", os.path.join(tmp, "panel.xlsx")],
            "dmt": ["dmt", "--from", year_ago.isoformat(), "--to", today.isoformat(),
                    "--out", os.path.join(tmp, "dmt.xlsx")],
        }
        times, peaks = {}, {}
        for name, args in runs.items():
            results = [_export_run(args) for _ in range(3)]
            times[name] = statistics.median(r[0] for r in results)
            peaks[name] = max(r[1] for r in results)
        python_s = _dmt_python_s(os.path.join(tmp, "dmt.xlsx"), os.path.join(tmp, "dmt-python.xlsx"))
    marks = marks_term_run()
    print(f"export_panel_s: {times['panel']:.2f}")
    print(f"export_dmt_s: {times['dmt']:.2f}")
    if python_s is not None:
        print(f"export_dmt_python_s: {python_s:.2f}")
    print(f"export_dmt_peak_mb: {peaks['dmt']:.1f}")
    print(f"export_peak_mb: {max(peaks.values()):.1f}")
    print(f"export_marks_term_s: {statistics.median(r[0] for r in marks):.2f}")
    print(f"export_marks_peak_mb: {max(r[1] for r in marks):.1f}")


# export_dmt_python_s  Python XlsxWriter writing the same cells as the DMT report (median of 3):
#                      every value of every sheet of apterm's workbook (read back with
#                      openpyxl, not timed) with its number format, bold and wrap, and the
#                      column widths; the time is Workbook() to close() only. Absent when
#                      python3-xlsxwriter is not installed.
def _dmt_python_s(source, target):
    try:
        import xlsxwriter
    except ImportError:
        return None
    import openpyxl

    book = openpyxl.load_workbook(source)
    sheets = []
    for ws in book.worksheets:
        cells = [(c.row - 1, c.column - 1, c.value, (c.number_format, bool(c.font.b), bool(c.alignment.wrap_text)))
                 for row in ws.iter_rows() for c in row if c.value is not None]
        widths = [(openpyxl.utils.column_index_from_string(k) - 1, d.width)
                  for k, d in ws.column_dimensions.items() if d.width]
        sheets.append((ws.title, cells, widths))
    times = []
    for _ in range(3):
        t0 = time.monotonic()
        out = xlsxwriter.Workbook(target)
        formats = {}
        for title, cells, widths in sheets:
            ws = out.add_worksheet(title)
            for col, width in widths:
                ws.set_column(col, col, width)
            for r, c, value, key in cells:
                f = formats.get(key)
                if f is None:
                    f = formats[key] = out.add_format({"num_format": key[0], "bold": key[1], "text_wrap": key[2]})
                if isinstance(value, str):
                    ws.write_string(r, c, value, f)
                elif isinstance(value, _dt.datetime):
                    ws.write_datetime(r, c, value, f)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value, f)
                else:
                    ws.write_number(r, c, value, f)
        out.close()
        times.append(time.monotonic() - t0)
    return statistics.median(times)


if _ONLY in ("", "export"):
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


if not _ONLY:
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


if _ONLY in ("", "grid"):
    grid_figures()


# ---- issue 12: what a user feels with many sessions open ----
# first_frame_complete_ms  time from starting apterm to the status line's flag counts
#                          ("!N red ~M amber": the flags counted; median of 5)
# mark_alone_ms            `apterm mark` with no session open (median of MU_MARKS)
# mu_cpu_ms_per_commit     N idle TUI sessions in tmux (BENCH_SESSIONS, default 6: the six officers) while
#                          another process records MU_MARKS marks one by one: the CPU the
#                          sessions used (/proc/PID/schedstat, in ns, less what they use
#                          idle over the same time), per commit per session
# mu_mark_ms / _max        `apterm mark` latency with those sessions open (median, max)
# mu_key_ms_p50 / _p90     keypress latency in one more session on the roll while those marks
#                          are recorded: j or k every 0.1 s, the time to the first byte drawn
# (the marks CSV of a term, export_marks_term_s, is with the exports above)
# On a copy of the store, with APTERM_TODAY on a morning with nobody reported yet.
import re as _mre
import threading as _mthreading

MU_MARKS = int(os.environ.get("BENCH_MARKS", "10"))
MU_SESSIONS = int(os.environ.get("BENCH_SESSIONS", "6"))
_FLAGS_COUNTED = _mre.compile(rb"!\d+ red")


def first_frame_complete_ms():
    times = []
    for _ in range(5):
        t0 = time.monotonic()
        pid, fd = spawn()
        data, _ = read_until_quiet(fd, until=b" red ~", limit=60)
        if not _FLAGS_COUNTED.search(data):
            finish(pid, fd)
            raise SystemExit("bench: the status line never showed the flag counts")
        times.append((time.monotonic() - t0) * 1000)
        finish(pid, fd)
    return statistics.median(times)


def _cpu_ns(pid):
    """The CPU time a process has used, in nanoseconds: /proc/PID/schedstat's first
    field (the scheduler's own count; /proc/PID/stat's utime and stime are in 10 ms
    ticks, coarser than the figure measured with them)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def _tmux(sock, *args):
    return _gsubprocess.run(["tmux", "-L", sock] + list(args), check=True, capture_output=True, text=True).stdout


def _mu_marks(db, day, env, upns):
    """Records one AM mark for each UPN, one process each: the latencies in ms."""
    times = []
    for upn in upns:
        t0 = time.monotonic()
        _gsubprocess.run([APTERM, "mark", "--date", day.isoformat(), "--session", "am", "--upn", upn,
                          "--code", "/", "--db", db], env=env, check=True,
                         stdout=_gsubprocess.DEVNULL, stderr=_gsubprocess.DEVNULL)
        times.append((time.monotonic() - t0) * 1000)
        time.sleep(0.5)  # time for the sessions to see the commit, as officers' marks are spread out
    return times


def _mu_type(fd, stop, out):
    """j and k in turn every 0.1 s until stop: each key's milliseconds to its first byte drawn."""
    key = b"j"
    while not stop.is_set():
        t0 = time.monotonic()
        os.write(fd, key)
        r, _, _ = select.select([fd], [], [], 5.0)
        if r:
            out.append((time.monotonic() - t0) * 1000)
            read_until_quiet(fd, quiet=0.03, limit=1)
        key = b"k" if key == b"j" else b"j"
        stop.wait(0.1)


def multi_user_figures():
    with _gtempfile.TemporaryDirectory(prefix="apterm-mu-bench-") as tmp:
        config = os.path.join(tmp, "apterm.ini")
        open(config, "w").close()
        copy = os.path.join(tmp, "mu.db")
        for suffix in ("", "-wal"):
            if os.path.exists(DB + suffix):
                _gshutil.copy2(DB + suffix, copy + suffix)
        day = _grid_morning(copy)
        todo = _grid_unreported_am(copy, day)
        if len(todo) < 2 * MU_MARKS:
            raise SystemExit("bench: too few pupils unreported for the multi-user figure")
        con = _grid_ro(copy)
        upn = dict(con.execute("SELECT id, upn FROM pupil").fetchall())
        con.close()
        env = dict(os.environ, APTERM_TODAY=day.isoformat(), APTERM_NOW="09:05", APTERM_CONFIG=config,
                   TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        alone = _mu_marks(copy, day, env, [upn[p] for p in todo[:MU_MARKS]])

        sock = f"apterm-bench-{os.getpid()}"
        pids = []
        try:
            for i in range(MU_SESSIONS):
                cmd = (f"APTERM_TODAY={day.isoformat()} APTERM_NOW=09:05 APTERM_CONFIG={config} "
                       f"exec {APTERM} --db {copy}")
                if i == 0:
                    _tmux(sock, "new-session", "-d", "-x", "80", "-y", "24", "-s", "s0", cmd)
                else:
                    _tmux(sock, "new-window", "-d", "-t", "s0", cmd)
            for line in _tmux(sock, "list-panes", "-s", "-t", "s0", "-F", "#{pane_pid}").split():
                pids.append(int(line))
            # Each session settled: its flags counted and its CPU all but still (under 5 ms
            # a session) for a second.
            deadline = time.monotonic() + 120
            for i in range(MU_SESSIONS):
                while time.monotonic() < deadline and \
                        not _FLAGS_COUNTED.search(_tmux(sock, "capture-pane", "-p", "-t", f"s0:{i}").encode()):
                    time.sleep(0.2)
            while time.monotonic() < deadline:
                before = [_cpu_ns(p) for p in pids]
                time.sleep(1.0)
                if sum(_cpu_ns(p) - b for p, b in zip(pids, before)) < 5e6 * MU_SESSIONS:
                    break
            # What the sessions use idle (their timers), per second.
            span = MU_MARKS * 0.5
            before = [_cpu_ns(p) for p in pids]
            t0 = time.monotonic()
            time.sleep(span)
            idle_per_s = sum(_cpu_ns(p) - b for p, b in zip(pids, before)) / (time.monotonic() - t0)
            # One more session, typing while the marks are recorded (its CPU is not counted above).
            kpid, kfd = _grid_spawn(copy, day, config)
            stop = _mthreading.Event()
            keys = []
            typist = _mthreading.Thread(target=_mu_type, args=(kfd, stop, keys))
            typist.start()
            before = [_cpu_ns(p) for p in pids]
            t0 = time.monotonic()
            try:
                busy = _mu_marks(copy, day, env, [upn[p] for p in todo[MU_MARKS:2 * MU_MARKS]])
                time.sleep(1.0)
                used = sum(_cpu_ns(p) - b for p, b in zip(pids, before))
                idle = idle_per_s * (time.monotonic() - t0)  # as long as the marks took, not as the span
            finally:
                stop.set()
                typist.join()
                finish(kpid, kfd)
        finally:
            _gsubprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
    per_commit = max(0, used - idle) / 1e6 / (MU_MARKS * MU_SESSIONS)
    print(f"first_frame_complete_ms: {first_frame_complete_ms():.1f}")
    print(f"mark_alone_ms: {statistics.median(alone):.1f}")
    print(f"mu_sessions: {MU_SESSIONS}")
    print(f"mu_cpu_ms_per_commit: {per_commit:.2f}")
    print(f"mu_mark_ms: {statistics.median(busy):.1f}")
    print(f"mu_mark_ms_max: {max(busy):.1f}")
    if keys:
        keys.sort()
        print(f"mu_key_ms_p50: {keys[len(keys) // 2]:.1f}")
        print(f"mu_key_ms_p90: {keys[min(len(keys) - 1, (len(keys) * 9) // 10)]:.1f}")


if _ONLY in ("", "multi_user"):
    multi_user_figures()


# ---- issue 12: search as you type on the roll ----
# search_key_ms  time from a key typed in the roll's / search to the last byte of the
#                screen it brings (the list narrowed and drawn), on the whole roll
#                loaded (the session quiet for a second first): the median over
#                every letter of three surnames from the store, typed one by one,
#                the search cleared (Esc) and opened again (/) between them
def _search_words():
    con = _grid_ro(DB)
    try:
        rows = con.execute("SELECT legal_surname FROM pupil WHERE length(legal_surname) >= 5 "
                           "AND legal_surname NOT GLOB '*[^A-Za-z]*' GROUP BY legal_surname "
                           "ORDER BY count(*) DESC, legal_surname LIMIT 3").fetchall()
    finally:
        con.close()
    if not rows:
        raise SystemExit("bench: no surname to search for")
    return [r[0].lower() for r in rows]


def search_figures():
    times = []
    pid, fd = spawn()
    try:
        read_until_quiet(fd, quiet=1.0, limit=60)
        for word in _search_words():
            os.write(fd, b"/")
            read_until_quiet(fd, quiet=0.3, limit=5)
            for ch in word:
                t0 = time.monotonic()
                os.write(fd, ch.encode())
                data, last = read_until_quiet(fd, quiet=0.3, limit=5)
                if not data:
                    raise SystemExit("bench: the search drew nothing for a key")
                times.append(last * 1000)
            os.write(fd, b"\x1b")
            read_until_quiet(fd, quiet=0.3, limit=5)
    finally:
        finish(pid, fd)
    print(f"search_key_ms: {statistics.median(times):.1f}")


if _ONLY in ("", "search"):
    search_figures()
