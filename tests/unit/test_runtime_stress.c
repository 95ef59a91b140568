/* test_runtime_stress.c — the List library and strings under constant
 * collection pressure: a heap with a tiny nursery (a minor collection every
 * couple of blocks), closures and callbacks that allocate, results checked
 * against plain C computations. */
#include "snow_rt.h"
#include "../../runtime/core/gc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const char *str_c(SnowObj *s) { return (const char *)(SNOW_PAYLOAD(s) + 1); }
static int64_t parse(SnowObj *s) { return strtoll(str_c(s), NULL, 10); }

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static SnowObj *closure(void *code, SnowWord capture, uint64_t ptrmap) {
  SnowWord f[2] = {(SnowWord)code, capture};
  return snow_record(0, ptrmap, 2, f);
}

/* x -> "<capture><x * 3>" : allocates several strings */
static SnowWord code_label(SnowObj *c, SnowWord x) {
  SnowObj *num = snow_int_to_string(parse((SnowObj *)x) * 3);
  return (SnowWord)snow_string_concat((SnowObj *)SNOW_PAYLOAD(c)[1], num);
}
/* keeps even numbers; allocates garbage first */
static SnowWord code_even(SnowObj *c, SnowWord x) {
  (void)c;
  for (int i = 0; i < 3; i++) snow_int_to_string(i);
  return parse((SnowObj *)x) % 2 == 0;
}
/* numeric comparison of strings, allocating on the way */
static SnowWord code_cmp(SnowObj *c, SnowWord a, SnowWord b) {
  (void)c;
  snow_string_concat((SnowObj *)a, (SnowObj *)b);
  int64_t x = parse((SnowObj *)a), y = parse((SnowObj *)b);
  return (SnowWord)(int64_t)(x < y ? -1 : x > y);
}
/* x -> [x, "-"] */
static SnowWord code_pair(SnowObj *c, SnowWord x) {
  (void)c;
  SnowWord items[2] = {x, (SnowWord)snow_string_new("-", 1)};
  return (SnowWord)snow_list_from(2, items, 1);
}
static SnowWord code_sum(SnowObj *c, SnowWord acc, SnowWord x) {
  (void)c;
  snow_int_to_string((int64_t)acc);
  return acc + (SnowWord)parse((SnowObj *)x);
}
static SnowObj *show_str(SnowWord w) { return (SnowObj *)w; }
static SnowObj *show_pair(SnowWord w) {
  SnowObj *t = (SnowObj *)w;
  SnowObj *parts[4] = {snow_int_to_string((int64_t)SNOW_PAYLOAD(t)[0]), snow_string_new(":", 1),
                       (SnowObj *)SNOW_PAYLOAD(t)[1], snow_string_new(";", 1)};
  return snow_string_concat_n(4, parts);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static void round_trip(int n) {
  int64_t *vals = malloc(sizeof *vals * (size_t)(n + 1));
  SnowWord *words = malloc(sizeof *words * (size_t)(n + 1));
  for (int i = 0; i < n; i++) vals[i] = (int64_t)(rng() % 1000);
  for (int i = 0; i < n; i++) words[i] = 0;
  SnowObj *volatile list = snow_list_from((uint64_t)n, words, 1);
  free(words);
  /* fill it the slow way: many allocations between the stores */
  for (int i = 0; i < n; i++) {
    SnowObj *items = (SnowObj *)SNOW_PAYLOAD(list)[2];
    SNOW_PAYLOAD(items)[i] = (SnowWord)snow_int_to_string(vals[i]);
    snow_gc_write_barrier(items);
  }
  SnowObj *volatile prefix = snow_string_new("v", 1);
  SnowObj *volatile labels = snow_list_map(list, closure(code_label, (SnowWord)prefix, 2), 1);
  int ok = snow_list_length(labels) == n;
  for (int i = 0; i < n && ok; i++) {
    char want[32];
    snprintf(want, sizeof want, "v%lld", (long long)(vals[i] * 3));
    if (strcmp(str_c((SnowObj *)snow_list_at(labels, i)), want) != 0) ok = 0;
  }
  CHECK(ok);

  SnowObj *volatile evens = snow_list_filter(list, closure(code_even, 0, 0), 1);
  int k = 0;
  ok = 1;
  for (int i = 0; i < n; i++)
    if (vals[i] % 2 == 0) {
      if (k >= snow_list_length(evens) || parse((SnowObj *)snow_list_at(evens, k)) != vals[i]) ok = 0;
      k++;
    }
  CHECK(ok && k == snow_list_length(evens));

  SnowObj *volatile sorted = snow_list_sort(list, closure(code_cmp, 0, 0), 1);
  qsort(vals, (size_t)n, sizeof *vals, cmp_i64);
  ok = snow_list_length(sorted) == n;
  for (int i = 0; i < n && ok; i++)
    if (parse((SnowObj *)snow_list_at(sorted, i)) != vals[i]) ok = 0;
  CHECK(ok);

  int64_t total = 0;
  for (int i = 0; i < n; i++) total += vals[i];
  CHECK((int64_t)snow_list_reduce(sorted, 0, closure(code_sum, 0, 0)) == total);

  SnowObj *volatile pairs = snow_list_flat_map(sorted, closure(code_pair, 0, 0), 1);
  ok = snow_list_length(pairs) == 2 * n;
  for (int i = 0; i < n && ok; i++)
    if (parse((SnowObj *)snow_list_at(pairs, 2 * i)) != vals[i] ||
        strcmp(str_c((SnowObj *)snow_list_at(pairs, 2 * i + 1)), "-") != 0)
      ok = 0;
  CHECK(ok);

  SnowObj *volatile en = snow_list_enumerate(sorted, 1);
  SnowObj *volatile text = snow_list_to_string(en, show_pair);
  SnowObj *volatile zipped = snow_list_zip(labels, sorted, 1, 1);
  SnowObj *volatile ztext = snow_list_to_string(snow_list_map(zipped, closure(code_label, (SnowWord)prefix, 2), 1), show_str);
  (void)ztext;
  /* rebuild the expected enumerate text in C */
  size_t cap = (size_t)n * 24 + 16, len = 0;
  char *want = malloc(cap);
  want[len++] = '[';
  for (int i = 0; i < n; i++) len += (size_t)snprintf(want + len, cap - len, "%s%d:%lld;", i ? ", " : "", i, (long long)vals[i]);
  want[len++] = ']';
  want[len] = 0;
  CHECK(n == 0 ? strcmp(str_c(text), "[]") == 0 : strcmp(str_c(text), want) == 0);
  free(want);
  CHECK(snow_list_length(zipped) == n);
  free(vals);
}

int main(void) {
  snow_gc_init_main(__builtin_frame_address(0));
  SnowHeap *main_heap = snow_current_heap;
  static SnowHeap tiny;
  snow_heap_init(&tiny, __builtin_frame_address(0), 2 * SNOW_BLOCK_SIZE);
  tiny.nursery_max = tiny.min_budget; /* no adaptive growth: collect every 2 blocks */
  snow_current_heap = &tiny;
  int sizes[] = {0, 1, 2, 3, 17, 100, 1000, 3000};
  for (int r = 0; r < 6; r++)
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) round_trip(sizes[i]);
  CHECK(tiny.minor_collections > 100);
  CHECK(tiny.major_collections > 0);
  fprintf(stderr, "stress: %llu minor, %llu major collections\n", (unsigned long long)tiny.minor_collections,
          (unsigned long long)tiny.major_collections);
  snow_current_heap = main_heap;
  snow_heap_destroy(&tiny);
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
