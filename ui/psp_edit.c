/* The PSP pane's editor and review form: one context for both, the info
 * lines, the custom fields (the Outcome Sequence checks, the reviews, the
 * RAG) and the drafts of what is typed. */

#include "psp_parts.h"
#include "question.h"

/* ---- the editor and the review form: one context for both ------------------------------- */

enum ef_kind { EF_PLAIN, EF_INFO, EF_CHECKS, EF_REVIEWS, EF_RAG };
enum info_kind {
    IN_HEAD, IN_PUPIL, IN_SCHOOL, IN_FLAGS, IN_ATTENDANCE, IN_EXCLUSIONS, IN_REVIEW_SUGGEST, IN_REVIEW_DUE,
    IN_END, IN_WEEK, IN_MINIMUM, IN_TARGET_TEXT, IN_NEXT_SUGGEST,
};

struct ef_meta {
    enum ef_kind kind;
    enum info_kind info;
    const char *text;        /* IN_HEAD: the line beside the heading */
    char key[40];            /* the draft's key; "" when not kept */
    size_t offset;           /* the value's offset in the record (struct psp or struct psp_review) */
    int slot;                /* a target's slot */
    bool drafted;            /* a draft of it is in the store */
};

struct editor {
    struct ui *ui;
    int today;
    const struct thresholds *th;
    struct psp *p;               /* the PSP (edited, or read for a review) */
    struct psp *orig;            /* the editor: as read, for the drafts to compare with */
    struct psp_facts facts;
    struct psp_review *reviews;  /* newest first */
    size_t nreviews;
    int last_review;
    /* The review form: the review being written, and as it began. */
    struct psp_review *rv, *rv_orig;
    int64_t psp_version;
    bool review_mode;
    char *base, *orig_base;      /* the record the fields point into, and its copy */
    struct form_field fields[ED_MAX_FIELDS];
    struct ef_meta meta[ED_MAX_FIELDS];
    char labels[ED_MAX_FIELDS][40];
    int nfields;
    int slots;                   /* target slots shown */
    int check_at[PSP_TARGETS_MAX];
    bool read_only;
    struct field_choice status_choices[4];
    struct field_choice reason_choices[8];
    struct field_choice progression_choices[4];
    struct field_choice outcome_choices[8];
    char help_review[160], help_end[160], help_next[160], help_rtt[200];
    char title[300];
};

static struct editor *editor_new(struct ui *ui)
{
    struct editor *ed = calloc(1, sizeof *ed);
    if (!ed)
        return NULL;
    ed->ui = ui;
    ed->today = ui_today(ui);
    ed->th = &ui_config(ui)->th;
    ed->last_review = DATE_NONE;
    ed->p = calloc(1, sizeof *ed->p);
    ed->orig = calloc(1, sizeof *ed->orig);
    if (!ed->p || !ed->orig) {
        free(ed->p);
        free(ed->orig);
        free(ed);
        return NULL;
    }
    return ed;
}

static void editor_free(struct editor *ed)
{
    if (!ed)
        return;
    free(ed->p);
    free(ed->orig);
    free(ed->reviews);
    free(ed->rv);
    free(ed->rv_orig);
    free(ed);
}

static int add_field(struct editor *ed, const char *label, enum field_kind kind, void *value, size_t size,
                     bool required, double min, double max, const char *help, const char *key)
{
    if (ed->nfields >= ED_MAX_FIELDS)
        return -1;
    int i = ed->nfields++;
    snprintf(ed->labels[i], sizeof ed->labels[i], "%s", label);
    ed->fields[i] = (struct form_field){ed->labels[i], kind, value, size, NULL, required, min, max, help};
    struct ef_meta *m = &ed->meta[i];
    memset(m, 0, sizeof *m);
    m->kind = EF_PLAIN;
    if (key && !ed->read_only)
        snprintf(m->key, sizeof m->key, "%s", key);
    if (value && ed->base)
        m->offset = (size_t)((char *)value - ed->base);
    return i;
}

/* A pick-list field of choices (ending with {NULL, NULL}, living as long as
 * the editor). */
static void add_choice(struct editor *ed, const char *label, const struct field_choice *choices, char *value,
                       size_t size, bool required, const char *help)
{
    int f = add_field(ed, label, FIELD_CHOICE, value, size, required, 0, 0, help, NULL);
    if (f >= 0)
        ed->fields[f].choices = choices;
}

static void add_info(struct editor *ed, const char *label, enum info_kind info, const char *text, int slot)
{
    int i = add_field(ed, label, FIELD_INFO, NULL, 0, false, 0, 0, NULL, NULL);
    if (i < 0)
        return;
    ed->meta[i].kind = EF_INFO;
    ed->meta[i].info = info;
    ed->meta[i].text = text;
    ed->meta[i].slot = slot;
}

static void add_custom(struct editor *ed, const char *label, enum ef_kind kind, int slot, const char *help)
{
    int i = add_field(ed, label, FIELD_CUSTOM, NULL, 0, false, 0, 0, help, NULL);
    if (i < 0)
        return;
    ed->meta[i].kind = kind;
    ed->meta[i].slot = slot;
}

/* ---- info lines ---- */

static void review_suggestion(struct editor *ed, int *date, const char **from)
{
    if (ed->last_review != DATE_NONE) {
        *date = psp_suggest_review(ed->last_review, ed->th);
        *from = "last review";
    } else {
        *date = psp_suggest_review(ed->p->meeting_date, ed->th);
        *from = "meeting";
    }
}

