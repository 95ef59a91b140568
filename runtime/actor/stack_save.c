/* stack_save.c — saving the used part of an idle process's stack to a small
 * buffer and returning the stack's pages to the OS (contract: stack_save.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "stack_save.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAVE_ASAN 1
#endif
#endif

#define DEFAULT_THRESHOLD 4096
/* Per-thread changes of the committed-idle count are published once they
 * reach this size: the count is only compared with a threshold, and one
 * shared atomic per block and per resume would cost message passing. */
#define FOLD_BATCH 32

/* Documented runtime state: the committed-idle estimate and statistics,
 * shared by the workers of the run. */
static _Atomic int64_t committed_idle;
static _Atomic int64_t threshold = DEFAULT_THRESHOLD;
static _Atomic uint64_t saves, saved_now, saved_bytes;
static _Atomic size_t page_size;
static _Thread_local int64_t local_delta; /* this thread's unpublished part */
static _Atomic int self_pidfd = -2;       /* -2: not opened yet, -1: unusable */
/* This thread's saved processes whose pages are not released yet (and whose
 * state is not published yet). */
static _Thread_local SnowProcess *pending[SAVE_BATCH];
static _Thread_local struct iovec pending_iov[SAVE_BATCH];
static _Thread_local int pending_n;

static void count_change(int64_t d) {
  local_delta += d;
  if (local_delta >= FOLD_BATCH || local_delta <= -FOLD_BATCH) {
    atomic_fetch_add_explicit(&committed_idle, local_delta, memory_order_relaxed);
    local_delta = 0;
  }
}

void snow_stack_save_reset(void) {
  atomic_store(&committed_idle, 0);
  atomic_store(&saves, 0);
  local_delta = 0; /* worker 0's thread; other workers are new threads */
  int64_t t = DEFAULT_THRESHOLD;
  const char *env = getenv("SNOW_IDLE_STACKS");
  if (env && *env) {
    char *end;
    long long v = strtoll(env, &end, 10);
    if (*end == 0 && v >= 0) t = v;
  }
  atomic_store(&threshold, t);
  if (!atomic_load(&page_size)) atomic_store(&page_size, (size_t)sysconf(_SC_PAGESIZE));
}

/* The stack's live bytes run from the saved stack pointer to the end of the
 * SnowStack descriptor, which sits at the stack's top (stack.c); the
 * process's SnowHeap lies just below the descriptor (sched.c). */
static char *live_begin(const SnowProcess *p) { return (char *)p->ctx.sp; }
static char *live_end(const SnowProcess *p) { return (char *)p->stack + sizeof(SnowStack); }

/* The saved image is zero-run encoded, word by word: idle frames and an
 * unused SnowHeap are mostly zeros (about 70% of the words of an actor
 * waiting in receive). The image is a sequence of groups, each a header
 * word (low 32 bits: zero words; high 32 bits: literal words that follow)
 * then the literal words; the groups cover exactly [live begin, live end).
 *
 * AddressSanitizer builds must not check the stack side: live frames carry
 * poisoned redzones. Volatile accesses keep the compiler from turning the
 * loops into (checked) memcpy/memset calls. */
#ifdef SAVE_ASAN
#define STACK_SIDE __attribute__((no_sanitize_address))
#else
#define STACK_SIDE
#endif
#define GROUP_MAX 0xFFFFFFFFu

/* Encodes the n words at src into out (NULL: only counts); returns the
 * number of words of the image. */
STACK_SIDE static size_t encode(const volatile uint64_t *src, size_t n, uint64_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    size_t zeros = 0, lits = 0;
    while (i < n && src[i] == 0 && zeros < GROUP_MAX) zeros++, i++;
    size_t lit_start = i;
    while (i < n && src[i] != 0 && lits < GROUP_MAX) lits++, i++;
    if (out) {
      out[o] = (uint64_t)zeros | (uint64_t)lits << 32;
      for (size_t k = 0; k < lits; k++) out[o + 1 + k] = src[lit_start + k];
    }
    o += 1 + lits;
  }
  return o;
}

/* Decodes an image of the n words at dst; returns the image's word count. */
STACK_SIDE static size_t decode(volatile uint64_t *dst, size_t n, const uint64_t *img) {
  size_t i = 0, o = 0;
  while (i < n) {
    uint64_t h = img[o++];
    for (uint64_t k = h & GROUP_MAX; k > 0; k--) dst[i++] = 0;
    for (uint64_t k = h >> 32; k > 0; k--) dst[i++] = img[o++];
  }
  return o;
}

