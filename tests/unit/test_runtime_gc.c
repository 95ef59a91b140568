/* test_runtime_gc.c — the heap and the mostly-copying collector: survival of
 * linked and shared structures across forced collections, interior pointers,
 * immediates and static objects in pointer fields, large objects, dead
 * objects in pinned blocks, bounded memory under heavy churn, a binary-trees
 * simulation, and a second heap. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "snow_rt.h"
#include "../../runtime/core/list.h"
#include "../../runtime/core/gc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static SnowObj *S(const char *c) { return snow_string_new(c, strlen(c)); }
static const char *str_c(SnowObj *s) { return (const char *)(SNOW_PAYLOAD(s) + 1); }

static uint64_t rss_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Overwrites dead stack below the caller so that stale words from earlier
 * calls cannot look like references (conservative scanning would keep them). */
__attribute__((noinline, no_sanitize("address"))) static void clobber_stack(void) {
  volatile char junk[16384];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = 0;
}

/* cons cell: [value, next], next is a pointer field */
static SnowObj *cons(SnowWord value, SnowObj *next) {
  SnowWord f[2] = {value, (SnowWord)next};
  return snow_record(0, 0x2, 2, f);
}

static void churn(int n) {
  for (int i = 0; i < n; i++) {
    SnowObj *g = cons((SnowWord)i, NULL);
    (void)g;
    snow_string_new("garbage garbage garbage", 23);
  }
}

/* Builds the list in a helper so that no stale pointers to cells stay in
 * this frame; only the head is returned. */
__attribute__((noinline)) static SnowObj *build_list(int n) {
  SnowObj *head = NULL;
  for (int i = 0; i < n; i++) {
    head = cons((SnowWord)i, head);
    if (i % 1000 == 0) churn(10);
  }
  return head;
}

static int64_t list_sum(SnowObj *l, int *count) {
  int64_t s = 0;
  *count = 0;
  for (; l; l = (SnowObj *)SNOW_PAYLOAD(l)[1]) {
    s += (int64_t)SNOW_PAYLOAD(l)[0];
    (*count)++;
  }
  return s;
}

__attribute__((noinline)) static void test_linked(void) {
  enum { N = 200000 };
  uint64_t before = snow_gc_collection_count();
  SnowObj *volatile head = build_list(N);
  volatile uintptr_t deep_before = 0; /* disguised: must not pin the cell */
  {
    SnowObj *volatile deep_cell = head;
    for (int i = 0; i < 5000; i++) deep_cell = (SnowObj *)SNOW_PAYLOAD(deep_cell)[1];
    deep_before = (uintptr_t)deep_cell ^ 0xA5A5A5A5A5A5A5A5ull;
    deep_cell = NULL;
  }
  clobber_stack();
  snow_gc_collect();
  churn(100000);
  snow_gc_collect();
  int count;
  int64_t sum = list_sum(head, &count);
  CHECK(count == N);
  CHECK(sum == (int64_t)N * (N - 1) / 2);
  CHECK(snow_gc_collection_count() >= before + 2);
  /* a cell far from the pinned head was copied */
  SnowObj *cell = head;
  for (int i = 0; i < 5000; i++) cell = (SnowObj *)SNOW_PAYLOAD(cell)[1];
  CHECK((uintptr_t)cell != (deep_before ^ 0xA5A5A5A5A5A5A5A5ull));
  CHECK(SNOW_PAYLOAD(cell)[0] == (SnowWord)(N - 1 - 5000));
  head = NULL;
}

__attribute__((noinline)) static void test_sharing_and_fields(void) {
  static struct {
    SnowObj h;
    uint64_t len;
    char bytes[8];
  } static_str = {{8 + 4, SNOW_STRING, SNOW_GC_STATIC, 0, 0}, 3, "lit"};
  SnowObj *volatile shared = NULL;
  SnowObj *volatile pair = NULL;
  {
    SnowObj *x = S("shared value");
    SnowWord f[4] = {(SnowWord)x, (SnowWord)x, 7 /* immediate */, (SnowWord)&static_str.h};
    pair = snow_record(1, 0xF, 4, f);
    shared = NULL;
  }
  churn(50000);
  snow_gc_collect();
  snow_gc_collect();
  SnowObj *a = (SnowObj *)SNOW_PAYLOAD(pair)[0], *b = (SnowObj *)SNOW_PAYLOAD(pair)[1];
  CHECK(a == b); /* sharing preserved through forwarding */
  CHECK(strcmp(str_c(a), "shared value") == 0);
  CHECK(SNOW_PAYLOAD(pair)[2] == 7);
  CHECK(SNOW_PAYLOAD(pair)[3] == (SnowWord)&static_str.h);
  CHECK(pair->tag == 1 && pair->ptrmap == 0xF);
  (void)shared;
}

