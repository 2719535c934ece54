#include "ctf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "csv.h"
#include "date.h"
#include "dynlib.h"
#include "interchange.h"
#include "ixdb.h"
#include "labels.h"
#include "rowio.h"
#include "utf8.h"

/* libxml2 is loaded when the first CTF is read (src/dynlib.h says why):
 * every call goes through `lib`. */
#define CTF_FUNCTIONS(X) \
    X(xmlFree) \
    X(xmlDocGetRootElement) \
    X(xmlFreeDoc) \
    X(xmlGetLastError) \
    X(xmlGetLineNo) \
    X(xmlNodeGetContent) \
    X(xmlReadMemory) \
    X(xmlResetLastError)
#define CTF_SLOT(f) __typeof__(&f) f;
static struct {
    CTF_FUNCTIONS(CTF_SLOT)
} lib;
#define CTF_FN(f) {#f, (void **)&lib.f},
static const struct dynlib_fn ctf_fns[] = {CTF_FUNCTIONS(CTF_FN)};
/* Debian 12's libxml2 package: what -lxml2 linked. */
static const char *const ctf_libs[] = {"libxml2.so.2"};
static struct dynlib ctf_dynlib = {"the XML library (libxml2)", ctf_libs, 1, ctf_fns, sizeof ctf_fns / sizeof *ctf_fns,
                                   0, ""};

/* ---- the tree ---------------------------------------------------------- */

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* The first element child called name (ignoring case: suppliers differ,
 * CTFversion / CTFVersion), or NULL. */
static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* The element's text, trimmed, malloc'd (the caller frees); NULL when the
 * element is missing. Entity references are not expanded: the parser was
 * not asked to substitute them, and a file with a DOCTYPE is refused. */
static char *text_of(const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *t = lib.xmlNodeGetContent(n);
    const char *p = t ? (const char *)t : "";
    while (isspace((unsigned char)*p))
        p++;
    size_t len = strlen(p);
    while (len && isspace((unsigned char)p[len - 1]))
        len--;
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, p, len);
        out[len] = '\0';
    }
    (*lib.xmlFree)(t); /* xmlFree is a variable holding the function */
    return out;
}

static char *text(const xmlNode *n, const char *name)
{
    return text_of(child(n, name));
}

/* true / false / 1 / 0 / Y / N; -1 when missing or anything else. */
static int flag(const xmlNode *n)
{
    char *t = text_of(n);
    int v = -1;
    if (t) {
        if (!strcasecmp(t, "true") || !strcmp(t, "1") || !strcasecmp(t, "y") || !strcasecmp(t, "yes"))
            v = 1;
        else if (!strcasecmp(t, "false") || !strcmp(t, "0") || !strcasecmp(t, "n") || !strcasecmp(t, "no"))
            v = 0;
    }
    free(t);
    return v;
}

static int iso_date(const char *t)
{
    int d;
    return t && date_parse_iso(t, &d) ? d : DATE_NONE;
}

/* ---- code lists -------------------------------------------------------- */

/* INTERCHANGE.md §7.2 (CBDS); an unknown code is kept as it is. */
static const char *relationship_text(const char *code)
{
    static const char *const table[][2] = {
        {"PAM", "Mother"}, {"PAF", "Father"}, {"STM", "Step mother"}, {"STF", "Step father"},
        {"FOM", "Foster mother"}, {"FOF", "Foster father"}, {"CAR", "Carer"}, {"FAM", "Other family member"},
        {"REL", "Other relative"}, {"CHM", "Childminder"}, {"SWR", "Social worker"}, {"DOC", "Doctor"},
        {"HTC", "Head teacher"}, {"TCH", "Teacher"}, {"RLG", "Religious or spiritual contact"},
        {"OTH", "Other contact"},
    };
    for (size_t i = 0; code && i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(code, table[i][0]) == 0)
            return table[i][1];
    return code ? code : "";
}

