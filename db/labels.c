#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* code, text, brief (at most 12 columns). */

const struct label LABELS_ROLL_STATUS[] = {
    {"sole_school", "Sole roll (school)", "School"},
    {"dual_prs", "Dual roll (main roll PRS)", "Dual (PRS)"},
    {"sole_prs", "Sole roll PRS", "PRS"},
    {NULL, NULL, NULL},
};

const struct label LABELS_COHORT[] = {
    {"aln_bespoke", "ALN bespoke", "ALN bespoke"},
    {"pru_plus", "PRU Plus", "PRU Plus"},
    {"school_ap", "School-held AP", "School AP"},
    {"ks13_intervention", "KS1–3 intervention", "KS1–3 int."},
    {"ks4_pathway", "KS4 alternative pathway", "KS4 pathway"},
    {NULL, NULL, NULL},
};

const struct label LABELS_PLAN[] = {
    {"none", "None", "None"},
    {"idp_school", "IDP (school)", "IDP (school)"},
    {"idp_la", "IDP (LA)", "IDP (LA)"},
    {"ehcp", "EHCP", "EHCP"},
    {NULL, NULL, NULL},
};

const struct label LABELS_GENDER[] = {
    {"", "Not recorded", ""},
    {"female", "Female", "F"},
    {"male", "Male", "M"},
    {"other", "Other", "Other"},
    {NULL, NULL, NULL},
};

const struct label LABELS_SCHOOL_PHASE[] = {
    {"primary", "Primary", "Primary"},
    {"secondary", "Secondary", "Secondary"},
    {"special", "Special", "Special"},
    {"all_through", "All-through", "All-through"},
    {"prs", "Pupil referral service", "PRS"},
    {NULL, NULL, NULL},
};

const struct label LABELS_REGISTRATION[] = {
    {"independent_school", "Registered independent school", "Independent"},
    {"maintained_school", "Maintained school", "Maintained"},
    {"pru", "Pupil referral unit", "PRU"},
    {"academy", "Academy", "Academy"},
    {"further_education", "Further education college", "FE college"},
    {"unregistered", "Unregistered AP", "Unregistered"},
    {NULL, NULL, NULL},
};

const struct label LABELS_PROVIDER_STATUS[] = {
    {"active", "Active", "Active"},
    {"suspended", "Suspended", "Suspended"},
    {NULL, NULL, NULL},
};

/* In enum cost_basis's order (src/rules.h): rules.c names its values with these codes. */
const struct label LABELS_COST_BASIS[] = {
    {"session", "Per session", "/session"},
    {"day", "Per day", "/day"},
    {"week", "Per week", "/week"},
    {"year", "Per year", "/year"},
    {NULL, NULL, NULL},
};

const struct label LABELS_PLACEMENT_STATUS[] = {
    {"proposed", "Proposed", "Proposed"},
    {"active", "Active", "Active"},
    {"ended", "Ended", "Ended"},
    {NULL, NULL, NULL},
};

const struct label LABELS_SESSION[] = {
    {"am", "Morning (AM)", "AM"},
    {"pm", "Afternoon (PM)", "PM"},
    {NULL, NULL, NULL},
};

const struct label LABELS_CONCERN_KIND[] = {
    {"safeguarding", "Safeguarding concern", "Safeguarding"},
    {"incident", "Incident", "Incident"},
    {NULL, NULL, NULL},
};

const struct label LABELS_MARK_SOURCE[] = {
    {"phone", "Phoned in by the provider", "Phone"},
    {"email", "Emailed by the provider", "Email"},
    {"portal", "Provider portal", "Portal"},
    {"call", "First-day absence call", "Call"},
    {"officer", "Entered by the officer", "Officer"},
    {"import", "Imported", "Import"},
    {NULL, NULL, NULL},
};