static void ed_info(void *ctx, int field, char *buf, size_t len)
{
    struct editor *ed = ctx;
    const struct ef_meta *m = &ed->meta[field];
    const struct psp_facts *f = &ed->facts;
    const struct psp *p = ed->p;
    char d[11], y[24], h[16], mh[16];
    buf[0] = '\0';
    switch (m->info) {
    case IN_HEAD:
        snprintf(buf, len, "%s", m->text ? m->text : "");
        break;
    case IN_PUPIL:
        rules_year_group_name(f->year_group, y, sizeof y);
        snprintf(buf, len, "%s · %s · UPN %s", f->name, y, f->upn);
        break;
    case IN_SCHOOL:
        snprintf(buf, len, "%s", f->school[0] ? f->school : "no home school recorded");
        break;
    case IN_FLAGS:
        snprintf(buf, len, "FSM %s · CLA %s · %s%s%s", f->fsm ? "yes" : "no", f->cla ? "yes" : "no",
                 strcmp(f->plan, "none") == 0 ? "no IDP/EHCP" : label_text(LABELS_PLAN, f->plan),
                 f->aln_areas[0] ? " · ALN: " : "", f->aln_areas);
        break;
    case IN_ATTENDANCE:
        if (!f->has_term)
            snprintf(buf, len, "no term in the calendar");
        else if (!f->has_attendance)
            snprintf(buf, len, "no sessions recorded this term (%s)", f->term_name);
        else
            snprintf(buf, len, "%.1f %% this term (%d of %d sessions, %s)", f->attendance_pct, f->attending,
                     f->possible, f->term_name);
        break;
    case IN_EXCLUSIONS:
        if (!f->excluded_sessions)
            snprintf(buf, len, "none recorded this school year (register code E)");
        else
            snprintf(buf, len, "%d spell%s, %g day%s excluded this school year (code E)", f->exclusion_spells,
                     f->exclusion_spells == 1 ? "" : "s", f->excluded_days, f->excluded_days == 1 ? "" : "s");
        break;
    case IN_REVIEW_SUGGEST: {
        int s;
        const char *from;
        review_suggestion(ed, &s, &from);
        if (s == DATE_NONE)
            snprintf(buf, len, "suggested: %d weeks after the meeting (no meeting date yet)", ed->th->psp_review_weeks);
        else if (p->next_review_date == DATE_NONE)
            snprintf(buf, len, "empty: %s (%s + %d weeks) is taken on saving", date_format(s, d), from,
                     ed->th->psp_review_weeks);
        else
            snprintf(buf, len, "suggested: %s (%s + %d weeks)", date_format(s, d), from, ed->th->psp_review_weeks);
        break;
    }
    case IN_REVIEW_DUE: {
        if (strcmp(p->status, "active") != 0) {
            snprintf(buf, len, "%s", strcmp(p->status, "ceased") == 0 ? "ceased: no more reviews"
                                                                      : "reviews are due once the PSP is active");
            break;
        }
        int due, next = p->next_review_date;
        if (next == DATE_NONE) {
            const char *from;
            review_suggestion(ed, &next, &from);
        }
        char why[RULES_WHY_LEN];
        enum flag_level level =
            psp_review_due(p->status, p->meeting_date, ed->last_review, next, ed->today, ed->th, &due, why, sizeof why);
        if (rules_flag_raised(level))
            snprintf(buf, len, "%s %s", draw_flag_marker(level), why);
        else if (due != DATE_NONE)
            snprintf(buf, len, "due on %s", date_format(due, d));
        else
            snprintf(buf, len, "%s", why);
        break;
    }
    case IN_END: {
        int end;
        rules_psp_end(p->meeting_date, p->end_date, false, ed->today, ed->th, &end, NULL, 0);
        if (p->end_date != DATE_NONE)
            snprintf(buf, len, "time-limited: typically %d weeks", ed->th->psp_length_weeks);
        else if (end != DATE_NONE)
            snprintf(buf, len, "empty: ends %s (meeting + %d weeks)", date_format(end, d), ed->th->psp_length_weeks);
        else
            snprintf(buf, len, "empty: %d weeks from the meeting", ed->th->psp_length_weeks);
        break;
    }
    case IN_WEEK: {
        struct psp_rtt r;
        psp_rtt_assess(p, f, ed->today, ed->th, &r);
        draw_hours(r.weekly_hours, h, sizeof h);
        draw_hours(f->placement_hours, mh, sizeof mh);
        if (r.source == PSP_HOURS_NONE)
            snprintf(buf, len, "no hours recorded (placements now: %s h)", mh);
        else if (r.source != PSP_HOURS_PLACEMENTS && f->placements)
            snprintf(buf, len, "%s h/week (%s) · placements now %s h", h, psp_hours_source_text(r.source), mh);
        else
            snprintf(buf, len, "%s h/week (%s)", h, psp_hours_source_text(r.source));
        break;
    }
    case IN_MINIMUM: {
        struct psp_rtt r;
        psp_rtt_assess(p, f, ed->today, ed->th, &r);
        rules_year_group_name(f->year_group, y, sizeof y);
        draw_hours(r.min_hours, mh, sizeof mh);
        if (r.min_hours <= 0)
            snprintf(buf, len, "%s: no minimum weekly hours", y);
        else
            snprintf(buf, len, "%s h/week for %s (local policy): %s", mh, y,
                     r.source == PSP_HOURS_NONE ? "nothing to compare"
                     : r.below_minimum          ? "below it, reduced"
                                                : "met");
        break;
    }
    case IN_TARGET_TEXT: {
        const char *t = m->slot < p->ntargets ? p->targets[m->slot].target : "";
        size_t n = strcspn(t, "\n");
        snprintf(buf, len, "%.*s%s", (int)n, t, t[n] ? " …" : "");
        break;
    }
    case IN_NEXT_SUGGEST: {
        const struct psp_review *r = ed->rv;
        if (!r)
            break;
        if (strcmp(r->outcome, "cease") == 0)
            snprintf(buf, len, "ceasing: the PSP ends on the review date; no next review");
        else if (r->review_date == DATE_NONE)
            snprintf(buf, len, "empty: the review date + %d weeks", ed->th->psp_review_weeks);
        else
            snprintf(buf, len, "%s: %s (review date + %d weeks)", r->next_review == DATE_NONE ? "empty" : "suggested",
                     date_format(psp_suggest_review(r->review_date, ed->th), d), ed->th->psp_review_weeks);
        break;
    }
    }
}

/* ---- custom fields: the Outcome Sequence checks, the reviews, the RAG ---- */

static bool *check_value(struct psp_target *t, int i)
{
    switch (i) {
    case 0: return &t->is_measurable;
    case 1: return &t->start_known;
    case 2: return &t->is_achievable;
    default: return &t->everyday_language;
    }
}

static const char *const check_words[4] = {"measurable", "starting point known", "achievable", "everyday language"};

static void rag_text(struct editor *ed, char *buf, size_t len, enum flag_level *level)
{
    struct psp_rtt r;
    psp_rtt_assess(ed->p, &ed->facts, ed->today, ed->th, &r);
    *level = r.level;
    if (r.level == FLAG_NONE)
        snprintf(buf, len, "– %s", r.why[0] ? r.why : "not a reduced timetable");
    else
        snprintf(buf, len, "%s %s: %s", draw_flag_marker(r.level),
                 r.level == FLAG_RED ? "RED" : r.level == FLAG_AMBER ? "AMBER" : "GREEN", r.why);
}

