/* block_table.c — the per-heap map from block addresses to block headers,
 * used to recognise ambiguous pointers found on the stack (gc.h). Open
 * addressing with linear probing; never deleted from, rebuilt after every
 * collection from the heap's block lists. */
#include "gc.h"

#include <stdlib.h>
#include <string.h>

static void table_put(BlockTable *t, uintptr_t key, SnowBlock *owner);

static void table_resize(BlockTable *t, uint64_t cap) {
  uintptr_t *old_keys = t->keys;
  SnowBlock **old_vals = t->vals;
  uint64_t old_cap = t->cap;
  t->keys = calloc(cap, sizeof *t->keys);
  t->vals = calloc(cap, sizeof *t->vals);
  if (!t->keys || !t->vals) snow_fatal_oom();
  t->cap = cap;
  t->count = 0;
  for (uint64_t i = 0; i < old_cap; i++)
    if (old_keys[i]) table_put(t, old_keys[i], old_vals[i]);
  free(old_keys);
  free(old_vals);
}

static void table_put(BlockTable *t, uintptr_t key, SnowBlock *owner) {
  if ((t->count + 1) * 2 > t->cap) table_resize(t, t->cap ? t->cap * 2 : 64);
  uint64_t i = snow_block_table_slot(key, t->cap);
  while (t->keys[i] && t->keys[i] != key) i = (i + 1) & (t->cap - 1);
  if (!t->keys[i]) t->count++;
  t->keys[i] = key;
  t->vals[i] = owner;
}

void snow_heap_register_span(SnowHeap *h, SnowBlock *b) {
  uintptr_t start = (uintptr_t)b, end = start + b->span_bytes;
  for (uintptr_t a = start; a < end; a += SNOW_BLOCK_SIZE) table_put(&h->table, a, b);
  if (!h->lowest || start < h->lowest) h->lowest = start;
  if (end > h->highest) h->highest = end;
}

/* Rebuilds the table from the heap's lists (after a collection). */
void snow_heap_rebuild_table(SnowHeap *h) {
  uint64_t spans = h->young.block_count + h->old.block_count +
                   (h->young.large_bytes + h->old.large_bytes) / SNOW_BLOCK_SIZE;
  uint64_t cap = 64;
  while (cap < spans * 2 + 2) cap *= 2;
  if (cap != h->table.cap) {
    free(h->table.keys);
    free(h->table.vals);
    h->table.keys = NULL;
    h->table.vals = NULL;
    h->table.cap = 0;
    table_resize(&h->table, cap);
  } else {
    memset(h->table.keys, 0, cap * sizeof *h->table.keys);
    h->table.count = 0;
  }
  h->lowest = h->highest = 0;
  const Generation *gens[2] = {&h->young, &h->old};
  for (int i = 0; i < 2; i++) {
    for (SnowBlock *b = gens[i]->blocks; b; b = b->next) snow_heap_register_span(h, b);
    for (SnowBlock *b = gens[i]->large; b; b = b->next) snow_heap_register_span(h, b);
  }
}

void snow_block_table_free(BlockTable *t) {
  free(t->keys);
  free(t->vals);
  memset(t, 0, sizeof *t);
}
