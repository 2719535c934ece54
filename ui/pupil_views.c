/* The pupil's screens under the roll: the record (a read view of
 * everything), contacts, concerns and placements, each a modal view in the
 * shell's body window; and two pieces the forms share: a pick-list with
 * type-to-search and the weekly timetable grid. No SQL here: the record
 * modules of db/ read and write, each write one transaction. */

#include "pupil_views.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "draw.h"
#include "concern.h"
#include "contact.h"
#include "date.h"
#include "flags.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "listview.h"
#include "money.h"
#include "placement.h"
#include "pupil.h"
#include "roll.h"
#include "rowio.h"
#include "rules.h"
#include "school.h"
#include "textedit.h"
#include "utf8.h"

/* ---- Small helpers ---------------------------------------------------------------- */

static void put_text(WINDOW *w, int y, int x, const char *text, enum attr_meaning m)
{
    draw_text(w, y, x, 0, text, attr_of(m), DRAW_ELLIPSIS);
}

void pupil_views_name(struct ui *ui, int64_t pupil_id, char *buf, size_t len)
{
    struct pupil p;
    if (pupil_get(ui_store(ui), pupil_id, &p) != AP_OK) {
        snprintf(buf, len, "pupil %lld", (long long)pupil_id);
        return;
    }
    char name[260], year[32];
    roll_display_name(name, sizeof name, p.preferred_name, p.legal_forename, p.legal_surname);
    rules_year_group_name(rules_year_group(p.dob, ui_today(ui)), year, sizeof year);
    snprintf(buf, len, "%s (%s)", name, year);
}

static bool is_enter(int ret, wint_t ch)
{
    return (ret == OK && (ch == '\r' || ch == '\n')) || (ret == KEY_CODE_YES && ch == KEY_ENTER);
}

/* "a session", "a day"... for "£45.00 a session". */
static const char *per_basis(const char *basis)
{
    if (strcmp(basis, "session") == 0)
        return "a session";
    if (strcmp(basis, "day") == 0)
        return "a day";
    if (strcmp(basis, "week") == 0)
        return "a week";
    if (strcmp(basis, "year") == 0)
        return "a year";
    return basis;
}

static void hours_text(double h, char *buf, size_t len)
{
    snprintf(buf, len, h == floor(h) ? "%.0f" : "%.1f", h);
}

/* "Mon AM+PM, Tue AM, Fri PM" or "no sessions". */
static void timetable_text(const struct placement *p, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < PLACEMENT_DAYS && used < len; d++) {
        bool am = p->hours[d][PLACEMENT_AM] > 0, pm = p->hours[d][PLACEMENT_PM] > 0;
        if (!am && !pm)
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s %s", used ? ", " : "", label_weekday_brief(d),
                                 am && pm ? "AM+PM" : am ? "AM" : "PM");
    }
    if (!buf[0])
        snprintf(buf, len, "no sessions");
}

/* ---- Pick-list with type-to-search --------------------------------------------------- */

void pick_init(struct pick *p, int64_t *value)
{
    memset(p, 0, sizeof *p);
    p->value = value;
}

ap_status pick_add(struct pick *p, int64_t id, const char *label)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 32;
        int64_t *ids = realloc(p->ids, cap * sizeof *ids);
        if (!ids)
            return ap_fail(AP_ERR_NOMEM, "out of memory");
        p->ids = ids;
        char **labels = realloc(p->labels, cap * sizeof *labels);
        if (!labels)
            return ap_fail(AP_ERR_NOMEM, "out of memory");
        p->labels = labels;
        p->cap = cap;
    }
    char *copy = strdup(label ? label : "");
    if (!copy)
        return ap_fail(AP_ERR_NOMEM, "out of memory");
    p->ids[p->n] = id;
    p->labels[p->n] = copy;
    if (p->value && *p->value == id)
        p->current = p->n;
    p->n++;
    return AP_OK;
}

void pick_free(struct pick *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->labels[i]);
    free(p->labels);
    free(p->ids);
    memset(p, 0, sizeof *p);
}

/* Keeps current on the record's value (a reload after a conflict changes it). */
static void pick_sync(struct pick *p)
{
    if (!p->value || p->n == 0 || (p->current < p->n && p->ids[p->current] == *p->value))
        return;
    for (size_t i = 0; i < p->n; i++)
        if (p->ids[i] == *p->value) {
            p->current = i;
            return;
        }
}

const char *pick_label(struct pick *p)
{
    pick_sync(p);
    return p->n && p->current < p->n ? p->labels[p->current] : "";
}

void pick_draw(struct pick *p, WINDOW *w, int y, int x, int cols, bool focused)
{
    if (!focused)
        p->query[0] = '\0';
    pick_sync(p);
    char text[600];
    const char *label = pick_label(p);
    if (p->value && p->n && p->ids[p->current] != *p->value)
        label = "(not in the list)";
    if (focused && p->query[0])
        snprintf(text, sizeof text, "‹ %s ›  find: %s", label, p->query);
    else
        snprintf(text, sizeof text, "‹ %s ›", label);
    char fit[2400];
    utf8_fit(fit, sizeof fit, text, cols, UTF8_FIT_PAD | UTF8_FIT_ELLIPSIS);
    wattrset(w, attr_of(focused ? ATTR_SELECTED : ATTR_FIELD));
    mvwaddstr(w, y, x, fit);
    wattrset(w, A_NORMAL);
}

static bool pick_matches(const struct pick *p, size_t i)
{
    return !p->query[0] || utf8_contains(p->labels[i], p->query);
}

static void pick_set(struct pick *p, size_t i)
{
    p->current = i;
    if (p->value)
        *p->value = p->ids[i];
}

/* The first choice matching the query, from start going by step; -1 when none. */
static long pick_find(const struct pick *p, size_t start, int step)
{
    for (size_t k = 0; k < p->n; k++) {
        size_t i = (start + p->n + (size_t)((long)step * (long)k)) % p->n;
        if (pick_matches(p, i))
            return (long)i;
    }
    return -1;
}

int pick_key(struct pick *p, int ret, wint_t ch)
{
    if (p->n == 0)
        return LINEEDIT_UNHANDLED;
    pick_sync(p);
    size_t before = p->current;
    if ((ret == KEY_CODE_YES && (ch == KEY_RIGHT || ch == KEY_LEFT)) || (ret == OK && ch == ' ')) {
        int step = ret == KEY_CODE_YES && ch == KEY_LEFT ? -1 : 1;
        long i = pick_find(p, (p->current + p->n + (size_t)step) % p->n, step);
        if (i >= 0)
            pick_set(p, (size_t)i);
    } else if ((ret == KEY_CODE_YES && ch == KEY_BACKSPACE) || (ret == OK && (ch == 127 || ch == 8))) {
        size_t len = strlen(p->query);
        if (!len)
            return LINEEDIT_NOTHING;
        p->query[utf8_prev(p->query, len)] = '\0';
        long i = pick_find(p, 0, 1);
        if (i >= 0 && !pick_matches(p, p->current))
            pick_set(p, (size_t)i);
    } else if (ret == OK && ch == CTRL_KEY('u')) {
        p->query[0] = '\0';
    } else if (ret == OK && ch >= ' ' && ch != 127) {
        char bytes[4];
        size_t n = utf8_encode((uint32_t)ch, bytes), len = strlen(p->query);
        if (!n || len + n >= sizeof p->query)
            return LINEEDIT_REFUSED;
        memcpy(p->query + len, bytes, n);
        p->query[len + n] = '\0';
        long i = pick_find(p, 0, 1);
        if (i < 0) {
            p->query[len] = '\0'; /* nothing holds it: the key is not taken */
            return LINEEDIT_REFUSED;
        }
        if (!pick_matches(p, p->current))
            pick_set(p, (size_t)i);
    } else {
        return LINEEDIT_UNHANDLED;
    }
    return p->current != before ? LINEEDIT_CHANGED : LINEEDIT_NOTHING;
}

/* Every provider, by name, for a pick-list; first_label (id 0) first. */
static void pick_providers(struct ui *ui, struct pick *p, const char *first_label)
{
    pick_add(p, 0, first_label);
    struct provider_list *pl = NULL;
    if (provider_list_load(ui_store(ui), &ui_config(ui)->th, ui_today(ui), &pl) != AP_OK) {
        ui_error(ui, "The providers could not be read: %s", ap_error_detail());
        return;
    }
    for (size_t i = 0; i < pl->n; i++) {
        char label[160];
        snprintf(label, sizeof label, "%s%s", pl->rows[i].name,
                 strcmp(pl->rows[i].status, "suspended") == 0 ? " (suspended)" : "");
        pick_add(p, pl->rows[i].id, label);
    }
    provider_list_free(pl);
}

/* ---- A scrolling text view (the record, the chronology) ------------------------------ */

struct tv_line {
    char *text;                 /* may hold newlines: paragraphs */
    enum attr_meaning attr;
    int indent;
};

struct textview {
    struct tv_line *lines;
    size_t n, cap;
    int top;                    /* the first visual line shown */
    int total;                  /* visual lines at the last draw */
};