static int ed_custom_lines(void *ctx, int field)
{
    struct editor *ed = ctx;
    const struct ef_meta *m = &ed->meta[field];
    switch (m->kind) {
    case EF_CHECKS:
        return 2;
    case EF_REVIEWS: {
        int n = (int)ed->nreviews;
        if (n == 0)
            return 1;
        return (n > REVIEWS_SHOWN ? REVIEWS_SHOWN : n) * 2 + (n > REVIEWS_SHOWN);
    }
    case EF_RAG: {
        char text[RULES_WHY_LEN + 32];
        enum flag_level level;
        rag_text(ed, text, sizeof text, &level);
        size_t s[5], e[5];
        return ps_wrap_lines(text, ps_form_input_cols(), s, e, 5);
    }
    default:
        return 1;
    }
}

static void ed_custom_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    struct editor *ed = ctx;
    const struct ef_meta *m = &ed->meta[field];
    char line[1200], d[11];
    switch (m->kind) {
    case EF_CHECKS: {
        struct psp_target *t = &ed->p->targets[m->slot];
        int half = cols / 2;
        for (int i = 0; i < 4; i++) {
            snprintf(line, sizeof line, "[%s] %s", *check_value(t, i) ? "x" : " ", check_words[i]);
            bool here = focused && ed->check_at[m->slot] == i;
            draw_cell_text(w, y + i / 2, x + (i % 2) * half, half - 1, line,
                   attr_of(here ? ATTR_SELECTED : *check_value(t, i) ? ATTR_NORMAL : ATTR_DIM), false);
        }
        if (focused)
            wmove(w, y + ed->check_at[m->slot] / 2, x + (ed->check_at[m->slot] % 2) * half + 1);
        break;
    }
    case EF_REVIEWS: {
        if (ed->nreviews == 0) {
            draw_cell_text(w, y, x, cols, "none yet (r in the PSP list adds one)", attr_of(ATTR_DIM), false);
            break;
        }
        size_t shown = ed->nreviews > REVIEWS_SHOWN ? REVIEWS_SHOWN : ed->nreviews;
        for (size_t i = 0; i < shown; i++) {
            const struct psp_review *r = &ed->reviews[i];
            snprintf(line, sizeof line, "%s %s · %s", date_format(r->review_date, d),
                     label_text(LABELS_REVIEW_OUTCOME, r->outcome), r->attended[0] ? r->attended : "attendees not recorded");
            for (char *c = line; *c; c++)
                if (*c == '\n')
                    *c = ' ';
            draw_cell_text(w, y + (int)i * 2, x, cols, line, attr_of(focused && i == 0 ? ATTR_SELECTED : ATTR_NORMAL), false);
            snprintf(line, sizeof line, "  %.400s%s%d target%s with progress", r->notes, r->notes[0] ? " · " : "",
                     r->nprogress, r->nprogress == 1 ? "" : "s");
            for (char *c = line; *c; c++)
                if (*c == '\n')
                    *c = ' ';
            draw_cell_text(w, y + (int)i * 2 + 1, x, cols, line, attr_of(ATTR_DIM), false);
        }
        if (ed->nreviews > shown) {
            snprintf(line, sizeof line, "… and %zu earlier", ed->nreviews - shown);
            draw_cell_text(w, y + (int)shown * 2, x, cols, line, attr_of(ATTR_DIM), false);
        }
        break;
    }
    case EF_RAG: {
        char text[RULES_WHY_LEN + 32];
        enum flag_level level;
        rag_text(ed, text, sizeof text, &level);
        size_t s[5], e[5];
        int n = ps_wrap_lines(text, cols, s, e, 5);
        attr_t a = attr_of(level == FLAG_NONE ? ATTR_DIM : draw_flag_attr(level));
        if (focused)
            a |= A_BOLD;
        for (int i = 0; i < n; i++) {
            snprintf(line, sizeof line, "%.*s", (int)(e[i] - s[i]), text + s[i]);
            draw_cell_text(w, y + i, x, cols, line, a, false);
        }
        break;
    }
    default:
        break;
    }
}

static int ed_custom_key(void *ctx, int field, int ret, wint_t ch)
{
    struct editor *ed = ctx;
    const struct ef_meta *m = &ed->meta[field];
    if (m->kind != EF_CHECKS)
        return LINEEDIT_UNHANDLED;
    struct psp_target *t = &ed->p->targets[m->slot];
    int *at = &ed->check_at[m->slot];
    if ((ret == KEY_CODE_YES && ch == KEY_LEFT) || (ret == OK && ch == 'h')) {
        *at = (*at + 3) % 4;
        return LINEEDIT_MOVED;
    }
    if ((ret == KEY_CODE_YES && ch == KEY_RIGHT) || (ret == OK && ch == 'l')) {
        *at = (*at + 1) % 4;
        return LINEEDIT_MOVED;
    }
    if (ret == OK && (ch == ' ' || ch == 'x')) {
        *check_value(t, *at) = !*check_value(t, *at);
        return LINEEDIT_CHANGED;
    }
    if (ret == OK && (ch == 'y' || ch == 'n')) {
        *check_value(t, *at) = ch == 'y';
        *at = (*at + 1) % 4;
        return LINEEDIT_CHANGED;
    }
    if (ret == OK && ch >= '1' && ch <= '4') {
        *at = (int)(ch - '1');
        *check_value(t, *at) = !*check_value(t, *at);
        return LINEEDIT_CHANGED;
    }
    return LINEEDIT_UNHANDLED;
}

/* ---- drafts ---- */

/* The stored value of a field as the form shows it as text. */
static void orig_text(struct editor *ed, int field, char *buf, size_t len)
{
    const struct form_field *fd = &ed->fields[field];
    const char *v = ed->orig_base + ed->meta[field].offset;
    char d[11];
    buf[0] = '\0';
    switch (fd->kind) {
    case FIELD_TEXT:
    case FIELD_LONGTEXT:
        snprintf(buf, len, "%s", v);
        break;
    case FIELD_DATE:
        snprintf(buf, len, "%s", date_format(*(const int *)(const void *)v, d));
        break;
    case FIELD_HOURS: {
        double h = *(const double *)(const void *)v;
        snprintf(buf, len, h == (double)(long)h ? "%.0f" : "%.1f", h);
        break;
    }
    default:
        break;
    }
}

