/* sched.c — processes and the M:N scheduler: spawn, run queues with work
 * stealing, the global injection queue, parking idle workers, suspension
 * and wake-up, quiescence (actor.h, process.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "process.h"
#include "stack_save.h"

#include "../core/gc.h"
#include "snow_heap.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ThreadSanitizer must be told about every stack switch (fibers). */
#if defined(__SANITIZE_THREAD__)
#define SNOW_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SNOW_TSAN 1
#endif
#endif
#ifdef SNOW_TSAN
#include <sanitizer/tsan_interface.h>
#define TSAN_CREATE(p) ((p)->tsan_fiber = __tsan_create_fiber(0))
#define TSAN_DESTROY(p) __tsan_destroy_fiber((p)->tsan_fiber)
#define TSAN_SWITCH(fiber) __tsan_switch_to_fiber((fiber), 0)
#define TSAN_CURRENT() __tsan_get_current_fiber()
#else
#define TSAN_CREATE(p) ((void)0)
#define TSAN_DESTROY(p) ((void)0)
#define TSAN_SWITCH(fiber) ((void)0)
#define TSAN_CURRENT() NULL
#endif

/* AddressSanitizer must be told about every stack switch too, so that it
 * knows the current stack's bounds (a longjmp or a noreturn call then
 * unpoisons the right stack). The worker's own stack bounds are learnt at
 * the first switch into a process. */
#if defined(__SANITIZE_ADDRESS__)
#define SNOW_ASAN_FIBERS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SNOW_ASAN_FIBERS 1
#endif
#endif
#ifdef SNOW_ASAN_FIBERS
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN_START(save, bottom, size) __sanitizer_start_switch_fiber((save), (bottom), (size))
#define ASAN_FINISH(save, bottom_old, size_old)                                                 \
  __sanitizer_finish_switch_fiber((save), (bottom_old), (size_old))
/* A recycled stack still carries the poisoned redzones of its previous
 * owner's last frames, near its top (frames abandoned deeper down by a
 * longjmp are cleaned at the landing point, proc.c). Only the top is
 * cleaned: the whole stack's shadow would cost 32 KiB per spawn. */
#define ASAN_CLEAN_TOP ((size_t)16 << 10)
#define ASAN_CLEAN_STACK(st)                                                                     \
  __asan_unpoison_memory_region((size_t)((st)->top - (st)->lo) > ASAN_CLEAN_TOP                  \
                                    ? (st)->top - ASAN_CLEAN_TOP                                 \
                                    : (st)->lo,                                                  \
                                (size_t)((st)->top - (st)->lo) > ASAN_CLEAN_TOP                  \
                                    ? ASAN_CLEAN_TOP                                             \
                                    : (size_t)((st)->top - (st)->lo))
#else
#define ASAN_START(save, bottom, size) ((void)0)
#define ASAN_FINISH(save, bottom_old, size_old) ((void)0)
#define ASAN_CLEAN_STACK(st) ((void)0)
#endif

#if defined(__GNUC__) && !defined(__clang__)
#define NOT_CACHEABLE __attribute__((noinline, noipa))
#else
#define NOT_CACHEABLE __attribute__((noinline))
#endif

/* A worker's run order: its `next` slot (owner only), then a deque of
 * runnable processes linked through run_next (towards the back) and
 * run_prev (towards the front). Spawned, woken and yielding processes go to
 * the front (into `next`, pushing its occupant to the deque's front) and
 * the worker normally takes the front, so a process that just spawned or
 * woke another is followed by it on the same worker with a warm cache, and
 * trees of processes run depth first (skynet keeps a few dozen processes
 * alive instead of all of them). Fairness comes from the back (find_work):
 * the worker takes the back after every yield, once the processes it ran
 * from the front used a time slice between them (slice_used), and every
 * 1024 picks; thieves take from the back too, so every process's distance
 * to the back only shrinks. Processes woken by their timer wait in a
 * separate FIFO (`timed`) served first.
 * `count` may be read without the lock as a hint. */
typedef struct RunQueue {
  pthread_mutex_t lock;
  SnowProcess *head, *tail; /* head = front, tail = back */
  _Atomic uint64_t count;
} RunQueue;

