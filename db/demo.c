#include "demo.h"

/* The demo generator.
 *
 * Everything is planned in memory first (schools, providers, pupils, their
 * placements and PSP shapes), then written in one transaction with one
 * prepared statement per table, reused for every row. Randomness comes from
 * splitmix64 streams derived from the seed and the record (stream, index),
 * so a pupil's name does not change when --weeks does.
 *
 * Where each flag of DOMAIN.md's rules table is planted (providers are the
 * first ten, in this order; pupils get their roles in role_order[]):
 *   registration red   "Fferm Cwm Eilir Care Farm" (unregistered) has six
 *                      pupils at 20 h a week; "Llwybr Newydd Tuition" one
 *                      looked-after pupil at 18 h; "Camau Bach Learning Hub"
 *                      one pupil with an LA-maintained IDP at 20.5 h.
 *   insurance amber    "Antur Glanmorfa Outdoor Learning" below all three
 *                      minimums; "Gweithdy'r Bont Motor Skills" without motor
 *                      or subcontractor cover.
 *   declaration / DBS  "Tregarn Boxing and Youth Project": declaration and
 *                      enhanced DBS over three years old.
 *   Stage 1 overdue    "Hafod Wen Equine Learning": last Stage 1 14 months ago.
 *   Stage 2 overdue    "Ysgol Tŷ Celyn": last Stage 2 29 months ago.
 *   never visited      "Pathways Tutoring Partnership": no visit at all, one
 *                      proposed placement (so it is in use).
 *   suspended          "Ridgeway Adventure Learning": suspended 12 days ago,
 *                      one pupil still placed there, two moved on; the
 *                      first open panel case has its quote chosen as the
 *                      recommended option, with a reason recorded.
 *   monitoring         a fifth of the other providers' last visit is 6-9
 *                      weeks old.
 *   KS1-3 intervention two ks13_intervention pupils placed 22 weeks ago with
 *                      no end date.
 *   unauthorised runs  two pupils absent without reason for their last 12
 *                      school days (red), two for their last 3 sessions (amber).
 *   persistent absence about one pupil in nine has an absence-prone profile;
 *                      with chance, about one in six ends below 90 %.
 *   PSP and reduced timetables: the first reduced-timetable pupils get, in
 *                      turn, a review overdue, a review due within a week, a
 *                      PSP past its 16 weeks without a ceasing review, no end
 *                      date, no exit plan, over 12 weeks unauthorised, past
 *                      its provisional end, no PSP at all, a draft PSP; later
 *                      ones are drawn at random with the same mix.
 *   quotations         open panel cases under £25,000 with one or two quotes.
 * Every roll status, cohort, panel reason and status, PSP state and QA stage
 * occurs in the default 120-pupil store. */

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "embedded.h"
#include "rowio.h"
#include "rules.h"
#include "thresholds.h"
#include "upn.h"

#define DEMO_LA_NUMBER "690"            /* a fictional LA number for UPNs and URNs */
#define DEMO_COUNTY "Glanaber"          /* the fictional county */

/* ---- Random numbers ----------------------------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* An independent stream for one kind of record and its index. */
static struct rng rng_for(uint64_t seed, uint64_t stream, uint64_t index)
{
    struct rng r = {seed * UINT64_C(0xD1342543DE82EF95) + stream * UINT64_C(0x9E3779B97F4A7C15) + index};
    rng_next(&r);
    r.s ^= rng_next(&r);
    return r;
}