static int64_t ed_psp_id(const struct editor *ed)
{
    return ed->p->id;
}

/* form.draft: keeps what was typed, or drops the draft when the text is
 * back to what is stored. */
void ps_ed_draft(void *ctx, int field, const char *text)
{
    struct editor *ed = ctx;
    struct ef_meta *m = &ed->meta[field];
    if (!m->key[0] || ed->read_only)
        return;
    char *was = malloc(PSP_LONG + 32);
    if (!was)
        return;
    orig_text(ed, field, was, PSP_LONG + 32);
    struct store *s = ui_store(ed->ui);
    ap_status st = AP_OK;
    if (strcmp(text, was) == 0) {
        if (m->drafted && (st = psp_draft_discard(s, ed_psp_id(ed), m->key, true)) == AP_OK)
            m->drafted = false;
    } else if ((st = psp_draft_save(s, ed_psp_id(ed), m->key, text)) == AP_OK) {
        m->drafted = true;
    }
    free(was);
    if (st != AP_OK && !ui_quitting(ed->ui))
        ui_error(ed->ui, "Your typing was not kept as a draft: %s", ap_error_detail());
}

static int field_of_key(const struct editor *ed, const char *key)
{
    for (int i = 0; i < ed->nfields; i++)
        if (ed->meta[i].key[0] && strcmp(ed->meta[i].key, key) == 0)
            return i;
    return -1;
}

/* Puts a draft's text into the record. False when it does not read as the
 * field's kind of value (a date typed half-way). */
static bool restore_draft(struct editor *ed, int field, const char *text)
{
    const struct form_field *fd = &ed->fields[field];
    while (*text == ' ' && (fd->kind == FIELD_DATE || fd->kind == FIELD_HOURS))
        text++;
    switch (fd->kind) {
    case FIELD_TEXT:
    case FIELD_LONGTEXT:
        ps_copy_cut(fd->value, fd->size, text);
        break;
    case FIELD_DATE: {
        int d = DATE_NONE;
        if (*text && !date_parse(text, ed->today, &d))
            return false;
        *(int *)fd->value = d;
        break;
    }
    case FIELD_HOURS: {
        char *end;
        double h = *text ? strtod(text, &end) : 0;
        if (*text && (*end || h < fd->min || h > fd->max))
            return false;
        *(double *)fd->value = h;
        break;
    }
    default:
        return false;
    }
    ed->meta[field].drafted = true;
    return true;
}

/* The question about kept drafts, on the body's last lines over the editor. */
struct draft_question {
    struct editor *ed;
    const char *question;
    struct psp_draft *drafts;
    size_t n;
    bool *restored_any;
    int first;
};

static void draft_draw(void *ctx, WINDOW *w)
{
    struct draft_question *q = ctx;
    int h = getmaxy(w);
    size_t st_[6], en[6];
    int lines = ps_wrap_lines(q->question, getmaxx(w) - 2, st_, en, 6);
    for (int i = 0; i < lines; i++) {
        char line[NOTICE_LEN];
        snprintf(line, sizeof line, "%.*s", (int)(en[i] - st_[i]), q->question + st_[i]);
        draw_line(w, h - lines + i, 1, line, attr_of(ATTR_HEADER));
    }
    curs_set(0);
}

/* The drafts restored into the editor's fields; the focus goes to the
 * latest (they come oldest first). */
static void restore_drafts(struct draft_question *q)
{
    struct editor *ed = q->ed;
    int bad = 0;
    for (size_t i = 0; i < q->n; i++) {
        int f = field_of_key(ed, q->drafts[i].field);
        if (f < 0)
            continue;
        if (restore_draft(ed, f, q->drafts[i].text)) {
            q->first = f;
            *q->restored_any = true;
        } else {
            bad++;
        }
    }
    ui_message(ed->ui, bad ? "Restored the draft; %d value%s did not read (a date typed half-way?)"
                           : "Restored what you typed: ^S saves it, Esc asks before dropping it",
               bad, bad == 1 ? "" : "s");
}

static const enum action_id draft_keys[] = {ACT_DRAFT_RESTORE, ACT_DRAFT_DISCARD, ACT_VIEW_CLOSE, ACT_NONE};
static const struct question draft_question = {
    .title = "kept drafts",
    .answers = draft_keys,
    .draw = draft_draw,
    .overlay = true,
};

const struct question *psp_draft_question(void) { return &draft_question; }

/* Offers this login's kept drafts back: "A draft of Reason for PSP from
 * 2026-11-22 09:14 was kept: r restore, d discard". Returns the field of
 * the latest draft restored (where the typing was), or -1. Esc leaves them
 * for next time. */
static int offer_drafts(struct editor *ed, const char *prefix, bool *restored_any)
{
    *restored_any = false;
    struct store *s = ui_store(ed->ui);
    struct psp_draft *drafts = NULL;
    size_t n = 0;
    if (ed->read_only || psp_drafts(s, ed_psp_id(ed), prefix, &drafts, &n) != AP_OK || n == 0) {
        psp_drafts_free(drafts, n);
        return -1;
    }
    char names[400] = "", latest[17] = "";
    size_t used = 0;
    int known = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(drafts[i].saved_at, latest) > 0)
            snprintf(latest, sizeof latest, "%s", drafts[i].saved_at);
        known += field_of_key(ed, drafts[i].field) >= 0;
    }
    /* The fields named in the form's order. */
    for (int f = 0, k = 0; f < ed->nfields && k < 3; f++) {
        bool kept = false;
        for (size_t i = 0; i < n && !kept; i++)
            kept = ed->meta[f].key[0] && strcmp(ed->meta[f].key, drafts[i].field) == 0;
        if (!kept)
            continue;
        k++;
        if (used < sizeof names)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     k == 1 ? "" : k == known || k == 3 ? " and " : ", ", ed->labels[f]);
    }
    if (known == 0) {
        psp_drafts_free(drafts, n);
        return -1;
    }
    char question[NOTICE_LEN];
    static const char keys_text[] = "r restore, d discard, Esc later";
    if (known == 1)
        snprintf(question, sizeof question, "A draft of %s from %s was kept:\n%s", names, latest, keys_text);
    else if (known <= 3)
        snprintf(question, sizeof question, "Drafts of %s from %s were kept:\n%s", names, latest, keys_text);
    else
        snprintf(question, sizeof question, "Drafts of %s and %d more from %s were kept:\n%s", names, known - 3,
                 latest, keys_text);
    /* The status line has one line: the same words with the break as a space. */
    char status_text[NOTICE_LEN];
    snprintf(status_text, sizeof status_text, "%s", question);
    for (char *c = status_text; *c; c++)
        if (*c == '\n')
            *c = ' ';
    struct draft_question q = {.ed = ed, .question = question, .drafts = drafts, .n = n,
                               .restored_any = restored_any, .first = -1};
    ui_message(ed->ui, "%s", status_text);
    switch (ui_ask(ed->ui, &draft_question, &q)) {
    case ACT_DRAFT_RESTORE:
        restore_drafts(&q);
        break;
    case ACT_DRAFT_DISCARD:
        if (psp_draft_discard(ui_store(ed->ui), ed_psp_id(ed), prefix, false) == AP_OK)
            ui_message(ed->ui, "Discarded the draft");
        else
            ui_error(ed->ui, "The draft was not discarded: %s", ap_error_detail());
        break;
    case ACT_VIEW_CLOSE:
        ui_message(ed->ui, "The draft is kept for next time");
        break;
    default:
        break;
    }
    int first = q.first;
    psp_drafts_free(drafts, n);
    return first;
}

