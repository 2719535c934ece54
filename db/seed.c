#include "seed.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "rowio.h"
#include "date.h"
#include "embedded.h"

/* ---- Helpers -------------------------------------------------------------- */

#define SAVEPOINT_NAME "apterm_seed_file"

static ap_status savepoint(sqlite3 *db, const char *name)
{
    int rc = sqlite3_exec(db, "SAVEPOINT " SAVEPOINT_NAME, NULL, NULL, NULL);
    return rc == SQLITE_OK ? AP_OK : ap_fail(AP_ERR_DB, "loading %s: %s", name, sqlite3_errmsg(db));
}

/* Releases the savepoint; on failure first undoes everything since it. */
static ap_status finish(sqlite3 *db, ap_status st)
{
    if (st != AP_OK)
        sqlite3_exec(db, "ROLLBACK TO " SAVEPOINT_NAME, NULL, NULL, NULL);
    sqlite3_exec(db, "RELEASE " SAVEPOINT_NAME, NULL, NULL, NULL);
    return st;
}

/* A failed statement, blamed on the line being loaded. */
static ap_status line_sql_fail(sqlite3 *db, const struct csv_reader *r, int rc)
{
    ap_status st = (rc & 0xff) == SQLITE_CONSTRAINT ? AP_ERR_INVALID : AP_ERR_DB;
    return ap_fail(st, "%s line %d: %s", r->name, r->line, sqlite3_errmsg(db));
}

static ap_status prepare(sqlite3 *db, const char *name, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? AP_OK : ap_fail(AP_ERR_DB, "loading %s: %s", name, sqlite3_errmsg(db));
}

/* Binds text arguments 1..n (NULL binds SQL NULL), steps once, resets. */
static int run(sqlite3_stmt *st, int n, const char *const *args)
{
    int rc = SQLITE_OK;
    for (int i = 0; i < n && rc == SQLITE_OK; i++)
        rc = args[i] ? sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i + 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = SQLITE_OK;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static bool in_list(const char *value, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(value, *list) == 0)
            return true;
    return false;
}

/* Reads the header, or fails when the text has no lines at all. */
static ap_status read_header(struct csv_reader *r, const char *const *names, size_t n)
{
    bool got;
    ap_status st = csv_next(r, &got);
    if (st != AP_OK)
        return st;
    if (!got)
        return ap_fail(AP_ERR_INVALID, "%s: the file is empty (it needs a header line and rows)", r->name);
    return csv_expect_header(r, names, n);
}

/* A text field of line r->line through the shared field check (UTF-8, no
 * control characters): "FILE line N: Reason: holds a control character". */
static ap_status check_line_text(const struct csv_reader *r, const char *label, const char *text)
{
    if (rowio_check_text(label, text, strlen(text) + 1, false, false) == AP_OK)
        return AP_OK;
    char detail[300];
    snprintf(detail, sizeof detail, "%s", ap_error_detail());
    return csv_fail(r, "%s", detail);
}

static ap_status check_date(const struct csv_reader *r, const char *column, const char *text, int *out)
{
    if (date_parse_iso(text, out))
        return AP_OK;
    return csv_fail(r, "%s \"%s\": expected a date YYYY-MM-DD", column, text);
}

/* A seed file of CSV lines: each line of nfields fields is checked by line,
 * which gives the nargs values of the INSERT insert (?1..?nargs; NULL binds
 * SQL NULL). */
struct seed_csv {
    const char *insert;
    const char *const *header;
    size_t nfields;
    int nargs;
    ap_status (*line)(const struct csv_reader *r, const char **args, void *ctx);
};

/* Loads the CSV text (name) by f, all its lines or none; *rows how many. */
static ap_status load_csv(sqlite3 *db, const char *name, const char *text, const struct seed_csv *f, void *ctx,
                          int *rows)
{
    struct csv_reader r;
    csv_open(&r, name, text);
    r.comment = '#';
    sqlite3_stmt *ins = NULL;
    *rows = 0;
    ap_status st = savepoint(db, name);
    if (st != AP_OK)
        goto out;
    if ((st = prepare(db, name, f->insert, &ins)) != AP_OK || (st = read_header(&r, f->header, f->nfields)) != AP_OK)
        goto done;
    bool got;
    while ((st = csv_next(&r, &got)) == AP_OK && got) {
        const char *args[8] = {NULL};
        if ((st = csv_expect_fields(&r, f->nfields)) != AP_OK || (st = f->line(&r, args, ctx)) != AP_OK)
            break;
        int rc = run(ins, f->nargs, args);
        if (rc != SQLITE_OK) {
            st = line_sql_fail(db, &r, rc);
            break;
        }
        (*rows)++;
    }
done:
    st = finish(db, st);
out:
    sqlite3_finalize(ins);
    csv_close(&r);
    return st;
}

