/* test_collections.c — the Map, Set, Queue and Range runtime structures
 * (runtime/core/map.c, queue.c, range.c): insertion order under put /
 * replace / delete / re-put, lookups through colliding hashes (a constant
 * hash function), persistence (old versions unchanged), to_list/keys/values,
 * Display texts, Set algebra order, Queue sharing of buffers, and survival
 * of maps with heap keys and values across forced minor and major
 * collections, including collections triggered from inside the callbacks;
 * everything runs twice, the second time on a tiny heap. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "../../runtime/core/gc.h"
#include "../../runtime/core/list.h"
#include "snow_rt.h"

#include <stdio.h>
#include <string.h>

#include "unit.h"

static SnowObj *S(const char *c) {
  return snow_string_new(c, strlen(c));
}
static const char *str_c(SnowObj *s) {
  return (const char *)(SNOW_PAYLOAD(s) + 1);
}
static int str_is(SnowObj *s, const char *c) {
  return strcmp(str_c(s), c) == 0;
}

static int64_t int_eq(SnowWord a, SnowWord b) {
  return a == b;
}
static int64_t int_hash(SnowWord a) {
  return snow_hash_int((int64_t)a);
}
static int64_t bad_hash(SnowWord a) {
  (void)a;
  return 0;
}
static int64_t str_eq(SnowWord a, SnowWord b) {
  return snow_string_eq((SnowObj *)a, (SnowObj *)b);
}
static int gc_every_call;
static int64_t str_hash_gc(SnowWord a) {
  if (gc_every_call) snow_gc_collect_minor();
  return snow_hash_string((SnowObj *)a);
}
static SnowObj *show_int(SnowWord a) {
  return snow_int_to_string((int64_t)a);
}
static SnowObj *show_str(SnowWord a) {
  snow_gc_collect_minor(); /* a callback that allocates and collects */
  return (SnowObj *)a;
}

static void test_order(void) {
  SnowObj *m = snow_map_new(0);
  CHECK(snow_map_size(m) == 0);
  CHECK(str_is(snow_map_to_string(m, show_int, show_int), "%{}"));
  for (int64_t k = 1; k <= 3; k++)
    m = snow_map_put(m, (SnowWord)k, (SnowWord)(k * 10), int_eq, int_hash);
  SnowObj *m3 = m;
  m = snow_map_put(m, 2, 99, int_eq, int_hash); /* replaced in place */
  CHECK(str_is(snow_map_to_string(m, show_int, show_int), "%{1 => 10, 2 => 99, 3 => 30}"));
  CHECK(str_is(snow_map_to_string(m3, show_int, show_int), "%{1 => 10, 2 => 20, 3 => 30}"));
  SnowObj *d = snow_map_delete(m, 1, int_eq, int_hash);
  CHECK(str_is(snow_map_to_string(d, show_int, show_int), "%{2 => 99, 3 => 30}"));
  d = snow_map_put(d, 1, 5, int_eq, int_hash); /* deleted and put again: at the end */
  CHECK(str_is(snow_map_to_string(d, show_int, show_int), "%{2 => 99, 3 => 30, 1 => 5}"));
  CHECK(snow_map_key_at(d, 2) == 1 && snow_map_value_at(d, 2) == 5);
  CHECK(snow_map_delete(d, 42, int_eq, int_hash) == d);
  CHECK(snow_map_get_or(d, 42, int_eq, int_hash, 7) == 7);
  CHECK(snow_map_get(d, 3, int_eq, int_hash) == 30);
  CHECK(snow_map_has_key(d, 2, int_eq, int_hash) && !snow_map_has_key(d, 4, int_eq, int_hash));
  SnowObj *keys = snow_map_keys(d), *vals = snow_map_values(d);
  CHECK(snow_list_length(keys) == 3 && snow_list_at(keys, 0) == 2 && snow_list_at(vals, 2) == 5);
  SnowObj *pairs = snow_map_to_list(d);
  SnowObj *p0 = (SnowObj *)snow_list_at(pairs, 0);
  CHECK(SNOW_PAYLOAD(p0)[0] == 2 && SNOW_PAYLOAD(p0)[1] == 99);
  SnowObj *back = snow_map_from_list(pairs, 0, int_eq, int_hash);
  CHECK(str_is(snow_map_to_string(back, show_int, show_int), "%{2 => 99, 3 => 30, 1 => 5}"));
}

static void test_collisions(void) {
  SnowObj *m = snow_map_new(0);
  for (int64_t k = 0; k < 200; k++)
    m = snow_map_put(m, (SnowWord)k, (SnowWord)(k + 1), int_eq, bad_hash);
  int ok = 1;
  for (int64_t k = 0; k < 200; k++)
    ok &= snow_map_get(m, (SnowWord)k, int_eq, bad_hash) == (SnowWord)(k + 1);
  CHECK(ok);
  CHECK(!snow_map_has_key(m, 200, int_eq, bad_hash));
  for (int64_t k = 0; k < 200; k += 2)
    m = snow_map_delete(m, (SnowWord)k, int_eq, bad_hash);
  CHECK(snow_map_size(m) == 100);
  ok = 1;
  for (int64_t i = 0; i < 100; i++)
    ok &= snow_map_key_at(m, i) == (SnowWord)(2 * i + 1);
  for (int64_t k = 0; k < 200; k++)
    ok &= snow_map_has_key(m, (SnowWord)k, int_eq, bad_hash) == (k % 2 == 1);
  CHECK(ok);
}

