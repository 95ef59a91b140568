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
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef PIDFD_SELF
#define PIDFD_SELF -10000 /* process_madvise on the calling process (Linux >= 6.14) */
#endif

/* Geometry: a slot is one guard area followed by the usable stack, whose
 * top bytes hold the SnowStack descriptor. */
#define SLOT_BYTES ((size_t)256 << 10)
#define SLOTS_PER_REGION 256 /* 64 MiB of address space per region */
#define REGION_BYTES (SLOT_BYTES * SLOTS_PER_REGION)
#define MAX_REGIONS 16384    /* 4M stacks, 1 TiB of address space */
#define MAX_DEDICATED 256
/* Free stacks keep their pages (a reused stack costs no page fault) in a
 * per-thread cache of up to LOCAL_FREE_MAX, moved to and from the shared
 * hot list LOCAL_BATCH at a time (one lock per batch, not per spawn); the
 * shared hot list keeps up to HOT_FREE_STACKS; stacks beyond that give
 * their pages back (MADV_DONTNEED, a system call and a TLB flush on every
 * thread of the program) and wait on the cold list, which is used last. */
#define LOCAL_FREE_MAX 128
#define LOCAL_BATCH 64
#define HOT_FREE_STACKS 4096

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
static SnowStack *hot_list;
/* Cold free stacks own no page at all, not even their descriptor's (100,000s
 * of finished processes would otherwise keep 4 KiB each): they are listed
 * here by descriptor address, bit 0 = guarded, and their descriptor is
 * rebuilt when one is taken again. */
static uintptr_t *cold_slots;
static uint64_t cold_cap;
static uint64_t hot_count, cold_count, carved_count, madvise_guards;
/* The calling thread's cache: owned by the thread, no lock. */
static _Thread_local SnowStack *local_list;
static _Thread_local uint64_t local_count;
static int guard_mode; /* 0 unknown, 1 madvise guard, 2 mprotect */
static uint64_t mprotect_budget; /* guarded stacks we may still split off */
static char *guarded_upto; /* slots of the newest region below this have their guard */

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
  s->lifted = 0;
  s->map = map;
  s->map_len = map_len;
  return s;
}

/* madvise(advice) on n ranges with one system call (process_madvise on
 * ourselves: one TLB flush for the batch instead of one per range).
 * Returns 0 when the kernel cannot do it; the caller falls back to madvise
 * per range. */
static int madvise_batch(struct iovec *iov, size_t n, int advice) {
#ifdef SYS_process_madvise
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += iov[i].iov_len;
  long rc = syscall(SYS_process_madvise, PIDFD_SELF, iov, n, advice, 0u);
  return rc >= 0 && (size_t)rc == total;
#else
  (void)iov, (void)n, (void)advice;
  return 0;
#endif
}

/* Installs the guards of all slots of a fresh region at once, when the
 * kernel supports guard markers through process_madvise. */
static void guard_region(char *r) {
  if (guard_mode == 2) return;
  if (guard_mode == 0) {
    const char *force = getenv("SNOW_STACK_GUARD");
    if (force && strcmp(force, "mprotect") == 0) return; /* install_guard decides */
  }
  enum { PER_CALL = 256 };
  struct iovec iov[PER_CALL];
  for (size_t i = 0; i < SLOTS_PER_REGION; i += PER_CALL) {
    size_t n = SLOTS_PER_REGION - i < PER_CALL ? SLOTS_PER_REGION - i : PER_CALL;
    for (size_t k = 0; k < n; k++) {
      iov[k].iov_base = r + (i + k) * SLOT_BYTES;
      iov[k].iov_len = guard_bytes;
    }
    if (!madvise_batch(iov, n, MADV_GUARD_INSTALL)) {
      guarded_upto = r + i * SLOT_BYTES;
      return;
    }
    guarded_upto = r + (i + n) * SLOT_BYTES;
  }
  guard_mode = 1;
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
    guarded_upto = r;
    guard_region(r);
  }
  char *slot = carve_next;
  carve_next += SLOT_BYTES;
  carved_count++;
  int guarded;
  if (slot < guarded_upto) {
    guarded = 1;
    madvise_guards++;
  } else {
    guarded = install_guard(slot, guard_bytes);
  }
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

