/* list.c — the List library (stdlib.md §8) over LIST views of ARRAYs.
 *
 * GC discipline (gc.h): every function that allocates more than once keeps
 * the lists, closures and arrays it still needs in `volatile` locals, so they
 * stay referenced from the stack (hence pinned, never moved) across every
 * allocation and every call back into Snow code; element addresses are
 * recomputed from those locals after each such call. Arrays under
 * construction are zero-filled before any further allocation, and stores
 * into them after an allocation or a call go through array_set (write
 * barrier: the array may have been promoted to the old generation). */
#include "list.h"

#include "gc.h"

#include "panic.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Stores v at index i of an array that may have been promoted meanwhile. */
static inline void array_set(SnowObj *a, uint64_t i, SnowWord v) {
  SNOW_PAYLOAD(a)[i] = v;
  snow_gc_remember(a);
}

static struct {
  SnowObj header;
  SnowWord word;
} empty_items = {{0, SNOW_ARRAY, SNOW_GC_STATIC, 0, 0}, 0};

static struct {
  SnowObj header;
  SnowWord len, offset, items;
} empty_list = {{24, SNOW_LIST, SNOW_GC_STATIC, 0, 0}, 0, 0, (SnowWord)&empty_items};

SnowObj *snow_list_empty(void) { return &empty_list.header; }

SnowObj *snow_array_new(uint64_t n, int64_t ptrs) {
  if (n > (UINT32_MAX - 64) / 8) snow_fatal("out of memory");
  /* snow_alloc zero-fills objects that hold pointers */
  return snow_alloc((uint32_t)(n * 8), SNOW_ARRAY, 0, ptrs ? ~(uint64_t)0 : 0);
}

SnowObj *snow_list_view(SnowObj *items, uint64_t offset, uint64_t len) {
  if (len == 0) return snow_list_empty();
  SnowObj *volatile keep = items;
  SnowObj *l = snow_alloc(24, SNOW_LIST, 0, 0x4);
  SnowWord *w = SNOW_PAYLOAD(l);
  w[0] = len;
  w[1] = offset;
  w[2] = (SnowWord)keep;
  return l;
}

/* A fresh array holding a copy of l's elements. */
static SnowObj *copy_elements(SnowObj *l, uint64_t extra, int64_t ptrs) {
  SnowObj *volatile vl = l;
  uint64_t n = snow_list_len(l);
  SnowObj *a = snow_array_new(n + extra, ptrs);
  if (n) memcpy(SNOW_PAYLOAD(a), snow_list_elems(vl), n * 8);
  return a;
}

SnowObj *snow_list_from(uint64_t n, const SnowWord *elems, int64_t elems_are_ptrs) {
  if (n == 0) return snow_list_empty();
  const SnowWord *volatile src = elems;
  SnowObj *volatile a = snow_array_new(n, elems_are_ptrs);
  memcpy(SNOW_PAYLOAD(a), src, n * 8);
  return snow_list_view(a, 0, n);
}

int64_t snow_list_length(SnowObj *l) { return (int64_t)snow_list_len(l); }

SnowWord snow_list_at(SnowObj *l, int64_t i) { return snow_list_elems(l)[i]; }

SnowWord snow_list_head(SnowObj *l) {
  if (!snow_list_len(l)) snow_panic("List.head: empty list", NULL, 0);
  return snow_list_elems(l)[0];
}

SnowObj *snow_list_tail(SnowObj *l) {
  uint64_t n = snow_list_len(l);
  if (!n) snow_panic("List.tail: empty list", NULL, 0);
  return snow_list_view((SnowObj *)SNOW_PAYLOAD(l)[2], SNOW_PAYLOAD(l)[1] + 1, n - 1);
}

SnowWord snow_list_last(SnowObj *l) {
  uint64_t n = snow_list_len(l);
  if (!n) snow_panic("List.last: empty list", NULL, 0);
  return snow_list_elems(l)[n - 1];
}

static SnowWord checked_index(SnowObj *l, int64_t i, const char *fname) {
  uint64_t n = snow_list_len(l);
  if (i < 0 || (uint64_t)i >= n) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: index %lld out of bounds (len %llu)", fname, (long long)i,
             (unsigned long long)n);
    snow_panic(msg, NULL, 0);
  }
  return snow_list_elems(l)[i];
}

