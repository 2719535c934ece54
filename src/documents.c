/* The PSP, the QA visit report and the weekly tracking sheet as PDF: see
 * documents.h. */
#include "documents.h"

#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "labels.h"
#include "marks.h"
#include "pdf.h"
#include "psp.h"
#include "qa.h"
#include "rules.h"
#include "strbuf.h"
#include "tracking.h"

static char *uk(int date, char *buf, size_t len)
{
    if (date == DATE_NONE) {
        snprintf(buf, len, "%s", "");
        return buf;
    }
    int y, m, d;
    date_to_ymd(date, &y, &m, &d);
    snprintf(buf, len, "%02d/%02d/%04d", d, m, y);
    return buf;
}

static const char *yes_no(bool b)
{
    return b ? "Yes" : "No";
}

static void progress(const struct document_request *req, double fraction, const char *what)
{
    if (req->progress)
        req->progress(req->progress_ctx, fraction, what);
}

static ap_status open_doc(const struct document_request *req, struct store *s, const char *title, bool landscape,
                          bool compact, struct pdf **out)
{
    struct pdf_doc doc = {
        .title = title,
        .organisation = req->organisation,
        .author = store_login(s),
        .today = req->today,
        .landscape = landscape,
        .compact = compact,
        .progress = req->progress,
        .progress_ctx = req->progress_ctx,
    };
    return pdf_open(req->out, &doc, out);
}

/* pdf_close, then the audit row; res->pages set. */
__attribute__((format(printf, 7, 8)))
static ap_status finish(struct store *s, struct pdf *p, const char *kind, const struct document_request *req,
                        long pupils, struct document_result *res, const char *fmt, ...)
{
    char detail[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    res->pages = pdf_pages(p);
    ap_status st = pdf_close(p);
    if (st != AP_OK)
        return st;
    return audit_export(s, kind, req->out, pupils, detail);
}

/* ------------------------------------------------------------------ */
/* The PSP */

/* n sections of the given heading level, each a heading and a paragraph:
 * pairs holds heading, text, heading, text... */
static void sections(struct pdf *p, int level, const char *const *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pdf_heading(p, level, pairs[2 * i]);
        pdf_paragraph(p, pairs[2 * i + 1]);
    }
}

static const char *const DAY_NAMES[PSP_DAYS] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};

