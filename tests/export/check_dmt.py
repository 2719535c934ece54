"""Reads a DMT value-for-money report back with openpyxl and compares every
figure with values computed here from the same store (read-only) by SQL
and the definitions of db/report.h: committed and actual spend to the penny
per placement and in every sum, attendance % to one decimal place, counts
exact. One "ok - NAME" / "not ok - NAME" line per check.

usage: check_dmt.py STORE.db REPORT.xlsx FROM TO TODAY [LABEL]"""
import datetime as dt
import os
import sys
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_panel import (HDR, SPLITS, check_pages, header_held, joined_cells, joined_header, joined_rows,
                         physical, PUPIL_ORDER, SCHOOL_WEEKS, SUBJECTS, annual_parts, categories,  # noqa: E402
                         check_flag_rules, subject_counts,
                         check_output, check_tables, connect, date_eq, day_num, display_name,
                         header_of, is_number, iso, money_eq, num_day, pct_eq, prorate, provider_qa, report,
                         table_rows, week_of, year_group, year_name)

SHEETS = ["Summary", "Charts", "Providers", "Provider attendance", "Pupils", "Pupil attendance", "Cohorts",
          "Cohort attendance", "Attendance by week", "Progress", "QA status", "QA checks"]
DMT_SPLITS = {"Providers": [("Provider attendance", 1)], "Pupils": [("Pupil attendance", 2)],
              "Cohorts": [("Cohort attendance", 1)], "QA status": [("QA checks", 1)]}
HEADERS = {
    "Summary": ["Measure", "Value", "How it is worked out"],
    "Charts": ["Provider", "Committed", "Actual"],
    "Providers": ["Provider", "Registration", "Pupils", "Placements", "Placement days", "Committed", "Actual",
                  "Not attended", "Sessions possible", "Sessions attended", "Attendance", "Attended hours",
                  "Cost per attended session", "Cost per attended hour", "QA"],
    "Pupils": ["Pupil", "UPN", "Cohort", "Year group", "Providers", "Placements", "Committed", "Actual",
               "Sessions possible", "Sessions attended", "Attendance", "Attended hours", "Cost per attended session"],
    "Cohorts": ["Cohort", "Pupils", "Placements", "Committed", "Actual", "Not attended", "Sessions possible",
                "Sessions attended", "Attendance", "Attended hours", "Cost per attended session",
                "Cost per attended hour"],
    "Attendance by week": ["Week commencing", "School days", "Sessions possible", "Sessions attended",
                           "Authorised absence", "Unauthorised absence", "Attendance"],
    "Progress": ["Tracking area", "Pupils rated", "Rated in two weeks or more", "Improved", "No change", "Declined",
                 "Average first rating", "Average last rating", "Average movement"],
    "QA status": ["Provider", "Registration", "Status", "Pupils placed now", "Last Stage 1", "Stage 1 outcome",
                  "Stage 1 due", "Last Stage 2", "Stage 2 outcome", "Stage 2 due", "Last visit", "Last visit type",
                  "Safeguarding declaration", "Enhanced DBS", "Flags", "RAG"],
}
COHORTS = [("aln_bespoke", "ALN bespoke"), ("pru_plus", "PRU Plus"), ("school_ap", "School-held AP"),
           ("ks13_intervention", "KS1–3 intervention"), ("ks4_pathway", "KS4 alternative pathway")]
AREAS = [("attendance", "Attendance within the provision"), ("wellbeing", "Wellbeing and emotional regulation"),
         ("engagement", "Participation and engagement"), ("social", "Social interaction and communication"),
         ("qualifications", "Qualification pathway")]
REGISTRATION = {"independent_school": "Registered independent school", "maintained_school": "Maintained school",
                "pru": "Pupil referral unit", "academy": "Academy", "further_education": "Further education college",
                "unregistered": "Unregistered AP"}
PERSISTENT_ABSENCE = 90.0
# The sheets with a row per pupil are streamed (src/export_dmt.c): no
# worksheet table there, but what a table gives a user by other means.
STREAMED = ("Pupils", "Pupil attendance")
SUMMED = {"Placements", "Committed", "Actual", "Sessions possible", "Sessions attended", "Attended hours"}