/* ---- Attendance codes ------------------------------------------------------------ */

static ap_status check_roles(const struct csv_reader *r, const char *roles)
{
    static const char *const allowed[] = {"admin", "officer", "lead", NULL};
    char copy[128];
    if (strlen(roles) >= sizeof copy)
        return csv_fail(r, "roles \"%s\" is too long", roles);
    strcpy(copy, roles);
    bool seen[3] = {false, false, false};
    for (char *save = NULL, *word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
        int i = 0;
        while (allowed[i] && strcmp(allowed[i], word) != 0)
            i++;
        if (!allowed[i])
            return csv_fail(r, "roles: \"%s\" is not a role that enters marks (admin, officer or lead)", word);
        if (seen[i])
            return csv_fail(r, "roles: \"%s\" is listed twice", word);
        seen[i] = true;
    }
    return AP_OK;
}

static ap_status code_line(const struct csv_reader *r, const char **args, void *ctx)
{
    static const char *const categories[] = {"present", "aea", "authorised", "unauthorised", "not_counted", NULL};
    const char *code = r->field[0], *meaning = r->field[1], *category = r->field[2];
    const char *from = r->field[3], *to = r->field[4], *roles = r->field[5];
    if (strlen(code) != 1 || code[0] <= ' ' || code[0] > '~')
        return csv_fail(r, "code \"%s\": a code is one printable character", code);
    if (!*meaning)
        return csv_fail(r, "code %s has no meaning", code);
    if (!in_list(category, categories))
        return csv_fail(r, "category \"%s\": expected present, aea, authorised, unauthorised or not_counted",
                        category);
    int d_from, d_to;
    ap_status st = check_date(r, "valid_from", from, &d_from);
    if (st == AP_OK && *to && (st = check_date(r, "valid_to", to, &d_to)) == AP_OK && d_to < d_from)
        st = csv_fail(r, "valid_to %s is before valid_from %s", to, from);
    if (st == AP_OK && (st = check_roles(r, roles)) == AP_OK) {
        const char *values[] = {ctx, code, meaning, category, from, *to ? to : NULL, roles};
        memcpy(args, values, sizeof values);
    }
    return st;
}

