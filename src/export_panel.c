#include "export_panel.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "labels.h"
#include "money.h"
#include "rules.h"


#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *yes_no(bool b)
{
    return b ? "Yes" : "No";
}

/* Amber when a text cell is not empty (a warning column). */
static void warning_rule(struct xlsx_sheet *s, int first, int last, int c0, int c1, int key)
{
    char col[4], formula[64];
    int at = key;
    s = xlsx_locate(s, &at);
    c0 += at - key, c1 += at - key, key = at;
    xlsx_col_name(key, col);
    snprintf(formula, sizeof formula, "=LEN($%s%d)>0", col, first + 1);
    xlsx_flag_rule(s, first, c0, last, c1, formula, s->x->f.amber);
}

/* Red when a due date is before today. */
static void overdue_rule(struct xlsx_sheet *s, int first, int last, int c, int today)
{
    char col[4], formula[96];
    int y, m, d;
    s = xlsx_locate(s, &c);
    date_to_ymd(today, &y, &m, &d);
    xlsx_col_name(c, col);
    snprintf(formula, sizeof formula, "=AND(ISNUMBER(%s%d),%s%d<DATE(%d,%d,%d))", col, first + 1, col, first + 1, y,
             m, d);
    xlsx_flag_rule(s, first, c, last, c, formula, s->x->f.red);
}

/* ------------------------------------------------------------------ */
/* Provider QA (shared with the DMT report) */

int export_qa_sheet(struct xlsx *x, const char *sheet_name, const char *more_name, const char *title,
                    const char *subtitle, const void *rows, size_t n, size_t stride, int today)
{
    static const char *const headers[] = {
        "Provider",    "Registration",     "Status",          "Pupils placed now", "Last Stage 1",
        "Stage 1 outcome", "Stage 1 due",  "Last Stage 2",    "Stage 2 outcome",   "Stage 2 due",
        "Last visit",  "Last visit type",  "Safeguarding declaration", "Enhanced DBS", "Flags", "RAG",
    };
    enum { C_NAME, C_REG, C_STATUS, C_PUPILS, C_S1, C_S1OUT, C_S1DUE, C_S2, C_S2OUT, C_S2DUE, C_VISIT,
           C_VTYPE, C_DECL, C_DBS, C_FLAGS, C_RAG, NCOLS };
    char more_title[160];
    snprintf(more_title, sizeof more_title, "%s: last visit, checks and flags", title);
    struct xlsx_sheet *s = xlsx_add_split_sheet(x, sheet_name, title, more_name, more_title, subtitle, C_VISIT, 1);
    if (!s)
        return XLSX_HDR;
    const struct xlsx_formats *f = &x->f;
    xlsx_cap(s, C_NAME, 28);
    xlsx_cap(s, C_REG, 18);
    xlsx_cap(s, C_S1OUT, 14);
    xlsx_cap(s, C_S2OUT, 14);
    xlsx_cap(s, C_FLAGS, 48);
    for (size_t i = 0; i < n; i++) {
        const struct report_provider *p = (const struct report_provider *)((const char *)rows + i * stride);
        int r = XLSX_HDR + 1 + (int)i;
        xlsx_text(s, r, C_NAME, p->name, f->bold_wrap);
        xlsx_text(s, r, C_REG, label_text(LABELS_REGISTRATION, p->registration), f->wrap);
        xlsx_text(s, r, C_STATUS, label_text(LABELS_PROVIDER_STATUS, p->status), f->text);
        xlsx_int(s, r, C_PUPILS, p->pupils_now);
        xlsx_date(s, r, C_S1, p->last_stage1);
        xlsx_text(s, r, C_S1OUT, label_text(LABELS_QA_OUTCOME, p->stage1_outcome), f->wrap);
        xlsx_date(s, r, C_S2, p->last_stage2);
        xlsx_text(s, r, C_S2OUT, label_text(LABELS_QA_OUTCOME, p->stage2_outcome), f->wrap);
        if (p->qa_required) {
            xlsx_date(s, r, C_S1DUE, p->stage1_due);
            xlsx_date(s, r, C_S2DUE, p->stage2_due);
        } else {
            xlsx_text(s, r, C_S1DUE, "Not required", f->text);
            xlsx_text(s, r, C_S2DUE, "Not required", f->text);
        }
        xlsx_date(s, r, C_VISIT, p->last_visit);
        xlsx_text(s, r, C_VTYPE, label_brief(LABELS_QA_STAGE, p->last_visit_stage), f->text);
        xlsx_date(s, r, C_DECL, p->declaration_date);
        xlsx_date(s, r, C_DBS, p->dbs_date);
        xlsx_text(s, r, C_FLAGS, p->flags.text, f->wrap);
        xlsx_text(s, r, C_RAG, xlsx_rag(p->flags.worst), f->bold);
    }
    int last = xlsx_rows_or_none(s, n, "No providers");
    xlsx_table(s, XLSX_HDR, last, NCOLS, headers, NULL, NULL, NULL);
    if (n) {
        xlsx_rag_rules(s, XLSX_HDR + 1, last, C_RAG, C_RAG, C_RAG);
        overdue_rule(s, XLSX_HDR + 1, last, C_S1DUE, today);
        overdue_rule(s, XLSX_HDR + 1, last, C_S2DUE, today);
    }
    xlsx_finish_sheet(s, XLSX_HDR, last, NCOLS - 1, 1);
    return last;
}