typedef struct SnowWorker {
  int index;
  SnowCtx sched_ctx; /* the worker's own context, switched to by processes */
  RunQueue queue;
  RunQueue timed; /* processes woken by their timer: FIFO, run first */
  /* The front of the run order, owned by the worker's thread (no lock): the
   * process just spawned, woken or yielded here. Never stolen, so a message
   * exchange between two processes stays on one worker without locking. */
  SnowProcess *next;
  pthread_t thread;
  uint64_t rng;
  uint64_t ticks;
  int pick_back; /* pop the back of the queue next (fairness) */
  /* Reductions used since the last pick from the back: processes popped
   * from the front (just spawned or woken by the previous one) count
   * together, so a chain of message exchanges cannot keep older processes
   * waiting for more than one time slice (see RunQueue). Every process
   * still gets its own full budget. */
  int64_t slice_used;
  /* The process running here, NULL in the worker's own context. */
  SnowProcess *running;
  /* Increments of live_work owed for processes that the running process
   * woke or spawned into `next`, folded into the global count when it
   * switches out (usually against its own -1 for blocking, so a message
   * exchange touches no shared counter). Sound because the running process
   * is itself counted until then and `next` is invisible to other workers;
   * the debt is paid before `next`'s occupant moves to the stealable deque. */
  int64_t live_debt;
  void *altstack; /* alternate signal stack (stack overflow handling) */
  void *tsan_fiber;
  void *asan_fake;          /* AddressSanitizer builds: see ASAN_START */
  const void *asan_bottom;
  size_t asan_size;
} SnowWorker;

/* Documented runtime state: the scheduler of the active run. */
static struct {
  SnowWorker *workers;
  unsigned nworkers;
  RunQueue global; /* spawns and wake-ups from threads that are not workers */
  pthread_mutex_t park_lock;
  pthread_cond_t park_cond; /* CLOCK_MONOTONIC */
  _Atomic int idle;           /* workers inside park() */
  _Atomic int spinning;       /* workers looking for work before parking */
  _Atomic int notify_pending; /* a wake-up signal is on its way */
  /* Own cache line: updated at every block and wake-up, while idle workers
   * poll the fields around it. */
  _Alignas(64) _Atomic int64_t live_work; /* see process.h */
  _Alignas(64) _Atomic int shutdown;
  _Atomic int active;
  _Atomic uint64_t next_pid;
  _Atomic uint64_t steals, migrations;
  _Atomic int main_finished;
} S;

_Thread_local SnowProcess *snow_current_process;
/* The running process's reduction budget (snow_rt.h), refilled at every
 * switch-in; generated code decrements it inline. */
_Thread_local int64_t snow_reductions;
static _Thread_local SnowWorker *current_worker;

/* ---------------------------------------------------------------- queues */

static void rq_init(RunQueue *q) {
  pthread_mutex_init(&q->lock, NULL);
  q->head = q->tail = NULL;
  atomic_init(&q->count, 0);
}

/* Pushes at the front; returns the new length. */
static uint64_t rq_push_front(RunQueue *q, SnowProcess *p) {
  p->run_prev = NULL;
  pthread_mutex_lock(&q->lock);
  p->run_next = q->head;
  if (q->head) q->head->run_prev = p;
  else q->tail = p;
  q->head = p;
  uint64_t n = atomic_fetch_add_explicit(&q->count, 1, memory_order_relaxed) + 1;
  pthread_mutex_unlock(&q->lock);
  return n;
}

/* Pushes at the back (the global queue: FIFO). */
static void rq_push_back(RunQueue *q, SnowProcess *p) {
  p->run_next = NULL;
  pthread_mutex_lock(&q->lock);
  p->run_prev = q->tail;
  if (q->tail) q->tail->run_next = p;
  else q->head = p;
  q->tail = p;
  atomic_fetch_add_explicit(&q->count, 1, memory_order_relaxed);
  pthread_mutex_unlock(&q->lock);
}

static void rq_unlink_locked(RunQueue *q, SnowProcess *p) {
  if (p->run_prev) p->run_prev->run_next = p->run_next;
  else q->head = p->run_next;
  if (p->run_next) p->run_next->run_prev = p->run_prev;
  else q->tail = p->run_prev;
  p->run_next = p->run_prev = NULL;
  atomic_fetch_sub_explicit(&q->count, 1, memory_order_relaxed);
}

/* Pops the front (from_back = 0) or the back. */
static SnowProcess *rq_pop(RunQueue *q, int from_back) {
  if (!atomic_load_explicit(&q->count, memory_order_relaxed)) return NULL;
  pthread_mutex_lock(&q->lock);
  SnowProcess *p = from_back ? q->tail : q->head;
  if (p) rq_unlink_locked(q, p);
  pthread_mutex_unlock(&q->lock);
  return p;
}