/* Releases pages: one process_madvise call for a whole batch where the
 * kernel allows MADV_DONTNEED through it (Linux >= 6.13 for the calling
 * process itself), so that other CPUs are interrupted for one TLB flush per
 * batch instead of one per process; else one madvise per range. */
static void release_ranges(struct iovec *iov, int n) {
#if defined(SYS_process_madvise) && defined(SYS_pidfd_open)
  int fd = atomic_load_explicit(&self_pidfd, memory_order_relaxed);
  if (fd == -2) {
    fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
    if (fd < 0) fd = -1;
    int expected = -2;
    if (!atomic_compare_exchange_strong(&self_pidfd, &expected, fd)) {
      if (fd >= 0) close(fd);
      fd = expected;
    }
  }
  if (fd >= 0) {
    size_t total = 0;
    for (int i = 0; i < n; i++) total += iov[i].iov_len;
    long done = syscall(SYS_process_madvise, fd, iov, (size_t)n, MADV_DONTNEED, 0u);
    if (done == (long)total) return;
    if (done < 0) atomic_store_explicit(&self_pidfd, -1, memory_order_relaxed);
  }
#endif
  for (int i = 0; i < n; i++) madvise(iov[i].iov_base, iov[i].iov_len, MADV_DONTNEED);
}

int snow_stack_save_on_block(SnowProcess *p) {
  int64_t estimate = atomic_load_explicit(&committed_idle, memory_order_relaxed) + local_delta;
  if (estimate < atomic_load_explicit(&threshold, memory_order_relaxed)) {
    count_change(1);
    return 0;
  }
  char *begin = live_begin(p), *end = live_end(p);
  size_t len = (size_t)(end - begin);
  if (((uintptr_t)begin | len) & 7) { /* not word aligned: keep the pages */
    count_change(1);
    return 0;
  }
  const volatile uint64_t *words = (const volatile uint64_t *)begin;
  size_t image_words = encode(words, len / 8, NULL);
  uint64_t *img = malloc(image_words * 8);
  if (!img) { /* keep the pages: correct, only bigger */
    count_change(1);
    return 0;
  }
  char *lo = p->stack->lo; /* read before the descriptor's page goes */
  encode(words, len / 8, img);
  p->stack_save = img;
  /* The whole usable range, not just [begin, end): pages once touched by
   * deeper calls are committed too. lo is page aligned, and the slot or
   * mapping ends on a page boundary at or after `end`. */
  size_t ps = atomic_load_explicit(&page_size, memory_order_relaxed);
  char *hi = (char *)(((uintptr_t)end + ps - 1) & ~(uintptr_t)(ps - 1));
  atomic_fetch_add_explicit(&saves, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&saved_now, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&saved_bytes, image_words * 8, memory_order_relaxed);
  if (p->block_deadline) {
    /* A deadline is armed when the process is published: do not delay it
     * (timers then fire in deadline order). */
    struct iovec one = {lo, (size_t)(hi - lo)};
    release_ranges(&one, 1);
    return 0;
  }
  pending_iov[pending_n].iov_base = lo;
  pending_iov[pending_n].iov_len = (size_t)(hi - lo);
  pending[pending_n++] = p;
  return 1;
}

int snow_stack_save_batch_full(void) { return pending_n == SAVE_BATCH; }
int snow_stack_save_pending(void) { return pending_n; }

int snow_stack_save_release_batch(SnowProcess **out) {
  int n = pending_n;
  if (!n) return 0;
  release_ranges(pending_iov, n);
  for (int i = 0; i < n; i++) out[i] = pending[i];
  pending_n = 0;
  return n;
}

static void restore(SnowProcess *p) {
  char *begin = live_begin(p);
  size_t len = (size_t)(live_end(p) - begin);
  size_t image_words = decode((volatile uint64_t *)begin, len / 8, p->stack_save);
  free(p->stack_save);
  p->stack_save = NULL;
  atomic_fetch_sub_explicit(&saved_now, 1, memory_order_relaxed);
  atomic_fetch_sub_explicit(&saved_bytes, image_words * 8, memory_order_relaxed);
}

void snow_stack_save_on_resume(SnowProcess *p) {
  if (p->stack_save) restore(p);
  else count_change(-1);
}

void snow_stack_save_discard(SnowProcess *p) {
  if (p->stack_save && p->stack) restore(p);
}

SnowStackSaveStats snow_stack_save_stats(void) {
  SnowStackSaveStats st = {
      .saves = atomic_load(&saves),
      .saved_now = atomic_load(&saved_now),
      .saved_bytes = atomic_load(&saved_bytes),
      .committed_idle = atomic_load(&committed_idle) + local_delta,
  };
  return st;
}