/* ------------------------------------------------------------------ */
/* The sheets of the pack */

struct pack {
    struct xlsx *x;
    const struct report_panel *r;
    const struct export_panel_request *req;
    char subtitle[400];
};

static const struct report_quote *recommended(const struct report_panel *r, const struct report_case *c)
{
    return c->has_recommended ? &r->quotes[c->recommended] : NULL;
}

static void cover_sheet(struct pack *p)
{
    const struct report_panel *r = p->r;
    struct xlsx *x = p->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Cover", "Inclusion Panel pack", p->subtitle);
    if (!s)
        return;
    size_t short_quotes = 0;
    for (size_t i = 0; i < r->n_cases; i++)
        short_quotes += r->cases[i].quotes_warning;
    int row = 3;
    xlsx_text(s, row, 0, "Panel date", f->label);
    if (r->panel_date != DATE_NONE)
        xlsx_date(s, row, 1, r->panel_date);
    else
        xlsx_note(s, row, 1, "Every open case (no panel date chosen)", f->text);
    row++;
    xlsx_text(s, row, 0, "Produced", f->label);
    xlsx_date(s, row++, 1, r->today);
    xlsx_text(s, row, 0, "Organisation", f->label);
    xlsx_note(s, row++, 1, p->req->organisation, f->text);
    xlsx_text(s, row, 0, "Cases", f->label);
    xlsx_int(s, row++, 1, (int64_t)r->n_cases);
    xlsx_text(s, row, 0, "Pupils", f->label);
    xlsx_int(s, row++, 1, (int64_t)r->n_pupils);
    xlsx_text(s, row, 0, "Quotations", f->label);
    xlsx_int(s, row++, 1, (int64_t)r->n_quotes);
    xlsx_text(s, row, 0, "Cases short of quotations", f->label);
    xlsx_int(s, row++, 1, (int64_t)short_quotes);
    xlsx_text(s, row, 0, "Marking", f->label);
    xlsx_note(s, row++, 1, XLSX_MARKING ": personal data about children; share only with the panel", f->bold);
    row++;
    xlsx_note(s, row++, 0, "The cases", f->heading);

    static const char *const headers[] = {"Pupil", "Case", "Year group", "Reason", "Panel date",
                                          "Triage recommendation", "Recommended option",
                                          "Annual cost", "Quotations check"};
    enum { C_PUPIL, C_CASE, C_YEAR, C_REASON, C_PANEL, C_TRIAGE, C_OPTION, C_COST, C_CHECK, NCOLS };
    int hdr = row;
    xlsx_cap(s, C_TRIAGE, 24);
    xlsx_cap(s, C_CHECK, 24);
    xlsx_cap(s, C_PUPIL, 24);
    xlsx_cap(s, C_REASON, 18);
    xlsx_cap(s, C_OPTION, 18);
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct report_case *c = &r->cases[i];
        const struct report_pupil *u = &r->pupils[c->pupil];
        const struct report_quote *q = recommended(r, c);
        char y[24];
        int rr = hdr + 1 + (int)i;
        xlsx_text(s, rr, C_PUPIL, u->name, f->bold_wrap);
        xlsx_int(s, rr, C_CASE, c->id);
        xlsx_text(s, rr, C_YEAR, rules_year_group_name(u->year_group, y, sizeof y), f->text);
        xlsx_text(s, rr, C_REASON, label_text(LABELS_CASE_REASON, c->reason), f->wrap);
        xlsx_date(s, rr, C_PANEL, c->panel_date);
        xlsx_text(s, rr, C_TRIAGE, c->triage, f->wrap);
        xlsx_text(s, rr, C_OPTION, q ? q->provider : "No quotations", f->wrap);
        xlsx_money_or_blank(s, rr, C_COST, q != NULL, q ? q->annual_total : 0);
        xlsx_text(s, rr, C_CHECK, c->quotes_text, f->wrap);
    }
    int last = r->n_cases ? hdr + (int)r->n_cases : hdr + 1;
    if (!r->n_cases)
        xlsx_text(s, hdr + 1, 0, "No cases", f->note);
    xlsx_table(s, hdr, last, NCOLS, headers, NULL, NULL, NULL);
    if (r->n_cases)
        warning_rule(s, hdr + 1, last, C_CHECK, C_CHECK, C_CHECK);
    int note = last + 2;
    char line[512], money[MONEY_LEN];
    xlsx_note(s, note++, 0, "How the figures are worked out", f->heading);
    snprintf(line, sizeof line,
             "Annual cost: tuition for %d school weeks by the quote's cost basis, plus transport for %d weeks. "
             "Recommended option: the quote marked chosen, else the lowest annual cost. A suspended or red-flagged "
             "provider's quote is chosen only with a reason recorded, which the quotations check quotes.",
             RULES_SCHOOL_WEEKS, RULES_SCHOOL_WEEKS);
    xlsx_paragraph(s, note++, 0, NCOLS - 1, line, f->note);
    snprintf(line, sizeof line,
             "Quotations check: procurement route 1 - a placement under %s needs at least %d quotations before "
             "panel.",
             money_format_short(r->quote_threshold, money, sizeof money), r->quotes_required);
    xlsx_paragraph(s, note++, 0, NCOLS - 1, line, f->note);
    char a[16], b[16], c2[16], d2[16], e[16];
    snprintf(line, sizeof line,
             "Attendance: the last 6 weeks are %s to %s; the term is %s, %s to %s. Hours are those of the placements "
             "running on %s. LA minimum hours: the local authority's policy for the year group (apterm.ini "
             "[rules]), not a statutory minimum.",
             xlsx_uk_date(r->last6_from, a, sizeof a), xlsx_uk_date(r->last6_to, b, sizeof b), r->term_name,
             xlsx_uk_date(r->term_start, c2, sizeof c2), xlsx_uk_date(r->term_to, d2, sizeof d2), xlsx_uk_date(r->today, e, sizeof e));
    xlsx_paragraph(s, note++, 0, NCOLS - 1, line, f->note);
    xlsx_finish_sheet(s, hdr, note - 1, NCOLS - 1, -1);
}

