/* map.c — Map<K, V> and Set (stdlib.md §9, §10): immutable, insertion-ordered
 * hash tables.
 *
 * Layout (a RECORD, ptrmap 0x1e; see the collections block of snow_rt.h):
 *   w0 count   number of entries of this map
 *   w1 keys    ARRAY of >= count keys, in insertion order (pointer flag: keys)
 *   w2 vals    ARRAY of values, same positions and capacity (pointer flag:
 *              values; a Set has the static empty array)
 *   w3 hashes  ARRAY of ints: word 0 = `used`, the number of entries ever
 *              written to these shared arrays; words 1.. the hash of each key
 *              (so the index is rebuilt without calling back into Snow code)
 *   w4 slots   ARRAY of `cap` ints (a power of two >= 2 x the capacity, or
 *              0): open addressing with linear probing; entry index + 1, 0
 *              empty. Entries with index >= count belong to later versions
 *              and are skipped (probing continues past them).
 *   w5 flags   bit 0: keys are pointers, bit 1: values are pointers, bit 2:
 *              the table is a Set
 * Versions share arrays. A put of a *new* key appends in place when this map
 * ends at the shared `used` mark and there is spare capacity (no other
 * version has written past it, and none can see the new entry); otherwise
 * the arrays are copied with doubled capacity, so building a map by puts is
 * amortized O(1) per key. Replacing a value copies the values (O(n)); a
 * delete rebuilds compact arrays (O(n)). Lookups are hashed (O(1) expected).
 * Keys are compared with the compiler's per-type SnowEqFn/SnowHashFn; a Set
 * is the same structure over Int keys with the runtime's own callbacks.
 *
 * Ordering (§9.1): put of a new key appends; put of an existing key replaces
 * the value in place; delete keeps the others' order.
 *
 * GC discipline (gc.h): hashing and equality callbacks run before the first
 * allocation of an update; objects still needed across allocations are kept
 * in volatile locals; fresh arrays are filled right after their allocation
 * with older words. Stores into shared (possibly old) arrays and stores after
 * callbacks (show functions) go through the write barrier. */
#include "gc.h"
#include "list.h"
#include "panic.h"
#include "text.h"

#include <string.h>

enum { W_COUNT, W_KEYS, W_VALS, W_HASHES, W_SLOTS, W_FLAGS, MAP_WORDS };
#define MAP_PTRMAP 0x1eu
#define FLAG_KEY_PTRS 1
#define FLAG_VAL_PTRS 2
#define SET_FLAGS 4 /* the table is a Set: keys only */

static struct {
  SnowObj header;
  SnowWord word;
} empty_array = {{0, SNOW_ARRAY, SNOW_GC_STATIC, 0, 0}, 0};

#define EMPTY ((SnowWord)&empty_array.header)

static inline SnowWord *words(SnowObj *m) {
  return SNOW_PAYLOAD(m);
}
static inline uint64_t count_of(SnowObj *m) {
  return words(m)[W_COUNT];
}
static inline SnowObj *part(SnowObj *m, int w) {
  return (SnowObj *)words(m)[w];
}
static inline SnowWord *arr(SnowObj *m, int w) {
  return SNOW_PAYLOAD(part(m, w));
}
static inline uint64_t slot_cap(SnowObj *m) {
  return part(m, W_SLOTS)->size / 8;
}
/* Entries the shared arrays can hold, and how many they hold. */
static inline uint64_t capacity_of(SnowObj *m) {
  uint32_t size = part(m, W_HASHES)->size;
  return size ? size / 8 - 1 : 0;
}
static inline uint64_t used_of(SnowObj *m) {
  return capacity_of(m) ? arr(m, W_HASHES)[0] : 0;
}
static inline int64_t hash_at(SnowObj *m, uint64_t i) {
  return (int64_t)arr(m, W_HASHES)[1 + i];
}

