/* timer.c — the runtime's timer heap (timer.h). */
#include "timer.h"

#include "process.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* Documented runtime state: the timer heap shared by all scheduler threads. */
static pthread_mutex_t timer_mutex = PTHREAD_MUTEX_INITIALIZER;
static SnowTimer **heap;
static uint64_t heap_len, heap_cap;
static _Atomic uint64_t next_deadline = UINT64_MAX;

uint64_t snow_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void snow_timers_init(void) {
  pthread_mutex_lock(&timer_mutex);
  heap_len = 0;
  atomic_store(&next_deadline, UINT64_MAX);
  pthread_mutex_unlock(&timer_mutex);
}

void snow_timers_destroy(void) {
  pthread_mutex_lock(&timer_mutex);
  for (uint64_t i = 0; i < heap_len; i++) heap[i]->index = -1;
  free(heap);
  heap = NULL;
  heap_len = heap_cap = 0;
  atomic_store(&next_deadline, UINT64_MAX);
  pthread_mutex_unlock(&timer_mutex);
}

void snow_timer_lock(void) { pthread_mutex_lock(&timer_mutex); }
void snow_timer_unlock(void) { pthread_mutex_unlock(&timer_mutex); }

static void place(uint64_t i, SnowTimer *t) {
  heap[i] = t;
  t->index = (int64_t)i;
}

static void sift_up(uint64_t i) {
  SnowTimer *t = heap[i];
  while (i > 0) {
    uint64_t parent = (i - 1) / 2;
    if (heap[parent]->deadline <= t->deadline) break;
    place(i, heap[parent]);
    i = parent;
  }
  place(i, t);
}

static void sift_down(uint64_t i) {
  SnowTimer *t = heap[i];
  for (;;) {
    uint64_t child = 2 * i + 1;
    if (child >= heap_len) break;
    if (child + 1 < heap_len && heap[child + 1]->deadline < heap[child]->deadline) child++;
    if (heap[child]->deadline >= t->deadline) break;
    place(i, heap[child]);
    i = child;
  }
  place(i, t);
}

static void publish_next(void) {
  atomic_store(&next_deadline, heap_len ? heap[0]->deadline : UINT64_MAX);
}

void snow_timer_add_locked(SnowTimer *t, uint64_t deadline) {
  if (heap_len == heap_cap) {
    uint64_t cap = heap_cap ? heap_cap * 2 : 64;
    SnowTimer **grown = realloc(heap, cap * sizeof *grown);
    if (!grown) abort();
    heap = grown;
    heap_cap = cap;
  }
  snow_live_work_add(1); /* the caller is counted: no transient zero */
  t->deadline = deadline;
  heap[heap_len] = t;
  t->index = (int64_t)heap_len;
  heap_len++;
  sift_up(heap_len - 1);
  publish_next();
}

/* Removes the pending timer t; lock held. */
static void remove_locked(SnowTimer *t) {
  uint64_t i = (uint64_t)t->index;
  t->index = -1;
  heap_len--;
  if (i != heap_len) {
    place(i, heap[heap_len]);
    if (i > 0 && heap[i]->deadline < heap[(i - 1) / 2]->deadline) sift_up(i);
    else sift_down(i);
  }
  publish_next();
}

int snow_timer_cancel(SnowTimer *t) {
  pthread_mutex_lock(&timer_mutex);
  int pending = t->index >= 0;
  if (pending) remove_locked(t);
  pthread_mutex_unlock(&timer_mutex);
  if (pending) snow_live_work_add(-1);
  return pending;
}

uint64_t snow_timer_next_deadline(void) { return atomic_load(&next_deadline); }

void snow_timers_run_due(uint64_t now) {
  if (atomic_load(&next_deadline) > now) return;
  pthread_mutex_lock(&timer_mutex);
  uint64_t fired = 0;
  while (heap_len && heap[0]->deadline <= now) {
    SnowTimer *t = heap[0];
    remove_locked(t);
    t->fire(t); /* wakes its owner: counted before the timer is uncounted */
    fired++;
  }
  pthread_mutex_unlock(&timer_mutex);
  if (fired) snow_live_work_add(-(int64_t)fired);
}

uint64_t snow_timer_pending(void) {
  pthread_mutex_lock(&timer_mutex);
  uint64_t n = heap_len;
  pthread_mutex_unlock(&timer_mutex);
  return n;
}