__attribute__((format(printf, 4, 5))) static void tv_add(struct textview *tv, enum attr_meaning attr, int indent,
                                                         const char *fmt, ...)
{
    if (tv->n == tv->cap) {
        size_t cap = tv->cap ? tv->cap * 2 : 64;
        struct tv_line *grown = realloc(tv->lines, cap * sizeof *grown);
        if (!grown)
            return;
        tv->lines = grown;
        tv->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!text)
        return;
    va_start(ap, fmt);
    vsnprintf(text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tv->lines[tv->n++] = (struct tv_line){text, attr, indent};
}

static void tv_clear(struct textview *tv)
{
    for (size_t i = 0; i < tv->n; i++)
        free(tv->lines[i].text);
    tv->n = 0;
}

static void tv_free(struct textview *tv)
{
    tv_clear(tv);
    free(tv->lines);
    tv->lines = NULL;
    tv->cap = 0;
}

/* Draws the visual lines from tv->top in height lines from y0; a line too
 * long for the width wraps, its continuation indented by two. */
static void tv_draw(struct textview *tv, WINDOW *w, int y0, int height)
{
    int width = getmaxx(w) - 1;
    int v = 0, y = y0;
    for (size_t i = 0; i < tv->n; i++) {
        const struct tv_line *l = &tv->lines[i];
        size_t len = strlen(l->text), start = 0;
        bool first = true;
        do {
            int x = 1 + l->indent + (first ? 0 : 2);
            int cols = width - x;
            if (cols < 8)
                cols = 8;
            size_t end;
            size_t next = textedit_next_line(l->text, len, start, cols, &end);
            if (v >= tv->top && y < y0 + height) {
                wattrset(w, attr_of(l->attr));
                lineedit_put(w, y, x, l->text + start, end - start, cols);
                wattrset(w, A_NORMAL);
                y++;
            }
            v++;
            first = false;
            start = next;
        } while (start != SIZE_MAX && start < len);
    }
    tv->total = v;
}

/* "Pupil record: Siân Jones (Year 9)" on line 0, with "↑ more" / "↓ more"
 * at the right when the view scrolls (after tv_draw, which counts the lines). */
static void draw_view_title(WINDOW *w, const char *what, const char *who, const struct textview *tv, int height)
{
    const char *more = tv->top > 0 && tv->top + height < tv->total ? "↑↓ more"
                       : tv->top > 0                                ? "↑ more above"
                       : tv->top + height < tv->total               ? "↓ more below"
                                                                    : "";
    int width = getmaxx(w), mw = utf8_width(more);
    char title[600], fit[1200];
    snprintf(title, sizeof title, "%s: %s", what, who);
    utf8_fit(fit, sizeof fit, title, width - mw - 4 > 10 ? width - mw - 4 : 10, UTF8_FIT_ELLIPSIS);
    wmove(w, 0, 0);
    wclrtoeol(w);
    put_text(w, 0, 1, fit, ATTR_HEADER);
    if (mw)
        put_text(w, 0, width - mw - 1, more, ATTR_DIM);
}

static bool tv_scroll(struct textview *tv, int ret, wint_t ch, int height)
{
    const struct action *act = action_for_key(SCOPE_LIST, action_key(ret, ch));
    if (!act)
        return false;
    int max = tv->total - height > 0 ? tv->total - height : 0;
    switch (act->id) {
    case ACT_UP: tv->top--; break;
    case ACT_DOWN: tv->top++; break;
    case ACT_PAGE_UP: tv->top -= height - 1; break;
    case ACT_PAGE_DOWN: tv->top += height - 1; break;
    case ACT_HOME: tv->top = 0; break;
    case ACT_END: tv->top = max; break;
    default: return false;
    }
    if (tv->top > max)
        tv->top = max;
    if (tv->top < 0)
        tv->top = 0;
    return true;
}

/* ---- Figures shown in several places ----------------------------------------------- */

/* "Week in all: 16.5 h of the 24 h local minimum for Year 9: reduced timetable".
 * True when reduced. */
static bool week_line(struct ui *ui, int64_t pupil_id, char *buf, size_t len)
{
    struct pupil_hours h;
    if (placement_pupil_hours(ui_store(ui), pupil_id, ui_today(ui), &ui_config(ui)->th, &h) != AP_OK) {
        snprintf(buf, len, "Weekly hours could not be worked out: %s", ap_error_detail());
        return false;
    }
    char hours[16], min[16], year[32];
    hours_text(h.weekly_hours, hours, sizeof hours);
    hours_text(h.min_hours, min, sizeof min);
    rules_year_group_name(h.year_group, year, sizeof year);
    if (h.placements == 0)
        snprintf(buf, len, "No active placement today: 0 h a week%s%s%s%s", h.min_hours > 0 ? " of the " : "",
                 h.min_hours > 0 ? min : "", h.min_hours > 0 ? " h local minimum for " : "",
                 h.min_hours > 0 ? year : "");
    else if (h.min_hours <= 0)
        snprintf(buf, len, "Now %s h a week (no minimum for %s)", hours, year);
    else
        snprintf(buf, len, "Now %s h a week of the %s h local minimum for %s: %s", hours, min, year,
                 h.reduced ? "reduced timetable" : "full timetable");
    return h.placements > 0 && h.reduced;
}

struct flag_list {
    struct flag_row *rows;
    size_t n;
};

static void keep_flag(void *ctx, const struct flag_row *f)
{
    struct flag_list *l = ctx;
    struct flag_row *grown = realloc(l->rows, (l->n + 1) * sizeof *grown);
    if (!grown)
        return;
    l->rows = grown;
    struct flag_row *r = &l->rows[l->n];
    *r = *f;
    r->kind = strdup(f->kind ? f->kind : "");
    r->subject = strdup(f->subject ? f->subject : "");
    r->reason = strdup(f->reason ? f->reason : "");
    if (!r->kind || !r->subject || !r->reason) {
        free((char *)r->kind);
        free((char *)r->subject);
        free((char *)r->reason);
        return;
    }
    l->n++;
}

static void flag_list_free(struct flag_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->rows[i].kind);
        free((char *)l->rows[i].subject);
        free((char *)l->rows[i].reason);
    }
    free(l->rows);
    l->rows = NULL;
    l->n = 0;
}

/* The pupil's flags now (one record: about a millisecond). */
static ap_status pupil_flags(struct ui *ui, int64_t pupil_id, struct flag_list *out)
{
    out->rows = NULL;
    out->n = 0;
    return flags_for_pupil(ui_store(ui), &ui_config(ui)->th, ui_today(ui), pupil_id, keep_flag, out, NULL);
}

static enum attr_meaning flag_attr(enum flag_level l)
{
    return l == FLAG_RED ? ATTR_FLAG_RED : l == FLAG_AMBER ? ATTR_FLAG_AMBER : ATTR_NORMAL;
}

static const char *flag_marker(enum flag_level l)
{
    return l == FLAG_RED ? "!" : l == FLAG_AMBER ? "~" : " ";
}

/* ---- The record --------------------------------------------------------------------- */

static const char *yes_no(bool v)
{
    return v ? "yes" : "no";
}

