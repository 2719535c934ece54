#include "interchange.h"

#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contact.h"
#include "csv.h"
#include "date.h"
#include "ixdb.h"
#include "labels.h"
#include "money.h"
#include "placement.h"
#include "provider.h"
#include "pupil.h"
#include "rowio.h"
#include "school.h"
#include "strbuf.h"
#include "tracking.h"
#include "upn.h"
#include "utf8.h"

/* ---- the columns ------------------------------------------------------- */

enum ftype {
    F_TEXT,         /* one line of text, char[size] */
    F_LINES,        /* text that may hold line breaks */
    F_AREAS,        /* tracking areas in words or codes, kept as codes (db/tracking.h) */
    F_DATE,         /* int date, "" = none */
    F_BOOL,         /* bool: yes / no */
    F_CHOICE,       /* a code of a labels table */
    F_MONEY,        /* int64_t pence, written as pounds "12.50" */
    F_INT,          /* int, "" = 0 */
    F_HOURS,        /* double hours of a session, "" = 0 */
    F_UPN,          /* the pupil's own UPN (the key of pupils) */
    F_PUPIL,        /* the UPN of the pupil a record belongs to */
    F_SCHOOL,       /* the home school's name */
    F_SCHOOL_URN,   /* the home school's URN */
    F_PROVIDER,     /* the placement's provider's name */
    F_PROVIDER_PC,  /* the placement's provider's postcode */
    F_POSTCODE,     /* the provider's own postcode (in its address) */
    F_PRIORITY,     /* a contact's place in the calling order */
    F_VERSION,      /* the stored record's version when exported */
};

struct field {
    const char *column;             /* the CSV header name */
    const char *label;              /* the form's label, as validate names it */
    enum ftype type;
    size_t offset, size;
    const struct label *choices;
};

#define FT(col, label, type, st, member) \
    {col, label, type, offsetof(struct st, member), sizeof ((struct st *)0)->member, NULL}
#define FC(col, label, st, member, table) \
    {col, label, F_CHOICE, offsetof(struct st, member), sizeof ((struct st *)0)->member, table}
#define FS(col, label, type) {col, label, type, 0, 0, NULL}
#define FH(col, label, d, h) \
    {col, label, F_HOURS, offsetof(struct placement, hours) + ((d) * 2 + (h)) * sizeof(double), sizeof(double), NULL}

static const struct field pupil_fields[] = {
    FT("upn", "UPN", F_UPN, pupil, upn),
    FT("legal_forename", "Legal forename", F_TEXT, pupil, legal_forename),
    FT("legal_surname", "Legal surname", F_TEXT, pupil, legal_surname),
    FT("preferred_name", "Preferred name", F_TEXT, pupil, preferred_name),
    FT("dob", "Date of birth", F_DATE, pupil, dob),
    FC("gender", "Gender", pupil, gender, LABELS_GENDER),
    FS("home_school", "Home school", F_SCHOOL),
    FS("home_school_urn", "Home school URN", F_SCHOOL_URN),
    FC("roll_status", "Roll status", pupil, roll_status, LABELS_ROLL_STATUS),
    FC("cohort", "Cohort", pupil, cohort, LABELS_COHORT),
    FT("fsm", "FSM", F_BOOL, pupil, fsm),
    FT("cla", "Looked after", F_BOOL, pupil, cla),
    FC("plan", "Plan", pupil, plan, LABELS_PLAN),
    FT("aln_areas", "ALN areas of need", F_TEXT, pupil, aln_areas),
    FT("social_worker", "Social worker", F_TEXT, pupil, social_worker),
    FT("social_worker_phone", "Social worker phone", F_TEXT, pupil, social_worker_phone),
    FT("start_date", "Start date", F_DATE, pupil, start_date),
    FT("end_date", "End date", F_DATE, pupil, end_date),
    FT("destination", "Destination", F_TEXT, pupil, destination),
    FT("has_idp", "IDP", F_BOOL, pupil, has_idp),
    FT("has_psp", "PSP", F_BOOL, pupil, has_psp),
    FT("has_ra", "Risk assessment", F_BOOL, pupil, has_ra),
    FT("has_ihp", "IHP", F_BOOL, pupil, has_ihp),
    FT("has_php", "PHP", F_BOOL, pupil, has_php),
    FT("has_pep", "PEP", F_BOOL, pupil, has_pep),
    FT("uln", "ULN", F_TEXT, pupil, uln),
    FT("middle_names", "Middle names", F_TEXT, pupil, middle_names),
    FC("ethnicity", "Ethnicity", pupil, ethnicity, LABELS_ETHNICITY),
    FS("version", "Version", F_VERSION),
};

static const struct field contact_fields[] = {
    FS("upn", "Pupil", F_PUPIL),
    FT("name", "Name", F_TEXT, contact, name),
    FS("priority", "Priority", F_PRIORITY),
    FT("relationship", "Relationship", F_TEXT, contact, relationship),
    FT("phone", "Phone", F_TEXT, contact, phone),
    FT("phone2", "Other phone", F_TEXT, contact, phone2),
    FT("email", "Email", F_TEXT, contact, email),
    FT("parental_responsibility", "Parental responsibility", F_BOOL, contact, parental_responsibility),
    FS("version", "Version", F_VERSION),
};

static const struct field provider_fields[] = {
    FT("name", "Name", F_TEXT, provider, name),
    FS("postcode", "Postcode", F_POSTCODE),
    FT("organisation", "Organisation", F_TEXT, provider, organisation),
    FT("registered_manager", "Registered manager", F_TEXT, provider, registered_manager),
    FT("address", "Address", F_LINES, provider, address),
    FT("phone", "Phone", F_TEXT, provider, phone),
    FT("email", "Email", F_TEXT, provider, email),
    FC("registration", "Registration", provider, registration, LABELS_REGISTRATION),
    FT("urn", "URN", F_TEXT, provider, urn),
    FT("ukprn", "UKPRN", F_TEXT, provider, ukprn),
    FT("age_from", "Age from", F_INT, provider, age_from),
    FT("age_to", "Age to", F_INT, provider, age_to),
    FT("aln_areas", "ALN areas covered", F_TEXT, provider, aln_areas),
    FT("purpose", "Purpose", F_LINES, provider, purpose),
    FC("cost_basis", "Cost basis", provider, cost_basis, LABELS_COST_BASIS),
    FT("cost_rate", "Cost", F_MONEY, provider, cost_rate),
    FT("dsl_name", "Designated Safeguarding Lead", F_TEXT, provider, dsl_name),
    FT("safeguarding_policy_date", "Safeguarding policy date", F_DATE, provider, safeguarding_policy_date),
    FT("safeguarding_training_date", "Safeguarding training date", F_DATE, provider, safeguarding_training_date),
    FT("dbs_checked_date", "Enhanced DBS checked", F_DATE, provider, dbs_checked_date),
    FT("references_checked", "References checked", F_BOOL, provider, references_checked),
    FT("declaration_date", "Safeguarding declaration date", F_DATE, provider, declaration_date),
    FT("public_liability", "Public liability cover", F_MONEY, provider, public_liability),
    FT("employers_liability", "Employer's liability cover", F_MONEY, provider, employers_liability),
    FT("professional_indemnity", "Professional indemnity cover", F_MONEY, provider, professional_indemnity),
    FT("motor_cover", "Motor cover", F_BOOL, provider, motor_cover),
    FT("subcontractor_cover", "Subcontractor cover", F_BOOL, provider, subcontractor_cover),
    FT("insurance_expiry", "Insurance expiry", F_DATE, provider, insurance_expiry),
    FT("initial_visit_date", "Initial site visit", F_DATE, provider, initial_visit_date),
    FC("status", "Status", provider, status, LABELS_PROVIDER_STATUS),
    FT("notes", "Notes", F_LINES, provider, notes),
    FS("version", "Version", F_VERSION),
};

