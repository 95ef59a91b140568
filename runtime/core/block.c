/* block.c — the process-wide source of heap blocks and large-object spans.
 *
 * Small blocks are carved from 1 MiB chunks mapped with mmap and aligned to
 * SNOW_BLOCK_SIZE. Returned blocks go on the *warm* free list (pages still
 * resident, reused first, so a heap cycling between its budget and its live
 * size causes no page faults). After a collection, snow_block_trim() moves
 * warm blocks beyond max(POOL_WARM_MIN, 2 x blocks in use) to the *cold*
 * stack (an array outside the blocks, so that their pages stay untouched),
 * giving their pages back with MADV_DONTNEED (they stay mapped, so the number
 * of mappings never grows with churn). Twice the blocks in use is what a heap
 * needs until its next collection (grow to the budget, 2 x live, then copy the
 * live data), so steady state causes no page faults, and resident memory stays
 * at the collector's own peak (about 3 x live) or POOL_WARM_MIN blocks. Large spans get a
 * mapping of their own and are unmapped when freed. One mutex guards the pool
 * because actor heaps on several scheduler threads will share it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "gc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK_BLOCKS 32
#define POOL_WARM_MIN 512 /* 16 MiB */
#define SPAN_CACHE_MAX_BLOCKS 64                 /* 2 MiB */
#define SPAN_CACHE_BYTES ((uint64_t)32 << 20)

typedef struct FreeBlock {
  struct FreeBlock *next;
} FreeBlock;

/* Documented runtime state: the pool, guarded by pool_lock. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static FreeBlock *pool_warm;
static void **pool_cold; /* addresses of cold blocks */
static uint64_t pool_cold_count, pool_cold_cap;
static uint64_t pool_warm_count;
static uint64_t pool_in_use; /* blocks handed out and not returned */

/* Maps `bytes` (a multiple of SNOW_BLOCK_SIZE) aligned to SNOW_BLOCK_SIZE. */
static char *map_aligned(uint64_t bytes) {
  uint64_t total = bytes + SNOW_BLOCK_SIZE;
  char *raw = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) snow_fatal_oom();
  uintptr_t start = ((uintptr_t)raw + SNOW_BLOCK_SIZE - 1) & ~(uintptr_t)(SNOW_BLOCK_SIZE - 1);
  uint64_t head = start - (uintptr_t)raw;
  if (head) munmap(raw, head);
  uint64_t tail = total - head - bytes;
  if (tail) munmap((char *)start + bytes, tail);
  return (char *)start;
}

static void init_block(SnowBlock *b, uint64_t span_bytes, uint32_t flags) {
  memset(b, 0, sizeof *b);
  b->span_bytes = span_bytes;
  b->flags = flags;
  b->used_end = (char *)b + SNOW_BLOCK_OBJECTS;
}

static void push_cold(void *block) {
  if (pool_cold_count == pool_cold_cap) {
    uint64_t cap = pool_cold_cap ? pool_cold_cap * 2 : 256;
    void **n = realloc(pool_cold, cap * sizeof *n);
    if (!n) snow_fatal_oom();
    pool_cold = n;
    pool_cold_cap = cap;
  }
  pool_cold[pool_cold_count++] = block;
}

SnowBlock *snow_block_get(void) {
  pthread_mutex_lock(&pool_lock);
  FreeBlock *f;
  if (pool_warm) {
    f = pool_warm;
    pool_warm = f->next;
    pool_warm_count--;
  } else {
    if (!pool_cold_count) {
      char *chunk = map_aligned(CHUNK_BLOCKS * SNOW_BLOCK_SIZE);
      for (int i = CHUNK_BLOCKS - 1; i >= 0; i--) push_cold(chunk + (uint64_t)i * SNOW_BLOCK_SIZE);
    }
    f = pool_cold[--pool_cold_count];
  }
  pool_in_use++;
  pthread_mutex_unlock(&pool_lock);
  SnowBlock *b = (SnowBlock *)f;
  init_block(b, SNOW_BLOCK_SIZE, 0);
  return b;
}

void snow_block_put(SnowBlock *b) {
  pthread_mutex_lock(&pool_lock);
  FreeBlock *f = (FreeBlock *)b;
  f->next = pool_warm;
  pool_warm = f;
  pool_warm_count++;
  pool_in_use--;
  pthread_mutex_unlock(&pool_lock);
}

void snow_block_trim(void) {
  pthread_mutex_lock(&pool_lock);
  uint64_t keep = 2 * pool_in_use > POOL_WARM_MIN ? 2 * pool_in_use : POOL_WARM_MIN;
  while (pool_warm_count > keep) {
    FreeBlock *f = pool_warm;
    pool_warm = f->next;
    pool_warm_count--;
    madvise(f, SNOW_BLOCK_SIZE, MADV_DONTNEED); /* reads back as zeroes */
    push_cold(f);
  }
  pthread_mutex_unlock(&pool_lock);
}

/* Documented runtime state: cached free spans by size in blocks, guarded by
 * pool_lock (linked through their first word). */
static FreeBlock *span_cache[SPAN_CACHE_MAX_BLOCKS + 1];
static uint64_t span_cache_bytes;

SnowBlock *snow_large_get(uint64_t bytes) {
  uint64_t span = (bytes + SNOW_BLOCK_OBJECTS + SNOW_BLOCK_SIZE - 1) & ~(SNOW_BLOCK_SIZE - 1);
  if (span < bytes) snow_fatal_oom();
  uint64_t nblocks = span / SNOW_BLOCK_SIZE;
  SnowBlock *b = NULL;
  if (nblocks <= SPAN_CACHE_MAX_BLOCKS) {
    pthread_mutex_lock(&pool_lock);
    FreeBlock *f = span_cache[nblocks];
    if (f) {
      span_cache[nblocks] = f->next;
      span_cache_bytes -= span;
      b = (SnowBlock *)f;
    }
    pthread_mutex_unlock(&pool_lock);
  }
  if (!b) b = (SnowBlock *)map_aligned(span);
  init_block(b, span, BLOCK_LARGE);
  return b;
}

void snow_large_put(SnowBlock *b) {
  uint64_t span = b->span_bytes, nblocks = span / SNOW_BLOCK_SIZE;
  if (nblocks <= SPAN_CACHE_MAX_BLOCKS) {
    pthread_mutex_lock(&pool_lock);
    int keep = span_cache_bytes + span <= SPAN_CACHE_BYTES;
    if (keep) {
      FreeBlock *f = (FreeBlock *)b;
      f->next = span_cache[nblocks];
      span_cache[nblocks] = f;
      span_cache_bytes += span;
    }
    pthread_mutex_unlock(&pool_lock);
    if (keep) return;
  }
  munmap(b, span);
}