SnowWord snow_list_get(SnowObj *l, int64_t i) { return checked_index(l, i, "List.get"); }
SnowWord snow_list_nth(SnowObj *l, int64_t i) { return checked_index(l, i, "List.nth"); }

SnowObj *snow_list_append(SnowObj *l, SnowWord x, int64_t elems_are_ptrs) {
  volatile SnowWord vx = x;
  uint64_t n = snow_list_len(l);
  SnowObj *volatile a = copy_elements(l, 1, elems_are_ptrs);
  SNOW_PAYLOAD(a)[n] = vx;
  return snow_list_view(a, 0, n + 1);
}

SnowObj *snow_list_concat(SnowObj *a, SnowObj *b, int64_t elems_are_ptrs) {
  uint64_t na = snow_list_len(a), nb = snow_list_len(b);
  if (!na) return b;
  if (!nb) return a;
  SnowObj *volatile vb = b;
  SnowObj *volatile out = copy_elements(a, nb, elems_are_ptrs);
  memcpy(SNOW_PAYLOAD(out) + na, snow_list_elems(vb), nb * 8);
  return snow_list_view(out, 0, na + nb);
}

SnowObj *snow_list_reverse(SnowObj *l, int64_t elems_are_ptrs) {
  uint64_t n = snow_list_len(l);
  if (n < 2) return l;
  SnowObj *volatile vl = l;
  SnowObj *volatile out = snow_array_new(n, elems_are_ptrs);
  const SnowWord *src = snow_list_elems(vl);
  SnowWord *dst = SNOW_PAYLOAD(out);
  for (uint64_t i = 0; i < n; i++) dst[i] = src[n - 1 - i];
  return snow_list_view(out, 0, n);
}

static uint64_t clamp_count(int64_t k, uint64_t n) {
  if (k < 0) return 0;
  return (uint64_t)k > n ? n : (uint64_t)k;
}

SnowObj *snow_list_take(SnowObj *l, int64_t k, int64_t elems_are_ptrs) {
  (void)elems_are_ptrs; /* the view shares l's array */
  uint64_t n = snow_list_len(l), m = clamp_count(k, n);
  if (m == n) return l;
  return snow_list_view((SnowObj *)SNOW_PAYLOAD(l)[2], SNOW_PAYLOAD(l)[1], m);
}

SnowObj *snow_list_drop(SnowObj *l, int64_t k) {
  uint64_t n = snow_list_len(l), m = clamp_count(k, n);
  if (m == 0) return l;
  return snow_list_view((SnowObj *)SNOW_PAYLOAD(l)[2], SNOW_PAYLOAD(l)[1] + m, n - m);
}

SnowObj *snow_list_map(SnowObj *l, SnowObj *f, int64_t result_ptrs) {
  SnowObj *volatile vl = l, *volatile vf = f;
  uint64_t n = snow_list_len(l);
  if (!n) return snow_list_empty();
  SnowObj *volatile out = snow_array_new(n, result_ptrs);
  for (uint64_t i = 0; i < n; i++) {
    SnowWord y = snow_call1(vf, snow_list_elems(vl)[i]);
    array_set(out, i, y);
  }
  return snow_list_view(out, 0, n);
}

SnowObj *snow_list_filter(SnowObj *l, SnowObj *pred, int64_t elems_are_ptrs) {
  SnowObj *volatile vl = l, *volatile vp = pred;
  uint64_t n = snow_list_len(l), k = 0;
  if (!n) return l;
  SnowObj *volatile out = snow_array_new(n, elems_are_ptrs);
  for (uint64_t i = 0; i < n; i++) {
    SnowWord x = snow_list_elems(vl)[i];
    if (snow_call1(vp, x)) array_set(out, k++, snow_list_elems(vl)[i]);
  }
  if (k == n) return vl;
  return snow_list_view(out, 0, k);
}

SnowWord snow_list_reduce(SnowObj *l, SnowWord init, SnowObj *f) {
  SnowObj *volatile vl = l, *volatile vf = f;
  uint64_t n = snow_list_len(l);
  SnowWord acc = init;
  for (uint64_t i = 0; i < n; i++) acc = snow_call2(vf, acc, snow_list_elems(vl)[i]);
  return acc;
}

