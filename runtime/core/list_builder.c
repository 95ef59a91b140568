/* list_builder.c — growable accumulator for `for` comprehensions (language.md §6.9).
 *
 * Contract (snow_rt.h, loops area): a builder is a RECORD
 *   word 0: count of pushed elements
 *   word 1: 1 when the elements are heap pointers, else 0
 *   word 2: ARRAY items (capacity = its payload size / 8)
 * Pushes double the array when it is full, so n pushes cost O(n). finish
 * returns a LIST view of the first `count` items; the array is never written
 * again after that (lists are immutable), because generated code drops the
 * builder right after finishing it.
 *
 * GC discipline (gc.h): the builder is referenced from the caller's stack;
 * locals that must survive an allocation are `volatile`. Stores into the
 * builder or its array may make an old object point to a young one, so they
 * record the written object with snow_gc_remember (write barrier). */
#include <string.h>

#include "gc.h"
#include "list.h"

enum { BUILDER_COUNT = 0, BUILDER_PTRS = 1, BUILDER_ITEMS = 2, BUILDER_MIN_CAPACITY = 8 };

SnowObj *snow_list_builder_new(int64_t elems_are_ptrs) {
  SnowObj *b = snow_alloc(3 * 8, SNOW_RECORD, 0, 1u << BUILDER_ITEMS);
  SnowWord *w = SNOW_PAYLOAD(b);
  w[BUILDER_COUNT] = 0;
  w[BUILDER_PTRS] = elems_are_ptrs ? 1 : 0;
  w[BUILDER_ITEMS] = 0; /* allocated by the first push */
  return b;
}

void snow_list_builder_push(SnowObj *b, SnowWord x) {
  SnowObj *volatile vb = b;
  volatile SnowWord vx = x;
  SnowWord *w = SNOW_PAYLOAD(b);
  uint64_t n = w[BUILDER_COUNT];
  SnowObj *items = (SnowObj *)w[BUILDER_ITEMS];
  uint64_t cap = items ? items->size / 8 : 0;
  if (n == cap) {
    SnowObj *volatile old = items;
    uint64_t grown = cap ? 2 * cap : BUILDER_MIN_CAPACITY;
    SnowObj *fresh = snow_array_new(grown, (int64_t)SNOW_PAYLOAD(vb)[BUILDER_PTRS]);
    if (n) memcpy(SNOW_PAYLOAD(fresh), SNOW_PAYLOAD(old), n * 8);
    SNOW_PAYLOAD(vb)[BUILDER_ITEMS] = (SnowWord)fresh;
    snow_gc_remember(vb);
    items = fresh;
  }
  SNOW_PAYLOAD(items)[n] = vx;
  snow_gc_remember(items);
  SNOW_PAYLOAD(vb)[BUILDER_COUNT] = n + 1;
}

SnowObj *snow_list_builder_finish(SnowObj *b) {
  SnowWord *w = SNOW_PAYLOAD(b);
  uint64_t n = w[BUILDER_COUNT];
  if (n == 0) return snow_list_empty();
  return snow_list_view((SnowObj *)w[BUILDER_ITEMS], 0, n);
}
