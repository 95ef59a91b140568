/* test_actor_copy.c — deep copy between heaps (runtime/actor/copy.h):
 * every object kind (strings incl. empty and static, nested records and
 * variants, closures with captures, lists and views sharing arrays, the
 * empty list, maps, sets, JSON values), preserved sharing, immediates and
 * static objects kept as they are, a 16 MiB string and a 1,000,000-element
 * list, unpacking into a tiny heap (collections inhibited meanwhile), and
 * copies that survive the destruction of the source heap; the flat packing
 * of a single object and the small-message cache. */
#include "snow_rt.h"
#include "../../runtime/actor/copy.h"
#include "../../runtime/core/gc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static SnowHeap heap_a, heap_b;

static SnowObj *S(const char *c) { return snow_string_new(c, strlen(c)); }
static const char *str_c(SnowObj *s) { return (const char *)(SNOW_PAYLOAD(s) + 1); }

/* Is p inside one of h's blocks or large objects? */
static int in_heap(SnowHeap *h, SnowWord p) {
  if (p < SNOW_IMMEDIATE_LIMIT) return 0;
  return snow_block_table_get(&h->table, (uintptr_t)SNOW_BLOCK_OF(p)) != NULL;
}

/* Structural equality of two words that may be pointers; also checks that no
 * object of the copy lies in the source heap. */
static int same(SnowWord a, SnowWord b, int is_ptr, SnowHeap *src) {
  if (!is_ptr || a < SNOW_IMMEDIATE_LIMIT) return a == b;
  const SnowObj *x = (const SnowObj *)a, *y = (const SnowObj *)b;
  if (x->gc & SNOW_GC_STATIC) return a == b;
  if (b < SNOW_IMMEDIATE_LIMIT || in_heap(src, b)) return 0;
  if (x->size != y->size || x->kind != y->kind || x->tag != y->tag || x->ptrmap != y->ptrmap)
    return 0;
  if (x->kind == SNOW_STRING || !x->ptrmap) return memcmp(SNOW_PAYLOAD(x), SNOW_PAYLOAD(y), x->size) == 0;
  uint64_t n = x->size / 8;
  for (uint64_t i = 0; i < n; i++) {
    int p = i < 63 ? (int)((x->ptrmap >> i) & 1) : (int)(x->ptrmap >> 63);
    if (!same(SNOW_PAYLOAD(x)[i], SNOW_PAYLOAD(y)[i], p, src)) return 0;
  }
  return 1;
}

/* Packs words (in heap A), unpacks into heap B; returns the message. */
static SnowMessage *transfer(const SnowWord *in, uint64_t mask, int n, SnowWord *out) {
  snow_current_heap = &heap_a;
  SnowMessage *m = snow_copy_pack(in, mask, n, 24);
  snow_current_heap = &heap_b;
  snow_copy_unpack(m, 24, out, n);
  snow_current_heap = &heap_a;
  return m;
}

static int64_t str_eq(SnowWord a, SnowWord b) { return snow_string_eq((SnowObj *)a, (SnowObj *)b); }
static int64_t str_hash(SnowWord a) { return snow_hash_string((SnowObj *)a); }

static SnowWord add_capture(SnowObj *self) {
  SnowWord *w = SNOW_PAYLOAD(self);
  SnowObj *s = (SnowObj *)w[2];
  return (SnowWord)w[1] + (SnowWord)snow_string_length(s);
}