/* In enum code_category's order (src/rules.h): rules.c names its values with these codes. */
const struct label LABELS_CODE_CATEGORY[] = {
    {"present", "Present", "Present"},
    {"aea", "Approved educational activity", "Approved act"},
    {"authorised", "Authorised absence", "Authorised"},
    {"unauthorised", "Unauthorised absence", "Unauthorised"},
    {"not_counted", "Not counted", "Not counted"},
    {NULL, NULL, NULL},
};

const struct label LABELS_CASE_REASON[] = {
    {"risk_of_pex", "At risk of permanent exclusion", "Risk of PEX"},
    {"pex", "Permanently excluded", "PEX"},
    {"provision_amend", "Provision needs amending", "Amend"},
    {"moved_in", "Moved into the area", "Moved in"},
    {"placement_breakdown", "Placement breakdown", "Breakdown"},
    {"special_school_wait", "Waiting for a special school place", "Special wait"},
    {"other", "Other", "Other"},
    {NULL, NULL, NULL},
};

const struct label LABELS_CASE_STATUS[] = {
    {"open", "Open", "Open"},
    {"agreed", "Agreed", "Agreed"},
    {"declined", "Declined", "Declined"},
    {"deferred", "Deferred", "Deferred"},
    {"withdrawn", "Withdrawn", "Withdrawn"},
    {NULL, NULL, NULL},
};

const struct label LABELS_QA_STAGE[] = {
    {"stage1", "Stage 1: health and safety, safeguarding", "Stage 1"},
    {"stage2", "Stage 2: learner progress", "Stage 2"},
    {"monitoring", "Monitoring visit", "Monitoring"},
    {"checks", "Provider checks", "Checks"},
    {NULL, NULL, NULL},
};

const struct label LABELS_QA_OUTCOME[] = {
    {"satisfactory", "Satisfactory", "Satisfactory"},
    {"improvement_needed", "Improvement needed", "Improve"},
    {"unsatisfactory", "Unsatisfactory", "Unsatisf."},
    {NULL, NULL, NULL},
};

const struct label LABELS_QA_ANSWER[] = {
    {"yes", "Yes", "Yes"},
    {"no", "No", "No"},
    {"na", "N/A", "N/A"},
    {NULL, NULL, NULL},
};

const struct label LABELS_PSP_STATUS[] = {
    {"draft", "Draft", "Draft"},
    {"active", "Active", "Active"},
    {"ceased", "Ceased", "Ceased"},
    {NULL, NULL, NULL},
};

const struct label LABELS_REDUCED_REASON[] = {
    {"behaviour", "Behaviour", "Behaviour"},
    {"aln", "Additional learning needs", "ALN"},
    {"safeguarding", "Safeguarding", "Safeguarding"},
    {"mental_health", "Mental health", "Mental hlth"},
    {"medical", "Medical", "Medical"},
    {NULL, NULL, NULL},
};

const struct label LABELS_REVIEW_OUTCOME[] = {
    {"continue", "Continue", "Continue"},
    {"adapt", "Adapt", "Adapt"},
    {"cease", "Cease", "Cease"},
    {"next_steps", "Next steps", "Next steps"},
    {NULL, NULL, NULL},
};

const struct label LABELS_PROGRESSION[] = {
    {"progressing", "Progressing", "Progressing"},
    {"little", "Little or none", "Little"},
    {NULL, NULL, NULL},
};

const struct label LABELS_PROGRESS_AREA[] = {
    {"attendance", "Attendance within the provision", "Attendance"},
    {"wellbeing", "Wellbeing and emotional regulation", "Wellbeing"},
    {"engagement", "Participation and engagement", "Engagement"},
    {"social", "Social interaction and communication", "Social"},
    {"qualifications", "Qualification pathway", "Qualif."},
    {NULL, NULL, NULL},
};

const struct label LABELS_ROLE[] = {
    {"admin", "Administrator", "Admin"},
    {"officer", "Commissioning officer", "Officer"},
    {"lead", "ALP and partnership lead", "Lead"},
    {"viewer", "Viewer (read only)", "Viewer"},
    {NULL, NULL, NULL},
};