static const struct field placement_fields[] = {
    FS("upn", "Pupil", F_PUPIL),
    FS("provider", "Provider", F_PROVIDER),
    FS("provider_postcode", "Provider postcode", F_PROVIDER_PC),
    FT("start_date", "Start date", F_DATE, placement, start_date),
    FC("status", "Status", placement, status, LABELS_PLACEMENT_STATUS),
    FT("end_date", "End date", F_DATE, placement, end_date),
    FT("planned_weeks", "Planned weeks", F_INT, placement, planned_weeks),
    FC("cost_basis", "Cost basis", placement, cost_basis, LABELS_COST_BASIS),
    FT("rate", "Rate", F_MONEY, placement, rate),
    FT("transport_per_week", "Transport a week", F_MONEY, placement, transport_per_week),
    FT("purpose", "Purpose", F_LINES, placement, purpose),
    FT("tracking_areas", "Tracking areas", F_AREAS, placement, tracking_areas),
    FC("setting_type", "Census setting type", placement, setting_type, LABELS_CENSUS_SETTING),
    FC("census_reason", "Census reason", placement, census_reason, LABELS_CENSUS_REASON),
    FH("mon_am", "Monday AM", 0, 0), FH("mon_pm", "Monday PM", 0, 1),
    FH("tue_am", "Tuesday AM", 1, 0), FH("tue_pm", "Tuesday PM", 1, 1),
    FH("wed_am", "Wednesday AM", 2, 0), FH("wed_pm", "Wednesday PM", 2, 1),
    FH("thu_am", "Thursday AM", 3, 0), FH("thu_pm", "Thursday PM", 3, 1),
    FH("fri_am", "Friday AM", 4, 0), FH("fri_pm", "Friday PM", 4, 1),
    FS("version", "Version", F_VERSION),
};

struct kind {
    const char *name, *one;
    const struct field *fields;
    size_t nfields;
    size_t size;                    /* of the record struct */
    enum ix_table table;
    size_t id_at, version_at;       /* offsets of the record's int64_t id and version */
};

#define KIND(name, one, fields, st, table)                                                                            \
    {name, one, fields, sizeof fields / sizeof fields[0], sizeof(struct st), table, offsetof(struct st, id),          \
     offsetof(struct st, version)}
static const struct kind kinds[IX_KIND_COUNT] = {
    [IX_PUPILS] = KIND("pupils", "pupil", pupil_fields, pupil, IX_TABLE_PUPIL),
    [IX_CONTACTS] = KIND("contacts", "contact", contact_fields, contact, IX_TABLE_CONTACT),
    [IX_PROVIDERS] = KIND("providers", "provider", provider_fields, provider, IX_TABLE_PROVIDER),
    [IX_PLACEMENTS] = KIND("placements", "placement", placement_fields, placement, IX_TABLE_PLACEMENT),
};

bool ix_kind_parse(const char *name, enum ix_kind *out)
{
    for (int k = 0; k < IX_KIND_COUNT; k++)
        if (strcmp(name, kinds[k].name) == 0) {
            *out = (enum ix_kind)k;
            return true;
        }
    return false;
}

const char *ix_kind_name(enum ix_kind k)
{
    return kinds[k].name;
}

/* ---- postcodes --------------------------------------------------------- */

/* Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward: 9AA. s is upper-case
 * letters and digits only, n of them. */
static bool postcode_shape(const char *s, size_t n)
{
    if (n < 5 || n > 7)
        return false;
    const char *in = s + n - 3;
    if (!isdigit((unsigned char)in[0]) || !isalpha((unsigned char)in[1]) || !isalpha((unsigned char)in[2]))
        return false;
    size_t out = n - 3;
    if (!isalpha((unsigned char)s[0]))
        return false;
    size_t i = 1;
    if (i < out && isalpha((unsigned char)s[i]))
        i++;
    if (i >= out || !isdigit((unsigned char)s[i]))
        return false;
    i++;
    if (i < out && isalnum((unsigned char)s[i]))
        i++;
    return i == out;
}

bool ix_postcode_normal(const char *text, char out[9])
{
    char squeezed[16];
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (!isalnum((unsigned char)*p) || n >= 7 || (unsigned char)*p >= 0x80)
            return false;
        squeezed[n++] = (char)toupper((unsigned char)*p);
    }
    squeezed[n] = '\0';
    if (!postcode_shape(squeezed, n))
        return false;
    snprintf(out, 9, "%.*s %s", (int)(n - 3), squeezed, squeezed + n - 3);
    return true;
}

bool ix_postcode(const char *address, char out[9])
{
    /* Words of letters and digits; a postcode is one word ("CF101AA") or
     * two ("CF10 1AA"). The last one found wins. */
    char words[64][9];
    size_t nw = 0;
    out[0] = '\0';
    for (const char *p = address; *p && nw < 64;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        size_t n = 0;
        char w[9];
        bool fits = true;
        while (*p && isalnum((unsigned char)*p)) {
            if (n < 8)
                w[n++] = (char)toupper((unsigned char)*p);
            else
                fits = false;
            p++;
        }
        w[n] = '\0';
        if (n)
            strcpy(words[nw++], fits ? w : "");
    }
    for (size_t i = nw; i-- > 0;) {
        char both[20];
        if (i + 1 < nw && strlen(words[i + 1]) == 3) {
            snprintf(both, sizeof both, "%s%s", words[i], words[i + 1]);
            if (postcode_shape(both, strlen(both)))
                return ix_postcode_normal(both, out);
        }
        if (postcode_shape(words[i], strlen(words[i])))
            return ix_postcode_normal(words[i], out);
    }
    return false;
}

/* A name for matching: trimmed, inner runs of spaces made one, ASCII
 * letters lower-cased. */
