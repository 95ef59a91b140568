/* timers_rt.c — Timer.sleep and Timer.send_after (concurrency.md §12) on
 * the scheduler's timer heap (timer.h).
 *
 * A send_after delivery is a SnowSendAfter: the packed message, the target
 * PID and an embedded SnowTimer. While pending it is (a) in the timer heap,
 * where it counts as live work, so it keeps the program alive (§9.2), and
 * (b) in the target's list p->ps.timers (under the target's lock). Lock
 * order: timer lock, then a process lock (never the reverse).
 *   - Firing (timer lock held): if the delivery is still in its target's
 *     list it is removed, delivered and freed.
 *   - The target stops being alive (proc.c, step 2 of §10.8): the list is
 *     detached under its lock, then every delivery is cancelled
 *     (snow_timer_cancel waits for a firing in progress) and freed. So a
 *     delivery to a target that died never keeps the program alive. */
#include "proc.h"

#include "proc_internal.h"

#include "../core/gc.h"

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

typedef struct SnowSendAfter {
  SnowTimer timer;
  SnowPid target;
  SnowMessage *msg;
  struct SnowSendAfter *prev, *next; /* in the target's list */
  int in_list;
} SnowSendAfter;

static void unlink_locked(SnowProcess *t, SnowSendAfter *sa) {
  if (sa->prev) sa->prev->next = sa->next;
  else t->ps.timers = sa->next;
  if (sa->next) sa->next->prev = sa->prev;
  sa->prev = sa->next = NULL;
  sa->in_list = 0;
}

static void fire_send_after(SnowTimer *timer) {
  SnowSendAfter *sa = (SnowSendAfter *)(void *)((char *)timer - offsetof(SnowSendAfter, timer));
  SnowProcess *t = snow_proctable_get(sa->target);
  if (!t) return; /* its termination detached sa and will free it */
  snow_ps_lock(t);
  int mine = sa->in_list;
  if (mine) unlink_locked(t, sa);
  snow_ps_unlock(t);
  if (mine) {
    snow_ps_deliver(t, sa->msg);
    free(sa);
  }
  snow_process_release(t);
}

void snow_send_after_detach(SnowSendAfter *list) {
  while (list) {
    SnowSendAfter *next = list->next;
    list->in_list = 0;
    snow_timer_cancel(&list->timer); /* returns after a firing in progress */
    snow_entry_free(list->msg);
    free(list);
    list = next;
  }
}

void snow_timer_send_after(SnowWord pid, int64_t ms, SnowWord msg, int64_t msg_is_ptr,
                           SnowObj *msg_type) {
  SnowProcess *t = snow_proctable_get(pid);
  if (!t) return;
  if (t->ps.dead) {
    snow_process_release(t);
    return;
  }
  snow_ps_check_type(t, msg_type); /* §5.3, in the caller */
  SnowSendAfter *sa = calloc(1, sizeof *sa);
  if (!sa) snow_fatal_oom();
  sa->target = pid;
  sa->msg = snow_ps_pack_user(msg, msg_is_ptr, msg_type);
  sa->timer.index = -1;
  sa->timer.fire = fire_send_after;
  uint64_t deadline = snow_clock_ns() + (ms > 0 ? (uint64_t)ms * 1000000u : 0);
  int armed = 0;
  snow_timer_lock();
  snow_ps_lock(t);
  if (!t->ps.dead) {
    sa->next = t->ps.timers;
    if (sa->next) sa->next->prev = sa;
    t->ps.timers = sa;
    sa->in_list = 1;
    snow_timer_add_locked(&sa->timer, deadline);
    armed = 1;
  }
  snow_ps_unlock(t);
  snow_timer_unlock();
  snow_process_release(t);
  if (!armed) {
    snow_entry_free(sa->msg);
    free(sa);
    return;
  }
  snow_sched_kick(); /* parked workers recompute their earliest deadline */
}

void snow_timer_sleep(int64_t ms) {
  SnowProcess *p = snow_process_self();
  if (!p) { /* outside the scheduler (runtime unit tests) */
    if (ms > 0) {
      struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
      while (nanosleep(&ts, &ts) != 0) {
      }
    }
    return;
  }
  snow_ps_check_exit(p);
  if (ms <= 0) {
    snow_sched_suspend(p, INTENT_YIELD);
    snow_ps_check_exit(snow_process_self());
    return;
  }
  uint64_t deadline = snow_clock_ns() + (uint64_t)ms * 1000000u;
  for (;;) {
    p->block_deadline = deadline;
    snow_sched_suspend(p, INTENT_BLOCK_TIMER);
    p = snow_process_self();
    if (p->wake_reason == WAKE_TIMEOUT) break;
    snow_timer_cancel(&p->timer); /* woken early: by an exit signal */
    snow_ps_check_exit(p);
    if (snow_clock_ns() >= deadline) break;
  }
}
