#ifndef APTERM_MARKS_H
#define APTERM_MARKS_H

/* Attendance marks, the codes that may be entered, the pupils expected at
 * each session, register close, and first-day absence calls.
 *
 * A mark is pupil x school day x session. Writing one names the version the
 * writer last saw (0: "I saw no mark"), so two officers marking the same
 * pupil never overwrite each other silently: the second gets AP_ERR_CONFLICT
 * naming who set the mark and when. When an officer changes a mark a
 * provider reported (by phone, email or portal), the provider's code is kept
 * in reported_code beside the final one. Every change is audited by the
 * store's triggers. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rules.h"
#include "status.h"
#include "store.h"

enum session { SESSION_AM = 0, SESSION_PM = 1 };
const char *session_name(enum session s); /* "am", "pm" */
bool session_parse(const char *text, enum session *out);

/* ---- Codes ---- */

struct code_info {
    char code[2];
    char meaning[160];
    enum code_category category;
    int valid_from, valid_to; /* DATE_NONE when open */
    char roles[48];
};

struct code_set {
    struct code_info *codes;
    size_t n;
};

/* The store's code set (meta code_set), retired codes included. */
ap_status codes_load(struct store *s, struct code_set *out);
void codes_free(struct code_set *set);
const struct code_info *codes_find(const struct code_set *set, char code);
/* May this role enter this code for a mark dated date? The date is the
 * mark's own: a code is enterable for the days from valid_from to valid_to.
 * When not, why (the caller's buffer, always terminated) says so, naming the
 * code and the date ("H was retired on 2024-08-31: it can be read on old
 * marks but not entered"); "" when it may. Viewers may enter none. */
bool codes_enterable(const struct code_info *c, int date, enum role role, char *why, size_t len);

/* ---- Marks ---- */

enum mark_source { SOURCE_PHONE, SOURCE_EMAIL, SOURCE_PORTAL, SOURCE_CALL, SOURCE_OFFICER, SOURCE_IMPORT };
const char *mark_source_name(enum mark_source s);
bool mark_source_parse(const char *text, enum mark_source *out);

struct mark {
    int64_t pupil_id;
    int day;
    enum session session;
    char code[2];
    char reported_code[2];  /* "" unless a provider's report was changed */
    int64_t provider_id;    /* 0 when not known */
    enum mark_source source;
    char note[256];
    int64_t version;        /* 0: no mark */
    char updated_at[20];    /* UTC "YYYY-MM-DD HH:MM:SS" */
    char updated_by[65];    /* login */
};

/* What to write. */
struct mark_input {
    int64_t pupil_id;
    int day;
    enum session session;
    char code;
    int64_t provider_id;    /* 0: the provider of the pupil's placement that session, if any */
    enum mark_source source;
    const char *note;       /* NULL: keep the mark's note (or none) */
};

/* Sets one mark in its own BEGIN IMMEDIATE transaction (the current mark is
 * read and written inside it). expected_version is the version the user saw
 * (0 when the cell was empty). On success *out (may be NULL) holds the mark
 * as stored, updated_at (UTC) and updated_by set.
 * Refused with AP_ERR_INVALID: not a school day (saying why: weekend,
 * closure day, outside the terms), a code not in the store's set, retired
 * or not yet valid on that date, or not for the login's role (naming the
 * code), a note over 255 bytes or not UTF-8; AP_ERR_NOT_FOUND: no such
 * pupil or provider; AP_ERR_CONFLICT: the mark is not the version seen -
 * set, changed or cleared meanwhile - naming who and when and the code it
 * holds now (cleared meanwhile is a conflict too, not "not found").
 * '/' entered for a PM session or '\' for an AM one is stored as the
 * session's own present code (the Welsh register's AM and PM marks).
 * Source phone/email/portal is the provider's report: reported_code is
 * cleared. When any other source (officer, call, import) changes the code of
 * a mark a provider reported, the provider's code is kept in reported_code,
 * and a reported_code once set is kept through every later change. */
ap_status marks_set(struct store *s, const struct mark_input *in, int64_t expected_version, struct mark *out);

/* The same inside the caller's transaction (store_begin), with the codes the
 * caller loaded (codes_load); the caller commits or rolls back. */
ap_status marks_set_in_tx(struct store *s, const struct code_set *codes, const struct mark_input *in,
                          int64_t expected_version, struct mark *out);

/* Removes a mark (Backspace), if it is still the version seen, in its own
 * transaction. expected_version 0 with no mark: nothing to do (AP_OK); any
 * other difference is AP_ERR_CONFLICT naming who and when. */
ap_status marks_clear(struct store *s, int64_t pupil_id, int day, enum session session, int64_t expected_version);

/* The mark, or version 0 when there is none. */
ap_status marks_get(struct store *s, int64_t pupil_id, int day, enum session session, struct mark *out);