static void psp_body(struct pdf *p, const struct psp *psp, const struct psp_facts *f, const struct psp_rtt *rtt,
                     const struct psp_review *rv, size_t n_rv, const struct document_request *req)
{
    char a[16], b[16], line[600], y[24];
    pdf_title(p, "Pastoral Support Programme");
    snprintf(line, sizeof line, "%s \xe2\x80\x93 initial meeting%s", f->name,
             strcmp(psp->status, "draft") == 0 ? " (draft: not yet agreed)" : "");
    pdf_note(p, line);

    pdf_heading(p, 1, "The pupil");
    pdf_field(p, "Name", f->name);
    pdf_field(p, "UPN", f->upn);
    pdf_field(p, "Date of birth", uk(f->dob, a, sizeof a));
    pdf_field(p, "Year group", rules_year_group_name(f->year_group, y, sizeof y));
    pdf_field(p, "School", f->school);
    pdf_field(p, "Free school meals", yes_no(f->fsm));
    pdf_field(p, "Looked after", yes_no(f->cla));
    pdf_field(p, "Plan", label_text(LABELS_PLAN, f->plan));
    pdf_field(p, "Additional learning needs", f->aln_areas);
    if (f->has_attendance)
        snprintf(line, sizeof line, "%.1f%% (%d of %d sessions), %s", f->attendance_pct, f->attending, f->possible,
                 f->term_name);
    else
        snprintf(line, sizeof line, "No sessions marked %s%s", f->has_term ? "in " : "", f->has_term ? f->term_name : "");
    pdf_field(p, "Attendance this term", line);
    snprintf(line, sizeof line, "%d session%s (%.1f days) in %d spell%s", f->excluded_sessions,
             f->excluded_sessions == 1 ? "" : "s", f->excluded_days, f->exclusion_spells,
             f->exclusion_spells == 1 ? "" : "s");
    pdf_field(p, "Exclusions this school year", line);
    snprintf(line, sizeof line, "%d, %.2f hours a week", f->placements, f->placement_hours);
    pdf_field(p, "Placements running now", line);

    pdf_heading(p, 1, "The meeting");
    pdf_field(p, "Status", label_text(LABELS_PSP_STATUS, psp->status));
    pdf_field(p, "Meeting date", uk(psp->meeting_date, a, sizeof a));
    pdf_field(p, "School lead", psp->lead);
    pdf_field(p, "Attended by", psp->attendees);
    pdf_field(p, "Next review", uk(psp->next_review_date, a, sizeof a));
    pdf_field(p, "The PSP ends", uk(psp->end_date, b, sizeof b));

    const char *const background[] = {"Reason for the PSP", psp->reason, "Strategies already tried",
                                      psp->previous_strategies, "What is working", psp->what_is_working};
    sections(p, 1, background, 3);

    pdf_heading(p, 1, "SMART targets");
    if (psp->ntargets == 0)
        pdf_paragraph(p, "");
    for (int i = 0; i < psp->ntargets; i++) {
        const struct psp_target *t = &psp->targets[i];
        snprintf(line, sizeof line, "Target %d", i + 1);
        pdf_heading(p, 2, line);
        pdf_paragraph(p, t->target);
        pdf_field(p, "Baseline (where the pupil starts)", t->baseline);
        pdf_field(p, "How progress is measured", t->measure);
        snprintf(line, sizeof line, "measurable: %s; starting point known: %s; achievable: %s; in everyday "
                                    "language: %s",
                 yes_no(t->is_measurable), yes_no(t->start_known), yes_no(t->is_achievable),
                 yes_no(t->everyday_language));
        pdf_field(p, "Outcome checks", line);
    }

    pdf_heading(p, 1, "What each party agrees to do");
    const char *const agreed[] = {"The school", psp->school_agrees, "The parent or carer", psp->parent_agrees,
                                  "The professionals", psp->professionals_agree};
    sections(p, 2, agreed, 3);

    pdf_heading(p, 1, "Timetable");
    static const char *const th_days[] = {"Day", "Activity", "Venue", "Hours"};
    static const double w_days[] = {1.6, 3, 3, 0.8};
    pdf_table_begin(p, 4, th_days, w_days);
    double total = 0;
    for (int d = 0; d < PSP_DAYS; d++) {
        char hours[16];
        snprintf(hours, sizeof hours, "%.2f", psp->days[d].hours);
        total += psp->days[d].hours;
        const char *cells[] = {DAY_NAMES[d], psp->days[d].activity, psp->days[d].venue, hours};
        pdf_table_row(p, cells, false);
    }
    char total_text[16];
    snprintf(total_text, sizeof total_text, "%.2f", total);
    const char *total_row[] = {"Week", "", "", total_text};
    pdf_table_row(p, total_row, true);
    pdf_table_end(p);

    pdf_heading(p, 1, "Reduced timetable");
    pdf_field(p, "On a reduced timetable", yes_no(psp->reduced_timetable));
    snprintf(line, sizeof line, "%.2f (%s)", rtt->weekly_hours, psp_hours_source_text(rtt->source));
    pdf_field(p, "Hours a week", line);
    if (rtt->min_hours > 0)
        snprintf(line, sizeof line, "%.2f (the local authority's policy for %s)%s", rtt->min_hours,
                 rules_year_group_name(rtt->year_group, y, sizeof y), rtt->below_minimum ? ": below it" : "");
    else
        snprintf(line, sizeof line, "None for %s", rules_year_group_name(rtt->year_group, y, sizeof y));
    pdf_field(p, "LA minimum hours a week", line);
    if (psp->reduced_timetable || rtt->applies) {
        pdf_field(p, "Start", uk(psp->reduced_start, a, sizeof a));
        pdf_field(p, "Provisional end", uk(psp->reduced_end, b, sizeof b));
        pdf_field(p, "Reason", psp->reduced_reason[0] ? label_text(LABELS_REDUCED_REASON, psp->reduced_reason) : "");
        if (psp->reduced_hours_per_day > 0)
            snprintf(line, sizeof line, "%.2f", psp->reduced_hours_per_day);
        else
            line[0] = '\0';
        pdf_field(p, "Hours a day", line);
        pdf_field(p, "Safeguarding concern", yes_no(psp->reduced_safeguarding_concern));
        pdf_field(p, "Director's authorisation past 12 weeks", yes_no(psp->reduced_authorised));
        pdf_field(p, "Exit plan", psp->exit_plan);
        pdf_field(p, "Progression",
                  psp->reduced_progression[0] ? label_text(LABELS_PROGRESSION, psp->reduced_progression) : "Not recorded");
        if (psp->reduced_start_hours > 0)
            snprintf(line, sizeof line, "%.2f", psp->reduced_start_hours);
        else
            snprintf(line, sizeof line, "Not recorded");
        pdf_field(p, "Hours a day at the start", line);
        pdf_field(p, "LA safeguarding officer told",
                  psp->reduced_la_told != DATE_NONE ? uk(psp->reduced_la_told, a, sizeof a) : "Not told");
        pdf_field(p, "Risk assessment last done",
                  psp->reduced_risk_assessed != DATE_NONE ? uk(psp->reduced_risk_assessed, b, sizeof b) : "None recorded");
        snprintf(line, sizeof line, "%s%s%s", rtt->level == FLAG_NONE ? "Not rated" : rules_flag_name(rtt->level),
                 rtt->why[0] ? ": " : "", rtt->why);
        if (line[0] >= 'a' && line[0] <= 'z')
            line[0] = (char)(line[0] - 'a' + 'A');
        pdf_field(p, "RAG (audit matrix)", line);
    }

    pdf_heading(p, 1, "Reviews so far");
    if (n_rv == 0) {
        pdf_paragraph(p, "No reviews yet.");
    } else {
        static const char *const th_rv[] = {"Date", "Attended by", "Outcome", "What was decided"};
        static const double w_rv[] = {1, 2.2, 1.2, 3.6};
        pdf_table_begin(p, 4, th_rv, w_rv);
        for (size_t i = n_rv; i-- > 0;) { /* oldest first */
            const char *cells[] = {uk(rv[i].review_date, a, sizeof a), rv[i].attended,
                                   label_text(LABELS_REVIEW_OUTCOME, rv[i].outcome), rv[i].notes};
            pdf_table_row(p, cells, false);
        }
        pdf_table_end(p);
    }

    pdf_heading(p, 1, "Agreement");
    snprintf(line, sizeof line, "Next review: %s. A signed copy goes to the local authority.",
             psp->next_review_date != DATE_NONE ? uk(psp->next_review_date, a, sizeof a) : "not set");
    pdf_paragraph(p, line);
    char c[16];
    snprintf(line, sizeof line, "the child or young person %s; the parent or carer %s; the school %s",
             psp->signed_child_date != DATE_NONE ? uk(psp->signed_child_date, a, sizeof a) : "not yet",
             psp->signed_parent_date != DATE_NONE ? uk(psp->signed_parent_date, b, sizeof b) : "not yet",
             psp->signed_school_date != DATE_NONE ? uk(psp->signed_school_date, c, sizeof c) : "not yet");
    pdf_field(p, "Signed, as recorded in apterm", line);
    static const char *const parties[] = {"The child or young person", "The parent or carer", "The school",
                                          "The professionals"};
    pdf_signatures(p, parties, 4);
    (void)req;
}

