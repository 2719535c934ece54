#include "marks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "csv.h"
#include "rowio.h"
#include "strbuf.h"
#include "date.h"
#include "roll.h"
#include "upn.h"
#include "utf8.h"

/* Every write here is one BEGIN IMMEDIATE transaction (store_begin) in which
 * the current mark is read and then written, so two officers marking the
 * same pupil are serialised by SQLite and the second sees the first's mark.
 * The version check (UPDATE ... AND version = ?) and the audit log
 * (store_conflict) then say who got there first. attendance_week and the
 * audit log follow every write through the store's triggers. */

#define MARK_COLUMNS                                                                                     \
    "pupil_id, day, session, code, reported_code, provider_id, source, note, version, updated_at, "   \
    "updated_by"
#define NOTE_MAX 255
#define OUTCOME_MAX 2000

/* ---- small helpers ---------------------------------------------------- */

/* Copies src into dst (len bytes), cut at a character boundary, always terminated. */
static void copy_utf8(char *dst, size_t len, const char *src)
{
    if (!len)
        return;
    size_t n = src ? strlen(src) : 0;
    if (n >= len) {
        n = len - 1;
        while (n > 0 && !utf8_is_char_start(src, strlen(src), n))
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

static void column_copy(char *dst, size_t len, sqlite3_stmt *st, int col)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    copy_utf8(dst, len, v ? (const char *)v : "");
}

static ap_status nomem(const char *what)
{
    return ap_fail(AP_ERR_NOMEM, "%s: out of memory", what);
}

/* "the code \"Q\"": printable ASCII as itself, anything else as a byte value. */
static const char *code_text(char code, char buf[8])
{
    unsigned char c = (unsigned char)code;
    if (c > 32 && c < 127)
        snprintf(buf, 8, "%c", code);
    else
        snprintf(buf, 8, "\\x%02X", c);
    return buf;
}

static const char *session_upper(enum session s)
{
    return s == SESSION_PM ? "PM" : "AM";
}

/* ---- sessions and sources ----------------------------------------------- */

const char *session_name(enum session s)
{
    return s == SESSION_PM ? "pm" : "am";
}

bool session_parse(const char *text, enum session *out)
{
    if (!text)
        return false;
    if (strcmp(text, "am") == 0 || strcmp(text, "AM") == 0) {
        *out = SESSION_AM;
        return true;
    }
    if (strcmp(text, "pm") == 0 || strcmp(text, "PM") == 0) {
        *out = SESSION_PM;
        return true;
    }
    return false;
}

static const char *const source_names[] = {"phone", "email", "portal", "call", "officer", "import"};
#define SOURCE_COUNT (sizeof source_names / sizeof source_names[0])

const char *mark_source_name(enum mark_source s)
{
    return (unsigned)s < SOURCE_COUNT ? source_names[s] : "officer";
}

bool mark_source_parse(const char *text, enum mark_source *out)
{
    for (size_t i = 0; text && i < SOURCE_COUNT; i++)
        if (strcmp(text, source_names[i]) == 0) {
            *out = (enum mark_source)i;
            return true;
        }
    return false;
}

/* A provider's own report: what reported_code keeps when someone else changes it. */
static bool source_is_provider(enum mark_source s)
{
    return s == SOURCE_PHONE || s == SOURCE_EMAIL || s == SOURCE_PORTAL;
}

/* ---- codes ------------------------------------------------------------------ */

ap_status codes_load(struct store *s, struct code_set *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    ap_status result = AP_OK;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT code, meaning, category, valid_from, valid_to, roles FROM attendance_code "
                                "WHERE code_set = ?1 ORDER BY rowid",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, store_code_set(s), -1, SQLITE_STATIC);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        if (!rowio_grow_at((void **)&out->codes, &cap, out->n, sizeof *out->codes)) {
            result = nomem("reading the attendance codes");
            break;
        }
        struct code_info *c = &out->codes[out->n++];
        memset(c, 0, sizeof *c);
        column_copy(c->code, sizeof c->code, st, 0);
        column_copy(c->meaning, sizeof c->meaning, st, 1);
        const char *cat = (const char *)sqlite3_column_text(st, 2);
        if (!rules_category_parse(cat, &c->category))
            c->category = CAT_NOT_COUNTED;
        const char *from = (const char *)sqlite3_column_text(st, 3);
        const char *to = (const char *)sqlite3_column_text(st, 4);
        if (!from || !date_parse_iso(from, &c->valid_from))
            c->valid_from = DATE_NONE;
        if (!to || !date_parse_iso(to, &c->valid_to))
            c->valid_to = DATE_NONE;
        column_copy(c->roles, sizeof c->roles, st, 5);
    }
    sqlite3_finalize(st);
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, "reading the attendance codes");
    if (result != AP_OK)
        codes_free(out);
    return result;
}

void codes_free(struct code_set *set)
{
    free(set->codes);
    set->codes = NULL;
    set->n = 0;
}

const struct code_info *codes_find(const struct code_set *set, char code)
{
    for (size_t i = 0; code && i < set->n; i++)
        if (set->codes[i].code[0] == code && set->codes[i].code[1] == '\0')
            return &set->codes[i];
    return NULL;
}

/* Is word one of the space-separated words of list? */
static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t k = strcspn(p, " ");
        if (k == n && strncmp(p, word, n) == 0)
            return true;
        p += k;
    }
    return false;
}

bool codes_enterable(const struct code_info *c, int date, enum role role, char *why, size_t len)
{
    char d[11], limit[11];
    if (why && len)
        why[0] = '\0';
    if (role == ROLE_VIEWER) {
        if (why)
            snprintf(why, len, "%s cannot be entered: viewers can read marks but not enter them", c->code);
        return false;
    }
    if (c->valid_to != DATE_NONE && date > c->valid_to) {
        if (why)
            snprintf(why, len, "%s was retired on %s: it can be read on old marks but not entered (the mark is for %s)",
                     c->code, date_format(c->valid_to, limit), date_format(date, d));
        return false;
    }
    if (c->valid_from != DATE_NONE && date < c->valid_from) {
        if (why)
            snprintf(why, len, "%s is in use only from %s: it cannot be entered for %s", c->code,
                     date_format(c->valid_from, limit), date_format(date, d));
        return false;
    }
    if (!has_word(c->roles, role_name(role))) {
        if (why)
            snprintf(why, len, "%s (%s) may be entered only by: %s; your role is %s", c->code, c->meaning,
                     c->roles[0] ? c->roles : "nobody", role_name(role));
        return false;
    }
    return true;
}

/* The store's code for what was typed, checked: '/' typed for a PM session
 * or '\' for an AM one becomes the session's own present code, when the set
 * has both (the Welsh and English registers mark AM presence '/' and PM
 * presence '\'; an officer should not have to remember which). */
static ap_status check_code(struct store *s, const struct code_set *codes, char typed, int day, enum session session,
                            char *stored)
{
    char c = typed;
    if ((c == '/' || c == '\\') && codes_find(codes, '/') && codes_find(codes, '\\'))
        c = session == SESSION_PM ? '\\' : '/';
    char buf[8];
    if (!typed)
        return ap_fail(AP_ERR_INVALID, "no attendance code given");
    const struct code_info *info = codes_find(codes, c);
    if (!info)
        return ap_fail(AP_ERR_INVALID, "\"%s\" is not an attendance code of the %s set", code_text(typed, buf),
                       strcmp(store_code_set(s), "england") == 0 ? "English" : "Welsh");
    char why[256];
    if (!codes_enterable(info, day, store_role(s), why, sizeof why))
        return ap_fail(AP_ERR_INVALID, "%s", why);
    *stored = c;
    return AP_OK;
}

/* ---- the calendar -------------------------------------------------------------- */

