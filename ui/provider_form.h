#ifndef APTERM_PROVIDER_FORM_H
#define APTERM_PROVIDER_FORM_H

/* The provider's record form and its contacts' form, built from field
 * descriptors (form.h). Both open read only for a viewer. */

#include <stdbool.h>

#include "provider.h"
#include "shell.h"

/* Edits *p (p->id 0: a new provider) until it is saved, in one transaction,
 * (true: *p is the record as saved, with its id and version) or closed
 * (false: *p may hold unsaved edits; read it again if it is kept). */
bool provider_form_run(struct ui *ui, struct provider *p);

/* The same for one of a provider's contacts (c->id 0: a new one, with
 * c->provider_id set). provider_name is for the title. */
bool provider_contact_form_run(struct ui *ui, struct provider_contact *c, const char *provider_name);

#endif
