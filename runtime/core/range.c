/* range.c — Range (stdlib.md §11) and the runtime part of Tuple (§13).
 *
 * A Range is a RECORD of two Int fields (start, end), ptrmap 0: the
 * half-open interval start <= i < end, empty when end <= start. The list
 * builders fill arrays that are referenced from volatile locals across the
 * callbacks into Snow code (gc.h), storing results with a write barrier. */
#include "gc.h"
#include "list.h"
#include "panic.h"

#include <stdio.h>

SnowObj *snow_range_new(int64_t start, int64_t end) {
  SnowWord f[2] = {(SnowWord)start, (SnowWord)end};
  return snow_record(0, 0, 2, f);
}

static int64_t start_of(SnowObj *r) {
  return (int64_t)SNOW_PAYLOAD(r)[0];
}
static int64_t end_of(SnowObj *r) {
  return (int64_t)SNOW_PAYLOAD(r)[1];
}

int64_t snow_range_length(SnowObj *r) {
  int64_t s = start_of(r), e = end_of(r);
  if (e <= s) return 0;
  return (int64_t)((uint64_t)e - (uint64_t)s); /* wraps like Int arithmetic */
}

static uint64_t checked_length(SnowObj *r) {
  int64_t s = start_of(r), e = end_of(r);
  if (e <= s) return 0;
  uint64_t n = (uint64_t)e - (uint64_t)s;
  if (n > (UINT32_MAX - 64) / 8) snow_fatal("out of memory");
  return n;
}

SnowObj *snow_range_to_list(SnowObj *r) {
  uint64_t n = checked_length(r);
  if (!n) return snow_list_empty();
  int64_t s = start_of(r);
  SnowObj *volatile a = snow_array_new(n, 0);
  for (uint64_t i = 0; i < n; i++)
    SNOW_PAYLOAD(a)[i] = (SnowWord)(s + (int64_t)i);
  return snow_list_view(a, 0, n);
}

SnowObj *snow_range_map(SnowObj *r, SnowObj *f, int64_t result_ptrs) {
  SnowObj *volatile vf = f;
  uint64_t n = checked_length(r);
  if (!n) return snow_list_empty();
  int64_t s = start_of(r);
  SnowObj *volatile a = snow_array_new(n, result_ptrs);
  for (uint64_t i = 0; i < n; i++) {
    SnowWord y = snow_call1(vf, (SnowWord)(s + (int64_t)i));
    SNOW_PAYLOAD(a)[i] = y;
    snow_gc_remember(a);
  }
  return snow_list_view(a, 0, n);
}

SnowObj *snow_range_filter(SnowObj *r, SnowObj *pred) {
  SnowObj *volatile vp = pred;
  uint64_t n = checked_length(r), kept = 0;
  if (!n) return snow_list_empty();
  int64_t s = start_of(r);
  SnowObj *volatile a = snow_array_new(n, 0);
  for (uint64_t i = 0; i < n; i++)
    if (snow_call1(vp, (SnowWord)(s + (int64_t)i)))
      SNOW_PAYLOAD(a)[kept++] = (SnowWord)(s + (int64_t)i);
  return snow_list_view(a, 0, kept);
}

/* Tuple.nth on a tuple of `size` Int fields. */
int64_t snow_tuple_nth(SnowObj *t, int64_t i, int64_t size) {
  if (i < 0 || i >= size) {
    char msg[96];
    snprintf(msg, sizeof msg, "Tuple.nth: index %lld out of bounds (len %lld)", (long long)i,
             (long long)size);
    snow_panic(msg, NULL, 0);
  }
  return (int64_t)SNOW_PAYLOAD(t)[i];
}