/* Fills the view with the pupil's record. False when it cannot be read. */
static bool build_record(struct ui *ui, int64_t id, const struct pupil_glance *g, struct textview *tv)
{
    struct store *s = ui_store(ui);
    int today = ui_today(ui);
    struct pupil p;
    tv_clear(tv);
    if (pupil_get(s, id, &p) != AP_OK) {
        ui_error(ui, "The pupil could not be read: %s", ap_error_detail());
        return false;
    }
    char name[260], year[32], d1[11], d2[11];
    roll_display_name(name, sizeof name, p.preferred_name, p.legal_forename, p.legal_surname);
    int yg = rules_year_group(p.dob, today);
    rules_year_group_name(yg, year, sizeof year);
    tv_add(tv, ATTR_HEADER, 0, "%s · %s · UPN %s", name, year, p.upn);
    tv_add(tv, ATTR_NORMAL, 0, "Legal name: %s %s%s%s%s", p.legal_forename, p.legal_surname,
           p.preferred_name[0] ? " (known as " : "", p.preferred_name, p.preferred_name[0] ? ")" : "");
    int ay, am, ad;
    date_to_ymd(date_academic_year_start(today), &ay, &am, &ad);
    tv_add(tv, ATTR_NORMAL, 0, "Born %s: %s in %d/%02d · Gender: %s", date_format(p.dob, d1), year, ay,
           (ay + 1) % 100, label_text(LABELS_GENDER, p.gender));
    char school[130] = "none recorded";
    if (p.home_school_id) {
        struct school sc;
        if (school_get(s, p.home_school_id, &sc) == AP_OK)
            snprintf(school, sizeof school, "%s", sc.name);
    }
    tv_add(tv, ATTR_NORMAL, 0, "Home school: %s · %s · Cohort: %s", school, label_text(LABELS_ROLL_STATUS, p.roll_status),
           label_text(LABELS_COHORT, p.cohort));
    tv_add(tv, ATTR_NORMAL, 0, "FSM: %s · Looked after (CLA): %s · Plan: %s", yes_no(p.fsm), yes_no(p.cla),
           label_text(LABELS_PLAN, p.plan));
    tv_add(tv, ATTR_NORMAL, 0, "ALN areas of need: %s", p.aln_areas[0] ? p.aln_areas : "none recorded");
    if (p.social_worker[0] || p.social_worker_phone[0])
        tv_add(tv, ATTR_NORMAL, 0, "Social worker: %s%s%s", p.social_worker[0] ? p.social_worker : "name not recorded",
               p.social_worker_phone[0] ? ", " : "", p.social_worker_phone);
    else
        tv_add(tv, ATTR_NORMAL, 0, "Social worker: none recorded");
    if (p.end_date != DATE_NONE)
        tv_add(tv, ATTR_NORMAL, 0, "On the roll from %s to %s · Destination: %s",
               p.start_date != DATE_NONE ? date_format(p.start_date, d1) : "(not recorded)",
               date_format(p.end_date, d2), p.destination[0] ? p.destination : "not recorded");
    else
        tv_add(tv, ATTR_NORMAL, 0, "On the roll from %s, no end date%s%s",
               p.start_date != DATE_NONE ? date_format(p.start_date, d1) : "(not recorded)",
               p.destination[0] ? " · Destination: " : "", p.destination);
    static const char *const docs[] = {"IDP", "PSP", "RA", "IHP", "PHP", "PEP"};
    bool held[] = {p.has_idp, p.has_psp, p.has_ra, p.has_ihp, p.has_php, p.has_pep};
    char yes[64] = "", no[64] = "";
    for (int i = 0; i < 6; i++) {
        char *dst = held[i] ? yes : no;
        size_t used = strlen(dst);
        snprintf(dst + used, 64 - used, "%s%s", used ? ", " : "", docs[i]);
    }
    tv_add(tv, ATTR_NORMAL, 0, "Documents held: %s%s%s", yes[0] ? yes : "none", no[0] ? " · not held: " : "", no);
    if (g && g->term_name[0]) {
        if (g->has_attendance)
            tv_add(tv, g->attendance_pct < ui_config(ui)->th.persistent_absence_pct ? ATTR_FLAG_AMBER : ATTR_NORMAL,
                   0, "Attendance this term (%s): %.1f %%, %d of %d sessions", g->term_name, g->attendance_pct,
                   g->attending, g->possible);
        else
            tv_add(tv, ATTR_NORMAL, 0, "Attendance this term (%s): no sessions recorded yet", g->term_name);
    }

    /* Flags with their reasons. */
    struct flag_list fl;
    tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    if (pupil_flags(ui, id, &fl) != AP_OK) {
        tv_add(tv, ATTR_ERROR, 0, "Flags could not be worked out: %s", ap_error_detail());
    } else {
        tv_add(tv, ATTR_HEADER, 0, "Flags (%zu)", fl.n);
        if (fl.n == 0)
            tv_add(tv, ATTR_NORMAL, 0, "No flags.");
        for (size_t i = 0; i < fl.n; i++)
            tv_add(tv, flag_attr(fl.rows[i].level), 0, "%s %s", flag_marker(fl.rows[i].level), fl.rows[i].reason);
    }
    flag_list_free(&fl);

    /* Placements. */
    tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    struct placement_item *items = NULL;
    size_t n = 0;
    if (placement_list_for_pupil(s, id, &items, &n) != AP_OK) {
        tv_add(tv, ATTR_ERROR, 0, "Placements could not be read: %s", ap_error_detail());
    } else {
        tv_add(tv, ATTR_HEADER, 0, "Placements (%zu) · p to change them", n);
        int64_t total = 0;
        int active = 0;
        for (size_t i = 0; i < n; i++) {
            const struct placement *pl = &items[i].p;
            char tt[120], hours[16], rate[MONEY_LEN], transport[MONEY_LEN], annual[MONEY_LEN];
            timetable_text(pl, tt, sizeof tt);
            hours_text(items[i].weekly_hours, hours, sizeof hours);
            money_format(pl->rate, rate, sizeof rate);
            money_format(pl->transport_per_week, transport, sizeof transport);
            money_format(items[i].annual_cost, annual, sizeof annual);
            char when[64];
            if (pl->end_date != DATE_NONE)
                snprintf(when, sizeof when, "%s to %s", date_format(pl->start_date, d1), date_format(pl->end_date, d2));
            else
                snprintf(when, sizeof when, "from %s", date_format(pl->start_date, d1));
            tv_add(tv, ATTR_NORMAL, 0, "%s · %s · %s · %s: %s h a week · %s %s%s%s%s · %s a year",
                   label_text(LABELS_PLACEMENT_STATUS, pl->status), items[i].provider_name, when, tt, hours, rate,
                   per_basis(pl->cost_basis), pl->transport_per_week ? ", transport " : "",
                   pl->transport_per_week ? transport : "", pl->transport_per_week ? " a week" : "", annual);
            if (placement_active_on(pl, today)) {
                total += items[i].annual_cost;
                active++;
            }
        }
        if (n == 0)
            tv_add(tv, ATTR_NORMAL, 0, "No placements.");
        char week[300];
        bool reduced = week_line(ui, id, week, sizeof week);
        tv_add(tv, reduced ? ATTR_FLAG_AMBER : ATTR_NORMAL, 0, "%s", week);
        if (active) {
            char money[MONEY_LEN];
            tv_add(tv, ATTR_NORMAL, 0, "Annualised cost of the active placements: %s including transport (%d school weeks)",
                   money_format(total, money, sizeof money), RULES_SCHOOL_WEEKS);
        }
    }
    free(items);

    /* Contacts. */
    tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    struct contact *cs = NULL;
    size_t nc = 0;
    if (contact_list(s, id, &cs, &nc) != AP_OK) {
        tv_add(tv, ATTR_ERROR, 0, "Contacts could not be read: %s", ap_error_detail());
    } else {
        tv_add(tv, ATTR_HEADER, 0, "Contacts (%zu), in calling order · t to change them", nc);
        if (nc == 0)
            tv_add(tv, ATTR_NORMAL, 0, "No contacts recorded.");
        for (size_t i = 0; i < nc; i++) {
            const struct contact *c = &cs[i];
            tv_add(tv, ATTR_NORMAL, 0, "%d. %s%s%s%s · %s%s%s%s%s%s", c->priority, c->name,
                   c->relationship[0] ? " (" : "", c->relationship, c->relationship[0] ? ")" : "",
                   c->phone[0] ? c->phone : "no phone", c->phone2[0] ? " · other phone " : "", c->phone2,
                   c->email[0] ? " · " : "", c->email,
                   c->parental_responsibility ? " · parental responsibility" : "");
        }
    }
    free(cs);

    /* Concerns: how many, never the words for a viewer. */
    tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    if (!store_can_write(s)) {
        tv_add(tv, ATTR_DIM, 0, "Concerns: the safeguarding chronology is not shown to viewers.");
    } else {
        struct concern *cc = NULL;
        size_t ncc = 0;
        if (concern_list(s, id, &cc, &ncc) == AP_OK) {
            if (ncc)
                tv_add(tv, ATTR_NORMAL, 0, "Concerns: %zu recorded, the latest on %s · c to read them", ncc,
                       date_format(cc[0].concern_date, d1));
            else
                tv_add(tv, ATTR_NORMAL, 0, "Concerns: none recorded · c to add one");
        }
        free(cc);
    }
    tv_add(tv, ATTR_DIM, 0, "Last changed %s UTC by %s", p.updated_at, p.updated_by[0] ? p.updated_by : "?");
    return true;
}

/* ---- The pupil's record: a document view on the shell's stack ---- */

struct record_view {
    struct ui *ui;
    int64_t pupil_id;
    pupil_glance_fn glance_of;
    void *glance_ctx;
    struct pupil_glance glance;
    struct textview tv;
    char title[400];
    int height;
    bool deleted;
};

static const enum action_id record_keys[] = {ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
                                             ACT_EDIT, ACT_DELETE, ACT_CONTACTS, ACT_CONCERNS, ACT_PLACEMENTS,
                                             ACT_NONE};
static const enum action_id record_hints[] = {ACT_EDIT, ACT_DELETE, ACT_CONTACTS, ACT_CONCERNS, ACT_PLACEMENTS,
                                              ACT_NONE};

static void record_draw(void *self, WINDOW *w)
{
    struct record_view *v = self;
    v->height = getmaxy(w) - 1; /* the keys are on the shell's hint line */
    werase(w);
    tv_draw(&v->tv, w, 1, v->height);
    draw_view_title(w, "Pupil record", v->title, &v->tv, v->height);
}

/* Reads the record again (after a change here or by another login), keeping
 * the scroll position. False when the pupil is gone. */