/* Stable bottom-up merge sort; cmp(a, b) > 0 means b must come first. */
SnowObj *snow_list_sort(SnowObj *l, SnowObj *cmp, int64_t elems_are_ptrs) {
  uint64_t n = snow_list_len(l);
  if (n < 2) return l;
  SnowObj *volatile vc = cmp;
  SnowObj *volatile src = copy_elements(l, 0, elems_are_ptrs);
  SnowObj *volatile dst = snow_array_new(n, elems_are_ptrs);
  for (uint64_t width = 1; width < n; width *= 2) {
    for (uint64_t lo = 0; lo < n; lo += 2 * width) {
      uint64_t mid = lo + width < n ? lo + width : n;
      uint64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      uint64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        SnowWord x = SNOW_PAYLOAD(src)[i], y = SNOW_PAYLOAD(src)[j];
        if ((int64_t)snow_call2(vc, x, y) > 0) array_set(dst, k++, SNOW_PAYLOAD(src)[j++]);
        else array_set(dst, k++, SNOW_PAYLOAD(src)[i++]);
      }
      while (i < mid) array_set(dst, k++, SNOW_PAYLOAD(src)[i++]);
      while (j < hi) array_set(dst, k++, SNOW_PAYLOAD(src)[j++]);
    }
    SnowObj *t = src;
    src = dst;
    dst = t;
  }
  return snow_list_view(src, 0, n);
}

SnowWord snow_list_find(SnowObj *l, SnowObj *pred, int64_t elems_are_ptrs) {
  SnowObj *volatile vl = l, *volatile vp = pred;
  uint64_t n = snow_list_len(l);
  for (uint64_t i = 0; i < n; i++) {
    volatile SnowWord x = snow_list_elems(vl)[i];
    if (snow_call1(vp, x)) {
      SnowWord field = x;
      return (SnowWord)snow_record(0, elems_are_ptrs ? 1 : 0, 1, &field);
    }
  }
  return 1; /* None */
}

int64_t snow_list_any(SnowObj *l, SnowObj *pred) {
  SnowObj *volatile vl = l, *volatile vp = pred;
  uint64_t n = snow_list_len(l);
  for (uint64_t i = 0; i < n; i++)
    if (snow_call1(vp, snow_list_elems(vl)[i])) return 1;
  return 0;
}

int64_t snow_list_all(SnowObj *l, SnowObj *pred) {
  SnowObj *volatile vl = l, *volatile vp = pred;
  uint64_t n = snow_list_len(l);
  for (uint64_t i = 0; i < n; i++)
    if (!snow_call1(vp, snow_list_elems(vl)[i])) return 0;
  return 1;
}

int64_t snow_list_contains(SnowObj *l, SnowWord x, SnowEqFn eq) {
  SnowObj *volatile vl = l;
  volatile SnowWord vx = x;
  uint64_t n = snow_list_len(l);
  for (uint64_t i = 0; i < n; i++)
    if (eq(snow_list_elems(vl)[i], vx)) return 1;
  return 0;
}

SnowObj *snow_list_zip(SnowObj *a, SnowObj *b, int64_t a_ptr, int64_t b_ptr) {
  SnowObj *volatile va = a, *volatile vb = b;
  uint64_t na = snow_list_len(a), nb = snow_list_len(b), n = na < nb ? na : nb;
  if (!n) return snow_list_empty();
  uint64_t map = (a_ptr ? 1u : 0u) | (b_ptr ? 2u : 0u);
  SnowObj *volatile out = snow_array_new(n, 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *t = snow_alloc(16, SNOW_RECORD, 0, map);
    SNOW_PAYLOAD(t)[0] = snow_list_elems(va)[i];
    SNOW_PAYLOAD(t)[1] = snow_list_elems(vb)[i];
    array_set(out, i, (SnowWord)t);
  }
  return snow_list_view(out, 0, n);
}

