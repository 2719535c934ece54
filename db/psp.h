#ifndef APTERM_PSP_H
#define APTERM_PSP_H

/* Pastoral Support Programmes (seed 003): the initial-meeting form with its
 * SMART targets and the Outcome Sequence checks, the Mon-Fri timetable, the
 * reduced-timetable section, reviews with progress per target, and drafts
 * of what a user was typing when the connection dropped.
 *
 * One open PSP (draft or active) per pupil: the schema's partial unique
 * index psp_one_open enforces it, and psp_create names the open one first.
 * A ceased PSP is kept, read-only: psp_save refuses it. A review moves the
 * next review date on; a review whose outcome is "cease" ceases the PSP.
 *
 * Every write is one transaction and version-checked against the psp row:
 * whatever changes a PSP's targets, timetable or reviews raises the psp
 * row's version too, so that version stands for the whole PSP (two people
 * editing one PSP: the second to save is told who changed it and when).
 *
 * Text fields are NUL-terminated UTF-8; a value longer than its field is
 * refused by psp_validate, never cut. Field names in messages are the
 * editor's labels ("Reason for PSP: must not be empty"), so a form can put
 * the message next to its field. No curses here. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "status.h"
#include "store.h"
#include "thresholds.h"

#define PSP_LINE 256          /* one-line text: the school lead, a venue */
#define PSP_LONG 4000         /* long text: reason, strategies, agreements */
#define PSP_TARGET_TEXT 1000  /* a target, a review's progress on one */
#define PSP_TARGETS_MAX 12
#define PSP_DAYS 5            /* Monday (0) to Friday (4) */
#define PSP_DAY_MAX_HOURS 10.0
#define PSP_RTT_MAX_HOURS 7.0 /* hours per day on a reduced timetable */

struct psp_target {
    int64_t id;               /* 0 until saved */
    char target[PSP_TARGET_TEXT];   /* the positive change; "" = remove this target */
    char baseline[PSP_LINE * 2];    /* the starting point */
    char measure[PSP_LINE * 2];     /* how progress is measured */
    /* The Outcome Sequence checks. */
    bool is_measurable, start_known, is_achievable, everyday_language;
    int64_t version;          /* as read; 0 for a new one */
};

struct psp_day {
    char activity[PSP_LINE];
    char venue[PSP_LINE];
    double hours;             /* 0..PSP_DAY_MAX_HOURS */
};

struct psp {
    int64_t id;               /* 0 until created */
    int64_t pupil_id;
    char status[8];           /* LABELS_PSP_STATUS: draft, active, ceased */
    int meeting_date;         /* DATE_NONE when not set */
    char lead[PSP_LINE];
    char attendees[PSP_TARGET_TEXT];
    char reason[PSP_LONG];
    char previous_strategies[PSP_LONG];
    char what_is_working[PSP_LONG];
    char school_agrees[PSP_LONG];
    char parent_agrees[PSP_LONG];
    char professionals_agree[PSP_LONG];
    int signed_child_date, signed_school_date, signed_parent_date; /* DATE_NONE: not signed */
    int next_review_date;     /* DATE_NONE on save: psp_suggest_review(meeting_date) */
    int end_date;             /* DATE_NONE: meeting + th->psp_length_weeks (rules_psp_end) */
    /* The reduced-timetable section. */
    bool reduced_timetable;
    int reduced_start, reduced_end;   /* start and provisional end; DATE_NONE when not set */
    char reduced_reason[16];  /* LABELS_REDUCED_REASON, "" = not given */
    double reduced_hours_per_day;     /* 0 = not recorded */
    bool reduced_safeguarding_concern;
    bool reduced_authorised;  /* the Director's authorisation to go past the 12 weeks */
    char exit_plan[PSP_LONG];
    /* The audit matrix's indicators only the PSP records (seed 003 App. 2). */
    char reduced_progression[12];     /* LABELS_PROGRESSION, "" = not recorded */
    double reduced_start_hours;       /* hours a day when it began; 0 = not recorded */
    int reduced_la_told;              /* the LA's safeguarding officer told on; DATE_NONE: not */
    int reduced_risk_assessed;        /* risk assessment last done or reviewed on; DATE_NONE */
    /* Targets in order (position 1..ntargets); the timetable. */
    struct psp_target targets[PSP_TARGETS_MAX];
    int ntargets;
    struct psp_day days[PSP_DAYS];
    int64_t version;
    char updated_at[20];
    char updated_by[65];
};

/* The rules' progression for LABELS_PROGRESSION's code ("" or NULL: not recorded). */
enum rules_progression psp_progression(const char *code);

/* ---- the next review ---- */

/* The review date suggested after a meeting or review on date:
 * date + th->psp_review_weeks weeks. DATE_NONE for DATE_NONE. */
int psp_suggest_review(int date, const struct thresholds *th);

