#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "outfile.h"
#include "utf8.h"

#define CTRL(c) ((c) & 0x1f)

enum item_kind { ITEM_KEY, ITEM_DUMP, ITEM_ATTRS, ITEM_TICK };

struct item {
    enum item_kind kind;
    int r;        /* OK or KEY_CODE_YES */
    wint_t ch;
    char *path;   /* ITEM_DUMP, ITEM_ATTRS */
};

static struct {
    bool active, finished, failed;
    struct item *items;
    size_t n, cap, next;
    FILE *out, *in;
} sc;

bool script_active(void) { return sc.active; }
bool script_finished(void) { return sc.finished; }
bool script_ok(void) { return !sc.failed; }

static bool push(struct item it)
{
    if (sc.n == sc.cap) {
        size_t cap = sc.cap ? sc.cap * 2 : 256;
        struct item *grown = realloc(sc.items, cap * sizeof *grown);
        if (!grown)
            return false;
        sc.items = grown;
        sc.cap = cap;
    }
    sc.items[sc.n++] = it;
    return true;
}

static const struct {
    const char *name;
    int r;
    wint_t ch;
} names[] = {
    {"Enter", OK, '\r'},         {"Esc", OK, 27},           {"Tab", OK, '\t'},
    {"BTab", KEY_CODE_YES, KEY_BTAB}, {"BS", KEY_CODE_YES, KEY_BACKSPACE}, {"Del", KEY_CODE_YES, KEY_DC},
    {"Space", OK, ' '},          {"Up", KEY_CODE_YES, KEY_UP}, {"Down", KEY_CODE_YES, KEY_DOWN},
    {"Left", KEY_CODE_YES, KEY_LEFT}, {"Right", KEY_CODE_YES, KEY_RIGHT}, {"PgUp", KEY_CODE_YES, KEY_PPAGE},
    {"PgDn", KEY_CODE_YES, KEY_NPAGE}, {"Home", KEY_CODE_YES, KEY_HOME}, {"End", KEY_CODE_YES, KEY_END},
    {"lt", OK, '<'},             {"colon", OK, ':'},
    {"F1", KEY_CODE_YES, KEY_F(1)}, {"F2", KEY_CODE_YES, KEY_F(2)},
};

/* One line of keys; false with a message naming the file and line. */
static bool parse_keys(const char *file, int line, const char *p)
{
    while (*p) {
        struct item it = {.kind = ITEM_KEY, .r = OK};
        if (*p == '<') {
            const char *end = strchr(p, '>');
            size_t len = end ? (size_t)(end - p - 1) : 0;
            bool found = false;
            if (end && len == 3 && p[1] == 'C' && p[2] == '-' && p[3] >= 'a' && p[3] <= 'z') {
                it.ch = CTRL(p[3]);
                found = true;
            }
            for (size_t i = 0; end && !found && i < sizeof names / sizeof names[0]; i++)
                if (strlen(names[i].name) == len && strncmp(names[i].name, p + 1, len) == 0) {
                    it.r = names[i].r;
                    it.ch = names[i].ch;
                    found = true;
                }
            if (!found) {
                fprintf(stderr, "apterm: %s line %d: unknown key name at \"%.20s\" (write <lt> for a '<')\n", file,
                        line, p);
                return false;
            }
            p = end + 1;
        } else {
            mbstate_t mb = {0};
            wchar_t wc;
            size_t len = mbrtowc(&wc, p, strlen(p), &mb);
            if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
                fprintf(stderr, "apterm: %s line %d: not UTF-8 text\n", file, line);
                return false;
            }
            it.ch = (wint_t)wc;
            p += len;
        }
        if (!push(it)) {
            fprintf(stderr, "apterm: %s: out of memory\n", file);
            return false;
        }
    }
    return true;
}

static bool parse_line(const char *file, int line, char *text)
{
    text[strcspn(text, "\r\n")] = '\0';
    if (!text[0] || text[0] == '#')
        return true;
    if (text[0] != ':')
        return parse_keys(file, line, text);
    if (strcmp(text, ":tick") == 0)
        return push((struct item){.kind = ITEM_TICK});
    bool attrs = strncmp(text, ":attrs ", 7) == 0 && text[7];
    if ((strncmp(text, ":dump ", 6) == 0 && text[6]) || attrs) {
        char *path = strdup(text + (attrs ? 7 : 6));
        if (path && push((struct item){.kind = attrs ? ITEM_ATTRS : ITEM_DUMP, .path = path}))
            return true;
        free(path);
        fprintf(stderr, "apterm: %s: out of memory\n", file);
        return false;
    }
    fprintf(stderr, "apterm: %s line %d: unknown command \"%s\" (expected :dump PATH, :attrs PATH or :tick)\n", file, line, text);
    return false;
}

int script_load(void)
{
    const char *file = getenv("APTERM_SCRIPT");
    if (!file)
        return 0;
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "apterm: APTERM_SCRIPT %s: %s\n", file, strerror(errno));
        return -1;
    }
    char buf[4096];
    int line = 0;
    bool good = true;
    while (good && fgets(buf, sizeof buf, f)) {
        line++;
        good = parse_line(file, line, buf);
    }
    if (good && ferror(f)) {
        fprintf(stderr, "apterm: APTERM_SCRIPT %s: %s\n", file, strerror(errno));
        good = false;
    }
    fclose(f);
    if (!good)
        return -1;
    sc.active = true;
    return 1;
}

