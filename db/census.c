#include "census.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "labels.h"
#include "rowio.h"

const char *const CENSUS_HEADER[CENSUS_COLUMNS] = {
    "upn", "uln", "surname", "forename", "middle_names", "preferred_surname", "dob", "sex", "ethnicity",
    "urn", "ukprn", "setting_type", "reason", "start_date", "end_date", "sessions_per_week", "provider", "unknown",
};

ap_status census_rows(struct store *s, int date, census_row_fn fn, void *ctx, long *rows, long *pupils,
                      long *incomplete)
{
    *rows = *pupils = *incomplete = 0;
    if (strcmp(store_code_set(s), "england") != 0)
        return ap_fail(AP_ERR_INVALID, "this store is a Welsh one (region wales): Wales has no alternative provision "
                                       "census, so there is nothing to export");
    char d[11];
    date_format(date, d);
    sqlite3_stmt *st = NULL;
    ap_status r = rowio_prepare(
        s,
        "SELECT p.id, p.upn, p.legal_surname, p.legal_forename, p.dob, p.gender, pr.urn, pr.ukprn, pr.registration, "
        "pl.start_date, coalesce(pl.end_date, ''), "
        "(SELECT count(*) FROM placement_session ps WHERE ps.placement_id = pl.id), pr.name, "
        "p.uln, p.middle_names, p.ethnicity, pl.setting_type, "
        /* The placement's own reason; else, for a placement made from an
         * Inclusion Panel case about a permanent exclusion, PEX (permanent
         * exclusion wins over any other reason, as the census guide says). */
        "CASE WHEN pl.census_reason <> '' THEN pl.census_reason "
        "WHEN (SELECT reason FROM panel_case pc WHERE pc.id = pl.panel_case_id) = 'pex' THEN 'PEX' ELSE '' END, "
        "p.dob > date(?1, '-14 years') "
        "FROM placement pl JOIN pupil p ON p.id = pl.pupil_id JOIN provider pr ON pr.id = pl.provider_id "
        "WHERE pl.status <> 'proposed' AND pl.start_date <= ?1 AND (pl.end_date IS NULL OR pl.end_date >= ?1) "
        "ORDER BY p.legal_surname COLLATE NOCASE, p.legal_forename COLLATE NOCASE, p.upn, pl.start_date, pl.id",
        &st, "reading the placements for the census");
    if (r != AP_OK)
        return r;
    int rc = rowio_bind_text(st, 1, d);
    long long last = 0;
    while (r == AP_OK && rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        char upn[14], surname[101], forename[101], dob[11], gender[8], urn[16], ukprn[16], reg[24], start[11],
            end[11], sessions[8], provider[121], uln[16], middle[101], ethnicity[5], set_type[4], reason[4],
            unknown[160] = "";
        int n_sessions = 0;
        rowio_read(st, 1, "ttttttttttitttttt", ROWIO_BUF(upn), ROWIO_BUF(surname), ROWIO_BUF(forename), ROWIO_BUF(dob),
                   ROWIO_BUF(gender), ROWIO_BUF(urn), ROWIO_BUF(ukprn), ROWIO_BUF(reg), ROWIO_BUF(start),
                   ROWIO_BUF(end), &n_sessions, ROWIO_BUF(provider), ROWIO_BUF(uln), ROWIO_BUF(middle),
                   ROWIO_BUF(ethnicity), ROWIO_BUF(set_type), ROWIO_BUF(reason));
        snprintf(sessions, sizeof sessions, "%d", n_sessions);
        /* Only a code of the list in force ([census] reasons can change it):
         * another is not written, and the row says the reason is unknown. */
        if (reason[0] && !label_known(LABELS_CENSUS_REASON, reason))
            reason[0] = '\0';
        bool under_14 = sqlite3_column_int(st, 18) != 0;
        const char *sex = !strcmp(gender, "female") ? "F" : !strcmp(gender, "male") ? "M" : "U";
        /* A URN wins, then a UKPRN (the other items then blank); without
         * either, the setting type the officer recorded on the placement,
         * else what the provider's registration tells: non-maintained FE,
         * or another unregistered provider. One-to-one tuition and
         * work-based placements are known only from the placement. */
        const char *setting = "";
        if (urn[0])
            ukprn[0] = '\0';
        else if (!ukprn[0])
            setting = set_type[0]                                ? set_type
                      : !strcmp(reg, "further_education") ? "NFE"
                      : !strcmp(reg, "unregistered")      ? "OTH"
                                                          : "";
        size_t n = 0;
#define UNKNOWN(item) n += (size_t)snprintf(unknown + n, sizeof unknown - n, "%s%s", n ? "; " : "", item)
        /* A ULN is given from 14: one missing for a younger pupil is no gap. */
        if (!uln[0] && !under_14)
            UNKNOWN("uln");
        if (!ethnicity[0])
            UNKNOWN("ethnicity");
        if (!urn[0] && !ukprn[0] && !setting[0])
            UNKNOWN("setting_type");
        if (!reason[0])
            UNKNOWN("reason");
        if (!strcmp(sex, "U"))
            UNKNOWN("sex");
#undef UNKNOWN
        const char *values[CENSUS_COLUMNS] = {upn, uln, surname, forename, middle, "", dob, sex, ethnicity, urn,
                                              ukprn, setting, reason, start, end, sessions, provider, unknown};
        r = fn(ctx, values);
        ++*rows;
        if (unknown[0])
            ++*incomplete;
        long long id = sqlite3_column_int64(st, 0);
        if (id != last)
            ++*pupils;
        last = id;
        rc = SQLITE_OK;
    }
    if (r == AP_OK && rc != SQLITE_DONE)
        r = store_fail(s, rc, "reading the placements for the census");
    sqlite3_finalize(st);
    return r;
}
