"""Reads a PDF document of `apterm print` back with poppler-utils (pdftotext,
pdffonts, pdfinfo: independent of Cairo and Pango) and compares it with the
store (opened read-only): the text of every field is in it, every page is
marked, the fonts are embedded, the page count is the one apterm reported.
One "ok - NAME" / "not ok - NAME" line per check.

usage: check_pdf.py psp|visit|tracking STORE.db FILE.pdf SUBJECT TODAY PAGES [LABEL]
  SUBJECT: the pupil's UPN, the visit's id, or the week's Monday (YYYY-MM-DD)."""
import datetime as dt
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_panel import MARKING, ORGANISATION, connect, iso, report  # noqa: E402

LABELS = {"continue": "Continue", "adapt": "Adapt", "cease": "Cease", "next_steps": "Next steps"}


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def squash(text):
    """Text without whitespace and hyphens: a wrapped line (Pango hyphenates
    a word it breaks) reads the same as the stored value."""
    return re.sub(r"[\s\-\u2010]+", "", text or "")


def uk(d):
    return d.strftime("%d/%m/%Y") if d else ""


class Document:
    def __init__(self, path):
        self.path = path
        # -raw: the order of the content stream, so a table cell's lines stay together
        self.pages = run("pdftotext", "-raw", "-enc", "UTF-8", path, "-").split("\f")
        if self.pages and not self.pages[-1].strip():
            self.pages.pop()
        self.text = "\n".join(self.pages)
        self.flat = squash(self.text)
        self.info = dict(line.split(":", 1) for line in run("pdfinfo", path).splitlines() if ":" in line)
        self.fonts = run("pdffonts", path).splitlines()[2:]

    def missing(self, what, values):
        """The values (non-empty) whose text is not in the document."""
        return [f"{what}: {v[:70]!r}" for v in values if v and squash(v) not in self.flat]


def common_checks(doc, label, pages, today, title_words):
    n = int(doc.info.get("Pages", "0").strip())
    report(f"{label}: {n} pages, as apterm said ({pages}), A4",
           [] if n == pages == len(doc.pages) and "(A4)" in doc.info.get("Page size", "") else
           [f"pdfinfo {n}, text pages {len(doc.pages)}, said {pages}, {doc.info.get('Page size')}"])
    problems = []
    for i, page in enumerate(doc.pages, 1):
        for want in (MARKING, ORGANISATION, f"Page {i} of {n}", f"produced {uk(today)}", title_words):
            if squash(want) not in squash(page):
                problems.append(f"page {i} lacks {want!r}")
        if page.count(MARKING) < 2:
            problems.append(f"page {i}: {MARKING} not at both the head and the foot")
    report(f"{label}: {MARKING} at the head and foot of every page, with the organisation, the title, "
           "the date and page n of N", problems)
    bad = [f for f in doc.fonts if f.split()[-5:-3] != ["yes", "yes"] or "DejaVu" not in f]
    report(f"{label}: every font embedded (DejaVu, subset): {len(doc.fonts)} fonts",
           bad + ([] if doc.fonts else ["no fonts"]))
    title = doc.info.get("Title", "").strip()
    report(f"{label}: the document's title is set ({title!r})", [] if title_words in title else [title])


def check_psp(db, doc, upn, today, label):
    u = db.execute("SELECT * FROM pupil WHERE upn = ?", (upn,)).fetchone()
    p = db.execute("SELECT * FROM psp WHERE pupil_id = ? AND status != 'ceased'", (u["id"],)).fetchone()
    fields = [p[k] for k in ("lead", "attendees", "reason", "previous_strategies", "what_is_working",
                             "school_agrees", "parent_agrees", "professionals_agree", "exit_plan")]
    problems = doc.missing("PSP", fields)
    problems += doc.missing("pupil", [u["upn"], u["legal_surname"], uk(iso(u["dob"]))])
    problems += doc.missing("dates", [uk(iso(p["meeting_date"])), uk(iso(p["next_review_date"])),
                                      uk(iso(p["end_date"]))])
    problems += doc.missing("signed", [uk(iso(p[k])) for k in ("signed_child_date", "signed_parent_date",
                                                               "signed_school_date")])
    report(f"{label}: the pupil's facts, the meeting, the reason, strategies, what is working, each "
           "party's agreement and the dates signed, as stored", problems)
    targets = db.execute("SELECT * FROM psp_target WHERE psp_id = ? ORDER BY position", (p["id"],)).fetchall()
    problems = []
    for t in targets:
        problems += doc.missing("target", [t["target"], t["baseline"], t["measure"]])
    report(f"{label}: every SMART target with its baseline and measure ({len(targets)})",
           problems + ([] if targets else ["the PSP under test has no targets"]))
    days = db.execute("SELECT * FROM psp_timetable WHERE psp_id = ? ORDER BY weekday", (p["id"],)).fetchall()
    problems = []
    for d in days:
        problems += doc.missing("timetable", [d["activity"], d["venue"], f"{d['hours']:.2f}"])
    total = sum(d["hours"] for d in days)
    problems += doc.missing("week", [f"Week {total:.2f}"])
    report(f"{label}: the timetable, day by day, with the week's hours ({total:.2f})", problems)
    problems = []
    if p["reduced_timetable"]:
        problems += doc.missing("reduced", ["Reduced timetable", uk(iso(p["reduced_start"])),
                                            uk(iso(p["reduced_end"])), "RAG (audit matrix)"])
        if not re.search(r"RAG \(audit matrix\)\s*(Red|Amber|Green)", doc.text):
            problems.append("no RAG after the label")
    report(f"{label}: the reduced-timetable section with its dates and RAG", problems)
    reviews = db.execute("SELECT * FROM psp_review WHERE psp_id = ?", (p["id"],)).fetchall()
    problems = []
    for r in reviews:
        problems += doc.missing("review", [uk(iso(r["review_date"])), r["notes"], LABELS[r["outcome"]]])
    if not reviews:
        problems += doc.missing("reviews", ["No reviews yet."])
    report(f"{label}: the reviews so far ({len(reviews)})", problems)
    parties = ["The child or young person", "The parent or carer", "The school", "The professionals"]
    problems = doc.missing("signatures", parties)
    sig = len(re.findall(r"^Signature\b", doc.text, re.M))
    if sig < len(parties):
        problems.append(f"{sig} signature lines for {len(parties)} parties")
    report(f"{label}: a signature block (name, role, signature, date) for each party", problems)