static void cases_sheet(struct pack *p)
{
    const struct report_panel *r = p->r;
    struct xlsx *x = p->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Cases", "Cases going to panel: the pupils", p->subtitle);
    if (!s)
        return;
    /* Three pages wide as one table: each page repeats the case and pupil. */
    struct xlsx_sheet *s2 = xlsx_split(s, "Case referrals", "Cases going to panel: referral and decision",
                                       p->subtitle, 10, 2);
    if (!s2 || !xlsx_split(s2, "Case options", "Cases going to panel: the recommended option and flags",
                           p->subtitle, 9, 2))
        return;
    static const char *const headers[] = {
        "Case", "Pupil", "UPN", "Date of birth", "Year group", "Home school", "Cohort", "Roll status", "Plan",
        "Looked after", "Reason", "Referred", "Panel date", "Status", "Triage recommendation", "Decision",
        "Quotations", "Recommended option", "Annual cost", "Quotations check", "Flags", "RAG",
    };
    enum { C_CASE, C_PUPIL, C_UPN, C_DOB, C_YEAR, C_SCHOOL, C_COHORT, C_ROLL, C_PLAN, C_CLA, C_REASON, C_REF,
           C_PANEL, C_STATUS, C_TRIAGE, C_DECISION, C_QUOTES, C_OPTION, C_COST, C_CHECK, C_FLAGS, C_RAG, NCOLS };
    xlsx_cap(s, C_PUPIL, 18);
    xlsx_cap(s, C_TRIAGE, 30);
    xlsx_cap(s, C_DECISION, 24);
    xlsx_cap(s, C_CHECK, 30);
    xlsx_cap(s, C_FLAGS, 40);
    xlsx_cap(s, C_SCHOOL, 16);
    xlsx_cap(s, C_COHORT, 14);
    xlsx_cap(s, C_REASON, 16);
    xlsx_cap(s, C_OPTION, 24);
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct report_case *c = &r->cases[i];
        const struct report_pupil *u = &r->pupils[c->pupil];
        const struct report_quote *q = recommended(r, c);
        char y[24];
        int rr = XLSX_HDR + 1 + (int)i;
        xlsx_int(s, rr, C_CASE, c->id);
        xlsx_text(s, rr, C_PUPIL, u->name, f->bold_wrap);
        xlsx_text(s, rr, C_UPN, u->upn, f->text);
        xlsx_date(s, rr, C_DOB, u->dob);
        xlsx_text(s, rr, C_YEAR, rules_year_group_name(u->year_group, y, sizeof y), f->text);
        xlsx_text(s, rr, C_SCHOOL, u->home_school, f->wrap);
        xlsx_text(s, rr, C_COHORT, label_text(LABELS_COHORT, u->cohort), f->wrap);
        xlsx_text(s, rr, C_ROLL, label_brief(LABELS_ROLL_STATUS, u->roll_status), f->text);
        xlsx_text(s, rr, C_PLAN, label_text(LABELS_PLAN, u->plan), f->text);
        xlsx_text(s, rr, C_CLA, yes_no(u->cla), f->text);
        xlsx_text(s, rr, C_REASON, label_text(LABELS_CASE_REASON, c->reason), f->wrap);
        xlsx_date(s, rr, C_REF, c->referral_date);
        xlsx_date(s, rr, C_PANEL, c->panel_date);
        xlsx_text(s, rr, C_STATUS, label_text(LABELS_CASE_STATUS, c->status), f->text);
        xlsx_text(s, rr, C_TRIAGE, c->triage, f->wrap);
        xlsx_text(s, rr, C_DECISION, c->decision, f->wrap);
        xlsx_int(s, rr, C_QUOTES, (int64_t)c->n_quotes);
        xlsx_text(s, rr, C_OPTION, q ? q->provider : "", f->wrap);
        xlsx_money_or_blank(s, rr, C_COST, q != NULL, q ? q->annual_total : 0);
        xlsx_text(s, rr, C_CHECK, c->quotes_text, f->wrap);
        xlsx_text(s, rr, C_FLAGS, c->flags.text, f->wrap);
        xlsx_text(s, rr, C_RAG, xlsx_rag(c->flags.worst), f->bold);
    }
    int last = xlsx_rows_or_none(s, r->n_cases, "No cases");
    xlsx_table(s, XLSX_HDR, last, NCOLS, headers, NULL, NULL, NULL);
    if (r->n_cases) {
        warning_rule(s, XLSX_HDR + 1, last, C_CHECK, C_CHECK, C_CHECK);
        xlsx_rag_rules(s, XLSX_HDR + 1, last, C_RAG, C_RAG, C_RAG);
    }
    xlsx_finish_sheet(s, XLSX_HDR, last, NCOLS - 1, 2);
}

