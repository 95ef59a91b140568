/* actor.h — the actor runtime substrate: processes (stackful coroutines),
 * the M:N work-stealing scheduler, mailboxes and timers (design.md §3,
 * concurrency.md §2, §6-§9, §12, §17, §18). Generated code does not call
 * it directly: the Snow process semantics (proc.h) and the processes area of
 * snow_rt.h are built on it.
 *
 * What a process is. A process is a coroutine with its own stack (a
 * region-carved mmap'ed stack with a guard area, >= 64 KiB usable), a PID
 * unique within one snow_sched_run, a mailbox, and a reduction budget. It runs
 * entry(arg) and ends when entry returns or it calls snow_process_exit().
 * Processes are scheduled M:N over worker threads (one per CPU by default, or
 * SNOW_SCHEDULERS); a process can migrate between workers whenever it is
 * suspended (yield, receive, sleep), so code running in a process must not
 * cache thread-local state across those calls (its PCB pointer is stable).
 *
 * Lifetime of a run. snow_sched_run() starts the workers (the calling thread
 * is worker 0), spawns the main process (PID 0) and returns at quiescence:
 * when no process is runnable or running, no timer is pending and no external
 * operation is in flight (concurrency.md §9.2). Processes still blocked then
 * are discarded (their stacks and mailboxes are freed). Runs may follow each
 * other in one OS process (PIDs restart at 0); they must not overlap.
 *
 * Thread safety, call by call (P = "only from inside a running process",
 * A = "from any thread while a run is active"):
 *   snow_sched_run          one thread at a time, never from inside a process
 *   snow_spawn*             A (from a non-worker thread the new process goes
 *                           to the global injection queue)
 *   snow_self, snow_yield, snow_reduce, snow_sleep_ms, snow_receive,
 *   snow_process_exit       P (outside a process: snow_self returns
 *                           SNOW_NO_PID, snow_yield/snow_reduce do nothing,
 *                           snow_receive returns NULL at once)
 *   snow_send*, snow_message_*, snow_external_*  A
 *
 * Heaps. Every process allocates on its own SnowHeap, kept at the top of
 * its stack and made current at every switch-in (sched.c); it is destroyed
 * when the process ends or is abandoned.
 *
 * Ownership. Messages are opaque byte buffers (Snow values are deep-copied
 * into them by copy.h). snow_send copies the
 * bytes; snow_send_message takes ownership of a message made by
 * snow_message_new (also when the target is dead: the message is freed).
 * snow_receive hands the caller ownership of the removed message, to be
 * released with snow_message_free. Process control blocks are owned by the
 * runtime; callers only hold PIDs. */
#ifndef SNOW_ACTOR_H
#define SNOW_ACTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t SnowPid;
#define SNOW_NO_PID ((SnowPid)UINT64_MAX)

/* Reductions per time slice (concurrency.md §8 suggests 4000). */
#define SNOW_REDUCTIONS_PER_SLICE 4000

typedef void (*SnowProcessEntry)(void *arg);

typedef struct SnowProcess SnowProcess; /* opaque; first member: int64_t budget */

typedef struct SnowSchedOptions {
  unsigned workers;        /* 0: $SNOW_SCHEDULERS, else the number of online CPUs */
  size_t main_stack_bytes; /* 0: the default process stack size */
} SnowSchedOptions;

typedef struct SnowSchedResult {
  int main_finished;           /* main's entry returned (or it exited) */
  uint64_t spawned;            /* processes created, main included */
  uint64_t abandoned;          /* processes still blocked at quiescence */
  uint64_t steals;             /* successful steals between workers */
  uint64_t migrations;         /* times a process resumed on another worker */
} SnowSchedResult;

/* Runs `main_entry(arg)` as process 0 and every process it spawns, until
 * quiescence. opts may be NULL. */
SnowSchedResult snow_sched_run(const SnowSchedOptions *opts, SnowProcessEntry main_entry,
                               void *arg);

/* Creates a runnable process; returns its PID (SNOW_NO_PID when no run is
 * active). The new process may not have run when this returns. */
SnowPid snow_spawn(SnowProcessEntry entry, void *arg);
/* Same, with a stack of at least stack_bytes usable bytes. */
SnowPid snow_spawn_with_stack(SnowProcessEntry entry, void *arg, size_t stack_bytes);

