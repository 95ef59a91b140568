/* json.h — layout of dynamic Json values inside the runtime (internal).
 *
 * A Json value (stdlib.md §15.2) is a pointer to a RECORD whose header `tag`
 * is its kind (SnowJsonKind):
 *   null, true, false   static records (no payload / one word), never in a heap;
 *   bool                one word 0/1, ptrmap 0;
 *   int                 one word (i64), ptrmap 0;
 *   float               one word (double bits), ptrmap 0;
 *   string              one word: STRING, ptrmap 1;
 *   array               one word: LIST of Json, ptrmap 1;
 *   object              two words: LIST of STRING keys (strictly ascending,
 *                       unsigned byte order, no duplicates) and LIST of Json
 *                       values at the same positions, ptrmap 0b11.
 * Values are immutable once built, like every Snow value. */
#ifndef SNOW_JSON_H
#define SNOW_JSON_H

#include "snow_rt.h"

typedef enum SnowJsonKind {
  SNOW_JSON_NULL = 0,
  SNOW_JSON_BOOL = 1,
  SNOW_JSON_INT = 2,
  SNOW_JSON_FLOAT = 3,
  SNOW_JSON_STRING = 4,
  SNOW_JSON_ARRAY = 5,
  SNOW_JSON_OBJECT = 6,
} SnowJsonKind;

static inline SnowJsonKind snow_json_kind_of(const SnowObj *j) { return (SnowJsonKind)j->tag; }

/* An object value from `n` keys and values held in two heap ARRAYs (in any
 * order, duplicates allowed: the later entry wins). The arrays must be
 * referenced from the caller's stack. */
SnowObj *snow_json_object_from_arrays(SnowObj *keys, SnowObj *values, uint64_t n);

/* Unsigned byte-wise comparison of two STRING objects (a proper prefix first). */
int snow_json_key_cmp(SnowObj *a, SnowObj *b);

#endif