/* At most this many processes move in one steal: the walk to cut the
 * batch happens under the victim's lock. */
#define STEAL_MAX 256

/* Takes the older half (at most STEAL_MAX) of victim's queue from its back:
 * returns the oldest and pushes the rest at into's back in their order. */
static SnowProcess *rq_steal_half(RunQueue *victim, RunQueue *into) {
  if (!atomic_load_explicit(&victim->count, memory_order_relaxed)) return NULL;
  pthread_mutex_lock(&victim->lock);
  uint64_t n = atomic_load_explicit(&victim->count, memory_order_relaxed);
  if (!n) {
    pthread_mutex_unlock(&victim->lock);
    return NULL;
  }
  uint64_t take = (n + 1) / 2 < STEAL_MAX ? (n + 1) / 2 : STEAL_MAX;
  SnowProcess *last = victim->tail, *first = last; /* first = newest taken */
  for (uint64_t i = 1; i < take; i++) first = first->run_prev;
  victim->tail = first->run_prev;
  if (victim->tail) victim->tail->run_next = NULL;
  else victim->head = NULL;
  atomic_fetch_sub_explicit(&victim->count, take, memory_order_relaxed);
  pthread_mutex_unlock(&victim->lock);
  /* Run the oldest (last) now; queue the others, oldest at the back. */
  SnowProcess *rest_tail = last->run_prev;
  last->run_next = last->run_prev = NULL;
  if (take > 1) {
    first->run_prev = NULL;
    rest_tail->run_next = NULL;
    pthread_mutex_lock(&into->lock);
    first->run_prev = into->tail;
    if (into->tail) into->tail->run_next = first;
    else into->head = first;
    into->tail = rest_tail;
    atomic_fetch_add_explicit(&into->count, take - 1, memory_order_relaxed);
    pthread_mutex_unlock(&into->lock);
  }
  return last;
}

/* ---------------------------------------------------------------- parking */

/* Work another worker could take: anything in a queue (a worker's `next`
 * process is left to that worker, which is running). */
static int work_visible(void) {
  if (atomic_load(&S.global.count)) return 1;
  for (unsigned i = 0; i < S.nworkers; i++)
    if (atomic_load(&S.workers[i].queue.count) + atomic_load(&S.workers[i].timed.count))
      return 1;
  return 0;
}

/* Wakes one parked worker, if any, to look for work — unless a worker is
 * spinning: it will find the work (or see it in park()'s final check). */
static void notify_one(void) {
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load(&S.spinning) > 0) return;
  if (atomic_load(&S.idle) > 0 && !atomic_exchange(&S.notify_pending, 1)) {
    pthread_mutex_lock(&S.park_lock);
    pthread_cond_signal(&S.park_cond);
    pthread_mutex_unlock(&S.park_lock);
  }
}

void snow_sched_kick(void) {
  pthread_mutex_lock(&S.park_lock);
  pthread_cond_broadcast(&S.park_cond);
  pthread_mutex_unlock(&S.park_lock);
}

/* Sleeps until there may be work, a timer is due, or the run ends. */
static void park(void) {
  pthread_mutex_lock(&S.park_lock);
  atomic_fetch_add(&S.idle, 1);
  atomic_thread_fence(memory_order_seq_cst);
  while (!atomic_load(&S.shutdown) && !work_visible()) {
    uint64_t deadline = snow_timer_next_deadline();
    if (deadline == UINT64_MAX) {
      pthread_cond_wait(&S.park_cond, &S.park_lock);
    } else {
      if (deadline <= snow_clock_ns()) break;
      struct timespec ts = {(time_t)(deadline / 1000000000u), (long)(deadline % 1000000000u)};
      pthread_cond_timedwait(&S.park_cond, &S.park_lock, &ts);
    }
    atomic_store(&S.notify_pending, 0);
  }
  atomic_fetch_sub(&S.idle, 1);
  atomic_store(&S.notify_pending, 0);
  pthread_mutex_unlock(&S.park_lock);
}

void snow_live_work_add(int64_t delta) {
  int64_t now = atomic_fetch_add(&S.live_work, delta) + delta;
  if (now == 0) {
    /* Quiescence: nothing runnable or running, no timer, no external
     * operation — and only those could ever produce more work. */
    atomic_store(&S.shutdown, 1);
    snow_sched_kick();
  } else if (now < 0) {
    static const char msg[] = "[snow-rt] fatal: scheduler accounting underflow\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* aborting anyway */ }
    abort();
  }
}