SnowPid snow_self(void);
/* PIDs are handed out in increasing order: every process created after this
 * call returns has a PID >= the value returned (A). */
SnowPid snow_next_pid(void);
/* Index of the worker running the caller (-1 outside the scheduler). */
int snow_worker_index(void);
/* Puts the calling process at the back of its worker's run queue. */
void snow_yield(void);
/* Ends the calling process at once (its stack is released; nothing on it
 * is unwound). */
_Noreturn void snow_process_exit(void);
/* Suspends the calling process for at least ms milliseconds (ms <= 0:
 * yields). The mailbox is not touched. */
void snow_sleep_ms(int64_t ms);

/* Reduction check, for function entries and loop back-edges: one reduction;
 * yields when the slice's budget is spent (nothing outside a process).
 * Out of line on purpose: a caller that inlined the thread-local load could
 * keep the thread pointer (or the TLS address) in a register across the
 * yield and, after migrating, read another thread's current process
 * (compilers treat the thread pointer as invariant within a function —
 * notably on aarch64, and LLVM's llvm.threadlocal.address). Generated code
 * that wants an inline fast path must decrement the budget through the
 * process pointer (its first word, an int64_t) obtained *after* every
 * suspension point, e.g. re-read via snow_current_process_get(). */
extern _Thread_local SnowProcess *snow_current_process;
void snow_reduce(void);
SnowProcess *snow_current_process_get(void);

/* ---- messages ---- */
typedef struct SnowMessage {
  struct SnowMessage *next; /* owned by the mailbox while queued */
  uint64_t tag;             /* entry kind (proc.h: SNOW_ENTRY_*) */
  uint64_t ref;             /* private protocols: call / job reference */
  struct SnowObj *type;     /* USER entries: static STRING naming the value's type, or NULL */
  size_t size;
  unsigned char data[];
} SnowMessage;

/* A message with `size` data bytes, uninitialised; any thread. Free it with
 * snow_message_free (free() is allowed too). */
SnowMessage *snow_message_new(uint64_t tag, size_t size);
void snow_message_free(SnowMessage *m);
/* The scheduler's threads keep a few freed small messages for reuse:
 * enable on a thread before use; flush (frees them, disables) before the
 * thread ends. */
void snow_message_cache_enable(void);
void snow_message_cache_flush(void);

/* Appends a copy of bytes[0..size) to `to`'s mailbox and wakes it if it waits
 * in snow_receive. Returns 1 if queued, 0 if `to` is dead or unknown (the
 * message is dropped, as concurrency.md §5.2 asks). Never blocks on the
 * receiver. */
int snow_send(SnowPid to, uint64_t tag, const void *bytes, size_t size);
int snow_send_message(SnowPid to, SnowMessage *m);

/* Selective receive (concurrency.md §6.4): returns the oldest message for
 * which match(m, ctx) is nonzero (match NULL: any), removing it from the
 * mailbox. timeout_ms < 0: wait as long as it takes; 0: poll; > 0: give up
 * after that many milliseconds and return NULL. Skipped messages keep their
 * order; after a wake-up only newly arrived messages are examined. */
typedef int (*SnowMatchFn)(const SnowMessage *m, void *ctx);
SnowMessage *snow_receive(SnowMatchFn match, void *ctx, int64_t timeout_ms);
/* Messages currently queued for the calling process (tests, debugging). */
size_t snow_mailbox_length(void);

/* An operation outside the scheduler (a blocking-pool call, a poller wait)
 * that will later wake a process keeps the run alive between these calls. */
void snow_external_begin(void);
void snow_external_end(void);

/* Stack overflow: installs a SIGSEGV/SIGBUS handler (on an alternate signal
 * stack, which every worker thread has) for faults in a process's guard
 * area: a Snow process panics with `stack overflow` and terminates alone
 * (proc.c landing points; main: `Snow panic: stack overflow`, 134); a bare
 * snow_spawn process gets `[snow-rt] fatal: stack overflow in process
 * <0.N>` and exit status 134 (fault.c). Other faults go to the previously
 * installed handler. Idempotent. */
void snow_actor_install_overflow_handler(void);
/* Nonzero when addr lies in the guard area of a process stack. */
int snow_actor_is_stack_guard(uintptr_t addr);

#ifdef __cplusplus
}
#endif

#endif