ap_status document_psp(struct store *s, int64_t id, const struct document_request *req,
                       struct document_result *res)
{
    memset(res, 0, sizeof *res);
    ap_status st = AP_OK;
    struct psp *psp = calloc(1, sizeof *psp);
    struct psp_facts *f = calloc(1, sizeof *f);
    struct psp_review *rv = NULL;
    size_t n_rv = 0;
    struct pdf *p = NULL;
    if (!psp || !f) {
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
        goto out;
    }
    progress(req, 0.1, "Reading the PSP");
    if ((st = psp_get(s, id, psp)) != AP_OK || (st = psp_facts_load(s, psp->pupil_id, req->today, f)) != AP_OK ||
        (st = psp_reviews(s, id, &rv, &n_rv)) != AP_OK)
        goto out;
    struct psp_rtt rtt;
    psp_rtt_assess(psp, f, req->today, req->th, &rtt);
    char title[300];
    snprintf(title, sizeof title, "PSP: %s", f->name);
    if ((st = open_doc(req, s, title, false, false, &p)) != AP_OK)
        goto out;
    do {
        progress(req, pdf_pass(p) == 0 ? 0.4 : 0.7, pdf_pass(p) == 0 ? "Laying out the PSP" : "Writing the pages");
        psp_body(p, psp, f, &rtt, rv, n_rv, req);
    } while (pdf_again(p));
    snprintf(res->what, sizeof res->what, "the PSP of %s", f->name);
    res->pupils = 1;
    st = finish(s, p, "psp", req, 1, res, "PSP %lld", (long long)id);
    p = NULL;
out:
    pdf_discard(p);
    free(rv);
    free(f);
    free(psp);
    return st;
}