/* Only an interior pointer (into the bytes) keeps the string alive. */
__attribute__((noinline)) static const char *make_interior(void) {
  SnowObj *s = S("interior pointer keeps me");
  return str_c(s) + 9;
}

__attribute__((noinline)) static void test_interior(void) {
  const char *volatile p = make_interior();
  churn(60000);
  snow_gc_collect();
  churn(60000);
  snow_gc_collect();
  CHECK(strcmp(p, "pointer keeps me") == 0);
}

/* A dead object in a pinned block is neutralised (ptrmap 0). */
__attribute__((noinline)) static uintptr_t make_dead_neighbour(SnowObj **keep) {
  SnowObj *target = S("target");
  SnowWord f[1] = {(SnowWord)target};
  SnowObj *dead = snow_record(0, 1, 1, f);
  *keep = cons(1, NULL); /* same block, right after `dead` */
  return (uintptr_t)dead ^ 0xA5A5A5A5A5A5A5A5ull; /* hidden from the scanner */
}

__attribute__((noinline)) static void test_pinned_block(void) {
  SnowObj *keep_slot = NULL;
  volatile uintptr_t hidden = make_dead_neighbour(&keep_slot);
  SnowObj *volatile keep = keep_slot;
  keep_slot = NULL;
  clobber_stack();
  snow_gc_collect();
  SnowObj *dead = (SnowObj *)(hidden ^ 0xA5A5A5A5A5A5A5A5ull);
  CHECK(SNOW_BLOCK_OF(dead) == SNOW_BLOCK_OF(keep)); /* the block stayed in place */
  CHECK(dead->ptrmap == 0);
  CHECK(SNOW_PAYLOAD(keep)[0] == 1);
}

__attribute__((noinline)) static void test_large(void) {
  enum { N = 100000 };
  SnowObj *volatile arr = NULL;
  {
    SnowWord *tmp = calloc(N, sizeof *tmp);
    SnowObj *volatile list = snow_list_from(N, tmp, 1);
    for (int i = 0; i < N; i++) {
      char buf[32];
      int n = snprintf(buf, sizeof buf, "item %d", i);
      SnowObj *s = snow_string_new(buf, (uint64_t)n);
      SnowObj *items = (SnowObj *)SNOW_PAYLOAD(list)[2];
      SNOW_PAYLOAD(items)[i] = (SnowWord)s;
      snow_gc_write_barrier(items); /* stored after later allocations */
    }
    free(tmp);
    arr = list;
    list = NULL;
  }
  churn(100000);
  snow_gc_collect();
  int ok = 1;
  for (int i = 0; i < N && ok; i++) {
    char buf[32];
    snprintf(buf, sizeof buf, "item %d", i);
    if (strcmp(str_c((SnowObj *)snow_list_at(arr, i)), buf) != 0) ok = 0;
  }
  CHECK(ok);
  CHECK(snow_list_length(arr) == N);
  arr = NULL;
  /* large objects are freed: many short-lived big arrays stay bounded */
  uint64_t max_heap = 0;
  for (int i = 0; i < 2000; i++) {
    snow_list_from(20000, (SnowWord[20000]){0}, 0);
    uint64_t h = snow_gc_heap_bytes();
    if (h > max_heap) max_heap = h;
  }
  CHECK(max_heap < (64u << 20));
}

