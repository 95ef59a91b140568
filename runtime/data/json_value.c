/* json_value.c — constructing and inspecting dynamic Json values
 * (stdlib.md §15.2, web-data-dist.md §1.5): the constructor functions, the
 * object builder shared with the parser (keys sorted, last duplicate wins),
 * the inspection functions, structural equality and hashing.
 *
 * GC discipline as in runtime/core/list.c: objects needed across an
 * allocation are kept in volatile locals (stack references pin them), and
 * stores into an array after a later allocation go through snow_gc_remember. */
#include "json.h"

#include "../core/gc.h"
#include "../core/list.h"
#include "../core/panic.h"
#include "../core/text.h"

#include <stdlib.h>
#include <string.h>

static struct {
  SnowObj header;
} json_null_obj = {{0, SNOW_RECORD, SNOW_GC_STATIC, SNOW_JSON_NULL, 0}};
static struct {
  SnowObj header;
  SnowWord value;
} json_true_obj = {{8, SNOW_RECORD, SNOW_GC_STATIC, SNOW_JSON_BOOL, 0}, 1},
  json_false_obj = {{8, SNOW_RECORD, SNOW_GC_STATIC, SNOW_JSON_BOOL, 0}, 0};

SnowObj *snow_json_null(void) { return &json_null_obj.header; }
SnowObj *snow_json_from_bool(int64_t b) { return b ? &json_true_obj.header : &json_false_obj.header; }

SnowObj *snow_json_from_int(int64_t n) {
  SnowWord w = (SnowWord)n;
  return snow_record(SNOW_JSON_INT, 0, 1, &w);
}

SnowObj *snow_json_from_float(double x) {
  SnowWord w;
  memcpy(&w, &x, 8);
  return snow_record(SNOW_JSON_FLOAT, 0, 1, &w);
}

SnowObj *snow_json_from_string(SnowObj *s) {
  SnowWord w = (SnowWord)s;
  return snow_record(SNOW_JSON_STRING, 1, 1, &w);
}

SnowObj *snow_json_array(SnowObj *items) {
  SnowWord w = (SnowWord)items;
  return snow_record(SNOW_JSON_ARRAY, 1, 1, &w);
}

int snow_json_key_cmp(SnowObj *a, SnowObj *b) {
  uint64_t la = snow_str_len(a), lb = snow_str_len(b);
  int c = memcmp(snow_str_bytes(a), snow_str_bytes(b), la < lb ? la : lb);
  if (c) return c < 0 ? -1 : 1;
  return la < lb ? -1 : la > lb;
}

/* Stable merge sort of the index permutation `idx` by key. */
static void sort_indices(uint32_t *idx, uint32_t *tmp, uint64_t n, const SnowWord *keys) {
  if (n < 2) return;
  uint64_t h = n / 2;
  sort_indices(idx, tmp, h, keys);
  sort_indices(idx + h, tmp, n - h, keys);
  uint64_t i = 0, j = h, k = 0;
  while (i < h && j < n) {
    if (snow_json_key_cmp((SnowObj *)keys[idx[j]], (SnowObj *)keys[idx[i]]) < 0) tmp[k++] = idx[j++];
    else tmp[k++] = idx[i++];
  }
  while (i < h) tmp[k++] = idx[i++];
  while (j < n) tmp[k++] = idx[j++];
  memcpy(idx, tmp, n * sizeof *idx);
}

