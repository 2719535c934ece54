/* The provider's record form and the form of one of its contacts. Every
 * field of DOMAIN.md's provider; the checks are the data layer's
 * (provider_validate), with its field names mapped onto the shorter labels
 * a form has room for, so each error shows next to its field. */

#include "provider_form.h"

#include <stdio.h>
#include <string.h>

#include "form.h"
#include "labels.h"
#include "money.h"

/* ---- pick-lists from the label tables --------------------------------------- */

#define CHOICES_MAX 16

/* The data layer names fields by their full names; a form label has 22
 * columns. A message about one of these is put next to the field that
 * carries the shorter label. */
static const struct {
    const char *data, *form;
} label_map[] = {
    {"Designated Safeguarding Lead", "Safeguarding lead"},
    {"Safeguarding policy date", "Safeguarding policy"},
    {"Safeguarding training date", "Safeguarding training"},
    {"Safeguarding declaration date", "Declaration date"},
    {"Public liability cover", "Public liability"},
    {"Employer's liability cover", "Employer's liability"},
    {"Professional indemnity cover", "Professional indemnity"},
};

static ap_status relabel(ap_status st)
{
    if (st != AP_ERR_INVALID)
        return st;
    char detail[600];
    snprintf(detail, sizeof detail, "%s", ap_error_detail());
    for (size_t i = 0; i < sizeof label_map / sizeof label_map[0]; i++) {
        size_t n = strlen(label_map[i].data);
        if (strncmp(detail, label_map[i].data, n) == 0 && detail[n] == ':')
            return ap_fail(st, "%s%s", label_map[i].form, detail + n);
    }
    return st;
}

/* ---- the provider ------------------------------------------------------------------ */

/* The data layer's checks and writes, their messages relabelled. */
static ap_status provider_checked(const struct provider *p, int today)
{
    return relabel(provider_validate(p, today));
}

static ap_status provider_inserted(struct store *s, struct provider *p, int today)
{
    return relabel(provider_insert(s, p, today));
}

static ap_status provider_updated(struct store *s, struct provider *p, int today)
{
    return relabel(provider_update(s, p, today));
}

FORM_RECORD_OPS_DATED(provider_ops, struct provider, provider_checked, provider_inserted, provider_updated,
                      provider_get);

static void provider_title_name(const void *record, char *buf, size_t size)
{
    snprintf(buf, size, "%s", ((const struct provider *)record)->name);
}

