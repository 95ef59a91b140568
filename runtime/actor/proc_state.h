/* proc_state.h — the Snow-level part of a process control block (internal to
 * runtime/actor/): links, monitors, trap-exit flag, pending exit signal,
 * declared message type, the landing point of the running body, the user
 * receive scan, exit hooks, owned jobs, pending send_after deliveries.
 *
 * Embedded in SnowProcess (process.h) and zeroed by its calloc, so every
 * field's zero value is the initial state (alive, not trapping, nothing
 * pending). Concurrency: fields marked [lock] are read and written only
 * under `lock` (other processes touch them: link, monitor, signal delivery);
 * fields marked [own] belong to the process itself (read and written only by
 * code running in it). Locks of two processes are never held at once, and a
 * process lock is never held while taking the timer lock. */
#ifndef SNOW_ACTOR_PROC_STATE_H
#define SNOW_ACTOR_PROC_STATE_H

#include "mailbox.h"
#include "pairs.h"
#include "snow_rt.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>

struct SnowExitHook;
struct SnowSendAfter;

typedef struct SnowProcState {
  atomic_flag lock;              /* spin lock for the [lock] fields */
  _Atomic uint8_t dead;          /* written under lock; past step 2 of §10.8 */
  uint8_t trap_exit;             /* [lock] */
  uint8_t exiting;               /* [lock] in its termination sequence */
  uint8_t autolink;              /* [own] spawn_link / supervisor mode */
  uint8_t overflowed;            /* [own] set by the fault handler before it jumps */
  uint8_t is_main;               /* [own] the program's main process */
  _Atomic uint8_t exit_pending;  /* set under lock; read without it as a hint */
  uint8_t pending_kill;          /* [lock] the pending exit is untrappable */
  int pending_code;              /* [lock] reason of the pending exit */
  char *pending_text;            /* [lock] its text (malloc'd) */
  SnowObj *declared_type;        /* set before start: actors' static STRING, or NULL */
  const char *declared_cname;    /* set before start: C bodies' static C string, or NULL */
  void (*free_arg)(void *arg);   /* C bodies: frees arg if the process is abandoned */
  void *body_arg;
  SnowPairs links;               /* [lock] linked PIDs */
  SnowPairs monitors_on;         /* [lock] (ref, watcher) monitoring this process */
  SnowPairs monitors_held;       /* [lock] (ref, target) this process monitors */
  SnowPairs owned;               /* [own] jobs killed when this process ends */
  struct SnowSendAfter *timers;  /* [lock] pending send_after deliveries to it */
  struct SnowExitHook *hooks;    /* [own] exit hooks, newest first */
  void *start;                   /* [own] proc.c's start record (freed at the end) */
  jmp_buf *landing;              /* [own] where a panic / exit unwinds to */
  int landing_code;              /* [own] reason code set by whoever jumps */
  char *landing_text;            /* [own] its text (malloc'd) */
  int landing_kill;              /* [own] the jump is an untrappable kill */
  /* [own] the user receive scan (snow_rt.h) */
  SnowMessage *scan_prev, *scan_cur;
  int scan_started;
  int64_t scan_timeout;
  uint64_t scan_deadline;
  SnowObj *scan_type;
} SnowProcState;

/* Frees what a process that never finished its termination sequence still
 * owns (processes abandoned at quiescence); called when the PCB is freed. */
void snow_proc_state_free(SnowProcState *ps);

#endif
