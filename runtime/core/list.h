/* list.h — List object layout helpers (internal; layout in snow_rt.h).
 *
 * A LIST is a view (length, offset, items) of an ARRAY. Views share arrays
 * freely (tail, drop, take) because nothing is ever mutated after the array
 * has been filled. The empty list is one static object. */
#ifndef SNOW_LIST_H
#define SNOW_LIST_H

#include "snow_rt.h"

static inline uint64_t snow_list_len(const SnowObj *l) { return SNOW_PAYLOAD(l)[0]; }
/* Address of element 0 of the view (valid while `l` is referenced). */
static inline SnowWord *snow_list_elems(const SnowObj *l) {
  SnowObj *items = (SnowObj *)SNOW_PAYLOAD(l)[2];
  return SNOW_PAYLOAD(items) + SNOW_PAYLOAD(l)[1];
}

/* A new ARRAY of n words; zero-filled when ptrs (so that it is always safe
 * for the collector to scan), uninitialised otherwise. */
SnowObj *snow_array_new(uint64_t n, int64_t ptrs);
/* A LIST viewing `len` elements of `items` from `offset` (static [] if 0). */
SnowObj *snow_list_view(SnowObj *items, uint64_t offset, uint64_t len);

#endif