/* INTERCHANGE.md §4.5: SEN types in words. */
static const char *sen_type_text(const char *code)
{
    static const char *const table[][2] = {
        {"SPLD", "specific learning difficulty"}, {"MLD", "moderate learning difficulty"},
        {"SLD", "severe learning difficulty"}, {"PMLD", "profound and multiple learning difficulty"},
        {"SEMH", "social, emotional and mental health"}, {"SLCN", "speech, language and communication"},
        {"HI", "hearing impairment"}, {"VI", "visual impairment"}, {"MSI", "multi-sensory impairment"},
        {"PD", "physical disability"}, {"ASD", "autistic spectrum disorder"}, {"OTH", "other difficulty"},
        {"NSA", "SEN support, no specialist assessment"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(code, table[i][0]) == 0)
            return table[i][1];
    return code;
}

static void append(char **list, const char *item)
{
    size_t a = *list ? strlen(*list) : 0, b = strlen(item);
    char *grown = realloc(*list, a + b + 3);
    if (!grown)
        return;
    if (a)
        memcpy(grown + a, "; ", 2), a += 2;
    memcpy(grown + a, item, b + 1);
    *list = grown;
}

/* ---- one pupil --------------------------------------------------------- */

static void read_fsm(struct ctf_pupil *p, const xmlNode *hist, int today)
{
    if (!hist)
        return;
    p->fsm = 0;
    for (xmlNode *c = hist->children; c; c = c->next) {
        if (!is(c, "FSMinstance"))
            continue;
        char *a = text(c, "FSMstartDate"), *b = text(c, "FSMendDate");
        int start = iso_date(a), end = iso_date(b);
        if (start != DATE_NONE && start <= today && (end == DATE_NONE || end >= today))
            p->fsm = 1;
        free(a);
        free(b);
    }
}

static void read_sen(struct ctf_pupil *p, const xmlNode *hist)
{
    if (!hist)
        return;
    /* The open SEN block that started last. */
    int best = DATE_NONE;
    char *provision = NULL;
    for (xmlNode *c = hist->children; c; c = c->next) {
        if (!is(c, "SEN"))
            continue;
        char *a = text(c, "StartDate"), *e = text(c, "EndDate");
        int start = iso_date(a);
        if ((!e || !*e) && (provision == NULL || start >= best)) {
            free(provision);
            provision = text(c, "SENprovision");
            best = start;
        }
        free(a);
        free(e);
    }
    if (provision) {
        p->plan = strdup(strcasecmp(provision, "E") == 0 ? "ehcp" : "none");
        free(provision);
    }
    const xmlNode *needs = child(hist, "SENneeds");
    for (int rank = 1; needs && rank <= 3; rank++)
        for (xmlNode *c = needs->children; c; c = c->next) {
            if (!is(c, "SENneed"))
                continue;
            char *r = text(c, "SENtypeRank"), *t = text(c, "SENtype");
            int rr = r ? atoi(r) : 3;
            if (t && *t && (rr == rank || (rank == 3 && (rr < 1 || rr > 2))))
                append(&p->aln_areas, sen_type_text(t));
            free(r);
            free(t);
        }
}

/* Wales: the ALN Act's IDP, and the areas of need (codes, as given). */
static void read_wales(struct ctf_pupil *p, const xmlNode *naw)
{
    if (!naw)
        return;
    char *outcome = text(naw, "ALNDecisionOutcome"), *body = text(naw, "ALNDecisionBody");
    if (outcome && strcasecmp(outcome, "IDP") == 0) {
        free(p->plan);
        p->plan = strdup(body && (strcasecmp(body, "LA") == 0 || strcasecmp(body, "LEA") == 0) ? "idp_la"
                                                                                              : "idp_school");
    }
    free(outcome);
    free(body);
    const xmlNode *areas = child(naw, "ALNAreasOfNeed");
    if (areas && !p->aln_areas)
        for (xmlNode *c = areas->children; c; c = c->next)
            if (is(c, "ALNAreaOfNeed")) {
                char *t = text_of(c);
                if (t && *t)
                    append(&p->aln_areas, t);
                free(t);
            }
}

static void read_contacts(struct ctf_pupil *p, const xmlNode *list)
{
    size_t n = 0;
    for (xmlNode *c = list ? list->children : NULL; c; c = c->next)
        n += is(c, "Contact");
    if (!n)
        return;
    p->contacts = calloc(n, sizeof *p->contacts);
    if (!p->contacts)
        return;
    for (xmlNode *c = list->children; c; c = c->next) {
        if (!is(c, "Contact"))
            continue;
        struct ctf_contact *k = &p->contacts[p->ncontacts++];
        k->line = (int)lib.xmlGetLineNo(c);
        char *order = text(c, "Order");
        k->order = order ? atoi(order) : 0;
        free(order);
        char *fore = text(c, "Forename"), *sur = text(c, "Surname"), *rel = text(c, "Relationship");
        size_t len = (fore ? strlen(fore) : 0) + (sur ? strlen(sur) : 0) + 2;
        k->name = malloc(len);
        if (k->name)
            snprintf(k->name, len, "%s%s%s", fore ? fore : "", fore && *fore && sur && *sur ? " " : "", sur ? sur : "");
        k->relationship = strdup(relationship_text(rel));
        free(fore);
        free(sur);
        free(rel);
        k->responsibility = flag(child(c, "Responsibility"));
        const xmlNode *phones = child(c, "Phones");
        for (xmlNode *ph = phones ? phones->children : NULL; ph; ph = ph->next)
            if (is(ph, "Phone")) {
                char **slot = !k->phone ? &k->phone : !k->phone2 ? &k->phone2 : NULL;
                if (slot)
                    *slot = text(ph, "PhoneNo");
            }
        k->email = text(c, "Email");
    }
}

static void read_pupil(struct ctf_pupil *p, const xmlNode *n, int today)
{
    p->line = (int)lib.xmlGetLineNo(n);
    p->fsm = p->cla = -1;
    p->upn = text(n, "UPN");
    p->surname = text(n, "Surname");
    p->forename = text(n, "Forename");
    p->dob = text(n, "DOB");
    char *sex = text(n, "Sex");
    if (!sex)
        sex = text(n, "Gender");
    p->sex = strdup(!sex ? "" : strcasecmp(sex, "F") == 0 ? "female" : strcasecmp(sex, "M") == 0 ? "male" : "");
    free(sex);
    const xmlNode *basic = child(n, "BasicDetails");
    p->preferred = text(basic, "PreferredForename");
    p->uln = text(n, "UniqueLearnerNumber");
    p->middle_names = text(basic, "MiddleNames");
    p->ethnicity = text(basic, "Ethnicity");
    for (char *c = p->ethnicity; c && *c; c++)
        *c = (char)toupper((unsigned char)*c);
    read_fsm(p, child(n, "FSMhistory"), today);
    const xmlNode *la = child(n, "LookedAfter");
    if (la)
        p->cla = flag(child(la, "InCare"));
    read_sen(p, child(n, "SENhistory"));
    const xmlNode *naw = child(n, "NAWdetails");
    read_wales(p, naw ? naw : child(basic, "NAWdetails"));
    read_contacts(p, child(n, "Contacts"));
}

/* ---- the file ---------------------------------------------------------- */

ap_status ctf_parse(const char *name, const char *text_in, size_t len, int today, FILE *warnings, struct ctf_file *out)
{
    memset(out, 0, sizeof *out);
    char safe[300];
    utf8_printable(safe, sizeof safe, name);
    if (len > INT32_MAX)
        return ap_fail(AP_ERR_INVALID, "%s is too big to be a CTF", safe);
    char doing[320];
    snprintf(doing, sizeof doing, "cannot read %s", safe);
    ap_status loaded = dynlib_load(&ctf_dynlib, doing);
    if (loaded != AP_OK)
        return loaded;
    lib.xmlResetLastError();
    /* NONET: never fetch anything. Not NOENT or DTDLOAD: no entity is
     * substituted and no external DTD read; not HUGE: the built-in limits
     * stay on. NOERROR/NOWARNING: errors come back here, not on stderr. */
    xmlDoc *doc = lib.xmlReadMemory(text_in, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = lib.xmlGetLastError();
        char msg[300];
        utf8_printable(msg, sizeof msg, e && e->message ? e->message : "not XML");
        size_t m = strlen(msg);
        while (m && (msg[m - 1] == '\n' || msg[m - 1] == '?'))
            msg[--m] = '\0';
        return ap_fail(AP_ERR_INVALID, "%s line %d, column %d: is not a readable XML file (%s): it is not a CTF",
                       safe, e ? e->line : 0, e ? e->int2 : 0, msg);
    }
    ap_status st = AP_OK;
    xmlNode *root = lib.xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset)
        st = ap_fail(AP_ERR_INVALID, "%s has a DOCTYPE declaration: a CTF has none, and apterm does not read them "
                                     "(they can make a parser fetch files or expand entities)", safe);
    else if (!root || strcmp((const char *)root->name, "CTfile") != 0) {
        char r[80];
        utf8_printable(r, sizeof r, root ? (const char *)root->name : "");
        st = ap_fail(AP_ERR_INVALID, "%s is not a Common Transfer File: its root element is <%s>, not <CTfile>%s",
                     safe, r, root && strcmp((const char *)root->name, "ATfile") == 0
                                  ? " (it is an admissions transfer file)" : "");
    }
    const xmlNode *header = st == AP_OK ? child(root, "Header") : NULL;
    if (st == AP_OK && !header)
        st = ap_fail(AP_ERR_INVALID, "%s is not a Common Transfer File: <CTfile> has no <Header>", safe);
    if (st == AP_OK) {
        out->version = text(header, "CTFversion");
        int major = out->version ? atoi(out->version) : 0;
        if (major != 24 && major != 25) {
            char v[40];
            utf8_printable(v, sizeof v, out->version ? out->version : "none");
            fprintf(warnings, "%s: warning: CTF version %s; apterm reads versions 24 and 25, and reads this one as "
                              "best it can\n", safe, v);
        }
        const xmlNode *src = child(header, "SourceSchool");
        char *estab = text(src, "Estab");
        if (src && estab && strcasecmp(estab, "LLLL") != 0) {
            out->school = text(src, "SchoolName");
            out->school_urn = text(src, "URN");
        }
        free(estab);
        const xmlNode *data = child(root, "CTFpupilData");
        size_t n = 0;
        for (xmlNode *c = data ? data->children : NULL; c; c = c->next)
            n += is(c, "Pupil");
        out->pupils = n ? calloc(n, sizeof *out->pupils) : NULL;
        if (n && !out->pupils)
            st = ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", safe);
        for (xmlNode *c = data ? data->children : NULL; st == AP_OK && c; c = c->next)
            if (is(c, "Pupil")) {
                struct ctf_pupil *p = &out->pupils[out->npupils++];
                read_pupil(p, c, today);
                /* A school may use an extended ethnicity code apterm does
                 * not list: the pupil still comes in, without it. */
                if (p->ethnicity && !label_known(LABELS_ETHNICITY, p->ethnicity)) {
                    char code[40];
                    utf8_printable(code, sizeof code, p->ethnicity);
                    fprintf(warnings, "%s line %d: warning: ethnicity code \"%s\" is not one apterm knows (README, "
                                      "the AP census); the pupil's ethnicity is left as stored\n", safe, p->line, code);
                    free(p->ethnicity);
                    p->ethnicity = NULL;
                }
            }
        if (st == AP_OK && !out->npupils)
            st = ap_fail(AP_ERR_INVALID, "%s has no pupils (no <CTFpupilData>/<Pupil>): nothing to import", safe);
    }
    lib.xmlFreeDoc(doc);
    if (st != AP_OK)
        ctf_free(out);
    return st;
}