ap_status document_psp_upn(struct store *s, const char *upn, const struct document_request *req,
                           struct document_result *res)
{
    memset(res, 0, sizeof *res);
    int64_t pupil_id = 0;
    ap_status st = marks_pupil_by_upn(s, upn, &pupil_id);
    if (st != AP_OK)
        return st;
    int64_t id = 0;
    if ((st = psp_open_for_pupil(s, pupil_id, &id)) != AP_OK)
        return st;
    if (id == 0)
        return ap_fail(AP_ERR_NOT_FOUND, "UPN %s: the pupil has no open PSP (draft or active) to print; nothing was "
                                         "written",
                       upn);
    return document_psp(s, id, req, res);
}

/* ------------------------------------------------------------------ */
/* The QA visit report */

static void visit_body(struct pdf *p, const struct qa_visit *v, const struct qa_item *items, size_t n,
                       const struct qa_overview *o, const char *stage_name)
{
    char title[300], a[16], line[600];
    pdf_title(p, "Quality assurance visit report");
    pdf_note(p, v->provider_name);
    pdf_heading(p, 1, "The visit");
    pdf_field(p, "Provider", v->provider_name);
    pdf_field(p, "Visit", stage_name);
    pdf_field(p, "Visit date", uk(v->visit_date, a, sizeof a));
    pdf_field(p, "Visitors", v->visitors);
    if (v->template_id) {
        snprintf(line, sizeof line, "%s (revision %d)", v->template_title, v->template_revision);
        pdf_field(p, "Checklist", line);
    }
    pdf_field(p, "Outcome", label_text(LABELS_QA_OUTCOME, v->outcome));
    pdf_field(p, "Notes", v->notes);

    pdf_heading(p, 1, "The checklist");
    if (n == 0)
        pdf_paragraph(p, "This visit was recorded without a checklist.");
    static const char *const th_items[] = {"Item", "Answer", "Comment"};
    static const double w_items[] = {4.2, 1, 3};
    const char *section = NULL;
    int no = 0, unanswered = 0;
    for (size_t i = 0; i < n; i++) {
        const struct qa_item *it = &items[i];
        if (!section || strcmp(section, it->section) != 0) {
            if (section)
                pdf_table_end(p);
            section = it->section;
            pdf_heading(p, 2, section[0] ? section : "Other items");
            pdf_table_begin(p, 3, th_items, w_items);
        }
        char text[1100];
        snprintf(text, sizeof text, "%s%s", it->safeguarding ? "[Safeguarding] " : "", it->text);
        const char *answer = it->answer == QA_UNANSWERED ? "Not answered"
                                                          : label_text(LABELS_QA_ANSWER, qa_answer_code(it->answer));
        const char *cells[] = {text, answer, it->comment};
        pdf_table_row(p, cells, false);
        no += it->answer == QA_NO;
        unanswered += it->answer == QA_UNANSWERED;
    }
    if (section)
        pdf_table_end(p);

    pdf_heading(p, 1, "Follow-ups");
    if (no == 0) {
        pdf_paragraph(p, "None: no item was answered No.");
    } else {
        snprintf(line, sizeof line, "%d item%s answered No, to put right before the next visit:", no,
                 no == 1 ? "" : "s");
        pdf_paragraph(p, line);
        static const char *const th_no[] = {"Section", "Item", "Comment"};
        static const double w_no[] = {1.6, 3.6, 3};
        pdf_table_begin(p, 3, th_no, w_no);
        for (size_t i = 0; i < n; i++) {
            if (items[i].answer != QA_NO)
                continue;
            char text[1100];
            snprintf(text, sizeof text, "%s%s", items[i].safeguarding ? "[Safeguarding] " : "", items[i].text);
            const char *cells[] = {items[i].section, text, items[i].comment};
            pdf_table_row(p, cells, false);
        }
        pdf_table_end(p);
    }
    if (unanswered) {
        snprintf(line, sizeof line, "%d item%s not answered at the visit.", unanswered, unanswered == 1 ? "" : "s");
        pdf_note(p, line);
    }

    pdf_heading(p, 1, "Next visits due");
    snprintf(line, sizeof line, "%s", uk(v->next_due, a, sizeof a));
    snprintf(title, sizeof title, "Next %s visit (from this one)", stage_name);
    pdf_field(p, title, line);
    if (o && o->n > 0) {
        const struct qa_provider_row *r = &o->rows[0];
        if (r->state_maintained)
            pdf_field(p, "As of today", "A state-maintained provider: no AP quality assurance visits are required");
        for (int k = 0; k < QA_STAGE_COUNT && !r->state_maintained; k++) {
            if (!r->due[k].applies)
                continue;
            snprintf(title, sizeof title, "%s due (as of today)", qa_stage_name((enum qa_stage)k));
            snprintf(line, sizeof line, "%s%s%s", uk(r->due[k].due, a, sizeof a), r->due[k].why[0] ? ": " : "",
                     r->due[k].why);
            pdf_field(p, title, line);
        }
    }
    pdf_heading(p, 1, "Signed");
    static const char *const parties[] = {"For the local authority (visitor)", "For the provider"};
    pdf_signatures(p, parties, 2);
}

