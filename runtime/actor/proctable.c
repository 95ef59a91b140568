/* proctable.c — PID -> process control block, sharded by PID so that
 * concurrent spawns and sends rarely contend (process.h). */
#include "process.h"

#include <pthread.h>
#include <stdlib.h>

#define SHARDS 64

typedef struct Shard {
  pthread_mutex_t lock;
  SnowProcess **buckets;
  uint64_t nbuckets; /* power of two */
  uint64_t count;
} Shard;

/* Documented runtime state: the process table of the active run. */
static Shard shards[SHARDS];
static pthread_once_t shards_once = PTHREAD_ONCE_INIT;

static void init_locks(void) {
  for (int i = 0; i < SHARDS; i++) pthread_mutex_init(&shards[i].lock, NULL);
}

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
  pthread_mutex_lock(&s->lock);
  if (s->count >= s->nbuckets) grow(s);
  uint64_t k = bucket_of(p->pid, s->nbuckets);
  p->table_next = s->buckets[k];
  s->buckets[k] = p;
  s->count++;
  pthread_mutex_unlock(&s->lock);
}

void snow_proctable_remove(SnowProcess *p) {
  Shard *s = &shards[p->pid % SHARDS];
  pthread_mutex_lock(&s->lock);
  SnowProcess **link = &s->buckets[bucket_of(p->pid, s->nbuckets)];
  while (*link && *link != p) link = &(*link)->table_next;
  if (*link) {
    *link = p->table_next;
    s->count--;
  }
  pthread_mutex_unlock(&s->lock);
}

SnowProcess *snow_proctable_get(SnowPid pid) {
  Shard *s = &shards[pid % SHARDS];
  pthread_mutex_lock(&s->lock);
  SnowProcess *p = NULL;
  if (s->nbuckets) {
    p = s->buckets[bucket_of(pid, s->nbuckets)];
    while (p && p->pid != pid) p = p->table_next;
    if (p) atomic_fetch_add(&p->refs, 1);
  }
  pthread_mutex_unlock(&s->lock);
  return p;
}

void snow_proctable_drain(void (*fn)(SnowProcess *)) {
  for (int i = 0; i < SHARDS; i++) {
    Shard *s = &shards[i];
    pthread_mutex_lock(&s->lock);
    SnowProcess **b = s->buckets;
    uint64_t n = s->nbuckets;
    s->buckets = NULL;
    s->nbuckets = s->count = 0;
    pthread_mutex_unlock(&s->lock);
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