static void test_scalars_and_strings(void) {
  static struct {
    SnowObj h;
    uint64_t len;
    char bytes[8];
  } static_str = {{12, SNOW_STRING, SNOW_GC_STATIC, 0, 0}, 3, "abc"};
  SnowObj *hello = S("héllo"), *empty = S("");
  SnowWord in[6] = {42, (SnowWord)hello, (SnowWord)empty, (SnowWord)&static_str.h, 7, 0x4001};
  /* word 5 is an odd Int above the immediate limit, not a pointer */
  SnowWord out[6];
  SnowMessage *m = transfer(in, 0x0e, 6, out);
  CHECK(out[0] == 42 && out[4] == 7 && out[5] == 0x4001);
  CHECK(out[1] != in[1] && strcmp(str_c((SnowObj *)out[1]), "héllo") == 0);
  CHECK(in_heap(&heap_b, out[1]) && in_heap(&heap_b, out[2]));
  CHECK(snow_string_length((SnowObj *)out[2]) == 0 && ((SnowObj *)out[2])->size == 9);
  CHECK(out[3] == (SnowWord)&static_str.h, "static objects are not copied");
  /* unpacking twice gives two independent copies */
  SnowWord again[6];
  snow_current_heap = &heap_b;
  snow_copy_unpack(m, 24, again, 6);
  snow_current_heap = &heap_a;
  CHECK(again[1] != out[1] && same(in[1], again[1], 1, &heap_a));
  /* the reserved header bytes are zeroed */
  int zero = 1;
  for (int i = 0; i < 24; i++) zero &= m->data[i] == 0;
  CHECK(zero && m->tag == 0 && m->ref == 0 && m->type == NULL);
  snow_message_free(m);

  /* only immediates: unpacking allocates nothing */
  SnowWord imm_in[3] = {1, 2, 3}, imm_out[3];
  m = snow_copy_pack(imm_in, 0x7, 3, 0);
  snow_current_heap = &heap_b;
  uint64_t before = snow_gc_heap_bytes();
  char *cur = ((SnowAllocWindow *)&heap_b)->cur;
  snow_copy_unpack(m, 0, imm_out, 3);
  CHECK(snow_gc_heap_bytes() == before && ((SnowAllocWindow *)&heap_b)->cur == cur);
  snow_current_heap = &heap_a;
  CHECK(imm_out[0] == 1 && imm_out[1] == 2 && imm_out[2] == 3);
  snow_message_free(m);
}

static void test_records_closures(void) {
  /* Some(Point(1, "x")) inside a variant record with an immediate field */
  SnowObj *name = S("x");
  SnowWord pf[2] = {1, (SnowWord)name};
  SnowObj *point = snow_record(0, 0x2, 2, pf);
  SnowWord sf[1] = {(SnowWord)point};
  SnowObj *some = snow_record(0, 0x1, 1, sf);
  SnowWord vf[3] = {(SnowWord)some, 1 /* None */, 2};
  SnowObj *variant = snow_record(3, 0x3, 3, vf);
  /* a closure: code pointer (not a pointer word) and two captures */
  SnowWord cf[3] = {(SnowWord)add_capture, 100, (SnowWord)S("four")};
  SnowObj *closure = snow_record(0, 0x4, 3, cf);
  SnowWord in[2] = {(SnowWord)variant, (SnowWord)closure}, out[2];
  snow_message_free(transfer(in, 0x3, 2, out));
  CHECK(same(in[0], out[0], 1, &heap_a));
  CHECK(((SnowObj *)out[0])->tag == 3);
  CHECK(same(in[1], out[1], 1, &heap_a));
  snow_current_heap = &heap_b;
  CHECK(snow_call0((SnowObj *)out[1]) == 104, "the copied closure runs with its captures");
  snow_current_heap = &heap_a;
  /* old, remembered source objects: the copies start with clear gc bits */
  snow_gc_collect();
  snow_gc_collect();
  snow_gc_write_barrier(variant);
  CHECK(variant->gc & SNOW_GC_REMEMBERED);
  snow_message_free(transfer(in, 0x3, 2, out));
  CHECK(((SnowObj *)out[0])->gc == 0 && same(in[0], out[0], 1, &heap_a));
}

static void test_lists_sharing(void) {
  SnowWord e[4] = {(SnowWord)S("a"), (SnowWord)S("b"), (SnowWord)S("c"), (SnowWord)S("d")};
  SnowObj *xs = snow_list_from(4, e, 1);
  SnowObj *tail = snow_list_drop(xs, 2);
  SnowObj *empty = snow_list_empty();
  SnowWord tf[2] = {(SnowWord)xs, (SnowWord)xs};
  SnowObj *pair = snow_record(0, 0x3, 2, tf); /* (xs, xs) */
  SnowWord in[4] = {(SnowWord)xs, (SnowWord)tail, (SnowWord)empty, (SnowWord)pair}, out[4];
  snow_message_free(transfer(in, 0xf, 4, out));
  for (int i = 0; i < 4; i++) CHECK(same(in[i], out[i], 1, &heap_a), "word %d", i);
  SnowObj *cx = (SnowObj *)out[0], *ct = (SnowObj *)out[1], *cp = (SnowObj *)out[3];
  CHECK(SNOW_PAYLOAD(cx)[2] == SNOW_PAYLOAD(ct)[2], "the tail view shares the array");
  CHECK(SNOW_PAYLOAD(cp)[0] == out[0] && SNOW_PAYLOAD(cp)[1] == out[0], "(xs, xs) shares xs");
  CHECK(snow_list_length(ct) == 2 && strcmp(str_c((SnowObj *)snow_list_head(ct)), "c") == 0);
  CHECK(out[2] == in[2] || snow_list_length((SnowObj *)out[2]) == 0);
  /* a DAG that would be exponential as a tree: 40 levels of (t, t) */
  SnowObj *t = S("leaf");
  for (int i = 0; i < 40; i++) {
    SnowWord f[2] = {(SnowWord)t, (SnowWord)t};
    t = snow_record(0, 0x3, 2, f);
  }
  SnowWord din[1] = {(SnowWord)t}, dout[1];
  SnowMessage *m = transfer(din, 1, 1, dout);
  CHECK(m->size < 4096, "40 shared levels pack into %zu bytes", m->size);
  snow_message_free(m);
  SnowObj *c = (SnowObj *)dout[0];
  int shared = 1;
  for (int i = 0; i < 40; i++) {
    shared &= SNOW_PAYLOAD(c)[0] == SNOW_PAYLOAD(c)[1];
    c = (SnowObj *)SNOW_PAYLOAD(c)[0];
  }
  CHECK(shared && strcmp(str_c(c), "leaf") == 0);
}