/* For the command line, which opened nothing: after a write was refused
 * because a mark is already there (AP_ERR_CONFLICT without --replace), sets
 * the detail to "2026-03-02 AM is already recorded as B by root at
 * 2026-03-02 09:28; give --replace to replace it" (who and when by the same
 * rule as the screens' conflict) and returns AP_ERR_CONFLICT; another
 * status when the store cannot be read. */
ap_status marks_refuse_existing(struct store *s, int64_t pupil_id, int day, enum session session);

/* Calls fn for every mark of the pupils in [from, to] (all pupils when
 * pupil_id is 0), ordered by pupil, day, session. The mark passed to fn lives
 * only during the call; fn must not write to the store. */
typedef void (*mark_fn)(void *ctx, const struct mark *m);
ap_status marks_range(struct store *s, int64_t pupil_id, int from, int to, mark_fn fn, void *ctx);
/* The cells of every pupil's marks in [from, to], for a grid: fn is given
 * the pupil, day, session, code, reported code, provider and version, in no
 * order; not the rest (source officer, note and stamps empty: marks_get
 * reads them). */
ap_status marks_cells(struct store *s, int from, int to, mark_fn fn, void *ctx);

/* ---- Expected sessions ---- */

struct expected {
    int64_t pupil_id;
    int64_t provider_id;
    enum session session;
    double hours;
    int day;              /* the date expected on */
};

/* The sessions the pupils are expected at on a date, from the timetables
 * (placement_session) of their placements running that day: status active
 * or ended (not proposed), start_date <= date and no end_date or end_date >=
 * date - so an ended placement counts for the days it ran, and a past week's
 * register is right. None on a day that is not a school day. One entry per
 * pupil and session (the latest-starting placement when two overlap),
 * ordered by pupil id, then AM before PM. *out is a malloc'd array of *n
 * (NULL when none) that the caller frees with free(). */
ap_status marks_expected(struct store *s, int date, struct expected **out, size_t *n);
/* The same for the five days from monday, in one read (the grid's week),
 * without the hours (0), given to fn one by one as they are read, not
 * kept: ordered by pupil id, then day, then AM before PM; each entry's day
 * says which. fn returns
 * false to stop (out of memory: AP_ERR_NOMEM). cal is the store's calendar
 * (calendar_load). */
struct calendar;
typedef bool (*expected_fn)(void *ctx, const struct expected *e);
ap_status marks_expected_week(struct store *s, const struct calendar *cal, int monday, expected_fn fn, void *ctx);

/* ---- Register close ---- */

/* Every expected pupil without a mark for the session gets N (source
 * officer, note "register closed", the placement's provider), in one
 * transaction; marks already there are never touched, so closing twice
 * marks nobody the second time. Refused (AP_ERR_INVALID) on a day that is
 * not a school day. *marked (may be NULL) says how many got N. The
 * closure is recorded (register_close, how 'manual') unless the register
 * was closed before, so it does not close again at its close time. */
ap_status marks_close_register(struct store *s, int date, enum session session, int *marked);

/* The rule of the store: a register closes by itself once its close time
 * has passed. For date, at now_secs (seconds after local midnight), with
 * close_am_min / close_pm_min (minutes after midnight, apterm.ini
 * [attendance]): each session whose close time is at or before now and
 * that is not closed yet (register_close: by this rule or by
 * marks_close_register) is closed as marks_close_register does, and the
 * closure recorded (how 'automatic', the login, how many got N), all in one
 * BEGIN IMMEDIATE transaction - so of two processes at once the first
 * closes it and the second finds it closed: exactly once per session per
 * day. Nothing on a day that is not a school day, before the close time,
 * or for a login that cannot write (AP_OK, *n 0). out[0..*n) are the
 * sessions this call closed, AM first. The caller supplies the clock
 * (src/register.h register_close_due uses today and now). */
struct register_closed {
    enum session session;
    int marked; /* how many expected pupils without a mark got N */
};
ap_status marks_close_due(struct store *s, int date, int now_secs, int close_am_min, int close_pm_min,
                          struct register_closed out[2], int *n);

/* Whether the register of date/session has been closed (either way). */
ap_status marks_register_closed(struct store *s, int date, enum session session, bool *closed);

/* ---- First-day absence calls ---- */

struct call_contact {
    int64_t id;
    char name[101];
    char relationship[64];
    char phone[32], phone2[32];
};

struct call_entry {
    int64_t pupil_id;
    char pupil_name[210];
    char provider_name[160];
    char am_code[2], pm_code[2];
    int64_t am_version, pm_version;
    bool escalate;          /* looked after, or a safeguarding concern on file */
    char escalate_why[80];
    struct call_contact contacts[4];
    int ncontacts;
    int attempts;           /* calls logged today */
    bool resolved;          /* a call today reached someone, or gave a code */
    char last_call_at[20];  /* local time of the last attempt, "" if none */
    char last_outcome[200];
};

