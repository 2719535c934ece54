#ifndef APTERM_FORM_H
#define APTERM_FORM_H

/* Record forms built from field descriptors: labelled fields, Tab/Shift-Tab
 * (and ↑/↓) between them, the UTF-8 line editor in text fields, pick-lists for
 * enumerations, dates typed as YYYY-MM-DD, "today" or "+6w". Errors show next
 * to the field and nothing is saved until the form is valid; saving is the
 * owner's one-transaction save callback. If someone else changed the record
 * meanwhile the form says who and when and offers to reload or overwrite. */

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shell.h"
#include "status.h"

enum field_kind {
    FIELD_TEXT,      /* value: char[size] */
    FIELD_LONGTEXT,  /* value: char[size], several lines */
    FIELD_DATE,      /* value: int date (DATE_NONE when empty) */
    FIELD_CHOICE,    /* value: char[size] holding one of choices[].value */
    FIELD_BOOL,      /* value: bool */
    FIELD_INT,       /* value: int (min..max) */
    FIELD_MONEY,     /* value: int64_t pence */
    FIELD_HOURS,     /* value: double hours (min..max) */
    FIELD_INFO,      /* read-only: text from the form's info callback */
    FIELD_CUSTOM,    /* drawn and keyed by the owner (the form's custom_*
                        callbacks): a timetable grid, a pick-list with search */
};

struct field_choice {
    const char *value;  /* as stored */
    const char *label;  /* as shown */
};

struct form_field {
    const char *label;   /* as shown; also how validation messages name it ("UPN: ...") */
    enum field_kind kind;
    void *value;         /* where the value lives in the record; a FIELD_CUSTOM
                          * pick's int64_t id (0: none chosen), or NULL */
    size_t size;         /* bytes of a text or choice buffer */
    const struct field_choice *choices; /* FIELD_CHOICE: ends with {NULL, NULL} */
    bool required;
    double min, max;     /* FIELD_INT and FIELD_HOURS limits */
    const char *help;    /* shown under the form while the field has the focus */
};

/* A stored record type's functions from the data layer, for a form that
 * edits one record of it (struct form's record_ops): validate (NULL: none),
 * save (an insert when the record's id is 0, else an update; one
 * transaction, AP_ERR_CONFLICT when someone else changed it) and get (read
 * by id). Each takes the form's record; FORM_RECORD_OPS writes them. */
struct store;
struct form_record_ops {
    ap_status (*validate)(const void *rec, int today);
    ap_status (*save)(struct store *s, void *rec, int today);
    ap_status (*get)(struct store *s, int64_t id, void *rec);
};

struct form {
    const char *title;
    /* The record's name, written after the title from the record as it is
     * loaded (at the start and after "reload theirs", so that the title names
     * the record as it is stored now, never a rejected edit). NULL: the
     * title alone. */
    void (*title_name)(const void *record, char *buf, size_t size);
    struct form_field *fields;
    int nfields;
    void *ctx;           /* the owner's, passed to the callbacks */
    bool read_only;      /* viewers: every field shown, nothing editable */
    /* A record not saved yet: a required amount of 0 is not set, so it
     * starts empty (never "£0.00") and must be typed. */
    bool new_record;
    /* Whole-record checks: AP_ERR_INVALID with a detail starting with a
     * field's label ("UPN: ...") puts the error next to that field.
     * validate, save and reload may be NULL in a form with record_ops. */
    ap_status (*validate)(void *ctx);
    /* One transaction. AP_ERR_CONFLICT: someone else changed the record. */
    ap_status (*save)(void *ctx);
    /* After a conflict: read the record again, dropping the user's changes. */
    ap_status (*reload)(void *ctx);
    /* After a conflict: take the stored record's version so that a save
     * writes the user's values over the other change (still audited). */
    ap_status (*take_version)(void *ctx);
    /* Or, when take_version is NULL: the record the form edits (a plain
     * struct of record_size bytes, reload's) and its version in it; the
     * stored record is read by reload and only its version kept. */
    void *record;
    size_t record_size;
    int64_t *version;
    /* A stored record (FORM_RECORD_OF): its type's functions serve where
     * validate, save and reload are NULL; reload reads it again by *record_id
     * (none for a new record, id 0). The owner's ctx is left to info and the
     * custom_* callbacks. */
    const struct form_record_ops *record_ops;
    int64_t *record_id;
    /* A text field's own rule from the model (rowio_check_phone for a
     * phone), given the field's label and its text when not empty: checked
     * for every field on save, so that all bad fields are reported at once.
     * The detail starts with the label ("Phone: ..."). NULL: none. */
    ap_status (*check)(void *ctx, int field, const char *label, const char *text);
    /* FIELD_INFO text, recomputed whenever a field changes (e.g. year group). */
    void (*info)(void *ctx, int field, char *buf, size_t len);
    /* FIELD_CUSTOM fields. custom_lines: the lines the field takes (1 when
     * NULL). custom_draw: draws it in exactly cols columns at (y, x).
     * custom_key: every key but Tab, Shift-Tab, save and Esc while the field
     * has the focus (never in a read-only form); returns a lineedit_result:
     * LINEEDIT_UNHANDLED lets the form act on the key (Enter or Down moves
     * on), LINEEDIT_CHANGED marks the form changed. The owner changes the
     * record itself. */
    int (*custom_lines)(void *ctx, int field);
    void (*custom_draw)(void *ctx, int field, WINDOW *w, int y, int x, int cols, bool focused);
    int (*custom_key)(void *ctx, int field, int ret, wint_t ch);
    /* Drafts, so that nothing typed is lost (NULL: none kept). Called with
     * the text of a field the line editor edits (text, long text, date,
     * number) that the user has changed since the form opened or since its
     * last draft: when the focus leaves it, at the first key after
     * FORM_DRAFT_MS while typing goes on, and - before form_run returns -
     * for every such field when the form ends because the user quit or the
     * terminal went away (ui_quitting: SIGHUP, SIGTERM, a closed terminal).
     * text is the field's text as typed, valid during the call. A save or a
     * deliberate close is the owner's to act on (discard its drafts). */
    void (*draft)(void *ctx, int field, const char *text);
    /* The record already holds changes that are not saved (a restored
     * draft): the form starts as changed, so that closing it asks first. */
    bool start_changed;
    /* The field the focus starts on (a restored draft's); 0: the first
     * field that takes the focus. */
    int start_focus;
    /* Said when a key would change a read-only form; NULL: the viewer role's
     * sentence. */
    const char *read_only_reason;
    /* After the user changed field `field` (its value is in the record once
     * the text reads as one): the owner may change other fields' values in
     * the record (a file name that follows a date); true to show them -
     * every field but the one being edited is read again. NULL: none. */
    bool (*changed)(void *ctx, int field);
    /* A short form (an export's file and dates): Enter on the last field
     * saves, as ^S does, instead of going back to the first. */
    bool enter_saves;
};

