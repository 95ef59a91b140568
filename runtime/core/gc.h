/* gc.h — per-heap memory manager (design.md §2), internal to the runtime:
 * heaps and allocation (heap.c), the block table (block_table.c), the
 * generational mostly-copying collector (gc.c), the block pool (block.c).
 *
 * Heap layout. A SnowHeap owns
 *   - small-object blocks: SNOW_BLOCK_SIZE bytes, aligned to their size, a
 *     SnowBlock header at the start, then objects packed back to back from
 *     SNOW_BLOCK_OBJECTS up to `used_end` (so a block can be walked object by
 *     object through the header sizes); allocation bumps through the current
 *     block (the SnowAllocWindow at the start of the heap);
 *   - large objects (footprint > SNOW_SMALL_MAX): one object per span of whole
 *     blocks, aligned like a block, with the same SnowBlock header. They are
 *     never moved.
 * Because every object lives in a block-aligned region that starts with a
 * SnowBlock header, the block of an object is `addr & ~(SNOW_BLOCK_SIZE-1)`.
 * A per-heap hash table maps block addresses (every block of a large span) to
 * their header, to recognise ambiguous pointers from the stack.
 *
 * Generations. New objects go to *young* blocks (the nursery). Snow values
 * are immutable, so an object only points to objects that existed when its
 * fields were stored, and such objects are at least as old (every live object
 * ages one step per minor collection: nursery -> survivor -> old). The only
 * way to break this order is a store into an object after a later allocation
 * (runtime arrays filled while calling back into Snow code); such stores call
 * snow_gc_write_barrier(obj), which records obj in the heap's *remembered
 * set*. Remembered old objects are roots of minor collections; after each
 * collection a surviving remembered object stays in the set while it still
 * points to young objects. A *minor* collection evacuates only the young
 * generation (roots: the stack, the remembered set): objects surviving their first
 * minor collection are copied to young *survivor* blocks, those surviving
 * their second are promoted to the old generation (so structures that are
 * merely under construction when a collection strikes are not promoted); a
 * *major* collection evacuates everything into the old generation. Minor
 * collections run when the nursery passes its budget, which adapts to the
 * survival rate (gc.c: adapt_nursery): it doubles, up to 16 x the heap's minimum
 * budget and at most 64 MiB, while more than a quarter of it survives minor
 * collections (a large structure under construction would otherwise be
 * copied by every one of them) and halves, down to its floor, while less
 * than 1/16 survives; a major collection resets it to the floor, a quarter
 * of the live data (at least the minimum); a major one follows
 * when the old generation has passed its own budget, max(min, 2 x the old
 * size after the last major collection). snow_gc_collect() is major.
 *
 * Collection (Bartlett-style mostly-copying), for the blocks being collected
 * (the "from" blocks: young ones, or all in a major collection):
 *   1. spill callee-saved registers, scan the stack words between the current
 *      stack pointer and `stack_base` conservatively. A word pointing into an
 *      object (header or payload, i.e. interior pointers count) of a from
 *      block pins that object: its block stays where it is and the object is
 *      marked live; a word into a collected large object marks it.
 *      (Pinned nursery blocks and large objects age like copies: nursery ->
 *      survivor -> old.)
 *   2. trace precisely from the pinned/marked objects and the remembered set
 *      (Cheney scan plus a mark stack): objects in pinned blocks and large
 *      objects are marked in place; every other reachable from-object is
 *      copied into fresh survivor or old blocks and the field is updated
 *      (forwarding address in the old copy's first payload word).
 *   3. unpinned from blocks go back to the block pool; in pinned blocks every
 *      unmarked (dead) object gets ptrmap 0 so that it can never again lead
 *      the collector to freed memory; unmarked collected large objects are
 *      freed.
 * Cost is proportional to the live data collected plus the stack plus pinned
 * blocks.
 *
 * THE RULE runtime C code relies on: a collection never moves an object
 * referenced (even through an interior pointer) from the stack or registers,
 * so C locals holding object pointers stay valid across allocations, and
 * pointers *derived* from them (payload addresses) too as long as the object
 * pointer itself is still referenced from the stack. Runtime functions that
 * allocate several times keep their intermediate objects in `volatile`
 * locals (see list.c) so the compiler cannot drop the only reference while
 * keeping a derived pointer that points outside the object. Pointers stored
 * where the collector does not look (malloc'd memory, statics) are NOT roots.
 * Static objects (gc flag SNOW_GC_STATIC) must never point into a heap. */
#ifndef SNOW_GC_H
#define SNOW_GC_H

#include "snow_heap.h"

#include <stdint.h>

enum {
  SNOW_GC_FORWARDED = 0x01,  /* copied; payload word 0 holds the new address */
  SNOW_GC_MARKED = 0x02,     /* live, not moved (pinned block or large object) */
  SNOW_GC_REMEMBERED = 0x04, /* in the remembered set */
};

enum {
  BLOCK_LARGE = 1u,  /* span holding one large object */
  BLOCK_FROM = 2u,   /* being evacuated by the running collection */
  BLOCK_PINNED = 4u, /* referenced from the stack during this collection */
  BLOCK_OLD = 8u,    /* belongs to the old generation */
  BLOCK_SURVIVOR = 16u, /* young, survived one minor collection */
};