static void name_key(const char *name, char *out, size_t len)
{
    size_t n = 0;
    bool space = false;
    for (const char *p = name; *p && n + 2 < len; p++) {
        if (isspace((unsigned char)*p)) {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = (char)tolower((unsigned char)*p);
    }
    out[n] = '\0';
}

/* ---- one line of a file ------------------------------------------------ */

struct row {
    int line;
    void *old;                      /* the stored record; NULL for a new one */
    void *rec;                      /* the record as the file makes it */
    int64_t file_version;           /* -1 when the file gives none */
    int priority, old_priority;     /* contacts: 0 when not given */
    bool changed;
    bool ok;                        /* matched and read without an error */
    char school[121], school_urn[16]; /* pupils: a home school to add first */
    char who[400];                  /* for the summary: "pupil A1234... (Siân Jones)" */
};

struct import {
    struct store *s;
    const struct kind *k;
    enum ix_kind kind;
    const char *name;
    int today;
    FILE *errors;
    long nerrors;
    const int *line_map;            /* source lines, for messages; NULL: as read */
    int nlines;
    int col_of[64];                 /* the file's column i is field col_of[i] */
    int field_col[64];              /* field f is the file's column field_col[f], -1 when absent */
    size_t ncols;
    struct ixdb_provider *providers;
    size_t nproviders;
    struct row *rows;
    size_t nrows, cap;
};

static void line_error(struct import *im, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void line_error(struct import *im, int line, const char *column, const char *fmt, ...)
{
    char msg[1024], safe[1100], file[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_printable(safe, sizeof safe, msg);
    utf8_printable(file, sizeof file, im->name);
    if (im->line_map && line > 0 && line < im->nlines)
        line = im->line_map[line];
    if (column)
        fprintf(im->errors, "%s line %d, column %s: %s\n", file, line, column, safe);
    else
        fprintf(im->errors, "%s line %d: %s\n", file, line, safe);
    im->nerrors++;
}

static int source_line(const struct import *im, int line)
{
    return im->line_map && line > 0 && line < im->nlines ? im->line_map[line] : line;
}

static void *field_ptr(void *rec, const struct field *f)
{
    return (char *)rec + f->offset;
}

/* The value of field f of rec as the file writes it, into out. */
static ap_status format_field(struct import *im, const struct field *f, const void *rec, int priority, char *out,
                              size_t len)
{
    const void *p = (const char *)rec + f->offset;
    out[0] = '\0';
    switch (f->type) {
    case F_TEXT:
    case F_LINES:
    case F_AREAS:
    case F_CHOICE:
    case F_UPN:
        snprintf(out, len, "%s", (const char *)p);
        break;
    case F_DATE: {
        char d[11];
        snprintf(out, len, "%s", date_format(*(const int *)p, d));
        break;
    }
    case F_BOOL:
        snprintf(out, len, "%s", *(const bool *)p ? "yes" : "no");
        break;
    case F_MONEY: {
        int64_t v = *(const int64_t *)p;
        snprintf(out, len, "%s%" PRId64 ".%02d", v < 0 ? "-" : "", (v < 0 ? -v : v) / 100, (int)((v < 0 ? -v : v) % 100));
        break;
    }
    case F_INT:
        if (*(const int *)p)
            snprintf(out, len, "%d", *(const int *)p);
        break;
    case F_HOURS:
        if (*(const double *)p != 0)
            snprintf(out, len, "%g", *(const double *)p);
        break;
    case F_PUPIL: {
        int64_t pupil = im->kind == IX_CONTACTS ? ((const struct contact *)rec)->pupil_id
                                                : ((const struct placement *)rec)->pupil_id;
        char upn[14];
        ap_status st = ixdb_pupil_upn(im->s, pupil, upn);
        if (st != AP_OK)
            return st;
        snprintf(out, len, "%s", upn);
        break;
    }
    case F_SCHOOL:
    case F_SCHOOL_URN: {
        char name[121], urn[16];
        ap_status st = ixdb_school_of(im->s, ((const struct pupil *)rec)->home_school_id, name, sizeof name, urn,
                                      sizeof urn);
        if (st != AP_OK)
            return st;
        snprintf(out, len, "%s", f->type == F_SCHOOL ? name : urn);
        break;
    }
    case F_PROVIDER:
    case F_PROVIDER_PC: {
        int64_t id = ((const struct placement *)rec)->provider_id;
        for (size_t i = 0; i < im->nproviders; i++)
            if (im->providers[i].id == id) {
                char pc[9];
                if (f->type == F_PROVIDER)
                    snprintf(out, len, "%s", im->providers[i].name);
                else if (ix_postcode(im->providers[i].address, pc))
                    snprintf(out, len, "%s", pc);
            }
        break;
    }
    case F_POSTCODE: {
        char pc[9];
        if (ix_postcode(((const struct provider *)rec)->address, pc))
            snprintf(out, len, "%s", pc);
        break;
    }
    case F_PRIORITY:
        snprintf(out, len, "%d", priority);
        break;
    case F_VERSION: {
        int64_t v = im->kind == IX_PUPILS      ? ((const struct pupil *)rec)->version
                    : im->kind == IX_CONTACTS  ? ((const struct contact *)rec)->version
                    : im->kind == IX_PROVIDERS ? ((const struct provider *)rec)->version
                                               : ((const struct placement *)rec)->version;
        if (v)
            snprintf(out, len, "%" PRId64, v);
        break;
    }
    }
    return AP_OK;
}

static ap_status load_providers(struct import *im)
{
    free(im->providers);
    im->providers = NULL;
    im->nproviders = 0;
    return ixdb_providers(im->s, &im->providers, &im->nproviders);
}

/* ---- export ------------------------------------------------------------ */

static ap_status get_record(struct store *s, enum ix_kind k, int64_t id, void *rec)
{
    switch (k) {
    case IX_PUPILS: return pupil_get(s, id, rec);
    case IX_CONTACTS: return contact_get(s, id, rec);
    case IX_PROVIDERS: return provider_get(s, id, rec);
    case IX_PLACEMENTS: return placement_get(s, id, rec);
    case IX_KIND_COUNT: break;
    }
    return ap_fail(AP_ERR_INVALID, "no such kind of record");
}

static int64_t pupil_of(enum ix_kind k, const void *rec)
{
    switch (k) {
    case IX_PUPILS: return ((const struct pupil *)rec)->id;
    case IX_CONTACTS: return ((const struct contact *)rec)->pupil_id;
    case IX_PLACEMENTS: return ((const struct placement *)rec)->pupil_id;
    default: return 0;
    }
}

ap_status ix_export(struct store *s, enum ix_kind k, FILE *out, long *rows, long *pupils)
{
    struct import im = {.s = s, .k = &kinds[k], .kind = k};
    *rows = *pupils = 0;
    int64_t *ids = NULL;
    size_t n = 0;
    void *rec = malloc(im.k->size);
    char value[2048];
    ap_status st = rec ? AP_OK : ap_fail(AP_ERR_NOMEM, "exporting: out of memory");
    if (st == AP_OK)
        st = load_providers(&im);
    if (st == AP_OK)
        st = ixdb_ids(s, im.k->table, &ids, &n);
    for (size_t f = 0; st == AP_OK && f < im.k->nfields; f++)
        if (!csv_write_field(out, im.k->fields[f].column, f + 1 == im.k->nfields))
            st = ap_fail(AP_ERR_IO, "writing the file failed");
    int64_t last_pupil = 0;
    for (size_t i = 0; st == AP_OK && i < n; i++) {
        if ((st = get_record(s, k, ids[i], rec)) != AP_OK)
            break;
        int priority = k == IX_CONTACTS ? ((struct contact *)rec)->priority : 0;
        for (size_t f = 0; st == AP_OK && f < im.k->nfields; f++) {
            if ((st = format_field(&im, &im.k->fields[f], rec, priority, value, sizeof value)) != AP_OK)
                break;
            if (!csv_write_field(out, value, f + 1 == im.k->nfields))
                st = ap_fail(AP_ERR_IO, "writing the file failed");
        }
        int64_t p = pupil_of(k, rec);
        if (p && p != last_pupil)
            ++*pupils;
        last_pupil = p;
        ++*rows;
    }
    free(ids);
    free(rec);
    free(im.providers);
    return st;
}

/* ---- import: reading a line -------------------------------------------- */

/* The file's value of field f on the current line, or NULL when the file
 * has no such column. */
static const char *cell(const struct import *im, const struct csv_reader *r, size_t f)
{
    int c = im->field_col[f];
    return c < 0 ? NULL : csv_unprotect(r->field[c]);
}

static int field_index(const struct kind *k, enum ftype type)
{
    for (size_t f = 0; f < k->nfields; f++)
        if (k->fields[f].type == type)
            return (int)f;
    return -1;
}

static const char *value_of(const struct import *im, const struct csv_reader *r, enum ftype type)
{
    int f = field_index(im->k, type);
    return f < 0 ? NULL : cell(im, r, (size_t)f);
}

/* A copy of text without spaces at either end, into out of len bytes;
 * false when it does not fit. */
static bool trimmed(const char *text, char *out, size_t len)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (n >= len)
        return false;
    memcpy(out, text, n);
    out[n] = '\0';
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "y", "true", "1"}, *const no[] = {"no", "n", "false", "0", ""};
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true;
    for (size_t i = 0; i < 5; i++)
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    return false;
}

/* Sets field f of rec from the cell's text v; on a bad value reports it and
 * returns false. */
static bool parse_field(struct import *im, int line, const struct field *f, const char *v, void *rec)
{
    char t[2048];
    void *p = field_ptr(rec, f);
    if (f->type != F_LINES) {   /* spaces around a one-line value are never meant */
        if (!trimmed(v, t, sizeof t)) {
            line_error(im, line, f->column, "too long");
            return false;
        }
        v = t;
    }
    switch (f->type) {
    case F_TEXT:
    case F_LINES: {
        size_t n = strlen(v);
        if (n >= f->size) {
            line_error(im, line, f->column, "too long: %zu bytes, at most %zu (%s)", n, f->size - 1, f->label);
            return false;
        }
        /* A spreadsheet's line breaks may be CRLF: kept as LF. */
        char *dst = p;
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (!(f->type == F_LINES && v[i] == '\r' && v[i + 1] == '\n'))
                dst[j++] = v[i];
        dst[j] = '\0';
        return true;
    }
    case F_AREAS: {
        /* Kept as the store keeps them, so that the same file read again
         * compares equal and changes nothing. */
        unsigned areas;
        if (tracking_areas_parse(f->label, v, &areas) != AP_OK) {
            line_error(im, line, f->column, "%s", ap_error_detail());
            return false;
        }
        tracking_areas_format(areas, p, f->size);
        return true;
    }
    case F_UPN:
        for (char *c = t; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        if (strlen(t) >= f->size) {
            line_error(im, line, f->column, "\"%s\" is not a UPN (13 characters expected)", t);
            return false;
        }
        strcpy(p, t);
        return true;
    case F_DATE:
        if (!*v) {
            *(int *)p = DATE_NONE;
            return true;
        }
        if (!date_parse_iso(v, p)) {
            line_error(im, line, f->column, "expected a date, YYYY-MM-DD (got \"%s\")", v);
            return false;
        }
        return true;
    case F_BOOL:
        if (!parse_bool(v, p)) {
            line_error(im, line, f->column, "expected yes or no (got \"%s\")", v);
            return false;
        }
        return true;
    case F_CHOICE:
        for (const struct label *l = f->choices; l->code; l++)
            if (strcasecmp(v, l->code) == 0 || strcasecmp(v, l->text) == 0) {
                snprintf(p, f->size, "%s", l->code);
                return true;
            }
        {
            struct strbuf codes = {0};
            for (const struct label *l = f->choices; l->code; l++)
                if (l->code[0])
                    strbuf_appendf(&codes, "%s%s", codes.len ? ", " : "", l->code);
            line_error(im, line, f->column, "expected one of %s%s (got \"%s\")", strbuf_str(&codes),
                       label_known(f->choices, "") ? " or nothing" : "", v);
            strbuf_free(&codes);
        }
        return false;
    case F_MONEY:
        if (!*v) {
            *(int64_t *)p = 0;
            return true;
        }
        if (money_parse(v, p) != AP_OK) {
            line_error(im, line, f->column, "expected an amount in pounds such as 12.50 (got \"%s\")", v);
            return false;
        }
        return true;
    case F_INT: {
        char *end;
        long n = *v ? strtol(v, &end, 10) : 0;
        if (*v && (*end || n < 0 || n > 100000)) {
            line_error(im, line, f->column, "expected a whole number (got \"%s\")", v);
            return false;
        }
        *(int *)p = (int)n;
        return true;
    }
    case F_HOURS: {
        char *end;
        double h = *v ? strtod(v, &end) : 0;
        if (*v && (*end || !(h >= 0))) {
            line_error(im, line, f->column, "expected hours such as 2.5, or nothing when not attended (got \"%s\")",
                       v);
            return false;
        }
        *(double *)p = h;
        return true;
    }
    default:
        return true; /* the keys and references: the caller's */
    }
}

/* The column a validate message ("Label: ...") is about. */
static const char *column_of_label(const struct kind *k, const char *detail, const char **rest)
{
    *rest = detail;
    const char *colon = strstr(detail, ": ");
    if (!colon)
        return NULL;
    size_t n = (size_t)(colon - detail);
    for (size_t f = 0; f < k->nfields; f++)
        if (strlen(k->fields[f].label) == n && strncmp(k->fields[f].label, detail, n) == 0) {
            *rest = colon + 2;
            return k->fields[f].column;
        }
    if (n == 9 && strncmp(detail, "Timetable", 9) == 0) {
        *rest = colon + 2;
        return "mon_am to fri_pm";
    }
    return NULL;
}

static const char *kind_cols_hint(enum ix_kind k)
{
    return k == IX_PLACEMENTS ? " (import the pupils and providers first)" : " (import the pupils first)";
}

/* Finds the provider of the line by name and postcode: *id, 0 when none.
 * Reports and returns false when the file's values cannot identify one. */
static bool find_provider(struct import *im, int line, const char *name_col, const char *pc_col, const char *name,
                          const char *postcode, int64_t *id)
{
    char key[256], pc[9], other[256], other_pc[9];
    *id = 0;
    if (!name || !postcode) {
        line_error(im, line, NULL, "the header needs the columns %s and %s: providers are matched on both", name_col,
                   pc_col);
        return false;
    }
    if (!ix_postcode_normal(postcode, pc)) {
        line_error(im, line, pc_col, "expected a UK postcode such as CF10 1AA (got \"%s\")", postcode);
        return false;
    }
    name_key(name, key, sizeof key);
    if (!key[0]) {
        line_error(im, line, name_col, "must not be empty");
        return false;
    }
    bool named = false;
    for (size_t i = 0; i < im->nproviders; i++) {
        name_key(im->providers[i].name, other, sizeof other);
        if (strcmp(key, other) != 0)
            continue;
        if (!ix_postcode(im->providers[i].address, other_pc)) {
            named = true;
            continue;
        }
        if (strcmp(pc, other_pc) == 0) {
            *id = im->providers[i].id;
            return true;
        }
    }
    if (named) {
        line_error(im, line, name_col,
                   "a provider called \"%s\" is in the store with no postcode in its address, so it cannot be "
                   "matched: add its postcode to its address first",
                   name);
        return false;
    }
    return true;
}

/* The UPN in cell v, trimmed and in capitals, into upn (len bytes; "" when
 * it does not fit, and false). */
static bool upn_of(const char *v, char *upn, size_t len)
{
    bool fits = trimmed(v, upn, len);
    if (!fits)
        upn[0] = '\0';
    for (char *c = upn; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    return fits;
}

/* The pupil a contact's or placement's line names by the UPN in cell v
 * (upn gets it, as upn_of makes it): *pupil = its id, or 0 when the store
 * has none, which is reported on the line. */
static ap_status line_pupil(struct import *im, int line, const char *v, char upn[32], int64_t *pupil)
{
    upn_of(v, upn, 32);
    ap_status st = ixdb_pupil_by_upn(im->s, upn, pupil);
    if (st == AP_OK && !*pupil)
        line_error(im, line, "upn", "no pupil with the UPN \"%s\" in the store%s", upn, kind_cols_hint(im->kind));
    return st;
}

/* Makes rows[i]'s stored record (old) and its new record (rec) from the
 * current line. false (reported) when the line cannot be matched. */
static bool match_line(struct import *im, const struct csv_reader *r, struct row *row)
{
    int line = r->line;
    ap_status st = AP_OK;
    int64_t id = 0;
    char key[160];
    switch (im->kind) {
    case IX_PUPILS: {
        const char *v = value_of(im, r, F_UPN);
        if (!v) {
            line_error(im, line, NULL, "the header needs the column upn: pupils are matched on it");
            return false;
        }
        char upn[32], why[160];
        if (!upn_of(v, upn, sizeof upn) || !upn[0]) {
            line_error(im, line, "upn", "expected a UPN (13 characters, check letter first)");
            return false;
        }
        if (!upn_valid(upn, why, sizeof why)) {
            line_error(im, line, "upn", "\"%s\": %s", upn, why);
            return false;
        }
        if ((st = ixdb_pupil_by_upn(im->s, upn, &id)) != AP_OK)
            break;
        snprintf(row->who, sizeof row->who, "pupil %s", upn);
        break;
    }
    case IX_CONTACTS: {
        const char *v = value_of(im, r, F_PUPIL);
        int nf = field_index(im->k, F_TEXT); /* name */
        const char *name = cell(im, r, (size_t)nf);
        char upn[32];
        int64_t pupil = 0;
        if (!v || !name) {
            line_error(im, line, NULL, "the header needs the columns upn and name: contacts are matched on both");
            return false;
        }
        if ((st = line_pupil(im, line, v, upn, &pupil)) != AP_OK)
            break;
        if (!pupil)
            return false;
        struct contact *list = NULL;
        size_t n = 0;
        if ((st = contact_list(im->s, pupil, &list, &n)) != AP_OK)
            break;
        char other[160];
        name_key(name, key, sizeof key);
        for (size_t i = 0; i < n && !id; i++) {
            name_key(list[i].name, other, sizeof other);
            if (key[0] && strcmp(key, other) == 0)
                id = list[i].id;
        }
        free(list);
        ((struct contact *)row->rec)->pupil_id = pupil;
        snprintf(row->who, sizeof row->who, "contact of %s", upn);
        break;
    }
    case IX_PROVIDERS: {
        int nf = field_index(im->k, F_TEXT);
        if (!find_provider(im, line, "name", "postcode", cell(im, r, (size_t)nf), value_of(im, r, F_POSTCODE), &id))
            return false;
        snprintf(row->who, sizeof row->who, "provider");
        break;
    }
    case IX_PLACEMENTS: {
        const char *v = value_of(im, r, F_PUPIL);
        const char *start = cell(im, r, 3);
        char upn[32];
        int64_t pupil = 0, provider = 0;
        int start_date;
        if (!v || !start) {
            line_error(im, line, NULL,
                       "the header needs the columns upn, provider, provider_postcode and start_date: placements "
                       "are matched on them");
            return false;
        }
        if ((st = line_pupil(im, line, v, upn, &pupil)) != AP_OK)
            break;
        bool ok = pupil != 0;
        if (!find_provider(im, line, "provider", "provider_postcode", value_of(im, r, F_PROVIDER),
                           value_of(im, r, F_PROVIDER_PC), &provider))
            ok = false;
        else if (!provider) {
            line_error(im, line, "provider", "no provider \"%s\" at %s in the store%s", value_of(im, r, F_PROVIDER),
                       value_of(im, r, F_PROVIDER_PC), kind_cols_hint(im->kind));
            ok = false;
        }
        char s[16];
        if (!trimmed(start, s, sizeof s) || !date_parse_iso(s, &start_date)) {
            line_error(im, line, "start_date", "expected a date, YYYY-MM-DD (got \"%s\")", start);
            ok = false;
        }
        if (!ok)
            return false;
        if ((st = ixdb_placement_find(im->s, pupil, provider, start_date, &id)) != AP_OK)
            break;
        struct placement *p = row->rec;
        p->pupil_id = pupil;
        p->provider_id = provider;
        snprintf(row->who, sizeof row->who, "placement of %s", upn);
        break;
    }
    case IX_KIND_COUNT:
        break;
    }
    if (st != AP_OK) {
        line_error(im, line, NULL, "%s", ap_error_detail());
        return false;
    }
    if (id) {
        row->old = malloc(im->k->size);
        if (!row->old || get_record(im->s, im->kind, id, row->old) != AP_OK) {
            line_error(im, line, NULL, "%s", row->old ? ap_error_detail() : "out of memory");
            return false;
        }
        /* Keep what the line matched on (pupil, provider) as read. */
        memcpy(row->rec, row->old, im->k->size);
        if (im->kind == IX_CONTACTS)
            row->old_priority = ((struct contact *)row->old)->priority;
    } else {
        int64_t pupil = pupil_of(im->kind, row->rec);
        int64_t provider = im->kind == IX_PLACEMENTS ? ((struct placement *)row->rec)->provider_id : 0;
        switch (im->kind) {
        case IX_PUPILS:
            memset(row->rec, 0, sizeof(struct pupil));
            strcpy(((struct pupil *)row->rec)->plan, "none");
            ((struct pupil *)row->rec)->dob = ((struct pupil *)row->rec)->start_date =
                ((struct pupil *)row->rec)->end_date = DATE_NONE;
            break;
        case IX_CONTACTS:
            contact_init(row->rec);
            ((struct contact *)row->rec)->pupil_id = pupil;
            break;
        case IX_PROVIDERS: provider_init(row->rec); break;
        case IX_PLACEMENTS:
            placement_init(row->rec);
            ((struct placement *)row->rec)->pupil_id = pupil;
            ((struct placement *)row->rec)->provider_id = provider;
            break;
        case IX_KIND_COUNT: break;
        }
    }
    return true;
}

/* Version, name and home school of the line. */
static bool read_line(struct import *im, const struct csv_reader *r, struct row *row)
{
    bool ok = true;
    for (size_t f = 0; f < im->k->nfields; f++) {
        const struct field *fd = &im->k->fields[f];
        const char *v = cell(im, r, f);
        if (!v)
            continue;
        char t[64];
        switch (fd->type) {
        case F_VERSION: {
            char *end;
            if (!trimmed(v, t, sizeof t))
                t[0] = 'x', t[1] = '\0';
            long long n = t[0] ? strtoll(t, &end, 10) : -1;
            if (t[0] && (*end || n < 1)) {
                line_error(im, r->line, fd->column, "expected the version number of the export, or nothing (got \"%s\")", v);
                ok = false;
            }
            row->file_version = n;
            break;
        }
        case F_PRIORITY: {
            char *end;
            if (!trimmed(v, t, sizeof t))
                t[0] = 'x', t[1] = '\0';
            long n = t[0] ? strtol(t, &end, 10) : 0;
            if (t[0] && (*end || n < 1 || n > CONTACT_MAX)) {
                line_error(im, r->line, fd->column, "expected the order of calling, 1 to %d (got \"%s\")", CONTACT_MAX, v);
                ok = false;
            }
            row->priority = (int)n;
            break;
        }
        default:
            if (!parse_field(im, r->line, fd, v, row->rec))
                ok = false;
        }
    }
    if (im->kind == IX_PUPILS) {
        const char *name = value_of(im, r, F_SCHOOL), *urn = value_of(im, r, F_SCHOOL_URN);
        char n[121] = "", u[16] = "";
        bool fits = true;
        if (name && !trimmed(name, n, sizeof n)) {
            line_error(im, r->line, "home_school", "too long: at most %zu bytes", sizeof n - 1);
            fits = ok = false;
        }
        if (urn && !trimmed(urn, u, sizeof u)) {
            line_error(im, r->line, "home_school_urn", "\"%s\" is not a URN or school number (6 to 8 digits)", urn);
            fits = ok = false;
        }
        if (fits && (name || urn)) {
            int64_t id = 0;
            if (!n[0] && !u[0])
                ((struct pupil *)row->rec)->home_school_id = 0;
            else if (ixdb_school_find(im->s, u, n, &id) != AP_OK) {
                line_error(im, r->line, "home_school", "%s", ap_error_detail());
                ok = false;
            } else if (!id) {
                /* A school new to the store is added with its name and URN. */
                struct school sc;
                school_init(&sc);
                snprintf(sc.name, sizeof sc.name, "%s", n);
                snprintf(sc.urn, sizeof sc.urn, "%s", u);
                ap_status sst = school_validate(&sc);
                if (!n[0] || sst != AP_OK) {
                    const char *rest = ap_error_detail();
                    line_error(im, r->line, u[0] && n[0] ? "home_school_urn" : "home_school",
                               "no such school in the store's list, and it cannot be added: %s",
                               !n[0] ? "give its name in home_school" : rest);
                    ok = false;
                } else {
                    snprintf(row->school, sizeof row->school, "%s", sc.name);
                    snprintf(row->school_urn, sizeof row->school_urn, "%s", sc.urn);
                }
                ((struct pupil *)row->rec)->home_school_id = 0;
            } else
                ((struct pupil *)row->rec)->home_school_id = id;
        }
        struct pupil *p = row->rec;
        snprintf(row->who, sizeof row->who, "pupil %s (%s %s)", p->upn, p->legal_forename, p->legal_surname);
    } else if (im->kind == IX_PROVIDERS) {
        snprintf(row->who, sizeof row->who, "provider %s", ((struct provider *)row->rec)->name);
        const char *pc = value_of(im, r, F_POSTCODE);
        char want[9], got[9];
        if (ok && pc && ix_postcode_normal(pc, want) &&
            (!ix_postcode(((struct provider *)row->rec)->address, got) || strcmp(want, got) != 0)) {
            line_error(im, r->line, "address", "must end with the postcode %s given in the postcode column", want);
            ok = false;
        }
    } else if (im->kind == IX_CONTACTS) {
        size_t n = strlen(row->who);
        snprintf(row->who + n, sizeof row->who - n, " (%s)", ((struct contact *)row->rec)->name);
    } else if (im->kind == IX_PLACEMENTS) {
        char d[11];
        size_t n = strlen(row->who);
        snprintf(row->who + n, sizeof row->who - n, " at %s from %s", value_of(im, r, F_PROVIDER),
                 date_format(((struct placement *)row->rec)->start_date, d));
    }
    return ok;
}

static ap_status validate_record(const struct import *im, const void *rec)
{
    switch (im->kind) {
    case IX_PUPILS: return pupil_validate(rec, im->today);
    case IX_CONTACTS: return contact_validate(rec);
    case IX_PROVIDERS: return provider_validate(rec, im->today);
    case IX_PLACEMENTS: return placement_validate(rec);
    case IX_KIND_COUNT: break;
    }
    return AP_OK;
}

/* The int64_t at offset at of a record. */
static int64_t member_at(const void *rec, size_t at)
{
    int64_t v;
    memcpy(&v, (const char *)rec + at, sizeof v);
    return v;
}

static int64_t version_of(enum ix_kind k, const void *rec)
{
    return member_at(rec, kinds[k].version_at);
}

static int64_t id_of(enum ix_kind k, const void *rec)
{
    return member_at(rec, kinds[k].id_at);
}

static const char *const table_names[] = {"pupil", "contact", "provider", "placement"};

/* Prints (when out is not NULL) the fields that differ between the stored
 * record and the line's; returns how many. */
static int diff_row(struct import *im, const struct row *row, FILE *out)
{
    char a[2048], b[2048], sa[2100], sb[2100];
    int n = 0;
    if (row->school[0]) {
        if (out)
            fprintf(out, "    home_school: a new school, \"%s\" (URN %s), added to the list\n",
                    utf8_printable(sa, sizeof sa, row->school), row->school_urn[0] ? row->school_urn : "none");
        n++;
    }
    if (!row->old)
        return n;
    for (size_t f = 0; f < im->k->nfields; f++) {
        const struct field *fd = &im->k->fields[f];
        if (fd->type == F_VERSION || fd->type == F_PUPIL || fd->type == F_PROVIDER || fd->type == F_PROVIDER_PC ||
            fd->type == F_SCHOOL_URN)
            continue;
        if (fd->type == F_PRIORITY) {
            if (row->priority && row->priority != row->old_priority) {
                if (out)
                    fprintf(out, "    priority: %d -> %d\n", row->old_priority, row->priority);
                n++;
            }
            continue;
        }
        if (format_field(im, fd, row->old, 0, a, sizeof a) != AP_OK ||
            format_field(im, fd, row->rec, 0, b, sizeof b) != AP_OK)
            continue;
        if (strcmp(a, b) == 0)
            continue;
        if (out)
            fprintf(out, "    %s: \"%s\" -> \"%s\"\n", fd->column, utf8_printable(sa, sizeof sa, a),
                    utf8_printable(sb, sizeof sb, b));
        n++;
    }
    return n;
}

/* Checks the line's record; reports each problem. */
static bool check_row(struct import *im, struct row *row)
{
    ap_status st = validate_record(im, row->rec);
    if (st != AP_OK) {
        const char *rest, *col = column_of_label(im->k, ap_error_detail(), &rest);
        line_error(im, row->line, col, "%s", rest);
        return false;
    }
    if (row->old && row->file_version > 0 && row->file_version != version_of(im->kind, row->old) &&
        diff_row(im, row, NULL) > 0) {
        char who[65] = "", when[20] = "", key[24];
        bool deleted = false;
        snprintf(key, sizeof key, "%" PRId64, id_of(im->kind, row->old));
        if (store_last_change(im->s, table_names[im->kind], key, who, sizeof who, when, sizeof when, &deleted) != AP_OK)
            snprintf(who, sizeof who, "someone");
        line_error(im, row->line, "version",
                   "%s was changed%s%s%s%s since this file was exported (the file has version %" PRId64
                   ", the store %" PRId64 "): nothing was overwritten; export it again and redo this line's "
                   "change, or empty its version cell to replace what is stored",
                   row->who, who[0] ? " by " : "", who, when[0] ? " at " : "", when, row->file_version,
                   version_of(im->kind, row->old));
        return false;
    }
    return true;
}

/* ---- import: the whole file ------------------------------------------- */

static void free_rows(struct import *im)
{
    for (size_t i = 0; i < im->nrows; i++) {
        free(im->rows[i].old);
        free(im->rows[i].rec);
    }
    free(im->rows);
    im->rows = NULL;
    im->nrows = im->cap = 0;
}

/* The line number where text is first not UTF-8, 0 when it all is. */
static int first_bad_line(const char *text)
{
    int line = 1;
    const char *start = text;
    for (const char *p = text; *p; p++)
        if (*p == '\n') {
            if (!csv_utf8_valid(start, (size_t)(p - start)))
                return line;
            line++;
            start = p + 1;
        }
    return csv_utf8_valid(start, strlen(start)) ? 0 : line;
}

static bool read_header(struct import *im, const struct csv_reader *r)
{
    bool ok = true;
    for (size_t f = 0; f < im->k->nfields; f++)
        im->field_col[f] = -1;
    if (r->nfield > sizeof im->col_of / sizeof im->col_of[0]) {
        line_error(im, r->line, NULL, "the header has %zu columns; a %s file has at most %zu", r->nfield, im->k->one,
                   im->k->nfields);
        return false;
    }
    im->ncols = r->nfield;
    for (size_t c = 0; c < r->nfield; c++) {
        char name[64];
        int found = -1;
        if (trimmed(r->field[c], name, sizeof name)) {
            for (char *p = name; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            for (size_t f = 0; f < im->k->nfields; f++)
                if (strcmp(name, im->k->fields[f].column) == 0)
                    found = (int)f;
        }
        im->col_of[c] = found;
        if (found < 0) {
            struct strbuf all = {0};
            for (size_t f = 0; f < im->k->nfields; f++)
                strbuf_appendf(&all, "%s%s", f ? ", " : "", im->k->fields[f].column);
            line_error(im, r->line, NULL, "column %zu, \"%s\", is not a column of a %s file (expected: %s)", c + 1,
                       r->field[c], im->k->one, strbuf_str(&all));
            strbuf_free(&all);
            ok = false;
        } else if (im->field_col[found] >= 0) {
            line_error(im, r->line, NULL, "the column %s is given twice (columns %d and %zu)", im->k->fields[found].column,
                       im->field_col[found] + 1, c + 1);
            ok = false;
        } else
            im->field_col[found] = (int)c;
    }
    return ok;
}

/* Reads and checks every line into im->rows. */
static ap_status read_file(struct import *im, const char *text)
{
    struct csv_reader r;
    csv_open(&r, im->name, text);
    bool got, header = false;
    ap_status st;
    while ((st = csv_next(&r, &got)) == AP_OK && got) {
        if (!header) {
            header = true;
            if (!read_header(im, &r))
                break;
            continue;
        }
        if (r.nfield != im->ncols) {
            line_error(im, r.line, NULL, "%zu fields, but the header has %zu columns (a comma too many or too few, "
                                         "or a quote not closed?)", r.nfield, im->ncols);
            continue;
        }
        struct row *grown = rowio_grow(im->rows, &im->cap, im->nrows, sizeof *im->rows);
        if (!grown) {
            st = ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", im->name);
            break;
        }
        im->rows = grown;
        struct row *row = &im->rows[im->nrows];
        memset(row, 0, sizeof *row);
        row->line = r.line;
        row->file_version = -1;
        row->rec = calloc(1, im->k->size);
        if (!row->rec) {
            st = ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", im->name);
            break;
        }
        im->nrows++;
        if (!match_line(im, &r, row) || !read_line(im, &r, row))
            continue;
        row->ok = check_row(im, row);
    }
    if (st != AP_OK && st != AP_ERR_NOMEM) {
        /* A quoting error: the reader cannot find the next line for sure. */
        char safe[600];
        fprintf(im->errors, "%s (the file was not read beyond it)\n", utf8_printable(safe, sizeof safe, ap_error_detail()));
        im->nerrors++;
        st = AP_OK;
    }
    if (st == AP_OK && !header) {
        char safe[300];
        fprintf(im->errors, "%s: the file is empty: the first line must name the columns\n",
                utf8_printable(safe, sizeof safe, im->name));
        im->nerrors++;
    }
    csv_close(&r);
    return st;
}

/* The same record named on two lines. */
static void check_duplicates(struct import *im)
{
    for (size_t i = 0; i < im->nrows; i++)
        for (size_t j = 0; j < i; j++) {
            const struct row *a = &im->rows[j], *b = &im->rows[i];
            bool same;
            if (!a->ok || !b->ok)
                continue;
            if (a->old || b->old)
                same = a->old && b->old && id_of(im->kind, a->old) == id_of(im->kind, b->old);
            else
                same = strcmp(a->who, b->who) == 0;
            if (same) {
                line_error(im, b->line, NULL, "%s is also on line %d: one line a record", b->who, source_line(im, a->line));
                break;
            }
        }
}

static ap_status write_row(struct import *im, struct row *row)
{
    void *rec = row->rec;
    bool insert = row->old == NULL;
    switch (im->kind) {
    case IX_PUPILS: return insert ? pupil_insert(im->s, rec, im->today) : pupil_update(im->s, rec, im->today);
    case IX_CONTACTS: return insert ? contact_insert(im->s, rec) : contact_update(im->s, rec);
    case IX_PROVIDERS: return insert ? provider_insert(im->s, rec, im->today) : provider_update(im->s, rec, im->today);
    case IX_PLACEMENTS: return insert ? placement_insert(im->s, rec) : placement_update(im->s, rec);
    case IX_KIND_COUNT: break;
    }
    return AP_OK;
}

/* Puts a contact at its priority in the pupil's calling order. */
static ap_status place_contact(struct store *s, const struct contact *c, int priority)
{
    for (int guard = 0; guard < 2 * CONTACT_MAX; guard++) {
        struct contact *list = NULL;
        size_t n = 0;
        ap_status st = contact_list(s, c->pupil_id, &list, &n);
        if (st != AP_OK)
            return st;
        size_t at = n;
        for (size_t i = 0; i < n; i++)
            if (list[i].id == c->id)
                at = i;
        size_t target = (size_t)priority <= n ? (size_t)priority - 1 : n - 1;
        int64_t version = at < n ? list[at].version : 0;
        free(list);
        if (at == n || at == target)
            return AP_OK;
        if ((st = contact_move(s, c->id, &version, at > target ? -1 : 1)) != AP_OK)
            return st;
    }
    return AP_OK;
}

ap_status ix_import(struct store *s, enum ix_kind k, const char *name, const char *path, const char *text,
                    bool dry_run, int today, FILE *report, FILE *errors, struct ix_result *res)
{
    struct ix_options o = {.dry_run = dry_run};
    return ix_import_opts(s, k, name, path, text, &o, today, report, errors, res);
}

ap_status ix_import_opts(struct store *s, enum ix_kind k, const char *name, const char *path, const char *text,
                         const struct ix_options *o, int today, FILE *report, FILE *errors, struct ix_result *res)
{
    bool dry_run = o->dry_run && !o->in_batch;
    struct import im = {.s = s, .k = &kinds[k], .kind = k, .name = name, .today = today, .errors = errors,
                        .line_map = o->line_map, .nlines = o->nlines};
    memset(res, 0, sizeof *res);
    char safe[300];
    utf8_printable(safe, sizeof safe, name);
    int bad = first_bad_line(text);
    if (bad) {
        fprintf(errors, "%s line %d: is not UTF-8 text (it looks like Latin-1 or Windows-1252, which have no ŵ or ŷ): "
                        "save the file as \"CSV UTF-8\" and import it again\n", safe, bad);
        res->errors = 1;
        return ap_fail(AP_ERR_INVALID, "%s is not UTF-8: nothing was written", safe);
    }
    /* A real run holds the write lock from the first look-up to the commit,
     * so nobody can change a record between its check and its write. */
    ap_status st = dry_run || o->in_batch ? AP_OK : store_batch_begin(s);
    if (st != AP_OK)
        return st;
    if ((st = load_providers(&im)) == AP_OK)
        st = read_file(&im, text);
    if (st == AP_OK)
        check_duplicates(&im);
    res->errors = im.nerrors;
    if (st == AP_OK && im.nerrors)
        st = ap_fail(AP_ERR_INVALID, "%ld error%s in %s: nothing was written", im.nerrors, im.nerrors == 1 ? "" : "s",
                     safe);
    for (size_t i = 0; st == AP_OK && i < im.nrows; i++) {
        struct row *row = &im.rows[i];
        char who[420];
        utf8_printable(who, sizeof who, row->who);
        if (!row->old) {
            row->changed = true;
            res->added++;
            fprintf(report, "add line %d: %s\n", source_line(&im, row->line), who);
            if (row->school[0])
                diff_row(&im, row, report);
        } else if (diff_row(&im, row, NULL) > 0) {
            row->changed = true;
            res->changed++;
            fprintf(report, "change line %d: %s\n", source_line(&im, row->line), who);
            diff_row(&im, row, report);
        } else
            res->unchanged++;
    }
    fflush(report); /* what is about to be written, before it is */
    for (size_t i = 0; st == AP_OK && !dry_run && i < im.nrows; i++) {
        struct row *row = &im.rows[i];
        if (!row->changed)
            continue;
        bool was_new = row->old == NULL;
        if (row->school[0]) {
            int64_t id = 0;
            st = ixdb_school_find(s, row->school_urn, row->school, &id);
            if (st == AP_OK && !id) {
                struct school sc;
                school_init(&sc);
                snprintf(sc.name, sizeof sc.name, "%s", row->school);
                snprintf(sc.urn, sizeof sc.urn, "%s", row->school_urn);
                st = school_insert(s, &sc);
                id = sc.id;
            }
            ((struct pupil *)row->rec)->home_school_id = id;
        }
        if (st == AP_OK)
            st = write_row(&im, row);
        if (st == AP_OK && im.kind == IX_CONTACTS && row->priority && (was_new || row->priority != row->old_priority))
            st = place_contact(s, row->rec, row->priority);
        if (st != AP_OK) {
            char detail[600];
            snprintf(detail, sizeof detail, "%s", ap_error_detail());
            const char *rest, *col = column_of_label(im.k, detail, &rest);
            line_error(&im, row->line, col, "%s", rest);
            res->errors = im.nerrors;
            st = ap_fail(st, "%s could not be imported: nothing was written", safe);
        }
    }
    if (st == AP_OK && !dry_run && res->added + res->changed > 0)
        st = ixdb_audit_import(s, im.k->name, path, res->added, res->changed);
    if (!dry_run && !o->in_batch) {
        ap_status end = store_batch_end(s, st == AP_OK);
        if (st == AP_OK)
            st = end;
    }
    fprintf(report, "%s: %ld to add, %ld to change, %ld unchanged%s\n", safe, res->added, res->changed,
            res->unchanged, dry_run ? " (a dry run: nothing was written)" : "");
    free_rows(&im);
    free(im.providers);
    return st;
}
