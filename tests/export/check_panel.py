"""Reads an Inclusion Panel pack back with openpyxl (an independent reader)
and compares every figure with values computed here by SQL from the same
store (opened read-only). Prints one "ok - NAME" / "not ok - NAME" line per
check, with "#" lines saying what differs.

usage: check_panel.py STORE.db PACK.xlsx PANEL_DATE|"" TODAY [LABEL [expect-warning]]

Also the shared helpers of check_dmt.py (which imports this file)."""
import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import zipfile

import openpyxl

SCHOOL_WEEKS = 39
QUOTE_THRESHOLD = 2500000  # pence: apterm.ini defaults (the tests run on an empty config)
QUOTES_REQUIRED = 3
PERSISTENT_ABSENCE = 90.0
MIN_HOURS = [(0, 2, 21.0), (3, 6, 23.5), (7, 10, 24.0), (11, 11, 25.0)]
MARKING = "OFFICIAL-SENSITIVE"
ORGANISATION = "Alternative Provision Team"
HDR = 4  # the table header row (1-based) of every table sheet

# ---------------------------------------------------------------- reporting

FAILED = 0
SUBJECTS = {}  # subject_counts() of the store under test


def report(name, problems, limit=6):
    """One test line: ok when problems is empty."""
    global FAILED
    if not problems:
        print(f"ok - {name}")
        return True
    FAILED += 1
    print(f"not ok - {name}")
    for p in problems[:limit]:
        print(f"#   {p}")
    if len(problems) > limit:
        print(f"#   ... and {len(problems) - limit} more")
    return False


# ---------------------------------------------------------------- dates and money

EPOCH = dt.date(1970, 1, 1)


def day_num(d):
    return (d - EPOCH).days


def num_day(n):
    return EPOCH + dt.timedelta(days=n)


def iso(text):
    return dt.date.fromisoformat(text) if text else None


def week_of(d):
    return d - dt.timedelta(days=d.weekday())


def add_months(d, months):
    total = d.year * 12 + (d.month - 1) + months
    y, m = divmod(total, 12)
    m += 1
    last = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, last))


def prorate(amount, num, den):
    """amount * num / den to the nearest whole number, halves up (all >= 0 here)."""
    if den <= 0:
        return 0
    return (2 * amount * num + den) // (2 * den)


def year_group(dob, on):
    ay = on.year if on.month >= 9 else on.year - 1
    cohort = dob.year if dob.month >= 9 else dob.year - 1
    return ay - (cohort + 5)


def year_name(yg):
    return "Nursery" if yg < 0 else "Reception" if yg == 0 else f"Year {yg}"


def min_hours(yg):
    for lo, hi, h in MIN_HOURS:
        if lo <= yg <= hi:
            return h
    return 0.0


def annual_parts(basis, rate, sessions, days, transport):
    tuition = {"session": rate * sessions * SCHOOL_WEEKS, "day": rate * days * SCHOOL_WEEKS,
               "week": rate * SCHOOL_WEEKS, "year": rate}.get(basis, 0)
    return tuition, (transport * SCHOOL_WEEKS if transport > 0 else 0)


# ---------------------------------------------------------------- cells


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def money_eq(cell, pence):
    """A money cell: a number, in pounds, equal to the penny."""
    return is_number(cell) and round(cell * 100) == pence


def date_eq(cell, d):
    if d is None:
        return cell is None
    return isinstance(cell, dt.datetime) and cell.date() == d


def pct_eq(cell, attending, possible):
    """A fraction shown as a percentage: the same to one decimal place (and
    to rounding error as a fraction); blank when nothing was possible."""
    if possible == 0:
        return cell is None
    want = attending / possible
    return is_number(cell) and round(cell * 100, 1) == round(want * 100, 1) and abs(cell - want) < 1e-9


