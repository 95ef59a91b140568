/* blocking.c — the blocking-thread pool; contract in blocking.h.
 *
 * Runtime state (documented global): one FIFO of jobs under a mutex and a
 * condition variable, served by detached pool threads that live until the
 * program exits. A job is malloc'd by the calling process and freed by it
 * after the pool thread has published completion; the pool thread reads
 * nothing from the job after setting the process's external_ready flag
 * (process.h), and it holds a reference to the process until its wake-up
 * attempt is done, so it never touches a freed process. */
#include "blocking.h"

#include "../actor/process.h"
#include "../actor/proc_internal.h"
#include "../core/panic.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct BlockingJob {
  struct BlockingJob *next;
  void *(*fn)(void *);
  void *arg;
  void *result;
  SnowProcess *proc; /* referenced while the job is queued or running */
} BlockingJob;

static struct {
  pthread_once_t once;
  pthread_mutex_t lock;
  pthread_cond_t nonempty;
  BlockingJob *head, *tail;
  int threads;
} Pool = {PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0};

static BlockingJob *take_job(void) {
  pthread_mutex_lock(&Pool.lock);
  while (!Pool.head) pthread_cond_wait(&Pool.nonempty, &Pool.lock);
  BlockingJob *j = Pool.head;
  Pool.head = j->next;
  if (!Pool.head) Pool.tail = NULL;
  pthread_mutex_unlock(&Pool.lock);
  return j;
}

static void *pool_thread(void *unused) {
  (void)unused;
  for (;;) {
    BlockingJob *j = take_job();
    j->result = j->fn(j->arg);
    SnowProcess *p = j->proc;
    /* From here on j belongs to the process again (it may free it). */
    atomic_store(&p->external_ready, 1);
    int st = atomic_load(&p->state);
    if (st == PROC_WAITING_TIMER) snow_process_wake(p, PROC_WAITING_TIMER, WAKE_MESSAGE);
    /* If it was still RUNNING, publish_blocked sees external_ready. */
    snow_process_release(p);
    snow_external_end();
  }
  return NULL;
}

static void start_pool(void) {
  int n = 4;
  const char *env = getenv("SNOW_BLOCKING_THREADS");
  if (env && *env) {
    char *end;
    long v = strtol(env, &end, 10);
    if (*end == '\0' && v >= 1 && v <= 64) n = (int)v;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  for (int i = 0; i < n; i++) {
    pthread_t t;
    if (pthread_create(&t, &attr, pool_thread, NULL) == 0) Pool.threads++;
  }
  pthread_attr_destroy(&attr);
  if (Pool.threads == 0) snow_fatal("cannot start the blocking thread pool");
}

int snow_blocking_pool_size(void) {
  pthread_once(&Pool.once, start_pool);
  return Pool.threads;
}

void *snow_blocking_run(void *(*fn)(void *), void *arg) {
  SnowProcess *p = snow_process_self();
  if (!p) return fn(arg);
  pthread_once(&Pool.once, start_pool);
  BlockingJob *j = malloc(sizeof *j);
  if (!j) snow_fatal("out of memory");
  *j = (BlockingJob){NULL, fn, arg, NULL, p};
  atomic_store(&p->external_ready, 0);
  atomic_fetch_add(&p->refs, 1); /* dropped by the pool thread */
  snow_external_begin();         /* ended by the pool thread */
  pthread_mutex_lock(&Pool.lock);
  if (Pool.tail) Pool.tail->next = j;
  else Pool.head = j;
  Pool.tail = j;
  pthread_cond_signal(&Pool.nonempty);
  pthread_mutex_unlock(&Pool.lock);
  for (;;) {
    p->block_deadline = 0;
    snow_sched_suspend(p, INTENT_BLOCK_TIMER);
    p = snow_process_self();
    if (atomic_load(&p->external_ready)) break;
    /* Woken by an exit signal: it waits until fn is done (blocking.h). */
  }
  void *result = j->result;
  free(j);
  snow_ps_check_exit(p);
  return result;
}