/* ---------------------------------------------------------------- processes */

SnowProcess *NOT_CACHEABLE snow_process_self(void) {
  __asm__ volatile("" ::: "memory");
  return snow_current_process;
}

static SnowWorker *NOT_CACHEABLE worker_self(void) {
  __asm__ volatile("" ::: "memory");
  return current_worker;
}

int snow_sched_active(void) { return atomic_load(&S.active); }

/* Queues a RUNNABLE process: on the calling worker's queue, or the global
 * one from other threads. */
/* Adds w's debt (SnowWorker.live_debt) plus `also` to live_work, in one
 * update, none when they cancel out. */
static void pay_live_debt(SnowWorker *w, int64_t also) {
  int64_t delta = w->live_debt + also;
  w->live_debt = 0;
  if (delta) snow_live_work_add(delta);
}

/* Puts p at the front of w's run order (the calling thread is w's): into
 * w->next, whose previous occupant moves to the front of the deque, where
 * idle workers may steal it. */
static void push_front_local(SnowWorker *w, SnowProcess *p) {
  SnowProcess *old = w->next;
  w->next = p;
  if (old) {
    pay_live_debt(w, 0); /* old becomes visible to thieves */
    rq_push_front(&w->queue, old);
    notify_one();
  }
}

/* Queues p, newly RUNNABLE, and counts it in live_work (process.h). */
static void enqueue_counted(SnowProcess *p) {
  SnowWorker *w = worker_self();
  if (!w) {
    snow_live_work_add(1);
    rq_push_back(&S.global, p);
    notify_one();
  } else {
    if (w->running) w->live_debt++; /* see SnowWorker.live_debt */
    else snow_live_work_add(1);
    push_front_local(w, p);
  }
}

/* Queues a process woken by its timer on the worker's `timed` FIFO, which
 * is served first: such a process is overdue, and processes resume in
 * deadline order (timers fire in heap order). */
static void enqueue_timed(SnowProcess *p) {
  SnowWorker *w = worker_self();
  rq_push_back(w ? &w->timed : &S.global, p);
  notify_one();
}

int snow_process_wake(SnowProcess *p, int from_state, int reason) {
  int expected = from_state;
  if (!atomic_compare_exchange_strong(&p->state, &expected, PROC_RUNNABLE)) return 0;
  snow_process_woken(p, reason);
  return 1;
}

int snow_process_push_claim(SnowProcess *p, SnowMessage *m) {
  snow_mailbox_push(&p->mailbox, m);
  /* seq_cst push, then seq_cst load: pairs with publish_blocked storing
   * WAITING_MSG and then checking the inbox, so one side sees the other. */
  int expected = PROC_WAITING_MSG;
  return atomic_load(&p->state) == PROC_WAITING_MSG &&
         atomic_compare_exchange_strong(&p->state, &expected, PROC_RUNNABLE);
}

void snow_process_woken(SnowProcess *p, int reason) {
  p->wake_reason = reason;
  if (reason == WAKE_TIMEOUT) {
    snow_live_work_add(1);
    enqueue_timed(p);
  } else {
    enqueue_counted(p);
  }
}

static void on_timer(SnowTimer *t) {
  SnowProcess *p = (SnowProcess *)((char *)t - offsetof(SnowProcess, timer));
  int st = atomic_load(&p->state);
  if (st == PROC_WAITING_MSG || st == PROC_WAITING_TIMER) snow_process_wake(p, st, WAKE_TIMEOUT);
}

void snow_process_release(SnowProcess *p) {
  if (atomic_fetch_sub(&p->refs, 1) != 1) return;
  snow_mailbox_destroy(&p->mailbox);
  snow_proc_state_free(&p->ps);
  if (p->stack) { /* abandoned at quiescence: its heap lives on the stack */
    snow_stack_save_discard(p);
    snow_heap_destroy(p->heap);
    snow_stack_put(p->stack);
  }
  TSAN_DESTROY(p);
  free(p);
}

_Noreturn static void finish(SnowProcess *p) {
  p->intent = INTENT_EXIT;
  ASAN_START(NULL, p->worker->asan_bottom, p->worker->asan_size); /* this stack dies */
  TSAN_SWITCH(p->worker->tsan_fiber);
  snow_ctx_switch(&p->ctx, &p->worker->sched_ctx);
  abort(); /* a dead process is never resumed */
}

