/* process.h — the process control block and the scheduler's internal hooks
 * (internal to runtime/actor/).
 *
 * State machine (field `state`, changed with atomic operations):
 *   RUNNABLE --(a worker picks it)--> RUNNING
 *   RUNNING --(yield)--> RUNNABLE (back of the worker's queue)
 *   RUNNING --(block: receive/sleep)--> WAITING_MSG / WAITING_TIMER
 *   WAITING_* --(snow_process_wake: CAS, exactly one waker wins)--> RUNNABLE
 *   RUNNING --(entry returns / exit)--> DEAD
 * The transitions out of RUNNING are made by the scheduler *after* the
 * process has switched off its stack (the process only records its intent),
 * so a waker can never resume a process whose context is not saved yet.
 *
 * Quiescence accounting (`live_work`): +1 for each process that is RUNNABLE
 * or RUNNING, +1 per pending timer, +1 per external operation. Every
 * increment is made by someone already counted (or before the decrement that
 * it replaces), so the count reaching zero is final: the run is over.
 * Wake-ups and spawns made by a running process into its worker's private
 * `next` slot are owed by the worker and paid when that process switches
 * out, usually cancelling its own -1 (sched.c, SnowWorker.live_debt). */
#ifndef SNOW_ACTOR_PROCESS_H
#define SNOW_ACTOR_PROCESS_H

#include "actor.h"
#include "ctx.h"
#include "mailbox.h"
#include "proc_state.h"
#include "stack.h"
#include "timer.h"

#include <stdatomic.h>

enum {
  PROC_RUNNABLE,
  PROC_RUNNING,
  PROC_WAITING_MSG,
  PROC_WAITING_TIMER,
  PROC_DEAD,
};

/* What a process asks of the scheduler when it switches to it. */
enum { INTENT_YIELD, INTENT_BLOCK_MSG, INTENT_BLOCK_TIMER, INTENT_EXIT };

enum { WAKE_NONE, WAKE_MESSAGE, WAKE_TIMEOUT };

struct SnowWorker;

struct SnowProcess {
  int64_t budget; /* must stay first: snow_reduce() decrements *(int64_t *)p */
  SnowCtx ctx;
  SnowPid pid;
  _Atomic int state;
  int intent;              /* written by the process before switching out */
  int wake_reason;         /* written by the waker that won, read after resume */
  uint64_t block_deadline; /* ns (snow_clock_ns), 0 = none, for INTENT_BLOCK_* */
  SnowTimer timer;         /* the process's one deadline */
  SnowStack *stack;
  struct SnowWorker *worker; /* worker running it (valid while RUNNING) */
  int last_worker;           /* for migration statistics */
  SnowProcess *run_next;     /* run queue links (sched.c: a deque) */
  SnowProcess *run_prev;
  SnowProcess *table_next;   /* process table chain */
  _Atomic uint32_t refs;     /* table reference + temporary ones */
  SnowMailbox mailbox;
  SnowProcessEntry entry;
  void *arg;
  void *heap; /* the process's SnowHeap, at the top of its stack (sched.c) */
  void *tsan_fiber; /* ThreadSanitizer builds only (sched.c) */
  void *asan_fake;  /* AddressSanitizer builds only (sched.c) */
  void *stack_save; /* idle process: its saved stack bytes (stack_save.c) */
  size_t stack_request; /* usable stack bytes asked for (0: default); the
                         * stack is taken when the process first runs */
  SnowProcState ps; /* Snow semantics: links, monitors, exits (proc.c) */
  /* runtime/io (blocking pool, poller): set by the thread that completed
   * an external operation for this process; publish_blocked re-checks it
   * after publishing WAITING, so a completion that saw RUNNING is not lost. */
  _Atomic int external_ready;
  /* A stack overflow in runtime or C library code (fault.c): part of the
   * guard was lifted so that code could finish (it may hold a lock); the
   * overflow is raised at the next reduction point or blocking operation
   * (proc.c). Written and read by the thread running the process. */
  uint8_t overflow_pending;
};

/* The calling thread's process; safe to call after a context switch (never
 * cached across one by the compiler). */
SnowProcess *snow_process_self(void);

/* Scheduler hooks (sched.c). */
/* Switches out of the calling process with `intent` (INTENT_BLOCK_*: with
 * p->block_deadline set or 0); returns when it runs again. */
void snow_sched_suspend(SnowProcess *p, int intent);
/* Makes a process waiting in `from_state` runnable; returns 1 if this call
 * won the wake-up. Any thread. */
int snow_process_wake(SnowProcess *p, int from_state, int reason);
/* The rest of a wake-up for a caller that moved p's state from WAITING_* to
 * RUNNABLE itself (its own compare-and-swap): queues p. */
void snow_process_woken(SnowProcess *p, int reason);
/* Pushes m into p's mailbox (p kept allocated by the caller) and claims
 * p's wake-up if p waits for a message: returns 1 when p is now RUNNABLE
 * and the caller must call snow_process_woken(p, WAKE_MESSAGE) — possibly
 * after dropping the lock that kept p allocated. Any thread. */
int snow_process_push_claim(SnowProcess *p, SnowMessage *m);
void snow_live_work_add(int64_t delta);
/* Wakes parked workers so they look at the timers again (any thread). */
void snow_sched_kick(void);
int snow_sched_active(void);

/* Two-step spawn (proc.c sets up links and options in between): creates a
 * process that is not yet known to anyone, holding one reference (the
 * table's, once started); its stack, and its heap at the top of it, are
 * set up when it first runs (p->stack and p->heap are NULL until then);
 * snow_sched_start makes it visible and runnable and returns its
 * PID. */
SnowProcess *snow_sched_create(SnowProcessEntry entry, void *arg, size_t stack_bytes);
SnowPid snow_sched_start(SnowProcess *p);

/* Process table (proctable.c): PID -> process, holding one reference. */
void snow_proctable_init(void);
void snow_proctable_insert(SnowProcess *p);
void snow_proctable_remove(SnowProcess *p);
/* The live process with this PID with a new reference, or NULL. */
SnowProcess *snow_proctable_get(SnowPid pid);
/* Looks pid up and keeps its table shard locked until
 * snow_proctable_unlock(pid), instead of taking a reference: the process
 * returned (NULL: unknown) stays allocated meanwhile, because the table's
 * own reference is dropped only after snow_proctable_remove, which needs
 * the lock. A spin lock: keep the section to a few loads and atomics, and
 * take no other lock inside it. */
SnowProcess *snow_proctable_lock_get(SnowPid pid);
void snow_proctable_unlock(SnowPid pid);
/* Removes every process, calling fn on each (shutdown). */
void snow_proctable_drain(void (*fn)(SnowProcess *));
void snow_process_release(SnowProcess *p);

#endif
