/* pairs.c — (key, pid) sets with a lazily built hash index (pairs.h). */
#include "pairs.h"

#include "../core/gc.h" /* snow_fatal_oom */

#include <stdlib.h>
#include <string.h>

#define EMPTY 0u
#define DELETED UINT32_MAX

static uint64_t field(const SnowPairs *s, uint32_t pos) {
  return s->index_by_key ? (uint64_t)s->items[pos].key : s->items[pos].pid;
}

static uint32_t slot_of(uint64_t v, uint32_t cap) {
  return (uint32_t)((v * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static void index_insert(SnowPairs *s, uint32_t pos) {
  uint32_t i = slot_of(field(s, pos), s->index_cap);
  while (s->index[i] != EMPTY && s->index[i] != DELETED) i = (i + 1) & (s->index_cap - 1);
  if (s->index[i] == EMPTY) s->index_used++;
  s->index[i] = pos + 1;
}

/* Rebuilds the index over every pair, sized for the set's capacity. */
static void index_build(SnowPairs *s, int by_key) {
  uint32_t cap = 64;
  while (cap < s->cap * 2u) cap *= 2;
  free(s->index);
  s->index = calloc(cap, sizeof *s->index);
  if (!s->index) snow_fatal_oom();
  s->index_cap = cap;
  s->index_used = 0;
  s->index_by_key = (uint8_t)by_key;
  for (uint32_t pos = 0; pos < s->n; pos++) index_insert(s, pos);
}

/* The index slot holding pos (which is in the index). */
static uint32_t index_slot_of_pos(const SnowPairs *s, uint32_t pos) {
  uint32_t i = slot_of(field(s, pos), s->index_cap);
  while (s->index[i] != pos + 1) i = (i + 1) & (s->index_cap - 1);
  return i;
}

void snow_pairs_add(SnowPairs *s, int64_t key, uint64_t pid) {
  if (s->n == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 4;
    void *items = realloc(s->items, cap * sizeof *s->items);
    if (!items) snow_fatal_oom();
    s->items = items;
    s->cap = cap;
  }
  uint32_t pos = s->n++;
  s->items[pos].key = key;
  s->items[pos].pid = pid;
  if (!s->index) return;
  if ((s->index_used + 1) * 2 > s->index_cap) index_build(s, s->index_by_key);
  else index_insert(s, pos);
}

static int find(SnowPairs *s, uint64_t v, int by_key) {
  if (!s->index && s->n > SNOW_PAIRS_INDEX_MIN) index_build(s, by_key);
  if (s->index && s->index_by_key == by_key) {
    uint32_t i = slot_of(v, s->index_cap);
    for (; s->index[i] != EMPTY; i = (i + 1) & (s->index_cap - 1))
      if (s->index[i] != DELETED && field(s, s->index[i] - 1) == v) return (int)(s->index[i] - 1);
    return -1;
  }
  for (uint32_t pos = 0; pos < s->n; pos++)
    if ((by_key ? (uint64_t)s->items[pos].key : s->items[pos].pid) == v) return (int)pos;
  return -1;
}

int snow_pairs_find_pid(SnowPairs *s, uint64_t pid) { return find(s, pid, 0); }
int snow_pairs_find_key(SnowPairs *s, int64_t key) { return find(s, (uint64_t)key, 1); }

void snow_pairs_remove_at(SnowPairs *s, int i) {
  uint32_t pos = (uint32_t)i, last = s->n - 1;
  if (s->index) {
    s->index[index_slot_of_pos(s, pos)] = DELETED;
    if (pos != last) s->index[index_slot_of_pos(s, last)] = pos + 1;
  }
  s->items[pos] = s->items[last];
  s->n--;
}

void snow_pairs_free(SnowPairs *s) {
  free(s->items);
  free(s->index);
  memset(s, 0, sizeof *s);
}