def check_streamed(wb, values, name, problems):
    """A streamed sheet: no table; the header row filtered, frozen and repeated
    on each printed page, the data rows banded, and a total row whose
    SUBTOTAL(109, range) formulas name exactly the data rows of their column
    and whose results (as stored, for readers that do not calculate) are the
    sums of those rows, to the penny."""
    ws, vs = wb[name], values[name]
    header = header_of(ws)
    last_col = openpyxl.utils.get_column_letter(len(header))
    if ws.tables:
        problems.append(f"{name}: a worksheet table on a streamed sheet")
    total = next((c.row for c in ws["A"][HDR:] if c.value == "Total"), None)
    if total is None:
        problems.append(f"{name}: no total row")
        return
    first, last = HDR + 1, total - 1
    if ws.auto_filter.ref != f"A{HDR}:{last_col}{last}":
        problems.append(f"{name}: autofilter {ws.auto_filter.ref}, not the header and data rows A{HDR}:{last_col}{last}")
    banded = [cf for cf in ws.conditional_formatting for r in cf.rules
              if r.type == "expression" and any("MOD(ROW()" in f for f in r.formula)]
    if not banded or str(banded[0].sqref) != f"A{first}:{last_col}{last}":
        problems.append(f"{name}: data rows not banded ({[str(b.sqref) for b in banded]})")
    head = ws.cell(HDR, 1)
    if not (head.font.b and head.fill.fgColor.rgb not in (None, "00000000")):
        problems.append(f"{name}: the header row is not bold on a fill")
    if header_held(ws):
        problems.append(f"{name}: {header_held(ws)}")
    summed = 0
    for i, caption in enumerate(header):
        col = openpyxl.utils.get_column_letter(i + 1)
        formula, value = ws.cell(total, i + 1).value, vs.cell(total, i + 1).value
        if caption not in SUMMED:
            if formula != ("Total" if i == 0 else None):
                problems.append(f"{name}!{col}{total}: {formula!r} under {caption}")
            continue
        summed += 1
        want = f"=SUBTOTAL(109,{col}{first}:{col}{last})"
        if formula != want:
            problems.append(f"{name}!{col}{total}: {formula!r}, not {want}")
        cells = [vs.cell(r, i + 1).value or 0 for r in range(first, last + 1)]
        if "£" in (ws.cell(total, i + 1).number_format or ""):
            good = is_number(value) and round(value * 100) == sum(round(v * 100) for v in cells)
        else:
            good = is_number(value) and abs(value - sum(cells)) < 1e-6
        if not good:
            problems.append(f"{name}!{col}{total}: {value!r}, the rows sum to {sum(cells)!r}")
    if summed == 0:
        problems.append(f"{name}: no summed column")


class Figures:
    """committed, actual, attendance and hours of a provider, pupil, cohort or the total."""

    def __init__(self):
        self.committed = self.actual = self.placements = self.days = 0
        self.possible = self.attending = self.placed_attended = 0
        self.hours = 0.0
        self.pupils = set()

    def add(self, p, with_attendance):
        self.committed += p["committed"]
        self.actual += p["actual"]
        self.placements += 1
        self.days += p["days"]
        self.placed_attended += p["attending"]
        self.hours += p["hours_attended"]
        self.pupils.add(p["pupil_id"])
        if with_attendance:
            self.possible += p["possible"]
            self.attending += p["attending"]

    def per_session(self):
        return prorate(self.committed, 1, self.placed_attended) if self.placed_attended else None

    def per_hour(self):
        return int(self.committed / self.hours + 0.5) if self.hours > 0 else None


def money_or_blank(cell, pence, tolerance=0):
    if pence is None:
        return cell is None
    return is_number(cell) and abs(round(cell * 100) - pence) <= tolerance