/* lo..hi inclusive. */
static int rnd(struct rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* true with the given chance in percent. */
static bool chance(struct rng *r, int percent)
{
    return (int)(rng_next(r) % 100) < percent;
}

/* true with the given chance in thousandths. */
static bool chance_pm(struct rng *r, int permille)
{
    return (int)(rng_next(r) % 1000) < permille;
}

#define PICK(r, arr) ((arr)[rnd((r), 0, (int)(sizeof(arr) / sizeof((arr)[0])) - 1)])

enum stream {
    ST_SCHOOL = 1,
    ST_PROVIDER,
    ST_PUPIL,
    ST_PLACEMENT,
    ST_CASE,
    ST_PSP,
    ST_VISIT,
    ST_MARKS,
    ST_TRACKING,
    ST_CONCERN,
};

/* ---- Word lists ----------------------------------------------------------------------- */

struct wordlist {
    const char **w;
    size_t n, cap;
};

struct names {
    char *text;
    struct wordlist female, male, surname, place, street;
};

static const char *word(struct rng *r, const struct wordlist *l)
{
    return l->w[rnd(r, 0, (int)l->n - 1)];
}

static bool has_diacritic(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

static void names_free(struct names *nm)
{
    free(nm->text);
    free(nm->female.w);
    free(nm->male.w);
    free(nm->surname.w);
    free(nm->place.w);
    free(nm->street.w);
    memset(nm, 0, sizeof *nm);
}

/* Parses data/demo-names.txt (its format is described at its top). */
static ap_status names_load(struct names *nm)
{
    static const char *path = "data/demo-names.txt";
    memset(nm, 0, sizeof *nm);
    const char *src = embedded_file(path);
    if (!src)
        return ap_fail(AP_ERR_IO, "%s is not built into this apterm (rebuild it with make)", path);
    nm->text = strdup(src);
    if (!nm->text)
        return ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", path);
    struct wordlist *cur = NULL;
    int line = 0;
    for (char *save = NULL, *s = strtok_r(nm->text, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
            s[--len] = '\0';
        if (len == 0 || s[0] == '#')
            continue;
        if (s[0] == '[') {
            cur = strcmp(s, "[female]") == 0    ? &nm->female
                  : strcmp(s, "[male]") == 0    ? &nm->male
                  : strcmp(s, "[surname]") == 0 ? &nm->surname
                  : strcmp(s, "[place]") == 0   ? &nm->place
                  : strcmp(s, "[street]") == 0  ? &nm->street
                                                : NULL;
            if (!cur)
                return ap_fail(AP_ERR_INVALID, "%s: unknown list %s", path, s);
            continue;
        }
        if (!cur)
            return ap_fail(AP_ERR_INVALID, "%s: \"%s\" comes before any [list] line", path, s);
        if (cur->n == cur->cap) {
            size_t cap = cur->cap ? cur->cap * 2 : 64;
            const char **w = realloc(cur->w, cap * sizeof *w);
            if (!w)
                return ap_fail(AP_ERR_NOMEM, "reading %s: out of memory", path);
            cur->w = w;
            cur->cap = cap;
        }
        cur->w[cur->n++] = s;
    }
    if (!nm->female.n || !nm->male.n || !nm->surname.n || nm->place.n < 8 || !nm->street.n)
        return ap_fail(AP_ERR_INVALID, "%s: every list (female, male, surname, place, street) needs entries", path);
    return AP_OK;
}

/* Lower-case ASCII for e-mail addresses: accented Latin letters lose their
 * accents, anything else but letters and digits is dropped (or becomes sep
 * when sep is not 0). */
static void ascii_slug(const char *in, char *out, size_t len, char sep)
{
    static const char latin1[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo-ouuuuyty";
    static const char latin_a[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjJjKkkLlLlLlL"
                                  "lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    size_t n = 0;
    bool pending = false;
    const unsigned char *p = (const unsigned char *)in;
    while (*p && n + 2 < len) {
        unsigned cp = *p++;
        if (cp >= 0xC0 && cp < 0xE0 && (*p & 0xC0) == 0x80)
            cp = ((cp & 0x1F) << 6) | (*p++ & 0x3F);
        else if (cp >= 0x80)
            cp = '?';
        char c = cp < 0x80 ? (char)cp : cp >= 0xC0 && cp <= 0xFF ? latin1[cp - 0xC0] : cp >= 0x100 && cp <= 0x17F ? latin_a[cp - 0x100] : '?';
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (pending && n)
                out[n++] = sep;
            pending = false;
            out[n++] = c;
        } else if (sep) {
            pending = true;
        }
    }
    out[n] = '\0';
}

/* ---- Fixed texts ------------------------------------------------------------------------ */

static const char *const aln_areas_list[] = {
    "emotional and social development", "cognition and learning", "communication and interaction",
    "autism", "ADHD", "speech, language and communication", "sensory and physical",
};

static const char *const contact_relations_parent[] = {"Mother", "Mother", "Mother", "Father", "Father", "Stepfather",
                                                       "Grandmother", "Aunt", "Special guardian"};

static const char *const psp_reasons[] = {
    "Repeated suspensions for dysregulated behaviour in class; at risk of permanent exclusion.",
    "Refusing to attend since the spring; anxiety about the size of the school site.",
    "Placement breakdown at the previous school; needs a small, calm setting while a special school place is found.",
    "Fighting with peers at lunchtimes and leaving lessons without permission.",
    "Low attendance and disengagement from learning in Key Stage 4.",
    "Moved into the county mid-year with an IDP and no school place agreed.",
};

static const char *const psp_strategies[] = {
    "Reduced timetable in school, mentor sessions, ELSA support, report card with personal targets.",
    "Two managed moves between classes; counselling referral; educational psychology consultation.",
    "Time-out card, key adult at start and end of day, lunchtime club.",
    "Home visits by the education welfare officer; transport arranged; phased return plan.",
};

static const char *const psp_working[] = {
    "Responds well to practical, outdoor tasks and to one trusted adult.",
    "Good relationship with the farm staff; proud of caring for the animals.",
    "Enjoys mechanics and will stay on task for an hour when working on the engine.",
    "Attends well on days with a clear routine; likes knowing the plan in advance.",
    "Makes good progress in maths when taught one to one.",
};

static const char *const psp_exit_plans[] = {
    "Add one morning every three weeks, back to full time at the home school by the end date.",
    "Increase to four full days after the next review, then full time with the Key Stage 4 pathway.",
    "Phased return to the special school place once it starts, with transition visits beforehand.",
    "Move to a full-time college link timetable from next term, agreed with the parent.",
};

static const struct target_text {
    const char *target, *baseline, *measure;
} psp_targets[] = {
    {"I will come to every timetabled session for three weeks running.", "Attended 6 of 10 sessions last fortnight.",
     "Sessions attended, from the register"},
    {"I will use my time-out card instead of leaving the room.", "Left the room four times a week on average.",
     "Times the card is used against times out of the room"},
    {"I will read for ten minutes with an adult three times a week.", "Not reading at all at home or school.",
     "Reading log signed by staff"},
    {"I will travel in the taxi calmly and arrive ready to start.", "Two incidents a week in the taxi.",
     "Escort's log and arrival notes"},
    {"I will finish the first unit of my Level 1 mechanics course.", "No units started.",
     "Units signed off by the tutor"},
    {"I will tell a trusted adult when I feel angry before it builds up.", "Three physical incidents last half term.",
     "Incident log and weekly check-ins"},
    {"I will eat lunch with the group twice a week.", "Eats alone every day.", "Staff observation record"},
};

static const char *const review_progress_text[] = {
    "Good progress: target met most weeks.", "Some progress; keep the target as it is.",
    "Little progress yet; more support agreed.", "Target met: a new one will be set.",
};

static const char *const concern_summaries[] = {
    "Arrived without a coat in cold weather and said there was no food at home this morning.",
    "Disclosed an argument between adults at home last night; no injuries seen.",
    "A message from an unknown adult asking to meet was seen on the pupil's phone.",
    "Left the site without permission during the afternoon; found nearby by staff and brought back.",
    "Pushed another pupil during a disagreement; both separated, no injuries.",
    "Seemed drowsy and unsteady on arrival; would not say why.",
    "A bruise on the forearm was noticed; the pupil said it happened playing football.",
    "Said they had been out late with older young people who are not known to the family.",
};

static const char *const concern_actions[] = {
    "Duty to report form sent to the children's services front door; parent told.",
    "Recorded and passed to the PRS DSL; social worker informed the same day.",
    "Discussed with the parent at pick-up; monitoring for a fortnight.",
    "Risk assessment updated; extra adult on the minibus for two weeks.",
};

static const char *const action_texts[] = {
    "Chase the signed PSP from the parent",
    "Arrange the IDP review with the home school",
    "Ask the provider for an updated risk assessment",
    "Book taxi transport for the new timetable",
    "Contact the careers adviser about post-16 options",
    "Share the safeguarding chronology with the new provider",
    "Request educational psychology advice for panel",
    "Check the parent has the new start and finish times",
};

static const char *const action_owners[] = {"Commissioning Officer", "ALP & Partnership Lead", "Head of PRS",
                                            "Home school ALNCo", "Social worker"};

static const char *const progress_notes[] = {
    "Settled well this week.", "Two difficult mornings; calmer after the key adult's check-in.",
    "Finished the practical task and asked to do more.", "Tired on Monday; engaged well later in the week.",
    "Worked alongside a peer without adult support.", "Completed a unit of the Level 1 award.",
};

static const char *const qa_no_comments[] = {
    "Not seen on the day: to be sent within two weeks.",
    "Out of date: provider to renew and send a copy.",
    "Partly in place; action agreed with the manager.",
    "Missing for one member of staff: must not work with our pupils until sent.",
};

static const char *const destinations[] = {
    "Returned full time to the home school", "Special school place started",
    "Moved out of the county", "Full-time college course (post-16)",
};

/* ---- Kinds of provider ---------------------------------------------------------------------------- */

enum pkind {
    PK_FARM,
    PK_TUTOR,
    PK_VOCATIONAL,
    PK_INDEPENDENT,
    PK_FE,
    PK_PRU,
    PK_OUTDOOR,
    PK_THERAPY,
    PK_YOUTH,
    PK_EQUINE,
    PK_COUNT
};

static const struct kind_info {
    const char *name_before, *name_after; /* around a place: "Fferm " "Cwm Eilir" " Care Farm" */
    const char *registration;
    const char *basis;
    int rate_lo, rate_hi; /* pounds per basis unit */
    double am, pm;        /* hours of a morning and of an afternoon session */
    int age_from, age_to;
    const char *purpose;
    const char *aln;
} kinds[PK_COUNT] = {
    [PK_FARM] = {"Fferm ", " Care Farm", "unregistered", "day", 95, 140, 2.75, 2.25, 8, 16,
                 "Land-based skills, animal care and wellbeing", "emotional and social development; autism"},
    [PK_TUTOR] = {"", " Tuition", "unregistered", "session", 40, 65, 2.5, 2.0, 5, 16,
                  "One-to-one tuition in English, Welsh and maths", "cognition and learning"},
    [PK_VOCATIONAL] = {"Canolfan Sgiliau ", "", "unregistered", "day", 110, 160, 3.0, 2.5, 14, 16,
                       "Vocational skills: construction, motor vehicle, hair and beauty",
                       "emotional and social development"},
    [PK_INDEPENDENT] = {"Ysgol ", " (independent special school)", "independent_school", "year", 38000, 62000, 2.75,
                        2.25, 7, 16, "Full-time education with therapeutic support",
                        "autism; emotional and social development; communication and interaction"},
    [PK_FE] = {"Coleg ", "", "further_education", "week", 120, 220, 3.0, 2.5, 14, 19,
               "College link course for Key Stage 4", "cognition and learning"},
    [PK_PRU] = {"Canolfan Dysgu ", " (PRS)", "pru", "year", 18000, 24000, 2.75, 2.25, 5, 16,
                "Pupil referral service teaching centre", "emotional and social development"},
    [PK_OUTDOOR] = {"", " Outdoor Learning", "unregistered", "day", 100, 150, 3.0, 2.5, 9, 16,
                    "Outdoor education, bushcraft and team building", "emotional and social development; ADHD"},
    [PK_THERAPY] = {"", " Therapeutic Education", "unregistered", "session", 70, 110, 2.5, 2.0, 5, 16,
                    "Therapeutic education: emotional regulation and wellbeing",
                    "emotional and social development; autism"},
    [PK_YOUTH] = {"", " Youth Project", "unregistered", "session", 35, 55, 2.5, 2.0, 11, 16,
                  "Youth work, boxing and mentoring", "emotional and social development"},
    [PK_EQUINE] = {"", " Equine Learning", "unregistered", "day", 100, 145, 2.75, 2.25, 7, 16,
                   "Equine-assisted learning and stable management", "autism; emotional and social development"},
};

/* The planted providers: the first ten, in this order. */
enum plant {
    PL_NONE = 0,
    PL_REG_FIVE,
    PL_REG_CLA,
    PL_REG_PLAN,
    PL_INS_LOW,
    PL_INS_MISSING,
    PL_DBS_OLD,
    PL_S1_OVERDUE,
    PL_S2_OVERDUE,
    PL_NEVER,
    PL_SUSPENDED,
    PL_COUNT
};

static const struct plant_spec {
    enum pkind kind;
    const char *name, *organisation;
} plant_specs[PL_COUNT] = {
    [PL_REG_FIVE] = {PK_FARM, "Fferm Cwm Eilir Care Farm", "Cwm Eilir Community Farm CIC"},
    [PL_REG_CLA] = {PK_TUTOR, "Llwybr Newydd Tuition", ""},
    [PL_REG_PLAN] = {PK_THERAPY, "Camau Bach Learning Hub", "Camau Bach Ltd"},
    [PL_INS_LOW] = {PK_OUTDOOR, "Antur Glanmorfa Outdoor Learning", "Antur Glanmorfa Ltd"},
    [PL_INS_MISSING] = {PK_VOCATIONAL, "Gweithdy'r Bont Motor Skills", "Pont Aeron Garage Services Ltd"},
    [PL_DBS_OLD] = {PK_YOUTH, "Tregarn Boxing and Youth Project", "Tregarn Amateur Boxing Club"},
    [PL_S1_OVERDUE] = {PK_EQUINE, "Hafod Wen Equine Learning", "Hafod Wen Stables"},
    [PL_S2_OVERDUE] = {PK_INDEPENDENT, "Ysgol Tŷ Celyn", "Celyn Care Group"},
    [PL_NEVER] = {PK_TUTOR, "Pathways Tutoring Partnership", "Pathways Education Services Ltd"},
    [PL_SUSPENDED] = {PK_OUTDOOR, "Ridgeway Adventure Learning", "Ridgeway Adventures Ltd"},
};

/* Kinds of the generated providers after the planted ones, in turn. */
static const enum pkind generated_kinds[] = {
    PK_PRU, PK_FE, PK_INDEPENDENT, PK_TUTOR, PK_FARM, PK_VOCATIONAL, PK_THERAPY, PK_YOUTH,
    PK_OUTDOOR, PK_INDEPENDENT, PK_EQUINE, PK_TUTOR, PK_FE, PK_FARM, PK_VOCATIONAL, PK_PRU,
};

/* Roles of planted pupils, given to pupils 0, 1, 2... in this order, so that
 * the most important come first when there are few pupils. */
enum prole {
    PR_NONE = 0,
    PR_REG_FIVE,
    PR_REG_CLA,
    PR_REG_PLAN,
    PR_RUN_RED,
    PR_RUN_AMBER,
    PR_KS13_LONG,
    PR_SUSP_ACTIVE,
    PR_SUSP_ENDED,
    PR_NEVER,
};

static const enum prole role_order[] = {
    PR_REG_CLA,  PR_REG_PLAN,  PR_RUN_RED,   PR_RUN_AMBER, PR_KS13_LONG, PR_SUSP_ACTIVE, PR_NEVER,
    PR_REG_FIVE, PR_REG_FIVE,  PR_REG_FIVE,  PR_REG_FIVE,  PR_REG_FIVE,  PR_REG_FIVE,    PR_RUN_RED,
    PR_RUN_AMBER, PR_KS13_LONG, PR_SUSP_ENDED, PR_SUSP_ENDED,
};

/* ---- The model being generated ----------------------------------------------------------------------- */

enum phase { PH_PRS, PH_PRIMARY, PH_SECONDARY, PH_SPECIAL, PH_ALL_THROUGH };
static const char *const phase_names[] = {"prs", "primary", "secondary", "special", "all_through"};

struct dschool {
    int64_t id;
    char name[112];
    enum phase phase;
    int estab;     /* establishment number */
    int *serials;  /* UPN serials used, per year of entry (primary schools) */
};

struct dprov {
    int64_t id;
    char name[112];
    char slug[64];
    enum pkind kind;
    enum plant plant;
    bool fulltime_ok;   /* a registered school: may take full-time placements */
    bool pool;          /* random part-time placements may go here */
    int64_t rate;       /* pence per basis unit */
    int since;          /* first used */
    int initial;        /* initial visit (the due-diligence checks); DATE_NONE for none */
    int suspended_on;   /* DATE_NONE unless suspended */
    int active_now;     /* placements running today */
};

#define SLOTS 10 /* weekday * 2 + (pm ? 1 : 0) */

struct dplace {
    int pupil, provider;
    const char *status; /* proposed, active, ended */
    int start, end;     /* end DATE_NONE: open */
    int planned_weeks;  /* 0: none */
    unsigned mask;      /* SLOTS bits */
    int64_t transport;  /* pence a week */
    int64_t id;
};

enum psp_kind { PSP_NONE, PSP_DRAFT, PSP_ACTIVE, PSP_CEASED_ONLY };
enum review_kind { RV_FINE, RV_DUE_SOON, RV_OVERDUE };
enum rtt_kind { RTT_GREEN, RTT_LONG_UNAUTHORISED, RTT_PAST_END, RTT_NO_END, RTT_NO_EXIT, RTT_CONCERN };

struct psp_plan {
    enum psp_kind kind;
    enum review_kind review;
    enum rtt_kind rtt;
    bool over16;        /* past its 16 weeks with no ceasing review */
    bool history;       /* an older, ceased PSP as well */
};

struct dpupil {
    int64_t id;
    enum prole role;
    int year_group, dob;
    bool female;
    const char *forename, *surname;
    const char *cohort, *roll, *plan;
    bool cla, fsm;
    int school;          /* index into schools */
    int start, end;      /* on the AP roll; end DATE_NONE */
    const char *destination;
    int first_pl, n_pl;  /* placements[first_pl .. first_pl + n_pl - 1] */
    double weekly_hours; /* of the placements running today */
    bool reduced;
    struct psp_plan psp;
    int absence_pm;      /* chance of a day's absence starting, in thousandths */
    int unauth_pct;      /* share of absences that are unauthorised */
    int64_t contact_id;
    char contact_name[128];
};

enum stmt {
    S_SCHOOL,
    S_PROVIDER,
    S_PCONTACT,
    S_PUPIL,
    S_CONTACT,
    S_CASE,
    S_QUOTE,
    S_QUOTE_REASON,
    S_PLACEMENT,
    S_PSESSION,
    S_MARK,
    S_CALL,
    S_VISIT,
    S_ANSWER,
    S_PSP,
    S_TARGET,
    S_REVIEW,
    S_RPROGRESS,
    S_PSP_TT,
    S_PROGRESS,
    S_ACTION,
    S_CONCERN,
    S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_SCHOOL] = "INSERT INTO school (name, urn, phase, phone, email, updated_by) VALUES (?,?,?,?,?,?)",
    [S_PROVIDER] = "INSERT INTO provider (name, organisation, registered_manager, address, phone, email, registration, "
                   "urn, ukprn, age_from, age_to, aln_areas, purpose, cost_basis, cost_rate, dsl_name, "
                   "safeguarding_policy_date, safeguarding_training_date, dbs_checked_date, references_checked, "
                   "declaration_date, public_liability, employers_liability, professional_indemnity, motor_cover, "
                   "subcontractor_cover, insurance_expiry, initial_visit_date, status, notes, updated_by) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_PCONTACT] = "INSERT INTO provider_contact (provider_id, name, job_role, phone, email, updated_by) "
                   "VALUES (?,?,?,?,?,?)",
    [S_PUPIL] = "INSERT INTO pupil (upn, legal_forename, legal_surname, preferred_name, dob, gender, home_school_id, "
                "roll_status, cohort, fsm, cla, plan, aln_areas, social_worker, social_worker_phone, start_date, "
                "end_date, destination, has_idp, has_psp, has_ra, has_ihp, has_php, has_pep, updated_by) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_CONTACT] = "INSERT INTO contact (pupil_id, priority, name, relationship, phone, phone2, email, "
                  "parental_responsibility, updated_by) VALUES (?,?,?,?,?,?,?,?,?)",
    [S_CASE] = "INSERT INTO panel_case (pupil_id, reason, referral_date, triage_recommendation, panel_date, decision, "
               "status, updated_by) VALUES (?,?,?,?,?,?,?,?)",
    [S_QUOTE] = "INSERT INTO quote (case_id, provider_id, cost_basis, rate, sessions_per_week, hours_per_week, "
                "transport_per_week, notes, chosen, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
    [S_QUOTE_REASON] = "UPDATE quote SET recommend_reason = ?, version = version + 1 WHERE id = ?",
    [S_PLACEMENT] = "INSERT INTO placement (pupil_id, provider_id, status, start_date, end_date, planned_weeks, "
                    "cost_basis, rate, transport_per_week, purpose, panel_case_id, updated_by) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_PSESSION] = "INSERT INTO placement_session (placement_id, weekday, session, hours) VALUES (?,?,?,?)",
    [S_MARK] = "INSERT INTO attendance_mark (pupil_id, day, session, code, reported_code, provider_id, source, note, "
               "updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
    [S_CALL] = "INSERT INTO absence_call (pupil_id, day, called_at, called_by, contact_id, person_reached, reached, "
               "outcome, resulting_code, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    [S_VISIT] = "INSERT INTO qa_visit (provider_id, stage, template_id, visit_date, visitors, outcome, next_due, "
                "closed, notes, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
    [S_ANSWER] = "INSERT INTO qa_answer (visit_id, item_id, answer, comment, updated_by) VALUES (?,?,?,?,?)",
    [S_PSP] = "INSERT INTO psp (pupil_id, status, meeting_date, lead, attendees, reason, previous_strategies, "
              "what_is_working, school_agrees, parent_agrees, professionals_agree, signed_child_date, "
              "signed_school_date, signed_parent_date, next_review_date, end_date, reduced_timetable, reduced_start, "
              "reduced_end, reduced_reason, reduced_hours_per_day, reduced_safeguarding_concern, reduced_authorised, "
              "exit_plan, updated_by, reduced_progression, reduced_start_hours, reduced_la_told, reduced_risk_assessed) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [S_TARGET] = "INSERT INTO psp_target (psp_id, position, target, baseline, measure, is_measurable, start_known, "
                 "is_achievable, everyday_language, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
    [S_REVIEW] = "INSERT INTO psp_review (psp_id, review_date, attended, outcome, notes, updated_by) "
                 "VALUES (?,?,?,?,?,?)",
    [S_RPROGRESS] = "INSERT INTO psp_review_progress (review_id, target_id, progress, updated_by) VALUES (?,?,?,?)",
    [S_PSP_TT] = "INSERT INTO psp_timetable (psp_id, weekday, activity, venue, hours, updated_by) VALUES (?,?,?,?,?,?)",
    [S_PROGRESS] = "INSERT INTO progress_entry (pupil_id, week_start, area, rating, note, updated_by) "
                   "VALUES (?,?,?,?,?,?)",
    [S_ACTION] = "INSERT INTO tracking_action (pupil_id, text, owner, due_date, done, updated_by) VALUES (?,?,?,?,?,?)",
    [S_CONCERN] = "INSERT INTO concern (pupil_id, provider_id, concern_date, kind, summary, told, action, updated_by) "
                  "VALUES (?,?,?,?,?,?,?,?)",
};

static const char *const stmt_table[S_COUNT] = {
    "school", "provider", "provider_contact", "pupil", "contact", "panel_case", "quote", "placement",
    "placement_session", "attendance_mark", "absence_call", "qa_visit", "qa_answer", "psp", "psp_target",
    "psp_review", "psp_review_progress", "psp_timetable", "progress_entry", "tracking_action", "concern",
};

enum tmpl_id { T_STAGE1, T_STAGE2, T_MONITORING, T_CHECKS, T_COUNT };
static const char *const tmpl_keys[T_COUNT] = {"stage1_safety", "stage2_progress", "monitoring_visit",
                                               "provider_checks"};

struct tmpl {
    int64_t id;
    int n;
    int64_t *item;
    unsigned char *safeguarding;
};

struct gen {
    struct store *s;
    sqlite3 *db;
    const char *login;
    bool england;
    int today;
    uint64_t seed;
    int weeks;
    struct thresholds th;
    struct names nm;
    sqlite3_stmt *st[S_COUNT];
    struct tmpl tmpl[T_COUNT];

    /* calendar */
    int cal_first, cal_last;
    unsigned char *school_day; /* [d - cal_first] */
    int *days;                 /* days with marks, oldest first */
    int ndays;
    bool today_partial;        /* days[ndays - 1] is today: morning marks only, some */
    int window_start;
    int next_panel;            /* the first panel Thursday on or after today */

    struct dschool *schools;
    int nschools;
    struct dprov *prov;
    int nprov;
    struct dpupil *pup;
    int npup;
    struct dplace *pl;
    int npl, cappl;

    /* the LA team (fictional) */
    const char *co, *alp_lead;
};

/* ---- Writing rows ------------------------------------------------------------------------------------- */

static char *fmt_date(int d, char buf[11])
{
    return date_format(d, buf);
}

/* Binds arguments by a format - i int, l int64, L int64 id (0 = NULL), d
 * double, t text (NULL = NULL), D date (DATE_NONE = NULL), n NULL - then
 * steps, resets and clears the statement. */
static ap_status put(struct gen *g, enum stmt id, const char *fmt, ...)
{
    sqlite3_stmt *st = g->st[id];
    if ((int)strlen(fmt) != sqlite3_bind_parameter_count(st))
        return ap_fail(AP_ERR_DB, "demo: the %s row takes %d values, not %zu", stmt_table[id],
                       sqlite3_bind_parameter_count(st), strlen(fmt));
    va_list ap;
    va_start(ap, fmt);
    int rc = SQLITE_OK;
    int col = 1;
    for (const char *f = fmt; *f && rc == SQLITE_OK; f++, col++) {
        switch (*f) {
        case 'i':
            rc = sqlite3_bind_int(st, col, va_arg(ap, int));
            break;
        case 'l':
            rc = sqlite3_bind_int64(st, col, va_arg(ap, int64_t));
            break;
        case 'L': {
            int64_t v = va_arg(ap, int64_t);
            rc = v ? sqlite3_bind_int64(st, col, v) : sqlite3_bind_null(st, col);
            break;
        }
        case 'd':
            rc = sqlite3_bind_double(st, col, va_arg(ap, double));
            break;
        case 't': {
            const char *t = va_arg(ap, const char *);
            rc = t ? sqlite3_bind_text(st, col, t, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, col);
            break;
        }
        case 'D': {
            int d = va_arg(ap, int);
            char buf[11];
            rc = d == DATE_NONE ? sqlite3_bind_null(st, col)
                                : sqlite3_bind_text(st, col, fmt_date(d, buf), 10, SQLITE_TRANSIENT);
            break;
        }
        default:
            rc = sqlite3_bind_null(st, col);
            break;
        }
    }
    va_end(ap);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        char what[96];
        snprintf(what, sizeof what, "writing the demo data (%s)", stmt_table[id]);
        return store_fail(g->s, rc, what);
    }
    return AP_OK;
}

static int64_t last_id(struct gen *g)
{
    return sqlite3_last_insert_rowid(g->db);
}

/* ---- Dates --------------------------------------------------------------------------------------------------- */

static int monday_of(int d)
{
    return d - date_weekday(d);
}

static bool is_school_day(const struct gen *g, int d)
{
    return d >= g->cal_first && d <= g->cal_last && g->school_day[d - g->cal_first];
}

/* The latest panel Thursday on or before d on which the panel sits: panels
 * meet in term (issue 13), so one that would fall in a holiday is skipped. */
static int panel_on_or_before(const struct gen *g, int d)
{
    int p;
    if (d >= g->next_panel) {
        p = g->next_panel + (d - g->next_panel) / 14 * 14;
    } else {
        int back = (g->next_panel - d + 13) / 14;
        p = g->next_panel - back * 14;
    }
    for (int i = 0; i < 26 && p >= g->cal_first && p <= g->cal_last && !is_school_day(g, p); i++)
        p -= 14;
    return p;
}

/* The panel Thursday d (on the fortnightly rhythm), or the next one in term. */
static int panel_in_term(const struct gen *g, int d)
{
    for (int i = 0; i < 26 && d >= g->cal_first && d <= g->cal_last && !is_school_day(g, d); i++)
        d += 14;
    return d;
}

/* A date `weeks` weeks before today's Monday, on a weekday offset 0-4. */
static int weeks_ago(const struct gen *g, int weeks, int weekday)
{
    return monday_of(g->today) - 7 * weeks + weekday;
}

static ap_status load_calendar(struct gen *g)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(g->db, "SELECT min(start_date), max(end_date) FROM term", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        date_parse_iso((const char *)sqlite3_column_text(st, 0), &g->cal_first);
        date_parse_iso((const char *)sqlite3_column_text(st, 1), &g->cal_last);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_ROW) {
        sqlite3_finalize(st);
        return ap_fail(AP_ERR_INVALID, "the store has no terms in its calendar: the demo needs school days");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        return store_fail(g->s, rc, "reading the calendar");
    g->school_day = calloc((size_t)(g->cal_last - g->cal_first + 1), 1);
    if (!g->school_day)
        return ap_fail(AP_ERR_NOMEM, "reading the calendar: out of memory");
    rc = sqlite3_prepare_v2(g->db, "SELECT start_date, end_date FROM term", -1, &st, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        if ((rc = sqlite3_step(st)) != SQLITE_ROW)
            break;
        int a, b;
        if (!date_parse_iso((const char *)sqlite3_column_text(st, 0), &a) ||
            !date_parse_iso((const char *)sqlite3_column_text(st, 1), &b))
            continue;
        for (int d = a; d <= b; d++)
            if (date_weekday(d) < 5)
                g->school_day[d - g->cal_first] = 1;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE)
        return store_fail(g->s, rc, "reading the terms");
    rc = sqlite3_prepare_v2(g->db, "SELECT day FROM closure", -1, &st, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        if ((rc = sqlite3_step(st)) != SQLITE_ROW)
            break;
        int d;
        if (date_parse_iso((const char *)sqlite3_column_text(st, 0), &d) && d >= g->cal_first && d <= g->cal_last)
            g->school_day[d - g->cal_first] = 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(g->s, rc, "reading the closure days");

    /* The window: the last `weeks` weeks with a school day before today (or
     * today itself, which gets some morning marks). */
    int counted = 0, start = DATE_NONE;
    for (int w = monday_of(g->today); w + 4 >= g->cal_first; w -= 7) {
        bool any = false;
        for (int d = w; d < w + 5; d++)
            any |= d <= g->today && is_school_day(g, d);
        if (any && ++counted == g->weeks) {
            start = w;
            break;
        }
    }
    if (start == DATE_NONE)
        return ap_fail(AP_ERR_INVALID,
                       "the calendar (data/terms.csv) holds only %d school weeks up to today: ask for --weeks %d or "
                       "fewer",
                       counted, counted > 0 ? counted : 1);
    g->window_start = start;
    g->days = malloc(sizeof *g->days * (size_t)(g->today - start + 1));
    if (!g->days)
        return ap_fail(AP_ERR_NOMEM, "planning the demo: out of memory");
    for (int d = start; d <= g->today; d++)
        if (is_school_day(g, d))
            g->days[g->ndays++] = d;
    g->today_partial = g->ndays > 0 && g->days[g->ndays - 1] == g->today;
    /* Panels sit fortnightly on Thursdays. */
    g->next_panel = g->today + (3 - date_weekday(g->today) + 7) % 7;
    return AP_OK;
}

static ap_status load_templates(struct gen *g)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(g->db,
                                "SELECT t.id, i.id, i.safeguarding FROM qa_template t "
                                "JOIN qa_template_item i ON i.template_id = t.id "
                                "WHERE t.key = ?1 AND t.revision = (SELECT max(revision) FROM qa_template "
                                "WHERE key = ?1) ORDER BY i.position",
                                -1, &st, NULL);
    for (int t = 0; t < T_COUNT && rc == SQLITE_OK; t++) {
        struct tmpl *tp = &g->tmpl[t];
        rc = sqlite3_bind_text(st, 1, tmpl_keys[t], -1, SQLITE_STATIC);
        int cap = 0;
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (tp->n == cap) {
                cap = cap ? cap * 2 : 32;
                int64_t *items = realloc(tp->item, sizeof *items * (size_t)cap);
                if (items)
                    tp->item = items;
                unsigned char *sg = realloc(tp->safeguarding, (size_t)cap);
                if (sg)
                    tp->safeguarding = sg;
                if (!items || !sg) {
                    sqlite3_finalize(st);
                    return ap_fail(AP_ERR_NOMEM, "reading the QA templates: out of memory");
                }
            }
            tp->id = sqlite3_column_int64(st, 0);
            tp->item[tp->n] = sqlite3_column_int64(st, 1);
            tp->safeguarding[tp->n] = (unsigned char)sqlite3_column_int(st, 2);
            tp->n++;
            rc = SQLITE_OK;
        }
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        sqlite3_reset(st);
        if (rc == SQLITE_OK && tp->n == 0) {
            sqlite3_finalize(st);
            return ap_fail(AP_ERR_INVALID, "the store has no QA template \"%s\" (data/qa-*.csv)", tmpl_keys[t]);
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? AP_OK : store_fail(g->s, rc, "reading the QA templates");
}

/* ---- Phone numbers and people --------------------------------------------------------------------------- */

/* Ofcom's ranges for drama: never a real line. */
static void mobile(struct rng *r, char *buf, size_t len)
{
    snprintf(buf, len, "07700 900%03u", (unsigned)rnd(r, 0, 999) % 1000u);
}

static void landline(struct rng *r, char *buf, size_t len)
{
    if (chance(r, 50))
        snprintf(buf, len, "01632 960%03u", (unsigned)rnd(r, 0, 999) % 1000u);
    else
        snprintf(buf, len, "029 2018 0%03u", (unsigned)rnd(r, 0, 999) % 1000u);
}

static void person(struct gen *g, struct rng *r, bool female, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s", word(r, female ? &g->nm.female : &g->nm.male), word(r, &g->nm.surname));
}

static void email_for(const char *name, const char *domain, char *buf, size_t len)
{
    char local[64];
    ascii_slug(name, local, sizeof local, '.');
    snprintf(buf, len, "%.40s@%.80s", local, domain);
}

/* ---- Planning: schools and providers ---------------------------------------------------------------------- */

/* Whether one of the first n names, each stride bytes after the last, is name. */
static bool name_taken(const void *first, size_t stride, int n, const char *name)
{
    const char *p = first;
    for (int i = 0; i < n; i++, p += stride)
        if (strcmp(p, name) == 0)
            return true;
    return false;
}

static void plan_schools(struct gen *g)
{
    static const enum phase cycle[20] = {
        PH_PRIMARY,   PH_PRIMARY,   PH_SECONDARY, PH_PRIMARY, PH_SPECIAL, PH_PRIMARY, PH_SECONDARY,
        PH_PRIMARY,   PH_PRIMARY,   PH_SECONDARY, PH_PRIMARY, PH_PRIMARY, PH_SECONDARY, PH_ALL_THROUGH,
        PH_PRIMARY,   PH_SECONDARY, PH_PRIMARY,   PH_SPECIAL, PH_PRIMARY, PH_SECONDARY,
    };
    int next_estab[5] = {1101, 2001, 4001, 7001, 3001};
    for (int i = 0; i < g->nschools; i++) {
        struct dschool *sc = &g->schools[i];
        struct rng r = rng_for(g->seed, ST_SCHOOL, (uint64_t)i);
        sc->phase = i == 0 ? PH_PRS : cycle[(i - 1) % 20];
        sc->estab = next_estab[sc->phase]++;
        for (int attempt = 0;; attempt++) {
            const char *place = word(&r, &g->nm.place);
            bool welsh = chance(&r, 60);
            switch (sc->phase) {
            case PH_PRS:
                snprintf(sc->name, sizeof sc->name, "%s Pupil Referral Service", DEMO_COUNTY);
                break;
            case PH_PRIMARY:
                snprintf(sc->name, sizeof sc->name, welsh ? "Ysgol Gynradd %s" : "%s Primary School", place);
                break;
            case PH_SECONDARY:
                snprintf(sc->name, sizeof sc->name, welsh ? "Ysgol Uwchradd %s" : "%s High School", place);
                break;
            case PH_SPECIAL:
                snprintf(sc->name, sizeof sc->name, welsh ? "Ysgol Arbennig %s" : "%s Special School", place);
                break;
            case PH_ALL_THROUGH:
                snprintf(sc->name, sizeof sc->name, "Ysgol %s 3-16", place);
                break;
            }
            if (attempt >= 8) {
                size_t len = strlen(sc->name);
                snprintf(sc->name + len, sizeof sc->name - len, " (%d)", sc->estab);
            }
            if (!name_taken(g->schools[0].name, sizeof *sc, i, sc->name))
                break;
        }
    }
}

static void plan_providers(struct gen *g)
{
    for (int i = 0; i < g->nprov; i++) {
        struct dprov *p = &g->prov[i];
        struct rng r = rng_for(g->seed, ST_PROVIDER, (uint64_t)i);
        p->plant = i + 1 < PL_COUNT ? (enum plant)(i + 1) : PL_NONE;
        p->suspended_on = DATE_NONE;
        if (p->plant != PL_NONE) {
            p->kind = plant_specs[p->plant].kind;
            snprintf(p->name, sizeof p->name, "%s", plant_specs[p->plant].name);
        } else {
            p->kind = generated_kinds[(i - (PL_COUNT - 1)) % (int)(sizeof generated_kinds / sizeof generated_kinds[0])];
            for (int attempt = 0;; attempt++) {
                char place[64];
                if (p->kind == PK_TUTOR && chance(&r, 40))
                    snprintf(place, sizeof place, "%s", word(&r, &g->nm.surname));
                else
                    snprintf(place, sizeof place, "%s", word(&r, &g->nm.place));
                snprintf(p->name, sizeof p->name, "%s%s%s", kinds[p->kind].name_before, place,
                         kinds[p->kind].name_after);
                if (attempt >= 8) {
                    size_t len = strlen(p->name);
                    snprintf(p->name + len, sizeof p->name - len, " %d", i);
                }
                if (!name_taken(g->prov[0].name, sizeof *p, i, p->name))
                    break;
            }
        }
        ascii_slug(p->name, p->slug, sizeof p->slug, '-');
        const struct kind_info *k = &kinds[p->kind];
        p->fulltime_ok = strcmp(k->registration, "independent_school") == 0 || strcmp(k->registration, "pru") == 0;
        p->pool = !p->fulltime_ok && p->plant != PL_REG_CLA && p->plant != PL_REG_PLAN && p->plant != PL_NEVER &&
                  p->plant != PL_SUSPENDED;
        p->rate = (int64_t)rnd(&r, k->rate_lo, k->rate_hi) * 100;
        if (strcmp(k->basis, "year") == 0)
            p->rate = p->rate / 100000 * 100000; /* whole thousands of pounds a year */
        if (p->plant == PL_NEVER)
            p->since = g->today + 14;
        else if (p->plant == PL_S2_OVERDUE || p->plant == PL_S1_OVERDUE)
            p->since = g->today - rnd(&r, 1000, 1500);
        else
            p->since = g->today - (chance(&r, 20) ? rnd(&r, 100, 300) : rnd(&r, 420, 1800));
        if (p->plant == PL_SUSPENDED)
            p->suspended_on = g->today - 12;
        p->initial = p->plant == PL_NEVER ? DATE_NONE : p->since - rnd(&r, 7, 35);
        while (p->initial != DATE_NONE && date_weekday(p->initial) > 4)
            p->initial--;
    }
}

/* ---- Planning: pupils and placements ---------------------------------------------------------------------- */

static int pick_provider(const struct gen *g, struct rng *r, bool fulltime, int avoid, int age)
{
    for (int tries = 0; tries < 200; tries++) {
        int i = rnd(r, 0, g->nprov - 1);
        const struct dprov *p = &g->prov[i];
        if (i == avoid)
            continue;
        if (fulltime ? !p->fulltime_ok : !p->pool)
            continue;
        if (age && (age < kinds[p->kind].age_from - 1 || age > kinds[p->kind].age_to))
            continue;
        return i;
    }
    /* Nothing fitting the age: any of the right sort. */
    for (int i = 0; i < g->nprov; i++)
        if (i != avoid && (fulltime ? g->prov[i].fulltime_ok : g->prov[i].pool))
            return i;
    return 0;
}

static double slot_hours(const struct gen *g, int provider, int slot)
{
    const struct kind_info *k = &kinds[g->prov[provider].kind];
    return slot % 2 ? k->pm : k->am;
}

static double mask_hours(const struct gen *g, int provider, unsigned mask)
{
    double h = 0;
    for (int s = 0; s < SLOTS; s++)
        if (mask & (1u << s))
            h += slot_hours(g, provider, s);
    return h;
}

static int popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

static int days_in_mask(unsigned m)
{
    int n = 0;
    for (int d = 0; d < 5; d++)
        n += (m >> (2 * d) & 3u) != 0;
    return n;
}

/* n sessions on free slots, whole days first; part-time placements at an
 * unregistered provider stay under the full-time line. */
static unsigned pick_slots(const struct gen *g, struct rng *r, int provider, int n, unsigned taken)
{
    int order[5] = {0, 1, 2, 3, 4};
    for (int i = 4; i > 0; i--) {
        int j = rnd(r, 0, i), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    unsigned mask = 0;
    for (int i = 0; i < 5 && popcount(mask) < n; i++)
        for (int s = 0; s < 2 && popcount(mask) < n; s++) {
            unsigned bit = 1u << (order[i] * 2 + s);
            if (!(taken & bit))
                mask |= bit;
        }
    if (!g->prov[provider].fulltime_ok)
        while (mask && mask_hours(g, provider, mask) >= g->th.fulltime_hours - 0.01)
            mask &= mask - 1; /* drop a session */
    return mask;
}

static struct dplace *add_placement(struct gen *g, int pupil, int provider)
{
    size_t cap = (size_t)g->cappl;
    if (!rowio_grow_at((void **)&g->pl, &cap, (size_t)g->npl, sizeof *g->pl))
        return NULL;
    g->cappl = (int)cap;
    struct dplace *p = &g->pl[g->npl++];
    memset(p, 0, sizeof *p);
    p->pupil = pupil;
    p->provider = provider;
    p->status = "active";
    p->end = DATE_NONE;
    g->pup[pupil].n_pl++;
    return p;
}

static int find_plant(const struct gen *g, enum plant pl)
{
    for (int i = 0; i < g->nprov; i++)
        if (g->prov[i].plant == pl)
            return i;
    return -1;
}

static int dob_for_year_group(const struct gen *g, struct rng *r, int year_group)
{
    int y, m, d;
    date_to_ymd(date_academic_year_start(g->today), &y, &m, &d);
    int first = date_from_ymd(y - 5 - year_group, 9, 1);
    int last = date_from_ymd(y - 4 - year_group, 8, 31);
    return rnd(r, first, last);
}

static int weighted_year_group(struct rng *r)
{
    static const int weight[12] = {1, 1, 1, 2, 2, 3, 3, 6, 9, 12, 17, 18};
    int total = 0;
    for (int i = 0; i < 12; i++)
        total += weight[i];
    int x = rnd(r, 0, total - 1);
    for (int i = 0; i < 12; i++) {
        if (x < weight[i])
            return i;
        x -= weight[i];
    }
    return 11;
}

static int pick_school(const struct gen *g, struct rng *r, enum phase a, enum phase b)
{
    for (int tries = 0; tries < 400; tries++) {
        int i = rnd(r, 1, g->nschools - 1);
        if (g->schools[i].phase == a || g->schools[i].phase == b)
            return i;
    }
    return g->nschools > 1 ? 1 : 0;
}

/* Attributes of pupil i (not its placements). */
static void plan_pupil(struct gen *g, int i)
{
    struct dpupil *p = &g->pup[i];
    struct rng r = rng_for(g->seed, ST_PUPIL, (uint64_t)i);
    p->role = i < (int)(sizeof role_order / sizeof role_order[0]) ? role_order[i] : PR_NONE;
    p->end = DATE_NONE;
    p->female = chance(&r, 40);
    p->year_group = weighted_year_group(&r);
    p->cla = chance(&r, 10);
    p->fsm = chance(&r, 45);

    int yg = p->year_group;
    if (yg >= 10) {
        static const char *const c[] = {"ks4_pathway", "ks4_pathway", "ks4_pathway", "pru_plus", "pru_plus",
                                        "aln_bespoke", "school_ap", "school_ap", "ks4_pathway"};
        p->cohort = PICK(&r, c);
    } else if (yg >= 7) {
        static const char *const c[] = {"ks13_intervention", "ks13_intervention", "ks13_intervention", "pru_plus",
                                        "pru_plus", "aln_bespoke", "aln_bespoke", "school_ap", "school_ap"};
        p->cohort = PICK(&r, c);
    } else if (yg >= 1) {
        static const char *const c[] = {"ks13_intervention", "ks13_intervention", "aln_bespoke", "aln_bespoke",
                                        "school_ap"};
        p->cohort = PICK(&r, c);
    } else {
        p->cohort = chance(&r, 60) ? "aln_bespoke" : "school_ap";
    }

    /* Planted roles fix what their flag depends on. */
    switch (p->role) {
    case PR_REG_FIVE:
        p->year_group = rnd(&r, 10, 11);
        p->cohort = "ks4_pathway";
        p->cla = false;
        break;
    case PR_REG_CLA:
        p->year_group = rnd(&r, 8, 10);
        p->cohort = "pru_plus";
        p->cla = true;
        break;
    case PR_REG_PLAN:
        p->year_group = 5;
        p->cohort = "aln_bespoke";
        p->cla = false;
        break;
    case PR_KS13_LONG:
        p->year_group = rnd(&r, 7, 8);
        p->cohort = "ks13_intervention";
        break;
    default:
        break;
    }
    yg = p->year_group;
    p->dob = dob_for_year_group(g, &r, yg);

    if (strcmp(p->cohort, "aln_bespoke") == 0) {
        p->roll = chance(&r, 70) ? "sole_prs" : "dual_prs";
        p->plan = chance(&r, 94) ? "idp_la" : "ehcp";
        p->cla = p->cla || chance(&r, 12);
    } else if (strcmp(p->cohort, "pru_plus") == 0) {
        p->roll = chance(&r, 70) ? "dual_prs" : "sole_prs";
    } else if (strcmp(p->cohort, "ks4_pathway") == 0) {
        p->roll = chance(&r, 80) ? "sole_school" : "dual_prs";
    } else {
        p->roll = "sole_school";
    }
    if (!p->plan) {
        int x = rnd(&r, 0, 99);
        p->plan = x < 55 ? "none" : x < 85 ? "idp_school" : x < 95 ? "idp_la" : "ehcp";
    }
    if (p->role == PR_REG_FIVE || p->role == PR_REG_CLA)
        p->plan = "none";
    if (p->role == PR_REG_PLAN) {
        p->plan = "idp_la";
        p->roll = "sole_prs";
    }
    /* Guarantee every roll status and cohort in small stores too. */
    static const char *const cohorts[] = {"aln_bespoke", "pru_plus", "school_ap", "ks13_intervention", "ks4_pathway"};
    int first_free = (int)(sizeof role_order / sizeof role_order[0]);
    if (i >= first_free && i < first_free + 5) {
        p->cohort = cohorts[i - first_free];
        p->year_group = strcmp(p->cohort, "ks4_pathway") == 0 ? 10 : strcmp(p->cohort, "ks13_intervention") == 0 ? 8 : 9;
        p->dob = dob_for_year_group(g, &r, p->year_group);
        p->roll = i - first_free == 0 ? "sole_prs" : i - first_free == 1 ? "dual_prs" : "sole_school";
        if (i == first_free)
            p->plan = "idp_la";
    }

    if (strcmp(p->roll, "sole_prs") == 0)
        p->school = 0;
    else if (yg <= 6)
        p->school = chance(&r, 88) ? pick_school(g, &r, PH_PRIMARY, PH_PRIMARY) : pick_school(g, &r, PH_SPECIAL, PH_ALL_THROUGH);
    else
        p->school = chance(&r, 85) ? pick_school(g, &r, PH_SECONDARY, PH_ALL_THROUGH)
                                   : pick_school(g, &r, PH_SPECIAL, PH_SPECIAL);

    if (i == 0) { /* at least one name with a diacritic, whatever the seed */
        const struct wordlist *l = p->female ? &g->nm.female : &g->nm.male;
        for (int tries = 0; tries < 200 && !p->forename; tries++) {
            const char *w = word(&r, l);
            if (has_diacritic(w))
                p->forename = w;
        }
    }
    if (!p->forename)
        p->forename = word(&r, p->female ? &g->nm.female : &g->nm.male);
    p->surname = word(&r, &g->nm.surname);

    bool pa = chance(&r, 11);
    p->absence_pm = pa ? rnd(&r, 110, 230) : rnd(&r, 5, 30);
    p->unauth_pct = pa ? rnd(&r, 40, 70) : rnd(&r, 15, 35);
}

/* The placements of pupil i, in order: earlier ones first. */
static ap_status plan_placements(struct gen *g, int i)
{
    struct dpupil *p = &g->pup[i];
    struct rng r = rng_for(g->seed, ST_PLACEMENT, (uint64_t)i);
    p->first_pl = g->npl;
    int age = p->year_group + 5;
    struct dplace *pl;
#define ADD(provider)                                                                                              \
    do {                                                                                                           \
        if (!(pl = add_placement(g, i, (provider))))                                                               \
            return ap_fail(AP_ERR_NOMEM, "planning the demo: out of memory");                                      \
    } while (0)

    int fixed = -1;
    switch (p->role) {
    case PR_REG_FIVE:
        fixed = find_plant(g, PL_REG_FIVE);
        break;
    case PR_REG_CLA:
        fixed = find_plant(g, PL_REG_CLA);
        break;
    case PR_REG_PLAN:
        fixed = find_plant(g, PL_REG_PLAN);
        break;
    default:
        break;
    }
    if (fixed >= 0) {
        /* Four full days (Monday to Thursday): over the 18-hour line. */
        ADD(fixed);
        pl->mask = 0xFFu;
        if (p->role == PR_REG_PLAN)
            pl->mask |= 1u << 8; /* and Friday morning */
        pl->start = weeks_ago(g, rnd(&r, 6, 30), 0);
        pl->transport = (int64_t)rnd(&r, 80, 220) * 100;
        return AP_OK;
    }

    if (p->role == PR_SUSP_ACTIVE || p->role == PR_SUSP_ENDED) {
        int susp = find_plant(g, PL_SUSPENDED);
        ADD(susp);
        pl->mask = pick_slots(g, &r, susp, rnd(&r, 3, 5), 0);
        pl->start = weeks_ago(g, rnd(&r, 10, 30), rnd(&r, 0, 2));
        if (p->role == PR_SUSP_ENDED) {
            pl->end = g->prov[susp].suspended_on;
            pl->status = "ended";
            int next = pick_provider(g, &r, false, susp, age);
            ADD(next);
            pl->mask = pick_slots(g, &r, next, rnd(&r, 3, 6), 0);
            pl->start = g->prov[susp].suspended_on + 3;
        }
        return AP_OK;
    }

    if (p->role == PR_KS13_LONG) {
        int prov = pick_provider(g, &r, false, -1, age);
        ADD(prov);
        pl->mask = pick_slots(g, &r, prov, rnd(&r, 4, 7), 0);
        pl->start = weeks_ago(g, 22, 0);
        pl->planned_weeks = g->th.intervention_weeks;
        return AP_OK;
    }

    bool run = p->role == PR_RUN_RED || p->role == PR_RUN_AMBER;
    int x = rnd(&r, 0, 99);
    enum { FULL, ONE, TWO, LEFT, NEW } shape = run ? FULL : x < 30 ? FULL : x < 72 ? ONE : x < 92 ? TWO : x < 96 ? LEFT : NEW;
    if (p->role == PR_NEVER)
        shape = ONE;
    bool ks13 = strcmp(p->cohort, "ks13_intervention") == 0;

    /* Most placements began before the weeks of marks; the rest during them. */
    int start = ks13              ? weeks_ago(g, rnd(&r, 1, 15), 0)
                : chance(&r, 92) ? weeks_ago(g, g->weeks + rnd(&r, 0, 20), rnd(&r, 0, 1) * 2)
                                 : weeks_ago(g, rnd(&r, 2, g->weeks > 2 ? g->weeks : 3), rnd(&r, 0, 1) * 2);

    /* An earlier placement, ended the week before this one began (an
     * intervention placement is the pupil's only one). */
    if (!run && !ks13 && shape != NEW && chance(&r, 20)) {
        int prov = pick_provider(g, &r, false, -1, age);
        ADD(prov);
        pl->mask = pick_slots(g, &r, prov, rnd(&r, 3, 6), 0);
        pl->status = "ended";
        pl->end = monday_of(start) - 3;
        pl->start = pl->end - 4 - 7 * rnd(&r, 6, 20);
    }
    if (shape == NEW) {
        int prov = pick_provider(g, &r, false, -1, age);
        ADD(prov);
        pl->mask = pick_slots(g, &r, prov, rnd(&r, 4, 6), 0);
        pl->status = "proposed";
        pl->start = monday_of(g->today) + 14;
        return AP_OK;
    }
    int first;
    if (shape == FULL) {
        first = pick_provider(g, &r, true, -1, age);
        ADD(first);
        pl->mask = (1u << SLOTS) - 1;
        if (!run && chance(&r, 25))
            pl->mask &= ~(1u << 9); /* Friday afternoon off */
    } else {
        first = pick_provider(g, &r, false, -1, age);
        ADD(first);
        pl->mask = pick_slots(g, &r, first, shape == TWO ? rnd(&r, 2, 4) : rnd(&r, 3, 7), 0);
    }
    pl->start = start;
    pl->transport = chance(&r, 60) ? (int64_t)rnd(&r, 60, 300) * 100 : 0;
    if (ks13) {
        pl->planned_weeks = g->th.intervention_weeks;
        pl->end = rules_weeks_end(start, g->th.intervention_weeks) - 2; /* the Friday of week 16 */
    }
    if (shape == LEFT) {
        int span = g->today - g->window_start;
        pl->end = g->today - rnd(&r, 3, span > 10 ? span - 3 : 7);
        if (pl->end < pl->start + 14)
            pl->start = pl->end - 7 * rnd(&r, 4, 12) - 4;
        pl->status = "ended";
        p->end = pl->end;
        p->destination = PICK(&r, destinations);
    }
    if (shape == TWO) {
        unsigned taken = pl->mask;
        int second = pick_provider(g, &r, false, first, age);
        ADD(second);
        pl->mask = pick_slots(g, &r, second, rnd(&r, 2, 4), taken);
        pl->start = start + 7 * rnd(&r, 0, 3);
        pl->transport = chance(&r, 50) ? (int64_t)rnd(&r, 40, 150) * 100 : 0;
        if (ks13) {
            pl->planned_weeks = g->th.intervention_weeks;
            pl->end = rules_weeks_end(pl->start, g->th.intervention_weeks) - 2;
        }
        for (int slot = 0; !pl->mask && slot < SLOTS; slot++) /* never empty */
            if (!(taken & (1u << slot)))
                pl->mask = 1u << slot;
    }
    if (p->role == PR_NEVER || (shape != LEFT && chance(&r, 4))) {
        int prov = p->role == PR_NEVER ? find_plant(g, PL_NEVER) : pick_provider(g, &r, false, -1, age);
        ADD(prov);
        pl->mask = pick_slots(g, &r, prov, rnd(&r, 2, 4), 0);
        pl->status = "proposed";
        pl->start = monday_of(g->today) + 14;
    }
#undef ADD
    return AP_OK;
}

static bool placement_running(const struct dplace *pl, int d)
{
    return strcmp(pl->status, "proposed") != 0 && pl->start <= d && (pl->end == DATE_NONE || pl->end >= d);
}

/* Weekly hours now, the reduced-timetable test and the PSP shape. */
static void plan_psp(struct gen *g, int i, int *reduced_seen, int *other_seen)
{
    struct dpupil *p = &g->pup[i];
    struct rng r = rng_for(g->seed, ST_PSP, (uint64_t)i);
    p->weekly_hours = 0;
    p->start = DATE_NONE;
    for (int k = 0; k < p->n_pl; k++) {
        const struct dplace *pl = &g->pl[p->first_pl + k];
        if (p->start == DATE_NONE || pl->start < p->start)
            p->start = pl->start;
        if (placement_running(pl, g->today))
            p->weekly_hours += mask_hours(g, pl->provider, pl->mask);
    }
    int yg = rules_year_group(p->dob, g->today);
    bool on_roll = p->end == DATE_NONE;
    p->reduced = on_roll && p->weekly_hours > 0 && rules_is_reduced(p->weekly_hours, yg, &g->th);
    struct psp_plan *ps = &p->psp;
    memset(ps, 0, sizeof *ps);
    if (!on_roll || p->weekly_hours <= 0) {
        ps->kind = chance(&r, 30) ? PSP_CEASED_ONLY : PSP_NONE;
        return;
    }
    if (p->reduced) {
        static const struct psp_plan forced[] = {
            {PSP_ACTIVE, RV_OVERDUE, RTT_GREEN, false, false},
            {PSP_ACTIVE, RV_DUE_SOON, RTT_GREEN, false, false},
            {PSP_ACTIVE, RV_FINE, RTT_GREEN, true, false},
            {PSP_ACTIVE, RV_FINE, RTT_NO_END, false, false},
            {PSP_ACTIVE, RV_FINE, RTT_NO_EXIT, false, false},
            {PSP_ACTIVE, RV_FINE, RTT_LONG_UNAUTHORISED, false, false},
            {PSP_ACTIVE, RV_FINE, RTT_PAST_END, false, false},
            {PSP_NONE, RV_FINE, RTT_GREEN, false, false},
            {PSP_DRAFT, RV_FINE, RTT_GREEN, false, false},
            {PSP_ACTIVE, RV_FINE, RTT_CONCERN, false, true},
        };
        int k = (*reduced_seen)++;
        if (k < (int)(sizeof forced / sizeof forced[0])) {
            *ps = forced[k];
            return;
        }
        int x = rnd(&r, 0, 99);
        ps->kind = x < 4 ? PSP_NONE : x < 9 ? PSP_DRAFT : PSP_ACTIVE;
        x = rnd(&r, 0, 99);
        ps->review = x < 75 ? RV_FINE : x < 87 ? RV_DUE_SOON : RV_OVERDUE;
        x = rnd(&r, 0, 99);
        ps->rtt = x < 70 ? RTT_GREEN
                  : x < 77 ? RTT_LONG_UNAUTHORISED
                  : x < 83 ? RTT_PAST_END
                  : x < 88 ? RTT_NO_END
                  : x < 93 ? RTT_NO_EXIT
                           : RTT_CONCERN;
        ps->over16 = chance(&r, 6);
        ps->history = chance(&r, 12);
        return;
    }
    int k = (*other_seen)++;
    if (k == 0) {
        ps->kind = PSP_CEASED_ONLY;
        return;
    }
    int x = rnd(&r, 0, 99);
    ps->kind = x < 25 ? PSP_ACTIVE : x < 40 ? PSP_CEASED_ONLY : PSP_NONE;
    x = rnd(&r, 0, 99);
    ps->review = x < 80 ? RV_FINE : x < 90 ? RV_DUE_SOON : RV_OVERDUE;
    ps->history = chance(&r, 10);
}

/* ---- Writing: schools, providers, pupils -------------------------------------------------------------------- */

static ap_status write_schools(struct gen *g)
{
    for (int i = 0; i < g->nschools; i++) {
        struct dschool *sc = &g->schools[i];
        struct rng r = rng_for(g->seed, ST_SCHOOL, (uint64_t)(1000000 + i));
        char urn[16], phone[24], email[128], slug[64];
        snprintf(urn, sizeof urn, DEMO_LA_NUMBER "%04d", sc->estab);
        landline(&r, phone, sizeof phone);
        ascii_slug(sc->name, slug, sizeof slug, '-');
        snprintf(email, sizeof email, "office@%s.example.org", slug);
        ROWIO_TRY(put(g, S_SCHOOL, "tttttt", sc->name, urn, phase_names[sc->phase], phone, email, g->login));
        sc->id = last_id(g);
    }
    return AP_OK;
}

static ap_status write_providers(struct gen *g)
{
    for (int i = 0; i < g->nprov; i++) {
        struct dprov *p = &g->prov[i];
        const struct kind_info *k = &kinds[p->kind];
        struct rng r = rng_for(g->seed, ST_PROVIDER, (uint64_t)(1000000 + i));
        char manager[96], dsl[96], address[160], phone[24], email[128], domain[96], urn[16] = "", ukprn[16] = "";
        person(g, &r, chance(&r, 55), manager, sizeof manager);
        if (chance(&r, 40))
            snprintf(dsl, sizeof dsl, "%s", manager);
        else
            person(g, &r, chance(&r, 55), dsl, sizeof dsl);
        /* A fictional postcode, made from i alone so the random streams stay
         * as they were: imports match providers on name and postcode. */
        static const char inward[] = "ABDEFGHJLNPQRSTUWXYZ";
        snprintf(address, sizeof address, "%d %s, %s NP%d %d%c%c", rnd(&r, 1, 120), word(&r, &g->nm.street),
                 word(&r, &g->nm.place), 10 + i % 30, 1 + i % 9, inward[i % 20], inward[(i * 7 + 3) % 20]);
        landline(&r, phone, sizeof phone);
        snprintf(domain, sizeof domain, "%s.example.org", p->slug);
        snprintf(email, sizeof email, "info@%s", domain);
        if (p->fulltime_ok)
            snprintf(urn, sizeof urn, DEMO_LA_NUMBER "%04d", 6000 + i);
        if (p->kind == PK_FE)
            snprintf(ukprn, sizeof ukprn, "1009%04d", rnd(&r, 0, 9999));

        /* Due diligence: in order, unless planted otherwise. */
        int policy = g->today - rnd(&r, 30, 300), training = g->today - rnd(&r, 20, 330);
        int dbs = g->today - rnd(&r, 40, 900), declaration = g->today - rnd(&r, 20, 700);
        int64_t pl_cover = (chance(&r, 60) ? 5000000 : 10000000) * INT64_C(100);
        int64_t el_cover = 10000000 * INT64_C(100);
        int64_t pi_cover = (chance(&r, 70) ? 2000000 : 5000000) * INT64_C(100);
        int motor = 1, subcontractor = 1;
        int expiry = g->today + rnd(&r, 20, 340);
        const char *status = "active";
        char notes[256] = "";
        switch (p->plant) {
        case PL_INS_LOW:
            pl_cover = 2000000 * INT64_C(100);
            el_cover = 5000000 * INT64_C(100);
            pi_cover = 1000000 * INT64_C(100);
            snprintf(notes, sizeof notes, "Insurance below the recommended minimums: provider asked to raise cover.");
            break;
        case PL_INS_MISSING:
            motor = 0;
            subcontractor = 0;
            snprintf(notes, sizeof notes, "Uses staff cars to collect pupils: no business motor cover seen yet.");
            break;
        case PL_DBS_OLD:
            declaration = date_add_months(g->today, -52);
            dbs = date_add_months(g->today, -41);
            snprintf(notes, sizeof notes, "Safeguarding declaration and DBS checks need renewing.");
            break;
        case PL_SUSPENDED: {
            char d[11];
            status = "suspended";
            snprintf(notes, sizeof notes,
                     "Suspended on %s after a safeguarding concern: no new placements until a Stage 1 revisit.",
                     fmt_date(p->suspended_on, d));
            break;
        }
        case PL_REG_FIVE:
        case PL_REG_CLA:
        case PL_REG_PLAN:
            snprintf(notes, sizeof notes, "Not a registered school: keep every pupil under 18 hours a week.");
            break;
        default:
            break;
        }
        int initial = p->initial;
        ROWIO_TRY(put(g, S_PROVIDER, "ttttttttt" "ii" "ttt" "l" "t" "DDD" "i" "D" "lll" "ii" "DD" "ttt", p->name,
                p->plant ? plant_specs[p->plant].organisation : "", manager, address, phone, email, k->registration,
                urn, ukprn, k->age_from, k->age_to, k->aln, k->purpose, k->basis, p->rate, dsl, policy, training, dbs,
                1, declaration, pl_cover, el_cover, pi_cover, motor, subcontractor, expiry, initial, status, notes,
                g->login));
        p->id = last_id(g);

        /* Contacts: the manager, the DSL when someone else, an administrator. */
        char cphone[24], cemail[128], admin[96];
        mobile(&r, cphone, sizeof cphone);
        email_for(manager, domain, cemail, sizeof cemail);
        ROWIO_TRY(put(g, S_PCONTACT, "lttttt", p->id, manager, "Registered manager", cphone, cemail, g->login));
        if (strcmp(dsl, manager) != 0) {
            mobile(&r, cphone, sizeof cphone);
            email_for(dsl, domain, cemail, sizeof cemail);
            ROWIO_TRY(put(g, S_PCONTACT, "lttttt", p->id, dsl, "Designated Safeguarding Lead", cphone, cemail, g->login));
        }
        if (chance(&r, 50)) {
            person(g, &r, chance(&r, 70), admin, sizeof admin);
            email_for(admin, domain, cemail, sizeof cemail);
            ROWIO_TRY(put(g, S_PCONTACT, "lttttt", p->id, admin, "Office and attendance", phone, cemail, g->login));
        }
    }
    return AP_OK;
}

static ap_status write_pupils(struct gen *g)
{
    /* UPN serials per primary school and year of entry. */
    for (int i = 0; i < g->npup; i++) {
        struct dpupil *p = &g->pup[i];
        struct rng r = rng_for(g->seed, ST_PUPIL, (uint64_t)(1000000 + i));

        /* The UPN comes from the primary school where the pupil started. */
        int entry_year, m, d;
        date_to_ymd(p->dob, &entry_year, &m, &d);
        entry_year += m >= 9 ? 5 : 4;
        char upn[14];
        for (int tries = 0;; tries++) {
            int sc = pick_school(g, &r, PH_PRIMARY, PH_PRIMARY);
            if (tries > 50)
                sc = 1 + tries % (g->nschools - 1);
            struct dschool *s = &g->schools[sc];
            int slot = entry_year % 32;
            if (!s->serials && !(s->serials = calloc(32, sizeof *s->serials)))
                return ap_fail(AP_ERR_NOMEM, "planning the demo: out of memory");
            if (s->serials[slot] >= 999)
                continue;
            int serial = ++s->serials[slot];
            char last12[13];
            snprintf(last12, sizeof last12, DEMO_LA_NUMBER "%04u%02u%03u", (unsigned)s->estab % 10000u,
                     (unsigned)entry_year % 100u, (unsigned)serial % 1000u);
            upn[0] = upn_check_letter(last12);
            memcpy(upn + 1, last12, 13);
            break;
        }

        const char *preferred = "";
        static const struct {
            const char *name, *short_name;
        } shorts[] = {{"Gwenllïan", "Gwen"}, {"Rhiannon", "Rhi"},  {"Dafydd", "Dai"},    {"Gruffudd", "Guto"},
                      {"Angharad", "Ang"},   {"Alexander", "Alex"}, {"Zachary", "Zac"},  {"Jessica", "Jess"}};
        for (size_t k = 0; k < sizeof shorts / sizeof shorts[0]; k++)
            if (strcmp(p->forename, shorts[k].name) == 0 && chance(&r, 60))
                preferred = shorts[k].short_name;

        char aln[160] = "";
        if (strcmp(p->plan, "none") != 0) {
            const char *a = PICK(&r, aln_areas_list), *b = PICK(&r, aln_areas_list);
            if (a == b || chance(&r, 40))
                snprintf(aln, sizeof aln, "%s", a);
            else
                snprintf(aln, sizeof aln, "%s; %s", a, b);
        }
        char sw[96] = "", sw_phone[24] = "";
        if (p->cla || chance(&r, 8)) {
            person(g, &r, chance(&r, 70), sw, sizeof sw);
            landline(&r, sw_phone, sizeof sw_phone);
        }
        bool has_psp = p->psp.kind == PSP_ACTIVE || p->psp.kind == PSP_DRAFT;
        const char *gender = p->female ? "female" : chance(&r, 3) ? "other" : "male";
        ROWIO_TRY(put(g, S_PUPIL, "ttttDtltt" "iittttDDt" "iiiiiit", upn, p->forename, p->surname, preferred, p->dob, gender,
                g->schools[p->school].id, p->roll, p->cohort, p->fsm, p->cla, p->plan, aln, sw, sw_phone, p->start,
                p->end, p->destination ? p->destination : "", strcmp(p->plan, "none") != 0, has_psp,
                chance(&r, 85), chance(&r, 15), chance(&r, 20), p->cla, g->login));
        p->id = last_id(g);

        /* Parents and carers, called in priority order. */
        int n = rnd(&r, 1, 3);
        for (int c = 0; c < n; c++) {
            char name[96], phone[24], phone2[24] = "", email[128] = "";
            const char *rel;
            int pr = 1;
            if (p->cla && c == 0) {
                rel = "Foster carer";
                pr = 0;
                person(g, &r, chance(&r, 70), name, sizeof name);
            } else {
                rel = PICK(&r, contact_relations_parent);
                bool female = strcmp(rel, "Mother") == 0 || strcmp(rel, "Grandmother") == 0 || strcmp(rel, "Aunt") == 0
                                  ? true
                              : strcmp(rel, "Father") == 0 || strcmp(rel, "Stepfather") == 0 ? false
                                                                                             : chance(&r, 60);
                snprintf(name, sizeof name, "%s %s", word(&r, female ? &g->nm.female : &g->nm.male),
                         chance(&r, 70) ? p->surname : word(&r, &g->nm.surname));
                pr = strcmp(rel, "Mother") == 0 || strcmp(rel, "Father") == 0 || strcmp(rel, "Special guardian") == 0;
            }
            mobile(&r, phone, sizeof phone);
            if (chance(&r, 35))
                landline(&r, phone2, sizeof phone2);
            if (chance(&r, 50))
                email_for(name, "example.com", email, sizeof email);
            ROWIO_TRY(put(g, S_CONTACT, "litttttit", p->id, c + 1, name, rel, phone, phone2, email, pr, g->login));
            if (c == 0) {
                p->contact_id = last_id(g);
                snprintf(p->contact_name, sizeof p->contact_name, "%.90s (%.30s)", name, rel);
            }
        }
    }
    return AP_OK;
}

/* ---- Writing: panel cases, quotes, placements --------------------------------------------------------------- */

static int64_t annual_cost(const struct gen *g, int provider, unsigned mask, int64_t transport)
{
    const struct dprov *p = &g->prov[provider];
    const char *basis = kinds[p->kind].basis;
    int64_t tuition = strcmp(basis, "session") == 0 ? p->rate * popcount(mask) * RULES_SCHOOL_WEEKS
                      : strcmp(basis, "day") == 0   ? p->rate * days_in_mask(mask) * RULES_SCHOOL_WEEKS
                      : strcmp(basis, "week") == 0  ? p->rate * RULES_SCHOOL_WEEKS
                                                    : p->rate;
    return tuition + transport * RULES_SCHOOL_WEEKS;
}

static ap_status write_quote(struct gen *g, int64_t case_id, int provider, unsigned mask, int64_t transport,
                             bool chosen, const char *notes)
{
    const struct dprov *p = &g->prov[provider];
    return put(g, S_QUOTE, "lltlidltit", case_id, p->id, kinds[p->kind].basis, p->rate, popcount(mask),
               mask_hours(g, provider, mask), transport, notes, chosen, g->login);
}

static const char *reason_for(struct rng *r, const char *cohort)
{
    if (strcmp(cohort, "aln_bespoke") == 0) {
        static const char *const c[] = {"special_school_wait", "moved_in", "placement_breakdown", "pex"};
        return PICK(r, c);
    }
    if (strcmp(cohort, "pru_plus") == 0) {
        static const char *const c[] = {"provision_amend", "risk_of_pex", "pex"};
        return PICK(r, c);
    }
    static const char *const c[] = {"risk_of_pex", "risk_of_pex", "provision_amend", "other"};
    return PICK(r, c);
}

static ap_status write_placements(struct gen *g)
{
    for (int i = 0; i < g->npl; i++) {
        struct dplace *pl = &g->pl[i];
        struct dpupil *p = &g->pup[pl->pupil];
        struct dprov *pv = &g->prov[pl->provider];
        struct rng r = rng_for(g->seed, ST_CASE, (uint64_t)i);
        bool proposed = strcmp(pl->status, "proposed") == 0;

        /* The panel case that agreed it. */
        /* A decision is recorded once its panel has met (issue 13): never a
         * panel after today, even for a placement starting later. */
        int decided_by = pl->start - 3 < g->today ? pl->start - 3 : g->today;
        int panel = proposed ? panel_on_or_before(g, g->today - 1) : panel_on_or_before(g, decided_by);
        int referral = panel - 7 * rnd(&r, 1, 4) - rnd(&r, 0, 4);
        char d[11], triage[256], decision[320];
        double hours = mask_hours(g, pl->provider, pl->mask);
        snprintf(triage, sizeof triage,
                 "Triage recommends %s: a good match for the pupil's needs and interests; costed provision map "
                 "with transport attached.",
                 pv->name);
        snprintf(decision, sizeof decision, "Agreed: %s, %d sessions (%.1f h) a week from %s; PSP review in six weeks.",
                 pv->name, popcount(pl->mask), hours, fmt_date(pl->start, d));
        ROWIO_TRY(put(g, S_CASE, "ltDtDttt", p->id, reason_for(&r, p->cohort), referral, triage, panel, decision, "agreed",
                g->login));
        int64_t case_id = last_id(g);
        ROWIO_TRY(write_quote(g, case_id, pl->provider, pl->mask, pl->transport, true, "Recommended"));
        int others = rnd(&r, 0, 2);
        for (int q = 0; q < others; q++) {
            int alt = pick_provider(g, &r, pv->fulltime_ok, pl->provider, 0);
            ROWIO_TRY(write_quote(g, case_id, alt, pl->mask, pl->transport + (int64_t)rnd(&r, 0, 60) * 100, false,
                            q == 0 ? "Further to travel" : "No place until next term"));
        }

        static const char *const purposes[] = {
            "Re-engagement through practical learning", "Core skills: literacy and numeracy",
            "Vocational taster towards a Key Stage 4 pathway", "Emotional regulation and wellbeing",
            "Full-time placement while a special school place is secured",
        };
        ROWIO_TRY(put(g, S_PLACEMENT, "lltDDLtlltlt", p->id, pv->id, pl->status, pl->start, pl->end,
                (int64_t)pl->planned_weeks, kinds[pv->kind].basis, pv->rate, pl->transport,
                pv->fulltime_ok ? purposes[4] : PICK(&r, purposes), case_id, g->login));
        pl->id = last_id(g);
        for (int s = 0; s < SLOTS; s++)
            if (pl->mask & (1u << s))
                ROWIO_TRY(put(g, S_PSESSION, "litd", pl->id, s / 2, s % 2 ? "pm" : "am", slot_hours(g, pl->provider, s)));
        if (placement_running(pl, g->today))
            pv->active_now++;
    }
    return AP_OK;
}

/* Cases not (yet) behind a placement: open ones for the next panel, and the
 * deferred, declined and withdrawn. Every reason and status occurs. */
static ap_status write_other_cases(struct gen *g)
{
    static const char *const reasons[] = {"risk_of_pex", "pex", "provision_amend", "moved_in",
                                          "placement_breakdown", "special_school_wait", "other"};
    static const char *const statuses[] = {"open", "deferred", "declined", "withdrawn", "open", "open"};
    int n = g->npup / 10 > 8 ? g->npup / 10 : 8;
    for (int j = 0; j < n; j++) {
        struct rng r = rng_for(g->seed, ST_CASE, (uint64_t)(5000000 + j));
        struct dpupil *p = &g->pup[rnd(&r, 0, g->npup - 1)];
        const char *reason = reasons[j % 7];
        const char *status = statuses[j % 6];
        int age = p->year_group + 5;
        int panel, referral;
        char triage[256] = "", decision[256] = "";
        bool route1 = j % 6 == 4; /* open, one or two quotes, well under the threshold */
        int prov = pick_provider(g, &r, !route1 && chance(&r, 25), -1, age);
        if (strcmp(status, "open") == 0) {
            bool triaged = j % 4 != 3;
            panel = triaged ? panel_in_term(g, g->next_panel + (j % 5 == 4 ? 14 : 0)) : DATE_NONE;
            referral = g->today - rnd(&r, 3, 30);
            if (triaged)
                snprintf(triage, sizeof triage, "Triage recommends %s; quotations being gathered.",
                         g->prov[prov].name);
        } else {
            panel = panel_on_or_before(g, g->today - 14 * rnd(&r, 1, 8));
            referral = panel - rnd(&r, 10, 30);
            snprintf(triage, sizeof triage, "Triage recommends %s.", g->prov[prov].name);
            snprintf(decision, sizeof decision, "%s",
                     strcmp(status, "deferred") == 0
                         ? "Deferred to the next panel: updated educational psychology advice and the parent's views "
                           "are needed."
                     : strcmp(status, "declined") == 0
                         ? "Declined: the home school is to try a managed move first; bring back after the IDP review."
                         : "Withdrawn by the referrer: the family moved out of the county.");
        }
        ROWIO_TRY(put(g, S_CASE, "ltDtDttt", p->id, reason, referral, triage, panel, decision, status, g->login));
        int64_t case_id = last_id(g);
        /* Quotes: three for most; one or two for some (procurement flag). */
        int quotes = j % 3 == 1 ? rnd(&r, 1, 2) : 3;
        if (strcmp(status, "withdrawn") == 0)
            quotes = 1;
        unsigned mask = pick_slots(g, &r, prov, route1 ? rnd(&r, 3, 4) : rnd(&r, 3, 7), 0);
        int64_t transport = route1 ? (int64_t)rnd(&r, 0, 80) * 100 : chance(&r, 60) ? (int64_t)rnd(&r, 60, 250) * 100 : 0;
        for (int q = 0; q < quotes; q++) {
            int qp = q == 0 ? prov : pick_provider(g, &r, g->prov[prov].fulltime_ok, prov, 0);
            unsigned qmask = q == 0 ? mask : pick_slots(g, &r, qp, popcount(mask), 0);
            ROWIO_TRY(write_quote(g, case_id, qp, qmask, transport, false,
                            annual_cost(g, qp, qmask, transport) < g->th.quote_threshold ? "Route 1 quotation" : ""));
        }
        /* The suspended provider's quote recommended all the same, with the
         * reason (issue 13): flagged while it stands. No draw from r, so the
         * rest of the demo is as it was. */
        if (j == 0) {
            int susp = find_plant(g, PL_SUSPENDED);
            if (susp >= 0) {
                ROWIO_TRY(write_quote(g, case_id, susp, mask, transport, true, "Quoted before the suspension"));
                ROWIO_TRY(put(g, S_QUOTE_REASON, "tl",
                        "The only provider the pupil has engaged with; the panel is asked to agree it once the "
                        "suspension review closes",
                        last_id(g)));
            }
        }
    }
    return AP_OK;
}

/* ---- Writing: PSPs ------------------------------------------------------------------------------------------ */

static ap_status write_targets(struct gen *g, struct rng *r, int64_t psp_id, int n, int64_t *ids, bool all_checked)
{
    int first = rnd(r, 0, (int)(sizeof psp_targets / sizeof psp_targets[0]) - 1);
    for (int t = 0; t < n; t++) {
        const struct target_text *tt = &psp_targets[(first + t) % (int)(sizeof psp_targets / sizeof psp_targets[0])];
        bool ok = all_checked || chance(r, 70);
        ROWIO_TRY(put(g, S_TARGET, "litttiiiit", psp_id, t + 1, tt->target, tt->baseline, tt->measure, 1,
                ok || chance(r, 50), 1, ok, g->login));
        ids[t] = last_id(g);
    }
    return AP_OK;
}

static ap_status write_review(struct gen *g, struct rng *r, int64_t psp_id, int date, const char *outcome,
                              const int64_t *targets, int n)
{
    static const char *const notes[] = {
        "Attendance improving; pupil says the mornings are easier now.",
        "Some setbacks after the holiday; plan adapted with the parent.",
        "Targets reviewed with the pupil; new timetable agreed.",
        "Provider reports steady engagement; next steps discussed.",
    };
    ROWIO_TRY(put(g, S_REVIEW, "lDtttt", psp_id, date, "Pupil; parent; Commissioning Officer; provider key worker",
            outcome, PICK(r, notes), g->login));
    int64_t review_id = last_id(g);
    for (int t = 0; t < n; t++)
        ROWIO_TRY(put(g, S_RPROGRESS, "lltt", review_id, targets[t], PICK(r, review_progress_text), g->login));
    return AP_OK;
}

/* The weekly timetable of the PSP, from the placements running on day d
 * (today for a PSP not yet met). */
static ap_status write_psp_timetable(struct gen *g, const struct dpupil *p, int64_t psp_id, int d)
{
    if (d > g->today)
        d = g->today;
    for (int wd = 0; wd < 5; wd++) {
        const struct dplace *found = NULL;
        double hours = 0;
        for (int k = 0; k < p->n_pl; k++) {
            const struct dplace *pl = &g->pl[p->first_pl + k];
            if (!placement_running(pl, d))
                continue;
            for (int s = 0; s < 2; s++)
                if (pl->mask & (1u << (wd * 2 + s))) {
                    hours += slot_hours(g, pl->provider, wd * 2 + s);
                    found = pl;
                }
        }
        if (found)
            ROWIO_TRY(put(g, S_PSP_TT, "littdt", psp_id, wd, kinds[g->prov[found->provider].kind].purpose,
                    g->prov[found->provider].name, hours, g->login));
        else
            ROWIO_TRY(put(g, S_PSP_TT, "littdt", psp_id, wd, "Not timetabled: at home with work set by the home school",
                    "Home", 0.0, g->login));
    }
    return AP_OK;
}

static ap_status write_psp(struct gen *g, int i, const char *status, bool reduced_section)
{
    struct dpupil *p = &g->pup[i];
    const struct psp_plan *ps = &p->psp;
    struct rng r = rng_for(g->seed, ST_PSP, (uint64_t)(1000000 + i * 3 + (status[0] == 'c')));
    const char *school = g->schools[p->school].name;
    char lead[128], attendees[640], school_agrees[256], parent_agrees[256], pros[256];
    snprintf(lead, sizeof lead, "%s (Commissioning Officer)", g->co);
    snprintf(attendees, sizeof attendees, "%s %s (pupil); %s; %s; a teacher from %s%s", p->forename, p->surname,
             p->contact_name, lead, school, p->cla ? "; social worker" : "");
    snprintf(school_agrees, sizeof school_agrees,
             "%.110s will keep a key adult in touch weekly, set work for the days at home and plan the return.", school);
    snprintf(parent_agrees, sizeof parent_agrees,
             "Have the pupil ready for transport each morning and ring the Commissioning Officer by 9:15 when they "
             "cannot attend.");
    snprintf(pros, sizeof pros, "Educational psychologist to advise on the next review%s.",
             p->cla ? "; social worker to attend reviews and update the PEP" : "");

    int meeting, next_review = DATE_NONE, end = DATE_NONE;
    int64_t targets[3];
    int ntargets = rnd(&r, 1, 3);
    int reviews[16], nreviews = 0;
    const char *last_outcome = NULL;
    if (strcmp(status, "ceased") == 0) {
        meeting = weeks_ago(g, rnd(&r, 30, 60), rnd(&r, 0, 4));
        int n = rnd(&r, 1, 3);
        for (int k = 1; k <= n; k++)
            reviews[nreviews++] = meeting + 42 * k + rnd(&r, -3, 3);
        end = reviews[nreviews - 1];
        last_outcome = "cease";
    } else if (strcmp(status, "draft") == 0) {
        meeting = g->today + rnd(&r, 2, 10);
    } else {
        /* Days since the last review (or the meeting when there has been none). */
        int since = ps->review == RV_OVERDUE ? rnd(&r, 45, 75) : ps->review == RV_DUE_SOON ? rnd(&r, 36, 41)
                                                                                            : rnd(&r, 3, 33);
        int weeks = ps->over16 ? rnd(&r, 18, 26) : rnd(&r, 2, 15);
        meeting = g->today - 7 * weeks - rnd(&r, 0, 4);
        int last = g->today - since;
        if (last <= meeting + 20) {
            meeting = last; /* no review yet */
        } else {
            for (int k = 0; last - 42 * k >= meeting + 21 && nreviews < 16; k++)
                reviews[nreviews++] = last - 42 * k;
            /* oldest first */
            for (int a = 0, b = nreviews - 1; a < b; a++, b--) {
                int t = reviews[a];
                reviews[a] = reviews[b];
                reviews[b] = t;
            }
        }
        next_review = last + 7 * g->th.psp_review_weeks;
        end = ps->over16 ? rules_weeks_end(meeting, g->th.psp_length_weeks) : meeting + 7 * g->th.psp_length_weeks - 3;
        if (!ps->over16 && chance(&r, 8))
            end = DATE_NONE;
    }

    /* The reduced-timetable section. */
    int rstart = DATE_NONE, rend = DATE_NONE, authorised = 0, concern = 0;
    const char *rreason = NULL, *exit_plan = "";
    double per_day = 0;
    if (reduced_section) {
        static const char *const why[] = {"behaviour", "aln", "safeguarding", "mental_health", "medical"};
        rreason = PICK(&r, why);
        /* Hours a day over the days the running placements together use, as
         * the audit matrix checks them against the timetable (issue 13: the
         * busiest single placement's days overstated it, up to 7 h). */
        unsigned week = 0;
        for (int k = 0; k < p->n_pl; k++)
            if (placement_running(&g->pl[p->first_pl + k], g->today))
                week |= g->pl[p->first_pl + k].mask;
        int days = days_in_mask(week);
        per_day = days ? floor(p->weekly_hours / days * 4 + 0.5) / 4 : 0;
        if (per_day > 7)
            per_day = 7;
        rstart = meeting <= g->today ? meeting : g->today;
        exit_plan = PICK(&r, psp_exit_plans);
        int limit = g->th.reduced_timetable_weeks;
        switch (ps->rtt) {
        case RTT_GREEN:
        case RTT_CONCERN:
            rend = rstart + 7 * limit - 3;
            if (rend < g->today + 7) { /* a long one, authorised by the Director */
                rend = monday_of(g->today) + 7 * rnd(&r, 2, 6) + 4;
                authorised = 1;
            }
            concern = ps->rtt == RTT_CONCERN;
            break;
        case RTT_LONG_UNAUTHORISED:
            rstart = g->today - 7 * rnd(&r, 4, 8);
            rend = rstart + 7 * (limit + rnd(&r, 4, 10)) - 3;
            break;
        case RTT_PAST_END:
            rstart = g->today - 7 * rnd(&r, 10, 11) - 2;
            rend = g->today - rnd(&r, 3, 12);
            if (rend - rstart > 7 * limit - 3)
                rend = rstart + 7 * limit - 3;
            break;
        case RTT_NO_END:
            rend = DATE_NONE;
            break;
        case RTT_NO_EXIT:
            rend = rstart + 7 * rnd(&r, 6, limit) - 3;
            if (rend < g->today + 3)
                rend = g->today + 7 * rnd(&r, 1, 4);
            if (rend - rstart > 7 * limit - 3)
                rstart = rend - (7 * limit - 3);
            exit_plan = "";
            break;
        }
    }

    /* The audit matrix's indicators only the PSP records (issue 13): taken
     * from the pupil's id, not the generator, so that adding them changed
     * nothing else in the demo. Most are recorded and in order; a green
     * one always is. */
    const char *progression = "";
    double start_hours = 0;
    int la_told = DATE_NONE, risk_assessed = DATE_NONE;
    if (reduced_section) {
        unsigned h = (unsigned)p->id * 2654435761u >> 8;
        bool green = ps->rtt == RTT_GREEN;
        progression = !green && h % 7 == 3 ? "" : !green && h % 5 == 0 ? "little" : "progressing";
        start_hours = per_day > 1 ? per_day - (!green && h % 6 == 1 ? 0 : 0.5) : per_day;
        if (!green && h % 11 == 5)
            start_hours = 0;
        la_told = !green && h % 9 == 4 ? DATE_NONE : rstart + 2 <= g->today ? rstart + 2 : rstart;
        risk_assessed = !green && h % 8 == 6 ? DATE_NONE : g->today - (int)(h % 5) * 7;
        if (risk_assessed < rstart)
            risk_assessed = rstart;
    }

    bool signed_ = strcmp(status, "draft") != 0;
    int signed_child = signed_ ? meeting + rnd(&r, 0, 3) : DATE_NONE;
    int signed_school = signed_ ? meeting : DATE_NONE;
    int signed_parent = signed_ && chance(&r, 90) ? meeting + rnd(&r, 0, 6) : DATE_NONE;
    if (signed_child != DATE_NONE && signed_child > g->today)
        signed_child = g->today;
    if (signed_parent != DATE_NONE && signed_parent > g->today)
        signed_parent = DATE_NONE;
    ROWIO_TRY(put(g, S_PSP, "ltD" "tttttttt" "DDDDD" "i" "DDtd" "ii" "tt" "tdDD", p->id, status, meeting, lead, attendees, PICK(&r, psp_reasons),
            PICK(&r, psp_strategies), PICK(&r, psp_working), school_agrees, parent_agrees, pros, signed_child,
            signed_school, signed_parent, next_review, end, reduced_section, rstart, rend, rreason, per_day, concern,
            authorised, exit_plan, g->login, progression, start_hours, la_told, risk_assessed));
    int64_t psp_id = last_id(g);
    ROWIO_TRY(write_targets(g, &r, psp_id, strcmp(status, "draft") == 0 ? 1 : ntargets, targets,
                      strcmp(status, "draft") != 0 && chance(&r, 85)));
    if (strcmp(status, "draft") == 0)
        ntargets = 1;
    for (int k = 0; k < nreviews; k++) {
        static const char *const outcomes[] = {"continue", "continue", "adapt", "next_steps"};
        const char *o = k == nreviews - 1 && last_outcome ? last_outcome : PICK(&r, outcomes);
        ROWIO_TRY(write_review(g, &r, psp_id, reviews[k], o, targets, ntargets));
    }
    return write_psp_timetable(g, p, psp_id, strcmp(status, "ceased") == 0 ? meeting : g->today);
}

static ap_status write_psps(struct gen *g)
{
    for (int i = 0; i < g->npup; i++) {
        const struct dpupil *p = &g->pup[i];
        switch (p->psp.kind) {
        case PSP_NONE:
            break;
        case PSP_CEASED_ONLY:
            ROWIO_TRY(write_psp(g, i, "ceased", false));
            break;
        case PSP_DRAFT:
        case PSP_ACTIVE:
            if (p->psp.history)
                ROWIO_TRY(write_psp(g, i, "ceased", false));
            ROWIO_TRY(write_psp(g, i, p->psp.kind == PSP_DRAFT ? "draft" : "active", p->reduced));
            break;
        }
    }
    return AP_OK;
}

/* ---- Writing: QA visits --------------------------------------------------------------------------------------- */

static ap_status write_visit(struct gen *g, struct rng *r, const struct dprov *p, const char *stage,
                             enum tmpl_id t, int date, bool planned, bool bad)
{
    char visitors[256], d[11];
    if (strcmp(stage, "stage2") == 0)
        snprintf(visitors, sizeof visitors, "%s; %s", g->co, g->alp_lead);
    else
        snprintf(visitors, sizeof visitors, "%s", g->co);
    int next = strcmp(stage, "stage1") == 0   ? date_add_months(date, g->th.qa_stage1_months)
               : strcmp(stage, "stage2") == 0 ? date_add_months(date, g->th.qa_stage2_months)
                                              : date_add_months(date, 1);
    if (planned) {
        char notes[128];
        snprintf(notes, sizeof notes, "Planned visit, confirmed with the provider for %s.", fmt_date(date, d));
        /* No outcome (n takes no argument) and no next due date yet. */
        return put(g, S_VISIT, "ltlDtnDitt", p->id, stage, g->tmpl[t].id, date, visitors, DATE_NONE, 0, notes,
                   g->login);
    }
    /* Decide the answers first, for the outcome. */
    const struct tmpl *tp = &g->tmpl[t];
    char answers[64];
    bool any_no = false, sg_no = false;
    for (int k = 0; k < tp->n && k < (int)sizeof answers; k++) {
        int x = rnd(r, 0, 99);
        answers[k] = x < 88 ? 'y' : x < 94 ? 'a' : (tp->safeguarding[k] && !bad && chance(r, 97)) ? 'y' : 'n';
        if (bad && tp->safeguarding[k] && k % 4 == 0)
            answers[k] = 'n';
        if (answers[k] == 'n') {
            any_no = true;
            sg_no |= tp->safeguarding[k] != 0;
        }
    }
    const char *outcome = bad || sg_no ? "unsatisfactory" : any_no ? "improvement_needed" : "satisfactory";
    if (sg_no && !bad)
        outcome = "improvement_needed";
    const char *notes = bad ? "Safeguarding concerns found on this visit: placements suspended pending a full review."
                        : any_no ? "Actions agreed with the manager; to be checked at the next visit."
                                 : "No concerns.";
    ROWIO_TRY(put(g, S_VISIT, "ltlDttDitt", p->id, stage, tp->id, date, visitors, outcome, next, 1, notes, g->login));
    int64_t visit_id = last_id(g);
    for (int k = 0; k < tp->n && k < (int)sizeof answers; k++) {
        const char *a = answers[k] == 'y' ? "yes" : answers[k] == 'a' ? "na" : "no";
        const char *comment = answers[k] == 'n' ? PICK(r, qa_no_comments) : answers[k] == 'y' && chance(r, 10) ? "Seen." : "";
        ROWIO_TRY(put(g, S_ANSWER, "llttt", visit_id, tp->item[k], a, comment, g->login));
    }
    return AP_OK;
}

static ap_status write_visits(struct gen *g)
{
    for (int i = 0; i < g->nprov; i++) {
        const struct dprov *p = &g->prov[i];
        if (p->plant == PL_NEVER)
            continue;
        struct rng r = rng_for(g->seed, ST_VISIT, (uint64_t)i);
        int initial = p->initial;
        /* The first visit answers the due-diligence checks. */
        ROWIO_TRY(write_visit(g, &r, p, "stage1", T_CHECKS, initial, false, false));
        /* Stage 1 yearly, the last within 12 months (14 months ago when planted overdue). */
        int last1 = p->plant == PL_S1_OVERDUE ? date_add_months(g->today, -14) : g->today - rnd(&r, 20, 330);
        if (last1 > initial + 60) {
            int dates[8], n = 0;
            for (int k = 0; n < 8 && date_add_months(last1, -12 * k) > initial + 60; k++)
                dates[n++] = date_add_months(last1, -12 * k) - (k ? rnd(&r, 0, 10) : 0);
            for (int k = n - 1; k >= 0; k--)
                ROWIO_TRY(write_visit(g, &r, p, "stage1", T_STAGE1, dates[k], false, false));
        }
        /* Stage 2 every two years, once the provider has been used for a few months. */
        int last2 = p->plant == PL_S2_OVERDUE ? date_add_months(g->today, -29) : g->today - rnd(&r, 40, 600);
        if (last2 > p->since + 60) {
            int dates[4], n = 0;
            for (int k = 0; n < 4 && date_add_months(last2, -24 * k) > p->since + 60; k++)
                dates[n++] = date_add_months(last2, -24 * k);
            for (int k = n - 1; k >= 0; k--)
                ROWIO_TRY(write_visit(g, &r, p, "stage2", T_STAGE2, dates[k], false, false));
        }
        /* Monitoring visits every three to five weeks while pupils are placed;
         * a fifth of providers have let them lapse. */
        if (p->active_now > 0 || p->plant == PL_SUSPENDED) {
            bool lapsed = p->plant == PL_NONE && chance(&r, 20);
            int last = p->plant == PL_SUSPENDED ? p->suspended_on - 2
                       : lapsed                 ? g->today - rnd(&r, 42, 63)
                                                : g->today - rnd(&r, 3, 26);
            int from = g->today - 183 > p->since ? g->today - 183 : p->since;
            int dates[16], n = 0;
            for (int d = last; d >= from && n < 16; d -= rnd(&r, 21, 35))
                dates[n++] = d;
            for (int k = n - 1; k >= 0; k--) {
                int d = dates[k];
                while (date_weekday(d) > 4)
                    d--;
                ROWIO_TRY(write_visit(g, &r, p, "monitoring", T_MONITORING, d, false,
                                p->plant == PL_SUSPENDED && k == 0));
            }
        }
        /* A visit booked for the coming weeks. */
        if (chance(&r, 35) && p->plant != PL_SUSPENDED) {
            int d = g->today + rnd(&r, 3, 20);
            while (date_weekday(d) > 4)
                d++;
            ROWIO_TRY(write_visit(g, &r, p, "monitoring", T_MONITORING, d, true, false));
        }
    }
    return AP_OK;
}

/* ---- Writing: attendance marks and absence calls -------------------------------------------------------------- */

/* One-character strings for every code, so that binding one copies nothing. */
static const char code_text[128][2] = {
#define C1(c) [c] = {c, 0}
    C1('/'), C1('\\'), C1('B'), C1('K'), C1('L'), C1('U'), C1('M'), C1('I'), C1('N'), C1('O'), C1('G'),
    C1('C'), C1('D'),
#undef C1
};

/* The hot path of the demo: one mark, every value bound without a copy
 * (stamp must stay put until the next mark rebinds it). */
static ap_status write_mark(struct gen *g, const struct dpupil *p, int day, int session, char code, char reported,
                            int64_t provider_id, const char *source, const char *note, const char *stamp)
{
    sqlite3_stmt *st = g->st[S_MARK];
    if ((unsigned char)code >= 128 || !code_text[(unsigned char)code][0] ||
        (unsigned char)reported >= 128 || (reported && !code_text[(unsigned char)reported][0]))
        return ap_fail(AP_ERR_INVALID, "demo: no text for the code '%c'", code);
    int rc = rowio_bind(st, 1, "Ii", p->id, (int)day);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 3, session ? "pm" : "am", 2, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 4, code_text[(unsigned char)code], 1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = reported ? sqlite3_bind_text(st, 5, code_text[(unsigned char)reported], 1, SQLITE_STATIC)
                      : sqlite3_bind_null(st, 5);
    if (rc == SQLITE_OK)
        rc = provider_id ? sqlite3_bind_int64(st, 6, provider_id) : sqlite3_bind_null(st, 6);
    if (rc == SQLITE_OK)
        rc = rowio_bind(st, 7, "TT", source, note);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 9, stamp, 19, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 10, g->login, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_fail(g->s, rc, "writing the demo data (attendance_mark)");
    return AP_OK;
}

static void stamp_at(char buf[20], int day, int hour, int minute)
{
    char d[11];
    snprintf(buf, 20, "%s %02d:%02d:00", fmt_date(day, d), hour, minute);
}

static ap_status write_call(struct gen *g, struct rng *r, const struct dpupil *p, int day, bool reached,
                            char resulting, const char *outcome)
{
    char d[11], at[20], code[2] = {resulting, '\0'};
    stamp_at(at, day, 9, rnd(r, 35, 59));
    fmt_date(day, d);
    return put(g, S_CALL, "ltttLtitttt", p->id, d, at, g->login, p->contact_id, reached ? p->contact_name : "",
               reached, outcome, resulting ? code : NULL, at, g->login);
}

enum day_state { DS_PRESENT, DS_ILL, DS_UNAUTH, DS_HOLIDAY };

static ap_status write_marks_for(struct gen *g, int i)
{
    struct dpupil *p = &g->pup[i];
    struct rng r = rng_for(g->seed, ST_MARKS, (uint64_t)i);
    if (p->n_pl == 0 || g->ndays == 0)
        return AP_OK;

    /* Which days the pupil is timetabled, for the planted runs. */
    int run_days = p->role == PR_RUN_RED ? g->th.unauth_red_days + 2 : p->role == PR_RUN_AMBER ? 2 : 0;
    int run_from = g->ndays; /* index of the first day of the run */
    if (run_days) {
        int counted = 0;
        int last = g->today_partial ? g->ndays - 2 : g->ndays - 1;
        for (int di = last; di >= 0 && counted < run_days; di--) {
            int d = g->days[di];
            for (int k = 0; k < p->n_pl; k++) {
                const struct dplace *pl = &g->pl[p->first_pl + k];
                if (placement_running(pl, d) && (pl->mask >> (2 * date_weekday(d)) & 3u)) {
                    counted++;
                    run_from = di;
                    break;
                }
            }
        }
    }
    int last_full = g->today_partial ? g->ndays - 2 : g->ndays - 1;

    enum day_state state = DS_PRESENT;
    int left = 0;
    bool spell_first = false;
    for (int di = 0; di < g->ndays; di++) {
        int d = g->days[di];
        int wd = date_weekday(d);
        const struct dplace *at[2] = {NULL, NULL};
        bool placed = false; /* on a placement that day, timetabled or not */
        for (int k = 0; k < p->n_pl; k++) {
            const struct dplace *pl = &g->pl[p->first_pl + k];
            if (!placement_running(pl, d))
                continue;
            placed = true;
            for (int s = 0; s < 2; s++)
                if (pl->mask & (1u << (wd * 2 + s)))
                    at[s] = pl;
        }
        if (!placed)
            continue;
        bool partial = g->today_partial && di == g->ndays - 1;
        if (partial && (run_days || !at[0] || !chance(&r, 70)))
            continue; /* not reported yet this morning */

        /* The day's state: absences come in spells. */
        spell_first = false;
        if (left > 0) {
            left--;
        } else {
            state = DS_PRESENT;
            if (chance_pm(&r, p->absence_pm)) {
                if (chance(&r, p->unauth_pct)) {
                    state = chance(&r, 6) ? DS_HOLIDAY : DS_UNAUTH;
                    left = state == DS_HOLIDAY ? rnd(&r, 2, 4) : rnd(&r, 0, 1);
                } else {
                    state = DS_ILL;
                    left = chance(&r, 60) ? 0 : rnd(&r, 1, 2);
                }
                spell_first = true;
            }
        }
        bool in_run = di >= run_from && di <= last_full;
        bool recent = di >= last_full - 1; /* still unexplained: N */
        bool called = false;
        for (int s = 0; s < 2; s++) {
            const struct dplace *pl = at[s];
            if (partial && s == 1)
                continue;
            if (!pl) {
                /* A register has a mark for every session: the sessions no
                 * placement covers are D (at the other school where the pupil
                 * is registered) for dual and school rolls, and C (authorised:
                 * the reduced timetable) for pupils on the PRS roll alone. */
                if (partial)
                    continue;
                bool sole_prs = strcmp(p->roll, "sole_prs") == 0;
                char stamp[20];
                stamp_at(stamp, d, s ? 13 : 9, 0);
                ROWIO_TRY(write_mark(g, p, d, s, sole_prs ? 'C' : 'D', 0, 0, "officer",
                               sole_prs ? "Not timetabled: reduced timetable" : "At the school where also registered",
                               stamp));
                continue;
            }
            const struct dprov *pv = &g->prov[pl->provider];
            char code, reported = 0;
            const char *source = "phone", *note = "";
            int hour = s ? 13 : 9, minute = s ? rnd(&r, 10, 40) : rnd(&r, 2, 40);
            bool pru = strcmp(kinds[pv->kind].registration, "pru") == 0;
            char present = pru ? (s ? '\\' : '/') : g->england && strcmp(p->cohort, "school_ap") != 0 ? 'K' : 'B';
            if (in_run) {
                bool last_days = p->role == PR_RUN_RED ? di >= last_full - 1 : di == last_full;
                if (p->role == PR_RUN_AMBER && di < last_full && s == 0)
                    code = present; /* the run starts that afternoon */
                else
                    code = last_days ? 'N' : 'O';
                if (code == 'O' && s == 0 && !called) {
                    ROWIO_TRY(write_call(g, &r, p, d, false, 0, "No answer; voicemail left asking the parent to ring back."));
                    called = true;
                }
                if (code == 'N' && s == 0 && !called) {
                    ROWIO_TRY(write_call(g, &r, p, d, false, 0, "No answer on either number; message left."));
                    called = true;
                }
            } else {
                switch (state) {
                case DS_PRESENT: {
                    int x = rnd(&r, 0, 999);
                    code = present;
                    if (x < 20) {
                        code = 'L';
                    } else if (x < 23) {
                        code = 'U';
                        reported = 'L';
                        note = "Arrived after the register closed; the provider had reported a late arrival.";
                    } else if (x < 28) {
                        code = 'M';
                        note = "Dental appointment";
                        source = "email";
                    }
                    if (x >= 37 && x < 300)
                        source = "portal";
                    else if (x >= 300 && x < 420)
                        source = "email";
                    break;
                }
                case DS_ILL:
                    code = 'I';
                    if (recent && chance(&r, 40)) {
                        code = 'N';
                        if (s == 0 && !called) {
                            ROWIO_TRY(write_call(g, &r, p, d, false, 0, "No answer; voicemail left."));
                            called = true;
                        }
                    } else if (spell_first && s == 0 && chance(&r, 40)) {
                        /* Reported as absent with no reason; the first-day call explained it. */
                        reported = 'N';
                        source = "call";
                        note = "Parent said: unwell with a sickness bug.";
                        ROWIO_TRY(write_call(g, &r, p, d, true, 'I', "Unwell with a sickness bug; expected back tomorrow."));
                        called = true;
                    } else {
                        note = "Parent rang in: unwell.";
                    }
                    break;
                case DS_HOLIDAY:
                    code = 'G';
                    note = "Family holiday not agreed by the school.";
                    break;
                case DS_UNAUTH:
                default:
                    code = recent ? 'N' : 'O';
                    if (s == 0 && !called && chance(&r, 75)) {
                        bool reached = code == 'O' && chance(&r, 50);
                        ROWIO_TRY(write_call(g, &r, p, d, reached, reached ? 'O' : 0,
                                       reached ? "Parent said the pupil refused to go; no reason accepted."
                                               : "No answer; voicemail left."));
                        called = true;
                        if (reached)
                            source = "call";
                    }
                    break;
                }
            }
            char stamp[20];
            stamp_at(stamp, d, hour, minute);
            ROWIO_TRY(write_mark(g, p, d, s, code, reported, pv->id, source, note, stamp));
        }
    }
    return AP_OK;
}

static ap_status write_marks(struct gen *g)
{
    ap_status st = AP_OK;
    for (int i = 0; i < g->npup && st == AP_OK; i++)
        st = write_marks_for(g, i);
    sqlite3_clear_bindings(g->st[S_MARK]); /* the stamp bound last lived on the stack */
    return st;
}

/* ---- Writing: tracking, actions, concerns ------------------------------------------------------------------------- */

static ap_status write_tracking(struct gen *g)
{
    static const char *const areas[] = {"attendance", "wellbeing", "engagement", "social", "qualifications"};
    /* The Mondays of the last (up to) 12 school weeks. */
    int mondays[12], nm = 0;
    for (int di = g->ndays - 1; di >= 0 && nm < 12; di--) {
        int m = monday_of(g->days[di]);
        if (nm == 0 || mondays[nm - 1] != m)
            mondays[nm++] = m;
    }
    for (int i = 0; i < g->npup; i++) {
        const struct dpupil *p = &g->pup[i];
        struct rng r = rng_for(g->seed, ST_TRACKING, (uint64_t)i);
        int base[5];
        for (int a = 0; a < 5; a++)
            base[a] = rnd(&r, 2, 4);
        int trend = rnd(&r, -1, 2); /* most improve */
        for (int w = nm - 1; w >= 0; w--) {
            int m = mondays[w];
            bool placed = false;
            for (int k = 0; k < p->n_pl && !placed; k++)
                placed = placement_running(&g->pl[p->first_pl + k], m + 4) ||
                         placement_running(&g->pl[p->first_pl + k], m);
            if (!placed)
                continue;
            /* Only the areas that apply to the pupil (issue 13: no
             * qualification pathway before Year 10). */
            unsigned applies = rules_tracking_areas(p->year_group, &g->th);
            for (int a = 0; a < 5; a++) {
                if (!((applies >> a) & 1u))
                    continue;
                int step = (nm - 1 - w) * trend / 4;
                int rating = base[a] + step + rnd(&r, -1, 1) * (chance(&r, 30) ? 1 : 0);
                rating = rating < 1 ? 1 : rating > 5 ? 5 : rating;
                const char *note = a == 1 && chance(&r, 25) ? PICK(&r, progress_notes) : "";
                ROWIO_TRY(put(g, S_PROGRESS, "lDtitt", p->id, m, areas[a], rating, note, g->login));
            }
        }
        /* Actions from the weekly meeting. */
        if (chance(&r, 35)) {
            int n = rnd(&r, 1, 2);
            for (int k = 0; k < n; k++) {
                int due = g->today + rnd(&r, -21, 21);
                bool done = due < g->today - 3 && chance(&r, 55);
                ROWIO_TRY(put(g, S_ACTION, "lttDit", p->id, PICK(&r, action_texts), PICK(&r, action_owners), due, done,
                        g->login));
            }
        }
    }
    return AP_OK;
}

static ap_status write_concerns(struct gen *g)
{
    int susp = find_plant(g, PL_SUSPENDED);
    for (int i = 0; i < g->npup; i++) {
        const struct dpupil *p = &g->pup[i];
        struct rng r = rng_for(g->seed, ST_CONCERN, (uint64_t)i);
        bool forced = p->role == PR_SUSP_ACTIVE || p->role == PR_SUSP_ENDED;
        if (!forced && !chance(&r, 5))
            continue;
        if (p->n_pl == 0)
            continue;
        int n = forced ? 1 : rnd(&r, 1, 2);
        for (int k = 0; k < n; k++) {
            const struct dplace *pl = &g->pl[p->first_pl + rnd(&r, 0, p->n_pl - 1)];
            if (strcmp(pl->status, "proposed") == 0 && !forced)
                continue;
            int date = g->today - rnd(&r, 2, 240);
            if (forced) {
                pl = &g->pl[p->first_pl];
                date = g->prov[susp].suspended_on - 1;
            }
            if (date < pl->start)
                date = pl->start + 1;
            if (date > g->today)
                date = g->today;
            char told[128];
            snprintf(told, sizeof told, "PRS DSL; %s%s", g->co, p->cla ? "; social worker" : "");
            ROWIO_TRY(put(g, S_CONCERN, "llDttttt", p->id, g->prov[pl->provider].id, date,
                    chance(&r, 60) || forced ? "safeguarding" : "incident",
                    forced ? "Staff member shouted at and grabbed the pupil's arm; other pupils saw it."
                           : PICK(&r, concern_summaries),
                    told, forced ? "Reported to the LADO; provider suspended; pupils' parents told."
                                 : PICK(&r, concern_actions),
                    g->login));
        }
    }
    return AP_OK;
}

/* ---- The whole run --------------------------------------------------------------------------------------------------- */

void demo_options_default(struct demo_options *o)
{
    o->pupils = 120;
    o->weeks = 12;
    o->seed = 1;
}

static void gen_free(struct gen *g)
{
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(g->st[i]);
    for (int t = 0; t < T_COUNT; t++) {
        free(g->tmpl[t].item);
        free(g->tmpl[t].safeguarding);
    }
    if (g->schools)
        for (int i = 0; i < g->nschools; i++)
            free(g->schools[i].serials);
    free(g->schools);
    free(g->prov);
    free(g->pup);
    free(g->pl);
    free(g->school_day);
    free(g->days);
    names_free(&g->nm);
}

static ap_status plan(struct gen *g)
{
    g->nschools = 10 + g->npup / 60;
    g->nprov = 8 + g->npup / 40;
    if (g->nprov < PL_COUNT - 1 + 3)
        g->nprov = PL_COUNT - 1 + 3; /* the planted ones and a PRU, a college and a second school */
    g->schools = calloc((size_t)g->nschools, sizeof *g->schools);
    g->prov = calloc((size_t)g->nprov, sizeof *g->prov);
    g->pup = calloc((size_t)g->npup, sizeof *g->pup);
    if (!g->schools || !g->prov || !g->pup)
        return ap_fail(AP_ERR_NOMEM, "planning the demo: out of memory");
    plan_schools(g);
    plan_providers(g);
    for (int i = 0; i < g->npup; i++)
        plan_pupil(g, i);
    for (int i = 0; i < g->npup; i++)
        ROWIO_TRY(plan_placements(g, i));
    /* A provider is checked before its first pupil starts. */
    for (int k = 0; k < g->npl; k++) {
        struct dprov *pv = &g->prov[g->pl[k].provider];
        if (pv->plant == PL_NEVER || g->pl[k].start - 7 >= pv->since)
            continue;
        int shift = pv->since - (g->pl[k].start - 7);
        pv->since -= shift;
        pv->initial -= shift;
        while (date_weekday(pv->initial) > 4)
            pv->initial--;
    }
    int reduced_seen = 0, other_seen = 0;
    for (int i = 0; i < g->npup; i++)
        plan_psp(g, i, &reduced_seen, &other_seen);
    return AP_OK;
}

ap_status demo_generate(struct store *s, const struct demo_options *o)
{
    if (!store_was_created(s))
        return ap_fail(AP_ERR_DENIED, "demo data goes only into a store just created for it, not into %s",
                       store_path(s));
    if (o->pupils < 1 || o->pupils > DEMO_MAX_PUPILS)
        return ap_fail(AP_ERR_INVALID, "pupils %d: expected 1 to %d", o->pupils, DEMO_MAX_PUPILS);
    if (o->weeks < 1 || o->weeks > DEMO_MAX_WEEKS)
        return ap_fail(AP_ERR_INVALID, "weeks %d: expected 1 to %d", o->weeks, DEMO_MAX_WEEKS);
    int64_t existing = 0;
    ap_status st = store_query_int(s, "SELECT (SELECT count(*) FROM pupil) + (SELECT count(*) FROM provider)", 0,
                                   &existing);
    if (st != AP_OK)
        return st;
    if (existing > 0)
        return ap_fail(AP_ERR_DENIED, "%s already holds pupils or providers: demo data goes only into a new store",
                       store_path(s));

    struct gen g;
    memset(&g, 0, sizeof g);
    g.s = s;
    g.db = store_db(s);
    g.login = store_login(s);
    g.england = strcmp(store_code_set(s), "england") == 0;
    g.today = date_today();
    g.seed = (uint64_t)o->seed;
    g.weeks = o->weeks;
    g.npup = o->pupils;
    g.co = "Mererid Howells";
    g.alp_lead = "Gareth Prosser";
    thresholds_default(&g.th);

    int64_t cache = 0;
    bool began = false, demo_mode = false, cache_set = false;
    if ((st = names_load(&g.nm)) != AP_OK || (st = load_calendar(&g)) != AP_OK ||
        (st = load_templates(&g)) != AP_OK || (st = plan(&g)) != AP_OK)
        goto done;
    for (int i = 0; i < S_COUNT; i++) {
        int rc = sqlite3_prepare_v3(g.db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &g.st[i], NULL);
        if (rc != SQLITE_OK) {
            st = store_fail(s, rc, "preparing the demo data");
            goto done;
        }
    }
    /* A bigger page cache for the bulk load; the connection's own size is put back. */
    if ((st = store_query_int(s, "PRAGMA cache_size", -2000, &cache)) != AP_OK)
        goto done;
    if (sqlite3_exec(g.db, "PRAGMA cache_size = -65536", NULL, NULL, NULL) == SQLITE_OK)
        cache_set = true;

    if ((st = store_demo_mode(s, false)) != AP_OK)
        goto done;
    demo_mode = true;
    if ((st = store_begin(s)) != AP_OK)
        goto done;
    began = true;
    if ((st = write_schools(&g)) != AP_OK || (st = write_providers(&g)) != AP_OK ||
        (st = write_pupils(&g)) != AP_OK || (st = write_placements(&g)) != AP_OK ||
        (st = write_other_cases(&g)) != AP_OK || (st = write_psps(&g)) != AP_OK || (st = write_visits(&g)) != AP_OK ||
        (st = write_marks(&g)) != AP_OK || (st = write_tracking(&g)) != AP_OK || (st = write_concerns(&g)) != AP_OK)
        goto done;
    st = store_commit(s);
    began = false;
done:
    if (began)
        store_rollback(s);
    if (demo_mode)
        store_demo_mode(s, true);
    if (cache_set) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
        sqlite3_exec(g.db, sql, NULL, NULL, NULL);
    }
    gen_free(&g);
    return st;
}
