/* gc.c — the generational mostly-copying collector (conservative stack
 * scan, precise heap scan). Design and the rules runtime code relies on are
 * described in gc.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "gc.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define SNOW_NO_SANITIZE __attribute__((no_sanitize("address", "undefined")))
#define MAX_NURSERY ((uint64_t)64 << 20)

/* Conservative stack scanning must see locals on the real stack, so ASan's
 * "fake stack" for use-after-return detection is turned off. */
__attribute__((used)) const char *__asan_default_options(void) {
  return "detect_stack_use_after_return=0";
}

static inline uint64_t footprint(const SnowObj *o) { return SNOW_FOOTPRINT(o->size); }

/* A destination of copies: blocks filled in order, scanned Cheney-style. */
typedef struct ToSpace {
  SnowBlock *head, *tail;
  char *cur, *limit;
  uint64_t blocks;
  uint32_t block_flags; /* BLOCK_OLD or BLOCK_SURVIVOR */
  SnowBlock *scan_block; /* Cheney scan position */
  char *scan;
} ToSpace;

enum { TO_SURVIVOR = 0, TO_OLD = 1 };

typedef struct GcState {
  SnowHeap *h;
  int major; /* collecting the old generation too */
  uintptr_t *pins; /* ambiguous words pointing into small from-space blocks */
  uint64_t npins, cap_pins;
  SnowObj **marks; /* marked in place, fields not yet scanned */
  uint64_t nmarks, cap_marks;
  ToSpace to[2]; /* survivors (first minor collection survived), old */
} GcState;

static void grow(void **items, uint64_t *cap, size_t elem) {
  *cap = *cap ? *cap * 2 : 256;
  void *n = realloc(*items, *cap * elem);
  if (!n) snow_fatal_oom();
  *items = n;
}

static inline void mark_object(GcState *g, SnowObj *o) {
  if (o->gc & SNOW_GC_MARKED) return;
  o->gc |= SNOW_GC_MARKED;
  if (g->nmarks == g->cap_marks) grow((void **)&g->marks, &g->cap_marks, sizeof *g->marks);
  g->marks[g->nmarks++] = o;
}

static void new_to_block(ToSpace *t) {
  SnowBlock *b = snow_block_get();
  b->flags = t->block_flags;
  if (t->tail) {
    t->tail->used_end = t->cur;
    t->tail->next = b;
  } else {
    t->head = b;
    t->scan_block = b;
    t->scan = (char *)b + SNOW_BLOCK_OBJECTS;
  }
  t->tail = b;
  t->cur = (char *)b + SNOW_BLOCK_OBJECTS;
  t->limit = (char *)b + SNOW_BLOCK_SIZE;
  t->blocks++;
}

/* Copies n >= 3 words; small objects (the common case) without a call. */
static inline void copy_words(uint64_t *dst, const uint64_t *src, uint64_t n) {
  if (n > 8) {
    memcpy(dst, src, n * 8);
    return;
  }
  dst[0] = src[0];
  dst[1] = src[1];
  dst[2] = src[2];
  for (uint64_t i = 3; i < n; i++) dst[i] = src[i];
}

/* Returns the post-collection value of a precise pointer field. */
__attribute__((always_inline)) static inline SnowWord evacuate(GcState *g, SnowWord v) {
  if (v < SNOW_IMMEDIATE_LIMIT) return v;
  SnowObj *o = (SnowObj *)v;
  if (o->gc & SNOW_GC_STATIC) return v;
  SnowBlock *b = SNOW_BLOCK_OF(o);
  if (b->flags & BLOCK_LARGE) {
    if (g->major || !(b->flags & BLOCK_OLD)) mark_object(g, o);
    return v;
  }
  if (!(b->flags & BLOCK_FROM)) return v; /* old block in a minor collection */
  if (b->flags & BLOCK_PINNED) {
    mark_object(g, o);
    return v;
  }
  if (o->gc & SNOW_GC_FORWARDED) return SNOW_PAYLOAD(o)[0];
  uint64_t fp = footprint(o);
  /* first survival: stay young once more; second (or major): old */
  ToSpace *t = &g->to[g->major || (b->flags & BLOCK_SURVIVOR) ? TO_OLD : TO_SURVIVOR];
  if ((uint64_t)(t->limit - t->cur) < fp) new_to_block(t);
  SnowObj *copy = (SnowObj *)t->cur;
  t->cur += fp;
  copy_words((uint64_t *)copy, (const uint64_t *)o, fp / 8);
  copy->gc = 0;
  o->gc |= SNOW_GC_FORWARDED;
  SNOW_PAYLOAD(o)[0] = (SnowWord)copy;
  return (SnowWord)copy;
}