static bool record_rebuild(struct record_view *v)
{
    int top = v->tv.top;
    tv_clear(&v->tv);
    if (v->glance_of)
        v->glance_of(v->glance_ctx, v->pupil_id, &v->glance); /* the pane below has reloaded first */
    if (!build_record(v->ui, v->pupil_id, &v->glance, &v->tv))
        return false;
    v->tv.top = top;
    pupil_views_name(v->ui, v->pupil_id, v->title, sizeof v->title);
    return true;
}

static void record_reload(void *self, const struct view_change *what)
{
    (void)what; /* every part of the record may have changed */
    record_rebuild(self);
}

static enum view_key record_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct record_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (tv_scroll(&v->tv, ret, ch, v->height > 0 ? v->height : 1))
        return VIEW_DONE;
    int64_t id = v->pupil_id;
    switch (act->id) {
    case ACT_EDIT:
        if (ui_can_write(ui))
            pupil_form_run(ui, &id, false);
        break;
    case ACT_DELETE:
        if (ui_can_write(ui) && pupil_delete_run(ui, v->pupil_id))
            v->deleted = true;
        break;
    case ACT_CONTACTS:
        pupil_contacts_run(ui, v->pupil_id);
        break;
    case ACT_CONCERNS:
        pupil_concerns_run(ui, v->pupil_id);
        break;
    case ACT_PLACEMENTS:
        pupil_placements_run(ui, v->pupil_id);
        break;
    default:
        return VIEW_PASS;
    }
    if (v->deleted || !record_rebuild(v))
        return VIEW_CLOSE;
    return VIEW_DONE;
}

static const struct view_ops record_view = {
    .title = "the pupil record",
    .keys = record_keys,
    .hints = record_hints,
    .draw = record_draw,
    .key = record_key,
    .reload = record_reload,
};

const struct view_ops *pupil_record_view_ops(void) { return &record_view; }

bool pupil_record_run(struct ui *ui, int64_t pupil_id, pupil_glance_fn glance_of, void *ctx)
{
    struct record_view v = {.ui = ui, .pupil_id = pupil_id, .glance_of = glance_of, .glance_ctx = ctx};
    if (glance_of)
        glance_of(ctx, pupil_id, &v.glance);
    if (!build_record(ui, pupil_id, &v.glance, &v.tv)) {
        tv_free(&v.tv);
        return false;
    }
    pupil_views_name(ui, pupil_id, v.title, sizeof v.title);
    ui_run_view(ui, &record_view, &v);
    tv_free(&v.tv);
    return v.deleted;
}

/* ---- Contacts ------------------------------------------------------------------------- */

struct contacts_view {
    struct ui *ui;
    int64_t pupil_id;
    struct contact *items;
    size_t n;
    struct listview lv;
    char pupil[300];
};

enum { CC_PRIORITY, CC_NAME, CC_RELATIONSHIP, CC_PHONE, CC_PHONE2, CC_COUNT };
static const struct list_column contact_columns[CC_COUNT] = {
    {"#", 2, false, true},        {"Name", 14, true, false},      {"Relationship", 14, false, false},
    {"Phone", 15, false, false},  {"Other phone", 15, false, false},
};

static void contact_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    (void)attr;
    struct contacts_view *v = ctx;
    const struct contact *c = &v->items[row];
    switch (col) {
    case CC_PRIORITY: snprintf(buf, len, "%d", c->priority); break;
    case CC_NAME: snprintf(buf, len, "%s", c->name); break;
    case CC_RELATIONSHIP: snprintf(buf, len, "%s", c->relationship); break;
    case CC_PHONE: snprintf(buf, len, "%s", c->phone); break;
    case CC_PHONE2: snprintf(buf, len, "%s", c->phone2); break;
    default: buf[0] = '\0';
    }
}

static void contacts_load(struct contacts_view *v, int64_t keep_id)
{
    free(v->items);
    v->items = NULL;
    v->n = 0;
    if (contact_list(ui_store(v->ui), v->pupil_id, &v->items, &v->n) != AP_OK)
        ui_error(v->ui, "The contacts could not be read: %s", ap_error_detail());
    listview_set_rows(&v->lv, (int)v->n);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].id == keep_id)
            listview_select(&v->lv, (int)i);
}

struct contact_form {
    struct ui *ui;
    struct contact c;
    int count;                  /* contacts of the pupil, for the order line */
};

static void contact_info(void *ctx, int field, char *buf, size_t len)
{
    struct contact_form *cf = ctx;
    (void)field;
    if (!cf->c.id)
        snprintf(buf, len, "called after the %d already recorded (K/J reorder)", cf->count);
    else
        snprintf(buf, len, "%d of %d%s", cf->c.priority, cf->count, cf->c.priority == 1 ? ": called first" : "");
}

static ap_status contact_form_validate(void *ctx)
{
    return contact_validate(&((struct contact_form *)ctx)->c);
}

static ap_status contact_form_save(void *ctx)
{
    struct contact_form *cf = ctx;
    return cf->c.id ? contact_update(ui_store(cf->ui), &cf->c) : contact_insert(ui_store(cf->ui), &cf->c);
}

static ap_status contact_form_reload(void *ctx)
{
    struct contact_form *cf = ctx;
    return contact_get(ui_store(cf->ui), cf->c.id, &cf->c);
}

static ap_status contact_form_take_version(void *ctx)
{
    struct contact_form *cf = ctx;
    struct contact now;
    ap_status st = contact_get(ui_store(cf->ui), cf->c.id, &now);
    if (st == AP_OK)
        cf->c.version = now.version;
    return st;
}

/* The phone and email rules, checked with every field on save. */
static ap_status contact_form_check(void *ctx, int field, const char *label, const char *text)
{
    (void)ctx;
    if (strcmp(label, "Phone") == 0 || strcmp(label, "Other phone") == 0)
        return rowio_check_phone(label, text);
    if (strcmp(label, "Email") == 0)
        return rowio_check_email(label, text);
    (void)field;
    return AP_OK;
}

/* Adds (c->id 0) or edits a contact. True when saved. */
static bool contact_form_run(struct ui *ui, struct contact *c, int count, const char *pupil, bool read_only)
{
    struct contact_form cf = {.ui = ui, .c = *c, .count = count};
    struct contact *x = &cf.c;
    struct form_field fields[] = {
        {.label = "Name", .kind = FIELD_TEXT, .value = x->name, .size = sizeof x->name, .required = true},
        {.label = "Relationship", .kind = FIELD_TEXT, .value = x->relationship, .size = sizeof x->relationship,
         .help = "Mother, Father, Foster carer, Nain, Taid..."},
        {.label = "Phone", .kind = FIELD_TEXT, .value = x->phone, .size = sizeof x->phone,
         .help = "The number to call first; a phone or an email is needed"},
        {.label = "Other phone", .kind = FIELD_TEXT, .value = x->phone2, .size = sizeof x->phone2},
        {.label = "Email", .kind = FIELD_TEXT, .value = x->email, .size = sizeof x->email},
        {.label = "Parental resp.", .kind = FIELD_BOOL, .value = &x->parental_responsibility,
         .help = "Has parental responsibility for the pupil"},
        {.label = "Calling order", .kind = FIELD_INFO},
    };
    char title[400];
    if (!x->id)
        snprintf(title, sizeof title, "New contact for %s", pupil);
    else
        snprintf(title, sizeof title, "%s: %s", read_only ? "Contact" : "Edit the contact", x->name);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = (int)(sizeof fields / sizeof fields[0]),
        .ctx = &cf,
        .read_only = read_only,
        .validate = contact_form_validate,
        .save = contact_form_save,
        .reload = contact_form_reload,
        .take_version = contact_form_take_version,
        .check = contact_form_check,
        .info = contact_info,
    };
    bool saved = form_run(ui, &f);
    if (saved)
        *c = cf.c;
    return saved;
}

static const enum action_id contacts_keys[] = {ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
                                               ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_PRIORITY_UP,
                                               ACT_PRIORITY_DOWN, ACT_NONE};
static const enum action_id contacts_hints[] = {ACT_ADD, ACT_EDIT, ACT_DELETE, ACT_PRIORITY_UP, ACT_PRIORITY_DOWN,
                                                ACT_OPEN, ACT_NONE};

static void contacts_draw(void *self, WINDOW *w)
{
    struct contacts_view *v = self;
    int height = getmaxy(w);
    werase(w);
    char title[400];
    snprintf(title, sizeof title, "Contacts of %s, in calling order (%zu)", v->pupil, v->n);
    put_text(w, 0, 1, title, ATTR_HEADER);
    int list_h = height - 5 > 3 ? height - 5 : 3;
    listview_draw(&v->lv, w, 2, list_h);
    if (v->n == 0) {
        put_text(w, 4, 3, "No contacts yet: press a to add one.", ATTR_DIM);
    } else {
        const struct contact *c = &v->items[v->lv.cursor];
        char line[400];
        snprintf(line, sizeof line, "%s%s · last changed %s UTC by %s", c->email[0] ? c->email : "no email",
                 c->parental_responsibility ? " · parental responsibility" : " · no parental responsibility",
                 c->updated_at, c->updated_by);
        put_text(w, height - 2, 1, line, ATTR_NORMAL);
    }
}