/* AP_OK on a school day; else AP_ERR_INVALID saying why not. */
static ap_status check_school_day(struct store *s, const struct calendar *cal, int day)
{
    if (day < 0 || day > 100000)
        return ap_fail(AP_ERR_INVALID, "day %d is outside the dates a register can hold", day);
    if (calendar_is_school_day(cal, day))
        return AP_OK;
    char d[11];
    date_format(day, d);
    int wd = date_weekday(day);
    if (wd > 4)
        return ap_fail(AP_ERR_INVALID, "%s is a %s, not a school day: no mark can be entered", d,
                       wd == 5 ? "Saturday" : "Sunday");
    sqlite3_stmt *st = NULL;
    char reason[160] = "";
    int rc = sqlite3_prepare_v2(store_db(s), "SELECT reason FROM closure WHERE day = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, d, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        column_copy(reason, sizeof reason, st, 0);
    sqlite3_finalize(st);
    if (reason[0])
        return ap_fail(AP_ERR_INVALID, "%s is not a school day (%s): no mark can be entered", d, reason);
    return ap_fail(AP_ERR_INVALID, "%s is not a school day (it is outside the terms in the calendar): no mark can be entered",
                   d);
}

/* ---- reading marks ---------------------------------------------------------- */

static void mark_from_row(sqlite3_stmt *st, struct mark *m)
{
    memset(m, 0, sizeof *m);
    m->pupil_id = sqlite3_column_int64(st, 0);
    m->day = sqlite3_column_int(st, 1);
    const char *sess = (const char *)sqlite3_column_text(st, 2);
    m->session = sess && strcmp(sess, "pm") == 0 ? SESSION_PM : SESSION_AM;
    column_copy(m->code, sizeof m->code, st, 3);
    column_copy(m->reported_code, sizeof m->reported_code, st, 4);
    m->provider_id = sqlite3_column_int64(st, 5);
    if (!mark_source_parse((const char *)sqlite3_column_text(st, 6), &m->source))
        m->source = SOURCE_OFFICER;
    column_copy(m->note, sizeof m->note, st, 7);
    m->version = sqlite3_column_int64(st, 8);
    column_copy(m->updated_at, sizeof m->updated_at, st, 9);
    column_copy(m->updated_by, sizeof m->updated_by, st, 10);
}

static ap_status read_mark(struct store *s, int64_t pupil_id, int day, enum session session, struct mark *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT " MARK_COLUMNS " FROM attendance_mark "
                                "WHERE pupil_id = ?1 AND day = ?2 AND session = ?3",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "IiT", pupil_id, (int)day, session_name(session));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        mark_from_row(st, out);
    } else if (rc == SQLITE_DONE) {
        memset(out, 0, sizeof *out);
        out->pupil_id = pupil_id;
        out->day = day;
        out->session = session;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "reading the mark");
}

ap_status marks_get(struct store *s, int64_t pupil_id, int day, enum session session, struct mark *out)
{
    return read_mark(s, pupil_id, day, session, out);
}

/* Calls fn for each row of st (MARK_COLUMNS), prepared and bound with rc;
 * finalizes it. */
static ap_status each_mark(struct store *s, sqlite3_stmt *st, int rc, mark_fn fn, void *ctx)
{
    struct mark m;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        mark_from_row(st, &m);
        fn(ctx, &m);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "reading the marks");
}

ap_status marks_range(struct store *s, int64_t pupil_id, int from, int to, mark_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    /* For every pupil, walk the pupils and seek each one's days in the
     * marks' primary key (pupil, day, session): the rows come in order with
     * no sort, and a week of 5,000 pupils reads in tens of milliseconds,
     * where the day index would fetch every mark a second time. */
    int rc = sqlite3_prepare_v2(store_db(s),
                                pupil_id ? "SELECT " MARK_COLUMNS " FROM attendance_mark "
                                           "WHERE pupil_id = ?1 AND day BETWEEN ?2 AND ?3 "
                                           "ORDER BY pupil_id, day, session"
                                         : "SELECT m.pupil_id, m.day, m.session, m.code, m.reported_code, "
                                           "m.provider_id, m.source, m.note, m.version, m.updated_at, m.updated_by "
                                           "FROM pupil p NOT INDEXED CROSS JOIN attendance_mark m NOT INDEXED "
                                           "ON m.pupil_id = p.id AND m.day BETWEEN ?2 AND ?3 "
                                           "WHERE ?1 = 0 ORDER BY p.id, m.day, m.session",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "Iii", pupil_id, (int)from, (int)to);
    return each_mark(s, st, rc, fn, ctx);
}

ap_status marks_cells(struct store *s, int from, int to, mark_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    /* The day index carries every column read here (migration 036): one
     * range of it, no seek into the marks. Only the cell's fields are
     * read; the rest of the mark stays empty, as marks_cells says. */
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT pupil_id, day, session = 'pm', code, reported_code, provider_id, version "
                                "FROM attendance_mark INDEXED BY attendance_mark_day WHERE day BETWEEN ?1 AND ?2",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "ii", (int)from, (int)to);
    struct mark m;
    memset(&m, 0, sizeof m);
    m.source = SOURCE_OFFICER;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        m.pupil_id = sqlite3_column_int64(st, 0);
        m.day = sqlite3_column_int(st, 1);
        m.session = sqlite3_column_int(st, 2) ? SESSION_PM : SESSION_AM;
        column_copy(m.code, sizeof m.code, st, 3);
        column_copy(m.reported_code, sizeof m.reported_code, st, 4);
        m.provider_id = sqlite3_column_int64(st, 5);
        m.version = sqlite3_column_int64(st, 6);
        fn(ctx, &m);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "reading the marks");
}

/* Who last set, changed or cleared the mark and when: "by W at T", from the
 * audit log (store_last_change), else from the mark's own stamp, as for a
 * demo store's generated marks ("by W at T UTC"). *how says which: the one
 * rule behind both wordings below. */
enum setter_how { SET_AUDITED, CLEARED_AUDITED, SET_STAMPED };

static ap_status mark_setter(struct store *s, const struct mark *now, int day, enum session session, char *out,
                             size_t len, enum setter_how *how)
{
    char key[64], who[80], when[24];
    bool deleted = false;
    snprintf(key, sizeof key, "%lld/%d/%s", (long long)now->pupil_id, day, session_name(session));
    ap_status st = store_last_change(s, "attendance_mark", key, who, sizeof who, when, sizeof when, &deleted);
    if (st == AP_OK) {
        snprintf(out, len, "by %s at %s", who, when);
        *how = deleted ? CLEARED_AUDITED : SET_AUDITED;
    } else if (st == AP_ERR_NOT_FOUND) {
        snprintf(out, len, "by %s at %s UTC", now->updated_by, now->updated_at);
        *how = SET_STAMPED;
    } else {
        return st; /* the audit log could not be read: that failure's own message */
    }
    return AP_OK;
}

/* The conflict message for a mark that is not the version the writer saw
 * (in a screen, which opened it): who set, changed or cleared it and when,
 * and what it holds now. Always AP_ERR_CONFLICT: for the officer a mark
 * cleared meanwhile is a change to look at, not a missing record. */
static ap_status mark_conflict(struct store *s, const struct mark *now, int day, enum session session,
                               int64_t expected_version)
{
    char d[11], by[200];
    enum setter_how how;
    ap_status st = mark_setter(s, now, day, session, by, sizeof by, &how);
    if (st != AP_OK)
        return st;
    date_format(day, d);
    if (now->version == 0)
        return ap_fail(AP_ERR_CONFLICT, "%s %s: the mark you saw was cleared %s%s: look again before marking", d,
                       session_upper(session), how == SET_AUDITED ? "changed " : "", by);
    static const char *const said[] = {[SET_AUDITED] = "changed ", [CLEARED_AUDITED] = "deleted ",
                                       [SET_STAMPED] = "set "};
    return ap_fail(AP_ERR_CONFLICT, "%s %s is %s marked %s (%s%s%s)", d, session_upper(session),
                   expected_version ? "now" : "already", now->code, said[how], by,
                   how == SET_AUDITED ? " since you opened it" : "");
}

ap_status marks_refuse_existing(struct store *s, int64_t pupil_id, int day, enum session session)
{
    struct mark now;
    char d[11], by[200];
    enum setter_how how;
    ap_status st = read_mark(s, pupil_id, day, session, &now);
    if (st == AP_OK && now.version == 0)
        return ap_fail(AP_ERR_CONFLICT, "%s %s: the mark was cleared meanwhile: run the command again",
                       date_format(day, d), session_upper(session));
    if (st == AP_OK)
        st = mark_setter(s, &now, day, session, by, sizeof by, &how);
    if (st != AP_OK)
        return st;
    return ap_fail(AP_ERR_CONFLICT, "%s %s is already recorded as %s %s; give --replace to replace it",
                   date_format(day, d), session_upper(session), now.code, by);
}