static void process_start(void *arg) {
  SnowProcess *p = arg;
  ASAN_FINISH(NULL, &p->worker->asan_bottom, &p->worker->asan_size);
  p->entry(p->arg);
  /* The heap dies with the process; nothing allocates after this point. */
  snow_heap_destroy(p->heap);
  finish(p);
}

/* The process's SnowHeap sits above its first frame, outside the range the
 * collector scans (the heap's stack_base is the heap's own address). */
#define HEAP_RESERVE ((sizeof(SnowHeap) + 63) & ~(size_t)63)

SnowProcess *snow_sched_create(SnowProcessEntry entry, void *arg, size_t stack_bytes) {
  SnowProcess *p = calloc(1, sizeof *p);
  if (!p) {
    static const char msg[] = "[snow-rt] fatal: out of memory\n";
    fflush(stdout);
    if (write(2, msg, sizeof msg - 1) < 0) { /* exiting anyway */ }
    _exit(134);
  }
  p->pid = atomic_fetch_add(&S.next_pid, 1);
  /* The stack, and the heap and first frame on it, wait for the first run
   * (give_stack): a spawned process that has not run yet costs no page. */
  p->stack_request = stack_bytes;
  p->entry = entry;
  p->arg = arg;
  p->last_worker = -1;
  p->timer.index = -1;
  p->timer.fire = on_timer;
  atomic_init(&p->refs, 1);
  atomic_init(&p->state, PROC_RUNNABLE);
  snow_mailbox_init(&p->mailbox);
  TSAN_CREATE(p);
  return p;
}

/* A process's first run: its stack, its heap at the top, its first frame. */
static void give_stack(SnowProcess *p) {
  p->stack = snow_stack_get(p->stack_request);
  ASAN_CLEAN_STACK(p->stack);
  p->heap = p->stack->top - HEAP_RESERVE;
  snow_heap_init(p->heap, p->heap, 0);
  snow_ctx_make(&p->ctx, p->heap, process_start, p);
}

SnowPid snow_sched_start(SnowProcess *p) {
  SnowPid pid = p->pid; /* once queued, p may run, end and be freed at once */
  snow_proctable_insert(p);
  enqueue_counted(p);
  return pid;
}

SnowPid snow_spawn_with_stack(SnowProcessEntry entry, void *arg, size_t stack_bytes) {
  if (!atomic_load(&S.active)) return SNOW_NO_PID;
  return snow_sched_start(snow_sched_create(entry, arg, stack_bytes));
}

SnowPid snow_spawn(SnowProcessEntry entry, void *arg) {
  return snow_spawn_with_stack(entry, arg, 0);
}

SnowPid snow_next_pid(void) { return atomic_load(&S.next_pid); }

SnowPid snow_self(void) {
  SnowProcess *p = snow_process_self();
  return p ? p->pid : SNOW_NO_PID;
}

int snow_worker_index(void) {
  SnowWorker *w = worker_self();
  return w ? w->index : -1;
}

void snow_sched_suspend(SnowProcess *p, int intent) {
  p->intent = intent;
  p->wake_reason = WAKE_NONE;
  ASAN_START(&p->asan_fake, p->worker->asan_bottom, p->worker->asan_size);
  TSAN_SWITCH(p->worker->tsan_fiber);
  snow_ctx_switch(&p->ctx, &p->worker->sched_ctx);
  /* Resumed, perhaps on another thread: only `p` is still valid here. */
  ASAN_FINISH(p->asan_fake, &p->worker->asan_bottom, &p->worker->asan_size);
}

void snow_yield(void) {
  SnowProcess *p = snow_process_self();
  if (p) snow_sched_suspend(p, INTENT_YIELD);
}

void NOT_CACHEABLE snow_reduce(void) {
  if (--snow_reductions < 0) snow_reduce_slow();
}

SnowProcess *snow_current_process_get(void) { return snow_process_self(); }

_Noreturn void snow_process_exit(void) {
  SnowProcess *p = snow_process_self();
  if (!p) {
    static const char msg[] = "[snow-rt] fatal: snow_process_exit outside a process\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* aborting anyway */ }
    abort();
  }
  finish(p);
}