SnowObj *snow_json_object_from_arrays(SnowObj *keys, SnowObj *values, uint64_t n) {
  SnowObj *volatile vkeys = keys, *volatile vvalues = values;
  if (n > UINT32_MAX) snow_fatal("out of memory");
  uint32_t *idx = malloc((n ? n : 1) * sizeof *idx), *tmp = malloc((n ? n : 1) * sizeof *tmp);
  if (!idx || !tmp) snow_fatal("out of memory");
  for (uint64_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
  sort_indices(idx, tmp, n, SNOW_PAYLOAD(vkeys));
  /* keep the last of every run of equal keys (the sort is stable) */
  uint64_t m = 0;
  for (uint64_t i = 0; i < n; i++) {
    const SnowWord *k = SNOW_PAYLOAD(vkeys);
    if (i + 1 < n && snow_json_key_cmp((SnowObj *)k[idx[i]], (SnowObj *)k[idx[i + 1]]) == 0) continue;
    idx[m++] = idx[i];
  }
  free(tmp);
  SnowObj *volatile out_keys = snow_array_new(m, 1);
  SnowObj *volatile out_values = snow_array_new(m, 1);
  for (uint64_t i = 0; i < m; i++) {
    SNOW_PAYLOAD(out_keys)[i] = SNOW_PAYLOAD(vkeys)[idx[i]];
    SNOW_PAYLOAD(out_values)[i] = SNOW_PAYLOAD(vvalues)[idx[i]];
  }
  free(idx);
  snow_gc_remember(out_keys);
  snow_gc_remember(out_values);
  SnowObj *volatile key_list = snow_list_view(out_keys, 0, m);
  SnowObj *volatile value_list = snow_list_view(out_values, 0, m);
  SnowWord fields[2] = {(SnowWord)key_list, (SnowWord)value_list};
  return snow_record(SNOW_JSON_OBJECT, 3, 2, fields);
}

SnowObj *snow_json_object(SnowObj *members) {
  SnowObj *volatile vm = members;
  uint64_t n = snow_list_len(vm);
  SnowObj *volatile keys = snow_array_new(n, 1);
  SnowObj *volatile values = snow_array_new(n, 1);
  const SnowWord *pairs = snow_list_elems(vm);
  for (uint64_t i = 0; i < n; i++) {
    const SnowWord *pair = SNOW_PAYLOAD((SnowObj *)pairs[i]);
    SNOW_PAYLOAD(keys)[i] = pair[0];
    SNOW_PAYLOAD(values)[i] = pair[1];
  }
  snow_gc_remember(keys);
  return snow_json_object_from_arrays(keys, values, n);
}

/* ---- inspection ---- */

SNOW_STATIC_STRING(kind_null, "null");
SNOW_STATIC_STRING(kind_bool, "bool");
SNOW_STATIC_STRING(kind_int, "int");
SNOW_STATIC_STRING(kind_float, "float");
SNOW_STATIC_STRING(kind_string, "string");
SNOW_STATIC_STRING(kind_array, "array");
SNOW_STATIC_STRING(kind_object, "object");

SnowObj *snow_json_kind(SnowObj *j) {
  switch (snow_json_kind_of(j)) {
  case SNOW_JSON_NULL: return &kind_null.header;
  case SNOW_JSON_BOOL: return &kind_bool.header;
  case SNOW_JSON_INT: return &kind_int.header;
  case SNOW_JSON_FLOAT: return &kind_float.header;
  case SNOW_JSON_STRING: return &kind_string.header;
  case SNOW_JSON_ARRAY: return &kind_array.header;
  case SNOW_JSON_OBJECT: return &kind_object.header;
  }
  return &kind_null.header;
}

#define OPTION_NONE ((SnowWord)1)
static SnowWord some(SnowWord x, int is_ptr) { return (SnowWord)snow_record(0, is_ptr ? 1 : 0, 1, &x); }

/* Index of `key` in an object's key list, or -1 (binary search). */
static int64_t object_find(SnowObj *j, SnowObj *key) {
  SnowObj *keys = (SnowObj *)SNOW_PAYLOAD(j)[0];
  const SnowWord *k = snow_list_elems(keys);
  int64_t lo = 0, hi = (int64_t)snow_list_len(keys) - 1;
  while (lo <= hi) {
    int64_t mid = lo + (hi - lo) / 2;
    int c = snow_json_key_cmp((SnowObj *)k[mid], key);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

SnowWord snow_json_get(SnowObj *j, SnowObj *key) {
  if (snow_json_kind_of(j) != SNOW_JSON_OBJECT) return OPTION_NONE;
  int64_t i = object_find(j, key);
  if (i < 0) return OPTION_NONE;
  return some(snow_list_elems((SnowObj *)SNOW_PAYLOAD(j)[1])[i], 1);
}

SnowWord snow_json_at(SnowObj *j, int64_t index) {
  if (snow_json_kind_of(j) != SNOW_JSON_ARRAY) return OPTION_NONE;
  SnowObj *items = (SnowObj *)SNOW_PAYLOAD(j)[0];
  if (index < 0 || (uint64_t)index >= snow_list_len(items)) return OPTION_NONE;
  return some(snow_list_elems(items)[index], 1);
}

SnowObj *snow_json_keys(SnowObj *j) {
  if (snow_json_kind_of(j) != SNOW_JSON_OBJECT) return snow_list_empty();
  return (SnowObj *)SNOW_PAYLOAD(j)[0];
}

int64_t snow_json_length(SnowObj *j) {
  switch (snow_json_kind_of(j)) {
  case SNOW_JSON_ARRAY:
  case SNOW_JSON_OBJECT: return (int64_t)snow_list_len((SnowObj *)SNOW_PAYLOAD(j)[0]);
  default: return 0;
  }
}

static double float_of(SnowObj *j) {
  double d;
  memcpy(&d, &SNOW_PAYLOAD(j)[0], 8);
  return d;
}

SnowWord snow_json_as_int(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_INT) return some(SNOW_PAYLOAD(j)[0], 0);
  if (snow_json_kind_of(j) == SNOW_JSON_FLOAT) return some((SnowWord)snow_float_to_int(float_of(j)), 0);
  return OPTION_NONE;
}

SnowWord snow_json_as_float(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_FLOAT) return some(SNOW_PAYLOAD(j)[0], 0);
  if (snow_json_kind_of(j) == SNOW_JSON_INT) {
    double d = (double)(int64_t)SNOW_PAYLOAD(j)[0];
    SnowWord w;
    memcpy(&w, &d, 8);
    return some(w, 0);
  }
  return OPTION_NONE;
}

SnowWord snow_json_as_string(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_STRING) return some(SNOW_PAYLOAD(j)[0], 1);
  return OPTION_NONE;
}