void ctf_free(struct ctf_file *f)
{
    for (size_t i = 0; i < f->npupils; i++) {
        struct ctf_pupil *p = &f->pupils[i];
        for (size_t j = 0; j < p->ncontacts; j++) {
            struct ctf_contact *k = &p->contacts[j];
            free(k->name), free(k->relationship), free(k->phone), free(k->phone2), free(k->email);
        }
        free(p->contacts);
        free(p->upn), free(p->forename), free(p->surname), free(p->preferred), free(p->dob), free(p->sex);
        free(p->plan), free(p->aln_areas), free(p->uln), free(p->middle_names), free(p->ethnicity);
    }
    free(f->pupils);
    free(f->version), free(f->school), free(f->school_urn);
    memset(f, 0, sizeof *f);
}

/* ---- into the CSV imports ---------------------------------------------- */

/* The stored pupils as the export writes them: rows[i][c] for the header's
 * columns. */
struct table {
    char *text;
    char **header;
    size_t ncols;
    char ***rows;
    size_t nrows;
};

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t c = 0; c < t->ncols; c++)
            free(t->rows[i][c]);
        free(t->rows[i]);
    }
    for (size_t c = 0; c < t->ncols; c++)
        free(t->header[c]);
    free(t->rows);
    free(t->header);
    free(t->text);
}

