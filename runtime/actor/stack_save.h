/* stack_save.h — giving the stack pages of idle processes back to the OS
 * (internal to runtime/actor/; implemented in stack_save.c).
 *
 * Contract. A process blocked in receive / sleep keeps its frames and its
 * SnowHeap struct at the top of its stack, i.e. at least one committed page.
 * When more than `threshold` blocked processes (an estimate: per-thread
 * deltas are folded into a global count in batches) still have committed
 * stacks, the scheduler calls snow_stack_save_on_block() for the next process
 * that blocks: the used bytes [saved sp, end of the stack descriptor) are
 * copied, zero-run encoded, to a malloc'd buffer (p->stack_save; typically
 * a few hundred bytes for an actor waiting in receive) and the whole usable
 * range of the stack is returned to the OS (MADV_DONTNEED). Releases are
 * batched per worker thread (one process_madvise call, hence one TLB
 * shootdown, per SAVE_BATCH processes): a saved process is published as
 * waiting only after its batch is released. Before the process runs
 * again, snow_stack_save_on_resume() copies the bytes back to the same
 * addresses (the pages fault in again), so every pointer into the stack
 * (frames, the heap struct, the descriptor) stays valid.
 *
 * Who may touch what. Both hooks are called by the scheduler on a worker's
 * own stack while no one else can run the process: on_block after the
 * process has switched out and BEFORE its state is published as WAITING_*
 * (no waker can resume it yet), on_resume before switching into it (the
 * process was handed over through the run queues). While a process is saved,
 * nothing may read its stack, its SnowHeap (p->heap) or its SnowStack
 * descriptor (p->stack->...): senders, timers and exit signals touch only
 * the PCB; the collector only ever scans the running process's own stack.
 * Hence the rule for runtime C code: a process's stack is private to it —
 * no other process may keep a pointer into it (spawn arguments, reply
 * slots, exit-hook contexts live in malloc'd or static memory).
 * A process abandoned at quiescence while saved is restored by
 * snow_stack_save_discard() before its heap and stack are released.
 *
 * The threshold is 4,096 processes by default (a few tens of MiB of
 * committed stacks, and programs with fewer blocked processes never pay for
 * a copy or a page fault); SNOW_IDLE_STACKS=N sets it at the start of each
 * run (0: save every blocking process — used to stress-test this path). */
#ifndef SNOW_ACTOR_STACK_SAVE_H
#define SNOW_ACTOR_STACK_SAVE_H

#include "process.h"

#include <stdint.h>

/* Start of a run (sched.c): zero the count, read SNOW_IDLE_STACKS. */
void snow_stack_save_reset(void);
/* Process p has switched out with INTENT_BLOCK_* and is not published yet.
 * Returns 0 when the caller must publish p now (p keeps its stack, or it
 * waits with a deadline: then its pages are released at once), 1 when
 * its bytes are saved: p then joins this thread's batch, and the caller
 * publishes it only after snow_stack_save_release_batch has returned its
 * pages — when the batch is full (snow_stack_save_batch_full), and before
 * the thread looks for work elsewhere or parks, and now and then, so that
 * a saved process is never left unpublished for long. */
int snow_stack_save_on_block(SnowProcess *p);
#define SAVE_BATCH 32
int snow_stack_save_batch_full(void);
/* Number of processes in this thread's batch. */
int snow_stack_save_pending(void);
/* Releases the batch's pages and moves its processes to out (room for
 * SAVE_BATCH); returns how many. */
int snow_stack_save_release_batch(SnowProcess **out);
/* Slow part of snow_stack_save_before_run. */
void snow_stack_save_on_resume(SnowProcess *p);
/* p is about to be freed without running again: restores a saved stack so
 * that its heap and stack can be released normally. */
void snow_stack_save_discard(SnowProcess *p);

/* Called by run() for every process before switching into it: only a
 * process whose last switch-out was a block has anything to undo. */
static inline void snow_stack_save_before_run(SnowProcess *p) {
  if (p->intent == INTENT_BLOCK_MSG || p->intent == INTENT_BLOCK_TIMER)
    snow_stack_save_on_resume(p);
}

/* Statistics for tests. */
typedef struct SnowStackSaveStats {
  uint64_t saves;         /* stacks saved since the start of the run */
  uint64_t saved_now;     /* processes whose stack is saved at this moment */
  uint64_t saved_bytes;   /* bytes held in save buffers at this moment */
  int64_t committed_idle; /* estimate: blocked processes with committed stacks */
} SnowStackSaveStats;
SnowStackSaveStats snow_stack_save_stats(void);

#endif