/* After a deliberate close: the drafts of this editing are dropped with it.
 * Returns how many were. */
static int discard_session_drafts(struct editor *ed)
{
    int n = 0;
    for (int i = 0; i < ed->nfields; i++)
        if (ed->meta[i].drafted && psp_draft_discard(ui_store(ed->ui), ed_psp_id(ed), ed->meta[i].key, true) == AP_OK) {
            ed->meta[i].drafted = false;
            n++;
        }
    return n;
}

/* ---- the editor's form ---- */

static ap_status ed_validate(void *ctx)
{
    struct editor *ed = ctx;
    return psp_validate(ed->p, ed->today);
}

static ap_status ed_save(void *ctx)
{
    struct editor *ed = ctx;
    return psp_save(ui_store(ed->ui), ed->p, ed->today, ed->th);
}

static ap_status ed_reload(void *ctx)
{
    struct editor *ed = ctx;
    int slots = ed->slots;
    ap_status st = psp_get(ui_store(ed->ui), ed->p->id, ed->p);
    if (st == AP_OK) {
        if (ed->p->ntargets < slots)
            ed->p->ntargets = slots;
        memcpy(ed->orig, ed->p, sizeof *ed->p);
    }
    return st;
}

static ap_status ed_take_version(void *ctx)
{
    struct editor *ed = ctx;
    return psp_take_version(ui_store(ed->ui), ed->p);
}

static void heading(struct editor *ed, const char *title, const char *text)
{
    char label[40];
    snprintf(label, sizeof label, "── %s", title);
    add_info(ed, label, IN_HEAD, text, 0);
}

