/* stack.h — coroutine stacks (internal to runtime/actor/).
 *
 * Contract. Stacks are carved out of large regions reserved with
 * mmap(MAP_NORESERVE) — pages are committed only when touched — so that
 * 100,000s of stacks need neither one mmap call nor one kernel mapping each.
 * Every stack has an inaccessible guard area (16 KiB, or a page if larger) below its lowest usable byte.
 * Guards are installed with madvise(MADV_GUARD_INSTALL) where the kernel has
 * it (Linux >= 6.13: no VMA split, so a whole region stays one mapping) —
 * for a whole region in one process_madvise call where the kernel allows
 * that (Linux >= 6.14, PIDFD_SELF), and page releases are batched the same
 * way (one call and one TLB flush per batch);
 * otherwise with mprotect(PROT_NONE), which splits the region into two
 * mappings per stack: those guards are installed only while the process-wide
 * budget derived from vm.max_map_count lasts, and stacks carved after that
 * have no guard page (snow_stack_guarded() says so; see the report/known
 * gaps). The environment variable SNOW_STACK_GUARD=mprotect forces the
 * mprotect path (tests, emulators that ignore MADV_GUARD_INSTALL). Released
 * stacks are reused: first from a per-thread cache (no lock), refilled
 * from and spilled to a shared hot list in batches; the pages of free
 * stacks beyond the hot reserve are given back to the OS (MADV_DONTNEED)
 * and those stacks are reused last.
 *
 * Thread safety: every function may be called from any thread.
 * snow_stack_guard_hit() is async-signal-safe (it reads only append-only,
 * atomically published tables) and is meant for a SIGSEGV handler running on
 * an alternate signal stack. */
#ifndef SNOW_ACTOR_STACK_H
#define SNOW_ACTOR_STACK_H

#include <stddef.h>
#include <stdint.h>

typedef struct SnowStack {
  char *lo;          /* lowest usable byte (the guard lies just below) */
  char *top;         /* highest usable address (exclusive), 16-byte aligned */
  struct SnowStack *next_free;
  uint32_t dedicated; /* own mapping (larger than a region slot) */
  uint32_t guarded;   /* a guard area protects this stack */
  uint32_t lifted;    /* bytes of the guard's top made usable (snow_stack_lift_guard) */
  char *map;          /* dedicated: the mapping to unmap */
  size_t map_len;
} SnowStack;

/* Usable bytes of a region-slot stack (>= 64 KiB as concurrency.md §17 asks). */
size_t snow_stack_default_size(void);

/* A stack with at least `usable` bytes (0: the default size): from the free
 * list, a region slot, or — if larger than a slot — its own mapping with a
 * guard page. Fatal (`[snow-rt] fatal: out of memory`) when the OS refuses. */
SnowStack *snow_stack_get(size_t usable);
/* Returns a stack for reuse (dedicated stacks are unmapped). */
void snow_stack_put(SnowStack *s);
/* Hands the calling thread's cached free stacks to the shared lists; a
 * thread that used stacks calls it before it ends. */
void snow_stack_flush_thread(void);

/* Makes the top part of s's guard area (next to its lowest usable byte)
 * usable, at least one page of guard staying in place; returns the bytes
 * lifted, 0 when nothing can be (no guard, a one-page guard, already
 * lifted). For the stack overflow handler (async-signal-safe: one system
 * call): code that faulted there may finish. snow_stack_put puts the guard
 * back before the stack is reused. */
size_t snow_stack_lift_guard(SnowStack *s);

/* Nonzero when `addr` lies in the guard area of some stack handed out by this
 * module (live or free). Async-signal-safe. */
int snow_stack_guard_hit(uintptr_t addr);

/* Statistics for tests: slots ever carved, regions reserved, free stacks
 * (shared lists plus the calling thread's cache). */
typedef struct SnowStackStats {
  uint64_t carved, regions, free_count, guard_by_madvise;
} SnowStackStats;
SnowStackStats snow_stack_stats(void);

#endif