SnowObj *snow_list_enumerate(SnowObj *l, int64_t elems_are_ptrs) {
  SnowObj *volatile vl = l;
  uint64_t n = snow_list_len(l);
  if (!n) return snow_list_empty();
  SnowObj *volatile out = snow_array_new(n, 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *t = snow_alloc(16, SNOW_RECORD, 0, elems_are_ptrs ? 2u : 0u);
    SNOW_PAYLOAD(t)[0] = i;
    SNOW_PAYLOAD(t)[1] = snow_list_elems(vl)[i];
    array_set(out, i, (SnowWord)t);
  }
  return snow_list_view(out, 0, n);
}

/* Concatenates the n lists held in the pointer ARRAY `lists`. */
static SnowObj *concat_lists(SnowObj *lists, uint64_t n, int64_t ptrs) {
  SnowObj *volatile vlists = lists;
  uint64_t total = 0;
  for (uint64_t i = 0; i < n; i++) total += snow_list_len((SnowObj *)SNOW_PAYLOAD(lists)[i]);
  if (!total) return snow_list_empty();
  SnowObj *volatile out = snow_array_new(total, ptrs);
  uint64_t k = 0;
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *inner = (SnowObj *)SNOW_PAYLOAD(vlists)[i];
    uint64_t m = snow_list_len(inner);
    if (m) memcpy(SNOW_PAYLOAD(out) + k, snow_list_elems(inner), m * 8);
    k += m;
  }
  return snow_list_view(out, 0, total);
}

SnowObj *snow_list_flat_map(SnowObj *l, SnowObj *f, int64_t result_ptrs) {
  SnowObj *volatile vl = l, *volatile vf = f;
  uint64_t n = snow_list_len(l);
  if (!n) return snow_list_empty();
  SnowObj *volatile parts = snow_array_new(n, 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowWord r = snow_call1(vf, snow_list_elems(vl)[i]);
    array_set(parts, i, r);
  }
  return concat_lists(parts, n, result_ptrs);
}

SnowObj *snow_list_flatten(SnowObj *l, int64_t inner_ptrs) {
  uint64_t n = snow_list_len(l);
  if (!n) return snow_list_empty();
  SnowObj *volatile vl = l;
  SnowObj *volatile parts = copy_elements(vl, 0, 1);
  return concat_lists(parts, n, inner_ptrs);
}

int64_t snow_list_eq(SnowObj *a, SnowObj *b, SnowEqFn eq) {
  SnowObj *volatile va = a, *volatile vb = b;
  uint64_t n = snow_list_len(a);
  if (n != snow_list_len(b)) return 0;
  for (uint64_t i = 0; i < n; i++)
    if (!eq(snow_list_elems(va)[i], snow_list_elems(vb)[i])) return 0;
  return 1;
}

int64_t snow_list_cmp(SnowObj *a, SnowObj *b, SnowCmpFn cmp) {
  SnowObj *volatile va = a, *volatile vb = b;
  uint64_t na = snow_list_len(a), nb = snow_list_len(b), n = na < nb ? na : nb;
  for (uint64_t i = 0; i < n; i++) {
    int64_t c = cmp(snow_list_elems(va)[i], snow_list_elems(vb)[i]);
    if (c) return c < 0 ? -1 : 1;
  }
  return na < nb ? -1 : na > nb;
}

SNOW_STATIC_STRING(text_empty_list, "[]");

SnowObj *snow_list_to_string(SnowObj *l, SnowShowFn show) {
  SnowObj *volatile vl = l;
  uint64_t n = snow_list_len(l);
  if (!n) return &text_empty_list.header;
  SnowObj *volatile parts = snow_array_new(n, 1);
  uint64_t total = 2 + 2 * (n - 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *s = show(snow_list_elems(vl)[i]);
    array_set(parts, i, (SnowWord)s);
    total += snow_str_len(s);
  }
  SnowObj *r = snow_str_alloc(total);
  char *out = snow_str_bytes(r);
  *out++ = '[';
  for (uint64_t i = 0; i < n; i++) {
    if (i) {
      *out++ = ',';
      *out++ = ' ';
    }
    SnowObj *s = (SnowObj *)SNOW_PAYLOAD(parts)[i];
    memcpy(out, snow_str_bytes(s), snow_str_len(s));
    out += snow_str_len(s);
  }
  *out = ']';
  return r;
}