/* Many string keys and list values, with collections inside the hash callback
 * and between operations; every old version must stay intact. */
__attribute__((noinline)) static SnowObj *build_strings(int n) {
  SnowObj *m = snow_map_new(3);
  char buf[32];
  for (int i = 0; i < n; i++) {
    snprintf(buf, sizeof buf, "key%d", i);
    SnowWord v[1] = {(SnowWord)S(buf)};
    SnowObj *list = snow_list_from(1, v, 1);
    m = snow_map_put(m, (SnowWord)S(buf), (SnowWord)list, str_eq, str_hash_gc);
    if (i % 50 == 0) snow_gc_collect();
  }
  return m;
}

static void test_gc(void) {
  gc_every_call = 1;
  SnowObj *m = build_strings(600);
  snow_gc_collect();
  snow_gc_collect_minor();
  CHECK(snow_map_size(m) == 600);
  int ok = 1;
  char buf[32];
  for (int i = 0; i < 600; i++) {
    snprintf(buf, sizeof buf, "key%d", i);
    SnowObj *k = S(buf);
    SnowObj *l = (SnowObj *)snow_map_get(m, (SnowWord)k, str_eq, str_hash_gc);
    ok &= str_is((SnowObj *)snow_list_at(l, 0), buf);
    ok &= str_is((SnowObj *)snow_map_key_at(m, i), buf);
  }
  CHECK(ok);
  SnowObj *small = snow_map_new(3);
  small = snow_map_put(small, (SnowWord)S("b"), (SnowWord)S("x"), str_eq, str_hash_gc);
  small = snow_map_put(small, (SnowWord)S("a"), (SnowWord)S("y"), str_eq, str_hash_gc);
  SnowObj *text = snow_map_to_string(small, show_str, show_str);
  CHECK(str_is(text, "%{b => x, a => y}"));
  SnowObj *pairs = snow_map_to_list(m);
  snow_gc_collect();
  SnowObj *p = (SnowObj *)snow_list_at(pairs, 599);
  CHECK(str_is((SnowObj *)SNOW_PAYLOAD(p)[0], "key599"));
  gc_every_call = 0;
}

/* Versions sharing arrays: appends in place must never show in other
 * versions, whichever branch appends first. */
static void test_branches(void) {
  SnowObj *base = snow_map_new(0);
  for (int64_t k = 0; k < 3; k++)
    base = snow_map_put(base, (SnowWord)k, 0, int_eq, int_hash);
  SnowObj *b1 = snow_map_put(base, 100, 1, int_eq, int_hash);
  SnowObj *b2 = snow_map_put(base, 200, 2, int_eq, int_hash);
  SnowObj *b3 = snow_map_put(b1, 101, 3, int_eq, int_hash);
  SnowObj *r = snow_map_put(base, 1, 9, int_eq, int_hash); /* replace, then append */
  SnowObj *r2 = snow_map_put(r, 300, 4, int_eq, int_hash);
  CHECK(str_is(snow_map_to_string(base, show_int, show_int), "%{0 => 0, 1 => 0, 2 => 0}"));
  CHECK(str_is(snow_map_to_string(b1, show_int, show_int), "%{0 => 0, 1 => 0, 2 => 0, 100 => 1}"));
  CHECK(str_is(snow_map_to_string(b2, show_int, show_int), "%{0 => 0, 1 => 0, 2 => 0, 200 => 2}"));
  CHECK(str_is(snow_map_to_string(b3, show_int, show_int),
               "%{0 => 0, 1 => 0, 2 => 0, 100 => 1, 101 => 3}"));
  CHECK(str_is(snow_map_to_string(r2, show_int, show_int), "%{0 => 0, 1 => 9, 2 => 0, 300 => 4}"));
  CHECK(!snow_map_has_key(base, 100, int_eq, int_hash) &&
        !snow_map_has_key(b2, 100, int_eq, int_hash));
  CHECK(!snow_map_has_key(b1, 200, int_eq, int_hash) &&
        snow_map_has_key(b3, 100, int_eq, int_hash));
  CHECK(snow_map_get_or(r2, 1, int_eq, int_hash, 7) == 9 &&
        snow_map_get(b1, 1, int_eq, int_hash) == 0);
  SnowObj *big = snow_map_new(0);
  for (int64_t k = 0; k < 200000; k++)
    big = snow_map_put(big, (SnowWord)k, (SnowWord)k, int_eq, int_hash);
  int ok = snow_map_size(big) == 200000;
  for (int64_t k = 0; k < 200000; k += 997)
    ok &= snow_map_get(big, (SnowWord)k, int_eq, int_hash) == (SnowWord)k;
  CHECK(ok);
  SnowObj *s = snow_set_add(snow_set_add(snow_set_new(), 1), 2);
  SnowObj *s1 = snow_set_add(s, 3), *s2 = snow_set_add(s, 4);
  CHECK(str_is(snow_set_to_string(s1), "#{1, 2, 3}") &&
        str_is(snow_set_to_string(s2), "#{1, 2, 4}"));
  CHECK(!snow_set_contains(s2, 3) && !snow_set_contains(s, 4));
}