static void test_maps_json(void) {
  SnowObj *m = snow_map_new(3);
  for (int i = 0; i < 50; i++) {
    char k[16], v[16];
    snprintf(k, sizeof k, "k%d", i);
    snprintf(v, sizeof v, "v%d", i * i);
    m = snow_map_put(m, (SnowWord)S(k), (SnowWord)S(v), str_eq, str_hash);
  }
  SnowObj *smaller = snow_map_delete(m, (SnowWord)S("k7"), str_eq, str_hash);
  SnowObj *set = snow_set_new();
  for (int i = 0; i < 20; i++) set = snow_set_add(set, i * 3);
  SnowObj *parsed = snow_json_parse(S("{\"a\": [1, 2.5, true, null, \"s\"], \"b\": {\"c\": \"d\"}}"));
  CHECK(parsed->tag == 0);
  SnowWord json = SNOW_PAYLOAD(parsed)[0];
  SnowWord in[4] = {(SnowWord)m, (SnowWord)smaller, (SnowWord)set, json}, out[4];
  snow_message_free(transfer(in, 0xf, 4, out));
  for (int i = 0; i < 4; i++) CHECK(same(in[i], out[i], 1, &heap_a), "word %d", i);
  snow_current_heap = &heap_b;
  SnowObj *cm = (SnowObj *)out[0];
  CHECK(snow_map_size(cm) == 50 && snow_map_size((SnowObj *)out[1]) == 49);
  SnowWord v = snow_map_get(cm, (SnowWord)S("k9"), str_eq, str_hash);
  CHECK(strcmp(str_c((SnowObj *)v), "v81") == 0, "hashed lookup works on the copy");
  CHECK(!snow_map_has_key((SnowObj *)out[1], (SnowWord)S("k7"), str_eq, str_hash));
  CHECK(snow_set_contains((SnowObj *)out[2], 57) && !snow_set_contains((SnowObj *)out[2], 58));
  CHECK(snow_json_eq(out[3], json));
  SnowObj *text = snow_json_encode((SnowObj *)out[3]);
  CHECK(strcmp(str_c(text), "{\"a\":[1,2.5,true,null,\"s\"],\"b\":{\"c\":\"d\"}}") == 0, "%s",
        str_c(text));
  snow_current_heap = &heap_a;
}

static void test_large(void) {
  /* 16 MiB string */
  size_t big = (size_t)16 << 20;
  char *bytes = malloc(big);
  for (size_t i = 0; i < big; i++) bytes[i] = (char)('a' + i % 26);
  SnowObj *s = snow_string_new(bytes, big);
  /* 1,000,000-element list of Ints and one of shared strings */
  size_t n = 1000000;
  SnowWord *e = malloc(n * sizeof *e);
  for (size_t i = 0; i < n; i++) e[i] = i * 7;
  SnowObj *ints = snow_list_from(n, e, 0);
  free(e);
  SnowObj *word = S("w");
  SnowObj *builder = snow_list_builder_new(1); /* a root while the strings are made */
  for (size_t i = 0; i < n; i++)
    snow_list_builder_push(builder, i % 2 ? (SnowWord)word : (SnowWord)snow_int_to_string((int64_t)i));
  SnowObj *strs = snow_list_builder_finish(builder);
  SnowWord in[3] = {(SnowWord)s, (SnowWord)ints, (SnowWord)strs}, out[3];
  snow_message_free(transfer(in, 0x7, 3, out));
  CHECK(((SnowObj *)out[0])->size == big + 9 && memcmp(str_c((SnowObj *)out[0]), bytes, big) == 0);
  CHECK(same(in[1], out[1], 1, &heap_a));
  CHECK(same(in[2], out[2], 1, &heap_a));
  CHECK(snow_list_at((SnowObj *)out[2], 1) == snow_list_at((SnowObj *)out[2], 999999));
  free(bytes);
}

