#include "school.h"

#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "rowio.h"

#define SCHOOL_COLUMNS "name, urn, phase, phone, email"
#define SCHOOL_COLUMN_COUNT 5

void school_init(struct school *sc)
{
    memset(sc, 0, sizeof *sc);
    strcpy(sc->phase, "secondary");
}

ap_status school_validate(const struct school *sc)
{
    ap_status st;
    if ((st = rowio_check_text("Name", sc->name, sizeof sc->name, true, false)) != AP_OK ||
        (st = rowio_check_text("URN", sc->urn, sizeof sc->urn, false, false)) != AP_OK ||
        (st = rowio_check_choice("Phase", sc->phase, LABELS_SCHOOL_PHASE)) != AP_OK ||
        (st = rowio_check_phone_field("Phone", ROWIO_BUF(sc->phone))) != AP_OK ||
        (st = rowio_check_email_field("Email", ROWIO_BUF(sc->email))) != AP_OK)
        return st;
    size_t n = strlen(sc->urn);
    if (n && (n < 6 || n > 8 || strspn(sc->urn, "0123456789") != n))
        return ap_fail(AP_ERR_INVALID, "URN: \"%s\" is not a URN or school number (6 to 8 digits)", sc->urn);
    return AP_OK;
}

static int bind_school_row(sqlite3_stmt *st, const void *record)
{
    const struct school *sc = record;
    return rowio_bind(st, 1, "ttttt", sc->name, sc->urn, sc->phase, sc->phone, sc->email);
}

/* One INSERT (id 0) or versioned UPDATE in its own transaction. */
static ap_status write_school(struct store *s, struct school *sc, bool insert)
{
    return rowio_save(s, school_validate(sc), "school", SCHOOL_COLUMNS, SCHOOL_COLUMN_COUNT, bind_school_row, sc,
                      insert, &sc->id, &sc->version, insert ? "adding the school" : "saving the school");
}

ap_status school_insert(struct store *s, struct school *sc)
{
    return write_school(s, sc, true);
}

ap_status school_update(struct store *s, struct school *sc)
{
    return write_school(s, sc, false);
}

static void read_school(sqlite3_stmt *st, void *row)
{
    struct school *sc = row;
    *sc = (struct school){0};
    rowio_read(st, 0, "tttttIItt", ROWIO_BUF(sc->name), ROWIO_BUF(sc->urn), ROWIO_BUF(sc->phase), ROWIO_BUF(sc->phone),
               ROWIO_BUF(sc->email), &sc->id, &sc->version, ROWIO_BUF(sc->updated_at), ROWIO_BUF(sc->updated_by));
}

ap_status school_get(struct store *s, int64_t id, struct school *sc)
{
    return rowio_get(s, "SELECT " SCHOOL_COLUMNS ", id, version, updated_at, updated_by FROM school WHERE id = ?1", id,
                     read_school, sc, "reading the school", "school", false);
}

static void read_school_item(sqlite3_stmt *st, void *row)
{
    struct school_item *item = row;
    item->id = sqlite3_column_int64(st, 0);
    rowio_text(st, 1, item->name, sizeof item->name);
}

ap_status school_list(struct store *s, struct school_item **out, size_t *n)
{
    return rowio_list(s, "SELECT id, name FROM school ORDER BY name COLLATE NOCASE, id", 0, sizeof **out,
                      read_school_item, out, n, "listing the schools");
}
