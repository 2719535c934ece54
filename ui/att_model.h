#ifndef APTERM_ATT_MODEL_H
#define APTERM_ATT_MODEL_H

/* The attendance grid's state and its model (ui/attendance.c is the pane):
 * the rows of the week shown, read from the store, and the small helpers on
 * columns, sessions and rows that the grid's other files share
 * (ui/att_draw.c, ui/att_mark.c, ui/att_prompt.c). No SQL here. */

#include "panes.h"

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"
#include "flags.h"
#include "marks.h"
#include "provider.h"
#include "roll.h"
#include "rules.h"

#define NSESS 10          /* Mon AM ... Fri PM */
#define CELL_W 3          /* " B " */
#define DAY_W 7           /* two cells and a gap */
#define GRID_W (5 * DAY_W - 1)
#define HEAD_LINES 4      /* title, summary, two heading lines */
#define UNDO_MAX 64
#define SYNC_IDLE_MS 1500 /* tell the other panes about our marks after this pause */
#define NOON (12 * 3600)  /* the PM session is the current one from midday */


/* One cell as the grid shows it; the rest of the mark is read on Enter. */
struct cell {
    char code;            /* 0: no mark */
    char reported;        /* the provider's code when the officer changed it */
    int64_t version;      /* 0: no mark */
};

struct grid_row {
    int64_t pupil_id;
    size_t rank;                    /* the pupil's place in the roll's order (names) */
    const struct roll_row *pupil;   /* names and term figures, read as the row comes into sight (row_pupil); NULL before */
    int64_t provider_id;            /* the provider shown: today's, else the week's first */
    const char *provider;           /* its name (the grid's provider names), "" when none */
    int provider_rank;              /* its name's place among the providers' (ties: the same), INT_MAX when none */
    bool provider_today;            /* provider_id is today's */
    unsigned expected;              /* bit s: timetabled for session s */
    struct cell c[NSESS];
    enum flag_level run;            /* consecutive unauthorised absence (the shell's flags) */
    const char *run_why;            /* the shell's string, valid until its next pass */
    bool term_known;                /* term_possible and term_attending read (row_term) */
    int term_possible, term_attending; /* the store's figures, plus our own changes since */
};

struct rowio_id_at; /* db/rowio.h */

struct undo {
    int64_t pupil_id;
    int day;
    enum session session;
    struct mark before;             /* version 0: there was no mark */
    int64_t after_version;          /* 0: our change left no mark */
};

struct att {
    struct ui *ui;
    bool loaded;
    struct code_set codes;
    struct calendar cal;
    struct rowio_id_at *rank_by_id; /* nranks: every pupil's place in the roll's order (at), by id */
    size_t nranks;
    struct roll **read;             /* nread rolls of the rows read so far (row_pupil) */
    size_t nread;
    bool have_term;                 /* the term of the rows' term figures, from the rolls read */
    int term_start, term_end;
    struct provider_name *providers; /* by id */
    size_t nproviders;
    int *provider_rank;             /* nproviders: each one's name's place in name order (case aside) */
    int today;
    int week;                       /* the Monday shown */
    bool school[5];
    struct grid_row *rows;
    size_t nrows;
    struct rowio_id_at *row_by_id;  /* nrows: each pupil's row (at), by pupil id */
    bool all;                       /* everyone on roll, not only the expected */
    bool by_name;                   /* order by name, not by provider */
    enum mark_source via;           /* how new marks came */
    int cur_row, cur_col, top;
    struct undo undo[UNDO_MAX];
    int nundo;
    bool dirty;                     /* we wrote; the other panes do not know yet */
    bool syncing;                   /* our own ui_store_changed is under way */
    int64_t loaded_version;         /* PRAGMA data_version when the rows were read */
    long long last_write_ms;
    int clock_day, clock_last;      /* the register-close timer */
    char set_name[16];              /* "Welsh", "English" */
    char detail[RULES_WHY_LEN + 240];
    /* Geometry, from the last full draw. */
    int name_w, prov_w, grid_x, rows_h;
};

/* Seconds since local midnight (src/date.h: APTERM_NOW starts the clock). */
int clock_secs(void);

/* "09:36" local time for a stored UTC stamp "YYYY-MM-DD HH:MM:SS", with the
 * date in front when it is not today ("Thu 19 Nov 09:36"). */
void local_stamp(const char *utc, char *buf, size_t len);

/* The row's pupil (names, term figures), read from the store when the row
 * has not been, together with the ROWS_READ - 1 rows below it (a screen and
 * more) in one read. A blank pupil when it cannot be read (tried again at
 * the next draw). */
const struct roll_row *row_pupil(struct att *a, const struct grid_row *r);
#define ROWS_READ 64

/* Reads the pupils of the rows from..to (row_pupil) that have not been:
 * false (with a message) when they could not be. */
bool read_rows(struct att *a, size_t from, size_t to);

int col_day(const struct att *a, int col);

enum session col_session(int col);

const char *session_word(enum session s);

/* "Fri 20 Nov" */
void day_text(int day, char *buf, size_t len);

/* "Fri 20 Nov AM" */
void cell_text(const struct att *a, int col, char *buf, size_t len);

bool expected_at(const struct grid_row *r, int col);

/* The session has begun: its unreported expected pupils are missing. */
bool started(const struct att *a, int col);

/* The session that is under way now, as a column of today's week (-1 when
 * today is not a weekday). */
int current_col(const struct att *a);

const struct code_info *code_of(const struct att *a, char code);

bool is_absence(const struct code_info *c);

void put_fit(WINDOW *w, int y, int x, const char *text, int cols, attr_t attr, unsigned flags);

void free_all(struct att *a);

const char *provider_name(const struct att *a, int64_t id);

long row_of_pupil(const struct att *a, int64_t pupil_id);

void sort_rows(struct att *a);

/* Takes the consecutive-unauthorised-absence flags from the shell's pass. */
void map_flags(struct att *a);
void row_term(struct att *a, struct grid_row *r);
/* Reads the row's term figures again (a mark changed them), when its pupil
 * has been read; else they are read as the row comes into sight. */
void row_term_again(struct att *a, struct grid_row *r);

/* Loads the rows of the week a->week from the store; false (with a message)
 * when it could not, leaving no rows. */
bool load_week(struct att *a);

/* Loads the codes, the calendar, the roll and the providers, then the week. */
bool load_all(struct att *a);

int64_t cursor_pupil(const struct att *a);

/* Puts the cursor back on the pupil (else the same line) after the rows changed. */
void keep_cursor(struct att *a, int64_t pupil_id, int line);

/* The next cell of the column, below the row and then from the top, that is
 * expected, unmarked and on a school day; -1 when none. */
int next_unreported(const struct att *a, int from_row, int col);

#endif