static void options_sheet(struct pack *p)
{
    const struct report_panel *r = p->r;
    struct xlsx *x = p->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_split_sheet(x, "Option analysis", "Option analysis: the costed options",
                                                "Option totals", "Option analysis: annual totals and the recommendation",
                                                p->subtitle, 11, 3);
    if (!s)
        return;
    static const char *const headers[] = {
        "Case", "Pupil", "Option", "Provider", "Cost basis", "Rate", "Sessions a week", "Hours a week",
        "Cost per session", "Cost per week", "Transport a week", "Annual tuition", "Annual transport",
        "Annual total", "Recommended", "Notes", "Quotations check",
    };
    enum { C_CASE, C_PUPIL, C_OPTION, C_PROVIDER, C_BASIS, C_RATE, C_SESSIONS, C_HOURS, C_PER_SESSION,
           C_PER_WEEK, C_TRANSPORT, C_TUITION, C_ANNUAL_TRANSPORT, C_TOTAL, C_REC, C_NOTES, C_CHECK, NCOLS };
    xlsx_cap(s, C_PUPIL, 18);
    xlsx_cap(s, C_NOTES, 20);
    xlsx_cap(s, C_CHECK, 34);
    xlsx_cap(s, C_PROVIDER, 28);
    xlsx_cap(s, C_REC, 28); /* "✔ Recommended (lowest cost)" on one line */
    int rr = XLSX_HDR;
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct report_case *c = &r->cases[i];
        const struct report_pupil *u = &r->pupils[c->pupil];
        if (c->n_quotes == 0) {
            rr++;
            xlsx_int(s, rr, C_CASE, c->id);
            xlsx_text(s, rr, C_PUPIL, u->name, f->bold_wrap);
            xlsx_text(s, rr, C_PROVIDER, "No quotations recorded", f->note);
            xlsx_text(s, rr, C_CHECK, c->quotes_text, f->wrap);
            continue;
        }
        for (size_t k = 0; k < c->n_quotes; k++) {
            const struct report_quote *q = &r->quotes[c->first_quote + k];
            rr++;
            xlsx_int(s, rr, C_CASE, c->id);
            xlsx_text(s, rr, C_PUPIL, u->name, f->bold_wrap);
            xlsx_int(s, rr, C_OPTION, (int64_t)k + 1);
            xlsx_text(s, rr, C_PROVIDER, q->provider, f->wrap);
            xlsx_text(s, rr, C_BASIS, label_text(LABELS_COST_BASIS, q->cost_basis), f->text);
            xlsx_money(s, rr, C_RATE, q->rate);
            xlsx_int(s, rr, C_SESSIONS, q->sessions_per_week);
            xlsx_number(s, rr, C_HOURS, q->hours_per_week, f->hours);
            xlsx_money_or_blank(s, rr, C_PER_SESSION, q->has_cost_per_session, q->cost_per_session);
            xlsx_money(s, rr, C_PER_WEEK, q->cost_per_week);
            xlsx_money(s, rr, C_TRANSPORT, q->transport_per_week);
            xlsx_money(s, rr, C_TUITION, q->annual_tuition);
            xlsx_money(s, rr, C_ANNUAL_TRANSPORT, q->annual_transport);
            xlsx_money(s, rr, C_TOTAL, q->annual_total);
            xlsx_text(s, rr, C_REC,
                      !q->recommended ? ""
                      : c->recommended_reasoned ? "\xe2\x9a\xa0 Recommended (chosen) with a reason: provider suspended or "
                                                  "red-flagged, see the quotations check"
                      : c->recommended_unsafe ? "\xe2\x9c\x98 Not recommendable (chosen): provider suspended or red-flagged"
                      : c->recommended_chosen ? "\xe2\x9c\x94 Recommended (chosen)"
                                              : "\xe2\x9c\x94 Recommended (lowest cost)",
                      f->marker);
            xlsx_text(s, rr, C_NOTES, q->notes, f->wrap);
            xlsx_text(s, rr, C_CHECK, c->quotes_text, f->wrap);
        }
    }
    int last = rr > XLSX_HDR ? rr : xlsx_rows_or_none(s, 0, "No cases");
    xlsx_table(s, XLSX_HDR, last, NCOLS, headers, NULL, NULL, NULL);
    if (rr > XLSX_HDR) {
        char col[4], formula[64];
        int rec = C_REC;
        struct xlsx_sheet *at = xlsx_locate(s, &rec); /* the totals page, from its first column after the keys */
        xlsx_col_name(rec, col);
        snprintf(formula, sizeof formula, "=LEN($%s%d)>0", col, XLSX_HDR + 2);
        xlsx_flag_rule(at, XLSX_HDR + 1, at == s ? C_OPTION : rec - (C_REC - C_TUITION), last, rec, formula,
                       f->recommended);
        warning_rule(s, XLSX_HDR + 1, last, C_CHECK, C_CHECK, C_CHECK);
    }
    xlsx_finish_sheet(s, XLSX_HDR, last, NCOLS - 1, 2);
}

