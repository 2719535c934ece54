/* apterm close-register (for cron), and the register close every command
 * that opens the store for work applies first (src/register.h). */

#include <stdio.h>
#include <stdlib.h>

#include "calendar.h"
#include "cli.h"
#include "date.h"
#include "marks.h"
#include "register.h"

bool cli_close_due_registers(struct cli *cli, struct store *s, FILE *out)
{
    struct register_closed done[2];
    int n = 0;
    if (register_close_due(s, &cli->cfg, done, &n) != AP_OK) {
        fprintf(stderr, "apterm: the register was not closed: %s\n", cli_text(ap_error_detail()));
        return false;
    }
    for (int i = 0; i < n; i++) {
        char text[120];
        register_closed_text(&done[i], &cli->cfg, text, sizeof text);
        fprintf(out, "%s\n", text); /* news, not a failure: no "apterm:" in front */
    }
    return true;
}

/* What close-register says of a session it did not close now. */
static void say_open_or_closed(struct store *s, const struct apterm_config *cfg, int today, int now, bool school,
                               enum session sess, const struct register_closed *done, int n)
{
    const char *word = sess == SESSION_PM ? "PM" : "AM";
    int at = sess == SESSION_PM ? cfg->close_pm_minutes : cfg->close_am_minutes;
    for (int i = 0; i < n; i++)
        if (done[i].session == sess)
            return; /* said already */
    bool closed = false;
    if (!school)
        return;
    if (marks_register_closed(s, today, sess, &closed) != AP_OK)
        printf("%s register: %s\n", word, cli_text(ap_error_detail()));
    else if (closed)
        printf("%s register: closed already\n", word);
    else if (now < at * 60)
        printf("%s register: open, closes at %02d:%02d\n", word, at / 60, at % 60);
    else
        printf("%s register: open past %02d:%02d\n", word, at / 60, at % 60);
}

int cmd_close_register(struct cli *cli, int argc, char **argv)
{
    if (argc > 1)
        return usage_error("close-register: unexpected argument \"%s\"", argv[1]);
    struct store *s = NULL;
    if (open_store(cli, false, &s) != AP_OK)
        return fail("close-register");
    if (!store_can_write(s)) {
        store_close(s);
        fprintf(stderr, "apterm: close-register: you have the viewer role: you cannot close a register\n");
        return EXIT_FAILURE;
    }
    int today = date_today(), now = date_now_secs();
    char d[11];
    date_format(today, d);
    struct calendar cal;
    if (calendar_load(s, &cal) != AP_OK) {
        store_close(s);
        return fail("close-register");
    }
    bool school = calendar_is_school_day(&cal, today);
    calendar_free(&cal);
    struct register_closed done[2];
    int n = 0;
    ap_status st = register_close_due(s, &cli->cfg, done, &n);
    if (st != AP_OK) {
        store_close(s);
        return fail("close-register: the register was not closed");
    }
    printf("%s%s\n", d, school ? "" : ": not a school day, no register to close");
    for (int i = 0; i < n; i++) {
        char text[120];
        register_closed_text(&done[i], &cli->cfg, text, sizeof text);
        printf("%s\n", text);
    }
    for (int k = SESSION_AM; k <= SESSION_PM; k++)
        say_open_or_closed(s, &cli->cfg, today, now, school, (enum session)k, done, n);
    store_close(s);
    return EXIT_SUCCESS;
}