/* ---- writing one mark --------------------------------------------------------- */

static ap_status exists(struct store *s, const char *sql, int64_t id, bool *found)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "reading the store");
}

/* The provider of the placement the pupil is timetabled at for that day and
 * session (the latest-starting when two overlap); 0 when none. */
static ap_status placement_provider(struct store *s, int64_t pupil_id, int day, enum session session,
                                    int64_t *provider_id)
{
    char d[11];
    date_format(day, d);
    *provider_id = 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT l.provider_id FROM placement l "
                                "JOIN placement_session t ON t.placement_id = l.id "
                                "WHERE l.pupil_id = ?1 AND l.status != 'proposed' AND l.start_date <= ?2 "
                                "  AND (l.end_date IS NULL OR l.end_date >= ?2) AND t.weekday = ?3 AND t.session = ?4 "
                                "ORDER BY l.start_date DESC, l.id DESC LIMIT 1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "ITiT", pupil_id, d, (int)(date_weekday(day)), session_name(session));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *provider_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "finding the pupil's placement");
}

static ap_status check_note(const char *note)
{
    if (!note)
        return AP_OK;
    if (strlen(note) > NOTE_MAX)
        return ap_fail(AP_ERR_INVALID, "Note: %zu bytes is longer than a mark's note can be (at most %d)",
                       strlen(note), NOTE_MAX);
    return rowio_check_text("Note", note, strlen(note) + 1, false, false);
}

/* marks_set_in_tx with the calendar loaded by the caller (files, register
 * close and calls load it once). */
static ap_status set_in_tx(struct store *s, const struct code_set *codes, const struct calendar *cal,
                           const struct mark_input *in, int64_t expected_version, struct mark *out)
{
    ap_status st;
    char code = 0;
    if (in->session != SESSION_AM && in->session != SESSION_PM)
        return ap_fail(AP_ERR_INVALID, "session: expected AM or PM");
    if ((unsigned)in->source >= SOURCE_COUNT)
        return ap_fail(AP_ERR_INVALID, "source: expected phone, email, portal, call, officer or import");
    if ((st = check_school_day(s, cal, in->day)) != AP_OK ||
        (st = check_code(s, codes, in->code, in->day, in->session, &code)) != AP_OK ||
        (st = check_note(in->note)) != AP_OK)
        return st;
    bool found;
    if ((st = exists(s, "SELECT 1 FROM pupil WHERE id = ?1", in->pupil_id, &found)) != AP_OK)
        return st;
    if (!found)
        return ap_fail(AP_ERR_NOT_FOUND, "pupil %lld: not found", (long long)in->pupil_id);
    if (in->provider_id) {
        if ((st = exists(s, "SELECT 1 FROM provider WHERE id = ?1", in->provider_id, &found)) != AP_OK)
            return st;
        if (!found)
            return ap_fail(AP_ERR_NOT_FOUND, "provider %lld: not found", (long long)in->provider_id);
    }

    /* Read, then write, inside the caller's BEGIN IMMEDIATE transaction. */
    struct mark cur;
    if ((st = read_mark(s, in->pupil_id, in->day, in->session, &cur)) != AP_OK)
        return st;
    if (cur.version != expected_version)
        return mark_conflict(s, &cur, in->day, in->session, expected_version);

    int64_t provider_id = in->provider_id ? in->provider_id : cur.provider_id;
    if (!provider_id && (st = placement_provider(s, in->pupil_id, in->day, in->session, &provider_id)) != AP_OK)
        return st;

    /* The provider's report survives the officer's correction. */
    char reported[2] = "";
    if (!source_is_provider(in->source) && cur.version) {
        if (cur.reported_code[0])
            strcpy(reported, cur.reported_code);
        else if (source_is_provider(cur.source) && cur.code[0] != code)
            strcpy(reported, cur.code);
    }
    const char *note = in->note ? in->note : cur.note;
    char now[20], code_str[2] = {code, '\0'};
    store_now(now);

    sqlite3_stmt *stmt = NULL;
    const char *sql = cur.version
                          ? "UPDATE attendance_mark SET code = ?4, reported_code = ?5, provider_id = ?6, source = ?7, "
                            "note = ?8, version = version + 1, updated_at = ?9, updated_by = ?10 "
                            "WHERE pupil_id = ?1 AND day = ?2 AND session = ?3 AND version = ?11"
                          : "INSERT INTO attendance_mark (" MARK_COLUMNS ") "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10)";
    int rc = sqlite3_prepare_v2(store_db(s), sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(stmt, 1, "IiTT", in->pupil_id, (int)in->day, session_name(in->session), code_str);
    if (rc == SQLITE_OK)
        rc = reported[0] ? sqlite3_bind_text(stmt, 5, reported, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(stmt, 5);
    if (rc == SQLITE_OK)
        rc = provider_id ? sqlite3_bind_int64(stmt, 6, provider_id) : sqlite3_bind_null(stmt, 6);
    if (rc == SQLITE_OK)
        rc = rowio_bind(stmt, 7, "TTTT", mark_source_name(in->source), note, now, store_login(s));
    if (rc == SQLITE_OK && cur.version)
        rc = sqlite3_bind_int64(stmt, 11, cur.version);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return store_fail(s, rc, "saving the mark");
    if (sqlite3_changes(store_db(s)) == 0) { /* cannot happen under BEGIN IMMEDIATE; checked all the same */
        if ((st = read_mark(s, in->pupil_id, in->day, in->session, &cur)) != AP_OK)
            return st;
        return mark_conflict(s, &cur, in->day, in->session, expected_version);
    }
    if (out)
        return read_mark(s, in->pupil_id, in->day, in->session, out);
    return AP_OK;
}

ap_status marks_set_in_tx(struct store *s, const struct code_set *codes, const struct mark_input *in,
                          int64_t expected_version, struct mark *out)
{
    struct calendar cal;
    ap_status st = calendar_load(s, &cal);
    if (st != AP_OK)
        return st;
    st = set_in_tx(s, codes, &cal, in, expected_version, out);
    calendar_free(&cal);
    return st;
}

/* Loads the codes and the calendar for a write transaction; both freed by unload(). */
static ap_status load(struct store *s, struct code_set *codes, struct calendar *cal)
{
    memset(cal, 0, sizeof *cal);
    ap_status st = codes_load(s, codes);
    if (st == AP_OK && (st = calendar_load(s, cal)) != AP_OK)
        codes_free(codes);
    return st;
}

static void unload(struct code_set *codes, struct calendar *cal)
{
    codes_free(codes);
    calendar_free(cal);
}

ap_status marks_set(struct store *s, const struct mark_input *in, int64_t expected_version, struct mark *out)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct code_set codes;
    struct calendar cal;
    if ((st = load(s, &codes, &cal)) != AP_OK) {
        store_rollback(s);
        return st;
    }
    st = set_in_tx(s, &codes, &cal, in, expected_version, out);
    unload(&codes, &cal);
    return rowio_end(s, st);
}

ap_status marks_clear(struct store *s, int64_t pupil_id, int day, enum session session, int64_t expected_version)
{
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct mark cur;
    if ((st = read_mark(s, pupil_id, day, session, &cur)) != AP_OK)
        goto fail;
    if (cur.version != expected_version) {
        st = mark_conflict(s, &cur, day, session, expected_version);
        goto fail;
    }
    if (cur.version == 0) { /* nothing there, and nothing was seen */
        store_rollback(s);
        return AP_OK;
    }
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "DELETE FROM attendance_mark WHERE pupil_id = ?1 AND day = ?2 AND session = ?3 "
                                "AND version = ?4",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(stmt, 1, "IiTI", pupil_id, (int)day, session_name(session), expected_version);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        st = store_fail(s, rc, "clearing the mark");
        goto fail;
    }
    if (sqlite3_changes(store_db(s)) == 0) {
        if ((st = read_mark(s, pupil_id, day, session, &cur)) == AP_OK)
            st = mark_conflict(s, &cur, day, session, expected_version);
        goto fail;
    }
    return store_commit(s);
fail:
    store_rollback(s);
    return st;
}

/* ---- expected sessions ------------------------------------------------------------ */

/* The best placement so far for one session of one pupil (expected_days). */
struct expected_slot {
    bool set;
    int start;
    int64_t placement_id, provider_id;
    double hours;
};