/* The pupil picture: one block of label/value rows per pupil, two pairs a
 * row (A and B, C and E), so that it prints one page wide at full size
 * rather than 26 columns over three sheets. Every value keeps its type (a
 * number, a date, a percentage); the flags run across B..E below. */
enum { PIC_ROWS = 14 };             /* rows of a block; a blank row follows */

/* A rule on the value columns B and E of every block: the cell of column
 * `value` when the label beside it (column value - 1) is `label` and `test`
 * holds for it (each @ in test stands for the cell, as "@<0.9"). */
static void picture_rule(struct xlsx_sheet *s, int first, int last, int value, const char *label, const char *test,
                         lxw_format *fmt)
{
    char lab[4], val[4], cell[16], cond[96], formula[200];
    xlsx_col_name(value - 1, lab);
    xlsx_col_name(value, val);
    snprintf(cell, sizeof cell, "%s%d", val, first + 1);
    size_t n = 0;
    for (const char *t = test; *t && n + sizeof cell < sizeof cond; t++) {
        if (*t == '@')
            n += (size_t)snprintf(cond + n, sizeof cond - n, "%s", cell);
        else
            cond[n++] = *t;
    }
    cond[n] = '\0';
    snprintf(formula, sizeof formula, "=AND($%s%d=\"%s\",%s)", lab, first + 1, label, cond);
    xlsx_flag_rule(s, first, value, last, value, formula, fmt);
}