static ap_status stored_pupils(struct store *s, struct table *t)
{
    memset(t, 0, sizeof *t);
    size_t size = 0;
    FILE *f = open_memstream(&t->text, &size);
    if (!f)
        return ap_fail(AP_ERR_NOMEM, "reading the pupils: out of memory");
    long rows, pupils;
    ap_status st = ix_export(s, IX_PUPILS, f, &rows, &pupils);
    if (fclose(f) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_NOMEM, "reading the pupils: out of memory");
    if (st != AP_OK)
        return st;
    struct csv_reader r;
    csv_open(&r, "the store's pupils", t->text);
    bool got;
    size_t cap = 0;
    while (st == AP_OK && (st = csv_next(&r, &got)) == AP_OK && got) {
        char **cells = calloc(r.nfield, sizeof *cells);
        if (!cells)
            st = ap_fail(AP_ERR_NOMEM, "out of memory");
        for (size_t c = 0; cells && c < r.nfield; c++)
            if (!(cells[c] = strdup(csv_unprotect(r.field[c]))))
                st = ap_fail(AP_ERR_NOMEM, "out of memory");
        if (!t->header) {
            t->header = cells;
            t->ncols = r.nfield;
            continue;
        }
        char ***grown = rowio_grow(t->rows, &cap, t->nrows, sizeof *t->rows);
        if (!grown) {
            st = ap_fail(AP_ERR_NOMEM, "out of memory");
            for (size_t c = 0; cells && c < r.nfield; c++)
                free(cells[c]);
            free(cells);
            break;
        }
        t->rows = grown;
        t->rows[t->nrows++] = cells;
    }
    csv_close(&r);
    return st;
}

