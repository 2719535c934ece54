/* The pupil form: every field DOMAIN.md lists for a pupil, built from field
 * descriptors (ui/form.h), with the year group computed from the date of
 * birth and the UPN's check letter checked as they are typed, and the home
 * school chosen from a pick-list with type-to-search. The save is one
 * transaction in db/pupil.c; a concurrent change is reported by the form. */

#include "pupil_views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "date.h"
#include "form.h"
#include "labels.h"
#include "lineedit.h"
#include "pupil.h"
#include "pupil_parts.h"
#include "roll.h"
#include "rules.h"
#include "school.h"
#include "upn.h"

/* The form's fields, in the order shown. */
enum pf {
    PF_FORENAME, PF_SURNAME, PF_PREFERRED, PF_DOB, PF_YEAR, PF_GENDER, PF_UPN, PF_UPN_CHECK,
    PF_ULN, PF_MIDDLE, PF_ETHNICITY, PF_SCHOOL, /* the census items beside the UPN */
    PF_ROLL, PF_COHORT, PF_FSM, PF_CLA, PF_PLAN, PF_ALN, PF_SW, PF_SW_PHONE, PF_START, PF_END, PF_DEST,
    PF_IDP, PF_PSP, PF_RA, PF_IHP, PF_PHP, PF_PEP, PF_CONTACTS, PF_CHANGED, PF_COUNT
};

struct pupil_form {
    struct ui *ui;
    struct pupil p;
    struct pick school;
    char contacts[300];
};

static void pf_info(void *ctx, int field, char *buf, size_t len)
{
    struct pupil_form *pf = ctx;
    const struct pupil *p = &pf->p;
    int today = ui_today(pf->ui);
    switch (field) {
    case PF_YEAR: {
        if (p->dob == DATE_NONE) {
            snprintf(buf, len, "follows from the date of birth");
            break;
        }
        int yg = rules_year_group(p->dob, today);
        int y, m, d;
        date_to_ymd(date_academic_year_start(today), &y, &m, &d);
        char name[32];
        rules_year_group_name(yg, name, sizeof name);
        double min = rules_min_weekly_hours(yg, &ui_config(pf->ui)->th);
        if (yg < -2 || yg > 14)
            snprintf(buf, len, "%s in %d/%02d: not of school age", name, y, (y + 1) % 100);
        else if (min > 0)
            snprintf(buf, len, "%s in %d/%02d (local minimum %g h a week)", name, y, (y + 1) % 100, min);
        else
            snprintf(buf, len, "%s in %d/%02d", name, y, (y + 1) % 100);
        break;
    }
    case PF_UPN_CHECK: {
        char why[160];
        if (!p->upn[0])
            snprintf(buf, len, "13 characters: the check letter, then 12 digits (or 11 and a letter)");
        else if (upn_valid(p->upn, why, sizeof why))
            snprintf(buf, len, "✓ a valid UPN: the check letter is right");
        else
            snprintf(buf, len, "! %s", why);
        break;
    }
    case PF_CONTACTS:
        snprintf(buf, len, "%s", pf->contacts);
        break;
    case PF_CHANGED:
        if (p->id)
            snprintf(buf, len, "%s UTC by %s", p->updated_at, p->updated_by[0] ? p->updated_by : "?");
        else
            snprintf(buf, len, "a new record");
        break;
    default:
        buf[0] = '\0';
    }
}

FORM_RECORD_OPS_DATED(pupil_ops, struct pupil, pupil_validate, pupil_insert, pupil_update, pupil_get);

static int pf_lines(void *ctx, int field)
{
    (void)ctx;
    (void)field;
    return 1;
}

static void pf_draw(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused)
{
    struct pupil_form *pf = ctx;
    if (field == PF_SCHOOL)
        pick_draw(&pf->school, w, y, x, cols, focused);
}

static int pf_key(void *ctx, int field, int ret, wint_t ch)
{
    struct pupil_form *pf = ctx;
    return field == PF_SCHOOL ? pick_key(&pf->school, ret, ch) : LINEEDIT_UNHANDLED;
}

static void load_contacts_line(struct pupil_form *pf)
{
    if (!pf->p.id) {
        snprintf(pf->contacts, sizeof pf->contacts, "none yet: add them with t on the roll once the pupil is saved");
        return;
    }
    struct contact *c = NULL;
    size_t n = 0;
    if (contact_list(ui_store(pf->ui), pf->p.id, &c, &n) != AP_OK) {
        snprintf(pf->contacts, sizeof pf->contacts, "could not be read: %s", ap_error_detail());
        return;
    }
    size_t used = (size_t)snprintf(pf->contacts, sizeof pf->contacts, n ? "" : "none (t on the roll adds them)");
    for (size_t i = 0; i < n && used < sizeof pf->contacts; i++)
        used += (size_t)snprintf(pf->contacts + used, sizeof pf->contacts - used, "%s%s%s%s%s", i ? "; " : "",
                                 c[i].name, c[i].relationship[0] ? " (" : "", c[i].relationship,
                                 c[i].relationship[0] ? ")" : "");
    free(c);
}