ap_status document_visit(struct store *s, int64_t visit_id, const struct document_request *req,
                         struct document_result *res)
{
    memset(res, 0, sizeof *res);
    struct qa_visit v;
    ap_status st = qa_visit_get(s, visit_id, &v);
    if (st != AP_OK)
        return st;
    if (!v.closed)
        return ap_fail(AP_ERR_INVALID,
                       "visit %lld is still open: close it with its outcome first, so the report is the record; "
                       "nothing was written",
                       (long long)visit_id);
    struct qa_item *items = NULL;
    size_t n = 0;
    struct qa_overview *o = NULL;
    struct pdf *p = NULL;
    progress(req, 0.1, "Reading the visit");
    if ((st = qa_checklist_load(s, visit_id, &items, &n)) != AP_OK ||
        (st = qa_overview_load(s, req->th, req->today, v.provider_id, &o)) != AP_OK)
        goto out;
    char title[300], a[16];
    snprintf(title, sizeof title, "QA visit: %s", v.provider_name);
    if ((st = open_doc(req, s, title, false, false, &p)) != AP_OK)
        goto out;
    enum qa_stage stage;
    const char *stage_name = qa_stage_parse(v.stage, &stage) ? qa_stage_name(stage) : v.stage;
    do
        visit_body(p, &v, items, n, o, stage_name);
    while (pdf_again(p));
    snprintf(res->what, sizeof res->what, "the report of the %s visit to %s on %s", stage_name, v.provider_name,
             uk(v.visit_date, a, sizeof a));
    st = finish(s, p, "visit", req, 0, res, "QA visit %lld", (long long)visit_id);
    p = NULL;
out:
    pdf_discard(p);
    if (o)
        qa_overview_free(o);
    free(items);
    return st;
}