/* DfE ethnicity codes as the AP census takes them: the main codes, and the
 * extended codes ../shared/INTERCHANGE.md §7 lists. Further extended codes
 * from the census codes page can be added here (the store checks only that
 * a code is 4 characters, so no migration is needed). */
const struct label LABELS_ETHNICITY[] = {
    {"", "Not recorded", ""},
    {"WBRI", "White - British", "WBRI"},
    {"WENG", "White - English", "WENG"},
    {"WSCO", "White - Scottish", "WSCO"},
    {"WWEL", "White - Welsh", "WWEL"},
    {"WNIR", "White - Northern Irish", "WNIR"},
    {"WCOR", "White - Cornish", "WCOR"},
    {"WOWB", "White - other White British", "WOWB"},
    {"WIRI", "White - Irish", "WIRI"},
    {"WIRT", "Traveller of Irish heritage", "WIRT"},
    {"WROM", "Gypsy / Roma", "WROM"},
    {"WALB", "White - Albanian", "WALB"},
    {"WOTH", "Any other White background", "WOTH"},
    {"MWBC", "White and Black Caribbean", "MWBC"},
    {"MWBA", "White and Black African", "MWBA"},
    {"MWAS", "White and Asian", "MWAS"},
    {"MOTH", "Any other mixed background", "MOTH"},
    {"AIND", "Indian", "AIND"},
    {"APKN", "Pakistani", "APKN"},
    {"ABAN", "Bangladeshi", "ABAN"},
    {"AOTH", "Any other Asian background", "AOTH"},
    {"BCRB", "Black Caribbean", "BCRB"},
    {"BAFR", "Black African", "BAFR"},
    {"BOTH", "Any other Black background", "BOTH"},
    {"CHNE", "Chinese", "CHNE"},
    {"OOTH", "Any other ethnic group", "OOTH"},
    {"REFU", "Refused", "REFU"},
    {"NOBT", "Information not yet obtained", "NOBT"},
    {NULL, NULL, NULL},
};

/* AP type of setting, for a placement whose provider has neither URN nor
 * UKPRN: the four values the AP census 2023 guide gives (placement module,
 * "AP setting type"); migration 030's CHECK holds the same four. */
const struct label LABELS_CENSUS_SETTING[] = {
    {"", "Not recorded", ""},
    {"NFE", "Non-maintained further education provision", "NFE"},
    {"OOT", "One-to-one tuition", "OOT"},
    {"OTH", "Other unregistered provider", "OTH"},
    {"WBP", "Work-based placement", "WBP"},
    {NULL, NULL, NULL},
};

/* Primary reason for placement: why the placement was commissioned, not the
 * pupil's needs (permanent exclusion wins over health needs). UNVERIFIED:
 * the census's own code list was not found (INTERCHANGE.md §9.1); these
 * are placeholders an authority corrects in apterm.ini [census] reasons.
 * The store has no CHECK on the column, so this table is the only list. */
struct label LABELS_CENSUS_REASON[LABELS_CENSUS_MAX + 2] = {
    {"", "Not recorded", ""},
    {"PEX", "Permanent exclusion", "PEX"},
    {"SUS", "Suspension", "SUS"},
    {"HEA", "Physical or mental health needs", "HEA"},
    {"SEN", "Awaiting special educational provision", "SEN"},
    {"OTH", "Other", "OTH"},
    {NULL, NULL, NULL},
};

/* Parses spec into out (LABELS_CENSUS_MAX + 2 entries, "Not recorded"
 * first) with its strings in store (the spec's length + 1 bytes, or more);
 * out and store NULL: checks only. */