/* Gives fn the pupil's sessions in slots[0..nslots) (day by day, AM before
 * PM), and empties them; false when fn said to stop. */
static bool expected_flush(struct expected_slot *slots, int nslots, int first, int64_t pupil_id, expected_fn fn,
                           void *ctx)
{
    bool go = true;
    for (int k = 0; k < nslots; k++) {
        if (!slots[k].set)
            continue;
        struct expected e = {.pupil_id = pupil_id, .provider_id = slots[k].provider_id,
                             .session = k % 2 ? SESSION_PM : SESSION_AM, .hours = slots[k].hours, .day = first + k / 2};
        go = go && fn(ctx, &e);
        slots[k].set = false;
    }
    return go;
}

/* The expected sessions of the days first..last, days of one week (a single
 * day, or Monday to Friday for the grid): one pass over the placements that
 * run in those days, in pupil order, with their timetables. The rule is
 * here, once: a placement not proposed, running on the day (start_date <=
 * day, no end_date or end_date >= day), timetabled for its weekday and
 * session; when two overlap, the latest-starting one (then the higher id)
 * gives the provider and hours. Days that are not school days have none.
 * The placements are read from placement_week, their copy kept for this
 * (migration 037). Without hours (the grid: hours 0) each placement is one
 * row with its sessions as a mask, not a row per session: a fifth of the
 * rows, and no look into the timetables. */
static ap_status expected_days(struct store *s, const struct calendar *cal, int first, int last, bool hours,
                               expected_fn fn, void *ctx)
{
    int wd_first = date_weekday(first), wd_last = date_weekday(last);
    if (last < first || last - first > 4 || wd_last < wd_first)
        return ap_fail(AP_ERR_INVALID, "finding the expected pupils: the days are not in one week");
    if (wd_last > 4)
        wd_last = 4; /* no timetable at weekends */
    int nslots = (wd_last - wd_first + 1) * 2;
    struct expected_slot slots[10] = {{0}};
    bool school[5] = {false};
    bool any = false;
    for (int wd = wd_first; wd <= wd_last; wd++)
        any |= school[wd - wd_first] = calendar_is_school_day(cal, first + (wd - wd_first));
    if (!any)
        return AP_OK;
    sqlite3_stmt *st = NULL;
    ap_status result = AP_OK;
    /* placement_week (migration 037) is each placement's status, days and
     * week of sessions (bit 2 * weekday + pm), kept by triggers, in pupil
     * order: the week is one pass over it, no sort and no seek. With hours,
     * each running placement's timetable rows of those days, one a session. */
#define EXPECTED_RUNNING "l.status != 'proposed' AND l.start_day <= ?2 AND (l.end_day IS NULL OR l.end_day >= ?1) "
    int rc = sqlite3_prepare_v2(store_db(s),
                                hours ? "SELECT l.pupil_id, l.provider_id, l.placement_id, l.start_day, l.end_day, "
                                        "  1 << (2 * t.weekday + (t.session = 'pm')), t.hours "
                                        "FROM placement_week l CROSS JOIN placement_session t "
                                        "  ON t.placement_id = l.placement_id "
                                        "WHERE " EXPECTED_RUNNING "AND t.weekday BETWEEN ?3 AND ?4 "
                                        "ORDER BY l.pupil_id"
                                      : "SELECT l.pupil_id, l.provider_id, l.placement_id, l.start_day, l.end_day, "
                                        "  l.sessions, 0 "
                                        "FROM placement_week l WHERE " EXPECTED_RUNNING "ORDER BY l.pupil_id",
                                -1, &st, NULL);
#undef EXPECTED_RUNNING
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "ii", first, last);
    if (rc == SQLITE_OK && hours)
        rc = rowio_bind(st, 3, "ii", wd_first, wd_last);
    int64_t pupil = 0;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != pupil && !expected_flush(slots, nslots, first, pupil, fn, ctx)) {
            result = nomem("finding the expected pupils");
            break;
        }
        pupil = id;
        int start = sqlite3_column_int(st, 3);
        int end = sqlite3_column_type(st, 4) == SQLITE_NULL ? DATE_NONE : sqlite3_column_int(st, 4);
        int64_t placement = sqlite3_column_int64(st, 2), mask = sqlite3_column_int64(st, 5) >> (2 * wd_first);
        struct expected_slot row = {true, start, placement, sqlite3_column_int64(st, 1),
                                    hours ? sqlite3_column_double(st, 6) : 0};
        for (int k = 0; k < nslots; k++) {
            int day = first + k / 2;
            if (!((mask >> k) & 1) || !school[k / 2] || start > day || (end != DATE_NONE && end < day))
                continue;
            struct expected_slot *e = &slots[k];
            if (e->set && (start < e->start || (start == e->start && placement < e->placement_id)))
                continue;
            *e = row;
        }
    }
    sqlite3_finalize(st);
    if (result == AP_OK && rc != SQLITE_DONE)
        result = store_fail(s, rc, "finding the expected pupils");
    if (result == AP_OK && !expected_flush(slots, nslots, first, pupil, fn, ctx))
        result = nomem("finding the expected pupils");
    return result;
}

/* expected_on's array, grown as the sessions come. */
struct expected_list {
    struct expected *items;
    size_t n, cap;
};

static bool collect_expected(void *ctx, const struct expected *e)
{
    struct expected_list *l = ctx;
    if (!rowio_grow_at((void **)&l->items, &l->cap, l->n, sizeof *l->items))
        return false;
    l->items[l->n++] = *e;
    return true;
}

static ap_status expected_on(struct store *s, const struct calendar *cal, int date, struct expected **out, size_t *n)
{
    struct expected_list l = {0};
    ap_status st = expected_days(s, cal, date, date, true, collect_expected, &l);
    if (st != AP_OK) {
        free(l.items);
        l = (struct expected_list){0};
    }
    *out = l.items;
    *n = l.n;
    return st;
}

ap_status marks_expected(struct store *s, int date, struct expected **out, size_t *n)
{
    struct calendar cal;
    *out = NULL;
    *n = 0;
    ap_status st = calendar_load(s, &cal);
    if (st != AP_OK)
        return st;
    st = expected_on(s, &cal, date, out, n);
    calendar_free(&cal);
    return st;
}

ap_status marks_expected_week(struct store *s, const struct calendar *cal, int monday, expected_fn fn, void *ctx)
{
    return expected_days(s, cal, monday, monday + 4, false, fn, ctx);
}

/* ---- register close ------------------------------------------------------------------ */

/* Gives every expected pupil of the session without a mark N; inside the
 * caller's transaction, on a day already checked to be a school day. */
static ap_status close_in_tx(struct store *s, const struct code_set *codes, const struct calendar *cal, int date,
                             enum session session, int *count)
{
    struct expected *exp = NULL;
    size_t n = 0;
    char stored;
    *count = 0;
    ap_status st = check_code(s, codes, 'N', date, session, &stored);
    if (st == AP_OK)
        st = expected_on(s, cal, date, &exp, &n);
    for (size_t i = 0; i < n && st == AP_OK; i++) {
        if (exp[i].session != session)
            continue;
        struct mark cur;
        if ((st = read_mark(s, exp[i].pupil_id, date, session, &cur)) != AP_OK || cur.version)
            continue;
        struct mark_input in = {
            .pupil_id = exp[i].pupil_id,
            .day = date,
            .session = session,
            .code = 'N',
            .provider_id = exp[i].provider_id,
            .source = SOURCE_OFFICER,
            .note = "register closed",
        };
        if ((st = set_in_tx(s, codes, cal, &in, 0, NULL)) == AP_OK)
            (*count)++;
    }
    free(exp);
    return st;
}

/* Whether register_close holds date/session. */
static ap_status closed_in_tx(struct store *s, int date, enum session session, bool *closed)
{
    char d[11];
    date_format(date, d);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s), "SELECT 1 FROM register_close WHERE day = ?1 AND session = ?2", -1, &st,
                                NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "TT", d, session_name(session));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, rc, "reading whether the register is closed");
    *closed = rc == SQLITE_ROW;
    return AP_OK;
}

/* Records the closure (audited by the table's triggers); the first record of
 * a register stays, a later Ctrl-R adds nothing. */