/* ~2.5 GB of allocation with ~100 live strings rotating. */
__attribute__((noinline)) static void test_bounded_memory(void) {
  clobber_stack();
  snow_gc_collect();
  SnowObj *volatile ring = snow_list_from(128, (SnowWord[128]){0}, 1);
  uint64_t total = 0, max_heap = 0;
  char text[200];
  memset(text, 'x', sizeof text);
  for (uint64_t i = 0; total < (2500ull << 20); i++) {
    SnowObj *s = snow_string_new(text, 150 + i % 50);
    total += SNOW_FOOTPRINT(8 + 150 + i % 50 + 1);
    if (i % 64 == 0) {
      SnowObj *items = (SnowObj *)SNOW_PAYLOAD(ring)[2];
      SNOW_PAYLOAD(items)[(i / 64) % 128] = (SnowWord)cons(i, s);
      snow_gc_write_barrier(items);
      total += SNOW_FOOTPRINT(16);
    }
    if (i % 4096 == 0) {
      uint64_t h = snow_gc_heap_bytes();
      if (h > max_heap) max_heap = h;
    }
  }
  CHECK(max_heap <= (16u << 20));
  CHECK(rss_bytes() < (100u << 20));
  SnowObj *items = (SnowObj *)SNOW_PAYLOAD(ring)[2];
  int ok = 1;
  for (int k = 0; k < 128; k++) {
    SnowObj *c = (SnowObj *)SNOW_PAYLOAD(items)[k];
    SnowObj *s = (SnowObj *)SNOW_PAYLOAD(c)[1];
    if (SNOW_PAYLOAD(s)[0] != 150 + SNOW_PAYLOAD(c)[0] % 50 || str_c(s)[0] != 'x') ok = 0;
  }
  CHECK(ok);
  fprintf(stderr, "bounded: %llu MiB allocated, max heap %llu KiB, rss %llu KiB, %llu collections\n",
          (unsigned long long)(total >> 20), (unsigned long long)(max_heap >> 10),
          (unsigned long long)(rss_bytes() >> 10), (unsigned long long)snow_gc_collection_count());
}

/* binary-trees: node = RECORD [left, right] (both pointer fields; a leaf has
 * immediates 0). Children are built before their parent, like generated code. */
static SnowObj *bottom_up(int depth) {
  if (depth == 0) return snow_record(0, 0x3, 2, (SnowWord[2]){0, 0});
  SnowObj *left = bottom_up(depth - 1);
  SnowObj *right = bottom_up(depth - 1);
  SnowWord f[2] = {(SnowWord)left, (SnowWord)right};
  return snow_record(0, 0x3, 2, f);
}

static int64_t check_tree(SnowObj *t) {
  SnowWord l = SNOW_PAYLOAD(t)[0];
  if (l == 0) return 1;
  return 1 + check_tree((SnowObj *)l) + check_tree((SnowObj *)SNOW_PAYLOAD(t)[1]);
}

__attribute__((noinline)) static void test_binary_trees(void) {
  enum { MAX_DEPTH = 16 };
  SnowObj *volatile long_lived = bottom_up(MAX_DEPTH);
  int ok = 1;
  for (int d = 4; d <= MAX_DEPTH; d += 2) {
    int iterations = 1 << (MAX_DEPTH - d + 4);
    int64_t check = 0;
    for (int i = 0; i < iterations; i++) check += check_tree(bottom_up(d));
    if (check != (int64_t)iterations * ((1 << (d + 1)) - 1)) ok = 0;
  }
  CHECK(ok);
  CHECK(check_tree(long_lived) == (1 << (MAX_DEPTH + 1)) - 1);
  long_lived = NULL;
}

/* An old array that receives young pointers stays correct across minor
 * collections thanks to the write barrier; promotion keeps contents. */
__attribute__((noinline)) static void test_generations(void) {
  SnowObj *volatile arr = snow_array_new(64, 1);
  snow_gc_collect(); /* arr is old now */
  CHECK(SNOW_BLOCK_OF(arr)->flags & BLOCK_OLD);
  uint64_t minors = snow_current_heap->minor_collections;
  for (int round = 0; round < 200; round++) {
    for (int k = 0; k < 64; k++) {
      char buf[32];
      int n = snprintf(buf, sizeof buf, "r%d k%d", round, k);
      SnowObj *s = snow_string_new(buf, (uint64_t)n);
      SNOW_PAYLOAD(arr)[k] = (SnowWord)cons((SnowWord)k, s);
      snow_gc_write_barrier(arr);
    }
    churn(2000);
  }
  CHECK(snow_current_heap->minor_collections > minors + 5);
  snow_gc_collect_minor();
  int ok = 1;
  for (int k = 0; k < 64; k++) {
    char buf[32];
    snprintf(buf, sizeof buf, "r199 k%d", k);
    SnowObj *c = (SnowObj *)SNOW_PAYLOAD(arr)[k];
    if (SNOW_PAYLOAD(c)[0] != (SnowWord)k || strcmp(str_c((SnowObj *)SNOW_PAYLOAD(c)[1]), buf) != 0) ok = 0;
  }
  CHECK(ok);
  /* young objects survive minor collections: first as survivors (still
   * young), then promoted to the old generation */
  SnowObj *volatile young = build_list(1000);
  snow_gc_collect_minor();
  int count;
  CHECK(list_sum(young, &count) == 1000 * 999 / 2 && count == 1000);
  SnowObj *cell = (SnowObj *)SNOW_PAYLOAD(young)[1];
  for (int i = 0; i < 500; i++) cell = (SnowObj *)SNOW_PAYLOAD(cell)[1];
  CHECK(SNOW_BLOCK_OF(cell)->flags & BLOCK_SURVIVOR);
  snow_gc_collect_minor();
  cell = (SnowObj *)SNOW_PAYLOAD(young)[1];
  for (int i = 0; i < 500; i++) cell = (SnowObj *)SNOW_PAYLOAD(cell)[1];
  CHECK(SNOW_BLOCK_OF(cell)->flags & BLOCK_OLD);
  CHECK(list_sum(young, &count) == 1000 * 999 / 2 && count == 1000);
  /* an old object pointing to a survivor stays remembered until the
   * survivor is promoted */
  SNOW_PAYLOAD(arr)[0] = (SnowWord)S("fresh string");
  snow_gc_write_barrier(arr);
  snow_gc_collect_minor();
  CHECK(snow_current_heap->remembered_count == 1);
  churn(20000);
  snow_gc_collect_minor();
  churn(20000);
  CHECK(strcmp(str_c((SnowObj *)SNOW_PAYLOAD(arr)[0]), "fresh string") == 0);
  CHECK(SNOW_BLOCK_OF(SNOW_PAYLOAD(arr)[0])->flags & BLOCK_OLD);
  snow_gc_collect_minor();
  CHECK(snow_current_heap->remembered_count == 0);
  arr = NULL;
  young = NULL;
}

