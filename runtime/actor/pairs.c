/* pairs.c — (key, pid) sets with a lazily built hash index (pairs.h).
 *
 * A set's pairs live in a malloc'd Block after a small header holding the
 * index, so that SnowPairs itself stays two words: the index costs nothing
 * until a set grows past SNOW_PAIRS_INDEX_MIN. */
#include "pairs.h"

#include "../core/gc.h" /* snow_fatal_oom */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY 0u
#define DELETED UINT32_MAX

typedef struct Block {
  /* Open addressing over one field: slot = position + 1, EMPTY, or DELETED;
   * NULL until the set grows past SNOW_PAIRS_INDEX_MIN. */
  uint32_t *index;
  uint32_t index_cap;  /* power of two, or 0 */
  uint32_t index_used; /* slots not EMPTY (live + deleted) */
  uint32_t by_key;     /* the indexed field: 1 key, 0 pid */
  uint32_t unused;
  struct SnowPair items[];
} Block;

static Block *block_of(const SnowPairs *s) {
  return s->items ? (Block *)(void *)((char *)s->items - offsetof(Block, items)) : NULL;
}

static uint64_t field(const SnowPairs *s, const Block *b, uint32_t pos) {
  return b->by_key ? (uint64_t)s->items[pos].key : s->items[pos].pid;
}

static uint32_t slot_of(uint64_t v, uint32_t cap) {
  return (uint32_t)((v * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static void index_insert(const SnowPairs *s, Block *b, uint32_t pos) {
  uint32_t i = slot_of(field(s, b, pos), b->index_cap);
  while (b->index[i] != EMPTY && b->index[i] != DELETED) i = (i + 1) & (b->index_cap - 1);
  if (b->index[i] == EMPTY) b->index_used++;
  b->index[i] = pos + 1;
}

/* (Re)builds the index over every pair, sized for the set's capacity. */
static void index_build(SnowPairs *s, Block *b, uint32_t by_key) {
  uint32_t cap = 64;
  while (cap < s->cap * 2u) cap *= 2;
  free(b->index);
  b->index = calloc(cap, sizeof *b->index);
  if (!b->index) snow_fatal_oom();
  b->index_cap = cap;
  b->index_used = 0;
  b->by_key = by_key;
  for (uint32_t pos = 0; pos < s->n; pos++) index_insert(s, b, pos);
}

/* The index slot holding pos (which is in the index). */
static uint32_t index_slot_of_pos(const SnowPairs *s, const Block *b, uint32_t pos) {
  uint32_t i = slot_of(field(s, b, pos), b->index_cap);
  while (b->index[i] != pos + 1) i = (i + 1) & (b->index_cap - 1);
  return i;
}

void snow_pairs_add(SnowPairs *s, int64_t key, uint64_t pid) {
  Block *b = block_of(s);
  if (s->n == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 4;
    Block *grown = realloc(b, sizeof(Block) + cap * sizeof(struct SnowPair));
    if (!grown) snow_fatal_oom();
    if (!b) memset(grown, 0, sizeof(Block));
    b = grown;
    s->items = b->items;
    s->cap = cap;
  }
  uint32_t pos = s->n++;
  s->items[pos].key = key;
  s->items[pos].pid = pid;
  if (!b->index) return;
  if ((b->index_used + 1) * 2 > b->index_cap) index_build(s, b, b->by_key);
  else index_insert(s, b, pos);
}

static int find(SnowPairs *s, uint64_t v, uint32_t by_key) {
  Block *b = block_of(s);
  if (!b) return -1;
  if (!b->index && s->n > SNOW_PAIRS_INDEX_MIN) index_build(s, b, by_key);
  if (b->index && b->by_key == by_key) {
    uint32_t i = slot_of(v, b->index_cap);
    for (; b->index[i] != EMPTY; i = (i + 1) & (b->index_cap - 1))
      if (b->index[i] != DELETED && field(s, b, b->index[i] - 1) == v) return (int)(b->index[i] - 1);
    return -1;
  }
  for (uint32_t pos = 0; pos < s->n; pos++)
    if ((by_key ? (uint64_t)s->items[pos].key : s->items[pos].pid) == v) return (int)pos;
  return -1;
}

int snow_pairs_find_pid(SnowPairs *s, uint64_t pid) { return find(s, pid, 0); }
int snow_pairs_find_key(SnowPairs *s, int64_t key) { return find(s, (uint64_t)key, 1); }

void snow_pairs_remove_at(SnowPairs *s, int i) {
  Block *b = block_of(s);
  uint32_t pos = (uint32_t)i, last = s->n - 1;
  if (b->index) {
    b->index[index_slot_of_pos(s, b, pos)] = DELETED;
    if (pos != last) b->index[index_slot_of_pos(s, b, last)] = pos + 1;
  }
  s->items[pos] = s->items[last];
  s->n--;
}

void snow_pairs_free(SnowPairs *s) {
  Block *b = block_of(s);
  if (b) {
    free(b->index);
    free(b);
  }
  memset(s, 0, sizeof *s);
}

int snow_pairs_indexed_by(const SnowPairs *s) {
  const Block *b = block_of(s);
  return b && b->index ? (int)b->by_key : -1;
}