/* ---- reading, creating, saving ---- */

/* Reads the PSP with its targets and timetable. *out is the caller's (it is
 * large: allocate it). AP_ERR_NOT_FOUND when there is none. */
ap_status psp_get(struct store *s, int64_t id, struct psp *out);

/* The pupil's open (draft or active) PSP: *id 0 when none. */
ap_status psp_open_for_pupil(struct store *s, int64_t pupil_id, int64_t *id);

/* Creates a draft PSP for the pupil: meeting date `meeting` (DATE_NONE
 * allowed), and the timetable filled from the pupil's placements running on
 * that day (or today, for a meeting not yet held) - activity the
 * placement's purpose, venue the provider, the day's hours - to be edited.
 * The next review date is left empty, so that the first save takes the
 * suggestion from the meeting date as it then is. Refused (AP_ERR_INVALID,
 * "Pupil: ... already has an open PSP (draft)") when the pupil has one; a
 * pupil who does not exist is named. *id is set. */
ap_status psp_create(struct store *s, int64_t pupil_id, int meeting, int today, int64_t *id);

/* Checks every field. An active PSP needs a meeting date, the school lead,
 * the reason and at least one target. A target slot left empty is dropped,
 * unless it has a baseline or measure (then it must say the target). */
ap_status psp_validate(const struct psp *p, int today);

/* Saves the PSP's own fields, its targets (new ones inserted, changed ones
 * updated, emptied ones deleted unless a review recorded progress on them,
 * the rest renumbered 1..n in order) and its timetable, in ONE transaction,
 * only if nobody changed the PSP since it was read (else AP_ERR_CONFLICT
 * naming who and when). An empty next review date is filled with
 * psp_suggest_review(meeting_date). A ceased PSP is refused; status may be
 * draft or active (ceasing is a review's outcome). The same transaction
 * discards this login's drafts of the editor's fields (prefix "form.").
 * On success p is as stored: ids, versions, positions. */
ap_status psp_save(struct store *s, struct psp *p, int today, const struct thresholds *th);

/* After a conflict: the versions the store holds now, so that a save
 * writes p over the other change (still audited). */
ap_status psp_take_version(struct store *s, struct psp *p);

/* Deletes a draft PSP with no reviews (made by mistake). An active or
 * ceased PSP is part of the pupil's record: AP_ERR_INVALID. */
ap_status psp_delete(struct store *s, int64_t id, int64_t version);

/* ---- reviews ---- */

struct psp_progress {
    int64_t target_id;
    char progress[PSP_TARGET_TEXT];
};

struct psp_review {
    int64_t id;               /* 0 until added */
    int review_date;          /* required, not in the future */
    char attended[PSP_TARGET_TEXT];
    char outcome[12];         /* LABELS_REVIEW_OUTCOME: continue, adapt, cease, next_steps */
    char notes[PSP_LONG];     /* what was decided, the next steps */
    /* Adding only: the next review; DATE_NONE = psp_suggest_review(review_date).
     * Ignored (none) when the outcome is cease. */
    int next_review;
    struct psp_progress progress[PSP_TARGETS_MAX];
    int nprogress;
    char updated_at[20];
    char updated_by[65];
};

/* Adds a review of an active PSP in ONE transaction, checked against
 * *psp_version (raised on success): the review and its progress rows; the
 * PSP's next review date moves on to r->next_review (or the suggestion);
 * a "cease" outcome ceases the PSP (status ceased, end date the review's
 * when it had none or a later one, no next review). A draft PSP has not
 * been agreed and a ceased one is closed: both refused. Progress rows for
 * targets not of this PSP are refused; empty progress is not stored. The
 * same transaction discards this login's drafts of the review form
 * (prefix "review."). Sets r->id. */
ap_status psp_review_add(struct store *s, int64_t psp_id, int64_t *psp_version, struct psp_review *r,
                         int today, const struct thresholds *th);

/* The PSP's reviews, newest first, each with its progress. *out is a
 * malloc'd array of *n (NULL when none) that the caller frees with free(). */
ap_status psp_reviews(struct store *s, int64_t psp_id, struct psp_review **out, size_t *n);

/* ---- what the roll knows of the pupil (the form's first lines) ---- */

struct psp_facts {
    int64_t pupil_id;
    char name[204];           /* roll_display_name */
    char upn[14];
    int dob;
    int year_group;           /* rules_year_group(dob, today) */
    char school[121];         /* "" when none */
    bool fsm, cla;
    char plan[16];            /* LABELS_PLAN */
    char aln_areas[256];
    bool has_ihp;             /* a medical reduction set out in an IHP needs no PSP */
    /* Attendance this term (the term holding today, else the latest before). */
    bool has_term;
    char term_name[40];       /* "autumn 2026/27" */
    int possible, attending;
    bool has_attendance;      /* possible > 0 */
    double attendance_pct;
    /* Exclusions this school year, from the register: sessions marked E
     * (excluded, no alternative provision), the days they make, and the
     * separate spells (runs of school days). The store keeps no other
     * exclusion record. */
    int excluded_sessions;
    double excluded_days;
    int exclusion_spells;
    /* Placements running today: each session counted once. */
    int placements;
    double placement_hours;
    int placement_days;       /* days of the week with a session */
    int last_concern;         /* latest safeguarding concern about the pupil; DATE_NONE */
};

