/* stack.c — region-carved coroutine stacks with guard areas (stack.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

/* Geometry: a slot is one guard area followed by the usable stack, whose
 * top bytes hold the SnowStack descriptor. */
#define SLOT_BYTES ((size_t)256 << 10)
#define SLOTS_PER_REGION 256 /* 64 MiB of address space per region */
#define REGION_BYTES (SLOT_BYTES * SLOTS_PER_REGION)
#define MAX_REGIONS 16384    /* 4M stacks, 1 TiB of address space */
#define MAX_DEDICATED 256
#define HOT_FREE_STACKS 1024 /* free stacks kept with their pages */

/* Documented runtime state: the stack allocator, shared by all threads.
 * The region and dedicated-guard tables are append-only and published with
 * release stores so the fault handler can read them without locks. */
static pthread_mutex_t stack_lock = PTHREAD_MUTEX_INITIALIZER;
static char *_Atomic region_base[MAX_REGIONS];
static _Atomic uint32_t region_count;
static _Atomic uintptr_t dedicated_guard_lo[MAX_DEDICATED]; /* 0 = empty */
static _Atomic uintptr_t dedicated_guard_hi[MAX_DEDICATED];
static size_t page_size;
static size_t guard_bytes; /* max(page, 16 KiB): frames up to that size cannot skip it */
static char *carve_next, *carve_end;  /* unused slots of the newest region */
static SnowStack *free_list;
static uint64_t free_count, carved_count, madvise_guards;
static int guard_mode; /* 0 unknown, 1 madvise guard, 2 mprotect */
static uint64_t mprotect_budget; /* guarded stacks we may still split off */

static size_t guard_size(void) {
  size_t ps = (size_t)sysconf(_SC_PAGESIZE);
  return ps > ((size_t)16 << 10) ? ps : (size_t)16 << 10;
}

size_t snow_stack_default_size(void) {
  return SLOT_BYTES - guard_size() - ((sizeof(SnowStack) + 15) & ~(size_t)15);
}

_Noreturn static void stack_fatal(void) {
  static const char msg[] = "[snow-rt] fatal: out of memory\n";
  fflush(stdout);
  if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more we can do */ }
  _exit(134);
}

static uint64_t read_max_map_count(void) {
  uint64_t v = 65530;
  int fd = open("/proc/sys/vm/max_map_count", O_RDONLY);
  if (fd >= 0) {
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n > 0) {
      buf[n] = 0;
      v = strtoull(buf, NULL, 10);
    }
    close(fd);
  }
  return v;
}

/* Installs the guard at [g, g + len); returns nonzero when it is in place. */
static int install_guard(char *g, size_t len) {
  if (guard_mode == 0) {
    const char *force = getenv("SNOW_STACK_GUARD");
    if (force && strcmp(force, "mprotect") == 0) {
      guard_mode = 2;
      mprotect_budget = read_max_map_count() / 4;
    }
  }
  if (guard_mode != 2) {
    if (madvise(g, len, MADV_GUARD_INSTALL) == 0) {
      guard_mode = 1;
      madvise_guards++;
      return 1;
    }
    if (guard_mode == 1) return 0; /* worked before: treat as a real failure */
    guard_mode = 2;
    /* Each mprotect'ed guard costs two mappings; keep half of the limit
     * for everything else the program maps. */
    mprotect_budget = read_max_map_count() / 4;
  }
  if (mprotect_budget == 0) return 0;
  if (mprotect(g, len, PROT_NONE) != 0) return 0;
  mprotect_budget--;
  return 1;
}

static SnowStack *init_descriptor(char *lo, char *end, char *map, size_t map_len, int dedicated,
                                  int guarded) {
  uintptr_t d = ((uintptr_t)end - sizeof(SnowStack)) & ~(uintptr_t)15;
  SnowStack *s = (SnowStack *)d;
  s->lo = lo;
  s->top = (char *)d;
  s->next_free = NULL;
  s->dedicated = (uint32_t)dedicated;
  s->guarded = (uint32_t)guarded;
  s->map = map;
  s->map_len = map_len;
  return s;
}