def main():
    db_path, xlsx, from_text, to_text, today_text = sys.argv[1:6]
    label = sys.argv[6] if len(sys.argv) > 6 else "dmt"
    first, last, today = iso(from_text), iso(to_text), iso(today_text)
    db = connect(db_path)
    cats = categories(db)
    wb = openpyxl.load_workbook(xlsx)                  # formulas as written
    values = openpyxl.load_workbook(xlsx, data_only=True)  # their cached results
    SPLITS.update(DMT_SPLITS)
    apterm_flags = check_output(os.environ["APTERM"], db_path)
    SUBJECTS.update(subject_counts(db, today))

    report(f"{label}: the sheets are {', '.join(SHEETS)}", [] if wb.sheetnames == SHEETS else [wb.sheetnames])
    problems = [f"{n}: {joined_header(wb, n)[:len(h)]}" for n, h in HEADERS.items()
                if joined_header(wb, n)[:len(h)] != h]
    report(f"{label}: every table's header row is as specified", problems)
    check_pages(wb, xlsx, label, "Value for money report", today, DMT_SPLITS)
    problems = []
    check_tables(wb, [n for n in SHEETS if n not in ("Summary", "Charts") + STREAMED], problems)
    for n in ("Providers", "Pupils", "Cohorts", "Attendance by week", "QA status"):
        check_flag_rules(wb, n, problems)
    report(f"{label}: tables with autofilter and banding, frozen header rows, formula flag rules", problems)
    problems = []
    for n in STREAMED:
        check_streamed(wb, values, n, problems)
    report(f"{label}: the per-pupil sheets (streamed, no table) have a filtered, frozen, repeated header row, "
           "banded rows, and total formulas over their rows whose results are the rows' sums to the penny", problems)

    # ---- the calendar
    terms = [(iso(r["start_date"]), iso(r["end_date"])) for r in db.execute("SELECT * FROM term")]
    closures = {iso(r[0]) for r in db.execute("SELECT day FROM closure")}

    def school_day(d):
        return d.weekday() < 5 and d not in closures and any(a <= d <= b for a, b in terms)

    school = [d for d in (first + dt.timedelta(days=i) for i in range((last - first).days + 1)) if school_day(d)]
    school_set = set(school)

    # ---- counted placements: committed
    pls = {}
    for p in db.execute("SELECT * FROM placement WHERE status IN ('active', 'ended') AND start_date <= ? AND "
                        "(end_date IS NULL OR end_date >= ?)", (last.isoformat(), first.isoformat())):
        slots = {(r["weekday"], r["session"]): r["hours"] for r in
                 db.execute("SELECT * FROM placement_session WHERE placement_id = ?", (p["id"],))}
        start, end = iso(p["start_date"]), iso(p["end_date"]) or last
        days = sum(1 for d in school if max(start, first) <= d <= min(end, last))
        if days == 0:
            continue
        sessions = len(slots)
        weekdays = len({w for w, _ in slots})
        tuition, transport = annual_parts(p["cost_basis"], p["rate"], sessions, weekdays, p["transport_per_week"])
        annual = tuition + transport
        pls[p["id"]] = dict(id=p["id"], pupil_id=p["pupil_id"], provider_id=p["provider_id"], start=start,
                            end=iso(p["end_date"]), slots=slots, sessions=sessions, annual=annual, days=days,
                            committed=prorate(annual, days, SCHOOL_WEEKS * 5), possible=0, attending=0,
                            hours_attended=0.0)
    by_pupil = {}
    for p in pls.values():
        by_pupil.setdefault(p["pupil_id"], []).append(p)

    # ---- the marks: each to its placement
    pupil_att, weeks, unplaced = {}, {}, 0
    for m in db.execute("SELECT pupil_id, day, session, code FROM attendance_mark WHERE day BETWEEN ? AND ?",
                        (day_num(first), day_num(last))):
        cat = cats.get(m["code"], "not_counted")
        if cat == "not_counted":
            continue
        d = num_day(m["day"])
        attending = cat in ("present", "aea")
        a = pupil_att.setdefault(m["pupil_id"], [0, 0])
        a[0] += 1
        a[1] += attending
        w = weeks.setdefault(week_of(d), [0, 0, 0, 0])
        w[0] += 1
        w[1] += attending
        w[2] += cat == "authorised"
        w[3] += cat == "unauthorised"
        cands = [p for p in by_pupil.get(m["pupil_id"], []) if p["start"] <= d and (p["end"] is None or d <= p["end"])
                 and (d.weekday(), m["session"]) in p["slots"]]
        if not cands:
            unplaced += attending
            continue
        p = max(cands, key=lambda q: (q["start"], q["id"]))
        p["possible"] += 1
        if attending:
            p["attending"] += 1
            p["hours_attended"] += p["slots"][(d.weekday(), m["session"])]
    for p in pls.values():
        p["actual"] = prorate(p["annual"], p["attending"], p["sessions"] * SCHOOL_WEEKS)

    # ---- providers
    providers = {}
    for p in pls.values():
        providers.setdefault(p["provider_id"], Figures()).add(p, True)
    names = db.execute(f"SELECT id, name, registration FROM provider WHERE id IN "
                       f"({','.join(str(i) for i in providers) or '0'}) ORDER BY name COLLATE NOCASE, id").fetchall()
    rows = joined_rows(wb, "Providers", 15)
    problems = []
    data_rows = [r for r in rows if r[0] != "Total"]
    if len(data_rows) != len(names):
        problems.append(f"{len(data_rows)} provider rows, SQL has {len(names)}")
    total_days = 0
    for row, n in zip(data_rows, names):
        f = providers[n["id"]]
        total_days += f.days
        want = [n["name"], REGISTRATION[n["registration"]], len(f.pupils), f.placements, f.days]
        good = (list(row[:5]) == want and money_eq(row[5], f.committed) and money_eq(row[6], f.actual)
                and money_eq(row[7], f.committed - f.actual) and row[8] == f.possible and row[9] == f.attending
                and pct_eq(row[10], f.attending, f.possible) and abs((row[11] or 0) - f.hours) < 1e-6
                and money_or_blank(row[12], f.per_session()) and money_or_blank(row[13], f.per_hour(), 1)
                and row[14] in ("Red", "Amber", "Green"))
        if not good:
            problems.append(f"{n['name']}: {row} != {want} {f.committed} {f.actual} {f.possible} {f.attending} "
                            f"{f.hours} {f.per_session()} {f.per_hour()}")
    report(f"{label}: Providers - committed and actual spend to the penny, placements, placement days, sessions, "
           f"attendance, hours, cost per attended session and hour ({len(names)} providers)", problems)

    # ---- pupils
    listed = set(by_pupil) | set(pupil_att)
    pupils = [u for u in db.execute(f"SELECT u.* FROM pupil u ORDER BY {PUPIL_ORDER}") if u["id"] in listed]
    prov_names = {n["id"]: n["name"] for n in names}
    rows = [r for r in joined_rows(wb, "Pupils", 13) if r[0] != "Total"]
    problems, cohort_figs, total = [], {c: Figures() for c, _ in COHORTS}, Figures()
    cohort_att = {c: [0, 0] for c, _ in COHORTS}
    below = 0
    if len(rows) != len(pupils):
        problems.append(f"{len(rows)} pupil rows, SQL has {len(pupils)}")
    for u in pupils:
        f = Figures()
        for p in by_pupil.get(u["id"], []):
            f.add(p, False)
            cohort_figs[u["cohort"]].add(p, False)
            total.add(p, False)
        f.possible, f.attending = pupil_att.get(u["id"], [0, 0])
        cohort_att[u["cohort"]][0] += f.possible
        cohort_att[u["cohort"]][1] += f.attending
        cohort_figs[u["cohort"]].pupils.add(u["id"])
        total.pupils.add(u["id"])
        total.possible += f.possible
        total.attending += f.attending
        if f.possible and f.attending * 100 < PERSISTENT_ABSENCE * f.possible:
            below += 1
        u_f = (u, f)
        row = rows[pupils.index(u)] if pupils.index(u) < len(rows) else None
        if row is None:
            continue
        provs = sorted({prov_names[p["provider_id"]] for p in by_pupil.get(u["id"], [])}, key=str.casefold)
        cohort = dict(COHORTS)[u["cohort"]]
        want = [display_name(u), u["upn"], cohort, year_name(year_group(iso(u["dob"]), last)), ", ".join(provs),
                f.placements]
        good = (list(row[:6]) == want and money_eq(row[6], f.committed) and money_eq(row[7], f.actual)
                and row[8] == f.possible and row[9] == f.attending and pct_eq(row[10], f.attending, f.possible)
                and abs((row[11] or 0) - f.hours) < 1e-6 and money_or_blank(row[12], f.per_session()))
        if not good:
            problems.append(f"{u_f[0]['id']}: {row} != {want} {f.committed} {f.actual} {f.possible} {f.attending}")
    report(f"{label}: Pupils - committed and actual spend to the penny, sessions, attendance % to 0.1, hours "
           f"({len(pupils)} pupils)", problems)

    # ---- cohorts
    rows = joined_rows(wb, "Cohorts", 12)
    problems = []
    for (code, name), row in zip(COHORTS, rows):
        f = cohort_figs[code]
        f.possible, f.attending = cohort_att[code]
        good = (row[0] == name and row[1] == len(f.pupils) and row[2] == f.placements
                and money_eq(row[3], f.committed) and money_eq(row[4], f.actual)
                and money_eq(row[5], f.committed - f.actual) and row[6] == f.possible and row[7] == f.attending
                and pct_eq(row[8], f.attending, f.possible) and abs((row[9] or 0) - f.hours) < 1e-6
                and money_or_blank(row[10], f.per_session()) and money_or_blank(row[11], f.per_hour(), 1))
        if not good:
            problems.append(f"{name}: {row}")
    if len(rows) != len(COHORTS) + 1:
        problems.append(f"{len(rows)} cohort rows (five and a total expected)")
    report(f"{label}: Cohorts - every cohort's spend to the penny, attendance and cost per session and hour",
           problems)

    # ---- total rows: formulas with their results, equal to the sums
    problems = []
    for sheet, cols in (("Providers", {5: total.committed, 6: total.actual, 7: total.committed - total.actual,
                                       3: len(pls), 4: total_days}),
                        ("Pupils", {6: total.committed, 7: total.actual, 5: len(pls), 8: total.possible,
                                    9: total.attending}),
                        ("Cohorts", {3: total.committed, 4: total.actual, 1: len(total.pupils), 2: len(pls),
                                     6: total.possible, 7: total.attending})):
        last_row = HDR + len(joined_rows(wb, sheet, 3))
        ws, vs = joined_cells(wb, sheet, last_row)[0], joined_cells(values, sheet, last_row)[0]
        if ws[0].value != "Total":
            problems.append(f"{sheet}: no total row ({ws[0].value!r})")
            continue
        for col, want in cols.items():
            formula, value = ws[col].value, vs[col].value
            is_money = "£" in (ws[col].number_format or "")
            # qualified with the table's name: LibreOffice cannot read "[Placement days]" alone
            if not (isinstance(formula, str) and formula.startswith("=SUBTOTAL(109,") and "(109,[" not in formula):
                problems.append(f"{sheet} total col {col + 1}: {formula!r} is not a qualified SUBTOTAL")
            if not (money_eq(value, want) if is_money else value == want):
                problems.append(f"{sheet} total col {col + 1}: {value} != {want}")
    report(f"{label}: total rows are SUBTOTAL formulas whose results equal the sums to the penny", problems)

    # ---- summary
    kpis = {r[0]: r[1] for r in joined_rows(wb, "Summary", 3)}
    per_hour = total.per_hour()
    checks = [
        (date_eq(kpis.get("From"), first) and date_eq(kpis.get("To"), last), "range"),
        (kpis.get("School days") == len(school), f"school days {kpis.get('School days')} != {len(school)}"),
        (kpis.get("School days after today") == sum(1 for d in school if d > today),
         f"school days after today {kpis.get('School days after today')}"),
        (kpis.get("Pupils") == len(pupils), "pupils"), (kpis.get("Providers") == len(names), "providers"),
        (kpis.get("Placements") == len(pls), "placements"),
        (money_eq(kpis.get("Committed spend"), total.committed), f"committed {kpis.get('Committed spend')}"),
        (money_eq(kpis.get("Actual spend (sessions attended)"), total.actual), "actual"),
        (money_eq(kpis.get("Committed but not attended"), total.committed - total.actual), "not attended"),
        (kpis.get("Sessions possible") == total.possible, "possible"),
        (kpis.get("Sessions attended") == total.attending, "attended"),
        (pct_eq(kpis.get("Attendance"), total.attending, total.possible), "attendance"),
        (abs((kpis.get("Attended hours") or 0) - total.hours) < 1e-6, "hours"),
        (money_or_blank(kpis.get("Cost per attended session"), total.per_session()), "per session"),
        (money_or_blank(kpis.get("Cost per attended hour"), per_hour, 1), "per hour"),
        (kpis.get("Pupils below the attendance threshold") == below, f"below {below}"),
        (kpis.get("Attended sessions outside any placement") == unplaced, "unplaced"),
    ]
    report(f"{label}: Summary - every KPI ({total.committed / 100:,.2f} committed, {total.actual / 100:,.2f} actual, "
           f"{len(school)} school days)", [f"{w}: {kpis}" if len(kpis) < 3 else w for g, w in checks if not g])

    # ---- weeks
    mondays = sorted({week_of(d) for d in school})
    rows = joined_rows(wb, "Attendance by week", 7)
    problems = []
    if len(rows) != len(mondays):
        problems.append(f"{len(rows)} weeks, expected {len(mondays)}")
    for row, mon in zip(rows, mondays):
        w = weeks.get(mon, [0, 0, 0, 0])
        days = sum(1 for i in range(7) if mon + dt.timedelta(days=i) in school_set)
        if not (date_eq(row[0], mon) and row[1] == days and list(row[2:6]) == w and pct_eq(row[6], w[1], w[0])):
            problems.append(f"{mon}: {row} != {days} {w}")
    report(f"{label}: Attendance by week - every week with a school day, sessions exact, % to 0.1 ({len(mondays)})",
           problems)

    # ---- the ending after today, on the Summary
    summary_text = " ".join(str(v) for row in wb["Summary"].iter_rows(values_only=True) for v in row if v)
    after = sum(1 for d in school if d > today)
    said = "This period runs to" in summary_text and "after today" in summary_text
    report(f"{label}: the Summary says the period ends after today exactly when it does ({after} school days after)",
           [] if said == (after > 0) else [f"said {said}, {after} school days after today"])

    # ---- the attendance chart's points: weeks with marks, by Monday, part weeks said
    want_points = []
    for mon in mondays:
        w = weeks.get(mon, [0, 0, 0, 0])
        if w[0] == 0:
            continue
        part = mon < first or mon + dt.timedelta(days=4) > min(last, today)
        want_points.append((mon.strftime("%d/%m/%Y") + (" (part week)" if part else ""), w))
    charts = wb["Charts"]
    got_points, in_weeks = [], False
    for row in charts.iter_rows(min_row=HDR, max_col=2, values_only=True):
        if row[0] == "Week commencing":
            in_weeks = True
        elif in_weeks and isinstance(row[0], str) and is_number(row[1]):
            got_points.append(row)
        elif in_weeks and row[0] is None:
            break
    problems = []
    if [p[0] for p in got_points] != [w[0] for w in want_points]:
        problems.append(f"points {[p[0] for p in got_points]} != {[w[0] for w in want_points]}")
    for (lab, value), (_, w) in zip(got_points, want_points):
        if not pct_eq(value, w[1], w[0]):
            problems.append(f"{lab}: {value}")
    report(f"{label}: the attendance chart has one point per week with marks, labelled by its Monday, part weeks "
           f"said ({len(want_points)} points)", problems)

    # ---- progress
    ratings = {}
    for r in db.execute("SELECT pupil_id, area, week_start, rating FROM progress_entry WHERE week_start BETWEEN ? "
                        "AND ? ORDER BY pupil_id, area, week_start", (from_text, to_text)):
        ratings.setdefault((r["pupil_id"], r["area"]), []).append(r["rating"])
    rows = joined_rows(wb, "Progress", 9)
    problems = []
    for (code, name), row in zip(AREAS, rows):
        series = [v for (p, a), v in ratings.items() if a == code]
        two = [v for v in series if len(v) >= 2]
        imp = sum(v[-1] > v[0] for v in two)
        same = sum(v[-1] == v[0] for v in two)
        dec = sum(v[-1] < v[0] for v in two)
        want = [name, len(series), len(two), imp, same, dec]
        avgs = [sum(v[0] for v in two) / len(two), sum(v[-1] for v in two) / len(two),
                sum(v[-1] - v[0] for v in two) / len(two)] if two else [None, None, None]
        if list(row[:6]) != want or any((a is None) != (b is None) or (a is not None and abs(a - b) > 1e-9)
                                        for a, b in zip(row[6:9], avgs)):
            problems.append(f"{name}: {row} != {want} {avgs}")
    if len(rows) != len(AREAS):
        problems.append(f"{len(rows)} areas")
    report(f"{label}: Progress - pupils rated, improved / same / declined, average first, last and movement per "
           "area", problems)

    # ---- QA status
    problems = []
    provider_qa(db, set(providers), today, problems, joined_rows(wb, "QA status", 16), apterm_flags, "QA status")
    qa_rag = {r[0]: r[15] for r in joined_rows(wb, "QA status", 16)}
    for row in data_rows:
        if qa_rag.get(row[0]) != row[14]:
            problems.append(f"Providers QA {row[14]} != QA status {qa_rag.get(row[0])} for {row[0]}")
    report(f"{label}: QA status - the providers used, visits, due dates, flags as `apterm check`", problems)

    # ---- charts
    problems = []
    with zipfile.ZipFile(xlsx) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = {n: z.read(n).decode() for n in charts}
    if not any("<c:barChart>" in x for x in xml.values()):
        problems.append(f"no bar chart in {charts}")
    if not any("<c:lineChart>" in x for x in xml.values()):
        problems.append(f"no line chart in {charts}")
    bar = next((x for x in xml.values() if "<c:barChart>" in x), "")
    line = next((x for x in xml.values() if "<c:lineChart>" in x), "")
    if "Charts!$B$5" not in bar or "Charts!$A$5" not in bar:
        problems.append("the bar chart does not draw on the Charts sheet's table")
    if "Charts!$B$" not in line or "Charts!$A$" not in line or "<c:dateAx>" in line:
        problems.append("the line chart does not draw on the week labels on the Charts sheet (text axis)")
    ranked = sorted(names, key=lambda n: (-providers[n["id"]].committed, [x["id"] for x in names].index(n["id"])))
    rows = joined_rows(wb, "Charts", 3)
    top = ranked[:15]
    want = [(n["name"], providers[n["id"]].committed, providers[n["id"]].actual) for n in top]
    if len(ranked) > 15:
        rest = ranked[15:]
        want.append((f"All other providers ({len(rest)})", sum(providers[n["id"]].committed for n in rest),
                     sum(providers[n["id"]].actual for n in rest)))
    if len(rows) != len(want) or any(r[0] != w[0] or not money_eq(r[1], w[1]) or not money_eq(r[2], w[2])
                                     for r, w in zip(rows, want)):
        problems.append(f"chart data {rows[:3]} != {want[:3]}")
    report(f"{label}: charts - spend by provider (bar, top {min(15, len(ranked))} by committed spend) and attendance "
           "by week (line)", problems)

    # ---- dates are dates, numbers are numbers
    problems = []
    for name, cols in (("Providers", (5, 6, 7, 12, 13)), ("Pupils", (6, 7, 12)), ("Cohorts", (3, 4, 5, 10, 11)),
                       ("Charts", (1, 2))):
        for row in joined_cells(wb, name, HDR + 1):
            if row[0].value is None:
                break  # the end of the table (the Charts sheet's week points follow)
            for i in cols:
                c = row[i]
                if c.value is not None and not isinstance(c.value, str) and \
                        (not is_number(c.value) or "£" not in c.number_format):
                    problems.append(f"{name}!{c.coordinate} = {c.value!r} ({c.number_format})")
    for name, col in (("Providers", 10), ("Pupils", 10), ("Cohorts", 8), ("Attendance by week", 6)):
        for row in joined_cells(wb, name, HDR + 1):
            c = row[col]
            if c.value is not None and not isinstance(c.value, str) and c.number_format != "0.0%":
                problems.append(f"{name}!{c.coordinate}: {c.number_format}")
    for row in wb["Attendance by week"].iter_rows(min_row=HDR + 1):
        if row[0].value is not None and not (row[0].is_date and isinstance(row[0].value, dt.datetime)):
            problems.append(f"Attendance by week!{row[0].coordinate} = {row[0].value!r}")
    for name, col in (("Providers", 11), ("Pupils", 11), ("Cohorts", 9)):
        for row in joined_cells(wb, name, HDR + 1):
            c = row[col]
            if is_number(c.value) and c.number_format != "#,##0.00":
                problems.append(f"{name}!{c.coordinate}: hours shown as {c.number_format}, not to two decimals")
    report(f"{label}: dates are Excel dates, money is numbers in £, percentages numbers with a % format, hours to "
           "two decimals", problems)

    wide = sorted({display_name(u) for u in pupils if any(ord(ch) > 127 for ch in display_name(u))} |
                  {n["name"] for n in names if any(ord(ch) > 127 for ch in n["name"])})
    seen = {v for row in wb["Pupils"].iter_rows(values_only=True) for v in row if isinstance(v, str)}
    seen |= {v for row in wb["Providers"].iter_rows(values_only=True) for v in row if isinstance(v, str)}
    report(f"{label}: UTF-8 names intact ({len(wide)} accented, e.g. {', '.join(wide[:3])})",
           [n for n in wide if n not in seen] + ([] if wide else ["no accented name to check in this store"]))


if __name__ == "__main__":
    main()
