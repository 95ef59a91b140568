/* arena.h — bump allocator for compiler data with one lifetime.
 *
 * Contract: everything allocated from an Arena lives until arena_free() is
 * called on it; nothing is freed piecemeal. Allocations are zeroed and
 * 16-byte aligned. Out of memory aborts the compiler with a message (the
 * compiler has no recovery path for it). */
#ifndef SNOW_ARENA_H
#define SNOW_ARENA_H

#include <stddef.h>

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
  ArenaChunk *head;
  size_t total;
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t size);          /* zeroed */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))
#define ARENA_ARRAY(a, T, n) ((T *)arena_alloc((a), sizeof(T) * (size_t)(n)))

#endif