static void contacts_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct contacts_view *v = self;
    contacts_load(v, v->n ? v->items[v->lv.cursor].id : 0);
}

static enum view_key contacts_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct contacts_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (listview_move(&v->lv, act->id))
        return VIEW_DONE;
    struct contact *cur = v->n ? &v->items[v->lv.cursor] : NULL;
    switch (act->id) {
    case ACT_ADD: {
        if (!ui_can_write(ui))
            break;
        struct contact c;
        contact_init(&c);
        c.pupil_id = v->pupil_id;
        if (contact_form_run(ui, &c, (int)v->n, v->pupil, false)) {
            ui_store_changed(ui);
            ui_message(ui, "Added %s as contact %d", c.name, c.priority);
            contacts_load(v, c.id);
        }
        break;
    }
    case ACT_OPEN:
    case ACT_EDIT: {
        if (!cur)
            break;
        bool write = store_can_write(ui_store(ui));
        if (act->id == ACT_EDIT && !ui_can_write(ui))
            break;
        struct contact c = *cur;
        if (contact_form_run(ui, &c, (int)v->n, v->pupil, !write)) {
            ui_store_changed(ui);
            ui_message(ui, "Saved the contact %s", c.name);
        }
        contacts_load(v, c.id);
        break;
    }
    case ACT_DELETE: {
        if (!cur || !ui_can_write(ui))
            break;
        /* Copied first: the list may be read again while the question is open. */
        char q[300], name[120];
        snprintf(q, sizeof q, "Delete the contact %s?", cur->name);
        snprintf(name, sizeof name, "%s", cur->name);
        int64_t id = cur->id, version = cur->version;
        int64_t keep = v->lv.cursor + 1 < (int)v->n ? v->items[v->lv.cursor + 1].id : 0;
        if (!ui_confirm(ui, q))
            break;
        if (contact_delete(ui_store(ui), id, version) != AP_OK) {
            ui_error(ui, "Not deleted: %s", ap_error_detail());
        } else {
            ui_store_changed(ui);
            ui_message(ui, "Deleted the contact %s", name);
        }
        contacts_load(v, keep);
        break;
    }
    case ACT_PRIORITY_UP:
    case ACT_PRIORITY_DOWN: {
        if (!cur || !ui_can_write(ui))
            break;
        int64_t id = cur->id, version = cur->version;
        if (contact_move(ui_store(ui), id, &version, act->id == ACT_PRIORITY_UP ? -1 : 1) != AP_OK) {
            ui_error(ui, "Not moved: %s", ap_error_detail());
        } else {
            ui_store_changed(ui);
        }
        contacts_load(v, id);
        break;
    }
    default:
        return VIEW_PASS;
    }
    return VIEW_DONE;
}

static const struct view_ops contacts_view_ops_ = {
    .title = "the pupil's contacts",
    .keys = contacts_keys,
    .hints = contacts_hints,
    .draw = contacts_draw,
    .key = contacts_key,
    .reload = contacts_reload,
};

const struct view_ops *pupil_contacts_view_ops(void) { return &contacts_view_ops_; }

void pupil_contacts_run(struct ui *ui, int64_t pupil_id)
{
    struct contacts_view v = {.ui = ui, .pupil_id = pupil_id};
    v.lv = (struct listview){.columns = contact_columns, .ncolumns = CC_COUNT, .cell = contact_cell, .ctx = &v,
                             .sort_column = -1};
    pupil_views_name(ui, pupil_id, v.pupil, sizeof v.pupil);
    contacts_load(&v, 0);
    ui_run_view(ui, &contacts_view_ops_, &v);
    free(v.items);
}

/* ---- Concerns --------------------------------------------------------------------------- */

struct concern_form {
    struct ui *ui;
    struct concern c;
    struct pick provider;
};

static ap_status concern_form_validate(void *ctx)
{
    struct concern_form *cf = ctx;
    return concern_validate(&cf->c, ui_today(cf->ui));
}

static ap_status concern_form_save(void *ctx)
{
    struct concern_form *cf = ctx;
    return concern_add(ui_store(cf->ui), &cf->c, ui_today(cf->ui));
}

static void concern_form_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    (void)field;
    pick_draw(&((struct concern_form *)ctx)->provider, w, y, x, cols, focused);
}

static int concern_form_key(void *ctx, int field, int ret, wint_t ch)
{
    (void)field;
    return pick_key(&((struct concern_form *)ctx)->provider, ret, ch);
}

static bool concern_form_run(struct ui *ui, int64_t pupil_id, const char *pupil)
{
    struct concern_form cf = {.ui = ui};
    concern_init(&cf.c);
    cf.c.pupil_id = pupil_id;
    cf.c.concern_date = ui_today(ui);
    /* Where it happened: the pupil's provider now, when there is one. */
    struct placement_item *items = NULL;
    size_t n = 0;
    if (placement_list_for_pupil(ui_store(ui), pupil_id, &items, &n) == AP_OK)
        for (size_t i = 0; i < n && !cf.c.provider_id; i++)
            if (placement_active_on(&items[i].p, ui_today(ui)))
                cf.c.provider_id = items[i].p.provider_id;
    free(items);
    pick_init(&cf.provider, &cf.c.provider_id);
    pick_providers(ui, &cf.provider, "None (not at a provider)");
    struct field_choice kinds[8] = {{0}};
    for (int i = 0; LABELS_CONCERN_KIND[i].code && i < 7; i++)
        kinds[i] = (struct field_choice){LABELS_CONCERN_KIND[i].code, LABELS_CONCERN_KIND[i].text};
    struct concern *x = &cf.c;
    struct form_field fields[] = {
        {.label = "Date", .kind = FIELD_DATE, .value = &x->concern_date, .required = true,
         .help = "When it happened: YYYY-MM-DD, today, -2d; not in the future"},
        {.label = "Kind", .kind = FIELD_CHOICE, .value = x->kind, .size = sizeof x->kind, .choices = kinds,
         .required = true},
        {.label = "Provider", .kind = FIELD_CUSTOM, .help = "Where it happened or was raised; type to find"},
        {.label = "Summary", .kind = FIELD_LONGTEXT, .value = x->summary, .size = sizeof x->summary,
         .required = true, .help = "What happened, in plain words; the chronology is kept, not edited later"},
        {.label = "Who was told", .kind = FIELD_TEXT, .value = x->told, .size = sizeof x->told,
         .help = "e.g. DSL (Mr Evans), social worker, parent"},
        {.label = "Action taken", .kind = FIELD_LONGTEXT, .value = x->action, .size = sizeof x->action},
    };
    char title[400];
    snprintf(title, sizeof title, "New concern about %s", pupil);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = (int)(sizeof fields / sizeof fields[0]),
        .ctx = &cf,
        .validate = concern_form_validate,
        .save = concern_form_save,
        .custom_draw = concern_form_draw,
        .custom_key = concern_form_key,
    };
    bool saved = form_run(ui, &f);
    pick_free(&cf.provider);
    return saved;
}

static void build_chronology(struct textview *tv, const struct concern *items, size_t n)
{
    tv_clear(tv);
    if (n == 0)
        tv_add(tv, ATTR_DIM, 0, "Nothing recorded yet: press a to add a concern or an incident.");
    for (size_t i = 0; i < n; i++) {
        const struct concern *c = &items[i];
        char d[11];
        tv_add(tv, ATTR_HEADER, 0, "%s · %s%s%s", date_format(c->concern_date, d),
               label_text(LABELS_CONCERN_KIND, c->kind), c->provider_name[0] ? " · at " : "", c->provider_name);
        tv_add(tv, ATTR_NORMAL, 2, "%s", c->summary);
        tv_add(tv, ATTR_NORMAL, 2, "Who was told: %s", c->told[0] ? c->told : "not recorded");
        tv_add(tv, ATTR_NORMAL, 2, "Action taken: %s", c->action[0] ? c->action : "not recorded");
        tv_add(tv, ATTR_DIM, 2, "Recorded by %s at %s UTC", c->recorded_by, c->recorded_at);
        tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    }
}

struct concerns_view {
    struct ui *ui;
    int64_t pupil_id;
    char pupil[300];
    struct textview tv;
    struct concern *items;
    size_t n;
    bool hidden; /* a viewer: the chronology is not shown */
    int height;
};

static const enum action_id concerns_keys[] = {ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
                                               ACT_ADD, ACT_NONE};
static const enum action_id concerns_hints[] = {ACT_ADD, ACT_NONE};

/* Reads the chronology again. False when it cannot be read. */
static bool concerns_load(struct concerns_view *v)
{
    free(v->items);
    v->items = NULL;
    v->n = 0;
    tv_clear(&v->tv);
    ap_status st = concern_list(ui_store(v->ui), v->pupil_id, &v->items, &v->n);
    if (st == AP_ERR_DENIED) {
        v->hidden = true;
        tv_add(&v->tv, ATTR_NORMAL, 0, "The safeguarding chronology is not shown to viewers.");
        tv_add(&v->tv, ATTR_DIM, 0, "Ask a commissioning officer or the ALP lead if you need to know of a concern.");
        return true;
    }
    if (st != AP_OK) {
        ui_error(v->ui, "The chronology could not be read: %s", ap_error_detail());
        return false;
    }
    build_chronology(&v->tv, v->items, v->n);
    return true;
}

