"""Figures for `make bench`, measured on the real binary in a pseudo-terminal.

startup_ms      time from starting apterm to its first complete frame (median of 7)
peak_rss_mb     peak resident memory of the TUI session
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


def move_bytes(key=b"j", moves=15):
    pid, fd = spawn()
    read_until_quiet(fd, quiet=0.5)
    sizes = []
    for _ in range(moves):
        os.write(fd, key)
        data, _ = read_until_quiet(fd, quiet=0.15, limit=3)
        sizes.append(len(data))
    finish(pid, fd)
    return statistics.median(sizes)


print(f"startup_ms: {startup_ms():.1f}")
print(f"roll_move_bytes: {move_bytes():.0f}")
print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f}")


# ---- issue 6: the two workbooks on the same store ----
# export_panel_s  time to write the Inclusion Panel pack of every open case (median of 3)
# export_dmt_s    time to write the DMT report for the year to today (median of 3)
# export_peak_mb  the larger peak resident memory of the two (each run measured on its own,
#                 from os.wait4's rusage of that child, not the TUI runs above)
import datetime as _dt
import tempfile as _tempfile


def _export_run(args):
    """(seconds, peak MB) of one `apterm export ...` run."""
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(APTERM, [APTERM, "export"] + args + ["--db", DB])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - t0
    if status != 0:
        raise SystemExit(f"apterm export {' '.join(args)} failed ({status})")
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
