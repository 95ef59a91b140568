/* timer.h — deadlines for sleeping and receive-after (internal to
 * runtime/actor/).
 *
 * Contract. One binary min-heap of timers for the whole runtime, protected by
 * one mutex and serviced by the scheduler threads (each looks at the earliest
 * deadline between two processes, and parked workers sleep until it) — no OS
 * thread per timer. A timer is embedded in its owner (the process control
 * block); fire(t) runs on a scheduler thread *with the timer lock held*, so
 * once snow_timer_cancel() returns the timer can neither be pending nor
 * firing. Each pending timer counts as live work (process.h).
 * snow_timer_add_locked lets the scheduler arm a timer and publish a state
 * change atomically with respect to fire (see sched.c). */
#ifndef SNOW_ACTOR_TIMER_H
#define SNOW_ACTOR_TIMER_H

#include <stdint.h>

typedef struct SnowTimer {
  uint64_t deadline;   /* snow_clock_ns() value */
  int64_t index;       /* position in the heap, -1 when not pending */
  void (*fire)(struct SnowTimer *t);
} SnowTimer;

/* Monotonic clock in nanoseconds. */
uint64_t snow_clock_ns(void);

void snow_timers_init(void);
void snow_timers_destroy(void);
void snow_timer_lock(void);
void snow_timer_unlock(void);
/* Arms t (not pending) for `deadline`; the caller holds the timer lock. */
void snow_timer_add_locked(SnowTimer *t, uint64_t deadline);
/* Disarms t if pending; returns 1 if it was. Takes the timer lock. */
int snow_timer_cancel(SnowTimer *t);
/* Earliest deadline, UINT64_MAX if none (lock-free read). */
uint64_t snow_timer_next_deadline(void);
/* Fires every timer whose deadline is <= now. */
void snow_timers_run_due(uint64_t now);
/* Number of pending timers (tests). */
uint64_t snow_timer_pending(void);

#endif
