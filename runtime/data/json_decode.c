/* json_decode.c — run-time steps of decoding Json into typed values
 * (web-data-dist.md §1.8, §1.9), called by the compiler-generated
 * `from_json<T>` helpers (compiler/ir/lower_json.c). Every function returns
 * a Result record: Ok(x) = RECORD tag 0, Err(message) = RECORD tag 1; the
 * error strings are exactly those of §1.8. Converters passed in are the
 * generated helpers (SnowFromJsonFn). GC discipline: see json_value.c. */
#include "json.h"

#include "../core/gc.h"
#include "../core/list.h"
#include "../core/text.h"

#include <stdio.h>
#include <string.h>

static SnowObj *ok(SnowWord v, int is_ptr) { return snow_record(0, is_ptr ? 1 : 0, 1, &v); }

static SnowObj *err(const char *message) {
  SnowWord m = (SnowWord)snow_string_new(message, strlen(message));
  return snow_record(1, 1, 1, &m);
}

SnowObj *snow_json_decode_int(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_INT) return ok(SNOW_PAYLOAD(j)[0], 0);
  if (snow_json_kind_of(j) == SNOW_JSON_FLOAT) {
    double d;
    memcpy(&d, &SNOW_PAYLOAD(j)[0], 8);
    return ok((SnowWord)snow_float_to_int(d), 0);
  }
  return err("expected Int");
}

SnowObj *snow_json_decode_float(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_FLOAT) return ok(SNOW_PAYLOAD(j)[0], 0);
  if (snow_json_kind_of(j) == SNOW_JSON_INT) {
    double d = (double)(int64_t)SNOW_PAYLOAD(j)[0];
    SnowWord w;
    memcpy(&w, &d, 8);
    return ok(w, 0);
  }
  return err("expected Float");
}

SnowObj *snow_json_decode_bool(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_BOOL) return ok(SNOW_PAYLOAD(j)[0], 0);
  return err("expected Bool");
}

SnowObj *snow_json_decode_string(SnowObj *j) {
  if (snow_json_kind_of(j) == SNOW_JSON_STRING) return ok(SNOW_PAYLOAD(j)[0], 1);
  return err("expected String");
}

SnowObj *snow_json_decode_list(SnowObj *j, SnowFromJsonFn conv, int64_t elems_are_ptrs) {
  if (snow_json_kind_of(j) != SNOW_JSON_ARRAY) return err("expected Array");
  SnowObj *volatile src = (SnowObj *)SNOW_PAYLOAD(j)[0];
  uint64_t n = snow_list_len(src);
  SnowObj *volatile items = snow_array_new(n, elems_are_ptrs);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *r = conv(snow_list_elems(src)[i]);
    if (r->tag != 0) return r;
    SNOW_PAYLOAD(items)[i] = SNOW_PAYLOAD(r)[0];
    if (elems_are_ptrs) snow_gc_remember(items);
  }
  SnowObj *volatile list = snow_list_view(items, 0, n);
  return ok((SnowWord)list, 1);
}

/* Ok(()) for an object, else Err("expected Object"). */
SnowObj *snow_json_expect_object(SnowObj *j) {
  if (snow_json_kind_of(j) != SNOW_JSON_OBJECT) return err("expected Object");
  return ok(0, 0);
}

SnowObj *snow_json_decode_field(SnowObj *j, SnowObj *key, SnowFromJsonFn conv, int64_t optional) {
  if (snow_json_kind_of(j) != SNOW_JSON_OBJECT) return err("expected Object");
  SnowWord member = snow_json_get(j, key);
  if (member == 1) { /* absent */
    if (optional) return ok(1, 1); /* None */
    SnowObj *volatile k = key;
    SnowObj *prefix = snow_string_new("missing field: ", 15);
    SnowWord m = (SnowWord)snow_string_concat(prefix, k);
    return snow_record(1, 1, 1, &m);
  }
  return conv(SNOW_PAYLOAD((SnowObj *)member)[0]);
}

SnowObj *snow_json_variant_index(SnowObj *j, SnowObj *type_name, SnowObj *variant_names) {
  if (snow_json_kind_of(j) != SNOW_JSON_OBJECT) return err("expected Object");
  SnowObj *volatile vj = j, *volatile tn = type_name, *volatile names = variant_names;
  SnowObj *tag_key = snow_string_new("tag", 3);
  SnowWord tag = snow_json_get(vj, tag_key);
  if (tag == 1) return err("missing field: tag");
  SnowObj *tag_json = (SnowObj *)SNOW_PAYLOAD((SnowObj *)tag)[0];
  if (snow_json_kind_of(tag_json) != SNOW_JSON_STRING) return err("expected String");
  SnowObj *tag_text = (SnowObj *)SNOW_PAYLOAD(tag_json)[0];
  for (uint64_t i = 0; i < snow_list_len(names); i++)
    if (snow_json_key_cmp((SnowObj *)snow_list_elems(names)[i], tag_text) == 0) return ok(i, 0);
  SnowWord m = (SnowWord)snow_string_concat(snow_string_new("unknown variant for ", 20), tn);
  return snow_record(1, 1, 1, &m);
}

SnowObj *snow_json_decode_element(SnowObj *j, int64_t index, SnowFromJsonFn conv) {
  SnowObj *volatile vj = j;
  SnowObj *fields_key = snow_string_new("fields", 6);
  SnowWord fields = snow_json_get(vj, fields_key);
  if (fields == 1) return err("missing field: fields");
  SnowObj *arr = (SnowObj *)SNOW_PAYLOAD((SnowObj *)fields)[0];
  if (snow_json_kind_of(arr) != SNOW_JSON_ARRAY) return err("expected Array");
  SnowObj *items = (SnowObj *)SNOW_PAYLOAD(arr)[0];
  uint64_t n = snow_list_len(items);
  if ((uint64_t)index >= n) {
    char buf[96];
    snprintf(buf, sizeof buf, "array index %lld out of bounds (length %llu)", (long long)index,
             (unsigned long long)n);
    return err(buf);
  }
  return conv(snow_list_elems(items)[index]);
}

SnowObj *snow_json_decode_map(SnowObj *j, SnowFromJsonFn conv, int64_t flags, SnowEqFn eq,
                              SnowHashFn hash) {
  if (snow_json_kind_of(j) != SNOW_JSON_OBJECT) return err("expected Object");
  SnowObj *volatile vj = j;
  SnowObj *volatile acc = snow_map_new(flags);
  uint64_t n = snow_list_len((SnowObj *)SNOW_PAYLOAD(vj)[0]);
  for (uint64_t i = 0; i < n; i++) { /* ascending key order (§1.8) */
    SnowObj *r = conv(snow_list_elems((SnowObj *)SNOW_PAYLOAD(vj)[1])[i]);
    if (r->tag != 0) return r;
    SnowObj *volatile keep = r;
    acc = snow_map_put(acc, snow_list_elems((SnowObj *)SNOW_PAYLOAD(vj)[0])[i], SNOW_PAYLOAD(keep)[0],
                       eq, hash);
  }
  return ok((SnowWord)acc, 1);
}