static void stack_init_geometry(void) {
  pthread_mutex_lock(&stack_lock);
  if (!page_size) {
    guard_bytes = guard_size();
    __atomic_store_n(&page_size, (size_t)sysconf(_SC_PAGESIZE), __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&stack_lock);
}

/* Refills the local cache from the hot list (up to LOCAL_BATCH) and takes
 * one stack: hot, else cold, else a new slot. */
static SnowStack *get_shared(void) {
  pthread_mutex_lock(&stack_lock);
  SnowStack *s = NULL;
  if (hot_list) {
    s = hot_list;
    hot_list = s->next_free;
    hot_count--;
    for (int i = 1; i < LOCAL_BATCH && hot_list; i++) {
      SnowStack *t = hot_list;
      hot_list = t->next_free;
      hot_count--;
      t->next_free = local_list;
      local_list = t;
      local_count++;
    }
  } else if (cold_count) {
    uintptr_t c = cold_slots[--cold_count];
    char *end = (char *)(((c & ~(uintptr_t)1) + sizeof(SnowStack) + page_size - 1) &
                         ~(uintptr_t)(page_size - 1));
    s = init_descriptor(end - SLOT_BYTES + guard_bytes, end, NULL, 0, 0, (int)(c & 1));
  } else {
    s = carve_slot();
  }
  pthread_mutex_unlock(&stack_lock);
  s->next_free = NULL;
  return s;
}

SnowStack *snow_stack_get(size_t usable) {
  if (!__atomic_load_n(&page_size, __ATOMIC_ACQUIRE)) stack_init_geometry();
  if (usable > snow_stack_default_size()) return dedicated_stack(usable);
  SnowStack *s = local_list;
  if (!s) return get_shared();
  local_list = s->next_free;
  local_count--;
  s->next_free = NULL;
  return s;
}

/* Moves LOCAL_BATCH stacks of the local cache to the hot list; those that
 * do not fit there lose their pages and go to the cold list. */
static void spill_local(void) {
  SnowStack *batch = NULL;
  uint64_t n = 0;
  while (n < LOCAL_BATCH && local_list) {
    SnowStack *t = local_list;
    local_list = t->next_free;
    local_count--;
    t->next_free = batch;
    batch = t;
    n++;
  }
  pthread_mutex_lock(&stack_lock);
  uint64_t room = hot_count < HOT_FREE_STACKS ? HOT_FREE_STACKS - hot_count : 0;
  while (batch && room) {
    SnowStack *t = batch;
    batch = t->next_free;
    t->next_free = hot_list;
    hot_list = t;
    hot_count++;
    room--;
  }
  pthread_mutex_unlock(&stack_lock);
  if (!batch) return;
  /* Outside the lock: the system calls are the slow part. Every page goes,
   * the descriptor's too, so the batch is read before. */
  struct iovec iov[LOCAL_BATCH];
  uintptr_t tags[LOCAL_BATCH];
  size_t niov = 0;
  for (SnowStack *t = batch; t; t = t->next_free) {
    uintptr_t end = ((uintptr_t)t + sizeof(SnowStack) + page_size - 1) & ~(uintptr_t)(page_size - 1);
    tags[niov] = (uintptr_t)t | (t->guarded ? 1 : 0);
    iov[niov].iov_base = t->lo;
    iov[niov].iov_len = end - (uintptr_t)t->lo;
    niov++;
  }
  if (!madvise_batch(iov, niov, MADV_DONTNEED))
    for (size_t i = 0; i < niov; i++) madvise(iov[i].iov_base, iov[i].iov_len, MADV_DONTNEED);
  pthread_mutex_lock(&stack_lock);
  if (cold_count + niov > cold_cap) {
    uint64_t cap = cold_cap ? cold_cap * 2 : 1024;
    while (cap < cold_count + niov) cap *= 2;
    uintptr_t *grown = realloc(cold_slots, cap * sizeof *grown);
    if (!grown) stack_fatal();
    cold_slots = grown;
    cold_cap = cap;
  }
  memcpy(&cold_slots[cold_count], tags, niov * sizeof *tags);
  cold_count += niov;
  pthread_mutex_unlock(&stack_lock);
}

#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif

size_t snow_stack_lift_guard(SnowStack *s) {
  if (!s->guarded || s->lifted || guard_bytes <= page_size) return 0;
  size_t bytes = (guard_bytes - page_size) & ~(page_size - 1);
  char *at = s->lo - bytes;
  int ok = guard_mode == 2 ? mprotect(at, bytes, PROT_READ | PROT_WRITE) == 0
                           : madvise(at, bytes, MADV_GUARD_REMOVE) == 0;
  if (!ok) return 0;
  s->lifted = (uint32_t)bytes;
  return bytes;
}

/* Puts back the part of s's guard that snow_stack_lift_guard lifted; the
 * stack is unusable (the OS refuses) when that fails. */
static void restore_lifted_guard(SnowStack *s) {
  char *at = s->lo - s->lifted;
  int ok = guard_mode == 2 ? mprotect(at, s->lifted, PROT_NONE) == 0
                           : madvise(at, s->lifted, MADV_GUARD_INSTALL) == 0;
  if (!ok) stack_fatal();
  s->lifted = 0;
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
  if (s->lifted) restore_lifted_guard(s);
  if (local_count >= LOCAL_FREE_MAX) spill_local();
  s->next_free = local_list;
  local_list = s;
  local_count++;
}

void snow_stack_flush_thread(void) {
  while (local_list) spill_local();
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
  SnowStackStats st = {carved_count, atomic_load(&region_count),
                       hot_count + cold_count + local_count, madvise_guards};
  pthread_mutex_unlock(&stack_lock);
  return st;
}