/* Every pupil with N or an unauthorised code on the date, in name order
 * (surname, forename), with up to 4 contacts in priority order and the calls
 * logged for that date. escalate: the pupil is looked after (CLA), or has a
 * safeguarding concern on file (for a viewer, who may not read a concern's
 * kind, any concern counts). provider_name: the provider of the AM mark, else
 * the PM mark, else of the placement the pupil is expected at that day.
 * *out is a malloc'd array of *n (NULL when none); the caller frees it. */
ap_status calls_list(struct store *s, int date, struct call_entry **out, size_t *n);

struct call_input {
    int64_t pupil_id;
    int day;
    int64_t contact_id;     /* 0 when not one of the contacts */
    const char *person;     /* who was reached (or tried) */
    bool reached;
    const char *outcome;    /* what was said */
    char code;              /* 0, or the code the reason gives: replaces N in the same transaction */
    enum session session;   /* the session whose N the code replaces */
    bool both_sessions;     /* replace N in AM and PM */
};

/* One logged call, for a pupil's call history. */
struct call_record {
    int64_t id;
    int day;                /* the absence's date */
    char called_at[20];     /* local time "YYYY-MM-DD HH:MM:SS" */
    char called_by[65];
    int64_t contact_id;     /* 0 when not one of the contacts */
    char person[204];       /* who was reached (or tried) */
    bool reached;
    char outcome[400];      /* cut at a character boundary to fit */
    char resulting_code[2]; /* "" when the call gave no code */
};

/* The pupil's calls, newest first (by absence date, then time), at most
 * limit of them (0: all). *out is a malloc'd array of *n (NULL when none)
 * that the caller frees with free(). */
ap_status calls_history(struct store *s, int64_t pupil_id, size_t limit, struct call_record **out, size_t *n);

/* Logs one call (called_by the login, called_at now) in one transaction.
 * contact_id, when not 0, must be one of the pupil's contacts; an empty
 * person then defaults to that contact's name. When code is given, in the
 * same transaction: a session marked N gets the code (source call, the
 * outcome as the note when it fits in 255 bytes); a session with no mark yet
 * gets it too (but with both_sessions, only a session the pupil is
 * expected at); a session holding any other code refuses the whole call with
 * AP_ERR_INVALID naming that code and who set it, and nothing is written (log
 * the call without a code, or change the mark in the grid). The call's
 * resulting_code is the code stored. */
ap_status calls_log(struct store *s, const struct call_input *in);

/* ---- Files ---- */

/* Records every mark of a CSV text in ONE transaction: any bad line rejects
 * the whole file, naming the line and field, and writes nothing.
 * The header names the columns: date, session, upn and code are required;
 * note and source (phone, email, portal, call, officer, import; empty:
 * import) are optional; the other columns marks_export_csv writes are
 * allowed and ignored, so an export can be imported into another store; any
 * other column is refused. Lines beginning with # are comments. A line is
 * bad when it has the wrong number of fields, a date that is not YYYY-MM-DD
 * or not a school day, a session not am/pm, an unknown UPN, a code that may
 * not be entered (codes may be given in lower case), or marks the same
 * pupil, date and session as an earlier line. A mark already in the store
 * is refused (naming who set it) unless replace is true; replacing keeps
 * the provider's reported code as marks_set does. *count (may be NULL) says
 * how many were recorded. */
ap_status marks_import_csv(struct store *s, const char *name, const char *text, bool replace, int *count);

/* Writes the marks in [from, to] as CSV (for keying into the school MIS) to
 * an open stream, header first: date,session,upn,surname,forename,code,
 * meaning,reported_code,provider,source,note,recorded_by,recorded_at - pupil
 * by pupil in surname, forename order, each pupil's marks in date and session
 * order (a walk in key order: no sort, memory the same for any range);
 * recorded_at is UTC. Fields are
 * quoted as RFC 4180 when needed. Read-only (viewers may export). from after
 * to is AP_ERR_INVALID; a write error is AP_ERR_IO. *count (may be NULL)
 * says how many marks were written. The caller owns and closes out. */
ap_status marks_export_csv(struct store *s, int from, int to, FILE *out, int *count);
/* How many pupils marks_export_csv names for the same range (for the audit). */
ap_status marks_export_pupils(struct store *s, int from, int to, long *pupils);

/* The pupil with this UPN (exactly as stored): *pupil_id, or AP_ERR_NOT_FOUND
 * naming it (AP_ERR_INVALID when it is not a well-formed UPN). */
ap_status marks_pupil_by_upn(struct store *s, const char *upn, int64_t *pupil_id);

#endif