def table_rows(ws, ncols, first=HDR + 1):
    rows = []
    for row in ws.iter_rows(min_row=first, max_col=ncols, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


# A table too wide for one printed page goes on over further sheets, each
# repeating the first columns (the keys): {table sheet: [(sheet, keys), ...]}.
# The helpers below join them back into the one table the checks read.
SPLITS = {}
JOIN_PROBLEMS = []  # continuation rows whose keys differ from the first sheet's


def joined_cells(wb, name, first=HDR):
    """The table's rows from `first` on as lists of cells, its continuation
    sheets' columns after their keys appended."""
    base = [list(r) for r in wb[name].iter_rows(min_row=first)]
    widths = None
    for more, keys in SPLITS.get(name, []):
        if widths is None:
            widths = len(header_of(wb[name]))
        extra = [list(r) for r in wb[more].iter_rows(min_row=first)]
        n_more = len(header_of(wb[more]))
        if len(extra) != len(base):
            JOIN_PROBLEMS.append(f"{more}: {len(extra)} rows, {name} has {len(base)}")
        for i, row in enumerate(base):
            if i < len(extra) and [c.value for c in extra[i][:keys]] != [c.value for c in row[:keys]]:
                JOIN_PROBLEMS.append(f"{more} row {first + i}: {[c.value for c in extra[i][:keys]]} is not "
                                     f"{[c.value for c in row[:keys]]}")
            row[:] = row[:widths] + (extra[i][keys:n_more] if i < len(extra) else [])
        widths += n_more - keys
    return base


def joined_rows(wb, name, ncols, first=HDR + 1):
    rows = []
    for cells in joined_cells(wb, name, first):
        row = tuple(c.value for c in cells[:ncols])
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def joined_header(wb, name):
    return [c.value for c in joined_cells(wb, name, HDR)[0]]


def physical(names):
    """The sheets the named tables are printed on."""
    return [n for name in names for n in [name] + [m for m, _ in SPLITS.get(name, [])]]


def header_of(ws, ncols=None, row=HDR):
    vals = [c.value for c in ws[row]]
    while vals and vals[-1] is None:
        vals.pop()
    return vals[:ncols] if ncols else vals


# ---------------------------------------------------------------- the store


def connect(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


def categories(db):
    code_set = db.execute("SELECT value FROM meta WHERE key = 'code_set'").fetchone()[0]
    return {r["code"]: r["category"] for r in db.execute(
        "SELECT code, category FROM attendance_code WHERE code_set = ?", (code_set,))}


def display_name(r):
    first = r["preferred_name"] or r["legal_forename"]
    return f"{first} {r['legal_surname']}"


PUPIL_ORDER = ("u.legal_surname COLLATE NOCASE, CASE WHEN u.preferred_name != '' THEN u.preferred_name "
               "ELSE u.legal_forename END COLLATE NOCASE, u.id")


def attendance(db, cats, pupil_id, first, last):
    """(possible, attending, authorised, unauthorised) from the marks themselves."""
    t = [0, 0, 0, 0]
    for r in db.execute("SELECT code FROM attendance_mark WHERE pupil_id = ? AND day BETWEEN ? AND ?",
                        (pupil_id, day_num(first), day_num(last))):
        c = cats.get(r["code"], "not_counted")
        if c == "not_counted":
            continue
        t[0] += 1
        t[1] += c in ("present", "aea")
        t[2] += c == "authorised"
        t[3] += c == "unauthorised"
    return t


def check_marking(wb, path, title_words, today, problems):
    """Every sheet's header and footer, its page set-up, and the document's
    properties."""
    uk = today.strftime("%d/%m/%Y")
    for ws in wb.worksheets:
        h, f = ws.oddHeader, ws.oddFooter
        if MARKING not in (h.left.text or "") or MARKING not in (f.left.text or ""):
            problems.append(f"{ws.title}: header/footer lack {MARKING}: {h.left.text!r} / {f.left.text!r}")
        if ORGANISATION not in (h.center.text or "") or ORGANISATION not in (f.center.text or ""):
            problems.append(f"{ws.title}: header/footer lack the organisation")
        if uk not in (f.center.text or ""):
            problems.append(f"{ws.title}: footer lacks the date {uk}: {f.center.text!r}")
        if title_words not in (h.right.text or ""):
            problems.append(f"{ws.title}: header lacks the title: {h.right.text!r}")
        ps = ws.page_setup
        if ps.orientation != "landscape" or str(ps.paperSize) != "9":
            problems.append(f"{ws.title}: not landscape A4: {ps.orientation} {ps.paperSize}")
        if not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage) or \
                str(ps.fitToHeight) != "0" or ps.fitToWidth not in (None, 1, "1"):
            problems.append(f"{ws.title}: not fitted to one page wide")
        if not ws.print_area:
            problems.append(f"{ws.title}: no print area")
        if not ws.print_title_rows:
            problems.append(f"{ws.title}: no header row repeated on each page")
    p = wb.properties
    if title_words not in (p.title or "") or MARKING not in (p.category or "") or not p.subject or not p.keywords:
        problems.append(f"document properties: title {p.title!r}, category {p.category!r}")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        custom = z.read("docProps/custom.xml").decode() if "docProps/custom.xml" in names else ""
        app = z.read("docProps/app.xml").decode() if "docProps/app.xml" in names else ""
    if "Classification" not in custom or MARKING not in custom:
        problems.append("custom property Classification = OFFICIAL-SENSITIVE missing")
    if ORGANISATION not in app:
        problems.append("the organisation is not the document's company")


# A4 landscape less apterm's margins (0.4 in each side), in points.
PRINTABLE_PT = (297 / 25.4 - 0.8) * 72
MIN_PRINTED_PT = 9.0
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody set


def check_pages(wb, xlsx, label, title_words, today, splits):
    """The checks every workbook's pages pass: tables split over sheets keep
    their keys, the marking and properties, and readable print."""
    JOIN_PROBLEMS.clear()
    for n in splits:
        joined_cells(wb, n)
    report(f"{label}: a table printed over several sheets repeats its key columns, row for row, on each",
           JOIN_PROBLEMS)
    problems = []
    check_marking(wb, xlsx, title_words, today, problems)
    report(f"{label}: {MARKING} with the organisation and date on every page; landscape A4, one page wide, "
           "print area, repeated header; document properties", problems)
    problems, sizes = [], []
    check_readable(wb, problems, sizes)
    report(f"{label}: every sheet prints one A4 landscape page wide with text of at least 9 pt "
           f"({', '.join(sizes)})", problems)


def column_points(width):
    """A column width in characters of the default font (Calibri 11: 7 px
    a digit, 5 px of padding) as printed points."""
    return int(width * 7 + 5) * 0.75


def printed_scale(ws):
    """(fit-to-width scale, columns' total points) of the sheet's print area."""
    area = ws.print_area
    area = area[0] if isinstance(area, (list, tuple)) else area
    m = re.search(r"\$?([A-Z]+)\$?\d+:\$?([A-Z]+)\$?\d+", area or "")
    first, last = (openpyxl.utils.column_index_from_string(m.group(1)),
                   openpyxl.utils.column_index_from_string(m.group(2))) if m else (1, ws.max_column)
    total = 0.0
    for c in range(first, last + 1):
        dim = ws.column_dimensions.get(openpyxl.utils.get_column_letter(c))
        width = dim.width if dim is not None and dim.customWidth and dim.width else DEFAULT_WIDTH
        total += column_points(width)
    return min(1.0, PRINTABLE_PT / total), total


def check_readable(wb, problems, report_sizes=None):
    """Every sheet printed one A4 landscape page wide: fit-to-width scale x
    the smallest font of any cell with text >= 9 pt."""
    for ws in wb.worksheets:
        scale, total = printed_scale(ws)
        smallest = min((c.font.sz or 11.0 for row in ws.iter_rows() for c in row
                        if c.value is not None and str(c.value).strip()), default=11.0)
        printed = scale * smallest
        if report_sizes is not None:
            report_sizes.append(f"{ws.title} {printed:.1f} pt")
        if printed + 1e-9 < MIN_PRINTED_PT:
            problems.append(f"{ws.title}: columns {total:.0f} pt wide against {PRINTABLE_PT:.0f} printable: "
                            f"scale {scale:.2f} x {smallest:g} pt = {printed:.1f} pt")


def header_held(ws):
    """None when the header row (HDR) is frozen at its foot (a column may be frozen
    too) and repeated on every printed page; else what is wrong."""
    if not re.fullmatch(rf"[A-Z]+{HDR + 1}", ws.freeze_panes or "") or ws.print_title_rows != f"${HDR}:${HDR}":
        return f"header row not frozen and repeated ({ws.freeze_panes}, {ws.print_title_rows})"
    return None


def check_tables(wb, sheets, problems):
    """Each table sheet: a table (autofilter, banded rows) from the header
    row, the header row frozen."""
    for name in sheets:
        ws = wb[name]
        if not ws.tables:
            problems.append(f"{name}: no table")
            continue
        for t in ws.tables.values():
            if not t.ref.startswith(f"A{HDR}:") or t.autoFilter is None or not t.tableStyleInfo.showRowStripes:
                problems.append(f"{name}: table {t.ref} lacks autofilter or banding, or not from row {HDR}")
        if header_held(ws):
            problems.append(f"{name}: {header_held(ws)}")


def check_flag_rules(wb, name, problems):
    """Conditional formats are FORMULA rules (never TOP/BOTTOM), on one of
    the table's sheets at least."""
    rules = [r for n in physical([name]) for rng in wb[n].conditional_formatting for r in rng.rules]
    ws = wb[name]
    if not rules:
        problems.append(f"{ws.title}: no conditional formatting")
    for r in rules:
        if r.type != "expression":
            problems.append(f"{ws.title}: a {r.type} rule")


def subject_counts(db, today):
    """How many records of the store each `apterm check` subject could be
    about (pupils on roll, providers): a subject of two is ambiguous."""
    counts = {}
    for u in db.execute("SELECT * FROM pupil WHERE end_date IS NULL OR end_date >= ?", (today.isoformat(),)):
        yg = year_group(iso(u["dob"]), today)
        subject = f"Pupil: {display_name(u)} (" + ("R" if yg == 0 else "N" if yg < 0 else f"Y{yg}") + ")"
        counts[subject] = counts.get(subject, 0) + 1
    for p in db.execute("SELECT name FROM provider"):
        counts[f"Provider: {p[0]}"] = counts.get(f"Provider: {p[0]}", 0) + 1
    return counts


def expected_flags(flags, counts, subject):
    """The check's flags for a subject, or None when it names two records."""
    return None if counts.get(subject, 0) > 1 else flags.get(subject, [])


def check_output(apterm, db_path):
    """`apterm check`: {subject: [(level, reason)]}."""
    out = subprocess.run([apterm, "check", "--db", db_path], capture_output=True, text=True).stdout
    flags = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            flags.setdefault(parts[2], []).append((parts[0].capitalize(), parts[3]))
    return flags


def flags_match(cell, rag, expected, where, problems):
    """A Flags cell and its RAG against `apterm check` for that subject;
    expected None when the subject is ambiguous (namesakes in the same year
    group): then only the cell and its RAG must agree."""
    got = [] if not cell else [tuple(line.split(": ", 1)) for line in cell.split("\n")]
    if expected is None:
        expected = got
    elif sorted(got) != sorted(expected):
        problems.append(f"{where}: flags {got} != check {expected}")
    worst = "Red" if any(l == "Red" for l, _ in expected) else "Amber" if expected else "Green"
    if rag != worst:
        problems.append(f"{where}: RAG {rag!r}, expected {worst}")


# ---------------------------------------------------------------- the pack

SHEETS = ["Cover", "Cases", "Case referrals", "Case options", "Option analysis", "Option totals", "Pupil picture",
          "Placements", "Placement costs", "Provider QA", "Provider checks"]
PANEL_SPLITS = {"Cases": [("Case referrals", 2), ("Case options", 2)], "Option analysis": [("Option totals", 3)],
                "Placements": [("Placement costs", 3)], "Provider QA": [("Provider checks", 1)]}
HEADERS = {
    "Cases": ["Case", "Pupil", "UPN", "Date of birth", "Year group", "Home school", "Cohort", "Roll status", "Plan",
              "Looked after", "Reason", "Referred", "Panel date", "Status", "Triage recommendation", "Decision",
              "Quotations", "Recommended option", "Annual cost", "Quotations check", "Flags", "RAG"],
    "Option analysis": ["Case", "Pupil", "Option", "Provider", "Cost basis", "Rate", "Sessions a week",
                        "Hours a week", "Cost per session", "Cost per week", "Transport a week", "Annual tuition",
                        "Annual transport", "Annual total", "Recommended", "Notes", "Quotations check"],
    "Placements": ["Pupil", "UPN", "Provider", "Status", "Start", "End", "Planned weeks", "Sessions a week",
                   "Hours a week", "Cost basis", "Rate", "Transport a week", "Annual cost", "Running today",
                   "Panel case"],
    "Provider QA": ["Provider", "Registration", "Status", "Pupils placed now", "Last Stage 1", "Stage 1 outcome",
                    "Stage 1 due", "Last Stage 2", "Stage 2 outcome", "Stage 2 due", "Last visit",
                    "Last visit type", "Safeguarding declaration", "Enhanced DBS", "Flags", "RAG"],
}
# The pupil picture: a block of label/value rows per pupil (two pairs a row,
# columns A-B and D-E with a narrow gap in C, a blank row between blocks),
# read back into one row of these fields in this order.
PICTURE_FIELDS = ["Pupil", "UPN", "Year group", "Cohort", "Roll status", "Plan", "Looked after", "Placements now",
                  "Providers now", "Hours a week", "LA minimum hours", "Hours against minimum", "Below minimum",
                  "Possible (6 weeks)", "Attended (6 weeks)", "Attendance (6 weeks)", "Possible (term)",
                  "Attended (term)", "Attendance (term)", "PSP", "PSP meeting", "Last PSP review",
                  "Next PSP review", "PSP ends", "Flags", "RAG"]
PICTURE_HEADER = ["Item", "Value", None, "Item", "Value"]


def picture_blocks(ws, problems):
    """The Pupil picture's blocks as {field: cell}, in order; a block with a
    field missing, repeated or unknown is a problem."""
    blocks, block = [], None
    for row in ws.iter_rows(min_row=HDR + 1, max_col=5):
        labels = [(row[0], row[1]), (row[3], row[4])]
        if row[2].value is not None:
            problems.append(f"Pupil picture!{row[2].coordinate}: {row[2].value!r} in the gap column")
        if all(c.value is None for c in row):
            block = None
            continue
        if row[0].value == "Pupil":
            block = {}
            blocks.append(block)
        if block is None:
            if row[0].value != "No pupils":
                problems.append(f"Pupil picture row {row[0].row}: {[c.value for c in row]} outside a block")
            continue
        for label, value in labels:
            if label.value is None:
                continue
            if label.value not in PICTURE_FIELDS or label.value in block:
                problems.append(f"Pupil picture!{label.coordinate}: label {label.value!r}")
            block[label.value] = value
    for b in blocks:
        missing = [f for f in PICTURE_FIELDS if f not in b]
        if missing:
            problems.append(f"Pupil picture block of {b['Pupil'].value}: lacks {missing}")
    return blocks


def picture_rows(blocks):
    """Each block as a tuple of values in PICTURE_FIELDS order ("None" flags
    read as no flags)."""
    rows = []
    for b in blocks:
        row = [b[f].value if f in b else None for f in PICTURE_FIELDS]
        if row[24] == "None":
            row[24] = None
        rows.append(tuple(row))
    return rows


BASIS = {"session": "Per session", "day": "Per day", "week": "Per week", "year": "Per year"}
STATE_MAINTAINED = ("maintained_school", "pru", "academy")
OUTCOMES = {"satisfactory": "Satisfactory", "improvement_needed": "Improvement needed",
            "unsatisfactory": "Unsatisfactory", None: None, "": None}


def below_minimum_text(u, below):
    """On a school's roll the school provides the rest of the week: said so,
    not a bare "Yes" beside "School"."""
    if not below:
        return "No"
    return "Yes (AP hours only; on the school's roll)" if u["roll_status"] == "sole_school" else "Yes"


def provider_qa(db, ids, today, problems, rows, apterm_flags, where):
    """The Provider QA / QA status sheet against SQL."""
    t = today.isoformat()
    want = db.execute(
        f"SELECT * FROM provider WHERE id IN ({','.join('?' * len(ids))}) ORDER BY name COLLATE NOCASE, id",
        list(ids)).fetchall()
    if [r[0] for r in rows] != [w["name"] for w in want]:
        problems.append(f"{where}: providers {[r[0] for r in rows][:5]} != {[w['name'] for w in want][:5]}")
        return
    for row, w in zip(rows, want):
        pid = w["id"]

        def visit(stage, what="visit_date"):
            r = db.execute(f"SELECT {what} FROM qa_visit WHERE provider_id = ? {stage} AND closed = 1 AND "
                           "visit_date <= ? ORDER BY visit_date DESC, id DESC LIMIT 1", (pid, t)).fetchone()
            return r[0] if r else None

        s1, s2 = iso(visit("AND stage = 'stage1'")), iso(visit("AND stage = 'stage2'"))
        first1 = db.execute("SELECT min(visit_date) FROM qa_visit WHERE provider_id = ? AND stage = 'stage1' "
                            "AND closed = 1 AND visit_date <= ?", (pid, t)).fetchone()[0]
        concern = db.execute("SELECT max(concern_date) FROM concern WHERE provider_id = ? AND concern_date <= ?",
                             (pid, t)).fetchone()[0]
        first_used = db.execute("SELECT min(start_date) FROM placement WHERE provider_id = ? AND status != "
                                "'proposed' AND start_date <= ?", (pid, t)).fetchone()[0]
        placed = db.execute("SELECT count(DISTINCT pupil_id) FROM placement WHERE provider_id = ? AND status = "
                            "'active' AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
                            (pid, t, t)).fetchone()[0]
        last_any = iso(visit(""))
        bad = []
        if row[3] != placed or not is_number(row[3]):
            bad.append(f"pupils now {row[3]} != {placed}")
        if not date_eq(row[4], s1) or row[5] != OUTCOMES[visit("AND stage = 'stage1'", "outcome")]:
            bad.append(f"Stage 1 {row[4]} {row[5]}")
        if not date_eq(row[7], s2) or row[8] != OUTCOMES[visit("AND stage = 'stage2'", "outcome")]:
            bad.append(f"Stage 2 {row[7]} {row[8]}")
        if not date_eq(row[10], last_any):
            bad.append(f"last visit {row[10]} != {last_any}")
        if not date_eq(row[12], iso(w["declaration_date"])) or not date_eq(row[13], iso(w["dbs_checked_date"])):
            bad.append("declaration / DBS dates")
        if w["registration"] in STATE_MAINTAINED:
            if row[6] != "Not required" or row[9] != "Not required":
                bad.append(f"dues {row[6]} {row[9]} for a state-maintained provider")
        else:
            due1 = add_months(s1, 12) if s1 else today
            since = iso(first_used) or iso(first1)
            base = s2 or since
            due2 = add_months(base, 24) if base else today
            c = iso(concern)
            if c and (s2 is None or c > s2) and c + dt.timedelta(days=30) < due2:
                due2 = c + dt.timedelta(days=30)
            if not (s2 or since or c):
                due2 = None
            if not date_eq(row[6], due1) or not date_eq(row[9], due2):
                bad.append(f"dues {row[6]} {row[9]} != {due1} {due2}")
        flags_match(row[14], row[15], expected_flags(apterm_flags, SUBJECTS, f"Provider: {w['name']}"), "flags", bad)
        problems.extend(f"{where} {w['name']}: {b}" for b in bad)


def main():
    db_path, xlsx, panel_text, today_text = sys.argv[1:5]
    label = sys.argv[5] if len(sys.argv) > 5 else "panel"
    expect_warning = len(sys.argv) > 6 and sys.argv[6] == "expect-warning"
    today = iso(today_text)
    panel_date = iso(panel_text) if panel_text else None
    SPLITS.update(PANEL_SPLITS)
    db = connect(db_path)
    cats = categories(db)
    wb = openpyxl.load_workbook(xlsx)
    apterm_flags = check_output(os.environ["APTERM"], db_path)
    SUBJECTS.update(subject_counts(db, today))

    report(f"{label}: the sheets are {', '.join(SHEETS)}", [] if wb.sheetnames == SHEETS else [wb.sheetnames])
    problems = [f"{n}: {joined_header(wb, n)}" for n, h in HEADERS.items() if joined_header(wb, n) != h]
    if header_of(wb["Pupil picture"]) != PICTURE_HEADER:
        problems.append(f"Pupil picture: {header_of(wb['Pupil picture'])}")
    report(f"{label}: every table's header row is as specified", problems)
    check_pages(wb, xlsx, label, "Inclusion Panel pack", today, PANEL_SPLITS)
    problems = []
    check_tables(wb, physical(HEADERS), problems)
    ws = wb["Pupil picture"]
    if header_held(ws):
        problems.append(f"Pupil picture: {header_held(ws)}")
    for n in ("Cases", "Option analysis", "Pupil picture", "Provider QA"):
        check_flag_rules(wb, n, problems)
    report(f"{label}: tables with autofilter and banding, frozen header rows, formula flag rules", problems)

    # ---- cases
    pd = panel_date.isoformat() if panel_date else None
    cases = db.execute(
        "SELECT c.*, u.legal_forename, u.legal_surname, u.preferred_name, u.upn, u.dob, u.cla, u.cohort "
        "FROM panel_case c JOIN pupil u ON u.id = c.pupil_id "
        f"WHERE ((:pd IS NULL AND c.status = 'open') OR c.panel_date = :pd) ORDER BY {PUPIL_ORDER}, c.id",
        {"pd": pd}).fetchall()
    quotes = {}
    for q in db.execute("SELECT q.*, v.name, v.status AS provider_status FROM quote q "
                        "JOIN provider v ON v.id = q.provider_id ORDER BY q.id"):
        quotes.setdefault(q["case_id"], []).append(q)
    # Providers with a safeguarding item answered No and not Yes at a later
    # closed visit whose every item is answered (README "QA checklists").
    red_flagged = {r[0] for r in db.execute(
        "SELECT v.provider_id FROM qa_visit v JOIN qa_answer a ON a.visit_id = v.id "
        "JOIN qa_template_item i ON i.id = a.item_id JOIN qa_template t ON t.id = i.template_id "
        "WHERE a.answer = 'no' AND i.safeguarding = 1 AND v.visit_date <= :today AND NOT EXISTS ("
        "  SELECT 1 FROM qa_visit v2 JOIN qa_answer a2 ON a2.visit_id = v2.id "
        "  JOIN qa_template_item i2 ON i2.id = a2.item_id JOIN qa_template t2 ON t2.id = i2.template_id "
        "  WHERE v2.provider_id = v.provider_id AND v2.visit_date <= :today AND v2.closed = 1 "
        "    AND NOT EXISTS (SELECT 1 FROM qa_template_item i3 WHERE i3.template_id = v2.template_id AND NOT EXISTS "
        "      (SELECT 1 FROM qa_answer a3 WHERE a3.visit_id = v2.id AND a3.item_id = i3.id AND a3.answer IS NOT NULL)) "
        "    AND (v2.visit_date > v.visit_date OR (v2.visit_date = v.visit_date AND v2.id > v.id)) "
        "    AND a2.answer IN ('yes', 'no') AND t2.key = t.key AND i2.text = i.text)",
        {"today": today_text})}

    def may_recommend(q):
        return q["provider_status"] != "suspended" and q["provider_id"] not in red_flagged

    def costed(q):
        spw = q["sessions_per_week"]
        tuition, transport = annual_parts(q["cost_basis"], q["rate"], spw, (spw + 1) // 2, q["transport_per_week"])
        return tuition, transport, tuition + transport

    recommended, warned = {}, {}
    for c in cases:
        qs = quotes.get(c["id"], [])
        chosen = [q for q in qs if q["chosen"]]
        safe = [q for q in qs if may_recommend(q)]
        if chosen:
            recommended[c["id"]] = (chosen[0]["id"], "chosen")
        elif safe:
            best = min(safe, key=lambda q: (costed(q)[2], q["id"]))
            recommended[c["id"]] = (best["id"], "lowest cost")
        rec_total = next((costed(q)[2] for q in qs if q["id"] == recommended.get(c["id"], (0,))[0]), None)
        # Route 1 counts distinct providers that may be recommended; at or over
        # the threshold another route is needed; an unsafe choice is flagged.
        counted = len({q["provider_id"] for q in safe})
        warned[c["id"]] = (not qs or rec_total is None or rec_total >= QUOTE_THRESHOLD
                           or counted < QUOTES_REQUIRED or any(not may_recommend(q) for q in chosen))

    rows = joined_rows(wb, "Cases", len(HEADERS["Cases"]))
    problems, warn_problems = [], []
    if len(rows) != len(cases):
        problems.append(f"{len(rows)} case rows, SQL has {len(cases)}")
    for row, c in zip(rows, cases):
        qs = quotes.get(c["id"], [])
        rec = next((q for q in qs if q["id"] == recommended.get(c["id"], (0,))[0]), None)
        dob = iso(c["dob"])
        want = [c["id"], display_name(c), c["upn"]]
        if list(row[:3]) != want or not date_eq(row[3], dob) or row[4] != year_name(year_group(dob, today)):
            problems.append(f"case {c['id']}: {row[:5]} != {want}")
        if not date_eq(row[11], iso(c["referral_date"])) or not date_eq(row[12], iso(c["panel_date"])):
            problems.append(f"case {c['id']}: dates {row[11]} {row[12]}")
        if row[14] != (c["triage_recommendation"] or None) or row[16] != len(qs):
            problems.append(f"case {c['id']}: triage or quotations count {row[16]} != {len(qs)}")
        if rec and (row[17] != rec["name"] or not money_eq(row[18], costed(rec)[2])):
            problems.append(f"case {c['id']}: recommended {row[17]} {row[18]} != {rec['name']} {costed(rec)[2]}")
        if bool(row[19]) != warned[c["id"]] or (row[19] and "quotations" not in row[19]):
            warn_problems.append(f"Cases, case {c['id']}: quotations check {row[19]!r}, due: {warned[c['id']]}")
        flags_match(row[20], row[21], apterm_flags.get(f"Panel case {c['id']}: {display_name(c)}", []),
                    f"case {c['id']}", problems)
    report(f"{label}: Cases - {len(cases)} cases, ids, pupils, dates, quotation counts, recommended option and "
           "its annual cost to the penny, flags as `apterm check`", problems)

    # ---- option analysis
    rows = joined_rows(wb, "Option analysis", len(HEADERS["Option analysis"]))
    want_rows = []
    for c in cases:
        qs = quotes.get(c["id"], [])
        if not qs:
            want_rows.append((c, None, 0))
        want_rows.extend((c, q, i + 1) for i, q in enumerate(qs))
    problems, n_rec = [], 0
    reason_problems, n_reasoned = [], 0
    if len(rows) != len(want_rows):
        problems.append(f"{len(rows)} option rows, SQL has {len(want_rows)}")
    for row, (c, q, k) in zip(rows, want_rows):
        where = f"case {c['id']} option {k}"
        if row[0] != c["id"] or row[1] != display_name(c):
            problems.append(f"{where}: {row[:2]}")
        if bool(row[16]) != warned[c["id"]] or (row[16] and "quotations" not in row[16]):
            warn_problems.append(f"Option analysis, {where}: quotations check {row[16]!r}, due: {warned[c['id']]}")
        if q is None:
            if "No quotations" not in (row[3] or ""):
                problems.append(f"{where}: a case without quotes says {row[3]!r}")
            continue
        tuition, transport, total = costed(q)
        spw = q["sessions_per_week"]
        checks = [
            (row[2] == k, "option number"), (row[3] == q["name"], "provider"),
            (row[4] == BASIS[q["cost_basis"]], "cost basis"), (money_eq(row[5], q["rate"]), "rate"),
            (row[6] == spw and is_number(row[6]), "sessions"),
            (is_number(row[7]) and abs(row[7] - q["hours_per_week"]) < 1e-9, "hours"),
            (money_eq(row[8], prorate(tuition, 1, SCHOOL_WEEKS * spw)) if spw else row[8] is None, "per session"),
            (money_eq(row[9], prorate(tuition, 1, SCHOOL_WEEKS)), "per week"),
            (money_eq(row[10], q["transport_per_week"]), "transport"),
            (money_eq(row[11], tuition), "annual tuition"), (money_eq(row[12], transport), "annual transport"),
            (money_eq(row[13], total), "annual total"),
        ]
        problems.extend(f"{where}: {what} {row}" for good, what in checks if not good)
        rec = recommended.get(c["id"])
        is_rec = rec is not None and rec[0] == q["id"]
        if bool(row[14]) != is_rec or (is_rec and rec[1] not in row[14]):
            problems.append(f"{where}: recommended {row[14]!r}, expected {is_rec} ({rec})")
        n_rec += is_rec
        # Issue 13: a suspended or red-flagged provider's quote chosen with a
        # recorded reason is marked so, and the quotations check quotes the
        # reason; chosen without one it is "Not recommendable".
        if is_rec and q["chosen"] and not may_recommend(q):
            reason = (q["recommend_reason"] or "").strip()
            if reason:
                n_reasoned += 1
                if "with a reason" not in (row[14] or "") or reason not in (row[16] or ""):
                    reason_problems.append(f"{where}: reason {reason!r} not said: {row[14]!r} / {row[16]!r}")
            elif "Not recommendable" not in (row[14] or ""):
                reason_problems.append(f"{where}: an unsafe choice without a reason marked {row[14]!r}")
        elif (q["recommend_reason"] or "") and not q["chosen"]:
            reason_problems.append(f"{where}: a reason is kept on a quote not chosen")
    report(f"{label}: Option analysis - every quote's cost per session and week, transport and annualised total "
           f"to the penny ({len(want_rows)} rows)", problems)
    report(f"{label}: a suspended or red-flagged provider recommended only with its reason said in the pack "
           f"({n_reasoned} with a reason)", reason_problems)
    report(f"{label}: the recommended option is marked, once per case with quotes ({n_rec})",
           [] if n_rec == sum(1 for c in cases if quotes.get(c["id"])) else [f"{n_rec} marked"])
    due = sum(1 for c in cases if warned[c["id"]])
    if expect_warning and due == 0:
        warn_problems.append("no case in this pack is short of quotations: the test store should have one")
    report(f"{label}: the fewer-than-required-quotations warning where due, and only there ({due} cases)",
           warn_problems)

    # ---- pupil picture
    pupils = db.execute(f"SELECT u.* FROM pupil u WHERE u.id IN (SELECT c.pupil_id FROM panel_case c WHERE "
                        f"((:pd IS NULL AND c.status = 'open') OR c.panel_date = :pd)) ORDER BY {PUPIL_ORDER}",
                        {"pd": pd}).fetchall()
    term = db.execute("SELECT * FROM term WHERE start_date <= ? ORDER BY start_date DESC LIMIT 1",
                      (today.isoformat(),)).fetchone()
    term_from, term_to = iso(term["start_date"]), min(iso(term["end_date"]), today)
    six_from = week_of(today) - dt.timedelta(weeks=5)
    problems = []
    blocks = picture_blocks(wb["Pupil picture"], problems)
    rows = picture_rows(blocks)
    if len(rows) != len(pupils):
        problems.append(f"{len(rows)} pupil rows, SQL has {len(pupils)}")
    t = today.isoformat()
    for row, u in zip(rows, pupils):
        where = f"pupil {u['id']} {display_name(u)}"
        yg = year_group(iso(u["dob"]), today)
        running = db.execute(
            "SELECT l.id, v.name, (SELECT total(hours) FROM placement_session s WHERE s.placement_id = l.id) AS h "
            "FROM placement l JOIN provider v ON v.id = l.provider_id WHERE l.pupil_id = ? AND l.status = 'active' "
            "AND l.start_date <= ? AND (l.end_date IS NULL OR l.end_date >= ?)", (u["id"], t, t)).fetchall()
        hours = sum(r["h"] for r in running)
        mh = min_hours(yg)
        six = attendance(db, cats, u["id"], six_from, today)
        trm = attendance(db, cats, u["id"], term_from, term_to)
        checks = [
            (row[0] == display_name(u) and row[1] == u["upn"] and row[2] == year_name(yg), "name/UPN/year"),
            (row[7] == len(running), f"placements now {row[7]} != {len(running)}"),
            (set((row[8] or "").split(", ")) - {""} == {r["name"] for r in running}, "providers now"),
            (is_number(row[9]) and abs(row[9] - hours) < 1e-9, f"hours {row[9]} != {hours}"),
            ((is_number(row[10]) and row[10] == mh) if mh else row[10] == "None", "minimum"),
            ((is_number(row[11]) and abs(row[11] - (hours - mh)) < 1e-9) if mh else row[11] is None, "difference"),
            (row[12] == below_minimum_text(u, mh and hours + 1e-3 < mh), f"below minimum {row[12]!r}"),
            (row[13] == six[0] and row[14] == six[1] and pct_eq(row[15], six[1], six[0]), f"6 weeks {row[13:16]} {six}"),
            (row[16] == trm[0] and row[17] == trm[1] and pct_eq(row[18], trm[1], trm[0]), f"term {row[16:19]} {trm}"),
        ]
        problems.extend(f"{where}: {what}" for good, what in checks if not good)
        psp = db.execute("SELECT *, (SELECT max(review_date) FROM psp_review r WHERE r.psp_id = psp.id AND "
                         "r.review_date <= ?) AS last FROM psp WHERE pupil_id = ? AND status != 'ceased'",
                         (t, u["id"])).fetchone()
        if psp is None:
            if row[19] != "None" or any(v is not None for v in row[20:24]):
                problems.append(f"{where}: PSP {row[19:24]} but none open")
        else:
            meeting, last = iso(psp["meeting_date"]), iso(psp["last"])
            base = last or meeting
            if psp["status"] == "active":
                nxt = base + dt.timedelta(weeks=6) if base else None
                stored = iso(psp["next_review_date"])
                if stored and base and base < stored < nxt:
                    nxt = stored
            else:
                nxt = iso(psp["next_review_date"])
            end = iso(psp["end_date"]) or (meeting + dt.timedelta(weeks=16, days=-1) if meeting else None)
            if row[19] != psp["status"].capitalize() or not date_eq(row[20], meeting) or \
                    not date_eq(row[21], last) or not date_eq(row[22], nxt) or not date_eq(row[23], end):
                problems.append(f"{where}: PSP {row[19:24]} != {psp['status']} {meeting} {last} {nxt} {end}")
        subject = f"Pupil: {display_name(u)} (" + ("R" if yg == 0 else "N" if yg < 0 else f"Y{yg}") + ")"
        flags_match(row[24], row[25], expected_flags(apterm_flags, SUBJECTS, subject), where, problems)
    report(f"{label}: Pupil picture - hours against the year-group minimum, attendance over 6 weeks and the term "
           f"(counts exact, % to 0.1), PSP dates, flags as `apterm check` ({len(pupils)} pupils)", problems)

    # ---- placements
    rows = joined_rows(wb, "Placements", len(HEADERS["Placements"]))
    problems, want = [], []
    for u in pupils:
        for p in db.execute(
                "SELECT l.*, v.name, (SELECT count(*) FROM placement_session s WHERE s.placement_id = l.id) AS n, "
                "(SELECT count(DISTINCT weekday) FROM placement_session s WHERE s.placement_id = l.id) AS d, "
                "(SELECT total(hours) FROM placement_session s WHERE s.placement_id = l.id) AS h "
                "FROM placement l JOIN provider v ON v.id = l.provider_id WHERE l.pupil_id = ? ORDER BY "
                "CASE l.status WHEN 'active' THEN 0 WHEN 'proposed' THEN 1 ELSE 2 END, l.start_date DESC, l.id DESC",
                (u["id"],)):
            want.append((u, p))
    if len(rows) != len(want):
        problems.append(f"{len(rows)} placement rows, SQL has {len(want)}")
    for row, (u, p) in zip(rows, want):
        tuition, transport = annual_parts(p["cost_basis"], p["rate"], p["n"], p["d"], p["transport_per_week"])
        running = p["status"] == "active" and p["start_date"] <= t and (p["end_date"] is None or p["end_date"] >= t)
        ok = (row[0] == display_name(u) and row[2] == p["name"] and row[3] == p["status"].capitalize()
              and date_eq(row[4], iso(p["start_date"])) and date_eq(row[5], iso(p["end_date"]))
              and row[7] == p["n"] and abs(row[8] - p["h"]) < 1e-9 and money_eq(row[10], p["rate"])
              and money_eq(row[11], p["transport_per_week"]) and money_eq(row[12], tuition + transport)
              and row[13] == ("Yes" if running else "No"))
        if not ok:
            problems.append(f"placement {p['id']}: {row}")
    report(f"{label}: Placements - dates, sessions, hours and annual cost to the penny ({len(want)})", problems)

    # ---- providers
    ids = {q["provider_id"] for c in cases for q in quotes.get(c["id"], [])}
    for u in pupils:
        for p in db.execute("SELECT provider_id FROM placement WHERE pupil_id = ? AND ((status = 'active' AND "
                            "start_date <= ? AND (end_date IS NULL OR end_date >= ?)) OR (status = 'proposed' AND "
                            "(end_date IS NULL OR end_date >= ?)))", (u["id"], t, t, t)):
            ids.add(p[0])
    problems = []
    rows = joined_rows(wb, "Provider QA", len(HEADERS["Provider QA"]))
    provider_qa(db, ids, today, problems, rows, apterm_flags, "Provider QA")
    report(f"{label}: Provider QA - every provider in the pack, visits, due dates, pupils placed, flags "
           f"({len(ids)} providers)", problems)

    # ---- cover
    cover = wb["Cover"]
    problems = []
    vals = {r[0]: r[1] for r in cover.iter_rows(min_row=4, max_row=12, max_col=2, values_only=True) if r[0]}
    if panel_date and not date_eq(vals.get("Panel date"), panel_date):
        problems.append(f"panel date {vals.get('Panel date')}")
    if not panel_date and "open case" not in str(vals.get("Panel date")):
        problems.append(f"panel date {vals.get('Panel date')!r} for every open case")
    if not date_eq(vals.get("Produced"), today) or vals.get("Organisation") != ORGANISATION:
        problems.append(f"produced {vals.get('Produced')} / organisation {vals.get('Organisation')}")
    if vals.get("Cases") != len(cases) or vals.get("Pupils") != len(pupils) or \
            vals.get("Cases short of quotations") != due:
        problems.append(f"counts {vals}")
    listed = [r[1] for r in cover.iter_rows(min_row=1, max_col=2, values_only=True) if is_number(r[1]) and
              r[0] not in vals]
    if listed != [c["id"] for c in cases]:
        problems.append(f"cover lists cases {listed}")
    report(f"{label}: Cover - panel date, organisation, counts and the list of cases", problems)

    # ---- dates are dates, numbers are numbers
    problems = []
    picture = [[b.get(f) for f in PICTURE_FIELDS] for b in picture_blocks(wb["Pupil picture"], [])]
    for name, cols in (("Cases", (3, 11, 12)), ("Placements", (4, 5)),
                       ("Provider QA", (4, 7, 10))):
        for row in joined_cells(wb, name, HDR + 1):
            for i in cols:
                c = row[i]
                if c.value is not None and not (c.is_date and isinstance(c.value, dt.datetime)):
                    problems.append(f"{name}!{c.coordinate} = {c.value!r} is not a date")
    for row in picture:
        for c in row[20:24]:
            if c is not None and c.value is not None and not (c.is_date and isinstance(c.value, dt.datetime)):
                problems.append(f"Pupil picture!{c.coordinate} = {c.value!r} is not a date")
    for name, cols in (("Option analysis", range(5, 14)), ("Placements", (10, 11, 12))):
        for row in joined_cells(wb, name, HDR + 1):
            for i in cols:
                c = row[i]
                if c.value is not None and (not is_number(c.value) or (i not in (6, 7) and "£" not in c.number_format)):
                    problems.append(f"{name}!{c.coordinate} = {c.value!r} ({c.number_format})")
    for row in picture:
        for i in (15, 18):
            if row[i] is not None and row[i].value is not None and row[i].number_format != "0.0%":
                problems.append(f"Pupil picture!{row[i].coordinate}: {row[i].number_format}")
    report(f"{label}: dates are Excel dates, money is numbers in £, percentages numbers with a % format", problems)

    # ---- UTF-8 names
    names = {display_name(u) for u in pupils} | {q["name"] for c in cases for q in quotes.get(c["id"], [])}
    wide = sorted(n for n in names if any(ord(ch) > 127 for ch in n))
    seen = {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    seen |= {line for v in list(seen) for line in re.split(r", |\n", v)}
    report(f"{label}: UTF-8 names intact ({', '.join(wide[:4]) or 'none accented'})",
           [n for n in wide if n not in seen])
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