/* Objects with pointer fields come back zeroed even from recycled blocks. */
__attribute__((noinline)) static void test_zeroed_pointer_fields(void) {
  char junk[200];
  memset(junk, 0x5A, sizeof junk);
  for (int i = 0; i < 40000; i++) snow_string_new(junk, sizeof junk);
  snow_gc_collect();
  int ok = 1;
  for (int i = 0; i < 40000 && ok; i++) {
    SnowObj *r = snow_alloc(24, SNOW_RECORD, 0, 0x5);
    if (SNOW_PAYLOAD(r)[0] || SNOW_PAYLOAD(r)[2]) ok = 0;
    SNOW_PAYLOAD(r)[1] = 0x5A5A5A5A5A5A5A5Aull; /* the word without a pointer bit */
    SNOW_PAYLOAD(r)[0] = SNOW_PAYLOAD(r)[2] = 0;
    snow_string_new(junk, sizeof junk);
  }
  CHECK(ok);
}

__attribute__((noinline)) static void test_second_heap(void) {
  SnowHeap *main_heap = snow_current_heap;
  SnowHeap other;
  snow_heap_init(&other, __builtin_frame_address(0), 64 << 10);
  snow_current_heap = &other;
  SnowObj *volatile l = build_list(20000);
  churn(20000);
  snow_gc_collect();
  int count;
  CHECK(list_sum(l, &count) == (int64_t)20000 * 19999 / 2 && count == 20000);
  CHECK(snow_gc_heap_bytes() < (8u << 20));
  l = NULL;
  snow_heap_destroy(&other);
  snow_current_heap = main_heap;
  CHECK(snow_gc_heap_bytes() > 0);
}

/* The nursery grows while much of it survives (a list under construction)
 * up to nursery_max, and shrinks back to its floor when garbage dominates. */
__attribute__((noinline)) static void test_adaptive_nursery(void) {
  SnowHeap *main_heap = snow_current_heap;
  SnowHeap other;
  snow_heap_init(&other, __builtin_frame_address(0), 64 << 10);
  snow_current_heap = &other;
  CHECK(other.nursery_budget == other.min_budget && other.nursery_max == 16 * other.min_budget);
  SnowObj *volatile l = build_list(30000); /* ~1 MB, all live */
  CHECK(other.nursery_budget > other.min_budget);
  CHECK(other.nursery_budget <= other.nursery_max);
  uint64_t minors = other.minor_collections;
  churn(200000); /* garbage only: every minor collection shrinks it */
  CHECK(other.minor_collections > minors);
  CHECK(other.nursery_budget == other.nursery_floor);
  int count;
  CHECK(list_sum(l, &count) == (int64_t)30000 * 29999 / 2 && count == 30000);
  l = NULL;
  snow_heap_destroy(&other);
  snow_current_heap = main_heap;
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  test_linked();
  test_sharing_and_fields();
  test_interior();
  test_pinned_block();
  test_large();
  clobber_stack();
  test_bounded_memory();
  test_binary_trees();
  test_generations();
  test_zeroed_pointer_fields();
  test_second_heap();
  test_adaptive_nursery();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
