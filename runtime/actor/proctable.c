/* proctable.c — PID -> process control block, sharded by PID so that
 * concurrent spawns and sends rarely contend (process.h). */
#include "process.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#define SHARDS 64

/* Shard lock: a spin lock, because every send looks its target up and the
 * critical sections are a few loads (a pthread mutex costs two calls). A
 * holder preempted by the OS is waited for with sched_yield. */
typedef struct Shard {
  atomic_flag lock;
  SnowProcess **buckets;
  uint64_t nbuckets; /* power of two */
  uint64_t count;
} Shard;

/* Documented runtime state: the process table of the active run. */
static Shard shards[SHARDS];
static pthread_once_t shards_once = PTHREAD_ONCE_INIT;

static void init_locks(void) {
  for (int i = 0; i < SHARDS; i++) atomic_flag_clear(&shards[i].lock);
}

static void shard_lock(Shard *s) {
  for (int spins = 0; atomic_flag_test_and_set_explicit(&s->lock, memory_order_acquire);) {
    if (++spins < 64) {
#if defined(__x86_64__)
      __asm__ volatile("pause");
#elif defined(__aarch64__)
      __asm__ volatile("yield");
#endif
    } else {
      sched_yield();
    }
  }
}

static void shard_unlock(Shard *s) { atomic_flag_clear_explicit(&s->lock, memory_order_release); }

void snow_proctable_init(void) { pthread_once(&shards_once, init_locks); }

static uint64_t bucket_of(SnowPid pid, uint64_t nbuckets) {
  return ((pid / SHARDS) * 0x9E3779B97F4A7C15ull >> 17) & (nbuckets - 1);
}

static void grow(Shard *s) {
  uint64_t n = s->nbuckets ? s->nbuckets * 2 : 64;
  SnowProcess **b = calloc(n, sizeof *b);
  if (!b) abort();
  for (uint64_t i = 0; i < s->nbuckets; i++) {
    SnowProcess *p = s->buckets[i];
    while (p) {
      SnowProcess *next = p->table_next;
      uint64_t k = bucket_of(p->pid, n);
      p->table_next = b[k];
      b[k] = p;
      p = next;
    }
  }
  free(s->buckets);
  s->buckets = b;
  s->nbuckets = n;
}

void snow_proctable_insert(SnowProcess *p) {
  Shard *s = &shards[p->pid % SHARDS];
  shard_lock(s);
  if (s->count >= s->nbuckets) grow(s);
  uint64_t k = bucket_of(p->pid, s->nbuckets);
  p->table_next = s->buckets[k];
  s->buckets[k] = p;
  s->count++;
  shard_unlock(s);
}

void snow_proctable_remove(SnowProcess *p) {
  Shard *s = &shards[p->pid % SHARDS];
  shard_lock(s);
  SnowProcess **link = &s->buckets[bucket_of(p->pid, s->nbuckets)];
  while (*link && *link != p) link = &(*link)->table_next;
  if (*link) {
    *link = p->table_next;
    s->count--;
  }
  shard_unlock(s);
}

SnowProcess *snow_proctable_lock_get(SnowPid pid) {
  Shard *s = &shards[pid % SHARDS];
  shard_lock(s);
  SnowProcess *p = NULL;
  if (s->nbuckets) {
    p = s->buckets[bucket_of(pid, s->nbuckets)];
    while (p && p->pid != pid) p = p->table_next;
  }
  return p;
}

SnowProcess *snow_proctable_get(SnowPid pid) {
  SnowProcess *p = snow_proctable_lock_get(pid);
  if (p) atomic_fetch_add(&p->refs, 1);
  snow_proctable_unlock(pid);
  return p;
}

void snow_proctable_unlock(SnowPid pid) { shard_unlock(&shards[pid % SHARDS]); }

void snow_proctable_drain(void (*fn)(SnowProcess *)) {
  for (int i = 0; i < SHARDS; i++) {
    Shard *s = &shards[i];
    shard_lock(s);
    SnowProcess **b = s->buckets;
    uint64_t n = s->nbuckets;
    s->buckets = NULL;
    s->nbuckets = s->count = 0;
    shard_unlock(s);
    for (uint64_t k = 0; k < n; k++) {
      SnowProcess *p = b[k];
      while (p) {
        SnowProcess *next = p->table_next;
        fn(p);
        p = next;
      }
    }
    free(b);
  }
}