static void pupil_title_name(const void *record, char *buf, size_t size)
{
    const struct pupil *p = record;
    roll_display_name(buf, size, p->preferred_name, p->legal_forename, p->legal_surname);
}

bool pupil_form_run(struct ui *ui, int64_t *pupil_id, bool read_only)
{
    struct pupil_form *pf = calloc(1, sizeof *pf);
    if (!pf) {
        ui_error(ui, "Out of memory opening the form");
        return false;
    }
    pf->ui = ui;
    struct pupil *p = &pf->p;
    if (*pupil_id) {
        if (pupil_get(ui_store(ui), *pupil_id, p) != AP_OK) {
            ui_error(ui, "The pupil could not be read: %s", ap_error_detail());
            free(pf);
            return false;
        }
    } else {
        p->dob = p->start_date = p->end_date = DATE_NONE;
        snprintf(p->roll_status, sizeof p->roll_status, "%s", LABELS_ROLL_STATUS[0].code);
        snprintf(p->cohort, sizeof p->cohort, "%s", LABELS_COHORT[0].code);
        snprintf(p->plan, sizeof p->plan, "none");
    }
    load_contacts_line(pf);

    /* The home schools, by name, "None" first. */
    pick_init(&pf->school, &p->home_school_id);
    pick_add(&pf->school, 0, "None recorded");
    struct school_item *schools = NULL;
    size_t nschools = 0;
    if (school_list(ui_store(ui), &schools, &nschools) == AP_OK)
        for (size_t i = 0; i < nschools; i++)
            pick_add(&pf->school, schools[i].id, schools[i].name);
    free(schools);

    struct field_choice *genders = pv_choices_of(LABELS_GENDER), *rolls = pv_choices_of(LABELS_ROLL_STATUS),
                        *cohorts = pv_choices_of(LABELS_COHORT), *plans = pv_choices_of(LABELS_PLAN),
                        *ethnicities = pv_choices_of(LABELS_ETHNICITY);
    bool saved = false;
    if (!genders || !rolls || !cohorts || !plans || !ethnicities) {
        ui_error(ui, "Out of memory opening the form");
        goto done;
    }

    struct form_field fields[PF_COUNT] = {
        [PF_FORENAME] = {.label = "Legal forename", .kind = FIELD_TEXT, .value = p->legal_forename,
                         .size = sizeof p->legal_forename, .required = true},
        [PF_MIDDLE] = {.label = "Middle names", .kind = FIELD_TEXT, .value = p->middle_names,
                       .size = sizeof p->middle_names,
                       .help = "All of them, space separated, as on the birth certificate (AP census)"},
        [PF_SURNAME] = {.label = "Legal surname", .kind = FIELD_TEXT, .value = p->legal_surname,
                        .size = sizeof p->legal_surname, .required = true},
        [PF_PREFERRED] = {.label = "Preferred name", .kind = FIELD_TEXT, .value = p->preferred_name,
                          .size = sizeof p->preferred_name,
                          .help = "The forename the pupil goes by, if not the legal one"},
        [PF_DOB] = {.label = "Date of birth", .kind = FIELD_DATE, .value = &p->dob, .required = true,
                    .help = "YYYY-MM-DD; the year group follows from it"},
        [PF_YEAR] = {.label = "Year group", .kind = FIELD_INFO},
        [PF_GENDER] = {.label = "Gender", .kind = FIELD_CHOICE, .value = p->gender, .size = sizeof p->gender,
                       .choices = genders},
        [PF_ETHNICITY] = {.label = "Ethnicity", .kind = FIELD_CHOICE, .value = p->ethnicity,
                          .size = sizeof p->ethnicity, .choices = ethnicities,
                          .help = "The DfE ethnicity code (AP census); Refused or Not yet obtained when so"},
        [PF_UPN] = {.label = "UPN", .kind = FIELD_TEXT, .value = p->upn, .size = sizeof p->upn, .required = true,
                    .help = "Unique pupil number: 13 characters, the first a check letter"},
        [PF_UPN_CHECK] = {.label = "UPN check", .kind = FIELD_INFO},
        [PF_ULN] = {.label = "ULN", .kind = FIELD_TEXT, .value = p->uln, .size = sizeof p->uln,
                    .help = "Unique learner number: 10 digits, given from age 14 (AP census); empty when none yet"},
        [PF_SCHOOL] = {.label = "Home school", .kind = FIELD_CUSTOM,
                       .help = "←/→ choose; type part of a name to find it"},
        [PF_ROLL] = {.label = "Roll status", .kind = FIELD_CHOICE, .value = p->roll_status,
                     .size = sizeof p->roll_status, .choices = rolls, .required = true},
        [PF_COHORT] = {.label = "Cohort", .kind = FIELD_CHOICE, .value = p->cohort, .size = sizeof p->cohort,
                       .choices = cohorts, .required = true},
        [PF_FSM] = {.label = "Free school meals", .kind = FIELD_BOOL, .value = &p->fsm, .help = "FSM"},
        [PF_CLA] = {.label = "Looked after (CLA)", .kind = FIELD_BOOL, .value = &p->cla,
                    .help = "A child looked after by a local authority"},
        [PF_PLAN] = {.label = "Plan", .kind = FIELD_CHOICE, .value = p->plan, .size = sizeof p->plan,
                     .choices = plans, .help = "IDP (school- or LA-maintained) or EHCP"},
        [PF_ALN] = {.label = "ALN areas of need", .kind = FIELD_TEXT, .value = p->aln_areas,
                    .size = sizeof p->aln_areas, .help = "Additional learning needs, e.g. SEMH, SpLD, ASD"},
        [PF_SW] = {.label = "Social worker", .kind = FIELD_TEXT, .value = p->social_worker,
                   .size = sizeof p->social_worker},
        [PF_SW_PHONE] = {.label = "Social worker phone", .kind = FIELD_TEXT, .value = p->social_worker_phone,
                         .size = sizeof p->social_worker_phone},
        [PF_START] = {.label = "Start date", .kind = FIELD_DATE, .value = &p->start_date,
                      .help = "When the pupil joined the roll: YYYY-MM-DD, today, -3w"},
        [PF_END] = {.label = "End date", .kind = FIELD_DATE, .value = &p->end_date,
                    .help = "When the pupil left (or leaves) the roll; empty while on roll"},
        [PF_DEST] = {.label = "Destination", .kind = FIELD_TEXT, .value = p->destination,
                     .size = sizeof p->destination, .help = "Where the pupil went after the provision"},
        [PF_IDP] = {.label = "IDP held", .kind = FIELD_BOOL, .value = &p->has_idp,
                    .help = "Documents held: individual development plan"},
        [PF_PSP] = {.label = "PSP held", .kind = FIELD_BOOL, .value = &p->has_psp,
                    .help = "Documents held: pastoral support programme"},
        [PF_RA] = {.label = "RA held", .kind = FIELD_BOOL, .value = &p->has_ra,
                   .help = "Documents held: risk assessment"},
        [PF_IHP] = {.label = "IHP held", .kind = FIELD_BOOL, .value = &p->has_ihp,
                    .help = "Documents held: individual healthcare plan"},
        [PF_PHP] = {.label = "PHP held", .kind = FIELD_BOOL, .value = &p->has_php,
                    .help = "Documents held: positive handling plan"},
        [PF_PEP] = {.label = "PEP held", .kind = FIELD_BOOL, .value = &p->has_pep,
                    .help = "Documents held: personal education plan (looked after)"},
        [PF_CONTACTS] = {.label = "Contacts", .kind = FIELD_INFO},
        [PF_CHANGED] = {.label = "Last changed", .kind = FIELD_INFO},
    };
    struct form f = {
        .title = !p->id ? "New pupil" : read_only ? "Pupil: " : "Edit pupil: ",
        .title_name = p->id ? pupil_title_name : NULL,
        FORM_FIELDS(fields),
        .ctx = pf,
        .read_only = read_only,
        FORM_RECORD_OF(p, &pupil_ops),
        .info = pf_info,
        .custom_lines = pf_lines,
        .custom_draw = pf_draw,
        .custom_key = pf_key,
    };
    bool is_new = !p->id;
    saved = form_run(ui, &f);
    if (saved) {
        *pupil_id = p->id;
        char name[260];
        pupil_title_name(p, name, sizeof name);
        ui_store_changed(ui);
        ui_message(ui, is_new ? "Added %s to the roll" : "Saved %s", name);
    }
done:
    free(genders);
    free(rolls);
    free(cohorts);
    free(plans);
    free(ethnicities);
    pick_free(&pf->school);
    free(pf);
    return saved;
}

bool pupil_delete_run(struct ui *ui, int64_t pupil_id)
{
    struct pupil p;
    if (pupil_get(ui_store(ui), pupil_id, &p) != AP_OK) {
        ui_error(ui, "The pupil could not be read: %s", ap_error_detail());
        return false;
    }
    char name[260], question[400];
    roll_display_name(name, sizeof name, p.preferred_name, p.legal_forename, p.legal_surname);
    snprintf(question, sizeof question, "Delete %s and their contacts for good?", name);
    if (!ui_confirm(ui, question))
        return false;
    if (pupil_delete(ui_store(ui), p.id, p.version) != AP_OK) {
        ui_error(ui, "Not deleted: %s", ap_error_detail());
        return false;
    }
    ui_store_changed(ui);
    ui_message(ui, "Deleted %s", name);
    return true;
}