static void concerns_draw(void *self, WINDOW *w)
{
    struct concerns_view *v = self;
    v->height = getmaxy(w) - 2;
    werase(w);
    tv_draw(&v->tv, w, 2, v->height);
    draw_view_title(w, "Concerns, newest first", v->pupil, &v->tv, v->height);
}

static void concerns_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct concerns_view *v = self;
    int top = v->tv.top;
    concerns_load(v);
    v->tv.top = top;
}

static enum view_key concerns_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct concerns_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (tv_scroll(&v->tv, ret, ch, v->height > 0 ? v->height : 1))
        return VIEW_DONE;
    if (act->id != ACT_ADD)
        return VIEW_PASS;
    if (v->hidden || !ui_can_write(ui))
        return VIEW_DONE;
    if (concern_form_run(ui, v->pupil_id, v->pupil)) {
        ui_store_changed(ui);
        ui_message(ui, "Added to the chronology of %s", v->pupil);
        concerns_load(v);
        v->tv.top = 0;
    }
    return VIEW_DONE;
}

static const struct view_ops concerns_view_ops_ = {
    .title = "the pupil's concerns",
    .keys = concerns_keys,
    .hints = concerns_hints,
    .draw = concerns_draw,
    .key = concerns_key,
    .reload = concerns_reload,
};

const struct view_ops *pupil_concerns_view_ops(void) { return &concerns_view_ops_; }

void pupil_concerns_run(struct ui *ui, int64_t pupil_id)
{
    struct concerns_view v = {.ui = ui, .pupil_id = pupil_id};
    pupil_views_name(ui, pupil_id, v.pupil, sizeof v.pupil);
    if (concerns_load(&v))
        ui_run_view(ui, &concerns_view_ops_, &v);
    free(v.items);
    tv_free(&v.tv);
}

/* ---- The weekly timetable grid (a FIELD_CUSTOM of the placement form) ----------------- */

struct grid {
    double (*hours)[2];         /* the placement's hours[PLACEMENT_DAYS][2] */
    int day, half;              /* the cursor */
    char typed[8];              /* hours being typed into the cursor's session */
    bool typing;
};

#define GRID_CELL 7

static void grid_draw(struct grid *g, WINDOW *w, int y, int x, int cols, bool focused)
{
    if (!focused)
        g->typing = false;
    char line[200];
    for (int row = 0; row < 3; row++) {
        wmove(w, y + row, x);
        for (int k = 0; k < cols && x + k < getmaxx(w); k++)
            waddch(w, ' ');
    }
    wattrset(w, attr_of(ATTR_DIM));
    for (int d = 0; d < PLACEMENT_DAYS; d++)
        if (x + 3 + d * GRID_CELL + 5 <= getmaxx(w))
            mvwaddstr(w, y, x + 3 + d * GRID_CELL + 1, label_weekday_brief(d));
    wattrset(w, A_NORMAL);
    for (int h = 0; h < 2; h++) {
        mvwaddstr(w, y + 1 + h, x, h ? "PM" : "AM");
        for (int d = 0; d < PLACEMENT_DAYS; d++) {
            int cx = x + 3 + d * GRID_CELL;
            if (cx + 5 > getmaxx(w) || cx + 5 > x + cols)
                break;
            bool here = focused && d == g->day && h == g->half;
            double v = g->hours[d][h];
            if (here && g->typing)
                snprintf(line, sizeof line, "%-4s▏", g->typed);
            else if (v > 0)
                snprintf(line, sizeof line, "%4.1f ", v);
            else
                snprintf(line, sizeof line, "  –  ");
            wattrset(w, attr_of(here ? ATTR_SELECTED : v > 0 ? ATTR_FIELD : ATTR_DIM));
            mvwaddstr(w, y + 1 + h, cx, line);
            wattrset(w, A_NORMAL);
        }
    }
}

/* Hours for a session switched on: the same half of another day, else the
 * usual 3 h morning and 2.5 h afternoon. */
static double grid_default(const struct grid *g, int half)
{
    for (int d = 0; d < PLACEMENT_DAYS; d++)
        if (g->hours[d][half] > 0)
            return g->hours[d][half];
    return half == PLACEMENT_AM ? 3.0 : 2.5;
}

static int grid_key(struct grid *g, struct ui *ui, int ret, wint_t ch)
{
    bool left = (ret == KEY_CODE_YES && ch == KEY_LEFT) || (ret == OK && ch == 'h');
    bool right = (ret == KEY_CODE_YES && ch == KEY_RIGHT) || (ret == OK && ch == 'l');
    bool up = (ret == KEY_CODE_YES && ch == KEY_UP) || (ret == OK && ch == 'k');
    bool down = (ret == KEY_CODE_YES && ch == KEY_DOWN) || (ret == OK && ch == 'j');
    if (left || right || up || down) {
        g->typing = false;
        if (left && g->day > 0)
            g->day--;
        else if (right && g->day < PLACEMENT_DAYS - 1)
            g->day++;
        else if (up && g->half == PLACEMENT_PM)
            g->half = PLACEMENT_AM;
        else if (down && g->half == PLACEMENT_AM)
            g->half = PLACEMENT_PM;
        else if (up || down)
            return LINEEDIT_UNHANDLED; /* off the grid: the next or previous field */
        return LINEEDIT_MOVED;
    }
    double *cell = &g->hours[g->day][g->half];
    if (ret == OK && ch == ' ') {
        g->typing = false;
        *cell = *cell > 0 ? 0.0 : grid_default(g, g->half);
        return LINEEDIT_CHANGED;
    }
    if (ret == OK && ((ch >= '0' && ch <= '9') || ch == '.')) {
        char next[sizeof g->typed + 2];
        snprintf(next, sizeof next, "%s%c", g->typing ? g->typed : "", (char)ch);
        if (strlen(next) > 4)
            return LINEEDIT_REFUSED;
        double v = strtod(next, NULL);
        if (v > PLACEMENT_SESSION_MAX_HOURS) {
            ui_error(ui, "A session is at most %g hours", PLACEMENT_SESSION_MAX_HOURS);
            return LINEEDIT_REFUSED;
        }
        memcpy(g->typed, next, strlen(next) + 1); /* at most 4 bytes and the NUL */
        g->typing = true;
        *cell = v;
        return LINEEDIT_CHANGED;
    }
    if ((ret == KEY_CODE_YES && (ch == KEY_BACKSPACE || ch == KEY_DC)) || (ret == OK && (ch == 127 || ch == 8))) {
        if (g->typing && g->typed[0]) {
            g->typed[strlen(g->typed) - 1] = '\0';
            *cell = strtod(g->typed, NULL);
        } else {
            *cell = 0.0;
        }
        return LINEEDIT_CHANGED;
    }
    if (is_enter(ret, ch))
        g->typing = false;
    return LINEEDIT_UNHANDLED;
}

/* ---- Placements ---------------------------------------------------------------------- */

enum plf {
    PL_PROVIDER, PL_STATUS, PL_START, PL_END, PL_WEEKS, PL_TIMETABLE, PL_HOURS, PL_WEEK, PL_BASIS, PL_RATE,
    PL_TRANSPORT, PL_ANNUAL, PL_PURPOSE, PL_CHANGED, PL_COUNT
};

struct placement_form {
    struct ui *ui;
    struct placement p;
    struct pick provider;
    struct grid grid;
    double other_hours;         /* the pupil's other active placements today */
    int year_group;
};

static void placement_info(void *ctx, int field, char *buf, size_t len)
{
    struct placement_form *pf = ctx;
    const struct placement *p = &pf->p;
    char hours[16], min[16], year[32], money[MONEY_LEN];
    switch (field) {
    case PL_HOURS:
        hours_text(placement_weekly_hours(p), hours, sizeof hours);
        snprintf(buf, len, "%s h a week: %d session%s on %d day%s", hours, placement_sessions_per_week(p),
                 placement_sessions_per_week(p) == 1 ? "" : "s", placement_days_per_week(p),
                 placement_days_per_week(p) == 1 ? "" : "s");
        break;
    case PL_WEEK: {
        const struct thresholds *th = &ui_config(pf->ui)->th;
        bool counts = placement_active_on(p, ui_today(pf->ui));
        double total = pf->other_hours + (counts ? placement_weekly_hours(p) : 0.0);
        double minimum = rules_min_weekly_hours(pf->year_group, th);
        hours_text(total, hours, sizeof hours);
        hours_text(minimum, min, sizeof min);
        rules_year_group_name(pf->year_group, year, sizeof year);
        if (minimum <= 0)
            snprintf(buf, len, "%s h a week (no minimum for %s)", hours, year);
        else
            snprintf(buf, len, "%s h of the %s h local minimum (%s): %s", hours, min, year,
                     rules_is_reduced(total, pf->year_group, th) ? "reduced" : "full time");
        break;
    }
    case PL_ANNUAL:
        snprintf(buf, len, "%s a year with transport (%d weeks)",
                 money_format(placement_annual_cost(p, RULES_SCHOOL_WEEKS), money, sizeof money), RULES_SCHOOL_WEEKS);
        break;
    case PL_CHANGED:
        if (p->id)
            snprintf(buf, len, "%s UTC by %s", p->updated_at, p->updated_by);
        else
            snprintf(buf, len, "a new placement");
        break;
    default:
        buf[0] = '\0';
    }
}