/* ------------------------------------------------------------------ */
/* The tracking sheet */

static void rating_text(int now, int before, char *buf, size_t len)
{
    char a[8], b[8];
    snprintf(a, sizeof a, now == TRACKING_NA ? "n/a" : now ? "%d" : "\xe2\x80\x93", now);
    snprintf(b, sizeof b, before == TRACKING_NA ? "n/a" : before ? "%d" : "\xe2\x80\x93", before);
    snprintf(buf, len, "%s (%s)", a, b);
}

static void due_text(bool has, int due, enum flag_level level, char *buf, size_t len)
{
    char d[16];
    if (!has || due == DATE_NONE) {
        snprintf(buf, len, "%s", has ? "" : "None");
        return;
    }
    const char *word = level == FLAG_RED ? "\nOverdue" : level == FLAG_AMBER ? "\nDue soon" : "";
    snprintf(buf, len, "%s%s", uk(due, d, sizeof d), word);
}

/* One pass of the sheet (see pdf.h): the first lays out and counts the
 * pages, the second writes them. actions is scratch space. */
static ap_status tracking_body(struct store *s, struct pdf *p, const struct tracking *t,
                               const struct document_request *req, const char *title, struct strbuf *actions)
{
    char line[600], a[16], b[16];
    bool writing = pdf_pass(p) == 1;
    pdf_title(p, title);
    if (t->have_term)
        snprintf(line, sizeof line,
                 "%zu pupils on roll this week. Attendance: the week's sessions attended of those possible, with "
                 "the trend against the previous school weeks (\xe2\x86\x91 up, \xe2\x86\x93 down, \xe2\x86\x92 "
                 "level); the term is %s, %s to %s. Ratings, this week (the last rated week): Att. attendance, "
                 "Well. wellbeing, Eng. engagement, Soc. social, Qual. qualifications. PSP, QA and actions as of %s.",
                 t->n, t->term_name, uk(t->term_start, a, sizeof a), uk(t->term_to, b, sizeof b),
                 uk(req->today, line + 500, 16));
    else
        snprintf(line, sizeof line, "%zu pupils on roll this week. Ratings: this week (the last rated week).", t->n);
    pdf_note(p, line);
    /* points of the 758 across A4 landscape */
    static const char *const headers[12] = {"Pupil", "Providers", "Week", "Term", "Att.", "Well.", "Eng.",
                                            "Soc.", "Qual.", "PSP review", "QA due", "Open actions (owner, due)"};
    static const double widths[12] = {104, 96, 60, 44, 36, 36, 36, 36, 36, 64, 64, 146};
    pdf_table_begin(p, 12, headers, widths);
    for (size_t i = 0; i < t->n; i++) {
        const struct tracking_row *r = &t->rows[i];
        if (i % 200 == 0)
            progress(req, 0.05 + 0.425 * (writing + (double)i / (double)(t->n ? t->n : 1)),
                     writing ? "Writing the pages" : "Laying out the pupils");
        char pupil[300], wk[64], term[32], ratings[TRACKING_AREAS][24], psp[48], qa[48], y[24];
        snprintf(pupil, sizeof pupil, "%s\n%s\n%s", r->display_name, r->upn,
                 rules_year_group_name(r->year_group, y, sizeof y));
        if (r->has_week)
            snprintf(wk, sizeof wk, "%.1f%% %s\n%d/%d", r->week_pct, tracking_trend_mark(r->trend), r->week_attending,
                     r->week_possible);
        else
            snprintf(wk, sizeof wk, "No marks");
        if (r->has_term)
            snprintf(term, sizeof term, "%.1f%%", r->term_pct);
        else
            snprintf(term, sizeof term, "\xe2\x80\x93");
        for (int k = 0; k < TRACKING_AREAS; k++)
            rating_text(r->rating[k], r->prev_rating[k], ratings[k], sizeof ratings[k]);
        due_text(r->has_psp, r->psp_due, r->psp_level, psp, sizeof psp);
        due_text(r->has_qa, r->qa_due, r->qa_level, qa, sizeof qa);
        strbuf_reset(actions);
        if (r->actions_open > 0) {
            struct tracking_action *acts = NULL;
            size_t n_acts = 0;
            ap_status st = tracking_action_list(s, r->id, &acts, &n_acts);
            if (st != AP_OK)
                return st;
            for (size_t k = 0; k < n_acts; k++) {
                if (acts[k].done)
                    continue;
                strbuf_appendf(actions, "%s%s (%s%s%s)", actions->len ? "\n" : "", acts[k].text,
                               acts[k].owner[0] ? acts[k].owner : "no owner", acts[k].due != DATE_NONE ? ", " : "",
                               uk(acts[k].due, a, sizeof a));
            }
            free(acts);
        }
        const char *cells[12] = {pupil,          r->providers[0] ? r->providers : "None", wk, term,
                                 ratings[0],     ratings[1], ratings[2], ratings[3], ratings[4], psp, qa,
                                 actions->len ? strbuf_str(actions) : "None"};
        pdf_table_row(p, cells, false);
    }
    if (t->n == 0) {
        const char *cells[12] = {"No pupils on roll this week"};
        pdf_table_row(p, cells, false);
    }
    pdf_table_end(p);
    if (actions->failed)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    pdf_heading(p, 1, "The meeting");
    pdf_field(p, "Attended by", "");
    static const char *const parties[] = {"The lead", "The officer"};
    pdf_signatures(p, parties, 2);
    return AP_OK;
}

ap_status document_tracking(struct store *s, int week, const struct document_request *req,
                            struct document_result *res)
{
    memset(res, 0, sizeof *res);
    struct tracking *t = NULL;
    struct pdf *p = NULL;
    struct strbuf actions = {0};
    progress(req, 0.02, "Reading the week");
    ap_status st = tracking_load(s, req->th, req->today, week, &t);
    if (st != AP_OK)
        return st;
    char monday[16], title[200];
    uk(t->week, monday, sizeof monday);
    snprintf(title, sizeof title, "Tracking meeting, week commencing %s", monday);
    if ((st = open_doc(req, s, title, true, true, &p)) != AP_OK)
        goto out;
    do {
        if ((st = tracking_body(s, p, t, req, title, &actions)) != AP_OK)
            goto out;
    } while (pdf_again(p));
    progress(req, 0.9, "Writing the pages");
    snprintf(res->what, sizeof res->what, "the tracking sheet for the week commencing %s", monday);
    res->pupils = t->n;
    st = finish(s, p, "tracking", req, (long)t->n, res, "week of %s", monday);
    p = NULL;
out:
    pdf_discard(p);
    strbuf_free(&actions);
    tracking_free(t);
    return st;
}