typedef struct SnowBlock {
  struct SnowBlock *next;
  char *used_end;      /* small: end of the objects; large: end of the object */
  uint64_t span_bytes; /* size of the mapping (SNOW_BLOCK_SIZE for small blocks) */
  uint32_t flags;
  uint32_t reserved;
  uint64_t pad[4];     /* header is 64 bytes, objects start 64-byte aligned */
} SnowBlock;

#define SNOW_BLOCK_OBJECTS ((uint64_t)sizeof(SnowBlock))
#define SNOW_BLOCK_OF(p) ((SnowBlock *)((uintptr_t)(p) & ~(uintptr_t)(SNOW_BLOCK_SIZE - 1)))

typedef struct BlockTable {
  uintptr_t *keys;  /* block addresses; 0 = empty slot */
  SnowBlock **vals; /* owning block header (span start for large objects) */
  uint64_t cap;     /* power of two */
  uint64_t count;
} BlockTable;

/* One generation's blocks and large objects. */
typedef struct Generation {
  SnowBlock *blocks; /* small blocks */
  SnowBlock *large;  /* large-object spans */
  uint64_t block_count;
  uint64_t large_bytes;
} Generation;

struct SnowHeap {
  SnowAllocWindow window; /* must stay first: codegen inlines the fast path */
  SnowBlock *current;     /* young block the window belongs to (NULL: none) */
  Generation young, old;
  uint64_t nursery_budget; /* minor collection when new young bytes would pass it */
  uint64_t nursery_floor;  /* nursery_budget's lower bound (grows with the old generation) */
  uint64_t nursery_max;    /* its upper bound: 16 x min_budget, at most 64 MiB */
  uint64_t survivor_bytes; /* young bytes right after the last collection */
  uint64_t old_budget;     /* major collection when old bytes pass it */
  uint64_t min_budget;
  SnowObj **remembered; /* mutated objects that may point to younger ones */
  uint64_t remembered_count, remembered_cap;
  uint64_t minor_collections, major_collections;
  char *stack_base;       /* highest address of the stack to scan (exclusive) */
  uintptr_t lowest, highest; /* address range of all blocks, for quick rejects */
  BlockTable table;
  /* > 0: the allocation slow path starts no collection (copy.c unpacks a
   * message whose rebuilt objects are referenced only from malloc'd memory) */
  uint32_t collections_inhibited;
};

static inline uint64_t snow_generation_bytes(const Generation *gen) {
  return gen->block_count * SNOW_BLOCK_SIZE + gen->large_bytes;
}

/* Block table (block_table.c). */
static inline uint64_t snow_block_table_slot(uintptr_t key, uint64_t cap) {
  return ((uint64_t)(key >> 15) * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
}
/* The header owning the block at `key` (a block-aligned address), or NULL. */
static inline SnowBlock *snow_block_table_get(const BlockTable *t, uintptr_t key) {
  if (!t->cap) return NULL;
  uint64_t i = snow_block_table_slot(key, t->cap);
  while (t->keys[i]) {
    if (t->keys[i] == key) return t->vals[i];
    i = (i + 1) & (t->cap - 1);
  }
  return NULL;
}
/* Adds every block of b's span to h's table and address range. */
void snow_heap_register_span(SnowHeap *h, SnowBlock *b);
/* Rebuilds h's table from its generations (after a collection). */
void snow_heap_rebuild_table(SnowHeap *h);
void snow_block_table_free(BlockTable *t);

/* Collects `h` (the current heap; major: both generations) after spilling
 * the callee-saved registers, scanning the stack below the caller (gc.c). */
void snow_gc_collect_heap(SnowHeap *h, int major);

/* Initialises `h` (no blocks yet). stack_base: the top of the stack that
 * holds this heap's roots. min_budget: nursery size and minimum old budget,
 * 0 for the default (4 MiB). */
void snow_heap_init(SnowHeap *h, void *stack_base, uint64_t min_budget);
/* Releases every block and large object of `h`. */
void snow_heap_destroy(SnowHeap *h);
/* Initialises the calling thread's main heap (idempotent) with the given stack
 * base (NULL: the thread's stack top from pthread) and makes it current. */
void snow_gc_init_main(void *stack_base);

/* A minor collection (tests; snow_gc_collect() is a major one). */
void snow_gc_collect_minor(void);
/* Minor + major collections of the current heap so far (tests). */
uint64_t snow_gc_collection_count(void);

/* Records `obj` in the current heap's remembered set unless it is there
 * already (see snow_gc_write_barrier in snow_heap.h). */
static inline void snow_gc_remember(SnowObj *obj) {
  if (obj->gc & (SNOW_GC_STATIC | SNOW_GC_REMEMBERED)) return;
  snow_gc_write_barrier(obj);
}

/* Block pool shared by all heaps (thread-safe); see block.c. */
SnowBlock *snow_block_get(void);
void snow_block_put(SnowBlock *b);
/* Gives the pages of surplus free blocks back to the OS (after a collection). */
void snow_block_trim(void);
SnowBlock *snow_large_get(uint64_t bytes);
void snow_large_put(SnowBlock *b);

/* Fatal: prints `[snow-rt] fatal: out of memory`, flushes stdout, exits 134. */
_Noreturn void snow_fatal_oom(void);

#endif
