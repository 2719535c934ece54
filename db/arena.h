#ifndef APTERM_ARENA_H
#define APTERM_ARENA_H

/* An arena: the strings and id lists of one loaded roll, tracking or report,
 * in blocks that never move, freed all at once with what holds them. */

#include <stddef.h>

struct arena;

/* n bytes (aligned to 8) in the arena *head (NULL: a new one); NULL when out
 * of memory. The arena owns them. */
void *arena_alloc(struct arena **head, size_t n);
/* A copy of s (NULL reads as "") in the arena; NULL when out of memory. */
const char *arena_text(struct arena **head, const char *s);
/* Frees every block of the arena (may be NULL). */
void arena_free(struct arena *a);

#endif
