/* test_actor_pairs.c — a process's (key, pid) sets (runtime/actor/pairs.h):
 * small sets without an index, the index built past SNOW_PAIRS_INDEX_MIN,
 * removal keeping the index right for the pair moved into the hole, searches
 * by the other field, and 200,000 random operations checked against a plain
 * array model (by key and by pid). */
#include "../../runtime/actor/pairs.h"

#include <stdlib.h>

#include "unit.h"

/* The model: present[v] = 1 when a pair with field value v is in the set. */
#define RANGE 4096

static int consistent(SnowPairs *s, const unsigned char *present, int by_key) {
  uint32_t count = 0;
  for (int v = 0; v < RANGE; v++) {
    int i = by_key ? snow_pairs_find_key(s, v) : snow_pairs_find_pid(s, (uint64_t)v);
    if (present[v] != (i >= 0)) return 0;
    if (i >= 0) {
      if ((by_key ? s->items[i].key : (int64_t)s->items[i].pid) != v) return 0;
      count++;
    }
  }
  return count == s->n;
}

static void random_ops(int by_key) {
  SnowPairs s = {0};
  unsigned char *present = calloc(RANGE, 1);
  srand(by_key ? 7 : 11);
  int ok = 1;
  for (int step = 0; step < 200000 && ok; step++) {
    int v = rand() % RANGE;
    int i = by_key ? snow_pairs_find_key(&s, v) : snow_pairs_find_pid(&s, (uint64_t)v);
    if ((i >= 0) != present[v]) ok = 0;
    if (rand() % 3 && !present[v]) { /* add more often than remove: the set grows */
      snow_pairs_add(&s, by_key ? v : -1, by_key ? 0 : (uint64_t)v);
      present[v] = 1;
    } else if (i >= 0) {
      snow_pairs_remove_at(&s, i);
      present[v] = 0;
    }
  }
  CHECK(ok, "every lookup agreed with the model (by %s)", by_key ? "key" : "pid");
  CHECK(snow_pairs_indexed_by(&s) == by_key, "the grown set is indexed");
  CHECK(consistent(&s, present, by_key));
  /* empty it again, in an order that moves pairs around */
  while (s.n) snow_pairs_remove_at(&s, (int)(s.n / 2));
  for (int v = 0; v < RANGE; v++) present[v] = 0;
  CHECK(consistent(&s, present, by_key));
  snow_pairs_free(&s);
  free(present);
}

int main(void) {
  /* small: linear, no index */
  SnowPairs s = {0};
  CHECK(snow_pairs_find_pid(&s, 5) == -1 && snow_pairs_find_key(&s, 5) == -1);
  CHECK(sizeof(SnowPairs) == 16, "four sets per process cost 64 bytes");
  for (int i = 0; i < 10; i++) snow_pairs_add(&s, 100 + i, 200 + (uint64_t)i);
  CHECK(snow_pairs_find_key(&s, 104) == 4 && snow_pairs_find_pid(&s, 209) == 9);
  CHECK(snow_pairs_indexed_by(&s) == -1, "no index below SNOW_PAIRS_INDEX_MIN");
  snow_pairs_remove_at(&s, 0); /* the last pair moves to 0 */
  CHECK(s.n == 9 && s.items[0].key == 109 && snow_pairs_find_key(&s, 100) == -1);

  /* grown: indexed by the first field searched (key), pid stays linear */
  for (int i = 10; i < 1000; i++) snow_pairs_add(&s, 100 + i, 200 + (uint64_t)i);
  CHECK(snow_pairs_find_key(&s, 600) >= 0 && snow_pairs_indexed_by(&s) == 1);
  CHECK(snow_pairs_find_pid(&s, 700) >= 0 && s.items[snow_pairs_find_pid(&s, 700)].key == 600);
  int i = snow_pairs_find_key(&s, 600);
  snow_pairs_remove_at(&s, i);
  CHECK(snow_pairs_find_key(&s, 600) == -1 && snow_pairs_find_key(&s, 1099) >= 0);
  CHECK(s.items[snow_pairs_find_key(&s, 1099)].pid == 1199, "the moved pair is found at its new place");
  /* a struct copy moves the set */
  SnowPairs moved = s;
  s = (SnowPairs){0};
  CHECK(snow_pairs_find_key(&moved, 105) >= 0 && s.n == 0 && snow_pairs_find_key(&s, 105) == -1);
  snow_pairs_free(&moved);
  CHECK(moved.n == 0 && moved.items == NULL && snow_pairs_indexed_by(&moved) == -1);

  random_ops(1);
  random_ops(0);
  return unit_summary();
}
