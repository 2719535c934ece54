/* The pupil's screens under the roll: the record (a read view of
 * everything), contacts, concerns and placements, each a modal view in the
 * shell's body window; and two pieces the forms share: a pick-list with
 * type-to-search and the weekly timetable grid. No SQL here: the record
 * modules of db/ read and write, each write one transaction. */

#include "pupil_views.h"
#include "pupil_parts.h"

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
#include "flagset.h"
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

bool pv_is_enter(int ret, wint_t ch)
{
    return (ret == OK && (ch == '\r' || ch == '\n')) || (ret == KEY_CODE_YES && ch == KEY_ENTER);
}

/* "a session", "a day"... for "£45.00 a session". */
struct field_choice *pv_choices_of(const struct label *table)
{
    size_t n = label_count(table);
    struct field_choice *c = calloc(n + 1, sizeof *c);
    if (c)
        form_choices(c, n + 1, table);
    return c;
}

/* The cost bases (LABELS_COST_BASIS's codes) as words after an amount. */
static const struct label per_basis_words[] = {
    {"session", "a session", NULL}, {"day", "a day", NULL}, {"week", "a week", NULL}, {"year", "a year", NULL},
    {NULL, NULL, NULL},
};

const char *pv_per_basis(const char *basis)
{
    return label_text(per_basis_words, basis);
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
void pv_pick_providers(struct ui *ui, struct pick *p, const char *first_label)
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



__attribute__((format(printf, 4, 5))) void pv_tv_add(struct textview *tv, enum attr_meaning attr, int indent,
                                                         const char *fmt, ...)
{
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
    docview_add(&tv->doc, DOC_TEXT, attr, NULL, text, (size_t)n, indent, -1);
    free(text);
}

/* Draws the visual lines from tv->top in height lines from y0; a line too
 * long for the width wraps, its continuation indented by two. */
void pv_tv_draw(struct textview *tv, WINDOW *w, int y0, int height)
{
    tv->height = height;
    int width = getmaxx(w) - 1;
    int v = 0, y = y0;
    for (int i = 0; i < tv->doc.n; i++) {
        const struct doc_line *l = &tv->doc.lines[i];
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
 * at the right when the view scrolls (after pv_tv_draw, which counts the lines). */
void pv_draw_view_title(WINDOW *w, const char *what, const char *who, const struct textview *tv)
{
    int height = tv->height;
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
    draw_put(w, 0, 1, fit, ATTR_HEADER);
    if (mw)
        draw_put(w, 0, width - mw - 1, more, ATTR_DIM);
}

bool pv_tv_scroll(struct textview *tv, int ret, wint_t ch)
{
    int height = tv->height > 0 ? tv->height : 1;
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
bool pv_week_line(struct ui *ui, int64_t pupil_id, char *buf, size_t len)
{
    struct pupil_hours h;
    if (placement_pupil_hours(ui_store(ui), pupil_id, ui_today(ui), &ui_config(ui)->th, &h) != AP_OK) {
        snprintf(buf, len, "Weekly hours could not be worked out: %s", ap_error_detail());
        return false;
    }
    char hours[16], min[16], year[32];
    draw_hours(h.weekly_hours, hours, sizeof hours);
    draw_hours(h.min_hours, min, sizeof min);
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

void pv_flag_list_free(struct flag_list *l)
{
    flag_rows_free(l->rows, l->n);
    l->rows = NULL;
    l->n = 0;
}

/* The pupil's flags now (one record: about a millisecond). */
ap_status pv_pupil_flags(struct ui *ui, int64_t pupil_id, struct flag_list *out)
{
    return flag_rows_for_pupil(ui_store(ui), &ui_config(ui)->th, ui_today(ui), pupil_id, &out->rows, &out->n);
}

/* ---- The record --------------------------------------------------------------------- */

/* A part of the record read from the store (st): a blank line before it,
 * and when it could not be read, why (failed: "Contacts could not be
 * read"). True when it was read. */
static bool section_read(struct textview *tv, ap_status st, const char *failed)
{
    pv_tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    if (st != AP_OK)
        pv_tv_add(tv, ATTR_ERROR, 0, "%s: %s", failed, ap_error_detail());
    return st == AP_OK;
}

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
    docview_clear(&tv->doc);
    if (pupil_get(s, id, &p) != AP_OK) {
        ui_error(ui, "The pupil could not be read: %s", ap_error_detail());
        return false;
    }
    char name[260], year[32], d1[11], d2[11];
    roll_display_name(name, sizeof name, p.preferred_name, p.legal_forename, p.legal_surname);
    int yg = rules_year_group(p.dob, today);
    rules_year_group_name(yg, year, sizeof year);
    pv_tv_add(tv, ATTR_HEADER, 0, "%s · %s · UPN %s", name, year, p.upn);
    pv_tv_add(tv, ATTR_NORMAL, 0, "Legal name: %s %s%s%s%s%s%s", p.legal_forename, p.middle_names,
           p.middle_names[0] ? " " : "", p.legal_surname, p.preferred_name[0] ? " (known as " : "", p.preferred_name,
           p.preferred_name[0] ? ")" : "");
    int ay, am, ad;
    date_to_ymd(date_academic_year_start(today), &ay, &am, &ad);
    pv_tv_add(tv, ATTR_NORMAL, 0, "Born %s: %s in %d/%02d · Gender: %s", date_format(p.dob, d1), year, ay,
           (ay + 1) % 100, label_text(LABELS_GENDER, p.gender));
    char school[130] = "none recorded";
    if (p.home_school_id) {
        struct school sc;
        if (school_get(s, p.home_school_id, &sc) == AP_OK)
            snprintf(school, sizeof school, "%s", sc.name);
    }
    pv_tv_add(tv, ATTR_NORMAL, 0, "Home school: %s · %s · Cohort: %s", school, label_text(LABELS_ROLL_STATUS, p.roll_status),
           label_text(LABELS_COHORT, p.cohort));
    pv_tv_add(tv, ATTR_NORMAL, 0, "FSM: %s · Looked after (CLA): %s · Plan: %s", yes_no(p.fsm), yes_no(p.cla),
           label_text(LABELS_PLAN, p.plan));
    pv_tv_add(tv, ATTR_NORMAL, 0, "ALN areas of need: %s", p.aln_areas[0] ? p.aln_areas : "none recorded");
    pv_tv_add(tv, ATTR_NORMAL, 0, "ULN: %s · Ethnicity: %s", p.uln[0] ? p.uln : "none recorded",
           p.ethnicity[0] ? label_text(LABELS_ETHNICITY, p.ethnicity) : "not recorded");
    if (p.social_worker[0] || p.social_worker_phone[0])
        pv_tv_add(tv, ATTR_NORMAL, 0, "Social worker: %s%s%s", p.social_worker[0] ? p.social_worker : "name not recorded",
               p.social_worker_phone[0] ? ", " : "", p.social_worker_phone);
    else
        pv_tv_add(tv, ATTR_NORMAL, 0, "Social worker: none recorded");
    if (p.end_date != DATE_NONE)
        pv_tv_add(tv, ATTR_NORMAL, 0, "On the roll from %s to %s · Destination: %s",
               p.start_date != DATE_NONE ? date_format(p.start_date, d1) : "(not recorded)",
               date_format(p.end_date, d2), p.destination[0] ? p.destination : "not recorded");
    else
        pv_tv_add(tv, ATTR_NORMAL, 0, "On the roll from %s, no end date%s%s",
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
    pv_tv_add(tv, ATTR_NORMAL, 0, "Documents held: %s%s%s", yes[0] ? yes : "none", no[0] ? " · not held: " : "", no);
    if (g && g->term_name[0]) {
        if (g->has_attendance)
            pv_tv_add(tv, g->attendance_pct < ui_config(ui)->th.persistent_absence_pct ? ATTR_FLAG_AMBER : ATTR_NORMAL,
                   0, "Attendance this term (%s): %.1f %%, %d of %d sessions", g->term_name, g->attendance_pct,
                   g->attending, g->possible);
        else
            pv_tv_add(tv, ATTR_NORMAL, 0, "Attendance this term (%s): no sessions recorded yet", g->term_name);
    }

    /* Flags with their reasons. */
    struct flag_list fl;
    if (section_read(tv, pv_pupil_flags(ui, id, &fl), "Flags could not be worked out")) {
        pv_tv_add(tv, ATTR_HEADER, 0, "Flags (%zu)", fl.n);
        if (fl.n == 0)
            pv_tv_add(tv, ATTR_NORMAL, 0, "No flags.");
        for (size_t i = 0; i < fl.n; i++)
            pv_tv_add(tv, draw_flag_attr(fl.rows[i].level), 0, "%s %s", draw_flag_marker(fl.rows[i].level), fl.rows[i].reason);
    }
    pv_flag_list_free(&fl);

    /* Placements. */
    struct placement_item *items = NULL;
    size_t n = 0;
    if (section_read(tv, placement_list_for_pupil(s, id, &items, &n), "Placements could not be read")) {
        pv_tv_add(tv, ATTR_HEADER, 0, "Placements (%zu) · p to change them", n);
        int64_t total = 0;
        int active = 0;
        for (size_t i = 0; i < n; i++) {
            const struct placement *pl = &items[i].p;
            char tt[120], hours[16], rate[MONEY_LEN], transport[MONEY_LEN], annual[MONEY_LEN];
            timetable_text(pl, tt, sizeof tt);
            draw_hours(items[i].weekly_hours, hours, sizeof hours);
            money_format(pl->rate, rate, sizeof rate);
            money_format(pl->transport_per_week, transport, sizeof transport);
            money_format(items[i].annual_cost, annual, sizeof annual);
            char when[64];
            if (pl->end_date != DATE_NONE)
                snprintf(when, sizeof when, "%s to %s", date_format(pl->start_date, d1), date_format(pl->end_date, d2));
            else
                snprintf(when, sizeof when, "from %s", date_format(pl->start_date, d1));
            char census[200] = "";
            if (pl->census_reason[0] || pl->setting_type[0])
                snprintf(census, sizeof census, " · census: %s%s%s",
                         pl->census_reason[0] ? label_text(LABELS_CENSUS_REASON, pl->census_reason) : "",
                         pl->setting_type[0] && pl->census_reason[0] ? ", " : "",
                         pl->setting_type[0] ? label_text(LABELS_CENSUS_SETTING, pl->setting_type) : "");
            pv_tv_add(tv, ATTR_NORMAL, 0, "%s · %s · %s · %s: %s h a week · %s %s%s%s%s · %s a year%s",
                   label_text(LABELS_PLACEMENT_STATUS, pl->status), items[i].provider_name, when, tt, hours, rate,
                   pv_per_basis(pl->cost_basis), pl->transport_per_week ? ", transport " : "",
                   pl->transport_per_week ? transport : "", pl->transport_per_week ? " a week" : "", annual, census);
            if (placement_active_on(pl, today)) {
                total += items[i].annual_cost;
                active++;
            }
        }
        if (n == 0)
            pv_tv_add(tv, ATTR_NORMAL, 0, "No placements.");
        char week[300];
        bool reduced = pv_week_line(ui, id, week, sizeof week);
        pv_tv_add(tv, reduced ? ATTR_FLAG_AMBER : ATTR_NORMAL, 0, "%s", week);
        if (active) {
            char money[MONEY_LEN];
            pv_tv_add(tv, ATTR_NORMAL, 0, "Annualised cost of the active placements: %s including transport (%d school weeks)",
                   money_format(total, money, sizeof money), RULES_SCHOOL_WEEKS);
        }
    }
    free(items);

    /* Contacts. */
    struct contact *cs = NULL;
    size_t nc = 0;
    if (section_read(tv, contact_list(s, id, &cs, &nc), "Contacts could not be read")) {
        pv_tv_add(tv, ATTR_HEADER, 0, "Contacts (%zu), in calling order · t to change them", nc);
        if (nc == 0)
            pv_tv_add(tv, ATTR_NORMAL, 0, "No contacts recorded.");
        for (size_t i = 0; i < nc; i++) {
            const struct contact *c = &cs[i];
            pv_tv_add(tv, ATTR_NORMAL, 0, "%d. %s%s%s%s · %s%s%s%s%s%s", c->priority, c->name,
                   c->relationship[0] ? " (" : "", c->relationship, c->relationship[0] ? ")" : "",
                   c->phone[0] ? c->phone : "no phone", c->phone2[0] ? " · other phone " : "", c->phone2,
                   c->email[0] ? " · " : "", c->email,
                   c->parental_responsibility ? " · parental responsibility" : "");
        }
    }
    free(cs);

    /* Concerns: how many, never the words for a viewer. */
    pv_tv_add(tv, ATTR_NORMAL, 0, "%s", "");
    if (!store_can_write(s)) {
        pv_tv_add(tv, ATTR_DIM, 0, "Concerns: the safeguarding chronology is not shown to viewers.");
    } else {
        struct concern *cc = NULL;
        size_t ncc = 0;
        if (concern_list(s, id, &cc, &ncc) == AP_OK) {
            if (ncc)
                pv_tv_add(tv, ATTR_NORMAL, 0, "Concerns: %zu recorded, the latest on %s · c to read them", ncc,
                       date_format(cc[0].concern_date, d1));
            else
                pv_tv_add(tv, ATTR_NORMAL, 0, "Concerns: none recorded · c to add one");
        }
        free(cc);
    }
    pv_tv_add(tv, ATTR_DIM, 0, "Last changed %s UTC by %s", p.updated_at, p.updated_by[0] ? p.updated_by : "?");
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
    bool deleted;
};

static const enum action_id record_keys[] = {ACTION_MOVES, ACT_EDIT, ACT_DELETE, ACT_CONTACTS, ACT_CONCERNS,
                                             ACT_PLACEMENTS, ACT_NONE};
static const enum action_id record_hints[] = {ACT_EDIT, ACT_DELETE, ACT_CONTACTS, ACT_CONCERNS, ACT_PLACEMENTS,
                                              ACT_NONE};

static void record_draw(void *self, WINDOW *w)
{
    struct record_view *v = self;
    werase(w);
    pv_tv_draw(&v->tv, w, 1, getmaxy(w) - 1); /* the keys are on the shell's hint line */
    pv_draw_view_title(w, "Pupil record", v->title, &v->tv);
}

/* The pupil's attendance this term read afresh from the store: the pane
 * under the record is read again only once the views over it have closed. */
static void glance_load(struct ui *ui, int64_t id, struct pupil_glance *g)
{
    struct roll *r = NULL;
    if (roll_load(ui_store(ui), ui_today(ui), &r) != AP_OK) {
        roll_free(r);
        return; /* what was shown stays */
    }
    const struct roll_row *row = roll_find(r, id);
    *g = (struct pupil_glance){0};
    if (row) {
        g->has_attendance = row->has_attendance;
        g->attendance_pct = row->attendance_pct;
        g->attending = row->attending;
        g->possible = row->possible;
    }
    if (r->have_term)
        snprintf(g->term_name, sizeof g->term_name, "%s", r->term_name);
    roll_free(r);
}

/* Reads the record again (after a change here or by another login), keeping
 * the scroll position. False when the pupil is gone. */
static bool record_rebuild(struct record_view *v)
{
    int top = v->tv.top;
    docview_clear(&v->tv.doc);
    if (v->glance_of)
        glance_load(v->ui, v->pupil_id, &v->glance);
    if (!build_record(v->ui, v->pupil_id, &v->glance, &v->tv))
        return false;
    v->tv.top = top;
    pupil_views_name(v->ui, v->pupil_id, v->title, sizeof v->title);
    return true;
}

static void record_reload(void *self, const struct view_change *what)
{
    struct record_view *v = self;
    if (view_change_not_pupil(what, v->pupil_id))
        return; /* about another pupil */
    record_rebuild(self); /* every part of the record may have changed */
}

static enum view_key record_key(void *self, const struct action *act, int ret, wint_t ch)
{
    struct record_view *v = self;
    struct ui *ui = v->ui;
    if (!act)
        return VIEW_PASS;
    if (pv_tv_scroll(&v->tv, ret, ch))
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
        docview_free(&v.tv.doc);
        return false;
    }
    pupil_views_name(ui, pupil_id, v.title, sizeof v.title);
    ui_run_view(ui, &record_view, &v);
    docview_free(&v.tv.doc);
    return v.deleted;
}