ap_status psp_facts_load(struct store *s, int64_t pupil_id, int today, struct psp_facts *out);

/* ---- the reduced timetable: weekly hours and the audit-matrix RAG ---- */

enum psp_hours_source {
    PSP_HOURS_NONE = 0,       /* nothing recorded */
    PSP_HOURS_TIMETABLE,      /* the PSP's Mon-Fri timetable */
    PSP_HOURS_PER_DAY,        /* the section's hours per day x 5 */
    PSP_HOURS_PLACEMENTS,     /* the placements running today */
};

struct psp_rtt {
    double weekly_hours;
    enum psp_hours_source source;
    int year_group;
    double min_hours;         /* 0: no minimum for the year group */
    bool below_minimum;       /* rules_is_reduced */
    bool applies;             /* below the minimum, or recorded as reduced */
    enum flag_level level;    /* FLAG_NONE when it does not apply; else green, amber or red */
    char why[RULES_WHY_LEN];  /* the matrix's reasons ("" for green) */
};

/* "PSP timetable", "hours per day x 5", "placements now", "nothing recorded". */
const char *psp_hours_source_text(enum psp_hours_source src);

/* The week (the PSP's timetable when it has hours, else the section's hours
 * per day x 5, else the placements running now) against the year group's
 * minimum (the seed county's local policy), and the audit matrix
 * (rules_reduced_timetable) over the section: no PSP (a draft counts as
 * none: it is not agreed), no end date or no exit plan red; past 12 weeks
 * unauthorised or past its end amber. No store: from the record as edited. */
void psp_rtt_assess(const struct psp *p, const struct psp_facts *f, int today, const struct thresholds *th,
                    struct psp_rtt *out);

/* The same for a stored PSP. */
ap_status psp_rtt_for(struct store *s, int64_t psp_id, int today, const struct thresholds *th,
                      struct psp_rtt *out);

/* The review flag as db/flags.c raises it: due review date (the earlier of
 * last review or meeting + th->psp_review_weeks and a sooner next review
 * date set), red overdue, amber due within th->psp_review_amber_days.
 * Active PSPs only: FLAG_NONE and *due DATE_NONE otherwise. */
enum flag_level psp_review_due(const char *status, int meeting, int last_review, int next_review, int today,
                               const struct thresholds *th, int *due, char *why, size_t why_len);

/* ---- the list of the pane ---- */

struct psp_row {
    int64_t psp_id, pupil_id;
    char name[204];           /* roll_display_name */
    int year_group;
    char status[8];
    int meeting_date, last_review, next_review_date, end_date;
    int reviews, targets;
    int review_due;           /* psp_review_due's due date; DATE_NONE when not active */
    enum flag_level review_level;
    char review_why[RULES_WHY_LEN];
    struct psp_rtt rtt;
    bool has_draft;           /* this login has a draft of it kept */
};

/* Every open PSP (and the ceased ones too when with_ceased), by the
 * pupil's surname then forename, newest first for one pupil. *out is a
 * malloc'd array of *n (NULL when none); the caller frees it with free(). */
ap_status psp_list(struct store *s, int today, const struct thresholds *th, bool with_ceased,
                   struct psp_row **out, size_t *n);

/* ---- drafts: what was typed and not saved ---- */

/* One kept draft of this login. */
struct psp_draft {
    char field[64];           /* the editor's key: "form.reason", "review.notes" */
    char *text;               /* owned: psp_drafts_free */
    char saved_at[17];        /* local time, "YYYY-MM-DD HH:MM" */
};

/* Keeps (replaces) this login's draft of a field of the PSP. One small
 * transaction; not for viewers. */
ap_status psp_draft_save(struct store *s, int64_t psp_id, const char *field, const char *text);

/* This login's drafts of the PSP whose field starts with prefix ("" for
 * all), the oldest kept first. *out is malloc'd (NULL when none): free with
 * psp_drafts_free(*out, *n). */
ap_status psp_drafts(struct store *s, int64_t psp_id, const char *prefix, struct psp_draft **out, size_t *n);
void psp_drafts_free(struct psp_draft *d, size_t n);

/* Discards this login's drafts of the PSP: those whose field starts with
 * prefix, or exactly field when exact. */
ap_status psp_draft_discard(struct store *s, int64_t psp_id, const char *field, bool exact);

#endif