void snow_sleep_ms(int64_t ms) {
  SnowProcess *p = snow_process_self();
  if (!p) {
    if (ms > 0) {
      struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
      while (nanosleep(&ts, &ts) != 0) {
      }
    }
    return;
  }
  if (ms <= 0) {
    snow_sched_suspend(p, INTENT_YIELD);
    return;
  }
  p->block_deadline = snow_clock_ns() + (uint64_t)ms * 1000000u;
  snow_sched_suspend(p, INTENT_BLOCK_TIMER);
}

void snow_external_begin(void) { snow_live_work_add(1); }
void snow_external_end(void) { snow_live_work_add(-1); }

/* ---------------------------------------------------------------- workers */

/* Carries out what a process asked for when it switched out (we are on the
 * worker's stack now, so the process may be resumed elsewhere at once). */
/* Makes a process that has switched out to block visible as waiting (it
 * holds a temporary reference, dropped here); its -1 in live_work is made
 * together with the worker's debt, if w is given (see SnowWorker). */
static void publish_blocked(SnowProcess *p, SnowWorker *w) {
  int waiting = p->intent == INTENT_BLOCK_MSG ? PROC_WAITING_MSG : PROC_WAITING_TIMER;
  if (p->block_deadline) {
    /* Arm and publish together: the timer cannot fire before the state
     * says WAITING (fire runs under the timer lock). */
    snow_timer_lock();
    snow_timer_add_locked(&p->timer, p->block_deadline);
    atomic_store(&p->state, waiting);
    snow_timer_unlock();
  } else {
    atomic_store(&p->state, waiting);
  }
  /* A send that pushed before our store may have missed WAITING_MSG;
   * likewise an exit signal that found the process still RUNNING. */
  if (waiting == PROC_WAITING_MSG && snow_mailbox_has_new(&p->mailbox))
    snow_process_wake(p, PROC_WAITING_MSG, WAKE_MESSAGE);
  else if (atomic_load(&p->ps.exit_pending) || atomic_load(&p->external_ready))
    snow_process_wake(p, waiting, WAKE_MESSAGE); /* external_ready: runtime/io */
  if (w) pay_live_debt(w, -1);
  else snow_live_work_add(-1);
  snow_process_release(p);
}

/* Publishes this worker's batch of processes whose stacks were saved, once
 * their pages are released (stack_save.h). */
static void publish_saved_batch(void) {
  SnowProcess *batch[SAVE_BATCH];
  int n = snow_stack_save_release_batch(batch);
  for (int i = 0; i < n; i++) publish_blocked(batch[i], NULL);
}

static void after_switch(SnowWorker *w, SnowProcess *p) {
  switch (p->intent) {
  case INTENT_YIELD:
    pay_live_debt(w, 0);
    atomic_store(&p->state, PROC_RUNNABLE);
    /* At the front, but the next pick is the back: a yielder lets every
     * older process run first (fairness, see RunQueue). */
    push_front_local(w, p);
    w->pick_back = 1;
    break;
  case INTENT_BLOCK_MSG:
  case INTENT_BLOCK_TIMER:
    atomic_fetch_add(&p->refs, 1); /* p may be woken, run and end meanwhile */
    /* An idle process's stack may be saved first (before anyone can wake
     * it); it is then published with its batch. */
    if (snow_stack_save_on_block(p)) {
      pay_live_debt(w, 0); /* its -1 comes with its batch */
      if (snow_stack_save_batch_full()) publish_saved_batch();
    } else {
      publish_blocked(p, w);
    }
    break;
  case INTENT_EXIT:
    snow_proctable_remove(p);
    atomic_store(&p->state, PROC_DEAD);
    snow_stack_put(p->stack);
    p->stack = NULL;
    if (p->pid == 0) atomic_store(&S.main_finished, 1);
    snow_process_release(p); /* the table's reference */
    pay_live_debt(w, -1);
    break;
  }
}