static inline void scan_object(GcState *g, SnowObj *o) {
  uint64_t map = o->ptrmap;
  if (!map) return;
  uint64_t n = o->size / 8;
  SnowWord *w = SNOW_PAYLOAD(o);
  uint64_t low = map & ~(1ull << 63);
  while (low) {
    unsigned i = (unsigned)__builtin_ctzll(low);
    low &= low - 1;
    if (i < n) w[i] = evacuate(g, w[i]);
  }
  if (map >> 63)
    for (uint64_t i = 63; i < n; i++) w[i] = evacuate(g, w[i]);
}

/* One ambiguous word from the stack or a register. */
SNOW_NO_SANITIZE static inline void consider_root(GcState *g, uintptr_t w) {
  SnowHeap *h = g->h;
  if (w < h->lowest || w >= h->highest) return;
  SnowBlock *b = snow_block_table_get(&h->table, w & ~(uintptr_t)(SNOW_BLOCK_SIZE - 1));
  if (!b) return;
  if (w < (uintptr_t)b + SNOW_BLOCK_OBJECTS || w >= (uintptr_t)b->used_end) return;
  if (b->flags & BLOCK_LARGE) {
    if (g->major || !(b->flags & BLOCK_OLD)) mark_object(g, (SnowObj *)((char *)b + SNOW_BLOCK_OBJECTS));
    return;
  }
  if (!(b->flags & BLOCK_FROM)) return;
  if (g->npins == g->cap_pins) grow((void **)&g->pins, &g->cap_pins, sizeof *g->pins);
  g->pins[g->npins++] = w;
}

SNOW_NO_SANITIZE static void scan_range(GcState *g, const char *lo, const char *hi) {
  const uintptr_t *p = (const uintptr_t *)((uintptr_t)lo & ~(uintptr_t)7);
  const uintptr_t *end = (const uintptr_t *)hi;
  for (; p < end; p++) consider_root(g, *p);
}