static void pupils_sheet(struct pack *p)
{
    const struct report_panel *r = p->r;
    struct xlsx *x = p->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_sheet(x, "Pupil picture", "The current picture of each pupil", p->subtitle);
    if (!s)
        return;
    /* C is a narrow gap, so that a number in B stands clear of D's label */
    enum { A, B, C, D, E, NCOLS };
    static const char *const headers[NCOLS] = {"Item", "Value", NULL, "Item", "Value"};
    for (int c = 0; c < NCOLS; c++)
        if (headers[c])
            xlsx_text(s, XLSX_HDR, c, headers[c], f->header);
    xlsx_ok(x, worksheet_set_column(s->ws, C, C, 2, NULL), "the gap column of the sheet Pupil picture");
    xlsx_cap(s, B, 34);
    xlsx_cap(s, E, 34);
    int rr = XLSX_HDR + 1;
    for (size_t i = 0; i < r->n_pupils; i++, rr += PIC_ROWS + 1) {
        const struct report_pupil *u = &r->pupils[i];
        char y[24];
        double frac;
        int row = rr;
        /* label/value: left pair (A, B) and right pair (D, E) */
#define PIC_LABEL(c, text) xlsx_text(s, row, (c), (text), f->label)
        PIC_LABEL(A, "Pupil");
        xlsx_text(s, row, B, u->name, f->bold_wrap);
        PIC_LABEL(D, "UPN");
        xlsx_text(s, row++, E, u->upn, f->text);
        PIC_LABEL(A, "Year group");
        xlsx_text(s, row, B, rules_year_group_name(u->year_group, y, sizeof y), f->text);
        PIC_LABEL(D, "Cohort");
        xlsx_text(s, row++, E, label_text(LABELS_COHORT, u->cohort), f->wrap);
        PIC_LABEL(A, "Roll status");
        xlsx_text(s, row, B, label_brief(LABELS_ROLL_STATUS, u->roll_status), f->text);
        PIC_LABEL(D, "Plan");
        xlsx_text(s, row++, E, label_text(LABELS_PLAN, u->plan), f->text);
        PIC_LABEL(A, "Looked after");
        xlsx_text(s, row, B, yes_no(u->cla), f->text);
        PIC_LABEL(D, "Placements now");
        xlsx_int(s, row++, E, u->placements_today);
        PIC_LABEL(A, "Providers now");
        xlsx_text(s, row, B, u->current, f->wrap);
        PIC_LABEL(D, "Hours a week");
        xlsx_number(s, row++, E, u->weekly_hours, f->hours);
        PIC_LABEL(A, "LA minimum hours");
        PIC_LABEL(D, "Hours against minimum");
        if (u->min_hours > 0) {
            xlsx_number(s, row, B, u->min_hours, f->hours);
            xlsx_number(s, row++, E, u->weekly_hours - u->min_hours, f->hours);
        } else {
            xlsx_text(s, row, B, "None", f->text);
            xlsx_blank(s, row++, E, f->hours);
        }
        /* On a school's roll, the school provides the rest of the week:
         * the AP hours alone are below the minimum, not the pupil's week. */
        PIC_LABEL(A, "Below minimum");
        xlsx_text(s, row, B,
                  !u->below_minimum ? "No"
                  : strcmp(u->roll_status, "sole_school") == 0 ? "Yes (AP hours only; on the school's roll)"
                                                               : "Yes",
                  f->wrap);
        PIC_LABEL(D, "PSP");
        xlsx_text(s, row++, E, u->has_psp ? label_text(LABELS_PSP_STATUS, u->psp_status) : "None", f->text);
        PIC_LABEL(A, "Possible (6 weeks)");
        xlsx_int(s, row, B, u->last6.possible);
        PIC_LABEL(D, "Possible (term)");
        xlsx_int(s, row++, E, u->term.possible);
        PIC_LABEL(A, "Attended (6 weeks)");
        xlsx_int(s, row, B, u->last6.attending);
        PIC_LABEL(D, "Attended (term)");
        xlsx_int(s, row++, E, u->term.attending);
        PIC_LABEL(A, "Attendance (6 weeks)");
        bool has = report_att_fraction(&u->last6, &frac);
        xlsx_pct(s, row, B, has, frac);
        PIC_LABEL(D, "Attendance (term)");
        has = report_att_fraction(&u->term, &frac);
        xlsx_pct(s, row++, E, has, frac);
        PIC_LABEL(A, "PSP meeting");
        xlsx_date(s, row, B, u->psp_meeting);
        PIC_LABEL(D, "Last PSP review");
        xlsx_date(s, row++, E, u->psp_last_review);
        PIC_LABEL(A, "Next PSP review");
        xlsx_date(s, row, B, u->psp_next_review);
        PIC_LABEL(D, "PSP ends");
        xlsx_date(s, row++, E, u->psp_end);
        PIC_LABEL(A, "RAG");
        xlsx_text(s, row++, B, xlsx_rag(u->flags.worst), f->bold);
        PIC_LABEL(A, "Flags");
        if (u->flags.text[0])
            xlsx_paragraph(s, row, B, E, u->flags.text, f->wrap);
        else
            xlsx_text(s, row, B, "None", f->text);
        row++;
#undef PIC_LABEL
        if (row != rr + PIC_ROWS)
            xlsx_fail(x, AP_ERR_INVALID, "the pupil picture's block is %d rows, not %d", row - rr, PIC_ROWS);
    }
    int last = r->n_pupils ? rr - 2 : xlsx_rows_or_none(s, 0, "No pupils");
    if (r->n_pupils) {
        char threshold[64], today[48];
        int yy, mm, dd;
        snprintf(threshold, sizeof threshold, "ISNUMBER(@),@<%.6g", p->req->th->persistent_absence_pct / 100.0);
        picture_rule(s, XLSX_HDR + 1, last, B, "Attendance (6 weeks)", threshold, f->amber);
        picture_rule(s, XLSX_HDR + 1, last, E, "Attendance (term)", threshold, f->amber);
        picture_rule(s, XLSX_HDR + 1, last, B, "Below minimum", "LEFT(@,3)=\"Yes\"", f->amber);
        date_to_ymd(r->today, &yy, &mm, &dd);
        snprintf(today, sizeof today, "ISNUMBER(@),@<DATE(%d,%d,%d)", yy, mm, dd);
        picture_rule(s, XLSX_HDR + 1, last, B, "Next PSP review", today, f->red);
        picture_rule(s, XLSX_HDR + 1, last, B, "RAG", "@=\"Red\"", f->red);
        picture_rule(s, XLSX_HDR + 1, last, B, "RAG", "@=\"Amber\"", f->amber);
        picture_rule(s, XLSX_HDR + 1, last, B, "RAG", "@=\"Green\"", f->green);
    }
    xlsx_finish_sheet(s, XLSX_HDR, last, NCOLS - 1, 0);
}