static void test_set(void) {
  SnowWord xs[] = {7, 3, 7, 1};
  SnowObj *s = snow_set_from_list(snow_list_from(4, xs, 0));
  CHECK(str_is(snow_set_to_string(s), "#{7, 3, 1}"));
  CHECK(snow_set_size(s) == 3 && snow_set_at(s, 1) == 3);
  CHECK(snow_set_add(s, 3) == s);
  SnowObj *r = snow_set_remove(s, 7);
  CHECK(str_is(snow_set_to_string(r), "#{3, 1}") && str_is(snow_set_to_string(s), "#{7, 3, 1}"));
  SnowWord ys[] = {1, 9};
  SnowObj *b = snow_set_from_list(snow_list_from(2, ys, 0));
  CHECK(str_is(snow_set_to_string(snow_set_union(s, b)), "#{7, 3, 1, 9}"));
  CHECK(str_is(snow_set_to_string(snow_set_intersection(s, b)), "#{1}"));
  CHECK(str_is(snow_set_to_string(snow_set_difference(s, b)), "#{7, 3}"));
  CHECK(str_is(snow_set_to_string(snow_set_new()), "#{}"));
  CHECK(snow_set_contains(s, 1) && !snow_set_contains(s, 2));
  SnowObj *big = snow_set_new();
  for (int64_t i = 0; i < 1000; i++)
    big = snow_set_add(big, i * 7919 % 1000);
  CHECK(snow_set_size(big) == 1000 && snow_set_at(big, 1) == 919);
}

static void test_queue(void) {
  SnowObj *q1 = snow_queue_push(snow_queue_new(), 1);
  SnowObj *a = snow_queue_push(q1, 2);
  SnowObj *b = snow_queue_push(q1, 3); /* must not overwrite a's 2 */
  CHECK(snow_queue_size(a) == 2 && snow_queue_size(b) == 2 && snow_queue_size(q1) == 1);
  SnowObj *pa = snow_queue_pop(a), *pb = snow_queue_pop(b);
  CHECK(SNOW_PAYLOAD(pa)[0] == 1 && snow_queue_peek((SnowObj *)SNOW_PAYLOAD(pa)[1]) == 2);
  CHECK(snow_queue_peek((SnowObj *)SNOW_PAYLOAD(pb)[1]) == 3);
  SnowObj *q = snow_queue_new();
  for (int64_t i = 0; i < 5000; i++) {
    q = snow_queue_push(q, i);
    if (i % 3 == 0) q = (SnowObj *)SNOW_PAYLOAD(snow_queue_pop(q))[1];
  }
  snow_gc_collect();
  CHECK(snow_queue_size(q) == 5000 - 1667);
  CHECK(snow_queue_peek(q) == 1667);
  CHECK(snow_queue_is_empty(snow_queue_new()) && !snow_queue_is_empty(q));
}

static int64_t square(SnowObj *self, int64_t i) {
  (void)self;
  return i * i;
}

static void test_range(void) {
  SnowObj *r = snow_range_new(2, 6);
  CHECK(snow_range_length(r) == 4 && snow_range_length(snow_range_new(6, 2)) == 0);
  SnowObj *l = snow_range_to_list(r);
  CHECK(snow_list_length(l) == 4 && snow_list_at(l, 3) == 5);
  CHECK(snow_list_length(snow_range_to_list(snow_range_new(3, 3))) == 0);
  SnowWord code[1] = {(SnowWord)(void *)square};
  SnowObj *f = snow_record(0, 0, 1, code);
  SnowObj *sq = snow_range_map(r, f, 0);
  CHECK(snow_list_at(sq, 0) == 4 && snow_list_at(sq, 3) == 25);
}

static void run_all(void) {
  test_order();
  test_collisions();
  test_gc();
  test_branches();
  test_set();
  test_queue();
  test_range();
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  run_all();
  /* again on a tiny heap: minor collections every two blocks */
  static SnowHeap tiny;
  snow_heap_init(&tiny, __builtin_frame_address(0), 2 * SNOW_BLOCK_SIZE);
  snow_current_heap = &tiny;
  uint64_t before = snow_gc_collection_count();
  run_all();
  CHECK(snow_gc_collection_count() - before > 50);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