static int compare_words(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

/* Marks the objects the sorted pins point into and pins their blocks. */
static void resolve_pins(GcState *g) {
  if (g->npins > 1) qsort(g->pins, g->npins, sizeof *g->pins, compare_words);
  uint64_t i = 0;
  while (i < g->npins) {
    SnowBlock *b = SNOW_BLOCK_OF(g->pins[i]);
    b->flags |= BLOCK_PINNED;
    char *o = (char *)b + SNOW_BLOCK_OBJECTS;
    while (i < g->npins && SNOW_BLOCK_OF(g->pins[i]) == b) {
      char *next = o + footprint((SnowObj *)o);
      if (g->pins[i] < (uintptr_t)next) {
        mark_object(g, (SnowObj *)o);
        while (i < g->npins && g->pins[i] < (uintptr_t)next) i++;
      }
      o = next;
    }
  }
}

/* Scans one copied object of `t` if there is one; returns 0 when its scan
 * has caught up with its copies. */
static int cheney_step(GcState *g, ToSpace *t) {
  while (t->scan_block) {
    char *end = t->scan_block == t->tail ? t->cur : t->scan_block->used_end;
    if (t->scan < end) {
      SnowObj *o = (SnowObj *)t->scan;
      t->scan += footprint(o);
      scan_object(g, o);
      return 1;
    }
    if (t->scan_block == t->tail) return 0;
    t->scan_block = t->scan_block->next;
    t->scan = (char *)t->scan_block + SNOW_BLOCK_OBJECTS;
  }
  return 0;
}

static void trace(GcState *g) {
  for (;;) {
    int progressed = 0;
    while (g->nmarks) {
      scan_object(g, g->marks[--g->nmarks]);
      progressed = 1;
    }
    while (cheney_step(g, &g->to[TO_SURVIVOR])) progressed = 1;
    while (cheney_step(g, &g->to[TO_OLD])) progressed = 1;
    if (!progressed) return;
  }
}

/* Frees the collected blocks the trace did not keep; pinned blocks are kept
 * in place: a nursery block becomes a survivor block (unless major), others
 * join the old generation. */
static void sweep_blocks(GcState *g, SnowBlock *from, Generation *young, Generation *old) {
  for (SnowBlock *b = from, *next; b; b = next) {
    next = b->next;
    if (!(b->flags & BLOCK_PINNED)) {
      snow_block_put(b);
      continue;
    }
    for (char *p = (char *)b + SNOW_BLOCK_OBJECTS; p < b->used_end;) {
      SnowObj *o = (SnowObj *)p;
      p += footprint(o);
      if (o->gc & SNOW_GC_MARKED) o->gc &= (uint8_t)~SNOW_GC_MARKED;
      else o->ptrmap = 0; /* dead: may point to freed memory from now on */
    }
    int stays_young = !g->major && !(b->flags & (BLOCK_SURVIVOR | BLOCK_OLD));
    Generation *gen = stays_young ? young : old;
    b->flags = stays_young ? BLOCK_SURVIVOR : BLOCK_OLD;
    b->next = gen->blocks;
    gen->blocks = b;
    gen->block_count++;
  }
}

/* The blocks of a to-space join a generation. */
static void adopt_copies(ToSpace *t, Generation *gen) {
  if (!t->tail) return;
  t->tail->used_end = t->cur;
  t->tail->next = gen->blocks;
  gen->blocks = t->head;
  gen->block_count += t->blocks;
}

/* Unmaps the collected large objects that were not marked; the others age
 * like pinned blocks (nursery -> survivor -> old). */
static void sweep_large(GcState *g, SnowBlock *from, Generation *young, Generation *old) {
  for (SnowBlock *b = from, *next; b; b = next) {
    next = b->next;
    SnowObj *o = (SnowObj *)((char *)b + SNOW_BLOCK_OBJECTS);
    if (o->gc & SNOW_GC_MARKED) {
      o->gc &= (uint8_t)~SNOW_GC_MARKED;
      int stays_young = !g->major && !(b->flags & (BLOCK_SURVIVOR | BLOCK_OLD));
      Generation *gen = stays_young ? young : old;
      b->flags = BLOCK_LARGE | (stays_young ? BLOCK_SURVIVOR : BLOCK_OLD);
      b->next = gen->large;
      gen->large = b;
      gen->large_bytes += b->span_bytes;
    } else {
      snow_large_put(b);
    }
  }
}

/* Where object o is after the trace (before the sweep frees anything):
 * its copy, itself, or NULL when it is garbage. */
static SnowObj *after_collection(GcState *g, SnowObj *o) {
  SnowBlock *b = SNOW_BLOCK_OF(o);
  if (b->flags & BLOCK_LARGE) {
    int collected = g->major || !(b->flags & BLOCK_OLD);
    return !collected || (o->gc & SNOW_GC_MARKED) ? o : NULL;
  }
  if (!(b->flags & BLOCK_FROM)) return o;
  if (b->flags & BLOCK_PINNED) return (o->gc & SNOW_GC_MARKED) ? o : NULL;
  return (o->gc & SNOW_GC_FORWARDED) ? (SnowObj *)SNOW_PAYLOAD(o)[0] : NULL;
}

/* Whether a pointer field of o refers to a young heap object. */
static int points_to_young(SnowObj *o) {
  uint64_t map = o->ptrmap, n = o->size / 8;
  SnowWord *w = SNOW_PAYLOAD(o);
  for (uint64_t i = 0; i < n; i++) {
    if (!(map & (1ull << (i < 63 ? i : 63)))) continue;
    SnowWord v = w[i];
    if (v < SNOW_IMMEDIATE_LIMIT || (((SnowObj *)v)->gc & SNOW_GC_STATIC)) continue;
    if (!(SNOW_BLOCK_OF(v)->flags & BLOCK_OLD)) return 1;
  }
  return 0;
}

/* After a minor collection in which `survived` bytes of the nursery (and
 * survivors) stayed live: a nursery from which much survives is too small
 * for the program's working set (typically a structure under construction,
 * which every minor collection would copy again), so it doubles; one from
 * which almost nothing survives shrinks back toward its floor, which keeps
 * the heap small for programs that only make garbage. */
static void adapt_nursery(SnowHeap *h, uint64_t survived) {
  uint64_t max = h->nursery_max;
  if (survived > h->nursery_budget / 4 && h->nursery_budget < max) {
    h->nursery_budget *= 2;
    if (h->nursery_budget > max) h->nursery_budget = max;
  } else if (survived < h->nursery_budget / 16 && h->nursery_budget / 2 >= h->nursery_floor) {
    h->nursery_budget /= 2;
  }
}

/* The collection proper; `lo` is the lowest stack address to scan. */
static void gc_run(SnowHeap *h, const char *lo, int major) {
  GcState g = {.h = h, .major = major};
  uint64_t old_before = snow_generation_bytes(&h->old);
  g.to[TO_SURVIVOR].block_flags = BLOCK_SURVIVOR;
  g.to[TO_OLD].block_flags = BLOCK_OLD;
  if (h->current) h->current->used_end = h->window.cur;
  for (SnowBlock *b = h->young.blocks; b; b = b->next) b->flags |= BLOCK_FROM;
  if (major)
    for (SnowBlock *b = h->old.blocks; b; b = b->next) b->flags |= BLOCK_FROM;
  if (h->stack_base && lo < h->stack_base) scan_range(&g, lo, h->stack_base);
  resolve_pins(&g);
  /* Remembered (mutated) objects: the old ones are roots of a minor
   * collection (they stay in place); the set is rebuilt below. */
  SnowObj **remembered = h->remembered;
  uint64_t remembered_count = h->remembered_count;
  h->remembered = NULL;
  h->remembered_count = h->remembered_cap = 0;
  for (uint64_t i = 0; i < remembered_count; i++) {
    SnowObj *o = remembered[i];
    o->gc &= (uint8_t)~SNOW_GC_REMEMBERED;
    if (!major && (SNOW_BLOCK_OF(o)->flags & BLOCK_OLD)) scan_object(&g, o);
  }
  trace(&g);
  for (uint64_t i = 0; i < remembered_count; i++) remembered[i] = after_collection(&g, remembered[i]);

  Generation young = h->young, old_from = h->old;
  memset(&h->young, 0, sizeof h->young);
  if (major) memset(&h->old, 0, sizeof h->old);
  sweep_blocks(&g, young.blocks, &h->young, &h->old);
  sweep_large(&g, young.large, &h->young, &h->old);
  if (major) {
    sweep_blocks(&g, old_from.blocks, &h->young, &h->old);
    sweep_large(&g, old_from.large, &h->young, &h->old);
  }
  adopt_copies(&g.to[TO_SURVIVOR], &h->young);
  adopt_copies(&g.to[TO_OLD], &h->old);
  h->survivor_bytes = snow_generation_bytes(&h->young);
  /* A surviving mutated object stays remembered while it points to young
   * objects: it may hold objects younger than itself, so it could otherwise
   * be promoted before them. */
  for (uint64_t i = 0; i < remembered_count; i++)
    if (remembered[i] && points_to_young(remembered[i])) snow_gc_write_barrier(remembered[i]);
  free(remembered);
  h->current = NULL;
  h->window.cur = h->window.limit = NULL;
  free(g.pins);
  free(g.marks);
  snow_heap_rebuild_table(h);
  snow_block_trim();
  if (major) {
    uint64_t live = snow_generation_bytes(&h->old);
    h->old_budget = live * 2 > h->min_budget ? live * 2 : h->min_budget;
    /* a nursery that grows with the old generation promotes less garbage
     * (fewer minor collections hit a structure under construction) */
    h->nursery_floor = live / 4 > h->min_budget ? live / 4 : h->min_budget;
    if (h->nursery_floor > MAX_NURSERY) h->nursery_floor = MAX_NURSERY;
    /* restart from the floor: the live data may have shrunk */
    h->nursery_budget = h->nursery_floor;
    h->major_collections++;
  } else {
    uint64_t old_after = snow_generation_bytes(&h->old);
    adapt_nursery(h, h->survivor_bytes + (old_after > old_before ? old_after - old_before : 0));
    h->minor_collections++;
  }
}

/* Spills the callee-saved registers into this frame, then collects scanning
 * from below this frame (so the spilled registers are roots). */
__attribute__((noinline)) void snow_gc_collect_heap(SnowHeap *h, int major) {
  jmp_buf regs; /* setjmp saves rbx, r12-r15 unmangled (rbp is mangled) */
  volatile uintptr_t saved[12] = {0};
  memset(&regs, 0, sizeof regs); /* its unused words must not hold stale pointers */
  __builtin_unwind_init();
  setjmp(regs);
#if defined(__x86_64__)
  __asm__ volatile("movq %%rbx, 0(%0)\n\tmovq %%rbp, 8(%0)\n\tmovq %%r12, 16(%0)\n\t"
                   "movq %%r13, 24(%0)\n\tmovq %%r14, 32(%0)\n\tmovq %%r15, 40(%0)"
                   : : "r"(saved) : "memory");
#elif defined(__aarch64__)
  __asm__ volatile("stp x19, x20, [%0, #0]\n\tstp x21, x22, [%0, #16]\n\t"
                   "stp x23, x24, [%0, #32]\n\tstp x25, x26, [%0, #48]\n\t"
                   "stp x27, x28, [%0, #64]\n\tstr x29, [%0, #80]"
                   : : "r"(saved) : "memory");
#endif
  volatile char marker = 0;
  const char *lo = (const char *)&marker;
  if ((const char *)saved < lo) lo = (const char *)saved;
  if ((const char *)&regs < lo) lo = (const char *)&regs;
  gc_run(h, lo, major);
  if (!major && snow_generation_bytes(&h->old) > h->old_budget) gc_run(h, lo, 1);
  __asm__ volatile("" : : "r"(saved), "r"(&regs) : "memory");
}

static SnowHeap *current_heap(void) {
  if (!snow_current_heap) snow_gc_init_main(NULL);
  return snow_current_heap;
}

void snow_gc_collect(void) { snow_gc_collect_heap(current_heap(), 1); }

void snow_gc_collect_minor(void) { snow_gc_collect_heap(current_heap(), 0); }