/* In a struct form's initialiser: the fields, a local array, and how many
 * it holds (so that the count cannot disagree with the array). */
#define FORM_FIELDS(array) .fields = (array), .nfields = (int)(sizeof(array) / sizeof((array)[0]))
/* In a struct form's initialiser: the record the form edits, a pointer to a
 * plain struct with an int64_t version, for the conflict check when
 * take_version is NULL (its size and its version follow from it). */
#define FORM_RECORD(rec) .record = (rec), .record_size = sizeof *(rec), .version = &(rec)->version

/* In a struct form's initialiser: the stored record the form edits and its
 * type's table (FORM_RECORD_OPS): the record has an int64_t id and version. */
#define FORM_RECORD_OF(rec, ops) FORM_RECORD(rec), .record_ops = (ops), .record_id = &(rec)->id

/* Defines NAME, a struct form_record_ops for records of TYPE, from the data
 * layer's typed functions: VALIDATE(rec), INSERT(store, rec),
 * UPDATE(store, rec), GET(store, id, rec). FORM_RECORD_OPS_DATED: for a type
 * whose validate, insert and update take today as well. (C has no generic
 * functions: these give the typed ones the table's one signature.) */
#define FORM_RECORD_OPS(name, type, validate, insert, update, get)                                      \
    FORM_RECORD_OPS_(name, type, validate, insert, update, get, FORM_UNDATED_)
#define FORM_RECORD_OPS_DATED(name, type, validate, insert, update, get)                                \
    FORM_RECORD_OPS_(name, type, validate, insert, update, get, FORM_DATED_)
/* The last argument of FORM_RECORD_OPS_: FORM_DATED_(today) passes today on
 * to the data layer's functions, FORM_UNDATED_(today) nothing. */
#define FORM_UNDATED_(today)
#define FORM_DATED_(today) , today
#define FORM_RECORD_OPS_(name, type, validate, insert, update, get, dated)                              \
    static ap_status name##_validate_(const void *rec, int today)                                      \
    {                                                                                                   \
        (void)today;                                                                                    \
        return validate((const type *)rec dated(today));                                                \
    }                                                                                                   \
    static ap_status name##_save_(struct store *s, void *rec, int today)                               \
    {                                                                                                   \
        type *r = rec;                                                                                  \
        (void)today;                                                                                    \
        return r->id ? update(s, r dated(today)) : insert(s, r dated(today));                           \
    }                                                                                                   \
    static ap_status name##_get_(struct store *s, int64_t id, void *rec) { return get(s, id, rec); }   \
    static const struct form_record_ops name = {name##_validate_, name##_save_, name##_get_}

/* While typing goes on, a draft is kept at most this often (form.draft). */
#define FORM_DRAFT_MS 3000

/* Keys: Tab/Shift-Tab and Down/Up between fields (a long text field takes
 * Up/Down and PgUp/PgDn until its first or last line), PgDn/PgUp a screen
 * of fields at a time, ^S or F2 save, Esc close.
 *
 * Runs the form until it is saved (returns true) or closed (false). The
 * values in the record change only as the user edits (a one-line text, date
 * or number field's value as soon as what is typed reads as one, so that
 * info fields follow the typing); on a close without saving the owner should
 * reload the record it passed. */
bool form_run(struct ui *ui, struct form *f);

/* A labels table's codes and words as a field's choices in out (max
 * entries): at most max - 1 of them, then the {NULL, NULL} that ends them.
 * Returns how many. */
struct label;
size_t form_choices(struct field_choice *out, size_t max, const struct label *table);

#endif