static void placements_sheet(struct pack *p)
{
    const struct report_panel *r = p->r;
    struct xlsx *x = p->x;
    const struct xlsx_formats *f = &x->f;
    struct xlsx_sheet *s = xlsx_add_split_sheet(x, "Placements", "The pupils' placements", "Placement costs",
                                                "The pupils' placements: hours and costs", p->subtitle, 8, 3);
    if (!s)
        return;
    static const char *const headers[] = {
        "Pupil", "UPN", "Provider", "Status", "Start", "End", "Planned weeks", "Sessions a week",
        "Hours a week", "Cost basis", "Rate", "Transport a week", "Annual cost", "Running today", "Panel case",
    };
    enum { C_PUPIL, C_UPN, C_PROVIDER, C_STATUS, C_START, C_END, C_PLANNED, C_SESSIONS, C_HOURS, C_BASIS,
           C_RATE, C_TRANSPORT, C_ANNUAL, C_TODAY, C_CASE, NCOLS };
    xlsx_cap(s, C_PUPIL, 18);
    xlsx_cap(s, C_PROVIDER, 26);
    int rr = XLSX_HDR;
    for (size_t i = 0; i < r->n_pupils; i++) {
        const struct report_pupil *u = &r->pupils[i];
        for (size_t k = 0; k < u->n_placements; k++) {
            const struct report_placement *pl = &r->placements[u->first_placement + k];
            rr++;
            xlsx_text(s, rr, C_PUPIL, u->name, f->bold_wrap);
            xlsx_text(s, rr, C_UPN, u->upn, f->text);
            xlsx_text(s, rr, C_PROVIDER, pl->provider, f->wrap);
            xlsx_text(s, rr, C_STATUS, label_text(LABELS_PLACEMENT_STATUS, pl->status), f->text);
            xlsx_date(s, rr, C_START, pl->start);
            xlsx_date(s, rr, C_END, pl->end);
            if (pl->planned_weeks > 0)
                xlsx_int(s, rr, C_PLANNED, pl->planned_weeks);
            else
                xlsx_blank(s, rr, C_PLANNED, f->integer);
            xlsx_int(s, rr, C_SESSIONS, pl->sessions_per_week);
            xlsx_number(s, rr, C_HOURS, pl->weekly_hours, f->hours);
            xlsx_text(s, rr, C_BASIS, label_text(LABELS_COST_BASIS, pl->cost_basis), f->text);
            xlsx_money(s, rr, C_RATE, pl->rate);
            xlsx_money(s, rr, C_TRANSPORT, pl->transport_per_week);
            xlsx_money(s, rr, C_ANNUAL, pl->annual_cost);
            xlsx_text(s, rr, C_TODAY, yes_no(pl->running_today), f->text);
            if (pl->panel_case_id)
                xlsx_int(s, rr, C_CASE, pl->panel_case_id);
            else
                xlsx_blank(s, rr, C_CASE, f->integer);
        }
    }
    int last = rr > XLSX_HDR ? rr : xlsx_rows_or_none(s, 0, "No placements");
    xlsx_table(s, XLSX_HDR, last, NCOLS, headers, NULL, NULL, NULL);
    xlsx_finish_sheet(s, XLSX_HDR, last, NCOLS - 1, 1);
}