static void run(SnowWorker *w, SnowProcess *p) {
  atomic_store_explicit(&p->state, PROC_RUNNING, memory_order_relaxed);
  if (p->last_worker >= 0 && p->last_worker != w->index) atomic_fetch_add(&S.migrations, 1);
  p->last_worker = w->index;
  p->worker = w;
  if (!p->stack) give_stack(p);  /* first run */
  snow_stack_save_before_run(p); /* restores an idle process's saved stack */
  p->budget = SNOW_REDUCTIONS_PER_SLICE;
  /* A deferred stack overflow (fault.c) is raised at the first reduction point. */
  snow_reductions = p->overflow_pending ? 0 : SNOW_REDUCTIONS_PER_SLICE;
  SnowHeap *saved_heap = snow_current_heap;
  if (p->heap) snow_current_heap = p->heap;
  snow_current_process = p;
  w->running = p;
  TSAN_SWITCH(p->tsan_fiber);
  ASAN_START(&w->asan_fake, p->stack->lo, (size_t)(p->stack->top - p->stack->lo));
  snow_ctx_switch(&w->sched_ctx, &p->ctx);
  ASAN_FINISH(w->asan_fake, NULL, NULL);
  snow_current_process = NULL;
  w->running = NULL;
  snow_current_heap = saved_heap;
  /* A yield ends the slice (snow_reduce_slow refilled the counter). */
  w->slice_used += p->intent == INTENT_YIELD ? SNOW_REDUCTIONS_PER_SLICE
                                             : SNOW_REDUCTIONS_PER_SLICE - snow_reductions;
  if (w->slice_used >= SNOW_REDUCTIONS_PER_SLICE) w->pick_back = 1;
  after_switch(w, p);
}

static SnowProcess *steal(SnowWorker *w) {
  unsigned n = S.nworkers;
  if (n < 2) return NULL;
  w->rng = w->rng * 6364136223846793005ull + 1442695040888963407ull;
  unsigned start = (unsigned)(w->rng >> 33) % n;
  for (unsigned i = 0; i < n; i++) {
    unsigned v = (start + i) % n;
    if (v == (unsigned)w->index) continue;
    SnowProcess *p = rq_steal_half(&S.workers[v].queue, &w->queue);
    if (!p) p = rq_steal_half(&S.workers[v].timed, &w->queue);
    if (p) {
      atomic_fetch_add(&S.steals, 1);
      return p;
    }
  }
  return NULL;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__)
  __asm__ volatile("pause");
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

static SnowProcess *find_work(SnowWorker *w) {
  SnowProcess *p = rq_pop(&w->timed, 0);
  if (p) return p;
  int back = w->pick_back;
  w->pick_back = 0;
  if (back) {
    p = rq_pop(&w->queue, 1);
  } else {
    p = w->next;
    w->next = NULL;
    if (!p) p = rq_pop(&w->queue, 0);
  }
  if (!p && w->next) { /* back pick with an empty deque */
    p = w->next;
    w->next = NULL;
  }
  if (!p || back) w->slice_used = 0; /* anything but a front pop: a new slice */
  if (!p) p = rq_pop(&S.global, 0);
  if (!p) p = steal(w);
  return p;
}

/* Looks for work a little longer before parking: a futex sleep and wake-up
 * costs far more than a short spin when work arrives at a high rate. */
static SnowProcess *spin_for_work(SnowWorker *w) {
  atomic_fetch_add(&S.spinning, 1);
  SnowProcess *p = NULL;
  for (int round = 0; round < 64 && !p && !atomic_load(&S.shutdown); round++) {
    for (int k = 0; k < 32; k++) cpu_relax();
    p = find_work(w);
  }
  atomic_fetch_sub(&S.spinning, 1);
  return p;
}

static void worker_loop(SnowWorker *w) {
  w->tsan_fiber = TSAN_CURRENT();
  while (!atomic_load(&S.shutdown)) {
    if (snow_timer_next_deadline() != UINT64_MAX) snow_timers_run_due(snow_clock_ns());
    SnowProcess *p = NULL;
    /* Look at the global queue now and then even when busy (fairness). */
    if (++w->ticks % 61 == 0) {
      p = rq_pop(&S.global, 0);
      if (p) w->slice_used = 0;
    } else if (w->ticks % 1024 == 512) {
      /* Backstop for chains of processes that use no reductions at all. */
      w->pick_back = 1;
    }
    if (!p) p = find_work(w);
    /* Saved idle processes wait in a batch: publish it before looking
     * further or parking, and now and then when busy (stack_save.h). */
    if (snow_stack_save_pending() && (!p || w->ticks % 16 == 0)) {
      publish_saved_batch();
      if (!p) p = find_work(w); /* woken by the publication itself */
    }
    if (!p && S.nworkers > 1) p = spin_for_work(w);
    if (!p) {
      park();
      continue;
    }
    run(w, p);
  }
}

/* Every worker thread gets an alternate signal stack so a guard-page fault
 * can be handled; returns the stack to free, or NULL if one was there. */