/* A chain of 200,000 nested records (a user-defined linked list): packing
 * does not recurse on the C stack. */
static void test_deep_chain(void) {
  SnowWord prev = 1; /* the nullary variant ending the chain */
  for (int64_t i = 0; i < 200000; i++) {
    SnowWord f[2] = {(SnowWord)i, prev};
    prev = (SnowWord)snow_record(0, 0x2, 2, f);
  }
  SnowWord in[1] = {prev}, out[1];
  snow_message_free(transfer(in, 1, 1, out));
  int64_t expect = 199999, good = 1;
  SnowWord c = out[0];
  while (c != 1 && good) {
    good &= in_heap(&heap_b, c) && (int64_t)SNOW_PAYLOAD((SnowObj *)c)[0] == expect--;
    c = SNOW_PAYLOAD((SnowObj *)c)[1];
  }
  CHECK(good && expect == -1);
}

/* Unpacks into a heap whose nursery holds two blocks: many collections
 * would start during the unpack if it did not inhibit them. */
static void test_tiny_heap(void) {
  SnowWord e[3000];
  for (int i = 0; i < 3000; i++) {
    SnowWord f[2] = {(SnowWord)i, (SnowWord)snow_int_to_string(i)};
    e[i] = (SnowWord)snow_record(0, 0x2, 2, f);
  }
  SnowObj *xs = snow_list_from(3000, e, 1);
  SnowWord in[1] = {(SnowWord)xs}, out[1];
  SnowMessage *m = snow_copy_pack(in, 1, 1, 0);
  static SnowHeap tiny;
  snow_heap_init(&tiny, __builtin_frame_address(0), 2 * SNOW_BLOCK_SIZE);
  snow_current_heap = &tiny;
  for (int round = 0; round < 5; round++) {
    snow_copy_unpack(m, 0, out, 1);
    snow_gc_collect_minor();
    for (int j = 0; j < 200; j++) snow_int_to_string(j); /* garbage */
    snow_gc_collect();
    CHECK(same(in[0], out[0], 1, &heap_a), "round %d", round);
  }
  CHECK(snow_gc_collection_count() >= 10);
  /* a heap that allocates only by unpacking still collects: memory stays
   * bounded over 100 messages of ~200 KB each */
  uint64_t before = snow_gc_collection_count();
  for (int round = 0; round < 100; round++) snow_copy_unpack(m, 0, out, 1);
  CHECK(snow_gc_collection_count() >= before + 10, "%llu collections",
        (unsigned long long)(snow_gc_collection_count() - before));
  CHECK(snow_gc_heap_bytes() < ((uint64_t)4 << 20), "heap %llu bytes",
        (unsigned long long)snow_gc_heap_bytes());
  CHECK(same(in[0], out[0], 1, &heap_a));
  snow_current_heap = &heap_a;
  snow_heap_destroy(&tiny);
  snow_message_free(m);
}

/* The copy is independent of the source heap: render, destroy A, render. */
static void test_source_destroyed(void) {
  SnowObj *m = snow_map_new(3);
  for (int i = 0; i < 30; i++) {
    char k[16];
    snprintf(k, sizeof k, "key%d", i);
    SnowWord l[2] = {(SnowWord)S(k), (SnowWord)S("v")};
    m = snow_map_put(m, (SnowWord)S(k), (SnowWord)snow_list_from(2, l, 1), str_eq, str_hash);
  }
  SnowWord in[1] = {(SnowWord)m}, out[1];
  snow_message_free(transfer(in, 1, 1, out));
  snow_gc_collect();
  SnowObj *keys_before = snow_string_join(snow_map_keys(m), S(","));
  size_t len = SNOW_PAYLOAD(keys_before)[0];
  char *expect = malloc(len + 1);
  memcpy(expect, str_c(keys_before), len + 1);
  snow_heap_destroy(&heap_a);
  snow_current_heap = &heap_b;
  snow_gc_collect();
  SnowObj *keys_after = snow_string_join(snow_map_keys((SnowObj *)out[0]), S(","));
  CHECK(strcmp(str_c(keys_after), expect) == 0);
  SnowWord v = snow_map_get((SnowObj *)out[0], (SnowWord)S("key29"), str_eq, str_hash);
  CHECK(snow_list_length((SnowObj *)v) == 2 &&
        strcmp(str_c((SnowObj *)snow_list_head((SnowObj *)v)), "key29") == 0);
  free(expect);
}