/* ------------------------------------------------------------------ */

ap_status export_panel(struct store *s, const struct export_panel_request *req, struct export_panel_result *result)
{
    if (result)
        memset(result, 0, sizeof *result);
    char d[16], title[160], subject[200];
    if (req->panel_date != DATE_NONE) {
        int y, m, dd;
        date_to_ymd(req->panel_date, &y, &m, &dd);
        if (y < 1900 || y > 9999)
            return ap_fail(AP_ERR_INVALID, "--panel-date: %d is not a year a workbook can hold", y);
        snprintf(title, sizeof title, "Inclusion Panel pack: panel of %s", xlsx_uk_date(req->panel_date, d, sizeof d));
    } else {
        snprintf(title, sizeof title, "Inclusion Panel pack: open cases");
    }
    snprintf(subject, sizeof subject, "Cases going to the Inclusion Panel, option analysis and pupil picture");
    struct xlsx_doc doc = {
        .title = title,
        .subject = subject,
        .organisation = req->organisation,
        .author = store_login(s),
        .keywords = "Alternative Provision; Inclusion Panel; " XLSX_MARKING,
        .comments = "Produced by apterm. " XLSX_MARKING ": personal data about children.",
        .today = req->today,
        .progress = req->progress,
        .progress_ctx = req->progress_ctx,
    };
    struct xlsx *x = NULL;
    ap_status st = xlsx_open(req->out, &doc, &x);
    if (st != AP_OK)
        return st;
    xlsx_progress(x, 0.0, "Reading the panel cases");
    struct report_panel *r = NULL;
    st = report_panel_load(s, req->th, req->today, req->panel_date, &r);
    if (st != AP_OK) {
        xlsx_discard(x);
        return st;
    }
    struct pack p = {.x = x, .r = r, .req = req};
    snprintf(p.subtitle, sizeof p.subtitle, "%s \xe2\x80\x93 %s \xe2\x80\x93 %s \xe2\x80\x93 produced %s",
             req->organisation && *req->organisation ? req->organisation : "Alternative Provision",
             r->panel_date != DATE_NONE ? title + strlen("Inclusion Panel pack: ") : "every open case",
             XLSX_MARKING, xlsx_uk_date(req->today, d, sizeof d));
    xlsx_progress(x, 0.4, "Writing the cover and the cases");
    cover_sheet(&p);
    cases_sheet(&p);
    xlsx_progress(x, 0.55, "Writing the option analysis");
    options_sheet(&p);
    xlsx_progress(x, 0.7, "Writing the pupil picture");
    pupils_sheet(&p);
    placements_sheet(&p);
    xlsx_progress(x, 0.85, "Writing the providers' QA status");
    char qa_title[] = "Provider QA status";
    export_qa_sheet(x, "Provider QA", "Provider checks", qa_title, p.subtitle, r->providers, r->n_providers, sizeof *r->providers,
                    r->today);
    if (x->n_sheets > 0 && x->status == AP_OK)
        worksheet_activate(x->sheets[0]->ws);
    if (result) {
        result->cases = r->n_cases;
        result->quotes = r->n_quotes;
        result->pupils = r->n_pupils;
        result->placements = r->n_placements;
        result->providers = r->n_providers;
        for (size_t i = 0; i < r->n_cases; i++)
            result->short_of_quotes += r->cases[i].quotes_warning;
    }
    long pupils = (long)r->n_pupils;
    report_panel_free(r);
    st = xlsx_close(x);
    if (st != AP_OK)
        return st;
    char asked[40];
    if (req->panel_date != DATE_NONE)
        snprintf(asked, sizeof asked, "panel of %s", date_format(req->panel_date, d));
    else
        snprintf(asked, sizeof asked, "every open case");
    return audit_export(s, "panel", req->out, pupils, asked);
}
