#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct arena {
    struct arena *next;
    size_t used, cap;
    _Alignas(8) char data[];
};

void *arena_alloc(struct arena **head, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct arena *a = *head;
    if (!a || a->cap - a->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        struct arena *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a;
        b->used = 0;
        b->cap = cap;
        *head = a = b;
    }
    void *p = a->data + a->used;
    a->used += n;
    return p;
}

const char *arena_text(struct arena **head, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *p = arena_alloc(head, n + 1);
    if (p) {
        if (n)
            memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void arena_free(struct arena *a)
{
    while (a) {
        struct arena *next = a->next;
        free(a);
        a = next;
    }
}