static ap_status record_close(struct store *s, int date, enum session session, bool automatic, int marked)
{
    char d[11];
    date_format(date, d);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "INSERT INTO register_close (day, session, how, marked, closed_by) "
                                "VALUES (?1, ?2, ?3, ?4, apterm_login()) ON CONFLICT DO NOTHING",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "TTTi", d, session_name(session), automatic ? "automatic" : "manual", (int)marked);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "recording the register close");
}

ap_status marks_close_register(struct store *s, int date, enum session session, int *marked)
{
    if (marked)
        *marked = 0;
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct code_set codes;
    struct calendar cal;
    int count = 0;
    if ((st = load(s, &codes, &cal)) != AP_OK) {
        store_rollback(s);
        return st;
    }
    if ((st = check_school_day(s, &cal, date)) == AP_OK && (st = close_in_tx(s, &codes, &cal, date, session, &count)) == AP_OK)
        st = record_close(s, date, session, false, count);
    unload(&codes, &cal);
    if (st != AP_OK) {
        store_rollback(s);
        return st;
    }
    if ((st = store_commit(s)) == AP_OK && marked)
        *marked = count;
    return st;
}

ap_status marks_close_due(struct store *s, int date, int now_secs, int close_am_min, int close_pm_min,
                          struct register_closed out[2], int *nout)
{
    *nout = 0;
    bool due[2] = {now_secs >= close_am_min * 60, now_secs >= close_pm_min * 60};
    if (!due[SESSION_AM] && !due[SESSION_PM])
        return AP_OK;
    if (!store_can_write(s))
        return AP_OK; /* a viewer's apterm closes nothing; another login's will */
    ap_status st = store_begin(s); /* BEGIN IMMEDIATE: a second process waits, then finds it closed */
    if (st != AP_OK)
        return st;
    struct code_set codes;
    struct calendar cal;
    if ((st = load(s, &codes, &cal)) != AP_OK) {
        store_rollback(s);
        return st;
    }
    struct register_closed done[2];
    int n = 0;
    if (calendar_is_school_day(&cal, date))
        for (int k = SESSION_AM; k <= SESSION_PM && st == AP_OK; k++) {
            bool closed = false;
            if (!due[k] || (st = closed_in_tx(s, date, (enum session)k, &closed)) != AP_OK || closed)
                continue;
            int count = 0;
            if ((st = close_in_tx(s, &codes, &cal, date, (enum session)k, &count)) == AP_OK &&
                (st = record_close(s, date, (enum session)k, true, count)) == AP_OK)
                done[n++] = (struct register_closed){.session = (enum session)k, .marked = count};
        }
    unload(&codes, &cal);
    if (st != AP_OK) {
        store_rollback(s);
        return st;
    }
    if ((st = store_commit(s)) != AP_OK)
        return st;
    for (int i = 0; i < n; i++)
        out[i] = done[i];
    *nout = n;
    return AP_OK;
}

ap_status marks_register_closed(struct store *s, int date, enum session session, bool *closed)
{
    *closed = false;
    return closed_in_tx(s, date, session, closed);
}

/* ---- first-day absence calls ---------------------------------------------------------- */

static ap_status call_details(struct store *s, int date, struct call_entry *e)
{
    char d[11];
    date_format(date, d);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s),
                                "SELECT id, name, relationship, phone, phone2 FROM contact WHERE pupil_id = ?1 "
                                "ORDER BY priority, id LIMIT 4",
                                -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, e->pupil_id);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW || e->ncontacts >= 4)
            break;
        struct call_contact *c = &e->contacts[e->ncontacts++];
        c->id = sqlite3_column_int64(st, 0);
        column_copy(c->name, sizeof c->name, st, 1);
        column_copy(c->relationship, sizeof c->relationship, st, 2);
        column_copy(c->phone, sizeof c->phone, st, 3);
        column_copy(c->phone2, sizeof c->phone2, st, 4);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail(s, rc, "reading the contacts");
    rc = sqlite3_prepare_v2(store_db(s),
                            "SELECT count(*) OVER (), max(reached OR resulting_code IS NOT NULL) OVER (), "
                            "       strftime('%Y-%m-%d %H:%M:%S', called_at, 'localtime'), outcome "
                            "FROM absence_call WHERE pupil_id = ?1 AND day = ?2 "
                            "ORDER BY called_at DESC, id DESC LIMIT 1",
                            -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 1, "IT", e->pupil_id, d);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        e->attempts = sqlite3_column_int(st, 0);
        e->resolved = sqlite3_column_int(st, 1) != 0;
        column_copy(e->last_call_at, sizeof e->last_call_at, st, 2);
        column_copy(e->last_outcome, sizeof e->last_outcome, st, 3);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "reading the calls");
}