SnowWord snow_json_as_bool(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_BOOL) return some(SNOW_PAYLOAD(j)[0], 0);
  return OPTION_NONE;
}

int64_t snow_json_is_null(SnowObj *j) { return snow_json_kind_of(j) == SNOW_JSON_NULL; }

/* ---- equality and hashing (Json values stored in collections) ---- */

static int lists_eq(SnowObj *a, SnowObj *b, int strings) {
  uint64_t n = snow_list_len(a);
  if (n != snow_list_len(b)) return 0;
  const SnowWord *x = snow_list_elems(a), *y = snow_list_elems(b);
  for (uint64_t i = 0; i < n; i++) {
    if (strings ? snow_json_key_cmp((SnowObj *)x[i], (SnowObj *)y[i]) != 0 : !snow_json_eq(x[i], y[i]))
      return 0;
  }
  return 1;
}

/* Recursion depth follows the values' nesting; values deeper than the C
 * stack allows can only be built by programs, not parsed (limit 127). */
int64_t snow_json_eq(SnowWord wa, SnowWord wb) {
  SnowObj *a = (SnowObj *)wa, *b = (SnowObj *)wb;
  if (a == b) return 1;
  if (a->tag != b->tag) return 0;
  switch (snow_json_kind_of(a)) {
  case SNOW_JSON_NULL: return 1;
  case SNOW_JSON_BOOL:
  case SNOW_JSON_INT: return SNOW_PAYLOAD(a)[0] == SNOW_PAYLOAD(b)[0];
  case SNOW_JSON_FLOAT: return float_of(a) == float_of(b);
  case SNOW_JSON_STRING:
    return snow_json_key_cmp((SnowObj *)SNOW_PAYLOAD(a)[0], (SnowObj *)SNOW_PAYLOAD(b)[0]) == 0;
  case SNOW_JSON_ARRAY: return lists_eq((SnowObj *)SNOW_PAYLOAD(a)[0], (SnowObj *)SNOW_PAYLOAD(b)[0], 0);
  case SNOW_JSON_OBJECT:
    return lists_eq((SnowObj *)SNOW_PAYLOAD(a)[0], (SnowObj *)SNOW_PAYLOAD(b)[0], 1) &&
           lists_eq((SnowObj *)SNOW_PAYLOAD(a)[1], (SnowObj *)SNOW_PAYLOAD(b)[1], 0);
  }
  return 0;
}