bool provider_form_run(struct ui *ui, struct provider *p)
{
    static struct field_choice registration[CHOICES_MAX], basis[CHOICES_MAX], status[CHOICES_MAX];
    form_choices(registration, CHOICES_MAX, LABELS_REGISTRATION);
    form_choices(basis, CHOICES_MAX, LABELS_COST_BASIS);
    form_choices(status, CHOICES_MAX, LABELS_PROVIDER_STATUS);

    const struct thresholds *th = &ui_config(ui)->th;
    char pl[MONEY_LEN], el[MONEY_LEN], pi[MONEY_LEN];
    money_format_short(th->public_liability_min, pl, sizeof pl);
    money_format_short(th->employers_liability_min, el, sizeof el);
    money_format_short(th->professional_indemnity_min, pi, sizeof pi);
    char pl_help[120], el_help[120], pi_help[120], decl_help[120], dbs_help[120];
    snprintf(pl_help, sizeof pl_help, "Cover in pounds; at least %s is recommended", pl);
    snprintf(el_help, sizeof el_help, "Cover in pounds; at least %s is recommended", el);
    snprintf(pi_help, sizeof pi_help, "Cover in pounds; at least %s is recommended", pi);
    snprintf(decl_help, sizeof decl_help,
             "Date of the provider's safeguarding declaration; over %d years old is amber", th->declaration_years);
    snprintf(dbs_help, sizeof dbs_help, "Date of the enhanced DBS checks; over %d years old is amber",
             th->declaration_years);

    struct form_field fields[] = {
        {"Name", FIELD_TEXT, p->name, sizeof p->name, NULL, true, 0, 0, NULL},
        {"Organisation", FIELD_TEXT, p->organisation, sizeof p->organisation, NULL, false, 0, 0,
         "The over-arching organisation, if any"},
        {"Registered manager", FIELD_TEXT, p->registered_manager, sizeof p->registered_manager, NULL, false, 0, 0,
         NULL},
        {"Address", FIELD_LONGTEXT, p->address, sizeof p->address, NULL, false, 0, 0, NULL},
        {"Phone", FIELD_TEXT, p->phone, sizeof p->phone, NULL, false, 0, 0, NULL},
        {"Email", FIELD_TEXT, p->email, sizeof p->email, NULL, false, 0, 0, NULL},
        {"Registration", FIELD_CHOICE, p->registration, sizeof p->registration, registration, true, 0, 0,
         "An unregistered provider must not give full-time education to 5 pupils, or to 1 looked after or with a plan"},
        {"URN", FIELD_TEXT, p->urn, sizeof p->urn, NULL, false, 0, 0, "Unique reference number: 6 to 8 digits"},
        {"UKPRN", FIELD_TEXT, p->ukprn, sizeof p->ukprn, NULL, false, 0, 0, "UK provider reference number: 8 digits"},
        {"Age from", FIELD_INT, &p->age_from, 0, NULL, false, 0, 25, "Youngest age taken, 3 to 25; 0 if not known"},
        {"Age to", FIELD_INT, &p->age_to, 0, NULL, false, 0, 25, "Oldest age taken, 3 to 25; 0 if not known"},
        {"ALN areas covered", FIELD_TEXT, p->aln_areas, sizeof p->aln_areas, NULL, false, 0, 0,
         "Additional learning needs the provider can meet"},
        {"Purpose", FIELD_LONGTEXT, p->purpose, sizeof p->purpose, NULL, false, 0, 0,
         "What the provision is for: vocational, therapeutic, tuition..."},
        {"Cost basis", FIELD_CHOICE, p->cost_basis, sizeof p->cost_basis, basis, true, 0, 0, NULL},
        {"Cost", FIELD_MONEY, &p->cost_rate, 0, NULL, false, 0, 0, "In pounds, per session, day, week or year"},
        {"Safeguarding lead", FIELD_TEXT, p->dsl_name, sizeof p->dsl_name, NULL, false, 0, 0,
         "The Designated Safeguarding Lead (DSL)"},
        {"Safeguarding policy", FIELD_DATE, &p->safeguarding_policy_date, 0, NULL, false, 0, 0,
         "Date of the safeguarding policy (YYYY-MM-DD, today, -2m)"},
        {"Safeguarding training", FIELD_DATE, &p->safeguarding_training_date, 0, NULL, false, 0, 0,
         "Date of the staff's last safeguarding training"},
        {"Enhanced DBS checked", FIELD_DATE, &p->dbs_checked_date, 0, NULL, false, 0, 0, dbs_help},
        {"References checked", FIELD_BOOL, &p->references_checked, 0, NULL, false, 0, 0, NULL},
        {"Declaration date", FIELD_DATE, &p->declaration_date, 0, NULL, false, 0, 0, decl_help},
        {"Public liability", FIELD_MONEY, &p->public_liability, 0, NULL, false, 0, 0, pl_help},
        {"Employer's liability", FIELD_MONEY, &p->employers_liability, 0, NULL, false, 0, 0, el_help},
        {"Professional indemnity", FIELD_MONEY, &p->professional_indemnity, 0, NULL, false, 0, 0, pi_help},
        {"Motor cover", FIELD_BOOL, &p->motor_cover, 0, NULL, false, 0, 0, "Motor vehicle insurance held"},
        {"Subcontractor cover", FIELD_BOOL, &p->subcontractor_cover, 0, NULL, false, 0, 0,
         "Subcontractor liability cover held"},
        {"Insurance expiry", FIELD_DATE, &p->insurance_expiry, 0, NULL, false, 0, 0, NULL},
        {"Initial site visit", FIELD_DATE, &p->initial_visit_date, 0, NULL, false, 0, 0, NULL},
        {"Status", FIELD_CHOICE, p->status, sizeof p->status, status, true, 0, 0,
         "Suspended: no new placements (the usual alternative to deleting)"},
        {"Notes", FIELD_LONGTEXT, p->notes, sizeof p->notes, NULL, false, 0, 0, NULL},
    };
    struct form f = {
        .title = p->id ? "Provider: " : "New provider",
        .title_name = p->id ? provider_title_name : NULL,
        FORM_FIELDS(fields),
        .read_only = !store_can_write(ui_store(ui)),
        FORM_RECORD_OF(p, &provider_ops),
    };
    return form_run(ui, &f);
}

/* ---- a contact -------------------------------------------------------------------- */

FORM_RECORD_OPS(contact_ops, struct provider_contact, provider_contact_validate, provider_contact_insert,
                provider_contact_update, provider_contact_get);

static void contact_title_name(const void *record, char *buf, size_t size)
{
    snprintf(buf, size, "%s", ((const struct provider_contact *)record)->name);
}

bool provider_contact_form_run(struct ui *ui, struct provider_contact *c, const char *provider_name)
{
    struct form_field fields[] = {
        {"Name", FIELD_TEXT, c->name, sizeof c->name, NULL, true, 0, 0, NULL},
        {"Job role", FIELD_TEXT, c->job_role, sizeof c->job_role, NULL, false, 0, 0,
         "Manager, tutor, administrator..."},
        {"Phone", FIELD_TEXT, c->phone, sizeof c->phone, NULL, false, 0, 0, NULL},
        {"Email", FIELD_TEXT, c->email, sizeof c->email, NULL, false, 0, 0, NULL},
    };
    char title[300];
    if (c->id)
        snprintf(title, sizeof title, "Contact at %s: ", provider_name);
    else
        snprintf(title, sizeof title, "New contact at %s", provider_name);
    struct form f = {
        .title = title,
        .title_name = c->id ? contact_title_name : NULL,
        FORM_FIELDS(fields),
        .read_only = !store_can_write(ui_store(ui)),
        FORM_RECORD_OF(c, &contact_ops),
    };
    return form_run(ui, &f);
}