static bool census_parse(const char *spec, struct label *out, char *store, char *why, size_t len)
{
    size_t n = 0;
    char seen[LABELS_CENSUS_MAX][4];
    const char *p = spec;
    char *at = store;
    if (out)
        out[n] = (struct label){"", "Not recorded", ""};
    while (true) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        const char *code = p, *c = p;
        while (c < end && ((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            c++;
        size_t clen = (size_t)(c - code);
        const char *words = c;
        while (words < end && *words == ' ')
            words++;
        const char *wend = end;
        while (wend > words && wend[-1] == ' ')
            wend--;
        if (clen == 0 || clen > 3 || (c < end && *c != ' ') || words == wend) {
            snprintf(why, len, "item %zu, \"%.*s\", is not a code of 1 to 3 capital letters or digits followed by its words",
                     n + 1, (int)(end - p), p);
            return false;
        }
        for (size_t i = 0; i < n && i < LABELS_CENSUS_MAX; i++)
            if (strlen(seen[i]) == clen && strncmp(seen[i], code, clen) == 0) {
                snprintf(why, len, "the code %.*s is given twice", (int)clen, code);
                return false;
            }
        if (n >= LABELS_CENSUS_MAX) {
            snprintf(why, len, "more than %d codes", LABELS_CENSUS_MAX);
            return false;
        }
        snprintf(seen[n++], sizeof seen[0], "%.*s", (int)clen, code);
        if (out) {
            memcpy(at, code, clen);
            at[clen] = '\0';
            char *ctext = at;
            at += clen + 1;
            memcpy(at, words, (size_t)(wend - words));
            at[wend - words] = '\0';
            out[n] = (struct label){ctext, at, ctext};
            at += (wend - words) + 1;
        }
        if (!*end)
            break;
        p = end + 1;
    }
    if (out)
        out[n + 1] = (struct label){NULL, NULL, NULL};
    return true;
}

bool labels_census_check(const char *spec, char *why, size_t len)
{
    return census_parse(spec, NULL, NULL, why, len);
}

bool labels_census_configure(const char *reason_spec, char *why, size_t len)
{
    /* The strings live as long as the program: the table points into them. */
    static char *reason_store;
    if (!reason_spec || !*reason_spec)
        return true;
    if (!labels_census_check(reason_spec, why, len))
        return false;
    char *store = malloc(strlen(reason_spec) * 2 + 2);
    if (!store) {
        snprintf(why, len, "out of memory");
        return false;
    }
    free(reason_store);
    reason_store = store;
    census_parse(reason_spec, LABELS_CENSUS_REASON, store, why, len);
    return true;
}

const struct label *label_find(const struct label *table, const char *code)
{
    if (!table || !code)
        return NULL;
    for (const struct label *l = table; l->code; l++)
        if (strcmp(l->code, code) == 0)
            return l;
    return NULL;
}

int label_rank(const struct label *table, const char *code)
{
    const struct label *l = label_find(table, code);
    return l ? (int)(l - table) : LABEL_RANK_UNKNOWN;
}

bool label_known(const struct label *table, const char *code)
{
    return label_find(table, code) != NULL;
}

const char *label_text(const struct label *table, const char *code)
{
    const struct label *l = label_find(table, code);
    return l ? l->text : code ? code : "";
}

const char *label_brief(const struct label *table, const char *code)
{
    const struct label *l = label_find(table, code);
    return l ? l->brief : code ? code : "";
}

const char *label_weekday(int weekday)
{
    static const char *const names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
    return weekday >= 0 && weekday < 5 ? names[weekday] : "?";
}

const char *label_weekday_brief(int weekday)
{
    static const char *const names[] = {"Mon", "Tue", "Wed", "Thu", "Fri"};
    return weekday >= 0 && weekday < 5 ? names[weekday] : "?";
}

size_t label_count(const struct label *table)
{
    size_t n = 0;
    while (table && table[n].code)
        n++;
    return n;
}

char *label_choices(const struct label *table, char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    buf[0] = '\0';
    size_t n = label_count(table), used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(buf + used, len - used, "%s%s", sep, table[i].text);
        if (w < 0 || (size_t)w >= len - used) {
            buf[used] = '\0'; /* never a word, or a character, cut in two */
            break;
        }
        used += (size_t)w;
    }
    return buf;
}