static void *install_altstack(void) {
  stack_t old;
  if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE)) return NULL;
  size_t size = 64 * 1024 + MINSIGSTKSZ;
  void *mem = malloc(size);
  if (!mem) return NULL;
  stack_t ss = {.ss_sp = mem, .ss_size = size, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) {
    free(mem);
    return NULL;
  }
  return mem;
}

static void remove_altstack(void *mem) {
  if (!mem) return;
  stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
  sigaltstack(&ss, NULL);
  free(mem);
}

static void *worker_thread(void *arg) {
  SnowWorker *w = arg;
  current_worker = w;
  w->altstack = install_altstack();
  snow_message_cache_enable();
  worker_loop(w);
  snow_message_cache_flush();
  snow_stack_flush_thread(); /* this thread's cached free stacks */
  remove_altstack(w->altstack);
  current_worker = NULL;
  return NULL;
}

static unsigned worker_count(const SnowSchedOptions *opts) {
  long n = opts && opts->workers ? (long)opts->workers : 0;
  const char *env = getenv("SNOW_SCHEDULERS");
  if (!n && env && *env) n = strtol(env, NULL, 10);
  if (n <= 0) n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n <= 0) n = 1;
  if (n > 1024) n = 1024;
  return (unsigned)n;
}

static uint64_t abandoned_count;

static void abandon(SnowProcess *p) {
  atomic_store(&p->state, PROC_DEAD);
  abandoned_count++;
  snow_process_release(p); /* frees the stack and mailbox with the block */
}

SnowSchedResult snow_sched_run(const SnowSchedOptions *opts, SnowProcessEntry main_entry,
                               void *arg) {
  SnowSchedResult result = {0};
  unsigned n = worker_count(opts);
  S.nworkers = n;
  S.workers = calloc(n, sizeof *S.workers);
  if (!S.workers) abort();
  for (unsigned i = 0; i < n; i++) {
    S.workers[i].index = (int)i;
    S.workers[i].rng = 0x9E3779B97F4A7C15ull * (i + 1);
    rq_init(&S.workers[i].queue);
    rq_init(&S.workers[i].timed);
  }
  rq_init(&S.global);
  pthread_mutex_init(&S.park_lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&S.park_cond, &ca);
  pthread_condattr_destroy(&ca);
  atomic_store(&S.idle, 0);
  atomic_store(&S.spinning, 0);
  atomic_store(&S.notify_pending, 0);
  atomic_store(&S.live_work, 0);
  atomic_store(&S.shutdown, 0);
  atomic_store(&S.next_pid, 0);
  atomic_store(&S.steals, 0);
  atomic_store(&S.migrations, 0);
  atomic_store(&S.main_finished, 0);
  abandoned_count = 0;
  snow_stack_save_reset();
  snow_proctable_init();
  snow_timers_init();
  atomic_store(&S.active, 1);

  SnowWorker *w0 = &S.workers[0];
  current_worker = w0;
  w0->altstack = install_altstack();
  snow_spawn_with_stack(main_entry, arg, opts ? opts->main_stack_bytes : 0);
  for (unsigned i = 1; i < n; i++) {
    if (pthread_create(&S.workers[i].thread, NULL, worker_thread, &S.workers[i]) != 0) {
      static const char msg[] = "[snow-rt] fatal: cannot start scheduler thread\n";
      if (write(2, msg, sizeof msg - 1) < 0) { /* exiting anyway */ }
      _exit(134);
    }
  }
  snow_message_cache_enable();
  worker_loop(w0);
  snow_message_cache_flush();
  for (unsigned i = 1; i < n; i++) pthread_join(S.workers[i].thread, NULL);
  remove_altstack(w0->altstack);
  current_worker = NULL;

  atomic_store(&S.active, 0);
  snow_proctable_drain(abandon);
  result.main_finished = atomic_load(&S.main_finished);
  result.spawned = atomic_load(&S.next_pid);
  result.abandoned = abandoned_count;
  result.steals = atomic_load(&S.steals);
  result.migrations = atomic_load(&S.migrations);
  snow_timers_destroy();
  for (unsigned i = 0; i < n; i++) {
    pthread_mutex_destroy(&S.workers[i].queue.lock);
    pthread_mutex_destroy(&S.workers[i].timed.lock);
  }
  pthread_mutex_destroy(&S.global.lock);
  pthread_cond_destroy(&S.park_cond);
  pthread_mutex_destroy(&S.park_lock);
  free(S.workers);
  S.workers = NULL;
  S.nworkers = 0;
  return result;
}