static int column(const struct table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->header[c], name) == 0)
            return (int)c;
    return -1;
}

/* One pupils line: the stored values, or a new pupil's defaults, with what
 * the CTF says over them. */
/* false when a field could not be written (the memory stream out of memory). */
static bool pupil_line(FILE *out, const struct table *t, const struct ctf_file *f, const struct ctf_pupil *p)
{
    bool ok = true;
    const char *upper_upn = p->upn ? p->upn : "";
    char upn[32];
    size_t n = 0;
    for (const char *c = upper_upn; *c && n + 1 < sizeof upn; c++)
        upn[n++] = (char)toupper((unsigned char)*c);
    upn[n] = '\0';
    char **stored = NULL;
    int cu = column(t, "upn");
    for (size_t i = 0; cu >= 0 && i < t->nrows && !stored; i++)
        if (strcmp(t->rows[i][cu], upn) == 0)
            stored = t->rows[i];
    /* What the CTF says, column by column; NULL where it says nothing. */
    bool school = f->school && *f->school;
    const struct {
        const char *col, *v;
    } says[] = {
        {"upn", upper_upn},
        {"legal_forename", p->forename},
        {"legal_surname", p->surname},
        {"preferred_name", p->preferred},
        {"dob", p->dob},
        {"gender", p->sex && *p->sex ? p->sex : NULL},
        {"home_school", school ? f->school : NULL},
        {"home_school_urn", school ? (f->school_urn ? f->school_urn : "") : NULL},
        {"fsm", p->fsm < 0 ? NULL : p->fsm ? "yes" : "no"},
        {"cla", p->cla < 0 ? NULL : p->cla ? "yes" : "no"},
        {"plan", p->plan},
        {"aln_areas", p->aln_areas},
        {"uln", p->uln},
        {"middle_names", p->middle_names},
        {"ethnicity", p->ethnicity},
    };
    for (size_t c = 0; c < t->ncols; c++) {
        const char *col = t->header[c];
        const char *v = stored ? stored[c] : "";
        if (!stored) {
            /* A new pupil: on the home school's roll; the cohort is the
             * officer's to set (README says so). */
            if (!strcmp(col, "roll_status"))
                v = "sole_school";
            else if (!strcmp(col, "cohort"))
                v = "school_ap";
            else if (!strcmp(col, "plan"))
                v = "none";
        }
        for (size_t i = 0; i < sizeof says / sizeof says[0]; i++)
            if (!strcmp(col, says[i].col)) {
                if (says[i].v)
                    v = says[i].v;
                break;
            }
        ok = csv_write_field(out, v, c + 1 == t->ncols) && ok;
    }
    return ok;
}

static int by_order(const void *a, const void *b)
{
    const struct ctf_contact *x = a, *y = b;
    int ox = x->order > 0 ? x->order : 1000, oy = y->order > 0 ? y->order : 1000;
    return ox != oy ? (ox < oy ? -1 : 1) : (x->line > y->line) - (x->line < y->line);
}