def check_visit(db, doc, visit_id, today, label):
    v = db.execute("SELECT v.*, p.name FROM qa_visit v JOIN provider p ON p.id = v.provider_id WHERE v.id = ?",
                   (int(visit_id),)).fetchone()
    problems = doc.missing("visit", [v["name"], v["visitors"], uk(iso(v["visit_date"])), v["notes"],
                                     uk(iso(v["next_due"]))])
    outcome = {"satisfactory": "Satisfactory", "improvement_needed": "Improvement needed",
               "unsatisfactory": "Unsatisfactory"}[v["outcome"]]
    problems += doc.missing("outcome", [outcome])
    report(f"{label}: the provider, date, visitors, notes, outcome and next due date", problems)
    items = db.execute("SELECT i.*, a.answer, a.comment FROM qa_template_item i LEFT JOIN qa_answer a ON "
                       "a.item_id = i.id AND a.visit_id = ? WHERE i.template_id = ? ORDER BY i.position",
                       (v["id"], v["template_id"])).fetchall()
    answers = {"yes": "Yes", "no": "No", "na": "N/A", None: "Not answered"}
    problems = []
    pos = 0
    flat = doc.flat
    for it in items:
        want = squash(it["text"]) + squash(answers[it["answer"]]) + squash(it["comment"] or "")
        at = flat.find(want, pos)
        if at < 0:
            problems.append(f"item {it['position']}: {it['text'][:50]!r} with {answers[it['answer']]!r} "
                            f"and its comment, in order")
        else:
            pos = at
    sections = []
    for it in items:
        if not sections or sections[-1] != it["section"]:
            sections.append(it["section"])
    problems += doc.missing("section", sections)
    report(f"{label}: every checklist item in order with its answer and comment, under its section "
           f"({len(items)} items, {len(sections)} sections)", problems)
    nos = [it for it in items if it["answer"] == "no"]
    follow = doc.text[doc.text.find("Follow-ups"):]
    problems = [f"follow-up missing: {it['text'][:50]!r}" for it in nos if squash(it["text"]) not in squash(follow)]
    if not nos and "None: no item was answered No." not in follow:
        problems.append("no follow-ups said")
    report(f"{label}: the follow-ups are the items answered No ({len(nos)})", problems)


def check_tracking(db, doc, week_text, today, label):
    monday = iso(week_text)
    monday -= dt.timedelta(days=monday.weekday())
    sunday = monday + dt.timedelta(days=6)
    pupils = db.execute("SELECT * FROM pupil WHERE (start_date IS NULL OR start_date <= ?) AND "
                        "(end_date IS NULL OR end_date >= ?)", (sunday.isoformat(), monday.isoformat())).fetchall()
    problems = doc.missing("pupil", [u["upn"] for u in pupils])
    problems += doc.missing("title", [f"week commencing {uk(monday)}"])
    if f"{len(pupils)} pupils on roll this week" not in doc.text:
        problems.append(f"the count of pupils ({len(pupils)}) is not said")
    report(f"{label}: every pupil on roll that week, by UPN ({len(pupils)})", problems)
    acts = db.execute("SELECT a.* FROM tracking_action a JOIN pupil u ON u.id = a.pupil_id WHERE a.done = 0 AND "
                      "(u.start_date IS NULL OR u.start_date <= ?) AND (u.end_date IS NULL OR u.end_date >= ?)",
                      (sunday.isoformat(), monday.isoformat())).fetchall()
    problems = []
    for a in acts:
        problems += doc.missing("action", [f"{a['text']} ({a['owner'] or 'no owner'}"])
    done = db.execute("SELECT text FROM tracking_action WHERE done = 1").fetchall()
    problems += [f"a done action is listed: {d[0][:50]!r}" for d in done
                 if squash(d[0]) in doc.flat and not any(squash(d[0]) == squash(a["text"]) for a in acts)]
    report(f"{label}: every open action with its owner, and no done one ({len(acts)})",
           problems + ([] if acts else ["no open action in the store under test"]))
    heads = sum(1 for page in doc.pages if "Pupil Providers Week Term" in page)
    report(f"{label}: the table's header row on every page ({heads} of {len(doc.pages)})",
           [] if heads == len(doc.pages) - (0 if "Pupil Providers" in doc.pages[-1] else 1) and heads >= 1 else
           [f"{heads} headers"])


def main():
    kind, db_path, path, subject, today_text, pages = sys.argv[1:7]
    label = sys.argv[7] if len(sys.argv) > 7 else kind
    today = iso(today_text)
    db = connect(db_path)
    doc = Document(path)
    title = {"psp": "PSP:", "visit": "QA visit:", "tracking": "Tracking meeting"}[kind]
    common_checks(doc, label, int(pages), today, title)
    {"psp": check_psp, "visit": check_visit, "tracking": check_tracking}[kind](db, doc, subject, today, label)


if __name__ == "__main__":
    main()
