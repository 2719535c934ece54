/* A pupil's placements: the list view, the placement form with its weekly
 * timetable grid, and ending a placement. */

#include "pupil_parts.h"

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
    if (pv_is_enter(ret, ch))
        g->typing = false;
    return LINEEDIT_UNHANDLED;
}

/* ---- Placements ---------------------------------------------------------------------- */

enum plf {
    PL_PROVIDER, PL_STATUS, PL_START, PL_END, PL_WEEKS, PL_TIMETABLE, PL_HOURS, PL_WEEK, PL_BASIS, PL_RATE,
    PL_TRANSPORT, PL_ANNUAL, PL_PURPOSE, PL_AREAS, PL_SETTING, PL_REASON, PL_CHANGED, PL_COUNT
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
        draw_hours(placement_weekly_hours(p), hours, sizeof hours);
        snprintf(buf, len, "%s h a week: %d session%s on %d day%s", hours, placement_sessions_per_week(p),
                 placement_sessions_per_week(p) == 1 ? "" : "s", placement_days_per_week(p),
                 placement_days_per_week(p) == 1 ? "" : "s");
        break;
    case PL_WEEK: {
        const struct thresholds *th = &ui_config(pf->ui)->th;
        bool counts = placement_active_on(p, ui_today(pf->ui));
        double total = pf->other_hours + (counts ? placement_weekly_hours(p) : 0.0);
        double minimum = rules_min_weekly_hours(pf->year_group, th);
        draw_hours(total, hours, sizeof hours);
        draw_hours(minimum, min, sizeof min);
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

/* placement_validate, with "Monday AM: ..." put next to the timetable. */
static ap_status placement_checked(const struct placement *p)
{
    ap_status st = placement_validate(p);
    if (st == AP_ERR_INVALID) {
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

FORM_RECORD_OPS(placement_ops, struct placement, placement_checked, placement_insert, placement_update,
                placement_get);

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
    pv_pick_providers(ui, &pf->provider, "(choose a provider)");
    struct field_choice statuses[8] = {{0}}, bases[8] = {{0}};
    struct field_choice *settings = pv_choices_of(LABELS_CENSUS_SETTING), *reasons = pv_choices_of(LABELS_CENSUS_REASON);
    if (!settings || !reasons) {
        free(settings);
        free(reasons);
        pick_free(&pf->provider);
        free(pf);
        ui_error(ui, "Out of memory opening the form");
        return false;
    }
    for (int i = 0; LABELS_PLACEMENT_STATUS[i].code && i < 7; i++)
        statuses[i] = (struct field_choice){LABELS_PLACEMENT_STATUS[i].code, LABELS_PLACEMENT_STATUS[i].text};
    for (int i = 0; LABELS_COST_BASIS[i].code && i < 7; i++)
        bases[i] = (struct field_choice){LABELS_COST_BASIS[i].code, LABELS_COST_BASIS[i].text};
    struct form_field fields[PL_COUNT] = {
        [PL_PROVIDER] = {.label = "Provider", .kind = FIELD_CUSTOM, .value = &x->provider_id, .required = true,
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
        [PL_AREAS] = {.label = "Tracking areas", .kind = FIELD_TEXT, .value = x->tracking_areas,
                      .size = sizeof x->tracking_areas,
                      .help = "The areas the purpose needs, e.g. wellbeing, social; empty: by year group"},
        [PL_SETTING] = {.label = "Census setting type", .kind = FIELD_CHOICE, .value = x->setting_type,
                        .size = sizeof x->setting_type, .choices = settings,
                        .help = "AP census: only for a provider with neither URN nor UKPRN"},
        [PL_REASON] = {.label = "Census reason", .kind = FIELD_CHOICE, .value = x->census_reason,
                       .size = sizeof x->census_reason, .choices = reasons,
                       .help = "AP census: why the placement was commissioned (permanent exclusion comes first)"},
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
        FORM_FIELDS(fields),
        .ctx = pf,
        .read_only = read_only,
        .new_record = p->id == 0,
        FORM_RECORD_OF(x, &placement_ops),
        .info = placement_info,
        .custom_lines = placement_form_lines,
        .custom_draw = placement_form_draw,
        .custom_key = placement_form_key,
    };
    bool saved = form_run(ui, &f);
    if (saved)
        *p = pf->p;
    free(settings);
    free(reasons);
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
        FORM_FIELDS(fields),
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
    struct sublist s; /* first: the sub-list's callbacks are given it */
    char week[300];
    bool reduced;
    char flag[RULES_WHY_LEN + 8];
    enum flag_level flag_level;
    char cost[200];
};

enum { PC_STATUS, PC_PROVIDER, PC_FROM, PC_TO, PC_HOURS, PC_COST, PC_COUNT };
static const struct list_column placement_columns[PC_COUNT] = {
    {"Status", 8, false, false}, {"Provider", 12, true, false}, {"From", 10, false, false},
    {"To", 10, false, false},    {"h/week", 6, false, true},    {"A year", 11, false, true},
};

static void placement_cell(void *ctx, int row, int col, char *buf, size_t len, enum attr_meaning *attr)
{
    const struct placement_item *it = sublist_item(ctx, (size_t)row);
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
    case PC_HOURS: draw_hours(it->weekly_hours, buf, len); break;
    case PC_COST: money_format(it->annual_cost, buf, len); break;
    default: buf[0] = '\0';
    }
}

static ap_status placements_read(struct sublist *s)
{
    struct placement_item *items = NULL;
    ap_status st = placement_list_for_pupil(ui_store(s->ui), s->pupil_id, &items, &s->n);
    s->items = items;
    return st;
}

static int64_t placement_item_id(const void *item)
{
    return ((const struct placement_item *)item)->p.id;
}

/* The heading's lines: the week, the cost, the reduced-timetable flag. */
static void placements_sum(struct sublist *s)
{
    struct placements_view *v = (struct placements_view *)s;
    struct ui *ui = s->ui;
    const struct placement_item *items = s->items;
    v->reduced = pv_week_line(ui, s->pupil_id, v->week, sizeof v->week);
    int64_t total = 0;
    int active = 0;
    for (size_t i = 0; i < s->n; i++)
        if (placement_active_on(&items[i].p, ui_today(ui))) {
            total += items[i].annual_cost;
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
    if (pv_pupil_flags(ui, s->pupil_id, &fl) == AP_OK)
        for (size_t i = 0; i < fl.n; i++)
            if (strcmp(fl.rows[i].kind, FLAG_KIND_REDUCED) == 0 || strcmp(fl.rows[i].kind, FLAG_KIND_INTERVENTION) == 0) {
                if (fl.rows[i].level <= v->flag_level)
                    continue;
                v->flag_level = fl.rows[i].level;
                snprintf(v->flag, sizeof v->flag, "%s %s", draw_flag_marker(fl.rows[i].level), fl.rows[i].reason);
            }
    pv_flag_list_free(&fl);
}

static void draw_placement_detail(WINDOW *w, int y, const struct placement_item *it)
{
    /* The timetable as the grid the form edits, and the costing. */
    struct grid g = {.hours = (double (*)[2])it->p.hours};
    grid_draw(&g, w, y, 3, 3 + 5 * GRID_CELL, false);
    char rate[MONEY_LEN], transport[MONEY_LEN], line[600];
    money_format(it->p.rate, rate, sizeof rate);
    money_format(it->p.transport_per_week, transport, sizeof transport);
    snprintf(line, sizeof line, "%s %s · transport %s a week%s%s%s%s", rate, pv_per_basis(it->p.cost_basis),
             transport, it->p.tracking_areas[0] ? " · tracked in: " : "", it->p.tracking_areas,
             it->p.purpose[0] ? " · " : "", it->p.purpose);
    draw_put(w, y, 3 + 5 * GRID_CELL + 4, "Cost:", ATTR_DIM);
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

static void placement_init_for(struct sublist *s, void *item)
{
    struct placement_item *it = item;
    placement_init(&it->p);
    it->p.pupil_id = s->pupil_id;
    it->p.start_date = ui_today(s->ui);
}

static bool placement_form_of(struct sublist *s, void *item, bool read_only)
{
    return placement_form_run(s->ui, &((struct placement_item *)item)->p, s->pupil, read_only);
}

static void placement_say(const struct sublist *s, const void *item, enum sublist_say what, char *buf, size_t len)
{
    (void)s;
    const struct placement_item *it = item;
    if (what == SAY_ADDED)
        snprintf(buf, len, "Added the placement");
    else
        snprintf(buf, len, "Saved the placement at %s", it->provider_name);
}

static void placements_head(struct sublist *s, WINDOW *w)
{
    struct placements_view *v = (struct placements_view *)s;
    char title[400];
    snprintf(title, sizeof title, "Placements of %s (%zu)", s->pupil, s->n);
    draw_put(w, 0, 1, title, ATTR_HEADER);
    draw_put(w, 1, 1, v->week, v->reduced ? ATTR_FLAG_AMBER : ATTR_NORMAL);
    draw_put(w, 2, 1, v->cost, ATTR_NORMAL);
    if (v->flag[0])
        draw_put(w, 3, 1, v->flag, draw_flag_attr(v->flag_level));
}

static void placements_foot(struct sublist *s, WINDOW *w, int y, const void *item)
{
    (void)s;
    if (y + 3 < getmaxy(w))
        draw_placement_detail(w, y, item);
}

/* E: ends the placement. */
static bool placements_key(struct sublist *s, enum action_id id, void *cur)
{
    (void)id; /* ACT_END_PLACEMENT, the list's one key of its own */
    struct placement_item *it = cur;
    if (strcmp(it->p.status, "ended") == 0) {
        char d[11];
        ui_error(s->ui, "That placement has already ended (on %s)", date_format(it->p.end_date, d));
        return false;
    }
    end_form_run(s->ui, it);
    return true;
}

static const enum action_id placements_keys[] = {ACTION_MOVES, ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_END_PLACEMENT,
                                                 ACT_NONE};
static const enum action_id placements_hints[] = {ACT_ADD, ACT_EDIT, ACT_END_PLACEMENT, ACT_OPEN, ACT_NONE};

static const struct sublist_def placements_list = {
    .ops = SUBLIST_VIEW_OPS("the pupil's placements", placements_keys, placements_hints),
    .columns = placement_columns,
    .ncolumns = PC_COUNT,
    .cell = placement_cell,
    .item_size = sizeof(struct placement_item),
    .what = "placements",
    .empty = "No placements yet: press a to add one.",
    .list_y = 5,
    .below = 4,
    .read = placements_read,
    .loaded = placements_sum,
    .id = placement_item_id,
    .init = placement_init_for,
    .form = placement_form_of,
    .say = placement_say,
    .draw_head = placements_head,
    .draw_foot = placements_foot,
    .row_key = placements_key,
};

const struct view_ops *pupil_placements_view_ops(void) { return &placements_list.ops; }

void pupil_placements_run(struct ui *ui, int64_t pupil_id)
{
    struct placements_view v = {0};
    sublist_run(ui, &v.s, &placements_list, pupil_id);
}
