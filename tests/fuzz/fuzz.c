#define _GNU_SOURCE /* memfd_create */
#include "fuzz.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csv.h"
#include "demo.h"

static char dir[PATH_MAX], path[PATH_MAX + 16];
static struct store *store;
static char *pristine;   /* the store file as made */
static size_t pristine_len;

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

int fuzz_file(const uint8_t *data, size_t size, char name[64])
{
    int fd = memfd_create("apterm-fuzz", 0);
    if (fd < 0)
        fuzz_fail("memfd_create: %s", strerror(errno));
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n < 0)
            fuzz_fail("writing the memfd: %s", strerror(errno));
        done += (size_t)n;
    }
    snprintf(name, 64, "/proc/self/fd/%d", fd);
    return fd;
}

char *fuzz_text(const uint8_t *data, size_t size)
{
    char name[64];
    int fd = fuzz_file(data, size, name);
    char *text = NULL;
    ap_status st = csv_read_file(name, &text);
    if (close(fd) != 0)
        fuzz_fail("closing the memfd: %s", strerror(errno));
    if (st != AP_OK) {
        if (!strstr(ap_error_detail(), name))
            fuzz_fail("csv_read_file refused a file without naming it: \"%s\"", ap_error_detail());
        return NULL;
    }
    return text;
}

char *fuzz_string(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        fuzz_fail("out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

static void open_store(bool create)
{
    struct store_options opt = {.path = path, .login = "fuzzer", .code_set = "wales", .create = create};
    if (store_open(&opt, &store) != AP_OK)
        fuzz_fail("opening %s: %s", path, ap_error_detail());
}

static void remove_store(void)
{
    if (store)
        store_close(store);
    store = NULL;
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        char p[sizeof path + 16];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            fprintf(stderr, "fuzz: removing %s: %s\n", p, strerror(errno));
    }
    if (rmdir(dir) != 0)
        fprintf(stderr, "fuzz: removing %s: %s\n", dir, strerror(errno));
    free(pristine);
    pristine = NULL;
}

static void write_pristine(void)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(pristine, 1, pristine_len, f) != pristine_len || fclose(f) != 0)
        fuzz_fail("writing %s: %s", path, strerror(errno));
}

struct store *fuzz_store(void)
{
    if (store)
        return store;
    /* The same store every run, whatever the day. */
    if (setenv("APTERM_TODAY", "2026-11-27", 1) != 0)
        fuzz_fail("setenv: %s", strerror(errno));
    /* In memory where there is a tmpfs: the store syncs every commit. tests/fuzz/run.sh
     * gives a folder of its own, which it removes even when a crash skipped our atexit. */
    const char *tmp = getenv("FUZZ_TMPDIR");
    if (!tmp || !tmp[0])
        tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    if (snprintf(dir, sizeof dir, "%s/apterm-fuzz-XXXXXX", tmp) >= (int)sizeof dir)
        fuzz_fail("FUZZ_TMPDIR is too long: %s", tmp);
    if (!mkdtemp(dir))
        fuzz_fail("mkdtemp %s: %s", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/fuzz.db", dir);
    if (atexit(remove_store) != 0)
        fuzz_fail("atexit failed");
    open_store(true);
    struct demo_options o;
    demo_options_default(&o);
    o.pupils = 12;
    o.weeks = 2;
    if (demo_generate(store, &o) != AP_OK)
        fuzz_fail("making the demo store: %s", ap_error_detail());
    store_close(store);
    store = NULL;
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        fuzz_fail("reading %s: %s", path, strerror(errno));
    long len = ftell(f);
    if (len <= 0 || fseek(f, 0, SEEK_SET) != 0 || !(pristine = malloc((size_t)len)) ||
        fread(pristine, 1, (size_t)len, f) != (size_t)len || fclose(f) != 0)
        fuzz_fail("reading %s: %s", path, strerror(errno));
    pristine_len = (size_t)len;
    open_store(false);
    return store;
}

void fuzz_store_reset(void)
{
    store_close(store);
    store = NULL;
    write_pristine();
    open_store(false);
}

int64_t fuzz_store_fingerprint(void)
{
    int64_t n = -1;
    if (store_query_int(fuzz_store(), "SELECT count(*) * 1000003 + coalesce(max(id), 0) FROM audit_log", -1, &n) !=
        AP_OK)
        fuzz_fail("reading the audit log: %s", ap_error_detail());
    return n;
}

void fuzz_check_refusal(ap_status st, const char *name, int64_t before)
{
    if (st == AP_OK)
        return;
    const char *detail = ap_error_detail();
    if (st != AP_ERR_INVALID && st != AP_ERR_CONFLICT)
        fuzz_fail("%s: bad input gave %s, not a refusal naming the line: \"%s\"", name, ap_status_text(st), detail);
    if (!strstr(detail, name))
        fuzz_fail("%s: refused without naming the file: \"%s\"", name, detail);
    if (fuzz_store_fingerprint() != before)
        fuzz_fail("%s: refused (\"%s\") but the store was changed", name, detail);
}