ap_status ctf_import(struct store *s, const char *name, const char *path, const char *text_in, size_t len,
                     bool dry_run, int today, FILE *report, FILE *errors, struct ix_result *res)
{
    if (res)
        memset(res, 0, sizeof *res);
    struct ctf_file f;
    ap_status st = ctf_parse(name, text_in, len, today, errors, &f);
    if (st != AP_OK)
        return st;
    struct table t;
    char *pupils = NULL, *contacts = NULL;
    size_t psize = 0, csize = 0;
    int *pmap = calloc(f.npupils + 2, sizeof *pmap), *cmap = NULL;
    size_t ncontacts = 0;
    for (size_t i = 0; i < f.npupils; i++)
        ncontacts += f.pupils[i].ncontacts;
    cmap = calloc(ncontacts + 2, sizeof *cmap);
    if (!pmap || !cmap) {
        free(pmap);
        free(cmap);
        ctf_free(&f);
        return ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", name);
    }
    /* The write lock from the first look-up to the end, as for a CSV file. */
    st = store_batch_begin(s);
    if (st == AP_OK)
        st = stored_pupils(s, &t);
    else
        memset(&t, 0, sizeof t);
    FILE *pf = st == AP_OK ? open_memstream(&pupils, &psize) : NULL;
    FILE *cf = st == AP_OK ? open_memstream(&contacts, &csize) : NULL;
    if (st == AP_OK && (!pf || !cf))
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    bool written = true; /* every field went into the memory streams */
    if (st == AP_OK) {
        for (size_t c = 0; c < t.ncols; c++)
            written = csv_write_field(pf, t.header[c], c + 1 == t.ncols) && written;
        written = fputs("upn,name,priority,relationship,phone,phone2,email,parental_responsibility\n", cf) != EOF && written;
        pmap[1] = cmap[1] = 1;
        int cline = 2;
        for (size_t i = 0; i < f.npupils; i++) {
            struct ctf_pupil *p = &f.pupils[i];
            written = pupil_line(pf, &t, &f, p) && written;
            pmap[i + 2] = p->line;
            if (p->ncontacts)
                qsort(p->contacts, p->ncontacts, sizeof *p->contacts, by_order);
            for (size_t j = 0; j < p->ncontacts; j++) {
                const struct ctf_contact *k = &p->contacts[j];
                char prio[8] = "";
                if (j < 9)
                    snprintf(prio, sizeof prio, "%zu", j + 1);
                const char *cells[] = {p->upn ? p->upn : "", k->name ? k->name : "", prio,
                                       k->relationship ? k->relationship : "", k->phone ? k->phone : "",
                                       k->phone2 ? k->phone2 : "", k->email ? k->email : "",
                                       k->responsibility < 0 ? "" : k->responsibility ? "yes" : "no"};
                for (size_t c = 0; c < 8; c++)
                    written = csv_write_field(cf, cells[c], c == 7) && written;
                cmap[cline++] = k->line;
            }
        }
    }
    if (!written && st == AP_OK)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    if (pf && fclose(pf) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    if (cf && fclose(cf) != 0 && st == AP_OK)
        st = ap_fail(AP_ERR_NOMEM, "out of memory");
    struct ix_result pr = {0}, cr = {0};
    if (st == AP_OK) {
        struct ix_options o = {.in_batch = true, .line_map = pmap, .nlines = (int)f.npupils + 2};
        st = ix_import_opts(s, IX_PUPILS, name, path, pupils, &o, today, report, errors, &pr);
    }
    if (st == AP_OK && ncontacts) {
        struct ix_options o = {.in_batch = true, .line_map = cmap, .nlines = (int)ncontacts + 2};
        st = ix_import_opts(s, IX_CONTACTS, name, path, contacts, &o, today, report, errors, &cr);
    }
    ap_status end = store_batch_end(s, st == AP_OK && !dry_run);
    if (st == AP_OK)
        st = end;
    if (res) {
        res->added = pr.added + cr.added;
        res->changed = pr.changed + cr.changed;
        res->unchanged = pr.unchanged + cr.unchanged;
        res->errors = pr.errors + cr.errors;
    }
    if (st == AP_OK)
        fprintf(report, "%s: CTF %s, %zu pupil%s%s\n", name, f.version ? f.version : "?", f.npupils,
                f.npupils == 1 ? "" : "s", dry_run ? " (a dry run: nothing was written)" : "");
    table_free(&t);
    free(pupils);
    free(contacts);
    free(pmap);
    free(cmap);
    ctf_free(&f);
    return st;
}