static uint64_t mix(int64_t h) {
  uint64_t x = (uint64_t)h;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

/* Index of key k (hash h) in m, or -1. Calls eq (may run Snow code). */
static int64_t find(SnowObj *m, SnowWord k, int64_t h, SnowEqFn eq) {
  SnowObj *volatile vm = m;
  uint64_t cap = slot_cap(m), n = count_of(m);
  if (!cap) return -1;
  for (uint64_t pos = mix(h) & (cap - 1);; pos = (pos + 1) & (cap - 1)) {
    uint64_t e = arr(vm, W_SLOTS)[pos];
    if (!e) return -1;
    if (e - 1 < n && hash_at(vm, e - 1) == h && eq(arr(vm, W_KEYS)[e - 1], k))
      return (int64_t)(e - 1);
  }
}

/* An array of `size` words whose first n are copied from `src` (the static
 * empty array when size is 0). */
static SnowObj *copy_of(SnowObj *src, uint64_t n, uint64_t size, int64_t ptrs) {
  if (!size) return (SnowObj *)EMPTY;
  SnowObj *volatile vs = src;
  SnowObj *r = snow_array_new(size, ptrs);
  if (n) memcpy(SNOW_PAYLOAD(r), SNOW_PAYLOAD(vs), n * 8);
  return r;
}

static void slot_insert(SnowObj *slots, uint64_t index, int64_t h) {
  uint64_t cap = slots->size / 8;
  SnowWord *slot = SNOW_PAYLOAD(slots);
  uint64_t pos = mix(h) & (cap - 1);
  while (slot[pos])
    pos = (pos + 1) & (cap - 1);
  slot[pos] = index + 1;
}

/* A fresh slot array for `capacity` entries indexing the first n hashes. */
static SnowObj *build_slots(SnowObj *hashes, uint64_t n, uint64_t capacity) {
  if (!capacity) return (SnowObj *)EMPTY;
  SnowObj *volatile vh = hashes;
  uint64_t cap = 8;
  while (cap < 2 * capacity)
    cap *= 2;
  SnowObj *s = snow_array_new(cap, 0);
  memset(SNOW_PAYLOAD(s), 0, cap * 8);
  for (uint64_t i = 0; i < n; i++)
    slot_insert(s, i, (int64_t)SNOW_PAYLOAD(vh)[1 + i]);
  return s;
}

static SnowObj *make_map(uint64_t n, SnowObj *keys, SnowObj *vals, SnowObj *hashes, SnowObj *slots,
                         int64_t flags) {
  SnowObj *volatile k = keys, *volatile v = vals, *volatile h = hashes, *volatile s = slots;
  SnowObj *m = snow_alloc(MAP_WORDS * 8, SNOW_RECORD, 0, MAP_PTRMAP);
  SnowWord *w = words(m);
  w[W_COUNT] = n;
  w[W_KEYS] = (SnowWord)k;
  w[W_VALS] = (SnowWord)v;
  w[W_HASHES] = (SnowWord)h;
  w[W_SLOTS] = (SnowWord)s;
  w[W_FLAGS] = (SnowWord)flags;
  return m;
}

/* m with entry (k, v, h) appended (k known to be absent). */
static SnowObj *append_entry(SnowObj *m, SnowWord k, SnowWord v, int64_t h) {
  SnowObj *volatile vm = m;
  volatile SnowWord vk = k, vv = v;
  uint64_t n = count_of(m);
  int64_t flags = (int64_t)words(m)[W_FLAGS];
  int is_set = (flags & SET_FLAGS) != 0;
  if (used_of(m) == n && n < capacity_of(m)) { /* in place, past every version */
    SNOW_PAYLOAD(part(vm, W_KEYS))[n] = vk;
    snow_gc_remember(part(vm, W_KEYS));
    if (!is_set) {
      SNOW_PAYLOAD(part(vm, W_VALS))[n] = vv;
      snow_gc_remember(part(vm, W_VALS));
    }
    arr(vm, W_HASHES)[1 + n] = (SnowWord)h;
    arr(vm, W_HASHES)[0] = n + 1;
    slot_insert(part(vm, W_SLOTS), n, h);
    return make_map(n + 1, part(vm, W_KEYS), part(vm, W_VALS), part(vm, W_HASHES),
                    part(vm, W_SLOTS), flags);
  }
  uint64_t capacity = n < 2 ? 4 : 2 * (n + 1);
  if (capacity > (UINT32_MAX - 64) / 8 - 1) snow_fatal("out of memory");
  SnowObj *volatile keys = copy_of(part(vm, W_KEYS), n, capacity, flags & FLAG_KEY_PTRS);
  SNOW_PAYLOAD(keys)[n] = vk;
  SnowObj *volatile vals = (SnowObj *)EMPTY;
  if (!is_set) {
    vals = copy_of(part(vm, W_VALS), n, capacity, flags & FLAG_VAL_PTRS);
    SNOW_PAYLOAD(vals)[n] = vv;
  }
  SnowObj *volatile hashes = snow_array_new(capacity + 1, 0);
  if (n) memcpy(SNOW_PAYLOAD(hashes) + 1, arr(vm, W_HASHES) + 1, n * 8);
  SNOW_PAYLOAD(hashes)[1 + n] = (SnowWord)h;
  SNOW_PAYLOAD(hashes)[0] = n + 1;
  SnowObj *volatile slots = build_slots(hashes, n + 1, capacity);
  return make_map(n + 1, keys, vals, hashes, slots, flags);
}

/* m with the value at index i replaced by v (keys, hashes, index shared). */
static SnowObj *replace_value(SnowObj *m, uint64_t i, SnowWord v) {
  SnowObj *volatile vm = m;
  volatile SnowWord vv = v;
  uint64_t n = count_of(m);
  int64_t flags = (int64_t)words(m)[W_FLAGS];
  SnowObj *volatile vals = copy_of(part(vm, W_VALS), n, capacity_of(vm), flags & FLAG_VAL_PTRS);
  SNOW_PAYLOAD(vals)[i] = vv;
  return make_map(n, part(vm, W_KEYS), vals, part(vm, W_HASHES), part(vm, W_SLOTS), flags);
}

/* m without the entry at index i: compact fresh arrays. */
static SnowObj *remove_entry(SnowObj *m, uint64_t i) {
  SnowObj *volatile vm = m;
  uint64_t n = count_of(m), left = n - 1;
  int64_t flags = (int64_t)words(m)[W_FLAGS];
  SnowObj *volatile keys = (SnowObj *)EMPTY, *volatile vals = (SnowObj *)EMPTY;
  SnowObj *volatile hashes = (SnowObj *)EMPTY, *volatile slots = (SnowObj *)EMPTY;
  if (left) {
    keys = snow_array_new(left, flags & FLAG_KEY_PTRS);
    memcpy(SNOW_PAYLOAD(keys), arr(vm, W_KEYS), i * 8);
    memcpy(SNOW_PAYLOAD(keys) + i, arr(vm, W_KEYS) + i + 1, (left - i) * 8);
    if (!(flags & SET_FLAGS)) {
      vals = snow_array_new(left, flags & FLAG_VAL_PTRS);
      memcpy(SNOW_PAYLOAD(vals), arr(vm, W_VALS), i * 8);
      memcpy(SNOW_PAYLOAD(vals) + i, arr(vm, W_VALS) + i + 1, (left - i) * 8);
    }
    hashes = snow_array_new(left + 1, 0);
    SNOW_PAYLOAD(hashes)[0] = left;
    memcpy(SNOW_PAYLOAD(hashes) + 1, arr(vm, W_HASHES) + 1, i * 8);
    memcpy(SNOW_PAYLOAD(hashes) + 1 + i, arr(vm, W_HASHES) + 2 + i, (left - i) * 8);
    slots = build_slots(hashes, left, left);
  }
  return make_map(left, keys, vals, hashes, slots, flags);
}

/* ---------------------------------------------------------------- Map */

SnowObj *snow_map_new(int64_t flags) {
  return make_map(0, (SnowObj *)EMPTY, (SnowObj *)EMPTY, (SnowObj *)EMPTY, (SnowObj *)EMPTY,
                  flags & (FLAG_KEY_PTRS | FLAG_VAL_PTRS));
}

int64_t snow_map_size(SnowObj *m) {
  return (int64_t)count_of(m);
}
SnowWord snow_map_key_at(SnowObj *m, int64_t i) {
  return arr(m, W_KEYS)[i];
}
SnowWord snow_map_value_at(SnowObj *m, int64_t i) {
  return arr(m, W_VALS)[i];
}

SnowObj *snow_map_put(SnowObj *m, SnowWord k, SnowWord v, SnowEqFn eq, SnowHashFn hash) {
  SnowObj *volatile vm = m;
  volatile SnowWord vk = k, vv = v;
  int64_t h = hash(k);
  int64_t i = find(vm, vk, h, eq);
  if (i >= 0) return replace_value(vm, (uint64_t)i, vv);
  return append_entry(vm, vk, vv, h);
}

int64_t snow_map_has_key(SnowObj *m, SnowWord k, SnowEqFn eq, SnowHashFn hash) {
  SnowObj *volatile vm = m;
  return find(vm, k, hash(k), eq) >= 0;
}

SnowWord snow_map_get(SnowObj *m, SnowWord k, SnowEqFn eq, SnowHashFn hash) {
  SnowObj *volatile vm = m;
  int64_t i = find(vm, k, hash(k), eq);
  if (i < 0) snow_panic("Map.get: key not found", NULL, 0);
  return arr(vm, W_VALS)[i];
}

SnowWord snow_map_get_or(SnowObj *m, SnowWord k, SnowEqFn eq, SnowHashFn hash, SnowWord dflt) {
  SnowObj *volatile vm = m;
  volatile SnowWord vd = dflt;
  int64_t i = find(vm, k, hash(k), eq);
  return i < 0 ? vd : arr(vm, W_VALS)[i];
}

SnowObj *snow_map_delete(SnowObj *m, SnowWord k, SnowEqFn eq, SnowHashFn hash) {
  SnowObj *volatile vm = m;
  int64_t i = find(vm, k, hash(k), eq);
  if (i < 0) return vm;
  return remove_entry(vm, (uint64_t)i);
}

static SnowObj *list_of(SnowObj *m, int w, int64_t ptrs) {
  SnowObj *volatile vm = m;
  uint64_t n = count_of(m);
  if (!n) return snow_list_empty();
  SnowObj *volatile a = copy_of(part(vm, w), n, n, ptrs);
  return snow_list_view(a, 0, n);
}

SnowObj *snow_map_keys(SnowObj *m) {
  return list_of(m, W_KEYS, (int64_t)words(m)[W_FLAGS] & FLAG_KEY_PTRS);
}
SnowObj *snow_map_values(SnowObj *m) {
  return list_of(m, W_VALS, (int64_t)words(m)[W_FLAGS] & FLAG_VAL_PTRS);
}

SnowObj *snow_map_merge(SnowObj *a, SnowObj *b, SnowEqFn eq, SnowHashFn hash) {
  SnowObj *volatile acc = a, *volatile vb = b;
  for (uint64_t i = 0; i < count_of(vb); i++)
    acc = snow_map_put(acc, arr(vb, W_KEYS)[i], arr(vb, W_VALS)[i], eq, hash);
  return acc;
}

SnowObj *snow_map_to_list(SnowObj *m) {
  SnowObj *volatile vm = m;
  uint64_t n = count_of(m);
  if (!n) return snow_list_empty();
  int64_t flags = (int64_t)words(m)[W_FLAGS];
  uint64_t tuple_map = (flags & FLAG_KEY_PTRS ? 1u : 0u) | (flags & FLAG_VAL_PTRS ? 2u : 0u);
  SnowObj *volatile items = snow_array_new(n, 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowWord kv[2] = {arr(vm, W_KEYS)[i], arr(vm, W_VALS)[i]};
    SnowObj *t = snow_record(0, tuple_map, 2, kv);
    SNOW_PAYLOAD(items)[i] = (SnowWord)t;
    snow_gc_remember(items); /* the tuple is younger than the array */
  }
  return snow_list_view(items, 0, n);
}

SnowObj *snow_map_from_list(SnowObj *pairs, int64_t flags, SnowEqFn eq, SnowHashFn hash) {
  SnowObj *volatile vl = pairs;
  SnowObj *volatile acc = snow_map_new(flags);
  for (uint64_t i = 0; i < snow_list_len(vl); i++) {
    SnowObj *t = (SnowObj *)snow_list_elems(vl)[i];
    acc = snow_map_put(acc, SNOW_PAYLOAD(t)[0], SNOW_PAYLOAD(t)[1], eq, hash);
  }
  return acc;
}

/* open + entries joined by ", " + "}"; each entry is show_k(k) [+ " => " + show_v(v)]. */
static SnowObj *show_table(SnowObj *m, const char *open, SnowShowFn show_k, SnowShowFn show_v) {
  SnowObj *volatile vm = m;
  uint64_t n = count_of(m), per = show_v ? 2 : 1;
  size_t open_len = strlen(open);
  uint64_t total = open_len + 1;
  SnowObj *volatile parts = copy_of(NULL, 0, n * per, 1);
  for (uint64_t i = 0; i < n; i++) {
    SnowObj *s = show_k(arr(vm, W_KEYS)[i]);
    SNOW_PAYLOAD(parts)[i * per] = (SnowWord)s;
    snow_gc_remember(parts);
    total += snow_str_len(s) + (i ? 2 : 0);
    if (show_v) {
      s = show_v(arr(vm, W_VALS)[i]);
      SNOW_PAYLOAD(parts)[i * per + 1] = (SnowWord)s;
      snow_gc_remember(parts);
      total += snow_str_len(s) + 4;
    }
  }
  SnowObj *r = snow_str_alloc(total);
  char *out = snow_str_bytes(r);
  memcpy(out, open, open_len);
  out += open_len;
  for (uint64_t i = 0; i < n * per; i++) {
    if (i && i % per == 0) {
      memcpy(out, ", ", 2);
      out += 2;
    } else if (i % per == 1) {
      memcpy(out, " => ", 4);
      out += 4;
    }
    SnowObj *s = (SnowObj *)SNOW_PAYLOAD(parts)[i];
    memcpy(out, snow_str_bytes(s), snow_str_len(s));
    out += snow_str_len(s);
  }
  *out = '}';
  return r;
}

SnowObj *snow_map_to_string(SnowObj *m, SnowShowFn show_k, SnowShowFn show_v) {
  return show_table(m, "%{", show_k, show_v);
}

/* ---------------------------------------------------------------- Set */
/* A Set is a map over Int keys without values (SET_FLAGS). */

static int64_t int_eq(SnowWord a, SnowWord b) {
  return a == b;
}
static int64_t int_hash(SnowWord a) {
  return snow_hash_int((int64_t)a);
}

SnowObj *snow_set_new(void) {
  return make_map(0, (SnowObj *)EMPTY, (SnowObj *)EMPTY, (SnowObj *)EMPTY, (SnowObj *)EMPTY,
                  SET_FLAGS);
}

int64_t snow_set_size(SnowObj *s) {
  return (int64_t)count_of(s);
}
SnowWord snow_set_at(SnowObj *s, int64_t i) {
  return arr(s, W_KEYS)[i];
}

int64_t snow_set_contains(SnowObj *s, int64_t x) {
  return find(s, (SnowWord)x, int_hash((SnowWord)x), int_eq) >= 0;
}

SnowObj *snow_set_add(SnowObj *s, int64_t x) {
  int64_t h = int_hash((SnowWord)x);
  if (find(s, (SnowWord)x, h, int_eq) >= 0) return s;
  return append_entry(s, (SnowWord)x, 0, h);
}

SnowObj *snow_set_remove(SnowObj *s, int64_t x) {
  int64_t i = find(s, (SnowWord)x, int_hash((SnowWord)x), int_eq);
  return i < 0 ? s : remove_entry(s, (uint64_t)i);
}

SnowObj *snow_set_union(SnowObj *a, SnowObj *b) {
  SnowObj *volatile acc = a, *volatile vb = b;
  for (uint64_t i = 0; i < count_of(vb); i++)
    acc = snow_set_add(acc, (int64_t)arr(vb, W_KEYS)[i]);
  return acc;
}

/* The elements of a that are (keep = 1) / are not (keep = 0) in b. */
static SnowObj *set_filter(SnowObj *a, SnowObj *b, int keep) {
  SnowObj *volatile va = a, *volatile vb = b;
  SnowObj *volatile acc = snow_set_new();
  for (uint64_t i = 0; i < count_of(va); i++) {
    int64_t x = (int64_t)arr(va, W_KEYS)[i];
    if (snow_set_contains(vb, x) == keep) acc = snow_set_add(acc, x);
  }
  return acc;
}

SnowObj *snow_set_intersection(SnowObj *a, SnowObj *b) {
  return set_filter(a, b, 1);
}
SnowObj *snow_set_difference(SnowObj *a, SnowObj *b) {
  return set_filter(a, b, 0);
}

SnowObj *snow_set_to_list(SnowObj *s) {
  return list_of(s, W_KEYS, 0);
}

SnowObj *snow_set_from_list(SnowObj *xs) {
  SnowObj *volatile vl = xs;
  SnowObj *volatile acc = snow_set_new();
  for (uint64_t i = 0; i < snow_list_len(vl); i++)
    acc = snow_set_add(acc, (int64_t)snow_list_elems(vl)[i]);
  return acc;
}

static SnowObj *show_int(SnowWord x) {
  return snow_int_to_string((int64_t)x);
}

SnowObj *snow_set_to_string(SnowObj *s) {
  return show_table(s, "#{", show_int, NULL);
}