/* The flat paths (no object table): one root object whose fields need no
 * copy — immediates, a static object, odd integers — packed with and
 * without reserved header bytes, next to the general path's result. */
static void test_flat_single_object(void) {
  static struct {
    SnowObj h;
    uint64_t len;
    char bytes[8];
  } static_str = {{12, SNOW_STRING, SNOW_GC_STATIC, 0, 0}, 3, "abc"};
  SnowWord f[3] = {7, (SnowWord)&static_str.h, 0x4001};
  SnowObj *rec = snow_record(2, 0x3, 3, f); /* word 2 is an Int, not a pointer */
  for (int extra = 0; extra <= 24; extra += 24) {
    snow_current_heap = &heap_a;
    SnowWord in[1] = {(SnowWord)rec}, out[1];
    SnowMessage *m = snow_copy_pack(in, 0x1, 1, (size_t)extra);
    snow_current_heap = &heap_b;
    snow_copy_unpack(m, (size_t)extra, out, 1);
    snow_current_heap = &heap_a;
    CHECK(out[0] != in[0] && in_heap(&heap_b, out[0]) && same(in[0], out[0], 1, &heap_a));
    CHECK(((SnowObj *)out[0])->tag == 2 && ((SnowObj *)out[0])->gc == 0);
    CHECK(SNOW_PAYLOAD((SnowObj *)out[0])[1] == (SnowWord)&static_str.h);
    int zero = 1;
    for (int i = 0; i < extra; i++) zero &= m->data[i] == 0;
    CHECK(zero, "reserved bytes zeroed");
    snow_message_free(m);
  }
  /* a root object pointing to a heap object takes the general path */
  SnowWord g[1] = {(SnowWord)S("inner")};
  SnowObj *outer = snow_record(0, 0x1, 1, g);
  SnowWord in[2] = {(SnowWord)outer, 5}, out[2];
  snow_message_free(transfer(in, 0x1, 2, out));
  CHECK(same(in[0], out[0], 1, &heap_a) && out[1] == 5);
  CHECK(in_heap(&heap_b, SNOW_PAYLOAD((SnowObj *)out[0])[0]));
}

/* Small message blocks are recycled on a thread that enabled the cache;
 * large ones and those of other threads go back to malloc. */
static void test_message_cache(void) {
  SnowMessage *a = snow_message_new(1, 8);
  snow_message_free(a); /* cache off: freed */
  snow_message_cache_enable();
  SnowMessage *b = snow_message_new(1, 40);
  snow_message_free(b);
  SnowMessage *other = snow_message_new(1, 16); /* another size class */
  CHECK(other != b);
  SnowMessage *c = snow_message_new(2, 33);
  CHECK(c == b, "a freed small block is reused for its size class (33..48 bytes)");
  CHECK(c->tag == 2 && c->size == 33 && c->ref == 0 && c->type == NULL && c->next == NULL);
  memset(c->data, 0xab, 48); /* the class's room: ASan checks it */
  snow_message_free(other);
  SnowMessage *big = snow_message_new(1, 4096);
  memset(big->data, 1, 4096);
  snow_message_free(big);
  SnowMessage *many[100];
  for (int i = 0; i < 100; i++) many[i] = snow_message_new(0, 24);
  for (int i = 0; i < 100; i++) snow_message_free(many[i]); /* 64 kept, the rest freed */
  snow_message_free(c);
  snow_message_cache_flush(); /* frees the kept blocks (LeakSanitizer checks) */
  SnowMessage *d = snow_message_new(1, 8);
  snow_message_free(d);
}

int main(void) {
  snow_heap_init(&heap_a, __builtin_frame_address(0), 0);
  snow_heap_init(&heap_b, __builtin_frame_address(0), 0);
  snow_current_heap = &heap_a;
  test_scalars_and_strings();
  test_records_closures();
  test_lists_sharing();
  test_maps_json();
  test_large();
  test_deep_chain();
  test_tiny_heap();
  test_source_destroyed();
  test_flat_single_object();
  test_message_cache();
  return unit_summary();
}
