/* proc.h — Snow process semantics on top of the scheduler (internal to
 * runtime/): exit reasons as C data, C-bodied processes, internal mailbox
 * entries and signals, and the hooks that services, jobs and supervisors use
 * (concurrency.md §10-§15). The ABI that generated code calls is the
 * "processes area" of runtime/include/snow_rt.h; this header is what the
 * runtime's own subsystems (service.c, job.c, supervisor.c) build on.
 *
 * Every function here must be called from inside a process unless stated
 * otherwise. Ownership: SnowReason texts are malloc'd and owned by whoever
 * holds the struct; entries passed to snow_proc_post belong to the runtime
 * afterwards; entries returned by snow_proc_wait belong to the caller (free
 * them with snow_entry_free). */
#ifndef SNOW_ACTOR_PROC_H
#define SNOW_ACTOR_PROC_H

#include "actor.h"
#include "snow_rt.h"

/* ---- exit reasons (§10.1) ---- */
enum {
  SNOW_REASON_NORMAL,
  SNOW_REASON_SHUTDOWN,
  SNOW_REASON_KILLED,
  SNOW_REASON_NOPROC,
  SNOW_REASON_NOCONNECTION,
  SNOW_REASON_ERROR,
  SNOW_REASON_CUSTOM,
};
typedef struct SnowReason {
  int code;   /* SNOW_REASON_*: the ExitReason variant index */
  char *text; /* ERROR/CUSTOM: malloc'd NUL-terminated UTF-8; NULL otherwise */
} SnowReason;

SnowReason snow_reason_make(int code, const char *text); /* copies text */
SnowReason snow_reason_copy(const SnowReason *r);
void snow_reason_free(SnowReason *r);
SnowWord snow_reason_to_value(const SnowReason *r); /* ExitReason in the current heap */
SnowReason snow_reason_from_value(SnowWord v);
char *snow_reason_display(const SnowReason *r); /* "normal", "killed", text...; malloc'd */

/* ---- mailbox entries ----
 * SnowMessage.tag is the entry kind. USER entries carry a packed value
 * (copy.h) and their sender's message type name in `type`; SIGNAL entries
 * carry a SnowSignal in `data`; REPLY, JOB_RESULT and REQUEST are private
 * protocols (data: packed values after a header of the subsystem's choice,
 * `ref` to match them) and are never seen by a user `receive`. */
enum {
  SNOW_ENTRY_USER = 0,
  SNOW_ENTRY_SIGNAL = 1,
  SNOW_ENTRY_REPLY = 2,
  SNOW_ENTRY_JOB_RESULT = 3,
  SNOW_ENTRY_REQUEST = 4,
};
enum { SNOW_SIGNAL_EXIT, SNOW_SIGNAL_DOWN };
typedef struct SnowSignal {
  int kind;         /* SNOW_SIGNAL_EXIT / SNOW_SIGNAL_DOWN */
  SnowPid from;     /* the process that ended (or the Process.exit caller) */
  int64_t ref;      /* DOWN: the monitor reference */
  SnowReason reason;
} SnowSignal;

/* Frees an entry and what it owns (a signal's reason text). */
void snow_entry_free(SnowMessage *m);

/* ---- processes with C bodies (services, jobs, supervisors) ---- */
typedef struct SnowProcOptions {
  const char *declared_type; /* run-time message type (§5.3); NULL: any */
  int trap_exit;             /* initial trap-exit flag */
  /* (addition) Optional: called with arg when nothing else can free it:
   * the process was killed (KILLED: no exit hook runs; called at the end of
   * its termination sequence, in the process) or discarded at quiescence
   * (§9.2) while its body was still blocked (called after the run, outside
   * any process). It may only free memory. */
  void (*free_arg)(void *arg);
} SnowProcOptions;
/* Creates a process running body(arg) with its own heap current; arg belongs
 * to body. Honours the caller's auto-link mode (links at creation). */
SnowPid snow_proc_spawn(void (*body)(void *arg), void *arg, const SnowProcOptions *opts);
/* Terminates the caller with r (ownership taken): terminate clause / exit
 * hooks run unless r is KILLED, then the §10.8 sequence. */
_Noreturn void snow_proc_exit(SnowReason r);
/* Process.exit(pid, r) from the calling process (§10.6 table). */
void snow_proc_signal_exit(SnowPid pid, const SnowReason *r);
/* Appends an entry to pid's mailbox (ownership passes); 0 when pid is dead
 * or unknown (the entry is freed). Any thread. */
int snow_proc_post(SnowPid to, SnowMessage *m);
/* Selective wait over all entries, internal ones included, with its own
 * cursor (independent of a user receive scan): removes and returns the
 * oldest entry for which match(m, ctx) != 0; timeout_ms < 0 waits forever,
 * 0 polls; NULL on timeout. Exit signals that terminate the caller still
 * take effect while it waits. */
SnowMessage *snow_proc_wait(SnowMatchFn match, void *ctx, int64_t timeout_ms);
int snow_proc_is_alive(SnowPid pid); /* any thread */
/* Registers a hook run in the dying caller during its termination sequence,
 * after the terminate clause and before links and monitors are notified
 * (jobs report their outcome, supervisors shut their children down). Several
 * hooks run in reverse registration order. Not run for KILLED. */
void snow_proc_on_exit(void (*hook)(const SnowReason *r, void *ctx), void *ctx);
/* Jobs: when the caller terminates, every process it owns that is still
 * alive is killed (KILLED). */
void snow_proc_own(SnowPid job);
void snow_proc_disown(SnowPid job);
/* Prints the §19 panic line for the calling process ("Snow panic: ..." in
 * main, "Snow panic in process <0.N>: ..." elsewhere) — used by runtime code
 * that reports a failure without unwinding. */
void snow_proc_report_panic(const char *msg, size_t len, const char *file, int64_t line);

/* ---- additions (process runtime core) ---- */
/* Runs snow_main as the main process <0.0> on a stack of stack_bytes (0:
 * the default) and every process it creates, until quiescence (§9.2).
 * Returns whether main finished; main's panics and abnormal exits end the
 * OS process with status 134 before that (§9.3). Not from inside a process. */
int snow_proc_run_main(SnowWord (*snow_main)(void), size_t stack_bytes);
/* Runtime code that longjmps within a process (panic traps) calls this right
 * after landing: under AddressSanitizer it clears the poisoning left by the
 * abandoned frames (a no-op otherwise). */
void snow_proc_after_longjmp(void);

#endif