/* A row of calls_list's statement. */
static void read_call_entry(sqlite3_stmt *st, void *row, const void *ctx)
{
    (void)ctx;
    struct call_entry *e = row;
    memset(e, 0, sizeof *e);
    e->pupil_id = sqlite3_column_int64(st, 0);
    roll_display_name(e->pupil_name, sizeof e->pupil_name, (const char *)sqlite3_column_text(st, 1),
                      (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
    bool cla = sqlite3_column_int(st, 4) != 0;
    column_copy(e->am_code, sizeof e->am_code, st, 5);
    e->am_version = sqlite3_column_int64(st, 6);
    column_copy(e->pm_code, sizeof e->pm_code, st, 7);
    e->pm_version = sqlite3_column_int64(st, 8);
    column_copy(e->provider_name, sizeof e->provider_name, st, 9);
    bool concern = sqlite3_column_int(st, 10) != 0;
    e->escalate = cla || concern;
    snprintf(e->escalate_why, sizeof e->escalate_why, "%s%s%s", cla ? "looked after (CLA)" : "",
             cla && concern ? "; " : "", concern ? "safeguarding concern on file" : "");
}

ap_status calls_list(struct store *s, int date, struct call_entry **out, size_t *n)
{
    char d[11];
    date_format(date, d);
    /* A viewer's authorizer hides concern.kind (it reads as NULL): for them
     * any concern on file marks the pupil for escalation. */
    ap_status result = rowio_listf(
        s,
        "SELECT u.id, u.preferred_name, u.legal_forename, u.legal_surname, u.cla, "
        "       am.code, am.version, pm.code, pm.version, "
        "       coalesce(pa.name, pp.name, "
        "         (SELECT v.name FROM placement l JOIN placement_session t ON t.placement_id = l.id "
        "          JOIN provider v ON v.id = l.provider_id "
        "          WHERE l.pupil_id = u.id AND l.status != 'proposed' AND l.start_date <= ?2 "
        "            AND (l.end_date IS NULL OR l.end_date >= ?2) AND t.weekday = ?4 "
        "          ORDER BY l.start_date DESC, l.id DESC LIMIT 1), ''), "
        "       EXISTS (SELECT 1 FROM concern c WHERE c.pupil_id = u.id "
        "               AND (c.kind = 'safeguarding' OR c.kind IS NULL)) "
        "FROM pupil u "
        "LEFT JOIN attendance_mark am ON am.pupil_id = u.id AND am.day = ?1 AND am.session = 'am' "
        "LEFT JOIN attendance_mark pm ON pm.pupil_id = u.id AND pm.day = ?1 AND pm.session = 'pm' "
        "LEFT JOIN provider pa ON pa.id = am.provider_id "
        "LEFT JOIN provider pp ON pp.id = pm.provider_id "
        "WHERE u.id IN (SELECT m.pupil_id FROM attendance_mark m "
        "               LEFT JOIN attendance_code k ON k.code_set = ?3 AND k.code = m.code "
        "               WHERE m.day = ?1 AND (m.code = 'N' OR k.category = 'unauthorised')) "
        "ORDER BY u.legal_surname COLLATE NOCASE, u.legal_forename COLLATE NOCASE, u.id",
        sizeof **out, read_call_entry, NULL, out, n, "listing the absence calls", "iTTi", (int)date, d,
        store_code_set(s), (int)(date_weekday(date)));
    for (size_t i = 0; result == AP_OK && i < *n; i++)
        result = call_details(s, date, &(*out)[i]);
    if (result != AP_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return result;
}

/* A row of calls_history's statement. */
static void read_call_record(sqlite3_stmt *st, void *row, const void *ctx)
{
    (void)ctx;
    struct call_record *c = row;
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->day = rowio_date(st, 1);
    column_copy(c->called_at, sizeof c->called_at, st, 2);
    column_copy(c->called_by, sizeof c->called_by, st, 3);
    c->contact_id = sqlite3_column_int64(st, 4);
    column_copy(c->person, sizeof c->person, st, 5);
    c->reached = sqlite3_column_int(st, 6) != 0;
    column_copy(c->outcome, sizeof c->outcome, st, 7);
    column_copy(c->resulting_code, sizeof c->resulting_code, st, 8);
}

ap_status calls_history(struct store *s, int64_t pupil_id, size_t limit, struct call_record **out, size_t *n)
{
    return rowio_listf(s,
                       "SELECT id, day, strftime('%Y-%m-%d %H:%M:%S', called_at, 'localtime'), called_by, "
                       "       contact_id, person_reached, reached, outcome, resulting_code "
                       "FROM absence_call WHERE pupil_id = ?1 "
                       "ORDER BY day DESC, called_at DESC, id DESC LIMIT ?2",
                       sizeof **out, read_call_record, NULL, out, n, "reading the calls", "II", pupil_id,
                       (int64_t)(limit ? (sqlite3_int64)limit : -1));
}

/* Is the pupil expected at this session of the day? */
static ap_status is_expected(struct store *s, int64_t pupil_id, int day, enum session session, bool *yes)
{
    int64_t provider_id = 0;
    ap_status st = placement_provider(s, pupil_id, day, session, &provider_id);
    *yes = provider_id != 0;
    return st;
}

ap_status calls_log(struct store *s, const struct call_input *in)
{
    const char *outcome = in->outcome ? in->outcome : "";
    const char *person = in->person ? in->person : "";
    if (strlen(outcome) > OUTCOME_MAX || !utf8_valid(outcome))
        return ap_fail(AP_ERR_INVALID, "Outcome: at most %d bytes of UTF-8 text", OUTCOME_MAX);
    if (strlen(person) > 200 || !utf8_valid(person))
        return ap_fail(AP_ERR_INVALID, "Person reached: at most 200 bytes of UTF-8 text");
    if (in->day < 0 || in->day > 100000)
        return ap_fail(AP_ERR_INVALID, "day %d is outside the dates a register can hold", in->day);
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct code_set codes = {0};
    struct calendar cal = {0};
    char contact_name[101] = "", d[11];
    date_format(in->day, d);
    bool found;
    if ((st = exists(s, "SELECT 1 FROM pupil WHERE id = ?1", in->pupil_id, &found)) != AP_OK)
        goto fail;
    if (!found) {
        st = ap_fail(AP_ERR_NOT_FOUND, "pupil %lld: not found", (long long)in->pupil_id);
        goto fail;
    }
    if (in->contact_id) {
        sqlite3_stmt *q = NULL;
        int rc = sqlite3_prepare_v2(store_db(s), "SELECT name FROM contact WHERE id = ?1 AND pupil_id = ?2", -1, &q,
                                    NULL);
        if (rc == SQLITE_OK)
            rc = rowio_bind(q, 1, "II", in->contact_id, in->pupil_id);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            column_copy(contact_name, sizeof contact_name, q, 0);
        sqlite3_finalize(q);
        if (rc == SQLITE_DONE) {
            st = ap_fail(AP_ERR_INVALID, "contact %lld is not one of this pupil's contacts", (long long)in->contact_id);
            goto fail;
        }
        if (rc != SQLITE_ROW) {
            st = store_fail(s, rc, "reading the contact");
            goto fail;
        }
    }

    /* Which sessions the code goes to: decided, and refused, before anything is written. */
    bool change[2] = {false, false};
    struct mark cur[2];
    char resulting = 0;
    if (in->code) {
        if ((st = load(s, &codes, &cal)) != AP_OK)
            goto fail;
        for (int k = 0; k < 2; k++) {
            enum session sess = (enum session)k;
            if (!in->both_sessions && sess != in->session)
                continue;
            if ((st = read_mark(s, in->pupil_id, in->day, sess, &cur[k])) != AP_OK)
                goto fail;
            if (cur[k].version == 0) {
                bool expected = true;
                if (in->both_sessions && (st = is_expected(s, in->pupil_id, in->day, sess, &expected)) != AP_OK)
                    goto fail;
                change[k] = expected;
            } else if (strcmp(cur[k].code, "N") == 0) {
                change[k] = true;
            } else {
                st = ap_fail(AP_ERR_INVALID,
                             "%s %s is marked %s (by %s at %s UTC), not N: a call's code replaces only N, so "
                             "nothing was saved; log the call without a code, or change the mark itself",
                             d, session_upper(sess), cur[k].code, cur[k].updated_by, cur[k].updated_at);
                goto fail;
            }
        }
        if (!change[0] && !change[1]) {
            st = ap_fail(AP_ERR_INVALID, "%s: the pupil is not expected that day and has no N to replace: nothing was saved",
                         d);
            goto fail;
        }
        char mark_note[NOTE_MAX + 1];
        if (strlen(outcome) <= NOTE_MAX && outcome[0])
            snprintf(mark_note, sizeof mark_note, "%s", outcome);
        else
            snprintf(mark_note, sizeof mark_note, "first-day absence call (see the call log)");
        for (int k = 0; k < 2; k++) {
            if (!change[k])
                continue;
            struct mark_input mi = {
                .pupil_id = in->pupil_id,
                .day = in->day,
                .session = (enum session)k,
                .code = in->code,
                .source = SOURCE_CALL,
                .note = mark_note,
            };
            struct mark after;
            if ((st = set_in_tx(s, &codes, &cal, &mi, cur[k].version, &after)) != AP_OK)
                goto fail;
            if (!resulting)
                resulting = after.code[0];
        }
    }

    char now[20], result_code[2] = {resulting, '\0'};
    store_now(now);
    if ((st = rowio_run(s,
                        "INSERT INTO absence_call (pupil_id, day, called_at, called_by, contact_id, "
                        "person_reached, reached, outcome, resulting_code, updated_at, updated_by) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?4)",
                        "logging the call", "ITTTrTiTT", in->pupil_id, d, now, store_login(s), in->contact_id,
                        person[0] ? person : contact_name, (int)(in->reached ? 1 : 0), outcome,
                        resulting ? result_code : NULL)) != AP_OK)
        goto fail;
    unload(&codes, &cal);
    return store_commit(s);
fail:
    unload(&codes, &cal);
    store_rollback(s);
    return st;
}

/* ---- files -------------------------------------------------------------------------- */

ap_status marks_pupil_by_upn(struct store *s, const char *upn, int64_t *pupil_id)
{
    char why[160];
    *pupil_id = 0;
    if (!upn_valid(upn, why, sizeof why))
        return ap_fail(AP_ERR_INVALID, "\"%s\" is not a UPN: %s", upn, why);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store_db(s), "SELECT id FROM pupil WHERE upn = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, upn, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *pupil_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return ap_fail(AP_ERR_NOT_FOUND, "no pupil with the UPN %s in the store", upn);
    return rc == SQLITE_ROW ? AP_OK : store_fail(s, rc, "finding the pupil");
}

/* The columns of an import file. */
enum { COL_DATE, COL_SESSION, COL_UPN, COL_CODE, COL_NOTE, COL_SOURCE, COL_KNOWN };
static const char *const import_columns[COL_KNOWN] = {"date", "session", "upn", "code", "note", "source"};
/* Written by marks_export_csv, accepted and ignored on import. */
static const char *const ignored_columns[] = {"surname", "forename", "meaning", "reported_code",
                                              "provider", "recorded_by", "recorded_at", NULL};

struct import_row {
    int line;
    int64_t pupil_id;
    int day;
    enum session session;
    char code;
    enum mark_source source;
    char *note;         /* malloc'd; NULL when the file has no note column */
};

static int compare_rows(const void *a, const void *b)
{
    const struct import_row *x = *(const struct import_row *const *)a, *y = *(const struct import_row *const *)b;
    if (x->pupil_id != y->pupil_id)
        return x->pupil_id < y->pupil_id ? -1 : 1;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->session != y->session)
        return x->session < y->session ? -1 : 1;
    return x->line - y->line;
}

/* Reads the header into col[COL_*] (field index, or -1 when absent). */
static ap_status import_header(struct csv_reader *r, int col[COL_KNOWN])
{
    for (int k = 0; k < COL_KNOWN; k++)
        col[k] = -1;
    for (size_t i = 0; i < r->nfield; i++) {
        const char *name = r->field[i];
        bool known = false;
        for (int k = 0; k < COL_KNOWN && !known; k++)
            if (strcasecmp(name, import_columns[k]) == 0) {
                if (col[k] >= 0)
                    return csv_fail(r, "the header names the column %s twice", import_columns[k]);
                col[k] = (int)i;
                known = true;
            }
        for (int k = 0; ignored_columns[k] && !known; k++)
            known = strcasecmp(name, ignored_columns[k]) == 0;
        if (!known)
            return csv_fail(r, "field %zu of the header: unknown column \"%s\" (expected date, session, upn, code "
                               "and optionally note, source)",
                            i + 1, name);
    }
    for (int k = COL_DATE; k <= COL_CODE; k++)
        if (col[k] < 0)
            return csv_fail(r, "the header has no %s column (expected date,session,upn,code[,note][,source])",
                            import_columns[k]);
    return AP_OK;
}

/* Checks one line into *row. */
static ap_status import_line(struct store *s, const struct code_set *codes, const struct calendar *cal,
                             struct csv_reader *r, const int col[COL_KNOWN], size_t nfields, struct import_row *row)
{
    ap_status st;
    char detail[400];
#define FIELD(k) csv_unprotect(r->field[col[k]])
#define BAD(k, ...) csv_fail(r, "field %d (%s): %s", col[k] + 1, import_columns[k], (snprintf(detail, sizeof detail, __VA_ARGS__), detail))
    if (r->nfield != nfields)
        return csv_fail(r, "expected %zu fields, as in the header, but found %zu", nfields, r->nfield);
    memset(row, 0, sizeof *row);
    row->line = r->line;
    if (!date_parse_iso(FIELD(COL_DATE), &row->day))
        return BAD(COL_DATE, "\"%s\" is not a date (expected YYYY-MM-DD)", FIELD(COL_DATE));
    if (check_school_day(s, cal, row->day) != AP_OK)
        return BAD(COL_DATE, "%s", ap_error_detail());
    if (!session_parse(FIELD(COL_SESSION), &row->session))
        return BAD(COL_SESSION, "\"%s\" is not a session (expected am or pm)", FIELD(COL_SESSION));
    if ((st = marks_pupil_by_upn(s, FIELD(COL_UPN), &row->pupil_id)) != AP_OK) {
        if (st != AP_ERR_INVALID && st != AP_ERR_NOT_FOUND)
            return st;
        return BAD(COL_UPN, "%s", ap_error_detail());
    }
    const char *code = FIELD(COL_CODE);
    if (strlen(code) != 1)
        return BAD(COL_CODE, "\"%s\" is not an attendance code (expected one character)", code);
    char typed = code[0] >= 'a' && code[0] <= 'z' ? (char)(code[0] - 'a' + 'A') : code[0];
    if (check_code(s, codes, typed, row->day, row->session, &row->code) != AP_OK)
        return BAD(COL_CODE, "%s", ap_error_detail());
    row->source = SOURCE_IMPORT;
    if (col[COL_SOURCE] >= 0 && FIELD(COL_SOURCE)[0] && !mark_source_parse(FIELD(COL_SOURCE), &row->source))
        return BAD(COL_SOURCE, "\"%s\" is not a source (expected phone, email, portal, call, officer or import)",
                   FIELD(COL_SOURCE));
    if (col[COL_NOTE] >= 0) {
        if (check_note(FIELD(COL_NOTE)) != AP_OK)
            return BAD(COL_NOTE, "%s", ap_error_detail());
        if (!(row->note = strdup(FIELD(COL_NOTE))))
            return nomem("reading the file");
    }
#undef FIELD
#undef BAD
    return AP_OK;
}

ap_status marks_import_csv(struct store *s, const char *name, const char *text, bool replace, int *count)
{
    if (count)
        *count = 0;
    ap_status st = store_begin(s);
    if (st != AP_OK)
        return st;
    struct code_set codes = {0};
    struct calendar cal = {0};
    struct csv_reader r;
    struct import_row *rows = NULL, **order = NULL;
    size_t n = 0, cap = 0;
    int col[COL_KNOWN];
    bool got = false;
    csv_open(&r, name, text);
    r.comment = '#';
    if ((st = load(s, &codes, &cal)) != AP_OK)
        goto done;
    if ((st = csv_next(&r, &got)) != AP_OK)
        goto done;
    if (!got) {
        st = ap_fail(AP_ERR_INVALID, "%s is empty: expected the header date,session,upn,code[,note][,source]", name);
        goto done;
    }
    if ((st = import_header(&r, col)) != AP_OK)
        goto done;
    size_t nfields = r.nfield;

    /* Every line is checked before anything is written. */
    while ((st = csv_next(&r, &got)) == AP_OK && got) {
        if (!rowio_grow_at((void **)&rows, &cap, n, sizeof *rows)) {
            st = nomem("reading the file");
            goto done;
        }
        if ((st = import_line(s, &codes, &cal, &r, col, nfields, &rows[n])) != AP_OK)
            goto done;
        n++;
    }
    if (st != AP_OK)
        goto done;

    /* The same mark twice in one file is ambiguous: refuse it. */
    if (n && !(order = malloc(n * sizeof *order))) {
        st = nomem("reading the file");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = &rows[i];
    if (n)
        qsort(order, n, sizeof *order, compare_rows);
    for (size_t i = 1; i < n; i++)
        if (order[i]->pupil_id == order[i - 1]->pupil_id && order[i]->day == order[i - 1]->day &&
            order[i]->session == order[i - 1]->session) {
            st = ap_fail(AP_ERR_INVALID, "%s line %d: the same pupil, date and session as line %d", name,
                         order[i]->line, order[i - 1]->line);
            goto done;
        }

    for (size_t i = 0; i < n; i++) {
        const struct import_row *row = &rows[i];
        int64_t expected = 0;
        if (replace) {
            struct mark cur;
            if ((st = read_mark(s, row->pupil_id, row->day, row->session, &cur)) != AP_OK)
                goto done;
            expected = cur.version;
        }
        struct mark_input in = {
            .pupil_id = row->pupil_id,
            .day = row->day,
            .session = row->session,
            .code = row->code,
            .source = row->source,
            .note = row->note,
        };
        if ((st = set_in_tx(s, &codes, &cal, &in, expected, NULL)) != AP_OK) {
            char detail[400];
            if (st == AP_ERR_CONFLICT && !replace)
                st = marks_refuse_existing(s, row->pupil_id, row->day, row->session);
            copy_utf8(detail, sizeof detail, ap_error_detail());
            st = ap_fail(st, "%s line %d: %s", name, row->line, detail);
            goto done;
        }
    }
done:
    csv_close(&r);
    for (size_t i = 0; i < n; i++)
        free(rows[i].note);
    free(rows);
    free(order);
    unload(&codes, &cal);
    if (st != AP_OK) {
        store_rollback(s);
        return st;
    }
    if ((st = store_commit(s)) == AP_OK && count)
        *count = (int)n;
    return st;
}

ap_status marks_export_pupils(struct store *s, int from, int to, long *pupils)
{
    int64_t count = 0;
    ap_status st = rowio_row(s,
                             "SELECT count(*) FROM pupil u WHERE EXISTS (SELECT 1 FROM attendance_mark m "
                             "  WHERE m.pupil_id = u.id AND m.day BETWEEN ?1 AND ?2)",
                             "counting the pupils of the export", NULL, "ii", "I", (int)from, (int)to, &count);
    if (st == AP_OK)
        *pupils = (long)count;
    return st;
}

/* Text by key, read once for an export instead of a lookup per row: the
 * code set's meanings (by code) or the providers' names (by id), in key
 * order. */
struct export_names {
    struct export_name {
        int64_t id;
        char code[8];
        char *text;
    } *rows;
    size_t n, cap, last;
};

static void export_names_free(struct export_names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->rows[i].text);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* Rows of (id or code, text), in key order (by_code: ?1 is the code set). */
static ap_status export_names_load(struct store *s, const char *sql, bool by_code, struct export_names *t)
{
    sqlite3_stmt *st = NULL;
    ap_status r = rowio_prepare(s, sql, &st, "exporting the marks");
    if (r != AP_OK)
        return r;
    int rc = by_code ? rowio_bind(st, 1, "T", store_code_set(s)) : SQLITE_OK;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct export_name *grown = rowio_grow(t->rows, &t->cap, t->n, sizeof *t->rows);
        const unsigned char *text = sqlite3_column_text(st, 1);
        char *copy = grown ? strdup(text ? (const char *)text : "") : NULL;
        if (grown)
            t->rows = grown;
        if (!copy) {
            sqlite3_finalize(st);
            return nomem("exporting the marks");
        }
        struct export_name *e = &t->rows[t->n++];
        memset(e, 0, sizeof *e);
        if (by_code)
            column_copy(e->code, sizeof e->code, st, 0);
        else
            e->id = sqlite3_column_int64(st, 0);
        e->text = copy;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? AP_OK : store_fail(s, rc, "exporting the marks");
}

/* The text of id (code NULL) or of code, "" when there is none; the last
 * found is tried first (a pupil's marks mostly name one provider). */
static const char *export_name(struct export_names *t, int64_t id, const char *code)
{
    if (t->n == 0)
        return "";
    const struct export_name *e = &t->rows[t->last];
    if (code ? strcmp(e->code, code) == 0 : e->id == id)
        return e->text;
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = code ? strcmp(t->rows[mid].code, code) : (t->rows[mid].id > id) - (t->rows[mid].id < id);
        if (c == 0) {
            t->last = mid;
            return t->rows[mid].text;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return "";
}

/* Writes out the block of records b holds, and empties it. */
static bool export_flush(FILE *out, struct strbuf *b)
{
    if (b->failed) {
        errno = ENOMEM;
        return false;
    }
    bool ok = fwrite(b->s ? b->s : "", 1, b->len, out) == b->len;
    strbuf_reset(b);
    return ok;
}

ap_status marks_export_csv(struct store *s, int from, int to, FILE *out, int *count)
{
    if (count)
        *count = 0;
    char d1[11], d2[11];
    if (from > to)
        return ap_fail(AP_ERR_INVALID, "the range %s to %s ends before it starts", date_format(from, d1),
                       date_format(to, d2));
    static const char *const header[] = {"date", "session", "upn", "surname", "forename", "code", "meaning",
                                         "reported_code", "provider", "source", "note", "recorded_by",
                                         "recorded_at"};
    enum { NCOL = sizeof header / sizeof header[0], C_MEANING = 6, C_PROVIDER = 8 };
    /* One read: the codes' meanings and the providers' names (read once,
     * not looked up per mark) and the marks see the same store. */
    sqlite3 *db = store_db(s);
    bool own = sqlite3_get_autocommit(db) != 0;
    int rc = own ? sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) : SQLITE_OK;
    if (rc != SQLITE_OK)
        return store_fail(s, rc, "exporting the marks");
    struct export_names meanings = {0}, providers = {0};
    ap_status result = export_names_load(s, "SELECT code, meaning FROM attendance_code WHERE code_set = ?1 "
                                            "ORDER BY code COLLATE BINARY", true, &meanings);
    if (result == AP_OK)
        result = export_names_load(s, "SELECT id, name FROM provider ORDER BY id", false, &providers);
    /* Pupil by pupil in name order (the pupil_name index), each pupil's
     * marks of the range from the attendance_mark primary key (pupil_id,
     * day, session): both walks are in key order, so there is no lookup per
     * mark and no sort; memory stays the same for a day or a year. The two
     * walks are two statements, so that a pupil's UPN and names are read
     * and quoted once for all their marks, not once a mark. */
    sqlite3_stmt *who = NULL, *st = NULL;
    if (result == AP_OK) {
        rc = sqlite3_prepare_v2(db,
                                "SELECT u.id, u.upn, u.legal_surname, u.legal_forename "
                                "FROM pupil u INDEXED BY pupil_name "
                                "ORDER BY u.legal_surname COLLATE NOCASE, u.legal_forename COLLATE NOCASE, u.id",
                                -1, &who, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_prepare_v2(db,
                                    "SELECT day, session, code, coalesce(reported_code, ''), provider_id, source, "
                                    "       note, updated_by, updated_at "
                                    "FROM attendance_mark WHERE pupil_id = ?1 AND day BETWEEN ?2 AND ?3 "
                                    "ORDER BY day, session",
                                    -1, &st, NULL);
        if (rc == SQLITE_OK)
            rc = rowio_bind(st, 2, "ii", (int)from, (int)to);
        if (rc != SQLITE_OK)
            result = store_fail(s, rc, "exporting the marks");
    }
    /* A UTF-8 byte-order mark first: without it a spreadsheet opening the file
     * shows Siân as SiÃ¢n. apterm's own CSV reader skips it. The records go
     * out in blocks (a term of marks is tens of megabytes). */
    struct strbuf block = {0}, pupil = {0};
    strbuf_append(&block, "\xEF\xBB\xBF");
    for (int i = 0; i < NCOL; i++)
        csv_append_field(&block, header[i], i == NCOL - 1);
    errno = 0;
    bool ok = result == AP_OK;
    int written = 0, day = -1;
    char date[11] = "";
    int prc = SQLITE_DONE;
    while (ok && (prc = sqlite3_step(who)) == SQLITE_ROW) {
        rc = sqlite3_bind_int64(st, 1, sqlite3_column_int64(who, 0));
        bool first = true;
        while ((rc == SQLITE_OK || rc == SQLITE_ROW) && ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (first) { /* the pupil's upn,surname,forename, once */
                first = false;
                strbuf_reset(&pupil);
                for (int c = 1; c <= 3; c++) {
                    const unsigned char *v = sqlite3_column_text(who, c);
                    csv_append_field(&pupil, v ? (const char *)v : "", false);
                }
            }
            if (sqlite3_column_int(st, 0) != day)
                date_format(day = sqlite3_column_int(st, 0), date);
            csv_append_field(&block, date, false);
            const unsigned char *v = sqlite3_column_text(st, 1);
            csv_append_field(&block, v ? (const char *)v : "", false);
            strbuf_appendn(&block, strbuf_str(&pupil), pupil.len);
            const char *code = (const char *)sqlite3_column_text(st, 2);
            csv_append_field(&block, code ? code : "", false);
            csv_append_field(&block, export_name(&meanings, 0, code ? code : ""), false);
            for (int c = 3; c < 9; c++) {
                if (c == 4) {
                    csv_append_field(&block, sqlite3_column_type(st, c) == SQLITE_NULL
                                                 ? ""
                                                 : export_name(&providers, sqlite3_column_int64(st, c), NULL),
                                     false);
                    continue;
                }
                v = sqlite3_column_text(st, c);
                csv_append_field(&block, v ? (const char *)v : "", c == 8);
            }
            written++;
            if (block.len >= 1 << 18)
                ok = export_flush(out, &block);
        }
        if (rc == SQLITE_DONE || rc == SQLITE_ROW) /* done, or left by a failed write */
            rc = sqlite3_reset(st);
        if (rc != SQLITE_OK) {
            result = store_fail(s, rc, "exporting the marks");
            ok = false;
        }
        if (pupil.failed) {
            errno = ENOMEM;
            ok = false;
        }
    }
    if (ok && prc != SQLITE_DONE)
        result = store_fail(s, prc, "exporting the marks");
    if (ok && result == AP_OK)
        ok = export_flush(out, &block);
    int err = errno;
    strbuf_free(&block);
    strbuf_free(&pupil);
    sqlite3_finalize(st);
    sqlite3_finalize(who);
    if (own)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    export_names_free(&meanings);
    export_names_free(&providers);
    if (result != AP_OK)
        return result;
    if (ok && fflush(out) != 0) {
        ok = false;
        err = errno;
    }
    if ((!ok || ferror(out)) && (err == ENOSPC || err == EDQUOT))
        return ap_fail(AP_ERR_IO, "writing the marks: the disk holding it is full");
    if (!ok && err == ENOMEM)
        return nomem("exporting the marks");
    if (!ok || ferror(out))
        return ap_fail(AP_ERR_IO, "writing the marks: %s", strerror(err ? err : EIO));
    if (count)
        *count = written;
    return AP_OK;
}