ap_status seed_codes_from_text(sqlite3 *db, const char *code_set, const char *name, const char *text)
{
    static const char *const header[] = {"code", "meaning", "category", "valid_from", "valid_to", "roles"};
    static const char *const sets[] = {"wales", "england", NULL};
    static const struct seed_csv codes = {
        "INSERT INTO attendance_code (code_set, code, meaning, category, valid_from, valid_to, roles) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        header, 6, 7, code_line};
    if (!code_set || !in_list(code_set, sets))
        return ap_fail(AP_ERR_INVALID, "loading %s: code set \"%s\": expected wales or england", name,
                       code_set ? code_set : "");
    int rows = 0;
    ap_status st = load_csv(db, name, text, &codes, (void *)code_set, &rows);
    if (st == AP_OK && rows == 0)
        st = ap_fail(AP_ERR_INVALID, "%s: no codes after the header line", name);
    return st;
}

/* ---- QA checklist templates -------------------------------------------------------- */

struct template_meta {
    char key[64];
    char stage[16];
    char title[256];
};

/* Copies one attribute value (bare, or in double quotes with "" for a quote)
 * from *p into out; advances *p. false when it does not fit or a quote is
 * not closed. */
static bool meta_value(const char **p, char *out, size_t len)
{
    size_t n = 0;
    const char *s = *p;
    if (*s == '"') {
        s++;
        for (;;) {
            if (*s == '\0' || *s == '\n')
                return false;
            if (*s == '"') {
                if (s[1] != '"') {
                    s++;
                    break;
                }
                s++;
            }
            if (n + 1 >= len)
                return false;
            out[n++] = *s++;
        }
    } else {
        while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
            if (n + 1 >= len)
                return false;
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
    *p = s;
    return true;
}

/* Line 1 of a template: "# key=... stage=... title="..."". */
static ap_status parse_template_meta(const char *name, const char *line, struct template_meta *m)
{
    static const char *const stages[] = {"stage1", "stage2", "monitoring", "checks", NULL};
    memset(m, 0, sizeof *m);
    const char *p = line;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    if (*p != '#')
        return ap_fail(AP_ERR_INVALID,
                       "%s line 1: a checklist starts with a line # key=NAME stage=STAGE title=\"TITLE\"", name);
    p++;
    bool have_key = false, have_stage = false, have_title = false;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '\n' || (*p == '\r' && p[1] == '\n'))
            break;
        char attr[16];
        size_t n = 0;
        while ((*p >= 'a' && *p <= 'z') || *p == '_') {
            if (n + 1 >= sizeof attr)
                break;
            attr[n++] = *p++;
        }
        attr[n] = '\0';
        if (n == 0 || *p != '=')
            return ap_fail(AP_ERR_INVALID, "%s line 1: expected name=value, found \"%.20s\"", name, p - n);
        p++;
        char *out;
        size_t len;
        bool *have;
        if (strcmp(attr, "key") == 0) {
            out = m->key, len = sizeof m->key, have = &have_key;
        } else if (strcmp(attr, "stage") == 0) {
            out = m->stage, len = sizeof m->stage, have = &have_stage;
        } else if (strcmp(attr, "title") == 0) {
            out = m->title, len = sizeof m->title, have = &have_title;
        } else {
            return ap_fail(AP_ERR_INVALID, "%s line 1: unknown attribute \"%s\" (expected key, stage and title)",
                           name, attr);
        }
        if (*have)
            return ap_fail(AP_ERR_INVALID, "%s line 1: %s is given twice", name, attr);
        if (!meta_value(&p, out, len))
            return ap_fail(AP_ERR_INVALID, "%s line 1: the value of %s is too long or its quote is not closed",
                           name, attr);
        *have = true;
    }
    if (!have_key || !have_stage || !have_title)
        return ap_fail(AP_ERR_INVALID, "%s line 1: %s is missing (a checklist needs key, stage and title)", name,
                       !have_key ? "key" : !have_stage ? "stage" : "title");
    if (!m->key[0])
        return ap_fail(AP_ERR_INVALID, "%s line 1: key is empty", name);
    for (const char *c = m->key; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return ap_fail(AP_ERR_INVALID, "%s line 1: key \"%s\": use lower-case letters, digits and _", name,
                           m->key);
    if (!in_list(m->stage, stages))
        return ap_fail(AP_ERR_INVALID, "%s line 1: stage \"%s\": expected stage1, stage2, monitoring or checks",
                       name, m->stage);
    if (!m->title[0])
        return ap_fail(AP_ERR_INVALID, "%s line 1: title is empty", name);
    if (rowio_check_text("title", m->title, sizeof m->title, true, false) != AP_OK) {
        char detail[300];
        snprintf(detail, sizeof detail, "%s", ap_error_detail());
        return ap_fail(AP_ERR_INVALID, "%s line 1: %s", name, detail);
    }
    return AP_OK;
}

ap_status seed_template_from_text(sqlite3 *db, const char *name, const char *text, const char *login,
                                  int *revision)
{
    static const char *const header[] = {"section", "text", "safeguarding"};
    struct template_meta m;
    ap_status st = parse_template_meta(name, text ? text : "", &m);
    if (st != AP_OK)
        return st;
    const char *rest = strchr(text, '\n');
    rest = rest ? rest + 1 : "";
    struct csv_reader r;
    csv_open_at(&r, name, rest, 2);
    r.comment = '#';
    sqlite3_stmt *next_rev = NULL, *ins_template = NULL, *ins_item = NULL;
    if ((st = savepoint(db, name)) != AP_OK)
        goto out;
    if ((st = prepare(db, name, "SELECT coalesce(max(revision), 0) + 1 FROM qa_template WHERE key = ?1", &next_rev)) !=
            AP_OK ||
        (st = prepare(db, name,
                      "INSERT INTO qa_template (key, title, stage, revision, loaded_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                      &ins_template)) != AP_OK ||
        (st = prepare(db, name,
                      "INSERT INTO qa_template_item (template_id, position, section, text, safeguarding) "
                      "VALUES (?1, ?2, ?3, ?4, ?5)",
                      &ins_item)) != AP_OK)
        goto done;

    int rev = 1;
    int rc = sqlite3_bind_text(next_rev, 1, m.key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && (rc = sqlite3_step(next_rev)) == SQLITE_ROW) {
        rev = sqlite3_column_int(next_rev, 0);
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_OK)
        rc = rowio_bind(ins_template, 1, "TTTiT", m.key, m.title, m.stage, (int)rev, login ? login : "");
    if (rc == SQLITE_OK && (rc = sqlite3_step(ins_template)) == SQLITE_DONE)
        rc = SQLITE_OK;
    if (rc != SQLITE_OK) {
        st = ap_fail(AP_ERR_DB, "%s line 1: %s", name, sqlite3_errmsg(db));
        goto done;
    }
    sqlite3_int64 template_id = sqlite3_last_insert_rowid(db);

    if ((st = read_header(&r, header, 3)) != AP_OK)
        goto done;
    int position = 0;
    bool got;
    while ((st = csv_next(&r, &got)) == AP_OK && got) {
        if ((st = csv_expect_fields(&r, 3)) != AP_OK)
            break;
        const char *section = r.field[0], *item = r.field[1], *sg = r.field[2];
        if (!*item) {
            st = csv_fail(&r, "the item has no text");
            break;
        }
        if ((st = check_line_text(&r, "section", section)) != AP_OK ||
            (st = check_line_text(&r, "item text", item)) != AP_OK)
            break;
        if (strcmp(sg, "0") != 0 && strcmp(sg, "1") != 0) {
            st = csv_fail(&r, "safeguarding \"%s\": expected 1 (a No raises a safeguarding flag) or 0", sg);
            break;
        }
        position++;
        rc = rowio_bind(ins_item, 1, "IiTTi", template_id, (int)position, section, item, (int)(sg[0] == '1'));
        if (rc == SQLITE_OK && (rc = sqlite3_step(ins_item)) == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_reset(ins_item);
        sqlite3_clear_bindings(ins_item);
        if (rc != SQLITE_OK) {
            st = line_sql_fail(db, &r, rc);
            break;
        }
    }
    if (st == AP_OK && position == 0)
        st = ap_fail(AP_ERR_INVALID, "%s: the checklist has no items after its header line", name);
    if (st == AP_OK && revision)
        *revision = rev;
done:
    st = finish(db, st);
out:
    sqlite3_finalize(next_rev);
    sqlite3_finalize(ins_template);
    sqlite3_finalize(ins_item);
    csv_close(&r);
    return st;
}

/* ---- Calendar --------------------------------------------------------------------------- */

static ap_status term_line(const struct csv_reader *r, const char **args, void *ctx)
{
    static const char *const terms[] = {"autumn", "spring", "summer", NULL};
    const char *year = r->field[0], *term = r->field[1];
    int y1 = 0, y2 = 0, start, end;
    char tail;
    if (strlen(year) != 7 || sscanf(year, "%4d/%2d%c", &y1, &y2, &tail) != 2 || year[4] != '/' || y1 < 1990 ||
        (y1 + 1) % 100 != y2)
        return csv_fail(r, "academic year \"%s\": expected the form 2025/26", year);
    if (!in_list(term, terms))
        return csv_fail(r, "term \"%s\": expected autumn, spring or summer", term);
    ap_status st;
    if ((st = check_date(r, "start", r->field[2], &start)) != AP_OK ||
        (st = check_date(r, "end", r->field[3], &end)) != AP_OK)
        return st;
    if (end < start)
        return csv_fail(r, "the term ends (%s) before it starts (%s)", r->field[3], r->field[2]);
    int year_start = date_from_ymd(y1, 8, 1), year_end = date_from_ymd(y1 + 1, 8, 31);
    if (start < year_start || end > year_end)
        return csv_fail(r, "the %s term of %s must lie between %d-08-01 and %d-08-31", term, year, y1, y1 + 1);
    const char *values[] = {year, term, r->field[2], r->field[3], ctx};
    memcpy(args, values, sizeof values);
    return AP_OK;
}

ap_status seed_terms_from_text(sqlite3 *db, const char *name, const char *text, const char *login)
{
    static const char *const header[] = {"academic_year", "term", "start", "end"};
    static const struct seed_csv terms = {
        "INSERT INTO term (academic_year, name, start_date, end_date, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)", header,
        4, 5, term_line};
    int rows;
    return load_csv(db, name, text, &terms, (void *)(login ? login : ""), &rows);
}

/* closure_line's context. */
struct closures {
    sqlite3 *db;
    sqlite3_stmt *in_term; /* SELECT 1 FROM term WHERE ?1 within it */
    const char *login;
};

static ap_status closure_line(const struct csv_reader *r, const char **args, void *ctx)
{
    struct closures *c = ctx;
    int day;
    ap_status st = check_date(r, "date", r->field[0], &day);
    if (st != AP_OK)
        return st;
    if (date_weekday(day) > 4)
        return csv_fail(r, "%s is a weekend day: only weekdays are closure days", r->field[0]);
    if (!*r->field[1])
        return csv_fail(r, "the closure on %s has no reason", r->field[0]);
    if ((st = check_line_text(r, "reason", r->field[1])) != AP_OK)
        return st;
    int rc = sqlite3_bind_text(c->in_term, 1, r->field[0], -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(c->in_term);
    sqlite3_reset(c->in_term);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return line_sql_fail(c->db, r, rc);
    if (rc != SQLITE_ROW)
        return csv_fail(r, "%s is not inside any term: a closure day is a weekday of a term", r->field[0]);
    const char *values[] = {r->field[0], r->field[1], c->login};
    memcpy(args, values, sizeof values);
    return AP_OK;
}

ap_status seed_closures_from_text(sqlite3 *db, const char *name, const char *text, const char *login)
{
    static const char *const header[] = {"date", "reason"};
    static const struct seed_csv closures = {"INSERT INTO closure (day, reason, updated_by) VALUES (?1, ?2, ?3)",
                                             header, 2, 3, closure_line};
    struct closures c = {db, NULL, login ? login : ""};
    ap_status st = prepare(db, name, "SELECT 1 FROM term WHERE ?1 BETWEEN start_date AND end_date", &c.in_term);
    int rows;
    if (st == AP_OK)
        st = load_csv(db, name, text, &closures, &c, &rows);
    sqlite3_finalize(c.in_term);
    return st;
}

/* ---- A new store ------------------------------------------------------------------------ */

static ap_status embedded(const char *path, const char **text)
{
    *text = embedded_file(path);
    if (!*text)
        return ap_fail(AP_ERR_IO, "%s is not built into this apterm (rebuild it with make)", path);
    return AP_OK;
}

/* The creator of the store, written into meta by the migration before the seed. */
static void creator(sqlite3 *db, char *buf, size_t len)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'created_by'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

ap_status seed_new_store(sqlite3 *db)
{
    static const struct {
        const char *set, *path;
    } codes[] = {
        {"wales", "data/codes-wales.csv"},
        {"england", "data/codes-england.csv"},
    };
    static const char *const templates[] = {
        "data/qa-stage1.csv",
        "data/qa-stage2.csv",
        "data/qa-monitoring.csv",
        "data/qa-checks.csv",
    };
    char login[65];
    creator(db, login, sizeof login);
    const char *text;
    ap_status st = AP_OK;
    for (size_t i = 0; st == AP_OK && i < sizeof codes / sizeof codes[0]; i++)
        if ((st = embedded(codes[i].path, &text)) == AP_OK)
            st = seed_codes_from_text(db, codes[i].set, codes[i].path, text);
    for (size_t i = 0; st == AP_OK && i < sizeof templates / sizeof templates[0]; i++)
        if ((st = embedded(templates[i], &text)) == AP_OK)
            st = seed_template_from_text(db, templates[i], text, login, NULL);
    if (st == AP_OK && (st = embedded("data/terms.csv", &text)) == AP_OK)
        st = seed_terms_from_text(db, "data/terms.csv", text, login);
    if (st == AP_OK && (st = embedded("data/closures.csv", &text)) == AP_OK)
        st = seed_closures_from_text(db, "data/closures.csv", text, login);
    return st;
}