static void build_editor(struct editor *ed)
{
    struct psp *p = ed->p;
    const struct thresholds *th = ed->th;
    char key[40], label[40];
    ed->base = (char *)ed->p;
    ed->orig_base = (char *)ed->orig;
    ed->nfields = 0;

    heading(ed, "Pupil", "from the roll, as of today");
    add_info(ed, "Pupil", IN_PUPIL, NULL, 0);
    add_info(ed, "School", IN_SCHOOL, NULL, 0);
    add_info(ed, "FSM, CLA, plan", IN_FLAGS, NULL, 0);
    add_info(ed, "Attendance", IN_ATTENDANCE, NULL, 0);
    add_info(ed, "Exclusions", IN_EXCLUSIONS, NULL, 0);

    heading(ed, "Meeting", "the initial PSP meeting");
    int n = 0;
    ed->status_choices[n++] = (struct field_choice){"draft", "Draft: not yet agreed"};
    ed->status_choices[n++] = (struct field_choice){"active", "Active: agreed"};
    if (strcmp(p->status, "ceased") == 0)
        ed->status_choices[n++] = (struct field_choice){"ceased", "Ceased (by a review)"};
    ed->status_choices[n] = (struct field_choice){NULL, NULL};
    add_choice(ed, "Status", ed->status_choices, p->status, sizeof p->status, true,
               "Active once agreed at the meeting; a review ceases it");
    add_field(ed, "Meeting date", FIELD_DATE, &p->meeting_date, 0, false, 0, 0, "YYYY-MM-DD, today, -3d",
              "form.meeting_date");
    add_field(ed, "PSP school lead", FIELD_TEXT, p->lead, sizeof p->lead, false, 0, 0,
              "The senior member of staff who leads the PSP", "form.lead");
    add_field(ed, "Attendees", FIELD_LONGTEXT, p->attendees, sizeof p->attendees, false, 0, 0,
              "Who came: the child, family, school, agencies", "form.attendees");
    add_field(ed, "Reason for PSP", FIELD_LONGTEXT, p->reason, sizeof p->reason, false, 0, 0,
              "An objective summary from every perspective", "form.reason");
    add_field(ed, "Previous strategies", FIELD_LONGTEXT, p->previous_strategies, sizeof p->previous_strategies, false,
              0, 0, "Strategies and interventions tried before", "form.previous_strategies");
    add_field(ed, "What is working", FIELD_LONGTEXT, p->what_is_working, sizeof p->what_is_working, false, 0, 0,
              "Strengths and successes, as the family, child and agencies see them", "form.what_is_working");

    heading(ed, "Targets", "SMART, in the child's words; an empty one is not kept");
    for (int k = 0; k < ed->slots; k++) {
        struct psp_target *t = &p->targets[k];
        snprintf(label, sizeof label, "Target %d", k + 1);
        snprintf(key, sizeof key, "form.target.%d", k + 1);
        add_field(ed, label, FIELD_LONGTEXT, t->target, sizeof t->target, false, 0, 0,
                  "The positive change wanted: specific, measurable, achievable, realistic, timed", key);
        snprintf(label, sizeof label, "Target %d baseline", k + 1);
        snprintf(key, sizeof key, "form.target.%d.baseline", k + 1);
        add_field(ed, label, FIELD_TEXT, t->baseline, sizeof t->baseline, false, 0, 0,
                  "Where things are now: the starting point", key);
        snprintf(label, sizeof label, "Target %d measure", k + 1);
        snprintf(key, sizeof key, "form.target.%d.measure", k + 1);
        add_field(ed, label, FIELD_TEXT, t->measure, sizeof t->measure, false, 0, 0,
                  "How progress will be measured", key);
        snprintf(label, sizeof label, "Target %d checks", k + 1);
        add_custom(ed, label, EF_CHECKS, k, "Outcome Sequence: ←/→ choose, Space ticks (or 1-4, y/n)");
    }

    heading(ed, "Agreements", "what each will do");
    add_field(ed, "School agrees to", FIELD_LONGTEXT, p->school_agrees, sizeof p->school_agrees, false, 0, 0,
              "Proactive changes, and how setbacks will be managed safely", "form.school_agrees");
    add_field(ed, "Parent/carer agrees to", FIELD_LONGTEXT, p->parent_agrees, sizeof p->parent_agrees, false, 0, 0,
              "How the family will help reach the targets", "form.parent_agrees");
    add_field(ed, "Professionals agree to", FIELD_LONGTEXT, p->professionals_agree, sizeof p->professionals_agree,
              false, 0, 0, "Name and agency of each, and what they will do", "form.professionals_agree");

    heading(ed, "Signatures", "the date each signed; empty: not yet");
    add_field(ed, "Signed: child", FIELD_DATE, &p->signed_child_date, 0, false, 0, 0, "The child or young person",
              "form.signed_child");
    add_field(ed, "Signed: school", FIELD_DATE, &p->signed_school_date, 0, false, 0, 0, NULL, "form.signed_school");
    add_field(ed, "Signed: parent/carer", FIELD_DATE, &p->signed_parent_date, 0, false, 0, 0, NULL,
              "form.signed_parent");

    snprintf(ed->help_review, sizeof ed->help_review, "At least every %d weeks; empty takes the suggestion",
             th->psp_review_weeks);
    char text[80];
    snprintf(text, sizeof text, "at least every %d weeks", th->psp_review_weeks);
    static char review_head[80];
    snprintf(review_head, sizeof review_head, "%s", text);
    heading(ed, "Reviews", review_head);
    add_field(ed, "Next review", FIELD_DATE, &p->next_review_date, 0, false, 0, 0, ed->help_review,
              "form.next_review");
    add_info(ed, "", IN_REVIEW_SUGGEST, NULL, 0);
    add_info(ed, "Review due", IN_REVIEW_DUE, NULL, 0);
    snprintf(ed->help_end, sizeof ed->help_end, "A PSP is time-limited: empty ends it %d weeks after the meeting",
             th->psp_length_weeks);
    add_field(ed, "PSP end date", FIELD_DATE, &p->end_date, 0, false, 0, 0, ed->help_end, "form.end_date");
    add_info(ed, "", IN_END, NULL, 0);
    add_custom(ed, "Reviews so far", EF_REVIEWS, 0, "r in the PSP list adds a review; newest first");

    heading(ed, "Timetable", "Monday to Friday: activity, venue, hours");
    for (int d = 0; d < PSP_DAYS; d++) {
        struct psp_day *day = &p->days[d];
        const char *name = label_weekday(d);
        snprintf(label, sizeof label, "%s activity", name);
        snprintf(key, sizeof key, "form.day.%d.activity", d);
        add_field(ed, label, FIELD_TEXT, day->activity, sizeof day->activity, false, 0, 0, NULL, key);
        snprintf(label, sizeof label, "%s venue", name);
        snprintf(key, sizeof key, "form.day.%d.venue", d);
        add_field(ed, label, FIELD_TEXT, day->venue, sizeof day->venue, false, 0, 0, NULL, key);
        snprintf(label, sizeof label, "%s hours", name);
        snprintf(key, sizeof key, "form.day.%d.hours", d);
        add_field(ed, label, FIELD_HOURS, &day->hours, 0, false, 0, PSP_DAY_MAX_HOURS, "Hours of education that day",
                  key);
    }
    add_info(ed, "Week", IN_WEEK, NULL, 0);
    add_info(ed, "Minimum", IN_MINIMUM, NULL, 0);

    heading(ed, "Reduced timetable", "the audit matrix of the guidance");
    add_field(ed, "Reduced timetable", FIELD_BOOL, &p->reduced_timetable, 0, false, 0, 0,
              "Fewer hours than the year group's minimum, for a short agreed time", NULL);
    add_field(ed, "Reduced from", FIELD_DATE, &p->reduced_start, 0, false, 0, 0, "The start of the reduced timetable",
              "form.reduced_start");
    add_field(ed, "Provisional end", FIELD_DATE, &p->reduced_end, 0, false, 0, 0,
              "When full time is planned to resume", "form.reduced_end");
    ed->reason_choices[0] = (struct field_choice){"", "Not given"};
    form_choices(ed->reason_choices + 1, 7, LABELS_REDUCED_REASON);
    add_choice(ed, "Reason for reduction", ed->reason_choices, p->reduced_reason, sizeof p->reduced_reason, false,
               "Medical and set out in an IHP: no PSP needed");
    add_field(ed, "Hours per day", FIELD_HOURS, &p->reduced_hours_per_day, 0, false, 0, PSP_RTT_MAX_HOURS,
              "Hours attended a day; 0 when not recorded", "form.reduced_hours");
    add_field(ed, "Safeguarding concern", FIELD_BOOL, &p->reduced_safeguarding_concern, 0, false, 0, 0,
              "Tick if there is a safeguarding concern, whatever the reason", NULL);
    snprintf(ed->help_rtt, sizeof ed->help_rtt, "The Director's authorisation to go past %d weeks",
             th->reduced_timetable_weeks);
    add_field(ed, "Authorised (Director)", FIELD_BOOL, &p->reduced_authorised, 0, false, 0, 0, ed->help_rtt, NULL);
    add_field(ed, "Exit plan", FIELD_LONGTEXT, p->exit_plan, sizeof p->exit_plan, false, 0, 0,
              "The plan back to full-time education, and when", "form.exit_plan");
    /* The matrix's indicators only the PSP records (issue 13). */
    ed->progression_choices[0] = (struct field_choice){"", "Not recorded"};
    form_choices(ed->progression_choices + 1, 3, LABELS_PROGRESSION);
    add_choice(ed, "Progression", ed->progression_choices, p->reduced_progression, sizeof p->reduced_progression,
               false, "Since the reduced timetable began; little or none is amber");
    add_field(ed, "Hours a day at the start", FIELD_HOURS, &p->reduced_start_hours, 0, false, 0, PSP_RTT_MAX_HOURS,
              "To see the hours increase over time; 0 when not recorded", "form.reduced_start_hours");
    add_field(ed, "LA safeguarding officer told", FIELD_DATE, &p->reduced_la_told, 0, false, 0, 0,
              "The day the LA's safeguarding officer was told of the reduced timetable", "form.reduced_la_told");
    add_field(ed, "Risk assessment", FIELD_DATE, &p->reduced_risk_assessed, 0, false, 0, 0,
              "The day the risk assessment was last done or reviewed", "form.reduced_risk_assessed");
    add_custom(ed, "Audit matrix RAG", EF_RAG, 0, "Red, amber or green by the audit matrix, with the reasons");
}