/* Carves a new slot; called with stack_lock held. */
static SnowStack *carve_slot(void) {
  if (carve_next == carve_end) {
    uint32_t n = atomic_load_explicit(&region_count, memory_order_relaxed);
    if (n == MAX_REGIONS) stack_fatal();
    void *r = mmap(NULL, REGION_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) stack_fatal();
    atomic_store_explicit(&region_base[n], (char *)r, memory_order_release);
    atomic_store_explicit(&region_count, n + 1, memory_order_release);
    carve_next = r;
    carve_end = (char *)r + REGION_BYTES;
  }
  char *slot = carve_next;
  carve_next += SLOT_BYTES;
  carved_count++;
  int guarded = install_guard(slot, guard_bytes);
  return init_descriptor(slot + guard_bytes, slot + SLOT_BYTES, NULL, 0, 0, guarded);
}

static SnowStack *dedicated_stack(size_t usable) {
  size_t len = (usable + sizeof(SnowStack) + 16 + page_size - 1) & ~(page_size - 1);
  len += guard_bytes;
  char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (m == MAP_FAILED) stack_fatal();
  /* A dedicated mapping is one stack: the mprotect split is affordable. */
  int guarded = mprotect(m, guard_bytes, PROT_NONE) == 0;
  if (guarded) {
    for (int i = 0; i < MAX_DEDICATED; i++) {
      uintptr_t expected = 0;
      if (atomic_compare_exchange_strong(&dedicated_guard_lo[i], &expected, (uintptr_t)m)) {
        atomic_store(&dedicated_guard_hi[i], (uintptr_t)m + guard_bytes);
        break;
      }
    }
  }
  return init_descriptor(m + guard_bytes, m + len, m, len, 1, guarded);
}

SnowStack *snow_stack_get(size_t usable) {
  pthread_mutex_lock(&stack_lock);
  if (!page_size) {
    guard_bytes = guard_size();
    page_size = (size_t)sysconf(_SC_PAGESIZE);
  }
  if (usable > snow_stack_default_size()) {
    pthread_mutex_unlock(&stack_lock);
    return dedicated_stack(usable);
  }
  SnowStack *s = free_list;
  if (s) {
    free_list = s->next_free;
    free_count--;
    s->next_free = NULL;
  } else {
    s = carve_slot();
  }
  pthread_mutex_unlock(&stack_lock);
  return s;
}

void snow_stack_put(SnowStack *s) {
  if (s->dedicated) {
    for (int i = 0; i < MAX_DEDICATED; i++) {
      if (atomic_load(&dedicated_guard_lo[i]) == (uintptr_t)s->map) {
        atomic_store(&dedicated_guard_hi[i], 0);
        atomic_store(&dedicated_guard_lo[i], 0);
        break;
      }
    }
    munmap(s->map, s->map_len);
    return;
  }
  pthread_mutex_lock(&stack_lock);
  int keep_pages = free_count < HOT_FREE_STACKS;
  pthread_mutex_unlock(&stack_lock);
  if (!keep_pages) {
    /* Give the touched pages back (the descriptor's page stays: it is
     * rewritten below and is the first page the next owner touches). */
    size_t len = ((uintptr_t)s->top & ~(uintptr_t)(page_size - 1)) - (uintptr_t)s->lo;
    if (len) madvise(s->lo, len, MADV_DONTNEED);
  }
  pthread_mutex_lock(&stack_lock);
  s->next_free = free_list;
  free_list = s;
  free_count++;
  pthread_mutex_unlock(&stack_lock);
}

int snow_stack_guard_hit(uintptr_t addr) {
  size_t gb = guard_bytes;
  if (!gb) return 0;
  uint32_t n = atomic_load_explicit(&region_count, memory_order_acquire);
  for (uint32_t i = 0; i < n; i++) {
    uintptr_t base = (uintptr_t)atomic_load_explicit(&region_base[i], memory_order_acquire);
    if (addr < base || addr >= base + REGION_BYTES) continue;
    return (addr - base) % SLOT_BYTES < gb;
  }
  for (int i = 0; i < MAX_DEDICATED; i++) {
    uintptr_t lo = atomic_load(&dedicated_guard_lo[i]);
    uintptr_t hi = atomic_load(&dedicated_guard_hi[i]);
    if (lo && addr >= lo && addr < hi) return 1;
  }
  return 0;
}

SnowStackStats snow_stack_stats(void) {
  pthread_mutex_lock(&stack_lock);
  SnowStackStats st = {carved_count, atomic_load(&region_count), free_count, madvise_guards};
  pthread_mutex_unlock(&stack_lock);
  return st;
}