static ap_status placement_form_validate(void *ctx)
{
    struct placement_form *pf = ctx;
    ap_status st = placement_validate(&pf->p);
    if (st == AP_ERR_INVALID) {
        /* "Monday AM: ..." belongs next to the timetable. */
        const char *detail = ap_error_detail();
        for (int d = 0; d < PLACEMENT_DAYS; d++)
            if (strncmp(detail, label_weekday(d), strlen(label_weekday(d))) == 0) {
                char copy[400];
                snprintf(copy, sizeof copy, "%s", detail);
                return ap_fail(AP_ERR_INVALID, "Timetable: %s", copy);
            }
    }
    return st;
}

static ap_status placement_form_save(void *ctx)
{
    struct placement_form *pf = ctx;
    return pf->p.id ? placement_update(ui_store(pf->ui), &pf->p) : placement_insert(ui_store(pf->ui), &pf->p);
}

static ap_status placement_form_reload(void *ctx)
{
    struct placement_form *pf = ctx;
    return placement_get(ui_store(pf->ui), pf->p.id, &pf->p);
}

static ap_status placement_form_take_version(void *ctx)
{
    struct placement_form *pf = ctx;
    struct placement now;
    ap_status st = placement_get(ui_store(pf->ui), pf->p.id, &now);
    if (st == AP_OK)
        pf->p.version = now.version;
    return st;
}

static int placement_form_lines(void *ctx, int field)
{
    (void)ctx;
    return field == PL_TIMETABLE ? 3 : 1;
}

static void placement_form_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    struct placement_form *pf = ctx;
    if (field == PL_PROVIDER)
        pick_draw(&pf->provider, w, y, x, cols, focused);
    else if (field == PL_TIMETABLE)
        grid_draw(&pf->grid, w, y, x, cols, focused);
}

static int placement_form_key(void *ctx, int field, int ret, wint_t ch)
{
    struct placement_form *pf = ctx;
    if (field == PL_PROVIDER)
        return pick_key(&pf->provider, ret, ch);
    if (field == PL_TIMETABLE)
        return grid_key(&pf->grid, pf->ui, ret, ch);
    return LINEEDIT_UNHANDLED;
}

/* Adds (p->id 0) or edits a placement; true when saved. */
static bool placement_form_run(struct ui *ui, struct placement *p, const char *pupil, bool read_only)
{
    struct placement_form *pf = calloc(1, sizeof *pf);
    if (!pf) {
        ui_error(ui, "Out of memory opening the form");
        return false;
    }
    pf->ui = ui;
    pf->p = *p;
    struct placement *x = &pf->p;
    pf->grid.hours = x->hours;
    struct pupil_hours h;
    if (placement_pupil_hours(ui_store(ui), x->pupil_id, ui_today(ui), &ui_config(ui)->th, &h) == AP_OK) {
        pf->other_hours = h.weekly_hours - (x->id && placement_active_on(p, ui_today(ui)) ? placement_weekly_hours(p) : 0);
        pf->year_group = h.year_group;
    }
    if (pf->other_hours < 0)
        pf->other_hours = 0;
    pick_init(&pf->provider, &x->provider_id);
    pick_providers(ui, &pf->provider, "(choose a provider)");
    struct field_choice statuses[8] = {{0}}, bases[8] = {{0}};
    for (int i = 0; LABELS_PLACEMENT_STATUS[i].code && i < 7; i++)
        statuses[i] = (struct field_choice){LABELS_PLACEMENT_STATUS[i].code, LABELS_PLACEMENT_STATUS[i].text};
    for (int i = 0; LABELS_COST_BASIS[i].code && i < 7; i++)
        bases[i] = (struct field_choice){LABELS_COST_BASIS[i].code, LABELS_COST_BASIS[i].text};
    struct form_field fields[PL_COUNT] = {
        [PL_PROVIDER] = {.label = "Provider", .kind = FIELD_CUSTOM, .required = true,
                         .help = "←/→ choose; type part of a name to find it"},
        [PL_STATUS] = {.label = "Status", .kind = FIELD_CHOICE, .value = x->status, .size = sizeof x->status,
                       .choices = statuses, .required = true},
        [PL_START] = {.label = "Start date", .kind = FIELD_DATE, .value = &x->start_date, .required = true,
                      .help = "YYYY-MM-DD, today, +1w"},
        [PL_END] = {.label = "End date", .kind = FIELD_DATE, .value = &x->end_date,
                    .help = "Empty while open-ended; x on the list ends a placement"},
        [PL_WEEKS] = {.label = "Planned weeks", .kind = FIELD_INT, .value = &x->planned_weeks, .min = 0,
                      .max = 520, .help = "0 when not planned; KS1–3 intervention placements are 16 weeks"},
        [PL_TIMETABLE] = {.label = "Timetable", .kind = FIELD_CUSTOM,
                          .help = "Arrows move, Space attends or not, type the hours of a session"},
        [PL_HOURS] = {.label = "Weekly hours", .kind = FIELD_INFO},
        [PL_WEEK] = {.label = "Week in all", .kind = FIELD_INFO},
        [PL_BASIS] = {.label = "Cost basis", .kind = FIELD_CHOICE, .value = x->cost_basis,
                      .size = sizeof x->cost_basis, .choices = bases, .required = true},
        [PL_RATE] = {.label = "Rate", .kind = FIELD_MONEY, .value = &x->rate, .required = true,
                     .help = "Pounds per session, day, week or year as the cost basis says"},
        [PL_TRANSPORT] = {.label = "Transport a week", .kind = FIELD_MONEY, .value = &x->transport_per_week,
                          .help = "Taxi or bus, pounds a week; 0 for none"},
        [PL_ANNUAL] = {.label = "Annual cost", .kind = FIELD_INFO},
        [PL_PURPOSE] = {.label = "Purpose", .kind = FIELD_LONGTEXT, .value = x->purpose, .size = sizeof x->purpose},
        [PL_CHANGED] = {.label = "Last changed", .kind = FIELD_INFO},
    };
    char title[400];
    if (!x->id)
        snprintf(title, sizeof title, "New placement for %s", pupil);
    else
        snprintf(title, sizeof title, "%s at %s", read_only ? "Placement" : "Edit the placement",
                 pick_label(&pf->provider));
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = PL_COUNT,
        .ctx = pf,
        .read_only = read_only,
        .validate = placement_form_validate,
        .save = placement_form_save,
        .reload = placement_form_reload,
        .take_version = placement_form_take_version,
        .info = placement_info,
        .custom_lines = placement_form_lines,
        .custom_draw = placement_form_draw,
        .custom_key = placement_form_key,
    };
    bool saved = form_run(ui, &f);
    if (saved)
        *p = pf->p;
    pick_free(&pf->provider);
    free(pf);
    return saved;
}

struct end_form {
    struct ui *ui;
    int64_t id, version;
    int end_date;
};

static ap_status end_form_save(void *ctx)
{
    struct end_form *ef = ctx;
    return placement_end(ui_store(ef->ui), ef->id, &ef->version, ef->end_date, ui_today(ef->ui));
}

static ap_status end_form_reload(void *ctx)
{
    struct end_form *ef = ctx;
    struct placement now;
    ap_status st = placement_get(ui_store(ef->ui), ef->id, &now);
    if (st == AP_OK)
        ef->version = now.version;
    return st;
}

static bool end_form_run(struct ui *ui, const struct placement_item *it)
{
    struct end_form ef = {.ui = ui, .id = it->p.id, .version = it->p.version, .end_date = ui_today(ui)};
    struct form_field fields[] = {
        {.label = "End date", .kind = FIELD_DATE, .value = &ef.end_date, .required = true,
         .help = "The last day of the placement: not before its start, not after today"},
    };
    char title[300];
    snprintf(title, sizeof title, "End the placement at %s", it->provider_name);
    struct form f = {
        .title = title,
        .fields = fields,
        .nfields = 1,
        .ctx = &ef,
        .save = end_form_save,
        .reload = end_form_reload,
        .take_version = end_form_reload,
    };
    bool saved = form_run(ui, &f);
    if (saved) {
        char d[11];
        ui_store_changed(ui);
        ui_message(ui, "Ended the placement at %s on %s", it->provider_name, date_format(ef.end_date, d));
    }
    return saved;
}