/* Reads the PSP, the pupil's facts and the reviews into ed. */
static bool editor_load(struct editor *ed, int64_t psp_id)
{
    struct store *s = ui_store(ed->ui);
    if (psp_get(s, psp_id, ed->p) != AP_OK || psp_facts_load(s, ed->p->pupil_id, ed->today, &ed->facts) != AP_OK ||
        psp_reviews(s, psp_id, &ed->reviews, &ed->nreviews) != AP_OK)
        return false;
    for (size_t i = 0; i < ed->nreviews; i++)
        if (ed->reviews[i].review_date <= ed->today &&
            (ed->last_review == DATE_NONE || ed->reviews[i].review_date > ed->last_review))
            ed->last_review = ed->reviews[i].review_date;
    return true;
}

/* Target slots: every target, an empty one to write a new target in (at
 * least three, as the meeting form has), and any slot a draft was kept of. */
static int target_slots(struct editor *ed)
{
    int slots = ed->read_only ? ed->p->ntargets : ed->p->ntargets + 1;
    if (!ed->read_only && slots < 3)
        slots = 3;
    if (!ed->read_only) {
        struct psp_draft *drafts = NULL;
        size_t n = 0;
        if (psp_drafts(ui_store(ed->ui), ed->p->id, "form.target.", &drafts, &n) == AP_OK)
            for (size_t i = 0; i < n; i++) {
                int k = atoi(drafts[i].field + strlen("form.target."));
                if (k > slots)
                    slots = k;
            }
        psp_drafts_free(drafts, n);
    }
    if (slots > PSP_TARGETS_MAX)
        slots = PSP_TARGETS_MAX;
    if (slots < 1)
        slots = 1;
    return slots;
}

/* The editor's form over its fields (the PSP's or a review's): its title,
 * read only when the editor is, keeping drafts when it is not, and starting
 * where a restored draft left off. The caller adds its own callbacks. */
static struct form editor_form(struct editor *ed, bool restored, int first)
{
    return (struct form){
        .title = ed->title,
        .fields = ed->fields,
        .nfields = ed->nfields,
        .ctx = ed,
        .read_only = ed->read_only,
        .info = ed_info,
        .draft = ed->read_only ? NULL : ps_ed_draft,
        .start_changed = restored,
        .start_focus = first > 0 ? first : 0,
    };
}

/* Runs the editor's form: true when saved. A deliberate close drops what
 * was typed (its drafts); quitting keeps them for next time. */
static bool editor_form_run(struct editor *ed, struct form *form)
{
    if (form_run(ed->ui, form))
        return true;
    if (!ui_quitting(ed->ui) && !ed->read_only && discard_session_drafts(ed))
        ui_store_changed(ed->ui);
    return false;
}

unsigned ps_open_editor(struct psp_pane *st, int64_t psp_id)
{
    if (!psp_id)
        return REDRAW_NONE;
    struct editor *ed = editor_new(st->ui);
    if (!ed) {
        notice_say(st->ui, &st->notice, true, "Out of memory opening the PSP");
        return REDRAW_ALL;
    }
    if (!editor_load(ed, psp_id)) {
        notice_say(st->ui, &st->notice, true, "Could not open the PSP: %s", ap_error_detail());
        editor_free(ed);
        ps_load_list(st);
        ps_refilter(st, 0);
        return REDRAW_ALL;
    }
    bool ceased = strcmp(ed->p->status, "ceased") == 0;
    ed->read_only = ceased || !store_can_write(ui_store(st->ui));
    ed->slots = target_slots(ed);
    if (ed->p->ntargets < ed->slots)
        ed->p->ntargets = ed->slots;
    memcpy(ed->orig, ed->p, sizeof *ed->p);
    build_editor(ed);

    char year[24], d[11];
    rules_year_group_name(ed->facts.year_group, year, sizeof year);
    snprintf(ed->title, sizeof ed->title, "PSP of %s (%s): %s%s%s", ed->facts.name, year,
             label_text(LABELS_PSP_STATUS, ed->p->status), ed->p->meeting_date != DATE_NONE ? ", meeting " : "",
             ed->p->meeting_date != DATE_NONE ? date_format(ed->p->meeting_date, d) : "");

    bool restored = false;
    int first = offer_drafts(ed, "form.", &restored);
    if (ui_quitting(st->ui)) {
        editor_free(ed);
        return REDRAW_ALL;
    }
    if (ceased)
        ui_message(st->ui, "This PSP was ceased: it is kept read-only");
    else if (ed->read_only)
        ui_message(st->ui, "You have the viewer role: the PSP is read only");

    struct form form = editor_form(ed, restored, first);
    form.validate = ed_validate;
    form.save = ed_save;
    form.reload = ed_reload;
    form.take_version = ed_take_version;
    form.custom_lines = ed_custom_lines;
    form.custom_draw = ed_custom_draw;
    form.custom_key = ed_custom_key;
    form.read_only_reason = ceased ? "This PSP was ceased by a review: it is kept as it was, read-only" : NULL;
    if (editor_form_run(ed, &form)) {
        notice_say(st->ui, &st->notice, false, "Saved the PSP of %s%s", ed->facts.name,
            strcmp(ed->p->status, "draft") == 0 ? " (still a draft: set Status Active once agreed)" : "");
        ui_store_changed(st->ui);
    }
    editor_free(ed);
    return REDRAW_ALL;
}

/* ---- the review form ---- */

static ap_status rv_validate(void *ctx)
{
    (void)ctx;
    return AP_OK; /* the data layer checks on saving, naming the field */
}

static ap_status rv_save(void *ctx)
{
    struct editor *ed = ctx;
    if (strcmp(ed->rv->outcome, "cease") == 0) {
        char q[300];
        snprintf(q, sizeof q, "Cease the PSP? It is then read-only");
        if (!ui_confirm(ed->ui, q))
            return ap_fail(AP_ERR_INVALID, "Outcome: not saved: ceasing was not confirmed");
    }
    return psp_review_add(ui_store(ed->ui), ed->p->id, &ed->psp_version, ed->rv, ed->today, ed->th);
}

