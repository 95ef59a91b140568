/* heap.c — heaps: initialisation, the main thread's heap, the allocation
 * slow path (new blocks, large objects, triggering collections) and the
 * remembered set behind the write barrier. The fast path is in snow_heap.h;
 * the collector in gc.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "gc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MIN_BUDGET ((uint64_t)4 << 20)

_Thread_local SnowHeap *snow_current_heap;

/* The heap of the program's main thread (documented runtime state). */
static SnowHeap main_heap;
static int main_heap_ready;

void snow_heap_init(SnowHeap *h, void *stack_base, uint64_t min_budget) {
  memset(h, 0, sizeof *h);
  h->min_budget = min_budget ? min_budget : DEFAULT_MIN_BUDGET;
  h->nursery_budget = h->min_budget;
  h->nursery_floor = h->min_budget;
  /* the survival-driven growth of the nursery (gc.c) stops here */
  h->nursery_max = h->min_budget * 16 < ((uint64_t)64 << 20) ? h->min_budget * 16 : ((uint64_t)64 << 20);
  h->old_budget = h->min_budget;
  h->stack_base = stack_base;
}

static void release_generation(Generation *gen) {
  for (SnowBlock *b = gen->blocks, *next; b; b = next) {
    next = b->next;
    snow_block_put(b);
  }
  for (SnowBlock *b = gen->large, *next; b; b = next) {
    next = b->next;
    snow_large_put(b);
  }
  memset(gen, 0, sizeof *gen);
}

void snow_heap_destroy(SnowHeap *h) {
  release_generation(&h->young);
  release_generation(&h->old);
  free(h->remembered);
  snow_block_table_free(&h->table);
  memset(h, 0, sizeof *h);
}

void snow_gc_init_main(void *stack_base) {
  if (!main_heap_ready) {
    if (!stack_base) {
      pthread_attr_t attr;
      void *addr = NULL;
      size_t size = 0;
      if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &addr, &size);
        pthread_attr_destroy(&attr);
      }
      stack_base = (char *)addr + size;
    }
    snow_heap_init(&main_heap, stack_base, 0);
    main_heap_ready = 1;
  } else if (stack_base) {
    main_heap.stack_base = stack_base;
  }
  snow_current_heap = &main_heap;
}

uint64_t snow_gc_heap_bytes(void) {
  SnowHeap *h = snow_current_heap;
  return h ? snow_generation_bytes(&h->young) + snow_generation_bytes(&h->old) : 0;
}

uint64_t snow_gc_collection_count(void) {
  SnowHeap *h = snow_current_heap;
  return h ? h->minor_collections + h->major_collections : 0;
}

void snow_gc_write_barrier(SnowObj *obj) {
  if ((SnowWord)obj < SNOW_IMMEDIATE_LIMIT) return;
  if (obj->gc & (SNOW_GC_STATIC | SNOW_GC_REMEMBERED)) return;
  SnowHeap *h = snow_current_heap;
  if (h->remembered_count == h->remembered_cap) {
    uint64_t cap = h->remembered_cap ? h->remembered_cap * 2 : 64;
    SnowObj **n = realloc(h->remembered, cap * sizeof *n);
    if (!n) snow_fatal_oom();
    h->remembered = n;
    h->remembered_cap = cap;
  }
  obj->gc |= SNOW_GC_REMEMBERED;
  h->remembered[h->remembered_count++] = obj;
}

/* Allocation since the last collection (survivors excluded) has reached the
 * nursery budget. */
static inline int nursery_full(const SnowHeap *h, uint64_t extra) {
  return snow_generation_bytes(&h->young) - h->survivor_bytes + extra > h->nursery_budget;
}

__attribute__((noinline)) static char *alloc_slow(SnowHeap *h, uint64_t fp) {
  if (fp > SNOW_SMALL_MAX) {
    if (!h->collections_inhibited && nursery_full(h, fp)) snow_gc_collect_heap(h, 0);
    SnowBlock *b = snow_large_get(fp);
    b->used_end = (char *)b + SNOW_BLOCK_OBJECTS + fp;
    b->next = h->young.large;
    h->young.large = b;
    h->young.large_bytes += b->span_bytes;
    snow_heap_register_span(h, b);
    return (char *)b + SNOW_BLOCK_OBJECTS;
  }
  if (!h->collections_inhibited && nursery_full(h, SNOW_BLOCK_SIZE)) snow_gc_collect_heap(h, 0);
  if (h->current) h->current->used_end = h->window.cur;
  SnowBlock *b = snow_block_get();
  b->next = h->young.blocks;
  h->young.blocks = b;
  h->young.block_count++;
  snow_heap_register_span(h, b);
  h->current = b;
  char *p = (char *)b + SNOW_BLOCK_OBJECTS;
  h->window.cur = p + fp;
  h->window.limit = (char *)b + SNOW_BLOCK_SIZE;
  return p;
}

SnowObj *snow_alloc(uint32_t payload_bytes, uint32_t kind, uint32_t tag, uint64_t ptrmap) {
  SnowHeap *h = snow_current_heap;
  if (!h) {
    snow_gc_init_main(NULL);
    h = snow_current_heap;
  }
  uint64_t fp = SNOW_FOOTPRINT(payload_bytes);
  char *p = h->window.cur;
  if (fp <= (uint64_t)(h->window.limit - p)) h->window.cur = p + fp;
  else p = alloc_slow(h, fp);
  uint64_t *hdr = (uint64_t *)p;
  hdr[0] = SNOW_HEADER_WORD(payload_bytes, kind, tag);
  hdr[1] = ptrmap;
  /* The ABI lets callers leave the payload uninitialised until their next
   * runtime call; zeroing objects that hold pointers makes a caller that
   * allocates again before storing its fields safe anyway (a zero field is
   * an immediate to the collector). */
  if (ptrmap)
    for (uint64_t *w = hdr + 2, *end = (uint64_t *)(p + fp); w < end; w++) *w = 0;
  return (SnowObj *)p;
}

/* Deliberately a real (noinline) call: generated code calls it again after
 * every call it makes, so a thread-local address is never cached across a
 * point where issue #4's scheduler may move the process to another thread. */
__attribute__((noinline)) void *snow_current_heap_window(void) {
  SnowHeap *h = snow_current_heap;
  if (__builtin_expect(!h, 0)) {
    snow_gc_init_main(NULL);
    h = snow_current_heap;
  }
  return &h->window;
}

SnowObj *snow_record(uint32_t tag, uint64_t ptrmap, uint32_t n, const SnowWord *fields) {
  SnowObj *r = snow_alloc(n * 8u, SNOW_RECORD, tag, ptrmap);
  SnowWord *w = SNOW_PAYLOAD(r);
  for (uint32_t i = 0; i < n; i++) w[i] = fields[i];
  return r;
}
