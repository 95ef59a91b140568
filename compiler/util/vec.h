/* vec.h — typed growable arrays backed by an Arena.
 *
 * Contract: VEC(T) declares an anonymous struct {T *items; int len, cap;}.
 * VEC_PUSH(arena, v, x) appends, reallocating inside the arena (old storage
 * is simply abandoned; the arena frees it all at once). A zeroed VEC is empty. */
#ifndef SNOW_VEC_H
#define SNOW_VEC_H

#include <string.h>

#include "arena.h"

#define VEC(T) \
  struct {     \
    T *items;  \
    int len;   \
    int cap;   \
  }

#define VEC_PUSH(arena, v, x)                                                          \
  do {                                                                                 \
    if ((v).len == (v).cap) {                                                          \
      int ncap_ = (v).cap ? (v).cap * 2 : 4;                                           \
      void *nitems_ = arena_alloc((arena), sizeof(*(v).items) * (size_t)ncap_);        \
      if ((v).len) memcpy(nitems_, (v).items, sizeof(*(v).items) * (size_t)(v).len); \
      (v).items = nitems_;                                                             \
      (v).cap = ncap_;                                                                 \
    }                                                                                  \
    (v).items[(v).len++] = (x);                                                        \
  } while (0)

#define VEC_LAST(v) ((v).items[(v).len - 1])

#endif