int64_t snow_json_hash(SnowWord wa) {
  SnowObj *a = (SnowObj *)wa;
  int64_t h = snow_hash_int(a->tag);
  switch (snow_json_kind_of(a)) {
  case SNOW_JSON_NULL: return h;
  case SNOW_JSON_BOOL:
  case SNOW_JSON_INT: return snow_hash_combine(h, snow_hash_int((int64_t)SNOW_PAYLOAD(a)[0]));
  case SNOW_JSON_FLOAT: return snow_hash_combine(h, snow_hash_float(float_of(a)));
  case SNOW_JSON_STRING: return snow_hash_combine(h, snow_hash_string((SnowObj *)SNOW_PAYLOAD(a)[0]));
  case SNOW_JSON_ARRAY:
  case SNOW_JSON_OBJECT: {
    SnowObj *l = (SnowObj *)SNOW_PAYLOAD(a)[a->tag == SNOW_JSON_OBJECT ? 1 : 0];
    const SnowWord *e = snow_list_elems(l);
    for (uint64_t i = 0; i < snow_list_len(l); i++) h = snow_hash_combine(h, snow_json_hash(e[i]));
    if (a->tag == SNOW_JSON_OBJECT) {
      SnowObj *k = (SnowObj *)SNOW_PAYLOAD(a)[0];
      for (uint64_t i = 0; i < snow_list_len(k); i++)
        h = snow_hash_combine(h, snow_hash_string((SnowObj *)snow_list_elems(k)[i]));
    }
    return h;
  }
  }
  return h;
}

/* ---- typed encoding support ---- */

SnowObj *snow_json_array_map(SnowObj *list, SnowToJsonFn conv) {
  SnowObj *volatile vl = list;
  uint64_t n = snow_list_len(vl);
  SnowObj *volatile items = snow_array_new(n, 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *j = conv(snow_list_elems(vl)[i]); /* may allocate: re-read the elements */
    SNOW_PAYLOAD(items)[i] = (SnowWord)j;
    snow_gc_remember(items);
  }
  SnowObj *volatile view = snow_list_view(items, 0, n);
  return snow_json_array(view);
}

SnowObj *snow_json_object_from_map(SnowObj *m, SnowToJsonFn conv) {
  SnowObj *volatile vm = m;
  uint64_t n = (uint64_t)snow_map_size(vm);
  SnowObj *volatile keys = snow_array_new(n, 1);
  SnowObj *volatile values = snow_array_new(n, 1);
  for (uint64_t i = 0; i < n; i++) {
    SNOW_PAYLOAD(keys)[i] = snow_map_key_at(vm, (int64_t)i);
    snow_gc_remember(keys);
    SnowObj *j = conv(snow_map_value_at(vm, (int64_t)i)); /* may allocate */
    SNOW_PAYLOAD(values)[i] = (SnowWord)j;
    snow_gc_remember(values);
  }
  return snow_json_object_from_arrays(keys, values, n);
}