SCREEN *script_newterm(void)
{
    int cols = 80, rows = 24;
    const char *size = getenv("APTERM_SCREEN");
    char extra;
    if (size && (sscanf(size, "%dx%d%c", &cols, &rows, &extra) != 2 || cols < 10 || rows < 4 || cols > 500 ||
                 rows > 300)) {
        fprintf(stderr, "apterm: APTERM_SCREEN \"%s\": expected COLSxROWS, such as 80x24\n", size);
        return NULL;
    }
    sc.out = fopen("/dev/null", "w");
    sc.in = fopen("/dev/null", "r");
    if (!sc.out || !sc.in) {
        fprintf(stderr, "apterm: cannot open /dev/null: %s\n", strerror(errno));
        return NULL;
    }
    SCREEN *screen = newterm("xterm-256color", sc.out, sc.in);
    if (!screen) {
        fprintf(stderr, "apterm: the terminal description xterm-256color is not installed\n");
        return NULL;
    }
    set_term(screen);
    if (resize_term(rows, cols) != OK) {
        fprintf(stderr, "apterm: cannot make a %dx%d screen\n", cols, rows);
        endwin();
        delscreen(screen);
        return NULL;
    }
    return screen;
}

/* A line-drawing cell (A_ALTCHARSET: box borders) as the character the
 * terminal shows for it (the VT100 set). */
static wchar_t acs_char(wchar_t c)
{
    static const char from[] = "lkmjqxtuvwn`af~,+.-0";
    static const wchar_t to[] = L"┌┐└┘─│├┤┴┬┼◆▒°·←→↓↑█";
    const char *at = c > 0 && c < 128 ? strchr(from, (int)c) : NULL;
    return at ? to[at - from] : c;
}

/* The mark of a cell's attributes in an :attrs map. */
static char attr_mark(attr_t a)
{
    if (a & (A_REVERSE | A_STANDOUT))
        return 'r';
    if (a & A_BOLD)
        return 'b';
    if (a & A_UNDERLINE)
        return 'u';
    if (a & A_DIM)
        return 'd';
    return ' ';
}

/* Writes curscr, what the terminal shows, as text; with marks, a map of
 * each cell's attributes instead (attr_mark), column for column. */
static void dump(const char *path, bool marks)
{
    struct outfile o;
    FILE *f = NULL;
    if (outfile_open(&o, path) != AP_OK) {
        fprintf(stderr, "apterm: :dump %s: %s\n", path, ap_error_detail());
        sc.failed = true;
        return;
    }
    if (!(f = outfile_stream(&o))) {
        fprintf(stderr, "apterm: :dump %s: %s\n", path, ap_error_detail());
        outfile_abandon(&o);
        sc.failed = true;
        return;
    }
    int rows = getmaxy(curscr), cols = getmaxx(curscr);
    if (cols < 1)
        cols = 1;
    char *line = malloc((size_t)cols * MB_LEN_MAX * CCHARW_MAX + 1);
    if (!line) {
        fclose(f);
        outfile_abandon(&o);
        fprintf(stderr, "apterm: :dump %s: out of memory\n", path);
        sc.failed = true;
        return;
    }
    for (int y = 0; y < rows; y++) {
        size_t len = 0, keep = 0;
        for (int x = 0; x < cols;) {
            cchar_t cell;
            wchar_t wch[CCHARW_MAX + 1] = {0};
            attr_t attrs;
            short pair;
            int width = 1;
            bool read = mvwin_wch(curscr, y, x, &cell) == OK && getcchar(&cell, wch, &attrs, &pair, NULL) == OK;
            if (read && wch[0] && (attrs & A_ALTCHARSET))
                wch[0] = acs_char(wch[0]);
            int w = read && wch[0] ? wcwidth(wch[0]) : 1;
            width = w > 1 ? w : 1;
            if (marks) {
                for (int i = 0; i < width; i++)
                    line[len++] = read ? attr_mark(attrs) : ' ';
            } else if (read && wch[0]) {
                for (int i = 0; i < CCHARW_MAX && wch[i]; i++) {
                    mbstate_t mb = {0};
                    size_t n = wcrtomb(line + len, wch[i], &mb);
                    if (n != (size_t)-1)
                        len += n;
                }
            } else {
                line[len++] = ' ';
            }
            if (!(len && line[len - 1] == ' '))
                keep = len;
            x += width;
        }
        line[keep] = '\0';
        fprintf(f, "%s\n", line);
    }
    free(line);
    if (fclose(f) != 0) {
        outfile_abandon(&o);
        fprintf(stderr, "apterm: :dump %s: %s\n", path, strerror(errno));
        sc.failed = true;
        return;
    }
    if (outfile_commit(&o) != AP_OK) {
        fprintf(stderr, "apterm: :dump %s: %s\n", path, ap_error_detail());
        sc.failed = true;
    }
}

int script_get_wch(WINDOW *w, wint_t *ch)
{
    if (!sc.active)
        return wget_wch(w, ch);
    while (sc.next < sc.n) {
        struct item *it = &sc.items[sc.next++];
        switch (it->kind) {
        case ITEM_KEY:
            *ch = it->ch;
            return it->r;
        case ITEM_TICK:
            return ERR;
        case ITEM_DUMP:
        case ITEM_ATTRS:
            doupdate();
            dump(it->path, it->kind == ITEM_ATTRS);
            break;
        }
    }
    sc.finished = true;
    for (size_t i = 0; i < sc.n; i++)
        free(sc.items[i].path);
    free(sc.items);
    sc.items = NULL;
    sc.n = sc.cap = sc.next = 0;
    return ERR;
}