static ap_status rv_reload(void *ctx)
{
    struct editor *ed = ctx;
    ap_status st = psp_get(ui_store(ed->ui), ed->p->id, ed->p);
    if (st == AP_OK) {
        ed->psp_version = ed->p->version;
        memcpy(ed->rv, ed->rv_orig, sizeof *ed->rv);
    }
    return st;
}

static ap_status rv_take_version(void *ctx)
{
    struct editor *ed = ctx;
    struct psp *now = malloc(sizeof *now);
    if (!now)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    ap_status st = psp_get(ui_store(ed->ui), ed->p->id, now);
    if (st == AP_OK)
        ed->psp_version = now->version;
    free(now);
    return st;
}

static void build_review(struct editor *ed)
{
    struct psp_review *r = ed->rv;
    char key[48], label[40], d[11];
    ed->base = (char *)ed->rv;
    ed->orig_base = (char *)ed->rv_orig;
    ed->nfields = 0;
    static char head[160];
    snprintf(head, sizeof head, "meeting %s%s%s", date_format(ed->p->meeting_date, d),
             ed->last_review != DATE_NONE ? ", last review " : ", no review yet", "");
    if (ed->last_review != DATE_NONE) {
        size_t n = strlen(head);
        snprintf(head + n, sizeof head - n, "%s", date_format(ed->last_review, d));
    }
    heading(ed, "Review", head);
    add_field(ed, "Review date", FIELD_DATE, &r->review_date, 0, true, 0, 0, "The day of the review meeting",
              "review.date");
    add_field(ed, "Attended", FIELD_LONGTEXT, r->attended, sizeof r->attended, false, 0, 0,
              "Who attended: the child, family, school, agencies", "review.attended");
    for (int k = 0; k < r->nprogress; k++) {
        snprintf(label, sizeof label, "Target %d", k + 1);
        add_info(ed, label, IN_TARGET_TEXT, NULL, k);
        snprintf(label, sizeof label, "Progress %d", k + 1);
        snprintf(key, sizeof key, "review.progress.%lld", (long long)r->progress[k].target_id);
        add_field(ed, label, FIELD_LONGTEXT, r->progress[k].progress, sizeof r->progress[k].progress, false, 0, 0,
                  "Progress towards the target since the last review", key);
    }
    form_choices(ed->outcome_choices, 8, LABELS_REVIEW_OUTCOME);
    add_choice(ed, "Outcome", ed->outcome_choices, r->outcome, sizeof r->outcome, true,
               "Continue; adapt (then edit the targets); cease (the PSP ends); next steps");
    add_field(ed, "Notes and next steps", FIELD_LONGTEXT, r->notes, sizeof r->notes, false, 0, 0,
              "What was decided, and who does what next", "review.notes");
    snprintf(ed->help_next, sizeof ed->help_next, "Empty: the review date + %d weeks", ed->th->psp_review_weeks);
    add_field(ed, "Next review", FIELD_DATE, &r->next_review, 0, false, 0, 0, ed->help_next, "review.next");
    add_info(ed, "", IN_NEXT_SUGGEST, NULL, 0);
}

unsigned ps_add_review(struct psp_pane *st, int64_t psp_id)
{
    if (!psp_id)
        return REDRAW_NONE;
    if (!ui_can_write(st->ui))
        return REDRAW_STATUS;
    struct editor *ed = editor_new(st->ui);
    if (ed) {
        ed->rv = calloc(1, sizeof *ed->rv);
        ed->rv_orig = calloc(1, sizeof *ed->rv_orig);
    }
    if (!ed || !ed->rv || !ed->rv_orig) {
        editor_free(ed);
        notice_say(st->ui, &st->notice, true, "Out of memory");
        return REDRAW_ALL;
    }
    ed->review_mode = true;
    if (!editor_load(ed, psp_id)) {
        notice_say(st->ui, &st->notice, true, "Could not open the PSP: %s", ap_error_detail());
        editor_free(ed);
        return REDRAW_ALL;
    }
    char d[11];
    if (strcmp(ed->p->status, "draft") == 0) {
        notice_say(st->ui, &st->notice, true, "The PSP of %s is still a draft: Enter opens it; set Status Active once agreed, then review it",
            ed->facts.name);
        editor_free(ed);
        return REDRAW_ALL;
    }
    if (strcmp(ed->p->status, "ceased") == 0) {
        notice_say(st->ui, &st->notice, true, "The PSP of %s was ceased%s%s: it is kept read-only", ed->facts.name,
            ed->p->end_date != DATE_NONE ? " on " : "",
            ed->p->end_date != DATE_NONE ? date_format(ed->p->end_date, d) : "");
        editor_free(ed);
        return REDRAW_ALL;
    }
    ed->psp_version = ed->p->version;
    struct psp_review *r = ed->rv;
    r->review_date = ed->today;
    snprintf(r->outcome, sizeof r->outcome, "continue");
    r->next_review = DATE_NONE;
    r->nprogress = ed->p->ntargets;
    for (int k = 0; k < r->nprogress; k++)
        r->progress[k].target_id = ed->p->targets[k].id;
    memcpy(ed->rv_orig, r, sizeof *r);
    build_review(ed);
    snprintf(ed->title, sizeof ed->title, "Review of the PSP of %s", ed->facts.name);

    bool restored = false;
    int first = offer_drafts(ed, "review.", &restored);
    if (ui_quitting(st->ui)) {
        editor_free(ed);
        return REDRAW_ALL;
    }
    struct form form = editor_form(ed, restored, first);
    form.validate = rv_validate;
    form.save = rv_save;
    form.reload = rv_reload;
    form.take_version = rv_take_version;
    if (editor_form_run(ed, &form)) {
        if (strcmp(r->outcome, "cease") == 0)
            notice_say(st->ui, &st->notice, false, "Review added: the PSP of %s is ceased and kept read-only", ed->facts.name);
        else
            notice_say(st->ui, &st->notice, false, "Review added: the next review of %s's PSP is on %s", ed->facts.name,
                date_format(r->next_review != DATE_NONE ? r->next_review
                                                        : psp_suggest_review(r->review_date, ed->th),
                            d));
        ui_store_changed(st->ui);
    }
    editor_free(ed);
    return REDRAW_ALL;
}