struct placements_view {
    struct ui *ui;
    int64_t pupil_id;
    struct placement_item *items;
    size_t n;
    struct listview lv;
    char week[300];
    bool reduced;
    char flag[RULES_WHY_LEN + 8];
    enum flag_level flag_level;
    char cost[200];
    char pupil[300];
};

enum { PC_STATUS, PC_PROVIDER, PC_FROM, PC_TO, PC_HOURS, PC_COST, PC_COUNT };
static const struct list_column placement_columns[PC_COUNT] = {
    {"Status", 8, false, false}, {"Provider", 12, true, false}, {"From", 10, false, false},
    {"To", 10, false, false},    {"h/week", 6, false, true},    {"A year", 11, false, true},
};

static void placement_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    struct placements_view *v = ctx;
    const struct placement_item *it = &v->items[row];
    char d[11];
    switch (col) {
    case PC_STATUS:
        snprintf(buf, len, "%s", label_text(LABELS_PLACEMENT_STATUS, it->p.status));
        if (strcmp(it->p.status, "ended") == 0)
            *attr = ATTR_DIM;
        break;
    case PC_PROVIDER: snprintf(buf, len, "%s", it->provider_name); break;
    case PC_FROM: snprintf(buf, len, "%s", date_format(it->p.start_date, d)); break;
    case PC_TO: snprintf(buf, len, "%s", it->p.end_date == DATE_NONE ? "–" : date_format(it->p.end_date, d)); break;
    case PC_HOURS: hours_text(it->weekly_hours, buf, len); break;
    case PC_COST: money_format(it->annual_cost, buf, len); break;
    default: buf[0] = '\0';
    }
}

static void placements_load(struct placements_view *v, int64_t keep_id)
{
    struct ui *ui = v->ui;
    free(v->items);
    v->items = NULL;
    v->n = 0;
    if (placement_list_for_pupil(ui_store(ui), v->pupil_id, &v->items, &v->n) != AP_OK)
        ui_error(ui, "The placements could not be read: %s", ap_error_detail());
    listview_set_rows(&v->lv, (int)v->n);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].p.id == keep_id)
            listview_select(&v->lv, (int)i);
    v->reduced = week_line(ui, v->pupil_id, v->week, sizeof v->week);
    int64_t total = 0;
    int active = 0;
    for (size_t i = 0; i < v->n; i++)
        if (placement_active_on(&v->items[i].p, ui_today(ui))) {
            total += v->items[i].annual_cost;
            active++;
        }
    char money[MONEY_LEN];
    if (active)
        snprintf(v->cost, sizeof v->cost, "Annualised cost of the %d active placement%s: %s including transport", active,
                 active == 1 ? "" : "s", money_format(total, money, sizeof money));
    else
        snprintf(v->cost, sizeof v->cost, "No active placement today: no cost now");
    /* The reduced-timetable flag with its reason. */
    v->flag[0] = '\0';
    v->flag_level = FLAG_NONE;
    struct flag_list fl;
    if (pupil_flags(ui, v->pupil_id, &fl) == AP_OK)
        for (size_t i = 0; i < fl.n; i++)
            if (strcmp(fl.rows[i].kind, FLAG_KIND_REDUCED) == 0 || strcmp(fl.rows[i].kind, FLAG_KIND_INTERVENTION) == 0) {
                if (fl.rows[i].level <= v->flag_level)
                    continue;
                v->flag_level = fl.rows[i].level;
                snprintf(v->flag, sizeof v->flag, "%s %s", flag_marker(fl.rows[i].level), fl.rows[i].reason);
            }
    flag_list_free(&fl);
}

static void draw_placement_detail(WINDOW *w, int y, const struct placement_item *it)
{
    /* The timetable as the grid the form edits, and the costing. */
    struct grid g = {.hours = (double (*)[2])it->p.hours};
    grid_draw(&g, w, y, 3, 3 + 5 * GRID_CELL, false);
    char rate[MONEY_LEN], transport[MONEY_LEN], line[600];
    money_format(it->p.rate, rate, sizeof rate);
    money_format(it->p.transport_per_week, transport, sizeof transport);
    snprintf(line, sizeof line, "%s %s · transport %s a week%s%s", rate, per_basis(it->p.cost_basis),
             transport, it->p.purpose[0] ? " · " : "", it->p.purpose);
    put_text(w, y, 3 + 5 * GRID_CELL + 4, "Cost:", ATTR_DIM);
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    /* Two lines beside the grid. */
    int x = 3 + 5 * GRID_CELL + 4, width = getmaxx(w) - x - 1;
    if (width > 10) {
        size_t len = strlen(line), end, next = textedit_next_line(line, len, 0, width, &end);
        lineedit_put(w, y + 1, x, line, end, width);
        if (next != SIZE_MAX && next < len) {
            size_t end2;
            textedit_next_line(line, len, next, width, &end2);
            lineedit_put(w, y + 2, x, line + next, end2 - next, width);
        }
    }
}

static const enum action_id placements_keys[] = {ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
                                                 ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_END_PLACEMENT, ACT_NONE};
static const enum action_id placements_hints[] = {ACT_ADD, ACT_EDIT, ACT_END_PLACEMENT, ACT_OPEN, ACT_NONE};

static void placements_draw(void *self, WINDOW *w)
{
    struct placements_view *v = self;
    int height = getmaxy(w);
    werase(w);
    char title[400];
    snprintf(title, sizeof title, "Placements of %s (%zu)", v->pupil, v->n);
    put_text(w, 0, 1, title, ATTR_HEADER);
    put_text(w, 1, 1, v->week, v->reduced ? ATTR_FLAG_AMBER : ATTR_NORMAL);
    put_text(w, 2, 1, v->cost, ATTR_NORMAL);
    if (v->flag[0])
        put_text(w, 3, 1, v->flag, flag_attr(v->flag_level));
    int list_y = 5, detail_h = 4;
    int list_h = height - list_y - detail_h;
    if (list_h < 3)
        list_h = 3;
    listview_draw(&v->lv, w, list_y, list_h);
    if (v->n == 0)
        put_text(w, list_y + 2, 3, "No placements yet: press a to add one.", ATTR_DIM);
    else if (list_y + list_h + 3 < height)
        draw_placement_detail(w, list_y + list_h, &v->items[v->lv.cursor]);
}

static void placements_reload(void *self, const struct view_change *what)
{
    (void)what;
    struct placements_view *v = self;
    placements_load(v, v->n ? v->items[v->lv.cursor].p.id : 0);
}

static enum view_key placements_key(void *self, const struct action *act, int ret, wint_t ch)
{
    (void)ret;
    (void)ch;
    struct placements_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (listview_move(&v->lv, act->id))
        return VIEW_DONE;
    /* A copy: the list may be read again while a form is open over it. */
    struct placement_item cur;
    bool have = v->n > 0;
    if (have)
        cur = v->items[v->lv.cursor];
    switch (act->id) {
    case ACT_ADD: {
        if (!ui_can_write(ui))
            break;
        struct placement p;
        placement_init(&p);
        p.pupil_id = v->pupil_id;
        p.start_date = ui_today(ui);
        if (placement_form_run(ui, &p, v->pupil, false)) {
            ui_store_changed(ui);
            ui_message(ui, "Added the placement");
            placements_load(v, p.id);
        }
        break;
    }
    case ACT_OPEN:
    case ACT_EDIT: {
        if (!have)
            break;
        if (act->id == ACT_EDIT && !ui_can_write(ui))
            break;
        struct placement p = cur.p;
        if (placement_form_run(ui, &p, v->pupil, !store_can_write(ui_store(ui)))) {
            ui_store_changed(ui);
            ui_message(ui, "Saved the placement at %s", cur.provider_name);
        }
        placements_load(v, p.id);
        break;
    }
    case ACT_END_PLACEMENT: {
        if (!have || !ui_can_write(ui))
            break;
        if (strcmp(cur.p.status, "ended") == 0) {
            char d[11];
            ui_error(ui, "That placement has already ended (on %s)", date_format(cur.p.end_date, d));
            break;
        }
        end_form_run(ui, &cur);
        placements_load(v, cur.p.id);
        break;
    }
    default:
        return VIEW_PASS;
    }
    return VIEW_DONE;
}

static const struct view_ops placements_view_ops_ = {
    .title = "the pupil's placements",
    .keys = placements_keys,
    .hints = placements_hints,
    .draw = placements_draw,
    .key = placements_key,
    .reload = placements_reload,
};

const struct view_ops *pupil_placements_view_ops(void) { return &placements_view_ops_; }

void pupil_placements_run(struct ui *ui, int64_t pupil_id)
{
    struct placements_view v = {.ui = ui, .pupil_id = pupil_id};
    v.lv = (struct listview){.columns = placement_columns, .ncolumns = PC_COUNT, .cell = placement_cell, .ctx = &v,
                             .sort_column = -1};
    pupil_views_name(ui, pupil_id, v.pupil, sizeof v.pupil);
    placements_load(&v, 0);
    ui_run_view(ui, &placements_view_ops_, &v);
    free(v.items);
}
